//! A fit in progress: the current θ, the optimiser's state, the history of every step, and
//! the stopping rules (gradient tolerance, a run to the boundary, step limit), kept apart from
//! the steps. The caller owns the loop: the TUI steps on keys, the headless runner calls
//! [`Fit::run`].

use serde::{Serialize, Serializer};

use super::boundary::{self, Point, Runaway};
use super::verify;
use super::{Optimizer, Refusal, Settings, Step};
use crate::stats::model::{Eval, Model};

/// When to stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stopping {
    /// Most optimiser steps (accepted or refused) to take.
    pub max_steps: usize,
    /// Stop once ‖∇(ℓ/m)‖ is at most this; or, where θ runs to the boundary of the parameter
    /// space, once ℓ/m is within this of its supremum.
    pub tolerance: f64,
}

impl Default for Stopping {
    fn default() -> Self {
        // ‖∇(ℓ/m)‖ ≤ 1e-10 puts θ within about 1e-10 / curvature of the optimum; Newton,
        // converging quadratically, usually overshoots this by several digits.
        Self { max_steps: 1000, tolerance: 1e-10 }
    }
}

/// Why a fit stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The gradient norm fell to the tolerance.
    GradientTolerance,
    /// θ sits on a kink of the likelihood in some coordinates (the one-sided derivatives
    /// point back towards it, so 0 is a subgradient: laplace's median) and the gradient of the
    /// other coordinates is within tolerance.
    Kink,
    /// No step of any size increases ℓ: a maximum to f64 precision (a kink, or rounding).
    NoAscent,
    /// θ cannot improve at f64 precision: an accepted step left it bit-for-bit unchanged, or
    /// over the last iterations steps were refused and ℓ rose by no more than rounding.
    Stationary,
    /// θ runs to the boundary of the parameter space: one free coordinate keeps going the same
    /// way by steps that do not shrink while the gains in ℓ fall geometrically, and their tail
    /// says ℓ/m is within the tolerance of its supremum (see [`boundary`]). ℓ is at its
    /// supremum, but no θ attains it: there is no maximum-likelihood estimate in the
    /// parameter space (a student_t fitted to normal-looking data has df → ∞), so this is not
    /// convergence.
    Boundary {
        /// The free coordinate that runs.
        coordinate: usize,
        /// True when it runs to +∞, false for −∞.
        increasing: bool,
    },
    /// The step limit was reached first.
    StepLimit,
    /// The step limit was reached at a point that passes the checks of a maximum (see
    /// [`super::verify`]): a Newton step from it would gain at most the tolerance.
    Decrement,
    /// The gradient is within tolerance but the Hessian is not negative definite: a saddle
    /// point (a mixture whose components agree) or a flat direction, not a maximum.
    Saddle,
    /// The gradient is within tolerance but the curvature is flatter still: a Newton step
    /// would gain more than the tolerance, so θ is not yet at the maximum.
    Flat,
    /// The optimiser's steps no longer move θ (or none ascends) while a Newton step would
    /// still gain more than the tolerance: its step is too small to reach the maximum.
    StepTooSmall,
    /// A scale collapsed onto data points (a mixture component's sigma → 0): ℓ grows without
    /// bound there, so there is no maximum to converge to.
    Unbounded {
        /// The natural parameter that collapses.
        parameter: usize,
    },
    /// ℓ ended lower than it started: the optimiser ran downhill (momentum or Adam with too
    /// large a step).
    Diverged,
}

impl StopReason {
    /// True when θ is a verified (local) maximum. The stops that look like one (gradient
    /// tolerance, kink, no ascent, stationary) are verified by [`Fit::conclude`], which turns
    /// any that fail into [`Self::Saddle`], [`Self::Flat`], [`Self::StepTooSmall`] or
    /// [`Self::Diverged`].
    #[must_use]
    pub fn converged(self) -> bool {
        matches!(
            self,
            Self::GradientTolerance
                | Self::Kink
                | Self::NoAscent
                | Self::Stationary
                | Self::Decrement
        )
    }

    /// The name used in JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::GradientTolerance => "gradient_tolerance",
            Self::Kink => "kink",
            Self::NoAscent => "no_ascent",
            Self::Stationary => "stationary",
            Self::Boundary { .. } => "boundary",
            Self::StepLimit => "step_limit",
            Self::Decrement => "newton_decrement",
            Self::Saddle => "saddle",
            Self::Flat => "flat",
            Self::StepTooSmall => "step_too_small",
            Self::Unbounded { .. } => "unbounded",
            Self::Diverged => "diverged",
        }
    }
}

/// Serialised as its JSON name ([`StopReason::name`]).
impl Serialize for StopReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// What happened at one iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The starting point (iteration 0).
    Start,
    /// θ moved.
    Accepted,
    /// θ stayed and the step size was halved.
    Refused(Refusal),
    /// No ascent step exists.
    NoAscent,
    /// θ was set by hand (the explorer's jump to the MLE).
    Jump,
    /// The optimiser or its settings changed; θ stayed.
    Settings,
}

impl Event {
    /// A short name for tables and CSV.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Accepted => "accepted",
            Self::Refused(Refusal::NonFinite) => "refused_non_finite",
            Self::Refused(Refusal::Decrease) => "refused_decrease",
            Self::NoAscent => "no_ascent",
            Self::Jump => "jump",
            Self::Settings => "settings",
        }
    }
}

/// Serialised as its short name ([`Event::name`]).
impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// One line of the trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Iteration number (0 is the start).
    pub iteration: usize,
    /// θ in natural parameters after this iteration.
    pub params: Vec<f64>,
    /// ℓ(θ).
    pub log_likelihood: f64,
    /// ℓ(θ)/m.
    pub mean_log_likelihood: f64,
    /// ‖∇(ℓ/m)‖.
    pub gradient_norm: f64,
    /// The optimiser's step size after this iteration. Newton has none (see
    /// [`Optimizer::step_size`]); its records hold the configured step size it ignores, as
    /// the trajectory's JSON and CSV have always shown.
    pub step_size: f64,
    /// What happened.
    pub event: Event,
}

/// Iterations looked back over for the stall rule.
const STALL_WINDOW: usize = 30;

/// A fit in progress.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The user's settings the optimiser was built from.
    settings: Settings,
    optimizer: Optimizer,
    current: Eval,
    iteration: usize,
    refusals: usize,
    history: Vec<Record>,
    stopped: Option<StopReason>,
    /// Coordinates where θ sits on a kink (see [`StopReason::Kink`]).
    kinked: Vec<bool>,
    /// The gradient at the previous accepted point, to spot coordinates whose derivative
    /// flips sign from step to step: the signature of chattering across a kink.
    previous_gradient: Vec<f64>,
    /// The last accepted points since the start, a jump or a change of optimiser, for the
    /// boundary rule.
    trail: Vec<Point>,
    /// The last verdict of [`Fit::conclude`], with the number of records and the stopping
    /// rules it was reached for: the check of a maximum costs a Hessian, made once.
    verdict: Option<(usize, Stopping, StopReason)>,
    /// Records before `history[0]` (a [`Fit::continuation`] holds only the tail it needs).
    offset: usize,
    /// ℓ/m at the start, record 0, which a continuation may not hold.
    start_mean: f64,
}

impl Fit {
    /// Starts at natural parameters `start`.
    #[must_use]
    pub fn new(objective: &dyn Model, start: &[f64], settings: Settings) -> Self {
        let current = objective.eval_natural(start);
        let optimizer = Optimizer::new(settings, objective.dim());
        let dim = objective.dim();
        let mut fit = Self {
            settings,
            optimizer,
            current,
            iteration: 0,
            refusals: 0,
            history: Vec::new(),
            stopped: None,
            kinked: vec![false; dim],
            previous_gradient: vec![0.0; dim],
            trail: Vec::new(),
            verdict: None,
            offset: 0,
            start_mean: 0.0,
        };
        fit.start_mean = fit.current.mean_log_likelihood;
        fit.restart_trail();
        fit.record(Event::Start);
        fit
    }

    /// Starts the boundary rule's trail afresh at the current point: steps of another
    /// optimiser, or across a jump, do not make one trend.
    fn restart_trail(&mut self) {
        self.trail.clear();
        self.extend_trail();
    }

    fn extend_trail(&mut self) {
        if self.trail.len() > boundary::WINDOW {
            self.trail.remove(0);
        }
        self.trail.push(Point {
            free: self.current.free.clone(),
            mean_log_likelihood: self.current.mean_log_likelihood,
        });
    }

    fn record(&mut self, event: Event) {
        self.history.push(Record {
            iteration: self.iteration,
            params: self.current.natural.clone(),
            log_likelihood: self.current.log_likelihood,
            mean_log_likelihood: self.current.mean_log_likelihood,
            gradient_norm: self.current.gradient_norm,
            step_size: self.optimizer.step_size().unwrap_or(self.settings.step_size),
            event,
        });
    }

    /// The current point.
    #[must_use]
    pub fn current(&self) -> &Eval {
        &self.current
    }

    /// Iterations taken so far (accepted and refused).
    #[must_use]
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// Steps refused so far.
    #[must_use]
    pub fn refusals(&self) -> usize {
        self.refusals
    }

    /// Every iteration's record, the start first.
    #[must_use]
    pub fn history(&self) -> &[Record] {
        &self.history
    }

    /// The optimiser and its running state.
    #[must_use]
    pub fn optimizer(&self) -> &Optimizer {
        &self.optimizer
    }

    /// The settings the current optimiser was built from.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Set once the fit can go no further by itself (no ascent, stationary).
    #[must_use]
    pub fn stopped(&self) -> Option<StopReason> {
        self.stopped
    }

    /// Replaces the optimiser (fresh state, new settings) keeping θ and the history.
    pub fn set_settings(&mut self, settings: Settings) {
        self.optimizer = Optimizer::new(settings, self.current.free.len());
        self.settings = settings;
        self.stopped = None;
        self.restart_trail();
        self.record(Event::Settings);
    }

    /// Moves θ to natural parameters `natural`, as a recorded iteration.
    pub fn jump_to(&mut self, objective: &dyn Model, natural: &[f64]) {
        self.iteration += 1;
        self.previous_gradient = std::mem::take(&mut self.current.gradient);
        self.current = objective.eval_natural(natural);
        self.stopped = None;
        self.kinked.fill(false);
        self.restart_trail();
        self.record(Event::Jump);
    }

    /// Takes one optimiser step and records it.
    pub fn step(&mut self, objective: &dyn Model) -> &Record {
        self.iteration += 1;
        let event = match self.optimizer.step(objective, &self.current, &self.kinked) {
            Step::Accepted(next) => {
                if next.free == self.current.free {
                    self.stopped = Some(StopReason::Stationary);
                }
                if let Some(parameter) = objective.collapsing(&next.natural) {
                    self.stopped = Some(StopReason::Unbounded { parameter });
                }
                let gain = next.mean_log_likelihood - self.current.mean_log_likelihood;
                let stalling = gain.abs() <= 1e-12 * next.mean_log_likelihood.abs().max(1.0);
                self.previous_gradient = std::mem::take(&mut self.current.gradient);
                self.current = next;
                self.extend_trail();
                self.find_kinks(objective, stalling);
                Event::Accepted
            }
            Step::Refused { reason, .. } => {
                self.refusals += 1;
                Event::Refused(reason)
            }
            Step::NoAscent => {
                self.stopped = Some(StopReason::NoAscent);
                Event::NoAscent
            }
        };
        self.record(event);
        if self.stopped.is_none() && self.stalled() {
            self.stopped = Some(StopReason::Stationary);
        }
        self.history.last().expect("a record was just pushed")
    }

    /// Marks the coordinates where θ sits on a kink, checked when a derivative flipped sign
    /// since the last accepted point or ℓ stopped improving. Nudged δ either way, the
    /// one-sided derivatives must point back at θ, and their difference must stay the size
    /// of a jump when δ doubles (a smooth maximum's difference doubles with δ), so a smooth
    /// coordinate is never frozen. Once found, a kink stays marked for the rest of the fit:
    /// the coordinate is then left alone while the others converge.
    fn find_kinks(&mut self, objective: &dyn Model, stalling: bool) {
        if !objective.has_kinks() {
            return;
        }
        for i in 0..self.kinked.len() {
            let g = self.current.gradient[i];
            let flipped = g * self.previous_gradient[i] < 0.0;
            if self.kinked[i] || !(flipped || stalling) {
                continue;
            }
            let u = &self.current.free;
            let delta = 1e-8 * u[i].abs().max(1.0);
            let at = |d: f64| {
                let mut v = u.clone();
                v[i] += d;
                objective.eval(&v).gradient[i]
            };
            let (up, down) = (at(delta), at(-delta));
            let (up2, down2) = (at(2.0 * delta), at(-2.0 * delta));
            let jump = down - up;
            self.kinked[i] = up < 0.0 && down > 0.0 && jump > 0.75 * (down2 - up2);
        }
    }

    /// The free coordinates found sitting on a kink of ℓ (see [`StopReason::Kink`]).
    #[must_use]
    pub fn kinked(&self) -> &[bool] {
        &self.kinked
    }

    /// ‖∇(ℓ/m)‖ over the coordinates that are not on a kink.
    #[must_use]
    pub fn smooth_gradient_norm(&self) -> f64 {
        self.current
            .gradient
            .iter()
            .zip(&self.kinked)
            .filter(|(_, k)| !**k)
            .map(|(g, _)| g * g)
            .sum::<f64>()
            .sqrt()
    }

    /// Over the last window some step was refused (the optimiser is at the edge of what
    /// ascends), ℓ/m rose by no more than a few rounding errors in all, and the gradient norm
    /// did not get any smaller than in the window before: θ is at the rounding floor, where
    /// a gradient norm cannot certify a maximum. A slow but steady approach (a narrow ridge)
    /// keeps shrinking its gradient and is not stopped; a run crawling with a tiny step size
    /// has no refusals and is not stopped either.
    fn stalled(&self) -> bool {
        let n = self.history.len();
        if n <= 2 * STALL_WINDOW {
            return false;
        }
        let window = &self.history[n - STALL_WINDOW..];
        let before = &self.history[n - 2 * STALL_WINDOW..n - STALL_WINDOW];
        let refused = window.iter().any(|r| matches!(r.event, Event::Refused(_)));
        let first = self.history[n - STALL_WINDOW - 1].mean_log_likelihood;
        let last = self.current.mean_log_likelihood;
        let flat = last - first <= 8.0 * f64::EPSILON * last.abs().max(1.0);
        let smallest =
            |rs: &[Record]| rs.iter().map(|r| r.gradient_norm).fold(f64::INFINITY, f64::min);
        refused && flat && smallest(window) >= smallest(before)
    }

    /// A free coordinate running to the boundary over the last accepted steps, whatever ℓ/m
    /// still has to gain (see [`boundary::runaway`]).
    #[must_use]
    pub fn runaway(&self) -> Option<Runaway> {
        boundary::runaway(&self.trail)
    }

    /// Whether a stopping rule holds now, a stop that looks like a maximum checked to be one
    /// (see [`super::verify`]); the verdict is kept until the fit moves on.
    pub fn conclude(&mut self, model: &dyn Model, stopping: &Stopping) -> Option<StopReason> {
        let at = self.records();
        if let Some((seen, rules, reason)) = self.verdict
            && seen == at
            && rules == *stopping
        {
            return Some(reason);
        }
        let candidate = self.check(stopping)?;
        let start = self.start_mean;
        let reason = verify::verdict(
            model,
            candidate,
            start,
            &self.current,
            &self.kinked,
            stopping.tolerance,
        );
        self.verdict = Some((at, *stopping, reason));
        Some(reason)
    }

    /// The verdict [`Fit::conclude`] reached at the current point, if it was asked.
    #[must_use]
    pub fn verdict(&self) -> Option<StopReason> {
        self.verdict.filter(|(seen, _, _)| *seen == self.records()).map(|(_, _, r)| r)
    }

    /// Records made so far, counting those a continuation does not hold.
    fn records(&self) -> usize {
        self.offset + self.history.len()
    }

    /// The fit as it stands with only the tail of its history that the stopping rules read
    /// (the stall rule's two windows), to be stepped elsewhere (the explorer's stepper
    /// thread) and handed back to [`Fit::absorb`]: copying a long history for every batch of
    /// steps would cost more than the steps.
    #[must_use]
    pub fn continuation(&self) -> Fit {
        let keep = self.history.len().min(2 * STALL_WINDOW + 1);
        let cut = self.history.len() - keep;
        Fit {
            settings: self.settings,
            optimizer: self.optimizer.clone(),
            current: self.current.clone(),
            iteration: self.iteration,
            refusals: self.refusals,
            history: self.history[cut..].to_vec(),
            stopped: self.stopped,
            kinked: self.kinked.clone(),
            previous_gradient: self.previous_gradient.clone(),
            trail: self.trail.clone(),
            verdict: self.verdict,
            offset: self.offset + cut,
            start_mean: self.start_mean,
        }
    }

    /// Takes the state of `continued`, a [`Fit::continuation`] of this fit stepped on, and
    /// appends the records it made: the same fit as if the steps had been taken here. None
    /// (and nothing changed) when `continued` does not continue this fit as it is now.
    pub fn absorb(&mut self, mut continued: Fit) -> Option<()> {
        // The continuation's copy of this fit's last record must be that record.
        let held = self.records().checked_sub(continued.offset)?;
        let last = held.checked_sub(1).and_then(|i| continued.history.get(i))?;
        if Some(last) != self.history.last() || continued.settings != self.settings {
            return None;
        }
        self.history.extend(continued.history.drain(held..));
        self.optimizer = continued.optimizer;
        self.current = continued.current;
        self.iteration = continued.iteration;
        self.refusals = continued.refusals;
        self.stopped = continued.stopped;
        self.kinked = continued.kinked;
        self.previous_gradient = continued.previous_gradient;
        self.trail = continued.trail;
        self.verdict = continued.verdict;
        Some(())
    }

    /// Whether a stopping rule holds now, before the check of a maximum: a candidate, not a
    /// verdict. The boundary comes first: a runaway's gradient also fades, and reporting its
    /// θ as a maximum would be wrong.
    #[must_use]
    pub fn check(&self, stopping: &Stopping) -> Option<StopReason> {
        if let Some(r) = self.runaway()
            && (r.remaining <= stopping.tolerance
                || self.current.gradient_norm <= stopping.tolerance)
        {
            Some(StopReason::Boundary { coordinate: r.coordinate, increasing: r.increasing })
        } else if self.current.gradient_norm <= stopping.tolerance {
            Some(StopReason::GradientTolerance)
        } else if self.kinked.iter().any(|k| *k)
            && self.smooth_gradient_norm() <= stopping.tolerance
        {
            Some(StopReason::Kink)
        } else if let Some(reason) = self.stopped {
            Some(reason)
        } else if self.iteration >= stopping.max_steps {
            Some(StopReason::StepLimit)
        } else {
            None
        }
    }

    /// Steps until a stopping rule holds.
    pub fn run(&mut self, objective: &dyn Model, stopping: &Stopping) -> StopReason {
        loop {
            if let Some(reason) = self.conclude(objective, stopping) {
                return reason;
            }
            self.step(objective);
        }
    }
}
