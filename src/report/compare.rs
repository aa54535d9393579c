//! The report of `mlex compare`: the families fitted to one dataset, ranked by AIC with ΔAIC
//! and Akaike weights, the ones that could not be ranked with their reasons, and the
//! likelihood-ratio tests of the nested pairs; one JSON object or a table.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use super::DataReport;
use crate::format::{compact, readable};
use crate::optim::fit::StopReason;

/// Everything `mlex compare` prints.
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    /// The version of the JSON layouts ([`super::SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `"compare"`, so a reader can tell this object from a fit's.
    pub command: &'static str,
    /// Sample size m.
    pub n: usize,
    /// The data file read.
    pub data: DataReport,
    /// What ℓ sums: `"density"` for continuous families, `"mass"` for counts; AIC compares
    /// only likelihoods on the same scale.
    pub scale: &'static str,
    /// The criterion of the ranking: `"aic"`.
    pub criterion: &'static str,
    /// The models: ranked ones first (best first), then those without a weight.
    pub models: Vec<ModelRow>,
    /// Families of the catalogue left out of the default set, and why.
    pub not_considered: Vec<Excluded>,
    /// Likelihood-ratio tests of the nested pairs among the models.
    pub likelihood_ratio: Vec<LrRow>,
    /// Wall-clock seconds.
    pub timing: CompareTiming,
}

/// Wall-clock seconds of a comparison.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CompareTiming {
    /// Reading the data.
    pub read_seconds: f64,
    /// Every fit together.
    pub fit_seconds: f64,
}

/// Why something has no value: a name and the words.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// A short name (`not_converged`, `boundary`, `degenerate`, …).
    pub why: &'static str,
    /// The same for people.
    pub message: String,
}

/// One model of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ModelRow {
    /// The family.
    pub model: String,
    /// 1 for the lowest AIC; null for a model without a weight.
    pub rank: Option<usize>,
    /// k, the number of estimated parameters.
    pub estimated_parameters: usize,
    /// θ̂ by name; null when the fit was refused.
    pub params: Option<Value>,
    /// ℓ̂ (at a boundary stop, within the tolerance of ℓ's supremum).
    pub log_likelihood: Option<f64>,
    /// 2k − 2ℓ̂.
    pub aic: Option<f64>,
    /// AIC − the best AIC among the ranked models.
    pub delta_aic: Option<f64>,
    /// exp(−ΔAIC/2), normalised over the ranked models.
    pub weight: Option<f64>,
    /// AIC + 2k(k + 1)/(m − k − 1).
    pub aicc: Option<f64>,
    /// k ln m − 2ℓ̂.
    pub bic: Option<f64>,
    /// Whether the fit reached a verified maximum.
    pub converged: bool,
    /// How the fit stopped; null when it was refused.
    pub stop_reason: Option<StopReason>,
    /// Newton iterations; null when the fit was refused.
    pub iterations: Option<usize>,
    /// Seconds of this fit.
    pub fit_seconds: Option<f64>,
    /// Why the model has no rank and weight; null for a ranked model.
    pub reason: Option<Reason>,
    /// Why any other null field of this row is null, by field name.
    pub undefined: Map<String, Value>,
}

/// A family left out of the default set.
#[derive(Debug, Clone, Serialize)]
pub struct Excluded {
    /// The family.
    pub model: String,
    /// `support`, `scale`, `fixed_part` or `same_model`.
    pub why: &'static str,
    /// The same for people.
    pub message: String,
}

/// One likelihood-ratio test.
#[derive(Debug, Clone, Serialize)]
pub struct LrRow {
    /// The smaller model (the null hypothesis).
    pub null: String,
    /// The larger model that contains it.
    pub alternative: String,
    /// The restriction of the larger model that gives the smaller.
    pub restriction: String,
    /// Whether the restriction is on the boundary of the larger parameter space.
    pub boundary: bool,
    /// 2(ℓ̂_alternative − ℓ̂_null).
    pub statistic: Option<f64>,
    /// Parameters fixed by the restriction.
    pub df: usize,
    /// The statistic's null distribution: `chi_squared_1`, or `mixture_chi_squared_0_1`
    /// (½χ²₀ + ½χ²₁) on the boundary.
    pub reference: &'static str,
    /// P(T ≥ statistic) under `reference`.
    pub p_value: Option<f64>,
    /// What the reader must know about the reference (the boundary caveat).
    pub note: Option<String>,
    /// Why `statistic` and `p_value` are null, where they are.
    pub reason: Option<Reason>,
}

impl CompareReport {
    /// The JSON object, pretty-printed.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The ranking, the reasons and the tests for people.
    #[must_use]
    pub fn to_table(&self) -> String {
        let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), readable);
        let mut out = String::new();
        let col = self.data.column.as_ref().map(|c| format!(" (column {c})")).unwrap_or_default();
        let _ = writeln!(out, "data  {}{col}, n = {}", self.data.file, self.n);
        let scale = if self.scale == "mass" { "probability masses (counts)" } else { "densities" };
        let _ = writeln!(out, "ℓ     sums of log {scale}; ranked by AIC\n");
        let mut lines = vec![
            [
                "rank",
                "model",
                "k",
                "log-likelihood",
                "AIC",
                "ΔAIC",
                "weight",
                "AICc",
                "BIC",
                "converged",
            ]
            .map(str::to_string),
        ];
        for r in &self.models {
            lines.push([
                r.rank.map_or_else(|| "—".to_string(), |k| k.to_string()),
                r.model.clone(),
                r.estimated_parameters.to_string(),
                cell(r.log_likelihood),
                cell(r.aic),
                cell(r.delta_aic),
                r.weight.map_or_else(|| "—".to_string(), |w| format!("{w:.4}")),
                cell(r.aicc),
                cell(r.bic),
                r.stop_reason.map_or_else(
                    || "refused".to_string(),
                    |s| format!("{} ({})", r.converged, s.name()),
                ),
            ]);
        }
        push_aligned(&mut out, &lines);
        for r in &self.models {
            if let Some(p) = &r.params
                && r.rank.is_some()
            {
                let _ = writeln!(out, "  {}: {}", r.model, compact(p));
            }
        }
        let unranked: Vec<&ModelRow> = self.models.iter().filter(|r| r.reason.is_some()).collect();
        if !unranked.is_empty() {
            let _ = writeln!(out, "\nwithout a weight:");
            for r in unranked {
                if let Some(why) = &r.reason {
                    let _ = writeln!(out, "  {}: {}", r.model, why.message);
                }
            }
        }
        if !self.not_considered.is_empty() {
            let _ = writeln!(out, "\nnot considered:");
            for e in &self.not_considered {
                let _ = writeln!(out, "  {}: {}", e.model, e.message);
            }
        }
        if !self.likelihood_ratio.is_empty() {
            let _ = writeln!(out, "\nlikelihood-ratio tests (nested pairs):");
            for t in &self.likelihood_ratio {
                let head = format!("{} ⊂ {} ({})", t.null, t.alternative, t.restriction);
                if let (Some(s), Some(p)) = (t.statistic, t.p_value) {
                    let reference = if t.boundary { "½χ²₀ + ½χ²₁" } else { "χ²₁" };
                    let _ = writeln!(
                        out,
                        "  {head}: LR = {}, p = {} ({reference})",
                        readable(s),
                        p_text(p)
                    );
                } else {
                    let why = t.reason.as_ref().map_or("", |r| r.message.as_str());
                    let _ = writeln!(out, "  {head}: no test: {why}");
                }
                if let Some(note) = &t.note {
                    let _ = writeln!(out, "    {note}");
                }
            }
        }
        out
    }
}

/// A p-value as people read it: four significant digits, or an exponent when tiny.
fn p_text(p: f64) -> String {
    if p == 0.0 {
        "0 (below the smallest f64)".into()
    } else if p < 1e-4 {
        format!("{p:.2e}")
    } else {
        readable(p)
    }
}

/// Rows of cells, each column padded to its widest cell.
fn push_aligned<const N: usize>(out: &mut String, lines: &[[String; N]]) {
    let widths: Vec<usize> =
        (0..N).map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
    for l in lines {
        let cells: Vec<String> = l
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s}{}", " ".repeat(w - s.chars().count())))
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
}
