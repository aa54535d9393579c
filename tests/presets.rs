//! Every preset loads, runs headless to its step limit or convergence, and ends where its
//! lesson says it does.

use mlex::report::Report;
use mlex::runner::{RunOverrides, run_scenario};
use mlex::scenario::{self, CLASS_PRESETS, PRESETS};

fn run(name: &str) -> Report {
    let s = scenario::load(name).expect("preset loads");
    run_scenario(&s, RunOverrides::default()).expect("preset runs")
}

fn param(r: &Report, name: &str) -> f64 {
    r.params[name].as_f64().expect("numeric parameter")
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

/// Relative agreement with a closed form that gradient ascent must reach.
const CLOSED_FORM: f64 = 1e-8;

#[test]
fn every_preset_file_is_built_in_and_every_preset_has_a_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files: Vec<String> = std::fs::read_dir(dir)
        .expect("scenarios folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    assert!(PRESETS.len() >= 12, "only {} presets", PRESETS.len());
    for (name, _) in PRESETS.iter().chain(CLASS_PRESETS) {
        assert!(files.contains(&(*name).to_string()), "{name} has no file");
    }
    for f in &files {
        let built_in = PRESETS.iter().chain(CLASS_PRESETS).any(|(n, _)| n == f);
        assert!(built_in, "{f}.toml is not built in");
    }
}

#[test]
fn every_preset_runs_and_has_a_title_and_lesson() {
    for (name, _) in PRESETS {
        let s = scenario::load(name).expect("loads");
        assert!(!s.title.is_empty() && s.lesson.len() > 80, "{name}: title or lesson missing");
        let r = run(name);
        assert!(r.log_likelihood.is_finite(), "{name}");
        assert!(r.iterations > 0, "{name}: no steps");
    }
}

#[test]
fn normal_basics_reaches_the_closed_form() {
    let r = run("normal-basics");
    assert!(r.converged);
    let mle = r.closed_form_mle.as_ref().expect("closed form");
    for p in ["mu", "sigma"] {
        assert!(close(param(&r, p), mle[p].as_f64().expect("num"), CLOSED_FORM), "{p}");
    }
}

#[test]
fn coin_flips_end_at_the_frequency_with_no_kl_gap() {
    let r = run("coin-flips");
    assert!(r.converged);
    let e = r.empirical.expect("discrete data");
    assert!(e.kl_divergence.abs() < 1e-12, "D(p̂‖q) = {}", e.kl_divergence);
    let freq = r.closed_form_mle.as_ref().expect("closed form")["p"].as_f64().expect("p");
    assert!(close(param(&r, "p"), freq, CLOSED_FORM));
}

#[test]
fn waiting_times_and_poisson_counts_reach_their_means() {
    for name in ["waiting-times", "poisson-counts"] {
        let r = run(name);
        assert!(r.converged, "{name}");
        let mle = r.closed_form_mle.as_ref().expect("closed form");
        let (key, _) = mle.as_object().expect("object").iter().next().expect("one parameter");
        assert!(close(param(&r, key), mle[key].as_f64().expect("num"), CLOSED_FORM), "{name}");
    }
}

#[test]
fn the_loaded_die_closes_the_kl_gap_exactly() {
    let r = run("loaded-die");
    assert!(r.converged);
    let e = r.empirical.expect("discrete data");
    assert!(e.kl_divergence.abs() < 1e-12);
    let p = r.params["p"].as_array().expect("list");
    assert!(p[5].as_f64().expect("p5") > 0.45, "the loaded face");
}

#[test]
fn underflow_hits_zero_in_the_first_thousand_points() {
    let r = run("underflow");
    let zero = r.underflow.f64_zero_at.expect("the f64 product reaches 0");
    assert!(zero < 1000, "f64 zero at {zero}");
    assert!(r.underflow.f32_zero_at.expect("f32 too") < zero);
    assert!(r.log_likelihood.is_finite() && r.n == 5000);
}

#[test]
fn densities_above_one_overflow_and_give_negative_cross_entropy() {
    let r = run("densities-above-one");
    let at = r.underflow.f64_overflow_at.expect("the product overflows");
    assert!(at < 500, "overflow at {at}");
    assert!(r.cross_entropy.nats < 0.0);
    assert!(r.underflow.f64_zero_at.is_none());
}

#[test]
fn the_misspecified_model_keeps_a_kl_gap() {
    let r = run("misspecified");
    assert!(r.converged);
    let t = r.truth.expect("truth");
    // The best normal for lognormal(0, 0.8) is ½ln(2πe·var) − h(p) ≈ 0.49 nats away.
    assert!(t.decomposition.kl_divergence > 0.4, "KL {}", t.decomposition.kl_divergence);
}

#[test]
fn heavy_tails_fit_location_and_degrees_of_freedom() {
    let c = run("heavy-tails-cauchy");
    assert!(c.converged);
    assert!((param(&c, "loc") - 1.0).abs() < 0.2);
    let t = run("heavy-tails-t");
    assert!(t.converged);
    let df = param(&t, "df");
    assert!((2.0..4.5).contains(&df), "df {df}");
}

#[test]
fn a_step_too_large_is_refused_and_still_converges() {
    let r = run("step-too-large");
    assert!(r.refused_steps > 0);
    assert!(r.converged);
    assert!(r.step_size < 8.0);
    let mle = r.closed_form_mle.as_ref().expect("closed form");
    assert!(close(param(&r, "sigma"), mle["sigma"].as_f64().expect("num"), CLOSED_FORM));
}

#[test]
fn the_mixture_is_trapped_below_the_maximum() {
    let r = run("mixture-local-optimum");
    // It stops at a stationary point, and the check of a maximum says what it is.
    assert!(!r.converged, "a saddle is not convergence");
    assert_eq!(r.stop_reason, mlex::optim::fit::StopReason::Saddle);
    assert_eq!(param(&r, "mu1"), param(&r, "mu2"), "the components stay identical");
    // Newton from the moments (the TUI's M key) finds the real maximum.
    let s = scenario::load("mixture-local-optimum").expect("preset");
    let p = mlex::runner::prepare(&s, s.seed).expect("prepare");
    let obj = mlex::stats::objective::Objective { family: p.model.as_ref(), sample: &p.sample };
    let settings = mlex::optim::Settings {
        kind: mlex::optim::OptimizerKind::Newton,
        ..mlex::optim::Settings::default()
    };
    let mut best = mlex::optim::fit::Fit::new(&obj, &p.model.start(&p.sample), settings);
    best.run(&obj, &mlex::optim::fit::Stopping::default());
    assert!(best.current().log_likelihood > r.log_likelihood + 100.0);
}

#[test]
fn small_samples_underestimate_the_variance_on_average() {
    let s = scenario::load("small-sample-variance").expect("preset");
    let seeds = 400u64;
    let mean_var: f64 = (1..=seeds)
        .map(|seed| {
            let r = run_scenario(&s, RunOverrides { seed: Some(seed), ..RunOverrides::default() })
                .expect("runs");
            param(&r, "sigma").powi(2)
        })
        .sum::<f64>()
        / seeds as f64;
    // E[σ̂²] = (m − 1)/m = 0.8 for m = 5; the mean of 400 has a standard error of about 0.028.
    assert!((mean_var - 0.8).abs() < 0.1, "mean σ̂² = {mean_var}");
}

#[test]
fn newton_takes_a_handful_of_the_steps_gradient_ascent_needs() {
    let ga = run("gamma-gradient-ascent");
    let nt = run("gamma-newton");
    assert!(ga.converged && nt.converged);
    for p in ["shape", "rate"] {
        assert!(close(param(&ga, p), param(&nt, p), 1e-6), "{p}");
    }
    assert!(ga.iterations > 20 * nt.iterations, "{} vs {}", ga.iterations, nt.iterations);
}

#[test]
fn adam_fits_the_weibull() {
    let r = run("lifetimes-weibull");
    assert!(r.converged, "{}", r.stop_reason.name());
    assert!((param(&r, "shape") - 2.0).abs() < 0.3);
}
