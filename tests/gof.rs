//! Goodness of fit against independent answers: each continuous family's CDF against
//! statrs (both tails) and against its own density (dF/dx = q); the EDF statistics against
//! hand-computed values and against their defining integrals, evaluated here piece by piece;
//! χ²'s bins against the masses summed directly; the bootstrap's p-values uniform under the
//! null within binomial error, small for a wrong model, and the same on one thread as on two.

mod common;

use mlex::optim::fit::{Fit, StopReason, Stopping};
use mlex::optim::inference::Fitted;
use mlex::optim::inference::bootstrap::{
    Bootstrap, Gof, GofUndefined, Observed, goodness_of_fit, replicate_seed,
};
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::{Cdf, Family, FamilyKind, Shape};
use mlex::stats::goodness::{
    self, MIN_EXPECTED, NoChiSquared, NoStatistic, chi_squared, edf_statistics, plot_points,
};
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use statrs::distribution::{self as sd, ContinuousCDF, Discrete, DiscreteCDF};

/// F and 1 − F against statrs: relative to the tail itself, with a floor for statrs' own
/// 1 − F in the far upper tail.
const CDF_REL: f64 = 1e-9;
const CDF_ABS: f64 = 1e-14;
/// A central difference of F against the density (step 1e-5 relative: truncation near
/// 1e-10, rounding of F near 1e-16 / 1e-5).
const SLOPE_REL: f64 = 1e-6;
/// The EDF statistics against their integrals, summed here in another way.
const EDF_REL: f64 = 1e-12;
/// The Anderson–Darling integral by Simpson's rule on each piece after the substitution
/// that removes the endpoint singularities.
const AD_QUAD_REL: f64 = 1e-7;

fn family(kind: FamilyKind) -> Box<dyn Family> {
    kind.build(Shape::default())
}

/// The parameter sets of each continuous family, spread over shapes (heavy tails, skew,
/// U-shaped beta).
fn cases() -> Vec<(FamilyKind, Vec<f64>)> {
    let sets: &[(FamilyKind, &[f64])] = &[
        (FamilyKind::Normal, &[0.0, 1.0]),
        (FamilyKind::Normal, &[-2.5, 0.3]),
        (FamilyKind::Exponential, &[0.25]),
        (FamilyKind::Exponential, &[7.5]),
        (FamilyKind::Gamma, &[2.0, 1.5]),
        (FamilyKind::Gamma, &[0.5, 2.0]),
        (FamilyKind::LogNormal, &[0.0, 0.5]),
        (FamilyKind::LogNormal, &[-1.0, 1.2]),
        (FamilyKind::Weibull, &[1.5, 2.0]),
        (FamilyKind::Weibull, &[0.8, 1.0]),
        (FamilyKind::Laplace, &[0.0, 1.0]),
        (FamilyKind::Laplace, &[3.0, 0.5]),
        (FamilyKind::Cauchy, &[0.0, 1.0]),
        (FamilyKind::Cauchy, &[-5.0, 3.0]),
        (FamilyKind::StudentT, &[6.0, 0.0, 1.0]),
        (FamilyKind::StudentT, &[1.5, -1.0, 2.0]),
        (FamilyKind::Beta, &[2.0, 3.0]),
        (FamilyKind::Beta, &[0.5, 0.5]),
        (FamilyKind::NormalMixture, &[0.3, -2.0, 0.5, 1.0, 1.0]),
        (FamilyKind::NormalMixture, &[0.7, 0.0, 1.0, 4.0, 2.0]),
    ];
    let out: Vec<(FamilyKind, Vec<f64>)> = sets.iter().map(|(k, p)| (*k, p.to_vec())).collect();
    for kind in FamilyKind::ALL.into_iter().filter(|k| !k.is_discrete()) {
        assert!(out.iter().any(|(k, _)| *k == kind), "{kind} has a case");
    }
    out
}

/// statrs' (F, 1 − F), built here from the natural parameters in statrs' own orders.
fn statrs_tails(kind: FamilyKind, nat: &[f64], x: f64) -> (f64, f64) {
    fn both(d: &impl ContinuousCDF<f64, f64>, x: f64) -> (f64, f64) {
        (d.cdf(x), d.sf(x))
    }
    const OK: &str = "valid parameters";
    match kind {
        FamilyKind::Normal => both(&sd::Normal::new(nat[0], nat[1]).expect(OK), x),
        FamilyKind::Exponential => both(&sd::Exp::new(nat[0]).expect(OK), x),
        FamilyKind::Gamma => both(&sd::Gamma::new(nat[0], nat[1]).expect(OK), x),
        FamilyKind::LogNormal => both(&sd::LogNormal::new(nat[0], nat[1]).expect(OK), x),
        FamilyKind::Weibull => both(&sd::Weibull::new(nat[0], nat[1]).expect(OK), x),
        FamilyKind::Laplace => both(&sd::Laplace::new(nat[0], nat[1]).expect(OK), x),
        FamilyKind::Cauchy => both(&sd::Cauchy::new(nat[0], nat[1]).expect(OK), x),
        FamilyKind::StudentT => both(&sd::StudentsT::new(nat[1], nat[2], nat[0]).expect(OK), x),
        FamilyKind::Beta => both(&sd::Beta::new(nat[0], nat[1]).expect(OK), x),
        FamilyKind::NormalMixture => {
            let (a, b) = (
                both(&sd::Normal::new(nat[1], nat[2]).expect(OK), x),
                both(&sd::Normal::new(nat[3], nat[4]).expect(OK), x),
            );
            (nat[0] * a.0 + (1.0 - nat[0]) * b.0, nat[0] * a.1 + (1.0 - nat[0]) * b.1)
        }
        _ => panic!("{kind} is discrete"),
    }
}

/// Points across the distribution: its quantiles from 1e-6 to 1 − 1e-6.
fn points(f: &dyn Family, nat: &[f64]) -> Vec<f64> {
    [1e-6, 1e-3, 0.05, 0.3, 0.5, 0.7, 0.95]
        .iter()
        .map(|&u| f.quantile(nat, u))
        .chain([1e-3, 1e-6].iter().map(|&v| f.upper_quantile(nat, v)))
        .collect()
}

#[test]
fn cdfs_agree_with_statrs_and_with_their_densities() {
    for (kind, nat) in cases() {
        let f = family(kind);
        for x in points(f.as_ref(), &nat) {
            let c = f.cdf(&nat, x).expect("a continuous family has a CDF");
            let (lo, up) = statrs_tails(kind, &nat, x);
            assert!(
                (c.lower - lo).abs() <= CDF_REL * lo + CDF_ABS,
                "{kind} {nat:?} F({x}) = {} vs {lo}",
                c.lower
            );
            assert!(
                (c.upper - up).abs() <= CDF_REL * up + CDF_ABS,
                "{kind} {nat:?} S({x}) = {} vs {up}",
                c.upper
            );
            assert!((c.lower + c.upper - 1.0).abs() < 1e-14, "{kind}: the tails add to 1");
            // dF/dx = q(x): the CDF is the density's integral, not merely statrs' number.
            // A step relative to x on a half-line (a gamma's density blows up at 0), to the
            // nearer end on (0, 1), and at least 1e-8 on the line.
            let h = match kind {
                FamilyKind::Beta => 1e-5 * x.min(1.0 - x),
                FamilyKind::Exponential
                | FamilyKind::Gamma
                | FamilyKind::LogNormal
                | FamilyKind::Weibull => 1e-5 * x,
                // At laplace's cusp the difference is only first-order accurate: a small step.
                FamilyKind::Laplace => 1e-8 * x.abs().max(1.0),
                _ => 1e-5 * x.abs().max(1e-3),
            };
            // Next to 1 (beta's 1 − 1e-12 quantile) no step is both small and representable:
            // the deep-tail check below covers those points.
            if kind == FamilyKind::Beta && 1.0 - x < 1e-8 {
                continue;
            }
            // Divided by the step as represented: next to 1, x ± h round by an ulp of 1.
            let (below, above) = (x - h, x + h);
            let (a, b) = (f.cdf(&nat, below), f.cdf(&nat, above));
            let (Some(a), Some(b)) = (a, b) else { panic!("{kind}: a CDF on both sides") };
            // The smaller tail keeps its digits: difference that one.
            let slope = if c.lower < 0.5 {
                (b.lower - a.lower) / (above - below)
            } else {
                (a.upper - b.upper) / (above - below)
            };
            let q = f.ln_density(&nat, x).exp();
            assert!(
                (slope - q).abs() <= SLOPE_REL * q + 1e-12,
                "{kind} {nat:?} at {x}: F' = {slope}, q = {q}"
            );
        }
        // Deep tails: F at the 1e-12 quantile is 1e-12 and 1 − F at the upper one likewise,
        // so ln F and ln(1 − F) in Anderson–Darling keep their digits. (An arcsine's upper
        // 1e-12 quantile is 1 − 2.5e-24, which is 1 in f64: 1e-6 there, where x = 1 − 2.5e-12
        // itself is only known to 4e-5 relative in 1 − x.)
        let (v, tol) = if kind == FamilyKind::Beta { (1e-6, 1e-4) } else { (1e-12, 1e-6) };
        let lo = f.cdf(&nat, f.quantile(&nat, v)).expect("cdf").lower;
        let up = f.cdf(&nat, f.upper_quantile(&nat, v)).expect("cdf").upper;
        assert!((lo / v - 1.0).abs() < tol, "{kind} {nat:?}: F(q({v})) = {lo}");
        assert!((up / v - 1.0).abs() < tol, "{kind} {nat:?}: S(q(1 − {v})) = {up}");
    }
    for kind in FamilyKind::ALL.into_iter().filter(|k| k.is_discrete()) {
        assert!(family(kind).cdf(&[0.5], 0.0).is_none(), "{kind} has χ², not a CDF");
    }
}

fn uniform_tails(u: &[f64]) -> Vec<(f64, Cdf)> {
    u.iter().map(|&u| (u, Cdf::new(u, 1.0 - u))).collect()
}

#[test]
fn edf_statistics_of_a_small_sample_by_hand() {
    // u = (0.1, 0.4, 0.7): i/m − u = (0.2333, 0.2667, 0.3), u − (i−1)/m = (0.1, 0.0667,
    // 0.0333), so D = 0.3; W² = 1/36 + (0.1 − 1/6)² + (0.4 − 1/2)² + (0.7 − 5/6)² = 0.06.
    let e = edf_statistics(&uniform_tails(&[0.1, 0.4, 0.7]));
    assert!((e.ks - 0.3).abs() < 1e-15, "{e:?}");
    assert!((e.cramer_von_mises - 0.06).abs() < 1e-15, "{e:?}");
    // A² = −m − (1/m) Σ (2i − 1)[ln uᵢ + ln(1 − u₍ₘ₊₁₋ᵢ₎)], in the textbook pairing.
    let u = [0.1_f64, 0.4, 0.7];
    let pairs = 1.0 * (u[0].ln() + (1.0 - u[2]).ln())
        + 3.0 * (u[1].ln() + (1.0 - u[1]).ln())
        + 5.0 * (u[2].ln() + (1.0 - u[0]).ln());
    let a2 = -3.0 - pairs / 3.0;
    assert!((e.anderson_darling.expect("finite") - a2).abs() < 1e-14);
    // By hand: −3 + (3.506558 + 3 · 1.427116 + 5 · 0.462035)/3 = 0.366028.
    assert!((a2 - 0.366_028).abs() < 1e-6, "the hand value itself: {a2}");
    // One point at u: D = max(u, 1 − u), W² = 1/12 + (u − ½)², A² = −1 − ln u − ln(1 − u).
    let one = edf_statistics(&uniform_tails(&[0.2]));
    assert!((one.ks - 0.8).abs() < 1e-15);
    assert!((one.cramer_von_mises - (1.0 / 12.0 + 0.09)).abs() < 1e-15);
    assert!(
        (one.anderson_darling.expect("finite") - (-1.0 - 0.2_f64.ln() - 0.8_f64.ln())).abs()
            < 1e-15
    );
}

/// Simpson's rule with n (even) panels.
fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n).map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 }).sum();
    (f(a) + f(b) + inner) * h / 3.0
}

#[test]
fn edf_statistics_equal_their_defining_integrals() {
    // The definitions: D = sup |F_m − F|, W² = m ∫₀¹ (F_m(u) − u)² du and
    // A² = m ∫₀¹ (F_m(u) − u)² / (u(1 − u)) du, with F_m = i/m on [u₍ᵢ₎, u₍ᵢ₊₁₎).
    let f = family(FamilyKind::Gamma);
    let nat = [2.0, 1.0];
    let sample = Sample::new(f.sample(&[2.5, 1.2], 9, &mut seeded(4)));
    let tails = goodness::sorted_tails(f.as_ref(), &nat, &sample).expect("continuous");
    let e = edf_statistics(&tails);
    let m = tails.len();
    let mut knots = vec![0.0];
    knots.extend(tails.iter().map(|(_, c)| c.lower));
    knots.push(1.0);
    let (mut sup, mut w2, mut a2) = (0.0_f64, 0.0, 0.0);
    for i in 0..=m {
        let (a, b, level) = (knots[i], knots[i + 1], i as f64 / m as f64);
        // On a piece F_m is flat, so |F_m − u| is largest at an end.
        sup = sup.max((level - a).abs()).max((level - b).abs());
        // ∫ (c − u)² du = [(u − c)³/3] exactly.
        w2 += ((b - level).powi(3) - (a - level).powi(3)) / 3.0;
        // u = a + (b − a) sin²(t), t ∈ [0, π/2], takes the 1/u and 1/(1 − u) ends of the
        // first and last pieces to a smooth integrand.
        let g = |t: f64| {
            let (s, c) = (t.sin(), t.cos());
            let u = a + (b - a) * s * s;
            let du = 2.0 * (b - a) * s * c;
            if du == 0.0 || u * (1.0 - u) == 0.0 {
                0.0
            } else {
                (level - u).powi(2) / (u * (1.0 - u)) * du
            }
        };
        a2 += simpson(g, 0.0, std::f64::consts::FRAC_PI_2, 2000);
    }
    let mf = m as f64;
    assert!((e.ks - sup).abs() <= EDF_REL, "D {} vs {sup}", e.ks);
    assert!(
        (e.cramer_von_mises - mf * w2).abs() <= EDF_REL * mf * w2,
        "W² {} vs {}",
        e.cramer_von_mises,
        mf * w2
    );
    let ad = e.anderson_darling.expect("finite");
    assert!((ad - mf * a2).abs() <= AD_QUAD_REL * ad, "A² {ad} vs {}", mf * a2);
}

#[test]
fn a_point_the_model_cannot_reach_makes_anderson_darling_infinite() {
    // 40 standard deviations out, 1 − F is below the smallest f64.
    let f = family(FamilyKind::Normal);
    let sample = Sample::new(vec![-0.3, 0.1, 0.5, 40.0]);
    let e = goodness::edf(f.as_ref(), &[0.0, 1.0], &sample).expect("continuous");
    assert_eq!(e.anderson_darling, Err(NoStatistic::Infinite { value: 40.0 }));
    assert!(e.ks.is_finite() && e.cramer_von_mises.is_finite());
}

#[test]
fn chi_squared_bins_hold_the_masses_summed_directly() {
    let f = family(FamilyKind::Poisson);
    let sample = Sample::new(f.sample(&[3.2], 150, &mut seeded(8)));
    let lambda = sample.stats().x.mean;
    let chi = chi_squared(f.as_ref(), &[lambda], &sample).expect("enough data");
    let d = sd::Poisson::new(lambda).expect("valid");
    let m = sample.len() as f64;
    let mut next = 0.0;
    for (i, bin) in chi.bins.iter().enumerate() {
        assert_eq!(bin.from, next, "bins are contiguous from 0");
        assert!(bin.expected >= MIN_EXPECTED, "bin {i}: {bin:?}");
        let from = bin.from as u64;
        let (expected, observed) = if let Some(to) = bin.to {
            let to = to as u64;
            next = (to + 1) as f64;
            let mass: f64 = (from..=to).map(|k| d.pmf(k)).sum();
            let count =
                sample.values().iter().filter(|&&x| x >= bin.from && x <= to as f64).count();
            (m * mass, count)
        } else {
            assert_eq!(i, chi.bins.len() - 1, "only the last bin is open");
            let mass = if from == 0 { 1.0 } else { d.sf(from - 1) };
            (m * mass, sample.values().iter().filter(|&&x| x >= bin.from).count())
        };
        assert!(
            (bin.expected - expected).abs() < 1e-9 * expected,
            "bin {i}: {} vs {expected}",
            bin.expected
        );
        assert_eq!(bin.observed, observed as u64, "bin {i}");
    }
    assert!(chi.bins.last().expect("bins").to.is_none(), "poisson's support has no end");
    let statistic: f64 =
        chi.bins.iter().map(|b| (b.observed as f64 - b.expected).powi(2) / b.expected).sum();
    assert!((chi.statistic - statistic).abs() < 1e-12 * statistic.max(1.0));
    assert_eq!(chi.df(1), Some(chi.bins.len() - 2));
    // Binomial's support ends at n: the last bin is closed there.
    let b = FamilyKind::Binomial.build(Shape::fixed(4));
    let counts = Sample::new(b.sample(&[0.5], 200, &mut seeded(1)));
    let chi = chi_squared(b.as_ref(), &[0.5], &counts).expect("enough data");
    assert_eq!(chi.bins.last().expect("bins").to, Some(4.0));
    assert!((chi.bins.iter().map(|b| b.expected).sum::<f64>() - 200.0).abs() < 1e-9);
    // Six points cannot make two bins of 5.
    let few = Sample::new(vec![0.0, 1.0, 2.0, 3.0, 1.0, 2.0]);
    assert_eq!(chi_squared(f.as_ref(), &[1.5], &few), Err(NoChiSquared::OneBin));
}

#[test]
fn a_wide_support_is_binned_a_bin_at_a_time() {
    // A geometric with mean 10^6: a million values in its bulk, bins of expected 5.
    let f = family(FamilyKind::Geometric);
    let sample = Sample::new(f.sample(&[1e-6], 1000, &mut seeded(3)));
    let p = 1.0 / sample.stats().x.mean;
    let clock = std::time::Instant::now();
    let chi = chi_squared(f.as_ref(), &[p], &sample).expect("enough data");
    assert!(clock.elapsed().as_secs_f64() < 0.5, "binned in {:?}", clock.elapsed());
    // Each bin a hair over 5 (whole values), the remainder joining the last: 199.
    assert_eq!(chi.bins.len(), 199);
    assert_eq!(chi.bins[0].from, 1.0);
    for w in chi.bins.windows(2) {
        assert_eq!(w[0].to.map(|t| t + 1.0), Some(w[1].from), "contiguous");
    }
    // Each closed bin's mass against (1 − p)^(from − 1) − (1 − p)^to, the geometric's own
    // closed form, summed here.
    let q = 1.0 - p;
    for b in &chi.bins[..chi.bins.len() - 1] {
        let to = b.to.expect("closed");
        let mass = q.powf(b.from - 1.0) - q.powf(to);
        assert!((b.expected - 1000.0 * mass).abs() < 1e-8 * b.expected, "{b:?}");
        assert!(b.expected >= MIN_EXPECTED);
    }
    assert!((chi.bins.iter().map(|b| b.expected).sum::<f64>() - 1000.0).abs() < 1e-8);
    assert_eq!(chi.bins.iter().map(|b| b.observed).sum::<u64>(), 1000);
}

/// Fits `family` to `sample` by Newton from its start, then the goodness of fit.
fn gof_of(
    family: &dyn Family,
    sample: &Sample,
    bootstrap: Bootstrap,
    stopping: &Stopping,
) -> Result<Gof, GofUndefined> {
    let model = Objective { family, sample };
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let mut fit = Fit::new(&model, &family.start(sample), settings);
    let reason = fit.run(&model, stopping);
    let fitted = Fitted { point: fit.current(), reason, kinked: fit.kinked() };
    goodness_of_fit(family, sample, &fitted, bootstrap)
}

fn p_values(g: &Gof) -> Vec<f64> {
    g.p_values.iter().map(|p| p.clone().expect("a p-value")).collect()
}

#[test]
fn bootstrap_p_values_are_uniform_under_the_null() {
    // 120 gamma samples of 25 points, each with B = 39 refits: under the null each p-value
    // is uniform on {1/40, …, 1}, so P(p ≤ 0.1) = 4/40 and P(p ≤ 0.5) = 20/40. The counts
    // are binomial(120, ·); accept within 3.5 standard deviations (a false alarm about once
    // in 2000 seeds; this seed is fixed).
    let f = family(FamilyKind::Gamma);
    let (datasets, b) = (120, 39);
    let mut low = [0usize; 3];
    let mut half = [0usize; 3];
    for d in 0..datasets {
        let sample = Sample::new(f.sample(&[2.0, 1.0], 25, &mut seeded(1000 + d)));
        let g =
            gof_of(f.as_ref(), &sample, Bootstrap { replicates: b, seed: d }, &Stopping::default())
                .expect("a fit");
        for (j, p) in p_values(&g).into_iter().enumerate() {
            low[j] += usize::from(p <= 0.1 + 1e-12);
            half[j] += usize::from(p <= 0.5 + 1e-12);
        }
    }
    let n = datasets as f64;
    for (q, counts) in [(0.1, low), (0.5, half)] {
        let (mean, sd) = (n * q, (n * q * (1.0 - q)).sqrt());
        for (j, c) in counts.iter().enumerate() {
            assert!(
                (*c as f64 - mean).abs() <= 3.5 * sd,
                "statistic {j}: {c} of {datasets} p-values ≤ {q}, expected {mean} ± {sd:.1}"
            );
        }
    }
}

#[test]
fn a_wrong_model_gets_a_small_p_value() {
    // Lognormal data with sigma 0.4 (a coefficient of variation of 0.42, against the
    // exponential's 1) under an exponential model: all three statistics are at the top of
    // the 99 refits, p = 1/100.
    let f = family(FamilyKind::Exponential);
    let xs = family(FamilyKind::LogNormal).sample(&[0.0, 0.4], 300, &mut seeded(6));
    let g = gof_of(
        f.as_ref(),
        &Sample::new(xs),
        Bootstrap { replicates: 99, seed: 3 },
        &Stopping::default(),
    )
    .expect("a fit");
    for p in p_values(&g) {
        assert!(p <= 0.02, "p = {p}");
    }
    assert_eq!(g.bootstrap.map(|r| r.refitted), Some(99));
    // A poisson model of overdispersed counts (a geometric's): χ²'s p-value is small too.
    let counts = family(FamilyKind::Geometric).sample(&[0.2], 300, &mut seeded(2));
    let shifted = Sample::new(counts.iter().map(|x| x - 1.0).collect());
    let g = gof_of(
        family(FamilyKind::Poisson).as_ref(),
        &shifted,
        Bootstrap { replicates: 99, seed: 3 },
        &Stopping::default(),
    )
    .expect("a fit");
    assert!(matches!(g.observed, Observed::Discrete { .. }));
    assert!(p_values(&g)[0] <= 0.02);
}

#[test]
fn the_bootstrap_does_not_depend_on_the_thread_count() {
    let f = family(FamilyKind::Weibull);
    let sample = Sample::new(f.sample(&[1.5, 2.0], 200, &mut seeded(12)));
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| {
            gof_of(
                f.as_ref(),
                &sample,
                Bootstrap { replicates: 64, seed: 77 },
                &Stopping::default(),
            )
        })
    };
    let (one, two) = (run(1).expect("a fit"), run(2).expect("a fit"));
    assert_eq!(one, two);
    // A different seed gives other replicates (the p-values move), and seeds differ by index.
    let other =
        gof_of(f.as_ref(), &sample, Bootstrap { replicates: 64, seed: 78 }, &Stopping::default())
            .expect("a fit");
    assert_ne!(one.p_values, other.p_values);
    assert_ne!(replicate_seed(77, 0), replicate_seed(77, 1));
    assert_ne!(replicate_seed(77, 0), replicate_seed(78, 0));
}

#[test]
fn without_a_bootstrap_or_a_maximum_the_reasons_are_typed() {
    let f = family(FamilyKind::Normal);
    let sample = Sample::new(f.sample(&[0.0, 1.0], 50, &mut seeded(1)));
    let g = gof_of(f.as_ref(), &sample, Bootstrap::default(), &Stopping::default()).expect("a fit");
    assert!(g.p_values.iter().all(|p| *p == Err(GofUndefined::NoBootstrap)));
    assert!(g.bootstrap.is_none());
    // One step of a gamma fit from its moment start is not a maximum.
    let gamma = family(FamilyKind::Gamma);
    let xs = Sample::new(gamma.sample(&[0.4, 1.0], 50, &mut seeded(1)));
    let stop = Stopping { max_steps: 1, ..Stopping::default() };
    match gof_of(gamma.as_ref(), &xs, Bootstrap::default(), &stop) {
        Err(GofUndefined::Fit(mlex::optim::inference::Undefined::NotConverged(
            StopReason::StepLimit,
        ))) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn qq_and_pp_points() {
    let f = family(FamilyKind::Gamma);
    let nat = [2.0, 1.5];
    let sample = Sample::new(f.sample(&nat, 1000, &mut seeded(5)));
    let pts = plot_points(f.as_ref(), &nat, &sample, 101).expect("continuous");
    assert_eq!(pts.len(), 101);
    let mut sorted = sample.values().to_vec();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(pts[0].sample, sorted[0]);
    assert_eq!(pts[100].sample, sorted[999]);
    assert!((pts[0].position - 0.5 / 1000.0).abs() < 1e-15);
    for p in &pts {
        let back = f.cdf(&nat, p.model_quantile).expect("cdf").lower;
        assert!((back - p.position).abs() < 1e-9 * p.position.max(1e-3), "{p:?}");
        assert_eq!(p.model_probability, f.cdf(&nat, p.sample).expect("cdf").lower);
    }
    assert!(pts.windows(2).all(|w| w[0].sample <= w[1].sample && w[0].position < w[1].position));
    assert!(plot_points(family(FamilyKind::Poisson).as_ref(), &[2.0], &sample, 10).is_none());
}

fn mlex(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(args)
        .output()
        .expect("run mlex");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_command_line_gives_gof_with_its_reasons() {
    let (code, v, err) = mlex(&[
        "fit",
        "tests/data/small.txt",
        "-m",
        "gamma",
        "-f",
        "json",
        "--bootstrap",
        "99",
        "--seed",
        "4",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let gof = &v["inference"]["gof"];
    assert_eq!(gof["type"], "continuous");
    assert_eq!(gof["bootstrap"]["replicates"], 99);
    assert_eq!(gof["bootstrap"]["seed"], 4);
    for name in ["ks", "cramer_von_mises", "anderson_darling"] {
        let p = gof["p_values"][name].as_f64().expect("a p-value");
        assert!(
            p > 0.0 && p <= 1.0 && (p * 100.0 - (p * 100.0).round()).abs() < 1e-9,
            "{name}: {p} is k/100"
        );
        assert!(gof["statistics"][name].as_f64().is_some());
    }
    // Without a bootstrap: statistics, and each p-value null with its reason.
    let (_, v, _) = mlex(&["run", "-s", "poisson-counts", "-f", "json"]);
    let inf = &v["inference"];
    assert_eq!(inf["gof"]["type"], "discrete");
    assert!(inf["gof"]["statistics"]["chi_squared"].as_f64().is_some());
    let bins = inf["gof"]["bins"].as_array().expect("bins");
    assert!(bins.len() >= 2 && bins[0]["from"] == 0, "{bins:?}");
    assert_eq!(inf["gof"]["df"], bins.len() as u64 - 2);
    assert!(bins.last().is_some_and(|b| b["to"].is_null()));
    assert_eq!(inf["undefined"]["gof.bins.to"]["why"], "open");
    assert_eq!(inf["undefined"]["gof.p_values.chi_squared"]["why"], "no_bootstrap");
    let (_, v, _) = mlex(&["fit", "tests/data/small.txt", "-m", "normal", "-f", "json"]);
    assert!(v["inference"]["gof"]["p_values"]["ks"].is_null());
    assert_eq!(v["inference"]["undefined"]["gof.p_values.ks"]["why"], "no_bootstrap");
    // Bad flags: status 2 with the flag named.
    let (code, _, err) =
        mlex(&["fit", "tests/data/small.txt", "-m", "gamma", "--bootstrap", "1000001"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--bootstrap"), "{err}");
    let (code, _, _) =
        mlex(&["fit", "tests/data/small.txt", "-m", "gamma", "--bootstrap", "9", "--no-inference"]);
    assert_eq!(code, Some(2));
}
