//! beta(alpha, beta): free coordinates (ln alpha, ln beta); sufficient statistics Σ ln x
//! and Σ ln(1 − x).

use rand_distr::Distribution as _;
use statrs::distribution::Continuous as _;
use statrs::distribution::ContinuousCDF as _;
use statrs::function::beta::ln_beta;
use statrs::function::gamma::digamma;

use crate::stats::family::{Cdf, CHECKED, Family, Set, polish_tail};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;

/// The beta distribution on (0, 1).
#[derive(Debug, Clone, Copy)]
pub struct Beta;

fn dist(nat: &[f64]) -> statrs::distribution::Beta {
    statrs::distribution::Beta::new(nat[0], nat[1]).expect(CHECKED)
}

declare!(Beta: [Positive("alpha").truth_at_most(1e6), Positive("beta").truth_at_most(1e6)], Set::OpenUnit, "0 < x < 1", [2.0, 5.0]);

impl Family for Beta {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        dist(nat).ln_pdf(x)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let (a, b) = (nat[0], nat[1]);
        let psi_ab = digamma(a + b);
        grad[0] += a * (x.ln() - digamma(a) + psi_ab);
        grad[1] += b * ((-x).ln_1p() - digamma(b) + psi_ab);
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let (a, b) = (nat[0], nat[1]);
        let (Some(ln_x), Some(ln_1mx)) = (sample.ln_x(), sample.sum_ln_1mx()) else {
            return f64::NEG_INFINITY;
        };
        -(sample.len() as f64) * ln_beta(a, b) + (a - 1.0) * ln_x.sum + (b - 1.0) * ln_1mx
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        let (a, b) = (nat[0], nat[1]);
        let n = sample.len() as f64;
        let psi_ab = digamma(a + b);
        let sum_ln = sample.ln_x().map_or(f64::NAN, |m| m.sum);
        let sum_ln_1m = sample.sum_ln_1mx().unwrap_or(f64::NAN);
        grad[0] = a * (sum_ln - n * (digamma(a) - psi_ab));
        grad[1] = b * (sum_ln_1m - n * (digamma(b) - psi_ab));
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Beta::new(nat[0], nat[1]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        // Method of moments: α + β = m(1 − m)/v − 1.
        let m = &sample.stats().x;
        let common = m.mean * (1.0 - m.mean) / m.variance() - 1.0;
        if common > 0.0 && common.is_finite() {
            vec![m.mean * common, (1.0 - m.mean) * common]
        } else {
            vec![1.0, 1.0]
        }
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        let (a, b) = (nat[0], nat[1]);
        ln_beta(a, b) - (a - 1.0) * digamma(a) - (b - 1.0) * digamma(b)
            + (a + b - 2.0) * digamma(a + b)
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let (a, b) = (nat[0], nat[1]);
        let s = a + b;
        (a / s, a * b / (s * s * (s + 1.0)))
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        // One incomplete beta function per point, for the tail on x's side of the mean; the
        // other tail is 1 minus it, with no digits lost.
        let d = dist(nat);
        Some(if x <= nat[0] / (nat[0] + nat[1]) {
            let lower = d.cdf(x);
            Cdf::new(lower, 1.0 - lower)
        } else {
            let upper = d.sf(x);
            Cdf::new(1.0 - upper, upper)
        })
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        if u > 0.5 {
            return self.upper_quantile(nat, 1.0 - u);
        }
        let d = dist(nat);
        polish_tail(d.inverse_cdf(u), u.ln(), false, |x| d.cdf(x).ln(), |x| d.ln_pdf(x)).min(1.0)
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        // X ~ beta(a, b) ⇔ 1 − X ~ beta(b, a): the upper tail is the mirrored lower tail.
        1.0 - self.quantile(&[nat[1], nat[0]], v)
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        let psi1 = crate::stats::special::trigamma;
        let (a, b) = (nat[0], nat[1]);
        let both = psi1(a + b);
        Some(vec![vec![psi1(a) - both, -both], vec![-both, psi1(b) - both]])
    }
}
