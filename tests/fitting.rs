//! Optimisers against independent answers: closed-form MLEs computed here from the raw
//! values, the first-order condition of the gamma shape (statrs digamma), a local-maximum
//! check with log-likelihoods from statrs densities, and a mixture's known truth.

use mlex::optim::fit::{Fit, StopReason, Stopping};
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::{Family, FamilyKind, Shape, pointwise_log_likelihood};
use mlex::stats::objective::{Model as _, Objective};
use mlex::stats::rng::{Rng, seeded};
use mlex::stats::sample::Sample;
use rand::RngExt as _;
use statrs::function::gamma::digamma;

/// Relative agreement with a closed-form MLE, relative to max(|θ|, scale).
const MLE_REL_TOL: f64 = 1e-8;
/// The gradient tolerance asked of every fit.
const GRADIENT_TOLERANCE: f64 = 1e-12;
/// The gradient norm required at a Newton result.
const GRADIENT_AT_MAX: f64 = 1e-8;
/// The gamma shape's first-order condition must hold to this.
const GAMMA_EQUATION_TOL: f64 = 1e-10;
/// A perturbed θ may exceed ℓ at the maximum by no more than this times max(|ℓ|, 1): the
/// reference ℓ is a compensated sum of n log-densities, each accurate to a few ulps.
const LL_ROUNDING_REL: f64 = 1e-12;
/// Perturbations of the free coordinates around a maximum.
const PERTURBATIONS: [f64; 4] = [-1e-3, -1e-4, 1e-4, 1e-3];
/// Random directions tried around a maximum, each of length `RANDOM_STEP`.
const RANDOM_DIRECTIONS: usize = 8;
/// Length of the random perturbations.
const RANDOM_STEP: f64 = 1e-3;
/// Steps allowed to gradient ascent to reach the tolerance.
const GA_MAX_STEPS: usize = 20_000;
/// Steps allowed to Newton.
const NEWTON_MAX_STEPS: usize = 200;
/// Newton on a normal must converge from a far start in fewer iterations than this.
// From 700 standard deviations away the first steps cross an indefinite region (the
// normal's Hessian in (mu, ln sigma) is indefinite while |mu - mean| > sd), where the line
// search stretches the shifted-Newton step; 35 iterations were measured there.
const NEWTON_FEW_ITERATIONS: usize = 50;
/// Standard errors within which the mixture fit must recover the truth.
const MIXTURE_STANDARD_ERRORS: f64 = 5.0;
/// Steps given to gradient ascent on laplace's location.
const LAPLACE_GA_STEPS: usize = 2000;
/// Gradient ascent refuses steps that lower ℓ/m by more than 8ε·max(|ℓ/m|, 1); the history
/// is checked with a little more.
const ASCENT_SLACK_REL: f64 = 1e-14;
/// Every closed-form start must be at least this far (relative) from the MLE.
const START_MIN_REL_DISTANCE: f64 = 0.1;
/// A gradient-ascent step size far too large for a normal (curvature about 1).
const HUGE_STEP: f64 = 1e3;
/// Sample size of the closed-form cases (odd, for the laplace median).
const N: usize = 501;

fn settings(kind: OptimizerKind, step_size: f64) -> Settings {
    Settings { kind, step_size, ..Settings::default() }
}

fn newton() -> Settings {
    settings(OptimizerKind::Newton, 1.0)
}

/// Runs a fit to completion.
fn run(
    objective: &Objective<'_>,
    start: &[f64],
    settings: Settings,
    max_steps: usize,
) -> (Fit, StopReason) {
    let mut fit = Fit::new(objective, start, settings);
    let reason = fit.run(objective, &Stopping { max_steps, tolerance: GRADIENT_TOLERANCE });
    (fit, reason)
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// (mean, √(Σ(x − mean)²/n)): the normal MLE.
fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let m = mean(xs);
    (m, (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt())
}

/// A family with data, its MLE computed here, and a start well away from it.
struct ClosedForm {
    family: Box<dyn Family>,
    sample: Sample,
    mle: Vec<f64>,
    /// Per-parameter scale below which errors are judged absolutely.
    scale: Vec<f64>,
    start: Vec<f64>,
    /// A gradient-ascent step size that is stable at this family's curvature.
    step_size: f64,
}

impl ClosedForm {
    fn new(
        family: Box<dyn Family>,
        xs: Vec<f64>,
        mle: Vec<f64>,
        scale: Vec<f64>,
        start: Vec<f64>,
        step_size: f64,
    ) -> Self {
        Self { family, sample: Sample::new(xs), mle, scale, start, step_size }
    }
}

fn build(kind: FamilyKind, shape: Shape) -> Box<dyn Family> {
    kind.build(shape)
}

fn draw(family: &dyn Family, truth: &[f64], seed: u64) -> Vec<f64> {
    family.sample(truth, N, &mut seeded(seed))
}

// One table of nine cases reads better as one function than split up.
#[allow(clippy::too_many_lines)]
fn closed_form_cases() -> Vec<ClosedForm> {
    let shape = Shape::default();
    let mut cases = Vec::new();

    let family = build(FamilyKind::Normal, shape);
    let xs = draw(family.as_ref(), &[2.0, 1.5], 1);
    let (m, s) = mean_sd(&xs);
    cases.push(ClosedForm::new(
        family,
        xs,
        vec![m, s],
        vec![s, s],
        vec![m + 3.0 * s, 4.0 * s],
        0.4,
    ));

    let family = build(FamilyKind::Exponential, shape);
    let xs = draw(family.as_ref(), &[2.0], 2);
    let rate = 1.0 / mean(&xs);
    cases.push(ClosedForm::new(family, xs, vec![rate], vec![rate], vec![0.2 * rate], 0.5));

    let family = build(FamilyKind::LogNormal, shape);
    let xs = draw(family.as_ref(), &[0.5, 0.8], 3);
    let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
    let (m, s) = mean_sd(&logs);
    cases.push(ClosedForm::new(family, xs, vec![m, s], vec![s, s], vec![m - 2.0, 3.0 * s], 0.4));

    let family = build(FamilyKind::Laplace, shape);
    let xs = draw(family.as_ref(), &[1.0, 0.7], 4);
    let mut sorted = xs.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[N / 2];
    let mad = xs.iter().map(|x| (x - median).abs()).sum::<f64>() / N as f64;
    cases.push(ClosedForm::new(
        family,
        xs,
        vec![median, mad],
        vec![mad, mad],
        vec![median + 2.0, 3.0 * mad],
        0.5,
    ));

    let family = build(FamilyKind::Bernoulli, shape);
    let xs = draw(family.as_ref(), &[0.3], 5);
    let p = mean(&xs);
    cases.push(ClosedForm::new(family, xs, vec![p], vec![p], vec![0.8], 1.0));

    let trials = 20;
    let family = build(FamilyKind::Binomial, Shape::fixed(trials));
    let xs = draw(family.as_ref(), &[0.35], 6);
    let p = mean(&xs) / trials as f64;
    cases.push(ClosedForm::new(family, xs, vec![p], vec![p], vec![0.8], 0.2));

    let family = build(FamilyKind::Geometric, shape);
    let xs = draw(family.as_ref(), &[0.25], 7);
    let p = 1.0 / mean(&xs);
    cases.push(ClosedForm::new(family, xs, vec![p], vec![p], vec![0.8], 1.0));

    let family = build(FamilyKind::Poisson, shape);
    let xs = draw(family.as_ref(), &[4.2], 8);
    let lambda = mean(&xs);
    cases.push(ClosedForm::new(family, xs, vec![lambda], vec![lambda], vec![0.5], 0.2));

    let k = 4;
    let family = build(FamilyKind::Categorical, Shape::fixed(k as u64));
    let xs = draw(family.as_ref(), &[0.5, 0.3, 0.15, 0.05], 9);
    let p: Vec<f64> =
        (0..k).map(|j| xs.iter().filter(|&&x| x as usize == j).count() as f64 / N as f64).collect();
    cases.push(ClosedForm {
        scale: p.clone(),
        mle: p,
        start: vec![0.1, 0.2, 0.3, 0.4],
        step_size: 1.0,
        family,
        sample: Sample::new(xs),
    });
    cases
}

/// Largest error relative to max(|θ|, scale) over the parameters.
fn worst_rel_error(got: &[f64], want: &[f64], scale: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .zip(scale)
        .map(|((g, w), s)| (g - w).abs() / w.abs().max(*s))
        .fold(0.0, f64::max)
}

fn check_closed_form(case: &ClosedForm, settings: Settings, max_steps: usize) {
    let family = case.family.as_ref();
    let name = family.kind();
    let engine_mle = family.closed_form_mle(&case.sample).expect("family has a closed form");
    assert!(
        worst_rel_error(&engine_mle, &case.mle, &case.scale) <= MLE_REL_TOL,
        "{name}: engine closed form {engine_mle:?} vs {:?}",
        case.mle
    );
    assert!(
        worst_rel_error(&case.start, &case.mle, &case.scale) > START_MIN_REL_DISTANCE,
        "{name}: start too close"
    );
    let objective = Objective { family, sample: &case.sample };
    let (fit, reason) = run(&objective, &case.start, settings, max_steps);
    let got = &fit.current().natural;
    let err = worst_rel_error(got, &case.mle, &case.scale);
    assert!(
        reason.converged(),
        "{name} {}: stopped by {reason:?} after {} steps ({} refused) at {got:?}, gradient {:e}, rel error {err:e}",
        settings.kind,
        fit.iteration(),
        fit.refusals(),
        fit.current().gradient_norm
    );
    assert!(
        err <= MLE_REL_TOL,
        "{name} {}: {got:?} vs closed form {:?}: rel error {err:e} ({reason:?} after {} steps, {} refused)",
        settings.kind,
        case.mle,
        fit.iteration(),
        fit.refusals()
    );
}

/// Every closed-form case but laplace, whose kinked likelihood has its own tests.
fn smooth_closed_form_cases() -> impl Iterator<Item = ClosedForm> {
    closed_form_cases().into_iter().filter(|c| c.family.kind() != FamilyKind::Laplace)
}

fn laplace_case() -> ClosedForm {
    closed_form_cases()
        .into_iter()
        .find(|c| c.family.kind() == FamilyKind::Laplace)
        .expect("laplace is a case")
}

#[test]
fn gradient_ascent_reaches_every_smooth_closed_form_mle() {
    for case in smooth_closed_form_cases() {
        check_closed_form(
            &case,
            settings(OptimizerKind::GradientAscent, case.step_size),
            GA_MAX_STEPS,
        );
    }
}

#[test]
fn newton_reaches_every_smooth_closed_form_mle() {
    for case in smooth_closed_form_cases() {
        check_closed_form(&case, newton(), NEWTON_MAX_STEPS);
    }
}

#[test]
fn gradient_ascent_walks_the_laplace_location_onto_the_median() {
    // The part of the laplace check that holds: refused, halving steps
    // bring loc onto the sample median (n odd, so the maximiser is one point).
    let case = laplace_case();
    let objective = Objective { family: case.family.as_ref(), sample: &case.sample };
    let (fit, _) = run(
        &objective,
        &case.start,
        settings(OptimizerKind::GradientAscent, case.step_size),
        LAPLACE_GA_STEPS,
    );
    assert!(fit.refusals() > 0, "the kink should cause refusals");
    assert!(history_is_finite(&fit));
    assert_never_decreases(&fit);
    let loc = fit.current().natural[0];
    let err = (loc - case.mle[0]).abs() / case.mle[0].abs().max(case.scale[0]);
    assert!(err <= MLE_REL_TOL, "loc {loc} vs median {}: rel {err:e}", case.mle[0]);
}

#[test]
fn gradient_ascent_converges_on_laplace() {
    let case = laplace_case();
    check_closed_form(&case, settings(OptimizerKind::GradientAscent, case.step_size), GA_MAX_STEPS);
}

#[test]
fn newton_converges_on_laplace() {
    check_closed_form(&laplace_case(), newton(), NEWTON_MAX_STEPS);
}

/// θ in free coordinates moved by `delta` along `direction`.
fn moved(family: &dyn Family, free: &[f64], direction: &[f64], delta: f64) -> Vec<f64> {
    let free: Vec<f64> = free.iter().zip(direction).map(|(u, d)| u + delta * d).collect();
    family.to_natural(&free)
}

/// Asserts that no nearby θ has a higher log-likelihood, by the statrs-density reference
/// sum and by the engine's own ℓ.
fn assert_local_maximum(family: &dyn Family, sample: &Sample, nat: &[f64], rng: &mut Rng) {
    let name = family.kind();
    let objective = Objective { family, sample };
    let free = family.to_free(nat);
    let dim = free.len();
    let best_ref = pointwise_log_likelihood(family, nat, sample.values());
    let best_engine = objective.eval(&free).log_likelihood;
    let slack = LL_ROUNDING_REL * best_ref.abs().max(1.0);
    assert!(
        (best_ref - best_engine).abs() <= slack,
        "{name}: engine ℓ {best_engine} vs reference {best_ref}"
    );

    let mut directions: Vec<(Vec<f64>, f64)> = Vec::new();
    for j in 0..dim {
        let mut e = vec![0.0; dim];
        e[j] = 1.0;
        for delta in PERTURBATIONS {
            directions.push((e.clone(), delta));
        }
    }
    for _ in 0..RANDOM_DIRECTIONS {
        let v: Vec<f64> = (0..dim).map(|_| rng.random::<f64>() - 0.5).collect();
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        directions.push((v.iter().map(|x| x / norm).collect(), RANDOM_STEP));
    }
    for (direction, delta) in &directions {
        let theta = moved(family, &free, direction, *delta);
        let ll_ref = pointwise_log_likelihood(family, &theta, sample.values());
        let ll_engine = objective.eval_natural(&theta).log_likelihood;
        assert!(
            ll_ref <= best_ref + slack,
            "{name}: ℓ rises from {best_ref} to {ll_ref} moving {delta:e} along {direction:?}"
        );
        assert!(
            ll_engine <= best_engine + slack,
            "{name}: engine ℓ rises from {best_engine} to {ll_engine} moving {delta:e} along {direction:?}"
        );
    }
}

/// Fits with Newton from the family's own start and checks the result is a maximum.
fn newton_from_start(family: &dyn Family, sample: &Sample) -> Vec<f64> {
    let name = family.kind();
    let objective = Objective { family, sample };
    let start = family.start(sample);
    let (fit, reason) = run(&objective, &start, newton(), NEWTON_MAX_STEPS);
    let current = fit.current();
    assert!(
        reason.converged(),
        "{name}: {reason:?} after {} steps at {:?}",
        fit.iteration(),
        current.natural
    );
    assert!(
        current.gradient_norm <= GRADIENT_AT_MAX,
        "{name}: gradient {:e} at {:?} ({reason:?})",
        current.gradient_norm,
        current.natural
    );
    assert_local_maximum(family, sample, &current.natural, &mut seeded(1234));
    current.natural.clone()
}

fn open_form_case(kind: FamilyKind, truth: &[f64], seed: u64) -> (Box<dyn Family>, Sample) {
    let family = kind.build(Shape::default());
    let xs = family.sample(truth, N, &mut seeded(seed));
    (family, Sample::new(xs))
}

#[test]
fn newton_finds_the_gamma_maximum_and_its_shape_equation() {
    let (family, sample) = open_form_case(FamilyKind::Gamma, &[2.5, 1.3], 21);
    let nat = newton_from_start(family.as_ref(), &sample);
    let xs = sample.values();
    let x_bar = mean(xs);
    let mean_ln = xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64;
    let alpha = nat[0];
    let residual = alpha.ln() - digamma(alpha) - (x_bar.ln() - mean_ln);
    assert!(
        residual.abs() <= GAMMA_EQUATION_TOL,
        "ln α − ψ(α) − (ln x̄ − mean ln x) = {residual:e} at α = {alpha}"
    );
    // The rate then follows from the shape: β = α / x̄.
    assert!(
        (nat[1] - alpha / x_bar).abs() <= GAMMA_EQUATION_TOL * nat[1],
        "rate {} vs α/x̄ {}",
        nat[1],
        alpha / x_bar
    );
}

#[test]
fn newton_finds_a_weibull_maximum() {
    let (family, sample) = open_form_case(FamilyKind::Weibull, &[1.7, 2.0], 22);
    newton_from_start(family.as_ref(), &sample);
}

#[test]
fn newton_finds_a_student_t_maximum() {
    let (family, sample) = open_form_case(FamilyKind::StudentT, &[4.0, 1.0, 2.0], 23);
    newton_from_start(family.as_ref(), &sample);
}

#[test]
fn newton_finds_a_cauchy_maximum() {
    let (family, sample) = open_form_case(FamilyKind::Cauchy, &[0.5, 1.5], 24);
    newton_from_start(family.as_ref(), &sample);
}

#[test]
fn newton_finds_a_beta_maximum() {
    let (family, sample) = open_form_case(FamilyKind::Beta, &[2.0, 5.0], 25);
    newton_from_start(family.as_ref(), &sample);
}

#[test]
fn newton_recovers_a_well_separated_mixture() {
    let truth = [0.3, -3.0, 1.0, 4.0, 1.5];
    let n = 2000;
    let family = FamilyKind::NormalMixture.build(Shape::default());
    let sample = Sample::new(family.sample(&truth, n, &mut seeded(26)));
    let fit = newton_from_start(family.as_ref(), &sample);
    // Label switching: order the components by mean.
    let fit =
        if fit[1] <= fit[3] { fit } else { vec![1.0 - fit[0], fit[3], fit[4], fit[1], fit[2]] };
    let n = n as f64;
    let (w, s1, s2) = (truth[0], truth[2], truth[4]);
    // Standard errors with known labels: a proportion, two means, two standard deviations.
    let se = [
        (w * (1.0 - w) / n).sqrt(),
        s1 / (n * w).sqrt(),
        s1 / (2.0 * n * w).sqrt(),
        s2 / (n * (1.0 - w)).sqrt(),
        s2 / (2.0 * n * (1.0 - w)).sqrt(),
    ];
    for (j, name) in family.param_names().iter().enumerate() {
        assert!(
            (fit[j] - truth[j]).abs() <= MIXTURE_STANDARD_ERRORS * se[j],
            "{name}: fitted {} vs truth {} (se {})",
            fit[j],
            truth[j],
            se[j]
        );
    }
}

fn normal_case() -> (Box<dyn Family>, Sample) {
    let family = FamilyKind::Normal.build(Shape::default());
    let xs = family.sample(&[2.0, 1.5], N, &mut seeded(31));
    (family, Sample::new(xs))
}

fn history_is_finite(fit: &Fit) -> bool {
    fit.history().iter().all(|r| {
        r.params.iter().all(|v| v.is_finite())
            && r.log_likelihood.is_finite()
            && r.gradient_norm.is_finite()
            && r.step_size.is_finite()
    })
}

/// Gradient ascent accepts no step that lowers ℓ/m by more than its rounding slack.
fn assert_never_decreases(fit: &Fit) {
    for pair in fit.history().windows(2) {
        let (a, b) = (pair[0].mean_log_likelihood, pair[1].mean_log_likelihood);
        assert!(b >= a - ASCENT_SLACK_REL * a.abs().max(1.0), "ℓ/m fell from {a} to {b}");
    }
}

#[test]
fn a_huge_step_size_is_refused_never_applied() {
    let (family, sample) = normal_case();
    let objective = Objective { family: family.as_ref(), sample: &sample };
    let (fit, reason) = run(
        &objective,
        &[0.0, 1.0],
        settings(OptimizerKind::GradientAscent, HUGE_STEP),
        GA_MAX_STEPS,
    );
    assert!(fit.refusals() > 0, "η = {HUGE_STEP} should be refused at least once");
    assert!(history_is_finite(&fit), "a non-finite θ entered the history");
    assert_never_decreases(&fit);
    assert!(reason.converged(), "{reason:?}");
}

#[test]
fn momentum_and_adam_stay_finite() {
    let (family, sample) = normal_case();
    let objective = Objective { family: family.as_ref(), sample: &sample };
    for kind in [OptimizerKind::Momentum, OptimizerKind::Adam] {
        for step_size in [0.01, 0.1, 1.0, 10.0] {
            let mut fit = Fit::new(&objective, &[-5.0, 0.2], settings(kind, step_size));
            for _ in 0..2000 {
                fit.step(&objective);
            }
            assert!(
                history_is_finite(&fit),
                "{kind} η = {step_size}: a non-finite value in the history"
            );
        }
    }
}

#[test]
fn stopping_at_the_step_limit_is_not_convergence() {
    let (family, sample) = normal_case();
    let objective = Objective { family: family.as_ref(), sample: &sample };
    let max_steps = 10;
    let (fit, reason) =
        run(&objective, &[-5.0, 0.2], settings(OptimizerKind::GradientAscent, 1e-6), max_steps);
    assert_eq!(reason, StopReason::StepLimit);
    assert!(!reason.converged());
    assert_eq!(fit.iteration(), max_steps);
    assert_eq!(fit.history().len(), max_steps + 1, "the start and one record per step");
}

fn check_newton_normal_from(starts: &[[f64; 2]]) {
    let (family, sample) = normal_case();
    let objective = Objective { family: family.as_ref(), sample: &sample };
    let (m, s) = mean_sd(sample.values());
    for start in starts {
        let start = [m + start[0] * s, start[1] * s];
        let (fit, reason) = run(&objective, &start, newton(), NEWTON_MAX_STEPS);
        assert!(
            reason.converged(),
            "from {start:?}: {reason:?} after {} iterations",
            fit.iteration()
        );
        assert!(
            fit.iteration() < NEWTON_FEW_ITERATIONS,
            "from {start:?}: {} iterations",
            fit.iteration()
        );
        let err = worst_rel_error(&fit.current().natural, &[m, s], &[s, s]);
        assert!(err <= MLE_REL_TOL, "from {start:?}: {:?} vs ({m}, {s})", fit.current().natural);
    }
}

#[test]
fn newton_on_a_normal_converges_quickly_from_a_far_scale() {
    // Starts as (mu − x̄, sigma) in units of the sample sd s. The Hessian of ℓ/m in
    // (mu, ln sigma) has determinant 2(s² − (mu − x̄)²)/sigma⁴, so within one sd of x̄ it is
    // negative definite whatever sigma is; the last two starts lie 2 sd out but with a wide
    // sigma, from where the gradient fallback reaches that region in a few steps.
    check_newton_normal_from(&[
        [0.0, 1e3],
        [0.5, 50.0],
        [-0.5, 1e-2],
        [0.9, 1e-3],
        [2.0, 4.0],
        [-2.0, 10.0],
    ]);
}

#[test]
fn newton_on_a_normal_converges_quickly_from_a_far_location() {
    check_newton_normal_from(&[[7.0, 1.0], [70.0, 50.0], [-20.0, 1e-2], [700.0, 1.0]]);
}
