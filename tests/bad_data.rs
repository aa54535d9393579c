//! Every bad data file gets one clear message naming the file, the line and what is wrong,
//! and exit status 2, from the real binary. One case per file in tests/bad_data/.

mod run;

use std::ffi::OsStr;
use std::path::Path;

/// (file, extra arguments, line the message must name or None, words it must contain).
const CASES: &[(&str, &[&str], Option<usize>, &str)] = &[
    ("text.txt", &["--model", "normal"], Some(3), "\"abc\" is not a number"),
    ("nan.txt", &["--model", "normal"], Some(2), "a missing value (NaN); pass --missing skip"),
    ("infinite.txt", &["--model", "normal"], Some(4), "infinite values cannot be fitted"),
    ("overflow.txt", &["--model", "normal"], Some(2), "too large for a 64-bit float"),
    ("empty.txt", &["--model", "normal"], None, "no numbers found"),
    ("only_comments.txt", &["--model", "normal"], None, "no numbers found"),
    (
        "negative_for_exponential.txt",
        &["--model", "exponential"],
        Some(3),
        "-0.25 is outside the support of exponential (x ≥ 0)",
    ),
    (
        "zero_for_gamma.txt",
        &["--model", "gamma"],
        Some(2),
        "0 is outside the support of gamma (x > 0)",
    ),
    (
        "one_for_beta.txt",
        &["--model", "beta"],
        Some(3),
        "1 is outside the support of beta (0 < x < 1)",
    ),
    (
        "single_value.txt",
        &["--model", "normal"],
        None,
        "all 4 values equal 3.5: the maximum-likelihood scale is 0",
    ),
    (
        "fraction_for_poisson.txt",
        &["--model", "poisson"],
        Some(3),
        "2.5 is outside the support of poisson (whole numbers",
    ),
    (
        "all_zero_counts.txt",
        &["--model", "poisson"],
        None,
        "all 5 counts are 0: the maximum-likelihood lambda is 0",
    ),
    (
        "two_for_bernoulli.txt",
        &["--model", "bernoulli"],
        Some(3),
        "2 is outside the support of bernoulli (0 or 1)",
    ),
    (
        "all_ones_bernoulli.txt",
        &["--model", "bernoulli"],
        None,
        "all 4 values are 1: the maximum-likelihood p is 1",
    ),
    (
        "csv_missing_column.txt",
        &["--model", "normal", "--column", "age"],
        Some(1),
        "no column named \"age\"",
    ),
    (
        "csv_ragged.txt",
        &["--model", "normal", "--column", "a"],
        Some(3),
        "this row has 1 field but the header (line 1) has 2 columns",
    ),
    (
        "csv_empty_field.txt",
        &["--model", "normal", "--column", "b"],
        Some(3),
        "b: an empty value; pass --missing skip",
    ),
    ("not_utf8.txt", &["--model", "normal"], Some(3), "not valid UTF-8"),
    ("two_per_line.txt", &["--model", "normal"], Some(1), "\"1 2\" is not a number"),
    (
        "zero_for_geometric.txt",
        &["--model", "geometric"],
        Some(2),
        "0 is outside the support of geometric (whole numbers 1, 2, 3",
    ),
    (
        "negative_category.txt",
        &["--model", "categorical"],
        Some(2),
        "-1 is outside the support of categorical (whole numbers 0 to 1, one per category)",
    ),
    (
        "needs_trials.txt",
        &["--model", "binomial"],
        None,
        "binomial needs the number of trials n: give --trials N",
    ),
    ("does_not_exist.txt", &["--model", "normal"], None, "cannot read: No such file or directory"),
];

fn run_fit(file: &str, args: &[&str]) -> (i32, String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_data").join(file);
    let mut argv = vec![OsStr::new("fit"), "--data".as_ref(), path.as_os_str()];
    argv.extend(args.iter().map(OsStr::new));
    run::mlex_in(Path::new("."), argv)
}

#[test]
fn every_bad_data_file_gets_its_own_message_and_status_2() {
    let mut failures = Vec::new();
    for &(file, args, line, words) in CASES {
        let (code, stdout, stderr) = run_fit(file, args);
        let stderr = stderr.trim_end();
        let place = match line {
            Some(l) => format!("{file}:{l}"),
            None => file.to_string(),
        };
        let ok = code == 2
            && stdout.is_empty()
            && stderr.lines().count() == 1
            && stderr.starts_with("mlex: ")
            && stderr.contains(&place)
            && stderr.contains(words)
            && !stderr.contains("panicked");
        if !ok {
            failures.push(format!(
                "{file}: status {code}, stderr {stderr:?}, wanted {place:?} and {words:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_holds_at_least_fifteen_files_each_with_a_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_data");
    let files: Vec<String> = std::fs::read_dir(dir)
        .expect("corpus folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.len() >= 15, "only {} bad data files", files.len());
    for f in &files {
        assert!(CASES.iter().any(|c| c.0 == f), "{f} has no case");
    }
}

#[test]
fn bad_flags_name_the_flag_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--model", "gaussian"], "--model: unknown family 'gaussian' (choose one of normal,"),
        (&["--model", "normal", "--optimizer", "lbfgs"], "--optimizer: unknown optimizer 'lbfgs'"),
        (
            &["--model", "normal", "--start", "mu=1,sigma=-2"],
            "--start: sigma must be a finite number > 0, got -2",
        ),
        (&["--model", "normal", "--start", "mu=x"], "--start: 'x' is not a number"),
        (&["--model", "normal", "--step-size", "-1"], "--step-size: must be a finite number > 0"),
    ];
    for &(args, words) in cases {
        let (code, _, stderr) = run_fit("../data/small.txt", args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr:?} lacks {words:?}");
    }
}

#[test]
fn endless_or_binary_input_is_refused_in_bounded_memory_with_a_short_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 3 MiB of NUL bytes and no newline: one "line" the message must not echo whole.
    let nul = dir.path().join("nul.txt");
    std::fs::write(&nul, vec![0u8; 3 << 20]).expect("written");
    let nul = nul.to_string_lossy().into_owned();
    let (code, _, stderr) =
        run::mlex_in(Path::new("."), ["fit", "--data", &nul, "--model", "normal"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.len() < 400, "{} bytes of message", stderr.len());
    // A device that never ends: refused at the first line, not read until memory runs out.
    #[cfg(unix)]
    {
        let (code, _, stderr) =
            run::mlex_in(Path::new("."), ["fit", "--data", "/dev/zero", "--model", "normal"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(":1: a line longer than"), "{stderr}");
    }
}
