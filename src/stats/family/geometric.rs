//! geometric(p): the number of trials up to and including the first success, on
//! {1, 2, …}. Free coordinate logit p; the sufficient statistic is Σx.

use rand_distr::Distribution as _;
use statrs::distribution::Discrete as _;

use crate::stats::family::{Cdf, CHECKED, Degenerate, Family, Last, Set, pmf_walk};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;

/// The smallest success probability of a truth: its table of probabilities has about 40 / p
/// entries. Fits are not held to it.
const MIN_P: f64 = 1e-4;

/// The geometric distribution of trials to the first success.
#[derive(Debug, Clone, Copy)]
pub struct Geometric;

fn dist(nat: &[f64]) -> statrs::distribution::Geometric {
    statrs::distribution::Geometric::new(nat[0]).expect(CHECKED)
}

declare!(
    Geometric: [Probability("p").truth_at_least(MIN_P)],
    Set::Whole { from: 1, last: Last::Unbounded }, "whole numbers 1, 2, 3, … (trials to the first success)", [0.25]
);

impl Family for Geometric {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // statrs takes a u64, and `as` would truncate 2.5 to 2 and saturate −1 to 0.
        if !self.in_support(x) {
            return f64::NEG_INFINITY;
        }
        dist(nat).ln_pmf(x as u64)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        grad[0] += 1.0 - nat[0] * x;
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let n = sample.len() as f64;
        let failures = sample.stats().x.sum - n;
        n * nat[0].ln() + failures * (-nat[0]).ln_1p()
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        grad[0] = sample.len() as f64 - nat[0] * sample.stats().x.sum;
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        // rand_distr counts the failures before the first success; the family counts trials.
        let d = rand_distr::Geometric::new(nat[0]).expect(CHECKED);
        d.sample_iter(rng).take(n).map(|k| k as f64 + 1.0).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        Some(vec![1.0 / sample.stats().x.mean])
    }

    fn start(&self, _sample: &Sample) -> Vec<f64> {
        vec![0.5]
    }

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        (sample.stats().max == 1.0).then(|| Degenerate::outside(sample, "p", 1.0))
    }

    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        1.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        let p = nat[0];
        (-(1.0 - p) * (-p).ln_1p() - p * p.ln()) / p
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let p = nat[0];
        (1.0 / p, (1.0 - p) / (p * p))
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
        Some(pmf_walk(1, 50_000_000, |k| d.pmf(k)))
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        let p = nat[0];
        Some(vec![vec![1.0 / (p * p * (1.0 - p))]])
    }
}
