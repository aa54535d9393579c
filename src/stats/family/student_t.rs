//! `student_t(df`, loc, scale): free coordinates (ln df, loc, ln scale). The df terms that do
//! not depend on x (digamma and ln-gamma) are computed once per pass, not per point.
//!
//! Towards the normal limit (df → ∞, where a fit to normal-looking data runs) the textbook
//! formulas cancel: ln Γ((ν+1)/2) − ln Γ(ν/2) subtracts two numbers of size ν ln ν, and
//! ln(ν + z²) − ln ν loses ln ν / (z²/ν) of its digits. From [`LARGE_DF`] on, the x-free
//! terms come from their asymptotic series and the per-point term from ln(1 + z²/ν), so ℓ
//! and its gradient stay accurate to rounding however large ν grows.

use rand_distr::Distribution as _;
use statrs::distribution::Continuous as _;
use statrs::distribution::ContinuousCDF as _;
use statrs::function::beta::ln_beta;
use statrs::function::gamma::{digamma, ln_gamma};

use crate::stats::family::{Cdf, CHECKED, collapsed_scale, Family, Set, polish_tail};
use crate::stats::pass;
use crate::stats::rng::Rng;
use crate::stats::sample::{Sample, quantile_select};
use crate::stats::vmath;

/// Student's t distribution with location and scale.
#[derive(Debug, Clone, Copy)]
pub struct StudentT;

fn dist(nat: &[f64]) -> statrs::distribution::StudentsT {
    statrs::distribution::StudentsT::new(nat[1], nat[2], nat[0]).expect(CHECKED)
}

/// From this df on, the series below replace the differences of ln Γ and ψ. With x = ν/2 ≥ 64
/// their first omitted terms are below 1e-16 relative (checked against 50-digit values), and
/// below it the differences lose at most a few digits; the t fits of the presets (df near 3)
/// never reach it.
const LARGE_DF: f64 = 128.0;

/// ∂/∂ν of the x-free part of ln f: ½ψ((ν+1)/2) − ½ψ(ν/2) − 1/(2ν).
fn df_constant(nu: f64) -> f64 {
    if nu >= LARGE_DF {
        // ½(ψ(x+½) − ψ(x)) − 1/(4x), x = ν/2: the derivative of the series in `half_shift`.
        let y = 1.0 / (0.25 * nu * nu);
        return y * (1.0 / 16.0 + y * (-1.0 / 128.0 + y * (1.0 / 256.0 - y * 17.0 / 4096.0)));
    }
    0.5 * digamma(0.5 * (nu + 1.0)) - 0.5 * digamma(0.5 * nu) - 0.5 / nu
}

/// ln Γ(x + ½) − ln Γ(x) − ½ ln x for x = ν/2 ≥ 64, by its asymptotic series.
fn half_shift(nu: f64) -> f64 {
    let r = 2.0 / nu;
    let y = r * r;
    r * (-1.0 / 8.0 + y * (1.0 / 192.0 + y * (-1.0 / 640.0 + y * 17.0 / 14336.0)))
}

/// The x-free part of ln f: ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ) − ln s.
fn ln_constant(nu: f64, s: f64) -> f64 {
    if nu >= LARGE_DF {
        // ½ ln(ν/2) − ½ ln(νπ) = −½ ln 2π, exactly: nothing of size ln ν is left to cancel.
        return half_shift(nu) - 0.5 * (2.0 * std::f64::consts::PI).ln() - s.ln();
    }
    ln_gamma(0.5 * (nu + 1.0))
        - ln_gamma(0.5 * nu)
        - 0.5 * (nu * std::f64::consts::PI).ln()
        - s.ln()
}

/// The per-point part of the score, without the df constant.
fn point_score(nu: f64, loc: f64, s: f64, x: f64, grad: &mut [f64]) {
    let z = (x - loc) / s;
    let q = nu + z * z;
    // d/dν of −(ν+1)/2 ln(1 + z²/ν), times ν for the ln ν coordinate.
    grad[0] += nu * (-0.5 * (z * z / nu).ln_1p() + 0.5 * (nu + 1.0) * z * z / (nu * q));
    grad[1] += (nu + 1.0) * z / (s * q);
    grad[2] += (nu + 1.0) * z * z / q - 1.0;
}

declare!(
    StudentT: [Positive("df").upper_limit("the normal limit of the t").truth_at_least(0.2).truth_at_most(1e6), Real("loc"), Positive("scale")],
    Set::Real, "any real number", [3.0, 0.0, 1.0]
);

impl Family for StudentT {
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        let lq = dist(nat).ln_pdf(x);
        if lq.is_finite() || !x.is_finite() {
            return lq;
        }
        // statrs squares z, which overflows (ln q = −∞) far out; there ln(1 + z²/ν) is
        // 2 ln |z| − ln ν to every digit.
        let (nu, z) = (nat[0], (x - nat[1]) / nat[2]);
        ln_gamma(0.5 * (nu + 1.0)) - ln_gamma(0.5 * nu) - 0.5 * (nu * std::f64::consts::PI).ln()
            - nat[2].ln()
            - 0.5 * (nu + 1.0) * (2.0 * z.abs().ln() - nu.ln())
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        grad[0] += nat[0] * df_constant(nat[0]);
        point_score(nat[0], nat[1], nat[2], x, grad);
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        let mut grad = [0.0; 3];
        self.value_and_gradient(nat, sample, &mut grad)
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        self.value_and_gradient(nat, sample, grad);
    }

    fn value_and_gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) -> f64 {
        let (nu, s) = (nat[0], nat[2]);
        let n = sample.len() as f64;
        // Σ ln(1 + z²/ν), Σ z/q and Σ z²/q.
        let [sum_log, sum_zq, sum_z2q] = if nu >= LARGE_DF {
            let terms = LargeDfTerms { nu, inv_nu: 1.0 / nu, loc: nat[1], inv: 1.0 / s };
            pass::sums(sample.values(), &terms)
        } else {
            let terms = Terms { nu, loc: nat[1], inv: 1.0 / s };
            let [sum_ln_q, sum_zq, sum_z2q] = pass::sums(sample.values(), &terms);
            [sum_ln_q - n * nu.ln(), sum_zq, sum_z2q]
        };
        // d/dν of −(ν+1)/2 ln(1 + z²/ν) is −½ ln(1 + z²/ν) + (ν+1)/2 · z²/(ν(ν+z²)).
        grad[0] = nu * (n * df_constant(nu) - 0.5 * sum_log + 0.5 * (nu + 1.0) / nu * sum_z2q);
        grad[1] = (nu + 1.0) / s * sum_zq;
        grad[2] = (nu + 1.0) * sum_z2q - n;
        n * ln_constant(nu, s) - 0.5 * (nu + 1.0) * sum_log
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::StudentT::new(nat[0]).expect(CHECKED);
        d.sample_iter(rng).take(n).map(|t: f64| nat[1] + nat[2] * t).collect()
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        // The median and the normal-consistent MAD are robust to the heavy tails; df 5 is a
        // middle-of-the-road tail weight the optimiser then moves.
        let mut dev = sample.rough_subsample();
        let med = quantile_select(&mut dev, 0.5);
        for x in &mut dev {
            *x = (*x - med).abs();
        }
        let mad = quantile_select(&mut dev, 0.5) * 1.482_602_218_505_602;
        let scale = if mad > 0.0 { mad } else { sample.stats().x.variance().sqrt().max(1e-3) };
        vec![5.0, med, scale]
    }

    fn collapsing(&self, nat: &[f64], sample: &Sample) -> Option<usize> {
        collapsed_scale(nat, sample, &[2])
    }

    fn tail_index(&self, nat: &[f64]) -> f64 {
        nat[0]
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        let nu = nat[0];
        0.5 * (nu + 1.0) * (digamma(0.5 * (nu + 1.0)) - digamma(0.5 * nu))
            + 0.5 * nu.ln()
            + ln_beta(0.5 * nu, 0.5)
            + nat[2].ln()
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let nu = nat[0];
        let mean = if nu > 1.0 { nat[1] } else { f64::NAN };
        let var = if nu > 2.0 {
            nat[2] * nat[2] * nu / (nu - 2.0)
        } else if nu > 1.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
        (mean, var)
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        use statrs::function::beta::beta_reg;
        // The mass beyond |k| is ½ I_{df/(df+k²)}(df/2, ½) (statrs' formula), but near the
        // centre df/(df + k²) rounds to 1 and F(loc ± 1e-9) comes out ½ exactly; there the
        // central mass ½ I_{k²/(df+k²)}(½, df/2) keeps the digits instead.
        let (df, k) = (nat[0], (x - nat[1]) / nat[2]);
        let k2 = k * k;
        let far = if k2 >= df {
            0.5 * beta_reg(0.5 * df, 0.5, df / (df + k2))
        } else {
            0.5 - 0.5 * beta_reg(0.5, 0.5 * df, k2 / (df + k2))
        };
        Some(if k <= 0.0 { Cdf::new(far, 1.0 - far) } else { Cdf::new(1.0 - far, far) })
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        if u == 0.5 {
            return nat[1];
        }
        if u > 0.5 {
            return self.upper_quantile(nat, 1.0 - u);
        }
        // By symmetry, the lower tail at u is minus the standard upper tail at u.
        // Beyond LARGE_DF_QUANTILE the expansion's next term is below 1e-12 in the body and
        // statrs's tails (inverse, and the sf a polish would use) are slow and off by 1e-4.
        if nat[0] > LARGE_DF_QUANTILE {
            return nat[1] + nat[2] * large_df_quantile(nat[0], u);
        }
        let std = statrs::distribution::StudentsT::new(0.0, 1.0, nat[0]).expect(CHECKED);
        let w = polish_tail(-std.inverse_cdf(u), u.ln(), true, |w| std.sf(w).ln(), |w| std.ln_pdf(w));
        nat[1] - nat[2] * w
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        2.0 * nat[1] - self.quantile(nat, v)
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        // Lange, Little and Taylor (1989). The df entry is a difference of trigammas that
        // cancels to O(ν⁻⁴) and loses about ν³ ε of its digits: beyond LARGE_DF it is not
        // worth a number, and the normal limit is a boundary, where no information is used.
        let (nu, s) = (nat[0], nat[2]);
        if nu >= LARGE_DF {
            return None;
        }
        let psi1 = crate::stats::special::trigamma;
        let df = 0.25 * (psi1(0.5 * nu) - psi1(0.5 * (nu + 1.0)))
            - (nu + 5.0) / (2.0 * nu * (nu + 1.0) * (nu + 3.0));
        let cross = -2.0 / (s * (nu + 1.0) * (nu + 3.0));
        let loc = (nu + 1.0) / ((nu + 3.0) * s * s);
        let scale = 2.0 * nu / ((nu + 3.0) * s * s);
        Some(vec![vec![df, 0.0, cross], vec![0.0, loc, 0.0], vec![cross, 0.0, scale]])
    }
}

/// Per point, with z = (x − loc)/scale and q = ν + z²: ln q, z/q and z²/q.
struct Terms {
    nu: f64,
    loc: f64,
    inv: f64,
}

impl pass::Terms<3> for Terms {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 3] {
        let z = (x - self.loc) * self.inv;
        let z2 = z * z;
        let q = self.nu + z2;
        let r = 1.0 / q;
        // ln(1 + z²/ν) = ln q − ln ν: one logarithm and one division per point.
        [vmath::ln(q), z * r, z2 * r]
    }
}

/// As [`Terms`] from [`LARGE_DF`] on, with ln(1 + z²/ν) in place of ln q: there ln q and ln ν
/// agree in most of their digits.
struct LargeDfTerms {
    nu: f64,
    inv_nu: f64,
    loc: f64,
    inv: f64,
}

impl pass::Terms<3> for LargeDfTerms {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 3] {
        let z = (x - self.loc) * self.inv;
        let z2 = z * z;
        let r = 1.0 / (self.nu + z2);
        [vmath::ln_1p(z2 * self.inv_nu), z * r, z2 * r]
    }
}

/// Beyond this df statrs' inverse (an inverse incomplete beta) takes seconds a value, and a
/// fit at the normal limit sits at df of 10^300: the Cornish–Fisher expansion about the
/// normal is then exact to O(df⁻³), which the tail polish finishes.
const LARGE_DF_QUANTILE: f64 = 1e5;

/// The standard t's quantile at `u` for a large df: z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²).
fn large_df_quantile(df: f64, u: f64) -> f64 {
    let normal = statrs::distribution::Normal::new(0.0, 1.0).expect(CHECKED);
    let z = normal.inverse_cdf(u);
    let z2 = z * z;
    z + (z2 * z + z) / (4.0 * df) + (5.0 * z2 * z2 * z + 16.0 * z2 * z + 3.0 * z) / (96.0 * df * df)
}

#[cfg(test)]
mod large_df_tests {
    use super::*;

    /// At the switch the expansion agrees with the polished quantile (statrs's, refined on
    /// its tail); far above, it sits beyond the normal quantile by the first term, 1/ν.
    #[test]
    fn the_large_df_quantile_matches_the_exact_one_and_tends_to_the_normal() {
        let normal = statrs::distribution::Normal::new(0.0, 1.0).expect("normal");
        for u in [1e-6, 1e-4, 0.025, 0.3, 0.7, 0.975, 1.0 - 1e-6] {
            // At the switch itself the quantile is still the polished one.
            let df = LARGE_DF_QUANTILE;
            let (got, want) = (large_df_quantile(df, u), StudentT.quantile(&[df, 0.0, 1.0], u));
            assert!((got - want).abs() <= 1e-9 * want.abs(), "df {df} u {u}: {got} vs {want}");
            for df in [1e7, 1e12, 1e300] {
                let (q, z) = (StudentT.quantile(&[df, 1.0, 2.0], u), normal.inverse_cdf(u));
                let first = (z.powi(3) + z) / (4.0 * df);
                let off = (q - 1.0) / 2.0 - z;
                assert!((off - first).abs() <= 1e-3 * first.abs().max(1e-300) + 1e-15 * z.abs());
            }
        }
        // Continuous across the switch to the expansion.
        let below = StudentT.quantile(&[LARGE_DF_QUANTILE * 0.999_999, 0.0, 1.0], 0.01);
        let above = StudentT.quantile(&[LARGE_DF_QUANTILE * 1.000_001, 0.0, 1.0], 0.01);
        assert!((below - above).abs() < 1e-9, "{below} vs {above}");
    }
}
