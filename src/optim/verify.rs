//! What makes a stop a maximum. A stopping rule says only that the optimiser has stopped
//! moving (a small gradient, no ascent, no change at f64 precision); the stop is called
//! converged only once the point is checked:
//! - ℓ at the end is no lower than at the start (momentum or Adam with too large a step can
//!   run downhill and settle far below it);
//! - the Hessian of ℓ/m in the free coordinates that are not frozen on a kink is negative
//!   definite (else the point is a saddle or a flat direction, not a maximum);
//! - the Newton decrement λ² = gᵀ(−H)⁻¹g, twice the gain in ℓ/m a Newton step would still
//!   make, is within the tolerance: the gradient is small *relative to the curvature*, so a
//!   gradient made tiny by a flat region (a weibull shape of 1e-300) or a step too small to
//!   move θ is not mistaken for a maximum (they stop as [`StopReason::Flat`] and
//!   [`StopReason::StepTooSmall`]).
//!
//! A step limit whose point passes the same checks is a maximum too.

use super::fit::StopReason;
use super::linalg::{cholesky, solve_positive_definite};
use super::slack;
use crate::stats::model::{Eval, Model};

/// What the check of a point found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Curvature {
    /// Negative definite, with this Newton decrement λ² (in ℓ/m).
    Maximum {
        /// gᵀ(−H)⁻¹g.
        decrement: f64,
    },
    /// Not negative definite, some direction curving upwards: a saddle.
    Saddle,
    /// Not negative definite, the worst direction flat (to rounding, or with a curvature
    /// below f64's range).
    Flat,
}

/// The curvature of ℓ/m at `point`, over the free coordinates not marked `frozen`. Where ℓ
/// has kinks, a coordinate along which ℓ is flat (laplace's loc between the two middle values
/// of an even sample, where every loc is a maximum) counts as a maximum along itself when its
/// one-sided derivatives point back at θ, and is left out of the definite test; so is one
/// whose curvature underflowed to exactly 0 (a location of 1e299 at a scale of 1e300 has
/// curvature 1e-600 in its own units) when the same holds.
#[must_use]
pub fn curvature(model: &dyn Model, point: &Eval, frozen: &[bool]) -> Curvature {
    let h = model.hessian(&point.free);
    let flat_maximum = |i: usize| {
        let delta = 1e-8 * point.free[i].abs().max(1.0);
        let at = |d: f64| {
            let mut u = point.free.clone();
            u[i] += d;
            model.eval(&u).gradient[i]
        };
        h[i][i] >= 0.0 && at(delta) <= 0.0 && at(-delta) >= 0.0
    };
    let keep: Vec<usize> = (0..point.free.len())
        .filter(|&i| !(frozen[i] || ((model.has_kinks() || h[i][i] == 0.0) && flat_maximum(i))))
        .collect();
    if keep.is_empty() {
        return Curvature::Maximum { decrement: 0.0 };
    }
    let neg: Vec<Vec<f64>> =
        keep.iter().map(|&i| keep.iter().map(|&j| -h[i][j]).collect()).collect();
    let g: Vec<f64> = keep.iter().map(|&i| point.gradient[i]).collect();
    match solve_positive_definite(&neg, &g) {
        Some(d) if d.iter().all(|v| v.is_finite()) => {
            Curvature::Maximum { decrement: g.iter().zip(&d).map(|(a, b)| a * b).sum() }
        }
        _ if curves_up(&neg) => Curvature::Saddle,
        _ => Curvature::Flat,
    }
}

/// Whether the symmetric matrix `a` (−H) has a clearly negative pivot in its Cholesky
/// factorisation: some direction along which ℓ curves upwards, beyond rounding of the
/// largest curvature. The factorisation stops at the first pivot that is not positive, so
/// the matrix is shifted by that rounding first: a pivot within it counts as flat.
fn curves_up(a: &[Vec<f64>]) -> bool {
    let scale = (0..a.len()).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    let shifted: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, v)| if i == j { v + 1e-12 * scale } else { *v })
                .collect()
        })
        .collect();
    cholesky(&shifted).is_err_and(|pivot| pivot < 0.0)
}

/// The verdict on a stop `candidate` at `end`, for a fit that started at ℓ/m = `start`.
#[must_use]
pub fn verdict(
    model: &dyn Model,
    candidate: StopReason,
    start: f64,
    end: &Eval,
    frozen: &[bool],
    tolerance: f64,
) -> StopReason {
    if let Some(parameter) = model.collapsing(&end.natural) {
        return StopReason::Unbounded { parameter };
    }
    let downhill =
        end.mean_log_likelihood.is_nan() || end.mean_log_likelihood < start - slack(start);
    if downhill {
        return StopReason::Diverged;
    }
    let may_converge = matches!(
        candidate,
        StopReason::GradientTolerance
            | StopReason::Kink
            | StopReason::NoAscent
            | StopReason::Stationary
            | StopReason::StepLimit
    );
    if !may_converge {
        return candidate;
    }
    // The gain still to make is judged against the tolerance, or against rounding where ℓ/m
    // is so large that the tolerance is below its last digit.
    let allowed = tolerance.max(slack(end.mean_log_likelihood));
    match curvature(model, end, frozen) {
        Curvature::Maximum { decrement } if 0.5 * decrement <= allowed => match candidate {
            StopReason::StepLimit => StopReason::Decrement,
            verified => verified,
        },
        Curvature::Maximum { .. } => match candidate {
            StopReason::StepLimit => StopReason::StepLimit,
            StopReason::GradientTolerance | StopReason::Kink => StopReason::Flat,
            _ => StopReason::StepTooSmall,
        },
        Curvature::Saddle | Curvature::Flat if candidate == StopReason::StepLimit => {
            StopReason::StepLimit
        }
        curvature => {
            let smooth = end.gradient.iter().zip(frozen).filter(|(_, f)| !**f);
            let norm = smooth.map(|(g, _)| g * g).sum::<f64>().sqrt();
            match curvature {
                _ if norm > tolerance => StopReason::StepTooSmall,
                Curvature::Saddle => StopReason::Saddle,
                _ => StopReason::Flat,
            }
        }
    }
}
