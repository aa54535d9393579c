//! Goodness of fit with p-values by seeded parametric bootstrap. The statistics
//! (`stats::goodness`) compare the data with the model at θ̂, which was fitted to those same
//! data, so their null distribution is not the textbook one (Lilliefors' point: it depends
//! on the family and on θ). The bootstrap draws B samples of size m from the model at θ̂,
//! refits each (Newton from θ̂, the usual stopping rules) and computes the statistic at the
//! replicate's own θ̂*; the p-value is (1 + #{T* ≥ T}) / (1 + B'), B' the replicates whose
//! refit reached a maximum (Davison and Hinkley 1997, eq. 4.11).
//!
//! Replicates run in parallel (rayon), each with its own generator seeded from the run's
//! seed and the replicate's index, so the answer does not depend on the number of threads.

use rayon::prelude::*;

use super::{Fitted, Undefined, unusable};
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::optim::{OptimizerKind, Settings};
use crate::stats::family::Family;
use crate::stats::goodness::{self, ChiSquared, NoChiSquared, NoStatistic};
use crate::stats::model::Model as _;
use crate::stats::objective::Objective;
use crate::stats::rng::seeded;
use crate::stats::sample::Sample;

/// The most replicates a run may ask for: at 10^3 points a million would take minutes.
pub const MAX_REPLICATES: usize = 100_000;

/// How many bootstrap replicates, and the run's seed they are drawn from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bootstrap {
    /// B; 0 gives the statistics without p-values.
    pub replicates: usize,
    /// The run's seed.
    pub seed: u64,
}

/// Why a goodness-of-fit quantity has no value.
#[derive(Debug, Clone, PartialEq)]
pub enum GofUndefined {
    /// The fit is not a verified maximum (or θ runs to the boundary): the statistics at its
    /// last point say nothing about the model at its MLE.
    Fit(Undefined),
    /// The EDF statistic is infinite, or the family has no CDF.
    Edf(NoStatistic),
    /// The χ² test has no bins to compare.
    ChiSquared(NoChiSquared),
    /// χ²'s textbook reference needs bins − 1 − k ≥ 1.
    NoDegreesOfFreedom {
        /// The bins.
        bins: usize,
        /// k.
        parameters: usize,
    },
    /// No bootstrap was asked for (`--bootstrap 0`, the default).
    NoBootstrap,
    /// No replicate's refit reached a maximum.
    AllFailed {
        /// B.
        replicates: usize,
    },
}

/// The observed statistics of a fit.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// A continuous family: KS, Cramér–von Mises and Anderson–Darling, in [`Observed::names`]
    /// order.
    Continuous([Result<f64, GofUndefined>; 3]),
    /// A discrete family: Pearson's χ² over its bins, and the textbook degrees of freedom.
    Discrete {
        /// The statistic with its bins.
        chi: ChiSquared,
        /// bins − 1 − k.
        df: Result<usize, GofUndefined>,
    },
}

impl Observed {
    /// The statistics' JSON names, in order.
    #[must_use]
    pub fn names(&self) -> &'static [&'static str] {
        match self {
            Self::Continuous(_) => &["ks", "cramer_von_mises", "anderson_darling"],
            Self::Discrete { .. } => &["chi_squared"],
        }
    }

    /// The statistics' values, in [`Observed::names`] order.
    #[must_use]
    pub fn values(&self) -> Vec<Result<f64, GofUndefined>> {
        match self {
            Self::Continuous(v) => v.to_vec(),
            Self::Discrete { chi, .. } => vec![Ok(chi.statistic)],
        }
    }
}

/// What the bootstrap did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replicates {
    /// B asked for.
    pub asked: usize,
    /// The run's seed.
    pub seed: u64,
    /// Replicates whose refit reached a maximum (or its supremum at a boundary): B'.
    pub refitted: usize,
}

/// Goodness of fit at θ̂.
#[derive(Debug, Clone, PartialEq)]
pub struct Gof {
    /// The statistics.
    pub observed: Observed,
    /// A p-value per statistic, in [`Observed::names`] order.
    pub p_values: Vec<Result<f64, GofUndefined>>,
    /// The bootstrap's counts, when one ran.
    pub bootstrap: Option<Replicates>,
}

/// The statistics of `family` at `nat` against `sample`.
fn statistics(family: &dyn Family, nat: &[f64], sample: &Sample) -> Result<Observed, GofUndefined> {
    if family.kind().is_discrete() {
        let chi = goodness::chi_squared(family, nat, sample).map_err(GofUndefined::ChiSquared)?;
        let bins = chi.bins.len();
        let parameters = family.dim();
        let df = chi.df(parameters).ok_or(GofUndefined::NoDegreesOfFreedom { bins, parameters });
        return Ok(Observed::Discrete { chi, df });
    }
    let e = goodness::edf(family, nat, sample).map_err(GofUndefined::Edf)?;
    Ok(Observed::Continuous([
        Ok(e.ks),
        Ok(e.cramer_von_mises),
        e.anderson_darling.map_err(GofUndefined::Edf),
    ]))
}

/// SplitMix64's finaliser: a bijection of u64 that scatters nearby inputs.
const fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replicate `index` of a run seeded `seed`: a function of the two alone, so a
/// replicate draws the same sample whichever thread runs it, and differs from the run's own
/// sample (seeded by `seed` itself).
#[must_use]
pub const fn replicate_seed(seed: u64, index: usize) -> u64 {
    mix(seed ^ mix(index as u64 ^ 0xB007_57A9))
}

/// One replicate's statistics (an infinite one as +∞, which is at least any observed
/// value), or None when its refit stopped short of a maximum.
fn replicate(family: &dyn Family, theta: &[f64], m: usize, seed: u64) -> Option<Vec<f64>> {
    let sample = Sample::new(family.sample(theta, m, &mut seeded(seed)));
    if family.degenerate(&sample).is_some() {
        return None;
    }
    let model = Objective { family, sample: &sample };
    // From θ̂, where the replicate's MLE lies within sampling error: a few Newton steps.
    let start =
        if model.eval_natural(theta).is_finite() { theta.to_vec() } else { family.start(&sample) };
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let mut fit = Fit::new(&model, &start, settings);
    let reason = fit.run(&model, &Stopping::default());
    if !(reason.converged() || matches!(reason, StopReason::Boundary { .. })) {
        return None;
    }
    let observed = statistics(family, &fit.current().natural, &sample).ok()?;
    Some(observed.values().into_iter().map(|v| v.unwrap_or(f64::INFINITY)).collect())
}

/// Goodness of fit of `family` to `sample` at the fit's final point, with bootstrap
/// p-values when `bootstrap.replicates` > 0.
pub fn goodness_of_fit(
    family: &dyn Family,
    sample: &Sample,
    fitted: &Fitted,
    bootstrap: Bootstrap,
) -> Result<Gof, GofUndefined> {
    let model = Objective { family, sample };
    if let Some(why) = unusable(&model, fitted) {
        return Err(GofUndefined::Fit(why));
    }
    let theta = &fitted.point.natural;
    let observed = statistics(family, theta, sample)?;
    let values = observed.values();
    if bootstrap.replicates == 0 {
        let p_values = vec![Err(GofUndefined::NoBootstrap); values.len()];
        return Ok(Gof { observed, p_values, bootstrap: None });
    }
    let m = sample.len();
    let runs: Vec<Option<Vec<f64>>> = (0..bootstrap.replicates)
        .into_par_iter()
        .map(|b| replicate(family, theta, m, replicate_seed(bootstrap.seed, b)))
        .collect();
    let done: Vec<&Vec<f64>> = runs.iter().flatten().collect();
    let refitted = done.len();
    let p_values = values
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let t = t.clone()?;
            if refitted == 0 {
                return Err(GofUndefined::AllFailed { replicates: bootstrap.replicates });
            }
            let at_least = done.iter().filter(|r| r[j] >= t).count();
            Ok((1 + at_least) as f64 / (1 + refitted) as f64)
        })
        .collect();
    let replicates = Replicates { asked: bootstrap.replicates, seed: bootstrap.seed, refitted };
    Ok(Gof { observed, p_values, bootstrap: Some(replicates) })
}
