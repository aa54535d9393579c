//! `App::update` for every action: each key does what the help says, and nothing else.

use mlex::optim::OptimizerKind;
use mlex::scenario;
use mlex::stats::family::FamilyKind;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::pane::{Overlay, Pane};

fn app() -> App {
    App::new(scenario::load("normal-basics").expect("preset"), None, false).expect("app")
}

fn theta(app: &App) -> Vec<f64> {
    app.run.fit.current().natural.clone()
}

#[test]
fn opens_paused_at_iteration_zero_on_the_start() {
    let a = app();
    assert_eq!(a.run.fit.iteration(), 0);
    assert!(!a.running);
    assert_eq!(theta(&a), vec![-1.0, 4.0]);
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn space_takes_one_step_up_the_likelihood() {
    let mut a = app();
    let before = a.run.fit.current().log_likelihood;
    apply(&mut a, Action::Step);
    assert_eq!(a.run.fit.iteration(), 1);
    assert!(a.run.fit.current().log_likelihood > before);
    assert_eq!(a.run.ce_series.len(), 2);
}

#[test]
fn run_advances_on_ticks_and_pauses_again() {
    let mut a = app();
    apply(&mut a, Action::ToggleRun);
    assert!(a.running);
    apply(&mut a, Action::Tick(Work::default()));
    assert!(a.run.fit.iteration() > 0);
    // The default scenario converges quickly: running stops by itself when it does.
    for _ in 0..200 {
        if !a.running {
            break;
        }
        apply(&mut a, Action::Tick(Work::default()));
    }
    assert!(!a.running, "still running after 200 ticks");
    assert!(a.stop_reason().is_some_and(mlex::optim::fit::StopReason::converged));
    // Converged: r has nothing to run, and says so rather than doing nothing.
    apply(&mut a, Action::ToggleRun);
    assert!(!a.running);
    assert!(a.message.contains("nothing to run"), "{}", a.message);
    apply(&mut a, Action::ResetTheta);
    apply(&mut a, Action::ToggleRun);
    assert!(a.running);
    apply(&mut a, Action::ToggleRun);
    assert!(!a.running);
}

#[test]
fn step_size_keys_double_and_halve_keeping_history() {
    let mut a = app();
    apply(&mut a, Action::Step);
    apply(&mut a, Action::StepSizeUp);
    assert_eq!(a.session.settings.step_size, 1.0);
    assert_eq!(a.run.fit.optimizer().step_size(), Some(1.0));
    apply(&mut a, Action::StepSizeDown);
    apply(&mut a, Action::StepSizeDown);
    assert_eq!(a.session.settings.step_size, 0.25);
    assert_eq!(a.run.fit.iteration(), 1, "history kept");
}

#[test]
fn sample_size_keys_resample_and_archive_the_run() {
    let mut a = app();
    apply(&mut a, Action::Step);
    apply(&mut a, Action::SampleSizeUp);
    assert_eq!(a.session.sample_size, 1000);
    assert_eq!(a.run.sample.len(), 1000);
    assert_eq!(a.run.fit.iteration(), 0);
    assert_eq!(a.session.archive.len(), 1);
    apply(&mut a, Action::SampleSizeDown);
    assert_eq!(a.run.sample.len(), 500);
    assert_eq!(a.session.archive.len(), 1, "a run with no steps is not archived");
    assert!(a.message.contains("sample size 500"));
}

#[test]
fn new_seed_draws_a_new_sample() {
    let mut a = app();
    let old = a.run.sample.values().to_vec();
    apply(&mut a, Action::NewSeed);
    assert_eq!(a.session.seed, 8);
    assert_ne!(a.run.sample.values(), old.as_slice());
}

#[test]
fn o_cycles_the_optimiser_keeping_theta() {
    let mut a = app();
    apply(&mut a, Action::Step);
    let before = theta(&a);
    let mut seen = vec![a.session.settings.kind];
    for _ in 0..4 {
        apply(&mut a, Action::CycleOptimizer);
        seen.push(a.session.settings.kind);
    }
    assert_eq!(seen[1], OptimizerKind::Momentum);
    assert_eq!(seen[3], OptimizerKind::Newton);
    assert_eq!(seen[4], OptimizerKind::GradientAscent);
    assert_eq!(theta(&a), before);
}

#[test]
fn m_cycles_to_the_next_family_that_can_fit_the_data() {
    let mut a = app();
    apply(&mut a, Action::CycleModel);
    // Normal data include negative values: exponential, gamma, lognormal and weibull cannot
    // fit them, laplace can.
    assert_eq!(a.session.model_kind, FamilyKind::Laplace);
    assert_eq!(a.run.model.kind(), FamilyKind::Laplace);
}

#[test]
fn t_cycles_the_truth_and_resamples() {
    let mut a = app();
    apply(&mut a, Action::CycleTruth);
    assert_eq!(a.session.truth.as_ref().map(|t| t.0), Some(FamilyKind::Exponential));
    assert!(a.run.sample.values().iter().all(|x| *x >= 0.0));
    assert_eq!(a.run.model.kind(), FamilyKind::Normal, "a normal can still fit positive data");
}

#[test]
fn zero_resets_theta_and_archives() {
    let mut a = app();
    apply(&mut a, Action::Step);
    apply(&mut a, Action::Step);
    apply(&mut a, Action::ResetTheta);
    assert_eq!(a.run.fit.iteration(), 0);
    assert_eq!(theta(&a), vec![-1.0, 4.0]);
    assert_eq!(a.session.archive.len(), 1);
}

#[test]
fn shift_m_jumps_to_the_closed_form_mle() {
    let mut a = app();
    apply(&mut a, Action::JumpToMle);
    let mle = a.run.mle.clone();
    assert_eq!(theta(&a), mle);
    assert!(a.run.fit.current().gradient_norm < 1e-9);
    assert_eq!(a.run.fit.iteration(), 1);
}

#[test]
fn picker_opens_moves_loads_and_closes() {
    let mut a = app();
    apply(&mut a, Action::OpenPicker);
    let Overlay::Picker { items, selected } = &a.overlay else { panic!("picker not open") };
    assert!(items.len() >= 2);
    assert_eq!(items[*selected].name, "normal-basics");
    apply(&mut a, Action::Down);
    let Overlay::Picker { items, selected } = a.overlay.clone() else { panic!("picker closed") };
    let chosen = items[selected].name.clone();
    apply(&mut a, Action::ToggleRun);
    assert_eq!(a.overlay, Overlay::None);
    assert_eq!(a.session.scenario.name, chosen);
    apply(&mut a, Action::OpenPicker);
    apply(&mut a, Action::Back);
    assert_eq!(a.overlay, Overlay::None);
    assert!(!a.quit, "Esc in the picker closes it, it does not quit");
}

#[test]
fn a_bad_scenario_shows_an_error_and_keeps_the_run() {
    let mut a = app();
    apply(&mut a, Action::Step);
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "title = 3\n").expect("write");
    apply(&mut a, Action::Load(bad.to_string_lossy().to_string()));
    assert!(matches!(&a.overlay, Overlay::Error(m) if m.contains("bad.toml:1")), "{:?}", a.overlay);
    assert_eq!(a.run.fit.iteration(), 1);
    apply(&mut a, Action::Back);
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn tab_focuses_panes_in_order_and_z_zooms() {
    let mut a = app();
    assert_eq!(a.focus, Pane::Data);
    apply(&mut a, Action::FocusNext);
    assert_eq!(a.focus, Pane::Likelihood);
    apply(&mut a, Action::FocusPrev);
    apply(&mut a, Action::FocusPrev);
    assert_eq!(a.focus, Pane::Status);
    apply(&mut a, Action::ToggleZoom);
    assert!(a.zoomed);
    apply(&mut a, Action::ToggleZoom);
    assert!(!a.zoomed);
}

#[test]
fn export_writes_new_files_and_never_overwrites() {
    let mut a = app();
    let dir = tempfile::tempdir().expect("temp dir");
    a.export_dir = dir.path().to_path_buf();
    apply(&mut a, Action::Step);
    apply(&mut a, Action::Export);
    apply(&mut a, Action::Step);
    apply(&mut a, Action::Export);
    let first = std::fs::read_to_string(dir.path().join("mlex-normal-basics.csv")).expect("first");
    let second =
        std::fs::read_to_string(dir.path().join("mlex-normal-basics-2.csv")).expect("second");
    assert!(first.starts_with("run,label,iteration,event,"));
    assert_eq!(first.lines().count(), 3, "header, start, one step");
    assert_eq!(second.lines().count(), 4);
    assert!(second.contains("mu=") && second.contains(";sigma="));
    let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(leftovers, 2, "no temporary file left behind");
}

#[test]
fn help_opens_and_closes() {
    let mut a = app();
    apply(&mut a, Action::ToggleHelp);
    assert_eq!(a.overlay, Overlay::Help);
    apply(&mut a, Action::Step);
    assert_eq!(a.run.fit.iteration(), 0, "keys other than close do nothing under the help");
    apply(&mut a, Action::ToggleHelp);
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn arrows_choose_the_surface_parameters() {
    let mut a = app();
    assert_eq!(a.run.pair, (0, 1));
    apply(&mut a, Action::Right);
    assert_eq!(a.run.pair, (1, 0), "two parameters: the axes swap");
    let mut mix = App::new(
        scenario::parse(
            "title = \"m\"\nsample_size = 300\n[truth]\nfamily = \"normal_mixture\"\nparams = { weight = 0.4, mu1 = -2, sigma1 = 1, mu2 = 2, sigma2 = 1 }\n[model]\nfamily = \"normal_mixture\"\n",
            "mixture",
            None,
        )
        .expect("scenario"),
        None,
        false,
    )
    .expect("app");
    apply(&mut mix, Action::Right);
    assert_eq!(mix.run.pair, (2, 1), "x skips the y parameter");
    apply(&mut mix, Action::Up);
    assert_eq!(mix.run.pair, (2, 3));
    apply(&mut mix, Action::Down);
    apply(&mut mix, Action::Down);
    assert_eq!(mix.run.pair, (2, 0), "y skips the x parameter");
}

#[test]
fn esc_only_closes_overlays_and_q_quits() {
    let mut a = app();
    apply(&mut a, Action::ToggleHelp);
    apply(&mut a, Action::Back);
    assert_eq!(a.overlay, Overlay::None);
    apply(&mut a, Action::Back);
    assert!(!a.quit, "a single Esc on the main screen must not quit");
    assert!(a.message.contains("q or Ctrl-C quits"), "{}", a.message);
    let mut b = app();
    apply(&mut b, Action::Quit);
    assert!(b.quit);
}

#[test]
fn resize_records_the_size() {
    let mut a = app();
    apply(&mut a, Action::Resize(81, 25));
    assert_eq!(a.size, (81, 25));
}

#[test]
fn with_more_than_two_parameters_the_surface_follows_theta() {
    let text = "title = \"m\"\nsample_size = 300\n[truth]\nfamily = \"normal_mixture\"\n\
                params = { weight = 0.4, mu1 = -2, sigma1 = 1, mu2 = 2, sigma2 = 1 }\n\
                [model]\nfamily = \"normal_mixture\"\n";
    let mut a = App::new(scenario::parse(text, "mixture", None).expect("scenario"), None, false)
        .expect("app");
    let complete = |a: &mut App| {
        while a.run.surface.as_ref().is_some_and(|s| !s.complete()) {
            apply(a, Action::Tick(Work::default()));
        }
    };
    complete(&mut a);
    apply(&mut a, Action::Step);
    complete(&mut a);
    let s = a.run.surface.as_ref().expect("surface");
    let now = theta(&a);
    for i in (0..now.len()).filter(|i| *i != s.px && *i != s.py) {
        assert_eq!(s.base[i], now[i], "parameter {i} not held at the current θ");
    }
}

#[cfg(unix)]
#[test]
fn export_never_writes_through_a_planted_symlink() {
    let mut a = app();
    let dir = tempfile::tempdir().expect("temp dir");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").expect("victim");
    // The names an export used to write through: its predictable temporary name, for any
    // process id, and the final name.
    let pid = std::process::id();
    for name in [format!(".mlex-export-{pid}.tmp"), "mlex-normal-basics.csv".to_string()] {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).expect("symlink");
    }
    a.export_dir = dir.path().to_path_buf();
    apply(&mut a, Action::Step);
    apply(&mut a, Action::Export);
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    let written =
        std::fs::read_to_string(dir.path().join("mlex-normal-basics-2.csv")).expect("exported");
    assert!(written.starts_with("run,label,iteration,event,"));
}

#[test]
fn a_failed_export_names_the_folder_and_keeps_the_run() {
    let mut a = app();
    a.export_dir = std::path::PathBuf::from("/nonexistent/folder");
    apply(&mut a, Action::Step);
    apply(&mut a, Action::Export);
    let Overlay::Error(message) = &a.overlay else { panic!("no error shown: {:?}", a.overlay) };
    assert!(message.contains("/nonexistent/folder"), "{message}");
    assert_eq!(a.run.fit.iteration(), 1);
}

#[test]
fn status_shows_the_standard_errors_mlex_fit_reports() {
    // normal-basics' MLE is the closed form; its standard errors are σ̂/√m and σ̂/√(2m).
    let a = app();
    let m = a.run.sample.len() as f64;
    let sigma = a.run.mle[1];
    let se: Vec<f64> = a.run.mle_se.iter().map(|s| s.expect("a verified maximum")).collect();
    assert!((se[0] - sigma / m.sqrt()).abs() <= 1e-6 * se[0], "{se:?}");
    assert!((se[1] - sigma / (2.0 * m).sqrt()).abs() <= 1e-6 * se[1], "{se:?}");
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).expect("t");
    term.draw(|f| mlex::tui::view::draw(f, &a)).expect("draw");
    let screen: String =
        term.backend().buffer().content().iter().map(ratatui::buffer::Cell::symbol).collect();
    for (name, se) in ["mu", "sigma"].iter().zip(&se) {
        let shown = format!(
            "{name} {} ± {}",
            mlex::format::readable(a.run.mle[usize::from(*name == "sigma")]),
            mlex::format::readable(*se)
        );
        assert!(screen.contains(&shown), "the status shows {shown}");
    }
}
