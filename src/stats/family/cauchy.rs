//! cauchy(loc, scale): free coordinates (loc, ln scale). No moments, no sufficient
//! statistics, and a likelihood that can have several local maxima on small samples.

use rand_distr::Distribution as _;

use crate::stats::family::{Cdf, CHECKED, Degenerate, collapsed_scale, Family, Set};
use crate::stats::pass;
use crate::stats::rng::Rng;
use crate::stats::sample::{Sample, majority};
use crate::stats::vmath;

/// The Cauchy distribution.
#[derive(Debug, Clone, Copy)]
pub struct Cauchy;

declare!(Cauchy: [Real("loc"), Positive("scale")], Set::Real, "any real number", [0.0, 1.0]);

impl Family for Cauchy {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // Written out: statrs squares z, which overflows (ln q = −∞) past |z| ≈ 1e154, where
        // ln(1 + z²) is 2 ln |z| to every digit.
        let z = (x - nat[0]) / nat[1];
        let z2 = z * z;
        let tail = if z2.is_finite() { z2.ln_1p() } else { 2.0 * z.abs().ln() };
        -(std::f64::consts::PI * nat[1]).ln() - tail
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let z = (x - nat[0]) / nat[1];
        let w = 1.0 / (1.0 + z * z);
        grad[0] += 2.0 * z * w / nat[1];
        grad[1] += 2.0 * z * z * w - 1.0;
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        let [ll, _, _] = pass::sums(sample.values(), &Terms::at(nat));
        -(sample.len() as f64) * (std::f64::consts::PI * nat[1]).ln() - ll
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        self.value_and_gradient(nat, sample, grad);
    }

    fn value_and_gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) -> f64 {
        let [ll, g0, g1] = pass::sums(sample.values(), &Terms::at(nat));
        let n = sample.len() as f64;
        grad[0] = 2.0 * g0 / nat[1];
        grad[1] = 2.0 * g1 - n;
        -n * (std::f64::consts::PI * nat[1]).ln() - ll
    }

    fn free_hessian(&self, nat: &[f64], sample: &Sample) -> Option<Vec<Vec<f64>>> {
        // In (loc, σ = ln scale), with w = 1/(1 + z²): ∂²/∂loc² = −(2/s²) Σ (1 − z²)w²,
        // ∂²/∂σ² = −4 Σ z²w², ∂²/∂loc∂σ = −(4/s) Σ z w².
        let [a, b, c] = pass::sums(sample.values(), &Curvature(Terms::at(nat)));
        let s = nat[1];
        let cross = -4.0 * c / s;
        Some(vec![vec![-2.0 * a / (s * s), cross], vec![cross, -4.0 * b]])
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Cauchy::new(nat[0], nat[1]).expect(CHECKED);
        d.sample_iter(rng).take(n).collect()
    }

    fn collapsing(&self, nat: &[f64], sample: &Sample) -> Option<usize> {
        collapsed_scale(nat, sample, &[1])
    }

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        let st = sample.stats();
        if st.min == st.max {
            return Some(Degenerate::NoSpread { values: sample.len(), value: st.min });
        }
        // With k of m values at one point, scale → 0 there makes ℓ ≈ (m − 2k) ln scale,
        // unbounded above once k > m/2.
        majority(sample.values()).map(|(value, count)| Degenerate::Unbounded {
            values: sample.len(),
            count,
            value,
        })
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        // Robust moments: the median, and half the interquartile range (exact for Cauchy).
        let q = sample.rough_quantiles(&[0.25, 0.5, 0.75]);
        let iqr = q[2] - q[0];
        let scale =
            if iqr > 0.0 { iqr / 2.0 } else { sample.stats().x.variance().sqrt().max(1e-3) };
        vec![q[1], scale]
    }

    fn tail_index(&self, _nat: &[f64]) -> f64 {
        1.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        (4.0 * std::f64::consts::PI * nat[1]).ln()
    }

    fn mean_variance(&self, _nat: &[f64]) -> (f64, f64) {
        (f64::NAN, f64::NAN)
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        // F = atan2(1, −z)/π, which is 1/(π|z|) far out on the left without the cancellation
        // of ½ + atan(z)/π; the upper tail is the mirror image.
        let z = (x - nat[0]) / nat[1];
        let pi = std::f64::consts::PI;
        Some(Cdf::new(1f64.atan2(-z) / pi, 1f64.atan2(z) / pi))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        // −1/tan(πu) instead of tan(π(u − ½)): u − ½ would cancel for small u.
        if u < 0.5 {
            nat[0] - nat[1] / (std::f64::consts::PI * u).tan()
        } else {
            nat[0] + nat[1] * (std::f64::consts::PI * (u - 0.5)).tan()
        }
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        if v < 0.5 {
            nat[0] + nat[1] / (std::f64::consts::PI * v).tan()
        } else {
            self.quantile(nat, 1.0 - v)
        }
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        let v = 0.5 / (nat[1] * nat[1]);
        Some(vec![vec![v, 0.0], vec![0.0, v]])
    }
}

/// Per point: ln(1 + z²), z/(1 + z²) and z²/(1 + z²), with z = (x − loc)/scale.
pub(crate) struct Terms {
    loc: f64,
    inv: f64,
}

impl Terms {
    pub(crate) fn at(nat: &[f64]) -> Self {
        Self { loc: nat[0], inv: 1.0 / nat[1] }
    }
}

impl pass::Terms<3> for Terms {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 3] {
        let z = (x - self.loc) * self.inv;
        let z2 = z * z;
        // ln(1 + z²) rather than ln_1p: the sum needs absolute accuracy, which the plain
        // logarithm keeps, and it costs half as much.
        let one = 1.0 + z2;
        let w = 1.0 / one;
        [vmath::ln(one), z * w, z2 * w]
    }
}

/// Per point, for the Hessian: (1 − z²)w², z²w² and z w², with w = 1/(1 + z²).
struct Curvature(Terms);

impl pass::Terms<3> for Curvature {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 3] {
        let z = (x - self.0.loc) * self.0.inv;
        let z2 = z * z;
        let w = 1.0 / (1.0 + z2);
        let w2 = w * w;
        [(1.0 - z2) * w2, z2 * w2, z * w2]
    }
}
