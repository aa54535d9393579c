//! The classification explorer at the level of `ClassApp::update`: each key does what the
//! help says (the same keys as the density explorer), rebuilds go through effects carried
//! out in place, and the picker moves between the two explorers. Then snapshots of the
//! whole screen at 120×40 (fixed seeds, no colour) and the real loop driven by keys.

use std::sync::atomic::AtomicBool;

use mlex::optim::OptimizerKind;
use mlex::scenario::classifier::Loss;
use mlex::scenario::{self, AnyScenario, ClassScenario};
use mlex::stats::classify::ClassifierKind;
use mlex::tui::action::{Action, Work};
use mlex::tui::class_app::ClassApp;
use mlex::tui::class_loop::{self, Leave, apply};
use mlex::tui::class_view;
use mlex::tui::pane::{Overlay, Pane};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn preset(name: &str) -> ClassScenario {
    match scenario::load_any(name).expect("a preset") {
        AnyScenario::Classification(c) => c,
        AnyScenario::Density(_) => panic!("{name} is a density scenario"),
    }
}

fn app(name: &str) -> ClassApp {
    ClassApp::new(preset(name), None, false).expect("builds")
}

#[test]
fn step_run_pace_and_fast_forward() {
    let mut a = app("why-cross-entropy");
    let _ = apply(&mut a, Action::Step);
    assert_eq!(a.run.fit.iteration(), 1);
    assert!(a.run.ce_series.points().len() >= 2);
    let _ = apply(&mut a, Action::ToggleRun);
    assert!(a.running);
    let _ = apply(&mut a, Action::Tick(Work { steps: 5, cells: 0, points: 0 }));
    assert_eq!(a.run.fit.iteration(), 6);
    let _ = apply(&mut a, Action::ToggleRun);
    assert!(!a.running && a.message == "paused");
    let before = a.steps_per_second();
    let _ = apply(&mut a, Action::Faster);
    assert_ne!(a.steps_per_second(), before);
    let _ = apply(&mut a, Action::FastForward);
    assert!(a.running && a.steps_per_second().is_none());
    while a.running {
        let _ = apply(&mut a, Action::Tick(Work { steps: 100, cells: 0, points: 0 }));
    }
    assert!(a.message.contains("converged"), "{}", a.message);
}

#[test]
fn optimiser_and_step_size_keep_theta() {
    let mut a = app("why-cross-entropy");
    let _ = apply(&mut a, Action::Step);
    let theta = a.run.fit.current().natural.clone();
    let _ = apply(&mut a, Action::StepSizeUp);
    assert!((a.run.choices.settings.step_size - 2.0).abs() < 1e-15);
    let _ = apply(&mut a, Action::StepSizeDown);
    let _ = apply(&mut a, Action::StepSizeDown);
    assert!((a.run.fit.settings().step_size - 0.5).abs() < 1e-15);
    let _ = apply(&mut a, Action::CycleOptimizer);
    assert_eq!(a.run.fit.settings().kind, OptimizerKind::ALL[1]);
    assert_eq!(a.run.fit.current().natural, theta);
}

#[test]
fn size_seed_model_and_truth_rebuild_the_run() {
    let mut a = app("why-cross-entropy");
    let first = a.run.points.clone();
    let _ = apply(&mut a, Action::SampleSizeUp);
    assert_eq!(a.run.points.len(), 800);
    let _ = apply(&mut a, Action::SampleSizeDown);
    let _ = apply(&mut a, Action::SampleSizeDown);
    assert_eq!(a.run.points.len(), 200);
    let _ = apply(&mut a, Action::NewSeed);
    assert_eq!(a.run.choices.seed, 8);
    assert_ne!(a.run.points.column(0), &first.column(0)[..200]);
    // m: logistic by cross-entropy → by squared error → the network → back.
    let mut seen = Vec::new();
    for _ in 0..3 {
        let _ = apply(&mut a, Action::CycleModel);
        seen.push((a.run.choices.model, a.run.choices.loss));
    }
    assert_eq!(
        seen,
        [
            (ClassifierKind::Logistic, Loss::SquaredError),
            (ClassifierKind::Mlp, Loss::CrossEntropy),
            (ClassifierKind::Logistic, Loss::CrossEntropy),
        ]
    );
    // t: the next truth; three classes turn logistic into softmax.
    let mut truths = Vec::new();
    for _ in 0..mlex::stats::classify::truth::PRESETS.len() {
        let _ = apply(&mut a, Action::CycleTruth);
        truths.push(a.run.choices.truth.name);
        if a.run.points.classes().len() > 2 {
            assert_eq!(a.run.choices.model, ClassifierKind::Softmax);
        }
    }
    assert_eq!(truths.last(), Some(&"logistic-2d"));
    assert!(truths.contains(&"softmax-3"));
}

#[test]
fn mle_reset_focus_zoom_help_and_the_surface_pair() {
    let mut a = app("three-classes");
    let _ = apply(&mut a, Action::JumpToMle);
    let mle = a.run.mle.clone().expect("softmax has an MLE");
    assert_eq!(a.run.fit.current().natural, mle);
    let _ = apply(&mut a, Action::ResetTheta);
    assert_eq!(a.run.fit.iteration(), 0);
    assert_eq!(a.run.fit.current().natural, a.run.start);
    let _ = apply(&mut a, Action::FocusNext);
    assert_eq!(a.focus, Pane::Likelihood);
    let _ = apply(&mut a, Action::ToggleZoom);
    assert!(a.zoomed);
    let pair = a.run.surface.as_ref().map(|s| (s.px, s.py));
    let _ = apply(&mut a, Action::Right);
    let moved = a.run.surface.as_ref().map(|s| (s.px, s.py));
    assert_ne!(pair, moved);
    assert_ne!(moved.map(|p| p.0), moved.map(|p| p.1));
    let _ = apply(&mut a, Action::ToggleHelp);
    assert_eq!(a.overlay, Overlay::Help);
    let _ = apply(&mut a, Action::Back);
    assert_eq!(a.overlay, Overlay::None);
    // A network has no single MLE: M says so and leaves θ.
    let mut net = app("xor-hidden-layer");
    let theta = net.run.fit.current().natural.clone();
    let _ = apply(&mut net, Action::JumpToMle);
    assert_eq!(net.run.fit.current().natural, theta);
    assert!(net.message.contains("no one MLE"), "{}", net.message);
    let _ = apply(&mut net, Action::Quit);
    assert!(net.quit);
}

#[test]
fn the_picker_lists_both_kinds_and_moves_between_explorers() {
    let mut a = app("label-noise");
    let _ = apply(&mut a, Action::OpenPicker);
    let Overlay::Picker { items, selected } = &a.overlay else { panic!("the picker") };
    assert_eq!(items[*selected].name, "label-noise");
    assert!(items.iter().any(|i| i.name == "normal-basics"));
    let xor = items.iter().position(|i| i.name == "xor-hidden-layer").expect("listed");
    assert!(items[xor].title.starts_with("XOR"));
    let at = *selected;
    for _ in at..xor {
        let _ = apply(&mut a, Action::Down);
    }
    assert_eq!(apply(&mut a, Action::ToggleRun), None);
    assert_eq!(a.scenario.name, "xor-hidden-layer");
    assert_eq!(a.run.choices.model, ClassifierKind::Mlp);
    // A density scenario leaves this explorer with its name.
    assert_eq!(apply(&mut a, Action::Load("normal-basics".into())), Some("normal-basics".into()));
}

fn render(a: &mut ClassApp) -> Terminal<TestBackend> {
    // The surface fills a few cells a tick: fill it so the picture does not depend on timing.
    let mut ticks = 0;
    while a.run.surface_pending() {
        let _ = apply(a, Action::Tick(Work { steps: 0, cells: 64, points: 0 }));
        ticks += 1;
    }
    assert!(ticks > 1, "the surface fills over several ticks");
    let _ = apply(a, Action::Resize(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| class_view::draw(f, a)).expect("draw");
    terminal
}

#[test]
fn snapshot_why_cross_entropy_at_the_mle() {
    let mut a = app("why-cross-entropy");
    for _ in 0..5 {
        let _ = apply(&mut a, Action::Step);
    }
    let _ = apply(&mut a, Action::JumpToMle);
    insta::assert_snapshot!(render(&mut a).backend());
}

#[test]
fn snapshot_label_noise_one_feature() {
    let mut a = app("label-noise");
    for _ in 0..20 {
        let _ = apply(&mut a, Action::Step);
    }
    insta::assert_snapshot!(render(&mut a).backend());
}

#[test]
fn snapshot_three_classes_softmax() {
    let mut a = app("three-classes");
    let _ = apply(&mut a, Action::JumpToMle);
    insta::assert_snapshot!(render(&mut a).backend());
}

#[test]
fn snapshot_separable_at_the_boundary() {
    let mut a = app("separable-classes");
    let _ = apply(&mut a, Action::FastForward);
    while a.running {
        let _ = apply(&mut a, Action::Tick(Work { steps: 50, cells: 0, points: 0 }));
    }
    insta::assert_snapshot!(render(&mut a).backend());
}

#[test]
fn the_real_loop_steps_on_keys_and_quits() {
    let mut a = app("why-cross-entropy");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let key = |c: char| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let mut events = vec![key(' '), key(' '), key(' '), key('q')].into_iter();
    let stop = AtomicBool::new(false);
    let left = class_loop::run_loop(&mut terminal, &mut a, &stop, |_| Ok(events.next()))
        .expect("the loop");
    assert_eq!(left, Leave::Quit);
    assert_eq!(a.run.fit.iteration(), 3);
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("iteration 3"), "{screen}");
}

#[test]
fn the_lesson_has_its_own_box_at_80x24_and_pgdn_scrolls_it() {
    let mut a = app("why-cross-entropy");
    apply(&mut a, Action::Resize(80, 24));
    let draw = |a: &ClassApp| {
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        t.draw(|f| class_view::draw(f, a)).expect("draw");
        t.backend().buffer().content().iter().map(ratatui::buffer::Cell::symbol).collect::<String>()
    };
    let before = draw(&a);
    assert!(before.contains("Lesson") && before.contains("more: PgDn"), "{before}");
    assert!(before.contains("space step · r run"), "the footer names the keys");
    apply(&mut a, Action::LessonDown);
    assert!(a.lesson_scroll > 0 && a.message.starts_with("lesson from line"), "{}", a.message);
    assert!(draw(&a).contains("↑ PgUp"));
    apply(&mut a, Action::LessonUp);
    assert_eq!(a.lesson_scroll, 0);
}
