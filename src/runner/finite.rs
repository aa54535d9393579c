//! Keeping reports honest: a number that is not finite is never printed (JSON would show
//! null, the table NaN or inf); the run is refused instead with a message that says which
//! number overflowed and what range of data caused it.

use serde_json::Value;

use crate::format::exact as short;
use crate::report::Report;
use crate::stats::family::Family;
use crate::stats::sample::Sample;

/// Whether every number in a JSON value is finite (serde_json turns NaN and ±∞ into null).
fn all_finite(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
        Value::Array(a) => a.iter().all(all_finite),
        Value::Object(o) => o.values().all(all_finite),
        _ => true,
    }
}

/// The end of a message about data that f64 cannot fit: their range, and the way out.
pub(super) fn beyond_f64(family: &dyn Family, sample: &Sample) -> String {
    let st = sample.stats();
    if family.kind().is_discrete() {
        // Counts have no units to change: the way out is another model.
        return format!(
            "{} cannot be fitted to counts from {} to {} within 64-bit floating point and its \
             own limits; counts cannot be rescaled, but a continuous model (normal, gamma) fits \
             counts this large as the numbers they are",
            family.kind(),
            short(st.min),
            short(st.max)
        );
    }
    format!(
        "{} cannot be fitted to values from {} to {} within 64-bit floating point and its own \
         limits; rescale them (to units where they are near 1) if their units allow",
        family.kind(),
        short(st.min),
        short(st.max)
    )
}

/// The 0-based index of the value of most extreme magnitude (farthest from 1 in log scale,
/// zeros aside), which a message about overflow can point at.
pub(super) fn most_extreme(values: &[f64]) -> Option<usize> {
    values
        .iter()
        .enumerate()
        .filter(|(_, x)| **x != 0.0)
        .max_by(|a, b| a.1.abs().ln().abs().total_cmp(&b.1.abs().ln().abs()))
        .map(|(i, _)| i)
}

/// Names the first number of a report that is not finite (JSON would print it as null, the
/// table as NaN or inf), or None when every number is finite.
pub(super) fn first_non_finite(rep: &Report) -> Option<String> {
    let u = &rep.underflow;
    let mut scalars: Vec<(&str, f64)> = vec![
        ("the log-likelihood", rep.log_likelihood),
        ("the mean log-likelihood", rep.mean_log_likelihood),
        ("the cross-entropy", rep.cross_entropy.nats),
        ("the gradient norm", rep.gradient_norm),
        ("the step size", rep.step_size),
        ("the point-by-point log-likelihood", u.log_likelihood),
        ("the likelihood's mantissa", u.mantissa),
    ];
    if let Some(e) = &rep.empirical {
        scalars.push(("the empirical entropy", e.empirical_entropy));
        scalars.push(("D(p̂‖q)", e.kl_divergence));
    }
    if let Some(t) = &rep.truth {
        scalars.push(("the truth's entropy", t.decomposition.truth_entropy));
        // An infinite H(p, q) with its reason is an answer, not an overflow.
        if t.infinite.is_none() {
            scalars.push(("H(p, q) against the truth", t.decomposition.cross_entropy));
            scalars.push(("D(p‖q) against the truth", t.decomposition.kl_divergence));
        }
    }
    if let Some((name, x)) = scalars.iter().find(|(_, x)| !x.is_finite()) {
        return Some(format!("{name} is {}", short(*x)));
    }
    let objects = [
        ("the fitted θ", Some(&rep.params)),
        ("the start", Some(&rep.start)),
        ("the closed-form MLE", rep.closed_form_mle.as_ref()),
        ("the truth's θ", rep.truth.as_ref().map(|t| &t.params)),
    ];
    if let Some((name, v)) = objects.iter().find(|(_, v)| v.is_some_and(|v| !all_finite(v))) {
        return Some(format!("{name} is {}", v.map(ToString::to_string).unwrap_or_default()));
    }
    rep.history
        .iter()
        .find(|r| {
            ![r.log_likelihood, r.mean_log_likelihood, r.gradient_norm, r.step_size]
                .iter()
                .chain(&r.params)
                .all(|x| x.is_finite())
        })
        .map(|r| format!("the trajectory at iteration {} is not finite", r.iteration))
}

/// The message for a report that holds a number that is not finite.
pub(super) fn non_finite_message(family: &dyn Family, sample: &Sample, what: &str) -> String {
    format!(
        "{what} after the fit, so no honest report can be printed: {}",
        beyond_f64(family, sample)
    )
}
