//! Snapshots at 120×40 of the inference views: the ℓ(θ) curve with the Wald parabola, the
//! cutoff and the profile ends; the surface with the Wald ellipse; the data pane's QQ and PP
//! plots; the sampling distribution after its repeats (fixed seeds, no colour).

use mlex::scenario;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn opened(name: &str) -> App {
    let mut app = App::new(scenario::load(name).expect("preset"), None, false).expect("app");
    apply(&mut app, Action::JumpToMle);
    for _ in 0..100_000 {
        if app.run.surface.as_ref().is_none_or(mlex::tui::jobs::Surface::complete) {
            break;
        }
        apply(&mut app, Action::Tick(Work::default()));
    }
    app
}

fn screen(app: &mut App) -> String {
    apply(app, Action::Resize(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| view::draw(f, app)).expect("draw");
    format!("{}", terminal.backend())
}

#[test]
fn the_curve_with_its_parabola_cutoff_and_profile_ends() {
    let mut app = opened("wald-vs-profile");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn the_surface_with_the_wald_ellipse() {
    let mut app = opened("how-sure");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn the_qq_and_pp_plots() {
    let mut app = opened("aic-picks");
    apply(&mut app, Action::CycleDataView);
    insta::assert_snapshot!("qq", screen(&mut app));
    apply(&mut app, Action::CycleDataView);
    insta::assert_snapshot!("pp", screen(&mut app));
}

#[test]
fn the_sampling_distribution_after_its_repeats() {
    let mut app = opened("how-sure");
    apply(&mut app, Action::ToggleSampling);
    insta::assert_snapshot!(screen(&mut app));
}
