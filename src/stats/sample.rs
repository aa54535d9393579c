//! A sample of numbers and the sufficient statistics computed once when it is made, so that
//! families with sufficient statistics evaluate the likelihood in O(1) per step.

use std::sync::OnceLock;

use super::pass;
use super::sums::{Moments, Neumaier, two_sum};
use super::vmath;

/// Distinct integer values are tallied only while there are at most this many of them:
/// enough for any count data, small enough that the tally stays cheap.
const MAX_DISTINCT_COUNTS: usize = 1 << 16;

/// Values kept by [`Sample::rough_quantiles`].
const ROUGH_SIZE: usize = 1 << 20;

/// 2^52.
const TWO52: f64 = 4_503_599_627_370_496.0;

/// Whole-number data spanning fewer values than this are counted in a dense table.
const DENSE_RANGE: f64 = (1u64 << 20) as f64;

/// An immutable sample with its statistics.
#[derive(Debug, Clone)]
pub struct Sample {
    values: Vec<f64>,
    stats: Stats,
    /// Statistics of ln x and ln(1 − x), made on first use: only the families on (0, ∞)
    /// and (0, 1) need them, and a logarithm a point is most of a pass's cost.
    logs: OnceLock<Logs>,
}

/// The logarithmic statistics, each present only when defined for every value.
#[derive(Debug, Clone, Copy)]
struct Logs {
    ln_x: Option<Moments>,
    sum_ln_1mx: Option<f64>,
}

/// Statistics of a sample, each present only when it is defined for every value.
#[derive(Debug, Clone)]
pub struct Stats {
    /// Moments of x.
    pub x: Moments,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Sorted (value, count) pairs, when every x is a whole number and there are few
    /// distinct values.
    pub counts: Option<Vec<(i64, u64)>>,
    /// Every x is a whole number (exactly representable, |x| < 2^53).
    pub whole: bool,
}

impl Sample {
    /// Builds a sample. Values must be finite; callers validate before (the data reader and
    /// the samplers only produce finite numbers).
    #[must_use]
    pub fn new(values: Vec<f64>) -> Self {
        let stats = Stats::of(&values);
        Self { values, stats, logs: OnceLock::new() }
    }

    /// Moments of ln x, when every x > 0 (computed on first use).
    #[must_use]
    pub fn ln_x(&self) -> Option<Moments> {
        self.logs().ln_x
    }

    /// Σ ln(1 − x), when every x lies in (0, 1) (computed on first use).
    #[must_use]
    pub fn sum_ln_1mx(&self) -> Option<f64> {
        self.logs().sum_ln_1mx
    }

    fn logs(&self) -> &Logs {
        self.logs.get_or_init(|| {
            let (min, max) = (self.stats.min, self.stats.max);
            if min <= 0.0 {
                return Logs { ln_x: None, sum_ln_1mx: None };
            }
            if max < 1.0 {
                let (ln_x, sum_ln_1mx) = ln_moments::<true>(&self.values);
                Logs { ln_x: Some(ln_x), sum_ln_1mx: Some(sum_ln_1mx) }
            } else {
                Logs { ln_x: Some(ln_moments::<false>(&self.values).0), sum_ln_1mx: None }
            }
        })
    }

    /// The values, in their original order.
    #[must_use]
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of values (m in the seed's equations).
    #[must_use]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when the sample holds no value.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The statistics computed when the sample was made.
    #[must_use]
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The median (mean of the two middle values for even n).
    #[must_use]
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// A quantile by linear interpolation between order statistics.
    #[must_use]
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles(&[q])[0]
    }

    /// Several quantiles from one copy of the values, each found by selection in O(n)
    /// rather than by sorting.
    #[must_use]
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        let mut scratch = self.values.clone();
        qs.iter().map(|&q| quantile_select(&mut scratch, q)).collect()
    }

    /// Quantiles of at most 2^20 evenly strided values: close enough for a starting point,
    /// and a large sample is not copied whole (which would double its memory).
    #[must_use]
    pub fn rough_quantiles(&self, qs: &[f64]) -> Vec<f64> {
        let mut scratch = self.rough_subsample();
        qs.iter().map(|&q| quantile_select(&mut scratch, q)).collect()
    }

    /// Every k-th value, k chosen so that at most 2^20 remain (all of a smaller sample).
    #[must_use]
    pub fn rough_subsample(&self) -> Vec<f64> {
        let stride = self.values.len().div_ceil(ROUGH_SIZE).max(1);
        self.values.iter().step_by(stride).copied().collect()
    }

    /// The empirical distribution p̂ of whole-number data: (value, count / m).
    #[must_use]
    pub fn empirical_pmf(&self) -> Option<Vec<(i64, f64)>> {
        let m = self.len() as f64;
        self.stats.counts.as_ref().map(|c| c.iter().map(|&(k, n)| (k, n as f64 / m)).collect())
    }
}

/// The value more than half of `values` equal, with how many do (Boyer–Moore's majority
/// vote, two passes, no copy), or None.
#[must_use]
pub fn majority(values: &[f64]) -> Option<(f64, usize)> {
    let mut candidate = *values.first()?;
    let mut lead = 0usize;
    for &x in values {
        if lead == 0 {
            candidate = x;
            lead = 1;
        } else if x == candidate {
            lead += 1;
        } else {
            lead -= 1;
        }
    }
    let count = values.iter().filter(|&&x| x == candidate).count();
    (2 * count > values.len()).then_some((candidate, count))
}

/// A quantile of already sorted values by linear interpolation.
#[must_use]
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    sorted[lo] + frac * (sorted[hi] - sorted[lo])
}

/// A quantile of values in any order by linear interpolation, reordering them in place.
#[must_use]
pub fn quantile_select(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut below, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    if frac == 0.0 {
        return below;
    }
    // After selection everything above `lo` is at least as large, so the next order
    // statistic is the smallest of them.
    let next = above.iter().copied().fold(f64::INFINITY, f64::min);
    below + frac * (next - below)
}

impl Stats {
    fn of(values: &[f64]) -> Self {
        let c = shift(strided(values).copied());
        let ([sum, dev, sq, not_whole], min, max) = pass::sums_and_range(values, &FirstPass { c });
        let x = finish::<false>(values, sum, c, dev, sq);
        let whole = not_whole == 0.0;
        let counts = if whole { tally(values, min, max) } else { None };
        Self { x, min, max, counts, whole }
    }

    /// Count of values equal to `k` (0 when not whole-number data).
    #[must_use]
    pub fn count_of(&self, k: i64) -> u64 {
        self.counts
            .as_ref()
            .and_then(|c| c.binary_search_by_key(&k, |&(v, _)| v).ok().map(|i| c[i].1))
            .unwrap_or(0)
    }

    /// Number of distinct values among whole-number data, or None.
    #[must_use]
    pub fn distinct_whole(&self) -> Option<usize> {
        self.counts.as_ref().map(Vec::len)
    }
}

/// Values of the subsample that chooses a pass's shift.
const SHIFT_SAMPLE: usize = 1024;

/// Every k-th value, k chosen so that about [`SHIFT_SAMPLE`] remain.
fn strided(values: &[f64]) -> impl Iterator<Item = &f64> + Clone {
    values.iter().step_by(values.len().div_ceil(SHIFT_SAMPLE).max(1))
}

/// The shift c for one-pass moments: a subsample's mean when the data sit far from 0
/// compared with their spread (so the deviations from c are small and m2 does not cancel),
/// else 0 (then the mean is small next to the spread, and shifting would only add the
/// shift's rounding to it).
fn shift(vs: impl Iterator<Item = f64> + Clone) -> f64 {
    let k = vs.clone().count();
    if k == 0 {
        return 0.0;
    }
    let kf = k as f64;
    // Divided before adding, so values near the largest f64 cannot overflow the total.
    let mean: f64 = vs.clone().map(|v| v / kf).sum();
    let sd = (vs.map(|v| (v - mean) * (v - mean) / kf).sum::<f64>()).sqrt();
    if mean.is_finite() && mean.abs() >= sd { mean } else { 0.0 }
}

/// The moments from a one-pass sum about c, or, when [`Moments::from_shifted`] finds
/// that pass not precise enough, from a second pass about the mean (of x, or of ln x
/// when LOG).
fn finish<const LOG: bool>(values: &[f64], sum: f64, c: f64, dev: f64, sq: f64) -> Moments {
    let n = values.len();
    Moments::from_shifted(n, sum, c, dev, sq).unwrap_or_else(|| {
        let centre = Deviations::<LOG> { centre: sum / n as f64 };
        let [sq, d, e] = pass::sums_compensated(values, &centre);
        let mut residual = Neumaier::new();
        residual.add(d);
        residual.add(e);
        Moments::from_passes(n, sum, sq, residual.total())
    })
}

/// The statistics of x in one pass, about a shift c: x, d = x − c, d², and 1 for a value
/// that is not a whole number. Few terms and one compensated: each more costs registers
/// the loop then spills.
struct FirstPass {
    c: f64,
}

impl pass::Terms<4> for FirstPass {
    // Σ x must be exact for counts (and can cancel); the deviations' sums need not be (see
    // Moments::from_shifted), squares and counts cannot cancel.
    const COMPENSATED: u32 = 0b0001;

    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 4] {
        // Below 2^52, adding 2^52 rounds |x| to a whole number (the spacing there is 1), and
        // a whole |x| comes back unchanged; from 2^52 up every f64 is whole, and 2^53 is
        // where whole numbers stop being held exactly.
        let a = x.abs();
        let whole = if a < TWO52 { (a + TWO52) - TWO52 == a } else { a < 2.0 * TWO52 };
        let d = x - self.c;
        [x, d, d * d, if whole { 0.0 } else { 1.0 }]
    }
}

/// Moments of ln x in one pass (with a second only when the shift was poor), and
/// Σ ln(1 − x) alongside when L1M (the values then lie in (0, 1)).
fn ln_moments<const L1M: bool>(values: &[f64]) -> (Moments, f64) {
    let c = shift(strided(values).map(|x| x.ln()));
    let [sum, dev, sq, ln_1mx] = pass::sums_compensated(values, &LnPass::<L1M> { c });
    (finish::<true>(values, sum, c, dev, sq), ln_1mx)
}

/// ln x, its deviation d from c, d², and ln(1 − x) (0 unless L1M).
struct LnPass<const L1M: bool> {
    c: f64,
}

impl<const L1M: bool> pass::Terms<4> for LnPass<L1M> {
    // Σ ln x can cancel; Σ ln(1 − x) has one sign and so cannot.
    const COMPENSATED: u32 = 0b0001;

    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 4] {
        let l = vmath::ln(x);
        let d = l - self.c;
        // ln(1 − x) as ln_1p(−x), which keeps x near 0 precise.
        [l, d, d * d, if L1M { vmath::ln_1p(-x) } else { 0.0 }]
    }
}

/// The second pass, about the mean m: (d², d, e) with d + e = v − m exactly, for v = x
/// (or ln x when LOG). TwoSum makes each deviation exact, so the residual Σ (v − m) is true
/// even where v dwarfs the mean.
struct Deviations<const LOG: bool> {
    centre: f64,
}

impl<const LOG: bool> pass::Terms<3> for Deviations<LOG> {
    // Only the deviations can cancel; squares are positive and the residuals e are tiny.
    const COMPENSATED: u32 = 0b010;

    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 3] {
        let v = if LOG { vmath::ln(x) } else { x };
        let (d, e) = two_sum(v, -self.centre);
        [d * d, d, e]
    }
}

/// Counts of whole-number data: a dense table when the range is small (one increment a
/// value), a sorted map otherwise, and None when there are too many distinct values.
fn tally(values: &[f64], min: f64, max: f64) -> Option<Vec<(i64, u64)>> {
    if max - min < DENSE_RANGE {
        let base = min as i64;
        let mut table = vec![0u64; (max - min) as usize + 1];
        for &v in values {
            table[(v as i64 - base) as usize] += 1;
        }
        let pairs: Vec<(i64, u64)> = (base..).zip(table).filter(|&(_, c)| c > 0).collect();
        return (pairs.len() <= MAX_DISTINCT_COUNTS).then_some(pairs);
    }
    let mut map = std::collections::BTreeMap::new();
    for &v in values {
        *map.entry(v as i64).or_insert(0u64) += 1;
        if map.len() > MAX_DISTINCT_COUNTS {
            return None;
        }
    }
    Some(map.into_iter().collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn majority_finds_a_value_held_by_more_than_half() {
        assert_eq!(majority(&[3.0, 1.0, 3.0, 2.0, 3.0]), Some((3.0, 3)));
        assert_eq!(majority(&[3.0, 1.0, 3.0, 2.0]), None);
        assert_eq!(majority(&[1.0, 2.0, 3.0, 3.0, 3.0]), Some((3.0, 3)));
        assert_eq!(majority(&[]), None);
        assert_eq!(majority(&[5.0]), Some((5.0, 1)));
    }

    use super::*;

    #[test]
    fn statistics_of_a_small_sample() {
        let s = Sample::new(vec![0.5, 0.25, 0.25, 0.125]);
        let st = s.stats();
        assert_eq!(st.min, 0.125);
        assert_eq!(st.max, 0.5);
        assert!(st.counts.is_none());
        let ln = s.ln_x().expect("positive data has ln moments");
        assert!((ln.sum - (0.5f64.ln() + 2.0 * 0.25f64.ln() + 0.125f64.ln())).abs() < 1e-15);
        let l1m = s.sum_ln_1mx().expect("data in (0,1)");
        assert!((l1m - (0.5f64.ln() + 2.0 * 0.75f64.ln() + 0.875f64.ln())).abs() < 1e-15);
        assert_eq!(s.median(), 0.25);
        assert_eq!(s.quantiles(&[0.0, 1.0, 0.5]), [0.125, 0.5, 0.25]);
    }

    #[test]
    fn counts_of_whole_numbers() {
        let s = Sample::new(vec![3.0, 1.0, 3.0, 0.0]);
        assert_eq!(s.stats().counts, Some(vec![(0, 1), (1, 1), (3, 2)]));
        assert_eq!(s.stats().count_of(3), 2);
        assert_eq!(s.stats().count_of(2), 0);
        assert!(s.ln_x().is_none());
        assert_eq!(s.empirical_pmf().expect("counts")[2], (3, 0.5));
    }

    #[test]
    fn whole_numbers_are_recognised_up_to_two_to_the_fifty_three() {
        let two51 = 2f64.powi(51);
        for (v, whole) in [
            (0.0, true),
            (-0.0, true),
            (-3.0, true),
            (0.5, false),
            (-7.25, false),
            (1e-300, false),
            (two51 + 0.5, false),
            (two51 + 1.0, true),
            (-(two51 + 0.5), false),
            (2f64.powi(52), true),
            (2f64.powi(53) - 2.0, true),
            (2f64.powi(53), false),
            (1e300, false),
        ] {
            // Padded to more than one SIMD chunk, so the vector loop sees the value.
            let mut values = vec![1.0; 20];
            values[13] = v;
            assert_eq!(Sample::new(values).stats().whole, whole, "{v:e}");
        }
    }

    #[test]
    fn dense_and_sparse_tallies_agree() {
        let values: Vec<f64> = (0..5000u32).map(|i| f64::from((i * 7919) % 613) - 300.0).collect();
        let dense = tally(&values, -300.0, 312.0).expect("few values");
        // The same data with one far value forces the map.
        let mut wide = values.clone();
        wide.push(1e7);
        let sparse = tally(&wide, -300.0, 1e7).expect("few values");
        assert_eq!(&sparse[..sparse.len() - 1], &dense[..]);
        assert_eq!(sparse.last(), Some(&(10_000_000, 1)));
        assert_eq!(dense.iter().map(|&(_, c)| c).sum::<u64>(), 5000);
    }

    #[test]
    fn selection_quantiles_match_sorting() {
        let values: Vec<f64> =
            (0..1001u32).map(|i| f64::from((i * 7919) % 1009) * 0.37 - 20.0).collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let sample = Sample::new(values);
        for q in [0.0, 0.001, 0.25, 0.3333, 0.5, 0.75, 0.999, 1.0] {
            assert_eq!(sample.quantile(q), quantile_sorted(&sorted, q), "q = {q}");
            // Below 2^20 values the rough quantiles use every value.
            assert_eq!(sample.rough_quantiles(&[q])[0], sample.quantile(q), "q = {q}");
        }
    }
}
