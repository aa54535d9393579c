//! Goodness-of-fit statistics of a fitted family against its sample: for continuous models
//! the EDF statistics of the probability-integral transforms uᵢ = F(x₍ᵢ₎) (Kolmogorov–Smirnov,
//! Cramér–von Mises, Anderson–Darling), for discrete models Pearson's χ² over bins of the
//! support merged until every expected count is at least 5; and QQ/PP points for plotting.
//!
//! With θ estimated from the same data the statistics are smaller than the textbook tables
//! assume (the fit pulls F towards the data), so their p-values come from a parametric
//! bootstrap that refits each replicate (`optim::inference::bootstrap`), not from here.

use rayon::prelude::*;

use super::family::{Cdf, Family, Last, Set};
use super::sample::Sample;
use super::sums::Neumaier;

/// The smallest expected count of a χ² bin (Cochran's rule).
pub const MIN_EXPECTED: f64 = 5.0;

/// Why an EDF statistic has no value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NoStatistic {
    /// The family has no distribution function here (a discrete family has χ² instead).
    NoCdf,
    /// A data point sits where F or 1 − F rounds to 0 in f64, so ln F or ln(1 − F) is −∞
    /// and the Anderson–Darling statistic is infinite: the model puts no mass near it.
    Infinite {
        /// The value.
        value: f64,
    },
}

/// The three EDF statistics of a continuous fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edf {
    /// D = sup |F_m − F|.
    pub ks: f64,
    /// W² = m ∫ (F_m − F)² dF.
    pub cramer_von_mises: f64,
    /// A² = m ∫ (F_m − F)² / (F(1 − F)) dF.
    pub anderson_darling: Result<f64, NoStatistic>,
}

/// The EDF statistics from both tails of F at the sorted sample (ascending), by the
/// computing formulas (Stephens 1974):
/// D = maxᵢ max(i/m − uᵢ, uᵢ − (i − 1)/m),
/// W² = 1/(12m) + Σ (uᵢ − (2i − 1)/(2m))²,
/// A² = −m − (1/m) Σ [(2i − 1) ln uᵢ + (2m + 1 − 2i) ln(1 − uᵢ)],
/// the last being the usual Σ (2i − 1)[ln uᵢ + ln(1 − u₍ₘ₊₁₋ᵢ₎)] regrouped by point, so each
/// term needs one point's tails and ln(1 − uᵢ) comes from the upper tail itself.
#[must_use]
pub fn edf_statistics(tails: &[(f64, Cdf)]) -> Edf {
    let m = tails.len() as f64;
    let terms: Vec<(f64, f64, f64)> = tails
        .par_iter()
        .enumerate()
        .map(|(i, (_, c))| {
            let (rank, u) = ((i + 1) as f64, c.lower);
            let d = (rank / m - u).max(u - (rank - 1.0) / m);
            let w = (u - (2.0 * rank - 1.0) / (2.0 * m)).powi(2);
            let a = (2.0 * rank - 1.0) * c.lower.ln() + (2.0 * m + 1.0 - 2.0 * rank) * c.upper.ln();
            (d, w, a)
        })
        .collect();
    let (mut ks, mut w, mut a) = (0.0_f64, Neumaier::new(), Neumaier::new());
    for &(d, wi, ai) in &terms {
        ks = ks.max(d);
        w.add(wi);
        a.add(ai);
    }
    let anderson_darling = match terms.iter().position(|t| !t.2.is_finite()) {
        Some(i) => Err(NoStatistic::Infinite { value: tails[i].0 }),
        None => Ok(-m - a.total() / m),
    };
    Edf { ks, cramer_von_mises: 1.0 / (12.0 * m) + w.total(), anderson_darling }
}

/// The sorted sample with both tails of the model's F at each value; None for a family
/// without a CDF.
#[must_use]
pub fn sorted_tails(family: &dyn Family, nat: &[f64], sample: &Sample) -> Option<Vec<(f64, Cdf)>> {
    family.cdf(nat, sample.values().first().copied().unwrap_or(0.0))?;
    let mut xs = sample.values().to_vec();
    xs.par_sort_unstable_by(f64::total_cmp);
    xs.par_iter().map(|&x| family.cdf(nat, x).map(|c| (x, c))).collect()
}

/// The EDF statistics of a continuous fit.
pub fn edf(family: &dyn Family, nat: &[f64], sample: &Sample) -> Result<Edf, NoStatistic> {
    sorted_tails(family, nat, sample).map(|t| edf_statistics(&t)).ok_or(NoStatistic::NoCdf)
}

/// One bin of the χ² test: the whole numbers `from` to `to` (None: and every value above).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// The first value in the bin.
    pub from: f64,
    /// The last value, or None for the open upper tail.
    pub to: Option<f64>,
    /// How many data points fall in it.
    pub observed: u64,
    /// m times the model's mass on it.
    pub expected: f64,
}

/// Pearson's χ² over merged bins.
#[derive(Debug, Clone, PartialEq)]
pub struct ChiSquared {
    /// The bins, in support order; the last holds the upper tail.
    pub bins: Vec<Bin>,
    /// Σ (O − E)² / E.
    pub statistic: f64,
}

impl ChiSquared {
    /// The degrees of freedom of the textbook reference, bins − 1 − k for k estimated
    /// parameters; None when that is below 1.
    #[must_use]
    pub fn df(&self, estimated: usize) -> Option<usize> {
        self.bins.len().checked_sub(1 + estimated).filter(|&d| d >= 1)
    }
}

/// Why a χ² test has no statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoChiSquared {
    /// The family has no table of masses (a continuous family has the EDF statistics).
    NotDiscrete,
    /// Every expected count together makes a single bin of at least 5 (m < 10 or so): there
    /// is nothing to compare.
    OneBin,
}

/// Pearson's χ² of a discrete fit. The support is walked in order, values joining the open
/// bin until its expected count m·P(bin) reaches [`MIN_EXPECTED`]; what is left at the end
/// joins the last bin, which also takes the upper tail, so the bins cover the whole support
/// and the expected counts sum to m. A family with a distribution function is binned a bin
/// at a time (a geometric with mean 10^6 has a million values in its bulk); the others (a
/// bernoulli, a categorical) value by value from their mass tables.
pub fn chi_squared(
    family: &dyn Family,
    nat: &[f64],
    sample: &Sample,
) -> Result<ChiSquared, NoChiSquared> {
    let mut xs = sample.values().to_vec();
    xs.sort_unstable_by(f64::total_cmp);
    let bins = match family.discrete_cdf(nat, 0) {
        Some(_) => bins_by_cdf(family, nat, &xs),
        None => bins_by_table(family, nat, &xs)?,
    };
    if bins.len() < 2 {
        return Err(NoChiSquared::OneBin);
    }
    let statistic = bins
        .iter()
        .map(|b| {
            let d = b.observed as f64 - b.expected;
            d * d / b.expected
        })
        .sum();
    Ok(ChiSquared { bins, statistic })
}

/// The largest value of a discrete support, None where it has no end.
fn support_top(family: &dyn Family) -> Option<u64> {
    match family.kind().support().set {
        Set::Whole { last: Last::Value(v), .. } => Some(v),
        Set::Whole { last: Last::Fixed, .. } => Some(family.fixed_value()),
        Set::Whole { last: Last::BelowFixed, .. } => Some(family.fixed_value().saturating_sub(1)),
        _ => None,
    }
}

/// The sorted values from `from` to `to` (None: every value from `from` up).
fn count_between(xs: &[f64], from: f64, to: Option<f64>) -> u64 {
    let start = xs.partition_point(|&x| x < from);
    let end = to.map_or(xs.len(), |t| xs.partition_point(|&x| x <= t));
    end.saturating_sub(start) as u64
}

/// The last bin takes what is left: the open bin's values and mass, and the tail above.
fn close_last(bins: &mut [Bin], family: &dyn Family, xs: &[f64], tail: f64) {
    let top = support_top(family);
    if let Some(last) = bins.last_mut() {
        last.to = top.map(|t| t as f64);
        last.observed = count_between(xs, last.from, last.to);
        last.expected += tail;
    }
}

/// Bins a bin at a time: from the open bin's first value k₀, the smallest k₁ with
/// P(k₀ ≤ X ≤ k₁) ≥ 5/m, by doubling the span and then halving it (a few distribution
/// function evaluations per bin, however wide the support).
fn bins_by_cdf(family: &dyn Family, nat: &[f64], xs: &[f64]) -> Vec<Bin> {
    let m = xs.len() as f64;
    let need = MIN_EXPECTED / m;
    let first = match family.kind().support().set {
        Set::Whole { from, .. } => from,
        _ => 0,
    };
    let top = support_top(family).unwrap_or(1 << 53);
    let tails = |k: u64| family.discrete_cdf(nat, k).unwrap_or(Cdf::new(1.0, 0.0));
    // P(X ≥ k), P(X < k).
    let from_up = |k: u64| if k <= first { 1.0 } else { tails(k - 1).upper };
    let below = |k: u64| if k <= first { 0.0 } else { tails(k - 1).lower };
    // P(k₀ ≤ X ≤ k₁) from the smaller tails, so neither difference cancels.
    let mass = |k0: u64, k1: u64| {
        let t = tails(k1);
        if t.lower < 0.5 { t.lower - below(k0) } else { from_up(k0) - t.upper }
    };
    let mut bins: Vec<Bin> = Vec::new();
    let mut k0 = first;
    while k0 <= top && from_up(k0) >= need {
        let k1 = if mass(k0, k0) >= need {
            k0
        } else {
            let (mut short, mut span) = (k0, 1u64);
            let mut long = loop {
                let k = k0.saturating_add(span).min(top);
                if k == top || mass(k0, k) >= need {
                    break k;
                }
                short = k;
                span = span.saturating_mul(2);
            };
            while long - short > 1 {
                let mid = short + (long - short) / 2;
                if mass(k0, mid) >= need { long = mid } else { short = mid }
            }
            long
        };
        let expected = m * mass(k0, k1);
        let (from, to) = (k0 as f64, k1 as f64);
        bins.push(Bin {
            from,
            to: Some(to),
            observed: count_between(xs, from, Some(to)),
            expected,
        });
        if k1 >= top {
            break;
        }
        k0 = k1 + 1;
    }
    let tail = if k0 <= top && bins.last().is_some_and(|b| b.to != Some(top as f64)) {
        m * from_up(k0)
    } else {
        0.0
    };
    close_last(&mut bins, family, xs, tail);
    bins
}

/// Bins value by value from the family's mass table.
fn bins_by_table(family: &dyn Family, nat: &[f64], xs: &[f64]) -> Result<Vec<Bin>, NoChiSquared> {
    let table = family.pmf_table(nat).ok_or(NoChiSquared::NotDiscrete)?;
    let m = xs.len() as f64;
    let mut bins: Vec<Bin> = Vec::new();
    let mut open: Option<Bin> = None;
    let mut mass = Neumaier::new();
    for &(x, p) in &table {
        mass.add(p);
        let bin = open.get_or_insert(Bin { from: x, to: Some(x), observed: 0, expected: 0.0 });
        bin.to = Some(x);
        bin.expected += m * p;
        if bin.expected >= MIN_EXPECTED {
            bin.observed = count_between(xs, bin.from, bin.to);
            bins.extend(open.take());
        }
    }
    let rest = open.map_or(0.0, |b| b.expected);
    let tail = m * (1.0 - mass.total()).max(0.0);
    if bins.is_empty() {
        return Err(NoChiSquared::OneBin);
    }
    close_last(&mut bins, family, xs, rest + tail);
    Ok(bins)
}

/// A point of the QQ and PP plots: the i-th of m sorted values at plotting position
/// pᵢ = (i − ½)/m.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotPoint {
    /// The plotting position (i − ½)/m.
    pub position: f64,
    /// The data's i-th smallest value (QQ: y).
    pub sample: f64,
    /// The model's quantile F⁻¹(pᵢ) (QQ: x).
    pub model_quantile: f64,
    /// The model's F at the data value (PP: y, against `position` as x).
    pub model_probability: f64,
}

/// QQ and PP points of a continuous fit, at most `count` of them, evenly spaced in rank
/// (the first and last always kept): a million points need not all be drawn.
#[must_use]
pub fn plot_points(
    family: &dyn Family,
    nat: &[f64],
    sample: &Sample,
    count: usize,
) -> Option<Vec<PlotPoint>> {
    family.cdf(nat, sample.values().first().copied().unwrap_or(0.0))?;
    let mut xs = sample.values().to_vec();
    xs.par_sort_unstable_by(f64::total_cmp);
    plot_points_sorted(family, nat, &xs, count)
}

/// [`plot_points`] of values already sorted: F and F⁻¹ only at the ranks drawn, so a
/// million points cost their sort and `count` evaluations, not a million CDFs.
#[must_use]
pub fn plot_points_sorted(
    family: &dyn Family,
    nat: &[f64],
    sorted: &[f64],
    count: usize,
) -> Option<Vec<PlotPoint>> {
    family.cdf(nat, sorted.first().copied().unwrap_or(0.0))?;
    let m = sorted.len();
    if m == 0 || count == 0 {
        return Some(Vec::new());
    }
    let take = count.min(m);
    let ranks: Vec<usize> =
        if take == 1 { vec![m / 2] } else { (0..take).map(|j| j * (m - 1) / (take - 1)).collect() };
    ranks
        .into_iter()
        .map(|i| {
            let position = (i as f64 + 0.5) / m as f64;
            Some(PlotPoint {
                position,
                sample: sorted[i],
                model_quantile: family.quantile(nat, position),
                model_probability: family.cdf(nat, sorted[i])?.lower,
            })
        })
        .collect()
}
