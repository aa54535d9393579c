//! Whole-screen render at 200×60 with 10^6 samples (the TUI's frame budget is 5 ms), and one
//! tick of continuous running on a family without sufficient statistics, given the work the
//! loop starts every run with, `Work::default()` (the loop then sizes it to about 12 ms; a
//! key waits at most one tick). Run with `cargo bench --bench render`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mlex::scenario;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app(family: &str, params: &str) -> App {
    let text = format!(
        "title = \"bench\"\nseed = 3\nsample_size = 1000000\n[truth]\nfamily = \"{family}\"\nparams = {{ {params} }}\n[model]\nfamily = \"{family}\"\n"
    );
    let s = scenario::parse(&text, "bench", None).expect("bench scenario");
    let mut app = App::new(s, None, true).expect("app");
    for _ in 0..20 {
        apply(&mut app, Action::Step);
    }
    app
}

fn render(c: &mut Criterion) {
    let mut normal = app("normal", "mu = 1.0, sigma = 2.0");
    while normal.run.surface.as_ref().is_some_and(|s| !s.complete()) {
        apply(&mut normal, Action::Tick(Work::default()));
    }
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    apply(&mut normal, Action::Resize(200, 60));
    c.bench_function("frame_200x60_normal_1e6", |b| {
        b.iter(|| {
            terminal.draw(|f| view::draw(f, black_box(&normal))).expect("draw");
        });
    });

    let mut cauchy = app("cauchy", "loc = 0.0, scale = 1.0");
    apply(&mut cauchy, Action::ToggleRun);
    c.bench_function("tick_running_cauchy_1e6", |b| {
        b.iter(|| {
            apply(&mut cauchy, Action::Tick(Work::default()));
            if !cauchy.running {
                apply(&mut cauchy, Action::ResetTheta);
                apply(&mut cauchy, Action::ToggleRun);
            }
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = render
}
criterion_main!(benches);
