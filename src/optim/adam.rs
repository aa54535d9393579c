//! Adam: steps of size about η in every coordinate, scaled by bias-corrected running moments
//! of the gradient. With a fixed η it hovers near the optimum rather than settling on it.

use super::{Optimizer, Refusal, Step};
use crate::stats::model::{Eval, Model};

pub(super) fn step(opt: &mut Optimizer, objective: &dyn Model, current: &Eval) -> Step {
    let s = opt.settings;
    let t = opt.t + 1;
    let first: Vec<f64> = opt
        .first
        .iter()
        .zip(&current.gradient)
        .map(|(m, g)| s.beta1 * m + (1.0 - s.beta1) * g)
        .collect();
    let second: Vec<f64> = opt
        .second
        .iter()
        .zip(&current.gradient)
        .map(|(v, g)| s.beta2 * v + (1.0 - s.beta2) * g * g)
        .collect();
    let (c1, c2) = (1.0 - s.beta1.powi(t), 1.0 - s.beta2.powi(t));
    let proposal: Vec<f64> = current
        .free
        .iter()
        .zip(first.iter().zip(&second))
        .map(|(u, (m, v))| u + opt.step_size * (m / c1) / ((v / c2).sqrt() + s.epsilon))
        .collect();
    let next = objective.eval(&proposal);
    if !next.is_finite() {
        return opt.refuse(Refusal::NonFinite);
    }
    (opt.first, opt.second, opt.t) = (first, second, t);
    Step::Accepted(next)
}
