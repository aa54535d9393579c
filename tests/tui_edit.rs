//! The edit form (`:`): it opens on the current values, every typed-field error names its
//! field, keeps the form open on that field and leaves the run as it was; good values are
//! applied as the keys would apply them (a rebuild through the effect, settings in place, a
//! new run from a typed start), and Esc cancels.

use mlex::optim::{Optimizer, OptimizerKind};
use mlex::scenario;
use mlex::stats::family::FamilyKind;
use mlex::tui::action::Action;
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::form::{FieldKind, Form, typing_action};
use mlex::tui::pane::Overlay;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use statrs::distribution::{Continuous as _, Normal};

fn app() -> App {
    App::new(scenario::load("normal-basics").expect("preset"), None, false).expect("app")
}

fn form(a: &mut App) -> &mut Form {
    match &mut a.overlay {
        Overlay::Edit(f) => f,
        other => panic!("the form is not open: {other:?}"),
    }
}

fn text(a: &mut App, kind: FieldKind) -> String {
    form(a).field(kind).expect("field").text.clone()
}

/// Opens the form, types `values` (whole texts) and presses Enter.
fn submit(a: &mut App, values: &[(FieldKind, &str)]) {
    apply(a, Action::OpenEdit);
    for (kind, value) in values {
        form(a).set(*kind, value);
    }
    apply(a, Action::Submit);
}

#[test]
fn the_form_opens_on_the_current_values() {
    let mut a = app();
    apply(&mut a, Action::OpenEdit);
    assert_eq!(text(&mut a, FieldKind::TruthFamily), "normal");
    assert_eq!(text(&mut a, FieldKind::TruthParams), "mu = 2, sigma = 1.5");
    assert_eq!(text(&mut a, FieldKind::SampleSize), "500");
    assert_eq!(text(&mut a, FieldKind::Seed), "7");
    assert_eq!(text(&mut a, FieldKind::StepSize), "0.5");
    assert_eq!(text(&mut a, FieldKind::Momentum), "0.9");
    assert_eq!(text(&mut a, FieldKind::Start), "mu = -1, sigma = 4");
    // Opened, then cancelled: nothing changes.
    apply(&mut a, Action::Back);
    assert_eq!(a.overlay, Overlay::None);
    assert!(a.message.contains("cancelled"), "{}", a.message);
}

/// Every way a typed field can be wrong, with what the message must say.
const BAD: &[(FieldKind, &str, &str)] = &[
    (FieldKind::TruthFamily, "normall", "truth family: no family named 'normall'"),
    (
        FieldKind::TruthParams,
        "mu = 2, sigma = -1",
        "truth parameters: sigma must be a finite number > 0",
    ),
    (FieldKind::TruthParams, "mu = 2", "truth parameters: sigma is missing"),
    (FieldKind::TruthParams, "mu = 2, sd = 1", "truth parameters: there is no parameter 'sd'"),
    (FieldKind::TruthParams, "2, 1.5, 3", "truth parameters: needs 2 values"),
    (
        FieldKind::TruthParams,
        "mu = two, sigma = 1",
        "truth parameters: mu must be a number, got 'two'",
    ),
    (
        FieldKind::SampleSize,
        "0",
        "sample size m: must be a whole number from 1 to 1000000, got '0'",
    ),
    (FieldKind::SampleSize, "2000000", "sample size m: must be a whole number from 1 to 1000000"),
    (FieldKind::SampleSize, "12.5", "sample size m: must be a whole number"),
    (FieldKind::SampleSize, "many", "sample size m: must be a whole number"),
    (FieldKind::Seed, "-3", "seed: must be a whole number from 0 to"),
    (FieldKind::StepSize, "0", "step size η: must be greater than 0"),
    (FieldKind::StepSize, "-0.1", "step size η: must be greater than 0"),
    (FieldKind::StepSize, "inf", "step size η: must be a finite number, got 'inf'"),
    (FieldKind::StepSize, "fast", "step size η: must be a finite number, got 'fast'"),
    (FieldKind::Momentum, "1", "momentum μ: must be at least 0 and below 1, got 1"),
    (FieldKind::Momentum, "-0.5", "momentum μ: must be at least 0 and below 1"),
    (FieldKind::Start, "mu = 1, sigma = 0", "start θ: sigma must be a finite number > 0, got 0"),
    (FieldKind::Start, "1, 2, 3", "start θ: needs 2 values (mu, sigma), got 3"),
    (FieldKind::Start, "mu = 1", "start θ: sigma is missing"),
];

#[test]
fn each_bad_field_is_named_and_the_run_is_kept() {
    for (kind, typed, says) in BAD {
        let mut a = app();
        apply(&mut a, Action::Step);
        let (theta, iteration) = (a.run.fit.current().natural.clone(), a.run.fit.iteration());
        let sample = a.run.sample.values().to_vec();
        let settings = a.session.settings;
        submit(&mut a, &[(*kind, typed)]);
        let f = form(&mut a).clone();
        let error = f.error.clone().unwrap_or_default();
        assert!(error.contains(says), "{kind:?} = {typed:?}: said {error:?}, not {says:?}");
        assert!(error.starts_with(kind.label()), "{error}");
        assert_eq!(f.fields[f.selected].kind, *kind, "the form went to the bad field");
        assert_eq!(f.fields[f.selected].text, *typed, "the typed text is kept to correct");
        assert_eq!(a.run.fit.current().natural, theta, "{kind:?}: θ changed");
        assert_eq!(a.run.fit.iteration(), iteration);
        assert_eq!(a.run.sample.values(), sample.as_slice(), "{kind:?}: resampled");
        assert_eq!(a.session.settings, settings);
        assert_eq!((a.session.sample_size, a.session.seed), (500, 7));
        assert!(a.computing().is_none(), "a build was asked for");
        // Esc after an error still changes nothing.
        apply(&mut a, Action::Back);
        assert_eq!(a.overlay, Overlay::None);
        assert_eq!(a.run.fit.current().natural, theta);
    }
}

#[test]
fn a_typed_sample_size_and_seed_rebuild_as_a_scenario_with_them_would() {
    let mut a = app();
    submit(&mut a, &[(FieldKind::SampleSize, "1_234"), (FieldKind::Seed, "11")]);
    assert_eq!(a.overlay, Overlay::None, "{:?}", a.overlay);
    assert_eq!((a.session.sample_size, a.session.seed), (1234, 11));
    // The same sample as the scenario opened with that size and seed.
    let mut s = scenario::load("normal-basics").expect("preset");
    s.sample_size = 1234;
    let fresh = App::new(s, Some(11), false).expect("app");
    assert_eq!(a.run.sample.values(), fresh.run.sample.values());
    assert_eq!(a.run.fit.current().natural, vec![-1.0, 4.0], "the scenario's start");
    // Any size up to the limit, not only doublings; 1e3 is a whole number too.
    submit(&mut a, &[(FieldKind::SampleSize, "1e3")]);
    assert_eq!(a.run.sample.len(), 1000);
}

#[test]
fn a_typed_truth_resamples_from_it() {
    let mut a = app();
    submit(&mut a, &[(FieldKind::TruthFamily, "poisson"), (FieldKind::TruthParams, "lambda = 3")]);
    assert_eq!(a.overlay, Overlay::None, "{:?}", a.overlay);
    let (kind, _, params) = a.session.truth.clone().expect("a truth");
    assert_eq!((kind, params), (FamilyKind::Poisson, vec![3.0]));
    let xs = a.run.sample.values();
    assert!(xs.iter().all(|x| x.fract() == 0.0 && *x >= 0.0));
    // The mean of 500 Poisson(3) draws: within 5 standard errors (√(3/500) ≈ 0.077) of 3.
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    assert!((mean - 3.0).abs() < 0.39, "mean {mean}");
    // A normal can still be fitted to whole numbers: the model stays.
    assert_eq!(a.run.model.kind(), FamilyKind::Normal);
    // In order, without names, and a categorical's k from the number of probabilities.
    submit(
        &mut a,
        &[(FieldKind::TruthFamily, "categorical"), (FieldKind::TruthParams, "0.2, 0.3, 0.5")],
    );
    let (kind, shape, params) = a.session.truth.clone().expect("a truth");
    assert_eq!((kind, shape.0, params), (FamilyKind::Categorical, Some(3), vec![0.2, 0.3, 0.5]));
    assert!(a.run.sample.values().iter().all(|x| [0.0, 1.0, 2.0].contains(x)));
}

#[test]
fn a_typed_start_is_a_new_run_from_there_and_the_old_one_is_archived() {
    let mut a = app();
    apply(&mut a, Action::Step);
    apply(&mut a, Action::Step);
    let sample = a.run.sample.values().to_vec();
    submit(&mut a, &[(FieldKind::Start, "0.5, 2")]);
    assert_eq!(a.overlay, Overlay::None);
    assert_eq!(a.run.fit.iteration(), 0);
    assert_eq!(a.run.fit.current().natural, vec![0.5, 2.0]);
    assert_eq!(a.run.sample.values(), sample.as_slice(), "the same data");
    assert_eq!(a.session.archive.len(), 1);
    assert_eq!(a.run.ll_series.len(), 1, "the series start again");
    // ℓ there is the sum of the normal's log-densities (statrs).
    let n = Normal::new(0.5, 2.0).expect("normal");
    let ll: f64 = sample.iter().map(|x| n.ln_pdf(*x)).sum();
    let got = a.run.fit.current().log_likelihood;
    assert!((got - ll).abs() < 1e-9 * ll.abs(), "{got} vs {ll}");
    // Resetting (0) goes back to the typed start.
    apply(&mut a, Action::Step);
    apply(&mut a, Action::ResetTheta);
    assert_eq!(a.run.fit.current().natural, vec![0.5, 2.0]);
}

#[test]
fn typed_step_size_and_momentum_change_the_optimiser_in_place() {
    let mut a = app();
    apply(&mut a, Action::CycleOptimizer);
    assert_eq!(a.session.settings.kind, OptimizerKind::Momentum);
    apply(&mut a, Action::Step);
    let theta = a.run.fit.current().natural.clone();
    submit(&mut a, &[(FieldKind::StepSize, "0.05"), (FieldKind::Momentum, "0.5")]);
    assert_eq!(a.overlay, Overlay::None);
    assert_eq!((a.session.settings.step_size, a.session.settings.momentum), (0.05, 0.5));
    assert_eq!(a.run.fit.optimizer().step_size(), Some(0.05));
    assert_eq!(a.run.fit.current().natural, theta, "θ kept");
    assert!(a.run.fit.iteration() >= 1, "history kept");
    // The next step is v = μ·0 + η∇ from rest (set_settings starts the optimiser afresh).
    let free_before = a.run.fit.current().free.clone();
    let g = a.run.fit.current().gradient.clone();
    apply(&mut a, Action::Step);
    let Optimizer::Momentum(m) = a.run.fit.optimizer() else { panic!("momentum") };
    for ((v, gi), (u1, u0)) in
        m.velocity().iter().zip(&g).zip(a.run.fit.current().free.iter().zip(&free_before))
    {
        assert!((v - 0.05 * gi).abs() < 1e-15 && (u1 - u0 - v).abs() < 1e-12);
    }
}

#[test]
fn keys_type_into_the_selected_field() {
    let mut a = app();
    apply(&mut a, Action::OpenEdit);
    // Down twice: truth family, truth parameters, sample size.
    apply(&mut a, Action::Down);
    apply(&mut a, Action::Down);
    for _ in 0..3 {
        apply(&mut a, Action::Erase);
    }
    for c in "2e3".chars() {
        apply(&mut a, Action::Type(c));
    }
    assert_eq!(text(&mut a, FieldKind::SampleSize), "2e3");
    // Keys that are bindings elsewhere are typed here: r does not run, q does not quit.
    for c in ['q', 'r', ' ', ':'] {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(typing_action(key), Some(Action::Type(c)));
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(typing_action(ctrl_c), Some(Action::Quit), "Ctrl-C still quits");
    apply(&mut a, Action::Up);
    apply(&mut a, Action::Type('q'));
    assert!(!a.quit && !a.running);
    apply(&mut a, Action::Erase);
    apply(&mut a, Action::Submit);
    assert_eq!(a.overlay, Overlay::None, "{:?}", a.overlay);
    assert_eq!(a.run.sample.len(), 2000);
}
