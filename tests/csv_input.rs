//! The data formats people hand mlex, through the real binary (issue 15): standard input,
//! TSV and R's `write.table` output told from their header, missing values refused with the
//! line or left out on request, rows starting with `#` kept, and bad flags refused.

mod run;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use run::{mlex_in, write_file};

/// `mlex fit ARGS` with `input` on standard input: (status, stdout, stderr).
fn fit_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .arg("fit")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mlex starts");
    child.stdin.take().expect("piped").write_all(input.as_bytes()).expect("mlex reads stdin");
    let out = child.wait_with_output().expect("mlex ends");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).expect("one JSON object")
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let (code, stdout, stderr) = fit_stdin(&["-", "-m", "normal", "-f", "json"], "1\n2\n4\n");
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["data"]["file"], "<stdin>");
    assert_eq!(report["n"], 3);
    assert!((report["params"]["mu"].as_f64().expect("mu") - 7.0 / 3.0).abs() < 1e-9);

    let (code, stdout, stderr) = fit_stdin(&["--data", "-", "-m", "normal"], "1\nabc\n");
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(stderr.trim_end(), "mlex: <stdin>:2: \"abc\" is not a number");
}

#[test]
fn tsv_and_r_output_are_told_from_their_header() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let tsv = write_file(dir.path(), "t.tsv", "id\thours\n1\t2.5\n2\t3.5\n3\t4.0\n");
    let (code, stdout, stderr) =
        mlex_in(dir.path(), ["fit", &tsv, "-m", "gamma", "-c", "hours", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        (json(&stdout)["data"]["delimiter"].clone(), json(&stdout)["n"].clone()),
        ("tab".into(), 3.into())
    );

    // write.table(data.frame(x = c(1.5, NA, 2.5))): quoted names, row names, NA.
    let r = write_file(dir.path(), "r.txt", "\"x\"\n\"1\" 1.5\n\"2\" NA\n\"3\" 2.5\n");
    let (code, stdout, stderr) = mlex_in(dir.path(), ["fit", &r, "-m", "normal", "-d", "space"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("r.txt:3: x: a missing value (NA); pass --missing skip"), "{stderr}");
    let (code, stdout, stderr) = mlex_in(
        dir.path(),
        ["fit", &r, "-m", "normal", "-d", "space", "--missing", "skip", "-f", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    assert_eq!((report["n"].clone(), report["data"]["skipped"].clone()), (2.into(), 1.into()));
    let (code, table, _) =
        mlex_in(dir.path(), ["fit", &r, "-m", "normal", "-d", "space", "--missing", "skip"]);
    assert_eq!(code, 0);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("skipped") && l.ends_with("1 row with a missing value")),
        "{table}"
    );
}

#[test]
fn a_row_starting_with_a_hash_is_data_not_a_comment() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_file(dir.path(), "ids.csv", "# lab export\nid,x\n#1,2.0\n#2,4.0\n3,6.0\n");
    let (code, stdout, stderr) =
        mlex_in(dir.path(), ["fit", &file, "-m", "normal", "-c", "x", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["n"], 3, "no row is dropped");
    assert!((report["params"]["mu"].as_f64().expect("mu") - 4.0).abs() < 1e-9);
    // A comment line below the header is refused loudly, never skipped in silence.
    let file = write_file(dir.path(), "note.csv", "id,x\n1,2.0\n# a note\n");
    let (code, _, stderr) = mlex_in(dir.path(), ["fit", &file, "-m", "normal", "-c", "x"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("note.csv:3: this row has 1 field")
            && stderr.contains("comment only above the header"),
        "{stderr}"
    );
}

#[test]
fn quoted_fields_with_newlines_are_read() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_file(
        dir.path(),
        "q.csv",
        "note,x\n\"a, b\",1\n\"two\nlines\",2\n\"say \"\"hi\"\"\",3\n",
    );
    let (code, stdout, stderr) =
        mlex_in(dir.path(), ["fit", &file, "-m", "normal", "-c", "x", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json(&stdout)["n"], 3);
}

#[test]
fn bad_reading_flags_are_refused_with_status_2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_file(dir.path(), "d.txt", "1\n2\n");
    for (flag, value, words) in
        [("--delimiter", "ab", "not a delimiter"), ("--missing", "drop", "invalid value 'drop'")]
    {
        let (code, stdout, stderr) =
            mlex_in(Path::new("."), ["fit", &file, "-m", "normal", flag, value]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{flag}");
        assert!(stderr.contains(words), "{flag}: {stderr}");
    }
}

#[test]
fn a_scenario_reads_its_data_as_its_data_table_says() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_file(dir.path(), "d.tsv", "id\tx\n1\t1.5\n2\tNA\n3\t2.5\n");
    let scenario = |missing: &str| {
        format!(
            "title = \"t\"\nseed = 1\nsample_size = 3\n\n[data]\npath = \"d.tsv\"\ncolumn = \"x\"\n\
             delimiter = \"tab\"\nmissing = \"{missing}\"\n\n[model]\nfamily = \"normal\"\n"
        )
    };
    let good = write_file(dir.path(), "good.toml", &scenario("skip"));
    let (code, stdout, stderr) = mlex_in(dir.path(), ["run", "-s", &good, "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json(&stdout)["n"], 2);
    let bad = write_file(dir.path(), "bad.toml", &scenario("drop"));
    let (code, _, stderr) = mlex_in(dir.path(), ["run", "-s", &bad]);
    assert_eq!(code, 2);
    assert!(stderr.contains("data.missing") && stderr.contains("(error or skip)"), "{stderr}");
    let (code, _, stderr) = mlex_in(dir.path(), ["check", &bad]);
    assert_eq!(code, 2, "check refuses what run refuses: {stderr}");
}
