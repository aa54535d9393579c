//! Logistic and softmax regression: q(y | x) = softmax(Wx + b) over K classes, the first class
//! the reference (its row of W and its b fixed at 0). With one free row per other class the
//! parameters are identified (adding a vector to every row would not change q), so at a
//! maximum the Hessian is negative definite and the optimisers' checks of a maximum apply.
//! Two classes make this logistic regression, q(y = second | x) = σ(wᵀx + b), with the
//! parameters named `w[x1]`, …, `b`; more classes name them `w[class,x1]`, …, `b[class]`.
//!
//! ℓ is concave, so the maximum, where it exists, is the only one. It does not exist for
//! separable classes: ℓ → 0 (every label predicted with probability → 1) as the weights run
//! to infinity along a separating direction, which the boundary rule catches.
//!
//! ℓ, its gradient, its Hessian and the score products are each one blocked pass
//! ([`super::kernel`]). With x̃ = (x, 1) and residuals rᵢc = [yᵢ = c] − q(c | xᵢ):
//! ∂ℓ/∂W_ca = Σ rᵢc x̃ᵢa, and ∂²ℓ/∂W_ca∂W_c'a' = −Σ qᵢc([c = c'] − qᵢc') x̃ᵢa x̃ᵢa'.

use std::sync::Mutex;

use super::super::family::Limit;
use super::super::model::Model;
use super::super::vmath;
use super::kernel::{self, BLOCK, Kernel, Work};
use super::{Labelled, class_tag, indexed};

/// What the boundary means for a classifier: the limit is that of separable classes.
pub const SEPARABLE: &str = "the classes are separable along this direction: the labels are \
                             predicted with probability → 1 as the weights grow";

/// A Hessian and the θ it was made at.
type Cached = (Vec<f64>, Vec<Vec<f64>>);

/// Logistic (two classes) or softmax (K classes) regression over labelled points.
#[derive(Debug)]
pub struct Linear<'a> {
    points: &'a Labelled,
    /// The Hessian made in the same pass as the last ℓ and gradient, with its θ: Newton asks
    /// for the Hessian at the point it has just evaluated, so it costs no pass of its own.
    cache: Mutex<Option<Cached>>,
}

impl<'a> Linear<'a> {
    /// The model over `points` (all its classes).
    #[must_use]
    pub fn new(points: &'a Labelled) -> Self {
        Self { points, cache: Mutex::new(None) }
    }

    /// The points.
    #[must_use]
    pub fn points(&self) -> &Labelled {
        self.points
    }

    fn classes(&self) -> usize {
        self.points.classes().len()
    }

    /// Parameters per non-reference class: d weights and a bias.
    fn width(&self) -> usize {
        self.points.dim() + 1
    }

    /// The intercept-only MLE: no weights, each class's bias the log-odds of its frequency
    /// against the reference. Every class occurs (classes come from the data), so it is
    /// finite, and Newton starts where ℓ is already the best a constant can do.
    #[must_use]
    pub fn start(&self) -> Vec<f64> {
        let counts = self.points.counts();
        let (w, mut theta) = (self.width(), vec![0.0; self.dim()]);
        for c in 1..self.classes() {
            theta[(c - 1) * w + w - 1] = (counts[c] as f64 / counts[0] as f64).ln();
        }
        theta
    }

    /// The logits of classes 1…K−1 at features `x`.
    #[must_use]
    pub fn logits(&self, theta: &[f64], x: &[f64]) -> Vec<f64> {
        let d = self.points.dim();
        theta
            .chunks(self.width())
            .map(|row| row[d] + row[..d].iter().zip(x).map(|(w, v)| w * v).sum::<f64>())
            .collect()
    }

    /// q(· | x) over every class, into `probs`.
    pub fn predict(&self, theta: &[f64], x: &[f64], probs: &mut [f64]) {
        let _ = kernel::point_head(&self.logits(theta, x), 0, probs);
    }

    /// Sums per class pair and feature pair in [`add_outer`].
    fn outer_len(&self) -> usize {
        let (k, w) = (self.classes() - 1, self.width());
        k * (k + 1) / 2 * (w * (w + 1) / 2)
    }

    /// Σ over the points of an outer product of per-point weights times x̃x̃ᵀ, as a full
    /// matrix over the free coordinates.
    fn outer(&self, theta: &[f64], scores: bool) -> Vec<Vec<f64>> {
        let pass = Outer { model: self, theta, scores };
        self.assemble(&kernel::sums(&pass, self.points.len()), scores)
    }

    /// The full symmetric matrix from the sums of [`add_outer`], negated for the Hessian.
    fn assemble(&self, sums: &[f64], scores: bool) -> Vec<Vec<f64>> {
        let (k, w) = (self.classes() - 1, self.width());
        let mut h = vec![vec![0.0; k * w]; k * w];
        let mut at = 0;
        for c in 0..k {
            for c2 in c..k {
                for a in 0..w {
                    for a2 in a..w {
                        let v = if scores { sums[at] } else { -sums[at] };
                        at += 1;
                        for (x, y) in [(a, a2), (a2, a)] {
                            h[c * w + x][c2 * w + y] = v;
                            h[c2 * w + y][c * w + x] = v;
                        }
                    }
                }
            }
        }
        h
    }
}

/// The logits of a block into `z`: z_c = b_c + Σⱼ W_cj xⱼ.
#[inline(always)]
fn block_logits(points: &Labelled, theta: &[f64], start: usize, n: usize, z: &mut [Vec<f64>]) {
    let d = points.dim();
    for (row, zc) in theta.chunks(d + 1).zip(z.iter_mut()) {
        let zc = &mut zc[..n];
        zc.fill(row[d]);
        for (j, w) in row[..d].iter().enumerate() {
            let x = &points.column(j)[start..start + n];
            for (v, xi) in zc.iter_mut().zip(x) {
                *v += w * xi;
            }
        }
    }
}

/// Scratch of the linear passes.
struct Scratch {
    z: Vec<Vec<f64>>,
    e: Vec<Vec<f64>>,
    work: Work,
    v: Vec<f64>,
    u: Vec<f64>,
}

fn scratch(classes: usize) -> Scratch {
    Scratch {
        z: vec![vec![0.0; BLOCK]; classes - 1],
        e: vec![vec![0.0; BLOCK]; classes - 1],
        work: Work::new(),
        v: vec![0.0; BLOCK],
        u: vec![0.0; BLOCK],
    }
}

/// ℓ and its gradient.
struct ValueGradient<'a> {
    model: &'a Linear<'a>,
    theta: &'a [f64],
    /// Also the Hessian's sums, after ℓ and the gradient.
    hessian: bool,
}

impl Kernel for ValueGradient<'_> {
    type Scratch = Scratch;

    fn sums_len(&self) -> usize {
        1 + self.model.dim() + if self.hessian { self.model.outer_len() } else { 0 }
    }

    fn scratch(&self) -> Scratch {
        scratch(self.model.classes())
    }

    #[inline(always)]
    fn block(&self, start: usize, n: usize, s: &mut Scratch, acc: &mut [f64]) {
        let points = self.model.points;
        block_logits(points, self.theta, start, n, &mut s.z);
        head(&mut s.z, &mut s.e, &points.codes()[start..start + n], &mut s.work, n);
        acc[0] += kernel::sum(&s.work.lnq[..n]);
        if self.hessian {
            let at = 1 + self.model.dim();
            add_outer(points, start, n, s, &mut acc[at..], false);
        }
        let (d, w) = (points.dim(), self.model.width());
        for (c, r) in s.z.iter().enumerate() {
            let r = &r[..n];
            for j in 0..d {
                acc[1 + c * w + j] += kernel::dot(r, &points.column(j)[start..start + n]);
            }
            acc[1 + c * w + d] += kernel::sum(r);
        }
    }
}

/// Σ vᵢ x̃ᵢa x̃ᵢa' for every pair of classes (c ≤ c') and features (a ≤ a'), with vᵢ the
/// curvature qc([c = c'] − qc') or, for the scores, rc rc'.
struct Outer<'a> {
    model: &'a Linear<'a>,
    theta: &'a [f64],
    scores: bool,
}

impl Kernel for Outer<'_> {
    type Scratch = Scratch;

    fn sums_len(&self) -> usize {
        self.model.outer_len()
    }

    fn scratch(&self) -> Scratch {
        scratch(self.model.classes())
    }

    #[inline(always)]
    fn block(&self, start: usize, n: usize, s: &mut Scratch, acc: &mut [f64]) {
        let points = self.model.points;
        block_logits(points, self.theta, start, n, &mut s.z);
        head(&mut s.z, &mut s.e, &points.codes()[start..start + n], &mut s.work, n);
        add_outer(points, start, n, s, acc, self.scores);
    }
}

/// The head of a block: for two classes one exp and one log per point (ln q = yz −
/// softplus(z), softplus(z) = max(z, 0) + ln(1 + e^(−|z|))), else the general softmax.
#[inline(always)]
fn head(z: &mut [Vec<f64>], e: &mut [Vec<f64>], codes: &[f64], work: &mut Work, n: usize) {
    if z.len() != 1 {
        kernel::head(z, e, codes, work, n);
        return;
    }
    for ((zi, pi), (q, y)) in
        z[0][..n].iter_mut().zip(e[0][..n].iter_mut()).zip(work.lnq[..n].iter_mut().zip(codes))
    {
        let v = *zi;
        let ex = vmath::exp(-v.abs());
        let softplus = (if v > 0.0 { v } else { 0.0 }) + vmath::ln_1p(ex);
        *q = y * v - softplus;
        let p = (if v >= 0.0 { 1.0 } else { ex }) / (1.0 + ex);
        *pi = p;
        *zi = y - p;
    }
}

/// Adds Σ vᵢ x̃ᵢa x̃ᵢa' for every pair of classes (c ≤ c') and features (a ≤ a') to `acc`,
/// from a block whose head has run: vᵢ the curvature qc([c = c'] − qc') or, for the scores,
/// rc rc'.
#[inline(always)]
fn add_outer(
    points: &Labelled,
    start: usize,
    n: usize,
    s: &mut Scratch,
    acc: &mut [f64],
    scores: bool,
) {
    {
        let (k, d) = (s.z.len(), points.dim());
        let x = |a: usize| &points.column(a)[start..start + n];
        let mut at = 0;
        for c in 0..k {
            for c2 in c..k {
                let v = &mut s.v[..n];
                if scores {
                    for (vi, (r1, r2)) in v.iter_mut().zip(s.z[c][..n].iter().zip(&s.z[c2][..n])) {
                        *vi = r1 * r2;
                    }
                } else {
                    let same = if c == c2 { 1.0 } else { 0.0 };
                    for (vi, (p1, p2)) in v.iter_mut().zip(s.e[c][..n].iter().zip(&s.e[c2][..n])) {
                        *vi = p1 * (same - p2);
                    }
                }
                for a in 0..=d {
                    let u = &mut s.u[..n];
                    if a < d {
                        for (ui, (vi, xi)) in u.iter_mut().zip(v.iter().zip(x(a))) {
                            *ui = vi * xi;
                        }
                    } else {
                        u.copy_from_slice(v);
                    }
                    for a2 in a..=d {
                        acc[at] += if a2 < d { kernel::dot(u, x(a2)) } else { kernel::sum(u) };
                        at += 1;
                    }
                }
            }
        }
    }
}

impl Model for Linear<'_> {
    fn dim(&self) -> usize {
        (self.classes() - 1) * self.width()
    }

    fn points(&self) -> usize {
        self.points.len()
    }

    fn param_names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(self.dim());
        for c in 1..self.classes() {
            let tag = class_tag(self.points, c);
            for f in self.points.features() {
                names.push(indexed("w", tag, Some(f)));
            }
            names.push(indexed("b", tag, None));
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
        let pass = ValueGradient { model: self, theta: natural, hessian: false };
        kernel::sums(&pass, self.points.len())[0]
    }

    fn value_and_gradient(&self, natural: &[f64], gradient: &mut [f64]) -> f64 {
        let pass = ValueGradient { model: self, theta: natural, hessian: true };
        let sums = kernel::sums(&pass, self.points.len());
        let dim = self.dim();
        gradient.copy_from_slice(&sums[1..=dim]);
        let h = self.assemble(&sums[1 + dim..], false);
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some((natural.to_vec(), h));
        }
        sums[0]
    }

    fn closed_hessian(&self, natural: &[f64]) -> Option<Vec<Vec<f64>>> {
        let cached = self.cache.lock().ok().and_then(|c| {
            c.as_ref().filter(|(theta, _)| same_bits(theta, natural)).map(|(_, h)| h.clone())
        });
        Some(cached.unwrap_or_else(|| self.outer(natural, false)))
    }

    fn ln_points(&self, natural: &[f64], first: usize, out: &mut [f64]) {
        let mut probs = vec![0.0; self.classes()];
        for (i, slot) in (first..).zip(out.iter_mut()) {
            let z = self.logits(natural, &self.points.point(i));
            *slot = kernel::point_head(&z, self.points.labels()[i] as usize, &mut probs);
        }
    }

    fn boundary_limit(&self, _free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        let parameter = self.param_names().swap_remove(coordinate);
        let value = if increasing { f64::INFINITY } else { f64::NEG_INFINITY };
        Limit { parameter, value, meaning: Some(SEPARABLE) }
    }

    fn score_products(&self, natural: &[f64]) -> Option<Vec<Vec<f64>>> {
        Some(self.outer(natural, true))
    }

    fn natural_jacobian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        identity(free.len())
    }
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// The identity matrix: natural and free coordinates are the same for a classifier.
pub(super) fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n).map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect()).collect()
}

impl super::Classifier for Linear<'_> {
    fn ln_predict(&self, theta: &[f64], x: &[f64], out: &mut [f64]) {
        kernel::point_ln_probs(&self.logits(theta, x), out);
    }

    fn labelled(&self) -> &Labelled {
        self.points
    }
}
