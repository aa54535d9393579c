//! A model with one free coordinate pinned at a value: the others are its free coordinates.
//! Fitting it is maximising ℓ over the other parameters, one point of a profile likelihood,
//! with the optimisers and stopping rules every fit uses.

use crate::stats::family::Limit;
use crate::stats::model::Model;

/// `model` with free coordinate `coordinate` held at `value`.
pub struct Pinned<'a> {
    /// The full model.
    pub model: &'a dyn Model,
    /// The pinned free coordinate.
    pub coordinate: usize,
    /// Its value.
    pub value: f64,
}

impl Pinned<'_> {
    /// The full free vector from the others.
    fn full(&self, free: &[f64]) -> Vec<f64> {
        let mut u = free.to_vec();
        u.insert(self.coordinate, self.value);
        u
    }

    /// The index in the full free vector of the pinned model's coordinate `i`.
    fn outer(&self, i: usize) -> usize {
        if i < self.coordinate { i } else { i + 1 }
    }

    fn drop_pinned(&self, v: &[f64]) -> Vec<f64> {
        v.iter().enumerate().filter(|(i, _)| *i != self.coordinate).map(|(_, x)| *x).collect()
    }
}

impl Model for Pinned<'_> {
    fn dim(&self) -> usize {
        self.model.dim() - 1
    }

    fn points(&self) -> usize {
        self.model.points()
    }

    fn param_names(&self) -> Vec<String> {
        self.model.param_names()
    }

    fn to_free(&self, natural: &[f64]) -> Vec<f64> {
        self.drop_pinned(&self.model.to_free(natural))
    }

    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        self.model.to_natural(&self.full(free))
    }

    fn admits(&self, natural: &[f64]) -> bool {
        self.model.admits(natural)
    }

    fn log_likelihood(&self, natural: &[f64]) -> f64 {
        self.model.log_likelihood(natural)
    }

    fn value_and_gradient(&self, natural: &[f64], gradient: &mut [f64]) -> f64 {
        let mut full = vec![0.0; self.model.dim()];
        let ll = self.model.value_and_gradient(natural, &mut full);
        gradient.copy_from_slice(&self.drop_pinned(&full));
        ll
    }

    fn closed_hessian(&self, natural: &[f64]) -> Option<Vec<Vec<f64>>> {
        let h = self.model.closed_hessian(natural)?;
        Some(
            h.iter()
                .enumerate()
                .filter(|(i, _)| *i != self.coordinate)
                .map(|(_, row)| self.drop_pinned(row))
                .collect(),
        )
    }

    fn has_kinks(&self) -> bool {
        (0..self.dim()).any(|i| self.kinks_in(i))
    }

    fn kinks_in(&self, coordinate: usize) -> bool {
        self.model.kinks_in(self.outer(coordinate))
    }

    fn ln_points(&self, natural: &[f64], first: usize, out: &mut [f64]) {
        self.model.ln_points(natural, first, out);
    }

    fn collapsing(&self, natural: &[f64]) -> Option<usize> {
        self.model.collapsing(natural)
    }

    fn boundary_limit(&self, free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        self.model.boundary_limit(&self.full(free), self.outer(coordinate), increasing)
    }
}
