//! Inference against independent answers: standard errors against closed forms and against
//! a finite-difference Hessian of ℓ computed here in the natural parameters; profile
//! intervals against a brute-force scan of the profile likelihood (the inner maximum by
//! golden-section search, not Newton); AIC and BIC by hand; the sandwich against the naive
//! covariance with a well-specified and a misspecified model; and the typed reasons where a
//! quantity has no value (a flat direction, the boundary, a kink, a fit short of a maximum).

use mlex::optim::fit::{Fit, StopReason, Stopping};
use mlex::optim::inference::{Fitted, Inference, Level, Undefined, infer};
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::{Family, FamilyKind, Limit, Shape};
use mlex::stats::model::Model;
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;

/// Standard errors from the Hessian by differences of the analytic score agree with closed
/// forms to this (relative).
const SE_REL: f64 = 1e-6;
/// Covariances against the test's own second differences of ℓ (step 1e-4 relative, so
/// truncation near 1e-8 and rounding of ℓ near 1e-16 |ℓ| / 1e-8).
const FD_REL: f64 = 1e-5;
/// A profile end against the grid scan, relative to the half-width.
const PROFILE_REL: f64 = 1e-6;

fn newton() -> Settings {
    Settings { kind: OptimizerKind::Newton, ..Settings::default() }
}

/// A family with its sample.
struct Case {
    family: Box<dyn Family>,
    sample: Sample,
}

impl Case {
    fn sampled(kind: FamilyKind, shape: Shape, truth: &[f64], m: usize, seed: u64) -> Self {
        let family = kind.build(shape);
        let sample = Sample::new(family.sample(truth, m, &mut seeded(seed)));
        Self { family, sample }
    }

    fn model(&self) -> Objective<'_> {
        Objective { family: self.family.as_ref(), sample: &self.sample }
    }

    /// Fits by Newton from the family's start and infers at 95 %.
    fn infer(&self) -> (Inference, StopReason, Vec<f64>) {
        self.infer_with(Level::DEFAULT, &Stopping::default())
    }

    fn infer_with(&self, level: Level, stopping: &Stopping) -> (Inference, StopReason, Vec<f64>) {
        let model = self.model();
        let mut fit = Fit::new(&model, &self.family.start(&self.sample), newton());
        let reason = fit.run(&model, stopping);
        let fitted = Fitted { point: fit.current(), reason, kinked: fit.kinked() };
        (infer(&model, &fitted, level, true), reason, fit.current().natural.clone())
    }
}

fn ok<T: std::fmt::Debug>(r: &Result<T, Undefined>) -> &T {
    r.as_ref().unwrap_or_else(|e| panic!("undefined: {e:?}"))
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn standard_errors_match_the_closed_forms() {
    // (family, shape, truth, closed-form SEs of the MLE θ̂ at m points)
    type Closed = fn(&[f64], f64) -> Vec<f64>;
    let cases: [(FamilyKind, Shape, &[f64], Closed); 6] = [
        (FamilyKind::Normal, Shape(None), &[2.0, 1.5], |t, m| {
            vec![t[1] / m.sqrt(), t[1] / (2.0 * m).sqrt()]
        }),
        (FamilyKind::Exponential, Shape(None), &[0.7], |t, m| vec![t[0] / m.sqrt()]),
        (FamilyKind::Poisson, Shape(None), &[3.2], |t, m| vec![(t[0] / m).sqrt()]),
        (FamilyKind::Bernoulli, Shape(None), &[0.3], |t, m| vec![(t[0] * (1.0 - t[0]) / m).sqrt()]),
        (FamilyKind::Binomial, Shape::fixed(12), &[0.4], |t, m| {
            vec![(t[0] * (1.0 - t[0]) / (12.0 * m)).sqrt()]
        }),
        (FamilyKind::Geometric, Shape(None), &[0.25], |t, m| {
            vec![t[0] * (1.0 - t[0]).sqrt() / m.sqrt()]
        }),
    ];
    for (kind, shape, truth, closed) in cases {
        let case = Case::sampled(kind, shape, truth, 2000, 11);
        let (inf, reason, hat) = case.infer();
        assert!(reason.converged(), "{kind}: {reason:?}");
        let want = closed(&hat, 2000.0);
        for (i, se) in inf.se().iter().enumerate() {
            let se = *ok(se);
            assert!(rel(se, want[i]) < SE_REL, "{kind} {}: {se} vs {}", inf.names[i], want[i]);
        }
    }
}

#[test]
fn a_categorical_covariance_is_the_multinomial_one_with_the_constraint() {
    let case =
        Case::sampled(FamilyKind::Categorical, Shape::fixed(4), &[0.1, 0.2, 0.3, 0.4], 3000, 5);
    let (inf, _, p) = case.infer();
    let cov = ok(&inf.naive);
    for i in 0..4 {
        let row: f64 = (0..4).map(|j| cov.matrix[i][j].expect("entry")).sum();
        // The rows sum to 0: Σ p = 1 leaves no variance to the sum.
        assert!(row.abs() < 1e-12, "row {i} sums to {row}");
        for j in 0..4 {
            let delta = f64::from(u8::from(i == j));
            let want = (p[i] * delta - p[i] * p[j]) / 3000.0;
            let got = cov.matrix[i][j].expect("entry");
            assert!((got - want).abs() < SE_REL * 1e-4, "{i}{j}: {got} vs {want}");
        }
    }
    // The same holds for the sandwich: a categorical cannot be misspecified.
    let sw = ok(&inf.sandwich);
    assert!((sw.matrix[0][0].expect("entry") - cov.matrix[0][0].expect("entry")).abs() < 1e-12);
    // A probability of a simplex is not one free coordinate.
    let profile = inf.profile.expect("asked for");
    assert!(matches!(profile[0], Err(Undefined::NotOneCoordinate { .. })), "{:?}", profile[0]);
}

/// The covariance of θ̂ from second differences of ℓ in natural parameters, here, with the
/// family's own ln_density summed point by point.
fn covariance_by_differences(case: &Case, hat: &[f64]) -> [[f64; 2]; 2] {
    let ll = |t: &[f64]| -> f64 {
        case.sample.values().iter().map(|&x| case.family.ln_density(t, x)).sum()
    };
    let h = [1e-4 * hat[0], 1e-4 * hat[1]];
    let at = |di: f64, dj: f64| ll(&[hat[0] + di * h[0], hat[1] + dj * h[1]]);
    let d00 = (at(1.0, 0.0) - 2.0 * at(0.0, 0.0) + at(-1.0, 0.0)) / (h[0] * h[0]);
    let d11 = (at(0.0, 1.0) - 2.0 * at(0.0, 0.0) + at(0.0, -1.0)) / (h[1] * h[1]);
    let d01 = (at(1.0, 1.0) - at(1.0, -1.0) - at(-1.0, 1.0) + at(-1.0, -1.0)) / (4.0 * h[0] * h[1]);
    // Σ = (−H)⁻¹ for a 2×2.
    let (a, b, c) = (-d00, -d01, -d11);
    let det = a * c - b * b;
    [[c / det, -b / det], [-b / det, a / det]]
}

#[test]
fn correlated_estimates_match_an_independent_hessian() {
    for (kind, truth) in [(FamilyKind::Gamma, [4.0, 2.0]), (FamilyKind::Weibull, [1.7, 3.0])] {
        let case = Case::sampled(kind, Shape(None), &truth, 1500, 3);
        let (inf, reason, hat) = case.infer();
        assert!(reason.converged());
        let want = covariance_by_differences(&case, &hat);
        let cov = ok(&inf.naive);
        for i in 0..2 {
            for j in 0..2 {
                let got = cov.matrix[i][j].expect("entry");
                let scale = (want[i][i] * want[j][j]).sqrt();
                assert!(
                    (got - want[i][j]).abs() < FD_REL * scale,
                    "{kind} {i}{j}: {got} vs {}",
                    want[i][j]
                );
            }
        }
        let rho = cov.correlation()[0][1].expect("entry");
        let want_rho = want[0][1] / (want[0][0] * want[1][1]).sqrt();
        assert!((rho - want_rho).abs() < FD_REL, "{kind}: ρ {rho} vs {want_rho}");
        if kind == FamilyKind::Gamma {
            // The diagonal alone would understate the shape's SE by √(1/(1−ρ²)).
            assert!(rho > 0.9, "gamma's shape and rate correlate: {rho}");
        }
    }
}

#[test]
fn every_smooth_family_gives_a_symmetric_positive_semidefinite_covariance() {
    for kind in FamilyKind::ALL {
        if matches!(kind, FamilyKind::NormalMixture | FamilyKind::Laplace) {
            continue;
        }
        let (shape, truth) = kind.default_truth();
        let case = Case::sampled(kind, shape, &truth, 800, 21);
        let (inf, reason, _) = case.infer();
        if !reason.converged() {
            // A t on a sample that looks normal runs to df → ∞: covered below.
            continue;
        }
        for cov in [ok(&inf.naive), ok(&inf.sandwich)] {
            let n = cov.matrix.len();
            let full: Vec<Vec<f64>> = (0..n)
                .map(|i| (0..n).map(|j| cov.matrix[i][j].expect("entry")).collect())
                .collect();
            let scale = (0..n).map(|i| full[i][i]).fold(0.0, f64::max);
            for (i, row) in full.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    assert_eq!(*v, full[j][i], "{kind} asymmetric");
                }
            }
            let (values, _) = mlex::optim::linalg::symmetric_eigen(&full);
            assert!(values[0] >= -1e-10 * scale, "{kind}: eigenvalue {}", values[0]);
        }
        assert!(
            inf.se().iter().all(|s| s.as_ref().is_ok_and(|v| v.is_finite() && *v > 0.0)),
            "{kind}"
        );
    }
}

/// Where ℓ_p crosses the cutoff on one side, by scanning a fine grid from θ̂ outwards and
/// interpolating linearly in the last cell, then bisecting that cell.
fn scan(profile: impl Fn(f64) -> f64, hat: f64, cutoff: f64, towards: f64) -> f64 {
    let steps = 20_000;
    let mut prev = hat;
    for k in 1..=steps {
        let t = hat + (towards - hat) * f64::from(k) / f64::from(steps);
        if profile(t) < cutoff {
            let (mut a, mut b) = (prev, t);
            for _ in 0..100 {
                let c = 0.5 * (a + b);
                if profile(c) >= cutoff { a = c } else { b = c }
            }
            return 0.5 * (a + b);
        }
        prev = t;
    }
    panic!("no crossing between {hat} and {towards}");
}

/// The maximum of a unimodal f on [lo, hi] by golden-section search.
fn golden(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let r = 0.5 * (5.0_f64.sqrt() - 1.0);
    for _ in 0..200 {
        let (c, d) = (hi - r * (hi - lo), lo + r * (hi - lo));
        if f(c) > f(d) { hi = d } else { lo = c }
    }
    f(0.5 * (lo + hi))
}

#[test]
fn profile_intervals_match_a_brute_force_scan() {
    let q = Level::DEFAULT.chi_squared();
    assert!((q - 3.841_458_820_694_124).abs() < 1e-9, "χ²₁ quantile {q}");

    // Exponential rate on a small sample, where the profile is visibly skewed.
    let case = Case::sampled(FamilyKind::Exponential, Shape(None), &[2.0], 12, 9);
    let (inf, _, hat) = case.infer();
    let model = case.model();
    let ll_hat = model.log_likelihood(&hat);
    let profile = |t: f64| model.log_likelihood(&[t]);
    let cutoff = ll_hat - 0.5 * q;
    let interval = ok(&inf.profile.as_ref().expect("asked for")[0]);
    let (lower, upper) = (*ok(&interval.lower), *ok(&interval.upper));
    let want_lower = scan(profile, hat[0], cutoff, hat[0] * 1e-3);
    let want_upper = scan(profile, hat[0], cutoff, hat[0] * 10.0);
    assert!(
        (lower - want_lower).abs() < PROFILE_REL * (hat[0] - want_lower),
        "{lower} vs {want_lower}"
    );
    assert!(
        (upper - want_upper).abs() < PROFILE_REL * (want_upper - hat[0]),
        "{upper} vs {want_upper}"
    );
    // Skewed: the upper end is farther from θ̂ than the lower, unlike Wald's.
    assert!(upper - hat[0] > 1.2 * (hat[0] - lower));

    // Gamma's shape, the rate maximised out by golden section at each shape.
    let case = Case::sampled(FamilyKind::Gamma, Shape(None), &[3.0, 1.5], 40, 4);
    let (inf, _, hat) = case.infer();
    let model = case.model();
    let ll_hat = model.log_likelihood(&hat);
    let profile = |shape: f64| golden(|rate| model.log_likelihood(&[shape, rate]), 1e-3, 50.0);
    let cutoff = ll_hat - 0.5 * q;
    let interval = ok(&inf.profile.as_ref().expect("asked for")[0]);
    let (lower, upper) = (*ok(&interval.lower), *ok(&interval.upper));
    let want_lower = scan(profile, hat[0], cutoff, hat[0] * 0.1);
    let want_upper = scan(profile, hat[0], cutoff, hat[0] * 5.0);
    assert!((lower - want_lower).abs() < 1e-5 * (hat[0] - want_lower), "{lower} vs {want_lower}");
    assert!((upper - want_upper).abs() < 1e-5 * (want_upper - hat[0]), "{upper} vs {want_upper}");
}

#[test]
fn wald_and_profile_agree_for_a_large_sample() {
    let case = Case::sampled(FamilyKind::Normal, Shape(None), &[1.0, 2.0], 100_000, 8);
    let (inf, _, hat) = case.infer();
    let profile = inf.profile.as_ref().expect("asked for");
    for i in 0..2 {
        let (lo, hi) = *ok(&inf.wald[i]);
        let p = ok(&profile[i]);
        let half = 0.5 * (hi - lo);
        assert!(
            (*ok(&p.lower) - lo).abs() < 5e-3 * half,
            "{}: {:?} vs {lo}",
            inf.names[i],
            p.lower
        );
        assert!(
            (*ok(&p.upper) - hi).abs() < 5e-3 * half,
            "{}: {:?} vs {hi}",
            inf.names[i],
            p.upper
        );
        assert!(lo < hat[i] && hat[i] < hi);
    }
}

#[test]
fn criteria_match_the_formulas_by_hand() {
    let case = Case::sampled(FamilyKind::Gamma, Shape(None), &[2.0, 1.0], 50, 1);
    let (inf, _, hat) = case.infer();
    let ll = case.model().log_likelihood(&hat);
    let c = &inf.criteria;
    assert_eq!(c.parameters, 2);
    assert!((ok(&c.aic) - (4.0 - 2.0 * ll)).abs() < 1e-9);
    assert!((ok(&c.aicc) - (4.0 - 2.0 * ll + 12.0 / 47.0)).abs() < 1e-9);
    assert!((ok(&c.bic) - (2.0 * 50f64.ln() - 2.0 * ll)).abs() < 1e-9);

    // m ≤ k + 1: AICc's correction divides by m − k − 1 ≤ 0.
    let case = Case {
        family: FamilyKind::Normal.build(Shape(None)),
        sample: Sample::new(vec![0.5, 1.0, 2.5]),
    };
    let (inf, _, _) = case.infer();
    assert_eq!(inf.criteria.aicc, Err(Undefined::TooFewPoints { points: 3, parameters: 2 }));
    assert!(inf.criteria.aic.is_ok());
}

#[test]
fn the_sandwich_equals_the_naive_covariance_only_when_the_model_holds() {
    // Well specified: J ≈ I, so the two agree to sampling error (√(2/m) relative, about 0.6 %).
    let case = Case::sampled(FamilyKind::Exponential, Shape(None), &[1.5], 50_000, 2);
    let (inf, _, _) = case.infer();
    let ratio = ok(&inf.sandwich_se()[0]) / ok(&inf.se()[0]);
    assert!((ratio - 1.0).abs() < 0.02, "well specified: {ratio}");

    // An exponential on lognormal(0, 1) data: the sandwich SE of the rate is the naive one
    // times the coefficient of variation, √(e − 1) ≈ 1.31.
    let truth = FamilyKind::LogNormal.build(Shape(None));
    let values = truth.sample(&[0.0, 1.0], 200_000, &mut seeded(6));
    let case =
        Case { family: FamilyKind::Exponential.build(Shape(None)), sample: Sample::new(values) };
    let (inf, _, _) = case.infer();
    let ratio = ok(&inf.sandwich_se()[0]) / ok(&inf.se()[0]);
    let cv = (std::f64::consts::E - 1.0).sqrt();
    assert!((ratio - cv).abs() < 0.05 * cv, "misspecified: {ratio} vs {cv}");
}

#[test]
fn a_kink_has_no_wald_error_but_the_smooth_parameter_does() {
    // An odd sample: the laplace MLE's loc is the median, a data point, where ℓ kinks.
    let case = Case::sampled(FamilyKind::Laplace, Shape(None), &[0.0, 2.0], 1001, 13);
    let (inf, reason, hat) = case.infer();
    assert!(reason.converged(), "{reason:?}");
    let se = inf.se();
    assert!(
        matches!(&se[0], Err(Undefined::Kink { parameter }) if parameter == "loc"),
        "{:?}",
        se[0]
    );
    assert!(matches!(inf.wald[0], Err(Undefined::Kink { .. })));
    // The scale's information m/b² gives b̂/√m.
    assert!(rel(*ok(&se[1]), hat[1] / 1001f64.sqrt()) < SE_REL, "{:?}", se[1]);
    // The likelihood-ratio interval needs no derivative: it exists, around the median.
    let p = ok(&inf.profile.as_ref().expect("asked for")[0]);
    let (lo, hi) = (*ok(&p.lower), *ok(&p.upper));
    assert!(lo < hat[0] && hat[0] < hi && hi - lo < 1.0, "{lo} {hi}");
}

#[test]
fn a_fit_at_the_boundary_or_short_of_a_maximum_gives_reasons_not_numbers() {
    // A categorical with a category the data never show: its p → 0.
    let counts = [156_usize, 355, 0, 489];
    let xs: Vec<f64> =
        counts.iter().enumerate().flat_map(|(j, n)| std::iter::repeat_n(j as f64, *n)).collect();
    let case =
        Case { family: FamilyKind::Categorical.build(Shape::fixed(4)), sample: Sample::new(xs) };
    let (inf, reason, _) = case.infer();
    assert!(matches!(reason, StopReason::Boundary { .. }), "{reason:?}");
    let Err(Undefined::Boundary(Limit { parameter, value, .. })) = &inf.naive else {
        panic!("{:?}", inf.naive)
    };
    assert_eq!((parameter.as_str(), *value), ("p[2]", 0.0));
    assert!(inf.se().iter().all(|s| matches!(s, Err(Undefined::Boundary(_)))));
    assert!(
        inf.profile
            .as_ref()
            .expect("asked for")
            .iter()
            .all(|s| matches!(s, Err(Undefined::Boundary(_))))
    );
    // ℓ is at its supremum to within the tolerance: the criteria stand.
    assert!(inf.criteria.aic.is_ok());

    // One Newton step from the moment start is not a maximum.
    let case = Case::sampled(FamilyKind::Gamma, Shape(None), &[2.0, 1.0], 100, 1);
    let (inf, reason, _) =
        case.infer_with(Level::DEFAULT, &Stopping { max_steps: 1, tolerance: 1e-10 });
    assert_eq!(reason, StopReason::StepLimit);
    assert_eq!(inf.naive, Err(Undefined::NotConverged(StopReason::StepLimit)));
    assert_eq!(inf.criteria.aic, Err(Undefined::NotConverged(StopReason::StepLimit)));
}

/// ℓ(a, b) = −m (a + b − 1)² − m b²·`curl`: with `curl` 0 only a + b is identified.
struct Ridge {
    curl: f64,
}

impl Model for Ridge {
    fn dim(&self) -> usize {
        2
    }
    fn points(&self) -> usize {
        10
    }
    fn param_names(&self) -> Vec<String> {
        vec!["a".into(), "b".into()]
    }
    fn to_free(&self, natural: &[f64]) -> Vec<f64> {
        natural.to_vec()
    }
    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        free.to_vec()
    }
    fn admits(&self, natural: &[f64]) -> bool {
        natural.iter().all(|v| v.is_finite())
    }
    fn log_likelihood(&self, t: &[f64]) -> f64 {
        -10.0 * (t[0] + t[1] - 1.0).powi(2) - 10.0 * self.curl * t[1] * t[1]
    }
    fn value_and_gradient(&self, t: &[f64], g: &mut [f64]) -> f64 {
        let r = t[0] + t[1] - 1.0;
        g[0] = -20.0 * r;
        g[1] = -20.0 * r - 20.0 * self.curl * t[1];
        self.log_likelihood(t)
    }
    fn ln_points(&self, t: &[f64], _first: usize, out: &mut [f64]) {
        out.fill(self.log_likelihood(t) / 10.0);
    }
    fn boundary_limit(&self, _free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        let value = if increasing { f64::INFINITY } else { f64::NEG_INFINITY };
        Limit { parameter: self.param_names()[coordinate].clone(), value, meaning: None }
    }
}

#[test]
fn a_singular_or_indefinite_information_names_its_direction() {
    for (curl, upward) in [(0.0, false), (-0.5, true)] {
        let model = Ridge { curl };
        let point = model.eval(&[0.5, 0.5]);
        let fitted = Fitted {
            point: &point,
            reason: StopReason::GradientTolerance,
            kinked: &[false, false],
        };
        let inf = infer(&model, &fitted, Level::DEFAULT, false);
        let Err(Undefined::Singular(flat)) = &inf.naive else { panic!("{:?}", inf.naive) };
        // The flat direction is a − b (largest component ±1).
        if !upward {
            assert!((flat.direction[0] + flat.direction[1]).abs() < 1e-9, "{flat:?}");
        }
        assert_eq!(flat.curvature < 0.0, upward, "{flat:?}");
        assert!(inf.se().iter().all(|s| matches!(s, Err(Undefined::Singular(_)))));
        assert!(inf.wald.iter().all(Result::is_err));
        assert!(inf.profile.is_none());
    }
}

#[test]
fn an_interval_open_at_the_edge_says_so() {
    // A t with a large but finite df estimate: ℓ_p(df) levels off towards the normal's ℓ,
    // which lies above the cutoff, so the upper end of df is open at ∞.
    let mut seen = false;
    for seed in 0..20 {
        let case = Case::sampled(FamilyKind::StudentT, Shape(None), &[12.0, 0.0, 1.0], 300, seed);
        let (inf, reason, hat) = case.infer();
        if !reason.converged() {
            continue;
        }
        let normal = FamilyKind::Normal.build(Shape(None));
        let normal_ll = Objective { family: normal.as_ref(), sample: &case.sample }
            .log_likelihood(&normal.closed_form_mle(&case.sample).expect("closed form"));
        let cutoff = case.model().log_likelihood(&hat) - 0.5 * Level::DEFAULT.chi_squared();
        let p = ok(&inf.profile.as_ref().expect("asked for")[0]);
        assert!(p.lower.is_ok(), "seed {seed}: {:?}", p.lower);
        if normal_ll > cutoff + 1e-3 {
            let Err(Undefined::Open { parameter, edge, meaning }) = &p.upper else {
                panic!("seed {seed}: {:?}", p.upper)
            };
            assert_eq!((parameter.as_str(), *edge), ("df", f64::INFINITY));
            assert!(meaning.is_some_and(|m| m.contains("normal")), "{meaning:?}");
            seen = true;
        } else if normal_ll < cutoff - 1e-3 {
            assert!(p.upper.is_ok(), "seed {seed}: {:?}", p.upper);
        }
    }
    assert!(seen, "no seed gave an open side");
}

#[test]
fn a_level_outside_zero_to_one_is_refused() {
    for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(Level::new(bad).is_err(), "{bad}");
    }
    assert!(Level::new(0.9).is_ok_and(|l| (l.chi_squared() - 2.705_543_454_095_404).abs() < 1e-9));
}
