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
use num_traits::{Float as _, Signed, ToPrimitive, Zero};
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

/// x = m · 2^e exactly.
fn decode(x: f64) -> (BigInt, i32) {
    let (mantissa, exponent, sign) = x.integer_decode();
    (BigInt::from(mantissa) * i32::from(sign), i32::from(exponent))
}

/// Σ m · 2^e exactly: integers shifted to the smallest exponent and added (far faster
/// than adding rationals one by one, which matters for samples of 10^5 values).
fn exact_total(terms: Vec<(BigInt, i32)>) -> BigRational {
    let Some(low) = terms.iter().map(|&(_, e)| e).min() else {
        return BigRational::zero();
    };
    let total: BigInt = terms.into_iter().map(|(m, e)| m << (e - low) as usize).sum();
    let scale = BigInt::from(1) << low.unsigned_abs() as usize;
    if low < 0 { BigRational::new(total, scale) } else { BigRational::from_integer(total * scale) }
}

/// Exact Σx.
fn exact_sum(xs: &[f64]) -> BigRational {
    exact_total(xs.iter().map(|&x| decode(x)).collect())
}

/// Exact mean and exact Σ(x − mean)² (= Σx² − (Σx)²/n, exactly).
fn exact_moments(xs: &[f64]) -> (BigRational, BigRational) {
    let n = BigRational::from_integer(BigInt::from(xs.len()));
    let sum = exact_sum(xs);
    let sum_sq = exact_total(
        xs.iter()
            .map(|&x| {
                let (m, e) = decode(x);
                (&m * &m, 2 * e)
            })
            .collect(),
    );
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
    let e_sample = rel_error(s.stats().x.mean, &(&exact / &n));
    assert!(e_sample <= MEAN_REL_TOL, "Sample::new mean rel {e_sample:e}");
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

/// More values than one parallel task holds, so a sample's statistics are summed on
/// several threads in many blocks.
const LARGE_N: usize = 300_007;

/// `LARGE_N` values offset + spread·(u − 1/2) + tilt, u uniform: the sample statistics'
/// one-pass shift is chosen from a subsample of these.
fn large_data(seed: u64, offset: f64, spread: f64) -> Vec<f64> {
    let mut rng = seeded(seed);
    (0..LARGE_N).map(|_| offset + spread * (rng.random::<f64>() - 0.5)).collect()
}

#[test]
fn large_samples_keep_mean_and_m2_whatever_their_offset() {
    // Centred (the shift is 0), slightly off centre (a mean far below the spread), offset by
    // a few spreads and by 10^9 spreads (the shift is a subsample's mean), negative.
    for (offset, spread) in [(0.0, 1.0), (1e-4, 2.0), (3.0, 1.0), (1e9, 0.3), (-250.0, 7.0)] {
        check_moments(&format!("{LARGE_N} values, offset {offset}, spread {spread}"), &{
            large_data(9, offset, spread)
        });
    }
}

#[test]
fn a_subsample_that_misleads_the_shift_still_gives_exact_moments() {
    // Every 293rd value (about what the shift's subsample looks at) is 10^9, the rest
    // −10^9 + u: the subsample's mean is far from the sample's, so the one-pass sums
    // cancel and a second pass about the mean takes over.
    let mut xs = large_data(10, -1e9, 1.0);
    for x in xs.iter_mut().step_by(293) {
        *x = 1e9;
    }
    check_moments("misleading subsample", &xs);
    // Outliers the subsample misses entirely, pulling the mean to about 0.
    let mut xs = large_data(11, 1e6, 1.0);
    xs[1] = -1e6 * (LARGE_N as f64 - 1.0);
    check_moments("missed outlier", &xs);
}

/// Mean and Σ (v − mean)² of ln x by libm's ln and the plain two-pass `Moments::of`: an
/// implementation independent of the sample's vectorised one-pass logarithms.
fn libm_ln_moments(xs: &[f64]) -> Moments {
    Moments::of(|| xs.iter().map(|x| x.ln()))
}

#[test]
fn logarithmic_statistics_match_libm_on_large_samples() {
    // (0, 1) data bring Σ ln(1 − x) too; data near 1 give ln x near 0 (the shift is 0); data
    // far from 1 give a shifted pass.
    for (offset, spread) in [(0.5, 0.9), (1.0, 0.02), (1e6, 1e3), (3e-5, 1e-5), (0.999, 1e-3)] {
        let xs = large_data(12, offset, spread);
        let sample = Sample::new(xs.clone());
        let want = libm_ln_moments(&xs);
        let got = sample.ln_x().expect("positive data");
        // vmath's ln is within 2 ulp of libm's, so the sums differ by up to about 2 ulp of
        // Σ |ln x|; m2 by as much of Σ (ln x)² relative to itself.
        let scale: f64 = xs.iter().map(|x| x.ln().abs()).sum::<f64>() / xs.len() as f64;
        assert!(
            (got.mean - want.mean).abs() <= 4.0 * f64::EPSILON * scale,
            "offset {offset}: mean ln x {} vs libm {}",
            got.mean,
            want.mean
        );
        let sq_scale: f64 = xs.iter().map(|x| x.ln() * x.ln()).sum();
        assert!(
            (got.m2 - want.m2).abs() <= 1e-14 * sq_scale + M2_REL_TOL * want.m2,
            "offset {offset}: m2 ln x {} vs libm {}",
            got.m2,
            want.m2
        );
        if offset + spread / 2.0 < 1.0 {
            let mut acc = Neumaier::new();
            for &x in &xs {
                acc.add((-x).ln_1p());
            }
            let l1m = sample.sum_ln_1mx().expect("data in (0, 1)");
            assert!(
                (l1m - acc.total()).abs() <= 1e-14 * acc.total().abs(),
                "offset {offset}: Σ ln(1 − x) {l1m} vs libm {}",
                acc.total()
            );
        } else {
            assert!(sample.sum_ln_1mx().is_none());
        }
    }
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
