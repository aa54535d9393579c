//! The explorer's inference keys at the level of `App::update`: `Q` cycles the data pane,
//! `S` starts the sampling distribution as effects the loop carries out, whose answers are
//! dropped once the run they belong to is replaced.

use mlex::scenario;
use mlex::tui::action::Action;
use mlex::tui::app::App;
use mlex::tui::effect::{Effect, apply, perform};
use mlex::tui::qq_pane::DataShow;
use mlex::tui::sampling::{Batch, TARGET};

fn app(name: &str) -> App {
    App::new(scenario::load(name).expect("preset"), None, false).expect("app")
}

#[test]
fn q_cycles_histogram_qq_pp_and_back() {
    let mut a = app("how-sure");
    assert_eq!(a.data_show, DataShow::Histogram);
    for expect in [DataShow::Qq, DataShow::Pp, DataShow::Histogram] {
        assert!(a.update(Action::CycleDataView).is_empty(), "Q needs no effect");
        assert_eq!(a.data_show, expect);
    }
    // The points are the engine's: QQ y is the sorted data, PP x the plotting positions.
    let points = a.run.how_sure.plot.as_ref().expect("continuous");
    let mut sorted = a.run.sample.values().to_vec();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(points.first().map(|p| p.sample), sorted.first().copied());
    assert_eq!(points.last().map(|p| p.sample), sorted.last().copied());
    assert!(points.windows(2).all(|w| w[0].position < w[1].position));
}

#[test]
fn a_discrete_model_has_no_qq_plot_and_says_why() {
    let a = app("sandwich");
    let why = a.run.how_sure.plot.as_ref().expect_err("poisson is discrete");
    assert!(why.contains("discrete"), "{why}");
}

#[test]
fn s_asks_for_batches_until_the_target_and_shows_them() {
    let mut a = app("how-sure");
    let effects = a.update(Action::ToggleSampling);
    assert!(a.sampling.shown);
    let [Effect::Sample(request)] = effects.as_slice() else { panic!("{effects:?}") };
    assert!(effects[0].is_long(), "repeats go to a worker");
    assert_eq!((request.from, request.id), (0, a.sampling.id));
    assert!(a.sampling.in_flight);
    // While the batch runs, keys still work.
    assert!(a.update(Action::CycleDataView).is_empty());
    assert!(!a.sampling.shown, "Q goes back to the data views");
    let effects = a.update(Action::ToggleSampling);
    assert!(effects.is_empty(), "a batch is under way: no second one");
    // The answer fills the histogram and asks for the next batch.
    let answer = perform(Effect::Sample(request.clone()));
    let next = a.update(answer);
    assert_eq!(a.sampling.done(), request.count);
    assert!(!a.sampling.histogram.bars.is_empty());
    let [Effect::Sample(second)] = next.as_slice() else { panic!("{next:?}") };
    assert_eq!(second.from, request.count);
    // Carried out to the end, as the loop would: every repeat in, then no more asked.
    apply(&mut a, perform(Effect::Sample(second.clone())));
    assert_eq!(a.sampling.done(), TARGET);
    assert!(!a.sampling.in_flight);
    assert!(a.update(Action::ToggleSampling).is_empty());
    assert!(!a.sampling.shown);
}

#[test]
fn the_sampling_distribution_matches_the_standard_error() {
    // mu's estimates over 1000 samples of m = 40 from N(10, 3²): their spread is σ/√m, which
    // the run's SE estimates; the sample sd of 1000 normals is within about 5 % of its value.
    let mut a = app("how-sure");
    apply(&mut a, Action::ToggleSampling);
    assert_eq!(a.sampling.estimates.len(), TARGET);
    let (mean, sd) = a.sampling.histogram.mean_sd.expect("estimates");
    let m = a.run.sample.len() as f64;
    let truth_sd = 3.0 / m.sqrt();
    assert!((sd / truth_sd - 1.0).abs() < 0.08, "{sd} vs {truth_sd}");
    assert!((mean - 10.0).abs() < 4.0 * truth_sd / (TARGET as f64).sqrt(), "{mean}");
}

#[test]
fn an_answer_for_a_replaced_run_is_dropped_and_the_new_run_starts_again() {
    let mut a = app("how-sure");
    let effects = a.update(Action::ToggleSampling);
    let [Effect::Sample(old)] = effects.as_slice() else { panic!("{effects:?}") };
    let old = old.clone();
    // A new sample: the build's answer replaces the run and restarts the repeats.
    let build = a.update(Action::NewSeed);
    let [Effect::Build(_)] = build.as_slice() else { panic!("{build:?}") };
    let restarted = a.update(perform(build[0].clone()));
    assert_ne!(a.sampling.id, old.id);
    let [Effect::Sample(fresh)] = restarted.as_slice() else { panic!("{restarted:?}") };
    assert_eq!((fresh.from, fresh.seed), (0, a.session.seed));
    // The old batch arrives late: dropped, nothing counted, nothing asked.
    let late = Action::Sampled {
        id: old.id,
        result: Ok(Batch { estimates: vec![vec![1.0, 1.0]; 5], failed: 0 }),
    };
    assert!(a.update(late).is_empty());
    assert_eq!(a.sampling.done(), 0);
    assert!(a.sampling.in_flight);
}

#[test]
fn a_data_file_has_no_truth_to_resample_and_says_so() {
    let dir = std::env::temp_dir().join(format!("mlex-sampling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let data = dir.join("x.txt");
    std::fs::write(&data, "1\n2\n3\n4\n5\n").expect("data");
    let toml = dir.join("s.toml");
    std::fs::write(
        &toml,
        format!(
            "title = \"t\"\nlesson = \"l\"\n[data]\npath = \"{}\"\n[model]\nfamily = \"normal\"\n",
            data.display()
        ),
    )
    .expect("scenario");
    let mut a =
        App::new(scenario::load(toml.to_str().expect("utf-8")).expect("loads"), None, false)
            .expect("app");
    assert!(a.update(Action::ToggleSampling).is_empty());
    assert!(a.sampling.why_not.as_ref().is_some_and(|w| w.contains("no truth")));
}
