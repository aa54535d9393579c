//! A sample of numbers and the sufficient statistics computed once when it is made, so that
//! families with sufficient statistics evaluate the likelihood in O(1) per step.

use super::sums::{Moments, Neumaier};

/// Distinct integer values are tallied only while there are at most this many of them:
/// enough for any count data, small enough that the tally stays cheap.
const MAX_DISTINCT_COUNTS: usize = 1 << 16;

/// An immutable sample with its statistics.
#[derive(Debug, Clone)]
pub struct Sample {
    values: Vec<f64>,
    stats: Stats,
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
    /// Moments of ln x, when every x > 0.
    pub ln_x: Option<Moments>,
    /// Σ ln(1 − x), when every x < 1 (and > 0: it is only used together with `ln_x`).
    pub sum_ln_1mx: Option<f64>,
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
        Self { values, stats }
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
        let mut sorted = self.values.clone();
        sorted.sort_by(f64::total_cmp);
        quantile_sorted(&sorted, q)
    }

    /// The empirical distribution p̂ of whole-number data: (value, count / m).
    #[must_use]
    pub fn empirical_pmf(&self) -> Option<Vec<(i64, f64)>> {
        let m = self.len() as f64;
        self.stats.counts.as_ref().map(|c| c.iter().map(|&(k, n)| (k, n as f64 / m)).collect())
    }
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

impl Stats {
    fn of(values: &[f64]) -> Self {
        let x = Moments::of(|| values.iter().copied());
        let (min, max) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let ln_x = (min > 0.0).then(|| Moments::of(|| values.iter().map(|v| v.ln())));
        let sum_ln_1mx = (min > 0.0 && max < 1.0).then(|| {
            let mut acc = Neumaier::new();
            for &v in values {
                // ln_1p keeps precision for x near 0, where 1 − x rounds.
                acc.add((-v).ln_1p());
            }
            acc.total()
        });
        let whole = values.iter().all(|v| v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15);
        Self { x, min, max, ln_x, sum_ln_1mx, counts: tally(values), whole }
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

fn tally(values: &[f64]) -> Option<Vec<(i64, u64)>> {
    let mut map = std::collections::BTreeMap::new();
    for &v in values {
        // 2^53 bounds the integers an f64 holds exactly.
        if v.fract() != 0.0 || v.abs() > 9.007_199_254_740_992e15 {
            return None;
        }
        *map.entry(v as i64).or_insert(0u64) += 1;
        if map.len() > MAX_DISTINCT_COUNTS {
            return None;
        }
    }
    Some(map.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_a_small_sample() {
        let s = Sample::new(vec![0.5, 0.25, 0.25, 0.125]);
        let st = s.stats();
        assert_eq!(st.min, 0.125);
        assert_eq!(st.max, 0.5);
        assert!(st.counts.is_none());
        let ln = st.ln_x.expect("positive data has ln moments");
        assert!((ln.sum - (0.5f64.ln() + 2.0 * 0.25f64.ln() + 0.125f64.ln())).abs() < 1e-15);
        let l1m = st.sum_ln_1mx.expect("data in (0,1)");
        assert!((l1m - (0.5f64.ln() + 2.0 * 0.75f64.ln() + 0.875f64.ln())).abs() < 1e-15);
        assert_eq!(s.median(), 0.25);
    }

    #[test]
    fn counts_of_whole_numbers() {
        let s = Sample::new(vec![3.0, 1.0, 3.0, 0.0]);
        assert_eq!(s.stats().counts, Some(vec![(0, 1), (1, 1), (3, 2)]));
        assert_eq!(s.stats().count_of(3), 2);
        assert_eq!(s.stats().count_of(2), 0);
        assert!(s.stats().ln_x.is_none());
        assert_eq!(s.empirical_pmf().expect("counts")[2], (3, 0.5));
    }
}
