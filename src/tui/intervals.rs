//! The geometry of the intervals the likelihood pane draws over ℓ: the Wald parabola and the
//! profile cutoff on the one-parameter curve, the Wald ellipse on the surface. Pure
//! functions of θ̂, ℓ̂ and the covariance, computed when the run is built, never per frame.

use statrs::distribution::{ChiSquared, ContinuousCDF as _};

use super::how_sure::HowSure;
use super::jobs::Surface;
use crate::optim::inference::{Covariance, Level, Undefined};
use crate::optim::linalg::inverse_positive_definite;
use crate::words;

/// The level of the Wald ellipse: that of the surface's 90 % likelihood-ratio band, so the
/// two can be compared where they part.
pub const ELLIPSE_LEVEL: f64 = 0.9;
/// Points around the ellipse (enough to leave no gap between cells at 200 columns).
const ELLIPSE_POINTS: usize = 720;

/// What the likelihood pane draws for the intervals over the current surface or curve.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// The Wald parabola over the one-parameter curve's range (empty without an SE).
    pub parabola: Vec<(f64, f64)>,
    /// The profile cutoff ℓ̂ − χ²₁(level)/2, on the one-parameter curve.
    pub cutoff: Option<f64>,
    /// The profile interval's ends, where the curve crosses the cutoff, or why not.
    pub ends: [Option<Result<f64, String>>; 2],
    /// The Wald ellipse at [`ELLIPSE_LEVEL`] on the surface.
    pub ellipse: Vec<(f64, f64)>,
    /// Why there is no parabola or ellipse, in words.
    pub missing: Option<String>,
}

impl Marks {
    /// The marks for `surface` (a one-parameter curve or a surface of a pair).
    #[must_use]
    pub fn new(how_sure: &HowSure, mle: &[f64], surface: Option<&Surface>) -> Self {
        let (Some(inference), Some(s)) = (&how_sure.inference, surface) else {
            return Self::default();
        };
        let names = &inference.names;
        let why = |u: &Undefined| words::undefined(u, names);
        let mut marks = Self::default();
        if s.is_profile() {
            let i = s.px;
            marks.cutoff = Some(cutoff(how_sure.ll_hat, inference.level));
            match inference.se().get(i) {
                Some(Ok(se)) => marks.parabola = wald_parabola(how_sure.ll_hat, mle[i], *se, &s.xs),
                Some(Err(u)) => marks.missing = Some(format!("no Wald parabola: {}", why(u))),
                None => {}
            }
            marks.ends = match inference.profile.as_ref().and_then(|p| p.get(i)) {
                Some(Ok(interval)) => [&interval.lower, &interval.upper].map(|side| {
                    Some(side.clone().map_err(|u| match u {
                        Undefined::Open { edge, .. } => {
                            format!("open to {}", words::limit_value(edge))
                        }
                        u => why(&u),
                    }))
                }),
                Some(Err(u)) => [Some(Err(why(u))), None],
                None => [None, None],
            };
        } else {
            match &inference.naive {
                Ok(cov) => match slice_ellipse(cov, mle, &s.base, (s.px, s.py)) {
                    Some((center, sigma)) => {
                        let q = chi_squared_2(ELLIPSE_LEVEL);
                        marks.ellipse =
                            wald_ellipse(center, sigma, q, ELLIPSE_POINTS).unwrap_or_default();
                    }
                    None => {
                        marks.missing =
                            Some("no Wald ellipse: the pair's covariance is undefined".to_string());
                    }
                },
                Err(u) => marks.missing = Some(format!("no Wald ellipse: {}", why(u))),
            }
        }
        marks
    }
}

/// The Wald parabola ℓ̂ − ½((θ − θ̂)/SE)² at each x: the quadratic ℓ the standard error
/// assumes, which the real curve leaves where the likelihood is skewed.
#[must_use]
pub fn wald_parabola(ll_hat: f64, theta_hat: f64, se: f64, xs: &[f64]) -> Vec<(f64, f64)> {
    xs.iter()
        .map(|&x| {
            let z = (x - theta_hat) / se;
            (x, ll_hat - 0.5 * z * z)
        })
        .collect()
}

/// The profile cutoff ℓ̂ − χ²₁(level)/2: the interval is where ℓ (profiled) stays above it.
#[must_use]
pub fn cutoff(ll_hat: f64, level: Level) -> f64 {
    ll_hat - 0.5 * level.chi_squared()
}

/// The χ²₂ quantile at `level`: the Wald ellipse (θ − θ̂)ᵀ Σ⁻¹ (θ − θ̂) = q of two parameters
/// at the level of the likelihood-ratio band 2(ℓ̂ − ℓ) < q.
#[must_use]
pub fn chi_squared_2(level: f64) -> f64 {
    ChiSquared::new(2.0).expect("two degrees of freedom are valid").inverse_cdf(level)
}

/// An ellipse's centre and 2×2 covariance.
pub type Ellipse = ((f64, f64), [[f64; 2]; 2]);

/// The centre and 2×2 covariance of the Wald ellipse that matches the surface of the pair
/// `(px, py)`. With two parameters: θ̂ and the pair's block of Σ. With more, the surface is a
/// slice with the others held at `base`; in ℓ's quadratic approximation its contours follow
/// the pair's block of the information I = Σ⁻¹, so the covariance is (I_pp)⁻¹, and its best
/// point is θ̂_p − (I_pp)⁻¹ I_po (base_o − θ̂_o). None where an entry is undefined or Σ is not
/// positive definite.
#[must_use]
pub fn slice_ellipse(
    cov: &Covariance,
    mle: &[f64],
    base: &[f64],
    (px, py): (usize, usize),
) -> Option<Ellipse> {
    let n = cov.matrix.len();
    if px == py || px >= n || py >= n || mle.len() != n || base.len() != n {
        return None;
    }
    let full: Vec<Vec<f64>> = cov
        .matrix
        .iter()
        .map(|row| row.iter().copied().collect::<Option<Vec<f64>>>())
        .collect::<Option<_>>()?;
    let block = |m: &[Vec<f64>]| [[m[px][px], m[px][py]], [m[py][px], m[py][py]]];
    if n == 2 {
        return Some(((mle[px], mle[py]), block(&full)));
    }
    let information = inverse_positive_definite(&full)?;
    let sigma = invert_2x2(block(&information))?;
    // I_po (base_o − θ̂_o), the pull of the held coordinates on the pair's score.
    let pull = |i: usize| -> f64 {
        (0..n).filter(|&o| o != px && o != py).map(|o| information[i][o] * (base[o] - mle[o])).sum()
    };
    let (gx, gy) = (pull(px), pull(py));
    let center = (
        mle[px] - (sigma[0][0] * gx + sigma[0][1] * gy),
        mle[py] - (sigma[1][0] * gx + sigma[1][1] * gy),
    );
    Some((center, sigma))
}

/// The inverse of a positive-definite 2×2 matrix; None otherwise.
fn invert_2x2(m: [[f64; 2]; 2]) -> Option<[[f64; 2]; 2]> {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    (m[0][0] > 0.0 && det > 0.0 && det.is_finite())
        .then(|| [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]])
}

/// `count` points on the ellipse (θ − θ̂)ᵀ Σ⁻¹ (θ − θ̂) = q, as θ̂ + √q·L(cos t, sin t) with
/// L Lᵀ = Σ (Cholesky); None when Σ is not positive definite.
#[must_use]
pub fn wald_ellipse(
    center: (f64, f64),
    sigma: [[f64; 2]; 2],
    q: f64,
    count: usize,
) -> Option<Vec<(f64, f64)>> {
    let l00 = sigma[0][0].sqrt();
    let l10 = sigma[1][0] / l00;
    let l11 = (sigma[1][1] - l10 * l10).sqrt();
    if !(l00 > 0.0 && l11 > 0.0 && l11.is_finite()) {
        return None;
    }
    let r = q.sqrt();
    Some(
        (0..count)
            .map(|i| {
                let t = std::f64::consts::TAU * i as f64 / count as f64;
                let (c, s) = (t.cos(), t.sin());
                (center.0 + r * l00 * c, center.1 + r * (l10 * c + l11 * s))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::inference::Level;

    fn cov(m: Vec<Vec<f64>>) -> Covariance {
        let n = m.len();
        Covariance {
            matrix: m.into_iter().map(|r| r.into_iter().map(Some).collect()).collect(),
            missing: vec![None; n],
        }
    }

    #[test]
    fn the_parabola_falls_by_half_a_unit_per_squared_standard_error() {
        let xs = [1.0, 2.0, 3.0, 5.0];
        let p = wald_parabola(-10.0, 3.0, 2.0, &xs);
        assert_eq!(p[2], (3.0, -10.0));
        assert!((p[0].1 - (-10.0 - 0.5)).abs() < 1e-12);
        assert!((p[3].1 - (-10.5)).abs() < 1e-12);
        assert!((p[1].1 - (-10.0 - 0.125)).abs() < 1e-12);
    }

    #[test]
    fn the_parabola_meets_the_cutoff_at_the_wald_interval() {
        // θ̂ ± z·SE with z = 1.959964 at 95 %: the closed form of the Wald interval.
        let (ll, t, se) = (-3.0, 0.7, 0.05);
        let level = Level::DEFAULT;
        let z = 1.959_963_984_540_054;
        let ends = [t - z * se, t + z * se];
        for (_, y) in wald_parabola(ll, t, se, &ends) {
            assert!((y - cutoff(ll, level)).abs() < 1e-9, "{y}");
        }
        assert!((cutoff(0.0, level) + 1.920_729_410_347_062).abs() < 1e-9);
    }

    #[test]
    fn ellipse_points_sit_on_the_quadratic_form() {
        let sigma = [[4.0, 1.2], [1.2, 1.0]];
        let q = chi_squared_2(0.9);
        assert!((q - 4.605_170_185_988_091).abs() < 1e-6);
        let inv = invert_2x2(sigma).expect("positive definite");
        let points = wald_ellipse((1.0, -2.0), sigma, q, 64).expect("positive definite");
        for (x, y) in points {
            let (dx, dy) = (x - 1.0, y + 2.0);
            let form = inv[0][0] * dx * dx + 2.0 * inv[0][1] * dx * dy + inv[1][1] * dy * dy;
            assert!((form - q).abs() < 1e-9, "{form}");
        }
    }

    #[test]
    fn a_diagonal_ellipse_reaches_root_q_standard_errors_along_each_axis() {
        let q = 9.0;
        let points = wald_ellipse((0.0, 0.0), [[4.0, 0.0], [0.0, 0.25]], q, 4).expect("pd");
        // t = 0, π/2, π, 3π/2: the ends of the axes, √q·σ away.
        let expect = [(6.0, 0.0), (0.0, 1.5), (-6.0, 0.0), (0.0, -1.5)];
        for (p, e) in points.iter().zip(expect) {
            assert!((p.0 - e.0).abs() < 1e-12 && (p.1 - e.1).abs() < 1e-12, "{p:?}");
        }
        assert!(wald_ellipse((0.0, 0.0), [[1.0, 2.0], [2.0, 1.0]], q, 4).is_none());
    }

    #[test]
    fn two_parameters_take_their_block_more_take_the_conditional_one() {
        let two = cov(vec![vec![2.0, 0.5], vec![0.5, 1.0]]);
        let mle = [1.0, 2.0];
        assert_eq!(
            slice_ellipse(&two, &mle, &mle, (0, 1)),
            Some(((1.0, 2.0), [[2.0, 0.5], [0.5, 1.0]]))
        );
        assert_eq!(
            slice_ellipse(&two, &mle, &mle, (1, 0)),
            Some(((2.0, 1.0), [[1.0, 0.5], [0.5, 2.0]]))
        );
        // Three parameters: the conditional covariance of (x0, x1) given x2 by the Schur
        // complement Σ_pp − Σ_po Σ_oo⁻¹ Σ_op, an independent route to ((Σ⁻¹)_pp)⁻¹.
        let s = vec![vec![2.0, 0.5, 0.8], vec![0.5, 1.0, 0.3], vec![0.8, 0.3, 1.5]];
        let three = cov(s.clone());
        let mle = [0.0, 0.0, 0.0];
        let (_, got) = slice_ellipse(&three, &mle, &mle, (0, 1)).expect("positive definite");
        let schur = |i: usize, j: usize| s[i][j] - s[i][2] * s[2][j] / s[2][2];
        for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            assert!((got[i][j] - schur(i, j)).abs() < 1e-12, "{i}{j}");
        }
        let mut missing = three;
        missing.matrix[2][2] = None;
        assert_eq!(slice_ellipse(&missing, &mle, &mle, (0, 1)), None);
    }

    #[test]
    fn a_slice_off_the_mle_is_centred_on_the_slices_own_best() {
        // ℓ = −½ δᵀ Σ⁻¹ δ exactly; the slice's best, by brute force over a fine grid with x2
        // held at 1.3, against the closed-form centre. The conditional mean of a normal,
        // Σ_po Σ_oo⁻¹ (x_o − μ_o), is the same point by another route.
        let s = vec![vec![2.0, 0.5, 0.8], vec![0.5, 1.0, 0.3], vec![0.8, 0.3, 1.5]];
        let info = inverse_positive_definite(&s).expect("positive definite");
        let mle = [0.4, -0.2, 0.1];
        let base = [0.0, 0.0, 1.3];
        let (center, _) = slice_ellipse(&cov(s.clone()), &mle, &base, (0, 1)).expect("pd");
        let ll = |x: f64, y: f64| {
            let d = [x - mle[0], y - mle[1], base[2] - mle[2]];
            let mut q = 0.0;
            for i in 0..3 {
                for j in 0..3 {
                    q += d[i] * info[i][j] * d[j];
                }
            }
            -0.5 * q
        };
        let mut best = (f64::NEG_INFINITY, 0.0, 0.0);
        for i in 0..=400 {
            for j in 0..=400 {
                let (x, y) = (-1.0 + 3.0 * f64::from(i) / 400.0, -1.0 + 3.0 * f64::from(j) / 400.0);
                if ll(x, y) > best.0 {
                    best = (ll(x, y), x, y);
                }
            }
        }
        assert!(
            (center.0 - best.1).abs() < 0.01 && (center.1 - best.2).abs() < 0.01,
            "{center:?} {best:?}"
        );
        let shift = base[2] - mle[2];
        let conditional = (mle[0] + s[0][2] / s[2][2] * shift, mle[1] + s[1][2] / s[2][2] * shift);
        assert!(
            (center.0 - conditional.0).abs() < 1e-12 && (center.1 - conditional.1).abs() < 1e-12
        );
    }
}
