//! "Converged" means a verified maximum. Each case here was reported `converged: true` before
//! the check of a maximum existed (momentum and Adam run downhill, a step too small to move,
//! a flat start far below the maximum, a saddle), and each must now say what happened; and
//! every family fitted by every optimiser from its moment start still converges where it
//! reaches the maximum.

mod run;

use std::path::Path;

use mlex::optim::fit::{Fit, StopReason, Stopping};
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::FamilyKind;
use mlex::stats::objective::{Model as _, Objective};
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use serde_json::Value;

/// `mlex fit --data tests/data/small.txt --model MODEL ARGS --format json`, parsed.
fn fit(model: &str, args: &[&str]) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all =
        vec!["fit", "--data", "tests/data/small.txt", "--model", model, "--format", "json"];
    all.extend_from_slice(args);
    let (status, out, err) = run::mlex_in(root, &all);
    assert_eq!(status, 0, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

/// The Newton fit from the moments: the reference maximum.
fn reference(model: &str) -> f64 {
    fit(model, &[])["log_likelihood"].as_f64().expect("ℓ")
}

#[test]
fn optimisers_that_run_downhill_are_not_converged() {
    let best = reference("normal");
    for args in [
        ["--optimizer", "momentum", "--step-size", "5"],
        ["--optimizer", "momentum", "--step-size", "50"],
        ["--optimizer", "adam", "--step-size", "50"],
    ] {
        let mut all = vec!["--start", "mu=0,sigma=3"];
        all.extend_from_slice(&args);
        let r = fit("normal", &all);
        let ll = r["log_likelihood"].as_f64().expect("ℓ");
        assert!(ll < best - 1.0, "{args:?} did reach the maximum: pick a harder case");
        assert_eq!(r["converged"], Value::Bool(false), "{args:?}: {r}");
        assert_eq!(r["stop_reason"], "diverged", "{args:?}");
    }
}

#[test]
fn a_step_too_small_to_move_is_not_a_maximum() {
    let r = fit(
        "normal",
        &["--start", "mu=0,sigma=3", "--optimizer", "gradient_ascent", "--step-size", "1e-17"],
    );
    assert_eq!(r["converged"], Value::Bool(false), "{r}");
    assert_eq!(r["stop_reason"], "step_too_small");
}

#[test]
fn a_flat_start_far_below_the_maximum_is_not_a_maximum() {
    let best = reference("weibull");
    let r = fit("weibull", &["--start", "shape=1e-300,scale=1"]);
    let ll = r["log_likelihood"].as_f64().expect("ℓ");
    if ll < best - 1e-6 * best.abs() {
        assert_eq!(r["converged"], Value::Bool(false), "{r}");
    } else {
        assert_eq!(r["converged"], Value::Bool(true), "reached the maximum: {r}");
    }
}

#[test]
fn a_mixture_component_collapsing_onto_a_point_is_unbounded_not_converged() {
    for optimizer in ["newton", "gradient_ascent", "adam"] {
        let start = "weight=0.3,mu1=1.2,sigma1=0.01,mu2=2,sigma2=1";
        let r = fit("normal_mixture", &["--optimizer", optimizer, "--start", start]);
        assert_eq!(r["converged"], Value::Bool(false), "{optimizer}: {r}");
        assert_eq!(r["stop_reason"], "unbounded", "{optimizer}");
        assert!(r["params"]["sigma1"].as_f64().expect("sigma1") < 1e-6);
    }
}

#[test]
fn a_cauchy_sample_mostly_at_one_value_has_no_maximum_and_says_so() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = run::write_file(dir.path(), "mostly_three.txt", "3\n3\n3\n3\n1\n7\n2\n");
    let (status, _, err) =
        run::mlex_in(Path::new("."), ["fit", "--data", &path, "--model", "cauchy"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("4 of the 7 values (more than half) equal 3"), "{err}");
    assert!(err.contains("grows without bound"), "{err}");
    // Half is not more than half: the fit goes ahead, and does not call a collapse converged.
    std::fs::write(dir.path().join("half.txt"), "3\n3\n3\n1\n7\n2\n").expect("written");
    let half = dir.path().join("half.txt").to_string_lossy().into_owned();
    let (status, out, err) = run::mlex_in(
        Path::new("."),
        ["fit", "--data", &half, "--model", "cauchy", "--format", "json"],
    );
    assert_eq!(status, 0, "{err}");
    let r: Value = serde_json::from_str(&out).expect("JSON");
    if r["params"]["scale"].as_f64().expect("scale") < 1e-6 {
        assert_eq!(r["converged"], Value::Bool(false), "{r}");
    }
}

#[test]
fn a_saddle_is_named_as_such() {
    let (status, out, err) = run::mlex_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        ["run", "--scenario", "mixture-local-optimum", "--format", "json"],
    );
    assert_eq!(status, 0, "{err}");
    let r: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(r["converged"], Value::Bool(false), "{r}");
    assert_eq!(r["stop_reason"], "saddle");
}

/// Every family, every optimiser, from the moment start on 400 draws of its typical truth:
/// whatever stops as converged is a maximum (a Newton fit from there gains nothing), and
/// Newton itself converges.
#[test]
fn every_converged_stop_is_a_maximum() {
    for kind in FamilyKind::ALL {
        let (shape, truth) = kind.default_truth();
        let family = kind.build(shape);
        let sample = Sample::new(family.sample(&truth, 400, &mut seeded(5)));
        let model = Objective { family: family.as_ref(), sample: &sample };
        let start = family.start(&sample);
        let newton = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
        let stopping = Stopping { max_steps: 3000, tolerance: 1e-10 };
        let mut best = Fit::new(&model, &start, newton);
        let reason = best.run(&model, &stopping);
        assert!(
            reason.converged() || matches!(reason, StopReason::Boundary { .. }),
            "{kind}: Newton stopped with {reason:?}"
        );
        for optimizer in OptimizerKind::ALL {
            let settings = Settings { kind: optimizer, step_size: 0.05, ..Settings::default() };
            let mut fit = Fit::new(&model, &start, settings);
            let reason = fit.run(&model, &stopping);
            if reason.converged() {
                let mut polish = Fit::new(&model, &fit.current().natural, newton);
                polish.run(&model, &stopping);
                let gain = polish.current().mean_log_likelihood - fit.current().mean_log_likelihood;
                assert!(
                    gain <= 1e-9,
                    "{kind}/{optimizer}: converged {reason:?} but Newton gains {gain}"
                );
                assert!(model.eval(&fit.current().free).is_finite());
            }
        }
    }
}

#[test]
fn counts_at_poissons_largest_rate_fit_and_larger_ones_get_advice_that_applies() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let at = run::write_file(dir.path(), "at.txt", "10000000\n10000000\n");
    let (status, out, err) = run::mlex_in(
        Path::new("."),
        ["fit", "--data", &at, "--model", "poisson", "--format", "json"],
    );
    assert_eq!(status, 0, "{err}");
    let r: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(r["converged"], Value::Bool(true), "{r}");
    let lambda = r["params"]["lambda"].as_f64().expect("lambda");
    assert!((lambda - 1e7).abs() < 1e-6, "{lambda}");
    let above = run::write_file(dir.path(), "above.txt", "20000000\n30000000\n");
    let (status, _, err) =
        run::mlex_in(Path::new("."), ["fit", "--data", &above, "--model", "poisson"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("counts cannot be rescaled"), "{err}");
    assert!(!err.contains("rescale them"), "{err}");
}
