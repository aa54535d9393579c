//! The `inference` object of a report: the engine's [`Inference`] with every undefined value
//! turned into a JSON null and its reason (name and words) filed under the null's path.

use serde_json::{Map, Value, json};

use crate::format::readable;
use crate::optim::fit::{Fit, StopReason};
use crate::optim::inference::bootstrap::{Gof, GofUndefined, Observed};
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

    /// The value, or null with its goodness-of-fit reason filed under `path`.
    fn gof_value(&mut self, path: &str, v: &Result<f64, GofUndefined>) -> Option<f64> {
        match v {
            Ok(x) => self.value(path, &Ok(*x)),
            Err(why) => {
                self.file_gof(path, why);
                None
            }
        }
    }

    fn file_gof(&mut self, path: &str, why: &GofUndefined) {
        self.undefined.insert(
            path.into(),
            json!({ "why": words::gof_undefined_name(why), "message": words::gof_undefined(why, self.names) }),
        );
    }

    fn file(&mut self, path: &str, why: &Undefined) {
        self.undefined.insert(
            path.into(),
            json!({ "why": words::undefined_name(why), "message": words::undefined(why, self.names) }),
        );
    }
}

/// The inference object for a fit that stopped for `reason`. Its `gof` is null until
/// [`add_gof`] fills it: goodness of fit needs a family of one number (its CDF, its
/// sampler), which the `Model` seam does not give.
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

/// Fills the `gof` object of an inference report (and its table lines and reasons).
pub(super) fn add_gof(report: &mut InferenceReport, gof: &Result<Gof, GofUndefined>) {
    let names = report.parameters.clone();
    let mut nulls = Nulls { names: &names, undefined: std::mem::take(&mut report.undefined) };
    nulls.undefined.remove("gof");
    let (object, lines) = gof_object(gof, &mut nulls);
    report.gof = object;
    report.gof_lines = lines;
    report.undefined = nulls.undefined;
}

/// The `gof` object and the table's lines for it, nulls filed in `nulls`.
fn gof_object(gof: &Result<Gof, GofUndefined>, nulls: &mut Nulls) -> (Value, Vec<String>) {
    let g = match gof {
        Ok(g) => g,
        Err(why) => {
            nulls.file_gof("gof", why);
            let line = format!("goodness of fit: — ({})", words::gof_undefined(why, nulls.names));
            return (Value::Null, vec![line]);
        }
    };
    let names = g.observed.names();
    let (mut statistics, mut p_values) = (Map::new(), Map::new());
    let mut cells = Vec::new();
    for ((name, t), p) in names.iter().zip(g.observed.values()).zip(&g.p_values) {
        let t = nulls.gof_value(&format!("gof.statistics.{name}"), &t);
        let p = nulls.gof_value(&format!("gof.p_values.{name}"), p);
        statistics.insert((*name).to_string(), json!(t));
        p_values.insert((*name).to_string(), json!(p));
        let label = match *name {
            "ks" => "KS D",
            "cramer_von_mises" => "Cramér–von Mises W²",
            "anderson_darling" => "Anderson–Darling A²",
            _ => "Pearson χ²",
        };
        let t = t.map_or_else(|| "—".to_string(), readable);
        let p = p.map_or_else(String::new, |p| format!(" (p = {})", readable(p)));
        cells.push(format!("{label} = {t}{p}"));
    }
    let mut object = Map::new();
    let kind =
        if matches!(g.observed, Observed::Discrete { .. }) { "discrete" } else { "continuous" };
    object.insert("type".into(), json!(kind));
    object.insert("statistics".into(), Value::Object(statistics));
    object.insert("p_values".into(), Value::Object(p_values));
    let mut lines = vec![format!("goodness of fit: {}", cells.join(", "))];
    if let Observed::Discrete { chi, df } = &g.observed {
        let df = match df {
            Ok(d) => Some(*d),
            Err(why) => {
                nulls.file_gof("gof.df", why);
                None
            }
        };
        object.insert("df".into(), json!(df));
        let bins: Vec<Value> = chi
            .bins
            .iter()
            .map(|b| {
                // Whole numbers of a discrete support (at least 0), written as integers.
                let (from, to) = (b.from as u64, b.to.map(|t| t as u64));
                json!({ "from": from, "to": to, "observed": b.observed, "expected": b.expected })
            })
            .collect();
        if chi.bins.last().is_some_and(|b| b.to.is_none()) {
            nulls.undefined.insert(
                "gof.bins.to".into(),
                json!({ "why": "open", "message": "the last bin holds the upper tail: every value from its `from` up" }),
            );
        }
        object.insert("bins".into(), Value::Array(bins));
        let df = df.map_or_else(|| "—".to_string(), |d| d.to_string());
        lines.push(format!(
            "  over {} bins with expected counts ≥ 5, textbook df = bins − 1 − k = {df}",
            chi.bins.len()
        ));
    }
    if let Some(r) = g.bootstrap {
        object.insert(
            "bootstrap".into(),
            json!({ "replicates": r.asked, "seed": r.seed, "refitted": r.refitted }),
        );
        lines.push(format!(
            "  p-values by parametric bootstrap: {} of {} refits reached a maximum (seed {})",
            r.refitted, r.asked, r.seed
        ));
    } else {
        object.insert("bootstrap".into(), Value::Null);
        nulls.file_gof("gof.bootstrap", &GofUndefined::NoBootstrap);
        lines.push("  p-values: --bootstrap B (a parametric bootstrap refits B samples)".into());
    }
    (Value::Object(object), lines)
}

fn convert(inf: &Inference) -> InferenceReport {
    let names = &inf.names;
    let mut nulls = Nulls { names, undefined: Map::new() };
    nulls.undefined.insert(
        "gof".into(),
        json!({
            "why": "not_a_family",
            "message": "goodness of fit compares a family of one number with its sample; this model is not one"
        }),
    );
    for path in ["expected_information", "pseudo_true"] {
        nulls.undefined.insert(
            path.into(),
            json!({
                "why": "not_a_family",
                "message": "this model is not a family of one number with a closed-form information or a truth to compare"
            }),
        );
    }
    let (gof, gof_lines) = (Value::Null, Vec::new());
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
        expected_information: None,
        pseudo_true: None,
        aic,
        aicc,
        bic,
        gof,
        undefined: nulls.undefined,
        summary,
        gof_lines,
    }
}
