//! The small linear algebra Newton and inference need: solving and inverting a symmetric
//! positive definite system by Cholesky factorisation, and the eigen decomposition of a
//! symmetric matrix (to name a flat direction). Mostly 1×1 to 5×5; a categorical's k − 1
//! reaches 999, where these O(n³) loops take about a second each.

/// The Cholesky factor L (A = L Lᵀ) of symmetric A, or the first pivot that is not
/// positive (A is then not positive definite; a clearly negative one means it is indefinite).
pub fn cholesky(a: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, f64> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                    return Err(d);
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Ok(l)
}

/// Solves A x = b for symmetric positive definite A; None when A is not positive definite.
#[must_use]
pub fn solve_positive_definite(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let l = cholesky(a).ok()?;
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i][k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k][i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i][i];
    }
    Some(x)
}

/// The inverse of symmetric positive definite A (column by column from one factorisation);
/// None when A is not positive definite.
#[must_use]
#[allow(clippy::needless_range_loop)] // the textbook's indices: L, the inverse and b together
pub fn inverse_positive_definite(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let l = cholesky(a).ok()?;
    let mut inv = vec![vec![0.0; n]; n];
    for col in 0..n {
        let mut y = vec![0.0; n];
        for i in 0..n {
            let s: f64 = (0..i).map(|k| l[i][k] * y[k]).sum();
            y[i] = (f64::from(u8::from(i == col)) - s) / l[i][i];
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[k][i] * inv[k][col]).sum();
            inv[i][col] = (y[i] - s) / l[i][i];
        }
    }
    // The exact inverse is symmetric; rounding leaves it nearly so.
    for i in 0..n {
        for j in 0..i {
            let v = 0.5 * (inv[i][j] + inv[j][i]);
            inv[i][j] = v;
            inv[j][i] = v;
        }
    }
    Some(inv)
}

/// Eigenvalues (ascending) and unit eigenvectors (`vectors[k]` belongs to `values[k]`) of
/// symmetric A, by cyclic Jacobi rotations: slow for big matrices, exact to rounding for
/// these small ones, and never fails.
#[must_use]
#[allow(clippy::needless_range_loop)] // a rotation touches rows and columns p and q together
pub fn symmetric_eigen(a: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut m = a.to_vec();
    let mut v: Vec<Vec<f64>> =
        (0..n).map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    for _ in 0..100 {
        let off: f64 =
            (0..n).flat_map(|i| (0..i).map(move |j| (i, j))).map(|(i, j)| m[i][j].powi(2)).sum();
        let scale: f64 = (0..n).map(|i| m[i][i].powi(2)).sum();
        if off <= f64::EPSILON.powi(2) * scale || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if m[p][q] == 0.0 {
                    continue;
                }
                let theta = (m[q][q] - m[p][p]) / (2.0 * m[p][q]);
                let t = theta.signum() / (theta.abs() + theta.hypot(1.0));
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / t.hypot(1.0);
                let s = t * c;
                for k in 0..n {
                    let (mkp, mkq) = (m[k][p], m[k][q]);
                    m[k][p] = c * mkp - s * mkq;
                    m[k][q] = s * mkp + c * mkq;
                }
                for k in 0..n {
                    let (mpk, mqk) = (m[p][k], m[q][k]);
                    m[p][k] = c * mpk - s * mqk;
                    m[q][k] = s * mpk + c * mqk;
                }
                for row in &mut v {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| m[i][i].total_cmp(&m[j][j]));
    let values = order.iter().map(|&k| m[k][k]).collect();
    let vectors = order.iter().map(|&k| v.iter().map(|row| row[k]).collect()).collect();
    (values, vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_known_system() {
        // A = [[4, 2], [2, 3]], x = [1, -1] → b = [2, -1].
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let x = solve_positive_definite(&a, &[2.0, -1.0]).expect("positive definite");
        assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] + 1.0).abs() < 1e-15);
    }

    #[test]
    fn refuses_an_indefinite_matrix() {
        let a = vec![vec![1.0, 2.0], vec![2.0, 1.0]];
        assert!(solve_positive_definite(&a, &[1.0, 1.0]).is_none());
    }

    #[test]
    fn inverts_a_known_matrix() {
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let inv = inverse_positive_definite(&a).expect("positive definite");
        // det 8: the inverse is [[3, -2], [-2, 4]] / 8.
        let want = [[0.375, -0.25], [-0.25, 0.5]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((inv[i][j] - want[i][j]).abs() < 1e-15, "{inv:?}");
            }
        }
    }

    #[test]
    fn eigen_decomposition_reconstructs_the_matrix() {
        let a = vec![vec![2.0, 1.0, 0.5], vec![1.0, 3.0, -0.25], vec![0.5, -0.25, -1.0]];
        let (values, vectors) = symmetric_eigen(&a);
        assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
        for i in 0..3 {
            for j in 0..3 {
                let back: f64 = (0..3).map(|k| values[k] * vectors[k][i] * vectors[k][j]).sum();
                assert!((back - a[i][j]).abs() < 1e-13, "{i}{j}: {back} vs {}", a[i][j]);
            }
        }
        // [[1, 1], [1, 1]] is flat along (1, −1)/√2.
        let (values, vectors) = symmetric_eigen(&[vec![1.0, 1.0], vec![1.0, 1.0]]);
        assert!(values[0].abs() < 1e-15 && (values[1] - 2.0).abs() < 1e-15);
        assert!((vectors[0][0] + vectors[0][1]).abs() < 1e-15);
    }
}
