//! Newton's method on ℓ/m with the Hessian from central differences of the analytic
//! gradient, and a backtracking (Armijo) line search so every accepted step ascends. Where
//! the Hessian is not negative definite (far from a maximum, or at a mixture's saddle) the
//! direction falls back to the gradient.

use super::linalg::solve_positive_definite;
use super::{Step, slack};
use crate::stats::objective::{Eval, Objective};

/// Halvings tried before concluding that no ascent step exists.
const MAX_HALVINGS: usize = 60;

/// Armijo's sufficient-increase fraction.
const ARMIJO: f64 = 1e-4;

pub(super) fn step(objective: &Objective<'_>, current: &Eval) -> Step {
    let g = &current.gradient;
    let h = objective.hessian(&current.free);
    let neg: Vec<Vec<f64>> = h.iter().map(|row| row.iter().map(|v| -v).collect()).collect();
    let direction = match solve_positive_definite(&neg, g) {
        Some(d) if d.iter().all(|v| v.is_finite()) => d,
        _ => g.clone(),
    };
    let slope: f64 = g.iter().zip(&direction).map(|(a, b)| a * b).sum();
    let tol = slack(current.mean_log_likelihood);
    let mut alpha = 1.0;
    for _ in 0..MAX_HALVINGS {
        let proposal: Vec<f64> =
            current.free.iter().zip(&direction).map(|(u, d)| u + alpha * d).collect();
        if proposal == current.free {
            break;
        }
        let next = objective.eval(&proposal);
        if next.is_finite()
            && next.mean_log_likelihood
                >= current.mean_log_likelihood + ARMIJO * alpha * slope - tol
        {
            return Step::Accepted(next);
        }
        alpha *= 0.5;
    }
    Step::NoAscent
}
