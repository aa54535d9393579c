//! weibull(shape, scale): free coordinates (ln shape, ln scale). No sufficient statistic
//! beyond the data itself, so every evaluation is a pass over the sample.

use rand_distr::Distribution as _;
use statrs::function::gamma::gamma;

use crate::stats::family::{Cdf, CHECKED, Family, Set};
use crate::stats::pass;
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::vmath;

/// The Weibull distribution.
#[derive(Debug, Clone, Copy)]
pub struct Weibull;

/// The Euler–Mascheroni constant γ.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

declare!(
    Weibull: [Positive("shape"), Positive("scale")],
    Set::Positive, "x > 0 (at 0 the weibull density is 0 or unbounded)", [1.5, 1.0]
);

impl Family for Weibull {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        if !self.in_support(x) {
            return f64::NEG_INFINITY;
        }
        // In terms of r = ln(x / scale), as the score is: statrs forms scale^shape, which
        // overflows for a scale of 1e300 and turns the density into NaN.
        let (k, r) = (nat[0], (x / nat[1]).ln());
        k.ln() - nat[1].ln() + (k - 1.0) * r - (k * r).exp()
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let k = nat[0];
        let r = (x / nat[1]).ln();
        let t = (k * r).exp();
        grad[0] += 1.0 + k * r * (1.0 - t);
        grad[1] += k * (t - 1.0);
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        let mut grad = [0.0; 2];
        self.value_and_gradient(nat, sample, &mut grad)
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        self.value_and_gradient(nat, sample, grad);
    }

    fn value_and_gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) -> f64 {
        if !self.supports(sample.stats()) {
            grad.fill(f64::NAN);
            return f64::NEG_INFINITY;
        }
        let (k, lam) = (nat[0], nat[1]);
        let ln_lam = lam.ln();
        let [ll, g0, g1] = pass::sums(sample.values(), &Terms { k, ln_lam });
        let n = sample.len() as f64;
        grad[0] = n + k * g0;
        grad[1] = k * (g1 - n);
        n * (k.ln() - ln_lam) + ll
    }

    fn free_hessian(&self, nat: &[f64], sample: &Sample) -> Option<Vec<Vec<f64>>> {
        if !self.supports(sample.stats()) {
            return None;
        }
        // In (a, b) = (ln k, ln λ), with r = ln(x/λ) and t = (x/λ)^k:
        // ∂²/∂a² = k Σ r(1 − t) − k² Σ r²t, ∂²/∂b² = −k² Σ t,
        // ∂²/∂a∂b = −k (n − Σ t) + k² Σ r t.
        let (k, ln_lam) = (nat[0], nat[1].ln());
        let [r1t, t, rt, r2t] = pass::sums(sample.values(), &Curvature { k, ln_lam });
        let n = sample.len() as f64;
        let cross = -k * (n - t) + k * k * rt;
        Some(vec![vec![k * r1t - k * k * r2t, cross], vec![cross, -k * k * t]])
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        // rand_distr takes (scale, shape), statrs (shape, scale).
        let d = rand_distr::Weibull::new(nat[1], nat[0]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        // ln X is Gumbel-distributed with sd π/(k√6) and mean ln λ − γ/k.
        match sample.ln_x() {
            Some(m) if m.m2 > 0.0 => {
                let k = std::f64::consts::PI / (m.variance().sqrt() * 6f64.sqrt());
                vec![k, (m.mean + EULER_GAMMA / k).exp()]
            }
            _ => vec![1.0, sample.stats().x.mean.abs().max(1e-3)],
        }
    }

    fn tail_growth(&self, nat: &[f64]) -> f64 {
        nat[0]
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        let (k, lam) = (nat[0], nat[1]);
        EULER_GAMMA * (1.0 - 1.0 / k) + (lam / k).ln() + 1.0
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let (k, lam) = (nat[0], nat[1]);
        let g1 = gamma(1.0 + 1.0 / k);
        (lam * g1, lam * lam * (gamma(1.0 + 2.0 / k) - g1 * g1))
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        // (x/λ)^k through its logarithm, as the density is, so a scale of 1e300 is no overflow.
        let t = if x > 0.0 { (nat[0] * (x / nat[1]).ln()).exp() } else { 0.0 };
        Some(Cdf::new(-(-t).exp_m1(), (-t).exp()))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        nat[1] * (-(-u).ln_1p()).powf(1.0 / nat[0])
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        nat[1] * (-v.ln()).powf(1.0 / nat[0])
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        // With T = (X/λ)^k ~ Exp(1): E[T ln T] = ψ(2) = 1 − γ and E[T ln² T] = ψ′(2) + ψ(2)²,
        // which leave (1 − γ)² + π²/6 in the shape's entry.
        let (k, lam) = (nat[0], nat[1]);
        let g = 1.0 - EULER_GAMMA;
        let shape = (g * g + std::f64::consts::PI.powi(2) / 6.0) / (k * k);
        let cross = -g / lam;
        Some(vec![vec![shape, cross], vec![cross, k * k / (lam * lam)]])
    }
}

/// Per point, with r = ln(x/λ) and t = (x/λ)^k: (k − 1)·r − t, r·(1 − t) and t.
struct Terms {
    k: f64,
    ln_lam: f64,
}

impl pass::Terms<3> for Terms {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 3] {
        let r = vmath::ln(x) - self.ln_lam;
        let t = vmath::exp(self.k * r);
        [(self.k - 1.0) * r - t, r * (1.0 - t), t]
    }
}

/// Per point, for the Hessian: r·(1 − t), t, r·t and r²·t.
struct Curvature {
    k: f64,
    ln_lam: f64,
}

impl pass::Terms<4> for Curvature {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 4] {
        let r = vmath::ln(x) - self.ln_lam;
        let t = vmath::exp(self.k * r);
        let rt = r * t;
        [r - rt, t, rt, r * rt]
    }
}
