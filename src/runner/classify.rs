//! The headless pipeline for classifiers: a labelled table read (or points drawn from a known
//! truth) → [`Labelled`] → a [`Classifier`] → the same optimisers and stopping rules as every
//! family → a [`ClassReport`].

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::inference::inference_report;
use crate::data::{Delimiter, LabelledOptions, Missing, read_labelled};
use crate::error::InputError;
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::optim::inference::Level;
use crate::optim::{OptimizerKind, Settings};
use crate::report::classification::{
    ClassReport, ClassTruthReport, HiddenReport, LabelledDataReport,
};
use crate::report::{BoundaryReport, SCHEMA_VERSION, Timing};
use crate::scenario::ClassScenario;
use crate::scenario::classifier::Loss;
use crate::stats::classify::decomposition::{self, Decomposition, Method};
use crate::stats::classify::mlp::Shape;
use crate::stats::classify::squared::SquaredError;
use crate::stats::classify::truth::{ClassTruth, PRESETS};
use crate::stats::classify::{
    Activation, Classifier, ClassifierKind, Labelled, Linear, MAX_CLASSES, MAX_HIDDEN, Mlp,
};
use crate::stats::information::Nats;
use crate::stats::model::Model;
use crate::stats::rng::seeded;
use crate::stats::underflow::first_hits;
use crate::words;

/// How to fit a classifier, whatever the points.
#[derive(Debug, Clone, Default)]
pub struct ClassifierRequest {
    /// Which model.
    pub model: Option<ClassifierKind>,
    /// The network's hidden units (mlp only; default 8).
    pub hidden: Option<usize>,
    /// The network's activation (mlp only; default tanh).
    pub activation: Option<Activation>,
    /// The seed of the network's random start (default 0).
    pub start_seed: Option<u64>,
    /// Optimiser; None is Newton.
    pub optimizer: Option<OptimizerKind>,
    /// Step size for the first-order optimisers.
    pub step_size: Option<f64>,
    /// Step limit.
    pub max_steps: Option<usize>,
    /// Gradient-norm tolerance.
    pub tolerance: Option<f64>,
    /// The level of `inference` (logistic and softmax); None leaves it out.
    pub inference: Option<Level>,
    /// The start θ (its length checked by the caller); None for the model's own start.
    pub start: Option<Vec<f64>>,
    /// Fit squared error on the sigmoid instead of the cross-entropy (logistic only); the
    /// report is of the cross-entropy at the θ it reaches.
    pub squared_error: bool,
}

/// What `mlex fit --label … --features …` reads.
#[derive(Debug, Clone, Default)]
pub struct LabelledRequest {
    /// The file (`-` for standard input).
    pub data: PathBuf,
    /// The label column.
    pub label: String,
    /// The feature columns.
    pub features: Vec<String>,
    /// The delimiter; None tells it from the header.
    pub delimiter: Option<Delimiter>,
    /// What a missing value does.
    pub missing: Missing,
}

/// What `mlex classify` samples.
#[derive(Debug, Clone)]
pub struct TruthRequest {
    /// The truth's preset name.
    pub truth: String,
    /// Points to draw.
    pub points: usize,
    /// Their seed.
    pub seed: u64,
    /// Fresh x for the Monte Carlo expectations (for d ≥ 2).
    pub mc_points: usize,
}

/// The default hidden units of a network.
pub const DEFAULT_HIDDEN: usize = 8;

/// The model the request names, checked against the classes: logistic takes two.
fn build<'a>(
    points: &'a Labelled,
    req: &ClassifierRequest,
    kind: ClassifierKind,
) -> Result<Box<dyn Classifier + 'a>, InputError> {
    let k = points.classes().len();
    if k < 2 {
        return Err(InputError::new(format!(
            "the labels hold one class ({}): a classifier needs two or more",
            points.classes()[0]
        ))
        .field("--label"));
    }
    if kind == ClassifierKind::Logistic && k != 2 {
        return Err(InputError::new(format!(
            "logistic regression takes two classes; the labels hold {k} ({}): use --model softmax",
            cut_list(points.classes())
        ))
        .field("--model"));
    }
    if kind != ClassifierKind::Mlp && (req.hidden.is_some() || req.activation.is_some()) {
        return Err(InputError::new(format!(
            "a {kind} model has no hidden layer: --hidden and --activation are for mlp"
        ))
        .field("--hidden"));
    }
    Ok(match kind {
        ClassifierKind::Logistic | ClassifierKind::Softmax => Box::new(Linear::new(points)),
        ClassifierKind::Mlp => {
            let hidden = req.hidden.unwrap_or(DEFAULT_HIDDEN);
            if !(1..=MAX_HIDDEN).contains(&hidden) {
                return Err(InputError::new(format!(
                    "must be from 1 to {MAX_HIDDEN}, got {hidden}"
                ))
                .field("--hidden"));
            }
            let activation = req.activation.unwrap_or_default();
            Box::new(Mlp::new(points, Shape { hidden, activation }))
        }
    })
}

fn cut_list(names: &[String]) -> String {
    let mut shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
    if names.len() > 8 {
        shown.push("…");
    }
    shown.join(", ")
}

/// Parameters by name, in the model's order.
fn named(names: &[String], values: &[f64]) -> Value {
    let mut map = Map::new();
    for (n, v) in names.iter().zip(values) {
        map.insert(n.clone(), json!(v));
    }
    Value::Object(map)
}

/// The fit and everything reported about it but the data and the truth.
fn fit_report(
    points: &Labelled,
    kind: ClassifierKind,
    req: &ClassifierRequest,
    read_seconds: f64,
) -> Result<(ClassReport, Vec<f64>), InputError> {
    let clock = Instant::now();
    let classifier = build(points, req, kind)?;
    let model: &dyn Model = classifier.as_ref();
    let start_seed = req.start_seed.unwrap_or(0);
    let start = match (&req.start, kind) {
        (Some(start), _) => start.clone(),
        (None, ClassifierKind::Mlp) => {
            let h = req.hidden.unwrap_or(DEFAULT_HIDDEN);
            let shape = Shape { hidden: h, activation: req.activation.unwrap_or_default() };
            Mlp::new(points, shape).start(start_seed)
        }
        (None, _) => Linear::new(points).start(),
    };
    let squared = req.squared_error.then(|| SquaredError::new(points));
    let climbed: &dyn Model = squared.as_ref().map_or(model, |s| s as &dyn Model);
    let prepare_seconds = clock.elapsed().as_secs_f64();
    let settings = Settings {
        kind: req.optimizer.unwrap_or(OptimizerKind::Newton),
        step_size: req.step_size.unwrap_or(Settings::default().step_size),
        ..Settings::default()
    };
    let stopping = Stopping {
        max_steps: req.max_steps.unwrap_or(Stopping::default().max_steps),
        tolerance: req.tolerance.unwrap_or(Stopping::default().tolerance),
    };
    let clock = Instant::now();
    let mut fit = Fit::new(climbed, &start, settings);
    let reason = fit.run(climbed, &stopping);
    let fit_seconds = clock.elapsed().as_secs_f64();
    // Under squared error the fit's ℓ is −Σ(y − p)²: the report is of the cross-entropy at θ.
    let cur = if req.squared_error {
        model.eval_natural(&fit.current().natural)
    } else {
        fit.current().clone()
    };
    let names = model.param_names();
    let (inference, inference_seconds) = match req.inference {
        Some(level) if kind != ClassifierKind::Mlp && !req.squared_error => {
            let clock = Instant::now();
            let inf = inference_report(model, &fit, reason, level);
            (Some(inf), Some(clock.elapsed().as_secs_f64()))
        }
        _ => (None, None),
    };
    let counts = points.counts();
    let report = ClassReport {
        schema_version: SCHEMA_VERSION,
        kind: "classification",
        model: kind.name().to_string(),
        hidden: (kind == ClassifierKind::Mlp).then(|| HiddenReport {
            units: req.hidden.unwrap_or(DEFAULT_HIDDEN),
            activation: req.activation.unwrap_or_default().name(),
            start_seed,
        }),
        classes: points.classes().to_vec(),
        reference_class: points.classes()[0].clone(),
        class_counts: counts,
        n: points.len(),
        d: points.dim(),
        features: points.features().to_vec(),
        params: named(&names, &cur.natural),
        start: named(&names, &start),
        log_likelihood: cur.log_likelihood,
        mean_log_likelihood: cur.mean_log_likelihood,
        cross_entropy: Nats::new(-cur.mean_log_likelihood),
        log_loss: -cur.mean_log_likelihood,
        accuracy: classifier.accuracy(&cur.natural),
        iterations: fit.iteration(),
        converged: reason.converged(),
        stop_reason: reason,
        boundary: boundary_report(model, &fit, reason),
        gradient_norm: cur.gradient_norm,
        optimizer: fit.optimizer().kind(),
        refused_steps: fit.refusals(),
        underflow: first_hits(model, &cur.natural, cur.log_likelihood),
        truth: None,
        data: None,
        inference,
        timing: Timing {
            read_seconds,
            prepare_seconds,
            fit_seconds,
            inference_seconds,
            gof_seconds: None,
        },
    };
    if !(cur.log_likelihood.is_finite() && cur.gradient_norm.is_finite()) {
        return Err(InputError::new(format!(
            "the log-likelihood is {} at the end of the fit: the features are beyond what f64 \
             can fit (rescale them)",
            cur.log_likelihood
        )));
    }
    Ok((report, cur.natural))
}

/// The boundary section, when the fit stopped there.
fn boundary_report(model: &dyn Model, fit: &Fit, reason: StopReason) -> Option<BoundaryReport> {
    let StopReason::Boundary { coordinate, increasing } = reason else { return None };
    let gap = fit.runaway().map_or(f64::NAN, |r| r.remaining);
    let limit = model.boundary_limit(&fit.current().free, coordinate, increasing);
    let value = Value::from(if limit.value > 0.0 { "inf" } else { "-inf" });
    Some(BoundaryReport {
        message: words::boundary(&limit, gap),
        parameter: limit.parameter,
        limit: value,
        gap,
    })
}

/// `mlex fit --model logistic|softmax|mlp --label … --features …`.
pub fn fit_labelled(
    data: &LabelledRequest,
    req: &ClassifierRequest,
) -> Result<ClassReport, InputError> {
    let kind = req.model.unwrap_or(ClassifierKind::Logistic);
    let clock = Instant::now();
    let table = read_labelled(
        &data.data,
        &LabelledOptions {
            label: data.label.clone(),
            features: data.features.clone(),
            delimiter: data.delimiter,
            missing: data.missing,
            max_classes: MAX_CLASSES,
        },
    )?;
    let file = table.path.clone();
    let points = Labelled::new(table.columns, table.labels, table.classes, table.features)
        .map_err(|e| InputError::new(format!("the table cannot be used: {e:?}")).in_file(&file))?;
    let read_seconds = clock.elapsed().as_secs_f64();
    let (mut report, _) =
        fit_report(&points, kind, req, read_seconds).map_err(|e| e.in_file(&file))?;
    report.data = Some(LabelledDataReport {
        file: file.display().to_string(),
        label: table.label,
        delimiter: table.delimiter.to_string(),
        skipped: table.skipped,
    });
    Ok(report)
}

/// `mlex classify --truth NAME`: points drawn from a known truth, fitted, and the loss split
/// into its irreducible part and the gap.
pub fn classify_truth(
    truth_req: &TruthRequest,
    req: &ClassifierRequest,
) -> Result<ClassReport, InputError> {
    let truth = ClassTruth::preset(&truth_req.truth).ok_or_else(|| {
        let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        InputError::new(format!(
            "unknown truth '{}' (choose one of {})",
            truth_req.truth,
            names.join(", ")
        ))
        .field("--truth")
    })?;
    classify_with_truth(&truth, truth_req, req)
}

/// A classification scenario run headless (`mlex run --scenario`, `mlex check`): its truth,
/// size, seed, model, loss, start and optimiser, `steps` and `seed` overriding the file's.
pub fn run_class_scenario(
    s: &ClassScenario,
    steps: Option<usize>,
    seed: Option<u64>,
) -> Result<ClassReport, InputError> {
    let req = ClassifierRequest {
        model: Some(s.model),
        hidden: (s.model == ClassifierKind::Mlp).then_some(s.shape.hidden),
        activation: (s.model == ClassifierKind::Mlp).then_some(s.shape.activation),
        start_seed: Some(s.start_seed),
        optimizer: Some(s.settings.kind),
        step_size: Some(s.settings.step_size),
        max_steps: Some(steps.unwrap_or(s.stopping.max_steps)),
        tolerance: Some(s.stopping.tolerance),
        inference: None,
        start: s.start.clone(),
        squared_error: s.loss == Loss::SquaredError,
    };
    let truth_req = TruthRequest {
        truth: s.truth.name.to_string(),
        points: s.sample_size,
        seed: seed.unwrap_or(s.seed),
        mc_points: DEFAULT_MC_POINTS,
    };
    classify_with_truth(&s.truth, &truth_req, &req).map_err(|e| e.in_file(&s.name))
}

/// Fresh x for the Monte Carlo expectations of a scenario run (as `mlex classify`'s default).
pub const DEFAULT_MC_POINTS: usize = 200_000;

/// Points drawn from `truth`, fitted, and the loss split into its irreducible part and the
/// gap.
pub fn classify_with_truth(
    truth: &ClassTruth,
    truth_req: &TruthRequest,
    req: &ClassifierRequest,
) -> Result<ClassReport, InputError> {
    if truth_req.points < 2 {
        return Err(InputError::new(format!("must be at least 2, got {}", truth_req.points))
            .field("--points"));
    }
    let kind = req.model.unwrap_or(if truth.classes.len() == 2 {
        ClassifierKind::Logistic
    } else {
        ClassifierKind::Softmax
    });
    let clock = Instant::now();
    let points = truth.sample(truth_req.points, &mut seeded(truth_req.seed));
    let read_seconds = clock.elapsed().as_secs_f64();
    if points.counts().contains(&0) {
        return Err(InputError::new(format!(
            "{} points of {} hold no point of some class: draw more",
            truth_req.points, truth.name
        ))
        .field("--points"));
    }
    let (mut report, theta) = fit_report(&points, kind, req, read_seconds)?;
    let classifier = build(&points, req, kind)?;
    let ln_q = |x: &[f64], out: &mut [f64]| classifier.ln_predict(&theta, x, out);
    let mc_seed = truth_req.seed ^ 0x9e37_79b9_7f4a_7c15;
    let dec: Decomposition = decomposition::quadrature(truth, &ln_q, 1 << 14)
        .unwrap_or_else(|| decomposition::monte_carlo(truth, &ln_q, truth_req.mc_points, mc_seed));
    let (method, count, seed, se) = match dec.method {
        Method::MonteCarlo { points, seed, standard_error } => {
            ("monte_carlo", points, Some(seed), Some(standard_error))
        }
        Method::Quadrature { intervals } => ("quadrature", intervals, None, None),
    };
    let linear = kind != ClassifierKind::Mlp;
    let true_params = truth.linear_params().filter(|_| linear);
    let params_why = match (&true_params, linear) {
        (Some(_), _) => None,
        (None, true) => {
            Some("p(y | x) is not a softmax of a linear function of x: the model is misspecified")
        }
        (None, false) => Some("a network's weights are not identified: many θ give the same q"),
    };
    report.truth = Some(ClassTruthReport {
        name: truth.name.to_string(),
        description: truth.description.to_string(),
        seed: truth_req.seed,
        params: true_params.map(|t| named(&classifier.param_names(), &t)),
        params_why,
        irreducible: Nats::new(dec.irreducible),
        gap: Nats::new(dec.gap),
        cross_entropy: Nats::new(dec.cross_entropy),
        method,
        points: count,
        mc_seed: seed,
        standard_error: se,
    });
    Ok(report)
}
