//! A whole sitting at the explorer driven through `App::update` alone, with every effect
//! answered by the test: pick a scenario, step, run to convergence on ticks, export,
//! resample, change the sample size, jump to the MLE. `update` does no I/O and reads no
//! clock, so the sitting ends in the same state however much work each tick is given, and
//! twice the same sitting ends in identical states.

use std::path::PathBuf;

use mlex::optim::fit::Record;
use mlex::scenario::{self, PRESETS, Source};
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::{self, Effect};
use mlex::tui::export;
use mlex::tui::pane::{Overlay, PickerItem};

/// The test's stand-in for the loop's I/O: presets come from the binary, exports go to
/// memory.
#[derive(Default)]
struct World {
    /// Every export asked for: the folder, the file name it was given and the CSV text.
    exports: Vec<(PathBuf, String)>,
}

impl World {
    fn answer(&mut self, effect: Effect) -> Action {
        match effect {
            Effect::ListScenarios => Action::Catalogue(
                PRESETS
                    .iter()
                    .map(|(name, src)| {
                        let s = scenario::parse(src, name, None).expect("preset parses");
                        PickerItem { name: (*name).to_string(), title: s.title, lesson: s.lesson }
                    })
                    .collect(),
            ),
            // Loading reads the preset or file, and building samples, as the loop's worker
            // would.
            long @ (Effect::LoadScenario(_)
            | Effect::Build(_)
            | Effect::Steps(_)
            | Effect::Sample(_)) => effect::perform(long),
            Effect::Export { dir, scenario, runs } => {
                let path = dir.join(format!("mlex-{scenario}-{}.csv", self.exports.len() + 1));
                self.exports.push((path.clone(), export::csv(&runs)));
                Action::Exported { result: Ok(path), runs: runs.len() }
            }
        }
    }

    /// Applies an action and answers its effects (and theirs) until none is left.
    fn apply(&mut self, app: &mut App, action: Action) {
        let mut pending = app.update(action);
        while !pending.is_empty() {
            let effect = pending.remove(0);
            let answer = self.answer(effect);
            pending.extend(app.update(answer));
        }
    }
}

/// What a sitting leaves behind, for comparing two of them.
#[derive(Debug, PartialEq)]
struct State {
    scenario: String,
    seed: u64,
    sample_size: usize,
    sample: Vec<f64>,
    theta: Vec<f64>,
    iteration: usize,
    history: Vec<Record>,
    message: String,
    overlay: Overlay,
    running: bool,
    mle: Vec<f64>,
    archive: Vec<(String, Vec<Record>)>,
    trace_theta: Vec<f64>,
    surface: Option<Vec<Option<f64>>>,
    exports: Vec<(PathBuf, String)>,
}

fn state(app: &App, world: &World) -> State {
    State {
        scenario: app.session.scenario.name.clone(),
        seed: app.session.seed,
        sample_size: app.session.sample_size,
        sample: app.run.sample.values().to_vec(),
        theta: app.run.fit.current().natural.clone(),
        iteration: app.run.fit.iteration(),
        history: app.run.fit.history().to_vec(),
        message: app.message.clone(),
        overlay: app.overlay.clone(),
        running: app.running,
        mle: app.run.mle.clone(),
        archive: app.session.archive.iter().map(|r| (r.label.clone(), r.history.clone())).collect(),
        trace_theta: app.run.trace_theta.clone(),
        surface: app.run.surface.as_ref().map(|s| s.values.clone()),
        exports: world.exports.clone(),
    }
}

/// Ticks until nothing is left to do (running, tracing, filling the surface).
fn settle(world: &mut World, app: &mut App, work: Work) -> usize {
    let mut ticks = 0;
    while app.running || app.run.trace_pending() || app.run.surface_pending() {
        world.apply(app, Action::Tick(work));
        ticks += 1;
        assert!(ticks < 100_000, "the sitting never settles");
    }
    ticks
}

/// The sitting, with ticks given `work` each.
fn sitting(work: Work) -> (State, usize) {
    let mut world = World::default();
    let mut app =
        App::new(scenario::load("normal-basics").expect("preset"), None, false).expect("app");
    app.export_dir = PathBuf::from("exports-never-created");
    let mut ticks = 0;
    // Pick the gamma fitted by gradient ascent: a model without a closed-form MLE, so the
    // Newton search runs at load, and a run of hundreds of steps.
    world.apply(&mut app, Action::OpenPicker);
    while !matches!(&app.overlay, Overlay::Picker { items, selected }
        if items[*selected].name == "gamma-gradient-ascent")
    {
        world.apply(&mut app, Action::Down);
    }
    world.apply(&mut app, Action::ToggleRun);
    assert_eq!(app.session.scenario.name, "gamma-gradient-ascent");
    assert!(!app.run.mle_closed_form);
    for _ in 0..3 {
        world.apply(&mut app, Action::Step);
    }
    ticks += settle(&mut world, &mut app, work);
    world.apply(&mut app, Action::ToggleRun);
    ticks += settle(&mut world, &mut app, work);
    assert!(app.stop_reason().is_some_and(mlex::optim::fit::StopReason::converged));
    assert!(app.message.ends_with("(paused)"), "{}", app.message);
    world.apply(&mut app, Action::Export);
    assert!(app.message.starts_with("wrote exports-never-created"), "{}", app.message);
    world.apply(&mut app, Action::NewSeed);
    world.apply(&mut app, Action::Step);
    world.apply(&mut app, Action::SampleSizeUp);
    assert_eq!(app.run.sample.len(), 800);
    world.apply(&mut app, Action::JumpToMle);
    assert!(app.message.contains("Newton"), "{}", app.message);
    world.apply(&mut app, Action::ToggleRun);
    ticks += settle(&mut world, &mut app, work);
    world.apply(&mut app, Action::Export);
    (state(&app, &world), ticks)
}

#[test]
fn the_same_sitting_ends_in_the_same_state_with_small_or_large_ticks() {
    let small = Work { steps: 1, cells: 1, points: 97 };
    let large = Work { steps: 10_000, cells: 5_000, points: 1 << 20 };
    let (a, ticks_small) = sitting(small);
    let (b, ticks_large) = sitting(large);
    assert!(ticks_small > 10 * ticks_large, "{ticks_small} vs {ticks_large} ticks");
    assert_eq!(a.exports.len(), 2);
    assert_eq!(a.archive.len(), 2, "the first run (set aside by n) and one step on the new sample");
    assert_eq!(a, b);
}

#[test]
fn twice_the_same_sitting_ends_in_identical_states() {
    let (a, _) = sitting(Work::default());
    let (b, _) = sitting(Work::default());
    assert_eq!(a, b);
}

#[test]
fn update_asks_for_io_and_never_does_it() {
    let mut app =
        App::new(scenario::load("normal-basics").expect("preset"), None, false).expect("app");
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-folder");
    app.export_dir.clone_from(&missing);
    let _ = app.update(Action::Step);
    let message = app.message.clone();
    // An export into a folder that does not exist is no error to update: it only asks.
    let effects = app.update(Action::Export);
    assert!(
        matches!(effects.as_slice(), [Effect::Export { dir, scenario, runs }]
            if *dir == missing && scenario == "normal-basics" && runs.len() == 1),
        "{effects:?}"
    );
    assert_eq!(app.overlay, Overlay::None);
    assert_eq!(app.message, message);
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "update wrote something");
    // The loop's answer is what reports the failure.
    let answer = mlex::tui::effect::perform(effects.into_iter().next().expect("one effect"));
    assert!(matches!(&answer, Action::Exported { result: Err(_), runs: 1 }), "{answer:?}");
    let _ = app.update(answer);
    assert!(matches!(&app.overlay, Overlay::Error(m) if m.starts_with("export failed")));
    let _ = app.update(Action::Back);
    // A tick asks for nothing; keys that rebuild the run ask for a build (the loop runs it
    // on its worker) and change nothing on screen until its answer comes.
    assert_eq!(app.update(Action::Tick(Work::default())), Vec::new());
    let sample = app.run.sample.values().to_vec();
    for action in [Action::NewSeed, Action::SampleSizeDown] {
        let effects = app.update(action);
        assert!(matches!(effects.as_slice(), [Effect::Build(_)]), "{effects:?}");
    }
    assert_eq!(app.run.sample.values(), sample.as_slice());
    assert!(app.computing().is_some_and(|c| c.contains("sample size 250")));
    // Opening the picker and loading a scenario, even one that does not exist, only ask.
    assert_eq!(app.update(Action::OpenPicker), vec![Effect::ListScenarios]);
    assert_eq!(app.overlay, Overlay::None);
    let nowhere = missing.join("nothing.toml").to_string_lossy().into_owned();
    assert_eq!(app.update(Action::Load(nowhere.clone())), vec![Effect::LoadScenario(nowhere)]);
    assert_eq!(app.overlay, Overlay::None);
    assert_eq!(app.session.scenario.name, "normal-basics");
}

#[test]
fn a_data_scenario_rebuilds_from_the_values_read_at_load_without_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("values.txt");
    std::fs::write(&data, "0.5\n1.5\n2.25\n3\n0.75\n4.5\n2\n1\n").expect("write values");
    let path = dir.path().join("data.toml");
    std::fs::write(
        &path,
        "title = \"from a file\"\n[data]\npath = \"values.txt\"\n[model]\nfamily = \"gamma\"\n",
    )
    .expect("write scenario");
    let mut world = World::default();
    let mut app =
        App::new(scenario::load("normal-basics").expect("preset"), None, false).expect("app");
    world.apply(&mut app, Action::Load(path.to_string_lossy().into_owned()));
    assert!(matches!(app.session.scenario.source, Source::Data { .. }));
    std::fs::remove_file(&data).expect("remove values");
    let before = app.run.sample.values().to_vec();
    world.apply(&mut app, Action::CycleModel);
    assert_ne!(app.run.model.kind(), mlex::stats::family::FamilyKind::Gamma, "{}", app.message);
    assert_eq!(app.run.sample.values(), before.as_slice());
}
