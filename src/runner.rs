//! The headless pipeline behind `mlex run` and `mlex fit`: data (sampled or read) → sample →
//! objective → optimiser → report. The TUI uses the same pieces step by step.

use std::collections::BTreeMap;
use std::time::Instant;

use crate::data::{DataFile, ReadOptions, read_data};
use crate::error::InputError;
use crate::format::exact as short;
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::optim::inference::bootstrap::{Bootstrap, goodness_of_fit};
use crate::optim::inference::{Fitted as InferenceFit, Level};
use crate::optim::{OptimizerKind, Settings};
use crate::report::{
    BoundaryReport, DataReport, InfiniteReport, Report, Timing, TrajectoryRow, TruthReport,
};
use crate::scenario::{Scenario, Source};
use crate::stats::family::{Family, FamilyKind, FromData, ParamValue, Shape};
use crate::stats::information::{Nats, Truth, empirical_decomposition};
use crate::stats::objective::{Model as _, Objective};
use crate::stats::rng::seeded;
use crate::stats::sample::Sample;
use crate::stats::underflow::first_hits;
use crate::words;

pub mod classify;
mod compare;
mod expected;
mod finite;
mod inference;
pub mod simulate;
pub use compare::{CompareRequest, compare_file};
use finite::{beyond_f64, first_non_finite, most_extreme, non_finite_message};
use inference::inference_report;

/// What `mlex fit` was asked.
#[derive(Debug, Clone, Default)]
pub struct FitRequest {
    /// The data file (`-` for standard input).
    pub data: std::path::PathBuf,
    /// How to read it: the CSV column, the delimiter, missing values.
    pub read: ReadOptions,
    /// Model family name.
    pub model: String,
    /// Optimiser; None picks Newton, which reaches 1e-8 in a few steps on every family.
    pub optimizer: Option<OptimizerKind>,
    /// Starting θ by name; None starts from the family's moment estimates.
    pub start: Option<BTreeMap<String, ParamValue>>,
    /// Step size for the first-order optimisers.
    pub step_size: Option<f64>,
    /// Step limit.
    pub max_steps: Option<usize>,
    /// Gradient-norm tolerance.
    pub tolerance: Option<f64>,
    /// Binomial's n.
    pub trials: Option<u64>,
    /// Categorical's k.
    pub categories: Option<usize>,
    /// Keep the per-step records in the report.
    pub trajectory: bool,
    /// The level of the report's `inference` object; None leaves it out.
    pub inference: Option<Level>,
    /// Bootstrap replicates for the goodness-of-fit p-values (0: none).
    pub bootstrap: usize,
    /// The seed of the bootstrap's generators.
    pub seed: u64,
}

/// Checks every value against the model's support, naming the line of the first outsider.
fn check_support(family: &dyn Family, data: &DataFile) -> Result<(), InputError> {
    // The support looked up once, not per value: files hold millions of them.
    let (support, fixed) = (family.kind().support(), family.fixed_value());
    let Some(index) = data.values.iter().position(|x| !support.contains(*x, fixed)) else {
        return Ok(());
    };
    let mut err = InputError::new(format!(
        "{} is outside the support of {} ({})",
        short(data.values[index]),
        family.kind(),
        family.support()
    ))
    .in_file(&data.path)
    .at_line(data.line_of(index));
    if let Some(c) = &data.column {
        err = err.field(c.clone());
    }
    Err(err)
}

/// The model's fixed part for data `values`: the value given (checked against its range),
/// else as the family declares it follows from the data, else an error saying how to give it.
fn model_shape(kind: FamilyKind, given: Option<u64>, values: &[f64]) -> Result<Shape, String> {
    let Some(part) = kind.fixed_part() else { return Ok(Shape::default()) };
    if let Some(v) = given {
        return part.check(v).map(Shape::fixed).map_err(|_| {
            format!("{kind}'s {} must be from {} to {}, got {v}", part.what, part.min, part.max)
        });
    }
    match part.from_data {
        FromData::Required => {
            Err(format!("{kind} needs the {} {}: give --{} N", part.what, part.name, part.key))
        }
        FromData::LargestPlusOne => {
            let max = values.iter().copied().fold(0.0, f64::max);
            if max.fract() == 0.0 && max >= part.max as f64 {
                return Err(format!(
                    "{kind} data hold the value {max}, so {name} would be {}, past its limit of {}",
                    short(max + 1.0),
                    part.max,
                    name = part.name,
                ));
            }
            if max.fract() != 0.0 || !(part.min as f64 - 1.0..part.max as f64).contains(&max) {
                return Err(format!(
                    "{kind} data must be whole numbers 0 to {name}−1 with {name} ≥ {} (fix {name} \
                     with --{key} K, or {key} = K in a scenario's [model])",
                    part.min,
                    name = part.name,
                    key = part.key,
                ));
            }
            Ok(Shape::fixed(part.holding(max)))
        }
    }
}

/// The fixed part a `mlex fit` request sets: the flag its family's fixed part names
/// (`--trials`, `--categories`); a flag for a fixed part the model does not have is refused.
fn requested_fixed(req: &FitRequest, kind: FamilyKind) -> Result<Option<u64>, InputError> {
    let mut given = None;
    for (key, value) in [("trials", req.trials), ("categories", req.categories.map(|k| k as u64))] {
        let Some(value) = value else { continue };
        if kind.fixed_part().is_none_or(|p| p.key != key) {
            return Err(InputError::new(format!(
                "a {kind} model takes no --{key}: only a model with that fixed part does"
            ))
            .field(format!("--{key}")));
        }
        given = Some(value);
    }
    Ok(given)
}

/// Why a start could not be used: the user's start is wrong, or the data are beyond what
/// f64 can fit (the moment estimates or the log-likelihood overflow).
enum StartError {
    /// The user's start, with what is wrong with it.
    Given(String),
    /// The data, with what overflowed.
    Data(String),
}

/// Starting θ: the user's, checked, or the family's moment estimates; either way ℓ and its
/// gradient must be finite there, or no optimiser can move.
fn start_point(
    family: &dyn Family,
    sample: &Sample,
    start: Option<&BTreeMap<String, ParamValue>>,
) -> Result<Vec<f64>, StartError> {
    let nat = if let Some(named) = start {
        family.params_from_named(named).map_err(|e| StartError::Given(e.to_string()))?
    } else {
        let nat = family.start(sample);
        family.check(&nat).map_err(|e| {
            StartError::Data(format!(
                "its moment estimates are not a valid θ ({e}): {}",
                beyond_f64(family, sample)
            ))
        })?;
        nat
    };
    let eval = Objective { family, sample }.eval_natural(&nat);
    if !eval.is_finite() {
        let why = format!(
            "at the start {} the log-likelihood is {} and the gradient norm {}",
            family.params_json(&nat),
            short(eval.log_likelihood),
            short(eval.gradient_norm)
        );
        return Err(match start {
            Some(_) => StartError::Given(format!("{why}: choose another start")),
            None => StartError::Data(format!("{why}: {}", beyond_f64(family, sample))),
        });
    }
    Ok(nat)
}

struct Fitted {
    fit: Fit,
    start: Vec<f64>,
    fit_seconds: f64,
    settings: Settings,
}

fn optimise(
    family: &dyn Family,
    sample: &Sample,
    start: Vec<f64>,
    settings: Settings,
    stopping: &Stopping,
) -> (Fitted, StopReason) {
    let objective = Objective { family, sample };
    let clock = Instant::now();
    let mut fit = Fit::new(&objective, &start, settings);
    let reason = fit.run(&objective, stopping);
    let fit_seconds = clock.elapsed().as_secs_f64();
    (Fitted { fit, start, fit_seconds, settings }, reason)
}

fn report(
    family: &dyn Family,
    sample: &Sample,
    fitted: &Fitted,
    reason: StopReason,
    timing: Timing,
    trajectory: bool,
) -> Report {
    let cur = fitted.fit.current();
    let nat = &cur.natural;
    let underflow = first_hits(&Objective { family, sample }, nat, cur.log_likelihood);
    Report {
        schema_version: crate::report::SCHEMA_VERSION,
        model: family.kind().name().to_string(),
        n: sample.len(),
        params: family.params_json(nat),
        start: family.params_json(&fitted.start),
        closed_form_mle: family.closed_form_mle(sample).map(|p| family.params_json(&p)),
        log_likelihood: cur.log_likelihood,
        mean_log_likelihood: cur.mean_log_likelihood,
        cross_entropy: Nats::new(-cur.mean_log_likelihood),
        empirical: empirical_decomposition(family, nat, sample),
        iterations: fitted.fit.iteration(),
        converged: reason.converged(),
        stop_reason: reason,
        boundary: boundary_report(family, &fitted.fit, reason),
        gradient_norm: cur.gradient_norm,
        optimizer: fitted.fit.optimizer().kind(),
        // Newton has no step size; the JSON keeps the configured one there, as it always has.
        step_size: fitted.fit.optimizer().step_size().unwrap_or(fitted.settings.step_size),
        refused_steps: fitted.fit.refusals(),
        underflow,
        timing: Timing { fit_seconds: fitted.fit_seconds, ..timing },
        inference: None,
        truth: None,
        data: None,
        scenario: None,
        trajectory: trajectory.then(|| {
            fitted
                .fit
                .history()
                .iter()
                .map(|r| TrajectoryRow {
                    iteration: r.iteration,
                    event: r.event,
                    params: r.params.clone(),
                    log_likelihood: r.log_likelihood,
                    gradient_norm: r.gradient_norm,
                    step_size: r.step_size,
                })
                .collect()
        }),
        param_names: family.param_names(),
        history: fitted.fit.history().to_vec(),
    }
}

/// Adds the inference object at `level` to a report, timed.
fn add_inference(
    rep: &mut Report,
    model: &dyn crate::stats::model::Model,
    fitted: &Fitted,
    reason: StopReason,
    level: Option<Level>,
) {
    let Some(level) = level else { return };
    let clock = Instant::now();
    rep.inference = Some(inference_report(model, &fitted.fit, reason, level));
    rep.timing.inference_seconds = Some(clock.elapsed().as_secs_f64());
}

/// Adds the goodness of fit of a family to a report's inference object (bootstrapped as
/// `bootstrap` asks), timed, its time counted in `inference_seconds` too.
fn add_gof(
    rep: &mut Report,
    model: &Objective,
    fitted: &Fitted,
    reason: StopReason,
    bootstrap: Bootstrap,
) {
    let Some(inference) = rep.inference.as_mut() else { return };
    let clock = Instant::now();
    let point = InferenceFit { point: fitted.fit.current(), reason, kinked: fitted.fit.kinked() };
    let gof = goodness_of_fit(model.family, model.sample, &point, bootstrap);
    inference::add_gof(inference, &gof);
    let seconds = clock.elapsed().as_secs_f64();
    rep.timing.gof_seconds = Some(seconds);
    rep.timing.inference_seconds = rep.timing.inference_seconds.map(|s| s + seconds);
}

/// Adds the expected information and the pseudo-true θ* to a report's inference object,
/// their time counted in `inference_seconds`.
fn add_expected(
    rep: &mut Report,
    family: &dyn Family,
    fitted: &Fitted,
    reason: StopReason,
    truth: Option<&Truth>,
) {
    let Some(inference) = rep.inference.as_mut() else { return };
    let clock = Instant::now();
    expected::add_expected(inference, family, &fitted.fit.current().natural, reason, truth);
    let seconds = clock.elapsed().as_secs_f64();
    rep.timing.inference_seconds = rep.timing.inference_seconds.map(|s| s + seconds);
}

/// The boundary section of a report, when the fit stopped there.
fn boundary_report(family: &dyn Family, fit: &Fit, reason: StopReason) -> Option<BoundaryReport> {
    let StopReason::Boundary { coordinate, increasing } = reason else { return None };
    let gap = fit.runaway().map_or(f64::NAN, |r| r.remaining);
    let limit = family.boundary_limit(&fit.current().free, coordinate, increasing);
    let value = if limit.value.is_infinite() {
        serde_json::Value::from(if limit.value > 0.0 { "inf" } else { "-inf" })
    } else {
        serde_json::Value::from(limit.value)
    };
    Some(BoundaryReport {
        message: words::boundary(&limit, gap),
        parameter: limit.parameter,
        limit: value,
        gap,
    })
}

/// `mlex fit`: reads a user's numbers and fits a model to them.
pub fn fit_file(req: &FitRequest) -> Result<Report, InputError> {
    let kind = FamilyKind::from_name(&req.model).ok_or_else(|| {
        InputError::new(format!(
            "unknown family '{}' (choose one of {})",
            req.model,
            FamilyKind::all_names()
        ))
        .field("--model")
    })?;
    let clock = Instant::now();
    let data = read_data(&req.data, &req.read)?;
    let file = data.path.clone();
    let in_file = |msg: String| InputError::new(msg).in_file(&file);
    let given = requested_fixed(req, kind)?;
    let shape = model_shape(kind, given, &data.values).map_err(in_file)?;
    let family = kind.build(shape);
    check_support(family.as_ref(), &data)?;
    let DataFile { values, column, lines, delimiter, skipped, .. } = data;
    // Errors about the data as a whole point at the value of most extreme magnitude.
    let extreme_line = most_extreme(&values).map(|i| lines.line_of(i));
    let data_err = |msg: String| {
        let err = in_file(msg);
        match extreme_line {
            Some(line) => err.at_line(line),
            None => err,
        }
    };
    let read_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let sample = Sample::new(values);
    if let Some(why) = family.degenerate(&sample) {
        return Err(in_file(words::degenerate(family.kind(), &why)));
    }
    let start = start_point(family.as_ref(), &sample, req.start.as_ref()).map_err(|e| match e {
        StartError::Given(e) => InputError::new(e).field("--start"),
        StartError::Data(e) => data_err(e),
    })?;
    let prep_seconds = clock.elapsed().as_secs_f64();
    let settings = Settings {
        kind: req.optimizer.unwrap_or(OptimizerKind::Newton),
        step_size: req.step_size.unwrap_or(Settings::default().step_size),
        ..Settings::default()
    };
    let stopping = Stopping {
        max_steps: req.max_steps.unwrap_or(Stopping::default().max_steps),
        tolerance: req.tolerance.unwrap_or(Stopping::default().tolerance),
    };
    let (fitted, reason) = optimise(family.as_ref(), &sample, start, settings, &stopping);
    let timing = Timing {
        read_seconds,
        prepare_seconds: prep_seconds,
        fit_seconds: 0.0,
        inference_seconds: None,
        gof_seconds: None,
    };
    let mut rep = report(family.as_ref(), &sample, &fitted, reason, timing, req.trajectory);
    let objective = Objective { family: family.as_ref(), sample: &sample };
    let bootstrap = Bootstrap { replicates: req.bootstrap, seed: req.seed };
    add_inference(&mut rep, &objective, &fitted, reason, req.inference);
    add_gof(&mut rep, &objective, &fitted, reason, bootstrap);
    add_expected(&mut rep, family.as_ref(), &fitted, reason, None);
    if let Some(what) = first_non_finite(&rep) {
        return Err(data_err(non_finite_message(family.as_ref(), &sample, &what)));
    }
    rep.data = Some(DataReport {
        file: file.display().to_string(),
        column,
        delimiter: delimiter.map(|d| d.to_string()),
        skipped,
    });
    Ok(rep)
}

/// Overrides for `mlex run`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOverrides {
    /// Replaces the scenario's seed.
    pub seed: Option<u64>,
    /// Replaces the scenario's step limit.
    pub steps: Option<usize>,
    /// Keep per-step records in the JSON.
    pub trajectory: bool,
    /// The level of the report's `inference` object; None leaves it out.
    pub inference: Option<Level>,
    /// Bootstrap replicates for the goodness-of-fit p-values (0: none), seeded from the
    /// run's seed.
    pub bootstrap: usize,
}

/// A scenario's data, model and start, ready to fit: what `run` and the TUI share.
pub struct Prepared {
    /// The sample.
    pub sample: Sample,
    /// The model.
    pub model: Box<dyn Family>,
    /// The truth, when the data were sampled, with its integration rule.
    pub truth: Option<Truth>,
    /// Starting θ.
    pub start: Vec<f64>,
    /// Seconds spent sampling or reading.
    pub read_seconds: f64,
    /// Seconds spent on the sample's statistics and the start: part of the fit's time.
    pub prep_seconds: f64,
}

/// An error about a scenario's model or data, found after parsing: it points at the line of
/// `model.family`, the only place known by then.
fn scenario_err(scenario: &Scenario, msg: String) -> InputError {
    let err = InputError::new(msg).in_file(&scenario.name);
    match scenario.model_at {
        Some((line, column)) => err.at_line(line).at_column(column),
        None => err,
    }
}

/// Samples (or reads) a scenario's data and builds its model.
pub fn prepare(scenario: &Scenario, seed: u64) -> Result<Prepared, InputError> {
    prepare_with(scenario, seed, None)
}

/// As [`prepare`], with a data scenario's values given (`data`) instead of read from its
/// file: the explorer reads the file once, at load, so rebuilding a run never touches the
/// disk. A sampled scenario ignores `data`.
pub fn prepare_with(
    scenario: &Scenario,
    seed: u64,
    data: Option<&[f64]>,
) -> Result<Prepared, InputError> {
    let clock = Instant::now();
    let scenario_err = |msg: String| scenario_err(scenario, msg);
    let (values, truth) = match &scenario.source {
        Source::Truth { kind, shape, params } => {
            let family = kind.build(*shape);
            let values = family.sample(params, scenario.sample_size, &mut seeded(seed));
            (values, Some(Truth::new(family.as_ref(), params)))
        }
        Source::Data { path, read } => match data {
            Some(values) => (values.to_vec(), None),
            None => (read_data(path, read)?.values, None),
        },
    };
    // The file's fixed part, else a same-family truth's, else the data's.
    let fixed = scenario.model_fixed.or(match &scenario.source {
        Source::Truth { kind, shape, .. } if *kind == scenario.model => shape.0,
        _ => None,
    });
    let shape =
        model_shape(scenario.model, fixed, &values).map_err(|e| scenario_err(e).field("model"))?;
    let model = scenario.model.build(shape);
    let (support, fixed) = (model.kind().support(), model.fixed_value());
    if let Some((i, x)) = values.iter().enumerate().find(|(_, x)| !support.contains(**x, fixed)) {
        return Err(scenario_err(format!(
            "the data hold {} (value {}), outside the support of the model {} ({})",
            short(*x),
            i + 1,
            model.kind(),
            model.support()
        ))
        .field("model.family"));
    }
    let read_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let sample = Sample::new(values);
    if let Some(why) = model.degenerate(&sample) {
        return Err(scenario_err(words::degenerate(model.kind(), &why)).field("model.family"));
    }
    let start =
        start_point(model.as_ref(), &sample, scenario.start.as_ref()).map_err(|e| match e {
            StartError::Given(e) => scenario_err(e).field("model.start"),
            StartError::Data(e) => {
                scenario_err(format!("the sampled data: {e}")).field("model.family")
            }
        })?;
    let prep_seconds = clock.elapsed().as_secs_f64();
    Ok(Prepared { sample, model, truth, start, read_seconds, prep_seconds })
}

/// `mlex run`: a scenario headless, to its step limit or convergence.
pub fn run_scenario(scenario: &Scenario, overrides: RunOverrides) -> Result<Report, InputError> {
    let seed = overrides.seed.unwrap_or(scenario.seed);
    let prepared = prepare(scenario, seed)?;
    let mut stopping = scenario.stopping;
    if let Some(steps) = overrides.steps {
        stopping.max_steps = steps;
    }
    let model = prepared.model.as_ref();
    let (fitted, reason) =
        optimise(model, &prepared.sample, prepared.start.clone(), scenario.settings, &stopping);
    let timing = Timing {
        read_seconds: prepared.read_seconds,
        prepare_seconds: prepared.prep_seconds,
        fit_seconds: 0.0,
        inference_seconds: None,
        gof_seconds: None,
    };
    let mut rep = report(model, &prepared.sample, &fitted, reason, timing, overrides.trajectory);
    let objective = Objective { family: model, sample: &prepared.sample };
    let bootstrap = Bootstrap { replicates: overrides.bootstrap, seed };
    add_inference(&mut rep, &objective, &fitted, reason, overrides.inference);
    add_gof(&mut rep, &objective, &fitted, reason, bootstrap);
    add_expected(&mut rep, model, &fitted, reason, prepared.truth.as_ref());
    rep.scenario = Some(scenario.name.clone());
    if let Some(truth) = &prepared.truth {
        let decomposition = truth.decompose(model, &fitted.fit.current().natural);
        let finite_kl = decomposition.infinite.is_some() || decomposition.kl_divergence.is_finite();
        if !(decomposition.truth_entropy.is_finite() && finite_kl) {
            return Err(scenario_err(
                scenario,
                format!(
                    "the truth {} {}: its entropy and D(p‖q) cannot be computed in 64-bit \
                     floating point (its quantiles or densities overflow); choose parameters \
                     nearer 1",
                    truth.family().kind(),
                    truth.family().params_json(truth.params())
                ),
            )
            .field("truth.params"));
        }
        rep.truth = Some(TruthReport {
            family: truth.family().kind().name().to_string(),
            params: truth.family().params_json(truth.params()),
            infinite: decomposition.infinite.map(|why| InfiniteReport {
                why: words::infinite_name(why),
                message: words::infinite(truth.family().kind(), model.kind(), why),
            }),
            decomposition,
        });
    }
    if let Some(what) = first_non_finite(&rep) {
        let msg = non_finite_message(model, &prepared.sample, &what);
        return Err(
            scenario_err(scenario, format!("the sampled data: {msg}")).field("model.family")
        );
    }
    Ok(rep)
}

/// Parses `mu=1.5,sigma=2` or `p=0.2:0.3:0.5` (a list, for categorical).
pub fn parse_named(text: &str) -> Result<BTreeMap<String, ParamValue>, String> {
    let mut out = BTreeMap::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("'{part}' is not NAME=VALUE"))?;
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| format!("'{}' is not a number (in '{part}')", s.trim()))
        };
        let value = if v.contains(':') {
            ParamValue::List(v.split(':').map(num).collect::<Result<_, _>>()?)
        } else {
            ParamValue::Scalar(num(v)?)
        };
        out.insert(k.trim().to_string(), value);
    }
    if out.is_empty() {
        return Err("no parameters given (write NAME=VALUE,NAME=VALUE)".into());
    }
    Ok(out)
}
