//! Snapshots at 120×40 of what the user works with directly: the edit form (open, and with an
//! error naming its field), the step view per optimiser, and the footer in each context
//! (paused, running, after a step limit, with an overlay open).

use mlex::scenario;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::footer::hints;
use mlex::tui::form::FieldKind;
use mlex::tui::pane::Overlay;
use mlex::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    let mut a =
        App::new(scenario::load("normal-basics").expect("preset"), None, false).expect("app");
    apply(&mut a, Action::Resize(120, 40));
    fill(&mut a);
    a
}

fn fill(a: &mut App) {
    while a.run.surface_pending() {
        apply(a, Action::Tick(Work { steps: 0, cells: 4096, points: 1 << 16 }));
    }
}

fn render(a: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| view::draw(f, a)).expect("draw");
    terminal
}

#[test]
fn the_edit_form() {
    let mut a = app();
    apply(&mut a, Action::OpenEdit);
    insta::assert_snapshot!("form_open", render(&a).backend());
    if let Overlay::Edit(f) = &mut a.overlay {
        f.set(FieldKind::SampleSize, "ten");
    }
    apply(&mut a, Action::Submit);
    insta::assert_snapshot!("form_error", render(&a).backend());
}

#[test]
fn the_step_view_of_each_optimiser() {
    let mut a = app();
    apply(&mut a, Action::ToggleStepView);
    for name in ["gradient_ascent", "momentum", "adam", "newton"] {
        assert_eq!(a.session.settings.kind.name(), name);
        for _ in 0..3 {
            apply(&mut a, Action::Step);
        }
        fill(&mut a);
        insta::assert_snapshot!(format!("step_view_{name}"), render(&a).backend());
        apply(&mut a, Action::CycleOptimizer);
    }
}

#[test]
fn the_footer_follows_the_context() {
    let mut a = app();
    let paused = hints(&a);
    assert!(paused.starts_with("space step · r run") && paused.contains("q quit"), "{paused}");
    insta::assert_snapshot!("footer_paused", render(&a).backend());
    apply(&mut a, Action::ToggleRun);
    assert!(hints(&a).starts_with("r pause"), "{}", hints(&a));
    apply(&mut a, Action::ToggleRun);
    apply(&mut a, Action::ToggleHelp);
    assert!(hints(&a).starts_with("Esc or ? closes the help"));
    apply(&mut a, Action::ToggleHelp);
    // A step limit of 3: the footer says what can be done next.
    a.session.stopping.max_steps = 3;
    apply(&mut a, Action::ToggleRun);
    while a.running {
        apply(&mut a, Action::Tick(Work::default()));
    }
    assert!(
        hints(&a).starts_with("step limit reached: r runs as many steps again"),
        "{}",
        hints(&a)
    );
    insta::assert_snapshot!("footer_step_limit", render(&a).backend());
}

#[test]
fn the_help_reads_whole_at_80x24() {
    let mut a = app();
    apply(&mut a, Action::Resize(80, 24));
    apply(&mut a, Action::ToggleHelp);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| view::draw(f, &a)).expect("draw");
    let screen = format!("{}", terminal.backend());
    // Every binding's keys are on screen.
    for (keys, _) in mlex::tui::keys::help_lines() {
        assert!(screen.contains(keys), "{keys} is not shown:\n{screen}");
    }
    insta::assert_snapshot!("help_80x24", terminal.backend());
}
