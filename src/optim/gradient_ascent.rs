//! Gradient ascent, the seed's method: θ ← θ + η ∇(ℓ/m). A step that would lower ℓ (or give
//! a non-finite value) is refused and η halved, so a step size that is too large shows up as
//! refusals instead of a run that silently diverges; after each accepted step η doubles back
//! towards the chosen size, so one refusal does not slow the rest of the run. On a kinked
//! likelihood (laplace) the refusals walk θ onto the kink.

use super::{Refusal, Step, StepSize, slack};
use crate::stats::model::{Eval, Model};

/// Gradient ascent with its current step size η.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientAscent {
    eta: StepSize,
}

impl GradientAscent {
    /// Starts with step size `step_size`, which is also the most η recovers to.
    #[must_use]
    pub const fn new(step_size: f64) -> Self {
        Self { eta: StepSize::new(step_size) }
    }

    /// The current step size.
    #[must_use]
    pub const fn step_size(&self) -> f64 {
        self.eta.current
    }

    /// One iteration from `current` (its gradient already zeroed where `frozen`).
    pub fn step(&mut self, objective: &dyn Model, current: &Eval, frozen: &[bool]) -> Step {
        if self.eta.exhausted() {
            return Step::NoAscent;
        }
        let eta = self.eta.current;
        let proposal: Vec<f64> =
            current.free.iter().zip(&current.gradient).map(|(u, g)| u + eta * g).collect();
        let next = objective.eval(&proposal);
        if !next.is_finite() {
            return self.eta.refuse(Refusal::NonFinite);
        }
        // Rounding-level losses are not refused: near the optimum ℓ is flat to f64 precision
        // well before θ is, and refusing noise would stall the approach.
        let tol = slack(current.mean_log_likelihood);
        if next.mean_log_likelihood < current.mean_log_likelihood - tol {
            return self.eta.refuse(Refusal::Decrease);
        }
        // Where ℓ is flat to rounding it cannot tell a good step from an overshoot to the
        // mirror point (which would repeat forever); the gradient can: such a step must
        // shrink it.
        let norm = |g: &[f64]| {
            g.iter().zip(frozen).filter(|(_, f)| !**f).map(|(v, _)| v * v).sum::<f64>().sqrt()
        };
        if next.mean_log_likelihood <= current.mean_log_likelihood + tol
            && norm(&next.gradient) >= norm(&current.gradient)
        {
            return self.eta.refuse(Refusal::Decrease);
        }
        self.eta.current = (eta * 2.0).min(self.eta.initial);
        Step::Accepted(next)
    }
}
