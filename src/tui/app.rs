//! The explorer's state and its one entry point, [`App::update`]: every key, tick, resize
//! and answer to an effect becomes an [`Action`] applied here. `update` is pure: it reads no
//! file and no clock, and asks the loop for any I/O by returning [`Effect`]s, so the same
//! actions give the same state on any machine.

use std::path::PathBuf;

use super::action::{Action, Handover, Work};
use super::effect::Effect;
use super::export::ArchivedRun;
use super::pane::{Overlay, Pane, PickerItem};
use super::qq_pane::DataShow;
use super::run::{Run, StartFrom};
use super::sampling::Sampling;
use super::session::{Choices, Loaded, Session};
use super::speed::Speed;
use super::stepping::StepsInFlight;
use crate::error::InputError;
use crate::format::readable as fmt_num;
use crate::optim::OptimizerKind;
use crate::optim::fit::{Event, Fit, Record, StopReason};
use crate::scenario::{Scenario, Source};
use crate::stats::objective::Objective;
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
    /// The pace `r` plays at.
    pub speed: Speed,
    /// Running to a stop as fast as possible (`f`), whatever the pace.
    pub fast_forward: bool,
    /// The iteration this play started at (auto's pace grows with the steps played).
    played_from: usize,
    /// The run being built on the loop's worker, if any.
    pub(super) pending: Option<Pending>,
    /// Requests for runs made so far (numbers them).
    pub(super) generation: u64,
    /// The session's choices the current run was built from.
    pub(super) committed: Choices,
    /// The last step's details are shown (`x`).
    pub step_view: bool,
    /// Lines of the lesson scrolled past (PgDn).
    pub lesson_scroll: usize,
    /// Steps asked of the stepper thread and not yet answered.
    pub(super) steps: StepsInFlight,
    /// From this sample size on, steps are taken on the stepper thread.
    pub offload_from: usize,
    /// What the data pane shows (`Q`).
    pub data_show: DataShow,
    /// The sampling-distribution view (`S`) and its repeats.
    pub sampling: Sampling,
}

/// A run asked for and not yet built.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The request's number.
    pub generation: u64,
    /// What changes, for the status ("new sample with seed 8").
    pub what: String,
    /// Requests made since the current run arrived (the later replacing the earlier).
    pub requests: usize,
    /// The scenario being loaded, for a load.
    pub load: Option<String>,
}

impl App {
    /// Opens a scenario, reading its data file if it has one (all before the terminal goes
    /// raw, so errors print normally).
    pub fn new(scenario: Scenario, seed: Option<u64>, color: bool) -> Result<Self, InputError> {
        Self::from_loaded(Loaded::read(scenario)?, seed, color)
    }

    /// Opens a scenario whose data are already read.
    pub fn from_loaded(loaded: Loaded, seed: Option<u64>, color: bool) -> Result<Self, InputError> {
        let run = Self::first_run_seeded(&loaded, seed, &|| false)?;
        Ok(Self::with_run(loaded, run, seed, color))
    }

    /// The run a scenario opens on (the long part of opening it, done on the loop's worker
    /// when the picker loads one), giving up once `cancelled` says so.
    pub fn first_run(loaded: &Loaded, cancelled: &dyn Fn() -> bool) -> Result<Run, InputError> {
        Self::first_run_seeded(loaded, None, cancelled)
    }

    fn first_run_seeded(
        loaded: &Loaded,
        seed: Option<u64>,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Run, InputError> {
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
        Run::build_unless(scenario, seed, loaded.data.as_deref(), &StartFrom::Scenario, cancelled)
    }

    /// Opens a scenario on its first run: pure, so `update` can call it.
    fn with_run(loaded: Loaded, run: Run, seed: Option<u64>, color: bool) -> Self {
        let scenario = &loaded.scenario;
        let seed = seed.unwrap_or(scenario.seed);
        let focus = scenario.focus.map_or(Pane::Data, Pane::from_focus);
        let message = format!("{} — press space to step, r to run, ? for keys", scenario.title);
        let session = Session::new(loaded, Some(seed));
        Self {
            committed: session.choices(),
            session,
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
            speed: Speed::default(),
            fast_forward: false,
            played_from: 0,
            pending: None,
            generation: 0,
            step_view: false,
            lesson_scroll: 0,
            steps: StepsInFlight::default(),
            offload_from: super::stepping::OFFLOAD_FROM,
            data_show: DataShow::default(),
            sampling: Sampling::default(),
        }
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
            Action::Tick(work) => return self.tick(work),
            Action::Stepped(answer) => return self.stepped(&answer),
            Action::Load(name) => return self.load(name),
            Action::Catalogue(items) => {
                let name = &self.session.scenario.name;
                let selected = items.iter().position(|i| &i.name == name).unwrap_or(0);
                self.overlay = Overlay::Picker { items, selected };
            }
            Action::Loaded { name, result } => self.loaded(&name, result),
            Action::Built { generation, result, builds } => {
                let answers = self.pending.as_ref().is_some_and(|p| p.generation == generation);
                let fresh = answers && result.is_ok();
                self.built(generation, result, builds);
                if fresh {
                    return self.restart_sampling();
                }
            }
            Action::Sampled { id, result } => return self.sampled(id, result),
            Action::Exported { result, runs } => match result {
                Ok(path) => {
                    let noun = if runs == 1 { "run" } else { "runs" };
                    self.message = format!("wrote {} ({runs} {noun})", path.display());
                }
                Err(e) => self.overlay = Overlay::Error(format!("export failed: {e}")),
            },
            action => {
                return match std::mem::replace(&mut self.overlay, Overlay::None) {
                    Overlay::None => self.update_main(&action),
                    Overlay::Picker { items, selected } => {
                        self.update_picker(&action, items, selected)
                    }
                    Overlay::Edit(form) => self.update_form(&action, form),
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
                    return self.load(item.name.clone());
                }
            }
            Action::Back | Action::OpenPicker => {}
            _ => self.overlay = Overlay::Picker { items, selected },
        }
        Vec::new()
    }

    #[allow(clippy::too_many_lines)] // one arm per action, read top to bottom
    fn update_main(&mut self, action: &Action) -> Vec<Effect> {
        match action {
            Action::Step => {
                self.running = false;
                self.fast_forward = false;
                if self.offloads() {
                    return self.step_on_the_stepper();
                }
                self.step_once();
                self.after_theta_change();
            }
            Action::ToggleRun => {
                if self.running {
                    self.running = false;
                    self.fast_forward = false;
                    self.message = "paused".into();
                } else {
                    self.play(false);
                }
            }
            Action::FastForward => self.play(true),
            Action::Slower | Action::Faster | Action::AutoPace => {
                let played = self.played();
                self.speed = match action {
                    Action::Slower => self.speed.slower(played),
                    Action::Faster => self.speed.faster(played),
                    _ => Speed::Auto,
                };
                self.message = format!("pace {}", self.speed.label(0));
            }
            Action::StepSizeUp | Action::StepSizeDown => {
                self.steps.drop_answer();
                let factor = if *action == Action::StepSizeUp { 2.0 } else { 0.5 };
                let settings = &mut self.session.settings;
                settings.step_size = (settings.step_size * factor).clamp(1e-12, 1e12);
                self.run.fit.set_settings(*settings);
                self.message =
                    format!("step size {} (θ and history kept)", fmt_num(settings.step_size));
            }
            Action::SampleSizeUp | Action::SampleSizeDown => {
                return self.change_sample_size(*action == Action::SampleSizeUp);
            }
            Action::NewSeed => return self.new_seed(),
            Action::CycleOptimizer => {
                self.steps.drop_answer();
                let settings = &mut self.session.settings;
                let i = OptimizerKind::ALL.iter().position(|k| *k == settings.kind).unwrap_or(0);
                settings.kind = OptimizerKind::ALL[(i + 1) % OptimizerKind::ALL.len()];
                self.run.fit.set_settings(*settings);
                self.message = format!("optimiser {} (θ and history kept)", settings.kind);
            }
            Action::CycleModel => return self.cycle_model(),
            Action::CycleTruth => return self.cycle_truth(),
            Action::ResetTheta => {
                self.steps.drop_answer();
                self.archive_run();
                let objective = self.run.objective();
                self.run.fit = Fit::new(&objective, &self.run.start, self.session.settings);
                self.session.stopping = self.session.scenario.stopping;
                self.run.truth_series.clear();
                self.run.series_seen = usize::MAX;
                self.after_theta_change();
                self.message =
                    "θ reset to the start; the previous run is archived (e exports it)".into();
            }
            Action::JumpToMle => {
                self.steps.drop_answer();
                self.jump_to_mle();
            }
            Action::OpenPicker => return vec![Effect::ListScenarios],
            Action::FocusNext => self.focus = self.focus.offset(1),
            Action::FocusPrev => self.focus = self.focus.offset(-1),
            Action::ToggleZoom => self.zoomed = !self.zoomed,
            Action::Export => return vec![self.export()],
            Action::ToggleHelp => self.overlay = Overlay::Help,
            Action::CycleDataView => {
                self.sampling.shown = false;
                self.data_show = self.data_show.next();
                self.message = self.data_show.describe().into();
            }
            Action::ToggleSampling => return self.toggle_sampling(),
            Action::Left | Action::Right => self.move_pair(*action == Action::Right, true),
            Action::Up | Action::Down => self.move_pair(*action == Action::Up, false),
            // Esc on the main screen only says how to leave: a stray Esc (or one meant for an
            // overlay already closed) must not end the sitting.
            Action::Back => self.message = "Esc closes overlays; q or Ctrl-C quits".into(),
            Action::OpenEdit => self.open_form(),
            Action::Click { column, row } => self.click(*column, *row),
            Action::Wheel { column, row, closer } => self.wheel(*column, *row, *closer),
            Action::ZoomIn | Action::ZoomOut => self.zoom_about_theta(*action == Action::ZoomIn),
            Action::FrameRegion => self.frame_region(),
            Action::ToggleStepView => self.step_view = !self.step_view,
            Action::LessonUp | Action::LessonDown => {
                self.scroll_lesson(*action == Action::LessonDown);
            }
            Action::Type(_)
            | Action::Erase
            | Action::Submit
            | Action::Tick(_)
            | Action::Quit
            | Action::Resize(..)
            | Action::Load(_)
            | Action::Catalogue(_)
            | Action::Loaded { .. }
            | Action::Built { .. }
            | Action::Stepped(_)
            | Action::Sampled { .. }
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

    pub(super) fn step_once(&mut self) {
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
        super::both::stop_text(&self.run.fit, reason, |f, c, up| {
            self.run.model.boundary_limit(f, c, up)
        })
    }

    /// One tick's work: `work.steps` optimiser steps while running (here, or asked of the
    /// stepper thread at a large m), then the pending trace, then the surface (while paused,
    /// or while the steps are on the stepper: in place, a step without sufficient statistics
    /// is a whole pass, so the surface waits for the run).
    fn tick(&mut self, work: Work) -> Vec<Effect> {
        let mut effects = Vec::new();
        // Steps on the stepper leave this thread free: the surface fills while they play,
        // between answers (its passes and the steps' would share the two cores' thread pool,
        // and a key would wait for both).
        let fill = !self.running || (self.offloads() && !self.steps.awaiting());
        if self.running {
            if self.offloads() {
                // The steps go to the stepper; while its answer is awaited this tick's are
                // dropped (a slow step plays slower, it does not queue).
                if !self.steps.awaiting() && work.steps > 0 {
                    effects.push(self.ask_for_steps(work.steps, false));
                }
            } else {
                // The stop is judged before every step and after the last, so a run that
                // ends on this tick says so now, whatever number of steps the tick was given
                // (none, at a slow pace, on most frames).
                let mut stop = self.run.conclude(&self.session.stopping);
                let mut refused = None;
                let mut taken = 0;
                while stop.is_none() && taken < work.steps {
                    let Run { fit, model, sample, .. } = &mut self.run;
                    let record = fit.step(&Objective { family: model.as_ref(), sample }).clone();
                    if matches!(record.event, Event::Refused(_)) {
                        refused = Some(record);
                    }
                    taken += 1;
                    stop = self.run.conclude(&self.session.stopping);
                }
                self.after_steps(taken, refused.as_ref(), stop);
            }
            self.ticks_since_trace = self.ticks_since_trace.saturating_add(1);
            let due = self.ticks_since_trace >= TRACE_EVERY && !self.run.trace_pending();
            if due || !self.running {
                self.run.start_trace();
                self.ticks_since_trace = 0;
            }
        }
        self.run.advance_trace(work.points);
        if fill {
            self.run.advance_surface(work.cells);
        }
        effects
    }

    /// What a running tick does once its steps are taken, here or on the stepper: say a
    /// refusal, stop at a stopping rule, redraw what depends on θ.
    pub(super) fn after_steps(
        &mut self,
        taken: usize,
        refused: Option<&Record>,
        stop: Option<StopReason>,
    ) {
        if let Some(r) = refused {
            self.message = describe(r);
        }
        if let Some(reason) = stop {
            self.running = false;
            self.fast_forward = false;
            self.message = super::both::paused_message(
                &self.stop_text(reason),
                self.run.fit.iteration(),
                reason,
            );
        }
        if taken > 0 {
            self.run.refresh_theta();
        }
    }

    /// Starts continuous stepping (`fast`: as fast as the machine goes, to a stop). After a
    /// step limit it goes on for as many steps again; after any other stop it says why
    /// there is nothing to run rather than doing nothing.
    fn play(&mut self, fast: bool) {
        let at = self.run.fit.iteration();
        let mut note = String::new();
        match self.run.conclude(&self.session.stopping) {
            Some(StopReason::StepLimit) => {
                let more = self.session.scenario.stopping.max_steps.max(1);
                self.session.stopping.max_steps = at.saturating_add(more);
                note = format!(
                    "; the step limit was reached at iteration {at}: {more} more steps allowed \
                     (0 resets θ, M jumps to the MLE)"
                );
            }
            Some(reason) => {
                self.message = format!(
                    "{} at iteration {at}: nothing to run (0 resets θ, n draws a new sample, \
                     o switches optimiser)",
                    self.stop_text(reason)
                );
                return;
            }
            None => {}
        }
        self.running = true;
        self.fast_forward = fast;
        self.played_from = at;
        self.message = if fast {
            format!("fast-forward to a stop (r pauses){note}")
        } else {
            format!("running: < > change the pace, f fast-forwards, r pauses{note}")
        };
    }

    /// Steps taken since this play started.
    #[must_use]
    pub fn played(&self) -> usize {
        self.run.fit.iteration().saturating_sub(self.played_from)
    }

    /// How many steps a second the loop should give the run now; None for as many as fit
    /// in a frame (the max pace, or fast-forward).
    #[must_use]
    pub fn steps_per_second(&self) -> Option<f64> {
        if self.fast_forward { None } else { self.speed.rate(self.played()) }
    }

    fn load(&mut self, name: String) -> Vec<Effect> {
        self.generation += 1;
        self.pending = Some(Pending {
            generation: self.generation,
            what: format!("loading {name}"),
            requests: 1,
            load: Some(name.clone()),
        });
        vec![Effect::LoadScenario(name)]
    }

    pub(super) fn after_theta_change(&mut self) {
        self.run.refresh_theta();
        self.run.start_trace();
        self.run.advance_trace(Work::default().points);
        self.ticks_since_trace = 0;
    }

    pub(super) fn archive_run(&mut self) {
        if self.run.fit.iteration() == 0 {
            return;
        }
        self.session.archive.push(ArchivedRun {
            label: self.session.label(self.run.model.kind()),
            param_names: self.run.model.param_names(),
            history: self.run.fit.history().to_vec(),
        });
    }

    fn move_pair(&mut self, forward: bool, x_axis: bool) {
        let dim = self.run.model.param_names().len();
        if dim < 2 {
            self.message = "one parameter: the likelihood pane shows its whole curve".into();
            return;
        }
        if let Some(lo) = &mut self.run.log_odds {
            lo.move_pair(forward, x_axis);
            let names = self.run.model.param_names();
            let last = &names[names.len() - 1];
            let (px, py) = lo.pair;
            self.message =
                format!("log-odds ln({}/{last}) → and ln({}/{last}) ↑", names[px], names[py]);
            return;
        }
        self.run.pair = super::both::next_pair(self.run.pair, dim, forward, x_axis);
        let (px, py) = self.run.pair;
        self.run.reset_surface();
        self.sampling.refresh(&self.run);
        let names = self.run.model.param_names();
        self.message = format!(
            "surface: {} across, {} up; the rest held at the current θ",
            names[px], names[py]
        );
    }

    /// Takes a scenario the loop read and its run; a bad one leaves the current run as it
    /// is. An answer to a load that a newer one replaced is ignored.
    fn loaded(&mut self, name: &str, result: Result<(Box<Loaded>, Handover), String>) {
        match &self.pending {
            Some(Pending { load: Some(asked), .. }) if asked == name => self.pending = None,
            None => {}
            Some(_) => return,
        }
        let fresh = result.and_then(|(loaded, run)| {
            let run = run.take().ok_or_else(|| "the run was taken".to_string())?;
            Ok(App::with_run(*loaded, run, None, self.color))
        });
        match fresh {
            Ok(mut fresh) => {
                self.archive_run();
                fresh.session.archive = std::mem::take(&mut self.session.archive);
                fresh.size = self.size;
                fresh.export_dir = std::mem::take(&mut self.export_dir);
                fresh.generation = self.generation;
                fresh.speed = self.speed;
                fresh.step_view = self.step_view;
                fresh.steps = self.steps.for_a_new_run();
                fresh.offload_from = self.offload_from;
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

/// One line for the status pane about a step.
pub(super) fn describe(record: &Record) -> String {
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
