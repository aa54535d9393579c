//! The objective the optimiser climbs: the log-likelihood of a sample under a family, its
//! mean (the negative cross-entropy H(p̂, q_θ), equation 10 of the seed), and the gradient
//! in free coordinates. Gradients are of the mean, so a step size means the same thing for
//! ten points as for a million.

use super::family::Family;
use super::sample::Sample;

/// A family and the sample it is fitted to.
#[derive(Debug, Clone, Copy)]
pub struct Objective<'a> {
    /// The model family.
    pub family: &'a dyn Family,
    /// The data.
    pub sample: &'a Sample,
}

/// Everything known about one point θ.
#[derive(Debug, Clone, PartialEq)]
pub struct Eval {
    /// θ in free coordinates.
    pub free: Vec<f64>,
    /// θ in natural coordinates.
    pub natural: Vec<f64>,
    /// ℓ(θ) = Σ ln q(xᵢ; θ).
    pub log_likelihood: f64,
    /// ℓ(θ)/m = −H(p̂, q_θ).
    pub mean_log_likelihood: f64,
    /// ∇(ℓ/m) in free coordinates.
    pub gradient: Vec<f64>,
    /// Euclidean norm of `gradient`.
    pub gradient_norm: f64,
}

impl Eval {
    /// True when every number is finite, so the point may be accepted.
    #[must_use]
    pub fn is_finite(&self) -> bool {
        self.log_likelihood.is_finite()
            && self.free.iter().chain(&self.natural).chain(&self.gradient).all(|v| v.is_finite())
    }
}

impl Objective<'_> {
    /// Evaluates at free coordinates. Parameters that fail the family's check (a scale that
    /// overflowed to infinity, a probability rounded to 1) give a non-finite likelihood, so
    /// the optimiser refuses the step rather than using them.
    #[must_use]
    pub fn eval(&self, free: &[f64]) -> Eval {
        let natural = self.family.to_natural(free);
        let m = self.sample.len() as f64;
        let mut gradient = vec![0.0; self.family.dim()];
        let valid = free.iter().all(|v| v.is_finite()) && self.family.check(&natural).is_ok();
        let log_likelihood = if valid {
            let ll = self.family.value_and_gradient(&natural, self.sample, &mut gradient);
            for g in &mut gradient {
                *g /= m;
            }
            ll
        } else {
            gradient.fill(f64::NAN);
            f64::NAN
        };
        let gradient_norm = gradient.iter().map(|g| g * g).sum::<f64>().sqrt();
        Eval {
            free: free.to_vec(),
            natural,
            log_likelihood,
            mean_log_likelihood: log_likelihood / m,
            gradient,
            gradient_norm,
        }
    }

    /// Evaluates at natural parameters.
    #[must_use]
    pub fn eval_natural(&self, natural: &[f64]) -> Eval {
        self.eval(&self.family.to_free(natural))
    }

    /// The Hessian of ℓ/m in free coordinates: the family's closed form where it has one
    /// (one pass), else [`Self::hessian_by_differences`].
    #[must_use]
    pub fn hessian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        let natural = self.family.to_natural(free);
        let closed = (free.iter().all(|v| v.is_finite()) && self.family.check(&natural).is_ok())
            .then(|| self.family.free_hessian(&natural, self.sample))
            .flatten()
            .filter(|h| h.iter().flatten().all(|v| v.is_finite()));
        match closed {
            Some(mut h) => {
                let m = self.sample.len() as f64;
                h.iter_mut().flatten().for_each(|v| *v /= m);
                h
            }
            None => self.hessian_by_differences(free),
        }
    }

    /// The Hessian of ℓ/m in free coordinates by central differences of the analytic
    /// gradient: second derivatives for every family without writing them by hand, accurate
    /// to about 1e-10 relative, which is all Newton needs to converge.
    #[must_use]
    pub fn hessian_by_differences(&self, free: &[f64]) -> Vec<Vec<f64>> {
        let d = free.len();
        let mut h = vec![vec![0.0; d]; d];
        for j in 0..d {
            // The cube root of machine epsilon balances truncation against rounding.
            let step = 6e-6 * free[j].abs().max(1.0);
            let mut up = free.to_vec();
            let mut down = free.to_vec();
            up[j] += step;
            down[j] -= step;
            let (gu, gd) = (self.eval(&up).gradient, self.eval(&down).gradient);
            for i in 0..d {
                h[i][j] = (gu[i] - gd[i]) / (up[j] - down[j]);
            }
        }
        // Symmetrise: the exact Hessian is symmetric, the differences nearly so.
        #[allow(clippy::needless_range_loop)] // h[i][j] and h[j][i] are both touched
        for i in 0..d {
            for j in 0..i {
                let v = 0.5 * (h[i][j] + h[j][i]);
                h[i][j] = v;
                h[j][i] = v;
            }
        }
        h
    }
}
