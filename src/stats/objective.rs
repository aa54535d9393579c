//! A family fitted to a sample of numbers: the first implementation of [`Model`]. Its ℓ/m is
//! the negative cross-entropy H(p̂, q_θ) (equation 10 of the seed).

use super::family::{Family, Limit};
use super::sample::Sample;

pub use super::model::{Eval, Model};

/// A family and the sample it is fitted to.
#[derive(Debug, Clone, Copy)]
pub struct Objective<'a> {
    /// The model family.
    pub family: &'a dyn Family,
    /// The data.
    pub sample: &'a Sample,
}

impl Model for Objective<'_> {
    fn dim(&self) -> usize {
        self.family.dim()
    }

    fn points(&self) -> usize {
        self.sample.len()
    }

    fn param_names(&self) -> Vec<String> {
        self.family.param_names()
    }

    fn to_free(&self, natural: &[f64]) -> Vec<f64> {
        self.family.to_free(natural)
    }

    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        self.family.to_natural(free)
    }

    fn admits(&self, natural: &[f64]) -> bool {
        self.family.check(natural).is_ok()
    }

    fn log_likelihood(&self, natural: &[f64]) -> f64 {
        self.family.log_likelihood(natural, self.sample)
    }

    fn value_and_gradient(&self, natural: &[f64], gradient: &mut [f64]) -> f64 {
        self.family.value_and_gradient(natural, self.sample, gradient)
    }

    fn closed_hessian(&self, natural: &[f64]) -> Option<Vec<Vec<f64>>> {
        self.family.free_hessian(natural, self.sample)
    }

    fn has_kinks(&self) -> bool {
        self.family.has_kinks()
    }

    fn ln_points(&self, natural: &[f64], first: usize, out: &mut [f64]) {
        let values = &self.sample.values()[first..first + out.len()];
        for (slot, &x) in out.iter_mut().zip(values) {
            *slot = self.family.ln_density(natural, x);
        }
    }

    fn collapsing(&self, natural: &[f64]) -> Option<usize> {
        self.family.collapsing(natural, self.sample)
    }

    fn boundary_limit(&self, free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        self.family.boundary_limit(free, coordinate, increasing)
    }
}
