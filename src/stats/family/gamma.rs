//! gamma(shape, rate): free coordinates (ln shape, ln rate); sufficient statistics Σx and
//! Σ ln x. No closed-form MLE: the shape solves ln α − ψ(α) = ln x̄ − mean(ln x).

use rand_distr::Distribution as _;
use statrs::distribution::Continuous as _;
use statrs::distribution::ContinuousCDF as _;
use statrs::function::gamma::{digamma, ln_gamma};

use crate::stats::family::{Cdf, CHECKED, Family, Set, polish_tail};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;

/// The gamma distribution.
#[derive(Debug, Clone, Copy)]
pub struct Gamma;

fn dist(nat: &[f64]) -> statrs::distribution::Gamma {
    statrs::distribution::Gamma::new(nat[0], nat[1]).expect(CHECKED)
}

declare!(Gamma: [Positive("shape").truth_at_most(1e4), Positive("rate")], Set::Positive, "x > 0", [2.0, 1.0]);

impl Family for Gamma {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        dist(nat).ln_pdf(x)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let (a, b) = (nat[0], nat[1]);
        grad[0] += a * (b.ln() - digamma(a) + x.ln());
        grad[1] += a - b * x;
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let (a, b) = (nat[0], nat[1]);
        let st = sample.stats();
        let Some(ln_x) = sample.ln_x() else { return f64::NEG_INFINITY };
        let n = sample.len() as f64;
        n * (a * b.ln() - ln_gamma(a)) + (a - 1.0) * ln_x.sum - b * st.x.sum
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        let (a, b) = (nat[0], nat[1]);
        let st = sample.stats();
        let n = sample.len() as f64;
        let sum_ln = sample.ln_x().map_or(f64::NAN, |m| m.sum);
        grad[0] = a * (n * (b.ln() - digamma(a)) + sum_ln);
        grad[1] = n * a - b * st.x.sum;
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Gamma::new(nat[0], 1.0 / nat[1]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        let m = &sample.stats().x;
        let var = m.variance();
        vec![m.mean * m.mean / var, m.mean / var]
    }

    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        1.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        let (a, b) = (nat[0], nat[1]);
        a - b.ln() + ln_gamma(a) + (1.0 - a) * digamma(a)
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        (nat[0] / nat[1], nat[0] / (nat[1] * nat[1]))
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        // One incomplete gamma function per point, for the tail on x's side of the mean (at
        // most about 0.6); the other tail is 1 minus it, with no digits lost.
        let d = dist(nat);
        Some(if x <= nat[0] / nat[1] {
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
        polish_tail(d.inverse_cdf(u), u.ln(), false, |x| d.cdf(x).ln(), |x| d.ln_pdf(x))
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        let d = dist(nat);
        polish_tail(d.inverse_cdf(1.0 - v), v.ln(), true, |x| d.sf(x).ln(), |x| d.ln_pdf(x))
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        let (a, b) = (nat[0], nat[1]);
        let cross = -1.0 / b;
        Some(vec![vec![crate::stats::special::trigamma(a), cross], vec![cross, a / (b * b)]])
    }
}
