//! The report of a fit, as the command-line contract fixes it: one JSON object, a
//! human-readable table, or the trajectory as CSV.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::format::{compact, exact as short, fixed};
use crate::optim::OptimizerKind;
use crate::optim::fit::{Event, Record, StopReason};
use crate::stats::information::{EmpiricalDecomposition, Nats, TruthDecomposition};
use crate::stats::underflow::UnderflowTrace;

/// The version of the JSON layout. 2: `schema_version` itself, `stop_reason`'s verified
/// reasons (`saddle`, `flat`, …), `truth.infinite`.
pub const SCHEMA_VERSION: u32 = 2;

/// Everything `mlex run` and `mlex fit` print.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The version of this layout ([`SCHEMA_VERSION`]): it changes when a field is renamed or
    /// removed, or its meaning changes.
    pub schema_version: u32,
    /// Model family name.
    pub model: String,
    /// Sample size m.
    pub n: usize,
    /// Fitted natural parameters by name.
    pub params: Value,
    /// Starting natural parameters by name.
    pub start: Value,
    /// The closed-form MLE, for families that have one.
    pub closed_form_mle: Option<Value>,
    /// ℓ = Σ ln q(xᵢ).
    pub log_likelihood: f64,
    /// ℓ/m.
    pub mean_log_likelihood: f64,
    /// H(p̂, q_θ) = −ℓ/m.
    pub cross_entropy: Nats,
    /// For whole-number data under a discrete model: H(p̂) and D(p̂‖q) exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empirical: Option<EmpiricalDecomposition>,
    /// Optimiser iterations taken (accepted and refused).
    pub iterations: usize,
    /// Whether θ is a maximum (gradient tolerance, or no ascent possible). False at the step
    /// limit, and at the boundary, where ℓ reaches its supremum only as θ leaves the parameter
    /// space (see `boundary`).
    pub converged: bool,
    /// Which stopping rule ended the run (its JSON name, e.g. "gradient_tolerance").
    pub stop_reason: StopReason,
    /// With `stop_reason` "boundary": which parameter runs off to where, and how close ℓ is
    /// to the supremum it approaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<BoundaryReport>,
    /// ‖∇(ℓ/m)‖ in free coordinates at the end.
    pub gradient_norm: f64,
    /// The optimiser (its interface name in JSON, e.g. "newton").
    pub optimizer: OptimizerKind,
    /// Final step size (smaller than the initial one after refusals); for Newton, which has
    /// none, the configured one it ignored.
    pub step_size: f64,
    /// Steps refused (non-finite or, for gradient ascent, lowering ℓ).
    pub refused_steps: usize,
    /// Where the raw product of probabilities breaks down.
    pub underflow: UnderflowTrace,
    /// Wall-clock seconds.
    pub timing: Timing,
    /// `run` only: the truth and the decomposition against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truth: Option<TruthReport>,
    /// `fit` only: the data file and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<DataReport>,
    /// Scenario name, for `run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Per-step records, with `--trajectory`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trajectory: Option<Vec<TrajectoryRow>>,
    /// Parameter names in order, for tables and CSV.
    #[serde(skip)]
    pub param_names: Vec<String>,
    /// The full trajectory, for CSV.
    #[serde(skip)]
    pub history: Vec<Record>,
}

/// θ running to the boundary of the parameter space: ℓ is at its supremum to within `gap`, but
/// no θ attains it, so there is no maximum-likelihood estimate to report as converged.
#[derive(Debug, Clone, Serialize)]
pub struct BoundaryReport {
    /// The natural parameter that runs off.
    pub parameter: String,
    /// Where it goes: a number (0, 1) or "inf" / "-inf".
    pub limit: Value,
    /// ℓ/m is at most this far below its supremum (the geometric tail of the last gains).
    pub gap: f64,
    /// The same for people, e.g. "df → ∞: … (the normal limit of the t) …".
    pub message: String,
}

/// Wall-clock timings.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Timing {
    /// Reading (or sampling) the data, up to the numbers in memory.
    pub read_seconds: f64,
    /// The sample's statistics (one pass, or two) and the starting point: with
    /// `fit_seconds`, what a library's fit call on loaded data does.
    pub prepare_seconds: f64,
    /// The optimisation alone.
    pub fit_seconds: f64,
}

/// The truth of a `run`.
#[derive(Debug, Clone, Serialize)]
pub struct TruthReport {
    /// Family name.
    pub family: String,
    /// Natural parameters by name.
    pub params: Value,
    /// H(p), H(p, q_θ) and D(p‖q_θ) at the fitted θ (null when infinite).
    #[serde(flatten)]
    pub decomposition: TruthDecomposition,
    /// When H(p, q_θ) and D(p‖q_θ) are infinite: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub infinite: Option<InfiniteReport>,
}

/// Why a quantity is infinite, for JSON's null.
#[derive(Debug, Clone, Serialize)]
pub struct InfiniteReport {
    /// "support" (the model has density 0 where the truth has mass) or "tails" (the truth's
    /// tails are too heavy for the model's).
    pub why: &'static str,
    /// The same for people.
    pub message: String,
}

/// The data file of a `fit`.
#[derive(Debug, Clone, Serialize)]
pub struct DataReport {
    /// Path as given.
    pub file: String,
    /// CSV column, if any.
    pub column: Option<String>,
    /// The CSV delimiter read (`,`, `tab`, `space`, …), if CSV.
    pub delimiter: Option<String>,
    /// Rows left out for a missing value (`--missing skip`).
    pub skipped: usize,
}

/// One row of `--trajectory`.
#[derive(Debug, Clone, Serialize)]
pub struct TrajectoryRow {
    /// Iteration (0 = start).
    pub iteration: usize,
    /// What happened (its short name, e.g. "accepted").
    pub event: Event,
    /// Natural parameters.
    pub params: Vec<f64>,
    /// ℓ.
    pub log_likelihood: f64,
    /// ‖∇(ℓ/m)‖.
    pub gradient_norm: f64,
    /// Step size after the iteration.
    pub step_size: f64,
}

impl Report {
    /// The JSON object, pretty-printed.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The trajectory as CSV: one row per iteration.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "iteration,event,log_likelihood,mean_log_likelihood,gradient_norm,step_size",
        );
        for name in &self.param_names {
            out.push(',');
            out.push_str(name);
        }
        out.push('\n');
        for r in &self.history {
            let _ = write!(
                out,
                "{},{},{},{},{},{}",
                r.iteration,
                r.event.name(),
                short(r.log_likelihood),
                short(r.mean_log_likelihood),
                short(r.gradient_norm),
                short(r.step_size)
            );
            for p in &r.params {
                let _ = write!(out, ",{}", short(*p));
            }
            out.push('\n');
        }
        out
    }

    /// A table for people.
    #[must_use]
    pub fn to_table(&self) -> String {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
        if let Some(s) = &self.scenario {
            row("scenario", s.clone());
        }
        if let Some(d) = &self.data {
            let col = d.column.as_ref().map(|c| format!(" (column {c})")).unwrap_or_default();
            row("data", format!("{}{col}", d.file));
            if d.skipped > 0 {
                let rows = if d.skipped == 1 { "row" } else { "rows" };
                row("skipped", format!("{} {rows} with a missing value", d.skipped));
            }
        }
        row("model", self.model.clone());
        row("n", self.n.to_string());
        row("params", compact(&self.params));
        if let Some(c) = &self.closed_form_mle {
            row("closed-form MLE", compact(c));
        }
        row("start", compact(&self.start));
        row("log-likelihood", fixed(self.log_likelihood, 10));
        row("mean log-likelihood", fixed(self.mean_log_likelihood, 10));
        row(
            "cross-entropy H(p̂,q)",
            format!(
                "{} nats = {} bits",
                fixed(self.cross_entropy.nats, 10),
                fixed(self.cross_entropy.bits, 10)
            ),
        );
        if let Some(e) = &self.empirical {
            row("entropy H(p̂)", format!("{} nats", fixed(e.empirical_entropy, 10)));
            row("KL D(p̂‖q)", format!("{} nats", fixed(e.kl_divergence, 10)));
        }
        if let Some(t) = &self.truth {
            row("truth", format!("{} {}", t.family, compact(&t.params)));
            row("truth entropy H(p)", format!("{} nats", fixed(t.decomposition.truth_entropy, 10)));
            if let Some(inf) = &t.infinite {
                row("H(p,q)", format!("∞ ({})", inf.message));
                row("KL D(p‖q)", "∞".to_string());
            } else {
                row("H(p,q)", format!("{} nats", fixed(t.decomposition.cross_entropy, 10)));
                row("KL D(p‖q)", format!("{} nats", fixed(t.decomposition.kl_divergence, 10)));
            }
        }
        row(
            "optimizer",
            match self.optimizer {
                OptimizerKind::Newton => "newton (line search from a full step)".to_string(),
                kind @ (OptimizerKind::GradientAscent
                | OptimizerKind::Momentum
                | OptimizerKind::Adam) => {
                    format!("{kind} (final step size {})", short(self.step_size))
                }
            },
        );
        row("iterations", format!("{} ({} refused)", self.iterations, self.refused_steps));
        row("converged", format!("{} ({})", self.converged, self.stop_reason.name()));
        if let Some(b) = &self.boundary {
            row("boundary", b.message.clone());
        }
        row("gradient norm", format!("{:.3e}", self.gradient_norm));
        let u = &self.underflow;
        row(
            "likelihood",
            format!("{:.6} × 10^{} (log10 = {:.6})", u.mantissa, u.exponent, u.log10_likelihood),
        );
        let at = |v: Option<usize>| v.map_or_else(|| "never".to_string(), |m| format!("m = {m}"));
        row("f64 product subnormal", at(u.f64_subnormal_at));
        row("f64 product zero", at(u.f64_zero_at));
        row("f64 product overflow", at(u.f64_overflow_at));
        row("f32 product zero", at(u.f32_zero_at));
        row(
            "timing",
            format!(
                "read {:.6} s, prepare {:.6} s, fit {:.6} s",
                self.timing.read_seconds, self.timing.prepare_seconds, self.timing.fit_seconds
            ),
        );
        let width = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        for (k, v) in rows {
            let pad = width - k.chars().count();
            let _ = writeln!(out, "{k}{}  {v}", " ".repeat(pad));
        }
        out
    }
}
