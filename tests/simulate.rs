//! `mlex simulate`: the coverage of 95 % Wald and profile intervals within binomial error
//! (normal, exponential), the SD of θ̂ near the Cramér–Rao bound at large m, the same answer
//! on one thread and on two, and bad flags refused with status 2.

mod run;

use mlex::optim::inference::Level;
use mlex::report::simulate::SimulateReport;
use mlex::runner::simulate::{SimulateRequest, simulate};
use mlex::scenario;
use serde_json::Value;

fn simulated(preset: &str, repeats: usize, sizes: &[usize], seed: u64) -> SimulateReport {
    let s = scenario::load(preset).expect("a preset");
    let req = SimulateRequest {
        repeats,
        sizes: sizes.to_vec(),
        seed: Some(seed),
        level: Level::DEFAULT,
        profile: true,
    };
    simulate(&s, &req).expect("the simulation runs")
}

fn field(p: &Value, path: &[&str]) -> f64 {
    let mut v = p;
    for k in path {
        v = &v[*k];
    }
    v.as_f64().unwrap_or_else(|| panic!("{path:?} is a number in {p}"))
}

/// Every interval's coverage within 3.3 binomial SEs of 95 % (a two-sided 0.1 % band per
/// check) over R repeats, with nothing failed.
fn assert_coverage(report: &SimulateReport, repeats: usize) {
    let band = 3.3 * (0.95 * 0.05 / repeats as f64).sqrt();
    for size in &report.sizes {
        assert_eq!(size.converged, repeats, "m = {}: {:?}", size.m, size.failures);
        for (name, p) in &size.parameters {
            for kind in ["wald", "profile"] {
                let rate = field(p, &[kind, "rate"]);
                assert!(
                    (rate - 0.95).abs() <= band,
                    "{} m = {} {name} {kind}: coverage {rate} outside 0.95 ± {band}",
                    report.model,
                    size.m
                );
                assert_eq!(p[kind]["missing"], 0);
            }
        }
    }
}

#[test]
fn normal_intervals_cover_at_their_level() {
    let repeats = 400;
    let report = simulated("normal-basics", repeats, &[200], 1);
    assert!(report.contains_truth);
    assert_eq!(report.governed_by, "cramer_rao");
    assert_coverage(&report, repeats);
}

#[test]
fn exponential_intervals_cover_at_their_level() {
    let repeats = 400;
    // m = 30: the rate's likelihood is skewed there, which the profile follows.
    let report = simulated("waiting-times", repeats, &[30, 300], 2);
    assert_coverage(&report, repeats);
}

#[test]
fn the_spread_of_the_mle_approaches_the_cramer_rao_bound() {
    // The SD of R draws is within about 1/√(2(R − 1)) relative of its expectation; 3.5 of
    // those, plus the O(1/m) of the MLE's own approach at m = 2000.
    let repeats = 300;
    let band = 3.5 / (2.0 * (repeats as f64 - 1.0)).sqrt() + 0.01;
    for (preset, seed) in [("normal-basics", 3), ("waiting-times", 4)] {
        let report = simulated(preset, repeats, &[2000], seed);
        let size = &report.sizes[0];
        for (name, p) in &size.parameters {
            let (sd, cr) = (field(p, &["sd"]), field(p, &["cramer_rao_sd"]));
            assert!((sd / cr - 1.0).abs() <= band, "{preset} {name}: SD {sd} vs CR {cr}");
            // The closed forms: σ/√m and σ/√(2m) for the normal, λ/√m for the exponential.
            let want = match (preset, name.as_str()) {
                ("normal-basics", "mu") => 1.5 / 2000f64.sqrt(),
                ("normal-basics", "sigma") => 1.5 / 4000f64.sqrt(),
                (_, "rate") => 0.5 / 2000f64.sqrt(),
                other => panic!("unexpected {other:?}"),
            };
            assert!((cr - want).abs() < 1e-9 * want, "{preset} {name}: CR {cr} vs {want}");
        }
    }
}

#[test]
fn the_misspecified_spread_is_the_sandwich_not_the_bound() {
    let repeats = 300;
    let report = simulated("misspecified", repeats, &[2000], 5);
    assert!(!report.contains_truth);
    assert_eq!(report.governed_by, "sandwich");
    let sigma = &report.sizes[0].parameters["sigma"];
    let (sd, sw, cr) =
        (field(sigma, &["sd"]), field(sigma, &["sandwich_sd"]), field(sigma, &["cramer_rao_sd"]));
    let band = 3.5 / (2.0 * (repeats as f64 - 1.0)).sqrt() + 0.05;
    assert!((sd / sw - 1.0).abs() <= band, "SD {sd} vs sandwich {sw}");
    assert!(sd > 2.0 * cr, "the bound {cr} understates the spread {sd}");
}

#[test]
fn one_thread_and_two_give_the_same_answer() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
        let mut r = pool.install(|| simulated("heavy-tails-t", 24, &[300, 600], 9));
        r.seconds = 0.0;
        r
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);
    // And another seed gives other samples.
    let mut other = simulated("heavy-tails-t", 24, &[300, 600], 10);
    other.seconds = 0.0;
    assert_ne!(one.sizes, other.sizes);
}

#[test]
fn bad_flags_exit_2_with_a_clear_message() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let data_scenario = run::write_file(
        tmp.path(),
        "data.toml",
        &format!(
            "title = \"t\"\nlesson = \"l\"\n[data]\npath = \"{}\"\n[model]\nfamily = \"normal\"\n",
            dir.join("tests/data/small.txt").display()
        ),
    );
    for (args, words) in [
        (vec!["simulate", "-s", "normal-basics", "-r", "0"], "--repeats: must be from 1"),
        (
            vec!["simulate", "-s", "normal-basics", "-r", "5", "--sizes", "10,x"],
            "'x' is not a whole number",
        ),
        (vec!["simulate", "-s", "normal-basics", "-r", "5", "--sizes", "1"], "at least 2"),
        (
            vec!["simulate", "-s", "normal-basics", "-r", "5", "--level", "1.5"],
            "--level: must be strictly between 0 and 1",
        ),
        (vec!["simulate", "-s", "no-such-preset", "-r", "5"], "no preset or file named"),
        (vec!["simulate", "-s", data_scenario.as_str(), "-r", "5"], "reads a data file"),
        (vec!["simulate", "-s", "normal-basics"], "--repeats"),
    ] {
        let (code, stdout, stderr) = run::mlex_in(dir, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}

#[test]
fn the_json_holds_every_documented_field() {
    let (code, stdout, stderr) = run::mlex_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        ["simulate", "-s", "waiting-times", "-r", "20", "--sizes", "50,100", "-f", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("one JSON object");
    for key in [
        "schema_version",
        "command",
        "scenario",
        "model",
        "truth",
        "seed",
        "level",
        "repeats",
        "optimizer",
        "pseudo_true",
        "contains_truth",
        "governed_by",
        "sizes",
        "undefined",
        "seconds",
    ] {
        assert!(v.get(key).is_some(), "no {key}");
    }
    let size = &v["sizes"][1];
    assert_eq!(size["m"], 100);
    for key in ["converged", "not_converged", "failures", "parameters"] {
        assert!(size.get(key).is_some(), "no sizes[].{key}");
    }
    let rate = &size["parameters"]["rate"];
    for key in ["target", "mean", "bias", "sd", "cramer_rao_sd", "sandwich_sd", "wald", "profile"] {
        assert!(rate.get(key).is_some(), "no {key}");
    }
    for key in ["covered", "of", "rate", "se", "missing"] {
        assert!(rate["wald"].get(key).is_some(), "no wald.{key}");
    }
}
