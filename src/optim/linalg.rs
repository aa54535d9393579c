//! The one piece of linear algebra Newton needs: solving a small symmetric positive
//! definite system by Cholesky factorisation (at most 5×5 here, so no library is worth it).

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
}
