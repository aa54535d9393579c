//! Classification scenario files: every field of the `[classifier]` table read as written,
//! the defaults a file leaves out, a linear truth's parameters replaced, and a density
//! loader that refuses a classification file with what reads it. (Bad tables, each at its
//! line and field, are in tests/bad_scenarios.)

use mlex::optim::OptimizerKind;
use mlex::scenario::classifier::{DEFAULT_HIDDEN, Loss};
use mlex::scenario::{self, AnyScenario, ClassScenario};
use mlex::stats::classify::truth::Law;
use mlex::stats::classify::{Activation, ClassifierKind};

fn parse(text: &str) -> ClassScenario {
    match scenario::parse_any(text, "test", None).expect("parses") {
        AnyScenario::Classification(c) => c,
        AnyScenario::Density(_) => panic!("a density scenario"),
    }
}

#[test]
fn every_field_is_read_as_written() {
    let s = parse(
        r#"
title = "All fields"
lesson = "a lesson"
seed = 9
sample_size = 321

[classifier]
truth = "xor"
model = "mlp"
hidden = 5
activation = "relu"
start_seed = 4

[optimizer]
kind = "adam"
step_size = 0.02
max_steps = 77
tolerance = 1e-5

[view]
focus = "underflow"
"#,
    );
    assert_eq!((s.seed, s.sample_size, s.lesson.as_str()), (9, 321, "a lesson"));
    assert_eq!(s.truth.name, "xor");
    assert_eq!(s.model, ClassifierKind::Mlp);
    assert_eq!((s.shape.hidden, s.shape.activation, s.start_seed), (5, Activation::Relu, 4));
    assert_eq!(s.settings.kind, OptimizerKind::Adam);
    assert!((s.settings.step_size - 0.02).abs() < 1e-15);
    assert_eq!((s.stopping.max_steps, s.stopping.tolerance), (77, 1e-5));
    assert_eq!(s.focus, Some(scenario::Focus::Underflow));
    // An mlp of 5 units on 2 features, 2 classes: 5·3 + 6 parameters.
    assert_eq!(s.dim_of(ClassifierKind::Mlp), 21);
}

#[test]
fn defaults_follow_the_truth_and_newton() {
    let two = parse("title = \"t\"\n[classifier]\ntruth = \"logistic-1d\"\n");
    assert_eq!((two.model, two.loss), (ClassifierKind::Logistic, Loss::CrossEntropy));
    assert_eq!(two.settings.kind, OptimizerKind::Newton);
    assert_eq!((two.sample_size, two.seed, two.start.as_ref()), (200, 1, None));
    assert_eq!(two.shape.hidden, DEFAULT_HIDDEN);
    let three = parse("title = \"t\"\n[classifier]\ntruth = \"softmax-3\"\n");
    assert_eq!(three.model, ClassifierKind::Softmax);
}

#[test]
fn a_linear_truth_takes_its_parameters_and_a_start_of_the_model_length() {
    let s = parse(
        "title = \"t\"\n[classifier]\ntruth = \"logistic-1d\"\ntruth_params = [3.5, 1.0]\n\
         objective = \"squared_error\"\nstart = [-8.0, 0.5]\n",
    );
    assert_eq!(s.truth.law, Law::Linear { theta: vec![3.5, 1.0] });
    assert_eq!(s.loss, Loss::SquaredError);
    assert_eq!(s.start, Some(vec![-8.0, 0.5]));
}

#[test]
fn the_density_loader_names_the_classification_explorer() {
    let err = scenario::load("xor-hidden-layer").expect_err("not a density scenario");
    assert!(err.to_string().contains("classification scenario"), "{err}");
    assert!(scenario::is_classification_name("squared-error"));
    assert!(!scenario::is_classification_name("normal-basics"));
}

#[test]
fn mlex_run_and_check_read_a_classification_file() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(["run", "--scenario", "separable-classes", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["stop_reason"], "boundary");
    assert_eq!(v["converged"], false);
    assert_eq!(v["truth"]["name"], "separable");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlex"))
        .arg("check")
        .args(
            [
                "why-cross-entropy",
                "label-noise",
                "xor-hidden-layer",
                "three-classes",
                "squared-error",
            ]
            .map(|n| dir.join(format!("{n}.toml"))),
        )
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("ok")).count(),
        5
    );
}
