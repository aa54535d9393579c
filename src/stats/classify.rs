//! Classifiers: conditional models q(y | x; θ) over labelled points, the second kind of
//! [`super::model::Model`] beside the families of one number. Their ℓ(θ) = Σ ln q(yᵢ | xᵢ; θ),
//! so the "cross-entropy loss" a classifier prints, −ℓ/m, is H(p̂, q) for the empirical joint
//! p̂ of (x, y): training a classifier on it is maximum likelihood, the seed's answer.
//!
//! - [`linear::Linear`]: logistic (two classes) and softmax (K classes) regression,
//!   q(y | x) = softmax(Wx + b), with the first class as reference (its logit fixed at 0), so
//!   the parameters are identified and the Hessian at a maximum is negative definite;
//! - [`mlp::Mlp`]: one hidden layer of tanh (or ReLU) units before the same softmax head;
//! - [`truth`]: known truths p(y | x) to sample from, and [`decomposition`]: the training
//!   loss's limit E_x[H(p(·|x))] + E_x[D(p(·|x) ‖ q(·|x))].
//!
//! The passes over the points are blocked and vectorised ([`kernel`]); the per-point terms
//! are an exp per class and one log, in a stable log-sum-exp.

pub mod decomposition;
pub mod kernel;
pub mod linear;
pub mod mlp;
pub mod points;
pub mod squared;
pub mod truth;

use std::fmt;

use super::model::Model;

pub use linear::Linear;
pub use mlp::{Activation, Mlp};
pub use points::Labelled;

/// Which classifier: the names `--model` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassifierKind {
    /// Two classes, q(y = second | x) = σ(wᵀx + b).
    Logistic,
    /// K ≥ 2 classes, q(y | x) = softmax(Wx + b) against the first class.
    Softmax,
    /// One hidden layer, then the softmax.
    Mlp,
}

impl ClassifierKind {
    /// Every classifier.
    pub const ALL: [Self; 3] = [Self::Logistic, Self::Softmax, Self::Mlp];

    /// The interface name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Logistic => "logistic",
            Self::Softmax => "softmax",
            Self::Mlp => "mlp",
        }
    }

    /// Looks a classifier up by name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for ClassifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A classifier: a [`Model`] over labelled points that also predicts at any x.
pub trait Classifier: Model {
    /// ln q(c | x; θ) for every class c, into `out`.
    fn ln_predict(&self, theta: &[f64], x: &[f64], out: &mut [f64]);

    /// The points it is fitted to.
    fn labelled(&self) -> &Labelled;

    /// The share of points whose most probable class under θ is their label (ties go to the
    /// first class).
    fn accuracy(&self, theta: &[f64]) -> f64 {
        use rayon::prelude::*;
        let points = self.labelled();
        let k = points.classes().len();
        let hits: usize = (0..points.len())
            .into_par_iter()
            .with_min_len(4096)
            .map_init(
                || (vec![0.0; k], vec![0.0; points.dim()]),
                |(lq, x), i| {
                    for (v, col) in x.iter_mut().zip(points.columns()) {
                        *v = col[i];
                    }
                    self.ln_predict(theta, x, lq);
                    let best = (1..k).fold(0, |b, c| if lq[c] > lq[b] { c } else { b });
                    usize::from(best == points.labels()[i] as usize)
                },
            )
            .sum();
        hits as f64 / points.len() as f64
    }
}

/// The most classes a model takes: the Hessian of softmax regression has ((K − 1)(d + 1))²
/// entries, and a label column with hundreds of values is more likely a measurement.
pub const MAX_CLASSES: usize = 100;

/// The most hidden units of the network.
pub const MAX_HIDDEN: usize = 32;

/// The name of class `c`'s parameter block: nothing for two classes (one logit), else
/// the class's own name.
fn class_tag(points: &Labelled, c: usize) -> Option<&str> {
    (points.classes().len() > 2).then(|| points.classes()[c].as_str())
}

/// `base[tag,inner]`, `base[inner]`, `base[tag]` or `base`, as the parts exist.
fn indexed(base: &str, tag: Option<&str>, inner: Option<&str>) -> String {
    match (tag, inner) {
        (Some(t), Some(i)) => format!("{base}[{t},{i}]"),
        (None, Some(i)) => format!("{base}[{i}]"),
        (Some(t), None) => format!("{base}[{t}]"),
        (None, None) => base.to_string(),
    }
}
