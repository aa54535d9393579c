//! Every classification preset loads, builds its run, and shows its lesson's claim when
//! fitted: the library's log loss is −ℓ/m; separable classes stop at the boundary and say
//! why; label noise cannot take the loss below the conditional entropy; XOR defeats the
//! linear model and not the network; softmax fits three classes; squared error's gradient
//! vanishes at the saturated start where cross-entropy's does not.

use mlex::optim::fit::StopReason;
use mlex::scenario::{self, AnyScenario, CLASS_PRESETS, ClassScenario};
use mlex::stats::classify::ClassifierKind;
use mlex::stats::classify::Linear;
use mlex::stats::classify::squared::SquaredError;
use mlex::stats::model::Model;
use mlex::tui::action::{Action, Work};
use mlex::tui::class_app::ClassApp;
use mlex::tui::class_loop::apply;

fn preset(name: &str) -> ClassScenario {
    match scenario::load_any(name).expect("a preset") {
        AnyScenario::Classification(c) => c,
        AnyScenario::Density(_) => panic!("{name} is a density scenario"),
    }
}

/// The explorer on `name`, run with `f` to a stop.
fn fitted(name: &str) -> ClassApp {
    let mut app = ClassApp::new(preset(name), None, false).expect("builds");
    let _ = apply(&mut app, Action::FastForward);
    for _ in 0..10_000 {
        if !app.running {
            break;
        }
        let _ = apply(&mut app, Action::Tick(Work { steps: 64, cells: 0, points: 0 }));
    }
    assert!(!app.running, "{name} did not stop");
    app
}

#[test]
fn every_classification_preset_loads_builds_and_has_a_lesson() {
    assert_eq!(CLASS_PRESETS.len(), 6);
    for (name, _) in CLASS_PRESETS {
        let s = preset(name);
        assert!(s.lesson.len() > 200, "{name}: a lesson");
        let app = ClassApp::new(s, None, false).expect("builds");
        assert_eq!(app.run.points.len(), app.scenario.sample_size, "{name}");
        assert!(app.run.now.cross_entropy.is_finite(), "{name}");
    }
}

#[test]
fn why_cross_entropy_the_library_log_loss_is_minus_mean_log_likelihood() {
    let app = fitted("why-cross-entropy");
    let now = app.run.now;
    let m = app.run.points.len() as f64;
    assert!((now.cross_entropy + now.log_likelihood / m).abs() < 1e-15);
    // Computed independently, point by point from the probabilities, as a library does.
    assert!((now.library - now.cross_entropy).abs() < 1e-12 * now.cross_entropy);
    // Maximum likelihood: the fit converged to the MLE Newton found at load.
    assert_eq!(app.run.fit.verdict(), Some(StopReason::GradientTolerance));
    let mle = app.run.mle.as_ref().expect("an MLE");
    for (a, b) in app.run.fit.current().natural.iter().zip(mle) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
}

#[test]
fn separable_classes_stop_at_the_boundary_and_say_the_classes_are_separable() {
    let app = fitted("separable-classes");
    let reason = app.run.fit.verdict().expect("a stop");
    assert!(matches!(reason, StopReason::Boundary { .. }), "{reason:?}");
    assert!(!reason.converged());
    assert!(app.message.contains("separable"), "{}", app.message);
    assert!(app.run.mle.is_none() && app.run.mle_note.contains("separable"));
    assert!(app.run.now.cross_entropy < 1e-6, "ℓ/m runs to its supremum 0");
    assert!((app.run.now.accuracy - 1.0).abs() < 1e-15);
}

#[test]
fn label_noise_keeps_the_loss_at_the_conditional_entropy() {
    let app = fitted("label-noise");
    let run = &app.run;
    let d = run.decomposition;
    // On fresh x the loss is the irreducible part plus a gap that is never negative.
    assert!(d.gap >= 0.0 && d.cross_entropy >= d.irreducible);
    assert!(d.irreducible > 0.6, "noisy labels: {}", d.irreducible);
    // The training loss is a sample mean of −ln q(yᵢ | xᵢ): it may sit below the floor only
    // by sampling noise. Its standard error from the per-point losses themselves:
    let model = Linear::new(&run.points);
    let theta = &run.fit.current().natural;
    let mut per_point = vec![0.0; run.points.len()];
    model.ln_points(theta, 0, &mut per_point);
    let m = per_point.len() as f64;
    let mean = -per_point.iter().sum::<f64>() / m;
    let var = per_point.iter().map(|l| (-l - mean).powi(2)).sum::<f64>() / (m - 1.0);
    let se = (var / m).sqrt();
    assert!((mean - run.now.cross_entropy).abs() < 1e-12);
    assert!(
        run.now.cross_entropy > d.irreducible - 4.0 * se,
        "{} vs {}",
        run.now.cross_entropy,
        d.irreducible
    );
    assert!(run.now.cross_entropy < d.irreducible + 4.0 * se);
}

#[test]
fn xor_logistic_stays_near_ln_2_and_the_network_goes_far_below() {
    let net = fitted("xor-hidden-layer");
    assert_eq!(net.run.choices.model, ClassifierKind::Mlp);
    let ln2 = std::f64::consts::LN_2;
    assert!(net.run.now.cross_entropy < 0.3 * ln2, "network: {}", net.run.now.cross_entropy);
    // m cycles the network to logistic regression (two classes: mlp → logistic).
    let mut app = net;
    let _ = apply(&mut app, Action::CycleModel);
    assert_eq!(app.run.choices.model, ClassifierKind::Logistic);
    let _ = apply(&mut app, Action::JumpToMle);
    let loss = app.run.now.cross_entropy;
    assert!((loss - ln2).abs() < 0.02, "logistic at its MLE: {loss}");
    assert!(app.run.now.accuracy < 0.6);
}

#[test]
fn three_classes_fit_by_softmax() {
    let app = fitted("three-classes");
    assert_eq!(app.run.choices.model, ClassifierKind::Softmax);
    assert_eq!(app.run.points.classes().len(), 3);
    assert!(app.run.fit.verdict().is_some_and(StopReason::converged));
    let d = app.run.decomposition;
    assert!(d.gap < 0.01, "softmax holds the truth: gap {}", d.gap);
}

#[test]
fn squared_error_gradient_vanishes_at_the_saturated_start_and_cross_entropy_does_not() {
    let s = preset("squared-error");
    let app = ClassApp::new(s, None, false).expect("builds");
    {
        let points = &app.run.points;
        let start = &app.run.start;
        assert_eq!(start, &vec![-8.0, 0.0]);
        let se = SquaredError::new(points).eval_natural(start).gradient_norm;
        let ce = Linear::new(points).eval_natural(start).gradient_norm;
        assert!(se * 10.0 < ce, "squared error {se} against cross-entropy {ce}");
    }
    // And the effect: 50 gradient-ascent steps by each, compared on the cross-entropy.
    let after = |app: &mut ClassApp| {
        for _ in 0..50 {
            let _ = apply(app, Action::Step);
        }
        app.run.now.cross_entropy
    };
    let mut squared = app;
    let slow = after(&mut squared);
    let _ = apply(&mut squared, Action::CycleModel); // → the network
    let _ = apply(&mut squared, Action::CycleModel); // → logistic by cross-entropy
    assert_eq!(squared.run.choices.loss, mlex::scenario::classifier::Loss::CrossEntropy);
    assert_eq!(squared.run.start, vec![-8.0, 0.0]);
    let fast = after(&mut squared);
    assert!(fast < 0.75 * slow, "cross-entropy {fast} against squared error {slow}");
}
