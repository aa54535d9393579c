//! Newton's method on ℓ/m with the model's Hessian (closed form where the family has one,
//! else central differences of the analytic gradient), and a backtracking (Armijo) line
//! search so every accepted step ascends. Where the Hessian is not negative definite (far
//! from a maximum, or at a mixture's saddle) it is shifted by τI until it is
//! (Levenberg–Marquardt), which bends the step towards the gradient while keeping its scale,
//! instead of taking a raw gradient step of length 1.

use super::linalg::solve_positive_definite;
use super::{Step, slack};
use crate::stats::model::{Eval, Model};

/// Halvings tried before concluding that no ascent step exists.
const MAX_HALVINGS: usize = 60;

/// Armijo's sufficient-increase fraction.
const ARMIJO: f64 = 1e-4;

/// Newton's method. It has no step size: each line search starts from the full Newton step.
/// Nothing carries from one step to the next; it keeps only what its last step saw, for the
/// explorer to show.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Newton {
    last: Option<NewtonStep>,
}

/// What Newton's last step saw and did.
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonStep {
    /// The Hessian of ℓ/m at the point the step left, in free coordinates.
    pub hessian: Vec<Vec<f64>>,
    /// Whether −H was positive definite there (else it was shifted towards the gradient).
    pub curved: bool,
    /// The fraction of the Newton direction taken: below 1 the line search shortened the
    /// step, above 1 it stretched it (an indefinite Hessian); None when no step ascended.
    pub alpha: Option<f64>,
}

impl Newton {
    /// One iteration from `current` (its gradient already zeroed where `frozen`).
    pub fn step(&mut self, objective: &dyn Model, current: &Eval, frozen: &[bool]) -> Step {
        let (step, seen) = step(objective, current, frozen);
        self.last = Some(seen);
        step
    }

    /// What the last step saw (None before the first).
    #[must_use]
    pub fn last_step(&self) -> Option<&NewtonStep> {
        self.last.as_ref()
    }
}

fn step(objective: &dyn Model, current: &Eval, frozen: &[bool]) -> (Step, NewtonStep) {
    let g = &current.gradient;
    let h = objective.hessian(&current.free);
    let seen = |curved: bool, alpha: Option<f64>| NewtonStep { hessian: h.clone(), curved, alpha };
    let mut neg: Vec<Vec<f64>> = h.iter().map(|row| row.iter().map(|v| -v).collect()).collect();
    freeze(&mut neg, frozen);
    let (direction, curved) = match solve_positive_definite(&neg, g) {
        Some(d) if d.iter().all(|v| v.is_finite()) => (d, true),
        // Indefinite (far from the maximum, or on a saddle): shift the Hessian until it is
        // definite, and let the line search below stretch the step.
        _ => (damped_direction(&neg, g), false),
    };
    let slope: f64 = g.iter().zip(&direction).map(|(a, b)| a * b).sum();
    let tol = slack(current.mean_log_likelihood);
    let at = |alpha: f64| {
        let proposal: Vec<f64> =
            current.free.iter().zip(&direction).map(|(u, d)| u + alpha * d).collect();
        (proposal != current.free).then(|| objective.eval(&proposal))
    };
    let good = |next: &Eval, alpha: f64| {
        next.is_finite()
            && next.mean_log_likelihood
                >= current.mean_log_likelihood + ARMIJO * alpha * slope - tol
    };
    let mut alpha = 1.0;
    for _ in 0..MAX_HALVINGS {
        let Some(next) = at(alpha) else { break };
        if good(&next, alpha) {
            if curved || alpha < 1.0 {
                return (Step::Accepted(next), seen(curved, Some(alpha)));
            }
            // Where the surface curves upwards (an indefinite Hessian: a ridge, a saddle) the
            // full step can be far too short: keep doubling while ℓ keeps rising.
            let (mut best, mut best_alpha) = (next, alpha);
            for _ in 0..MAX_HALVINGS {
                alpha *= 2.0;
                match at(alpha) {
                    Some(longer)
                        if good(&longer, alpha)
                            && longer.mean_log_likelihood > best.mean_log_likelihood =>
                    {
                        (best, best_alpha) = (longer, alpha);
                    }
                    _ => break,
                }
            }
            return (Step::Accepted(best), seen(curved, Some(best_alpha)));
        }
        alpha *= 0.5;
    }
    (Step::NoAscent, seen(curved, None))
}

/// Solves (−H + τI) d = g for the smallest τ ∈ {0, τ₀, 4τ₀, …} that makes the matrix
/// positive definite; τ₀ is a thousandth of the largest curvature.
fn damped_direction(neg_h: &[Vec<f64>], g: &[f64]) -> Vec<f64> {
    let scale = neg_h.iter().enumerate().map(|(i, r)| r[i].abs()).fold(0.0, f64::max).max(1e-12);
    let mut tau = 0.0;
    for _ in 0..60 {
        let mut a = neg_h.to_vec();
        for (i, row) in a.iter_mut().enumerate() {
            row[i] += tau;
        }
        if let Some(d) = solve_positive_definite(&a, g)
            && d.iter().all(|v| v.is_finite())
        {
            return d;
        }
        tau = if tau == 0.0 { 1e-3 * scale } else { tau * 4.0 };
    }
    g.to_vec()
}

/// Gives each frozen coordinate an identity row and column: with its gradient zeroed its step
/// is 0, and the other coordinates solve the reduced system.
fn freeze(matrix: &mut [Vec<f64>], frozen: &[bool]) {
    for (i, f) in frozen.iter().enumerate() {
        if *f {
            for (j, row) in matrix.iter_mut().enumerate() {
                row[i] = f64::from(u8::from(i == j));
            }
            for (j, v) in matrix[i].iter_mut().enumerate() {
                *v = f64::from(u8::from(i == j));
            }
        }
    }
}
