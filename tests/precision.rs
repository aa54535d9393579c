//! Sufficient statistics must not lose precision. Every check compares the engine's f64
//! results with exact rational arithmetic (`BigRational`): every finite f64 is a dyadic
//! rational, so sums, means and squared deviations of the data are computed without any
//! rounding and rounded once at the end.

// Exact float equality is intended where used: the expected value is exactly representable.
#![allow(clippy::float_cmp)]

use mlex::stats::family::{Family, Normal, pointwise_log_likelihood};
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use mlex::stats::sums::{Moments, Neumaier};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rand::RngExt as _;

/// Relative error allowed on a mean: a few ulps (the compensated sum is correctly rounded
/// to within about one ulp, and dividing by n adds half an ulp).
const MEAN_REL_TOL: f64 = 1e-14;
/// Relative error allowed on Σ(x − mean)²: each squared deviation carries one rounding of
/// relative size ε, the compensated sum adds about one more, and the corrected two-pass term
/// removes the effect of the rounded mean.
const M2_REL_TOL: f64 = 1e-12;
/// Relative error allowed on a compensated sum with no cancellation to speak of.
const SUM_REL_TOL: f64 = 1e-15;
/// Relative error allowed on the normal log-likelihood: it is a handful of f64 operations
/// on correctly rounded statistics, so anything much above ε means lost precision.
const LOG_LIKELIHOOD_REL_TOL: f64 = 1e-12;
/// The naive one-pass formula Σx² − n·mean² must be worse than this on offset data, or the
/// offset test would not be able to tell a good algorithm from a bad one.
const NAIVE_MIN_REL_ERROR: f64 = 1e-3;
/// Number of points in each generated data set.
const N: usize = 10_000;
/// Offset of the large-offset, tiny-spread data.
const OFFSET: f64 = 1e9;
/// Spacing of the large-offset data: x = OFFSET + k·STEP for whole k in [0, `K_MAX`).
const STEP: f64 = 1e-3;
/// Number of distinct k values (spread of the offset data ≈ `K_MAX`·STEP).
const K_MAX: u32 = 1000;

fn rat(x: f64) -> BigRational {
    BigRational::from_float(x).expect("every finite f64 is a rational")
}

fn to_f64(r: &BigRational) -> f64 {
    r.to_f64().expect("the exact value is a finite number")
}

/// Exact Σx.
fn exact_sum(xs: &[f64]) -> BigRational {
    xs.iter().fold(BigRational::zero(), |acc, &x| acc + rat(x))
}

/// Exact mean and exact Σ(x − mean)² (= Σx² − (Σx)²/n, exactly).
fn exact_moments(xs: &[f64]) -> (BigRational, BigRational) {
    let n = BigRational::from_integer(BigInt::from(xs.len()));
    let sum = exact_sum(xs);
    let sum_sq = xs.iter().fold(BigRational::zero(), |acc, &x| {
        let r = rat(x);
        acc + &r * &r
    });
    let mean = &sum / &n;
    let m2 = sum_sq - &sum * &sum / &n;
    (mean, m2)
}

/// |approx − exact| / |exact|, computed exactly and rounded once.
fn rel_error(approx: f64, exact: &BigRational) -> f64 {
    assert!(!exact.is_zero(), "relative error against an exact zero");
    to_f64(&((rat(approx) - exact).abs() / exact.abs()))
}

/// Checks `Moments::of` and `Sample::new(..).stats().x` against the exact values.
fn check_moments(label: &str, xs: &[f64]) {
    let (mean, m2) = exact_moments(xs);
    let from_iter = Moments::of(|| xs.iter().copied());
    let sample = Sample::new(xs.to_vec());
    for (source, m) in [("Moments::of", from_iter), ("Sample::stats", sample.stats().x)] {
        assert_eq!(m.n, xs.len(), "{label}: {source} count");
        let e_mean = rel_error(m.mean, &mean);
        let e_m2 = rel_error(m.m2, &m2);
        assert!(
            e_mean <= MEAN_REL_TOL,
            "{label}: {source} mean {} vs exact {}: rel {e_mean:e}",
            m.mean,
            to_f64(&mean)
        );
        assert!(
            e_m2 <= M2_REL_TOL,
            "{label}: {source} m2 {} vs exact {}: rel {e_m2:e}",
            m.m2,
            to_f64(&m2)
        );
    }
}

/// 1e9 + k·1e-3 for seeded whole k in [0, 1000): spread ≈ 0.29 on an offset of 1e9.
fn offset_data() -> Vec<f64> {
    let mut rng = seeded(20_240_601);
    (0..N).map(|_| OFFSET + f64::from(rng.random_range(0..K_MAX)) * STEP).collect()
}

/// ±m·10^e with m in [1, 10) and e drawn from [`lo`, `hi`]: magnitudes spanning hundreds of
/// decades, mixed signs.
fn many_magnitudes(seed: u64, lo: i32, hi: i32) -> Vec<f64> {
    let mut rng = seeded(seed);
    (0..N)
        .map(|_| {
            let mantissa = 1.0 + 9.0 * rng.random::<f64>();
            let exponent = rng.random_range(lo..=hi);
            let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
            sign * mantissa * 10f64.powi(exponent)
        })
        .collect()
}

/// Triples (B, s, −B) with B ≈ 1e16 and s in [0, 1): in plain summation each s is absorbed
/// by B and lost when −B cancels it.
fn cancellation_data() -> Vec<f64> {
    let mut rng = seeded(77);
    let mut xs = Vec::with_capacity(N);
    while xs.len() + 3 <= N {
        let big = 1e16 * (1.0 + rng.random::<f64>());
        xs.extend([big, rng.random::<f64>(), -big]);
    }
    xs
}

#[test]
fn offset_data_keeps_mean_and_m2() {
    check_moments("offset 1e9, spread 0.3", &offset_data());
}

#[test]
fn naive_one_pass_variance_fails_on_offset_data() {
    // The teeth of the previous test: the textbook formula cancels 1e22-sized terms to get
    // a result near 1e3, so it keeps almost no correct digits.
    let xs = offset_data();
    let (_, m2) = exact_moments(&xs);
    let n = xs.len() as f64;
    let sum: f64 = xs.iter().sum();
    let sum_sq: f64 = xs.iter().map(|x| x * x).sum();
    let mean = sum / n;
    let naive = sum_sq - n * mean * mean;
    let e = if naive == 0.0 { 1.0 } else { rel_error(naive, &m2) };
    assert!(e > NAIVE_MIN_REL_ERROR, "naive m2 {naive} vs exact {}: rel {e:e}", to_f64(&m2));
}

#[test]
fn mean_of_values_spanning_six_hundred_decades() {
    // The squares of values near 1e300 overflow, so m2 is checked on the next test's range;
    // here the mean and the compensated sum.
    let xs = many_magnitudes(5, -300, 300);
    let exact = exact_sum(&xs);
    let m = Moments::of(|| xs.iter().copied());
    let n = BigRational::from_integer(BigInt::from(xs.len()));
    let e_mean = rel_error(m.mean, &(&exact / &n));
    assert!(e_mean <= MEAN_REL_TOL, "mean rel {e_mean:e}");
    let e_sum = rel_error(m.sum, &exact);
    assert!(e_sum <= SUM_REL_TOL, "sum rel {e_sum:e}");
    let s = Sample::new(xs);
    assert_eq!(s.stats().x.mean, m.mean, "Sample::new uses the same moments");
}

#[test]
fn moments_of_values_spanning_three_hundred_decades() {
    check_moments("1e-150 … 1e150, mixed signs", &many_magnitudes(6, -150, 150));
}

#[test]
fn m2_and_sum_under_catastrophic_cancellation() {
    let xs = cancellation_data();
    let (_, m2) = exact_moments(&xs);
    let exact_total = exact_sum(&xs);
    for (source, m) in [
        ("Moments::of", Moments::of(|| xs.iter().copied())),
        ("Sample::stats", Sample::new(xs.clone()).stats().x),
    ] {
        let e_m2 = rel_error(m.m2, &m2);
        assert!(e_m2 <= M2_REL_TOL, "{source} m2 {} vs exact {}: rel {e_m2:e}", m.m2, to_f64(&m2));
        let e_sum = rel_error(m.sum, &exact_total);
        assert!(
            e_sum <= neumaier_bound(&xs, &exact_total),
            "{source} sum {} vs exact {}",
            m.sum,
            to_f64(&exact_total)
        );
    }
}

#[test]
fn mean_under_catastrophic_cancellation() {
    // Smallest case: the compensated sum of (1e16, 1, −1e16) is exactly 1, so sum/n is 1/3,
    // but the second pass computes fl(1e16 − 1/3) = 1e16 (the 1/3 is below half an ulp of
    // 1e16), so the "residual" Σ fl(x − mean) = 2/3 is rounding noise, and the corrected
    // mean comes out as 1/3 + (2/3)/3 = 5/9.
    check_moments("(1e16, 1, -1e16)", &[1e16, 1.0, -1e16]);
    check_moments("(1e16, s, -1e16) triples", &cancellation_data());
}

/// Error bound of compensated (Neumaier, Kahan–Babuška) summation, relative to |S|:
/// |Ŝ − S| ≤ 2u|S| + 2n u² Σ|xᵢ| with u = 2^-53 (Higham, Accuracy and Stability of
/// Numerical Algorithms, §4.3). The second term only matters under heavy cancellation:
/// the carry itself is an ordinary f64 sum.
fn neumaier_bound(xs: &[f64], exact: &BigRational) -> f64 {
    let u = f64::EPSILON / 2.0;
    let abs_sum: f64 = xs.iter().copied().map(f64::abs).sum();
    let s = to_f64(exact).abs();
    (2.0 * u * s + 2.0 * xs.len() as f64 * u * u * abs_sum) / s
}

#[test]
fn neumaier_matches_the_exact_sum() {
    // Triples cancel exactly: the sum is that of the small values alone, which plain
    // summation loses entirely.
    let xs = cancellation_data();
    let exact = exact_sum(&xs);
    let mut acc = Neumaier::new();
    for &x in &xs {
        acc.add(x);
    }
    let e = rel_error(acc.total(), &exact);
    let bound = neumaier_bound(&xs, &exact);
    assert!(
        e <= bound,
        "Neumaier {} vs exact {}: rel {e:e} > bound {bound:e}",
        acc.total(),
        to_f64(&exact)
    );
    let plain: f64 = xs.iter().sum();
    assert!(
        rel_error(plain, &exact) > NAIVE_MIN_REL_ERROR,
        "plain summation should lose the small terms"
    );

    // Without much cancellation the bound is a couple of ulps: check it as SUM_REL_TOL.
    for (seed, lo, hi) in [(11, -300, 300), (12, -20, 20), (13, -5, 5)] {
        let xs = many_magnitudes(seed, lo, hi);
        let exact = exact_sum(&xs);
        let mut acc = Neumaier::new();
        for &x in &xs {
            acc.add(x);
        }
        let e = rel_error(acc.total(), &exact);
        assert!(
            e <= SUM_REL_TOL.max(neumaier_bound(&xs, &exact)),
            "10^{lo}…10^{hi}: Neumaier rel {e:e}"
        );
    }

    // The unit test's classic: 1 + 1e100 + 1 − 1e100 = 2, and the smallest cancelling triple.
    for (xs, want) in [(vec![1.0, 1e100, 1.0, -1e100], 2.0), (vec![1e16, 1.0, -1e16], 1.0)] {
        let mut acc = Neumaier::new();
        for &x in &xs {
            acc.add(x);
        }
        assert_eq!(acc.total(), want, "{xs:?}");
    }
}

/// ℓ of a normal(μ, σ) from an exactly computed Σ(x − μ)²: the only rounding is in the
/// final handful of f64 operations.
fn exact_normal_log_likelihood(xs: &[f64], mu: f64, sigma: f64) -> f64 {
    let mu_r = rat(mu);
    let ss = xs.iter().fold(BigRational::zero(), |acc, &x| {
        let d = rat(x) - &mu_r;
        acc + &d * &d
    });
    let n = xs.len() as f64;
    let half_ln_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    -n * (half_ln_2pi + sigma.ln()) - to_f64(&ss) / (2.0 * sigma * sigma)
}

/// Relative errors of the engine's sufficient-statistic ℓ and of the pointwise reference
/// (statrs densities, compensated sum) on the offset data, at centres μ = f64 mean + offset.
fn normal_log_likelihood_errors(offsets: &[f64]) -> Vec<(f64, f64, f64)> {
    let xs = offset_data();
    let sample = Sample::new(xs.clone());
    let mean = sample.stats().x.mean;
    let sigma = 0.3;
    offsets
        .iter()
        .map(|&offset| {
            let mu = mean + offset;
            let exact = exact_normal_log_likelihood(&xs, mu, sigma);
            let engine = Normal.log_likelihood(&[mu, sigma], &sample);
            let reference = pointwise_log_likelihood(&Normal, &[mu, sigma], &xs);
            let rel = |v: f64| ((v - exact) / exact).abs();
            (offset, rel(engine), rel(reference))
        })
        .collect()
}

/// Centres away from the mean, from a millionth of the spread to a thousand spreads.
const AWAY_FROM_MEAN: [f64; 6] = [1e-6, 1e-3, 0.05, 0.3, 3.0, 300.0];

fn check_normal_log_likelihood(offsets: &[f64]) {
    for (offset, engine, reference) in normal_log_likelihood_errors(offsets) {
        assert!(
            reference <= LOG_LIKELIHOOD_REL_TOL,
            "μ = mean{offset:+}: pointwise reference rel {reference:e}"
        );
        assert!(
            engine <= LOG_LIKELIHOOD_REL_TOL,
            "μ = mean{offset:+}: sufficient-statistic ℓ rel {engine:e}"
        );
    }
}

#[test]
fn pointwise_normal_log_likelihood_is_exact_on_offset_data() {
    // The reference the sufficient-statistic formula should match: one density at a time.
    for (offset, _, reference) in normal_log_likelihood_errors(&AWAY_FROM_MEAN) {
        assert!(
            reference <= LOG_LIKELIHOOD_REL_TOL,
            "μ = mean{offset:+}: pointwise reference rel {reference:e}"
        );
    }
}

#[test]
fn normal_log_likelihood_at_the_mean_of_offset_data() {
    check_normal_log_likelihood(&[0.0]);
}

#[test]
fn normal_log_likelihood_away_from_the_mean_of_offset_data() {
    // Smallest case: two points one ulp apart at 1e9. The exact mean 1e9 + 2^-24 is not an
    // f64, and the rounded mean shifts Σ(x − c)² at c = 1e9 + 1 by about 2^-22.
    let xs = [OFFSET, OFFSET + 2f64.powi(-23)];
    let (mu, sigma) = (OFFSET + 1.0, 1.0);
    let exact = exact_normal_log_likelihood(&xs, mu, sigma);
    let engine = Normal.log_likelihood(&[mu, sigma], &Sample::new(xs.to_vec()));
    let rel = ((engine - exact) / exact).abs();
    assert!(rel <= LOG_LIKELIHOOD_REL_TOL, "two points: ℓ {engine} vs exact {exact}: rel {rel:e}");
    check_normal_log_likelihood(&AWAY_FROM_MEAN);
}
