//! The report of a fit, as the command-line contract fixes it: one JSON object, a
//! human-readable table, or the trajectory as CSV.

pub mod classification;

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::format::{compact, exact as short, fixed, readable};
use crate::optim::OptimizerKind;
use crate::optim::fit::{Event, Record, StopReason};
use crate::stats::information::{EmpiricalDecomposition, Nats, TruthDecomposition};
use crate::stats::underflow::UnderflowTrace;

pub mod compare;
pub mod simulate;

/// The version of the JSON layout. 2: `schema_version` itself, `stop_reason`'s verified
/// reasons (`saddle`, `flat`, …), `truth.infinite`. 3: `inference`,
/// `timing.inference_seconds`.
pub const SCHEMA_VERSION: u32 = 3;

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
    /// Standard errors, intervals and criteria at θ̂ (absent with `--no-inference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference: Option<InferenceReport>,
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
    /// The inference object (absent with `--no-inference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_seconds: Option<f64>,
    /// The goodness of fit and its bootstrap, part of `inference_seconds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gof_seconds: Option<f64>,
}

impl Timing {
    /// The timings on one line, as the table formats print them.
    #[must_use]
    pub fn summary(&self) -> String {
        let inference =
            self.inference_seconds.map(|s| format!(", inference {s:.6} s")).unwrap_or_default();
        format!(
            "read {:.6} s, prepare {:.6} s, fit {:.6} s{inference}",
            self.read_seconds, self.prepare_seconds, self.fit_seconds
        )
    }
}

/// `key  value` lines, the keys padded to the longest, as the table formats print them.
pub(crate) fn key_values(rows: &[(String, String)]) -> String {
    let width = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in rows {
        let pad = width - k.chars().count();
        let _ = writeln!(out, "{k}{}  {v}", " ".repeat(pad));
    }
    out
}

/// How sure the fit is: `inference` in JSON. Every null has its reason in `undefined`,
/// under the null's path (`se.loc`, `profile.df.upper`, `aicc`).
#[derive(Debug, Clone, Serialize)]
pub struct InferenceReport {
    /// The level of the intervals.
    pub level: f64,
    /// The natural parameters, in the order of the matrices' rows (a categorical's `p[0]`, …).
    pub parameters: Vec<String>,
    /// k, the number of estimated (free) parameters: what AIC and BIC count.
    pub estimated_parameters: usize,
    /// Standard errors from the observed information, by parameter.
    pub se: Map<String, Value>,
    /// The covariance of θ̂ (delta method through the free coordinates).
    pub covariance: Option<Vec<Vec<Option<f64>>>>,
    /// The correlation matrix of θ̂.
    pub correlation: Option<Vec<Vec<Option<f64>>>>,
    /// The scale the Wald intervals are symmetric on: "natural".
    pub wald_scale: &'static str,
    /// Wald intervals θ̂ ± z·SE by parameter: `lower`, `upper`.
    pub wald: Map<String, Value>,
    /// Profile-likelihood intervals by parameter: `lower`, `upper`.
    pub profile: Map<String, Value>,
    /// Sandwich (robust) standard errors, from H⁻¹JH⁻¹.
    pub sandwich_se: Map<String, Value>,
    /// The expected (Fisher) information of one observation at θ̂ in the natural parameters,
    /// where the family has it in closed form.
    pub expected_information: Option<Vec<Vec<f64>>>,
    /// The pseudo-true θ* = argmin D(p‖q_θ) against a known truth (name → value).
    pub pseudo_true: Option<Value>,
    /// 2k − 2ℓ̂.
    pub aic: Option<f64>,
    /// AIC + 2k(k + 1)/(m − k − 1).
    pub aicc: Option<f64>,
    /// k ln m − 2ℓ̂.
    pub bic: Option<f64>,
    /// Goodness of fit: the statistics, their bootstrap p-values, χ²'s bins.
    pub gof: Value,
    /// Why each null is null: path → `why` (a name) and `message`.
    pub undefined: Map<String, Value>,
    /// One line per parameter, for the table.
    #[serde(skip)]
    pub summary: Vec<SummaryRow>,
    /// The goodness of fit in words, for the table.
    #[serde(skip)]
    pub gof_lines: Vec<String>,
}

/// One parameter of the table's summary.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    /// The natural parameter.
    pub name: String,
    /// θ̂.
    pub estimate: f64,
    /// Its standard error.
    pub se: Option<f64>,
    /// Its Wald interval.
    pub wald: Option<(f64, f64)>,
    /// Its profile interval's ends.
    pub profile: (Option<f64>, Option<f64>),
    /// Its sandwich standard error.
    pub sandwich_se: Option<f64>,
}

impl InferenceReport {
    /// The statistician's summary: estimate, SE, intervals per parameter, the criteria, and
    /// why anything is missing.
    #[must_use]
    pub fn to_table(&self) -> String {
        let pct = format!("{} %", readable(100.0 * self.level));
        let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), readable);
        let pair = |a: Option<f64>, b: Option<f64>| format!("[{}, {}]", cell(a), cell(b));
        let mut lines = vec![vec![
            "parameter".to_string(),
            "estimate".to_string(),
            "SE".to_string(),
            format!("Wald {pct}"),
            format!("profile {pct}"),
            "sandwich SE".to_string(),
        ]];
        if self.pseudo_true.is_some() {
            lines[0].push("θ*".to_string());
        }
        for r in &self.summary {
            let mut line = vec![
                r.name.clone(),
                readable(r.estimate),
                cell(r.se),
                r.wald.map_or_else(|| "—".to_string(), |(a, b)| pair(Some(a), Some(b))),
                pair(r.profile.0, r.profile.1),
                cell(r.sandwich_se),
            ];
            if let Some(star) = &self.pseudo_true {
                line.push(cell(named_value(star, &r.name)));
            }
            lines.push(line);
        }
        let columns = lines[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for l in &lines {
            let cells: Vec<String> = l
                .iter()
                .zip(&widths)
                .map(|(s, w)| format!("{s}{}", " ".repeat(w - s.chars().count())))
                .collect();
            let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
        }
        let _ = writeln!(
            out,
            "  AIC {}, AICc {}, BIC {} (k = {}); Wald intervals on the natural scale",
            cell(self.aic),
            cell(self.aicc),
            cell(self.bic),
            self.estimated_parameters
        );
        self.write_truth_lines(&mut out);
        for line in &self.gof_lines {
            let _ = writeln!(out, "  {line}");
        }
        // One line per distinct reason: the fields it empties, then the parameters.
        let mut reasons: Vec<(String, String, Vec<&str>, Vec<&str>)> = Vec::new();
        for (path, why) in &self.undefined {
            // The goodness-of-fit lines above already say why gof, a p-value or the bootstrap
            // is missing; a missing statistic is said below, without parameters.
            if path == "gof"
                || ["gof.p_values.", "gof.bootstrap", "gof.bins."]
                    .iter()
                    .any(|p| path.starts_with(p))
            {
                continue;
            }
            let message = why["message"].as_str().unwrap_or_default().to_string();
            let gof = path.starts_with("gof");
            let mut parts = path.splitn(3, '.');
            let field = parts.next().unwrap_or_default();
            let at = match (parts.next(), parts.next()) {
                _ if gof => None,
                (Some(p), Some(side)) => Some(format!("{p} {side}")),
                (Some(p), None) => Some(p.to_string()),
                _ => None,
            };
            let name =
                at.and_then(|at| self.parameters.iter().find(|n| at.starts_with(n.as_str())));
            // A reason that names its parameter ("p[0] is not one free coordinate …") is the
            // same reason for the next one: grouped with the name as "each".
            let key = name.map_or_else(|| message.clone(), |n| replace_word(&message, n, "each"));
            let i = reasons.iter().position(|r| r.0 == key).unwrap_or_else(|| {
                reasons.push((key, message, Vec::new(), Vec::new()));
                reasons.len() - 1
            });
            let (_, _, fields, params) = &mut reasons[i];
            if !fields.contains(&field) {
                fields.push(field);
            }
            if let Some(name) = name
                && !params.contains(&name.as_str())
            {
                params.push(name);
            }
        }
        for (key, first, fields, mut params) in reasons {
            params.sort_by_key(|p| self.parameters.iter().position(|n| n == p));
            let message = if params.len() > 1 { key } else { first };
            let params =
                if params.is_empty() { String::new() } else { format!(" ({})", params.join(", ")) };
            let _ = writeln!(out, "  — {}{params}: {message}", fields.join(", "));
        }
        out
    }

    /// The expected information at θ̂ and what θ* means, under the criteria.
    fn write_truth_lines(&self, out: &mut String) {
        if let Some(info) = self.expected_information.as_ref().filter(|i| i.len() > MATRIX_ROWS) {
            let _ = writeln!(
                *out,
                "  expected (Fisher) information of one observation at θ̂: {} × {} (in the JSON, \
                 inference.expected_information)",
                info.len(),
                info.len()
            );
        } else if let Some(info) = &self.expected_information {
            let rows: Vec<String> = info
                .iter()
                .map(|row| {
                    let row: Vec<String> = row.iter().map(|v| readable(*v)).collect();
                    format!("[{}]", row.join(", "))
                })
                .collect();
            let _ = writeln!(
                *out,
                "  expected (Fisher) information of one observation at θ̂ ({}): [{}]",
                self.parameters.join(", "),
                rows.join(", ")
            );
        }
        if self.pseudo_true.is_some() {
            let _ = writeln!(
                *out,
                "  θ* = argmin D(p‖q_θ): where θ̂ tends as m grows (the truth when the model \
                 holds it)"
            );
        }
    }
}

/// `text` with each whole-word `word` (not inside a longer name: "a" in "a shape" but not in
/// "scale") replaced by `by`.
fn replace_word(text: &str, word: &str, by: &str) -> String {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '[');
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let (before, after) =
            (rest[..at].chars().next_back(), rest[at + word.len()..].chars().next());
        out.push_str(&rest[..at]);
        out.push_str(if part(before) || part(after) { word } else { by });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Matrices of up to this many rows are printed in the table; larger ones only in JSON.
const MATRIX_ROWS: usize = 3;

/// A parameter's value in a name → value object, where a vector's entries are named
/// `p[0]`, `p[1]`, … (as the summary names them).
fn named_value(params: &Value, name: &str) -> Option<f64> {
    if let Some(v) = params.get(name) {
        return v.as_f64();
    }
    let (base, index) = name.strip_suffix(']')?.split_once('[')?;
    params.get(base)?.get(index.parse::<usize>().ok()?)?.as_f64()
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
            format!(
                "{} (log10 = {:.6})",
                crate::format::times_ten(u.mantissa, u.exponent, 6),
                u.log10_likelihood
            ),
        );
        let at = |v: Option<usize>| v.map_or_else(|| "never".to_string(), |m| format!("m = {m}"));
        row("f64 product subnormal", at(u.f64_subnormal_at));
        row("f64 product zero", at(u.f64_zero_at));
        row("f64 product overflow", at(u.f64_overflow_at));
        row("f32 product zero", at(u.f32_zero_at));
        row("timing", self.timing.summary());
        if let Some(inf) = &self.inference {
            row("inference", format!("at {} % (m = {})", readable(100.0 * inf.level), self.n));
        }
        let mut out = key_values(&rows);
        if let Some(inf) = &self.inference {
            out.push_str(&inf.to_table());
        }
        out
    }
}

#[cfg(test)]
mod replace_word_tests {
    use super::replace_word;

    #[test]
    fn only_whole_names_are_replaced() {
        assert_eq!(
            replace_word("a is a shape; scale a", "a", "each"),
            "each is each shape; scale each"
        );
        assert_eq!(replace_word("p[1] and p[10]", "p[1]", "each"), "each and p[10]");
    }
}
