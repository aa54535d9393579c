//! Adam: steps of size about η in every coordinate, scaled by bias-corrected running moments
//! of the gradient. With a fixed η it hovers near the optimum rather than settling on it.

use super::{Refusal, Step, StepSize};
use crate::stats::model::{Eval, Model};

/// Adam's decay rates and denominator guard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamDecay {
    /// First-moment decay β₁.
    pub beta1: f64,
    /// Second-moment decay β₂.
    pub beta2: f64,
    /// Denominator guard ε.
    pub epsilon: f64,
}

/// Adam with its step size, decays and running moments.
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    eta: StepSize,
    decay: AdamDecay,
    first: Vec<f64>,
    second: Vec<f64>,
    t: i32,
}

impl Adam {
    /// Starts with zero moments in `dim` free coordinates.
    #[must_use]
    pub fn new(step_size: f64, decay: AdamDecay, dim: usize) -> Self {
        Self {
            eta: StepSize::new(step_size),
            decay,
            first: vec![0.0; dim],
            second: vec![0.0; dim],
            t: 0,
        }
    }

    /// The current step size.
    #[must_use]
    pub const fn step_size(&self) -> f64 {
        self.eta.current
    }

    /// The running moments (first, second) and the number of accepted steps t.
    #[must_use]
    pub fn moments(&self) -> (&[f64], &[f64], i32) {
        (&self.first, &self.second, self.t)
    }

    /// One iteration from `current` (its gradient already zeroed where frozen).
    pub fn step(&mut self, objective: &dyn Model, current: &Eval, _frozen: &[bool]) -> Step {
        if self.eta.exhausted() {
            return Step::NoAscent;
        }
        let AdamDecay { beta1, beta2, epsilon } = self.decay;
        let t = self.t + 1;
        let first: Vec<f64> = self
            .first
            .iter()
            .zip(&current.gradient)
            .map(|(m, g)| beta1 * m + (1.0 - beta1) * g)
            .collect();
        let second: Vec<f64> = self
            .second
            .iter()
            .zip(&current.gradient)
            .map(|(v, g)| beta2 * v + (1.0 - beta2) * g * g)
            .collect();
        let (c1, c2) = (1.0 - beta1.powi(t), 1.0 - beta2.powi(t));
        let eta = self.eta.current;
        let proposal: Vec<f64> = current
            .free
            .iter()
            .zip(first.iter().zip(&second))
            .map(|(u, (m, v))| u + eta * (m / c1) / ((v / c2).sqrt() + epsilon))
            .collect();
        let next = objective.eval(&proposal);
        if !next.is_finite() {
            return self.eta.refuse(Refusal::NonFinite);
        }
        (self.first, self.second, self.t) = (first, second, t);
        Step::Accepted(next)
    }
}
