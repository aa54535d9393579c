//! The family catalogue: one trait every distribution implements, used both as the truth
//! (sampled) and as the model (fitted), and the names that scenario files, `--model` and
//! JSON use. One family per file under `family/`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::rng::Rng;
use super::sample::Sample;
use super::sums::Neumaier;

mod param;
mod support;

pub(crate) use param::logistic;
pub use param::{
    Domain, Fault, FixedPart, FromData, InTruth, Layout, ParamError, ParamSpec, ParamValue,
};
pub use support::{Last, Set, Support};

/// Declares a family that has no fixed part, in one line of data: its parameters (each a
/// [`Domain`] with its name, then any [`ParamSpec`] modifiers), its support (a [`Set`] and its words) and a
/// typical truth.
macro_rules! declare {
    ($ty:ident: [$($kind:ident($name:literal) $(.$modifier:ident($arg:expr))*),+],
     $set:expr, $text:literal, [$($example:expr),+]) => {
        impl $crate::stats::family::Declare for $ty {
            const PARAMS: &'static [$crate::stats::family::ParamSpec] =
                &[$($crate::stats::family::ParamSpec::new(
                    $name,
                    $crate::stats::family::Domain::$kind,
                ) $(.$modifier($arg))*),+];
            const SUPPORT: $crate::stats::family::Support =
                $crate::stats::family::Support { set: $set, text: $text };
            const EXAMPLE: (Option<u64>, &'static [f64]) = (None, &[$($example),+]);

            fn build(_shape: $crate::stats::family::Shape) -> Self {
                Self
            }
        }
    };
}

/// Declares the catalogue: one line per family (variant, interface name, module and type).
/// Everything that must list every family (the enum, its names, building one, its declared
/// parameters) is generated from this one table, so a new family is its file and one line.
macro_rules! registry {
    ($($variant:ident = $name:literal => $module:ident :: $ty:ident,)+) => {
        $(mod $module; pub use $module::$ty;)+

        /// Which family, by the name used everywhere in the interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FamilyKind {
            $(#[doc = concat!("The ", $name, " family.")] $variant,)+
        }

        /// How many families the catalogue holds.
        const COUNT: usize = [$($name),+].len();

        impl FamilyKind {
            /// Every family, in catalogue order.
            pub const ALL: [Self; COUNT] = [$(Self::$variant),+];

            /// The interface name (`normal`, `student_t`, …).
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)+ }
            }

            /// The declared natural parameters.
            #[must_use]
            pub fn params(self) -> &'static [ParamSpec] {
                match self { $(Self::$variant => <$ty as Declare>::PARAMS,)+ }
            }

            /// The fixed (not fitted) part, where the family has one.
            #[must_use]
            pub fn fixed_part(self) -> Option<&'static FixedPart> {
                match self { $(Self::$variant => <$ty as Declare>::FIXED,)+ }
            }

            /// Where the family's values lie.
            #[must_use]
            pub const fn support(self) -> Support {
                match self { $(Self::$variant => <$ty as Declare>::SUPPORT,)+ }
            }

            /// A typical truth for this family (its fixed part and parameters), used when the
            /// explorer switches the true family.
            #[must_use]
            pub fn default_truth(self) -> (Shape, Vec<f64>) {
                let (fixed, params) = match self { $(Self::$variant => <$ty as Declare>::EXAMPLE,)+ };
                (Shape(fixed), params.to_vec())
            }

            /// Builds the family; `shape` supplies its fixed part (its default when None).
            #[must_use]
            pub fn build(self, shape: Shape) -> Box<dyn Family> {
                match self { $(Self::$variant => Box::new(<$ty as Declare>::build(shape)),)+ }
            }
        }

        $(impl Kind for $ty {
            fn kind(&self) -> FamilyKind {
                FamilyKind::$variant
            }
        })+
    };
}

registry! {
    Normal = "normal" => normal::Normal,
    Exponential = "exponential" => exponential::Exponential,
    Gamma = "gamma" => gamma::Gamma,
    LogNormal = "lognormal" => lognormal::LogNormal,
    Weibull = "weibull" => weibull::Weibull,
    Laplace = "laplace" => laplace::Laplace,
    Cauchy = "cauchy" => cauchy::Cauchy,
    StudentT = "student_t" => student_t::StudentT,
    Beta = "beta" => beta::Beta,
    NormalMixture = "normal_mixture" => normal_mixture::NormalMixture,
    Bernoulli = "bernoulli" => bernoulli::Bernoulli,
    Binomial = "binomial" => binomial::Binomial,
    Geometric = "geometric" => geometric::Geometric,
    Poisson = "poisson" => poisson::Poisson,
    Categorical = "categorical" => categorical::Categorical,
}

pub use bernoulli::bernoulli_entropy;

impl FamilyKind {
    /// Looks a family up by its interface name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// True for families on whole numbers.
    #[must_use]
    pub const fn is_discrete(self) -> bool {
        self.support().is_discrete()
    }

    /// The names, comma separated, for error messages.
    #[must_use]
    pub fn all_names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

/// What a family declares about itself, known before any instance exists (a scenario names a
/// family's fixed part before the family is built).
pub trait Declare: Family + Sized + 'static {
    /// The natural parameters, in order.
    const PARAMS: &'static [ParamSpec];
    /// The fixed part, where the family has one.
    const FIXED: Option<&'static FixedPart> = None;
    /// Where the values lie.
    const SUPPORT: Support;
    /// A typical truth: its fixed part's value (None for the default) and its parameters.
    const EXAMPLE: (Option<u64>, &'static [f64]);
    /// Builds the family with its fixed part.
    fn build(shape: Shape) -> Self;
}

/// Which family an instance is; implemented for every family by the registry.
pub trait Kind {
    /// Which family this is.
    fn kind(&self) -> FamilyKind;
}

impl fmt::Display for FamilyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value of a family's fixed part (binomial's trials n, categorical's categories k);
/// None takes the declared default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape(pub Option<u64>);

impl Shape {
    /// A fixed part of this value.
    #[must_use]
    pub const fn fixed(value: u64) -> Self {
        Self(Some(value))
    }
}

/// Why a sample has no maximum-likelihood estimate inside a family's parameter space; the
/// words are the edges' (the words module).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Degenerate {
    /// Every value is `value`: the maximum-likelihood scale is 0.
    NoSpread {
        /// Sample size.
        values: usize,
        /// The one value.
        value: f64,
    },
    /// Fewer values than the parameters need (a mixture component would collapse onto a
    /// point, where the likelihood is unbounded).
    TooFew {
        /// Sample size.
        values: usize,
        /// Parameters to fit.
        needed: usize,
    },
    /// Every value is the one category `category`: its probability's estimate is 1.
    OneCategory {
        /// Sample size.
        values: usize,
        /// The category.
        category: f64,
    },
    /// More than half the values equal `value`: the likelihood grows without bound as the
    /// scale → 0 with the location at `value` (cauchy), so there is no maximum.
    Unbounded {
        /// Sample size.
        values: usize,
        /// How many equal `value`.
        count: usize,
        /// The value they equal.
        value: f64,
    },
    /// Every value is `value`, so the estimate of `parameter` is `estimate`, outside the
    /// parameter space (0 or 1 for a probability, 0 or ∞ for a rate).
    Outside {
        /// Sample size.
        values: usize,
        /// Whether the values are counts (for the words).
        counts: bool,
        /// The one value.
        value: f64,
        /// The parameter whose estimate leaves the space.
        parameter: &'static str,
        /// Its estimate.
        estimate: f64,
    },
}

impl Degenerate {
    /// Every value of `sample` is the same, so the estimate of `parameter` is `estimate`,
    /// outside the parameter space.
    #[must_use]
    pub fn outside(sample: &Sample, parameter: &'static str, estimate: f64) -> Self {
        let (values, value) = (sample.len(), sample.stats().min);
        Self::Outside { values, counts: false, value, parameter, estimate }
    }

    /// The same, saying the values are counts.
    #[must_use]
    pub fn counts(self) -> Self {
        match self {
            Self::Outside { values, value, parameter, estimate, .. } => {
                Self::Outside { values, counts: true, value, parameter, estimate }
            }
            other => other,
        }
    }
}

/// A continuous distribution function at one x: both tails, each to its own precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cdf {
    /// F(x) = P(X ≤ x).
    pub lower: f64,
    /// 1 − F(x) = P(X > x).
    pub upper: f64,
}

impl Cdf {
    /// The tails of a distribution whose F and 1 − F are given.
    #[must_use]
    pub const fn new(lower: f64, upper: f64) -> Self {
        Self { lower, upper }
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

/// A distribution family. Natural parameters are a flat vector in the order of
/// [`Family::param_names`]; the optimiser works on free (unconstrained) coordinates. What
/// follows from the declared parameters (names, checks, the free ↔ natural maps, boundary
/// limits, JSON, reading named values) is derived from [`Family::layout`]; a family writes
/// only its density, score, sampler, entropy, start and sufficient statistics.
pub trait Family: Kind + fmt::Debug + Send + Sync {
    /// The value of the fixed part (binomial's n, categorical's k), so the family can be
    /// rebuilt.
    fn shape(&self) -> Shape {
        Shape::default()
    }

    /// The declared parameters with the fixed part's value.
    fn layout(&self) -> Layout {
        let kind = self.kind();
        Layout {
            specs: kind.params(),
            fixed: kind.fixed_part().map(|p| (p, self.shape().0.unwrap_or(p.default))),
        }
    }

    /// Names of the natural parameters, one per entry of the natural vector.
    fn param_names(&self) -> Vec<String> {
        self.layout().names()
    }

    /// An owned copy of this family.
    fn boxed(&self) -> Box<dyn Family> {
        self.kind().build(self.shape())
    }

    /// Number of free coordinates the optimiser moves.
    fn dim(&self) -> usize {
        self.layout().dim()
    }

    /// The value of the fixed part, its default where none was set.
    fn fixed_value(&self) -> u64 {
        self.kind().fixed_part().map_or(0, |p| self.shape().0.unwrap_or(p.default))
    }

    /// Human description of the support, for messages.
    fn support(&self) -> String {
        self.kind().support().describe(self.fixed_value())
    }

    /// Whether x can occur under this family.
    fn in_support(&self, x: f64) -> bool {
        self.kind().support().contains(x, self.fixed_value())
    }

    /// Checks natural parameters, naming the first that is not allowed.
    fn check(&self, nat: &[f64]) -> Result<(), ParamError> {
        self.layout().check(nat).map_err(|e| e.of(self.kind().name()))
    }

    /// Natural → free coordinates.
    fn to_free(&self, nat: &[f64]) -> Vec<f64> {
        self.layout().to_free(nat)
    }

    /// Free → natural coordinates.
    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        self.layout().to_natural(free)
    }

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

    /// Whether ℓ can have a kink along free coordinate `coordinate`; every coordinate of a
    /// family with kinks unless it says which.
    fn kinks_in(&self, _coordinate: usize) -> bool {
        self.has_kinks()
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
    /// parameter space as it runs to +∞ (`increasing`) or −∞, and the value it tends to.
    fn boundary_limit(&self, _free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        self.layout().boundary_limit(coordinate, increasing)
    }

    /// The natural index of a scale so small against the data's spread that a fit at `nat`
    /// is riding an unbounded likelihood onto data points (a mixture component, or a t or
    /// cauchy scale, collapsing); None where the family's likelihood is bounded.
    fn collapsing(&self, _nat: &[f64], _sample: &Sample) -> Option<usize> {
        None
    }

    /// Why the MLE would sit on the boundary of the parameter space for this sample (all
    /// values equal, say), or None when an interior MLE exists.
    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        let st = sample.stats();
        (st.min == st.max).then_some(Degenerate::NoSpread { values: sample.len(), value: st.min })
    }

    /// As a truth: moments E|X|^a exist for a below this (cauchy 1, a t its df; every
    /// moment for the rest).
    fn tail_index(&self, _nat: &[f64]) -> f64 {
        f64::INFINITY
    }

    /// As a model: the power k at which −ln q(x) grows like |x|^k in the tails (a normal's
    /// 2, a laplace's 1), or 0 where it grows like ln |x| or the support is bounded; the
    /// cross-entropy against a truth is finite only if E_p|X|^k is.
    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        0.0
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

    /// For continuous families: F(x) and 1 − F(x), each accurate in its own tail (the upper
    /// computed directly, not as 1 − F, so ln(1 − F) keeps its digits where goodness-of-fit
    /// statistics weigh the tails); None for discrete families.
    fn cdf(&self, _nat: &[f64], _x: f64) -> Option<Cdf> {
        None
    }

    /// For a discrete family with a closed distribution function (poisson, geometric,
    /// binomial): P(X ≤ k) and P(X > k), each to its own precision; None elsewhere. χ² bins
    /// a wide support from it a bin at a time instead of value by value.
    fn discrete_cdf(&self, _nat: &[f64], _k: u64) -> Option<Cdf> {
        None
    }

    /// For discrete families: (x, p(x)) over the support, truncated where the remaining
    /// mass is below 1e-17; None for continuous families.
    fn pmf_table(&self, _nat: &[f64]) -> Option<Vec<(f64, f64)>> {
        None
    }

    /// The natural parameters as a JSON object (name → value).
    fn params_json(&self, nat: &[f64]) -> Value {
        self.layout().json(nat)
    }

    /// Checks the natural parameters of a truth: [`Family::check`], and the range within which
    /// the family can be sampled and integrated against.
    fn check_truth(&self, nat: &[f64]) -> Result<(), ParamError> {
        self.layout().check_truth(nat).map_err(|e| e.of(self.kind().name()))
    }

    /// Natural parameters from named values; every name must be given and no other.
    fn params_from_named(
        &self,
        named: &BTreeMap<String, ParamValue>,
    ) -> Result<Vec<f64>, ParamError> {
        self.layout().from_named(named).map_err(|e| e.of(self.kind().name()))
    }

    /// The expected (Fisher) information of one observation, E[s sᵀ] with s the score in the
    /// natural parameters, in closed form; None (the default) where there is none (a
    /// mixture's). At the truth it equals −E[∇² ln q]; the free coordinates' is Jᵀ I J.
    fn fisher_information(&self, _nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        None
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

/// A scale below this fraction of the data's standard deviation has collapsed onto data
/// points: no bounded likelihood puts a maximum there (a mixture component or a t scale at
/// 1e-7 spreads would need points repeated to eight digits).
pub(crate) const COLLAPSED: f64 = 1e-7;

/// The first of the scales at natural indices `scales` that has collapsed against the
/// sample's spread.
pub(crate) fn collapsed_scale(nat: &[f64], sample: &Sample, scales: &[usize]) -> Option<usize> {
    let spread = sample.stats().x.variance().sqrt();
    scales.iter().copied().find(|&i| nat[i] < COLLAPSED * spread)
}

/// The error a sampler constructor cannot produce once parameters passed `check`.
pub(crate) const CHECKED: &str = "parameters were checked before sampling";
