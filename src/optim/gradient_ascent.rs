//! Gradient ascent, the seed's method: θ ← θ + η ∇(ℓ/m). A step that would lower ℓ (or give
//! a non-finite value) is refused and η halved, so a step size that is too large shows up as
//! refusals instead of a run that silently diverges; after each accepted step η doubles back
//! towards the chosen size, so one refusal does not slow the rest of the run. On a kinked
//! likelihood (laplace) the refusals walk θ onto the kink.

use super::{Optimizer, Refusal, Step, slack};
use crate::stats::model::{Eval, Model};

pub(super) fn step(
    opt: &mut Optimizer,
    objective: &dyn Model,
    current: &Eval,
    frozen: &[bool],
) -> Step {
    let eta = opt.step_size;
    let proposal: Vec<f64> =
        current.free.iter().zip(&current.gradient).map(|(u, g)| u + eta * g).collect();
    let next = objective.eval(&proposal);
    if !next.is_finite() {
        return opt.refuse(Refusal::NonFinite);
    }
    // Rounding-level losses are not refused: near the optimum ℓ is flat to f64 precision
    // well before θ is, and refusing noise would stall the approach.
    let tol = slack(current.mean_log_likelihood);
    if next.mean_log_likelihood < current.mean_log_likelihood - tol {
        return opt.refuse(Refusal::Decrease);
    }
    // Where ℓ is flat to rounding it cannot tell a good step from an overshoot to the mirror
    // point (which would repeat forever); the gradient can: such a step must shrink it.
    let norm = |g: &[f64]| {
        g.iter().zip(frozen).filter(|(_, f)| !**f).map(|(v, _)| v * v).sum::<f64>().sqrt()
    };
    if next.mean_log_likelihood <= current.mean_log_likelihood + tol
        && norm(&next.gradient) >= norm(&current.gradient)
    {
        return opt.refuse(Refusal::Decrease);
    }
    opt.step_size = (eta * 2.0).min(opt.settings.step_size);
    Step::Accepted(next)
}
