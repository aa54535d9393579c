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

fn run<const K: usize, T: Terms<K>, const C: bool>(xs: &[f64], terms: &T) -> [f64; K] {
    let blocks = if xs.len() >= BLOCK * BLOCKS_PER_TASK && rayon::current_num_threads() > 1 {
        let tasks: Vec<Vec<[Neumaier; K]>> = xs
            .par_chunks(BLOCK * BLOCKS_PER_TASK)
            .map(|task| Arch::new().dispatch(Blocks::<K, T, C> { xs: task, terms }))
            .collect();
        tasks.concat()
    } else {
        Arch::new().dispatch(Blocks::<K, T, C> { xs, terms })
    };
    let mut acc = [Neumaier::new(); K];
    for block in &blocks {
        for (a, part) in acc.iter_mut().zip(block) {
            a.add_sum(part);
        }
    }
    acc.map(|a| a.total())
}

/// The block sums of a run of points, computed under whatever instruction set pulp found.
struct Blocks<'a, const K: usize, T, const C: bool> {
    xs: &'a [f64],
    terms: &'a T,
}

impl<const K: usize, T: Terms<K>, const C: bool> WithSimd for Blocks<'_, K, T, C> {
    type Output = Vec<[Neumaier; K]>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) -> Self::Output {
        // A plain loop, not an iterator adaptor: a closure would be compiled on its own,
        // outside the function that has the AVX2 features enabled.
        let mut out = Vec::with_capacity(self.xs.len().div_ceil(BLOCK));
        for block in self.xs.chunks(BLOCK) {
            out.push(block_sums::<K, T, C>(block, self.terms));
        }
        out
    }
}

/// The sums over one block: LANES interleaved sums per term (with their rounding errors
/// when C), then the tail, each kept as a sum and its correction.
#[inline(always)]
fn block_sums<const K: usize, T: Terms<K>, const C: bool>(xs: &[f64], terms: &T) -> [Neumaier; K] {
    let mut sum = [[0.0; LANES]; K];
    let mut err = [[0.0; LANES]; K];
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
    for &x in tail {
        for (o, t) in out.iter_mut().zip(terms.terms(x)) {
            o.add(t);
        }
    }
    out
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
