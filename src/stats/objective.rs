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

    fn kinks_in(&self, coordinate: usize) -> bool {
        self.family.kinks_in(coordinate)
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

    fn score_products(&self, natural: &[f64]) -> Option<Vec<Vec<f64>>> {
        // A score depends on x alone, so whole-number data with few distinct values (a
        // categorical with 10^3 categories over 10^5 points) need one outer product per
        // value, not per point: d² per point would dominate everything else.
        if let Some(counts) = &self.sample.stats().counts
            && counts.len().saturating_mul(4) < self.sample.len()
        {
            return Some(counted_score_products(self.family, natural, counts));
        }
        Some(score_products(self.family, natural, self.sample.values()))
    }

    fn natural_jacobian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        self.family.layout().jacobian(free)
    }
}

/// Σ sᵢ sᵢᵀ over whole-number data given as sorted (value, count) pairs.
fn counted_score_products(
    family: &dyn Family,
    natural: &[f64],
    counts: &[(i64, u64)],
) -> Vec<Vec<f64>> {
    let d = family.dim();
    let mut total = vec![0.0; d * d];
    let mut s = vec![0.0; d];
    for &(value, count) in counts {
        s.fill(0.0);
        family.add_score(natural, value as f64, &mut s);
        let n = count as f64;
        for i in 0..d {
            for j in 0..=i {
                total[i * d + j] += n * s[i] * s[j];
            }
        }
    }
    (0..d).map(|i| (0..d).map(|j| total[i.max(j) * d + i.min(j)]).collect()).collect()
}

/// Σ sᵢ sᵢᵀ over the values, in parallel chunks: one pass, each chunk summed on its own so
/// the totals of a million positive terms keep their digits, and the chunks added in data
/// order so the result does not depend on the number of threads.
fn score_products(family: &dyn Family, natural: &[f64], values: &[f64]) -> Vec<Vec<f64>> {
    use rayon::prelude::*;
    let d = family.dim();
    let chunk = |xs: &[f64]| {
        let mut acc = vec![0.0; d * d];
        let mut s = vec![0.0; d];
        for &x in xs {
            s.fill(0.0);
            family.add_score(natural, x, &mut s);
            for i in 0..d {
                for j in 0..=i {
                    acc[i * d + j] += s[i] * s[j];
                }
            }
        }
        acc
    };
    let parts: Vec<Vec<f64>> = values.par_chunks(1 << 14).map(chunk).collect();
    let mut total = vec![0.0; d * d];
    for part in &parts {
        for (t, v) in total.iter_mut().zip(part) {
            *t += v;
        }
    }
    (0..d).map(|i| (0..d).map(|j| total[i.max(j) * d + i.min(j)]).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::family::{FamilyKind, Shape};

    /// Summing the outer products per distinct value, weighted by its count, gives what
    /// summing them per point gives.
    #[test]
    fn counted_score_products_equal_the_sum_over_points() {
        let values: Vec<f64> = (0..400).map(|i| f64::from((i * 7 + i / 3) % 5)).collect();
        let sample = Sample::new(values.clone());
        for (kind, shape, natural) in [
            (FamilyKind::Poisson, Shape(None), vec![2.3]),
            (FamilyKind::Categorical, Shape::fixed(5), vec![0.1, 0.2, 0.3, 0.25, 0.15]),
        ] {
            let family = kind.build(shape);
            let counts = sample.stats().counts.clone().expect("whole numbers");
            assert!(counts.len() * 4 < sample.len(), "the counted path is the one taken");
            let counted = counted_score_products(family.as_ref(), &natural, &counts);
            let pointwise = score_products(family.as_ref(), &natural, &values);
            for (a, b) in counted.iter().flatten().zip(pointwise.iter().flatten()) {
                assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{kind:?}: {a} vs {b}");
            }
        }
    }
}
