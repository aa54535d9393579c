//! bernoulli(p): free coordinate logit p; the sufficient statistic is the number of ones.

use rand_distr::Distribution as _;
use statrs::distribution::Discrete as _;

use crate::stats::family::{CHECKED, Degenerate, Family, Last, Set};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;

/// The Bernoulli distribution on {0, 1}.
#[derive(Debug, Clone, Copy)]
pub struct Bernoulli;

/// H(p) = −p ln p − (1 − p) ln(1 − p), with 0 ln 0 = 0: the seed's Figure 1.
#[must_use]
pub fn bernoulli_entropy(p: f64) -> f64 {
    let term = |q: f64| if q > 0.0 { -q * q.ln() } else { 0.0 };
    term(p) + term(1.0 - p)
}

declare!(
    Bernoulli: [Probability("p")],
    Set::Whole { from: 0, last: Last::Value(1) }, "0 or 1", [0.3]
);

impl Family for Bernoulli {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // statrs takes a u64, and `as` would truncate 2.5 to 2 and saturate −1 to 0.
        if !self.in_support(x) {
            return f64::NEG_INFINITY;
        }
        statrs::distribution::Bernoulli::new(nat[0]).expect(CHECKED).ln_pmf(x as u64)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        grad[0] += x - nat[0];
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let ones = sample.stats().x.sum;
        let zeros = sample.len() as f64 - ones;
        ones * nat[0].ln() + zeros * (-nat[0]).ln_1p()
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        grad[0] = sample.stats().x.sum - sample.len() as f64 * nat[0];
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Bernoulli::new(nat[0]).expect(CHECKED);
        d.sample_iter(rng).take(n).map(f64::from).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        Some(vec![sample.stats().x.mean])
    }

    fn start(&self, _sample: &Sample) -> Vec<f64> {
        vec![0.5]
    }

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        let st = sample.stats();
        (st.min == st.max).then(|| Degenerate::outside(sample, "p", st.min))
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        bernoulli_entropy(nat[0])
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        (nat[0], nat[0] * (1.0 - nat[0]))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        if u <= 1.0 - nat[0] { 0.0 } else { 1.0 }
    }

    fn pmf_table(&self, nat: &[f64]) -> Option<Vec<(f64, f64)>> {
        Some(vec![(0.0, 1.0 - nat[0]), (1.0, nat[0])])
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        Some(vec![vec![1.0 / (nat[0] * (1.0 - nat[0]))]])
    }
}
