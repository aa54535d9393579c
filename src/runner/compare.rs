//! `mlex compare`: one dataset, read once, fitted by every family that can hold it (or the
//! ones asked for), each as `mlex fit` fits it (Newton from the moment estimates), then
//! ranked by AIC. A family that cannot be fitted, or whose fit stops short of a maximum, is
//! listed with its reason and no weight; none is dropped in silence.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Map, json};

use super::{StartError, boundary_report, check_support, model_shape, optimise, start_point};
use crate::data::{DataFile, ReadOptions, read_data};
use crate::error::InputError;
use crate::format::exact as short;
use crate::optim::fit::{StopReason, Stopping};
use crate::optim::inference::comparison::{LrUndefined, NESTED, Nesting, akaike_weights, lr_test};
use crate::optim::inference::{Criteria, Fitted as FitPoint, Undefined};
use crate::optim::{OptimizerKind, Settings};
use crate::report::compare::{CompareReport, CompareTiming, Excluded, LrRow, ModelRow, Reason};
use crate::report::{DataReport, SCHEMA_VERSION};
use crate::stats::family::{FamilyKind, Shape};
use crate::stats::objective::Objective;
use crate::stats::sample::Sample;
use crate::words;

/// What `mlex compare` was asked.
#[derive(Debug, Clone, Default)]
pub struct CompareRequest {
    /// The data file (`-` for standard input).
    pub data: PathBuf,
    /// How to read it.
    pub read: ReadOptions,
    /// The families to compare; None takes every family that can hold the data.
    pub models: Option<Vec<FamilyKind>>,
    /// Binomial's n; without it binomial is not fitted.
    pub trials: Option<u64>,
    /// Categorical's k (default: the largest value + 1).
    pub categories: Option<usize>,
}

impl CompareRequest {
    /// The fixed part given for `kind` (`--trials` for binomial, `--categories` for
    /// categorical).
    fn given(&self, kind: FamilyKind) -> Option<u64> {
        match kind.fixed_part()?.key {
            "trials" => self.trials,
            "categories" => self.categories.map(|k| k as u64),
            _ => None,
        }
    }
}

/// One family's fit, or why there is none.
struct Outcome {
    row: ModelRow,
    /// ℓ̂ where it supports a test: a verified maximum, or the supremum at a boundary.
    reached: Option<f64>,
}

fn refused(kind: FamilyKind, k: usize, why: &'static str, message: String) -> Outcome {
    Outcome {
        row: ModelRow {
            model: kind.name().to_string(),
            rank: None,
            estimated_parameters: k,
            params: None,
            log_likelihood: None,
            aic: None,
            delta_aic: None,
            weight: None,
            aicc: None,
            bic: None,
            converged: false,
            stop_reason: None,
            iterations: None,
            fit_seconds: None,
            reason: Some(Reason { why, message }),
            undefined: Map::new(),
        },
        reached: None,
    }
}

/// Fits `kind` to the data as `mlex fit` would, by Newton from the family's start.
fn fit_one(kind: FamilyKind, given: Option<u64>, data: &DataFile, sample: &Sample) -> Outcome {
    let k_declared = kind.build(Shape::default()).dim();
    let shape = match model_shape(kind, given, &data.values) {
        Ok(s) => s,
        Err(msg) => return refused(kind, k_declared, "fixed_part", msg),
    };
    let family = kind.build(shape);
    let k = family.dim();
    if let Err(e) = check_support(family.as_ref(), data) {
        return refused(kind, k, "support", e.to_string());
    }
    if let Some(why) = family.degenerate(sample) {
        return refused(kind, k, "degenerate", words::degenerate(kind, &why));
    }
    let start = match start_point(family.as_ref(), sample, None) {
        Ok(s) => s,
        Err(StartError::Data(msg) | StartError::Given(msg)) => {
            return refused(kind, k, "start", msg);
        }
    };
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let (fitted, reason) = optimise(family.as_ref(), sample, start, settings, &Stopping::default());
    let objective = Objective { family: family.as_ref(), sample };
    let end = fitted.fit.current();
    if !end.log_likelihood.is_finite() {
        return refused(
            kind,
            k,
            "non_finite",
            format!("the fit ended where ℓ is {}", short(end.log_likelihood)),
        );
    }
    let point = FitPoint { point: end, reason, kinked: fitted.fit.kinked() };
    let criteria = Criteria::new(&objective, &point);
    let names = family.param_names();
    let mut undefined = Map::new();
    let mut value = |name: &str, v: &Result<f64, Undefined>| match v {
        Ok(x) => Some(*x),
        Err(why) => {
            undefined.insert(
                name.into(),
                json!({ "why": words::undefined_name(why), "message": words::undefined(why, &names) }),
            );
            None
        }
    };
    let (aic, aicc, bic) =
        (value("aic", &criteria.aic), value("aicc", &criteria.aicc), value("bic", &criteria.bic));
    let why_unranked = match reason {
        StopReason::Boundary { .. } => {
            let message = boundary_report(family.as_ref(), &fitted.fit, reason)
                .map_or_else(|| words::stop(reason).to_string(), |b| b.message);
            Some(Reason {
                why: "boundary",
                message: format!(
                    "{message}; no maximum-likelihood estimate, so no weight (its AIC is that of \
                     the supremum)"
                ),
            })
        }
        r if !r.converged() => {
            Some(Reason { why: "not_converged", message: words::stop(r).into() })
        }
        _ => None,
    };
    let reached = (reason.converged() || matches!(reason, StopReason::Boundary { .. }))
        .then_some(end.log_likelihood);
    Outcome {
        row: ModelRow {
            model: kind.name().to_string(),
            rank: None,
            estimated_parameters: criteria.parameters,
            params: Some(family.params_json(&end.natural)),
            log_likelihood: Some(end.log_likelihood),
            aic,
            delta_aic: None,
            weight: None,
            aicc,
            bic,
            converged: reason.converged(),
            stop_reason: Some(reason),
            iterations: Some(fitted.fit.iteration()),
            fit_seconds: Some(fitted.fit_seconds),
            reason: why_unranked,
            undefined,
        },
        reached,
    }
}

/// The families to fit: those asked for, or every family that can hold the data, with the
/// others and why they were left out. Counts and densities are never mixed: their
/// likelihoods are on different scales (a probability mass against a density per unit of x),
/// so their AICs cannot be compared.
fn candidates(
    req: &CompareRequest,
    data: &DataFile,
    sample: &Sample,
) -> Result<(Vec<FamilyKind>, bool, Vec<Excluded>), InputError> {
    if let Some(models) = &req.models {
        let discrete = models.iter().filter(|k| k.is_discrete()).count();
        if discrete > 0 && discrete < models.len() {
            let (d, c): (Vec<FamilyKind>, Vec<FamilyKind>) =
                models.iter().partition(|k| k.is_discrete());
            return Err(InputError::new(format!(
                "cannot rank counts ({}) against densities ({}) by AIC: a probability mass and a \
                 density are on different scales, so their likelihoods do not compare; compare \
                 one kind at a time",
                names(&d),
                names(&c)
            ))
            .field("--models"));
        }
        check_fixed_flags(req, models)?;
        return Ok((models.clone(), discrete > 0, Vec::new()));
    }
    let holds = |kind: FamilyKind| -> Result<(), (&'static str, String)> {
        let shape =
            model_shape(kind, req.given(kind), &data.values).map_err(|m| ("fixed_part", m))?;
        let family = kind.build(shape);
        check_support(family.as_ref(), data).map_err(|e| ("support", e.to_string()))
    };
    let mut excluded = Vec::new();
    let mut kept = Vec::new();
    for kind in FamilyKind::ALL {
        match holds(kind) {
            Ok(()) => kept.push(kind),
            Err((why, message)) => {
                excluded.push(Excluded { model: kind.name().into(), why, message });
            }
        }
    }
    // A categorical on two categories is the bernoulli under another name: ranked twice it
    // would split the weight of one model in two.
    let two_categories =
        model_shape(FamilyKind::Categorical, req.given(FamilyKind::Categorical), &data.values)
            .is_ok_and(|shape| shape.0 == Some(2));
    if two_categories && kept.contains(&FamilyKind::Bernoulli) {
        kept.retain(|k| *k != FamilyKind::Categorical);
        excluded.push(Excluded {
            model: FamilyKind::Categorical.name().into(),
            why: "same_model",
            message: "with k = 2 categories it is the bernoulli model, ranked as bernoulli".into(),
        });
    }
    // Whole numbers that some count model holds are compared as counts.
    let counts = sample.stats().whole && kept.iter().any(|k| k.is_discrete());
    let (chosen, other): (Vec<FamilyKind>, Vec<FamilyKind>) =
        kept.into_iter().partition(|k| k.is_discrete() == counts);
    for kind in other {
        let message = if counts {
            "the data are whole numbers, compared as counts: a density's likelihood is on another \
             scale (ask for continuous families with --models to compare those)"
        } else {
            "the data are not counts"
        };
        excluded.push(Excluded {
            model: kind.name().into(),
            why: "scale",
            message: message.into(),
        });
    }
    let order = |name: &str| FamilyKind::from_name(name).map_or(usize::MAX, |k| k as usize);
    excluded.sort_by_key(|e| order(&e.model));
    Ok((chosen, counts, excluded))
}

/// `--trials` and `--categories` are refused when no model asked for has that fixed part.
fn check_fixed_flags(req: &CompareRequest, models: &[FamilyKind]) -> Result<(), InputError> {
    for (key, given) in [("trials", req.trials.is_some()), ("categories", req.categories.is_some())]
    {
        let used = models.iter().any(|k| k.fixed_part().is_some_and(|p| p.key == key));
        if given && !used {
            return Err(InputError::new(format!(
                "no model asked for takes --{key}: only a model with that fixed part does"
            ))
            .field(format!("--{key}")));
        }
    }
    Ok(())
}

fn names(kinds: &[FamilyKind]) -> String {
    kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}

/// The likelihood-ratio tests of the nested pairs among `outcomes`.
fn lr_rows(outcomes: &[(FamilyKind, Outcome)]) -> Vec<LrRow> {
    let find = |kind: FamilyKind| outcomes.iter().find(|(k, _)| *k == kind).map(|(_, o)| o);
    let mut rows = Vec::new();
    for pair in NESTED {
        let (Some(small), Some(big)) = (find(pair.null), find(pair.alternative)) else { continue };
        let boundary = pair.nesting == Nesting::Boundary;
        let note = boundary.then(|| {
            format!(
                "{} is on the boundary of {}'s parameter space ({}): under {} the larger fit \
                 sits on that boundary about half the time, so the statistic's null \
                 distribution is the 50:50 mixture ½χ²₀ + ½χ²₁ (Self and Liang 1987), not χ²₁: \
                 p is half the χ²₁ tail, and 1 when the statistic is 0",
                pair.null, pair.alternative, pair.restriction, pair.null
            )
        });
        let mut row = LrRow {
            null: pair.null.name().into(),
            alternative: pair.alternative.name().into(),
            restriction: pair.restriction.into(),
            boundary,
            statistic: None,
            df: 1,
            reference: if boundary { "mixture_chi_squared_0_1" } else { "chi_squared_1" },
            p_value: None,
            note,
            reason: None,
        };
        // The smaller model must be at its maximum; the larger may be at its supremum on the
        // boundary (a t whose df runs to ∞ on normal data), which is the maximum over its
        // closure, as the statistic needs.
        let small_at_max = small.row.converged.then_some(small.reached).flatten();
        if let (Some(l0), Some(l1)) = (small_at_max, big.reached) {
            match lr_test(l0, l1, pair.nesting) {
                Ok(t) => {
                    row.statistic = Some(t.statistic);
                    row.p_value = Some(t.p_value);
                }
                Err(LrUndefined::LargerLower { deficit }) => {
                    row.reason = Some(Reason {
                        why: "larger_lower",
                        message: format!(
                            "{}'s ℓ̂ is {} below {}'s, which it contains: its fit found a local \
                             maximum",
                            pair.alternative,
                            short(deficit),
                            pair.null
                        ),
                    });
                }
            }
        } else {
            let missing = if small_at_max.is_none() { small } else { big };
            let why = missing.row.reason.as_ref().map_or("", |r| r.message.as_str());
            row.reason = Some(Reason {
                why: "no_maximum",
                message: format!("{} has no maximum to test: {why}", missing.row.model),
            });
        }
        rows.push(row);
    }
    rows
}

/// `mlex compare`: reads the data once, fits each family, ranks them.
pub fn compare_file(req: &CompareRequest) -> Result<CompareReport, InputError> {
    let clock = Instant::now();
    let data = read_data(&req.data, &req.read)?;
    if data.values.is_empty() {
        return Err(InputError::new("no numbers to compare models on").in_file(&data.path));
    }
    let sample = Sample::new(data.values.clone());
    let read_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let (kinds, counts, not_considered) = candidates(req, &data, &sample)?;
    let mut outcomes: Vec<(FamilyKind, Outcome)> =
        kinds.iter().map(|&k| (k, fit_one(k, req.given(k), &data, &sample))).collect();
    let fit_seconds = clock.elapsed().as_secs_f64();
    // Rank the models at a verified maximum by AIC; ties keep the catalogue order.
    let mut ranked: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes[i].1.row.reason.is_none() && outcomes[i].1.row.aic.is_some())
        .collect();
    ranked.sort_by(|&a, &b| {
        outcomes[a].1.row.aic.partial_cmp(&outcomes[b].1.row.aic).expect("finite")
    });
    let aics: Vec<f64> = ranked.iter().filter_map(|&i| outcomes[i].1.row.aic).collect();
    for (rank, (&i, (delta, weight))) in ranked.iter().zip(akaike_weights(&aics)).enumerate() {
        let row = &mut outcomes[i].1.row;
        row.rank = Some(rank + 1);
        row.delta_aic = Some(delta);
        row.weight = Some(weight);
    }
    let likelihood_ratio = lr_rows(&outcomes);
    let mut order: Vec<usize> = ranked.clone();
    order.extend((0..outcomes.len()).filter(|i| !ranked.contains(i)));
    let models = order.iter().map(|&i| outcomes[i].1.row.clone()).collect();
    let DataFile { path, column, delimiter, skipped, .. } = data;
    Ok(CompareReport {
        schema_version: SCHEMA_VERSION,
        command: "compare",
        n: sample.len(),
        data: DataReport {
            file: path.display().to_string(),
            column,
            delimiter: delimiter.map(|d| d.to_string()),
            skipped,
        },
        scale: if counts { "mass" } else { "density" },
        criterion: "aic",
        models,
        not_considered,
        likelihood_ratio,
        timing: CompareTiming { read_seconds, fit_seconds },
    })
}
