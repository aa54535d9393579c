//! A network with one hidden layer before the softmax: the seed's "first neural network".
//! Hidden unit h computes aₕ = b1ₕ + Σⱼ W1ₕⱼ xⱼ and sₕ = act(aₕ) (tanh, or ReLU); the head is
//! [`super::linear`]'s softmax over the units, z_c = b2_c + Σₕ W2_cₕ sₕ, the first class the
//! reference. Its ℓ is the same Σ ln q(yᵢ | xᵢ), so its training loss is the same
//! cross-entropy; only q is richer (it can draw XOR's boundary, which no linear model can).
//!
//! The gradient is backpropagation in the same blocked pass as ℓ: the head's residuals r_c
//! give ∂ℓ/∂W2_cₕ = Σ r_c sₕ, and δₕ = act'(aₕ) Σ_c W2_cₕ r_c gives ∂ℓ/∂W1ₕⱼ = Σ δₕ xⱼ. Newton
//! uses central differences of that gradient; ℓ is not concave, so a fit finds a local
//! maximum from a seeded random start, and a unit that does nothing leaves flat directions
//! the checks of a maximum report. ReLU's ℓ has kinks only where a pre-activation is exactly
//! 0 at a data point, which continuous features never hit: the model declares none.

use rand::RngExt as _;
use rand_distr::StandardNormal;

use super::super::family::Limit;
use super::super::model::Model;
use super::super::rng::seeded;
use super::kernel::{self, BLOCK, Kernel, Work};
use super::linear::{SEPARABLE, identity};
use super::{Labelled, class_tag, indexed};

/// The hidden units' activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Activation {
    /// tanh(a): smooth, so Newton's Hessian by differences is accurate.
    #[default]
    Tanh,
    /// max(a, 0).
    Relu,
}

impl Activation {
    /// The interface name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Tanh => "tanh",
            Self::Relu => "relu",
        }
    }

    /// Looks an activation up by name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Tanh, Self::Relu].into_iter().find(|a| a.name() == name)
    }

    /// act(a) and act'(a).
    #[inline(always)]
    fn apply(self, a: f64) -> (f64, f64) {
        match self {
            Self::Tanh => {
                let t = kernel::tanh(a);
                (t, 1.0 - t * t)
            }
            Self::Relu => {
                if a > 0.0 {
                    (a, 1.0)
                } else {
                    (0.0, 0.0)
                }
            }
        }
    }
}

/// The network's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Hidden units H (1…[`super::MAX_HIDDEN`]).
    pub hidden: usize,
    /// Their activation.
    pub activation: Activation,
}

/// A one-hidden-layer network over labelled points.
#[derive(Debug, Clone, Copy)]
pub struct Mlp<'a> {
    points: &'a Labelled,
    shape: Shape,
}

impl<'a> Mlp<'a> {
    /// The network of `shape` over `points`.
    #[must_use]
    pub fn new(points: &'a Labelled, shape: Shape) -> Self {
        Self { points, shape }
    }

    /// The shape.
    #[must_use]
    pub fn shape(&self) -> Shape {
        self.shape
    }

    fn classes(&self) -> usize {
        self.points.classes().len()
    }

    /// Where the output layer's parameters begin.
    fn output_offset(&self) -> usize {
        self.shape.hidden * (self.points.dim() + 1)
    }

    /// A seeded random start. Each unit's weights are standard normal over the features'
    /// spreads and √d, and its bias centres it on the data's mean, so every unit starts in
    /// its sensitive range whatever the units of the features; a start with equal units
    /// would be a saddle they never leave. The output weights are small, so q starts near
    /// the class frequencies (the biases' log-odds).
    #[must_use]
    pub fn start(&self, seed: u64) -> Vec<f64> {
        let mut rng = seeded(seed);
        let d = self.points.dim();
        let scales = self.points.feature_scales();
        let mut theta = vec![0.0; self.dim()];
        for h in 0..self.shape.hidden {
            let row = &mut theta[h * (d + 1)..(h + 1) * (d + 1)];
            let mut centre = 0.0;
            for (w, (mean, sd)) in row[..d].iter_mut().zip(&scales) {
                let z: f64 = rng.sample(StandardNormal);
                *w = z / (sd * (d as f64).sqrt());
                centre += *w * mean;
            }
            let jitter: f64 = rng.sample(StandardNormal);
            row[d] = 0.5 * jitter - centre;
        }
        let counts = self.points.counts();
        let (off, hh) = (self.output_offset(), self.shape.hidden);
        for c in 1..self.classes() {
            let row = &mut theta[off + (c - 1) * (hh + 1)..off + c * (hh + 1)];
            for w in &mut row[..hh] {
                let z: f64 = rng.sample(StandardNormal);
                *w = 0.5 * z / (hh as f64).sqrt();
            }
            row[hh] = (counts[c] as f64 / counts[0] as f64).ln();
        }
        theta
    }

    /// The hidden activations and the logits of classes 1…K−1 at features `x`.
    #[must_use]
    pub fn forward(&self, theta: &[f64], x: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let d = self.points.dim();
        let hidden: Vec<f64> = theta[..self.output_offset()]
            .chunks(d + 1)
            .map(|row| {
                let a = row[d] + row[..d].iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
                self.shape.activation.apply(a).0
            })
            .collect();
        let hh = self.shape.hidden;
        let logits = theta[self.output_offset()..]
            .chunks(hh + 1)
            .map(|row| row[hh] + row[..hh].iter().zip(&hidden).map(|(w, s)| w * s).sum::<f64>())
            .collect();
        (hidden, logits)
    }

    /// q(· | x) over every class, into `probs`.
    pub fn predict(&self, theta: &[f64], x: &[f64], probs: &mut [f64]) {
        let _ = kernel::point_head(&self.forward(theta, x).1, 0, probs);
    }
}

/// Scratch of the network's pass.
struct Scratch {
    act: Vec<Vec<f64>>,
    der: Vec<Vec<f64>>,
    z: Vec<Vec<f64>>,
    e: Vec<Vec<f64>>,
    delta: Vec<f64>,
    work: Work,
}

/// ℓ and its gradient by backpropagation.
struct ValueGradient<'a> {
    model: Mlp<'a>,
    theta: &'a [f64],
}

impl Kernel for ValueGradient<'_> {
    type Scratch = Scratch;

    fn sums_len(&self) -> usize {
        1 + self.model.dim()
    }

    fn scratch(&self) -> Scratch {
        let (hh, k) = (self.model.shape.hidden, self.model.classes() - 1);
        Scratch {
            act: vec![vec![0.0; BLOCK]; hh],
            der: vec![vec![0.0; BLOCK]; hh],
            z: vec![vec![0.0; BLOCK]; k],
            e: vec![vec![0.0; BLOCK]; k],
            delta: vec![0.0; BLOCK],
            work: Work::new(),
        }
    }

    #[inline(always)]
    fn block(&self, start: usize, n: usize, s: &mut Scratch, acc: &mut [f64]) {
        let points = self.model.points;
        let (d, hh) = (points.dim(), self.model.shape.hidden);
        let activation = self.model.shape.activation;
        let off = self.model.output_offset();
        let x = |j: usize| &points.column(j)[start..start + n];
        for (h, row) in self.theta[..off].chunks(d + 1).enumerate() {
            let a = &mut s.act[h][..n];
            a.fill(row[d]);
            for (j, w) in row[..d].iter().enumerate() {
                for (v, xi) in a.iter_mut().zip(x(j)) {
                    *v += w * xi;
                }
            }
            for (v, dv) in a.iter_mut().zip(&mut s.der[h][..n]) {
                let (value, slope) = activation.apply(*v);
                *v = value;
                *dv = slope;
            }
        }
        for (row, zc) in self.theta[off..].chunks(hh + 1).zip(s.z.iter_mut()) {
            let zc = &mut zc[..n];
            zc.fill(row[hh]);
            for (w, a) in row[..hh].iter().zip(&s.act) {
                for (v, ai) in zc.iter_mut().zip(&a[..n]) {
                    *v += w * ai;
                }
            }
        }
        kernel::head(&mut s.z, &mut s.e, &points.codes()[start..start + n], &mut s.work, n);
        acc[0] += kernel::sum(&s.work.lnq[..n]);
        for (c, r) in s.z.iter().enumerate() {
            let base = 1 + off + c * (hh + 1);
            for h in 0..hh {
                acc[base + h] += kernel::dot(&r[..n], &s.act[h][..n]);
            }
            acc[base + hh] += kernel::sum(&r[..n]);
        }
        for h in 0..hh {
            let delta = &mut s.delta[..n];
            delta.fill(0.0);
            for (row, r) in self.theta[off..].chunks(hh + 1).zip(&s.z) {
                let w = row[h];
                for (dl, ri) in delta.iter_mut().zip(&r[..n]) {
                    *dl += w * ri;
                }
            }
            for (dl, slope) in delta.iter_mut().zip(&s.der[h][..n]) {
                *dl *= slope;
            }
            let base = 1 + h * (d + 1);
            for j in 0..d {
                acc[base + j] += kernel::dot(delta, x(j));
            }
            acc[base + d] += kernel::sum(delta);
        }
    }
}

impl Model for Mlp<'_> {
    fn dim(&self) -> usize {
        self.output_offset() + (self.classes() - 1) * (self.shape.hidden + 1)
    }

    fn points(&self) -> usize {
        self.points.len()
    }

    fn param_names(&self) -> Vec<String> {
        let units: Vec<String> = (1..=self.shape.hidden).map(|h| format!("h{h}")).collect();
        let mut names = Vec::with_capacity(self.dim());
        for u in &units {
            for f in self.points.features() {
                names.push(indexed("w1", Some(u), Some(f)));
            }
            names.push(indexed("b1", Some(u), None));
        }
        for c in 1..self.classes() {
            let tag = class_tag(self.points, c);
            for u in &units {
                names.push(indexed("w2", tag, Some(u)));
            }
            names.push(indexed("b2", tag, None));
        }
        names
    }

    fn to_free(&self, natural: &[f64]) -> Vec<f64> {
        natural.to_vec()
    }

    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        free.to_vec()
    }

    fn admits(&self, natural: &[f64]) -> bool {
        natural.len() == self.dim() && natural.iter().all(|v| v.is_finite())
    }

    fn log_likelihood(&self, natural: &[f64]) -> f64 {
        let mut g = vec![0.0; self.dim()];
        self.value_and_gradient(natural, &mut g)
    }

    fn value_and_gradient(&self, natural: &[f64], gradient: &mut [f64]) -> f64 {
        let sums = kernel::sums(&ValueGradient { model: *self, theta: natural }, self.points.len());
        gradient.copy_from_slice(&sums[1..]);
        sums[0]
    }

    fn ln_points(&self, natural: &[f64], first: usize, out: &mut [f64]) {
        let mut probs = vec![0.0; self.classes()];
        for (i, slot) in (first..).zip(out.iter_mut()) {
            let (_, z) = self.forward(natural, &self.points.point(i));
            *slot = kernel::point_head(&z, self.points.labels()[i] as usize, &mut probs);
        }
    }

    fn boundary_limit(&self, _free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        let parameter = self.param_names().swap_remove(coordinate);
        let value = if increasing { f64::INFINITY } else { f64::NEG_INFINITY };
        Limit { parameter, value, meaning: Some(SEPARABLE) }
    }

    fn natural_jacobian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        identity(free.len())
    }
}

impl super::Classifier for Mlp<'_> {
    fn ln_predict(&self, theta: &[f64], x: &[f64], out: &mut [f64]) {
        kernel::point_ln_probs(&self.forward(theta, x).1, out);
    }

    fn labelled(&self) -> &Labelled {
        self.points
    }
}
