//! How sure a fit is: at θ̂, the observed information −∇²ℓ in free coordinates, the
//! covariance of θ̂ in the natural parameters by the delta method, standard errors and the
//! correlation matrix; Wald and profile-likelihood intervals at a level; the sandwich
//! covariance H⁻¹JH⁻¹ beside the naive one; AIC, AICc and BIC.
//!
//! Every quantity that has no value says why, as a typed [`Undefined`], never as NaN or a
//! huge number: a fit that is not a verified maximum, θ running to the boundary, a kink, an
//! information matrix that is singular (with the flat direction), too few points for AICc,
//! a profile interval open on one side. The words are the `words` module's.
//!
//! It lives beside the optimisers because a profile likelihood is a fit: each point of it
//! maximises ℓ over the other coordinates with Newton's method and the same stopping rules
//! (see [`profile`]).

pub mod bootstrap;
pub mod comparison;
mod covariance;
mod criteria;
pub mod expected;
mod pinned;
pub mod profile;
pub mod pseudo_true;

use statrs::distribution::{ChiSquared, ContinuousCDF as _};

pub use covariance::{Covariance, Flat};
pub use criteria::Criteria;
pub use profile::{Interval, Side};

use super::fit::StopReason;
use crate::stats::family::Limit;
use crate::stats::model::{Eval, Model};

/// A confidence level strictly between 0 and 1: checked once, where the user gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level(f64);

impl Level {
    /// The customary 95 %.
    pub const DEFAULT: Self = Self(0.95);

    /// The level, if 0 < `level` < 1; the value given otherwise.
    pub fn new(level: f64) -> Result<Self, f64> {
        if level > 0.0 && level < 1.0 { Ok(Self(level)) } else { Err(level) }
    }

    /// The level as a number.
    #[must_use]
    pub const fn value(self) -> f64 {
        self.0
    }

    /// The χ²₁ quantile at this level: the profile's cutoff is ℓ̂ − q/2, and √q is the
    /// normal quantile of a two-sided Wald interval.
    #[must_use]
    pub fn chi_squared(self) -> f64 {
        ChiSquared::new(1.0).expect("one degree of freedom is valid").inverse_cdf(self.0)
    }
}

impl Default for Level {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why a quantity has no value.
#[derive(Debug, Clone, PartialEq)]
pub enum Undefined {
    /// The fit stopped short of a verified maximum (this stop), so ℓ's curvature there says
    /// nothing about the MLE.
    NotConverged(StopReason),
    /// θ runs to the boundary of the parameter space, where ℓ has its supremum and no θ
    /// attains it: there is no MLE to have an error.
    Boundary(Limit),
    /// ℓ has a kink along this parameter at θ̂ (laplace's loc at the median): no second
    /// derivative, so no Wald standard error; its profile interval still exists.
    Kink {
        /// The natural parameter.
        parameter: String,
    },
    /// The observed information is not positive definite: ℓ is flat (or curves upwards)
    /// along a direction, so the covariance would be infinite there.
    Singular(Flat),
    /// The variance of this natural parameter (by its index) is below the smallest f64 (a
    /// rate of 1e-300): its standard error cannot be written.
    Underflow {
        /// The index of the natural parameter.
        parameter: usize,
    },
    /// The model cannot split its score by point, so there is no J for the sandwich.
    NoScores,
    /// AICc's correction needs more points than free parameters plus one.
    TooFewPoints {
        /// The sample size m.
        points: usize,
        /// The free dimension k.
        parameters: usize,
    },
    /// The parameter is not one free coordinate (an entry of a simplex moves with the
    /// others), so it cannot be pinned alone to trace its profile.
    NotOneCoordinate {
        /// The natural parameter.
        parameter: String,
    },
    /// The profile stays above the cutoff all the way to the edge of the parameter space
    /// on this side: the interval is open there.
    Open {
        /// The natural parameter.
        parameter: String,
        /// Where the search stopped: the parameter's limit (0, ±∞, a probability's 0 or 1)
        /// or the last value the family admits (a declared bound).
        edge: f64,
        /// What the family becomes at that edge, where it has a name (the t's normal limit).
        meaning: Option<&'static str>,
    },
    /// Maximising ℓ over the other parameters at a profile point stopped short of a maximum.
    ProfileFit {
        /// The pinned natural parameter.
        parameter: String,
        /// Its value there.
        value: f64,
        /// How that fit stopped.
        reason: StopReason,
    },
    /// The profile rose above ℓ̂: the fit found a local maximum, not the global one.
    HigherLikelihood {
        /// The pinned natural parameter.
        parameter: String,
        /// Its value where ℓ is higher.
        value: f64,
        /// By how much ℓ is higher there.
        gain: f64,
    },
}

/// What the inference knows of the fit: the point it stopped at, why, and which free
/// coordinates it found on a kink.
#[derive(Debug, Clone, Copy)]
pub struct Fitted<'a> {
    /// The final point.
    pub point: &'a Eval,
    /// The verified stop reason.
    pub reason: StopReason,
    /// Free coordinates on a kink, as the fit marked them.
    pub kinked: &'a [bool],
}

/// Everything inference says about a fit. Per-parameter lists follow [`Inference::names`],
/// the natural parameters' order.
#[derive(Debug, Clone, PartialEq)]
pub struct Inference {
    /// The level of the intervals.
    pub level: Level,
    /// The natural parameters' names.
    pub names: Vec<String>,
    /// θ̂ in natural parameters.
    pub estimate: Vec<f64>,
    /// The naive covariance (inverse observed information, through the delta method).
    pub naive: Result<Covariance, Undefined>,
    /// The sandwich covariance H⁻¹JH⁻¹, through the delta method.
    pub sandwich: Result<Covariance, Undefined>,
    /// Wald intervals θ̂ ± z·SE on the natural scale, z = √(χ²₁ quantile).
    pub wald: Vec<Result<(f64, f64), Undefined>>,
    /// Profile-likelihood intervals; None when they were not asked for.
    pub profile: Option<Vec<Result<Interval, Undefined>>>,
    /// AIC, AICc and BIC.
    pub criteria: Criteria,
}

impl Inference {
    /// The naive standard errors, one per natural parameter.
    #[must_use]
    pub fn se(&self) -> Vec<Result<f64, Undefined>> {
        covariance::standard_errors(&self.naive, self.names.len())
    }

    /// The sandwich standard errors, one per natural parameter.
    #[must_use]
    pub fn sandwich_se(&self) -> Vec<Result<f64, Undefined>> {
        covariance::standard_errors(&self.sandwich, self.names.len())
    }
}

/// Why the fit as a whole supports no standard error, interval or criterion (not a verified
/// maximum, or θ at the boundary); None when it does.
fn unusable(model: &dyn Model, fitted: &Fitted) -> Option<Undefined> {
    match fitted.reason {
        StopReason::Boundary { coordinate, increasing } => Some(Undefined::Boundary(
            model.boundary_limit(&fitted.point.free, coordinate, increasing),
        )),
        reason if !reason.converged() => Some(Undefined::NotConverged(reason)),
        _ => None,
    }
}

/// Inference at a fit's final point. `profile` off skips the profile intervals, the only
/// part that costs more than a few passes over the data.
#[must_use]
pub fn infer(model: &dyn Model, fitted: &Fitted, level: Level, profile: bool) -> Inference {
    let names = model.param_names();
    let estimate = fitted.point.natural.clone();
    let criteria = Criteria::new(model, fitted);
    if let Some(why) = unusable(model, fitted) {
        let n = names.len();
        return Inference {
            level,
            names,
            estimate,
            naive: Err(why.clone()),
            sandwich: Err(why.clone()),
            wald: vec![Err(why.clone()); n],
            profile: profile.then(|| vec![Err(why.clone()); n]),
            criteria,
        };
    }
    let kinked: Vec<bool> = (0..model.dim())
        .map(|i| fitted.kinked.get(i).copied().unwrap_or(false) || model.kinks_in(i))
        .collect();
    let information = covariance::Information::at(model, fitted.point, &kinked);
    let naive = information.naive();
    let sandwich = information.sandwich(model, fitted.point);
    let z = level.chi_squared().sqrt();
    let wald = covariance::standard_errors(&naive, names.len())
        .into_iter()
        .zip(&estimate)
        .map(|(se, t)| se.map(|s| (t - z * s, t + z * s)))
        .collect();
    let profile = profile.then(|| profile::intervals(model, fitted.point, &information, level));
    Inference { level, names, estimate, naive, sandwich, wald, profile, criteria }
}
