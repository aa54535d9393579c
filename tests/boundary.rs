//! The boundary stop: θ running off to the edge of the parameter space while ℓ climbs to a
//! supremum that no θ attains. Checked against answers computed here: the normal's
//! closed-form log-likelihood (the t's limit), the exact KL gap of a categorical, and the
//! presets, which must never show the pattern.

mod run;

use mlex::optim::fit::{Fit, StopReason, Stopping};
use mlex::optim::{OptimizerKind, Settings};
use mlex::runner::prepare;
use mlex::scenario::{self, PRESETS};
use mlex::stats::family::{Family, FamilyKind, Shape};
use mlex::stats::objective::{Model as _, Objective};
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use serde_json::Value;
use statrs::distribution::{Continuous as _, Normal};

/// Sample size of the t-on-normal-data fits.
const M: usize = 100_000;
/// Newton runs ln df up by about 1 a step; from df = 5 to the 1e-10 remainder takes about 20.
const NEWTON_STEP_BOUND: usize = 40;
/// Relative rounding of a log-likelihood summed over `M` points.
const LL_ROUNDING_REL: f64 = 1e-12;

fn newton() -> Settings {
    Settings { kind: OptimizerKind::Newton, ..Settings::default() }
}

/// Σ(x − x̄)^k / m for k = 2 and 4.
fn central_moments(xs: &[f64]) -> (f64, f64) {
    let m = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / m;
    let (m2, m4) = xs.iter().fold((0.0, 0.0), |(a, b), x| {
        let d = (x - mean) * (x - mean);
        (a + d, b + d * d)
    });
    (m2 / m, m4 / m)
}

/// The sample kurtosis m₄/m₂².
fn kurtosis(xs: &[f64]) -> f64 {
    let (m2, m4) = central_moments(xs);
    m4 / (m2 * m2)
}

/// Normal draws whose sample kurtosis is below 3, the normal's: the first seed from 1 that
/// gives one. Then a t fits no better than its normal limit, so the supremum of the t's ℓ is
/// at df → ∞ (with kurtosis above 3 a finite df wins and the MLE is interior).
fn light_tailed_normal_draws(m: usize) -> Vec<f64> {
    let normal = FamilyKind::Normal.build(Shape::default());
    (1..=100)
        .map(|seed| normal.sample(&[0.0, 1.0], m, &mut seeded(seed)))
        .find(|xs| kurtosis(xs) < 3.0)
        .expect("about half of all seeds qualify: 100 failing in a row is beyond chance")
}

/// ℓ of the normal MLE, by hand: −m/2 (ln 2πσ̂² + 1) with σ̂² the plain second moment.
fn normal_mle_log_likelihood(xs: &[f64]) -> f64 {
    let (var, _) = central_moments(xs);
    -(xs.len() as f64) / 2.0 * ((2.0 * std::f64::consts::PI * var).ln() + 1.0)
}

fn fit(family: &dyn Family, xs: Vec<f64>, settings: Settings) -> (Fit, StopReason, Sample) {
    let sample = Sample::new(xs);
    let objective = Objective { family, sample: &sample };
    let mut fit = Fit::new(&objective, &family.start(&sample), settings);
    let reason = fit.run(&objective, &Stopping::default());
    (fit, reason, sample)
}

/// The t's ℓ at the boundary stop is the normal's maximum, to the tolerance, never above it,
/// and the stop's own estimate of the gap is the gap.
fn assert_at_the_normal_supremum(xs: &[f64], reason: StopReason, fit: &Fit) {
    assert_eq!(reason, StopReason::Boundary { coordinate: 0, increasing: true });
    assert!(!reason.converged(), "a boundary is not a maximum");
    let steps = fit.iteration();
    assert!(steps <= NEWTON_STEP_BOUND, "{steps} steps");
    let m = xs.len() as f64;
    let sup = normal_mle_log_likelihood(xs);
    let ll = fit.current().log_likelihood;
    let rounding = LL_ROUNDING_REL * sup.abs();
    let tolerance = Stopping::default().tolerance * m;
    let gap = sup - ll;
    assert!(gap >= -rounding && gap <= tolerance + rounding, "ℓ {ll} vs normal {sup}");
    let estimate = fit.runaway().expect("the runaway is still in view").remaining * m;
    assert!((gap - estimate).abs() <= 0.5 * gap + rounding, "gap {gap}, estimated {estimate}");
}

#[test]
fn a_t_fitted_to_normal_draws_stops_at_the_normal_limit() {
    let xs = light_tailed_normal_draws(M);
    let t = FamilyKind::StudentT.build(Shape::default());
    let (fit, reason, _) = fit(t.as_ref(), xs.clone(), newton());
    assert_at_the_normal_supremum(&xs, reason, &fit);
    // The stop came from the trend, not from the gradient, which is still above tolerance.
    assert!(fit.current().gradient_norm > Stopping::default().tolerance);
}

#[test]
fn a_t_fitted_to_uniform_data_stops_at_the_normal_limit_with_a_finite_likelihood() {
    // Much lighter tails than any t: df runs off fast, far past where ln Γ differences and
    // ln(ν + z²) − ln ν cancel (they used to give ℓ = +2e7 here).
    let xs: Vec<f64> = FamilyKind::Beta
        .build(Shape::default())
        .sample(&[1.0, 1.0], M, &mut seeded(7))
        .into_iter()
        .map(|u| 2.0 * u - 1.0)
        .collect();
    let t = FamilyKind::StudentT.build(Shape::default());
    let (fit, reason, _) = fit(t.as_ref(), xs.clone(), newton());
    assert_at_the_normal_supremum(&xs, reason, &fit);
}

#[test]
fn a_categorical_with_an_empty_category_stops_with_that_probability_at_zero() {
    let counts = [156_usize, 355, 0, 489];
    let xs: Vec<f64> =
        counts.iter().enumerate().flat_map(|(j, n)| std::iter::repeat_n(j as f64, *n)).collect();
    let family = FamilyKind::Categorical.build(Shape::fixed(4));
    let (fit, reason, _) = fit(family.as_ref(), xs, newton());
    let StopReason::Boundary { coordinate, increasing } = reason else {
        panic!("stopped by {reason:?}")
    };
    let limit = family.boundary_limit(&fit.current().free, coordinate, increasing);
    assert_eq!((limit.parameter.as_str(), limit.value), ("p[2]", 0.0));
    // For counts, ℓ's supremum is at the frequencies and the gap is exactly D(p̂‖q).
    let m = counts.iter().sum::<usize>() as f64;
    let q = &fit.current().natural;
    let kl: f64 = counts
        .iter()
        .zip(q)
        .filter(|(n, _)| **n > 0)
        .map(|(n, p)| *n as f64 / m * ((*n as f64 / m) / p).ln())
        .sum();
    assert!(kl >= 0.0 && kl <= Stopping::default().tolerance, "D(p̂‖q) = {kl}");
    let estimate = fit.runaway().expect("runaway").remaining;
    assert!((estimate - kl).abs() <= 0.5 * kl, "gap {kl}, estimated {estimate}");
}

#[test]
fn gradient_ascent_up_the_gamma_ridge_is_not_taken_for_a_boundary() {
    // Hundreds of slow steps towards an interior maximum, with refusals and a shrinking ℓ
    // gain: the rule must stay quiet at every one of them, and the run end at the maximum
    // Newton finds on the same data.
    let slow = scenario::load("gamma-gradient-ascent").expect("preset");
    let prepared = prepare(&slow, slow.seed).expect("prepared");
    let objective = Objective { family: prepared.model.as_ref(), sample: &prepared.sample };
    let mut fit = Fit::new(&objective, &prepared.start, slow.settings);
    let reason = loop {
        assert_eq!(fit.runaway(), None, "iteration {}", fit.iteration());
        if let Some(reason) = fit.check(&slow.stopping) {
            break reason;
        }
        fit.step(&objective);
    };
    assert!(reason.converged(), "{reason:?}");
    assert!(fit.iteration() > 200, "only {} steps: not the slow approach", fit.iteration());
    let fast = scenario::load("gamma-newton").expect("preset");
    let newton =
        mlex::runner::run_scenario(&fast, mlex::runner::RunOverrides::default()).expect("runs");
    for (name, v) in ["shape", "rate"].iter().zip(&fit.current().natural) {
        let want = newton.params[name].as_f64().expect("number");
        assert!((v - want).abs() <= 1e-6 * want, "{name}: {v} vs Newton's {want}");
    }
}

#[test]
fn no_preset_ever_shows_the_runaway_pattern() {
    for (name, _) in PRESETS {
        let s = scenario::load(name).expect("preset");
        let prepared = prepare(&s, s.seed).expect("prepared");
        let objective = Objective { family: prepared.model.as_ref(), sample: &prepared.sample };
        let mut fit = Fit::new(&objective, &prepared.start, s.settings);
        while fit.check(&s.stopping).is_none() {
            fit.step(&objective);
            assert_eq!(fit.runaway(), None, "{name} at iteration {}", fit.iteration());
        }
    }
}

#[test]
fn a_likelihood_without_bound_is_not_a_boundary_supremum() {
    // One mixture component sitting on a single point with its sigma shrinking: ℓ → +∞, so
    // there is no supremum to be near. Newton must not call that a boundary stop.
    let normal = FamilyKind::Normal.build(Shape::default());
    let xs = normal.sample(&[0.0, 1.0], 200, &mut seeded(5));
    let mixture = FamilyKind::NormalMixture.build(Shape::default());
    let sample = Sample::new(xs.clone());
    let objective = Objective { family: mixture.as_ref(), sample: &sample };
    let start = [0.005, xs[0], 1e-6, 0.0, 1.0];
    let mut fit = Fit::new(&objective, &start, newton());
    let at_start = fit.current().log_likelihood;
    let reason = fit.run(&objective, &Stopping { max_steps: 300, ..Stopping::default() });
    let (sigma1, ll) = (fit.current().natural[2], fit.current().log_likelihood);
    // The run did go where ℓ has no bound (sigma1 collapsed and ℓ climbed), and stopped as
    // soon as the collapse showed, saying so. Collapsed means below 1e-7 of the sample's
    // spread (the rule `collapsing` applies), not below 1e-7 itself: this sample's sd is
    // 1.058, and where the last step lands under the threshold depends on the Hessian's
    // last digits (the closed form's path ends at 1.043e-7, the differences' went further).
    let collapsed = 1e-7 * sample.stats().x.variance().sqrt();
    assert!(
        sigma1 < collapsed && ll > at_start,
        "sigma1 {sigma1} vs {collapsed}, ℓ {at_start} → {ll}"
    );
    assert!(!matches!(reason, StopReason::Boundary { .. }), "{reason:?}");
    assert_eq!(reason, StopReason::Unbounded { parameter: 2 });
}

#[test]
fn the_t_is_accurate_towards_its_normal_limit() {
    // ln t(z; ν) = ln φ(z) + (z⁴ − 2z² − 1)/(4ν) + O(ν⁻²), and ν ∂/∂ν of it is minus the
    // correction: both computed here from statrs' normal density.
    let xs = light_tailed_normal_draws(1000);
    let sample = Sample::new(xs.clone());
    let t = FamilyKind::StudentT.build(Shape::default());
    let objective = Objective { family: t.as_ref(), sample: &sample };
    let (loc, scale) = (0.1, 1.2);
    let phi = Normal::new(loc, scale).expect("normal");
    for nu in [1e7, 1e9, 1e12] {
        let correction: f64 = xs
            .iter()
            .map(|x| {
                let z2 = ((x - loc) / scale).powi(2);
                (z2 * z2 - 2.0 * z2 - 1.0) / (4.0 * nu)
            })
            .sum();
        let want = xs.iter().map(|x| phi.ln_pdf(*x)).sum::<f64>() + correction;
        let e = objective.eval_natural(&[nu, loc, scale]);
        assert!(
            (e.log_likelihood - want).abs() <= 1e-12 * want.abs(),
            "ν = {nu}: ℓ {} vs {want}",
            e.log_likelihood
        );
        // The df derivative is a difference of terms of size ½Σz²/ν whose result is 1/ν of
        // them: it keeps an absolute accuracy of about 1e-16 a point, not a relative one.
        let slope = e.gradient[0] * xs.len() as f64;
        let allowed = 1e-5 * correction.abs() + 1e-15 * xs.len() as f64;
        assert!(
            (slope + correction).abs() <= allowed,
            "ν = {nu}: ∂ℓ/∂ln ν {slope} vs {}",
            -correction
        );
    }
}

#[test]
fn the_t_agrees_with_statrs_on_both_sides_of_its_large_df_formulas() {
    let xs = light_tailed_normal_draws(1000);
    let sample = Sample::new(xs.clone());
    let t = FamilyKind::StudentT.build(Shape::default());
    let objective = Objective { family: t.as_ref(), sample: &sample };
    for nu in [100.0, 127.999_999_999, 128.0, 128.000_000_001, 300.0, 1000.0] {
        let want = mlex::stats::family::pointwise_log_likelihood(t.as_ref(), &[nu, 0.2, 0.9], &xs);
        let got = objective.eval_natural(&[nu, 0.2, 0.9]).log_likelihood;
        assert!((got - want).abs() <= 1e-11 * want.abs(), "ν = {nu}: {got} vs statrs {want}");
    }
}

#[test]
fn fit_reports_the_boundary_in_json_and_in_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = light_tailed_normal_draws(20_000).iter().map(f64::to_string).collect::<Vec<_>>();
    let text = text.join("\n");
    std::fs::write(dir.path().join("normal.txt"), text).expect("write");
    let args = ["fit", "--data", "normal.txt", "--model", "student_t", "--format", "json"];
    let (code, stdout, stderr) = run::mlex_in(dir.path(), args);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["stop_reason"], "boundary");
    assert_eq!(v["converged"], false);
    assert_eq!(v["boundary"]["parameter"], "df");
    assert_eq!(v["boundary"]["limit"], "inf");
    let gap = v["boundary"]["gap"].as_f64().expect("gap");
    assert!(gap > 0.0 && gap <= Stopping::default().tolerance, "{gap}");
    let message = v["boundary"]["message"].as_str().expect("message");
    assert!(
        message.starts_with("df → ∞") && message.contains("normal limit of the t"),
        "{message}"
    );
    let (code, table, _) = run::mlex_in(dir.path(), &args[..args.len() - 2]);
    assert_eq!(code, 0);
    assert!(table.contains("false (boundary)") && table.contains("df → ∞"), "{table}");
}

#[test]
fn the_explorer_stops_running_at_the_boundary_and_says_where() {
    use mlex::tui::action::{Action, Work};
    use mlex::tui::app::App;
    use mlex::tui::effect::apply;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let app = (1..=100)
        .map(|seed| {
            let text = format!(
                "title = \"t of normal data\"\nsample_size = 20000\nseed = {seed}\n[truth]\n\
                 family = \"normal\"\nparams = {{ mu = 0.0, sigma = 1.0 }}\n\
                 [model]\nfamily = \"student_t\"\n[optimizer]\nkind = \"newton\"\n"
            );
            let s = scenario::parse(&text, "t-of-normal", None).expect("scenario");
            App::new(s, None, false).expect("app")
        })
        .find(|a| kurtosis(a.run.sample.values()) < 3.0)
        .expect("about half of all seeds qualify");
    let mut app = app;
    apply(&mut app, Action::ToggleRun);
    for _ in 0..200 {
        if !app.running {
            break;
        }
        apply(&mut app, Action::Tick(Work::default()));
    }
    assert!(!app.running, "still running after 200 ticks");
    let reason = app.stop_reason().expect("stopped");
    assert_eq!(reason.name(), "boundary");
    assert!(app.run.fit.iteration() <= NEWTON_STEP_BOUND, "{} steps", app.run.fit.iteration());
    assert!(app.message.starts_with("df → ∞"), "{}", app.message);
    let mut terminal = Terminal::new(TestBackend::new(160, 40)).expect("terminal");
    terminal.draw(|f| mlex::tui::view::draw(f, &app)).expect("draw");
    let buffer = terminal.backend().buffer();
    let screen: String = buffer.content().iter().map(ratatui::buffer::Cell::symbol).collect();
    assert!(screen.contains("at the boundary: df → ∞"), "{screen}");
}
