//! The report of a classifier's fit (`mlex fit --model logistic|softmax|mlp`, `mlex
//! classify`): the same contract as a family's (`schema_version`, `params` by name, ℓ, the
//! cross-entropy, the stop and its reason, the underflow of the product of the predicted
//! probabilities of the true labels, timing), plus what a classifier has: its classes, the
//! log loss a library prints (the same number as the cross-entropy), accuracy and, against a
//! known truth, the irreducible loss and the gap.

use serde::Serialize;
use serde_json::Value;

use super::{BoundaryReport, InferenceReport, Timing, key_values};
use crate::format::{compact, fixed, readable};
use crate::optim::OptimizerKind;
use crate::optim::fit::StopReason;
use crate::stats::information::Nats;
use crate::stats::underflow::UnderflowTrace;

/// Everything a classifier's fit prints.
#[derive(Debug, Clone, Serialize)]
pub struct ClassReport {
    /// The JSON layout's version ([`super::SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// "classification": tells this report from a family's.
    pub kind: &'static str,
    /// logistic, softmax or mlp.
    pub model: String,
    /// The network's hidden layer (mlp only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<HiddenReport>,
    /// The class names, sorted; the first is the reference (its logit is 0).
    pub classes: Vec<String>,
    /// The reference class.
    pub reference_class: String,
    /// Points per class, in the order of `classes`.
    pub class_counts: Vec<usize>,
    /// m, the number of points.
    pub n: usize,
    /// d, the number of features.
    pub d: usize,
    /// The feature names.
    pub features: Vec<String>,
    /// The fitted parameters by name (`w[x1]`, `b`; `w[class,x1]`, `b[class]`; `w1[h1,x1]`, …).
    pub params: Value,
    /// The starting parameters by name.
    pub start: Value,
    /// ℓ = Σ ln q(yᵢ | xᵢ).
    pub log_likelihood: f64,
    /// ℓ/m.
    pub mean_log_likelihood: f64,
    /// H(p̂, q) = −ℓ/m for the empirical joint p̂ of (x, y).
    pub cross_entropy: Nats,
    /// The mean log loss a library prints (binary or categorical cross-entropy, scikit-learn's
    /// `log_loss`): −(1/m) Σ ln q(yᵢ | xᵢ), the same number as `cross_entropy.nats`.
    pub log_loss: f64,
    /// The share of points whose most probable class is their label.
    pub accuracy: f64,
    /// Optimiser iterations (accepted and refused).
    pub iterations: usize,
    /// Whether θ is a verified maximum.
    pub converged: bool,
    /// Which rule ended the fit.
    pub stop_reason: StopReason,
    /// With `stop_reason` "boundary" (separable classes): which weight runs off, and how close
    /// ℓ is to its supremum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<BoundaryReport>,
    /// ‖∇(ℓ/m)‖ at the end.
    pub gradient_norm: f64,
    /// The optimiser.
    pub optimizer: OptimizerKind,
    /// Steps refused.
    pub refused_steps: usize,
    /// Where the product Π q(yᵢ | xᵢ) underflows in f64 and f32.
    pub underflow: UnderflowTrace,
    /// Against a known truth (`mlex classify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truth: Option<ClassTruthReport>,
    /// The data file (`mlex fit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<LabelledDataReport>,
    /// Standard errors, intervals and criteria (logistic and softmax).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference: Option<InferenceReport>,
    /// Wall-clock seconds.
    pub timing: Timing,
}

/// The network's hidden layer.
#[derive(Debug, Clone, Serialize)]
pub struct HiddenReport {
    /// H.
    pub units: usize,
    /// tanh or relu.
    pub activation: &'static str,
    /// The seed of the random start.
    pub start_seed: u64,
}

/// The data file a classifier was fitted to.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledDataReport {
    /// The file (`<stdin>` for `-`).
    pub file: String,
    /// The label column.
    pub label: String,
    /// The delimiter.
    pub delimiter: String,
    /// Rows left out for a missing value.
    pub skipped: usize,
}

/// The fit against the truth the points were drawn from.
#[derive(Debug, Clone, Serialize)]
pub struct ClassTruthReport {
    /// The preset's name.
    pub name: String,
    /// What it shows.
    pub description: String,
    /// The seed of the sample.
    pub seed: u64,
    /// The true parameters in the fitted model's names, where p(y | x) is a linear softmax
    /// and the model is linear; null otherwise (see `params_why`).
    pub params: Option<Value>,
    /// Why `params` is null, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params_why: Option<&'static str>,
    /// E_x[H(p(·|x))]: the irreducible loss.
    pub irreducible: Nats,
    /// E_x[D(p(·|x) ‖ q(·|x))]: the gap fitting closes.
    pub gap: Nats,
    /// E_x[H(p(·|x), q(·|x))] = irreducible + gap, the limit of the training loss.
    pub cross_entropy: Nats,
    /// How the expectations over x were taken: "monte_carlo" or "quadrature".
    pub method: &'static str,
    /// Monte Carlo points, or quadrature intervals.
    pub points: usize,
    /// Monte Carlo: the seed of the fresh x; null for quadrature.
    pub mc_seed: Option<u64>,
    /// Monte Carlo: the standard errors of `irreducible` and `gap` (nats); null for
    /// quadrature, whose error is far below the digits shown.
    pub standard_error: Option<[f64; 2]>,
}

impl ClassReport {
    /// One JSON object.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// Aligned lines for people.
    #[must_use]
    #[allow(clippy::too_many_lines)] // one row after another, in the order printed
    pub fn to_table(&self) -> String {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
        if let Some(d) = &self.data {
            row("data", format!("{} (label {}, delimiter {})", d.file, d.label, d.delimiter));
            if d.skipped > 0 {
                row("skipped", format!("{} rows with a missing value", d.skipped));
            }
        }
        if let Some(t) = &self.truth {
            row("truth", format!("{} (seed {}): {}", t.name, t.seed, t.description));
        }
        let model = match &self.hidden {
            Some(h) => format!(
                "{} ({} {} units, start seed {})",
                self.model, h.units, h.activation, h.start_seed
            ),
            None => self.model.clone(),
        };
        row("model", model);
        let counts: Vec<String> =
            self.classes.iter().zip(&self.class_counts).map(|(c, k)| format!("{c}: {k}")).collect();
        row("classes", format!("{} (reference {})", counts.join(", "), self.reference_class));
        row("n, d", format!("{}, {} ({})", self.n, self.d, self.features.join(", ")));
        row("params", compact(&self.params));
        row("log-likelihood", fixed(self.log_likelihood, 10));
        row(
            "cross-entropy H(p̂,q)",
            format!(
                "{} nats = {} bits",
                fixed(self.cross_entropy.nats, 10),
                fixed(self.cross_entropy.bits, 10)
            ),
        );
        row(
            "log loss",
            format!("{} (a library's loss: the same number)", fixed(self.log_loss, 10)),
        );
        row("accuracy", fixed(self.accuracy, 6));
        if let Some(t) = &self.truth {
            if let Some(p) = &t.params {
                row("true params", compact(p));
            }
            let se =
                |i: usize| t.standard_error.map(|s| format!(" ± {:.1e}", s[i])).unwrap_or_default();
            row("irreducible E[H(p)]", format!("{} nats{}", fixed(t.irreducible.nats, 10), se(0)));
            row("gap E[D(p‖q)]", format!("{} nats{}", fixed(t.gap.nats, 10), se(1)));
            row(
                "E[H(p,q)]",
                format!(
                    "{} nats ({}, {} points)",
                    fixed(t.cross_entropy.nats, 10),
                    t.method,
                    t.points
                ),
            );
        }
        row(
            "optimizer",
            format!(
                "{} ({} iterations, {} refused)",
                self.optimizer, self.iterations, self.refused_steps
            ),
        );
        row("converged", format!("{} ({})", self.converged, self.stop_reason.name()));
        if let Some(b) = &self.boundary {
            row("boundary", b.message.clone());
        }
        row("gradient norm", format!("{:.3e}", self.gradient_norm));
        let u = &self.underflow;
        row(
            "Π q(y|x)",
            format!(
                "{} (log10 = {:.6})",
                crate::format::times_ten(u.mantissa, u.exponent, 6),
                u.log10_likelihood
            ),
        );
        let at = |v: Option<usize>| v.map_or_else(|| "never".to_string(), |m| format!("m = {m}"));
        row("f64 product zero", at(u.f64_zero_at));
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
