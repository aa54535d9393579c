//! The Cramér–Rao bound from a family's closed-form expected information: the covariance an
//! unbiased estimate from m points cannot beat, and that of the MLE as m grows when the
//! model contains the truth. Taken through the free coordinates, I_u = Jᵀ I J, so a simplex
//! (whose natural information is diag(1/p) without the constraint) comes out as the
//! multinomial diag(p) − ppᵀ.

use crate::optim::linalg::inverse_positive_definite;
use crate::stats::family::Family;

/// J C Jᵀ / m: a free-coordinate covariance `c` (for one point) carried to the natural
/// parameters for m points.
pub(super) fn carry(jac: &[Vec<f64>], c: &[Vec<f64>], m: usize) -> Vec<Vec<f64>> {
    let n = jac.len();
    let d = c.len();
    let m = m as f64;
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    let mut t = 0.0;
                    for a in 0..d {
                        for b in 0..d {
                            t += jac[i][a] * c[a][b] * jac[j][b];
                        }
                    }
                    t / m
                })
                .collect()
        })
        .collect()
}

/// I(θ)⁻¹ / m in the natural parameters, from the family's closed form; None where it has
/// none or the information is not invertible.
#[must_use]
pub fn cramer_rao(family: &dyn Family, nat: &[f64], m: usize) -> Option<Vec<Vec<f64>>> {
    let info = family.fisher_information(nat)?;
    let free = family.to_free(nat);
    let jac = family.layout().jacobian(&free);
    let d = free.len();
    let free_info: Vec<Vec<f64>> = (0..d)
        .map(|a| {
            (0..d)
                .map(|b| {
                    let mut t = 0.0;
                    for (i, row) in info.iter().enumerate() {
                        for (j, v) in row.iter().enumerate() {
                            t += jac[i][a] * v * jac[j][b];
                        }
                    }
                    t
                })
                .collect()
        })
        .collect();
    let inverse = inverse_positive_definite(&free_info)?;
    Some(carry(&jac, &inverse, m))
}
