//! The family catalogue: one trait every distribution implements, used both as the truth
//! (sampled) and as the model (fitted), and the names that scenario files, `--model` and
//! JSON use. One family per file under `family/`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use super::rng::Rng;
use super::sample::Sample;
use super::sums::Neumaier;

mod bernoulli;
mod beta;
mod binomial;
mod categorical;
mod cauchy;
mod exponential;
mod gamma;
mod geometric;
mod laplace;
mod lognormal;
mod normal;
mod normal_mixture;
mod poisson;
mod student_t;
mod weibull;

pub use bernoulli::{Bernoulli, bernoulli_entropy};
pub use beta::Beta;
pub use binomial::Binomial;
pub use categorical::Categorical;
pub use cauchy::Cauchy;
pub use exponential::Exponential;
pub use gamma::Gamma;
pub use geometric::Geometric;
pub use laplace::Laplace;
pub use lognormal::LogNormal;
pub use normal::Normal;
pub use normal_mixture::NormalMixture;
pub use poisson::Poisson;
pub use student_t::StudentT;
pub use weibull::Weibull;

/// Which family, by the name used everywhere in the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FamilyKind {
    /// normal(mu, sigma)
    Normal,
    /// exponential(rate)
    Exponential,
    /// gamma(shape, rate)
    Gamma,
    /// lognormal(mu, sigma)
    LogNormal,
    /// weibull(shape, scale)
    Weibull,
    /// laplace(loc, scale)
    Laplace,
    /// cauchy(loc, scale)
    Cauchy,
    /// `student_t(df`, loc, scale)
    StudentT,
    /// beta(alpha, beta)
    Beta,
    /// `normal_mixture(weight`, mu1, sigma1, mu2, sigma2)
    NormalMixture,
    /// bernoulli(p)
    Bernoulli,
    /// binomial(n fixed, p)
    Binomial,
    /// geometric(p), trials to the first success
    Geometric,
    /// poisson(lambda)
    Poisson,
    /// categorical(p list)
    Categorical,
}

impl FamilyKind {
    /// Every family, in catalogue order.
    pub const ALL: [Self; 15] = [
        Self::Normal,
        Self::Exponential,
        Self::Gamma,
        Self::LogNormal,
        Self::Weibull,
        Self::Laplace,
        Self::Cauchy,
        Self::StudentT,
        Self::Beta,
        Self::NormalMixture,
        Self::Bernoulli,
        Self::Binomial,
        Self::Geometric,
        Self::Poisson,
        Self::Categorical,
    ];

    /// The interface name (`normal`, `student_t`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Exponential => "exponential",
            Self::Gamma => "gamma",
            Self::LogNormal => "lognormal",
            Self::Weibull => "weibull",
            Self::Laplace => "laplace",
            Self::Cauchy => "cauchy",
            Self::StudentT => "student_t",
            Self::Beta => "beta",
            Self::NormalMixture => "normal_mixture",
            Self::Bernoulli => "bernoulli",
            Self::Binomial => "binomial",
            Self::Geometric => "geometric",
            Self::Poisson => "poisson",
            Self::Categorical => "categorical",
        }
    }

    /// Looks a family up by its interface name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The names, comma separated, for error messages.
    #[must_use]
    pub fn all_names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }

    /// True for families on whole numbers.
    #[must_use]
    pub const fn is_discrete(self) -> bool {
        matches!(
            self,
            Self::Bernoulli | Self::Binomial | Self::Geometric | Self::Poisson | Self::Categorical
        )
    }

    /// Builds the family; `shape` supplies binomial's trials and categorical's categories.
    #[must_use]
    pub fn build(self, shape: Shape) -> Box<dyn Family> {
        match self {
            Self::Normal => Box::new(Normal),
            Self::Exponential => Box::new(Exponential),
            Self::Gamma => Box::new(Gamma),
            Self::LogNormal => Box::new(LogNormal),
            Self::Weibull => Box::new(Weibull),
            Self::Laplace => Box::new(Laplace),
            Self::Cauchy => Box::new(Cauchy),
            Self::StudentT => Box::new(StudentT),
            Self::Beta => Box::new(Beta),
            Self::NormalMixture => Box::new(NormalMixture),
            Self::Bernoulli => Box::new(Bernoulli),
            Self::Binomial => Box::new(Binomial { trials: shape.trials }),
            Self::Geometric => Box::new(Geometric),
            Self::Poisson => Box::new(Poisson),
            Self::Categorical => Box::new(Categorical { k: shape.categories.max(2) }),
        }
    }
}

impl FamilyKind {
    /// A typical truth for this family, used when the explorer switches the true family.
    #[must_use]
    pub fn default_truth(self) -> (Shape, Vec<f64>) {
        let shape = Shape::default();
        match self {
            Self::Normal | Self::Laplace | Self::Cauchy => (shape, vec![0.0, 1.0]),
            Self::Exponential => (shape, vec![1.0]),
            Self::Gamma => (shape, vec![2.0, 1.0]),
            Self::LogNormal => (shape, vec![0.0, 0.5]),
            Self::Weibull => (shape, vec![1.5, 1.0]),
            Self::StudentT => (shape, vec![3.0, 0.0, 1.0]),
            Self::Beta => (shape, vec![2.0, 5.0]),
            Self::NormalMixture => (shape, vec![0.3, -2.0, 0.7, 1.5, 1.0]),
            Self::Bernoulli => (shape, vec![0.3]),
            Self::Binomial => (Shape { trials: 10, categories: 2 }, vec![0.3]),
            Self::Geometric => (shape, vec![0.25]),
            Self::Poisson => (shape, vec![3.5]),
            Self::Categorical => (Shape { trials: 1, categories: 4 }, vec![0.1, 0.2, 0.3, 0.4]),
        }
    }
}

impl fmt::Display for FamilyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The parts of a family that are fixed rather than fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Binomial's number of trials n.
    pub trials: u64,
    /// Categorical's number of categories k.
    pub categories: usize,
}

impl Default for Shape {
    fn default() -> Self {
        Self { trials: 1, categories: 2 }
    }
}

/// Where a parameter goes when θ runs to the boundary of the parameter space.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// The natural parameter's name.
    pub parameter: String,
    /// The value it tends to (±∞, 0, or a finite edge such as a probability's 1).
    pub value: f64,
    /// What the family becomes in that limit, where it has a name (the t's normal limit).
    pub meaning: Option<&'static str>,
}

/// A parameter value as written in a scenario file or on the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// One number.
    Scalar(f64),
    /// A list (categorical's p).
    List(Vec<f64>),
}

/// A distribution family. Natural parameters are a flat vector in the order of
/// [`Family::param_names`]; the optimiser works on free (unconstrained) coordinates.
pub trait Family: fmt::Debug + Send + Sync {
    /// Which family this is.
    fn kind(&self) -> FamilyKind;

    /// Names of the natural parameters, one per entry of the natural vector.
    fn param_names(&self) -> Vec<String>;

    /// The fixed parts (binomial's n, categorical's k), so the family can be rebuilt.
    fn shape(&self) -> Shape {
        Shape::default()
    }

    /// An owned copy of this family.
    fn boxed(&self) -> Box<dyn Family> {
        self.kind().build(self.shape())
    }

    /// Number of free coordinates the optimiser moves.
    fn dim(&self) -> usize {
        self.param_names().len()
    }

    /// Human description of the support, for messages.
    fn support(&self) -> String;

    /// Whether x can occur under this family.
    fn in_support(&self, x: f64) -> bool;

    /// Checks natural parameters, saying what is allowed when they are not.
    fn check(&self, nat: &[f64]) -> Result<(), String>;

    /// Natural → free coordinates.
    fn to_free(&self, nat: &[f64]) -> Vec<f64>;

    /// Free → natural coordinates.
    fn to_natural(&self, free: &[f64]) -> Vec<f64>;

    /// ln q(x; θ), from statrs where statrs has the family.
    fn ln_density(&self, nat: &[f64], x: f64) -> f64;

    /// Adds ∂ ln q(x; θ) / ∂ free to `grad` (the score of one point).
    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]);

    /// Whether every value of a sample lies in the support, judged from its statistics alone
    /// (the supports are intervals, of whole numbers for discrete families).
    fn supports(&self, stats: &super::sample::Stats) -> bool {
        self.in_support(stats.min)
            && self.in_support(stats.max)
            && (!self.kind().is_discrete() || stats.whole)
    }

    /// Whether ℓ can have kinks (points where it is not differentiable), so the optimiser
    /// must look for them; of this catalogue only laplace's |x − loc| has them.
    fn has_kinks(&self) -> bool {
        false
    }

    /// ℓ(θ) = Σ ln q(xᵢ; θ); families with sufficient statistics override this with an O(1)
    /// formula, which must give −∞ when a value lies outside the support.
    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        pointwise_log_likelihood(self, nat, sample.values())
    }

    /// The Hessian of ℓ in free coordinates in closed form, from one pass over the data,
    /// where the family has it; None (the default) makes Newton difference the gradient,
    /// which costs two passes per coordinate.
    fn free_hessian(&self, _nat: &[f64], _sample: &Sample) -> Option<Vec<Vec<f64>>> {
        None
    }

    /// ∇ℓ in free coordinates, written into `grad`.
    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        pointwise_gradient(self, nat, sample.values(), grad);
    }

    /// ℓ and ∇ℓ together. Families without sufficient statistics override this with one
    /// fused pass over the data instead of two.
    fn value_and_gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) -> f64 {
        self.gradient(nat, sample, grad);
        self.log_likelihood(nat, sample)
    }

    /// Draws n values with the given generator.
    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64>;

    /// The maximum-likelihood estimate in closed form, where one exists.
    fn closed_form_mle(&self, _sample: &Sample) -> Option<Vec<f64>> {
        None
    }

    /// A starting point from the sample's moments (or robust equivalents).
    fn start(&self, sample: &Sample) -> Vec<f64>;

    /// The natural parameter that free coordinate `coordinate` drives to the edge of the
    /// parameter space as it runs to +∞ (`increasing`) or −∞, and the value it tends to. Free
    /// coordinate i is natural parameter i through a monotone map (ln, logit, identity), so
    /// the limit is read off by pushing the coordinate far out: a value that keeps growing
    /// tends to ±∞, one that keeps shrinking to 0, one that stays put (a logistic's 1) is the
    /// limit itself.
    fn boundary_limit(&self, free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        let sign = if increasing { 1.0 } else { -1.0 };
        let at = |reach: f64| {
            let mut u = free.to_vec();
            u[coordinate] = sign * reach;
            self.to_natural(&u)[coordinate]
        };
        let (near, far) = (at(350.0), at(700.0));
        let value = if far.abs() >= 1.5 * near.abs() {
            f64::INFINITY.copysign(far)
        } else if far.abs() <= near.abs() / 1.5 {
            0.0
        } else {
            far
        };
        Limit {
            parameter: self.param_names()[coordinate].clone(),
            value,
            meaning: self.limit_meaning(coordinate, increasing),
        }
    }

    /// What the family becomes as free coordinate `coordinate` runs to ±∞, where that limit
    /// has a name.
    fn limit_meaning(&self, _coordinate: usize, _increasing: bool) -> Option<&'static str> {
        None
    }

    /// Why the MLE would sit on the boundary of the parameter space for this sample (all
    /// values equal, say), or None when an interior MLE exists.
    fn degenerate(&self, sample: &Sample) -> Option<String> {
        let st = sample.stats();
        (st.min == st.max).then(|| {
            format!(
                "all {} values equal {}: the maximum-likelihood scale is 0, so {} cannot be fitted \
                 (the data need some spread)",
                sample.len(),
                crate::format::exact(st.min),
                self.kind()
            )
        })
    }

    /// Entropy in nats (differential for continuous families).
    fn entropy(&self, nat: &[f64]) -> f64;

    /// Mean and variance (infinite or NaN where they do not exist).
    fn mean_variance(&self, nat: &[f64]) -> (f64, f64);

    /// For continuous families: the quantile function F⁻¹(u), used to integrate against
    /// this family as the truth; accurate in the lower tail (u down to 1e-17).
    fn quantile(&self, nat: &[f64], u: f64) -> f64;

    /// F⁻¹(1 − v) for small v, given v itself so the upper tail keeps its precision (1 − v
    /// would round away everything below 1e-16).
    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        self.quantile(nat, 1.0 - v)
    }

    /// For discrete families: (x, p(x)) over the support, truncated where the remaining
    /// mass is below 1e-17; None for continuous families.
    fn pmf_table(&self, _nat: &[f64]) -> Option<Vec<(f64, f64)>> {
        None
    }

    /// The natural parameters as a JSON object (name → value).
    fn params_json(&self, nat: &[f64]) -> Value {
        let map: Map<String, Value> =
            self.param_names().into_iter().zip(nat).map(|(k, v)| (k, Value::from(*v))).collect();
        Value::Object(map)
    }

    /// Natural parameters from named values; every name must be given and no other.
    fn params_from_named(&self, named: &BTreeMap<String, ParamValue>) -> Result<Vec<f64>, String> {
        let names = self.param_names();
        for key in named.keys() {
            if !names.contains(key) {
                return Err(format!(
                    "{} has no parameter '{key}' (its parameters: {})",
                    self.kind(),
                    names.join(", ")
                ));
            }
        }
        let mut nat = Vec::with_capacity(names.len());
        for name in &names {
            match named.get(name) {
                Some(ParamValue::Scalar(v)) => nat.push(*v),
                Some(ParamValue::List(_)) => return Err(format!("{name} must be one number")),
                None => {
                    return Err(format!(
                        "{} needs '{name}' (its parameters: {})",
                        self.kind(),
                        names.join(", ")
                    ));
                }
            }
        }
        self.check(&nat)?;
        Ok(nat)
    }
}

/// Σ ln q(xᵢ), compensated, one density at a time: the reference every faster formula is
/// tested against.
pub fn pointwise_log_likelihood<F: Family + ?Sized>(family: &F, nat: &[f64], xs: &[f64]) -> f64 {
    let mut acc = Neumaier::new();
    for &x in xs {
        acc.add(family.ln_density(nat, x));
    }
    acc.total()
}

/// Σ score(xᵢ), compensated per coordinate.
pub fn pointwise_gradient<F: Family + ?Sized>(
    family: &F,
    nat: &[f64],
    xs: &[f64],
    grad: &mut [f64],
) {
    let mut acc = vec![Neumaier::new(); grad.len()];
    let mut one = vec![0.0; grad.len()];
    for &x in xs {
        one.fill(0.0);
        family.add_score(nat, x, &mut one);
        for (a, g) in acc.iter_mut().zip(&one) {
            a.add(*g);
        }
    }
    for (g, a) in grad.iter_mut().zip(&acc) {
        *g = a.total();
    }
}

/// Requires `x` to be a finite number greater than zero.
pub(crate) fn positive(name: &str, x: f64) -> Result<(), String> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(format!("{name} must be a finite number > 0, got {}", crate::format::exact(x)))
    }
}

/// Requires `x` to be finite.
pub(crate) fn finite(name: &str, x: f64) -> Result<(), String> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(format!("{name} must be a finite number, got {}", crate::format::exact(x)))
    }
}

/// Requires 0 < p < 1: at 0 or 1 the log-likelihood is −∞ for any data of the other kind
/// and the logit is infinite.
pub(crate) fn probability(name: &str, p: f64) -> Result<(), String> {
    if p > 0.0 && p < 1.0 {
        Ok(())
    } else {
        Err(format!("{name} must lie strictly between 0 and 1, got {}", crate::format::exact(p)))
    }
}

/// ln(p / (1 − p)).
pub(crate) fn logit(p: f64) -> f64 {
    p.ln() - (-p).ln_1p()
}

/// 1 / (1 + e^−t), written so neither tail overflows.
pub(crate) fn logistic(t: f64) -> f64 {
    if t >= 0.0 { 1.0 / (1.0 + (-t).exp()) } else { t.exp() / (1.0 + t.exp()) }
}

/// −Σ p ln p over a table of (x, p), with 0 ln 0 = 0.
pub(crate) fn table_entropy(table: &[(f64, f64)]) -> f64 {
    -super::sums::sum(table.iter().filter(|(_, p)| *p > 0.0).map(|(_, p)| p * p.ln()))
}

/// Walks x = start, start+1, … collecting (x, pmf(x)) until past half the mass the terms
/// fall below 1e-18 (their share of any entropy is then below 1e-16), or `limit` points.
pub(crate) fn pmf_walk(start: u64, limit: u64, pmf: impl Fn(u64) -> f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut mass = Neumaier::new();
    let mut k = start;
    while k < start.saturating_add(limit) {
        let p = pmf(k);
        out.push((k as f64, p));
        mass.add(p);
        if mass.total() >= 0.5 && p < 1e-18 {
            break;
        }
        k += 1;
    }
    out
}

/// Polishes a tail quantile of a positive variable by Newton's method on ln(tail
/// probability) against ln x: tails are close to power laws there, so a few steps fix even
/// a starting guess that is orders of magnitude off (statrs' bisection stalls in the far
/// lower tail). `ln_tail` is ln F for the lower tail, ln S for the upper.
pub(crate) fn polish_tail(
    x0: f64,
    ln_target: f64,
    upper: bool,
    ln_tail: impl Fn(f64) -> f64,
    ln_pdf: impl Fn(f64) -> f64,
) -> f64 {
    let sign = if upper { -1.0 } else { 1.0 };
    let mut y = if x0 > 0.0 && x0.is_finite() { x0.ln() } else { 0.0 };
    for _ in 0..100 {
        let x = y.exp();
        let lt = ln_tail(x);
        let step = if lt.is_finite() {
            // d ln T / d ln x = ± x f(x) / T(x).
            let slope = sign * (y + ln_pdf(x) - lt).exp();
            ((lt - ln_target) / slope).clamp(-5.0, 5.0)
        } else {
            // The tail probability underflowed: x is too far out; move back in.
            -sign * 1.0
        };
        if !step.is_finite() {
            break;
        }
        y -= step;
        if step.abs() <= 1e-15 * y.abs().max(1.0) {
            break;
        }
    }
    y.exp()
}

/// The error a sampler constructor cannot produce once parameters passed `check`.
pub(crate) const CHECKED: &str = "parameters were checked before sampling";
