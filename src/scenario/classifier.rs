//! Classification scenarios: a file whose `[classifier]` table names a known truth p(y | x)
//! to draw labelled points from and the classifier to fit (logistic, softmax or a network
//! with one hidden layer, by cross-entropy or, to show why not, by squared error). Checked
//! here as the density scenarios are, each error at its line, column and field.

use serde::Deserialize;
use toml::Spanned;

use super::{Focus, MAX_SAMPLE_SIZE, RawOptimizer, optimizer};
use crate::error::InputError;
use crate::optim::fit::Stopping;
use crate::optim::{OptimizerKind, Settings};
use crate::stats::classify::mlp::Shape;
use crate::stats::classify::truth::{ClassTruth, Law, PRESETS};
use crate::stats::classify::{Activation, ClassifierKind, Labelled, Linear, MAX_HIDDEN, Mlp};
use crate::stats::model::Model as _;

/// The hidden units of a network when the file gives none.
pub const DEFAULT_HIDDEN: usize = 8;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClassScenario {
    title: Spanned<String>,
    lesson: Option<String>,
    seed: Option<u64>,
    sample_size: Option<Spanned<i64>>,
    classifier: RawClassifier,
    optimizer: Option<RawOptimizer>,
    view: Option<RawView>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawView {
    focus: Option<Focus>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassifier {
    truth: Spanned<String>,
    truth_params: Option<Spanned<Vec<f64>>>,
    model: Option<Spanned<String>>,
    objective: Option<Spanned<String>>,
    hidden: Option<Spanned<i64>>,
    activation: Option<Spanned<String>>,
    start_seed: Option<Spanned<u64>>,
    start: Option<Spanned<Vec<f64>>>,
}

/// What the optimiser climbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loss {
    /// ℓ = Σ ln q(yᵢ | xᵢ): the cross-entropy loss, maximum likelihood.
    #[default]
    CrossEntropy,
    /// −Σ (yᵢ − q(1 | xᵢ))², on a logistic model.
    SquaredError,
}

impl Loss {
    /// The name a file gives it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::CrossEntropy => "cross_entropy",
            Self::SquaredError => "squared_error",
        }
    }
}

/// A checked classification scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScenario {
    /// Preset name or file path.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// What to look at.
    pub lesson: String,
    /// Seed of the sampler.
    pub seed: u64,
    /// Points m.
    pub sample_size: usize,
    /// The truth the points are drawn from (its parameters as the file sets them).
    pub truth: ClassTruth,
    /// The classifier.
    pub model: ClassifierKind,
    /// What the optimiser climbs.
    pub loss: Loss,
    /// The network's hidden layer (used by mlp only).
    pub shape: Shape,
    /// The seed of the network's random start.
    pub start_seed: u64,
    /// The start θ, its length checked against the model; None for the model's own start.
    pub start: Option<Vec<f64>>,
    /// Optimiser settings.
    pub settings: Settings,
    /// Stopping rules.
    pub stopping: Stopping,
    /// Pane to focus in the explorer.
    pub focus: Option<Focus>,
}

impl ClassScenario {
    /// The parameter count of `model` on this scenario's truth.
    #[must_use]
    pub fn dim_of(&self, model: ClassifierKind) -> usize {
        model_dim(&self.truth, model, self.shape)
    }
}

/// The parameter count of a classifier on a truth's features and classes, from a model built
/// over one point of each class (the count depends on nothing else).
fn model_dim(truth: &ClassTruth, model: ClassifierKind, shape: Shape) -> usize {
    let k = truth.classes.len();
    let points = Labelled::new(
        vec![vec![0.0; k]; truth.dim()],
        (0..k as u32).collect(),
        truth.classes.clone(),
        truth.features.clone(),
    )
    .expect("one finite point per class");
    match model {
        ClassifierKind::Mlp => Mlp::new(&points, shape).dim(),
        _ => Linear::new(&points).dim(),
    }
}

/// Parses a file already known to hold a `[classifier]` table.
#[allow(clippy::too_many_lines)] // one flat sequence of field checks reads best top to bottom
pub(super) fn parse(
    raw: RawClassScenario,
    text: &str,
    shown: &std::path::Path,
    name: &str,
) -> Result<ClassScenario, InputError> {
    let at = |span: std::ops::Range<usize>, field: &str, msg: String| {
        let (line, col) = super::line_col(text, span.start);
        InputError::new(msg).in_file(shown).at_line(line).at_column(col).field(field)
    };
    let sample_size = match &raw.sample_size {
        None => 200,
        Some(s) => {
            let v = *s.get_ref();
            if v < 2 || v as u64 > MAX_SAMPLE_SIZE as u64 {
                return Err(at(
                    s.span(),
                    "sample_size",
                    format!("must be a whole number from 2 to {MAX_SAMPLE_SIZE}, got {v}"),
                ));
            }
            v as usize
        }
    };
    let c = &raw.classifier;
    let mut truth = ClassTruth::preset(c.truth.get_ref()).ok_or_else(|| {
        let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        at(
            c.truth.span(),
            "classifier.truth",
            format!("unknown truth '{}' (choose one of {})", c.truth.get_ref(), names.join(", ")),
        )
    })?;
    if let Some(p) = &c.truth_params {
        let Law::Linear { theta } = &mut truth.law else {
            return Err(at(
                p.span(),
                "classifier.truth_params",
                format!(
                    "the {} truth is a mixture of Gaussians: only a linear truth (logistic-1d, \
                     logistic-2d, label-noise) takes parameters",
                    truth.name
                ),
            ));
        };
        let values = p.get_ref();
        if values.len() != theta.len() || values.iter().any(|v| !v.is_finite()) {
            return Err(at(
                p.span(),
                "classifier.truth_params",
                format!(
                    "the {} truth takes {} finite numbers (per non-reference class, a weight \
                     per feature then the bias), got {}",
                    truth.name,
                    theta.len(),
                    values.len()
                ),
            ));
        }
        theta.clone_from(values);
    }
    let k = truth.classes.len();
    let model = match &c.model {
        None if k == 2 => ClassifierKind::Logistic,
        None => ClassifierKind::Softmax,
        Some(m) => {
            let kind = ClassifierKind::from_name(m.get_ref()).ok_or_else(|| {
                at(
                    m.span(),
                    "classifier.model",
                    format!(
                        "unknown model '{}' (choose one of logistic, softmax, mlp)",
                        m.get_ref()
                    ),
                )
            })?;
            if kind == ClassifierKind::Logistic && k != 2 {
                return Err(at(
                    m.span(),
                    "classifier.model",
                    format!(
                        "logistic regression takes two classes; the {} truth has {k}: use softmax",
                        truth.name
                    ),
                ));
            }
            kind
        }
    };
    let loss = match &c.objective {
        None => Loss::CrossEntropy,
        Some(o) => match o.get_ref().as_str() {
            "cross_entropy" => Loss::CrossEntropy,
            "squared_error" if model == ClassifierKind::Logistic => Loss::SquaredError,
            "squared_error" => {
                return Err(at(
                    o.span(),
                    "classifier.objective",
                    format!("squared error is on the sigmoid of a logistic model, not {model}"),
                ));
            }
            other => {
                return Err(at(
                    o.span(),
                    "classifier.objective",
                    format!("unknown objective '{other}' (choose cross_entropy or squared_error)"),
                ));
            }
        },
    };
    let only_mlp = |span: std::ops::Range<usize>, key: &str| {
        at(
            span,
            &format!("classifier.{key}"),
            format!("a {model} model has no hidden layer: {key} is for model = \"mlp\""),
        )
    };
    let mut shape = Shape { hidden: DEFAULT_HIDDEN, activation: Activation::default() };
    if let Some(h) = &c.hidden {
        if model != ClassifierKind::Mlp {
            return Err(only_mlp(h.span(), "hidden"));
        }
        let v = *h.get_ref();
        if !(1..=MAX_HIDDEN as i64).contains(&v) {
            return Err(at(
                h.span(),
                "classifier.hidden",
                format!("must be a whole number from 1 to {MAX_HIDDEN}, got {v}"),
            ));
        }
        shape.hidden = v as usize;
    }
    if let Some(a) = &c.activation {
        if model != ClassifierKind::Mlp {
            return Err(only_mlp(a.span(), "activation"));
        }
        shape.activation = Activation::from_name(a.get_ref()).ok_or_else(|| {
            at(
                a.span(),
                "classifier.activation",
                format!("unknown activation '{}' (choose tanh or relu)", a.get_ref()),
            )
        })?;
    }
    if let Some(s) = &c.start_seed
        && model != ClassifierKind::Mlp
    {
        return Err(only_mlp(s.span(), "start_seed"));
    }
    let start = match &c.start {
        None => None,
        Some(s) => {
            let dim = model_dim(&truth, model, shape);
            let values = s.get_ref();
            if values.len() != dim || values.iter().any(|v| !v.is_finite()) {
                return Err(at(
                    s.span(),
                    "classifier.start",
                    format!(
                        "a {model} model on {} features and {k} classes takes {dim} finite \
                         numbers, got {}",
                        truth.dim(),
                        values.len()
                    ),
                ));
            }
            Some(values.clone())
        }
    };
    // A classifier's Hessian is closed (or cheap by differences), so Newton is the default,
    // as for `mlex fit --model logistic`.
    let defaults = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let (settings, stopping) = optimizer(raw.optimizer, defaults, &at)?;
    Ok(ClassScenario {
        name: name.to_string(),
        title: super::printable(&raw.title.into_inner(), false),
        lesson: super::printable(&raw.lesson.unwrap_or_default(), true),
        seed: raw.seed.unwrap_or(1),
        sample_size,
        truth,
        model,
        loss,
        shape,
        start_seed: c.start_seed.as_ref().map_or(0, |s| *s.get_ref()),
        start,
        settings,
        stopping,
        focus: raw.view.and_then(|v| v.focus),
    })
}
