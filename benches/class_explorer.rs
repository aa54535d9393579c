//! The classification explorer at its largest sample (`MAX_CLASS_POINTS`): building a run
//! (sampling, Newton's MLE search, the pictures), one heavy refresh after θ moves (the
//! decomposition on fresh x, the underflow trace, the field), the likelihood surface, one step, and a
//! whole frame at 120×40. Builds run on the input thread, so a build must stay within a few
//! frames. Run with `cargo bench --bench class_explorer`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mlex::scenario::{self, AnyScenario};
use mlex::tui::class_app::ClassApp;
use mlex::tui::class_run::{ClassRun, MAX_CLASS_POINTS};
use mlex::tui::class_view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn choices(name: &str) -> mlex::tui::class_run::ClassChoices {
    let AnyScenario::Classification(s) = scenario::load_any(name).expect("preset") else {
        panic!("a classification preset")
    };
    let mut c = ClassApp::choices_of(&s, None);
    c.points = MAX_CLASS_POINTS;
    c
}

fn explorer(c: &mut Criterion) {
    for name in ["why-cross-entropy", "xor-hidden-layer"] {
        let ch = choices(name);
        c.bench_function(&format!("build_{name}_{MAX_CLASS_POINTS}"), |b| {
            b.iter(|| ClassRun::build(black_box(&ch)).expect("builds"));
        });
        let mut run = ClassRun::build(&ch).expect("builds");
        c.bench_function(&format!("refresh_heavy_{name}_{MAX_CLASS_POINTS}"), |b| {
            b.iter(|| run.refresh(true));
        });
        c.bench_function(&format!("surface_{name}_{MAX_CLASS_POINTS}"), |b| {
            b.iter(|| {
                run.refresh_surface();
                run.advance_surface(usize::MAX);
            });
        });
        c.bench_function(&format!("step_and_light_refresh_{name}_{MAX_CLASS_POINTS}"), |b| {
            b.iter(|| {
                run.step();
                run.refresh(false);
            });
        });
    }
    let AnyScenario::Classification(s) = scenario::load_any("three-classes").expect("preset")
    else {
        panic!("a classification preset")
    };
    let mut app = ClassApp::new(s, None, true).expect("builds");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let _ = app.update(mlex::tui::action::Action::Resize(120, 40));
    c.bench_function("class_frame_120x40", |b| {
        b.iter(|| {
            terminal.draw(|f| class_view::draw(f, black_box(&app))).expect("draw");
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = explorer
}
criterion_main!(benches);
