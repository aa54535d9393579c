//! exponential(rate): free coordinate ln rate; the sufficient statistic is Σx.

use rand_distr::Distribution as _;
use statrs::distribution::Continuous as _;

use crate::stats::family::{Cdf, CHECKED, Degenerate, Family, Set};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;

/// The exponential distribution of waiting times.
#[derive(Debug, Clone, Copy)]
pub struct Exponential;

declare!(Exponential: [Positive("rate")], Set::NonNegative, "x ≥ 0", [1.0]);

impl Family for Exponential {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        statrs::distribution::Exp::new(nat[0]).expect(CHECKED).ln_pdf(x)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        grad[0] += 1.0 - nat[0] * x;
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        sample.len() as f64 * nat[0].ln() - nat[0] * sample.stats().x.sum
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        grad[0] = sample.len() as f64 - nat[0] * sample.stats().x.sum;
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Exp::new(nat[0]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        Some(vec![1.0 / sample.stats().x.mean])
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        vec![1.0 / sample.stats().x.mean]
    }

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        (sample.stats().max == 0.0).then(|| Degenerate::outside(sample, "rate", f64::INFINITY))
    }

    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        1.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        1.0 - nat[0].ln()
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        (1.0 / nat[0], 1.0 / (nat[0] * nat[0]))
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        let t = nat[0] * x.max(0.0);
        Some(Cdf::new(-(-t).exp_m1(), (-t).exp()))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        -(-u).ln_1p() / nat[0]
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        -v.ln() / nat[0]
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        Some(vec![vec![1.0 / (nat[0] * nat[0])]])
    }
}
