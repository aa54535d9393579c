//! `mlex simulate`: the sampling distribution of θ̂. At each sample size m, R samples are
//! drawn from the scenario's truth, repeat r from a seed made of the run's seed, m and r
//! alone (so the answer does not depend on the number of threads), each fitted by Newton
//! from its moment start with the usual stopping rules, and summarised against θ*: the mean
//! and SD of θ̂, the Cramér–Rao SD √(I(θ*)⁻¹/m), the sandwich SD, and how often the Wald and
//! profile intervals hold θ*.

use std::time::Instant;

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::error::InputError;
use crate::optim::fit::{Fit, Stopping};
use crate::optim::inference::bootstrap::replicate_seed;
use crate::optim::inference::expected::cramer_rao;
use crate::optim::inference::pseudo_true::{pseudo_true, sandwich_at};
use crate::optim::inference::{Fitted, Level, infer};
use crate::optim::{OptimizerKind, Settings};
use crate::report::SCHEMA_VERSION;
use crate::report::simulate::{Coverage, ParamSummary, SimulateReport, SizeReport};
use crate::scenario::{Scenario, Source};
use crate::stats::family::Family;
use crate::stats::information::Truth;
use crate::stats::model::Model as _;
use crate::stats::objective::Objective;
use crate::stats::rng::seeded;
use crate::stats::sample::Sample;

/// The most repeats per size a simulation may ask for.
pub const MAX_REPEATS: usize = 1_000_000;

/// Below this D(p‖q_θ*) (nats) the model's family is taken to contain the truth: θ* is then
/// the truth to the precision of its Newton search, where D is of order 1e-20.
const CONTAINS: f64 = 1e-12;

/// What `mlex simulate` was asked.
#[derive(Debug, Clone)]
pub struct SimulateRequest {
    /// Repeats per size, R ≥ 1.
    pub repeats: usize,
    /// Sample sizes; empty takes the scenario's.
    pub sizes: Vec<usize>,
    /// Replaces the scenario's seed.
    pub seed: Option<u64>,
    /// The intervals' level.
    pub level: Level,
    /// Whether to trace profile intervals (the costly part).
    pub profile: bool,
}

/// One repeat's outcome.
#[derive(Debug, Clone, PartialEq)]
enum Repeat {
    /// θ̂, and per parameter whether each interval holds the target (None: no interval).
    Fitted { estimate: Vec<f64>, wald: Vec<Option<bool>>, profile: Vec<Option<bool>> },
    /// The fit did not reach a maximum, for this reason (a JSON name).
    Failed(&'static str),
}

/// The seed of repeat `r` at size `m` of a run seeded `seed`.
#[must_use]
pub const fn repeat_seed(seed: u64, m: usize, r: usize) -> u64 {
    replicate_seed(replicate_seed(seed, m), r)
}

fn holds(interval: Option<(f64, f64)>, target: Option<f64>) -> Option<bool> {
    let (lo, hi) = interval?;
    let t = target?;
    Some(lo <= t && t <= hi)
}

fn one_repeat(
    model: &dyn Family,
    truth: &Truth,
    m: usize,
    seed: u64,
    target: Option<&[f64]>,
    level: Level,
    profile: bool,
) -> Repeat {
    let values = truth.family().sample(truth.params(), m, &mut seeded(seed));
    let sample = Sample::new(values);
    if !model.supports(sample.stats()) {
        return Repeat::Failed("outside_support");
    }
    if model.degenerate(&sample).is_some() {
        return Repeat::Failed("degenerate");
    }
    let start = model.start(&sample);
    let objective = Objective { family: model, sample: &sample };
    if model.check(&start).is_err() || !objective.eval_natural(&start).is_finite() {
        return Repeat::Failed("no_start");
    }
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let mut fit = Fit::new(&objective, &start, settings);
    let reason = fit.run(&objective, &Stopping::default());
    if !reason.converged() {
        return Repeat::Failed(reason.name());
    }
    let fitted = Fitted { point: fit.current(), reason, kinked: fit.kinked() };
    let inf = infer(&objective, &fitted, level, profile);
    let t = |i: usize| target.map(|t| t[i]);
    let wald = inf.wald.iter().enumerate().map(|(i, w)| holds(w.clone().ok(), t(i))).collect();
    let profile = match &inf.profile {
        Some(intervals) => intervals
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let p = p.as_ref().ok()?;
                let ends = (p.lower.clone().ok()?, p.upper.clone().ok()?);
                holds(Some(ends), t(i))
            })
            .collect(),
        None => vec![None; inf.names.len()],
    };
    Repeat::Fitted { estimate: inf.estimate, wald, profile }
}

fn coverage(held: impl Iterator<Item = Option<bool>>) -> Coverage {
    let (mut covered, mut of, mut missing) = (0, 0, 0);
    for h in held {
        match h {
            Some(true) => {
                covered += 1;
                of += 1;
            }
            Some(false) => of += 1,
            None => missing += 1,
        }
    }
    Coverage::new(covered, of, missing)
}

/// Mean and SD (divisor n − 1) of the values, compensated.
fn mean_sd(values: &[f64]) -> (Option<f64>, Option<f64>) {
    let n = values.len();
    if n == 0 {
        return (None, None);
    }
    let mean = crate::stats::sums::sum(values.iter().copied()) / n as f64;
    let sd = (n > 1).then(|| {
        (crate::stats::sums::sum(values.iter().map(|v| (v - mean) * (v - mean))) / (n - 1) as f64)
            .sqrt()
    });
    (Some(mean), sd)
}

fn diagonal_sd(matrix: Option<&Vec<Vec<f64>>>, i: usize) -> Option<f64> {
    matrix.map(|c| c[i][i]).filter(|v| *v >= 0.0 && v.is_finite()).map(f64::sqrt)
}

/// `mlex simulate` on a scenario whose data are sampled from a truth.
pub fn simulate(scenario: &Scenario, req: &SimulateRequest) -> Result<SimulateReport, InputError> {
    let clock = Instant::now();
    let seed = req.seed.unwrap_or(scenario.seed);
    let Source::Truth { .. } = &scenario.source else {
        return Err(InputError::new(
            "simulate draws repeated samples from a known truth; this scenario reads a data file",
        )
        .in_file(&scenario.name)
        .field("truth"));
    };
    // The model (with its fixed part), the truth and the start are checked once, as `run`
    // checks them.
    let prepared = super::prepare(scenario, seed)?;
    let model = prepared.model.as_ref();
    let truth = prepared.truth.expect("a sampled scenario has its truth");
    let names = model.param_names();
    let sizes = if req.sizes.is_empty() { vec![scenario.sample_size] } else { req.sizes.clone() };
    let mut undefined = Map::new();
    let star = match pseudo_true(model, &truth) {
        Ok(s) => Some(s),
        Err(why) => {
            undefined
                .insert("pseudo_true".into(), super::expected::no_pseudo_true(model, &truth, &why));
            None
        }
    };
    let contains =
        star.as_ref().is_some_and(|s| truth.decompose(model, s).kl_divergence.abs() < CONTAINS);
    if star.is_some() && model.fisher_information(star.as_deref().unwrap_or_default()).is_none() {
        undefined.insert(
            "cramer_rao_sd".into(),
            json!({ "why": "no_closed_form", "message": format!("the {} family has no closed-form expected information", model.kind()) }),
        );
    }
    if star.is_some() && !contains {
        undefined.insert(
            "cramer_rao_sd".into(),
            json!({ "why": "misspecified", "message": "the model does not contain the truth: the sandwich governs the spread of θ̂, and I(θ*)⁻¹/m is shown only beside it" }),
        );
    }
    let mut reports = Vec::with_capacity(sizes.len());
    for &m in &sizes {
        let runs: Vec<Repeat> = (0..req.repeats)
            .into_par_iter()
            .map(|r| {
                one_repeat(
                    model,
                    &truth,
                    m,
                    repeat_seed(seed, m, r),
                    star.as_deref(),
                    req.level,
                    req.profile,
                )
            })
            .collect();
        reports.push(summarise(model, &truth, m, &runs, star.as_deref(), &names, req.profile));
    }
    Ok(SimulateReport {
        schema_version: SCHEMA_VERSION,
        command: "simulate",
        scenario: scenario.name.clone(),
        model: model.kind().name().to_string(),
        truth: json!({ "family": truth.family().kind().name(), "params": truth.family().params_json(truth.params()) }),
        seed,
        level: req.level.value(),
        repeats: req.repeats,
        optimizer: OptimizerKind::Newton.name(),
        pseudo_true: star.as_ref().map(|s| model.params_json(s)),
        contains_truth: contains,
        governed_by: if contains { "cramer_rao" } else { "sandwich" },
        sizes: reports,
        undefined,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

fn summarise(
    model: &dyn Family,
    truth: &Truth,
    m: usize,
    runs: &[Repeat],
    star: Option<&[f64]>,
    names: &[String],
    profile: bool,
) -> SizeReport {
    let mut failures = Map::new();
    let mut fitted = Vec::new();
    for run in runs {
        match run {
            Repeat::Fitted { estimate, wald, profile } => fitted.push((estimate, wald, profile)),
            Repeat::Failed(why) => {
                let n = failures.get(*why).and_then(Value::as_u64).unwrap_or(0);
                failures.insert((*why).to_string(), json!(n + 1));
            }
        }
    }
    let cr = star.and_then(|s| cramer_rao(model, s, m));
    let sw = star.and_then(|s| sandwich_at(model, truth, s, m));
    let mut parameters = Map::new();
    for (i, name) in names.iter().enumerate() {
        let values: Vec<f64> = fitted.iter().map(|(e, _, _)| e[i]).collect();
        let (mean, sd) = mean_sd(&values);
        let target = star.map(|s| s[i]);
        let summary = ParamSummary {
            target,
            mean,
            bias: mean.zip(target).map(|(a, b)| a - b),
            sd,
            cramer_rao_sd: diagonal_sd(cr.as_ref(), i),
            sandwich_sd: diagonal_sd(sw.as_ref(), i),
            wald: star.map(|_| coverage(fitted.iter().map(|(_, w, _)| w[i]))),
            profile: (star.is_some() && profile)
                .then(|| coverage(fitted.iter().map(|(_, _, p)| p[i]))),
        };
        parameters
            .insert(name.clone(), serde_json::to_value(summary).expect("a summary serialises"));
    }
    SizeReport {
        m,
        converged: fitted.len(),
        not_converged: runs.len() - fitted.len(),
        failures,
        parameters,
    }
}
