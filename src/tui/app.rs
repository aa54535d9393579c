//! The explorer's state and its one entry point, [`App::update`]: every key, tick, resize
//! and answer to an effect becomes an [`Action`] applied here. `update` is pure: it reads no
//! file and no clock, and asks the loop for any I/O by returning [`Effect`]s, so the same
//! actions give the same state on any machine.

use std::path::PathBuf;

use super::action::{Action, Work};
use super::effect::Effect;
use super::export::ArchivedRun;
use super::pane::{Overlay, Pane, PickerItem};
use super::run::Run;
use super::session::{Loaded, Session};
use crate::error::InputError;
use crate::format::readable as fmt_num;
use crate::optim::OptimizerKind;
use crate::optim::fit::{Event, Fit, Record, StopReason};
use crate::scenario::{Scenario, Source};
use crate::stats::family::{FamilyKind, Shape};
use crate::stats::objective::Objective;
use crate::stats::sample::Sample;
use crate::words;

/// While running, the underflow trace (a pass over the data) is restarted at most once in
/// this many ticks (about a quarter of a second at the loop's 16 ms frames), and only once
/// the previous trace is done, so it always finishes.
const TRACE_EVERY: usize = 15;
/// The explorer refuses samples larger than this: every frame must stay cheap.
pub const MAX_TUI_SAMPLE: usize = 1_000_000;
/// The sizes below which the screen shows a message instead of panes.
pub const MIN_WIDTH: u16 = 60;
/// Minimum rows.
pub const MIN_HEIGHT: u16 = 20;

/// The explorer.
#[allow(clippy::struct_excessive_bools)] // independent switches of the view, not a state machine
pub struct App {
    /// The scenario, the user's changes to it, and the archived runs.
    pub session: Session,
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
    /// Set when the user quits.
    pub quit: bool,
    /// Terminal size.
    pub size: (u16, u16),
    /// Whether to use colour (NO_COLOR unset).
    pub color: bool,
    /// Where exports are written.
    pub export_dir: PathBuf,
    /// Running ticks since the underflow trace was last restarted.
    ticks_since_trace: usize,
}

impl App {
    /// Opens a scenario, reading its data file if it has one (all before the terminal goes
    /// raw, so errors print normally).
    pub fn new(scenario: Scenario, seed: Option<u64>, color: bool) -> Result<Self, InputError> {
        Self::from_loaded(Loaded::read(scenario)?, seed, color)
    }

    /// Opens a scenario whose data are already read: pure, so `update` can call it.
    pub fn from_loaded(loaded: Loaded, seed: Option<u64>, color: bool) -> Result<Self, InputError> {
        let scenario = &loaded.scenario;
        if scenario.sample_size > MAX_TUI_SAMPLE {
            return Err(InputError::new(format!(
                "the explorer draws at most {MAX_TUI_SAMPLE} points; use `mlex run` for {}",
                scenario.sample_size
            ))
            .field("sample_size"));
        }
        if matches!(scenario.source, Source::Data { .. }) && loaded.data.is_none() {
            // Building the run would read the file: `update` must never touch the disk.
            return Err(
                InputError::new("the data file was not read at load").in_file(&scenario.name)
            );
        }
        let seed = seed.unwrap_or(scenario.seed);
        let run = Run::build(scenario, seed, loaded.data.as_deref(), None)?;
        let focus = scenario.focus.map_or(Pane::Data, Pane::from_focus);
        let message = format!("{} — press space to step, r to run, ? for keys", scenario.title);
        Ok(Self {
            session: Session::new(loaded, Some(seed)),
            run,
            running: false,
            overlay: Overlay::None,
            focus,
            zoomed: false,
            message,
            quit: false,
            size: (120, 40),
            color,
            export_dir: PathBuf::from("."),
            ticks_since_trace: TRACE_EVERY,
        })
    }

    /// Applies one action, the only way the state changes, and returns the I/O it needs
    /// done; the loop answers each effect with another action.
    #[must_use]
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let effects = self.apply(action);
        // The stop, if any, is judged once per point (a stop that looks like a maximum costs a
        // Hessian to verify), so the view only reads the verdict.
        self.run.conclude(&self.session.stopping);
        effects
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Resize(w, h) => self.size = (w, h),
            Action::Quit => self.quit = true,
            Action::Tick(work) => self.tick(work),
            Action::Load(name) => return vec![Effect::LoadScenario(name)],
            Action::Catalogue(items) => {
                let name = &self.session.scenario.name;
                let selected = items.iter().position(|i| &i.name == name).unwrap_or(0);
                self.overlay = Overlay::Picker { items, selected };
            }
            Action::Loaded { name, result } => self.loaded(&name, result),
            Action::Exported { result, runs } => match result {
                Ok(path) => self.message = format!("wrote {} ({runs} runs)", path.display()),
                Err(e) => self.overlay = Overlay::Error(format!("export failed: {e}")),
            },
            action => {
                return match std::mem::replace(&mut self.overlay, Overlay::None) {
                    Overlay::None => self.update_main(&action),
                    Overlay::Picker { items, selected } => {
                        self.update_picker(&action, items, selected)
                    }
                    other => {
                        // Help and errors close on Esc, ? or Enter; other keys leave them open.
                        if !matches!(action, Action::Back | Action::ToggleHelp | Action::ToggleRun)
                        {
                            self.overlay = other;
                        }
                        Vec::new()
                    }
                };
            }
        }
        Vec::new()
    }

    fn update_picker(
        &mut self,
        action: &Action,
        items: Vec<PickerItem>,
        selected: usize,
    ) -> Vec<Effect> {
        let n = items.len().max(1);
        match action {
            Action::Up => {
                self.overlay = Overlay::Picker { items, selected: (selected + n - 1) % n };
            }
            Action::Down => self.overlay = Overlay::Picker { items, selected: (selected + 1) % n },
            Action::ToggleRun => {
                if let Some(item) = items.get(selected) {
                    return vec![Effect::LoadScenario(item.name.clone())];
                }
            }
            Action::Back | Action::OpenPicker => {}
            _ => self.overlay = Overlay::Picker { items, selected },
        }
        Vec::new()
    }

    fn update_main(&mut self, action: &Action) -> Vec<Effect> {
        match action {
            Action::Step => {
                self.running = false;
                self.step_once();
                self.after_theta_change();
            }
            Action::ToggleRun => {
                self.running = !self.running;
                self.message = if self.running { "running".into() } else { "paused".into() };
            }
            Action::StepSizeUp | Action::StepSizeDown => {
                let factor = if *action == Action::StepSizeUp { 2.0 } else { 0.5 };
                let settings = &mut self.session.settings;
                settings.step_size = (settings.step_size * factor).clamp(1e-12, 1e12);
                self.run.fit.set_settings(*settings);
                self.message =
                    format!("step size {} (θ and history kept)", fmt_num(settings.step_size));
            }
            Action::SampleSizeUp | Action::SampleSizeDown => {
                self.change_sample_size(*action == Action::SampleSizeUp);
            }
            Action::NewSeed => {
                if self.session.truth.is_none() {
                    self.message =
                        "this scenario reads a data file: there is nothing to resample".into();
                } else {
                    self.session.seed = self.session.seed.wrapping_add(1);
                    self.rebuild(format!("new sample with seed {}", self.session.seed));
                }
            }
            Action::CycleOptimizer => {
                let settings = &mut self.session.settings;
                let i = OptimizerKind::ALL.iter().position(|k| *k == settings.kind).unwrap_or(0);
                settings.kind = OptimizerKind::ALL[(i + 1) % OptimizerKind::ALL.len()];
                self.run.fit.set_settings(*settings);
                self.message = format!("optimiser {} (θ and history kept)", settings.kind);
            }
            Action::CycleModel => self.cycle_model(),
            Action::CycleTruth => self.cycle_truth(),
            Action::ResetTheta => {
                self.archive_run();
                let objective = self.run.objective();
                self.run.fit = Fit::new(&objective, &self.run.start, self.session.settings);
                self.run.truth_series.clear();
                self.run.series_seen = usize::MAX;
                self.after_theta_change();
                self.message =
                    "θ reset to the start; the previous run is archived (e exports it)".into();
            }
            Action::JumpToMle => self.jump_to_mle(),
            Action::OpenPicker => return vec![Effect::ListScenarios],
            Action::FocusNext => self.focus = self.focus.offset(1),
            Action::FocusPrev => self.focus = self.focus.offset(-1),
            Action::ToggleZoom => self.zoomed = !self.zoomed,
            Action::Export => return vec![self.export()],
            Action::ToggleHelp => self.overlay = Overlay::Help,
            Action::Left | Action::Right => self.move_pair(*action == Action::Right, true),
            Action::Up | Action::Down => self.move_pair(*action == Action::Up, false),
            Action::Back => self.quit = true,
            Action::Tick(_)
            | Action::Quit
            | Action::Resize(..)
            | Action::Load(_)
            | Action::Catalogue(_)
            | Action::Loaded { .. }
            | Action::Exported { .. } => {}
        }
        Vec::new()
    }

    fn jump_to_mle(&mut self) {
        let Run { fit, model, sample, mle, .. } = &mut self.run;
        fit.jump_to(&Objective { family: model.as_ref(), sample }, mle);
        self.after_theta_change();
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
            let why = self.run.mle_reason.map_or("", words::stop);
            format!("θ set to where Newton's method stopped at load, not a verified maximum: {why}")
        };
    }

    fn step_once(&mut self) {
        let Run { fit, model, sample, .. } = &mut self.run;
        let objective = Objective { family: model.as_ref(), sample };
        let record = fit.step(&objective).clone();
        self.message = describe(&record);
        if let Some(reason) = self.run.conclude(&self.session.stopping)
            && reason != StopReason::StepLimit
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
            return words::stop(reason).to_string();
        };
        let fit = &self.run.fit;
        let limit = self.run.model.boundary_limit(&fit.current().free, coordinate, increasing);
        words::boundary(&limit, fit.runaway().map_or(f64::NAN, |r| r.remaining))
    }

    /// One tick's work: `work.steps` optimiser steps while running, then the pending trace,
    /// then (only while paused: a step without sufficient statistics is a whole pass, so the
    /// surface waits for the run) the surface.
    fn tick(&mut self, work: Work) {
        if self.running {
            let mut stop = None;
            let mut last = None;
            for _ in 0..work.steps.max(1) {
                if let Some(reason) = self.run.conclude(&self.session.stopping) {
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
            self.run.refresh_theta();
            self.ticks_since_trace = self.ticks_since_trace.saturating_add(1);
            let due = self.ticks_since_trace >= TRACE_EVERY && !self.run.trace_pending();
            if due || !self.running {
                self.run.start_trace();
                self.ticks_since_trace = 0;
            }
        }
        self.run.advance_trace(work.points);
        if !self.running {
            self.run.advance_surface(work.cells);
        }
    }

    fn after_theta_change(&mut self) {
        self.run.refresh_theta();
        self.run.start_trace();
        self.run.advance_trace(Work::default().points);
        self.ticks_since_trace = 0;
    }

    fn archive_run(&mut self) {
        if self.run.fit.iteration() == 0 {
            return;
        }
        self.session.archive.push(ArchivedRun {
            label: self.session.label(self.run.model.kind()),
            param_names: self.run.model.param_names(),
            history: self.run.fit.history().to_vec(),
        });
    }

    /// Rebuilds the run from the session; on failure keeps the old run and says why.
    fn rebuild(&mut self, what: String) {
        let scenario = self.session.scenario_now(self.run.sample.stats().max.max(1.0));
        let keep_start = (scenario.model == self.run.model.kind()).then(|| self.run.start.clone());
        match Run::build(&scenario, self.session.seed, self.session.data.as_deref(), keep_start) {
            Ok(run) => {
                self.archive_run();
                let archived = self.run.fit.iteration() > 0;
                self.run = run;
                self.running = false;
                self.after_theta_change();
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
        if self.session.truth.is_none() {
            self.message = "this scenario reads a data file: its size is fixed".into();
            return;
        }
        let next = if up {
            self.session.sample_size.saturating_mul(2)
        } else {
            self.session.sample_size / 2
        };
        let next = next.clamp(1, MAX_TUI_SAMPLE);
        if next == self.session.sample_size {
            self.message = format!("sample size stays {next} (from 1 to {MAX_TUI_SAMPLE})");
            return;
        }
        let old = self.session.sample_size;
        self.session.sample_size = next;
        self.rebuild(format!("sample size {next}"));
        if self.run.sample.len() != next {
            self.session.sample_size = old;
        }
    }

    fn cycle_model(&mut self) {
        let start = FamilyKind::ALL.iter().position(|k| *k == self.session.model_kind).unwrap_or(0);
        for step in 1..FamilyKind::ALL.len() {
            let kind = FamilyKind::ALL[(start + step) % FamilyKind::ALL.len()];
            if fits(kind, &self.run.sample) {
                let old = self.session.model_kind;
                self.session.model_kind = kind;
                self.rebuild(format!("model {kind}"));
                if self.run.model.kind() != kind {
                    self.session.model_kind = old;
                }
                return;
            }
        }
        self.message = "no other family can fit these data".into();
    }

    fn cycle_truth(&mut self) {
        let Some((kind, _, _)) = &self.session.truth else {
            self.message =
                "this scenario reads a data file: there is no true family to change".into();
            return;
        };
        let i = FamilyKind::ALL.iter().position(|k| k == kind).unwrap_or(0);
        let next = FamilyKind::ALL[(i + 1) % FamilyKind::ALL.len()];
        let (shape, params) = next.default_truth();
        let old_truth = self.session.truth.replace((next, shape, params.clone()));
        let old_model = self.session.model_kind;
        // Keep the model if it can fit the new truth's data, else fit the truth's own family.
        let probe = next.build(shape).sample(
            &params,
            200,
            &mut crate::stats::rng::seeded(self.session.seed),
        );
        if !fits(self.session.model_kind, &Sample::new(probe)) {
            self.session.model_kind = next;
        }
        self.rebuild(format!("truth {next}"));
        if self.run.truth.as_ref().map(|t| t.family().kind()) != Some(next) {
            self.session.truth = old_truth;
            self.session.model_kind = old_model;
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

    /// Takes a scenario the loop read; a bad one leaves the current run as it is.
    fn loaded(&mut self, name: &str, result: Result<Box<Loaded>, String>) {
        let fresh =
            result.and_then(|l| App::from_loaded(*l, None, self.color).map_err(|e| e.to_string()));
        match fresh {
            Ok(mut fresh) => {
                self.archive_run();
                fresh.session.archive = std::mem::take(&mut self.session.archive);
                fresh.size = self.size;
                fresh.export_dir = std::mem::take(&mut self.export_dir);
                *self = fresh;
            }
            Err(e) => self.overlay = Overlay::Error(format!("could not load {name}: {e}")),
        }
    }

    /// The export of every archived run and the current one, for the loop to write.
    fn export(&self) -> Effect {
        let mut runs = self.session.archive.clone();
        runs.push(ArchivedRun {
            label: "current".into(),
            param_names: self.run.model.param_names(),
            history: self.run.fit.history().to_vec(),
        });
        Effect::Export {
            dir: self.export_dir.clone(),
            scenario: self.session.scenario.name.clone(),
            runs,
        }
    }

    /// Whether the fit is done, and why: the verdict reached at the current point.
    #[must_use]
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.run.fit.verdict()
    }
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
            format!(
                "step refused: {}; step size halved to {}",
                words::refusal(reason),
                fmt_num(record.step_size)
            )
        }
        Event::NoAscent => {
            "no step of any size increases ℓ: θ is a maximum to f64 precision".into()
        }
        _ => format!("iteration {}: ℓ = {}", record.iteration, fmt_num(record.log_likelihood)),
    }
}
