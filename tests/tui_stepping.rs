//! Steps taken on the stepper thread give the run that steps taken in place give: the same
//! records, the same series, the same stop, whatever batches the thread's time budget cut
//! the steps into; and a key that moves θ while steps are under way drops their answer.

use mlex::optim::OptimizerKind;
use mlex::optim::fit::{Record, StopReason};
use mlex::scenario;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::{Effect, apply, perform};
use mlex::tui::worker::Worker;

/// The mixture preset at 40 000 points (past the stepper's threshold) with `optimizer`.
fn app(optimizer: OptimizerKind) -> App {
    let mut s = scenario::load("mixture-local-optimum").expect("preset");
    s.sample_size = 40_000;
    s.settings.kind = optimizer;
    App::new(s, None, false).expect("app")
}

#[derive(Debug, PartialEq)]
struct Recorded {
    history: Vec<Record>,
    ll: Vec<(f64, f64)>,
    ce: Vec<(f64, f64)>,
    truth: Vec<(f64, f64)>,
    stop: Option<StopReason>,
}

fn recorded(a: &App) -> Recorded {
    Recorded {
        history: a.run.fit.history().to_vec(),
        ll: a.run.ll_series.points().to_vec(),
        ce: a.run.ce_series.points().to_vec(),
        truth: a.run.truth_series.points().to_vec(),
        stop: a.stop_reason(),
    }
}

/// Applies `action` as the loop does: short effects in place, long ones (the steps) to the
/// worker's threads, waiting for their answers.
fn through_the_worker(a: &mut App, worker: &mut Worker, action: Action) {
    let mut pending = a.update(action);
    loop {
        while let Some(effect) = pending.pop() {
            if effect.is_long() {
                worker.submit(effect);
            } else {
                pending.extend(a.update(perform(effect)));
            }
        }
        worker.pump();
        if !a.stepping() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
        for answer in worker.answers() {
            pending.extend(a.update(answer));
        }
    }
}

/// Plays to a stop, `steps` a tick, in place (`inline`) or on the stepper thread.
fn play(optimizer: OptimizerKind, inline: bool, steps: usize) -> Recorded {
    let mut a = app(optimizer);
    let mut worker = Worker::default();
    if inline {
        a.offload_from = usize::MAX;
    }
    apply(&mut a, Action::ToggleRun);
    let mut k = 0;
    while a.running {
        let tick = Action::Tick(Work { steps, ..Work::default() });
        if inline {
            apply(&mut a, tick);
        } else {
            through_the_worker(&mut a, &mut worker, tick);
        }
        k += 1;
        assert!(k < 100_000, "never stops");
    }
    recorded(&a)
}

#[test]
fn a_run_stepped_on_the_thread_is_the_run_stepped_in_place() {
    for optimizer in [OptimizerKind::Newton, OptimizerKind::GradientAscent] {
        let inline = play(optimizer, true, 3);
        assert!(inline.stop.is_some() && inline.history.len() > 5, "{optimizer:?}: {inline:?}");
        // Many steps a request: the thread answers after its time budget, in batches.
        for steps in [1, 3, 500] {
            assert_eq!(play(optimizer, false, steps), inline, "{optimizer:?}, {steps} a tick");
        }
    }
}

#[test]
fn the_step_key_steps_on_the_thread_as_in_place() {
    let mut inline = app(OptimizerKind::Newton);
    inline.offload_from = usize::MAX;
    let mut threaded = app(OptimizerKind::Newton);
    let mut worker = Worker::default();
    for _ in 0..6 {
        apply(&mut inline, Action::Step);
        through_the_worker(&mut threaded, &mut worker, Action::Step);
    }
    assert_eq!(recorded(&threaded), recorded(&inline));
    assert_eq!(threaded.message, inline.message);
}

#[test]
fn a_reset_while_steps_are_under_way_drops_their_answer() {
    let mut a = app(OptimizerKind::Newton);
    let effects = a.update(Action::Step);
    assert!(matches!(effects.as_slice(), [Effect::Steps(_)]), "{effects:?}");
    assert!(a.stepping());
    apply(&mut a, Action::ResetTheta);
    assert!(!a.stepping());
    // The answer arrives after the reset: θ stays at the start.
    for effect in effects {
        apply(&mut a, perform(effect));
    }
    assert_eq!(a.run.fit.iteration(), 0);
    assert_eq!(a.run.fit.current().natural, a.run.start);
}
