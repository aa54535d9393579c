//! Every preset drawn whole at 80×24, 120×40 and 200×60 after a fixed number of steps (the
//! preset's own seed, no colour, the surface filled), so a change to any pane shows up as a
//! reviewed snapshot diff for the screens people actually look at.

use mlex::scenario::{self, PRESETS};
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Steps taken before the pictures: past the first few moves of every optimiser, short of
/// most convergences, so the path and the charts have something to show.
const STEPS: usize = 8;

/// The sizes issue 12 asks for: the smallest supported, a common one and a large one.
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn stepped(name: &str) -> App {
    let mut app = App::new(scenario::load(name).expect("preset"), None, false).expect("app");
    for _ in 0..STEPS {
        apply(&mut app, Action::Step);
    }
    // Finish every counted job (surface, trace) so the picture does not depend on timing.
    for _ in 0..100_000 {
        if app.run.surface.as_ref().is_none_or(mlex::tui::jobs::Surface::complete) {
            break;
        }
        apply(&mut app, Action::Tick(Work::default()));
    }
    app
}

fn screen(app: &mut App, (width, height): (u16, u16)) -> String {
    apply(app, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| view::draw(f, app)).expect("draw");
    format!("{}", terminal.backend())
}

#[test]
fn every_preset_at_three_sizes() {
    for (name, _) in PRESETS {
        let mut app = stepped(name);
        for size in SIZES {
            let snapshot = format!("{name}_{}x{}", size.0, size.1);
            insta::assert_snapshot!(snapshot, screen(&mut app, size));
        }
    }
}
