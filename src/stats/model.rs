//! The seam every kind of model plugs into: parameters, a log-likelihood with its gradient
//! (and Hessian where closed) over the model's own dataset, and the per-point
//! log-probabilities the underflow trace multiplies. The optimisers, the stopping rules, the
//! underflow trace and the report see only this trait, so a model that is not a density of
//! one number (a classifier's p(y | x; θ) over labelled points) is a second implementation,
//! not a change to them. Today's families over a sample are [`super::objective::Objective`].
//!
//! Gradients and Hessians reach the optimisers as those of the mean ℓ/m, so a step size
//! means the same thing for ten points as for a million.

use super::family::Limit;

/// A parametric model bound to its dataset.
pub trait Model: Send + Sync {
    /// Number of free (unconstrained) coordinates the optimiser moves.
    fn dim(&self) -> usize;

    /// Number of data points m.
    fn points(&self) -> usize;

    /// Names of the natural parameters, in the order of the natural vector.
    fn param_names(&self) -> Vec<String>;

    /// Natural → free coordinates.
    fn to_free(&self, natural: &[f64]) -> Vec<f64>;

    /// Free → natural coordinates.
    fn to_natural(&self, free: &[f64]) -> Vec<f64>;

    /// Whether natural parameters lie in the parameter space (a scale that overflowed to ∞,
    /// a probability rounded to 1, do not).
    fn admits(&self, natural: &[f64]) -> bool;

    /// ℓ(θ) = Σ ln q(pointᵢ; θ).
    fn log_likelihood(&self, natural: &[f64]) -> f64;

    /// ℓ(θ), with ∇ℓ in free coordinates written into `gradient` (sums, not means).
    fn value_and_gradient(&self, natural: &[f64], gradient: &mut [f64]) -> f64;

    /// The Hessian of ℓ (a sum, not a mean) in free coordinates in closed form, where the
    /// model has one; None makes [`Model::hessian`] difference the gradient.
    fn closed_hessian(&self, _natural: &[f64]) -> Option<Vec<Vec<f64>>> {
        None
    }

    /// Whether ℓ can have kinks (points where it is not differentiable), so the fit must look
    /// for them.
    fn has_kinks(&self) -> bool {
        false
    }

    /// Whether ℓ can have a kink along free coordinate `coordinate` (laplace's loc, not its
    /// scale): such a coordinate has no second derivative, so no Wald standard error.
    fn kinks_in(&self, _coordinate: usize) -> bool {
        self.has_kinks()
    }

    /// ln q of the points `first`, `first + 1`, … in data order, one per slot of `out`: what
    /// the underflow trace multiplies.
    fn ln_points(&self, natural: &[f64], first: usize, out: &mut [f64]);

    /// The natural index of a parameter whose value shows ℓ growing without bound there (a
    /// scale collapsing onto data points), or None.
    fn collapsing(&self, _natural: &[f64]) -> Option<usize> {
        None
    }

    /// Where free coordinate `coordinate` takes its natural parameter as it runs to +∞
    /// (`increasing`) or −∞.
    fn boundary_limit(&self, free: &[f64], coordinate: usize, increasing: bool) -> Limit;

    /// J = Σᵢ sᵢ sᵢᵀ, the sum of the outer products of the per-point scores sᵢ = ∇ ln q(pointᵢ)
    /// in free coordinates: the "meat" of the sandwich covariance. None where the model
    /// cannot split its score by point.
    fn score_products(&self, _natural: &[f64]) -> Option<Vec<Vec<f64>>> {
        None
    }

    /// ∂ natural / ∂ free at free coordinates `free` (a row per natural entry, a column per
    /// free coordinate), for the delta method. By default central differences of
    /// [`Model::to_natural`]; a model whose maps are closed overrides it.
    fn natural_jacobian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        let centre = self.to_natural(free);
        let mut jac = vec![vec![0.0; free.len()]; centre.len()];
        for j in 0..free.len() {
            // The map is smooth and cheap: the cube root of epsilon balances the errors.
            let step = 6e-6 * free[j].abs().max(1.0);
            let (mut up, mut down) = (free.to_vec(), free.to_vec());
            up[j] += step;
            down[j] -= step;
            let (hi, lo) = (self.to_natural(&up), self.to_natural(&down));
            for (i, row) in jac.iter_mut().enumerate() {
                row[j] = (hi[i] - lo[i]) / (up[j] - down[j]);
            }
        }
        jac
    }

    /// Evaluates at free coordinates. Parameters outside the space give a non-finite
    /// likelihood, so the optimiser refuses the step rather than using them.
    fn eval(&self, free: &[f64]) -> Eval {
        let natural = self.to_natural(free);
        let m = self.points() as f64;
        let mut gradient = vec![0.0; self.dim()];
        let valid = free.iter().all(|v| v.is_finite()) && self.admits(&natural);
        let log_likelihood = if valid {
            let ll = self.value_and_gradient(&natural, &mut gradient);
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
    fn eval_natural(&self, natural: &[f64]) -> Eval {
        self.eval(&self.to_free(natural))
    }

    /// The Hessian of ℓ/m in free coordinates: the closed form where the model has one (and
    /// it is finite), else [`Model::hessian_by_differences`].
    fn hessian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        let natural = self.to_natural(free);
        let closed = (free.iter().all(|v| v.is_finite()) && self.admits(&natural))
            .then(|| self.closed_hessian(&natural))
            .flatten()
            .filter(|h| h.iter().flatten().all(|v| v.is_finite()));
        match closed {
            Some(mut h) => {
                let m = self.points() as f64;
                h.iter_mut().flatten().for_each(|v| *v /= m);
                h
            }
            None => self.hessian_by_differences(free),
        }
    }

    /// The Hessian of ℓ/m in free coordinates by central differences of the analytic
    /// gradient: second derivatives for every model without writing them by hand, accurate
    /// to about 1e-10 relative, which is all Newton needs to converge.
    fn hessian_by_differences(&self, free: &[f64]) -> Vec<Vec<f64>> {
        let d = free.len();
        let mut h = vec![vec![0.0; d]; d];
        let at = |u: &[f64]| Some(self.eval(u)).filter(Eval::is_finite);
        for j in 0..d {
            // The cube root of machine epsilon balances truncation against rounding.
            let step = 6e-6 * free[j].abs().max(1.0);
            let mut up = free.to_vec();
            let mut down = free.to_vec();
            up[j] += step;
            down[j] -= step;
            // Next to the edge of the parameter space (a bound such as poisson's largest
            // lambda) one side may fall outside it: a one-sided difference from θ then.
            let (hi, lo) = match (at(&up), at(&down)) {
                (Some(u), Some(l)) => ((u.gradient, up[j]), (l.gradient, down[j])),
                (Some(u), None) => ((u.gradient, up[j]), (self.eval(free).gradient, free[j])),
                (None, Some(l)) => ((self.eval(free).gradient, free[j]), (l.gradient, down[j])),
                (None, None) => ((vec![f64::NAN; d], up[j]), (vec![f64::NAN; d], down[j])),
            };
            for (i, row) in h.iter_mut().enumerate() {
                row[j] = (hi.0[i] - lo.0[i]) / (hi.1 - lo.1);
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

/// Everything known about one point θ.
#[derive(Debug, Clone, PartialEq)]
pub struct Eval {
    /// θ in free coordinates.
    pub free: Vec<f64>,
    /// θ in natural coordinates.
    pub natural: Vec<f64>,
    /// ℓ(θ).
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
