//! The report of `mlex simulate`: the sampling distribution of θ̂ over seeded repeats at each
//! sample size, against θ* (the truth when the model contains it), the Cramér–Rao bound and
//! the sandwich, with the coverage of the Wald and profile intervals; one JSON object or a
//! table.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::format::readable;

/// Everything `mlex simulate` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulateReport {
    /// The version of the JSON layouts ([`super::SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `"simulate"`, so a reader can tell this object from a fit's.
    pub command: &'static str,
    /// The scenario's name.
    pub scenario: String,
    /// The model family.
    pub model: String,
    /// The truth sampled from: `family` and `params`.
    pub truth: Value,
    /// The run's seed; repeat r at size m draws from a seed made of it, m and r alone.
    pub seed: u64,
    /// The level of the intervals.
    pub level: f64,
    /// Repeats per size.
    pub repeats: usize,
    /// The optimiser every repeat is fitted with.
    pub optimizer: &'static str,
    /// θ* = argmin D(p‖q_θ) by name, where it exists (null: see `undefined.pseudo_true`).
    pub pseudo_true: Option<Value>,
    /// D(p‖q_θ*) ≈ 0: the model's family contains the truth, so θ* is the truth.
    pub contains_truth: bool,
    /// What governs the spread of θ̂: `"cramer_rao"` when the model contains the truth,
    /// `"sandwich"` when it does not.
    pub governed_by: &'static str,
    /// One entry per sample size, in the order given.
    pub sizes: Vec<SizeReport>,
    /// Why each null is null: path → `why` and `message`.
    pub undefined: Map<String, Value>,
    /// Wall-clock seconds for the whole simulation.
    pub seconds: f64,
}

/// The repeats at one sample size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizeReport {
    /// Sample size m.
    pub m: usize,
    /// Repeats whose fit reached a verified maximum: what the summaries are over.
    pub converged: usize,
    /// Repeats that did not, counted (never dropped silently).
    pub not_converged: usize,
    /// The reasons of those that did not, name → count (a stop reason, `degenerate` for a
    /// sample without an interior MLE, `no_start`).
    pub failures: Map<String, Value>,
    /// Per natural parameter, by name.
    pub parameters: Map<String, Value>,
}

/// One parameter's summary at one size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamSummary {
    /// What θ̂ estimates: θ* (the truth when contained), or null.
    pub target: Option<f64>,
    /// The mean of θ̂ over the converged repeats.
    pub mean: Option<f64>,
    /// mean − target.
    pub bias: Option<f64>,
    /// The standard deviation of θ̂ (divisor R − 1).
    pub sd: Option<f64>,
    /// √(I(θ*)⁻¹ᵢᵢ / m), from the closed-form expected information.
    pub cramer_rao_sd: Option<f64>,
    /// √((A⁻¹BA⁻¹)ᵢᵢ / m) at θ*, A = −E_p[∇² ln q], B = E_p[s sᵀ] over the truth.
    pub sandwich_sd: Option<f64>,
    /// The Wald intervals' coverage of the target.
    pub wald: Option<Coverage>,
    /// The profile intervals' coverage of the target.
    pub profile: Option<Coverage>,
}

/// How often an interval held the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Intervals that held it.
    pub covered: usize,
    /// Intervals there were (converged repeats whose interval exists at both ends).
    pub of: usize,
    /// covered / of.
    pub rate: Option<f64>,
    /// Its binomial standard error, √(rate (1 − rate) / of).
    pub se: Option<f64>,
    /// Converged repeats without that interval (open on a side, a profile fit that failed).
    pub missing: usize,
}

impl Coverage {
    /// The coverage of `covered` out of `of` intervals, `missing` more lacking one.
    #[must_use]
    pub fn new(covered: usize, of: usize, missing: usize) -> Self {
        let rate = (of > 0).then(|| covered as f64 / of as f64);
        let se = rate.map(|r| (r * (1.0 - r) / of as f64).sqrt());
        Self { covered, of, rate, se, missing }
    }
}

impl SimulateReport {
    /// The JSON object.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serialises")
    }

    /// One block per size: a row per parameter with the target, mean, SD against the
    /// bounds and the coverages.
    #[must_use]
    pub fn to_table(&self) -> String {
        let cell = |v: Option<&Value>| match v.and_then(Value::as_f64) {
            Some(x) => readable(x),
            None => "—".to_string(),
        };
        let cover = |v: Option<&Value>| match v {
            Some(Value::Object(c)) => {
                match (c.get("rate").and_then(Value::as_f64), c.get("se").and_then(Value::as_f64)) {
                    (Some(r), Some(se)) => format!("{} ± {}", readable(r), readable(se)),
                    _ => "—".to_string(),
                }
            }
            _ => "—".to_string(),
        };
        let mut out = String::new();
        let _ = writeln!(out, "scenario      {}", self.scenario);
        let _ = writeln!(out, "model         {} (truth {})", self.model, self.truth);
        let _ = writeln!(
            out,
            "repeats       {} per size, seed {}, {}",
            self.repeats, self.seed, self.optimizer
        );
        let star = self.pseudo_true.as_ref().map_or_else(|| "—".to_string(), Value::to_string);
        let _ = writeln!(out, "θ*            {star}");
        let governs = if self.contains_truth {
            "the model contains the truth: θ̂ → θ* = truth, spread by the Cramér–Rao bound"
        } else {
            "misspecified: θ̂ → θ*, spread by the sandwich A⁻¹BA⁻¹/m, not the Cramér–Rao bound"
        };
        let _ = writeln!(out, "spread        {governs}");
        let pct = format!("{} %", readable(100.0 * self.level));
        for size in &self.sizes {
            let _ = writeln!(
                out,
                "\nm = {}: {} converged, {} did not{}",
                size.m,
                size.converged,
                size.not_converged,
                if size.failures.is_empty() {
                    String::new()
                } else {
                    format!(" {}", Value::Object(size.failures.clone()))
                }
            );
            let header = [
                "parameter".to_string(),
                "target".into(),
                "mean".into(),
                "SD".into(),
                "Cramér–Rao SD".into(),
                "sandwich SD".into(),
                format!("Wald {pct}"),
                format!("profile {pct}"),
            ];
            let mut rows = vec![header];
            for (name, p) in &size.parameters {
                rows.push([
                    name.clone(),
                    cell(p.get("target")),
                    cell(p.get("mean")),
                    cell(p.get("sd")),
                    cell(p.get("cramer_rao_sd")),
                    cell(p.get("sandwich_sd")),
                    cover(p.get("wald")),
                    cover(p.get("profile")),
                ]);
            }
            let widths: Vec<usize> = (0..8)
                .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
                .collect();
            for r in &rows {
                let line: Vec<String> =
                    r.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
                let _ = writeln!(out, "  {}", line.join("  ").trim_end());
            }
        }
        for (path, why) in &self.undefined {
            let message = why.get("message").and_then(Value::as_str).unwrap_or_default();
            let _ = writeln!(out, "\n{path}: {message}");
        }
        out
    }
}
