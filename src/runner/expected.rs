//! The expected information and the pseudo-true θ* of a family's report: filled into the
//! inference object after the `Model`-only parts, because both need the family (its closed
//! form, its density against the truth's nodes), and θ* needs the truth.

use serde_json::{Value, json};

use crate::optim::fit::StopReason;
use crate::optim::inference::pseudo_true::{NoPseudoTrue, pseudo_true};
use crate::report::InferenceReport;
use crate::stats::family::Family;
use crate::stats::information::Truth;
use crate::words;

/// Why θ* is missing, as the JSON's `why` and `message`.
pub(crate) fn no_pseudo_true(model: &dyn Family, truth: &Truth, why: &NoPseudoTrue) -> Value {
    let (name, message) = words::no_pseudo_true(truth.family().kind(), model.kind(), why);
    json!({ "why": name, "message": message })
}

/// Fills `expected_information` (at θ̂, one observation) and `pseudo_true` (against `truth`)
/// of a family's inference object, with the reasons of their nulls.
pub(super) fn add_expected(
    report: &mut InferenceReport,
    family: &dyn Family,
    estimate: &[f64],
    reason: StopReason,
    truth: Option<&Truth>,
) {
    let undefined = &mut report.undefined;
    undefined.remove("expected_information");
    undefined.remove("pseudo_true");
    report.expected_information = None;
    if !reason.converged() {
        // The fit's own reason, as the covariance gives it: θ̂ is not an MLE.
        let why = undefined
            .get("covariance")
            .cloned()
            .unwrap_or_else(|| json!({ "why": "not_converged", "message": words::stop(reason) }));
        undefined.insert("expected_information".into(), why);
    } else if let Some(info) = family.fisher_information(estimate) {
        if info.iter().flatten().all(|v| v.is_finite()) {
            report.expected_information = Some(info);
        } else {
            // At estimates near the ends of f64 (a rate of 1e-300) 1/θ² leaves the range.
            undefined.insert(
                "expected_information".into(),
                json!({
                    "why": "overflow",
                    "message": "the expected information at θ̂ is beyond the range of f64 numbers"
                }),
            );
        }
    } else {
        let message = format!(
            "the {} family has no closed-form expected information here; the observed \
             information (covariance) stands in for it",
            family.kind()
        );
        undefined.insert(
            "expected_information".into(),
            json!({ "why": "no_closed_form", "message": message }),
        );
    }
    report.pseudo_true = None;
    let Some(truth) = truth else {
        undefined.insert(
            "pseudo_true".into(),
            json!({
                "why": "no_truth",
                "message": "the data were not sampled from a known truth, so there is no θ* = argmin D(p‖q_θ) to compute"
            }),
        );
        return;
    };
    match pseudo_true(family, truth) {
        Ok(star) => report.pseudo_true = Some(family.params_json(&star)),
        Err(why) => {
            undefined.insert("pseudo_true".into(), no_pseudo_true(family, truth, &why));
        }
    }
}
