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

/// Pearson's χ² of a discrete fit. The support is walked in order, each value's expected
/// count m·p(x) added to the open bin until it reaches [`MIN_EXPECTED`]; what is left at the
/// end joins the last bin, which also takes the mass beyond the table and any value above
/// it, so the bins cover the whole support and the expected counts sum to m.
pub fn chi_squared(
    family: &dyn Family,
    nat: &[f64],
    sample: &Sample,
) -> Result<ChiSquared, NoChiSquared> {
    let table = family.pmf_table(nat).ok_or(NoChiSquared::NotDiscrete)?;
    let m = sample.len() as f64;
    let mut xs = sample.values().to_vec();
    xs.sort_unstable_by(f64::total_cmp);
    let mut bins: Vec<Bin> = Vec::new();
    let mut open: Option<Bin> = None;
    let mut next = 0; // the first sorted value not yet binned
    let mut mass = Neumaier::new();
    for &(x, p) in &table {
        let count = xs[next..].iter().take_while(|&&v| v <= x).count();
        next += count;
        mass.add(p);
        let bin = open.get_or_insert(Bin { from: x, to: Some(x), observed: 0, expected: 0.0 });
        bin.to = Some(x);
        bin.observed += count as u64;
        bin.expected += m * p;
        if bin.expected >= MIN_EXPECTED {
            bins.extend(open.take());
        }
    }
    // The rest: values and mass above the table's last entry.
    let above = (xs.len() - next) as u64;
    let tail = m * (1.0 - mass.total()).max(0.0);
    let rest = open.map_or((0, 0.0), |b| (b.observed, b.expected));
    match bins.last_mut() {
        Some(last) => {
            last.observed += rest.0 + above;
            last.expected += rest.1 + tail;
            // A support without an end (poisson, geometric) leaves the last bin open.
            let unbounded =
                matches!(family.kind().support().set, Set::Whole { last: Last::Unbounded, .. });
            if unbounded {
                last.to = None;
            }
        }
        None => return Err(NoChiSquared::OneBin),
    }
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
    let tails = sorted_tails(family, nat, sample)?;
    let m = tails.len();
    if m == 0 || count == 0 {
        return Some(Vec::new());
    }
    let take = count.min(m);
    let ranks: Vec<usize> =
        if take == 1 { vec![m / 2] } else { (0..take).map(|j| j * (m - 1) / (take - 1)).collect() };
    Some(
        ranks
            .into_iter()
            .map(|i| {
                let position = (i as f64 + 0.5) / m as f64;
                PlotPoint {
                    position,
                    sample: tails[i].0,
                    model_quantile: family.quantile(nat, position),
                    model_probability: tails[i].1.lower,
                }
            })
            .collect(),
    )
}
