//! Scenario files: TOML that fixes the truth (or a data file), the sample size and seed, the
//! model, its start and the optimiser. A file deserialises into a raw struct that rejects
//! unknown fields, and becomes a checked [`Scenario`] only through validation, so nothing
//! unchecked reaches the engine. Every error names the file, line, column and field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::data::{Delimiter, Missing, ReadOptions};
use crate::error::InputError;
use crate::optim::fit::Stopping;
use crate::optim::{OptimizerKind, Settings};
use crate::stats::family::{FamilyKind, Fault, FromData, InTruth, ParamError, ParamValue, Shape};

pub mod classifier;
mod locate;
pub use classifier::ClassScenario;
use locate::{deepest_line, line_col, toml_error_field};

/// Presets built into the binary, so `mlex` works from any directory: (name, TOML source).
pub const PRESETS: &[(&str, &str)] = &[
    ("normal-basics", include_str!("../scenarios/normal-basics.toml")),
    ("coin-flips", include_str!("../scenarios/coin-flips.toml")),
    ("waiting-times", include_str!("../scenarios/waiting-times.toml")),
    ("poisson-counts", include_str!("../scenarios/poisson-counts.toml")),
    ("loaded-die", include_str!("../scenarios/loaded-die.toml")),
    ("underflow", include_str!("../scenarios/underflow.toml")),
    ("densities-above-one", include_str!("../scenarios/densities-above-one.toml")),
    ("misspecified", include_str!("../scenarios/misspecified.toml")),
    ("heavy-tails-cauchy", include_str!("../scenarios/heavy-tails-cauchy.toml")),
    ("heavy-tails-t", include_str!("../scenarios/heavy-tails-t.toml")),
    ("step-too-large", include_str!("../scenarios/step-too-large.toml")),
    ("mixture-local-optimum", include_str!("../scenarios/mixture-local-optimum.toml")),
    ("small-sample-variance", include_str!("../scenarios/small-sample-variance.toml")),
    ("gamma-gradient-ascent", include_str!("../scenarios/gamma-gradient-ascent.toml")),
    ("gamma-newton", include_str!("../scenarios/gamma-newton.toml")),
    ("lifetimes-weibull", include_str!("../scenarios/lifetimes-weibull.toml")),
    ("how-sure", include_str!("../scenarios/how-sure.toml")),
    ("wald-vs-profile", include_str!("../scenarios/wald-vs-profile.toml")),
    ("sandwich", include_str!("../scenarios/sandwich.toml")),
    ("aic-picks", include_str!("../scenarios/aic-picks.toml")),
];

/// Classification presets: (name, TOML source), each with a `[classifier]` table.
pub const CLASS_PRESETS: &[(&str, &str)] = &[
    ("why-cross-entropy", include_str!("../scenarios/why-cross-entropy.toml")),
    ("separable-classes", include_str!("../scenarios/separable-classes.toml")),
    ("label-noise", include_str!("../scenarios/label-noise.toml")),
    ("xor-hidden-layer", include_str!("../scenarios/xor-hidden-layer.toml")),
    ("three-classes", include_str!("../scenarios/three-classes.toml")),
    ("squared-error", include_str!("../scenarios/squared-error.toml")),
];

/// A scenario of either kind: a density of one number, or a classifier.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyScenario {
    /// A family fitted to a sample of one number.
    Density(Scenario),
    /// A classifier fitted to labelled points.
    Classification(ClassScenario),
}

impl AnyScenario {
    /// Its one-line title.
    #[must_use]
    pub fn title(&self) -> &str {
        match self {
            Self::Density(s) => &s.title,
            Self::Classification(c) => &c.title,
        }
    }

    /// Its lesson.
    #[must_use]
    pub fn lesson(&self) -> &str {
        match self {
            Self::Density(s) => &s.lesson,
            Self::Classification(c) => &c.lesson,
        }
    }
}

/// The preset `mlex` opens when given no scenario.
pub const DEFAULT_PRESET: &str = "normal-basics";

/// Samples larger than this are refused: 10^7 f64 values already take 80 MB.
pub const MAX_SAMPLE_SIZE: usize = 10_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    title: Spanned<String>,
    lesson: Option<String>,
    seed: Option<u64>,
    sample_size: Option<Spanned<i64>>,
    truth: Option<RawDistribution>,
    data: Option<RawData>,
    model: RawModel,
    optimizer: Option<RawOptimizer>,
    view: Option<RawView>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDistribution {
    family: Spanned<String>,
    params: Spanned<BTreeMap<String, Spanned<RawParam>>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a number (or, for categorical p, a list of numbers)")]
enum RawParam {
    Scalar(f64),
    List(Vec<f64>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    path: Spanned<String>,
    column: Option<String>,
    delimiter: Option<Spanned<String>>,
    missing: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    family: Spanned<String>,
    start: Option<Spanned<BTreeMap<String, Spanned<RawParam>>>>,
    trials: Option<Spanned<i64>>,
    categories: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOptimizer {
    kind: Option<Spanned<String>>,
    step_size: Option<Spanned<f64>>,
    momentum: Option<Spanned<f64>>,
    max_steps: Option<Spanned<i64>>,
    tolerance: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawView {
    focus: Option<Focus>,
}

/// The pane a scenario opens the explorer on: a closed list, so a misspelt name is refused
/// with the valid ones (serde's "unknown variant … expected one of …") at its line and
/// column, instead of falling back to the data pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Focus {
    /// The data with the true and fitted densities.
    Data,
    /// The log-likelihood.
    Likelihood,
    /// The cross-entropy.
    #[serde(alias = "cross-entropy")]
    CrossEntropy,
    /// The raw product of probabilities.
    Underflow,
    /// The numbers.
    Status,
}

/// Where the data of a scenario comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Sampled from a known truth.
    Truth {
        /// The truth's family.
        kind: FamilyKind,
        /// Its fixed parts.
        shape: Shape,
        /// Its natural parameters.
        params: Vec<f64>,
    },
    /// Read from a file (path resolved against the scenario file's folder).
    Data {
        /// The data file.
        path: PathBuf,
        /// How to read it: the CSV column, the delimiter, missing values.
        read: ReadOptions,
    },
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Preset name or file path it came from.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// What to look at.
    pub lesson: String,
    /// Seed of the sampler.
    pub seed: u64,
    /// Sample size m.
    pub sample_size: usize,
    /// Truth or data file.
    pub source: Source,
    /// Model family.
    pub model: FamilyKind,
    /// The model's fixed part (binomial's trials, categorical's categories) as the file sets
    /// it; None to take it from a truth of the same family or from the data.
    pub model_fixed: Option<u64>,
    /// Starting θ by name, checked against the model when it is built.
    pub start: Option<BTreeMap<String, ParamValue>>,
    /// Optimiser settings.
    pub settings: Settings,
    /// Stopping rules.
    pub stopping: Stopping,
    /// Pane to focus in the TUI.
    pub focus: Option<Focus>,
    /// Line and column of `model.family` in the file, for errors about the model and the
    /// data that only show once the data exist.
    pub model_at: Option<(usize, usize)>,
}

/// Reads a density scenario by preset name or file path; a classification scenario is
/// refused with what reads it.
pub fn load(name_or_path: &str) -> Result<Scenario, InputError> {
    match load_any(name_or_path)? {
        AnyScenario::Density(s) => Ok(s),
        AnyScenario::Classification(c) => Err(InputError::new(format!(
            "'{}' is a classification scenario ([classifier]): open it with `mlex tui \
             --scenario` or `mlex run --scenario`",
            c.name
        ))),
    }
}

/// Reads a scenario of either kind by preset name or file path.
pub fn load_any(name_or_path: &str) -> Result<AnyScenario, InputError> {
    if let Some((name, source)) =
        PRESETS.iter().chain(CLASS_PRESETS).find(|(n, _)| *n == name_or_path)
    {
        return parse_any(source, name, None);
    }
    let path = Path::new(name_or_path);
    if !path.exists() && !name_or_path.contains(['/', '.']) {
        let names: Vec<&str> = PRESETS.iter().chain(CLASS_PRESETS).map(|(n, _)| *n).collect();
        return Err(InputError::new(format!(
            "no preset or file named '{name_or_path}' (presets: {}; see `mlex scenarios`)",
            names.join(", ")
        )));
    }
    let bytes = read_bounded(path)?;
    let text = utf8(&bytes, name_or_path, Some(path))?;
    parse_any(text, name_or_path, Some(path))
}

/// Whether a preset name or path names a classification scenario that loads.
#[must_use]
pub fn is_classification_name(name_or_path: &str) -> bool {
    matches!(load_any(name_or_path), Ok(AnyScenario::Classification(_)))
}

/// Whether scenario text holds a `[classifier]` table (text that is not TOML is left to the
/// density parser, whose errors name the place).
fn is_classification(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("classifier"))
}

/// Parses scenario text of either kind.
pub fn parse_any(text: &str, name: &str, file: Option<&Path>) -> Result<AnyScenario, InputError> {
    if is_classification(text) {
        let shown = shown_name(name, file);
        let raw = from_toml(text, &shown)?;
        classifier::parse(raw, text, &shown, name).map(AnyScenario::Classification)
    } else {
        parse(text, name, file).map(AnyScenario::Density)
    }
}

/// Scenario files larger than this are refused before they are read: a scenario is a page
/// of settings and a lesson, and a lesson longer than this is not one a screen can show.
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;

/// The bytes of a scenario file: only a regular file (a FIFO or a device would block or
/// never end), and at most [`MAX_SCENARIO_BYTES`], checked before allocation.
fn read_bounded(path: &Path) -> Result<Vec<u8>, InputError> {
    use std::io::Read as _;
    let err = |msg: String| InputError::new(msg).in_file(path);
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(err("not a regular file: a scenario is read from a file".into()));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(err(format!(
            "{} bytes is more than a scenario may hold ({MAX_SCENARIO_BYTES} bytes)",
            meta.len()
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between the look and the read: read one byte past the limit at most.
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(err(format!("more than a scenario may hold ({MAX_SCENARIO_BYTES} bytes)")));
    }
    Ok(bytes)
}

/// Parses scenario bytes: text that is not UTF-8 is refused at the line and column of its
/// first bad byte, so the one place to fix is named.
pub fn parse_bytes(bytes: &[u8], name: &str, file: Option<&Path>) -> Result<Scenario, InputError> {
    parse(utf8(bytes, name, file)?, name, file)
}

/// The bytes as text, or an error at the line and column of the first bad byte.
fn utf8<'b>(bytes: &'b [u8], name: &str, file: Option<&Path>) -> Result<&'b str, InputError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
        let (line, col) = line_col(&good, good.len());
        let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
        InputError::new(format!(
            "not valid UTF-8 (byte 0x{bad:02x}): save the scenario as UTF-8 text"
        ))
        .in_file(shown_name(name, file))
        .at_line(line)
        .at_column(col)
    })
}

/// How a scenario is named in errors: its file, or `<preset NAME>`.
fn shown_name(name: &str, file: Option<&Path>) -> PathBuf {
    file.map_or_else(|| PathBuf::from(format!("<preset {name}>")), Path::to_path_buf)
}

/// Parses scenario text. `file` names the file in errors (None for presets, which are named
/// by `name`).
#[allow(clippy::too_many_lines)] // one flat sequence of field checks reads best top to bottom
pub fn parse(text: &str, name: &str, file: Option<&Path>) -> Result<Scenario, InputError> {
    let shown = shown_name(name, file);
    let at = |span: std::ops::Range<usize>, field: &str, msg: String| {
        let (line, col) = line_col(text, span.start);
        InputError::new(msg).in_file(&shown).at_line(line).at_column(col).field(field)
    };
    let raw: RawScenario = from_toml(text, &shown)?;

    let sample_size = match raw.sample_size {
        None => 200,
        Some(s) => {
            let v = *s.get_ref();
            if v < 1 || v as u64 > MAX_SAMPLE_SIZE as u64 {
                return Err(at(
                    s.span(),
                    "sample_size",
                    format!("must be a whole number from 1 to {MAX_SAMPLE_SIZE}, got {v}"),
                ));
            }
            v as usize
        }
    };

    let source = match (raw.truth, raw.data) {
        (Some(_), Some(d)) => {
            return Err(at(
                d.path.span(),
                "data",
                "give either [truth] or [data], not both".into(),
            ));
        }
        (None, None) => {
            // Nothing to point at: name the start of the file, as toml does for a missing field.
            return Err(InputError::new(
                "a scenario needs a [truth] table (family and params) or a [data] table (path)",
            )
            .in_file(&shown)
            .at_line(1)
            .at_column(1)
            .field("truth"));
        }
        (Some(t), None) => truth(&t, &at)?,
        (None, Some(d)) => {
            let base = file.and_then(Path::parent).unwrap_or_else(|| Path::new("."));
            let path = base.join(d.path.get_ref());
            // Checked here, where the path's line is known (prepare reads it later). Only for
            // files: a preset's relative path depends on the directory mlex runs in.
            if file.is_some()
                && let Err(e) = std::fs::metadata(&path)
            {
                return Err(at(
                    d.path.span(),
                    "data.path",
                    format!(
                        "cannot read {}: {e} (give a data file's path, relative to the \
                         scenario file's folder)",
                        path.display()
                    ),
                ));
            }
            let delimiter = match &d.delimiter {
                Some(text) => Some(
                    Delimiter::parse(text.get_ref())
                        .map_err(|e| at(text.span(), "data.delimiter", e))?,
                ),
                None => None,
            };
            let missing = match &d.missing {
                Some(text) => {
                    text.get_ref().parse().map_err(|e| at(text.span(), "data.missing", e))?
                }
                None => Missing::default(),
            };
            Source::Data { path, read: ReadOptions { column: d.column, delimiter, missing } }
        }
    };

    let raw_model_span = raw.model.family.span();
    let model = family_kind(&raw.model.family, "model.family", &at)?;
    let model_fixed = model_fixed_part(&raw.model, model, &at)?;
    // The model's fixed part as prepare takes it: the file's, else a same-family truth's.
    let fixed = model_fixed.or(match &source {
        Source::Truth { kind, shape, .. } if *kind == model => shape.0,
        _ => None,
    });
    if let Some(part) = model.fixed_part()
        && part.from_data == FromData::Required
        && fixed.is_none()
    {
        return Err(at(
            raw.model.family.span(),
            &format!("model.{}", part.key),
            format!(
                "a {model} model needs its {} {}: give {} = N in [model] (a {model} truth \
                 lends its own {})",
                part.what, part.name, part.key, part.name
            ),
        ));
    }
    let start = match raw.model.start {
        None => None,
        Some(s) => {
            let values = named(s.get_ref());
            // Checked here, where each value's line is known, unless the model takes its fixed
            // part from the data (prepare checks the start again either way).
            if model.fixed_part().is_none() || fixed.is_some() {
                model
                    .build(Shape(fixed))
                    .params_from_named(&values)
                    .map_err(|e| param_error(&s, "model.start", &e, &at))?;
            }
            Some(values)
        }
    };

    let (settings, stopping) = optimizer(raw.optimizer, Settings::default(), &at)?;

    Ok(Scenario {
        name: name.to_string(),
        title: printable(&raw.title.into_inner(), false),
        lesson: printable(&raw.lesson.unwrap_or_default(), true),
        seed: raw.seed.unwrap_or(1),
        sample_size,
        source,
        model,
        model_fixed,
        start,
        settings,
        stopping,
        model_at: file.map(|_| line_col(text, raw_model_span.start)),
        focus: raw.view.and_then(|v| v.focus),
    })
}

/// The `[optimizer]` table checked: settings (from `defaults`) and stopping rules.
fn optimizer(
    raw: Option<RawOptimizer>,
    defaults: Settings,
    at: &impl Fn(std::ops::Range<usize>, &str, String) -> InputError,
) -> Result<(Settings, Stopping), InputError> {
    let whole = |v: &Option<Spanned<i64>>,
                 field: &str,
                 lo: i64,
                 hi: i64|
     -> Result<Option<i64>, InputError> {
        match v {
            None => Ok(None),
            Some(s) if (lo..=hi).contains(s.get_ref()) => Ok(Some(*s.get_ref())),
            Some(s) => Err(at(
                s.span(),
                field,
                format!("must be a whole number from {lo} to {hi}, got {}", s.get_ref()),
            )),
        }
    };
    let mut settings = defaults;
    let mut stopping = Stopping::default();
    if let Some(o) = raw {
        if let Some(k) = o.kind {
            settings.kind = OptimizerKind::from_name(k.get_ref()).ok_or_else(|| {
                at(
                    k.span(),
                    "optimizer.kind",
                    format!(
                        "unknown optimizer '{}' (choose one of {})",
                        k.get_ref(),
                        OptimizerKind::all_names()
                    ),
                )
            })?;
        }
        if let Some(s) = o.step_size {
            let v = *s.get_ref();
            if !(v > 0.0 && v.is_finite()) {
                return Err(at(
                    s.span(),
                    "optimizer.step_size",
                    format!("must be a finite number > 0, got {v}"),
                ));
            }
            settings.step_size = v;
        }
        if let Some(s) = o.momentum {
            let v = *s.get_ref();
            if !(0.0..1.0).contains(&v) {
                return Err(at(
                    s.span(),
                    "optimizer.momentum",
                    format!("must be in [0, 1), got {v}"),
                ));
            }
            settings.momentum = v;
        }
        if let Some(v) = whole(&o.max_steps, "optimizer.max_steps", 0, 10_000_000)? {
            stopping.max_steps = v as usize;
        }
        if let Some(s) = o.tolerance {
            let v = *s.get_ref();
            if !(v >= 0.0 && v.is_finite()) {
                return Err(at(
                    s.span(),
                    "optimizer.tolerance",
                    format!("must be a finite number ≥ 0, got {v}"),
                ));
            }
            stopping.tolerance = v;
        }
    }

    Ok((settings, stopping))
}

/// Deserialises scenario text, a toml error named at its line, column and field.
fn from_toml<T: serde::de::DeserializeOwned>(text: &str, shown: &Path) -> Result<T, InputError> {
    toml::from_str(text).map_err(|e| {
        let mut msg = e.message().trim().to_string();
        // toml's "duplicate key" names no key: its span is the key, so name it.
        if msg == "duplicate key"
            && let Some(key) = e.span().and_then(|s| text.get(s))
        {
            msg = format!(
                "duplicate key `{}`: each key and table may be given only once",
                key.trim()
            );
        }
        // Some errors (a recursion limit) come without a span: the parser's own error for
        // the same text may have one, else the deepest line is where it went too deep.
        let span = e
            .span()
            .or_else(|| toml::de::DeTable::parse(text).err().and_then(|p| p.span()))
            .or_else(|| deepest_line(text));
        let (line, col) = span.clone().map_or((1, 1), |s| line_col(text, s.start));
        let mut err = InputError::new(msg).in_file(shown).at_line(line).at_column(col);
        if let Some(field) = toml_error_field(text, e.message(), span) {
            err = err.field(field);
        }
        err
    })
}

/// Text with its control characters (escape sequences that would drive the terminal it is
/// printed on) replaced by U+FFFD; a lesson keeps its line breaks.
fn printable(text: &str, lines: bool) -> String {
    text.chars()
        .map(|c| if c.is_control() && !(lines && c == '\n') { '\u{fffd}' } else { c })
        .collect()
}

fn named(raw: &BTreeMap<String, Spanned<RawParam>>) -> BTreeMap<String, ParamValue> {
    raw.iter()
        .map(|(k, v)| {
            let v = match v.get_ref() {
                RawParam::Scalar(x) => ParamValue::Scalar(*x),
                RawParam::List(l) => ParamValue::List(l.clone()),
            };
            (k.clone(), v)
        })
        .collect()
}

fn family_kind(
    name: &Spanned<String>,
    field: &str,
    at: &impl Fn(std::ops::Range<usize>, &str, String) -> InputError,
) -> Result<FamilyKind, InputError> {
    FamilyKind::from_name(name.get_ref()).ok_or_else(|| {
        at(
            name.span(),
            field,
            format!(
                "unknown family '{}' (choose one of {})",
                name.get_ref(),
                FamilyKind::all_names()
            ),
        )
    })
}

fn truth(
    t: &RawDistribution,
    at: &impl Fn(std::ops::Range<usize>, &str, String) -> InputError,
) -> Result<Source, InputError> {
    let kind = family_kind(&t.family, "truth.family", at)?;
    let params = t.params.get_ref();
    let shape = truth_fixed_part(t, kind, at)?;
    let family = kind.build(shape);
    let values = named(params);
    let nat = family
        .params_from_named(&values)
        .map_err(|e| param_error(&t.params, "truth.params", &e, at))?;
    // The truth's own range (statrs' inverse regularised gamma and beta slow to seconds or
    // hang past it: a gamma shape of 1e5 takes 0.6 s, 1e10 over a minute; a student_t df of
    // 1e8 hangs, one of 0.1 puts quadrature nodes where the density underflows).
    family.check_truth(&nat).map_err(|e| param_error(&t.params, "truth.params", &e, at))?;
    Ok(Source::Truth { kind, shape, params: nat })
}

/// An error about a table of named parameters (`prefix` names it): points at the parameter
/// it is about, or at the whole table when it is about the table (a name missing, a list's
/// sum).
fn param_error(
    params: &Spanned<BTreeMap<String, Spanned<RawParam>>>,
    prefix: &str,
    err: &ParamError,
    at: &impl Fn(std::ops::Range<usize>, &str, String) -> InputError,
) -> InputError {
    let given = params.get_ref().get_key_value(err.parameter.as_str());
    let span = given.map_or_else(|| params.span(), |(_, v)| v.span());
    let field = match given {
        Some((k, _)) if !err.is_about_names() && err.fault != Fault::Sum => format!("{prefix}.{k}"),
        _ => prefix.to_string(),
    };
    let span = if err.fault == Fault::Sum { params.span() } else { span };
    at(span, &field, err.to_string())
}

/// The truth's fixed part, as its family declares it is given: a named whole number among
/// its params (binomial's n) or the length of its list of probabilities (categorical's p).
fn truth_fixed_part(
    t: &RawDistribution,
    kind: FamilyKind,
    at: &impl Fn(std::ops::Range<usize>, &str, String) -> InputError,
) -> Result<Shape, InputError> {
    let Some(part) = kind.fixed_part() else { return Ok(Shape::default()) };
    let params = t.params.get_ref();
    match part.in_truth {
        InTruth::Named => match params.get(part.name).map(Spanned::get_ref) {
            Some(RawParam::Scalar(n))
                if n.fract() == 0.0 && (part.min as f64..=part.max as f64).contains(n) =>
            {
                Ok(Shape::fixed(*n as u64))
            }
            _ => {
                let span = params.get(part.name).map_or_else(|| t.params.span(), Spanned::span);
                Err(at(
                    span,
                    &format!("truth.params.{}", part.name),
                    format!(
                        "{kind} needs {}, a whole {} from {} to {}",
                        part.name, part.what, part.min, part.max
                    ),
                ))
            }
        },
        InTruth::LengthOf(list) => match params.get(list) {
            Some(v) => match v.get_ref() {
                RawParam::List(p) if (p.len() as u64) < part.min => Err(at(
                    v.span(),
                    &format!("truth.params.{list}"),
                    format!("{kind} needs at least {} probabilities", part.min),
                )),
                RawParam::List(p) if p.len() as u64 > part.max => Err(at(
                    v.span(),
                    &format!("truth.params.{list}"),
                    format!("{kind} takes at most {} probabilities, got {}", part.max, p.len()),
                )),
                RawParam::List(p) => Ok(Shape::fixed(p.len() as u64)),
                RawParam::Scalar(_) => Ok(Shape::default()),
            },
            None => Ok(Shape::default()),
        },
    }
}

/// The model's fixed part as a `[model]` table sets it: the field its family's fixed part
/// names (`trials`, `categories`). A field for a fixed part the model does not have is
/// refused, not ignored.
fn model_fixed_part(
    raw: &RawModel,
    model: FamilyKind,
    at: &impl Fn(std::ops::Range<usize>, &str, String) -> InputError,
) -> Result<Option<u64>, InputError> {
    for (key, value) in [("trials", &raw.trials), ("categories", &raw.categories)] {
        let Some(value) = value else { continue };
        let field = format!("model.{key}");
        let Some(part) = model.fixed_part().filter(|p| p.key == key) else {
            return Err(at(
                value.span(),
                &field,
                format!("a {model} model takes no {key}: only a model with that fixed part does"),
            ));
        };
        let v = *value.get_ref();
        if v < part.min as i64 || v as u64 > part.max {
            return Err(at(
                value.span(),
                &field,
                format!("must be a whole number from {} to {}, got {v}", part.min, part.max),
            ));
        }
        return Ok(Some(v as u64));
    }
    Ok(None)
}

/// Preset names and titles, then ./scenarios/*.toml files with theirs (or their error).
#[must_use]
pub fn catalogue() -> Vec<(String, Result<String, InputError>)> {
    let mut out: Vec<(String, Result<String, InputError>)> = PRESETS
        .iter()
        .chain(CLASS_PRESETS)
        .map(|(name, src)| {
            ((*name).to_string(), parse_any(src, name, None).map(|s| s.title().to_string()))
        })
        .collect();
    if let Ok(dir) = std::fs::read_dir("scenarios") {
        let mut paths: Vec<PathBuf> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            // Only regular files: opening a FIFO would block the listing (and the picker).
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
            .collect();
        paths.sort();
        for p in paths {
            // The repository's own scenarios/ holds the presets' sources: list them once.
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let same = PRESETS
                .iter()
                .chain(CLASS_PRESETS)
                .any(|(n, src)| *n == stem && read_bounded(&p).is_ok_and(|t| t == src.as_bytes()));
            if same {
                continue;
            }
            let shown = p.display().to_string();
            out.push((shown.clone(), load_any(&shown).map(|s| s.title().to_string())));
        }
    }
    out
}
