//! The command-line contract through the real binary: JSON field names, formats, presets,
//! `scenarios` and `check`.

mod run;

use serde_json::Value;

fn mlex(args: &[&str]) -> (i32, String, String) {
    run::mlex_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn json(args: &[&str]) -> Value {
    let (code, stdout, stderr) = mlex(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    serde_json::from_str(&stdout).expect("stdout is one JSON object")
}

#[test]
fn fit_json_has_every_contract_field() {
    let v =
        json(&["fit", "--data", "tests/data/small.txt", "--model", "normal", "--format", "json"]);
    for key in [
        "model",
        "n",
        "params",
        "log_likelihood",
        "mean_log_likelihood",
        "cross_entropy",
        "iterations",
        "converged",
        "gradient_norm",
        "optimizer",
        "underflow",
        "timing",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in
        ["f64_subnormal_at", "f64_zero_at", "f64_overflow_at", "f32_zero_at", "log10_likelihood"]
    {
        assert!(v["underflow"].get(key).is_some(), "missing underflow.{key}");
    }
    assert!(v["timing"]["read_seconds"].as_f64().is_some());
    assert!(v["timing"]["fit_seconds"].as_f64().is_some());
    assert!(v["timing"]["prepare_seconds"].as_f64().is_some());
    assert_eq!(v["model"], "normal");
    assert_eq!(v["n"], 7);
    assert_eq!(v["converged"], true);
    // The data: 1.2 2.3 3.1 0.7 2.2 1.9 2.8, whose mean is 14.2/7.
    let mu = v["params"]["mu"].as_f64().expect("mu");
    assert!((mu - 14.2 / 7.0).abs() < 1e-12, "mu = {mu}");
    let ll = v["log_likelihood"].as_f64().expect("ll");
    let m = v["mean_log_likelihood"].as_f64().expect("mean");
    assert!((ll / 7.0 - m).abs() < 1e-14);
    let nats = v["cross_entropy"]["nats"].as_f64().expect("nats");
    let bits = v["cross_entropy"]["bits"].as_f64().expect("bits");
    assert!((nats + m).abs() < 1e-14 && (bits - nats / std::f64::consts::LN_2).abs() < 1e-14);
    assert!(
        (v["underflow"]["log10_likelihood"].as_f64().expect("log10")
            - ll / std::f64::consts::LN_10)
            .abs()
            < 1e-12
    );
}

#[test]
fn run_json_adds_the_truth_and_the_trajectory() {
    let v = json(&[
        "run",
        "--scenario",
        "normal-basics",
        "--format",
        "json",
        "--trajectory",
        "--steps",
        "5",
    ]);
    assert_eq!(v["truth"]["family"], "normal");
    assert_eq!(v["truth"]["params"]["mu"], 2.0);
    let h = v["truth"]["truth_entropy"].as_f64().expect("entropy");
    let expected = 0.5 * (2.0 * std::f64::consts::PI * std::f64::consts::E * 1.5f64.powi(2)).ln();
    assert!((h - expected).abs() < 1e-12);
    let cross = v["truth"]["cross_entropy"].as_f64().expect("H(p,q)");
    let kl = v["truth"]["kl_divergence"].as_f64().expect("D");
    assert!((cross - (h + kl)).abs() < 1e-9 && kl > 0.0);
    assert_eq!(v["iterations"], 5);
    assert_eq!(v["converged"], false);
    assert_eq!(v["stop_reason"], "step_limit");
    assert_eq!(v["trajectory"].as_array().expect("trajectory").len(), 6);
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_does_not() {
    let a = json(&["run", "--scenario", "normal-basics", "--format", "json", "--seed", "3"]);
    let b = json(&["run", "--scenario", "normal-basics", "--format", "json", "--seed", "3"]);
    let c = json(&["run", "--scenario", "normal-basics", "--format", "json", "--seed", "4"]);
    assert_eq!(a["params"], b["params"]);
    assert_ne!(a["params"], c["params"]);
}

#[test]
fn csv_prints_one_row_per_iteration() {
    let (code, stdout, _) =
        mlex(&["run", "--scenario", "normal-basics", "--steps", "3", "--format", "csv"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "iteration,event,log_likelihood,mean_log_likelihood,gradient_norm,step_size,mu,sigma"
    );
    assert_eq!(lines.len(), 5);
    assert!(lines[1].starts_with("0,start,"));
    assert!(lines[4].starts_with("3,accepted,"));
}

#[test]
fn table_names_the_fit() {
    let (code, stdout, _) =
        mlex(&["fit", "--data", "tests/data/small.txt", "--model", "exponential"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("model") && stdout.contains("exponential"));
    assert!(stdout.contains("converged              true"));
}

#[test]
fn scenarios_lists_every_preset_with_its_title() {
    let (code, stdout, _) = mlex(&["scenarios"]);
    assert_eq!(code, 0);
    for (name, _) in mlex::scenario::PRESETS {
        let line = stdout.lines().find(|l| l.starts_with(name)).expect("preset listed");
        let title = mlex::scenario::load(name).expect("preset loads").title;
        assert!(line.ends_with(&title), "{line}");
    }
}

#[test]
fn check_accepts_good_files_and_rejects_bad_ones_with_status_2() {
    let (code, stdout, _) = mlex(&["check", "scenarios/normal-basics.toml", "underflow"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 2);
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "title = \"x\"\n[truth]\nfamily = \"normal\"\nparams = { mu = 0, sigma = -1 }\n[model]\nfamily = \"normal\"\n",
    )
    .expect("write");
    let path = bad.to_string_lossy().into_owned();
    let (code, _, stderr) = mlex(&["check", &path]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "bad.toml:4:28: truth.params.sigma: sigma must be a finite number > 0, got -1"
        ),
        "{stderr}"
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::io::Read as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(["run", "--scenario", "gamma-gradient-ascent", "--trajectory", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mlex starts");
    let mut first = [0u8; 100];
    child.stdout.take().expect("stdout").read_exact(&mut first).expect("some output");
    // The pipe's reader is dropped here, as `| head -c100` would.
    let out = child.wait_with_output().expect("mlex ends");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_said_once_with_status_1() {
    use std::process::{Command, Stdio};
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let out = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(["run", "--scenario", "normal-basics", "--format", "json"])
        .stdout(Stdio::from(full))
        .output()
        .expect("mlex runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("mlex: cannot write the output:"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_fifo_among_the_scenarios_neither_blocks_the_listing_nor_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("scenarios")).expect("folder");
    let fifo = dir.path().join("scenarios").join("blocker.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    // Each of these would wait for a writer forever if it opened the FIFO.
    let (code, stdout, stderr) = run::mlex_in(dir.path(), ["scenarios"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("blocker"), "{stdout}");
    let (code, _, stderr) = run::mlex_in(dir.path(), ["check", "scenarios/blocker.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn a_scenario_file_past_the_size_limit_is_refused_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.toml");
    let mut text = String::from("title = \"x\"\nlesson = \"");
    text.push_str(&"a".repeat((mlex::scenario::MAX_SCENARIO_BYTES + 10) as usize));
    text.push_str("\"\n");
    std::fs::write(&big, text).expect("written");
    let (code, _, stderr) = run::mlex_in(dir.path(), ["check", "big.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("more than a scenario may hold"), "{stderr}");
    assert!(stderr.len() < 500, "the message echoes the file: {} bytes", stderr.len());
}

#[test]
fn titles_are_printed_without_the_escape_sequences_they_hold() {
    let dir = tempfile::tempdir().expect("temp dir");
    let evil = run::write_file(
        dir.path(),
        "evil.toml",
        "title = \"evil \\u001b[31mred\\u001b[0m\"\nlesson = \"a\\nb\\u0007\"\n[truth]\nfamily = \"normal\"\nparams = { mu = 0, sigma = 1 }\n[model]\nfamily = \"normal\"\n",
    );
    let (code, stdout, stderr) = run::mlex_in(dir.path(), ["check", "evil.toml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("evil \u{fffd}[31mred"), "{stdout:?}");
    let s = mlex::scenario::load(&evil).expect("loads");
    assert_eq!(s.lesson, "a\nb\u{fffd}", "a lesson keeps its line breaks");
}

#[test]
fn check_refuses_what_run_refuses() {
    // A truth whose entropy cannot be computed: `run` refuses it after the fit, and `check`
    // used to call it ok.
    let dir = tempfile::tempdir().expect("temp dir");
    run::write_file(
        dir.path(),
        "wide.toml",
        "title = \"t\"\n[truth]\nfamily = \"lognormal\"\nparams = { mu = 0, sigma = 1e300 }\n[model]\nfamily = \"lognormal\"\n",
    );
    let (run_code, _, run_err) = run::mlex_in(dir.path(), ["run", "--scenario", "wide.toml"]);
    let (check_code, _, check_err) = run::mlex_in(dir.path(), ["check", "wide.toml"]);
    assert_eq!(run_code == 0, check_code == 0, "run: {run_err}; check: {check_err}");
    if run_code != 0 {
        assert_eq!(check_code, 2);
        assert_eq!(run_err.trim(), check_err.trim());
    }
}

/// Every key path of a JSON value, arrays by their first element, sorted.
fn key_paths(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let here = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                out.push(here.clone());
                key_paths(v, &here, out);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                key_paths(first, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_json_key_set_is_pinned() {
    let mut keys = Vec::new();
    let run = json(&["run", "--scenario", "heavy-tails-t", "--format", "json", "--trajectory"]);
    assert_eq!(run["schema_version"], mlex::report::SCHEMA_VERSION);
    key_paths(&run, "", &mut keys);
    let fit =
        json(&["fit", "--data", "tests/data/small.txt", "--model", "gamma", "--format", "json"]);
    key_paths(&fit, "", &mut keys);
    keys.sort();
    keys.dedup();
    insta::assert_snapshot!(keys.join("\n"));
}

#[test]
fn the_data_file_may_be_positional_and_flags_have_short_forms() {
    let long =
        json(&["fit", "--data", "tests/data/small.txt", "--model", "gamma", "--format", "json"]);
    let short = json(&["fit", "tests/data/small.txt", "-m", "gamma", "-f", "json"]);
    assert_eq!(long["params"], short["params"]);
    let (code, _, stderr) = mlex(&["fit", "tests/data/small.txt", "-m", "gama"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean 'gamma'?"), "{stderr}");
    let (code, _, stderr) = mlex(&["fit", "tests/data/small.txt", "-m", "gamma", "-o", "adm"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean 'adam'?"), "{stderr}");
}

#[test]
fn a_fixed_part_flag_on_a_model_without_one_is_refused() {
    for (model, flag) in
        [("normal", "--trials"), ("poisson", "--categories"), ("binomial", "--categories")]
    {
        let (code, _, stderr) = mlex(&["fit", "tests/data/small.txt", "-m", model, flag, "3"]);
        assert_eq!(code, 2, "{model} {flag}");
        assert!(stderr.contains(&format!("{flag}: a {model} model takes no {flag}")), "{stderr}");
    }
}

#[test]
fn completions_and_the_manual_page_are_printed() {
    let (code, stdout, _) = mlex(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("_mlex()") && stdout.contains("--model"), "{stdout}");
    let (code, stdout, _) = mlex(&["completions", "zsh"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("#compdef mlex"));
    let (code, stdout, _) = mlex(&["man"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(".TH mlex 1") && stdout.contains("fit"), "{stdout}");
    let (code, stdout, _) = mlex(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Examples:"), "{stdout}");
}

/// Every null under `inference`, by its path (`se.loc`, `profile.df.upper`, …).
fn null_paths(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Null => out.push(at.to_string()),
        Value::Object(map) => {
            for (k, v) in map {
                if at.is_empty() && k == "undefined" {
                    continue;
                }
                null_paths(v, &if at.is_empty() { k.clone() } else { format!("{at}.{k}") }, out);
            }
        }
        // A matrix's null entries belong to a parameter whose `se` is null; numbers, text
        // and flags are values.
        _ => {}
    }
}

#[test]
fn every_null_in_the_inference_object_has_its_reason() {
    let runs: [&[&str]; 5] = [
        &["fit", "tests/data/small.txt", "-m", "laplace", "-f", "json"],
        &["fit", "tests/data/small.txt", "-m", "gamma", "-f", "json"],
        &["fit", "tests/data/small.txt", "-m", "student_t", "-f", "json"],
        &["run", "-s", "loaded-die", "-f", "json"],
        &["run", "-s", "heavy-tails-t", "-f", "json", "--steps", "3"],
    ];
    for args in runs {
        let model = args[2];
        let v = json(args);
        let inf = &v["inference"];
        let mut nulls = Vec::new();
        null_paths(inf, "", &mut nulls);
        let undefined = inf["undefined"].as_object().expect("undefined is an object");
        for path in &nulls {
            let why = &undefined[path.as_str()];
            assert!(why["why"].is_string() && why["message"].is_string(), "{model}: {path}");
        }
        // And nothing is explained that is not null.
        assert_eq!(undefined.len(), nulls.len(), "{model}: {nulls:?} vs {undefined:?}");
        if args[4] == "laplace" {
            assert_eq!(undefined["se.loc"]["why"], "kink", "{undefined:?}");
            assert!(inf["se"]["scale"].as_f64().is_some_and(|s| s > 0.0));
        }
    }
}

#[test]
fn the_level_is_checked_and_inference_can_be_left_out() {
    for bad in ["0", "1", "1.5", "-0.2", "nan"] {
        let (code, _, stderr) =
            mlex(&["fit", "tests/data/small.txt", "-m", "normal", "--level", bad]);
        assert_eq!(code, 2, "--level {bad}");
        assert!(stderr.contains("--level: must be strictly between 0 and 1"), "{stderr}");
    }
    let v = json(&["fit", "tests/data/small.txt", "-m", "normal", "-f", "json", "--level", "0.8"]);
    assert_eq!(v["inference"]["level"], 0.8);
    let (lo, hi) = (
        v["inference"]["wald"]["mu"]["lower"].as_f64(),
        v["inference"]["wald"]["mu"]["upper"].as_f64(),
    );
    let narrower =
        json(&["fit", "tests/data/small.txt", "-m", "normal", "-f", "json", "--level", "0.5"]);
    let width =
        |w: &Value| w["upper"].as_f64().expect("upper") - w["lower"].as_f64().expect("lower");
    assert!(width(&narrower["inference"]["wald"]["mu"]) < hi.expect("upper") - lo.expect("lower"));
    let v = json(&["fit", "tests/data/small.txt", "-m", "normal", "-f", "json", "--no-inference"]);
    assert!(v.get("inference").is_none() && v["timing"].get("inference_seconds").is_none());
    let v = json(&["run", "-s", "waiting-times", "-f", "json", "--no-inference"]);
    assert!(v.get("inference").is_none());
    let (code, table, _) = mlex(&["run", "-s", "waiting-times"]);
    assert_eq!(code, 0);
    assert!(table.contains("profile 95 %") && table.contains("AIC "), "{table}");
}

#[test]
fn the_table_prints_theta_star_and_the_expected_information_as_the_json_has_them() {
    let v = json(&["run", "--scenario", "normal-basics", "--format", "json"]);
    let inf = &v["inference"];
    // The normal's information per observation at θ̂ is diag(1/σ̂², 2/σ̂²), by hand.
    let sigma = v["params"]["sigma"].as_f64().expect("sigma");
    let info = &inf["expected_information"];
    assert!((info[0][0].as_f64().expect("I") - 1.0 / (sigma * sigma)).abs() < 1e-9);
    assert!((info[1][1].as_f64().expect("I") - 2.0 / (sigma * sigma)).abs() < 1e-9);
    assert_eq!(info[0][1].as_f64(), Some(0.0));
    let (code, table, stderr) = mlex(&["run", "--scenario", "normal-basics", "--format", "table"]);
    assert_eq!(code, 0, "{stderr}");
    let header = table.lines().find(|l| l.contains("sandwich SE")).expect("header");
    assert!(header.trim_end().ends_with("θ*"), "{header}");
    // θ* is the truth (mu = 2, sigma = 1.5): the model holds it.
    let last = |name: &str| {
        let row = table.lines().find(|l| l.trim_start().starts_with(name)).expect("row");
        row.split_whitespace().last().expect("cell").parse::<f64>().expect("number")
    };
    assert!((last("mu ") - 2.0).abs() < 1e-6 && (last("sigma ") - 1.5).abs() < 1e-6);
    let shown = mlex::format::readable(1.0 / (sigma * sigma));
    assert!(table.contains(&format!("(mu, sigma): [[{shown}, 0], [0, ")), "{table}");
}

#[test]
fn a_reason_that_names_each_parameter_is_said_once_for_all_of_them() {
    // A categorical's every p[i] has no profile for the same reason, each naming itself.
    let (code, table, stderr) = mlex(&["run", "--scenario", "loaded-die", "--format", "table"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> =
        table.lines().filter(|l| l.contains("not one free coordinate")).collect();
    assert_eq!(lines.len(), 1, "{table}");
    assert!(
        lines[0].contains("— profile (p[0], p[1], p[2], p[3], p[4], p[5]): each is not one"),
        "{}",
        lines[0]
    );
}
