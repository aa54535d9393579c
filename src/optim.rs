//! Optimisers that step θ one iteration per call, so the TUI can drive them a keypress at a
//! time and the headless runner in a loop. Each is a variant of [`Optimizer`] holding only
//! its own knobs and running state, in its own file (momentum's velocity, Adam's moments);
//! [`OptimizerKind`] is the typed name the CLI, scenario files and the explorer use, and
//! [`Settings`] the user's knobs it builds one from. Every optimiser ascends ℓ/m in free
//! coordinates. A first-order step that would produce a non-finite value is refused and
//! reported with the step size halved, never silently applied; Newton has no step size and
//! backtracks inside its line search instead. The stopping rules live in [`fit`], apart from
//! the steps.

mod adam;
pub mod boundary;
pub mod fit;
mod gradient_ascent;
pub mod inference;
pub mod linalg;
mod momentum;
mod newton;
pub mod verify;

use std::fmt;

use serde::{Serialize, Serializer};

pub use adam::{Adam, AdamDecay};
pub use gradient_ascent::GradientAscent;
pub use momentum::Momentum;
pub use newton::{Newton, NewtonStep};

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

/// Serialised as its interface name, as the JSON has always shown it.
impl Serialize for OptimizerKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The user's optimiser settings: the kind and every optimiser's knobs, so that cycling the
/// optimiser in the explorer keeps each one's choices. [`OptimizerKind::build`] takes from
/// them what the kind uses.
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

/// An optimiser with its running state: one variant per kind, each holding only the settings
/// and state it uses (Newton has no step size and carries nothing between steps).
#[derive(Debug, Clone, PartialEq)]
pub enum Optimizer {
    /// See [`GradientAscent`].
    GradientAscent(GradientAscent),
    /// See [`Momentum`].
    Momentum(Momentum),
    /// See [`Adam`].
    Adam(Adam),
    /// See [`Newton`].
    Newton(Newton),
}

/// Refusals halve the step; below this fraction of the starting step nothing is left to try.
const MIN_STEP_FRACTION: f64 = 1e-16;

impl OptimizerKind {
    /// A fresh optimiser of this kind for `dim` free coordinates, taking from `settings` the
    /// knobs it uses (its `kind` is ignored).
    #[must_use]
    pub fn build(self, settings: &Settings, dim: usize) -> Optimizer {
        match self {
            Self::GradientAscent => {
                Optimizer::GradientAscent(GradientAscent::new(settings.step_size))
            }
            Self::Momentum => {
                Optimizer::Momentum(Momentum::new(settings.step_size, settings.momentum, dim))
            }
            Self::Adam => Optimizer::Adam(Adam::new(
                settings.step_size,
                AdamDecay {
                    beta1: settings.beta1,
                    beta2: settings.beta2,
                    epsilon: settings.epsilon,
                },
                dim,
            )),
            Self::Newton => Optimizer::Newton(Newton::default()),
        }
    }
}

impl Optimizer {
    /// A fresh optimiser of `settings.kind` for `dim` free coordinates.
    #[must_use]
    pub fn new(settings: Settings, dim: usize) -> Self {
        settings.kind.build(&settings, dim)
    }

    /// Which optimiser this is.
    #[must_use]
    pub const fn kind(&self) -> OptimizerKind {
        match self {
            Self::GradientAscent(_) => OptimizerKind::GradientAscent,
            Self::Momentum(_) => OptimizerKind::Momentum,
            Self::Adam(_) => OptimizerKind::Adam,
            Self::Newton(_) => OptimizerKind::Newton,
        }
    }

    /// The current step size (halved on each refusal); None for Newton, whose line search
    /// starts from the full Newton step every time.
    #[must_use]
    pub const fn step_size(&self) -> Option<f64> {
        match self {
            Self::GradientAscent(o) => Some(o.step_size()),
            Self::Momentum(o) => Some(o.step_size()),
            Self::Adam(o) => Some(o.step_size()),
            Self::Newton(_) => None,
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
        match self {
            Self::GradientAscent(o) => o.step(objective, current, frozen),
            Self::Momentum(o) => o.step(objective, current, frozen),
            Self::Adam(o) => o.step(objective, current, frozen),
            Self::Newton(o) => o.step(objective, current, frozen),
        }
    }
}

/// The step size of a first-order optimiser: the one it was made with, and the current one,
/// halved on each refusal.
#[derive(Debug, Clone, Copy, PartialEq)]
struct StepSize {
    initial: f64,
    current: f64,
}

impl StepSize {
    const fn new(initial: f64) -> Self {
        Self { initial, current: initial }
    }

    /// Halvings have left less than [`MIN_STEP_FRACTION`] of the initial step: no step of
    /// any size tried ascends.
    fn exhausted(&self) -> bool {
        self.current < self.initial * MIN_STEP_FRACTION
    }

    /// Halves the step and reports the refusal.
    fn refuse(&mut self, reason: Refusal) -> Step {
        self.current *= 0.5;
        Step::Refused { reason, step_size: self.current }
    }
}

/// Rounding slack when comparing two mean log-likelihoods. ℓ is a sum of terms that cancel
/// (n a ln b against n ln Γ(a) for a gamma): its rounding error is a few dozen ulps of ℓ,
/// not one.
fn slack(mean_ll: f64) -> f64 {
    64.0 * f64::EPSILON * mean_ll.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::fit::Fit;
    use super::*;
    use crate::stats::family::{FamilyKind, Shape};
    use crate::stats::objective::Objective;
    use crate::stats::sample::Sample;

    fn settings(kind: OptimizerKind) -> Settings {
        Settings { kind, step_size: 0.25, ..Settings::default() }
    }

    #[test]
    fn each_kind_builds_its_own_variant_with_its_own_step_size() {
        for kind in OptimizerKind::ALL {
            let opt = kind.build(&settings(kind), 2);
            assert_eq!(opt.kind(), kind);
            assert_eq!(Optimizer::new(settings(kind), 2), opt);
            let expected = (kind != OptimizerKind::Newton).then_some(0.25);
            assert_eq!(opt.step_size(), expected, "{kind}");
        }
        assert!(matches!(
            OptimizerKind::Newton.build(&settings(OptimizerKind::Newton), 3),
            Optimizer::Newton(_)
        ));
    }

    #[test]
    fn the_kind_in_the_settings_does_not_choose_what_build_makes() {
        let opt = OptimizerKind::Adam.build(&settings(OptimizerKind::Newton), 2);
        assert!(matches!(opt, Optimizer::Adam(_)));
    }

    #[test]
    fn kinds_reasons_and_events_serialise_to_their_names() {
        use super::fit::{Event, StopReason};
        fn json<T: Serialize>(value: &T) -> String {
            serde_json::to_string(value).expect("serialises")
        }
        for kind in OptimizerKind::ALL {
            assert_eq!(json(&kind), format!("\"{}\"", kind.name()));
        }
        let boundary = StopReason::Boundary { coordinate: 0, increasing: true };
        for reason in [StopReason::GradientTolerance, StopReason::NoAscent, boundary] {
            assert_eq!(json(&reason), format!("\"{}\"", reason.name()));
        }
        for event in [Event::Start, Event::Refused(Refusal::NonFinite), Event::Settings] {
            assert_eq!(json(&event), format!("\"{}\"", event.name()));
        }
    }

    #[test]
    fn momentum_and_adam_keep_their_own_running_state() {
        let family = FamilyKind::Normal.build(Shape::default());
        let sample = Sample::new(vec![0.5, 1.5, 2.0, 3.5, 4.0]);
        let objective = Objective { family: family.as_ref(), sample: &sample };
        let start = [0.0, 1.0];

        let mut fit = Fit::new(&objective, &start, settings(OptimizerKind::Momentum));
        fit.step(&objective);
        let Optimizer::Momentum(m) = fit.optimizer() else { panic!("momentum") };
        // From rest the first velocity is η ∇.
        let first_move: Vec<f64> =
            objective.eval_natural(&start).gradient.iter().map(|d| 0.25 * d).collect();
        assert_eq!(m.velocity(), first_move.as_slice());

        let mut fit = Fit::new(&objective, &start, settings(OptimizerKind::Adam));
        for _ in 0..3 {
            fit.step(&objective);
        }
        let Optimizer::Adam(a) = fit.optimizer() else { panic!("adam") };
        let (first, second, t) = a.moments();
        assert_eq!(t, 3);
        assert!(first.iter().all(|m| m.is_finite()) && second.iter().all(|v| *v > 0.0));

        // Changing optimiser starts the new one afresh.
        fit.set_settings(settings(OptimizerKind::Momentum));
        let Optimizer::Momentum(m) = fit.optimizer() else { panic!("momentum") };
        assert!(m.velocity().iter().all(|v| *v == 0.0));
    }

    #[test]
    fn newton_records_the_configured_step_size_it_does_not_use() {
        let family = FamilyKind::Normal.build(Shape::default());
        let sample = Sample::new(vec![0.5, 1.5, 2.0, 3.5, 4.0]);
        let objective = Objective { family: family.as_ref(), sample: &sample };
        let mut fit = Fit::new(&objective, &[0.0, 1.0], settings(OptimizerKind::Newton));
        fit.step(&objective);
        assert_eq!(fit.optimizer().step_size(), None);
        assert!(fit.history().iter().all(|r| r.step_size == 0.25));
    }

    #[test]
    fn a_step_size_halved_below_its_floor_means_no_ascent() {
        let mut eta = StepSize::new(1.0);
        let mut halvings = 0;
        while !eta.exhausted() {
            let _ = eta.refuse(Refusal::Decrease);
            halvings += 1;
        }
        // 2^-53 < 1e-16 < 2^-52.
        assert_eq!(halvings, 54);
    }
}
