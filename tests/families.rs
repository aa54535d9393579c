//! The family catalogue checked against independent sources: statrs' densities, cdfs,
//! moments and entropies built directly here (so a swapped parameter order or a rate taken
//! for a scale shows), finite differences of the log-likelihood, seeded Monte Carlo
//! (moments, Kolmogorov–Smirnov, frequencies) and quadrature.

mod common;

use common::prec::{
    EXACT, FD_ABS_PER_POINT, FD_REL, FD_STEP, GRADIENT_REL, KS_CRITICAL_1PCT, LOG_LIKELIHOOD_REL,
    MC_Z, POISSON_ENTROPY_APPROX, QUADRATURE, QUANTILE_REL, ROUND_TRIP_REL, ULPS_REL,
};
use common::{close, close_rel};
use mlex::stats::family::{
    Bernoulli, Family, FamilyKind, Kind, Normal, Shape, pointwise_gradient,
    pointwise_log_likelihood,
};
use mlex::stats::quadrature::expect_under;
use mlex::stats::rng::{Rng, seeded};
use mlex::stats::sample::Sample;
use proptest::prelude::*;
use proptest::test_runner::{RngSeed, TestCaseError};
use statrs::distribution::{self as sd, Continuous, ContinuousCDF, Discrete, DiscreteCDF};
use statrs::statistics::Distribution as StatrsMoments;

// ---------------------------------------------------------------------------------------
// The catalogue under test
// ---------------------------------------------------------------------------------------

/// Binomial's fixed number of trials in every test.
const BINOMIAL_TRIALS: u64 = 10;

/// Categorical's number of categories in every test.
const CATEGORIES: usize = 3;

/// Seed of the samples the likelihood checks evaluate.
const LIKELIHOOD_SEED: u64 = 11;
/// Size of those samples.
const LIKELIHOOD_SAMPLE: usize = 500;

/// Seed and size of the fixed small sample the finite-difference property tests use.
const FD_SAMPLE_SEED: u64 = 3;
const FD_SAMPLE: usize = 25;
/// Property-test cases per family, and the proptest seed that makes them reproducible.
const FD_CASES: u32 = 64;
const FD_PROPTEST_SEED: u64 = 0x6d6c_6578;
/// Laplace's likelihood has a kink at every data point: cases whose loc lies within this
/// many finite-difference steps of a data point are discarded.
const KINK_MARGIN: f64 = 10.0;

/// Monte Carlo sizes: moments and frequencies, and the Kolmogorov–Smirnov test.
const MOMENT_DRAWS: usize = 100_000;
const KS_DRAWS: usize = 10_000;
const MOMENT_SEED: u64 = 2024;
const KS_SEED: u64 = 99;
/// The Monte Carlo checks use this many of each family's parameter sets (the first ones).
const MONTE_CARLO_SETS: usize = 2;
/// Discrete values at least this likely have their frequency checked.
const LIKELY_PMF: f64 = 0.02;

/// Draws compared bitwise between two generators from the same seed, the seed, and a
/// neighbouring seed that must give a different sample.
const REPRO_DRAWS: usize = 1_000;
const REPRO_SEED: u64 = 42;
const OTHER_SEED: u64 = 43;
/// The seed whose first draws are pinned.
const GOLDEN_SEED: u64 = 7;

/// statrs' Poisson entropy (an asymptotic series in 1/λ) is compared from this rate up.
const POISSON_SERIES_FROM: f64 = 10.0;
/// Terms of the direct Poisson entropy sum (far past the mass of every rate used here).
const POISSON_DIRECT_TERMS: u64 = 1_000;

/// Probabilities at which quantiles are checked.
const QUANTILE_LEVELS: [f64; 5] = [0.001, 0.1, 0.5, 0.9, 0.999];

fn shape(kind: FamilyKind) -> Shape {
    match kind {
        FamilyKind::Binomial => Shape::fixed(BINOMIAL_TRIALS),
        FamilyKind::Categorical => Shape::fixed(CATEGORIES as u64),
        _ => Shape::default(),
    }
}

fn build(kind: FamilyKind) -> Box<dyn Family> {
    kind.build(shape(kind))
}

/// Natural parameter sets per family. The first two of every family have finite fourth
/// moments (Cauchy aside) and are the ones the Monte Carlo checks use; later ones reach
/// into awkward corners (shape < 1, df < 2, U-shaped beta, p = 1/2, ...).
fn parameter_sets(kind: FamilyKind) -> Vec<Vec<f64>> {
    let sets: &[&[f64]] = match kind {
        FamilyKind::Normal => &[&[0.0, 1.0], &[-2.5, 0.3], &[10.0, 4.0]],
        FamilyKind::Exponential => &[&[1.0], &[0.25], &[7.5]],
        FamilyKind::Gamma => &[&[2.0, 1.5], &[0.5, 2.0], &[9.0, 0.5]],
        FamilyKind::LogNormal => &[&[0.0, 0.5], &[1.0, 0.25], &[-1.0, 1.2]],
        FamilyKind::Weibull => &[&[1.5, 2.0], &[0.8, 1.0], &[5.0, 0.5]],
        FamilyKind::Laplace => &[&[0.0, 1.0], &[3.0, 0.5], &[-1.0, 4.0]],
        FamilyKind::Cauchy => &[&[0.0, 1.0], &[2.0, 0.3], &[-5.0, 3.0]],
        FamilyKind::StudentT => {
            &[&[6.0, 0.0, 1.0], &[10.0, 2.0, 0.5], &[1.5, -1.0, 2.0], &[1.0, 0.0, 1.0]]
        }
        FamilyKind::Beta => &[&[2.0, 3.0], &[8.0, 1.5], &[0.5, 0.5]],
        FamilyKind::NormalMixture => {
            &[&[0.3, -2.0, 0.5, 1.0, 1.0], &[0.7, 0.0, 1.0, 4.0, 2.0], &[0.5, 0.0, 1.0, 0.5, 0.25]]
        }
        FamilyKind::Bernoulli => &[&[0.3], &[0.9], &[0.5]],
        FamilyKind::Binomial => &[&[0.3], &[0.85], &[0.5]],
        FamilyKind::Geometric => &[&[0.3], &[0.6], &[0.05]],
        FamilyKind::Poisson => &[&[3.0], &[25.0], &[0.7]],
        FamilyKind::Categorical => &[&[0.2, 0.3, 0.5], &[0.6, 0.3, 0.1], &[0.25, 0.25, 0.5]],
    };
    sets.iter().map(|s| s.to_vec()).collect()
}

/// Points where densities are compared: across the support, including near its edges.
fn evaluation_points(kind: FamilyKind) -> Vec<f64> {
    let real = [-7.3, -1.0, -0.2, 0.0, 0.4, 1.5, 3.0, 12.0];
    let positive = [1e-3, 0.1, 0.5, 1.0, 2.2, 5.0, 20.0];
    let unit = [1e-3, 0.05, 0.3, 0.5, 0.77, 0.99, 0.999];
    match kind {
        FamilyKind::Normal
        | FamilyKind::Laplace
        | FamilyKind::Cauchy
        | FamilyKind::StudentT
        | FamilyKind::NormalMixture => real.to_vec(),
        FamilyKind::Exponential => [0.0].iter().chain(&positive).copied().collect(),
        FamilyKind::Gamma | FamilyKind::LogNormal | FamilyKind::Weibull => positive.to_vec(),
        FamilyKind::Beta => unit.to_vec(),
        FamilyKind::Bernoulli
        | FamilyKind::Binomial
        | FamilyKind::Geometric
        | FamilyKind::Poisson
        | FamilyKind::Categorical => discrete_range(kind).map(|k| k as f64).collect(),
    }
}

/// The whole numbers scanned for a discrete family (its support, or the part of it that
/// carries all but a negligible mass at the parameter sets used here).
fn discrete_range(kind: FamilyKind) -> std::ops::RangeInclusive<u64> {
    match kind {
        FamilyKind::Bernoulli => 0..=1,
        FamilyKind::Binomial => 0..=BINOMIAL_TRIALS,
        FamilyKind::Geometric => 1..=120,
        FamilyKind::Poisson => 0..=80,
        FamilyKind::Categorical => 0..=(CATEGORIES as u64 - 1),
        _ => panic!("{kind} is not discrete"),
    }
}

fn draw(family: &dyn Family, nat: &[f64], n: usize, seed: u64) -> Vec<f64> {
    family.sample(nat, n, &mut seeded(seed))
}

// ---------------------------------------------------------------------------------------
// Independent references, built from statrs directly
// ---------------------------------------------------------------------------------------

/// A continuous reference distribution.
trait ContinuousRef {
    fn ln_pdf(&self, x: f64) -> f64;
    fn cdf(&self, x: f64) -> f64;
    fn sf(&self, x: f64) -> f64;
    /// statrs' (mean, variance), or None when statrs has no such distribution.
    fn statrs_moments(&self) -> Option<(Option<f64>, Option<f64>)>;
    fn statrs_entropy(&self) -> Option<f64>;
}

/// A discrete reference distribution.
trait DiscreteRef {
    fn pmf(&self, k: u64) -> f64;
    fn ln_pmf(&self, k: u64) -> f64;
    fn cdf(&self, k: u64) -> f64;
    fn statrs_moments(&self) -> (Option<f64>, Option<f64>);
    fn statrs_entropy(&self) -> Option<f64>;
}

/// A statrs distribution seen through the reference traits.
struct Statrs<D>(D);

impl<D> ContinuousRef for Statrs<D>
where
    D: Continuous<f64, f64> + ContinuousCDF<f64, f64> + StatrsMoments<f64>,
{
    fn ln_pdf(&self, x: f64) -> f64 {
        self.0.ln_pdf(x)
    }
    fn cdf(&self, x: f64) -> f64 {
        self.0.cdf(x)
    }
    fn sf(&self, x: f64) -> f64 {
        self.0.sf(x)
    }
    fn statrs_moments(&self) -> Option<(Option<f64>, Option<f64>)> {
        Some((self.0.mean(), self.0.variance()))
    }
    fn statrs_entropy(&self) -> Option<f64> {
        self.0.entropy()
    }
}

impl<D> DiscreteRef for Statrs<D>
where
    D: Discrete<u64, f64> + DiscreteCDF<u64, f64> + StatrsMoments<f64>,
{
    fn pmf(&self, k: u64) -> f64 {
        self.0.pmf(k)
    }
    fn ln_pmf(&self, k: u64) -> f64 {
        self.0.ln_pmf(k)
    }
    fn cdf(&self, k: u64) -> f64 {
        self.0.cdf(k)
    }
    fn statrs_moments(&self) -> (Option<f64>, Option<f64>) {
        (self.0.mean(), self.0.variance())
    }
    fn statrs_entropy(&self) -> Option<f64> {
        self.0.entropy()
    }
}

/// w·N(mu1, sigma1) + (1 − w)·N(mu2, sigma2) from two statrs normals.
struct Mixture {
    w: f64,
    c1: sd::Normal,
    c2: sd::Normal,
}

impl Mixture {
    fn new(nat: &[f64]) -> Self {
        Self {
            w: nat[0],
            c1: sd::Normal::new(nat[1], nat[2]).expect("valid first component"),
            c2: sd::Normal::new(nat[3], nat[4]).expect("valid second component"),
        }
    }

    fn pdf(&self, x: f64) -> f64 {
        self.w * self.c1.pdf(x) + (1.0 - self.w) * self.c2.pdf(x)
    }
}

impl ContinuousRef for Mixture {
    fn ln_pdf(&self, x: f64) -> f64 {
        self.pdf(x).ln()
    }
    fn cdf(&self, x: f64) -> f64 {
        self.w * self.c1.cdf(x) + (1.0 - self.w) * self.c2.cdf(x)
    }
    fn sf(&self, x: f64) -> f64 {
        self.w * self.c1.sf(x) + (1.0 - self.w) * self.c2.sf(x)
    }
    fn statrs_moments(&self) -> Option<(Option<f64>, Option<f64>)> {
        None
    }
    fn statrs_entropy(&self) -> Option<f64> {
        None
    }
}

enum Reference {
    Continuous(Box<dyn ContinuousRef>),
    Discrete(Box<dyn DiscreteRef>),
}

fn continuous<D>(d: D) -> Reference
where
    D: Continuous<f64, f64> + ContinuousCDF<f64, f64> + StatrsMoments<f64> + 'static,
{
    Reference::Continuous(Box::new(Statrs(d)))
}

fn discrete<D>(d: D) -> Reference
where
    D: Discrete<u64, f64> + DiscreteCDF<u64, f64> + StatrsMoments<f64> + 'static,
{
    Reference::Discrete(Box::new(Statrs(d)))
}

/// The statrs distribution for a family at natural parameters, with statrs' own argument
/// order (`StudentsT::new(location, scale, freedom)`, `Binomial::new(p, n)`, ...).
fn reference(kind: FamilyKind, nat: &[f64]) -> Reference {
    const VALID: &str = "reference parameters are valid";
    match kind {
        FamilyKind::Normal => continuous(sd::Normal::new(nat[0], nat[1]).expect(VALID)),
        FamilyKind::Exponential => continuous(sd::Exp::new(nat[0]).expect(VALID)),
        FamilyKind::Gamma => continuous(sd::Gamma::new(nat[0], nat[1]).expect(VALID)),
        FamilyKind::LogNormal => continuous(sd::LogNormal::new(nat[0], nat[1]).expect(VALID)),
        FamilyKind::Weibull => continuous(sd::Weibull::new(nat[0], nat[1]).expect(VALID)),
        FamilyKind::Laplace => continuous(sd::Laplace::new(nat[0], nat[1]).expect(VALID)),
        FamilyKind::Cauchy => continuous(sd::Cauchy::new(nat[0], nat[1]).expect(VALID)),
        FamilyKind::StudentT => {
            continuous(sd::StudentsT::new(nat[1], nat[2], nat[0]).expect(VALID))
        }
        FamilyKind::Beta => continuous(sd::Beta::new(nat[0], nat[1]).expect(VALID)),
        FamilyKind::NormalMixture => Reference::Continuous(Box::new(Mixture::new(nat))),
        FamilyKind::Bernoulli => discrete(sd::Bernoulli::new(nat[0]).expect(VALID)),
        FamilyKind::Binomial => discrete(sd::Binomial::new(nat[0], BINOMIAL_TRIALS).expect(VALID)),
        FamilyKind::Geometric => discrete(sd::Geometric::new(nat[0]).expect(VALID)),
        FamilyKind::Poisson => discrete(sd::Poisson::new(nat[0]).expect(VALID)),
        FamilyKind::Categorical => discrete(sd::Categorical::new(nat).expect(VALID)),
    }
}

fn continuous_reference(kind: FamilyKind, nat: &[f64]) -> Box<dyn ContinuousRef> {
    match reference(kind, nat) {
        Reference::Continuous(r) => r,
        Reference::Discrete(_) => panic!("{kind} is discrete"),
    }
}

fn discrete_reference(kind: FamilyKind, nat: &[f64]) -> Box<dyn DiscreteRef> {
    match reference(kind, nat) {
        Reference::Discrete(r) => r,
        Reference::Continuous(_) => panic!("{kind} is continuous"),
    }
}

fn reference_ln_density(kind: FamilyKind, nat: &[f64], x: f64) -> f64 {
    match reference(kind, nat) {
        Reference::Continuous(r) => r.ln_pdf(x),
        Reference::Discrete(r) => r.ln_pmf(x as u64),
    }
}

/// Every (family, parameter set) pair.
fn all_cases() -> impl Iterator<Item = (FamilyKind, Vec<f64>)> {
    FamilyKind::ALL.into_iter().flat_map(|k| parameter_sets(k).into_iter().map(move |p| (k, p)))
}

fn continuous_kinds() -> impl Iterator<Item = FamilyKind> {
    FamilyKind::ALL.into_iter().filter(|k| !k.is_discrete())
}

fn discrete_kinds() -> impl Iterator<Item = FamilyKind> {
    FamilyKind::ALL.into_iter().filter(|k| k.is_discrete())
}

/// Mean, ML (divide-by-n) variance and fourth central moment of a sample.
fn central_moments(xs: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let m2 = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    (mean, m2, m4)
}

// ---------------------------------------------------------------------------------------
// 0. The catalogue itself
// ---------------------------------------------------------------------------------------

#[test]
fn every_family_has_cases_and_consistent_dimensions() {
    for kind in FamilyKind::ALL {
        let family = build(kind);
        assert_eq!(family.kind(), kind);
        assert_eq!(FamilyKind::from_name(kind.name()), Some(kind));
        let sets = parameter_sets(kind);
        assert!(
            sets.len() >= MONTE_CARLO_SETS,
            "{kind}: the Monte Carlo checks need {MONTE_CARLO_SETS} parameter sets"
        );
        for nat in sets {
            assert_eq!(nat.len(), family.param_names().len(), "{kind}: natural length");
            assert_eq!(family.to_free(&nat).len(), family.dim(), "{kind}: free length");
            let continuous = matches!(reference(kind, &nat), Reference::Continuous(_));
            assert_eq!(continuous, !kind.is_discrete(), "{kind}: discreteness");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 1. Densities against statrs
// ---------------------------------------------------------------------------------------

#[test]
fn ln_density_matches_statrs() {
    for (kind, nat) in all_cases() {
        let family = build(kind);
        for x in evaluation_points(kind) {
            let got = family.ln_density(&nat, x);
            let want = reference_ln_density(kind, &nat, x);
            assert!(
                close_rel(got, want, ULPS_REL),
                "{kind}{nat:?} at x = {x}: ln_density {got} vs statrs {want}"
            );
        }
    }
}

#[test]
fn mixture_ln_density_far_in_the_tails() {
    // ln(w·φ₁ + (1 − w)·φ₂) computed naively underflows beyond ~38σ; the engine's
    // log-sum-exp must keep going and agree with the analytic dominant component there.
    let family = build(FamilyKind::NormalMixture);
    let nat = [0.3, -2.0, 0.5, 1.0, 1.0];
    for x in [60.0, -60.0] {
        let got = family.ln_density(&nat, x);
        let c1 = sd::Normal::new(nat[1], nat[2]).expect("component").ln_pdf(x) + nat[0].ln();
        let c2 = sd::Normal::new(nat[3], nat[4]).expect("component").ln_pdf(x) + (-nat[0]).ln_1p();
        let m = c1.max(c2);
        let want = m + ((c1 - m).exp() + (c2 - m).exp()).ln();
        assert!(got.is_finite(), "mixture ln_density at {x} is {got}");
        assert!(close_rel(got, want, ULPS_REL), "mixture at {x}: {got} vs {want}");
    }
}

#[test]
fn in_support_at_the_edges() {
    let cases: &[(FamilyKind, &[f64], &[f64])] = &[
        (FamilyKind::Normal, &[0.0, -1e300, 1e300], &[]),
        (FamilyKind::Exponential, &[0.0, 1e-300, 1e300], &[-1e-300, -1.0]),
        (FamilyKind::Gamma, &[1e-300, 3.0], &[0.0, -1.0]),
        (FamilyKind::LogNormal, &[1e-300, 3.0], &[0.0, -1.0]),
        (FamilyKind::Weibull, &[1e-300, 3.0], &[0.0, -1.0]),
        (FamilyKind::Laplace, &[0.0, -1e300], &[]),
        (FamilyKind::Cauchy, &[0.0, -1e300], &[]),
        (FamilyKind::StudentT, &[0.0, -1e300], &[]),
        (FamilyKind::Beta, &[1e-300, 0.5, 1.0 - f64::EPSILON / 2.0], &[0.0, 1.0, -0.5, 1.5]),
        (FamilyKind::NormalMixture, &[0.0, -1e300], &[]),
        (FamilyKind::Bernoulli, &[0.0, 1.0], &[0.5, 2.0, -1.0]),
        (FamilyKind::Binomial, &[0.0, 5.0, 10.0], &[11.0, 3.5, -1.0]),
        (FamilyKind::Geometric, &[1.0, 2.0, 1e6], &[0.0, 2.5, -1.0]),
        (FamilyKind::Poisson, &[0.0, 1.0, 1e6], &[-1.0, 2.5]),
        (FamilyKind::Categorical, &[0.0, 1.0, 2.0], &[3.0, 1.5, -1.0]),
    ];
    assert_eq!(cases.len(), FamilyKind::ALL.len());
    for &(kind, inside, outside) in cases {
        let family = build(kind);
        for &x in inside {
            assert!(family.in_support(x), "{kind}: {x} should be in the support");
        }
        for &x in outside.iter().chain(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY]) {
            assert!(!family.in_support(x), "{kind}: {x} should be outside the support");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. Sufficient-statistic formulas against the point-by-point reference
// ---------------------------------------------------------------------------------------

/// Checks `log_likelihood` and `gradient` against the point-by-point sums, relative to the
/// sums' condition scales Σ|ln q(xᵢ)| and Σ|scoreᵢ|.
fn check_against_pointwise(
    family: &dyn Family,
    nat: &[f64],
    sample: &Sample,
) -> Result<(), String> {
    let kind = family.kind();
    let xs = sample.values();
    let fast = family.log_likelihood(nat, sample);
    let slow = pointwise_log_likelihood(family, nat, xs);
    let ll_scale: f64 = xs.iter().map(|&x| family.ln_density(nat, x).abs()).sum();
    if !close(fast, slow, LOG_LIKELIHOOD_REL, ll_scale.max(1.0)) {
        return Err(format!("{kind}{nat:?}: log_likelihood {fast} vs pointwise {slow}"));
    }
    let dim = family.dim();
    let mut fast = vec![0.0; dim];
    let mut slow = vec![0.0; dim];
    family.gradient(nat, sample, &mut fast);
    pointwise_gradient(family, nat, xs, &mut slow);
    let mut scale = vec![0.0; dim];
    for &x in xs {
        let mut one = vec![0.0; dim];
        family.add_score(nat, x, &mut one);
        for (s, g) in scale.iter_mut().zip(&one) {
            *s += g.abs();
        }
    }
    for j in 0..dim {
        if !close(fast[j], slow[j], GRADIENT_REL, scale[j].max(1.0)) {
            return Err(format!(
                "{kind}{nat:?}: gradient[{j}] {} vs pointwise {} (scale {})",
                fast[j], slow[j], scale[j]
            ));
        }
    }
    Ok(())
}

#[test]
fn log_likelihood_and_gradient_match_pointwise_sums() {
    for kind in FamilyKind::ALL {
        let family = build(kind);
        let sets = parameter_sets(kind);
        // A sample from every parameter set, evaluated at every parameter set: at the truth
        // and away from it, where the gradient is large.
        for truth in &sets {
            let sample =
                Sample::new(draw(family.as_ref(), truth, LIKELIHOOD_SAMPLE, LIKELIHOOD_SEED));
            for nat in &sets {
                if let Err(e) = check_against_pointwise(family.as_ref(), nat, &sample) {
                    panic!("{e} (sample drawn at {truth:?})");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// 3. Analytic gradients against finite differences, at random parameters
// ---------------------------------------------------------------------------------------

fn fd_config() -> ProptestConfig {
    ProptestConfig {
        cases: FD_CASES,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(FD_PROPTEST_SEED),
        ..ProptestConfig::default()
    }
}

/// At natural parameters `nat`: the free round trip, the fast formulas against the
/// pointwise sums, and the analytic gradient against central differences of the
/// log-likelihood in free coordinates, on a fixed small sample from the family.
fn check_at_random_theta(kind: FamilyKind, nat: &[f64]) -> Result<(), TestCaseError> {
    let family = build(kind);
    prop_assert!(family.check(nat).is_ok(), "{kind}: generated {nat:?} is invalid");
    let truth = &parameter_sets(kind)[0];
    let sample = Sample::new(draw(family.as_ref(), truth, FD_SAMPLE, FD_SAMPLE_SEED));

    let u = family.to_free(nat);
    let back = family.to_natural(&u);
    for (a, b) in nat.iter().zip(&back) {
        prop_assert!(close(*a, *b, ROUND_TRIP_REL, a.abs()), "{kind}: {nat:?} → {back:?}");
    }

    check_against_pointwise(family.as_ref(), nat, &sample).map_err(TestCaseError::fail)?;

    if kind == FamilyKind::Laplace {
        let h = FD_STEP * nat[0].abs().max(1.0);
        let nearest =
            sample.values().iter().map(|x| (x - nat[0]).abs()).fold(f64::INFINITY, f64::min);
        prop_assume!(nearest > KINK_MARGIN * h, "loc next to a kink");
    }

    check_against_finite_differences(family.as_ref(), nat, &sample).map_err(TestCaseError::fail)
}

/// The analytic gradient against central differences of the log-likelihood in free
/// coordinates, to `FD_REL` of the largest component plus a floor per data point.
fn check_against_finite_differences(
    family: &dyn Family,
    nat: &[f64],
    sample: &Sample,
) -> Result<(), String> {
    let kind = family.kind();
    let u = family.to_free(nat);
    let mut grad = vec![0.0; family.dim()];
    family.gradient(nat, sample, &mut grad);
    let ll = |v: &[f64]| family.log_likelihood(&family.to_natural(v), sample);
    let magnitude = grad.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    let tol = FD_REL * magnitude + FD_ABS_PER_POINT * sample.len() as f64;
    for j in 0..u.len() {
        let h = FD_STEP * u[j].abs().max(1.0);
        let (mut up, mut down) = (u.clone(), u.clone());
        up[j] += h;
        down[j] -= h;
        let fd = (ll(&up) - ll(&down)) / (up[j] - down[j]);
        if (fd - grad[j]).abs() > tol {
            return Err(format!(
                "{kind}{nat:?}: ∂ℓ/∂free[{j}] analytic {} vs central difference {fd} (tol {tol})",
                grad[j]
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(fd_config())]

    #[test]
    fn fd_gradient_normal(mu in -5.0..5.0_f64, sigma in 0.2..5.0_f64) {
        check_at_random_theta(FamilyKind::Normal, &[mu, sigma])?;
    }

    #[test]
    fn fd_gradient_exponential(rate in 0.1..10.0_f64) {
        check_at_random_theta(FamilyKind::Exponential, &[rate])?;
    }

    #[test]
    fn fd_gradient_gamma(shape in 0.2..20.0_f64, rate in 0.2..5.0_f64) {
        check_at_random_theta(FamilyKind::Gamma, &[shape, rate])?;
    }

    #[test]
    fn fd_gradient_lognormal(mu in -2.0..2.0_f64, sigma in 0.2..3.0_f64) {
        check_at_random_theta(FamilyKind::LogNormal, &[mu, sigma])?;
    }

    #[test]
    fn fd_gradient_weibull(shape in 0.3..5.0_f64, scale in 0.2..5.0_f64) {
        check_at_random_theta(FamilyKind::Weibull, &[shape, scale])?;
    }

    #[test]
    fn fd_gradient_laplace(loc in -3.0..3.0_f64, scale in 0.2..5.0_f64) {
        check_at_random_theta(FamilyKind::Laplace, &[loc, scale])?;
    }

    #[test]
    fn fd_gradient_cauchy(loc in -3.0..3.0_f64, scale in 0.2..5.0_f64) {
        check_at_random_theta(FamilyKind::Cauchy, &[loc, scale])?;
    }

    #[test]
    fn fd_gradient_student_t(df in 1.0..30.0_f64, loc in -3.0..3.0_f64, scale in 0.2..5.0_f64) {
        check_at_random_theta(FamilyKind::StudentT, &[df, loc, scale])?;
    }

    #[test]
    fn fd_gradient_beta(alpha in 0.2..20.0_f64, beta in 0.2..20.0_f64) {
        check_at_random_theta(FamilyKind::Beta, &[alpha, beta])?;
    }

    #[test]
    fn fd_gradient_normal_mixture(
        weight in 0.05..0.95_f64,
        mu1 in -3.0..3.0_f64,
        sigma1 in 0.2..5.0_f64,
        mu2 in -3.0..3.0_f64,
        sigma2 in 0.2..5.0_f64,
    ) {
        check_at_random_theta(FamilyKind::NormalMixture, &[weight, mu1, sigma1, mu2, sigma2])?;
    }

    #[test]
    fn fd_gradient_bernoulli(p in 0.05..0.95_f64) {
        check_at_random_theta(FamilyKind::Bernoulli, &[p])?;
    }

    #[test]
    fn fd_gradient_binomial(p in 0.05..0.95_f64) {
        check_at_random_theta(FamilyKind::Binomial, &[p])?;
    }

    #[test]
    fn fd_gradient_geometric(p in 0.05..0.95_f64) {
        check_at_random_theta(FamilyKind::Geometric, &[p])?;
    }

    #[test]
    fn fd_gradient_poisson(lambda in 0.1..50.0_f64) {
        check_at_random_theta(FamilyKind::Poisson, &[lambda])?;
    }

    #[test]
    fn fd_gradient_categorical(a in 0.05..1.0_f64, b in 0.05..1.0_f64, c in 0.05..1.0_f64) {
        let total = a + b + c;
        check_at_random_theta(FamilyKind::Categorical, &[a / total, b / total, c / total])?;
    }
}

// ---------------------------------------------------------------------------------------
// 4. Coordinates and validation
// ---------------------------------------------------------------------------------------

#[test]
fn free_coordinates_round_trip() {
    for (kind, nat) in all_cases() {
        let family = build(kind);
        let back = family.to_natural(&family.to_free(&nat));
        assert_eq!(back.len(), nat.len(), "{kind}");
        for (a, b) in nat.iter().zip(&back) {
            assert!(
                close(*a, *b, ROUND_TRIP_REL, a.abs()),
                "{kind}: {nat:?} came back as {back:?}"
            );
        }
    }
}

#[test]
fn check_accepts_valid_parameters() {
    for (kind, nat) in all_cases() {
        assert_eq!(build(kind).check(&nat), Ok(()), "{kind}{nat:?}");
    }
    // A categorical whose p sums to 1 only up to rounding is still valid.
    let p = [0.1, 0.2, 0.7];
    assert_eq!(build(FamilyKind::Categorical).check(&p), Ok(()));
}

#[test]
fn check_rejects_invalid_parameters() {
    let invalid: &[(FamilyKind, &[f64])] = &[
        (FamilyKind::Normal, &[0.0, 0.0]),
        (FamilyKind::Normal, &[0.0, -1.0]),
        (FamilyKind::Exponential, &[0.0]),
        (FamilyKind::Exponential, &[-2.0]),
        (FamilyKind::Gamma, &[0.0, 1.0]),
        (FamilyKind::Gamma, &[2.0, -1.0]),
        (FamilyKind::LogNormal, &[0.0, 0.0]),
        (FamilyKind::Weibull, &[0.0, 1.0]),
        (FamilyKind::Weibull, &[1.0, -1.0]),
        (FamilyKind::Laplace, &[0.0, 0.0]),
        (FamilyKind::Cauchy, &[0.0, -0.5]),
        (FamilyKind::StudentT, &[0.0, 0.0, 1.0]),
        (FamilyKind::StudentT, &[-1.0, 0.0, 1.0]),
        (FamilyKind::StudentT, &[5.0, 0.0, 0.0]),
        (FamilyKind::Beta, &[0.0, 1.0]),
        (FamilyKind::Beta, &[1.0, -0.5]),
        (FamilyKind::NormalMixture, &[0.0, 0.0, 1.0, 1.0, 1.0]),
        (FamilyKind::NormalMixture, &[1.0, 0.0, 1.0, 1.0, 1.0]),
        (FamilyKind::NormalMixture, &[1.5, 0.0, 1.0, 1.0, 1.0]),
        (FamilyKind::NormalMixture, &[0.5, 0.0, 0.0, 1.0, 1.0]),
        (FamilyKind::NormalMixture, &[0.5, 0.0, 1.0, 1.0, -1.0]),
        (FamilyKind::Bernoulli, &[0.0]),
        (FamilyKind::Bernoulli, &[1.0]),
        (FamilyKind::Bernoulli, &[-0.1]),
        (FamilyKind::Bernoulli, &[1.1]),
        (FamilyKind::Binomial, &[0.0]),
        (FamilyKind::Binomial, &[1.0]),
        (FamilyKind::Geometric, &[0.0]),
        (FamilyKind::Geometric, &[1.0]),
        (FamilyKind::Poisson, &[0.0]),
        (FamilyKind::Poisson, &[-1.0]),
        // Categorical: not summing to 1, a negative or zero entry, the wrong length.
        (FamilyKind::Categorical, &[0.2, 0.3, 0.4]),
        (FamilyKind::Categorical, &[0.3, 0.3, 0.5]),
        (FamilyKind::Categorical, &[0.5, 0.6, -0.1]),
        (FamilyKind::Categorical, &[0.0, 0.5, 0.5]),
        (FamilyKind::Categorical, &[1.0, 0.0, 0.0]),
        (FamilyKind::Categorical, &[0.5, 0.5]),
        (FamilyKind::Categorical, &[0.25, 0.25, 0.25, 0.25]),
    ];
    for &(kind, nat) in invalid {
        assert!(build(kind).check(nat).is_err(), "{kind}{nat:?} should be rejected");
    }
}

#[test]
fn check_rejects_non_finite_coordinates() {
    for (kind, nat) in all_cases() {
        let family = build(kind);
        for j in 0..nat.len() {
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let mut p = nat.clone();
                p[j] = bad;
                assert!(family.check(&p).is_err(), "{kind}: {p:?} should be rejected");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// 5. Sampling: reproducibility, golden values, support
// ---------------------------------------------------------------------------------------

fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn sampling_is_reproducible_per_seed() {
    for (kind, nat) in all_cases() {
        let family = build(kind);
        let a = draw(family.as_ref(), &nat, REPRO_DRAWS, REPRO_SEED);
        let b = draw(family.as_ref(), &nat, REPRO_DRAWS, REPRO_SEED);
        let c = draw(family.as_ref(), &nat, REPRO_DRAWS, OTHER_SEED);
        assert_eq!(a.len(), REPRO_DRAWS, "{kind}");
        assert_eq!(bits(&a), bits(&b), "{kind}{nat:?}: one seed gave two different samples");
        if let Some(x) = a.iter().find(|&&x| !family.in_support(x)) {
            panic!("{kind}{nat:?} sampled {x}, outside its support");
        }
        assert_ne!(bits(&a), bits(&c), "{kind}{nat:?}: two seeds gave the same sample");
    }
}

#[test]
fn golden_first_draws_for_seed_7() {
    // These pin the portable generator (rand's `Xoshiro256PlusPlus`, seeded with
    // `seed_from_u64`) together with rand_distr's algorithms (ziggurat normal and
    // exponential, Poisson, `WeightedIndex`): a change to any of them changes every
    // scenario's data, so it must be deliberate. Computed once by running; exact literals.
    let golden: &[(FamilyKind, &[f64], [f64; 3])] = &[
        (
            FamilyKind::Normal,
            &[0.0, 1.0],
            [-1.826_675_308_309_490_4, -1.712_152_328_933_424_2, 0.709_995_926_351_921_7],
        ),
        (
            FamilyKind::Exponential,
            &[1.0],
            [0.152_512_421_975_500_9, 0.723_456_931_353_022_1, 1.329_262_070_389_360_3],
        ),
        (FamilyKind::Poisson, &[3.0], [1.0, 5.0, 2.0]),
        (FamilyKind::Categorical, &[0.2, 0.3, 0.5], [0.0, 0.0, 2.0]),
    ];
    for &(kind, nat, want) in golden {
        let got = draw(build(kind).as_ref(), nat, 3, GOLDEN_SEED);
        assert_eq!(bits(&got), bits(&want), "{kind}{nat:?}: got {got:?}, pinned {want:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 6. Moments
// ---------------------------------------------------------------------------------------

/// Whether a family at `nat` has finite moments up to the fourth, as the Monte Carlo
/// standard errors need.
fn has_fourth_moment(kind: FamilyKind, nat: &[f64]) -> bool {
    match kind {
        FamilyKind::Cauchy => false,
        FamilyKind::StudentT => nat[0] > 4.0,
        _ => true,
    }
}

#[test]
fn sample_moments_match_mean_variance() {
    for kind in FamilyKind::ALL {
        let family = build(kind);
        for nat in parameter_sets(kind).into_iter().take(MONTE_CARLO_SETS) {
            if !has_fourth_moment(kind, &nat) {
                continue;
            }
            let xs = draw(family.as_ref(), &nat, MOMENT_DRAWS, MOMENT_SEED);
            if let Some(x) = xs.iter().find(|&&x| !family.in_support(x)) {
                panic!("{kind}{nat:?} sampled {x}, outside its support");
            }
            let n = xs.len() as f64;
            let (mean, var) = family.mean_variance(&nat);
            let (m, s2, m4) = central_moments(&xs);
            let se_mean = (var / n).sqrt();
            assert!(
                (m - mean).abs() <= MC_Z * se_mean,
                "{kind}{nat:?}: sample mean {m} vs {mean} (SE {se_mean})"
            );
            // The divide-by-n variance is biased by −σ²/n: allowed on top of the noise.
            let se_var = ((m4 - s2 * s2) / n).sqrt();
            assert!(
                (s2 - var).abs() <= MC_Z * se_var + var / n,
                "{kind}{nat:?}: sample variance {s2} vs {var} (SE {se_var})"
            );
        }
    }
}

#[test]
fn mean_variance_matches_statrs() {
    for (kind, nat) in all_cases() {
        let (mean, var) = build(kind).mean_variance(&nat);
        let statrs = match reference(kind, &nat) {
            Reference::Continuous(r) => r.statrs_moments(),
            Reference::Discrete(r) => Some(r.statrs_moments()),
        };
        let Some((s_mean, s_var)) = statrs else {
            continue;
        };
        for (what, got, want) in [("mean", mean, s_mean), ("variance", var, s_var)] {
            match want {
                Some(w) if w.is_finite() => assert!(
                    close_rel(got, w, ULPS_REL),
                    "{kind}{nat:?}: {what} {got} vs statrs {w}"
                ),
                // statrs says the moment does not exist: the engine must not claim a value.
                _ => assert!(!got.is_finite(), "{kind}{nat:?}: {what} {got} should not exist"),
            }
        }
    }
}

#[test]
fn mixture_moments_match_quadrature() {
    // statrs has no mixture: integrate x and x² under it instead.
    let family = build(FamilyKind::NormalMixture);
    for nat in parameter_sets(FamilyKind::NormalMixture) {
        let (mean, var) = family.mean_variance(&nat);
        let m1 = expect_under(family.as_ref(), &nat, |x| x);
        let m2 = expect_under(family.as_ref(), &nat, |x| (x - m1) * (x - m1));
        assert!(close_rel(mean, m1, QUADRATURE), "mixture{nat:?}: mean {mean} vs {m1}");
        assert!(close_rel(var, m2, QUADRATURE), "mixture{nat:?}: variance {var} vs {m2}");
    }
}

// ---------------------------------------------------------------------------------------
// 7. Distribution of the draws
// ---------------------------------------------------------------------------------------

/// The one-sample Kolmogorov–Smirnov statistic of `xs` against `cdf`.
fn ks_statistic(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter().enumerate().fold(0.0, |d, (i, &x)| {
        let f = cdf(x);
        let above = (i + 1) as f64 / n - f;
        let below = f - i as f64 / n;
        d.max(above).max(below)
    })
}

#[test]
fn kolmogorov_smirnov_against_statrs_cdf() {
    let critical = KS_CRITICAL_1PCT / (KS_DRAWS as f64).sqrt();
    for kind in continuous_kinds() {
        let family = build(kind);
        for nat in parameter_sets(kind).into_iter().take(MONTE_CARLO_SETS) {
            let xs = draw(family.as_ref(), &nat, KS_DRAWS, KS_SEED);
            let r = continuous_reference(kind, &nat);
            let d = ks_statistic(xs, |x| r.cdf(x));
            assert!(d < critical, "{kind}{nat:?}: KS D = {d} ≥ {critical}");
        }
    }
}

#[test]
fn discrete_frequencies_match_statrs_pmf() {
    for kind in discrete_kinds() {
        let family = build(kind);
        for nat in parameter_sets(kind).into_iter().take(MONTE_CARLO_SETS) {
            let xs = draw(family.as_ref(), &nat, MOMENT_DRAWS, MOMENT_SEED);
            let n = xs.len() as f64;
            let r = discrete_reference(kind, &nat);
            let mut checked = 0;
            for k in discrete_range(kind) {
                let p = r.pmf(k);
                if p < LIKELY_PMF {
                    continue;
                }
                checked += 1;
                let freq = xs.iter().filter(|&&x| x as u64 == k).count() as f64 / n;
                let se = (p * (1.0 - p) / n).sqrt();
                assert!(
                    (freq - p).abs() <= MC_Z * se,
                    "{kind}{nat:?}: frequency of {k} is {freq}, pmf {p} (SE {se})"
                );
            }
            assert!(checked > 0, "{kind}{nat:?}: no value was likely enough to check");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 8. Entropy
// ---------------------------------------------------------------------------------------

#[test]
fn entropy_matches_statrs() {
    for (kind, nat) in all_cases() {
        let got = build(kind).entropy(&nat);
        let statrs = match reference(kind, &nat) {
            Reference::Continuous(r) => r.statrs_entropy(),
            Reference::Discrete(r) => r.statrs_entropy(),
        };
        let Some(want) = statrs else { continue };
        if kind == FamilyKind::Poisson {
            // statrs' Poisson entropy is an asymptotic series in 1/λ: good only for large λ.
            if nat[0] >= POISSON_SERIES_FROM {
                assert!(
                    close_rel(got, want, POISSON_ENTROPY_APPROX),
                    "poisson{nat:?}: entropy {got} vs statrs' approximation {want}"
                );
            }
            continue;
        }
        assert!(close_rel(got, want, ULPS_REL), "{kind}{nat:?}: entropy {got} vs statrs {want}");
    }
}

/// `entropy()` against `−E_p[ln p]` by the engine's quadrature.
fn assert_entropy_matches_quadrature(kind: FamilyKind, nat: &[f64]) {
    let family = build(kind);
    let got = family.entropy(nat);
    let quad = expect_under(family.as_ref(), nat, |x| -family.ln_density(nat, x));
    assert!(close_rel(got, quad, QUADRATURE), "{kind}{nat:?}: entropy {got} vs −E[ln p] {quad}");
}

/// Cases the general quadrature check leaves to dedicated tests below.
fn known_quadrature_failure(kind: FamilyKind, nat: &[f64]) -> bool {
    match kind {
        // The upper tail of beta(a, b < 1) rounds onto x = 1 (see the ignored test).
        FamilyKind::Beta => nat[1] < 1.0,
        // The mixture's entropy() is this very quadrature: it is checked against a trapezoid
        // rule instead (mixture_entropy_matches_trapezoid).
        FamilyKind::NormalMixture => true,
        _ => false,
    }
}

#[test]
fn entropy_matches_quadrature_of_minus_ln_density() {
    let mut checked = 0;
    for (kind, nat) in all_cases() {
        if !known_quadrature_failure(kind, &nat) {
            assert_entropy_matches_quadrature(kind, &nat);
            checked += 1;
        }
    }
    // All but the known failures: guards against the exclusion list swallowing everything.
    assert!(checked >= all_cases().count() - 10, "only {checked} cases checked");
}

#[test]
fn entropy_quadrature_gamma_shape_below_one_and_student_t_df_one() {
    assert_entropy_matches_quadrature(FamilyKind::Gamma, &[0.5, 2.0]);
    assert_entropy_matches_quadrature(FamilyKind::StudentT, &[1.0, 0.0, 1.0]);
}

#[test]
#[ignore = "limit: f64 cannot hold x within 1.1e-16 of 1, and for beta(a, b < 1) the upper \
            tail has 1 − x ~ v^(1/b), so nodes with v < 5e-9 round onto x = 1 and are dropped: \
            beta(0.5, 0.5) is off by 9e-8 (3.6e-7 relative)"]
fn entropy_quadrature_beta_below_one() {
    assert_entropy_matches_quadrature(FamilyKind::Beta, &[0.5, 0.5]);
}

#[test]
fn entropy_quadrature_laplace() {
    for nat in parameter_sets(FamilyKind::Laplace) {
        assert_entropy_matches_quadrature(FamilyKind::Laplace, &nat);
    }
}

#[test]
fn poisson_entropy_matches_direct_sum() {
    let family = build(FamilyKind::Poisson);
    for nat in parameter_sets(FamilyKind::Poisson) {
        let d = sd::Poisson::new(nat[0]).expect("valid rate");
        let direct: f64 = (0..POISSON_DIRECT_TERMS)
            .map(|k| d.pmf(k))
            .filter(|&p| p > 0.0)
            .map(|p| -p * p.ln())
            .sum();
        let got = family.entropy(&nat);
        assert!(close_rel(got, direct, ULPS_REL), "poisson{nat:?}: {got} vs Σ −p ln p {direct}");
    }
}

/// The mixture's `entropy()` against −∫ f ln f with f from two statrs normals, by the
/// trapezoid rule on a fine grid: for a smooth integrand that decays like a Gaussian the
/// rule is exact to rounding (it agrees with 30-digit mpmath to 1e-15 on these cases).
fn assert_mixture_entropy_matches_trapezoid(nat: &[f64]) {
    const TAIL_SIGMAS: f64 = 12.0;
    const STEPS_PER_SIGMA: f64 = 64.0;
    let mix = Mixture::new(nat);
    let lo = (nat[1] - TAIL_SIGMAS * nat[2]).min(nat[3] - TAIL_SIGMAS * nat[4]);
    let hi = (nat[1] + TAIL_SIGMAS * nat[2]).max(nat[3] + TAIL_SIGMAS * nat[4]);
    let steps = ((hi - lo) / nat[2].min(nat[4]) * STEPS_PER_SIGMA).ceil() as usize;
    let h = (hi - lo) / steps as f64;
    let integrand = |x: f64| {
        let f = mix.pdf(x);
        if f > 0.0 { -f * f.ln() } else { 0.0 }
    };
    let inner: f64 = (1..steps).map(|i| integrand(lo + i as f64 * h)).sum();
    let trapezoid = h * (inner + 0.5 * (integrand(lo) + integrand(hi)));
    let got = build(FamilyKind::NormalMixture).entropy(nat);
    assert!(
        close_rel(got, trapezoid, QUADRATURE),
        "mixture{nat:?}: entropy {got} vs trapezoid {trapezoid}"
    );
}

#[test]
fn mixture_entropy_matches_trapezoid() {
    // The first parameter set (well separated components) is the ignored test below.
    for nat in parameter_sets(FamilyKind::NormalMixture).iter().skip(1) {
        assert_mixture_entropy_matches_trapezoid(nat);
    }
}

#[test]
fn mixture_entropy_well_separated_components() {
    assert_mixture_entropy_matches_trapezoid(&parameter_sets(FamilyKind::NormalMixture)[0]);
}

#[test]
fn entropy_known_values() {
    // Bernoulli: H(1/2) = ln 2, and the certain outcomes carry no information.
    let h_half = Bernoulli.entropy(&[0.5]);
    assert!((h_half - std::f64::consts::LN_2).abs() <= EXACT, "H(1/2) = {h_half}");
    assert_eq!(Bernoulli.entropy(&[0.0]).to_bits(), 0.0_f64.to_bits());
    assert_eq!(Bernoulli.entropy(&[1.0]).to_bits(), 0.0_f64.to_bits());
    // Normal: h = ½ ln(2πeσ²), whatever the mean.
    let normal = build(FamilyKind::Normal);
    for (mu, sigma) in [(0.0, 1.0), (-3.0, 0.1), (7.0, 25.0)] {
        let want = 0.5 * (2.0 * std::f64::consts::PI * std::f64::consts::E * sigma * sigma).ln();
        let got = normal.entropy(&[mu, sigma]);
        assert!(close_rel(got, want, ULPS_REL), "normal({mu}, {sigma}): {got} vs {want}");
    }
}

// ---------------------------------------------------------------------------------------
// 9. Quantiles
// ---------------------------------------------------------------------------------------

#[test]
fn quantile_inverts_statrs_cdf() {
    for kind in continuous_kinds() {
        let family = build(kind);
        for nat in parameter_sets(kind) {
            let r = continuous_reference(kind, &nat);
            for u in QUANTILE_LEVELS {
                let q = family.quantile(&nat, u);
                // Compare the smaller tail, where the probability keeps full precision.
                let (got, want) = if u <= 0.5 { (r.cdf(q), u) } else { (r.sf(q), 1.0 - u) };
                assert!(
                    close(got, want, QUANTILE_REL, want),
                    "{kind}{nat:?}: quantile({u}) = {q}, whose tail probability is {got}, not {want}"
                );
            }
        }
    }
}

#[test]
fn discrete_quantile_is_the_generalised_inverse() {
    // The smallest k with F(k) ≥ u. Where u sits exactly on a jump of F (categorical
    // [0.6, 0.3, 0.1] at u = 0.9) the two sides of the comparison round differently (the
    // engine accumulates 0.6 + 0.3 = 0.8999999999999999, statrs normalises to 0.9), so the
    // comparison allows rounding.
    for kind in discrete_kinds() {
        let family = build(kind);
        let start = *discrete_range(kind).start();
        for nat in parameter_sets(kind) {
            let r = discrete_reference(kind, &nat);
            for u in QUANTILE_LEVELS {
                let q = family.quantile(&nat, u);
                assert!(family.in_support(q), "{kind}{nat:?}: quantile({u}) = {q}");
                let k = q as u64;
                assert!(r.cdf(k) >= u - ULPS_REL, "{kind}{nat:?}: F({k}) = {} < {u}", r.cdf(k));
                if k > start {
                    let below = r.cdf(k - 1);
                    assert!(below < u + ULPS_REL, "{kind}{nat:?}: F({}) = {below} ≥ {u}", k - 1);
                }
            }
        }
    }
}

/// Lower-tail probabilities the quadrature nodes reach (they go down to u ≈ 1e-16).
const FAR_TAIL_LEVELS: [f64; 4] = [1e-15, 1e-12, 1e-9, 1e-6];

/// A family, its parameters and its quantile function in closed form.
type ClosedFormQuantile = (FamilyKind, [f64; 3], fn(f64) -> f64);

/// The engine's quantile against closed forms deep in the lower tail, relative to the value.
fn assert_far_tail_quantiles(cases: &[ClosedFormQuantile]) {
    for &(kind, params, exact) in cases {
        let family = build(kind);
        let nat = &params[..family.param_names().len()];
        for u in FAR_TAIL_LEVELS {
            let (got, want) = (family.quantile(nat, u), exact(u));
            assert!(
                close(got, want, QUANTILE_REL, want.abs()),
                "{kind}{nat:?}: quantile({u:e}) = {got:e}, closed form {want:e}"
            );
        }
    }
}

#[test]
fn far_tail_quantiles_match_closed_forms() {
    use std::f64::consts::PI;
    // Unused trailing parameters are ignored (the arrays are padded to three).
    assert_far_tail_quantiles(&[
        // gamma(1, 2) is exponential(2).
        (FamilyKind::Gamma, [1.0, 2.0, 0.0], |u| -(-u).ln_1p() / 2.0),
        // beta(1, 3): F(x) = 1 − (1 − x)³; beta(3, 1): F(x) = x³.
        (FamilyKind::Beta, [1.0, 3.0, 0.0], |u| -((-u).ln_1p() / 3.0).exp_m1()),
        (FamilyKind::Beta, [3.0, 1.0, 0.0], |u| u.cbrt()),
        // Student's t with 2 degrees of freedom: (2u − 1) / √(2u(1 − u)).
        (FamilyKind::StudentT, [2.0, 0.0, 1.0], |u| (2.0 * u - 1.0) / (2.0 * u * (1.0 - u)).sqrt()),
        (FamilyKind::Weibull, [0.5, 2.0, 0.0], |u| 2.0 * (-u).ln_1p().powi(2)),
        (FamilyKind::Laplace, [1.0, 3.0, 0.0], |u| 1.0 + 3.0 * (2.0 * u).ln()),
        (FamilyKind::Exponential, [4.0, 0.0, 0.0], |u| -(-u).ln_1p() / 4.0),
        (FamilyKind::LogNormal, [0.0, 1.0, 0.0], |u| {
            let d = sd::Normal::new(0.0, 1.0).expect("standard normal");
            d.inverse_cdf(u).exp()
        }),
        // A closed form that would catch a misplaced π.
        (FamilyKind::StudentT, [2.0, 5.0, PI], |u| {
            5.0 + PI * (2.0 * u - 1.0) / (2.0 * u * (1.0 - u)).sqrt()
        }),
    ]);
}

#[test]
fn far_tail_quantiles_via_statrs_inverse_cdf() {
    use statrs::function::erf::erf_inv;
    use std::f64::consts::PI;
    assert_far_tail_quantiles(&[
        // gamma(1/2, b) is Z²/(2b): F(x) = erf(√(bx)).
        (FamilyKind::Gamma, [0.5, 2.0, 0.0], |u| erf_inv(u).powi(2) / 2.0),
        // The arcsine law: F(x) = (2/π) asin √x.
        (FamilyKind::Beta, [0.5, 0.5, 0.0], |u| (PI * u / 2.0).sin().powi(2)),
        // Student's t with one degree of freedom is the Cauchy.
        (FamilyKind::StudentT, [1.0, 0.0, 1.0], |u| -1.0 / (PI * u).tan()),
    ]);
}

#[test]
fn far_tail_quantile_cauchy() {
    use std::f64::consts::PI;
    assert_far_tail_quantiles(&[(FamilyKind::Cauchy, [0.0, 1.0, 0.0], |u| -1.0 / (PI * u).tan())]);
}

// ---------------------------------------------------------------------------------------
// 10. Outside the support
// ---------------------------------------------------------------------------------------

/// Points outside each family's support (none for families on all of ℝ).
fn outside_points(kind: FamilyKind) -> &'static [f64] {
    match kind {
        FamilyKind::Exponential => &[-1.0, -1e-300],
        FamilyKind::Gamma | FamilyKind::LogNormal | FamilyKind::Weibull => &[-1.0, -3.5],
        FamilyKind::Beta => &[-0.5, 1.5],
        FamilyKind::Bernoulli => &[0.5, 2.0, -1.0],
        FamilyKind::Binomial => &[2.5, 11.0, -1.0],
        FamilyKind::Geometric => &[0.0, 2.5, -1.0],
        FamilyKind::Poisson => &[2.5, -1.0],
        FamilyKind::Categorical => &[1.5, 3.0, -1.0],
        _ => &[],
    }
}

fn assert_ln_density_outside_support(kinds: impl Iterator<Item = FamilyKind>) {
    for kind in kinds {
        let family = build(kind);
        for nat in parameter_sets(kind) {
            for &x in outside_points(kind) {
                let l = family.ln_density(&nat, x);
                assert!(l == f64::NEG_INFINITY, "{kind}{nat:?}: ln_density({x}) = {l}, not −∞");
            }
        }
    }
}

#[test]
fn ln_density_outside_the_support_is_minus_infinity_continuous() {
    assert_ln_density_outside_support(continuous_kinds());
}

#[test]
fn ln_density_outside_the_support_is_minus_infinity_discrete() {
    assert_ln_density_outside_support(discrete_kinds());
}

#[test]
fn pointwise_log_likelihood_of_an_impossible_point_is_minus_infinity() {
    // Continuous families, whose ln_density is −∞ there (checked above), so only the
    // summation is under test.
    for kind in continuous_kinds() {
        let family = build(kind);
        let nat = &parameter_sets(kind)[0];
        for &x in outside_points(kind) {
            let ll = pointwise_log_likelihood(family.as_ref(), nat, &[1.0, x]);
            assert!(ll == f64::NEG_INFINITY, "{kind}{nat:?}: ℓ on [1, {x}] = {ll}, not −∞");
        }
    }
}

#[test]
fn log_likelihood_of_an_impossible_point_is_minus_infinity() {
    for kind in FamilyKind::ALL {
        let family = build(kind);
        let nat = &parameter_sets(kind)[0];
        let valid = if kind == FamilyKind::Categorical { 0.0 } else { 1.0 };
        for &x in outside_points(kind) {
            let ll = family.log_likelihood(nat, &Sample::new(vec![valid, x]));
            assert!(ll == f64::NEG_INFINITY, "{kind}{nat:?}: ℓ on [{valid}, {x}] = {ll}, not −∞");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 11. The checks themselves can fail
// ---------------------------------------------------------------------------------------

/// The normal family with a deliberately wrong fast log-likelihood or gradient, to show
/// that the tolerances above are tight enough to catch small formula errors.
#[derive(Debug)]
struct Skewed {
    ll_factor: f64,
    grad_factor: f64,
}

impl Kind for Skewed {
    fn kind(&self) -> FamilyKind {
        FamilyKind::Normal
    }
}

impl Family for Skewed {
    fn support(&self) -> String {
        Normal.support()
    }
    fn in_support(&self, x: f64) -> bool {
        Normal.in_support(x)
    }
    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        Normal.ln_density(nat, x)
    }
    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        Normal.add_score(nat, x, grad);
    }
    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        Normal.log_likelihood(nat, sample) * self.ll_factor
    }
    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        Normal.gradient(nat, sample, grad);
        grad[1] *= self.grad_factor;
    }
    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        Normal.sample(nat, n, rng)
    }
    fn start(&self, sample: &Sample) -> Vec<f64> {
        Normal.start(sample)
    }
    fn entropy(&self, nat: &[f64]) -> f64 {
        Normal.entropy(nat)
    }
    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        Normal.mean_variance(nat)
    }
    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        Normal.quantile(nat, u)
    }
}

#[test]
fn the_checks_catch_small_formula_errors() {
    /// Relative errors planted in the fast formulas: each well inside what a real formula
    /// mistake produces, and each must be caught.
    const LL_ERROR: f64 = 1e-9;
    const GRAD_ERROR: f64 = 1e-4;
    let nat = [0.5, 1.3];
    let sample = Sample::new(draw(&Normal, &[0.0, 1.0], FD_SAMPLE, FD_SAMPLE_SEED));
    let exact = Skewed { ll_factor: 1.0, grad_factor: 1.0 };
    assert_eq!(check_against_pointwise(&exact, &nat, &sample), Ok(()));
    assert_eq!(check_against_finite_differences(&exact, &nat, &sample), Ok(()));
    let bad_ll = Skewed { ll_factor: 1.0 + LL_ERROR, grad_factor: 1.0 };
    assert!(check_against_pointwise(&bad_ll, &nat, &sample).is_err());
    let bad_grad = Skewed { ll_factor: 1.0, grad_factor: 1.0 + GRAD_ERROR };
    assert!(check_against_pointwise(&bad_grad, &nat, &sample).is_err());
    assert!(check_against_finite_differences(&bad_grad, &nat, &sample).is_err());
}
