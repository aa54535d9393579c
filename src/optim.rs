//! Optimisers that step θ one iteration per call, state passed in and out, so the TUI can
//! drive them a keypress at a time and the headless runner in a loop. Every optimiser
//! ascends ℓ/m in free coordinates. A step that would produce a non-finite value is
//! refused and reported with the step size halved, never silently applied. The stopping
//! rules live in [`fit`], apart from the steps.

mod adam;
pub mod boundary;
pub mod fit;
mod gradient_ascent;
pub mod linalg;
mod momentum;
mod newton;

use std::fmt;

use crate::stats::model::{Eval, Model};

/// Which optimiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptimizerKind {
    /// θ ← θ + η ∇(ℓ/m): the seed's method, refusing steps that lower ℓ (η halves, then
    /// recovers after accepted steps).
    GradientAscent,
    /// Heavy-ball momentum: v ← μv + η∇, θ ← θ + v.
    Momentum,
    /// Adam: steps scaled by running moments of the gradient.
    Adam,
    /// Newton with a backtracking line search (the Hessian shifted towards the gradient
    /// where it is not negative definite).
    Newton,
}

impl OptimizerKind {
    /// Every optimiser, in the order the TUI cycles them.
    pub const ALL: [Self; 4] = [Self::GradientAscent, Self::Momentum, Self::Adam, Self::Newton];

    /// The interface name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::GradientAscent => "gradient_ascent",
            Self::Momentum => "momentum",
            Self::Adam => "adam",
            Self::Newton => "newton",
        }
    }

    /// Looks an optimiser up by name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// All names, for messages.
    #[must_use]
    pub fn all_names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An optimiser's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Which optimiser.
    pub kind: OptimizerKind,
    /// Step size η (Newton's line search starts at 1 and ignores it).
    pub step_size: f64,
    /// Momentum coefficient μ.
    pub momentum: f64,
    /// Adam's first-moment decay.
    pub beta1: f64,
    /// Adam's second-moment decay.
    pub beta2: f64,
    /// Adam's denominator guard.
    pub epsilon: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            kind: OptimizerKind::GradientAscent,
            step_size: 0.1,
            momentum: 0.9,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The proposed θ, its likelihood or its gradient was not finite.
    NonFinite,
    /// The proposed θ lowered the log-likelihood (gradient ascent only).
    Decrease,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NonFinite => "the step would give a non-finite value",
            Self::Decrease => "the step would lower the log-likelihood",
        })
    }
}

/// What one call to [`Optimizer::step`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// θ moved to this point.
    Accepted(Eval),
    /// θ stayed; the step size is now `step_size`.
    Refused {
        /// Why.
        reason: Refusal,
        /// The halved step size.
        step_size: f64,
    },
    /// No step of any size tried increases ℓ: θ is a maximum to f64 precision.
    NoAscent,
}

/// An optimiser with its running state.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimizer {
    /// The settings it was made with.
    pub settings: Settings,
    /// The current step size (halved on each refusal).
    pub step_size: f64,
    velocity: Vec<f64>,
    first: Vec<f64>,
    second: Vec<f64>,
    t: i32,
}

/// Refusals halve the step; below this fraction of the starting step nothing is left to try.
const MIN_STEP_FRACTION: f64 = 1e-16;

impl Optimizer {
    /// A fresh optimiser for `dim` free coordinates.
    #[must_use]
    pub fn new(settings: Settings, dim: usize) -> Self {
        Self {
            settings,
            step_size: settings.step_size,
            velocity: vec![0.0; dim],
            first: vec![0.0; dim],
            second: vec![0.0; dim],
            t: 0,
        }
    }

    /// One iteration from `current`. Coordinates marked in `frozen` (found sitting on a kink
    /// of the likelihood) are not moved, so the others can converge without chattering.
    pub fn step(&mut self, objective: &dyn Model, current: &Eval, frozen: &[bool]) -> Step {
        if frozen.iter().any(|f| *f) {
            let mut masked = current.clone();
            for (g, f) in masked.gradient.iter_mut().zip(frozen) {
                if *f {
                    *g = 0.0;
                }
            }
            return self.step_unmasked(objective, &masked, frozen);
        }
        self.step_unmasked(objective, current, frozen)
    }

    fn step_unmasked(&mut self, objective: &dyn Model, current: &Eval, frozen: &[bool]) -> Step {
        if self.settings.kind != OptimizerKind::Newton
            && self.step_size < self.settings.step_size * MIN_STEP_FRACTION
        {
            return Step::NoAscent;
        }
        match self.settings.kind {
            OptimizerKind::GradientAscent => {
                gradient_ascent::step(self, objective, current, frozen)
            }
            OptimizerKind::Momentum => momentum::step(self, objective, current),
            OptimizerKind::Adam => adam::step(self, objective, current),
            OptimizerKind::Newton => newton::step(objective, current, frozen),
        }
    }

    /// Halves the step and reports the refusal.
    fn refuse(&mut self, reason: Refusal) -> Step {
        self.step_size *= 0.5;
        Step::Refused { reason, step_size: self.step_size }
    }
}

/// Rounding slack when comparing two mean log-likelihoods. ℓ is a sum of terms that cancel
/// (n a ln b against n ln Γ(a) for a gamma): its rounding error is a few dozen ulps of ℓ,
/// not one.
fn slack(mean_ll: f64) -> f64 {
    64.0 * f64::EPSILON * mean_ll.abs().max(1.0)
}
