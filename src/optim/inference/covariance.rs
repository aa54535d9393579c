//! The observed information and the covariances built from it. The information is taken in
//! free coordinates (where the optimiser worked and the Hessian is smooth), inverted there,
//! and carried to the natural parameters by the delta method, Σ_θ = J Σ_u Jᵀ with
//! J = ∂θ/∂u: at a maximum the gradient vanishes, so this is the inverse information in the
//! natural parameters, whatever the parametrisation. A simplex (a categorical's p) has one
//! free coordinate fewer than entries; its covariance comes out singular, with rows summing
//! to 0, which is the constraint Σ p = 1 and not a defect.

use super::Undefined;
use crate::optim::linalg::{inverse_positive_definite, symmetric_eigen};
use crate::stats::model::{Eval, Model};

/// Below this, an eigenvalue of the information scaled to unit diagonal is zero: the Hessian
/// by differences is accurate to about 1e-10 relative, so a smaller curvature than that
/// cannot be told from none (the correlation of two estimates would be within 1e-10 of ±1).
const FLAT: f64 = 1e-10;

/// A direction along which ℓ does not curve downwards at θ̂.
#[derive(Debug, Clone, PartialEq)]
pub struct Flat {
    /// The direction in natural parameters (largest component ±1), one entry per parameter.
    pub direction: Vec<f64>,
    /// The information's smallest eigenvalue once scaled to unit diagonal (dimensionless:
    /// 1 − |ρ| for two parameters); at most [`FLAT`], negative where ℓ curves upwards.
    pub curvature: f64,
}

/// A covariance matrix of the natural parameters. A parameter that depends on a coordinate
/// with a kink has no row or column (None), and says why in `missing`.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariance {
    /// Σ, natural parameters by natural parameters.
    pub matrix: Vec<Vec<Option<f64>>>,
    /// Why a parameter has no entries, where it has none.
    pub missing: Vec<Option<Undefined>>,
}

impl Covariance {
    /// The correlation matrix Σᵢⱼ / √(Σᵢᵢ Σⱼⱼ).
    #[must_use]
    pub fn correlation(&self) -> Vec<Vec<Option<f64>>> {
        let n = self.matrix.len();
        let var = |i: usize| self.matrix[i][i].filter(|v| *v > 0.0);
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        let (vi, vj, c) = (var(i)?, var(j)?, self.matrix[i][j]?);
                        // Rounding can push |ρ| a hair past 1 for nearly collinear estimates.
                        Some(if i == j { 1.0 } else { (c / (vi * vj).sqrt()).clamp(-1.0, 1.0) })
                    })
                    .collect()
            })
            .collect()
    }
}

/// The standard errors √Σᵢᵢ of a covariance (or the reason each is missing).
pub(super) fn standard_errors(
    cov: &Result<Covariance, Undefined>,
    n: usize,
) -> Vec<Result<f64, Undefined>> {
    match cov {
        Err(why) => vec![Err(why.clone()); n],
        Ok(c) => (0..n)
            .map(|i| match (&c.missing[i], c.matrix[i][i]) {
                (Some(why), _) => Err(why.clone()),
                (None, Some(v)) if v > 0.0 && v.is_finite() => Ok(v.sqrt()),
                (None, Some(0.0)) => Err(Undefined::Underflow { parameter: i }),
                _ => Err(Undefined::Singular(Flat { direction: unit(n, i), curvature: 0.0 })),
            })
            .collect(),
    }
}

fn unit(n: usize, i: usize) -> Vec<f64> {
    (0..n).map(|j| f64::from(u8::from(i == j))).collect()
}

/// The observed information at θ̂ over the free coordinates without a kink, inverted.
#[derive(Debug, Clone)]
pub struct Information {
    /// The free coordinates kept (not on a kink).
    pub smooth: Vec<usize>,
    /// ∂θ/∂u at θ̂, every natural parameter by every free coordinate.
    pub jacobian: Vec<Vec<f64>>,
    /// (−∇²ℓ)⁻¹ over `smooth`, or the flat direction that stops it.
    pub inverse: Result<Vec<Vec<f64>>, Undefined>,
    /// Why each natural parameter is left out (it moves with a kinked coordinate).
    missing: Vec<Option<Undefined>>,
}

impl Information {
    /// The information at `point`, leaving out the coordinates marked `kinked`.
    #[must_use]
    pub fn at(model: &dyn Model, point: &Eval, kinked: &[bool]) -> Self {
        let names = model.param_names();
        let jacobian = model.natural_jacobian(&point.free);
        let smooth: Vec<usize> = (0..point.free.len()).filter(|&j| !kinked[j]).collect();
        let missing = (0..names.len())
            .map(|i| {
                (0..point.free.len())
                    .any(|j| kinked[j] && jacobian[i][j] != 0.0)
                    .then(|| Undefined::Kink { parameter: names[i].clone() })
            })
            .collect();
        let m = model.points() as f64;
        let h = model.hessian(&point.free);
        let info: Vec<Vec<f64>> =
            smooth.iter().map(|&i| smooth.iter().map(|&j| -m * h[i][j]).collect()).collect();
        let inverse = invert(&info).map_err(|(v, curvature)| {
            let mut direction = vec![0.0; names.len()];
            for (row, d) in jacobian.iter().zip(&mut direction) {
                *d = smooth.iter().zip(&v).map(|(&j, vj)| row[j] * vj).sum();
            }
            let top = direction.iter().fold(0.0_f64, |a, d| a.max(d.abs()));
            if top > 0.0 {
                for d in &mut direction {
                    *d /= top;
                }
            }
            Undefined::Singular(Flat { direction, curvature })
        });
        Self { smooth, jacobian, inverse, missing }
    }

    /// The standard error of free coordinate `j` (for step sizes), where known.
    #[must_use]
    pub fn free_se(&self, j: usize) -> Option<f64> {
        let k = self.smooth.iter().position(|&s| s == j)?;
        self.inverse.as_ref().ok().map(|inv| inv[k][k].sqrt())
    }

    /// The naive covariance: the inverse information through the delta method.
    pub fn naive(&self) -> Result<Covariance, Undefined> {
        let inv = self.inverse.clone()?;
        Ok(self.to_natural(&inv))
    }

    /// The sandwich covariance I⁻¹ J I⁻¹, J = Σ sᵢsᵢᵀ over the smooth coordinates, through
    /// the delta method.
    pub fn sandwich(&self, model: &dyn Model, point: &Eval) -> Result<Covariance, Undefined> {
        let inv = self.inverse.clone()?;
        let meat = model.score_products(&point.natural).ok_or(Undefined::NoScores)?;
        let meat: Vec<Vec<f64>> = self
            .smooth
            .iter()
            .map(|&i| self.smooth.iter().map(|&j| meat[i][j]).collect())
            .collect();
        let sw = product(&product(&inv, &meat), &inv);
        Ok(self.to_natural(&sw))
    }

    /// J Σ Jᵀ over the smooth columns of J, the kinked parameters' entries left out.
    fn to_natural(&self, free_cov: &[Vec<f64>]) -> Covariance {
        let n = self.jacobian.len();
        let js: Vec<Vec<f64>> =
            self.jacobian.iter().map(|row| self.smooth.iter().map(|&j| row[j]).collect()).collect();
        let left = product(&js, free_cov);
        // Each entry computed once and mirrored, so Σ is symmetric to the bit.
        let entry = |i: usize, j: usize| {
            let (i, j) = (i.max(j), i.min(j));
            (self.missing[i].is_none() && self.missing[j].is_none())
                .then(|| left[i].iter().zip(&js[j]).map(|(a, b)| a * b).sum::<f64>())
        };
        let matrix = (0..n).map(|i| (0..n).map(|j| entry(i, j)).collect()).collect();
        Covariance { matrix, missing: self.missing.clone() }
    }
}

/// The inverse of a symmetric information matrix, or its flattest direction (in the
/// matrix's own coordinates) and scaled curvature. The matrix is scaled to unit diagonal
/// first, so the test of flatness does not depend on units (a location in metres against a
/// log scale) and an ill-conditioned but sound matrix (a gamma's correlated estimates) is
/// still inverted accurately.
fn invert(info: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, (Vec<f64>, f64)> {
    let n = info.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    if let Some(i) = (0..n).find(|&i| info[i].iter().any(|v| !v.is_finite())) {
        return Err((unit(n, i), 0.0));
    }
    let scale: Vec<f64> = (0..n)
        .map(|i| if info[i][i] == 0.0 { 1.0 } else { 1.0 / info[i][i].abs().sqrt() })
        .collect();
    let scaled: Vec<Vec<f64>> =
        (0..n).map(|i| (0..n).map(|j| info[i][j] * scale[i] * scale[j]).collect()).collect();
    let unscale = |inv: &[Vec<f64>]| -> Vec<Vec<f64>> {
        (0..n).map(|i| (0..n).map(|j| inv[i][j] * scale[i] * scale[j]).collect()).collect()
    };
    // The smallest eigenvalue of a positive definite matrix is at least 1 / trace of its
    // inverse, so a factorisation usually settles it in O(n³/3) without the eigenvalues,
    // which cost many times more (a categorical has a thousand coordinates).
    if info.iter().enumerate().all(|(i, r)| r[i] > 0.0)
        && let Some(inv) = inverse_positive_definite(&scaled)
    {
        let trace: f64 = (0..n).map(|i| inv[i][i]).sum();
        if trace.is_finite() && trace > 0.0 && 1.0 / trace > FLAT {
            return Ok(unscale(&inv));
        }
    }
    let (values, vectors) = symmetric_eigen(&scaled);
    let flattest = |c: f64| {
        let v: Vec<f64> = vectors[0].iter().zip(&scale).map(|(v, s)| v * s).collect();
        (v, c)
    };
    if values[0] <= FLAT || info.iter().enumerate().any(|(i, r)| r[i] <= 0.0) {
        return Err(flattest(values[0]));
    }
    let inv = inverse_positive_definite(&scaled).ok_or_else(|| flattest(values[0]))?;
    Ok(unscale(&inv))
}

/// The matrix product A B.
fn product(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let cols = b.first().map_or(0, Vec::len);
    // Row by row, so b is read along its rows: the same sums in the same order as column by
    // column, without a cache miss per term at a thousand coordinates.
    a.iter()
        .map(|row| {
            let mut out = vec![0.0; cols];
            for (x, r) in row.iter().zip(b) {
                for (o, y) in out.iter_mut().zip(r) {
                    *o += x * y;
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sound_but_correlated_matrix_is_inverted() {
        // Correlation 0.999 between two coordinates on scales 1e6 apart.
        let info = vec![vec![1e12, 0.999e6], vec![0.999e6, 1.0]];
        let inv = invert(&info).expect("positive definite");
        let det = 1e12 - 0.999e6 * 0.999e6;
        assert!((inv[1][1] - 1e12 / det).abs() <= 1e-9 * inv[1][1], "{inv:?}");
    }

    #[test]
    fn a_flat_direction_is_named_with_its_scaled_curvature() {
        let (v, c) = invert(&[vec![2.0, 2.0], vec![2.0, 2.0]]).expect_err("singular");
        assert!(c.abs() <= FLAT && (v[0] + v[1]).abs() < 1e-12, "{v:?} {c}");
        let (_, c) = invert(&[vec![1.0, 2.0], vec![2.0, 1.0]]).expect_err("indefinite");
        assert!(c <= -0.9, "{c}");
    }
}
