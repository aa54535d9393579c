//! poisson(lambda): free coordinate ln lambda; the sufficient statistic is Σx.

use rand_distr::Distribution as _;
use statrs::distribution::Discrete as _;
use statrs::function::factorial::ln_factorial;

use crate::stats::family::{Cdf, CHECKED, Degenerate, Family, Last, Set, pmf_walk, table_entropy};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::sums::sum;

/// The largest rate accepted.
const MAX_LAMBDA: f64 = 1e7;

/// The Poisson distribution of counts.
#[derive(Debug, Clone, Copy)]
pub struct Poisson;

fn dist(nat: &[f64]) -> statrs::distribution::Poisson {
    statrs::distribution::Poisson::new(nat[0]).expect(CHECKED)
}

/// Σ ln xᵢ! over whole-number data, from the tally.
pub(crate) fn sum_ln_factorial(sample: &Sample) -> f64 {
    match sample.stats().counts.as_ref() {
        Some(c) => sum(c.iter().map(|&(k, n)| n as f64 * ln_factorial(k as u64))),
        // Too many distinct values to tally: one pass over the data instead.
        None => sum(sample.values().iter().map(|&x| ln_factorial(x as u64))),
    }
}

declare!(
    Poisson: [Positive("lambda").at_most(MAX_LAMBDA)],
    Set::Whole { from: 0, last: Last::Unbounded }, "whole numbers 0, 1, 2, …", [3.5]
);

impl Family for Poisson {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // statrs takes a u64, and `as` would truncate 2.5 to 2 and saturate −1 to 0.
        if !self.in_support(x) {
            return f64::NEG_INFINITY;
        }
        dist(nat).ln_pmf(x as u64)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        grad[0] += x - nat[0];
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let n = sample.len() as f64;
        let sx = sample.stats().x.sum;
        sx * nat[0].ln() - n * nat[0] - sum_ln_factorial(sample)
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        grad[0] = sample.stats().x.sum - sample.len() as f64 * nat[0];
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Poisson::new(nat[0]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        Some(vec![sample.stats().x.mean])
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        vec![sample.stats().x.mean.max(1e-3)]
    }

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        (sample.stats().max == 0.0).then(|| Degenerate::outside(sample, "lambda", 0.0).counts())
    }

    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        1.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        table_entropy(&self.pmf_table(nat).unwrap_or_default())
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        (nat[0], nat[0])
    }

    fn discrete_cdf(&self, nat: &[f64], k: u64) -> Option<Cdf> {
        use statrs::distribution::DiscreteCDF as _;
        let d = dist(nat);
        Some(Cdf::new(d.cdf(k), d.sf(k)))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        use statrs::distribution::DiscreteCDF as _;
        dist(nat).inverse_cdf(u) as f64
    }

    fn pmf_table(&self, nat: &[f64]) -> Option<Vec<(f64, f64)>> {
        let d = dist(nat);
        // Start 40 standard deviations below the mean: the mass further down is below 1e-300.
        let from = (nat[0] - 40.0 * nat[0].sqrt() - 10.0).max(0.0) as u64;
        Some(pmf_walk(from, 50_000_000, |k| d.pmf(k)))
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        Some(vec![vec![1.0 / nat[0]]])
    }
}
