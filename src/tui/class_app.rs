//! The classification explorer's state and its one entry point, [`ClassApp::update`]: the
//! same keys (the same [`Action`]s from `keys.rs`) as the density explorer where they make
//! sense, applied to a [`ClassRun`]. Like `App::update` it reads no file and no clock and
//! builds no run: a new sample, size, model or truth is an [`ClassEffect::Build`] the loop
//! carries out and answers with [`ClassApp::answer`].

use super::action::{Action, Work};
use super::class_run::{ClassChoices, ClassRun, MAX_CLASS_POINTS};
use super::pane::{Overlay, Pane, PickerItem};
use super::speed::Speed;
use crate::error::InputError;
use crate::format::readable as fmt_num;
use crate::optim::OptimizerKind;
use crate::optim::fit::{StopReason, Stopping};
use crate::scenario::ClassScenario;
use crate::scenario::classifier::Loss;
use crate::stats::classify::ClassifierKind;
use crate::stats::classify::truth::{ClassTruth, PRESETS};

/// While running, the decomposition, the trace and the surface are redone once in this many
/// ticks (about a quarter of a second at 16 ms frames), and at every pause.
const HEAVY_EVERY: usize = 15;

/// What the classification explorer asks the loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassEffect {
    /// Read the presets and ./scenarios for the picker (answered by [`Action::Catalogue`]).
    ListScenarios,
    /// Open a scenario of either kind (a density one leaves this explorer for the other).
    Load(String),
    /// Build a run (answered by [`ClassAnswer::Built`]).
    Build(Box<ClassChoices>),
}

/// The loop's answers to [`ClassEffect`]s.
pub enum ClassAnswer {
    /// The run asked for, or why it could not be built.
    Built(Result<Box<ClassRun>, String>),
    /// A classification scenario opened from the picker, or why it could not be.
    Loaded(Result<Box<(ClassScenario, ClassRun)>, String>),
}

/// The classification explorer.
#[allow(clippy::struct_excessive_bools)] // independent switches of the view
pub struct ClassApp {
    /// The scenario as loaded.
    pub scenario: ClassScenario,
    /// The current run.
    pub run: ClassRun,
    /// The stopping rules (the step limit grows when `r` continues past it).
    pub stopping: Stopping,
    /// Continuous stepping on.
    pub running: bool,
    /// Running to a stop as fast as possible.
    pub fast_forward: bool,
    /// The pace `r` plays at.
    pub speed: Speed,
    /// The iteration this play started at.
    played_from: usize,
    /// What is drawn on top.
    pub overlay: Overlay,
    /// The focused pane.
    pub focus: Pane,
    /// The focused pane fills the screen.
    pub zoomed: bool,
    /// The last thing that happened.
    pub message: String,
    /// Set when the user quits.
    pub quit: bool,
    /// Terminal size.
    pub size: (u16, u16),
    /// Whether to use colour.
    pub color: bool,
    /// Running ticks since the heavy pictures were redone.
    ticks_since_heavy: usize,
    /// The first line of the lesson shown (PgDn / PgUp).
    pub lesson_scroll: usize,
}

impl ClassApp {
    /// Opens a classification scenario (`seed` overriding the file's).
    pub fn new(
        scenario: ClassScenario,
        seed: Option<u64>,
        color: bool,
    ) -> Result<Self, InputError> {
        let choices = Self::choices_of(&scenario, seed);
        let run =
            ClassRun::build(&choices).map_err(|e| InputError::new(e).in_file(&scenario.name))?;
        Ok(Self::with_run(scenario, run, color))
    }

    /// What a scenario's first run is built from.
    #[must_use]
    pub fn choices_of(scenario: &ClassScenario, seed: Option<u64>) -> ClassChoices {
        ClassChoices {
            truth: scenario.truth.clone(),
            points: scenario.sample_size,
            seed: seed.unwrap_or(scenario.seed),
            model: scenario.model,
            loss: scenario.loss,
            shape: scenario.shape,
            start_seed: scenario.start_seed,
            start: scenario.start.clone(),
            settings: scenario.settings,
        }
    }

    fn with_run(scenario: ClassScenario, run: ClassRun, color: bool) -> Self {
        let focus = scenario.focus.map_or(Pane::Data, Pane::from_focus);
        let message = format!("{} — press space to step, r to run, ? for keys", scenario.title);
        Self {
            stopping: scenario.stopping,
            scenario,
            run,
            running: false,
            fast_forward: false,
            speed: Speed::default(),
            played_from: 0,
            overlay: Overlay::None,
            focus,
            zoomed: false,
            message,
            quit: false,
            size: (120, 40),
            color,
            ticks_since_heavy: 0,
            lesson_scroll: 0,
        }
    }

    /// The lesson box's paragraphs: the scenario's title and lesson.
    #[must_use]
    pub fn lesson(&self) -> [std::borrow::Cow<'_, str>; 2] {
        [self.scenario.title.as_str().into(), self.scenario.lesson.as_str().into()]
    }

    /// PgDn / PgUp: the lesson a box's height less one line further on or back.
    fn scroll_lesson(&mut self, down: bool) {
        let (w, h) = self.size;
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let layout = super::view::screen(area, self.zoomed, self.focus);
        if let Some((scroll, message)) =
            super::lesson_pane::scrolled(layout.lesson, &self.lesson(), self.lesson_scroll, down)
        {
            (self.lesson_scroll, self.message) = (scroll, message);
        }
    }

    /// Steps played since `r`.
    #[must_use]
    pub fn played(&self) -> usize {
        self.run.fit.iteration().saturating_sub(self.played_from)
    }

    /// Steps a second the loop should give the run; None for as many as fit a frame.
    #[must_use]
    pub fn steps_per_second(&self) -> Option<f64> {
        if self.fast_forward { None } else { self.speed.rate(self.played()) }
    }

    /// Applies one action; returns what the loop must do.
    #[must_use]
    pub fn update(&mut self, action: Action) -> Vec<ClassEffect> {
        let effects = self.apply(action);
        // The stop is judged once per point, so the view only reads the verdict.
        let _ = self.run.conclude(&self.stopping);
        effects
    }

    fn apply(&mut self, action: Action) -> Vec<ClassEffect> {
        match action {
            Action::Resize(w, h) => self.size = (w, h),
            Action::Quit => self.quit = true,
            Action::Tick(work) => self.tick(work),
            Action::Catalogue(items) => {
                let name = &self.scenario.name;
                let selected = items.iter().position(|i| &i.name == name).unwrap_or(0);
                self.overlay = Overlay::Picker { items, selected };
            }
            Action::Load(name) => return vec![ClassEffect::Load(name)],
            action => {
                return match std::mem::replace(&mut self.overlay, Overlay::None) {
                    Overlay::None => self.update_main(&action),
                    Overlay::Picker { items, selected } => self.picker(&action, items, selected),
                    other => {
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

    fn picker(
        &mut self,
        action: &Action,
        items: Vec<PickerItem>,
        selected: usize,
    ) -> Vec<ClassEffect> {
        let n = items.len().max(1);
        match action {
            Action::Up => {
                self.overlay = Overlay::Picker { items, selected: (selected + n - 1) % n }
            }
            Action::Down => self.overlay = Overlay::Picker { items, selected: (selected + 1) % n },
            Action::ToggleRun => {
                if let Some(item) = items.get(selected) {
                    self.message = format!("loading {}", item.name);
                    return vec![ClassEffect::Load(item.name.clone())];
                }
            }
            Action::Back | Action::OpenPicker => {}
            _ => self.overlay = Overlay::Picker { items, selected },
        }
        Vec::new()
    }

    #[allow(clippy::too_many_lines)] // one arm per key, read top to bottom
    fn update_main(&mut self, action: &Action) -> Vec<ClassEffect> {
        match action {
            Action::Step => {
                self.running = false;
                self.fast_forward = false;
                match self.run.conclude(&self.stopping) {
                    Some(reason) if reason != StopReason::StepLimit => {
                        self.message =
                            format!("{} (a step would go on from here)", self.stop_text(reason));
                        self.run.step();
                    }
                    _ => self.run.step(),
                }
                self.run.refresh(true);
                if self.run.surface_stale() {
                    self.run.refresh_surface();
                }
            }
            Action::ToggleRun => {
                if self.running {
                    self.running = false;
                    self.fast_forward = false;
                    self.message = "paused".into();
                    self.run.refresh(true);
                    self.run.refresh_surface();
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
                let factor = if *action == Action::StepSizeUp { 2.0 } else { 0.5 };
                let mut settings = self.run.choices.settings;
                settings.step_size = (settings.step_size * factor).clamp(1e-12, 1e12);
                self.run.set_settings(settings);
                self.message =
                    format!("step size η = {} (θ and history kept)", fmt_num(settings.step_size));
            }
            Action::CycleOptimizer => {
                let mut settings = self.run.choices.settings;
                let i = OptimizerKind::ALL.iter().position(|k| *k == settings.kind).unwrap_or(0);
                settings.kind = OptimizerKind::ALL[(i + 1) % OptimizerKind::ALL.len()];
                self.run.set_settings(settings);
                self.message = format!("optimiser {} (θ and history kept)", settings.kind);
            }
            Action::SampleSizeUp | Action::SampleSizeDown => {
                let m = self.run.choices.points;
                let next =
                    if *action == Action::SampleSizeUp { m.saturating_mul(2) } else { m / 2 };
                let next = next.clamp(2, MAX_CLASS_POINTS);
                if next == m {
                    self.message =
                        format!("m = {m} is already at the limit (2 to {MAX_CLASS_POINTS})");
                    return Vec::new();
                }
                return self.rebuild(&format!("m = {next}"), |c| c.points = next);
            }
            Action::NewSeed => {
                let seed = self.run.choices.seed.wrapping_add(1);
                return self.rebuild(&format!("new sample with seed {seed}"), |c| c.seed = seed);
            }
            Action::CycleModel => {
                let (model, loss) = next_model(&self.run.choices);
                let what = format!("model {}", model_label(model, loss));
                return self.rebuild(&what, |c| {
                    c.model = model;
                    c.loss = loss;
                });
            }
            Action::CycleTruth => {
                let i = PRESETS
                    .iter()
                    .position(|(n, _)| *n == self.run.choices.truth.name)
                    .unwrap_or(0);
                let (name, _) = PRESETS[(i + 1) % PRESETS.len()];
                let Some(truth) = ClassTruth::preset(name) else { return Vec::new() };
                let what = format!("truth {name} ({})", truth.description);
                return self.rebuild(&what, |c| {
                    let k = truth.classes.len();
                    if c.model == ClassifierKind::Logistic && k != 2 {
                        c.model = ClassifierKind::Softmax;
                    } else if c.model == ClassifierKind::Softmax && k == 2 {
                        c.model = ClassifierKind::Logistic;
                    }
                    c.truth = truth;
                });
            }
            Action::ResetTheta => {
                self.running = false;
                self.run.reset();
                self.stopping = self.scenario.stopping;
                self.run.refresh(true);
                self.run.refresh_surface();
                self.message = "θ reset to the start".into();
            }
            Action::JumpToMle => match self.run.mle.clone() {
                Some(mle) => {
                    self.running = false;
                    self.run.jump_to(&mle);
                    self.run.refresh(true);
                    self.run.refresh_surface();
                    self.message = format!("θ set to {}", self.run.mle_note);
                }
                None => self.message = self.run.mle_note.clone(),
            },
            Action::OpenPicker => return vec![ClassEffect::ListScenarios],
            Action::FocusNext => self.focus = self.focus.offset(1),
            Action::FocusPrev => self.focus = self.focus.offset(-1),
            Action::ToggleZoom => self.zoomed = !self.zoomed,
            Action::ToggleHelp => self.overlay = Overlay::Help,
            Action::Left | Action::Right => {
                self.run.move_pair(*action == Action::Right, true);
                self.run.refresh_surface();
            }
            Action::Up | Action::Down => {
                self.run.move_pair(*action == Action::Up, false);
                self.run.refresh_surface();
            }
            Action::Back => self.message = "Esc closes overlays; q or Ctrl-C quits".into(),
            Action::LessonDown | Action::LessonUp => {
                self.scroll_lesson(*action == Action::LessonDown);
            }
            _ => self.message = "that key is for the density explorer; ? lists the keys".into(),
        }
        Vec::new()
    }

    /// Takes the loop's answer to an effect.
    pub fn answer(&mut self, answer: ClassAnswer) {
        match answer {
            ClassAnswer::Built(Ok(run)) => {
                self.running = false;
                self.fast_forward = false;
                self.run = *run;
                self.stopping = self.scenario.stopping;
                self.message = format!(
                    "{}: {}",
                    self.message.trim_start_matches("computing: "),
                    self.describe()
                );
            }
            ClassAnswer::Loaded(Ok(pair)) => {
                let (scenario, run) = *pair;
                let (size, color) = (self.size, self.color);
                *self = Self::with_run(scenario, run, color);
                self.size = size;
            }
            ClassAnswer::Built(Err(e)) | ClassAnswer::Loaded(Err(e)) => {
                self.overlay = Overlay::Error(e);
            }
        }
    }

    /// A line on the run: truth, model, points.
    #[must_use]
    pub fn describe(&self) -> String {
        let c = &self.run.choices;
        format!(
            "{} fitted to m = {} points of the {} truth",
            model_label(c.model, c.loss),
            c.points,
            c.truth.name
        )
    }

    fn rebuild(&mut self, what: &str, change: impl FnOnce(&mut ClassChoices)) -> Vec<ClassEffect> {
        let mut choices = self.run.choices.clone();
        change(&mut choices);
        self.message = format!("computing: {what}");
        vec![ClassEffect::Build(Box::new(choices))]
    }

    fn play(&mut self, fast: bool) {
        let at = self.run.fit.iteration();
        let mut note = String::new();
        match self.run.conclude(&self.stopping) {
            Some(StopReason::StepLimit) => {
                let more = self.scenario.stopping.max_steps.max(1);
                self.stopping.max_steps = at.saturating_add(more);
                note = format!(
                    "; the step limit was reached at iteration {at}: {more} more steps allowed"
                );
            }
            Some(reason) => {
                self.message = format!(
                    "{} at iteration {at}: nothing to run (0 resets θ, n draws a new sample, o switches optimiser)",
                    self.stop_text(reason)
                );
                return;
            }
            None => {}
        }
        self.running = true;
        self.fast_forward = fast;
        self.played_from = at;
        self.message =
            if fast { format!("fast-forward to a stop{note}") } else { format!("running{note}") };
    }

    /// One tick: up to `work.steps` steps while running, then the pictures.
    fn tick(&mut self, work: Work) {
        if !self.running {
            self.run.advance_surface(work.cells);
            return;
        }
        let mut stop = self.run.conclude(&self.stopping);
        let mut taken = 0;
        while stop.is_none() && taken < work.steps {
            self.run.step();
            taken += 1;
            stop = self.run.conclude(&self.stopping);
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
        self.ticks_since_heavy += 1;
        let heavy = !self.running || self.ticks_since_heavy >= HEAVY_EVERY;
        if taken > 0 || heavy {
            self.run.refresh(heavy);
        }
        if !self.running {
            self.run.refresh_surface();
        }
        if heavy {
            self.ticks_since_heavy = 0;
        }
    }

    /// A stop in words; the boundary with what it means for a classifier.
    #[must_use]
    pub fn stop_text(&self, reason: StopReason) -> String {
        let model = self.run.climbed();
        super::both::stop_text(&self.run.fit, reason, |f, c, up| model.boundary_limit(f, c, up))
    }
}

/// The next model `m` switches to: for two classes logistic by cross-entropy, logistic by
/// squared error, then the network; for more, softmax and the network.
fn next_model(c: &ClassChoices) -> (ClassifierKind, Loss) {
    let two = c.truth.classes.len() == 2;
    match (c.model, c.loss) {
        (ClassifierKind::Logistic, Loss::CrossEntropy) => {
            (ClassifierKind::Logistic, Loss::SquaredError)
        }
        (ClassifierKind::Logistic | ClassifierKind::Softmax, _) => {
            (ClassifierKind::Mlp, Loss::CrossEntropy)
        }
        (ClassifierKind::Mlp, _) if two => (ClassifierKind::Logistic, Loss::CrossEntropy),
        (ClassifierKind::Mlp, _) => (ClassifierKind::Softmax, Loss::CrossEntropy),
    }
}

/// A model as the status names it.
#[must_use]
pub fn model_label(model: ClassifierKind, loss: Loss) -> String {
    match (model, loss) {
        (ClassifierKind::Logistic, Loss::SquaredError) => "logistic by squared error".into(),
        (kind, _) => format!("{kind} by cross-entropy"),
    }
}
