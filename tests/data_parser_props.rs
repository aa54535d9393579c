//! Property tests of the data reader (issue 6): no input makes it panic, every error names
//! the file (and a line, when a line is at fault), neither the chunk size nor the size of
//! the pieces parsed on separate threads ever changes a result,
//! and near-valid files read exactly as a simple whole-file reference reader says, or fail
//! at the line the reference points at. `MLEX_SOAK=1` runs many more cases.

use std::fmt::Write as _;
use std::path::Path;

use mlex::data::{DataFile, MISSING, ReadOptions, ReadSizes, parse_data, parse_reader};
use mlex::error::InputError;
use proptest::prelude::*;
use proptest::sample::Index;

/// Cases per property: modest for CI, many more for a soak run.
fn cases() -> u32 {
    if std::env::var("MLEX_SOAK").is_ok_and(|v| v == "1") { 20_000 } else { 256 }
}

const FILE: &str = "d.txt";

fn parse(bytes: &[u8], column: Option<&str>) -> Result<DataFile, InputError> {
    parse_data(bytes, Path::new(FILE), &ReadOptions::column(column))
}

/// Reads `bytes` in chunks of `chunk` bytes, parsing pieces of `split` bytes on threads.
fn parse_in(
    bytes: &[u8],
    column: Option<&str>,
    chunk: usize,
    split: usize,
) -> Result<DataFile, InputError> {
    parse_reader(bytes, Path::new(FILE), &ReadOptions::column(column), ReadSizes { chunk, split })
}

fn lines_of(data: &DataFile) -> Vec<usize> {
    (0..data.values.len()).map(|i| data.line_of(i)).collect()
}

/// What any result must satisfy: numbers finite on increasing lines, or an error naming the
/// file and, unless the file has no number at all, a line.
fn check_shape(result: &Result<DataFile, InputError>) -> Result<(), TestCaseError> {
    match result {
        Ok(data) => {
            prop_assert!(!data.values.is_empty());
            prop_assert_eq!(data.values.len(), data.lines.len());
            prop_assert!(data.values.iter().all(|v| v.is_finite()));
            let lines = lines_of(data);
            prop_assert!(lines.first().is_some_and(|&l| l >= 1));
            prop_assert!(lines.windows(2).all(|w| w[0] < w[1]));
        }
        Err(e) => {
            prop_assert_eq!(e.file.as_deref(), Some(Path::new(FILE)));
            let message = e.to_string();
            prop_assert!(message.starts_with(&format!("{FILE}:")), "{}", message);
            prop_assert!(
                e.line.is_some() || e.message.starts_with("no numbers found"),
                "no line in {}",
                message
            );
            prop_assert!(!message.contains('\n'), "one line: {}", message);
        }
    }
    Ok(())
}

/// Where the simple reference reader says a file must fail: at a line, or (None) with no
/// line at fault because it holds no number.
type Fault = Option<usize>;

/// A whole-file reader written for clarity, not speed: the plain form, and the CSV form
/// for headers without quotes. `None` for the forms it does not model.
fn reference(bytes: &[u8], column: Option<&str>) -> Option<Result<Vec<(usize, f64)>, Fault>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(Err(Some(1)));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(e) => {
            // The good prefix is text, so its lines are counted as text.
            let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            return Some(Err(Some(good.split('\n').count())));
        }
    };
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    // Above the first data line, blank lines and # comments are skipped.
    let Some((first_line, first)) = lines
        .by_ref()
        .map(|(i, l)| (i, l.trim()))
        .find(|(_, l)| !l.is_empty() && !l.starts_with('#'))
    else {
        return Some(Err(None));
    };
    // A first line that starts like a number is data, even when it is not one; so is a
    // missing value.
    let unsigned = first.strip_prefix(['+', '-']).unwrap_or(first);
    let number_like = first.parse::<f64>().is_ok()
        || MISSING.contains(&first)
        || (!first.contains([',', '\t', ';', '|', '"'])
            && unsigned
                .strip_prefix('.')
                .unwrap_or(unsigned)
                .starts_with(|c: char| c.is_ascii_digit()));
    let finite = |text: &str| text.parse::<f64>().ok().filter(|v| v.is_finite());
    let mut out = Vec::new();
    if number_like {
        if column.is_some_and(|c| c != "1") {
            return Some(Err(Some(first_line)));
        }
        let rows =
            lines.map(|(i, l)| (i, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
        for (line, text) in std::iter::once((first_line, first)).chain(rows) {
            let Some(v) = finite(text) else { return Some(Err(Some(line))) };
            out.push((line, v));
        }
        return Some(Ok(out));
    }
    if first.contains('"') {
        return None;
    }
    // The most frequent delimiter of the header, commas first on a tie.
    let delimiter = [',', '\t', ';', '|']
        .into_iter()
        .rev()
        .max_by_key(|&d| first.matches(d).count())
        .filter(|&d| first.contains(d))
        .unwrap_or(',');
    let names: Vec<&str> = first.split(delimiter).map(str::trim).collect();
    if names.iter().all(|n| n.parse::<f64>().is_ok()) {
        return Some(Err(Some(first_line)));
    }
    let index = match column {
        None if names.len() == 1 => 0,
        None => return Some(Err(Some(first_line))),
        Some(c) => match names.iter().filter(|&&n| n == c).count() {
            1 => names.iter().position(|&n| n == c)?,
            0 => match c.parse::<usize>() {
                Ok(n)
                    if c.bytes().all(|b| b.is_ascii_digit()) && (1..=names.len()).contains(&n) =>
                {
                    n - 1
                }
                _ => return Some(Err(Some(first_line))),
            },
            _ => return Some(Err(Some(first_line))),
        },
    };
    // Below the header every line is a row (a # may start a value) but a blank one.
    for (line, row) in lines {
        if row.contains('"') {
            return None;
        }
        if row.trim().is_empty() && !row.contains(delimiter) {
            continue;
        }
        let fields: Vec<&str> = row.split(delimiter).collect();
        if fields.len() != names.len() {
            return Some(Err(Some(line)));
        }
        let Some(v) = finite(fields[index].trim()) else { return Some(Err(Some(line))) };
        out.push((line, v));
    }
    Some(if out.is_empty() { Err(None) } else { Ok(out) })
}

/// Checks the reader against the reference, and against itself read in small chunks
/// parsed in small pieces.
fn check_against_reference(
    bytes: &[u8],
    column: Option<&str>,
    chunk: usize,
    split: usize,
) -> Result<(), TestCaseError> {
    let result = parse(bytes, column);
    check_shape(&result)?;
    prop_assert_eq!(
        &parse_in(bytes, column, chunk, split),
        &result,
        "chunk {}, split {}",
        chunk,
        split
    );
    match (reference(bytes, column), &result) {
        (None, _) => {}
        (Some(Ok(expected)), Ok(data)) => {
            let got: Vec<(usize, u64)> =
                lines_of(data).into_iter().zip(data.values.iter().map(|v| v.to_bits())).collect();
            let want: Vec<(usize, u64)> = expected.iter().map(|&(l, v)| (l, v.to_bits())).collect();
            prop_assert_eq!(got, want);
        }
        (Some(Err(fault)), Err(e)) => prop_assert_eq!(e.line, fault, "{}", e),
        (Some(expected), got) => {
            prop_assert!(
                false,
                "reference {:?}, reader {:?}",
                expected.map(|v| v.len()),
                got.as_ref().map(|d| d.values.len()).map_err(ToString::to_string)
            );
        }
    }
    Ok(())
}

/// A finite number spelled as people and programs write it.
fn spelled_number() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            any::<f64>().prop_filter("finite", |v| v.is_finite()),
            -1e6..1e6f64,
            (-1000..1000i32).prop_map(f64::from)
        ],
        0..6u8,
        0..20usize,
    )
        .prop_map(|(v, style, digits)| match style {
            0 => format!("{v}"),
            1 => format!("{v:e}"),
            2 => format!("{v:.digits$}"),
            3 => format!("{v:+.digits$E}"),
            4 => format!("  {v}\t"),
            _ => format!("{v:?}"),
        })
}

/// Text that should never pass for a fitted number, or that is a number at an edge.
fn oddity() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1e400".to_owned()),
        Just("-1e400".to_owned()),
        Just("1e-400".to_owned()),
        Just("-0.0".to_owned()),
        Just("-5e-324".to_owned()),
        Just("NaN".to_owned()),
        Just("-inf".to_owned()),
        Just("Infinity".to_owned()),
        Just("abc".to_owned()),
        Just("1,5".to_owned()),
        Just("0x1F".to_owned()),
        Just("1_000".to_owned()),
        Just("１".to_owned()),
        Just("1.2.3".to_owned()),
        Just("\u{a0}7\u{3000}".to_owned()),
        Just("# é 🎲".to_owned()),
        Just(String::new()),
        "[a-z0-9 .;é-]{1,8}",
    ]
}

/// How a valid file is damaged before it is read.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    Delete(Index),
    Replace(Index, String),
    Insert(Index, String),
    Truncate(Index),
    PutByte(Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::None),
        1 => any::<Index>().prop_map(Mutation::Delete),
        3 => (any::<Index>(), oddity()).prop_map(|(i, t)| Mutation::Replace(i, t)),
        2 => (any::<Index>(), oddity()).prop_map(|(i, t)| Mutation::Insert(i, t)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::PutByte(i, b)),
    ]
}

/// Joins `lines` with `newline` after applying `mutation`, with an optional byte-order mark.
fn build(mut lines: Vec<String>, newline: &str, bom: bool, mutation: &Mutation) -> Vec<u8> {
    match mutation {
        Mutation::Delete(i) if !lines.is_empty() => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::Replace(i, text) if !lines.is_empty() => {
            let at = i.index(lines.len());
            lines[at].clone_from(text);
        }
        Mutation::Insert(i, text) => lines.insert(i.index(lines.len() + 1), text.clone()),
        _ => {}
    }
    let mut bytes = if bom { "\u{feff}".as_bytes().to_vec() } else { Vec::new() };
    bytes.extend_from_slice(lines.join(newline).as_bytes());
    match mutation {
        Mutation::Truncate(i) if !bytes.is_empty() => bytes.truncate(i.index(bytes.len())),
        Mutation::PutByte(i, b) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        _ => {}
    }
    bytes
}

/// A plain file: numbers with blank and comment lines (some not ASCII) among them.
fn plain_lines() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        prop_oneof![
            6 => spelled_number(),
            1 => Just(String::new()),
            1 => Just("# résumé ✓".to_owned()),
            1 => Just("   # note".to_owned()),
        ],
        1..60,
    )
}

/// Header names that can never be read as numbers (no leading `i` or `n`, for inf and nan).
fn name() -> impl Strategy<Value = String> {
    "[a-hj-mo-z][a-z0-9é]{0,3}"
}

/// A CSV file as lines: a header, then rows of `width` fields, numbers or words.
fn csv_lines() -> impl Strategy<Value = (Vec<String>, usize)> {
    (1..5usize).prop_flat_map(|width| {
        let row = proptest::collection::vec(prop_oneof![3 => spelled_number(), 1 => name()], width);
        (
            proptest::collection::vec(name(), width),
            proptest::collection::vec(
                prop_oneof![8 => row.prop_map(|r| r.join(",")), 1 => Just("# c,o,m".to_owned())],
                0..40,
            ),
            0..width,
        )
            .prop_map(|(names, rows, pick)| {
                (std::iter::once(names.join(", ")).chain(rows).collect(), pick)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_name_file_and_line(
        bytes in proptest::collection::vec(any::<u8>(), 0..4000),
        column in proptest::option::of("[0-9a-z]{0,2}"),
        chunk in 1..300usize,
        split in 0..100usize,
    ) {
        let result = parse(&bytes, column.as_deref());
        check_shape(&result)?;
        prop_assert_eq!(parse_in(&bytes, column.as_deref(), chunk, split), result);
    }

    #[test]
    fn mutated_plain_files_read_as_the_reference_says(
        lines in plain_lines(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        mutation in mutation(),
        column in proptest::option::of(prop_oneof![Just("1".to_owned()), Just("x".to_owned())]),
        chunk in 1..200usize,
        split in 0..60usize,
    ) {
        let bytes = build(lines, if crlf { "\r\n" } else { "\n" }, bom, &mutation);
        check_against_reference(&bytes, column.as_deref(), chunk, split)?;
    }

    #[test]
    fn mutated_csv_files_read_as_the_reference_says(
        (lines, pick) in csv_lines(),
        by_number in any::<bool>(),
        crlf in any::<bool>(),
        mutation in mutation(),
        chunk in 1..200usize,
        split in 0..60usize,
    ) {
        let header: Vec<String> = lines[0].split(',').map(|n| n.trim().to_owned()).collect();
        let column = if by_number { (pick + 1).to_string() } else { header[pick].clone() };
        let bytes = build(lines, if crlf { "\r\n" } else { "\n" }, false, &mutation);
        check_against_reference(&bytes, Some(&column), chunk, split)?;
    }

    #[test]
    fn duplicated_header_names_are_refused_by_name_and_read_by_number(
        names in proptest::collection::vec(name(), 2..5),
        dup in any::<Index>(),
        values in proptest::collection::vec(-1e3..1e3f64, 1..20),
    ) {
        let mut names = names;
        let twin = dup.index(names.len() - 1) + 1;
        names[twin] = names[0].clone();
        let mut text = names.join(",");
        for v in &values {
            write!(text, "\n{}", vec![v.to_string(); names.len()].join(",")).expect("String");
        }
        let by_name = parse(text.as_bytes(), Some(&names[0]));
        check_shape(&by_name)?;
        let message = by_name.expect_err("ambiguous name").to_string();
        prop_assert!(message.starts_with("d.txt:1: --column: the header has more than one column named"), "{}", message);
        let by_number = parse(text.as_bytes(), Some(&(twin + 1).to_string())).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(by_number.values, values);
    }
}

/// A valid file with multi-byte characters and CRLF reads the same at every chunk size,
/// so chunk borders fall inside every line and inside every character, and at every cut
/// into pieces parsed on separate threads.
#[test]
fn every_chunk_border_gives_the_same_result() {
    let text = "\u{feff}# données ✓\r\n\"é, ü\",x,\"🎲\"\r\n1,2.5,3\r\n\r\n#ü,1e0,\"q\"\r\n4,-0.75e1,6\r\n7, 8 ,9";
    let whole = parse(text.as_bytes(), Some("x")).expect("valid file");
    // Below the header a line starting with # is a row like any other.
    assert_eq!(whole.values, vec![2.5, 1.0, -7.5, 8.0]);
    assert_eq!(lines_of(&whole), vec![3, 5, 6, 7]);
    assert_eq!(whole.column.as_deref(), Some("x"));
    for chunk in 1..=text.len() + 1 {
        for split in [0, 1, 5, 13, chunk / 2, chunk] {
            let chunked = parse_in(text.as_bytes(), Some("x"), chunk, split);
            assert_eq!(chunked.as_ref(), Ok(&whole), "chunk {chunk}, split {split}");
        }
    }
    // The same file with a bad byte inside the emoji: one message at every chunk size.
    let mut bad = text.as_bytes().to_vec();
    let at = text.find('🎲').expect("emoji") + 2;
    bad[at] = b'x';
    let expected = "d.txt:2:11: not valid UTF-8 text (byte 0xF0); a data file must be plain text";
    for chunk in 1..=bad.len() + 1 {
        for split in [0, 7, chunk] {
            let e = parse_in(&bad, Some("x"), chunk, split).expect_err("bad UTF-8");
            assert_eq!(e.to_string(), expected, "chunk {chunk}, split {split}");
        }
    }
}

/// A 10 MB line crosses many 1 MiB chunks: as a comment it is skipped, as a number it is
/// read exactly as `str::parse` reads it, and as an overflow it is quoted briefly.
#[test]
fn a_ten_megabyte_line() {
    let digits = "3".repeat(10 << 20);
    let comment = format!("1\n# {digits}\n2\n");
    let data = parse(comment.as_bytes(), None).expect("a long comment is skipped");
    assert_eq!((data.values.clone(), lines_of(&data)), (vec![1.0, 2.0], vec![1, 3]));

    let small = format!("1\n0.{digits}e-5\n");
    let data = parse(small.as_bytes(), None).expect("a long fraction is a number");
    let expected: f64 = format!("0.{digits}e-5").parse().expect("std reads it");
    assert_eq!(data.values[1].to_bits(), expected.to_bits());

    let huge = format!("1\n{digits}\n");
    let message = parse(huge.as_bytes(), None).expect_err("too large").to_string();
    assert!(message.starts_with("d.txt:2: \"3333"), "{message}");
    assert!(message.contains("\"... is too large for a 64-bit float"), "{message}");
    assert!(message.len() < 160, "{message}");

    let csv = format!("a,b\n1,{digits}x\n");
    let message = parse(csv.as_bytes(), Some("b")).expect_err("not a number").to_string();
    assert!(
        message.starts_with("d.txt:2: b: \"3333") && message.ends_with("... is not a number"),
        "{message}"
    );
}

/// The reference reader itself must catch a wrong line or a wrong number.
#[test]
fn the_reference_check_can_fail() {
    let bytes = b"1\n\n2.5\n";
    assert!(check_against_reference(bytes, None, 3, 1).is_ok());
    assert_eq!(reference(bytes, None), Some(Ok(vec![(1, 1.0), (3, 2.5)])));
    assert_eq!(reference(b"1\nx\n", None), Some(Err(Some(2))));
    assert_eq!(reference(b"a,b\n1\n", Some("b")), Some(Err(Some(2))));
    assert_eq!(reference(b"# c\n", None), Some(Err(None)));
}
