//! lognormal(mu, sigma): a normal on ln x, so it shares the normal's moment formulas
//! applied to the moments of ln x, minus the Jacobian Σ ln x.

use rand_distr::Distribution as _;
use statrs::distribution::Continuous as _;

use super::normal::{HALF_LN_2PI, normal_ll_from_moments};
use crate::stats::family::{Cdf, CHECKED, Family, Set};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;

/// The lognormal distribution.
#[derive(Debug, Clone, Copy)]
pub struct LogNormal;

declare!(LogNormal: [Real("mu"), Positive("sigma")], Set::Positive, "x > 0", [0.0, 0.5]);

impl Family for LogNormal {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        statrs::distribution::LogNormal::new(nat[0], nat[1]).expect(CHECKED).ln_pdf(x)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let z = (x.ln() - nat[0]) / nat[1];
        grad[0] += z / nat[1];
        grad[1] += z * z - 1.0;
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let Some(ln_x) = sample.ln_x() else { return f64::NEG_INFINITY };
        normal_ll_from_moments(&ln_x, nat[0], nat[1]).0 - ln_x.sum
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        match sample.ln_x() {
            Some(ln_x) => grad.copy_from_slice(&normal_ll_from_moments(&ln_x, nat[0], nat[1]).1),
            None => grad.fill(f64::NAN),
        }
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::LogNormal::new(nat[0], nat[1]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        sample.ln_x().map(|m| vec![m.mean, m.variance().sqrt()])
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        self.closed_form_mle(sample).unwrap_or_else(|| vec![0.0, 1.0])
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        nat[0] + 0.5 + HALF_LN_2PI + nat[1].ln()
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let s2 = nat[1] * nat[1];
        ((nat[0] + s2 / 2.0).exp(), s2.exp_m1() * (2.0 * nat[0] + s2).exp())
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        use statrs::distribution::ContinuousCDF as _;
        if x <= 0.0 {
            return Some(Cdf::new(0.0, 1.0));
        }
        let d = statrs::distribution::Normal::new(nat[0], nat[1]).expect(CHECKED);
        Some(Cdf::new(d.cdf(x.ln()), d.sf(x.ln())))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        use statrs::distribution::ContinuousCDF as _;
        statrs::distribution::Normal::new(nat[0], nat[1]).expect(CHECKED).inverse_cdf(u).exp()
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        use statrs::distribution::ContinuousCDF as _;
        let z = statrs::distribution::Normal::new(0.0, 1.0).expect(CHECKED).inverse_cdf(v);
        (nat[0] - nat[1] * z).exp()
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        // ln X is normal(mu, sigma), and the Jacobian of x ↦ ln x does not involve θ.
        let v = nat[1] * nat[1];
        Some(vec![vec![1.0 / v, 0.0], vec![0.0, 2.0 / v]])
    }
}
