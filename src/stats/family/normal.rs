//! normal(mu, sigma): free coordinates (mu, ln sigma), so sigma stays positive.

use rand_distr::Distribution as _;
use statrs::distribution::Continuous as _;
use statrs::distribution::ContinuousCDF as _;

use crate::stats::family::{Cdf, CHECKED, Family, Set};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;

/// The normal distribution.
#[derive(Debug, Clone, Copy)]
pub struct Normal;

/// ½ ln(2π).
pub(crate) const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// ℓ and ∂ℓ/∂(mu, ln sigma) of a normal from the moments of the data (or of ln x, for the
/// lognormal): Σ(x − mu)² = m2 + n (mean − mu)², so no pass over the data is needed.
pub(crate) fn normal_ll_from_moments(
    m: &crate::stats::sums::Moments,
    mu: f64,
    sigma: f64,
) -> (f64, [f64; 2]) {
    let n = m.n as f64;
    let ss = m.sum_sq_about(mu);
    let ll = -n * (HALF_LN_2PI + sigma.ln()) - ss / (2.0 * sigma * sigma);
    let d_mu = n * m.mean_minus(mu) / (sigma * sigma);
    let d_ln_sigma = -n + ss / (sigma * sigma);
    (ll, [d_mu, d_ln_sigma])
}

fn dist(nat: &[f64]) -> statrs::distribution::Normal {
    statrs::distribution::Normal::new(nat[0], nat[1]).expect(CHECKED)
}

declare!(Normal: [Real("mu"), Positive("sigma")], Set::Real, "any real number", [0.0, 1.0]);

impl Family for Normal {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        dist(nat).ln_pdf(x)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let z = (x - nat[0]) / nat[1];
        grad[0] += z / nat[1];
        grad[1] += z * z - 1.0;
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        normal_ll_from_moments(&sample.stats().x, nat[0], nat[1]).0
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        grad.copy_from_slice(&normal_ll_from_moments(&sample.stats().x, nat[0], nat[1]).1);
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Normal::new(nat[0], nat[1]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        let m = &sample.stats().x;
        Some(vec![m.mean, m.variance().sqrt()])
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        self.closed_form_mle(sample).unwrap_or_else(|| vec![0.0, 1.0])
    }

    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        2.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        0.5 + HALF_LN_2PI + nat[1].ln()
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        (nat[0], nat[1] * nat[1])
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        let d = dist(nat);
        Some(Cdf::new(d.cdf(x), d.sf(x)))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        dist(nat).inverse_cdf(u)
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        2.0 * nat[0] - dist(nat).inverse_cdf(v)
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        let v = nat[1] * nat[1];
        Some(vec![vec![1.0 / v, 0.0], vec![0.0, 2.0 / v]])
    }
}
