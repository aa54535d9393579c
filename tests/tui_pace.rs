//! Paced running through `App::update`: what a run records is the same at any pace (the loop
//! only decides how many steps each tick gets), the automatic pace makes every preset's run
//! last a few seconds, `r` after a step limit goes on and after another stop says why, the
//! pace keys move between one step a second and as fast as the machine goes, and a switched
//! model has a climb to show.

use mlex::optim::fit::{Record, StopReason};
use mlex::scenario::{self, PRESETS};
use mlex::stats::underflow::UnderflowTrace;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::speed::Speed;

fn app(name: &str) -> App {
    App::new(scenario::load(name).expect("preset"), None, false).expect("app")
}

/// Everything a chart or pane draws from a run once it has stopped.
#[derive(Debug, PartialEq)]
struct Recorded {
    history: Vec<Record>,
    ll: Vec<(f64, f64)>,
    ce: Vec<(f64, f64)>,
    truth: Vec<(f64, f64)>,
    trace_theta: Vec<f64>,
    trace: UnderflowTrace,
    stop: Option<StopReason>,
}

/// Plays `name` to its stop, giving tick k `steps(k)` steps (what the loop would hand out
/// at some pace), then lets the trace finish.
fn play(name: &str, steps: impl Fn(usize) -> usize) -> Recorded {
    let mut a = app(name);
    apply(&mut a, Action::ToggleRun);
    let mut k = 0;
    while a.running || a.run.trace_pending() {
        apply(&mut a, Action::Tick(Work { steps: steps(k), ..Work::default() }));
        k += 1;
        assert!(k < 200_000, "{name} never stops");
    }
    Recorded {
        history: a.run.fit.history().to_vec(),
        ll: a.run.ll_series.points().to_vec(),
        ce: a.run.ce_series.points().to_vec(),
        truth: a.run.truth_series.points().to_vec(),
        trace_theta: a.run.trace_theta.clone(),
        trace: a.run.trace.clone(),
        stop: a.stop_reason(),
    }
}

#[test]
fn a_run_records_the_same_series_at_any_pace() {
    // Short and long runs, discrete and continuous, one with a KL gap, one past 4000
    // iterations (where the series thin out).
    for name in ["normal-basics", "loaded-die", "misspecified", "gamma-gradient-ascent"] {
        // One step a tick (60 steps/s at 60 frames), one step in four ticks (a slow pace:
        // most frames take none), and a thousand a tick (as fast as a frame allows).
        let one = play(name, |_| 1);
        let slow = play(name, |k| usize::from(k % 4 == 3));
        let fast = play(name, |_| 1000);
        assert!(one.stop.is_some(), "{name} did not stop");
        assert!(one.ll.len() > 2 && one.ce.len() > 2, "{name}: nothing recorded");
        assert_eq!(one.ll.len(), one.ce.len());
        assert_eq!(one, slow, "{name}: one step a tick vs one in four");
        assert_eq!(one, fast, "{name}: one step a tick vs a thousand");
    }
}

/// The iterations each preset's run takes, and how long the automatic pace plays them.
#[test]
fn the_automatic_pace_makes_every_preset_last_a_few_seconds() {
    for (name, _) in PRESETS {
        let n = play(name, |_| 10_000).history.len() - 1;
        let seconds: f64 = (0..n).map(|i| 1.0 / Speed::Auto.rate(i).expect("a rate")).sum();
        assert!(seconds < 10.0, "{name}: {n} steps take {seconds:.1} s");
        if n >= 20 {
            assert!(seconds > 1.5, "{name}: {n} steps flash by in {seconds:.2} s");
        }
    }
}

#[test]
fn the_pace_keys_go_from_one_step_a_second_to_max_and_back_to_auto() {
    let mut a = app("normal-basics");
    assert_eq!(a.speed, Speed::Auto);
    assert_eq!(a.steps_per_second(), Some(4.0));
    for _ in 0..12 {
        apply(&mut a, Action::Slower);
    }
    assert_eq!(a.steps_per_second(), Some(1.0));
    assert!(a.message.contains("1 step/s"), "{}", a.message);
    for _ in 0..12 {
        apply(&mut a, Action::Faster);
    }
    assert_eq!(a.speed, Speed::Max);
    assert_eq!(a.steps_per_second(), None, "max: as many as a frame allows");
    apply(&mut a, Action::AutoPace);
    assert_eq!(a.speed, Speed::Auto);
    // Fast-forward runs flat out to the stop, then the chosen pace is back.
    apply(&mut a, Action::FastForward);
    assert!(a.running && a.fast_forward);
    assert_eq!(a.steps_per_second(), None);
    while a.running {
        apply(&mut a, Action::Tick(Work { steps: 64, ..Work::default() }));
    }
    assert!(!a.fast_forward);
    assert!(a.stop_reason().is_some_and(StopReason::converged), "{}", a.message);
    assert_eq!(a.speed, Speed::Auto);
}

#[test]
fn after_a_step_limit_r_goes_on_and_says_so() {
    let text = "title = \"short\"\nseed = 7\nsample_size = 500\n[truth]\nfamily = \"normal\"\n\
                params = { mu = 2.0, sigma = 1.5 }\n[model]\nfamily = \"normal\"\n\
                start = { mu = -1.0, sigma = 4.0 }\n[optimizer]\nkind = \"gradient_ascent\"\n\
                step_size = 0.5\nmax_steps = 5\n";
    let mut a = App::new(scenario::parse(text, "short", None).expect("scenario"), None, false)
        .expect("app");
    apply(&mut a, Action::ToggleRun);
    while a.running {
        apply(&mut a, Action::Tick(Work::default()));
    }
    assert_eq!(a.stop_reason(), Some(StopReason::StepLimit));
    assert_eq!(a.run.fit.iteration(), 5);
    assert!(a.message.contains("r continues"), "{}", a.message);
    apply(&mut a, Action::ToggleRun);
    assert!(a.running, "r after the step limit must do something");
    assert!(a.message.contains("5 more steps allowed"), "{}", a.message);
    while a.running {
        apply(&mut a, Action::Tick(Work::default()));
    }
    assert_eq!(a.run.fit.iteration(), 10);
}

/// `m` used to start the new model at its moment estimates, which for the exponential and
/// the lognormal are the MLE: "converged" at iteration 0, nothing to watch.
#[test]
fn a_switched_model_has_a_climb_to_show() {
    for name in ["waiting-times", "misspecified", "normal-basics", "coin-flips", "loaded-die"] {
        let mut a = app(name);
        let first = a.run.model.kind();
        for _ in 0..16 {
            apply(&mut a, Action::CycleModel);
            let kind = a.run.model.kind();
            if kind == first {
                break;
            }
            assert_eq!(a.run.fit.iteration(), 0);
            assert_eq!(a.stop_reason(), None, "{name} → {kind}: stopped at the start");
            assert!(a.run.start_moved, "{name} → {kind}: {}", a.message);
            assert!(a.message.contains("started away from its moment estimates"), "{}", a.message);
            apply(&mut a, Action::Step);
            assert_eq!(a.run.fit.iteration(), 1, "{name} → {kind}: {}", a.message);
        }
    }
}
