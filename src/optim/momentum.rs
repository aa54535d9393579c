//! Heavy-ball momentum: v ← μv + η∇(ℓ/m), θ ← θ + v. It may overshoot and lower ℓ for a
//! while (that is its nature, and the lesson); only non-finite steps are refused, and then
//! the velocity is dropped.

use super::{Optimizer, Refusal, Step};
use crate::stats::model::{Eval, Model};

pub(super) fn step(opt: &mut Optimizer, objective: &dyn Model, current: &Eval) -> Step {
    let (mu, eta) = (opt.settings.momentum, opt.step_size);
    let velocity: Vec<f64> =
        opt.velocity.iter().zip(&current.gradient).map(|(v, g)| mu * v + eta * g).collect();
    let proposal: Vec<f64> = current.free.iter().zip(&velocity).map(|(u, v)| u + v).collect();
    let next = objective.eval(&proposal);
    if !next.is_finite() {
        opt.velocity.fill(0.0);
        return opt.refuse(Refusal::NonFinite);
    }
    opt.velocity = velocity;
    Step::Accepted(next)
}
