//! One pass over a sample, summing a few per-point terms: the loop behind every likelihood
//! and gradient of the families without sufficient statistics, and behind the one-time
//! statistics of a sample.
//!
//! Speed comes from three things, none of which changes the answer beyond rounding:
//! - the terms use [`super::vmath`]'s branch-free `ln` and `exp`, and each block of points
//!   is summed in [`LANES`] independent accumulators, so the loop compiles to SIMD lanes;
//!   pulp dispatches it at run time to AVX2 where the processor has it;
//! - blocks of [`BLOCK`] points are summed plainly (short sums, so little rounding) and the
//!   block totals are then added with Neumaier compensation;
//! - large samples split their blocks across threads with rayon.
//!
//! The block totals are combined in block order whatever the number of threads, so a pass
//! gives bit-for-bit the same result on one core or many.

use pulp::{Arch, Simd, WithSimd};
use rayon::prelude::*;

use super::sums::{Neumaier, two_sum};

/// Independent accumulators per sum: enough to fill two AVX2 registers.
pub const LANES: usize = 8;
/// Points per block; each lane sums BLOCK / LANES terms plainly.
pub const BLOCK: usize = 1024;
/// Blocks per parallel task: about 130 000 points, so a task outweighs its scheduling.
const BLOCKS_PER_TASK: usize = 128;

/// The per-point terms of a pass: K numbers from each x, each summed over the sample.
pub trait Terms<const K: usize>: Sync {
    /// Bit k set: term k is summed with TwoSum compensation by [`sums_compensated`]; terms
    /// that cannot cancel (squares, counts, rounding residuals) are cheaper left plain.
    const COMPENSATED: u32 = u32::MAX;

    /// The K terms contributed by one point.
    fn terms(&self, x: f64) -> [f64; K];
}

/// Σᵢ terms(xᵢ) for each of the K terms, vectorised and (for large samples) threaded.
/// Within a block each lane sums plainly: right for likelihood terms, whose sums have no
/// catastrophic cancellation.
#[must_use]
pub fn sums<const K: usize, T: Terms<K>>(xs: &[f64], terms: &T) -> [f64; K] {
    run::<K, T, false>(xs, terms)
}

/// As [`sums`], but every lane carries the exact rounding error of each addition (TwoSum),
/// so the result is as good as one compensated loop even when huge terms cancel: for the
/// sample statistics, which must survive any data a user brings.
#[must_use]
pub fn sums_compensated<const K: usize, T: Terms<K>>(xs: &[f64], terms: &T) -> [f64; K] {
    run::<K, T, true>(xs, terms)
}

/// As [`sums_compensated`], and also the smallest and largest x, found in the same pass:
/// for the statistics a sample is made with, where one read of memory instead of two is
/// most of the saving.
#[must_use]
pub fn sums_and_range<const K: usize, T: Terms<K>>(xs: &[f64], terms: &T) -> ([f64; K], f64, f64) {
    let blocks = blocks::<K, T, true, true>(xs, terms);
    let lo = blocks.iter().fold(f64::INFINITY, |a, b| a.min(b.lo));
    let hi = blocks.iter().fold(f64::NEG_INFINITY, |a, b| a.max(b.hi));
    (totals(&blocks), lo, hi)
}

fn run<const K: usize, T: Terms<K>, const C: bool>(xs: &[f64], terms: &T) -> [f64; K] {
    totals(&blocks::<K, T, C, false>(xs, terms))
}

/// The block results over the whole sample, in block order.
fn blocks<const K: usize, T: Terms<K>, const C: bool, const R: bool>(
    xs: &[f64],
    terms: &T,
) -> Vec<Block<K>> {
    if xs.len() >= BLOCK * BLOCKS_PER_TASK && rayon::current_num_threads() > 1 {
        let tasks: Vec<Vec<Block<K>>> = xs
            .par_chunks(BLOCK * BLOCKS_PER_TASK)
            .map(|task| Arch::new().dispatch(Blocks::<K, T, C, R> { xs: task, terms }))
            .collect();
        tasks.concat()
    } else {
        Arch::new().dispatch(Blocks::<K, T, C, R> { xs, terms })
    }
}

/// The block sums added with compensation, in block order.
fn totals<const K: usize>(blocks: &[Block<K>]) -> [f64; K] {
    let mut acc = [Neumaier::new(); K];
    for block in blocks {
        for (a, part) in acc.iter_mut().zip(&block.sums) {
            a.add_sum(part);
        }
    }
    acc.map(|a| a.total())
}

/// One block's sums, and its smallest and largest x when the range is asked for.
#[derive(Clone, Copy)]
struct Block<const K: usize> {
    sums: [Neumaier; K],
    lo: f64,
    hi: f64,
}

/// The block sums of a run of points, computed under whatever instruction set pulp found.
struct Blocks<'a, const K: usize, T, const C: bool, const R: bool> {
    xs: &'a [f64],
    terms: &'a T,
}

impl<const K: usize, T: Terms<K>, const C: bool, const R: bool> WithSimd
    for Blocks<'_, K, T, C, R>
{
    type Output = Vec<Block<K>>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) -> Self::Output {
        // A plain loop, not an iterator adaptor: a closure would be compiled on its own,
        // outside the function that has the AVX2 features enabled.
        let mut out = Vec::with_capacity(self.xs.len().div_ceil(BLOCK));
        for block in self.xs.chunks(BLOCK) {
            out.push(block_sums::<K, T, C, R>(block, self.terms));
        }
        out
    }
}

/// The sums over one block: LANES interleaved sums per term (with their rounding errors
/// when C), then the tail, each kept as a sum and its correction; and the block's range
/// when R.
#[inline(always)]
fn block_sums<const K: usize, T: Terms<K>, const C: bool, const R: bool>(
    xs: &[f64],
    terms: &T,
) -> Block<K> {
    let mut sum = [[0.0; LANES]; K];
    let mut err = [[0.0; LANES]; K];
    let mut lo = [f64::INFINITY; LANES];
    let mut hi = [f64::NEG_INFINITY; LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, &x) in chunk.iter().enumerate() {
            let t = terms.terms(x);
            for k in 0..K {
                if C && (T::COMPENSATED >> k) & 1 == 1 {
                    let (s, e) = two_sum(sum[k][lane], t[k]);
                    sum[k][lane] = s;
                    err[k][lane] += e;
                } else {
                    sum[k][lane] += t[k];
                }
            }
            if R {
                // Selects rather than f64::min, which must handle NaN and so does not
                // become one vector instruction; the values are finite.
                lo[lane] = if x < lo[lane] { x } else { lo[lane] };
                hi[lane] = if x > hi[lane] { x } else { hi[lane] };
            }
        }
    }
    let mut out = [Neumaier::new(); K];
    for k in 0..K {
        for lane in 0..LANES {
            out[k].add(sum[k][lane]);
            // An infinite lane has no meaningful error (∞ − ∞ made it NaN).
            if C && sum[k][lane].is_finite() {
                out[k].add(err[k][lane]);
            }
        }
    }
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    if R {
        for lane in 0..LANES {
            min = min.min(lo[lane]);
            max = max.max(hi[lane]);
        }
    }
    for &x in tail {
        for (o, t) in out.iter_mut().zip(terms.terms(x)) {
            o.add(t);
        }
        if R {
            min = min.min(x);
            max = max.max(x);
        }
    }
    Block { sums: out, lo: min, hi: max }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::vmath;

    /// The same sums with one plain loop and per-term compensation: the reference the fast
    /// path is tested against.
    fn sums_plain<const K: usize, T: Terms<K>>(xs: &[f64], terms: &T) -> [f64; K] {
        let mut acc = [Neumaier::new(); K];
        for &x in xs {
            for (a, t) in acc.iter_mut().zip(terms.terms(x)) {
                a.add(t);
            }
        }
        acc.map(|a| a.total())
    }

    struct LnAndSquare;
    impl Terms<2> for LnAndSquare {
        fn terms(&self, x: f64) -> [f64; 2] {
            [vmath::ln(x), x * x]
        }
    }

    fn data(n: usize) -> Vec<f64> {
        (0..n).map(|i| 0.5 + ((i * 7919) % 1000) as f64 / 37.0).collect()
    }

    #[test]
    fn fast_sums_match_the_plain_loop() {
        for n in [0, 1, 7, 8, 9, 1023, 1024, 1025, 300_001] {
            let xs = data(n);
            let fast = sums(&xs, &LnAndSquare);
            let plain = sums_plain(&xs, &LnAndSquare);
            let libm: f64 = crate::stats::sums::sum(xs.iter().map(|x| x.ln()));
            for k in 0..2 {
                let tol = 1e-13 * plain[k].abs().max(1.0);
                assert!((fast[k] - plain[k]).abs() <= tol, "n={n} k={k}: {fast:?} vs {plain:?}");
            }
            assert!((fast[0] - libm).abs() <= 1e-13 * libm.abs().max(1.0), "n={n}");
        }
    }

    #[test]
    fn the_range_comes_with_the_sums() {
        for n in [1, 7, 8, 9, 1025, 300_001] {
            let mut xs: Vec<f64> = data(n).iter().map(|x| x - 7.0).collect();
            // Extremes in the vector body, in the tail, and first.
            xs[n / 2] = -1e9;
            xs[n - 1] = 1e9 + f64::from(u32::try_from(n).expect("small"));
            let (sums, lo, hi) = sums_and_range(&xs, &LnAndSquare);
            let want_lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let want_hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            assert_eq!((lo, hi), (want_lo, want_hi), "n={n}");
            assert_eq!(sums[1].to_bits(), sums_compensated(&xs, &LnAndSquare)[1].to_bits());
        }
        assert_eq!(sums_and_range(&[], &LnAndSquare).1, f64::INFINITY);
    }

    #[test]
    fn one_thread_and_many_give_identical_bits() {
        let xs = data(1_000_003);
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("a pool")
            .install(|| sums(&xs, &LnAndSquare));
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool")
            .install(|| sums(&xs, &LnAndSquare));
        assert_eq!(many.map(f64::to_bits), one.map(f64::to_bits));
    }
}
