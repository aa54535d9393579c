//! The flags of `mlex simulate` and their checks.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::ValueEnum;

use super::{Failure, out, scenario_arg};
use crate::error::InputError;
use crate::optim::inference::Level;
use crate::runner::simulate::{MAX_REPEATS, SimulateRequest, simulate};
use crate::scenario;

/// The formats of `mlex simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    /// A block per size for people.
    Table,
    /// One JSON object.
    Json,
}

/// The arguments of `mlex simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Preset name or scenario file (its data must be sampled from a truth).
    #[arg(short, long, value_parser = clap::value_parser!(OsString))]
    pub scenario: OsString,
    /// Samples drawn and fitted at each size.
    #[arg(short, long)]
    pub repeats: usize,
    /// Sample sizes, comma separated (default: the scenario's).
    #[arg(long, allow_hyphen_values = true)]
    pub sizes: Option<String>,
    /// Seed of the run (replaces the scenario's); repeat r at size m is seeded from it, m and r.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Level of the Wald and profile intervals whose coverage is counted.
    #[arg(long, default_value_t = 0.95, allow_negative_numbers = true)]
    pub level: f64,
    /// Skip the profile intervals (the costly part).
    #[arg(long)]
    pub no_profile: bool,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = SimulateFormat::Table)]
    pub format: SimulateFormat,
}

/// The sizes of `--sizes`: whole numbers ≥ 2, comma separated.
fn parse_sizes(text: &str) -> Result<Vec<usize>, InputError> {
    let bad = |msg: String| InputError::new(msg).field("--sizes");
    let sizes: Vec<usize> = text
        .split(',')
        .map(str::trim)
        .map(|s| {
            s.parse::<usize>()
                .map_err(|_| bad(format!("'{s}' is not a whole number (write --sizes 100,1000)")))
        })
        .collect::<Result<_, _>>()?;
    if let Some(m) = sizes.iter().find(|&&m| m < 2) {
        return Err(bad(format!("every size must be at least 2, got {m}")));
    }
    Ok(sizes)
}

impl SimulateArgs {
    fn request(&self) -> Result<SimulateRequest, InputError> {
        if self.repeats == 0 || self.repeats > MAX_REPEATS {
            return Err(InputError::new(format!(
                "must be from 1 to {MAX_REPEATS}, got {}",
                self.repeats
            ))
            .field("--repeats"));
        }
        let level = Level::new(self.level).map_err(|v| {
            InputError::new(format!("must be strictly between 0 and 1, got {v}")).field("--level")
        })?;
        let sizes = self.sizes.as_deref().map(parse_sizes).transpose()?.unwrap_or_default();
        Ok(SimulateRequest {
            repeats: self.repeats,
            sizes,
            seed: self.seed,
            level,
            profile: !self.no_profile,
        })
    }
}

/// Runs `mlex simulate`.
pub fn run(args: SimulateArgs) -> Result<ExitCode, Failure> {
    let request = args.request()?;
    let s = scenario::load(&scenario_arg(args.scenario, "--scenario")?)?;
    let report = simulate(&s, &request)?;
    match args.format {
        SimulateFormat::Table => out(&report.to_table())?,
        SimulateFormat::Json => out(&format!("{}\n", report.to_json()))?,
    }
    Ok(ExitCode::SUCCESS)
}
