//! One pass over labelled points, in blocks: the loop behind every classifier's ℓ, gradient,
//! Hessian and score products.
//!
//! A block of [`BLOCK`] points is worked on as arrays (the logits of every point for one
//! class, then the next), so each inner loop is one simple loop over the block that compiles
//! to SIMD lanes, with [`super::super::vmath`]'s branch-free `exp` and `ln`; pulp dispatches
//! it to AVX2 at run time, as [`super::super::pass`] does for one-number samples. Sums
//! within a block use [`LANES`] accumulators; block totals are added with Neumaier
//! compensation. Tasks of [`BLOCKS_PER_TASK`] blocks run on rayon's threads and are combined
//! in task order, so a pass gives the same bits on one core or many.

use pulp::{Arch, Simd, WithSimd};
use rayon::prelude::*;

use super::super::sums::Neumaier;
use super::super::vmath;

/// Points worked on together.
pub const BLOCK: usize = 256;
/// Independent accumulators in a block's sums: two AVX2 registers.
pub const LANES: usize = 8;
/// Blocks per parallel task: 16 384 points, so a task outweighs its scheduling.
const BLOCKS_PER_TASK: usize = 64;

/// The per-block work of a pass: `len` sums over the points.
pub trait Kernel: Sync {
    /// Per-task scratch space, reused from block to block.
    type Scratch;

    /// Number of sums the pass makes.
    fn sums_len(&self) -> usize;

    /// Fresh scratch space.
    fn scratch(&self) -> Self::Scratch;

    /// Adds, plainly, the contributions of points `start..start + n` (n ≤ [`BLOCK`]) to
    /// `acc`, which holds zeros on entry.
    fn block(&self, start: usize, n: usize, scratch: &mut Self::Scratch, acc: &mut [f64]);
}

/// The `kernel.sums_len()` sums over `m` points.
#[must_use]
pub fn sums<K: Kernel>(kernel: &K, m: usize) -> Vec<f64> {
    let task = BLOCK * BLOCKS_PER_TASK;
    let tasks = m.div_ceil(task);
    let run = |t: usize| {
        let (start, end) = (t * task, m.min((t + 1) * task));
        Arch::new().dispatch(Task { kernel, start, end })
    };
    let parts: Vec<Vec<Neumaier>> = if tasks > 1 && rayon::current_num_threads() > 1 {
        (0..tasks).into_par_iter().map(run).collect()
    } else {
        (0..tasks).map(run).collect()
    };
    let mut total = vec![Neumaier::new(); kernel.sums_len()];
    for part in &parts {
        for (t, p) in total.iter_mut().zip(part) {
            t.add_sum(p);
        }
    }
    total.iter().map(Neumaier::total).collect()
}

/// One task's blocks, under whatever instruction set pulp found.
struct Task<'a, K> {
    kernel: &'a K,
    start: usize,
    end: usize,
}

impl<K: Kernel> WithSimd for Task<'_, K> {
    type Output = Vec<Neumaier>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) -> Self::Output {
        let len = self.kernel.sums_len();
        let mut scratch = self.kernel.scratch();
        let mut acc = vec![0.0; len];
        let mut out = vec![Neumaier::new(); len];
        let mut start = self.start;
        while start < self.end {
            let n = BLOCK.min(self.end - start);
            acc.fill(0.0);
            self.kernel.block(start, n, &mut scratch, &mut acc);
            for (o, a) in out.iter_mut().zip(&acc) {
                o.add(*a);
            }
            start += n;
        }
        out
    }
}

/// Σ xs in [`LANES`] accumulators (a vector add per step).
#[inline(always)]
#[must_use]
pub fn sum(xs: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for k in 0..LANES {
            lanes[k] += c[k];
        }
    }
    let mut s = lanes.iter().sum::<f64>();
    for x in tail {
        s += x;
    }
    s
}

/// Σ aᵢ bᵢ in [`LANES`] accumulators.
#[inline(always)]
#[must_use]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0.0; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ta, tb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            lanes[k] += x[k] * y[k];
        }
    }
    let mut s = lanes.iter().sum::<f64>();
    for (x, y) in ta.iter().zip(tb) {
        s += x * y;
    }
    s
}

/// tanh, branch-free from one exp: (1 − e)/(1 + e) with e = e^(−2|a|) ≤ 1, so nothing
/// overflows; its error is below 1e-16 absolute (relative error grows only for |a| near 0,
/// where the value is tiny anyway).
#[inline(always)]
#[must_use]
pub fn tanh(a: f64) -> f64 {
    let e = vmath::exp(-2.0 * a.abs());
    let t = (1.0 - e) / (1.0 + e);
    if a < 0.0 { -t } else { t }
}

/// The softmax head over one block, scratch included: the logits of classes 1…K−1 (class
/// 0's is 0) and the class codes go in, ln q(yᵢ | xᵢ) for each point comes out in `lnq`, and
/// the logits are overwritten by the residuals [yᵢ = c] − q(c | xᵢ), the score of ln q with
/// respect to the logit of class c, and `e` by the probabilities q(c | xᵢ). Stable: the largest logit (0 included) is subtracted
/// before exponentiating, so every exp is at most 1 and their sum is in [1, K].
#[inline(always)]
pub fn head(z: &mut [Vec<f64>], e: &mut [Vec<f64>], codes: &[f64], work: &mut Work, n: usize) {
    let Work { top, total, lse, lnq } = work;
    let (top, total, lse, lnq) = (&mut top[..n], &mut total[..n], &mut lse[..n], &mut lnq[..n]);
    top.fill(0.0);
    for zc in z.iter() {
        for (t, v) in top.iter_mut().zip(&zc[..n]) {
            *t = if *v > *t { *v } else { *t };
        }
    }
    for (s, t) in total.iter_mut().zip(top.iter()) {
        *s = vmath::exp(-*t);
    }
    for (zc, ec) in z.iter().zip(e.iter_mut()) {
        for ((x, s), (v, t)) in
            ec[..n].iter_mut().zip(total.iter_mut()).zip(zc[..n].iter().zip(top.iter()))
        {
            *x = vmath::exp(v - t);
            *s += *x;
        }
    }
    for ((l, t), s) in lse.iter_mut().zip(top.iter()).zip(total.iter()) {
        *l = t + vmath::ln(*s);
    }
    // ln q(y | x) = z_y − lse, with z_0 = 0.
    for (q, l) in lnq.iter_mut().zip(lse.iter()) {
        *q = -*l;
    }
    for (c, zc) in z.iter().enumerate() {
        let code = (c + 1) as f64;
        for (q, (v, y)) in lnq.iter_mut().zip(zc[..n].iter().zip(&codes[..n])) {
            *q += if *y == code { *v } else { 0.0 };
        }
    }
    for (c, (zc, ec)) in z.iter_mut().zip(e.iter_mut()).enumerate() {
        let code = (c + 1) as f64;
        for ((r, x), (s, y)) in
            zc[..n].iter_mut().zip(ec[..n].iter_mut()).zip(total.iter().zip(&codes[..n]))
        {
            let hit = if *y == code { 1.0 } else { 0.0 };
            let p = *x / s;
            *x = p;
            *r = hit - p;
        }
    }
}

/// Per-point scratch of [`head`].
#[derive(Debug, Clone)]
pub struct Work {
    top: Vec<f64>,
    total: Vec<f64>,
    lse: Vec<f64>,
    /// ln q(yᵢ | xᵢ) of the block's points, after [`head`].
    pub lnq: Vec<f64>,
}

impl Work {
    /// Space for one block.
    #[must_use]
    pub fn new() -> Self {
        Self {
            top: vec![0.0; BLOCK],
            total: vec![0.0; BLOCK],
            lse: vec![0.0; BLOCK],
            lnq: vec![0.0; BLOCK],
        }
    }
}

impl Default for Work {
    fn default() -> Self {
        Self::new()
    }
}

/// One point's ln q(y | logits) and class probabilities, by the same stable log-sum-exp, for
/// the per-point paths (the underflow trace, predictions).
#[must_use]
pub fn point_head(logits: &[f64], y: usize, probs: &mut [f64]) -> f64 {
    let top = logits.iter().copied().fold(0.0, f64::max);
    let mut total = (-top).exp();
    for z in logits {
        total += (z - top).exp();
    }
    let lse = top + total.ln();
    probs[0] = (-lse).exp();
    for (p, z) in probs[1..].iter_mut().zip(logits) {
        *p = (z - lse).exp();
    }
    (if y == 0 { 0.0 } else { logits[y - 1] }) - lse
}

/// ln q(c | logits) for every class (class 0's logit is 0), by the stable log-sum-exp.
pub fn point_ln_probs(logits: &[f64], out: &mut [f64]) {
    let top = logits.iter().copied().fold(0.0, f64::max);
    let total = (-top).exp() + logits.iter().map(|z| (z - top).exp()).sum::<f64>();
    let lse = top + total.ln();
    out[0] = -lse;
    for (o, z) in out[1..].iter_mut().zip(logits) {
        *o = z - lse;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_sums_match_plain_sums() {
        let a: Vec<f64> = (0..37).map(|i| f64::from(i) * 0.25 - 3.0).collect();
        let b: Vec<f64> = (0..37).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        let plain: f64 = a.iter().sum();
        assert!((sum(&a) - plain).abs() < 1e-12);
        let plain_dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - plain_dot).abs() < 1e-12);
    }

    #[test]
    fn tanh_matches_the_standard_library() {
        for i in -4000..=4000 {
            let a = f64::from(i) * 0.01;
            assert!((tanh(a) - a.tanh()).abs() < 4e-16, "{a}");
        }
        assert_eq!(tanh(800.0), 1.0);
        assert_eq!(tanh(-800.0), -1.0);
    }

    #[test]
    fn the_head_is_stable_for_huge_logits() {
        let mut probs = [0.0; 3];
        let lnq = point_head(&[1000.0, -1000.0], 1, &mut probs);
        assert_eq!(lnq, 0.0);
        let lnq = point_head(&[1000.0, -1000.0], 0, &mut probs);
        assert_eq!(lnq, -1000.0);
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }
}
