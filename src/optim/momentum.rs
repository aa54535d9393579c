//! Heavy-ball momentum: v ← μv + η∇(ℓ/m), θ ← θ + v. It may overshoot and lower ℓ for a
//! while (that is its nature, and the lesson); only non-finite steps are refused, and then
//! the velocity is dropped.

use super::{Refusal, Step, StepSize};
use crate::stats::model::{Eval, Model};

/// Momentum with its step size, coefficient μ and velocity v.
#[derive(Debug, Clone, PartialEq)]
pub struct Momentum {
    eta: StepSize,
    mu: f64,
    velocity: Vec<f64>,
}

impl Momentum {
    /// Starts at rest in `dim` free coordinates.
    #[must_use]
    pub fn new(step_size: f64, momentum: f64, dim: usize) -> Self {
        Self { eta: StepSize::new(step_size), mu: momentum, velocity: vec![0.0; dim] }
    }

    /// The current step size.
    #[must_use]
    pub const fn step_size(&self) -> f64 {
        self.eta.current
    }

    /// The velocity v, in free coordinates.
    #[must_use]
    pub fn velocity(&self) -> &[f64] {
        &self.velocity
    }

    /// One iteration from `current` (its gradient already zeroed where frozen, so frozen
    /// coordinates keep only the velocity they had).
    pub fn step(&mut self, objective: &dyn Model, current: &Eval, _frozen: &[bool]) -> Step {
        if self.eta.exhausted() {
            return Step::NoAscent;
        }
        let (mu, eta) = (self.mu, self.eta.current);
        let velocity: Vec<f64> =
            self.velocity.iter().zip(&current.gradient).map(|(v, g)| mu * v + eta * g).collect();
        let proposal: Vec<f64> = current.free.iter().zip(&velocity).map(|(u, v)| u + v).collect();
        let next = objective.eval(&proposal);
        if !next.is_finite() {
            self.velocity.fill(0.0);
            return self.eta.refuse(Refusal::NonFinite);
        }
        self.velocity = velocity;
        Step::Accepted(next)
    }
}
