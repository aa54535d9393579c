//! The explorer's state and its one pure entry point, [`App::update`]: every key, tick and
//! resize becomes an [`Action`] applied here. Derived pictures (histogram, curves, surface,
//! underflow trace) are recomputed when the sample or θ changes, never per frame.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::action::Action;
use super::derived::{DataView, Surface, curve, parameter_ranges, standard_errors};
use super::export;
use crate::error::InputError;
use crate::format::readable as fmt_num;
use crate::optim::boundary;
use crate::optim::fit::{Event, Fit, Record, StopReason, Stopping};
use crate::optim::{OptimizerKind, Settings};
use crate::runner::{Prepared, prepare};
use crate::scenario::{self, Focus, Scenario, Source};
use crate::stats::family::{Family, FamilyKind, Shape};
use crate::stats::information::{
    EmpiricalDecomposition, Truth, TruthDecomposition, empirical_decomposition,
};
use crate::stats::objective::Objective;
use crate::stats::sample::Sample;
use crate::stats::underflow::{TraceBuilder, UnderflowTrace, trace};

/// Time given to optimiser steps per tick while running: keys are read between ticks, so
/// this bounds how long a key can wait.
const RUN_BUDGET: Duration = Duration::from_millis(12);
/// Time given to filling in the likelihood surface per tick.
const SURFACE_BUDGET: Duration = Duration::from_millis(8);
/// While running, the underflow trace (a pass over the data) is restarted at most this often.
const TRACE_INTERVAL: Duration = Duration::from_millis(250);
/// Time given to the underflow trace per tick.
const TRACE_BUDGET: Duration = Duration::from_millis(6);
/// Values traced between looks at the clock.
const TRACE_CHUNK: usize = 1 << 14;
/// Time the Newton run that finds the MLE of a model without a closed form may take when a
/// run is built. Most converge in milliseconds; one whose supremum lies at the edge of its
/// space (a t fitted to light-tailed data: df → ∞) stops at the boundary in about 20 steps.
/// The budget guards against any run that neither converges nor shows that pattern, whose
/// 200 steps would freeze the screen, deaf even to Ctrl-C, for seconds.
const MLE_BUDGET: Duration = Duration::from_secs(1);
/// The explorer refuses samples larger than this: every frame must stay cheap.
pub const MAX_TUI_SAMPLE: usize = 1_000_000;
/// The sizes below which the screen shows a message instead of panes.
pub const MIN_WIDTH: u16 = 60;
/// Minimum rows.
pub const MIN_HEIGHT: u16 = 20;

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Histogram with the true and fitted densities.
    Data,
    /// Log-likelihood against iteration, and its curve or surface over θ.
    Likelihood,
    /// Cross-entropy against iteration with its decomposition.
    CrossEntropy,
    /// The raw product of probabilities against the log-sum.
    Underflow,
    /// Numbers: θ, gradient, optimiser, lesson.
    Status,
}

impl Pane {
    /// Every pane, in focus order.
    pub const ALL: [Self; 5] =
        [Self::Data, Self::Likelihood, Self::CrossEntropy, Self::Underflow, Self::Status];

    /// The pane's title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Data => "Data and fit",
            Self::Likelihood => "Likelihood",
            Self::CrossEntropy => "Cross-entropy",
            Self::Underflow => "Underflow",
            Self::Status => "Status",
        }
    }

    fn offset(self, by: isize) -> Self {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0) as isize;
        Self::ALL[(i + by).rem_euclid(Self::ALL.len() as isize) as usize]
    }

    /// The pane a scenario's `focus` names.
    #[must_use]
    pub fn from_focus(focus: Focus) -> Self {
        match focus {
            Focus::Data => Self::Data,
            Focus::Likelihood => Self::Likelihood,
            Focus::CrossEntropy => Self::CrossEntropy,
            Focus::Underflow => Self::Underflow,
            Focus::Status => Self::Status,
        }
    }
}

/// One entry of the scenario picker.
#[derive(Debug, Clone, PartialEq)]
pub struct PickerItem {
    /// Preset name or path.
    pub name: String,
    /// Title, or the error that stops it loading.
    pub title: String,
    /// Lesson text.
    pub lesson: String,
}

/// What is drawn over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// Nothing.
    None,
    /// The key list.
    Help,
    /// The scenario picker.
    Picker {
        /// Entries.
        items: Vec<PickerItem>,
        /// Highlighted entry.
        selected: usize,
    },
    /// An error that did not change the run (a bad scenario file, a failed export).
    Error(String),
}

/// A run set aside when the sample or model changed, kept for export.
#[derive(Debug, Clone)]
pub struct ArchivedRun {
    /// What the run was (model, truth, m, seed).
    pub label: String,
    /// Its parameter names.
    pub param_names: Vec<String>,
    /// Its records.
    pub history: Vec<Record>,
}

/// Everything derived from one sample and model.
pub struct Run {
    /// The data.
    pub sample: Sample,
    /// The model.
    pub model: Box<dyn Family>,
    /// The truth and its integration rule, when the data were sampled.
    pub truth: Option<Truth>,
    /// Where θ starts.
    pub start: Vec<f64>,
    /// The fit in progress.
    pub fit: Fit,
    /// The maximum-likelihood estimate: closed form, or Newton run to convergence at load.
    pub mle: Vec<f64>,
    /// Whether `mle` is the closed form.
    pub mle_closed_form: bool,
    /// Whether `mle` is a maximum (closed form, or Newton converged within its budget).
    pub mle_converged: bool,
    /// When Newton at load ran to the boundary instead: which parameter goes where ("df → ∞").
    pub mle_boundary: Option<String>,
    /// Display ranges of the natural parameters.
    pub ranges: Vec<(f64, f64)>,
    /// Bars and truth curve.
    pub data_view: DataView,
    /// The model's density at θ.
    pub model_curve: Vec<(f64, f64)>,
    /// The likelihood surface (or curve), filled in over ticks.
    pub surface: Option<Surface>,
    /// The parameter pair shown on the surface.
    pub pair: (usize, usize),
    /// The underflow trace at `trace_theta`.
    pub trace: UnderflowTrace,
    /// A newer trace being computed over ticks.
    trace_builder: Option<TraceBuilder>,
    /// θ (natural) the trace was computed at.
    pub trace_theta: Vec<f64>,
    /// H(p̂), D(p̂‖q) at θ for whole-number data under a discrete model.
    pub empirical: Option<EmpiricalDecomposition>,
    /// H(p), H(p, q_θ), D(p‖q_θ) at θ.
    pub truth_now: Option<TruthDecomposition>,
    /// (iteration, H(p, q_θ)) sampled as θ moved.
    pub truth_series: Vec<(f64, f64)>,
    /// (iteration, ℓ) of every record so far (thinned when long).
    pub ll_series: Vec<(f64, f64)>,
    /// (iteration, H(p̂, q_θ) = −ℓ/m).
    pub ce_series: Vec<(f64, f64)>,
    /// History records already copied into the series.
    series_seen: usize,
    /// Underflow curves, log10 against m (or log10 m for large samples): the true value from
    /// the log-sum, the f64 product and the f32 product (finite parts only).
    pub trace_curves: [Vec<(f64, f64)>; 3],
}

/// The explorer.
#[allow(clippy::struct_excessive_bools)] // independent switches of the view, not a state machine
pub struct App {
    /// The scenario loaded.
    pub scenario: Scenario,
    /// Seed of the current sample.
    pub seed: u64,
    /// Sample size m.
    pub sample_size: usize,
    /// The true family, its fixed parts and parameters (None for data files).
    pub truth: Option<(FamilyKind, Shape, Vec<f64>)>,
    /// The model family.
    pub model_kind: FamilyKind,
    /// Optimiser settings.
    pub settings: Settings,
    /// Stopping rules.
    pub stopping: Stopping,
    /// The current run.
    pub run: Run,
    /// Continuous stepping on.
    pub running: bool,
    /// What is drawn on top.
    pub overlay: Overlay,
    /// The focused pane.
    pub focus: Pane,
    /// The focused pane fills the screen.
    pub zoomed: bool,
    /// The last thing that happened, for the status pane.
    pub message: String,
    /// Runs set aside, for export.
    pub archive: Vec<ArchivedRun>,
    /// Set when the user quits.
    pub quit: bool,
    /// Terminal size.
    pub size: (u16, u16),
    /// Whether to use colour (NO_COLOR unset).
    pub color: bool,
    /// Where exports are written.
    pub export_dir: PathBuf,
    last_trace: Option<Instant>,
}

impl Run {
    fn build(
        scenario: &Scenario,
        seed: u64,
        start_override: Option<Vec<f64>>,
    ) -> Result<Self, InputError> {
        let Prepared { sample, model, truth, start, .. } = prepare(scenario, seed)?;
        let start = start_override.filter(|s| model.check(s).is_ok()).unwrap_or(start);
        let objective = Objective { family: model.as_ref(), sample: &sample };
        let closed = model.closed_form_mle(&sample).filter(|m| model.check(m).is_ok());
        let mle_closed_form = closed.is_some();
        let ((mle, mle_converged), mle_boundary) = closed.map_or_else(
            || {
                let from = model.start(&sample);
                let mut reference = Fit::new(
                    &objective,
                    &from,
                    Settings { kind: OptimizerKind::Newton, ..Settings::default() },
                );
                let stopping = Stopping { max_steps: 200, tolerance: 1e-10 };
                let clock = Instant::now();
                let reason = loop {
                    if let Some(reason) = reference.check(&stopping) {
                        break Some(reason);
                    }
                    if clock.elapsed() >= MLE_BUDGET {
                        break None;
                    }
                    reference.step(&objective);
                };
                let converged = reason.is_some_and(StopReason::converged);
                let boundary = reason.and_then(|r| boundary_label(model.as_ref(), &reference, r));
                ((reference.current().natural.clone(), converged), boundary)
            },
            |m| ((m, true), None),
        );
        let se = standard_errors(&objective, &mle);
        let ranges = parameter_ranges(model.as_ref(), &start, &mle, &se);
        let truth_pair = truth.as_ref().map(|t| (t.family(), t.params()));
        let data_view =
            DataView::new(&sample, truth_pair, model.kind().is_discrete() && sample.stats().whole);
        let fit = Fit::new(&objective, &start, scenario.settings);
        let dim = model.param_names().len();
        let pair = (0, usize::from(dim > 1));
        let trace = trace(&Objective { family: model.as_ref(), sample: &sample }, &start);
        let mut run = Self {
            sample,
            model,
            truth,
            start: start.clone(),
            fit,
            mle,
            mle_closed_form,
            mle_converged,
            mle_boundary,
            ranges,
            data_view,
            model_curve: Vec::new(),
            surface: None,
            pair,
            trace,
            trace_builder: None,
            trace_theta: start,
            empirical: None,
            truth_now: None,
            truth_series: Vec::new(),
            ll_series: Vec::new(),
            ce_series: Vec::new(),
            series_seen: 0,
            trace_curves: [Vec::new(), Vec::new(), Vec::new()],
        };
        run.rebuild_trace_curves();
        run.reset_surface();
        run.refresh_theta();
        Ok(run)
    }

    /// The objective of this run.
    #[must_use]
    pub fn objective(&self) -> Objective<'_> {
        Objective { family: self.model.as_ref(), sample: &self.sample }
    }

    fn reset_surface(&mut self) {
        // A categorical's probabilities live on a simplex: moving one alone leaves it.
        let base = self.fit.current().natural.clone();
        self.surface = (self.model.kind() != FamilyKind::Categorical)
            .then(|| Surface::new(self.model.as_ref(), &base, self.pair, &self.ranges));
    }

    /// With more than two parameters the surface holds the others at the current θ: once a
    /// surface is complete and θ has moved in those coordinates, start a fresh one.
    fn follow_theta(&mut self) {
        let Some(s) = &self.surface else { return };
        if s.is_profile() || !s.complete() {
            return;
        }
        let now = &self.fit.current().natural;
        let moved =
            now.iter().zip(&s.base).enumerate().any(|(i, (a, b))| i != s.px && i != s.py && a != b);
        if moved {
            self.reset_surface();
        }
    }

    /// Whether the underflow pane plots against log10 m (large samples).
    #[must_use]
    pub fn log_m(&self) -> bool {
        self.sample.len() > 10_000
    }

    fn rebuild_trace_curves(&mut self) {
        let log_m = self.log_m();
        let x = |m: usize| if log_m { (m as f64).log10() } else { m as f64 };
        let pick = |f: fn(&crate::stats::underflow::TracePoint) -> f64| {
            self.trace.curve.iter().filter(|p| f(p).is_finite()).map(|p| (x(p.m), f(p))).collect()
        };
        self.trace_curves = [pick(|p| p.log10_true), pick(|p| p.log10_f64), pick(|p| p.log10_f32)];
    }

    /// Recomputes what depends on θ (not the underflow trace, which is throttled).
    fn refresh_theta(&mut self) {
        self.follow_theta();
        if self.fit.history().len() < self.series_seen {
            self.ll_series.clear();
            self.ce_series.clear();
            self.series_seen = 0;
        }
        for r in &self.fit.history()[self.series_seen..] {
            let it = r.iteration as f64;
            self.ll_series.push((it, r.log_likelihood));
            self.ce_series.push((it, -r.mean_log_likelihood));
        }
        self.series_seen = self.fit.history().len();
        // Long runs: keep every other point (and the last) so drawing stays cheap.
        for series in [&mut self.ll_series, &mut self.ce_series, &mut self.truth_series] {
            if series.len() > 4000 {
                let last = series[series.len() - 1];
                let mut i = 0;
                series.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                series.push(last);
            }
        }
        let nat = self.fit.current().natural.clone();
        self.model_curve = curve(self.model.as_ref(), &nat, self.data_view.x_range);
        self.empirical = empirical_decomposition(self.model.as_ref(), &nat, &self.sample);
        self.truth_now = self.truth.as_ref().map(|t| t.decompose(self.model.as_ref(), &nat));
        if let Some(t) = self.truth_now {
            let it = self.fit.iteration() as f64;
            if self.truth_series.last().is_none_or(|p| p.0 < it) {
                self.truth_series.push((it, t.cross_entropy));
            }
        }
    }

    /// Starts tracing the current θ, unless that trace is done or under way.
    fn start_trace(&mut self) {
        let nat = &self.fit.current().natural;
        let under_way = self.trace_builder.as_ref().is_some_and(|b| b.params() == nat.as_slice());
        if *nat != self.trace_theta && !under_way {
            self.trace_builder = Some(TraceBuilder::new(nat, self.sample.len()));
        }
    }

    /// Advances the pending trace within `budget` (at least one chunk), installing it when
    /// done; the pane keeps showing the previous trace meanwhile.
    fn advance_trace(&mut self, budget: Duration) {
        let Some(builder) = self.trace_builder.as_mut() else { return };
        let clock = Instant::now();
        loop {
            if builder.advance(
                &Objective { family: self.model.as_ref(), sample: &self.sample },
                TRACE_CHUNK,
            ) {
                let done = self.trace_builder.take().expect("builder present");
                self.trace_theta = done.params().to_vec();
                self.trace = done.finish();
                self.rebuild_trace_curves();
                return;
            }
            if clock.elapsed() >= budget {
                return;
            }
        }
    }

    /// Whether a trace is still being computed.
    #[must_use]
    pub fn trace_pending(&self) -> bool {
        self.trace_builder.is_some()
    }
}

impl App {
    /// Loads a scenario (all before the terminal goes raw, so errors print normally).
    pub fn new(scenario: Scenario, seed: Option<u64>, color: bool) -> Result<Self, InputError> {
        let seed = seed.unwrap_or(scenario.seed);
        if scenario.sample_size > MAX_TUI_SAMPLE {
            return Err(InputError::new(format!(
                "the explorer draws at most {MAX_TUI_SAMPLE} points; use `mlex run` for {}",
                scenario.sample_size
            ))
            .field("sample_size"));
        }
        let run = Run::build(&scenario, seed, None)?;
        let truth = match &scenario.source {
            Source::Truth { kind, shape, params } => Some((*kind, *shape, params.clone())),
            Source::Data { .. } => None,
        };
        let focus = scenario.focus.map_or(Pane::Data, Pane::from_focus);
        Ok(Self {
            seed,
            sample_size: scenario.sample_size,
            truth,
            model_kind: scenario.model,
            settings: scenario.settings,
            stopping: scenario.stopping,
            run,
            running: false,
            overlay: Overlay::None,
            focus,
            zoomed: false,
            message: format!("{} — press space to step, r to run, ? for keys", scenario.title),
            archive: Vec::new(),
            quit: false,
            size: (120, 40),
            color,
            export_dir: PathBuf::from("."),
            last_trace: None,
            scenario,
        })
    }

    /// Applies one action. The only way the state changes.
    pub fn update(&mut self, action: Action) {
        if let Action::Resize(w, h) = action {
            self.size = (w, h);
            return;
        }
        if action == Action::Quit {
            self.quit = true;
            return;
        }
        if action == Action::Tick {
            self.tick();
            return;
        }
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::None => self.update_main(action),
            Overlay::Picker { items, selected } => self.update_picker(action, items, selected),
            other => {
                // Help and errors close on Esc, ? or Enter; other keys leave them open.
                if !matches!(action, Action::Back | Action::ToggleHelp | Action::ToggleRun) {
                    self.overlay = other;
                }
            }
        }
    }

    fn update_picker(&mut self, action: Action, items: Vec<PickerItem>, selected: usize) {
        let n = items.len().max(1);
        match action {
            Action::Up => {
                self.overlay = Overlay::Picker { items, selected: (selected + n - 1) % n }
            }
            Action::Down => self.overlay = Overlay::Picker { items, selected: (selected + 1) % n },
            Action::ToggleRun => {
                if let Some(item) = items.get(selected) {
                    self.load_scenario(&item.name.clone());
                }
            }
            Action::Back | Action::OpenPicker => {}
            _ => self.overlay = Overlay::Picker { items, selected },
        }
    }

    fn update_main(&mut self, action: Action) {
        match action {
            Action::Step => {
                self.running = false;
                self.step_once();
                self.after_theta_change(true);
            }
            Action::ToggleRun => {
                self.running = !self.running;
                self.message = if self.running { "running".into() } else { "paused".into() };
            }
            Action::StepSizeUp | Action::StepSizeDown => {
                let factor = if action == Action::StepSizeUp { 2.0 } else { 0.5 };
                self.settings.step_size = (self.settings.step_size * factor).clamp(1e-12, 1e12);
                self.run.fit.set_settings(self.settings);
                self.message =
                    format!("step size {} (θ and history kept)", fmt_num(self.settings.step_size));
            }
            Action::SampleSizeUp | Action::SampleSizeDown => {
                self.change_sample_size(action == Action::SampleSizeUp);
            }
            Action::NewSeed => {
                if self.truth.is_none() {
                    self.message =
                        "this scenario reads a data file: there is nothing to resample".into();
                } else {
                    self.seed = self.seed.wrapping_add(1);
                    self.rebuild(format!("new sample with seed {}", self.seed));
                }
            }
            Action::CycleOptimizer => {
                let i =
                    OptimizerKind::ALL.iter().position(|k| *k == self.settings.kind).unwrap_or(0);
                self.settings.kind = OptimizerKind::ALL[(i + 1) % OptimizerKind::ALL.len()];
                self.run.fit.set_settings(self.settings);
                self.message = format!("optimiser {} (θ and history kept)", self.settings.kind);
            }
            Action::CycleModel => self.cycle_model(),
            Action::CycleTruth => self.cycle_truth(),
            Action::ResetTheta => {
                self.archive_run();
                let objective = self.run.objective();
                self.run.fit = Fit::new(&objective, &self.run.start, self.settings);
                self.run.truth_series.clear();
                self.run.series_seen = usize::MAX;
                self.after_theta_change(true);
                self.message =
                    "θ reset to the start; the previous run is archived (e exports it)".into();
            }
            Action::JumpToMle => {
                let Run { fit, model, sample, mle, .. } = &mut self.run;
                fit.jump_to(&Objective { family: model.as_ref(), sample }, mle);
                self.after_theta_change(true);
                self.message = if self.run.mle_closed_form {
                    "θ set to the closed-form MLE".into()
                } else if self.run.mle_converged {
                    "θ set to the MLE found by Newton's method at load (no closed form)".into()
                } else if let Some(b) = &self.run.mle_boundary {
                    format!(
                        "θ set to where Newton's method stopped at load: there is no MLE, {b} \
                         (ℓ's supremum is at the boundary of the parameter space)"
                    )
                } else {
                    "θ set to where Newton's method got at load without converging: the MLE \
                     may lie at the edge of the parameter space"
                        .into()
                };
            }
            Action::OpenPicker => self.open_picker(),
            Action::FocusNext => self.focus = self.focus.offset(1),
            Action::FocusPrev => self.focus = self.focus.offset(-1),
            Action::ToggleZoom => self.zoomed = !self.zoomed,
            Action::Export => self.export(),
            Action::ToggleHelp => self.overlay = Overlay::Help,
            Action::Left | Action::Right => self.move_pair(action == Action::Right, true),
            Action::Up | Action::Down => self.move_pair(action == Action::Up, false),
            Action::Back => self.quit = true,
            Action::Tick | Action::Quit | Action::Resize(..) => {}
        }
    }

    fn step_once(&mut self) {
        let Run { fit, model, sample, .. } = &mut self.run;
        let objective = Objective { family: model.as_ref(), sample };
        let record = fit.step(&objective).clone();
        self.message = describe(&record);
        if let Some(reason) = self.run.fit.check(&self.stopping)
            && (reason.converged() || matches!(reason, StopReason::Boundary { .. }))
        {
            let at = self.run.fit.iteration();
            self.message = format!("{} at iteration {at}", self.stop_text(reason));
        }
    }

    /// A stop in words; at the boundary, naming the parameter, its limit and the gap to ℓ's
    /// supremum.
    #[must_use]
    pub fn stop_text(&self, reason: StopReason) -> String {
        let StopReason::Boundary { coordinate, increasing } = reason else {
            return reason.to_string();
        };
        let fit = &self.run.fit;
        let limit = self.run.model.boundary_limit(&fit.current().free, coordinate, increasing);
        boundary::describe(&limit, fit.runaway().map_or(f64::NAN, |r| r.remaining))
    }

    fn tick(&mut self) {
        let clock = Instant::now();
        if self.running {
            let mut stop = None;
            let mut last = None;
            while clock.elapsed() < RUN_BUDGET {
                if let Some(reason) = self.run.fit.check(&self.stopping) {
                    stop = Some(reason);
                    break;
                }
                let Run { fit, model, sample, .. } = &mut self.run;
                let record = fit.step(&Objective { family: model.as_ref(), sample }).clone();
                if matches!(record.event, Event::Refused(_)) {
                    last = Some(record);
                }
            }
            if let Some(r) = last {
                self.message = describe(&r);
            }
            if let Some(reason) = stop {
                self.running = false;
                self.message = format!(
                    "{} at iteration {} (paused)",
                    self.stop_text(reason),
                    self.run.fit.iteration()
                );
            }
            let due = self.last_trace.is_none_or(|t| t.elapsed() >= TRACE_INTERVAL);
            self.after_theta_change(due || !self.running);
        }
        if self.run.trace_pending() {
            self.run.advance_trace(TRACE_BUDGET);
        }
        // A step on a large sample without sufficient statistics is a whole pass: then the
        // surface waits until the run pauses, so a tick stays about one step long.
        let spare = clock.elapsed() < RUN_BUDGET / 2;
        if let Some(surface) = self.run.surface.as_mut()
            && !surface.complete()
            && spare
        {
            let objective = Objective { family: self.run.model.as_ref(), sample: &self.run.sample };
            surface.advance(&objective, SURFACE_BUDGET);
        }
    }

    fn after_theta_change(&mut self, with_trace: bool) {
        self.run.refresh_theta();
        if with_trace {
            self.run.start_trace();
            self.run.advance_trace(TRACE_BUDGET);
            self.last_trace = Some(Instant::now());
        }
    }

    fn archive_run(&mut self) {
        if self.run.fit.iteration() == 0 {
            return;
        }
        let truth =
            self.truth.as_ref().map_or_else(|| "data file".to_string(), |(k, _, _)| k.to_string());
        self.archive.push(ArchivedRun {
            label: format!(
                "{} on {} m={} seed={}",
                self.run.model.kind(),
                truth,
                self.sample_size,
                self.seed
            ),
            param_names: self.run.model.param_names(),
            history: self.run.fit.history().to_vec(),
        });
    }

    /// Rebuilds the run from the current settings; on failure keeps the old run and says why.
    fn rebuild(&mut self, what: String) {
        let mut scenario = self.scenario.clone();
        scenario.sample_size = self.sample_size;
        scenario.model = self.model_kind;
        scenario.settings = self.settings;
        if let Some((kind, shape, params)) = &self.truth {
            scenario.source = Source::Truth { kind: *kind, shape: *shape, params: params.clone() };
        }
        if scenario.model != self.scenario.model {
            scenario.start = None;
            scenario.model_fixed = None;
        }
        let truth_is = |k: FamilyKind| self.truth.as_ref().is_some_and(|t| t.0 == k);
        // A model with a fixed part (binomial's n, categorical's k) of other data takes the
        // smallest that holds the data.
        if let Some(part) = scenario.model.fixed_part()
            && !truth_is(scenario.model)
        {
            scenario.model_fixed.get_or_insert(part.holding(self.run.sample.stats().max));
        }
        let keep_start = (scenario.model == self.run.model.kind()).then(|| self.run.start.clone());
        match Run::build(&scenario, self.seed, keep_start) {
            Ok(run) => {
                self.archive_run();
                let archived = self.run.fit.iteration() > 0;
                self.run = run;
                self.running = false;
                self.after_theta_change(true);
                self.message = if archived {
                    format!("{what}; the previous run is archived (e exports it)")
                } else {
                    what
                };
            }
            Err(e) => self.message = format!("cannot: {e}"),
        }
    }

    fn change_sample_size(&mut self, up: bool) {
        if self.truth.is_none() {
            self.message = "this scenario reads a data file: its size is fixed".into();
            return;
        }
        let next = if up { self.sample_size.saturating_mul(2) } else { self.sample_size / 2 };
        let next = next.clamp(1, MAX_TUI_SAMPLE);
        if next == self.sample_size {
            self.message = format!("sample size stays {next} (from 1 to {MAX_TUI_SAMPLE})");
            return;
        }
        let old = self.sample_size;
        self.sample_size = next;
        self.rebuild(format!("sample size {next}"));
        if self.run.sample.len() != next {
            self.sample_size = old;
        }
    }

    fn cycle_model(&mut self) {
        let start = FamilyKind::ALL.iter().position(|k| *k == self.model_kind).unwrap_or(0);
        for step in 1..FamilyKind::ALL.len() {
            let kind = FamilyKind::ALL[(start + step) % FamilyKind::ALL.len()];
            if fits(kind, &self.run.sample) {
                let old = self.model_kind;
                self.model_kind = kind;
                self.rebuild(format!("model {kind}"));
                if self.run.model.kind() != kind {
                    self.model_kind = old;
                }
                return;
            }
        }
        self.message = "no other family can fit these data".into();
    }

    fn cycle_truth(&mut self) {
        let Some((kind, _, _)) = &self.truth else {
            self.message =
                "this scenario reads a data file: there is no true family to change".into();
            return;
        };
        let i = FamilyKind::ALL.iter().position(|k| k == kind).unwrap_or(0);
        let next = FamilyKind::ALL[(i + 1) % FamilyKind::ALL.len()];
        let (shape, params) = next.default_truth();
        let old_truth = self.truth.replace((next, shape, params.clone()));
        let old_model = self.model_kind;
        // Keep the model if it can fit the new truth's data, else fit the truth's own family.
        let probe =
            next.build(shape).sample(&params, 200, &mut crate::stats::rng::seeded(self.seed));
        if !fits(self.model_kind, &Sample::new(probe)) {
            self.model_kind = next;
        }
        self.rebuild(format!("truth {next}"));
        if self.run.truth.as_ref().map(|t| t.family().kind()) != Some(next) {
            self.truth = old_truth;
            self.model_kind = old_model;
        }
    }

    fn move_pair(&mut self, forward: bool, x_axis: bool) {
        let dim = self.run.model.param_names().len();
        if dim < 2 {
            self.message = "one parameter: the likelihood pane shows its whole curve".into();
            return;
        }
        let (mut px, mut py) = self.run.pair;
        let step = |v: usize| if forward { (v + 1) % dim } else { (v + dim - 1) % dim };
        if dim == 2 {
            // Two parameters: the only other choice is to swap the axes.
            (px, py) = (py, px);
        } else if x_axis {
            px = step(px);
            if px == py {
                px = step(px);
            }
        } else {
            py = step(py);
            if py == px {
                py = step(py);
            }
        }
        self.run.pair = (px, py);
        self.run.reset_surface();
        let names = self.run.model.param_names();
        self.message = format!(
            "surface: {} across, {} up; the rest held at the current θ",
            names[px], names[py]
        );
    }

    fn open_picker(&mut self) {
        let items = scenario::catalogue()
            .into_iter()
            .map(|(name, title)| match title {
                Ok(_) => {
                    let s = scenario::load(&name);
                    PickerItem {
                        title: s.as_ref().map(|s| s.title.clone()).unwrap_or_default(),
                        lesson: s.map(|s| s.lesson).unwrap_or_default(),
                        name,
                    }
                }
                Err(e) => {
                    PickerItem { name, title: "(does not load)".into(), lesson: e.to_string() }
                }
            })
            .collect::<Vec<_>>();
        let selected = items.iter().position(|i| i.name == self.scenario.name).unwrap_or(0);
        self.overlay = Overlay::Picker { items, selected };
    }

    /// Loads a scenario by name or path; a bad one leaves the current run as it is.
    pub fn load_scenario(&mut self, name: &str) {
        let loaded = scenario::load(name).and_then(|s| {
            let color = self.color;
            App::new(s, None, color)
        });
        match loaded {
            Ok(mut fresh) => {
                self.archive_run();
                fresh.archive = std::mem::take(&mut self.archive);
                fresh.size = self.size;
                fresh.export_dir = std::mem::take(&mut self.export_dir);
                *self = fresh;
            }
            Err(e) => self.overlay = Overlay::Error(format!("could not load {name}: {e}")),
        }
    }

    fn export(&mut self) {
        let mut runs = self.archive.clone();
        runs.push(ArchivedRun {
            label: "current".into(),
            param_names: self.run.model.param_names(),
            history: self.run.fit.history().to_vec(),
        });
        match export::write_new(&self.export_dir, &self.scenario.name, &runs) {
            Ok(path) => self.message = format!("wrote {} ({} runs)", path.display(), runs.len()),
            Err(e) => self.overlay = Overlay::Error(format!("export failed: {e}")),
        }
    }

    /// Whether the latest stopping check says the fit is done.
    #[must_use]
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.run.fit.check(&self.stopping)
    }
}

/// "df → ∞" when `reason` is a run to the boundary.
#[must_use]
pub fn boundary_label(model: &dyn Family, fit: &Fit, reason: StopReason) -> Option<String> {
    let StopReason::Boundary { coordinate, increasing } = reason else { return None };
    let limit = model.boundary_limit(&fit.current().free, coordinate, increasing);
    Some(boundary::label(&limit))
}

/// Whether a family can be fitted to a sample (support, fixed parts, an interior MLE).
fn fits(kind: FamilyKind, sample: &Sample) -> bool {
    let st = sample.stats();
    let shape = kind.fixed_part().map_or_else(Shape::default, |p| Shape::fixed(p.holding(st.max)));
    let family = kind.build(shape);
    family.supports(st) && family.degenerate(sample).is_none()
}

/// One line for the status pane about a step.
fn describe(record: &Record) -> String {
    match record.event {
        Event::Refused(reason) => {
            format!("step refused: {reason}; step size halved to {}", fmt_num(record.step_size))
        }
        Event::NoAscent => {
            "no step of any size increases ℓ: θ is a maximum to f64 precision".into()
        }
        _ => format!("iteration {}: ℓ = {}", record.iteration, fmt_num(record.log_likelihood)),
    }
}
