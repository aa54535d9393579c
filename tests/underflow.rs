//! The underflow trace against a log-sum computed here, independently of the engine.
//!
//! With `ℓ_m = Σ_{i≤m} ln q(xᵢ)` the exact product is `L_m = e^{ℓ_m}`. The engine multiplies
//! rounded factors q̂ᵢ = exp(ln q(xᵢ)) in f64 (and, rounded once more, in f32). While the
//! product is a normal float, every factor and every multiplication adds one relative
//! rounding, so ln of the computed product differs from `ℓ_m` by at most about 2m·u (u the
//! unit roundoff). Once it is subnormal the rounding is absolute instead: results are
//! multiples of the smallest subnormal U, and each multiplication adds at most U/2.

// Exact float equality is intended where used: log10 is defined as ℓ / ln 10.
#![allow(clippy::float_cmp)]

use std::f64::consts::{LN_2, LN_10, PI};

use mlex::stats::family::{Family, Normal};
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use mlex::stats::underflow::{UnderflowTrace, first_hits, trace};

/// Slack on ln L for f64 products in the normal range: 2m·2^-53 is below 1e-12 for the
/// sample sizes here, and the test's own ln-densities differ from the engine's by a few ulps
/// per term; 1e-9 covers both with a wide margin.
const TINY_F64: f64 = 1e-9;
/// f32 rounds each factor to 24 bits and each product to 24 bits: two relative roundings of
/// at most 2^-24 per step, so the ln of the f32 product is within 2m·2^-24 of `ℓ_m` (first
/// order; a few hundred steps give at most a few 1e-5). This is the per-step rate.
const F32_LN_SLACK_PER_STEP: f64 = 2.0 * 5.960_464_477_539_063e-8;
/// log10 and mantissa/exponent consistency (log10 L is a few hundred in size; the split is
/// a floor, a power and a log, each accurate to a few ulps).
const LOG10_TOL: f64 = 1e-12;
/// ℓ from the trace (compensated) against the test's log-sum.
const LOG_LIKELIHOOD_REL_TOL: f64 = 1e-12;
/// Sample size: enough for the f64 product to reach 0 (about 530 standard-normal points,
/// about 350 with sigma 2) and the sigma-0.01 product to overflow (about 320 points).
const N: usize = 2000;

/// ln of 2^k.
fn ln_pow2(k: i32) -> f64 {
    f64::from(k) * LN_2
}

/// The slack B on ln L around the point where the product becomes exactly 0, for factors
/// never above `q_max` < ½.
///
/// Let E bound |computed − exact| once the product is subnormal. Each multiplication scales
/// the error already there by a factor ≤ `q_max` and adds at most U/2, so
/// E ≤ (U/2)(1 + q + q² + …) = U / (2(1 − `q_max`)).
/// * At z (the product is 0): the computed `p_{z−1}·q_z` rounded to 0, so it was ≤ U/2, and
///   `L_z ≤ U/2 + E·q_max = U / (2(1 − q_max)) < U`: `ℓ_z < ln U`.
/// * At z − 1 (the product is ≥ U): `L_{z−1} ≥ U − E = U (1 − 2q_max) / (2(1 − q_max))`.
///
/// So below the crossing no slack is needed, and above it B = −ln((1 − 2q)/(2(1 − q))),
/// which is ln 4 at q = 1/3 and ln 6 at q = 2/5. A flat B = ln 4 is therefore rigorous only
/// for models whose density never exceeds 1/3; the standard normal (peak 0.399) gets the
/// larger bound B ≈ 1.78, and the sigma-2 case checks B ≤ ln 4.
fn zero_slack(q_max: f64) -> f64 {
    assert!(q_max < 0.5, "the bound needs factors below 1/2");
    -((1.0 - 2.0 * q_max) / (2.0 * (1.0 - q_max))).ln()
}

/// Data drawn from normal(0, sigma), traced under the same normal, with the running log-sum
/// (`logsum[m] = ℓ_m`, `logsum[0] = 0`) computed in the test from the closed-form density.
struct Case {
    sigma: f64,
    sample: Sample,
    logsum: Vec<f64>,
    trace: UnderflowTrace,
}

impl Case {
    fn new(sigma: f64, seed: u64) -> Self {
        let nat = [0.0, sigma];
        let values = Normal.sample(&nat, N, &mut seeded(seed));
        let ln_norm = sigma.ln() + 0.5 * (2.0 * PI).ln();
        let mut logsum = Vec::with_capacity(N + 1);
        logsum.push(0.0);
        let mut acc = 0.0;
        for x in &values {
            let z = x / sigma;
            acc += -0.5 * z * z - ln_norm;
            logsum.push(acc);
        }
        let sample = Sample::new(values);
        let trace = trace(&Objective { family: &Normal, sample: &sample }, &nat);
        Self { sigma, sample, logsum, trace }
    }

    /// The largest density the model takes, 1/(σ√(2π)).
    fn q_max(&self) -> f64 {
        1.0 / (self.sigma * (2.0 * PI).sqrt())
    }
}

/// Asserts that `at` is the first m where `ℓ_m` crossed `threshold` downwards, up to `below`
/// of slack at m and `above` at m − 1.
fn assert_crossing_down(
    label: &str,
    logsum: &[f64],
    at: Option<usize>,
    threshold: f64,
    below: f64,
    above: f64,
) {
    let m =
        at.unwrap_or_else(|| panic!("{label}: never reached (ℓ_N = {})", logsum[logsum.len() - 1]));
    assert!(m >= 1, "{label}: reported at m = 0");
    assert!(
        logsum[m] < threshold + below,
        "{label} at m = {m}: ℓ_m = {} is not below {threshold} + {below}",
        logsum[m]
    );
    assert!(
        logsum[m - 1] >= threshold - above,
        "{label} at m = {m}: ℓ_(m-1) = {} already below {threshold} - {above}",
        logsum[m - 1]
    );
}

/// Asserts that `at` is the first m where `ℓ_m` crossed `threshold` upwards.
fn assert_crossing_up(label: &str, logsum: &[f64], at: Option<usize>, threshold: f64, slack: f64) {
    let m =
        at.unwrap_or_else(|| panic!("{label}: never reached (ℓ_N = {})", logsum[logsum.len() - 1]));
    assert!(m >= 1, "{label}: reported at m = 0");
    assert!(
        logsum[m] >= threshold - slack,
        "{label} at m = {m}: ℓ_m = {} is not above {threshold}",
        logsum[m]
    );
    assert!(
        logsum[m - 1] < threshold + slack,
        "{label} at m = {m}: ℓ_(m-1) = {} already above {threshold}",
        logsum[m - 1]
    );
}

fn f32_slack(m: Option<usize>) -> f64 {
    F32_LN_SLACK_PER_STEP * m.unwrap_or(N) as f64 + TINY_F64
}

fn check_underflow(case: &Case) {
    let t = &case.trace;
    let ls = &case.logsum;
    let b = zero_slack(case.q_max());

    assert_crossing_down(
        "f64 subnormal",
        ls,
        t.f64_subnormal_at,
        ln_pow2(-1022),
        TINY_F64,
        TINY_F64,
    );
    assert_crossing_down("f64 zero", ls, t.f64_zero_at, ln_pow2(-1074), TINY_F64, b + TINY_F64);

    let s32 = f32_slack(t.f32_subnormal_at);
    assert_crossing_down("f32 subnormal", ls, t.f32_subnormal_at, ln_pow2(-126), s32, s32);
    // The zero bound for f32 is the same argument with U = 2^-149; the f32 rounding of each
    // factor only perturbs it by a relative 2^-24 per step, covered by the f32 slack.
    let z32 = f32_slack(t.f32_zero_at);
    assert_crossing_down("f32 zero", ls, t.f32_zero_at, ln_pow2(-149), z32, b + z32);

    // Ordering: f32 leaves its range long before f64.
    let order = [t.f32_subnormal_at, t.f32_zero_at, t.f64_subnormal_at, t.f64_zero_at];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "crossings out of order: {order:?}");
    assert_eq!(t.f64_overflow_at, None);
    assert_eq!(t.f32_overflow_at, None);
}

#[test]
fn standard_normal_product_underflows_where_the_log_sum_says() {
    let case = Case::new(1.0, 4242);
    check_underflow(&case);
}

#[test]
fn wide_normal_product_underflows_within_ln_4() {
    // Peak density 1/(2√(2π)) ≈ 0.2 < 1/3, so the zero crossing is within B = ln 4.
    let case = Case::new(2.0, 99);
    assert!(zero_slack(case.q_max()) <= 4f64.ln(), "B = {}", zero_slack(case.q_max()));
    check_underflow(&case);
}

#[test]
fn narrow_normal_product_overflows_where_the_log_sum_says() {
    // Densities near 40: the product grows by about e^2.27 a point and overflows f32 after
    // about 40 points and f64 after about 310. Overflow happens when the computed product
    // rounds past MAX, so ℓ at that m is at least ln MAX (up to the relative slack) and ℓ
    // one point earlier is at most ln MAX.
    let case = Case::new(0.01, 7);
    let t = &case.trace;
    let ls = &case.logsum;
    assert_crossing_up("f64 overflow", ls, t.f64_overflow_at, f64::MAX.ln(), TINY_F64);
    assert_crossing_up(
        "f32 overflow",
        ls,
        t.f32_overflow_at,
        f64::from(f32::MAX).ln(),
        f32_slack(t.f32_overflow_at),
    );
    assert!(t.f32_overflow_at < t.f64_overflow_at);
    for (name, v) in [
        ("f64 subnormal", t.f64_subnormal_at),
        ("f64 zero", t.f64_zero_at),
        ("f32 subnormal", t.f32_subnormal_at),
        ("f32 zero", t.f32_zero_at),
    ] {
        assert_eq!(v, None, "{name} on a growing product");
    }
}

#[test]
fn log10_mantissa_and_exponent_are_consistent() {
    for (sigma, seed) in [(1.0, 4242), (2.0, 99), (0.01, 7)] {
        let case = Case::new(sigma, seed);
        let t = &case.trace;
        let ell = case.logsum[N];
        assert!(
            ((t.log_likelihood - ell) / ell).abs() <= LOG_LIKELIHOOD_REL_TOL,
            "σ = {sigma}: ℓ {} vs log-sum {ell}",
            t.log_likelihood
        );
        assert_eq!(t.log10_likelihood, t.log_likelihood / LN_10, "σ = {sigma}: log10 is ℓ / ln 10");
        assert!((1.0..10.0).contains(&t.mantissa), "σ = {sigma}: mantissa {}", t.mantissa);
        let recomposed = t.mantissa.log10() + t.exponent as f64;
        assert!(
            (recomposed - t.log10_likelihood).abs() <= LOG10_TOL,
            "σ = {sigma}: {} × 10^{} vs log10 {}",
            t.mantissa,
            t.exponent,
            t.log10_likelihood
        );
        // The curve ends at the whole sample with the true value.
        let last = t.curve.last().expect("a non-empty sample has a curve");
        assert_eq!(last.m, case.sample.len());
        assert!((last.log10_true - t.log10_likelihood).abs() <= LOG10_TOL);
        assert!(t.curve.len() <= 1025, "curve thinned to about a thousand points");
    }
}

#[test]
fn a_report_stops_tracing_once_the_products_settle_and_loses_nothing() {
    // Underflow to 0 (σ = 1, 2), overflow to ∞ (σ = 0.01), and a sample too short to settle
    // (the first 40 values of σ = 1: the f64 product is still normal there).
    for (sigma, seed, len) in [(1.0, 4242, N), (2.0, 99, N), (0.01, 7, N), (1.0, 4242, 40)] {
        let case = Case::new(sigma, seed);
        let nat = [0.0, sigma];
        let sample = Sample::new(case.sample.values()[..len].to_vec());
        let full = trace(&Objective { family: &Normal, sample: &sample }, &nat);
        let ll = Normal.log_likelihood(&nat, &sample);
        let hits = first_hits(&Objective { family: &Normal, sample: &sample }, &nat, ll);
        let label = format!("σ = {sigma}, {len} points");
        assert_eq!(
            [hits.f64_subnormal_at, hits.f64_zero_at, hits.f64_overflow_at],
            [full.f64_subnormal_at, full.f64_zero_at, full.f64_overflow_at],
            "{label}: f64"
        );
        assert_eq!(
            [hits.f32_subnormal_at, hits.f32_zero_at, hits.f32_overflow_at],
            [full.f32_subnormal_at, full.f32_zero_at, full.f32_overflow_at],
            "{label}: f32"
        );
        // The engine's ℓ against the trace's own point-by-point log-sum.
        assert!(
            (hits.log_likelihood - full.log_likelihood).abs() <= 1e-12 * full.log_likelihood.abs(),
            "{label}: ℓ {} vs the log-sum {}",
            hits.log_likelihood,
            full.log_likelihood
        );
        assert_eq!(hits.exponent, full.exponent, "{label}");
        assert!((hits.mantissa - full.mantissa).abs() <= 1e-9 * full.mantissa, "{label}");
        assert!(hits.curve.is_empty());
    }
}
