//! Squared error on the sigmoid: the objective −Σ (yᵢ − σ(zᵢ))² over logistic regression's
//! own parameters (zᵢ = wᵀxᵢ + b), the loss a newcomer might pick instead of the
//! cross-entropy. Its gradient, −2 Σ (σ(zᵢ) − yᵢ) σ(zᵢ)(1 − σ(zᵢ)) x̃ᵢ, carries the sigmoid's
//! slope σ(1 − σ): where the model is confidently wrong (|z| large) that slope, and with it
//! the gradient, vanishes, so gradient ascent barely moves. The cross-entropy's gradient
//! Σ (yᵢ − σ(zᵢ)) x̃ᵢ has no such factor. It is not a log-likelihood, so it is fitted only to
//! show this; the panes still report the cross-entropy of the same θ.

use super::super::family::Limit;
use super::super::model::Model;
use super::linear::identity;
use super::{Classifier, Labelled, Linear};

/// Squared error of a two-class logistic model, climbed as −Σ (yᵢ − pᵢ)².
#[derive(Debug)]
pub struct SquaredError<'a> {
    linear: Linear<'a>,
}

impl<'a> SquaredError<'a> {
    /// The objective over `points`, which must hold two classes (the second is y = 1).
    #[must_use]
    pub fn new(points: &'a Labelled) -> Self {
        debug_assert_eq!(points.classes().len(), 2, "squared error is for two classes");
        Self { linear: Linear::new(points) }
    }

    /// The logistic model whose probabilities it scores.
    #[must_use]
    pub fn linear(&self) -> &Linear<'a> {
        &self.linear
    }

    /// σ(z) and y for point i.
    fn point(&self, theta: &[f64], i: usize, x: &mut [f64]) -> (f64, f64) {
        let points = self.linear.points();
        for (v, col) in x.iter_mut().zip(points.columns()) {
            *v = col[i];
        }
        let z = self.linear.logits(theta, x)[0];
        (sigmoid(z), f64::from(points.labels()[i]))
    }
}

/// σ(z) = 1 / (1 + e^(−z)), without overflow for large |z|.
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Model for SquaredError<'_> {
    fn dim(&self) -> usize {
        self.linear.dim()
    }

    fn points(&self) -> usize {
        self.linear.points().len()
    }

    fn param_names(&self) -> Vec<String> {
        self.linear.param_names()
    }

    fn to_free(&self, natural: &[f64]) -> Vec<f64> {
        natural.to_vec()
    }

    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        free.to_vec()
    }

    fn admits(&self, natural: &[f64]) -> bool {
        self.linear.admits(natural)
    }

    fn log_likelihood(&self, natural: &[f64]) -> f64 {
        let mut x = vec![0.0; self.linear.points().dim()];
        (0..self.points())
            .map(|i| {
                let (p, y) = self.point(natural, i, &mut x);
                -(y - p) * (y - p)
            })
            .sum()
    }

    fn value_and_gradient(&self, natural: &[f64], gradient: &mut [f64]) -> f64 {
        let d = self.linear.points().dim();
        let mut x = vec![0.0; d];
        gradient.fill(0.0);
        let mut total = 0.0;
        for i in 0..self.points() {
            let (p, y) = self.point(natural, i, &mut x);
            total -= (y - p) * (y - p);
            let dz = -2.0 * (p - y) * p * (1.0 - p);
            for (g, v) in gradient[..d].iter_mut().zip(&x) {
                *g += dz * v;
            }
            gradient[d] += dz;
        }
        total
    }

    fn ln_points(&self, natural: &[f64], first: usize, out: &mut [f64]) {
        self.linear.ln_points(natural, first, out);
    }

    fn boundary_limit(&self, free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        self.linear.boundary_limit(free, coordinate, increasing)
    }

    fn natural_jacobian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        identity(free.len())
    }
}

impl Classifier for SquaredError<'_> {
    fn ln_predict(&self, theta: &[f64], x: &[f64], out: &mut [f64]) {
        self.linear.ln_predict(theta, x, out);
    }

    fn labelled(&self) -> &Labelled {
        self.linear.points()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::classify::truth::ClassTruth;
    use crate::stats::rng::seeded;

    #[test]
    fn the_sigmoid_is_exact_in_both_tails() {
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-16);
        assert!((sigmoid(-40.0) - (-40.0f64).exp() / (1.0 + (-40.0f64).exp())).abs() < 1e-30);
        assert!(sigmoid(800.0) == 1.0 && sigmoid(-800.0) == 0.0);
    }

    #[test]
    fn the_gradient_matches_central_differences() {
        let points =
            ClassTruth::preset("logistic-2d").expect("a preset").sample(300, &mut seeded(4));
        let model = SquaredError::new(&points);
        let theta = [0.7, -0.4, 0.2];
        let mut g = [0.0; 3];
        let value = model.value_and_gradient(&theta, &mut g);
        assert!((value - model.log_likelihood(&theta)).abs() < 1e-9 * value.abs());
        for j in 0..3 {
            let h = 1e-5;
            let (mut up, mut down) = (theta, theta);
            up[j] += h;
            down[j] -= h;
            let fd = (model.log_likelihood(&up) - model.log_likelihood(&down)) / (2.0 * h);
            assert!((fd - g[j]).abs() < 1e-6 * fd.abs().max(1.0), "{j}: {fd} vs {}", g[j]);
        }
    }
}
