//! The command line: argument definitions and dispatch. Usage errors exit with status 2
//! (clap's own), and so does every bad input, with one message on stderr.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};

mod classify;
mod simulate;
pub use classify::{ClassifyArgs, NetworkArgs};
pub use simulate::{SimulateArgs, SimulateFormat};

use crate::data::{Delimiter, Missing, ReadOptions};
use crate::error::{EXIT_BAD_INPUT, InputError};
use crate::optim::OptimizerKind;
use crate::optim::inference::Level;
use crate::optim::inference::bootstrap::MAX_REPLICATES;
use crate::report::Report;
use crate::runner::{
    CompareRequest, FitRequest, RunOverrides, compare_file, fit_file, parse_named, run_scenario,
};
use crate::scenario;
use crate::stats::family::FamilyKind;

/// mlex: a terminal explorer for maximum likelihood estimation.
#[derive(Debug, Parser)]
#[command(
    name = "mlex",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  \
        mlex                                    the explorer on normal-basics\n  \
        mlex tui -s underflow                   the explorer on a preset\n  \
        mlex run -s gamma-newton -f json        a preset headless, as JSON\n  \
        mlex fit data.txt -m gamma              fit a gamma to one number per line\n  \
        mlex fit data.csv -m weibull -c hours   a CSV column\n  \
        mlex compare data.txt                   every family that holds the data, by AIC\n  \
        mlex fit t.csv -m logistic --label y --features x1,x2\n  \
                                                a classifier on a labelled table\n  \
        mlex classify --truth xor -m mlp        a classifier on points from a known truth\n  \
        cut -f2 t.tsv | mlex fit - -m gamma     numbers from standard input\n  \
        mlex completions bash > mlex.bash       shell completions\n  \
        mlex man > mlex.1                       the manual page"
)]
pub struct Cli {
    /// What to do; with none, the TUI opens on the default scenario.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned key–value lines for people.
    Table,
    /// One JSON object.
    Json,
    /// The trajectory, one row per iteration.
    Csv,
}

/// What `--missing` does with a row whose value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MissingArg {
    /// Refuse the file, naming the first such line.
    Error,
    /// Leave the row out and say how many were.
    Skip,
}

impl From<MissingArg> for Missing {
    fn from(arg: MissingArg) -> Self {
        match arg {
            MissingArg::Error => Self::Error,
            MissingArg::Skip => Self::Skip,
        }
    }
}

/// The data file and how to read it: the flags `mlex fit` and `mlex compare` share.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// Data file: one number per line, or CSV with a header; - reads standard input (or
    /// give it with --data).
    #[arg(value_name = "FILE", required_unless_present = "data", conflicts_with = "data")]
    pub file: Option<PathBuf>,
    /// Data file (the same as the positional FILE).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// CSV column by name or 1-based index.
    #[arg(short, long)]
    pub column: Option<String>,
    /// CSV delimiter: , ; | tab space, or another character (default: told from the header).
    #[arg(short, long, value_parser = Delimiter::parse)]
    pub delimiter: Option<Delimiter>,
    /// A missing value (empty, NA, NaN, null, …): refuse the file, or leave its row out.
    #[arg(long, value_enum, default_value_t = MissingArg::Error)]
    pub missing: MissingArg,
}

impl DataArgs {
    /// The data file given (`-` for standard input); clap requires one of the two.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.file.clone().or_else(|| self.data.clone()).unwrap_or_default()
    }

    /// How to read it.
    #[must_use]
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            column: self.column.clone(),
            delimiter: self.delimiter,
            missing: self.missing.into(),
        }
    }
}

/// The arguments of `mlex fit`.
#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// The data and how to read it.
    #[command(flatten)]
    pub input: DataArgs,
    /// Model family.
    #[arg(short, long, long_help = family_help())]
    pub model: String,
    /// Optimiser (default newton).
    #[arg(short, long, long_help = optimizer_help())]
    pub optimizer: Option<String>,
    /// Starting θ, e.g. mu=0,sigma=2 (categorical: p=0.2:0.3:0.5).
    #[arg(long, allow_hyphen_values = true)]
    pub start: Option<String>,
    /// Step size for the first-order optimisers.
    #[arg(long, allow_negative_numbers = true)]
    pub step_size: Option<f64>,
    /// Step limit.
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Stop when the gradient norm of the mean log-likelihood is at most this (or, where
    /// θ runs to the boundary, when the mean log-likelihood is within this of its
    /// supremum).
    #[arg(long, allow_negative_numbers = true)]
    pub tolerance: Option<f64>,
    /// Binomial: the fixed number of trials n.
    #[arg(long)]
    pub trials: Option<u64>,
    /// Categorical: the number of categories k (default: largest value + 1).
    #[arg(long)]
    pub categories: Option<usize>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Include every step in the JSON.
    #[arg(long)]
    pub trajectory: bool,
    /// Seed of the goodness-of-fit bootstrap's generators (default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Standard errors, intervals and criteria.
    #[command(flatten)]
    pub inference: InferenceArgs,
    /// Classifiers: the label column, by name or 1-based index.
    #[arg(long)]
    pub label: Option<String>,
    /// Classifiers: the feature columns, e.g. x1,x2.
    #[arg(long, value_delimiter = ',')]
    pub features: Option<Vec<String>>,
    /// Classifiers: the network.
    #[command(flatten)]
    pub network: NetworkArgs,
}

/// The arguments of `mlex compare`: the data flags of `mlex fit`, and the models.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The families to compare, comma separated (default: every family whose support holds
    /// the data; whole numbers are compared as counts).
    #[arg(short, long, value_delimiter = ',', long_help = models_help())]
    pub models: Option<Vec<String>>,
    /// The data and how to read it.
    #[command(flatten)]
    pub input: DataArgs,
    /// Binomial: the fixed number of trials n (without it binomial is not fitted).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Categorical: the number of categories k (default: largest value + 1).
    #[arg(long)]
    pub categories: Option<usize>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
}

/// Output formats of `mlex compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// The ranking, reasons and tests for people.
    Table,
    /// One JSON object.
    Json,
}

/// The flags of the inference object, shared by `run` and `fit`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct InferenceArgs {
    /// Confidence level of the Wald and profile intervals, strictly between 0 and 1.
    #[arg(long, default_value_t = 0.95, allow_negative_numbers = true)]
    pub level: f64,
    /// Leave out the inference object (standard errors, intervals, AIC/BIC, goodness of fit).
    #[arg(long, conflicts_with_all = ["level", "bootstrap"])]
    pub no_inference: bool,
    /// Goodness-of-fit p-values by a parametric bootstrap of B refitted replicates, seeded
    /// from the run's seed (fit: --seed); 0 gives the statistics alone.
    #[arg(long, value_name = "B", default_value_t = 0)]
    pub bootstrap: usize,
}

impl InferenceArgs {
    /// The checked number of bootstrap replicates.
    fn bootstrap(self) -> Result<usize, InputError> {
        if self.bootstrap > MAX_REPLICATES {
            return Err(InputError::new(format!(
                "at most {MAX_REPLICATES} replicates, got {}",
                self.bootstrap
            ))
            .field("--bootstrap"));
        }
        Ok(self.bootstrap)
    }

    /// The checked level, or None without inference.
    fn level(self) -> Result<Option<Level>, InputError> {
        if self.no_inference {
            return Ok(None);
        }
        Level::new(self.level).map(Some).map_err(|v| {
            InputError::new(format!("must be strictly between 0 and 1, got {v}")).field("--level")
        })
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive explorer.
    Tui {
        /// Preset name or scenario file.
        #[arg(short, long, value_parser = clap::value_parser!(OsString))]
        scenario: Option<OsString>,
        /// Seed of the sampler.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Run a scenario headless to its step limit or convergence.
    Run {
        /// Preset name or scenario file.
        #[arg(short, long, value_parser = clap::value_parser!(OsString))]
        scenario: OsString,
        /// Step limit (replaces the scenario's).
        #[arg(long)]
        steps: Option<usize>,
        /// Seed of the sampler (replaces the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Output format.
        #[arg(short, long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Include every step in the JSON.
        #[arg(long)]
        trajectory: bool,
        /// Standard errors, intervals and criteria.
        #[command(flatten)]
        inference: InferenceArgs,
    },
    /// Fit a model to your own numbers (or a classifier to a labelled table).
    Fit(FitArgs),
    /// Fit every family (or --models) to your numbers and rank them by AIC.
    Compare(CompareArgs),
    /// Fit a classifier to labelled points drawn from a known truth: the loss, its
    /// irreducible part and the gap.
    Classify(ClassifyArgs),
    /// The sampling distribution of θ̂: R seeded samples at each size, fitted, against θ*, the
    /// Cramér–Rao bound and the intervals' coverage.
    Simulate(SimulateArgs),
    /// List the presets (name, then title), and ./scenarios/*.toml.
    Scenarios,
    /// Print shell completions for SHELL (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `mlex man > mlex.1`.
    Man,
    /// Validate scenario files.
    Check {
        /// Files (or preset names) to check.
        #[arg(required = true, value_parser = clap::value_parser!(OsString))]
        paths: Vec<OsString>,
    },
}

/// Why a command could not finish: bad input (status 2), or its output could not be
/// written (a closed pipe ends quietly, anything else is said).
pub enum Failure {
    /// Something the user gave is wrong.
    Input(InputError),
    /// Standard output could not be written.
    Write(std::io::Error),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Self::Input(e)
    }
}

/// Writes `text` to standard output and flushes it, so a full disk shows here, not later.
fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).map_err(Failure::Write)
}

fn print(report: &Report, format: Format) -> Result<(), Failure> {
    match format {
        Format::Table => out(&report.to_table()),
        Format::Json => out(&format!("{}\n", report.to_json())),
        Format::Csv => out(&report.to_csv()),
    }
}

/// The families, for `--model`'s long help.
fn family_help() -> String {
    format!(
        "Model family: one of {}; or a classifier: logistic, softmax, mlp (with --label and \
         --features).",
        FamilyKind::all_names()
    )
}

/// The optimisers, for `--optimizer`'s long help.
fn optimizer_help() -> String {
    format!("Optimiser: one of {} (default newton).", OptimizerKind::all_names())
}

/// The families, for `--models`' long help.
fn models_help() -> String {
    format!(
        "The families to compare, comma separated (default: every family whose support holds \
         the data; whole numbers are compared as counts): any of {}.",
        FamilyKind::all_names()
    )
}

/// "unknown WHAT 'given' (did you mean 'x'?) (choose one of …)" for `flag`, suggesting the
/// name nearest `given` when one is near.
fn unknown(what: &str, given: &str, names: &[&str], flag: &str) -> InputError {
    let nearest = names
        .iter()
        .map(|n| (strsim::damerau_levenshtein(given, n), *n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
        .min()
        .map(|(_, n)| format!(" (did you mean '{n}'?)"))
        .unwrap_or_default();
    InputError::new(format!(
        "unknown {what} '{given}'{nearest} (choose one of {})",
        names.join(", ")
    ))
    .field(flag)
}

fn positive_finite(flag: &str, v: Option<f64>) -> Result<(), InputError> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0) => {
            Err(InputError::new(format!("must be a finite number > 0, got {x}")).field(flag))
        }
        _ => Ok(()),
    }
}

/// A scenario argument as text. Clap alone would reject a non-UTF-8 path without naming
/// it; this names it (lossily), as every other bad input is named.
fn scenario_arg(arg: OsString, field: &str) -> Result<String, InputError> {
    arg.into_string().map_err(|raw| {
        InputError::new(
            "the path is not valid UTF-8; scenario files are named in UTF-8 (rename the file)",
        )
        .in_file(PathBuf::from(raw))
        .field(field)
    })
}

/// Runs one command; Err carries the message for stderr.
pub fn execute(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Tui { scenario, seed } => Ok(crate::tui::run(
            scenario.map(|a| scenario_arg(a, "--scenario")).transpose()?.as_deref(),
            seed,
        )?),
        Command::Run { scenario, steps, seed, format, trajectory, inference } => {
            let bootstrap = inference.bootstrap()?;
            let inference = inference.level()?;
            let s = match scenario::load_any(&scenario_arg(scenario, "--scenario")?)? {
                scenario::AnyScenario::Density(s) => s,
                scenario::AnyScenario::Classification(c) => {
                    return classify::run_scenario(&c, steps, seed, format);
                }
            };
            let overrides = RunOverrides { seed, steps, trajectory, inference, bootstrap };
            let report = run_scenario(&s, overrides)?;
            print(&report, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fit(args) => fit(args),
        Command::Compare(args) => compare(args),
        Command::Classify(args) => classify::classify(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Completions { shell } => {
            let mut out_buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mlex", &mut out_buf);
            out(&String::from_utf8_lossy(&out_buf))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page).map_err(Failure::Write)?;
            out(&String::from_utf8_lossy(&page))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Scenarios => {
            let list = scenario::catalogue();
            let width = list.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
            for (name, title) in list {
                let pad = " ".repeat(width - name.chars().count());
                match title {
                    Ok(t) => out(&format!("{name}{pad}  {t}\n"))?,
                    Err(e) => out(&format!("{name}{pad}  (invalid: {e})\n"))?,
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { paths } => {
            let mut failed = 0;
            for p in paths {
                let p = match scenario_arg(p, "path") {
                    Ok(p) => p,
                    Err(e) => {
                        say(&format!("mlex: {e}"));
                        failed += 1;
                        continue;
                    }
                };
                // The same validation as `mlex run`, which is to say running it.
                let checked = scenario::load_any(&p).and_then(|any| {
                    match &any {
                        scenario::AnyScenario::Density(s) => {
                            run_scenario(s, RunOverrides::default()).map(|_| ())?;
                        }
                        scenario::AnyScenario::Classification(c) => {
                            crate::runner::classify::run_class_scenario(c, None, None)?;
                        }
                    }
                    Ok(any)
                });
                match checked {
                    Ok(s) => out(&format!("ok  {p}: {}\n", s.title()))?,
                    Err(e) => {
                        say(&format!("mlex: {e}"));
                        failed += 1;
                    }
                }
            }
            Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_BAD_INPUT as u8) })
        }
    }
}

/// `mlex fit`: checks the flags, reads the data, fits and prints.
fn fit(args: FitArgs) -> Result<ExitCode, Failure> {
    if let Some(kind) = crate::stats::classify::ClassifierKind::from_name(&args.model) {
        return classify::fit(kind, args);
    }
    classify::refuse_on_family(&args)?;
    let optimizer = args
        .optimizer
        .map(|o| {
            OptimizerKind::from_name(&o).ok_or_else(|| {
                unknown(
                    "optimizer",
                    &o,
                    &OptimizerKind::ALL.map(OptimizerKind::name),
                    "--optimizer",
                )
            })
        })
        .transpose()?;
    let start = args
        .start
        .map(|s| parse_named(&s).map_err(|e| InputError::new(e).field("--start")))
        .transpose()?;
    positive_finite("--step-size", args.step_size)?;
    if let Some(t) = args.tolerance
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(InputError::new(format!("must be a finite number ≥ 0, got {t}"))
            .field("--tolerance")
            .into());
    }
    if FamilyKind::from_name(&args.model).is_none() {
        return Err(unknown(
            "family",
            &args.model,
            &FamilyKind::ALL.map(FamilyKind::name),
            "--model",
        )
        .into());
    }
    let data = args.input.path();
    let req = FitRequest {
        data,
        read: args.input.read_options(),
        model: args.model,
        optimizer,
        start,
        step_size: args.step_size,
        max_steps: args.max_steps,
        tolerance: args.tolerance,
        trials: args.trials,
        categories: args.categories,
        trajectory: args.trajectory,
        inference: args.inference.level()?,
        bootstrap: args.inference.bootstrap()?,
        seed: args.seed.unwrap_or(0),
    };

    print(&fit_file(&req)?, args.format)?;
    Ok(ExitCode::SUCCESS)
}

/// `mlex compare`: checks the model names, reads the data, fits each and prints the ranking.
fn compare(args: CompareArgs) -> Result<ExitCode, Failure> {
    let models = args
        .models
        .map(|names| {
            let mut kinds: Vec<FamilyKind> = Vec::new();
            for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                let kind = FamilyKind::from_name(name).ok_or_else(|| {
                    unknown("family", name, &FamilyKind::ALL.map(FamilyKind::name), "--models")
                })?;
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            if kinds.is_empty() {
                return Err(InputError::new("name at least one family").field("--models"));
            }
            Ok(kinds)
        })
        .transpose()?;
    let data = args.input.path();
    let req = CompareRequest {
        data,
        read: args.input.read_options(),
        models,
        trials: args.trials,
        categories: args.categories,
    };
    let report = compare_file(&req)?;
    match args.format {
        CompareFormat::Table => out(&report.to_table())?,
        CompareFormat::Json => out(&format!("{}\n", report.to_json()))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses the arguments, runs, and turns bad input into status 2.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Tui { scenario: None, seed: None });
    match execute(command) {
        Ok(code) => code,
        Err(Failure::Input(e)) => {
            say(&format!("mlex: {e}"));
            ExitCode::from(EXIT_BAD_INPUT as u8)
        }
        // The reader went away (`| head`): nobody is left to tell.
        Err(Failure::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Write(e)) => {
            say(&format!("mlex: cannot write the output: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// A line on standard error; if even that cannot be written, there is no one to tell.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
