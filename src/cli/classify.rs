//! The command line of the classifiers: `mlex fit --model logistic|softmax|mlp --label y
//! --features x1,x2` and `mlex classify --truth NAME`, their flags and their checks.

use std::process::ExitCode;

use super::{Failure, FitArgs, Format, InferenceArgs, out, positive_finite, unknown};
use crate::error::InputError;
use crate::optim::OptimizerKind;
use crate::report::classification::ClassReport;
use crate::runner::classify::{
    ClassifierRequest, LabelledRequest, TruthRequest, classify_truth, fit_labelled,
};
use crate::stats::classify::truth::PRESETS;
use crate::stats::classify::{Activation, ClassifierKind};

/// The network's flags, shared by `fit` and `classify`.
#[derive(Debug, Clone, clap::Args)]
pub struct NetworkArgs {
    /// mlp: hidden units (1 to 32, default 8).
    #[arg(long)]
    pub hidden: Option<usize>,
    /// mlp: the hidden units' activation, tanh (default) or relu.
    #[arg(long)]
    pub activation: Option<String>,
    /// mlp: the seed of the random start (default 0).
    #[arg(long)]
    pub start_seed: Option<u64>,
}

/// The arguments of `mlex classify`.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// The truth to draw labelled points from.
    #[arg(short, long, long_help = truth_help())]
    pub truth: String,
    /// Model: logistic, softmax or mlp (default logistic for two classes, else softmax).
    #[arg(short, long)]
    pub model: Option<String>,
    /// Points to draw.
    #[arg(short = 'n', long, default_value_t = 1000)]
    pub points: usize,
    /// Seed of the sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fresh x for the Monte Carlo expectations over x (two or more features; one feature
    /// uses quadrature).
    #[arg(long, default_value_t = 200_000)]
    pub mc_points: usize,
    /// Optimiser (default newton).
    #[arg(short, long)]
    pub optimizer: Option<String>,
    /// Step size for the first-order optimisers.
    #[arg(long, allow_negative_numbers = true)]
    pub step_size: Option<f64>,
    /// Step limit.
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Gradient-norm tolerance.
    #[arg(long, allow_negative_numbers = true)]
    pub tolerance: Option<f64>,
    /// The network.
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Output format: table or json.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Standard errors, intervals and criteria (logistic and softmax).
    #[command(flatten)]
    pub inference: InferenceArgs,
}

fn truth_help() -> String {
    let lines: Vec<String> = PRESETS.iter().map(|(n, d)| format!("  {n}: {d}")).collect();
    format!("The truth to draw labelled points from:\n{}", lines.join("\n"))
}

fn classifier(name: &str) -> Result<ClassifierKind, InputError> {
    ClassifierKind::from_name(name).ok_or_else(|| {
        unknown("classifier", name, &ClassifierKind::ALL.map(ClassifierKind::name), "--model")
    })
}

fn optimizer(name: Option<&str>) -> Result<Option<OptimizerKind>, InputError> {
    name.map(|o| {
        OptimizerKind::from_name(o).ok_or_else(|| {
            unknown("optimizer", o, &OptimizerKind::ALL.map(OptimizerKind::name), "--optimizer")
        })
    })
    .transpose()
}

/// The request shared by both commands, checked.
fn request(
    model: Option<ClassifierKind>,
    network: &NetworkArgs,
    optimizer_name: Option<&str>,
    (step_size, max_steps, tolerance): (Option<f64>, Option<usize>, Option<f64>),
    inference: InferenceArgs,
) -> Result<ClassifierRequest, InputError> {
    positive_finite("--step-size", step_size)?;
    if let Some(t) = tolerance
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(
            InputError::new(format!("must be a finite number ≥ 0, got {t}")).field("--tolerance")
        );
    }
    let activation = network
        .activation
        .as_deref()
        .map(|a| {
            Activation::from_name(a)
                .ok_or_else(|| unknown("activation", a, &["tanh", "relu"], "--activation"))
        })
        .transpose()?;
    if network.start_seed.is_some() && model.is_some_and(|m| m != ClassifierKind::Mlp) {
        return Err(InputError::new("only a network has a random start: --start-seed is for mlp")
            .field("--start-seed"));
    }
    Ok(ClassifierRequest {
        model,
        hidden: network.hidden,
        activation,
        start_seed: network.start_seed,
        optimizer: optimizer(optimizer_name)?,
        step_size,
        max_steps,
        tolerance,
        inference: inference.level()?,
        ..ClassifierRequest::default()
    })
}

fn print(report: &ClassReport, format: Format) -> Result<(), Failure> {
    match format {
        Format::Table => out(&report.to_table()),
        Format::Json => out(&format!("{}\n", report.to_json())),
        Format::Csv => Err(InputError::new(
            "a classifier's report is a table or JSON (csv is a family's trajectory)",
        )
        .field("--format")
        .into()),
    }
}

/// `mlex fit` with a classifier as the model.
pub fn fit(kind: ClassifierKind, args: FitArgs) -> Result<ExitCode, Failure> {
    let refused = [
        ("--column", args.input.column.is_some()),
        ("--start", args.start.is_some()),
        ("--trials", args.trials.is_some()),
        ("--categories", args.categories.is_some()),
        ("--trajectory", args.trajectory),
    ];
    if let Some((flag, _)) = refused.iter().find(|(_, given)| *given) {
        return Err(InputError::new(format!(
            "a {kind} model takes no {flag} (its columns are --label and --features)"
        ))
        .field(*flag)
        .into());
    }
    if args.format == Format::Csv {
        return Err(InputError::new("a classifier's report is a table or JSON")
            .field("--format")
            .into());
    }
    let Some(label) = args.label else {
        return Err(InputError::new(format!(
            "a {kind} model needs the label column: --label COLUMN --features a,b,…"
        ))
        .field("--label")
        .into());
    };
    let features = args.features.unwrap_or_default();
    if features.is_empty() {
        return Err(InputError::new(format!(
            "a {kind} model needs the feature columns: --features a,b,…"
        ))
        .field("--features")
        .into());
    }
    let req = request(
        Some(kind),
        &args.network,
        args.optimizer.as_deref(),
        (args.step_size, args.max_steps, args.tolerance),
        args.inference,
    )?;
    let data = LabelledRequest {
        data: args.input.path(),
        label,
        features,
        delimiter: args.input.delimiter,
        missing: args.input.missing.into(),
    };
    print(&fit_labelled(&data, &req)?, args.format)?;
    Ok(ExitCode::SUCCESS)
}

/// The flags only classifiers take, refused on a family.
pub fn refuse_on_family(args: &FitArgs) -> Result<(), InputError> {
    let given = [
        ("--label", args.label.is_some()),
        ("--features", args.features.is_some()),
        ("--hidden", args.network.hidden.is_some()),
        ("--activation", args.network.activation.is_some()),
        ("--start-seed", args.network.start_seed.is_some()),
    ];
    match given.iter().find(|(_, g)| *g) {
        Some((flag, _)) => Err(InputError::new(format!(
            "{flag} is for classifiers (--model logistic, softmax or mlp), not the family {}",
            args.model
        ))
        .field(*flag)),
        None => Ok(()),
    }
}

/// `mlex classify`.
pub fn classify(args: ClassifyArgs) -> Result<ExitCode, Failure> {
    let model = args.model.as_deref().map(classifier).transpose()?;
    let req = request(
        model,
        &args.network,
        args.optimizer.as_deref(),
        (args.step_size, args.max_steps, args.tolerance),
        args.inference,
    )?;
    if args.mc_points < 2 {
        return Err(InputError::new(format!("must be at least 2, got {}", args.mc_points))
            .field("--mc-points")
            .into());
    }
    let truth = TruthRequest {
        truth: args.truth,
        points: args.points,
        seed: args.seed,
        mc_points: args.mc_points,
    };
    print(&classify_truth(&truth, &req)?, args.format)?;
    Ok(ExitCode::SUCCESS)
}

/// `mlex run --scenario S` for a classification scenario: its report, as `mlex classify`
/// prints it.
pub fn run_scenario(
    s: &crate::scenario::ClassScenario,
    steps: Option<usize>,
    seed: Option<u64>,
    format: Format,
) -> Result<ExitCode, Failure> {
    let report = crate::runner::classify::run_class_scenario(s, steps, seed)?;
    print(&report, format)?;
    Ok(ExitCode::SUCCESS)
}
