//! The `inference` object of a report: the engine's [`Inference`] with every undefined value
//! turned into a JSON null and its reason (name and words) filed under the null's path.

use serde_json::{Map, Value, json};

use crate::optim::fit::{Fit, StopReason};
use crate::optim::inference::{Fitted, Inference, Level, Undefined, infer};
use crate::report::{InferenceReport, SummaryRow};
use crate::stats::model::Model;
use crate::words;

/// Collects the nulls' reasons while the object is built.
struct Nulls<'a> {
    names: &'a [String],
    undefined: Map<String, Value>,
}

impl Nulls<'_> {
    /// The value, or null with `why` filed under `path`. A value that is not finite (which
    /// the engine should never give) is filed as an overflow rather than printed as null
    /// without a reason.
    fn value(&mut self, path: &str, v: &Result<f64, Undefined>) -> Option<f64> {
        match v {
            Ok(x) if x.is_finite() => Some(*x),
            Ok(x) => {
                let message = format!("the value is {x}, beyond f64");
                self.undefined
                    .insert(path.into(), json!({ "why": "overflow", "message": message }));
                None
            }
            Err(why) => {
                self.file(path, why);
                None
            }
        }
    }

    fn file(&mut self, path: &str, why: &Undefined) {
        self.undefined.insert(
            path.into(),
            json!({ "why": words::undefined_name(why), "message": words::undefined(why, self.names) }),
        );
    }
}

/// The inference object for a fit that stopped for `reason`.
pub(super) fn inference_report(
    model: &dyn Model,
    fit: &Fit,
    reason: StopReason,
    level: Level,
) -> InferenceReport {
    let fitted = Fitted { point: fit.current(), reason, kinked: fit.kinked() };
    let inf = infer(model, &fitted, level, true);
    convert(&inf)
}

fn convert(inf: &Inference) -> InferenceReport {
    let names = &inf.names;
    let mut nulls = Nulls { names, undefined: Map::new() };
    let (se, sandwich) = (inf.se(), inf.sandwich_se());
    let profile = inf.profile.clone().unwrap_or_default();
    let mut summary = Vec::new();
    let (mut se_map, mut sw_map, mut wald_map, mut profile_map) =
        (Map::new(), Map::new(), Map::new(), Map::new());
    for (i, name) in names.iter().enumerate() {
        let s = nulls.value(&format!("se.{name}"), &se[i]);
        se_map.insert(name.clone(), json!(s));
        let sw = nulls.value(&format!("sandwich_se.{name}"), &sandwich[i]);
        sw_map.insert(name.clone(), json!(sw));
        let wald = match &inf.wald[i] {
            Ok((lo, hi)) if lo.is_finite() && hi.is_finite() => Some((*lo, *hi)),
            Ok(_) => None,
            Err(why) => {
                nulls.file(&format!("wald.{name}"), why);
                None
            }
        };
        wald_map.insert(
            name.clone(),
            wald.map_or(Value::Null, |(lo, hi)| json!({ "lower": lo, "upper": hi })),
        );
        let ends = match profile.get(i) {
            Some(Ok(interval)) => {
                let lo = nulls.value(&format!("profile.{name}.lower"), &interval.lower);
                let hi = nulls.value(&format!("profile.{name}.upper"), &interval.upper);
                profile_map.insert(name.clone(), json!({ "lower": lo, "upper": hi }));
                (lo, hi)
            }
            Some(Err(why)) => {
                nulls.file(&format!("profile.{name}"), why);
                profile_map.insert(name.clone(), Value::Null);
                (None, None)
            }
            None => (None, None),
        };
        summary.push(SummaryRow {
            name: name.clone(),
            estimate: inf.estimate[i],
            se: s,
            wald,
            profile: ends,
            sandwich_se: sw,
        });
    }
    let (covariance, correlation) = match &inf.naive {
        Ok(c) => (Some(c.matrix.clone()), Some(c.correlation())),
        Err(why) => {
            nulls.file("covariance", why);
            nulls.file("correlation", why);
            (None, None)
        }
    };
    let c = &inf.criteria;
    let aic = nulls.value("aic", &c.aic);
    let aicc = nulls.value("aicc", &c.aicc);
    let bic = nulls.value("bic", &c.bic);
    InferenceReport {
        level: inf.level.value(),
        parameters: names.clone(),
        estimated_parameters: c.parameters,
        se: se_map,
        covariance,
        correlation,
        wald_scale: "natural",
        wald: wald_map,
        profile: profile_map,
        sandwich_se: sw_map,
        aic,
        aicc,
        bic,
        undefined: nulls.undefined,
        summary,
    }
}
