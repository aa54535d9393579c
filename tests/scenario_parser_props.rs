//! The scenario parser never panics and always says where: arbitrary bytes and near-valid
//! mutations of every preset (fields deleted, values swapped for other types or for huge,
//! tiny, negative, NaN and infinite numbers, keys duplicated, unknown keys, deep nesting,
//! long lines, bytes that are not UTF-8) either parse or give one error that names the file
//! and a line, and the field whenever the text is well-formed TOML. The bulk runs in
//! process through `mlex::scenario`; a handful go through the binary for the exit status.
//! `MLEX_SOAK=1` multiplies the case counts by 100.

use std::path::Path;
use std::process::Command;

use mlex::runner;
use mlex::scenario::{self, PRESETS, Source};
use proptest::prelude::*;
use proptest::test_runner::{RngSeed, TestCaseError};

/// Cases per property in CI; `MLEX_SOAK=1` runs 100 times as many.
const CI_CASES: u32 = 300;
const PROP_SEED: u64 = 0x7363_656e;
/// Scenarios are prepared (sampled, their truth integrated) only up to this sample size.
const MAX_PREPARED: usize = 5_000;
/// The name errors must carry: the file as the loader is given it.
const FILE: &str = "mutant.toml";

fn cases() -> u32 {
    if std::env::var_os("MLEX_SOAK").is_some_and(|v| v == "1") { CI_CASES * 100 } else { CI_CASES }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(PROP_SEED),
        ..ProptestConfig::default()
    }
}

/// Replacement values: other types, and numbers at and past every edge.
const VALUES: &[&str] = &[
    "\"text\"",
    "\"\"",
    "'literal'",
    "true",
    "1979-05-27T07:32:00Z",
    "[]",
    "[1, 2]",
    "[[1], [2]]",
    "{}",
    "{ a = 1 }",
    "0",
    "-0",
    "1",
    "-1",
    "2.5",
    "-2.5",
    "1e300",
    "-1e300",
    "1e308",
    "1e309",
    "1e-300",
    "5e-324",
    "1e-400",
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551616",
    "100000000",
    "10000001",
    "0x7fffffffffffffff",
    "0o777",
    "0b101",
    "1_000",
    "0.1e",
    "--1",
    "\"1e300\"",
];

/// Lines worth inserting anywhere.
const INSERTS: &[&str] = &[
    "unknown_key = 1",
    "[unknown_table]",
    "[truth]",
    "[model]",
    "[[model]]",
    "[optimizer]",
    "[view]",
    "[data]\npath = \"x.txt\"",
    "title = \"again\"",
    "sample_size = 100000000",
    "seed = -1",
    "a.b.c.d = 1",
    "\"quoted key\" = 1",
    "\"new\\nline\" = 1",
    "= 1",
    "[",
    "]]",
    "\"\"\"",
    "\u{feff}",
    "\u{0}",
];

/// One edit of a preset's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove line i.
    DeleteLine(usize),
    /// Replace the value of the i-th `key = value` line.
    SwapValue(usize, &'static str),
    /// Repeat line i right after itself.
    DuplicateLine(usize),
    /// Insert a line before line i.
    Insert(usize, &'static str),
    /// Replace the value of the i-th `key = value` line with an array nested n deep.
    Nest(usize, usize),
    /// Insert bytes that are not UTF-8 at byte i.
    NotUtf8(usize, Vec<u8>),
    /// Cut the text at byte i.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        at.prop_map(Mutation::DeleteLine),
        (at, proptest::sample::select(VALUES)).prop_map(|(i, v)| Mutation::SwapValue(i, v)),
        at.prop_map(Mutation::DuplicateLine),
        (at, proptest::sample::select(INSERTS)).prop_map(|(i, l)| Mutation::Insert(i, l)),
        (at, 1usize..300).prop_map(|(i, n)| Mutation::Nest(i, n)),
        (at, proptest::collection::vec(0x80u8..=0xff, 1..4))
            .prop_map(|(i, b)| Mutation::NotUtf8(i, b)),
        at.prop_map(Mutation::Truncate),
    ]
}

/// Lines of the text that assign a value (`key = value`), by index.
fn assignments(lines: &[String]) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            !t.starts_with('[') && !t.starts_with('#') && t.contains(" = ")
        })
        .map(|(i, _)| i)
        .collect()
}

fn nested(n: usize) -> String {
    format!("{}1{}", "[".repeat(n), "]".repeat(n))
}

/// Applies the mutations in turn to a preset's text.
fn mutate(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut tail: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut cut: Option<usize> = None;
    for m in mutations {
        let n = lines.len().max(1);
        let swap = |lines: &mut Vec<String>, i: usize, value: &str| {
            let a = assignments(lines);
            if let Some(&line) = a.get(i % a.len().max(1)) {
                let key = lines[line].split(" = ").next().unwrap_or_default().to_string();
                lines[line] = format!("{key} = {value}");
            }
        };
        match m {
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Mutation::SwapValue(i, v) => swap(&mut lines, *i, v),
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::Insert(i, l) => lines.insert(i % (n + 1), (*l).to_string()),
            Mutation::Nest(i, depth) => swap(&mut lines, *i, &nested(*depth)),
            Mutation::NotUtf8(i, bytes) => tail.push((*i, bytes.clone())),
            Mutation::Truncate(i) => cut = Some(*i),
            _ => {}
        }
    }
    let mut bytes = lines.join("\n").into_bytes();
    bytes.push(b'\n');
    for (i, b) in tail {
        let at = i % (bytes.len() + 1);
        bytes.splice(at..at, b);
    }
    if let Some(i) = cut {
        bytes.truncate(i % (bytes.len() + 1));
    }
    bytes
}

/// Whether the bytes are UTF-8 text that is well-formed TOML (whatever its keys).
fn is_toml(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|t| toml::de::DeTable::parse(t).is_ok())
}

/// Loads bytes as the file [`FILE`]; errors must name the file and a line and column, fit
/// on one line, and name the field when the text is well-formed TOML. A scenario that loads
/// with a small sampled sample is prepared too, whose errors must name the file and a line.
fn check_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
    match scenario::parse_bytes(bytes, FILE, Some(Path::new(FILE))) {
        Err(e) => {
            let text = e.to_string();
            prop_assert!(
                e.file.as_deref() == Some(Path::new(FILE)),
                "no file: {text} for {shown:?}"
            );
            prop_assert!(e.line.is_some() && e.column.is_some(), "no line: {text} for {shown:?}");
            prop_assert!(!text.contains('\n'), "message of several lines: {text:?}");
            if is_toml(bytes) {
                prop_assert!(e.field.is_some(), "no field: {text} for {shown:?}");
            }
        }
        Ok(s) => {
            if s.sample_size <= MAX_PREPARED
                && matches!(s.source, Source::Truth { .. })
                && let Err(e) = runner::prepare(&s, s.seed)
            {
                let text = e.to_string();
                prop_assert!(e.file.is_some() && e.line.is_some(), "unlocated: {text}");
                prop_assert!(!text.contains('\n'), "message of several lines: {text:?}");
            }
        }
    }
    Ok(())
}

fn preset() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(PRESETS.iter().map(|(_, text)| *text).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_say_where(
        bytes in proptest::collection::vec(any::<u8>(), 0..4096)
    ) {
        check_bytes(&bytes)?;
    }

    #[test]
    fn mutated_presets_never_panic_and_errors_say_where(
        text in preset(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        check_bytes(&mutate(text, &mutations))?;
    }
}

#[test]
fn every_single_value_swap_of_every_preset_is_located() {
    // Exhaustive rather than sampled: each assignment of each preset, each replacement.
    let mut tried = 0;
    for (name, text) in PRESETS {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        for i in 0..assignments(&lines).len() {
            for value in VALUES {
                let bytes = mutate(text, &[Mutation::SwapValue(i, value)]);
                check_bytes(&bytes).unwrap_or_else(|e| panic!("{name}, swap {i} → {value}: {e}"));
                tried += 1;
            }
        }
    }
    assert!(tried > 1000, "only {tried} swaps tried");
}

#[test]
fn every_deleted_and_every_duplicated_line_of_every_preset_is_located() {
    for (name, text) in PRESETS {
        for i in 0..text.lines().count() {
            for m in [Mutation::DeleteLine(i), Mutation::DuplicateLine(i)] {
                let bytes = mutate(text, std::slice::from_ref(&m));
                check_bytes(&bytes).unwrap_or_else(|e| panic!("{name}, {m:?}: {e}"));
            }
        }
    }
}

/// A preset with one more line at the end.
fn with_line(line: &str) -> Vec<u8> {
    let (_, text) = PRESETS[0];
    format!("{text}\n{line}\n").into_bytes()
}

#[test]
fn nesting_ten_thousand_deep_is_refused_at_its_line() {
    for line in [
        format!("a = {}", nested(10_000)),
        format!("a = {}1{}", "{ b = ".repeat(10_000), " }".repeat(10_000)),
        format!("[{}]", vec!["t"; 10_000].join(".")),
    ] {
        let bytes = with_line(&line);
        let e = scenario::parse_bytes(&bytes, FILE, Some(Path::new(FILE)))
            .expect_err("nesting this deep is refused");
        let last = PRESETS[0].1.lines().count() + 2;
        assert_eq!(e.line, Some(last), "{e}");
        assert!(e.to_string().starts_with(&format!("{FILE}:{last}:")), "{e}");
    }
}

#[test]
fn a_ten_megabyte_line_parses_or_is_located() {
    let long = "x".repeat(10 << 20);
    // As a value it is just a long title; as garbage it is an error on its line.
    let (_, text) = PRESETS[0];
    let retitled = text.replacen("title = \"", &format!("title = \"{long}"), 1);
    let s = scenario::parse(&retitled, "long", None).expect("a long title is still a title");
    assert_eq!(s.title.len(), PRESETS[0].1.lines().next().map_or(0, str::len) - 10 + long.len());
    let e = scenario::parse_bytes(&with_line(&long), FILE, Some(Path::new(FILE)))
        .expect_err("a bare word is not TOML");
    assert_eq!(e.line, Some(text.lines().count() + 2), "{e}");
}

#[test]
fn bytes_that_are_not_utf8_are_named_at_their_line_and_column() {
    let e =
        scenario::parse_bytes(b"title = \"t\"\nlesson = \"\xff\"\n", FILE, Some(Path::new(FILE)))
            .expect_err("not UTF-8");
    assert_eq!((e.line, e.column), (Some(2), Some(11)), "{e}");
    assert!(e.message.contains("not valid UTF-8 (byte 0xff)"), "{e}");
}

#[test]
fn type_errors_unknown_and_missing_keys_name_their_field() {
    let base = PRESETS[0].1;
    let cases: &[(&str, &str, &str)] = &[
        ("sample_size = 500", "sample_size = \"many\"", "sample_size"),
        ("sample_size = 500", "sample_size = 2.5", "sample_size"),
        ("seed = 7", "seed = -1", "seed"),
        ("params = { mu = 2.0, sigma = 1.5 }", "params = 3", "truth.params"),
        (
            "params = { mu = 2.0, sigma = 1.5 }",
            "params = { mu = 2.0, sigma = \"x\" }",
            "truth.params.sigma",
        ),
        ("step_size = 0.5", "step_size = [0.5]", "optimizer.step_size"),
        ("step_size = 0.5", "step_size = 0.5\nstep_size = 0.5", "optimizer.step_size"),
        ("kind = \"gradient_ascent\"", "kinds = \"adam\"", "optimizer.kinds"),
        ("family = \"normal\"\nstart", "start", "model.family"),
        ("title = ", "titles = ", "titles"),
    ];
    for (from, to, field) in cases {
        assert!(base.contains(from), "{from:?} is not in the preset");
        let text = base.replacen(from, to, 1);
        let e = scenario::parse(&text, "case", Some(Path::new(FILE)))
            .expect_err(&format!("{to:?} is refused"));
        assert_eq!(e.field.as_deref(), Some(*field), "{to:?}: {e}");
        assert!(e.line.is_some(), "{to:?}: {e}");
    }
}

#[test]
fn a_sample_of_a_hundred_million_is_refused_naming_the_limit() {
    let text = PRESETS[0].1.replacen("sample_size = 500", "sample_size = 100000000", 1);
    let e = scenario::parse(&text, "big", Some(Path::new(FILE))).expect_err("too large");
    assert_eq!(e.field.as_deref(), Some("sample_size"));
    assert!(e.message.contains(&scenario::MAX_SAMPLE_SIZE.to_string()), "{e}");
    assert!(e.message.contains("100000000"), "{e}");
}

#[test]
fn through_the_binary_bad_files_exit_2_with_one_located_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (_, text) = PRESETS[0];
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("deep.toml", with_line(&format!("a = {}", nested(10_000)))),
        ("odd_key.toml", text.replacen("title", "ti\u{fffd}tle", 1).into_bytes()),
        ("raw_bytes.toml", [&text.as_bytes()[..40], b"\xc3\x28", &text.as_bytes()[40..]].concat()),
        (
            "huge.toml",
            text.replacen("sample_size = 500", "sample_size = 100000000", 1).into_bytes(),
        ),
        ("nan.toml", text.replacen("sigma = 1.5 }", "sigma = nan }", 1).into_bytes()),
        ("string.toml", text.replacen("seed = 7", "seed = \"7\"", 1).into_bytes()),
        ("duplicate.toml", text.replacen("seed = 7", "seed = 7\nseed = 8", 1).into_bytes()),
        ("unknown.toml", with_line("colour = \"red\"")),
    ];
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write the scenario");
        for args in [&["check"][..], &["run", "--scenario"][..]] {
            let out = Command::new(env!("CARGO_BIN_EXE_mlex"))
                .args(args)
                .arg(&path)
                .output()
                .expect("the mlex binary runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let head = format!("mlex: {}:", path.display());
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{name} {args:?}: printed {:?}", out.stdout);
            assert_eq!(stderr.trim_end().lines().count(), 1, "{name} {args:?}: {stderr}");
            let rest = stderr.strip_prefix(&head).unwrap_or_else(|| panic!("{name}: {stderr}"));
            let line = rest.split(':').next().unwrap_or_default();
            assert!(line.parse::<usize>().is_ok(), "{name} {args:?}: no line in {stderr}");
            assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        }
    }
}

#[test]
fn a_quoted_key_holding_a_newline_still_gives_a_one_line_error() {
    // Found by the mutation property: the key's newline went into the message verbatim.
    let e = scenario::parse_bytes(&with_line("\"new\\nline\" = 1"), FILE, Some(Path::new(FILE)))
        .expect_err("an unknown key");
    let text = e.to_string();
    assert!(!text.contains('\n'), "{text:?}");
    assert!(text.contains("unknown field `new\\nline`"), "{text:?}");
}
