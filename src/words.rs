//! The sentences every output shares: what a stop reason, a refused step, a run to the
//! boundary and a sample without an interior maximum mean, in words. The engine returns the
//! typed values ([`StopReason`], [`Refusal`], [`Limit`], [`Degenerate`]); the report, the
//! command line and the explorer call here to say them, so no sentence is built inside the
//! engine and all outputs say the same thing the same way.

use std::fmt;

use crate::format::{exact, fixed};
use crate::optim::Refusal;
use crate::optim::fit::StopReason;
use crate::optim::inference::Undefined;
use crate::optim::inference::bootstrap::GofUndefined;
use crate::optim::inference::pseudo_true::NoPseudoTrue;
use crate::stats::family::{Degenerate, Domain, FamilyKind, Fault, Limit, ParamError};
use crate::stats::goodness::{MIN_EXPECTED, NoChiSquared, NoStatistic};
use crate::stats::information::Infinite;

/// Why a stop is, or is not, convergence.
#[must_use]
pub fn stop(reason: StopReason) -> &'static str {
    match reason {
        StopReason::GradientTolerance => "converged: gradient norm within tolerance",
        StopReason::Kink => {
            "converged: at a kink of the likelihood, the smooth part's gradient within tolerance"
        }
        StopReason::NoAscent => "converged: no step of any size increases the log-likelihood",
        StopReason::Stationary => "converged: θ no longer improves at f64 precision",
        StopReason::Boundary { .. } => {
            "not converged: θ runs to the boundary of the parameter space, where ℓ has its \
             supremum (reached within tolerance) and no maximum"
        }
        StopReason::StepLimit => "not converged: step limit reached",
        StopReason::Decrement => {
            "converged: at the step limit, a verified maximum (a Newton step would gain at most \
             the tolerance)"
        }
        StopReason::Saddle => {
            "not converged: the gradient vanishes but the curvature is not negative definite: a \
             saddle point or a flat direction, not a maximum"
        }
        StopReason::Flat => {
            "not converged: the gradient is within tolerance but the curvature is flatter still; \
             a Newton step would gain more than the tolerance"
        }
        StopReason::StepTooSmall => {
            "not converged: the steps no longer move θ, yet a Newton step would gain more than \
             the tolerance (the step size is too small)"
        }
        StopReason::Unbounded { .. } => {
            "not converged: a scale collapses onto data points (→ 0), where ℓ has no maximum: \
             it grows without bound, or reaches its supremum only in the limit"
        }
        StopReason::Diverged => {
            "not converged: ℓ ended lower than it started (the optimiser ran downhill: try a \
             smaller step size)"
        }
    }
}

/// Why a step was refused.
#[must_use]
pub fn refusal(reason: Refusal) -> &'static str {
    match reason {
        Refusal::NonFinite => "the step would give a non-finite value",
        Refusal::Decrease => "the step would lower the log-likelihood",
    }
}

/// One line for people: which parameter runs where, what that limit is, and how close ℓ is.
#[must_use]
pub fn boundary(limit: &Limit, remaining: f64) -> String {
    let meaning = limit.meaning.map(|m| format!(" ({m})")).unwrap_or_default();
    format!(
        "{}: the supremum of ℓ is at the boundary of the parameter space{meaning}, where no θ \
         attains it; ℓ/m is within {remaining:.1e} of it",
        limit_label(limit),
    )
}

/// Which parameter goes where, e.g. "df → ∞".
#[must_use]
pub fn limit_label(limit: &Limit) -> String {
    format!("{} → {}", limit.parameter, limit_value(limit.value))
}

/// ∞, −∞ or the number.
#[must_use]
pub fn limit_value(value: f64) -> String {
    if value.is_infinite() {
        if value > 0.0 { "∞".into() } else { "−∞".into() }
    } else {
        exact(value)
    }
}

/// The JSON name of why a cross-entropy is infinite.
#[must_use]
pub fn infinite_name(why: Infinite) -> &'static str {
    match why {
        Infinite::Support => "support",
        Infinite::Tails { .. } => "tails",
    }
}

/// Why H(p, q) against truth `truth` is infinite for model `model`.
#[must_use]
pub fn infinite(truth: FamilyKind, model: FamilyKind, why: Infinite) -> String {
    match why {
        Infinite::Support => format!(
            "the truth {truth} puts mass where the {model} model has density 0 (or one below \
             the smallest f64)"
        ),
        Infinite::Tails { growth, tail_index } => format!(
            "−ln q of the {model} model grows like |x|^{} in the tails, and the truth {truth} \
             has moments only of order below {}",
            exact(growth),
            exact(tail_index)
        ),
    }
}

/// Why a sample has no maximum-likelihood estimate inside `kind`'s parameter space.
#[must_use]
pub fn degenerate(kind: FamilyKind, why: &Degenerate) -> String {
    match *why {
        Degenerate::NoSpread { values, value } => format!(
            "all {values} values equal {}: the maximum-likelihood scale is 0, so {kind} cannot \
             be fitted (the data need some spread)",
            exact(value)
        ),
        Degenerate::TooFew { values, needed } => format!(
            "{values} values cannot fit {needed} mixture parameters: a component would collapse \
             onto a single point (unbounded likelihood)"
        ),
        Degenerate::Unbounded { values, count, value } => format!(
            "{count} of the {values} values (more than half) equal {}: {kind}'s likelihood \
             grows without bound as its scale → 0 with its location there, so it has no maximum",
            exact(value)
        ),
        Degenerate::OneCategory { values, category } => format!(
            "all {values} values are category {category}: its maximum-likelihood probability is \
             1, on the boundary of {kind}'s parameter space"
        ),
        Degenerate::Outside { values, counts, value, parameter, estimate } => {
            let noun = if counts { "counts" } else { "values" };
            if estimate.is_infinite() {
                return format!(
                    "all {values} {noun} are {}: the maximum-likelihood {parameter} is infinite, \
                     so {kind} cannot be fitted",
                    exact(value)
                );
            }
            let domain = kind.params().iter().find(|p| p.name == parameter).map(|p| p.domain);
            let space = match domain {
                Some(Domain::Probability) => format!(" (0 < {parameter} < 1)"),
                Some(Domain::Positive) => format!(" ({parameter} > 0)"),
                _ => String::new(),
            };
            format!(
                "all {values} {noun} are {}: the maximum-likelihood {parameter} is {}, outside \
                 {kind}'s parameter space{space}",
                exact(value),
                exact(estimate)
            )
        }
    }
}

/// A parameter that is not allowed, as the command line and scenario loader say it.
impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.index {
            Some(j) => format!("{}[{j}]", self.parameter),
            None => self.parameter.clone(),
        };
        let v = exact(self.value);
        match &self.fault {
            Fault::NotFinite => write!(f, "{name} must be a finite number, got {v}"),
            Fault::NotPositive => write!(f, "{name} must be a finite number > 0, got {v}"),
            Fault::NotProbability => write!(f, "{name} must lie strictly between 0 and 1, got {v}"),
            Fault::Below(lo) => write!(f, "{name} must be at least {}, got {v}", exact(*lo)),
            Fault::Above(hi) => write!(f, "{name} must be at most {hi:e}, got {v}"),
            Fault::Range(lo, hi) => {
                write!(f, "{name} must be a whole number from {lo} to {hi}, got {v}")
            }
            Fault::Count(k) => write!(f, "{name} must list {k} probabilities, got {v}"),
            Fault::Sum => write!(f, "the probabilities {name} must sum to 1, they sum to {v}"),
            Fault::Unknown(known) => write!(
                f,
                "{} has no parameter '{name}' (its parameters: {})",
                self.family,
                known.join(", ")
            ),
            Fault::Missing(known) => {
                write!(f, "{} needs '{name}' (its parameters: {})", self.family, known.join(", "))
            }
            Fault::NotScalar => write!(f, "{name} must be one number"),
            Fault::NotList => {
                write!(f, "{name} must be a list of probabilities, one per category, summing to 1")
            }
            Fault::Fixed(n) => write!(f, "{name} is fixed at {n} for this {}", self.family),
            Fault::TruthRange(lo, hi) => {
                let range = match (lo, hi) {
                    (Some(lo), Some(hi)) => format!("from {} to {}", exact(*lo), exact(*hi)),
                    (Some(lo), None) => format!("at least {}", exact(*lo)),
                    (None, Some(hi)) => format!("at most {}", exact(*hi)),
                    (None, None) => "in range".to_string(),
                };
                write!(
                    f,
                    "{name} of a {} truth must be {range}, got {v} (past that, sampling the \
                     truth or integrating against it takes minutes or fails)",
                    self.family
                )
            }
        }
    }
}

/// The JSON name of why an inference quantity has no value.
#[must_use]
pub fn undefined_name(why: &Undefined) -> &'static str {
    match why {
        Undefined::NotConverged(_) => "not_converged",
        Undefined::Boundary(_) => "boundary",
        Undefined::Kink { .. } => "kink",
        Undefined::Singular(f) if f.curvature < 0.0 => "not_negative_definite",
        Undefined::Singular(_) => "singular",
        Undefined::NoScores => "no_scores",
        Undefined::Underflow { .. } => "underflow",
        Undefined::TooFewPoints { .. } => "too_few_points",
        Undefined::NotOneCoordinate { .. } => "not_one_coordinate",
        Undefined::Open { .. } => "open",
        Undefined::ProfileFit { .. } => "profile_fit",
        Undefined::HigherLikelihood { .. } => "higher_likelihood",
    }
}

/// Why an inference quantity has no value, in words; `names` are the natural parameters'.
#[must_use]
pub fn undefined(why: &Undefined, names: &[String]) -> String {
    match why {
        Undefined::NotConverged(reason) => format!(
            "the fit stopped short of a verified maximum ({}), so ℓ's curvature there says \
             nothing about the estimate",
            reason.name()
        ),
        Undefined::Boundary(limit) => format!(
            "{}: θ runs to the boundary of the parameter space, where no θ attains the supremum \
             of ℓ; there is no maximum-likelihood estimate to have an error",
            limit_label(limit)
        ),
        Undefined::Kink { parameter } => format!(
            "ℓ has a kink in {parameter} at the estimate (it is not differentiable there), so \
             there is no curvature and no Wald standard error; the profile interval needs none"
        ),
        Undefined::Singular(flat) => {
            let direction = flat
                .direction
                .iter()
                .zip(names)
                .filter(|(d, _)| d.abs() > 1e-3)
                .map(|(d, n)| format!("{} {n}", fixed(*d, 3)))
                .collect::<Vec<_>>()
                .join(" + ");
            let how = if flat.curvature < 0.0 { "curves upwards" } else { "is flat" };
            format!(
                "the observed information is not positive definite: ℓ {how} along ({direction}) \
                 (scaled curvature {:.1e}), so the variance there is unbounded",
                flat.curvature
            )
        }
        Undefined::Underflow { parameter } => format!(
            "the variance of {} is below the smallest f64, so its standard error cannot be \
             written (rescale the data)",
            names.get(*parameter).map_or("θ", String::as_str)
        ),
        Undefined::NoScores => {
            "the model cannot split its score by point, so the sandwich has no J".into()
        }
        Undefined::TooFewPoints { points, parameters } => format!(
            "AICc's correction 2k(k + 1)/(m − k − 1) needs m > k + 1; here m = {points} and \
             k = {parameters}"
        ),
        Undefined::NotOneCoordinate { parameter } => format!(
            "{parameter} is not one free coordinate (a simplex's entries move together), so it \
             cannot be pinned alone to trace its profile"
        ),
        Undefined::Open { parameter, edge, meaning } => {
            let meaning = meaning.map(|m| format!(" ({m})")).unwrap_or_default();
            format!(
                "open: the profile likelihood stays above the cutoff all the way to {parameter} \
                 = {}{meaning}, the edge of the parameter space",
                limit_value(*edge)
            )
        }
        Undefined::ProfileFit { parameter, value, reason } => format!(
            "maximising ℓ over the other parameters at {parameter} = {} stopped short of a \
             maximum ({})",
            exact(*value),
            reason.name()
        ),
        Undefined::HigherLikelihood { parameter, value, gain } => format!(
            "at {parameter} = {} the profile likelihood is {} above ℓ̂: the fit found a local \
             maximum, not the global one",
            exact(*value),
            fixed(*gain, 6)
        ),
    }
}

/// The JSON name of why a goodness-of-fit quantity has no value.
#[must_use]
pub fn gof_undefined_name(why: &GofUndefined) -> &'static str {
    match why {
        GofUndefined::Fit(inner) => undefined_name(inner),
        GofUndefined::Edf(NoStatistic::NoCdf) => "no_cdf",
        GofUndefined::Edf(NoStatistic::Infinite { .. }) => "infinite",
        GofUndefined::ChiSquared(NoChiSquared::NotDiscrete) => "not_discrete",
        GofUndefined::ChiSquared(NoChiSquared::OneBin) => "one_bin",
        GofUndefined::NoDegreesOfFreedom { .. } => "no_degrees_of_freedom",
        GofUndefined::NoBootstrap => "no_bootstrap",
        GofUndefined::AllFailed { .. } => "bootstrap_failed",
    }
}

/// Why a goodness-of-fit quantity has no value, in words.
#[must_use]
pub fn gof_undefined(why: &GofUndefined, names: &[String]) -> String {
    match why {
        GofUndefined::Fit(inner) => undefined(inner, names),
        GofUndefined::Edf(NoStatistic::NoCdf) => {
            "the model has no distribution function to compare the data with".into()
        }
        GofUndefined::Edf(NoStatistic::Infinite { value }) => format!(
            "the value {} lies where the model's F or 1 − F is 0 in f64, so ln F or ln(1 − F) \
             is −∞ and the Anderson–Darling statistic is infinite: the model puts no mass there",
            exact(*value)
        ),
        GofUndefined::ChiSquared(NoChiSquared::NotDiscrete) => {
            "a continuous model has the EDF statistics, not χ²".into()
        }
        GofUndefined::ChiSquared(NoChiSquared::OneBin) => format!(
            "the expected counts reach {} only all together: one bin, nothing to compare \
             (more data are needed)",
            exact(MIN_EXPECTED)
        ),
        GofUndefined::NoDegreesOfFreedom { bins, parameters } => format!(
            "{bins} bins less 1 less {parameters} estimated parameters leaves no degree of \
             freedom for the textbook χ² reference (the bootstrap p-value needs none)"
        ),
        GofUndefined::NoBootstrap => "p-values need a parametric bootstrap (--bootstrap B): \
             θ was estimated from the same data, so the textbook tables of these statistics \
             do not apply"
            .into(),
        GofUndefined::AllFailed { replicates } => {
            format!("none of the {replicates} bootstrap refits reached a maximum")
        }
    }
}

/// Why a model has no pseudo-true θ* against a truth: a short name and a sentence.
#[must_use]
pub fn no_pseudo_true(
    truth: FamilyKind,
    model: FamilyKind,
    why: &NoPseudoTrue,
) -> (&'static str, String) {
    let (name, message) = match why {
        NoPseudoTrue::Infinite(inf) => (infinite_name(*inf), infinite(truth, model, *inf)),
        NoPseudoTrue::NoStart => (
            "no_start",
            format!(
                "the {model} model's moment estimates from the truth are not a valid θ, so there \
                 is nowhere to start maximising E_p[ln q_θ]"
            ),
        ),
        NoPseudoTrue::Fit(StopReason::Boundary { .. }, Some(limit)) => (
            "boundary",
            format!(
                "{}: E_p[ln q_θ] has its supremum at the boundary of the parameter space{}, \
                 so no θ* attains it",
                limit_label(limit),
                limit.meaning.map(|m| format!(" ({m})")).unwrap_or_default()
            ),
        ),
        NoPseudoTrue::Fit(reason, _) => (
            "not_converged",
            format!("maximising E_p[ln q_θ] stopped short of a maximum: {}", stop(*reason)),
        ),
    };
    (name, message)
}
