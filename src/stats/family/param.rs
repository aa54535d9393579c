//! Parameters declared once, as data. A family lists its natural parameters (name, domain,
//! extra bounds) and, where it has one, its fixed whole-number part (binomial's trials,
//! categorical's categories). Checking, the free ↔ natural maps, the boundary limits, the
//! explorer's display ranges, the JSON object and the reading of named values are all
//! derived here, so a family file holds only what is really its own.
//!
//! Free coordinates: a real parameter is its own coordinate, a positive one moves on ln x, a
//! probability on logit p, and a simplex of k probabilities on the k − 1 log-odds
//! ln(p_j / p_{k−1}) (softmax with the last logit pinned at 0), so no step can leave the
//! parameter space and Newton's Hessian has no redundant direction.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Limit;
use crate::stats::sums::sum;

/// Where a natural parameter lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Any finite number; free = natural.
    Real,
    /// A finite number > 0; free = ln x.
    Positive,
    /// 0 < p < 1 (at 0 or 1 the log-likelihood is −∞ for data of the other kind and the logit
    /// infinite); free = logit p.
    Probability,
    /// k probabilities summing to 1, k the family's fixed part; k − 1 free log-odds.
    Simplex,
}

/// One declared parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// The name used in scenario files, `--start` and JSON.
    pub name: &'static str,
    /// Its domain.
    pub domain: Domain,
    /// A lowest value inside the domain, where the family's arithmetic stops short of it.
    pub at_least: Option<f64>,
    /// A highest value inside the domain, likewise.
    pub at_most: Option<f64>,
    /// What the family becomes as this parameter runs to its upper edge, where that limit has
    /// a name (the t's normal limit as df → ∞).
    pub upper_limit: Option<&'static str>,
    /// The range a truth's value must lie in, where sampling the truth or integrating
    /// against it takes minutes or fails outside it. Fits are not held to it: a limit meant
    /// for truths must not constrain a fit.
    pub truth_range: (Option<f64>, Option<f64>),
}

impl ParamSpec {
    /// A parameter of this name and domain, with no further bounds.
    #[must_use]
    pub const fn new(name: &'static str, domain: Domain) -> Self {
        Self {
            name,
            domain,
            at_least: None,
            at_most: None,
            upper_limit: None,
            truth_range: (None, None),
        }
    }

    /// The same parameter with a lowest allowed value.
    #[must_use]
    pub const fn at_least(mut self, lowest: f64) -> Self {
        self.at_least = Some(lowest);
        self
    }

    /// The same parameter with a highest allowed value.
    #[must_use]
    pub const fn at_most(mut self, highest: f64) -> Self {
        self.at_most = Some(highest);
        self
    }

    /// The same parameter, a truth's value held to at least `lowest`.
    #[must_use]
    pub const fn truth_at_least(mut self, lowest: f64) -> Self {
        self.truth_range.0 = Some(lowest);
        self
    }

    /// The same parameter, a truth's value held to at most `highest`.
    #[must_use]
    pub const fn truth_at_most(mut self, highest: f64) -> Self {
        self.truth_range.1 = Some(highest);
        self
    }

    /// The same parameter with a named limit at its upper edge.
    #[must_use]
    pub const fn upper_limit(mut self, meaning: &'static str) -> Self {
        self.upper_limit = Some(meaning);
        self
    }

    /// Clips a display range of this parameter to where it makes sense: a positive value
    /// stays above a fiftieth of the estimate, a probability inside [0.001, 0.999].
    #[must_use]
    pub fn clip_range(&self, (lo, hi): (f64, f64), estimate: f64) -> (f64, f64) {
        match self.domain {
            Domain::Real => (lo, hi),
            Domain::Positive | Domain::Simplex => (lo.max(estimate * 0.02), hi),
            Domain::Probability => (lo.max(estimate * 0.02).max(1e-3), hi.min(1.0 - 1e-3)),
        }
    }
}

/// How a model takes its fixed part when no file or flag sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromData {
    /// It must be given (binomial's n: the data only bound it from below).
    Required,
    /// One more than the largest value (categorical's k: categories 0 … k − 1).
    LargestPlusOne,
}

/// How a truth in a scenario gives its fixed part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InTruth {
    /// As a named whole number among its params (binomial's n).
    Named,
    /// As the length of the list parameter of this name (categorical's p).
    LengthOf(&'static str),
}

/// A family's fixed (not fitted) whole-number part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedPart {
    /// Its name in messages and in a truth's params ("n", "k").
    pub name: &'static str,
    /// What it counts, for messages ("number of trials").
    pub what: &'static str,
    /// The `[model]` field of a scenario and the `--` flag of `mlex fit` that set it.
    pub key: &'static str,
    /// Smallest allowed value.
    pub min: u64,
    /// Largest allowed value (a table of this many entries is built).
    pub max: u64,
    /// The value when nothing sets it.
    pub default: u64,
    /// How a model of given data takes it.
    pub from_data: FromData,
    /// How a truth gives it.
    pub in_truth: InTruth,
    /// Whether the fixed part appears in the params' JSON object (binomial's n does;
    /// categorical's k is the length of its p).
    pub in_json: bool,
}

impl FixedPart {
    /// The smallest value that holds data whose largest value is `largest`.
    #[must_use]
    pub fn holding(&self, largest: f64) -> u64 {
        let top = largest.max(1.0) as u64;
        match self.from_data {
            FromData::Required => top,
            FromData::LargestPlusOne => top + 1,
        }
        .clamp(self.min, self.max)
    }

    /// Checks a value against the allowed range.
    pub fn check(&self, value: u64) -> Result<u64, ParamError> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(ParamError::new(self.name, None, value as f64, Fault::Range(self.min, self.max)))
        }
    }
}

/// What is wrong with a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Not a finite number.
    NotFinite,
    /// Not a finite number > 0.
    NotPositive,
    /// Not strictly between 0 and 1.
    NotProbability,
    /// Below the declared lowest value.
    Below(f64),
    /// Above the declared highest value.
    Above(f64),
    /// A whole number outside this range (a fixed part).
    Range(u64, u64),
    /// A list of the wrong length (the value is the length given).
    Count(usize),
    /// Probabilities that do not sum to 1 (the value is their sum).
    Sum,
    /// A name the family does not have; the family's names follow.
    Unknown(Vec<&'static str>),
    /// A name the family needs but was not given; the family's names follow.
    Missing(Vec<&'static str>),
    /// A list where one number belongs.
    NotScalar,
    /// One number where a list belongs.
    NotList,
    /// A fixed part given with another value than the model's.
    Fixed(u64),
    /// A truth's value outside the range its sampling and integration handle.
    TruthRange(Option<f64>, Option<f64>),
}

/// A parameter value that is not allowed: which parameter, what is wrong, the value.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    /// The parameter's name as written (the key in a scenario's table: "p" for p[2]).
    pub parameter: String,
    /// The entry of a list parameter, where the fault is in one entry.
    pub index: Option<usize>,
    /// The offending value (NaN where the fault is about a name, not a value).
    pub value: f64,
    /// What is wrong.
    pub fault: Fault,
    /// The family's name, for messages about names.
    pub family: &'static str,
}

impl ParamError {
    fn new(parameter: &str, index: Option<usize>, value: f64, fault: Fault) -> Self {
        Self { parameter: parameter.to_string(), index, value, fault, family: "" }
    }

    /// The same error naming its family.
    #[must_use]
    pub fn of(mut self, family: &'static str) -> Self {
        self.family = family;
        self
    }

    /// Whether the fault is in a name (unknown or missing) rather than a value.
    #[must_use]
    pub fn is_about_names(&self) -> bool {
        matches!(self.fault, Fault::Unknown(_) | Fault::Missing(_))
    }
}

/// Its words are the edges' (the words module), where its `Display` lives.
impl std::error::Error for ParamError {}

/// A parameter value as written in a scenario file or on the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// One number.
    Scalar(f64),
    /// A list (categorical's p).
    List(Vec<f64>),
}

/// How far a list of probabilities may sum from 1 before it is refused (then it is
/// renormalised exactly).
const SUM_TOLERANCE: f64 = 1e-9;

/// A family's declared parameters with its fixed part's value: everything the derived maps
/// need.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The declared parameters, in natural order.
    pub specs: &'static [ParamSpec],
    /// The fixed part, where the family has one, with its value.
    pub fixed: Option<(&'static FixedPart, u64)>,
}

impl Layout {
    /// Entries of a simplex (the fixed part's value).
    fn simplex_len(&self) -> usize {
        self.fixed.map_or(2, |(_, k)| k as usize)
    }

    /// How many natural numbers a parameter takes.
    fn width(&self, spec: &ParamSpec) -> usize {
        if spec.domain == Domain::Simplex { self.simplex_len() } else { 1 }
    }

    /// The names of the natural vector's entries (`p[0]`, … for a simplex).
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for spec in self.specs {
            if spec.domain == Domain::Simplex {
                out.extend((0..self.simplex_len()).map(|j| format!("{}[{j}]", spec.name)));
            } else {
                out.push(spec.name.to_string());
            }
        }
        out
    }

    /// The declared parameter behind natural entry `i`, with its index inside a list.
    #[must_use]
    pub fn entry(&self, i: usize) -> Option<(&'static ParamSpec, Option<usize>)> {
        let mut at = 0;
        for spec in self.specs {
            let w = self.width(spec);
            if i < at + w {
                return Some((spec, (spec.domain == Domain::Simplex).then_some(i - at)));
            }
            at += w;
        }
        None
    }

    /// Number of free coordinates.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.specs.iter().map(|s| self.width(s) - usize::from(s.domain == Domain::Simplex)).sum()
    }

    /// Checks natural parameters, naming the first that is not allowed.
    pub fn check(&self, nat: &[f64]) -> Result<(), ParamError> {
        let expected: usize = self.specs.iter().map(|s| self.width(s)).sum();
        if nat.len() != expected {
            let name =
                self.specs.iter().find(|s| s.domain == Domain::Simplex).map_or("θ", |s| s.name);
            return Err(ParamError::new(name, None, nat.len() as f64, Fault::Count(expected)));
        }
        let mut at = 0;
        for spec in self.specs {
            let w = self.width(spec);
            check_one(spec, &nat[at..at + w])?;
            at += w;
        }
        Ok(())
    }

    /// Checks the natural parameters of a truth: the parameter space, then the range within
    /// which a truth can be sampled and integrated against.
    pub fn check_truth(&self, nat: &[f64]) -> Result<(), ParamError> {
        self.check(nat)?;
        for (i, v) in nat.iter().enumerate() {
            let Some((spec, index)) = self.entry(i) else { continue };
            let (lo, hi) = spec.truth_range;
            if lo.is_some_and(|lo| *v < lo) || hi.is_some_and(|hi| *v > hi) {
                return Err(ParamError::new(spec.name, index, *v, Fault::TruthRange(lo, hi)));
            }
        }
        Ok(())
    }

    /// Natural → free coordinates.
    #[must_use]
    pub fn to_free(&self, nat: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(nat.len());
        let mut at = 0;
        for spec in self.specs {
            let w = self.width(spec);
            let v = &nat[at..at + w];
            match spec.domain {
                Domain::Real => out.push(v[0]),
                Domain::Positive => out.push(v[0].ln()),
                Domain::Probability => out.push(logit(v[0])),
                Domain::Simplex => {
                    let last = v[w - 1].ln();
                    out.extend(v[..w - 1].iter().map(|p| p.ln() - last));
                }
            }
            at += w;
        }
        out
    }

    /// Free → natural coordinates.
    #[must_use]
    pub fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(free.len() + 1);
        let mut at = 0;
        for spec in self.specs {
            match spec.domain {
                Domain::Real => out.push(free[at]),
                Domain::Positive => out.push(free[at].exp()),
                Domain::Probability => out.push(logistic(free[at])),
                Domain::Simplex => {
                    let u = &free[at..at + self.simplex_len() - 1];
                    // Subtract the largest logit so no exponential overflows.
                    let top = u.iter().copied().fold(0.0, f64::max);
                    let mut p: Vec<f64> = u.iter().map(|u| (u - top).exp()).collect();
                    p.push((-top).exp());
                    let total = sum(p.iter().copied());
                    out.extend(p.iter().map(|q| q / total));
                    at += u.len();
                    continue;
                }
            }
            at += 1;
        }
        out
    }

    /// ∂ natural / ∂ free at free coordinates `free`, in closed form: 1 for a real parameter,
    /// θ for a positive one (θ = e^u), p(1 − p) for a probability, and p_i(δ_ij − p_j) for a
    /// simplex (softmax against its last entry, whose row is −p_last p_j), whose rows then
    /// sum to 0: the probabilities move only along the simplex.
    #[must_use]
    pub fn jacobian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        let nat = self.to_natural(free);
        let mut jac = vec![vec![0.0; free.len()]; nat.len()];
        let (mut row, mut col) = (0, 0);
        for spec in self.specs {
            match spec.domain {
                Domain::Real => jac[row][col] = 1.0,
                Domain::Positive => jac[row][col] = nat[row],
                Domain::Probability => jac[row][col] = nat[row] * (1.0 - nat[row]),
                Domain::Simplex => {
                    let k = self.simplex_len();
                    for i in 0..k {
                        for j in 0..k - 1 {
                            let delta = f64::from(u8::from(i == j));
                            jac[row + i][col + j] = nat[row + i] * (delta - nat[row + j]);
                        }
                    }
                    row += k;
                    col += k - 1;
                    continue;
                }
            }
            row += 1;
            col += 1;
        }
        jac
    }

    /// Where free coordinate `coordinate` takes its parameter as it runs to +∞ (`increasing`)
    /// or −∞: a real one to ±∞, a positive one to ∞ or 0, a probability to 1 or 0. In a
    /// simplex, u_j = ln(p_j / p_last) → −∞ forces p_j → 0 and u_j → +∞ forces p_last → 0
    /// (p_last ≤ p_last / p_j); nothing forces p_j → 1 unless every other category empties.
    #[must_use]
    pub fn boundary_limit(&self, coordinate: usize, increasing: bool) -> Limit {
        let mut at = 0;
        for spec in self.specs {
            let free_width = self.width(spec) - usize::from(spec.domain == Domain::Simplex);
            if coordinate < at + free_width {
                let (parameter, value, meaning) = match spec.domain {
                    Domain::Real => {
                        let inf = if increasing { f64::INFINITY } else { f64::NEG_INFINITY };
                        (spec.name.to_string(), inf, None)
                    }
                    Domain::Positive => {
                        (spec.name.to_string(), if increasing { f64::INFINITY } else { 0.0 }, None)
                    }
                    Domain::Probability => {
                        (spec.name.to_string(), if increasing { 1.0 } else { 0.0 }, None)
                    }
                    Domain::Simplex => {
                        let j = if increasing { self.simplex_len() - 1 } else { coordinate - at };
                        (format!("{}[{j}]", spec.name), 0.0, Some("a category the data never show"))
                    }
                };
                let meaning = meaning.or(if increasing { spec.upper_limit } else { None });
                return Limit { parameter, value, meaning };
            }
            at += free_width;
        }
        Limit { parameter: format!("θ[{coordinate}]"), value: f64::NAN, meaning: None }
    }

    /// The natural parameters as a JSON object (name → value; a list for a simplex; the fixed
    /// part first where it is shown).
    #[must_use]
    pub fn json(&self, nat: &[f64]) -> Value {
        let mut map = Map::new();
        if let Some((part, value)) = self.fixed
            && part.in_json
        {
            map.insert(part.name.to_string(), Value::from(value));
        }
        let mut at = 0;
        for spec in self.specs {
            let w = self.width(spec);
            let v = if spec.domain == Domain::Simplex {
                Value::from(nat[at..at + w].to_vec())
            } else {
                Value::from(nat[at])
            };
            map.insert(spec.name.to_string(), v);
            at += w;
        }
        Value::Object(map)
    }

    /// Natural parameters from named values: every declared name must be given and no other
    /// (a shown fixed part may be given too, with the model's value); a simplex is
    /// renormalised to sum to 1 exactly once it passed the check.
    pub fn from_named(&self, named: &BTreeMap<String, ParamValue>) -> Result<Vec<f64>, ParamError> {
        let known: Vec<&'static str> = self
            .fixed
            .filter(|(p, _)| p.in_json)
            .map(|(p, _)| p.name)
            .into_iter()
            .chain(self.specs.iter().map(|s| s.name))
            .collect();
        for key in named.keys() {
            if !known.contains(&key.as_str()) {
                return Err(ParamError::new(key, None, f64::NAN, Fault::Unknown(known)));
            }
        }
        if let Some((part, value)) = self.fixed
            && part.in_json
            && let Some(given) = named.get(part.name)
            && *given != ParamValue::Scalar(value as f64)
        {
            return Err(ParamError::new(part.name, None, f64::NAN, Fault::Fixed(value)));
        }
        let mut nat = Vec::new();
        for spec in self.specs {
            match (named.get(spec.name), spec.domain) {
                (None, _) => {
                    return Err(ParamError::new(
                        spec.name,
                        None,
                        f64::NAN,
                        Fault::Missing(known.clone()),
                    ));
                }
                (Some(ParamValue::List(p)), Domain::Simplex) => {
                    if p.len() != self.simplex_len() {
                        return Err(ParamError::new(
                            spec.name,
                            None,
                            p.len() as f64,
                            Fault::Count(self.simplex_len()),
                        ));
                    }
                    check_one(spec, p)?;
                    let total = sum(p.iter().copied());
                    nat.extend(p.iter().map(|q| q / total));
                }
                (Some(ParamValue::Scalar(v)), Domain::Simplex) => {
                    return Err(ParamError::new(spec.name, None, *v, Fault::NotList));
                }
                (Some(ParamValue::List(_)), _) => {
                    return Err(ParamError::new(spec.name, None, f64::NAN, Fault::NotScalar));
                }
                (Some(ParamValue::Scalar(v)), _) => {
                    check_one(spec, &[*v])?;
                    nat.push(*v);
                }
            }
        }
        Ok(nat)
    }
}

/// Checks one parameter's values (one number, or a simplex's list).
fn check_one(spec: &ParamSpec, v: &[f64]) -> Result<(), ParamError> {
    let err = |value: f64, fault: Fault| Err(ParamError::new(spec.name, None, value, fault));
    match spec.domain {
        Domain::Real if !v[0].is_finite() => return err(v[0], Fault::NotFinite),
        Domain::Positive if !(v[0].is_finite() && v[0] > 0.0) => {
            return err(v[0], Fault::NotPositive);
        }
        Domain::Probability if !(v[0] > 0.0 && v[0] < 1.0) => {
            return err(v[0], Fault::NotProbability);
        }
        Domain::Simplex => {
            if let Some((j, p)) = v.iter().enumerate().find(|(_, p)| !(**p > 0.0 && **p < 1.0)) {
                return Err(ParamError::new(spec.name, Some(j), *p, Fault::NotProbability));
            }
            let total = sum(v.iter().copied());
            if (total - 1.0).abs() > SUM_TOLERANCE {
                return err(total, Fault::Sum);
            }
            return Ok(());
        }
        _ => {}
    }
    if let Some(lo) = spec.at_least
        && v[0] < lo * (1.0 - 8.0 * f64::EPSILON)
    {
        return err(v[0], Fault::Below(lo));
    }
    // The bounds hold up to the rounding of a trip through the free coordinates, so a value
    // at the bound (an MLE there) stays allowed after exp(ln x).
    if let Some(hi) = spec.at_most
        && v[0] > hi * (1.0 + 8.0 * f64::EPSILON)
    {
        return err(v[0], Fault::Above(hi));
    }
    Ok(())
}

/// ln(p / (1 − p)).
pub(crate) fn logit(p: f64) -> f64 {
    p.ln() - (-p).ln_1p()
}

/// 1 / (1 + e^−t), written so neither tail overflows.
pub(crate) fn logistic(t: f64) -> f64 {
    if t >= 0.0 { 1.0 / (1.0 + (-t).exp()) } else { t.exp() / (1.0 + t.exp()) }
}
