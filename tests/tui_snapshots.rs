//! Snapshots of the whole screen and of each pane, drawn into ratatui's TestBackend from
//! the default scenario after a fixed number of steps (fixed seed, no colour), and the real
//! run loop driven by scripted events.

use std::sync::atomic::AtomicBool;

use mlex::scenario;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::pane::Pane;
use mlex::tui::{run_loop, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// Steps taken before the snapshots: far enough that every chart has a trajectory.
const STEPS: usize = 12;

fn stepped(steps: usize) -> App {
    let mut app =
        App::new(scenario::load("normal-basics").expect("preset"), None, false).expect("app");
    for _ in 0..steps {
        apply(&mut app, Action::Step);
    }
    // Fill the likelihood surface completely so the picture does not depend on timing.
    while app.run.surface.as_ref().is_some_and(|s| !s.complete()) {
        apply(&mut app, Action::Tick(Work::default()));
    }
    app
}

fn render(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    apply(app, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| view::draw(f, app)).expect("draw");
    terminal
}

#[test]
fn whole_screen_80x24() {
    let mut app = stepped(STEPS);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn whole_screen_160x48() {
    let mut app = stepped(STEPS);
    insta::assert_snapshot!(render(&mut app, 160, 48).backend());
}

#[test]
fn below_the_minimum_size_a_message_replaces_the_panes() {
    let mut app = stepped(0);
    let t = render(&mut app, 40, 10);
    insta::assert_snapshot!(t.backend());
    for (w, h) in [(0, 0), (1, 1), (20, 5)] {
        render(&mut app, w, h);
    }
}

#[test]
fn each_pane_zoomed() {
    for pane in Pane::ALL {
        let mut app = stepped(STEPS);
        while app.focus != pane {
            apply(&mut app, Action::FocusNext);
        }
        apply(&mut app, Action::ToggleZoom);
        let name = format!("pane_{}", pane.title().to_lowercase().replace([' ', '-'], "_"));
        insta::assert_snapshot!(name, render(&mut app, 100, 30).backend());
    }
}

#[test]
fn help_overlay() {
    let mut app = stepped(0);
    apply(&mut app, Action::ToggleHelp);
    insta::assert_snapshot!(render(&mut app, 100, 36).backend());
}

#[test]
fn the_run_loop_takes_scripted_keys_and_quits() {
    let mut app = stepped(0);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let key = |c: char| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let mut script =
        vec![key(' '), key(' '), Event::Resize(90, 28), key(' '), key('q')].into_iter();
    let stop = AtomicBool::new(false);
    run_loop(&mut terminal, &mut app, &stop, |_| Ok(script.next())).expect("loop");
    assert!(app.quit);
    assert_eq!(app.run.fit.iteration(), 3);
    assert_eq!(app.size, (90, 28));
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("iteration 3"), "{screen}");
}

#[test]
fn a_stop_signal_ends_the_loop() {
    let mut app = stepped(0);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let stop = AtomicBool::new(true);
    run_loop(&mut terminal, &mut app, &stop, |_| Ok(None)).expect("loop");
    assert!(!app.quit, "left because of the signal flag, not a key");
}

#[test]
fn without_colour_no_cell_is_coloured_and_with_colour_some_are() {
    use ratatui::style::Color;
    let coloured = |color: bool| {
        let mut app = stepped(STEPS);
        app.color = color;
        let t = render(&mut app, 120, 40);
        let buffer = t.backend().buffer().clone();
        buffer.content().iter().filter(|c| c.fg != Color::Reset || c.bg != Color::Reset).count()
    };
    assert_eq!(coloured(false), 0, "NO_COLOR must leave every cell in the terminal's colours");
    assert!(coloured(true) > 100);
}
