//! `normal_mixture(weight`, mu1, sigma1, mu2, sigma2): two normal components. Free
//! coordinates (logit weight, mu1, ln sigma1, mu2, ln sigma2). The likelihood has local
//! maxima and is unbounded where a component collapses onto one point: the lesson, not a bug.

use rand::RngExt as _;
use rand_distr::Distribution as _;
use statrs::distribution::Continuous as _;
use statrs::distribution::ContinuousCDF as _;

use super::normal::HALF_LN_2PI;
use crate::stats::family::{Cdf, CHECKED, collapsed_scale, Degenerate, Family, Set, logistic};
use crate::stats::pass;
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::sums::Moments;
use crate::stats::vmath;

/// A two-component normal mixture.
#[derive(Debug, Clone, Copy)]
pub struct NormalMixture;

fn normal(mu: f64, sigma: f64) -> statrs::distribution::Normal {
    statrs::distribution::Normal::new(mu, sigma).expect(CHECKED)
}

/// ln(e^a + e^b) without overflow.
fn log_add_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY { m } else { m + ((a - m).exp() + (b - m).exp()).ln() }
}

/// The two weighted component log-densities, ln w + ln φ₁ and ln(1 − w) + ln φ₂.
fn parts(nat: &[f64], x: f64) -> (f64, f64) {
    let z1 = (x - nat[1]) / nat[2];
    let z2 = (x - nat[3]) / nat[4];
    let a = nat[0].ln() - HALF_LN_2PI - nat[2].ln() - 0.5 * z1 * z1;
    let b = (-nat[0]).ln_1p() - HALF_LN_2PI - nat[4].ln() - 0.5 * z2 * z2;
    (a, b)
}

declare!(
    NormalMixture: [Probability("weight"), Real("mu1"), Positive("sigma1"), Real("mu2"), Positive("sigma2")],
    Set::Real, "any real number", [0.3, -2.0, 0.7, 1.5, 1.0]
);

impl NormalMixture {
    #[allow(clippy::unused_self, clippy::trivially_copy_pass_by_ref)] // beside the family's passes
    fn terms(&self, nat: &[f64]) -> Terms {
        Terms {
            mu1: nat[1],
            mu2: nat[3],
            inv1: 1.0 / nat[2],
            inv2: 1.0 / nat[4],
            // The x-free parts of ln(w φ₁) and ln((1 − w) φ₂), once per pass.
            c1: nat[0].ln() - HALF_LN_2PI - nat[2].ln(),
            c2: (-nat[0]).ln_1p() - HALF_LN_2PI - nat[4].ln(),
        }
    }
}

impl Family for NormalMixture {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        let a = nat[0].ln() + normal(nat[1], nat[2]).ln_pdf(x);
        let b = (-nat[0]).ln_1p() + normal(nat[3], nat[4]).ln_pdf(x);
        log_add_exp(a, b)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let (a, b) = parts(nat, x);
        // Responsibility of component 1, computed from the difference so it never overflows.
        let r1 = logistic(a - b);
        let r2 = 1.0 - r1;
        let z1 = (x - nat[1]) / nat[2];
        let z2 = (x - nat[3]) / nat[4];
        grad[0] += r1 - nat[0];
        grad[1] += r1 * z1 / nat[2];
        grad[2] += r1 * (z1 * z1 - 1.0);
        grad[3] += r2 * z2 / nat[4];
        grad[4] += r2 * (z2 * z2 - 1.0);
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        let mut grad = [0.0; 5];
        self.value_and_gradient(nat, sample, &mut grad)
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        self.value_and_gradient(nat, sample, grad);
    }

    fn value_and_gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) -> f64 {
        let terms = self.terms(nat);
        let [ll, r1, r1z1, r1z1sq, r2z2, r2z2sq] = pass::sums(sample.values(), &terms);
        let n = sample.len() as f64;
        grad[0] = r1 - n * nat[0];
        grad[1] = r1z1 * terms.inv1;
        grad[2] = r1z1sq;
        grad[3] = r2z2 * terms.inv2;
        grad[4] = r2z2sq;
        ll
    }

    fn free_hessian(&self, nat: &[f64], sample: &Sample) -> Option<Vec<Vec<f64>>> {
        // Per point ℓᵢ = ln(e^a₁ + e^a₂), so ∇²ℓᵢ = r₁∇²a₁ + r₂∇²a₂ + r₁r₂ (g₁ − g₂)(g₁ − g₂)ᵀ
        // (the responsibilities' covariance of the components' gradients gₖ = ∇aₖ). In
        // (logit w, mu1, ln s1, mu2, ln s2): g₁ − g₂ = (1, z₁/s₁, z₁² − 1, −z₂/s₂, −(z₂² − 1)),
        // and ∇²aₖ has −w(1 − w), −1/sₖ², −2zₖ/sₖ and −2zₖ² in the weight, location,
        // location × scale and scale entries.
        let terms = Curvature(self.terms(nat));
        let sums = pass::sums(sample.values(), &terms);
        let [r1, r1z1, r1z1sq, r2, r2z2, r2z2sq] = [0, 1, 2, 3, 4, 5].map(|i| sums[i]);
        let (w, inv1, inv2) = (nat[0], terms.0.inv1, terms.0.inv2);
        let n = sample.len() as f64;
        // The scale of each entry of g₁ − g₂ against its per-point factor e = (1, z₁, u₁, z₂, u₂).
        let c = [1.0, inv1, 1.0, -inv2, -1.0];
        let mut h = vec![vec![0.0; 5]; 5];
        let mut k = 6;
        for i in 0..5 {
            for j in i..5 {
                let v = c[i] * c[j] * sums[k];
                h[i][j] = v;
                h[j][i] = v;
                k += 1;
            }
        }
        h[0][0] -= n * w * (1.0 - w);
        h[1][1] -= r1 * inv1 * inv1;
        h[1][2] -= 2.0 * r1z1 * inv1;
        h[2][1] = h[1][2];
        h[2][2] -= 2.0 * r1z1sq;
        h[3][3] -= r2 * inv2 * inv2;
        h[3][4] -= 2.0 * r2z2 * inv2;
        h[4][3] = h[3][4];
        h[4][4] -= 2.0 * r2z2sq;
        Some(h)
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let c1 = rand_distr::Normal::new(nat[1], nat[2]).expect(CHECKED);
        let c2 = rand_distr::Normal::new(nat[3], nat[4]).expect(CHECKED);
        (0..n)
            .map(|_| if rng.random::<f64>() < nat[0] { c1.sample(rng) } else { c2.sample(rng) })
            .collect()
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        // Split at the median: each half's mean and spread start one component, so the two
        // start apart and the optimiser does not begin on the symmetric saddle.
        let med = sample.rough_quantiles(&[0.5])[0];
        let spread = sample.stats().x.variance().sqrt().max(1e-3);
        let xs = sample.values();
        // Moments of each half straight from the data, with no copy of it.
        let half = |upper: bool| {
            let m = Moments::of(|| xs.iter().copied().filter(move |&x| (x > med) == upper));
            if m.n < 2 {
                (med, spread)
            } else {
                let sd = m.variance().sqrt();
                (m.mean, if sd > 0.0 { sd } else { spread })
            }
        };
        let (mu1, s1) = half(false);
        let (mu2, s2) = half(true);
        vec![0.5, mu1, s1, mu2, s2]
    }

    fn collapsing(&self, nat: &[f64], sample: &Sample) -> Option<usize> {
        collapsed_scale(nat, sample, &[2, 4])
    }

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        let st = sample.stats();
        if st.min == st.max {
            return Some(Degenerate::NoSpread { values: sample.len(), value: st.min });
        }
        (sample.len() < 5).then_some(Degenerate::TooFew { values: sample.len(), needed: 5 })
    }

    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        2.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        crate::stats::quadrature::expect_under(self, nat, |x| -self.ln_density(nat, x))
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let w = nat[0];
        let mean = w * nat[1] + (1.0 - w) * nat[3];
        let second = w * (nat[2] * nat[2] + nat[1] * nat[1])
            + (1.0 - w) * (nat[4] * nat[4] + nat[3] * nat[3]);
        (mean, second - mean * mean)
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        let (c1, c2, w) = (normal(nat[1], nat[2]), normal(nat[3], nat[4]), nat[0]);
        Some(Cdf::new(
            w * c1.cdf(x) + (1.0 - w) * c2.cdf(x),
            w * c1.sf(x) + (1.0 - w) * c2.sf(x),
        ))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        let (c1, c2) = (normal(nat[1], nat[2]), normal(nat[3], nat[4]));
        let (q1, q2) = (c1.inverse_cdf(u), c2.inverse_cdf(u));
        bisect(q1.min(q2), q1.max(q2), |x| nat[0] * c1.cdf(x) + (1.0 - nat[0]) * c2.cdf(x) < u)
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        let (c1, c2) = (normal(nat[1], nat[2]), normal(nat[3], nat[4]));
        // The components' own upper quantiles at v, by symmetry of each normal.
        let q1 = 2.0 * nat[1] - c1.inverse_cdf(v);
        let q2 = 2.0 * nat[3] - c2.inverse_cdf(v);
        bisect(q1.min(q2), q1.max(q2), |x| nat[0] * c1.sf(x) + (1.0 - nat[0]) * c2.sf(x) > v)
    }

    fn fisher_information(&self, _nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        // E[s sᵀ] integrates ratios of the components to the mixture density, which have no
        // closed form (only series or quadrature): the observed information is used instead.
        None
    }
}

/// The point in [lo, hi] where `below` turns false, to full precision. The mixture's
/// quantile lies between its components' quantiles, which bracket it.
fn bisect(mut lo: f64, mut hi: f64, below: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if below(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Per point: ln(w φ₁ + (1 − w) φ₂), the responsibility r₁ of component 1, and r₁z₁,
/// r₁(z₁² − 1), r₂z₂, r₂(z₂² − 1), the pieces of the score.
struct Terms {
    mu1: f64,
    mu2: f64,
    inv1: f64,
    inv2: f64,
    c1: f64,
    c2: f64,
}

impl pass::Terms<6> for Terms {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 6] {
        let z1 = (x - self.mu1) * self.inv1;
        let z2 = (x - self.mu2) * self.inv2;
        let (a, b) = (self.c1 - 0.5 * z1 * z1, self.c2 - 0.5 * z2 * z2);
        // ln(eᵃ + eᵇ) and the responsibility of component 1 from one exponential.
        let first = a >= b;
        let hi = if first { a } else { b };
        let e = vmath::exp(-(a - b).abs());
        let u = 1.0 + e;
        let inv = 1.0 / u;
        let r1 = if first { inv } else { e * inv };
        let r2 = 1.0 - r1;
        // ln(1 + e) as ln u corrected for the rounding of u (as vmath::ln_1p does), with
        // the responsibilities' 1 / u standing in for ln_1p's own division.
        let ln_1p = vmath::ln(u) - ((u - 1.0) - e) * inv;
        [hi + ln_1p, r1, r1 * z1, r1 * (z1 * z1 - 1.0), r2 * z2, r2 * (z2 * z2 - 1.0)]
    }
}

/// Per point, for the Hessian: r₁, r₁z₁, r₁z₁², r₂, r₂z₂, r₂z₂², then r₁r₂ eᵢeⱼ for i ≤ j
/// over e = (1, z₁, z₁² − 1, z₂, z₂² − 1), row by row.
struct Curvature(Terms);

impl pass::Terms<21> for Curvature {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 21] {
        let t = &self.0;
        let z1 = (x - t.mu1) * t.inv1;
        let z2 = (x - t.mu2) * t.inv2;
        let (a, b) = (t.c1 - 0.5 * z1 * z1, t.c2 - 0.5 * z2 * z2);
        // As in `Terms`: both responsibilities from one exponential of −|a − b|.
        let first = a >= b;
        let e = vmath::exp(-(a - b).abs());
        let inv = 1.0 / (1.0 + e);
        let (r1, r2) = if first { (inv, e * inv) } else { (e * inv, inv) };
        let p = r1 * r2;
        let (s1, s2) = (z1 * z1, z2 * z2);
        let (u1, u2) = (s1 - 1.0, s2 - 1.0);
        let (pz1, pu1, pz2) = (p * z1, p * u1, p * z2);
        [
            r1,
            r1 * z1,
            r1 * s1,
            r2,
            r2 * z2,
            r2 * s2,
            p,
            pz1,
            pu1,
            pz2,
            p * u2,
            pz1 * z1,
            pz1 * u1,
            pz1 * z2,
            pz1 * u2,
            pu1 * u1,
            pu1 * z2,
            pu1 * u2,
            pz2 * z2,
            pz2 * u2,
            p * u2 * u2,
        ]
    }
}
