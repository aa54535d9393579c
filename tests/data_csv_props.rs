//! Quoted CSV reads exactly as the `csv` crate reads it (issue 15): files written by the
//! `csv` crate's own writer, with delimiters, quotes and newlines inside fields, any of the
//! four delimiters (told from the header), missing values left out or refused, give the
//! same values on the same lines at every chunk size.

use std::path::Path;

use mlex::data::{Delimiter, Missing, ReadOptions, ReadSizes, parse_reader};
use proptest::prelude::*;

/// Cases per property: modest for CI, many more for a soak run (`MLEX_SOAK=1`).
fn cases() -> u32 {
    if std::env::var("MLEX_SOAK").is_ok_and(|v| v == "1") { 20_000 } else { 256 }
}

/// A field of a column that is not read: any text, quotes and newlines included.
fn other_field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ,;|\t\"\n]{0,8}",
        Just("say \"hi\"".to_owned()),
        Just("two\nlines".to_owned()),
        (-1e6..1e6f64).prop_map(|v| v.to_string()),
    ]
}

/// A value of the column read: a number, or (when `missing`) a missing value.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (-1e6..1e6f64).prop_map(|v| v.to_string()),
        1 => Just("NA".to_owned()),
        1 => Just(String::new()),
    ]
}

/// Column names no reader could take for numbers.
fn name() -> impl Strategy<Value = String> {
    "[a-hj-mo-z][a-z0-9 ]{0,4}"
}

fn table() -> impl Strategy<Value = (Vec<String>, usize, Vec<Vec<String>>)> {
    (1..5usize).prop_flat_map(|width| {
        (0..width).prop_flat_map(move |pick| {
            let row = (proptest::collection::vec(other_field(), width), value()).prop_map(
                move |(mut fields, v)| {
                    fields[pick] = v;
                    fields
                },
            );
            (
                proptest::collection::vec(name(), width).prop_filter("distinct names", |n| {
                    let mut sorted = n.clone();
                    sorted.sort();
                    sorted.dedup();
                    sorted.len() == n.len()
                }),
                Just(pick),
                proptest::collection::vec(row, 1..30),
            )
        })
    })
}

/// The file as the `csv` crate writes it.
fn write(names: &[String], rows: &[Vec<String>], delimiter: u8, always: bool) -> Vec<u8> {
    let style = if always { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary };
    let mut w =
        csv::WriterBuilder::new().delimiter(delimiter).quote_style(style).from_writer(vec![]);
    w.write_record(names).expect("in memory");
    for row in rows {
        w.write_record(row).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// What the `csv` crate reads from column `pick`: (line, value) pairs, and the rows that
/// hold a missing value, by line.
fn expected(bytes: &[u8], delimiter: u8, pick: usize) -> (Vec<(u64, f64)>, Vec<u64>) {
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(bytes);
    let (mut values, mut missing) = (Vec::new(), Vec::new());
    for record in r.records() {
        let record = record.expect("the csv crate reads its own file");
        let line = record.position().expect("a position").line();
        let field = record[pick].trim();
        // A one-field row that is empty is a blank line to both readers.
        if record.len() == 1 && field.is_empty() {
            continue;
        }
        match field.parse::<f64>() {
            Ok(v) => values.push((line, v)),
            Err(_) => missing.push(line),
        }
    }
    (values, missing)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn quoted_csv_reads_as_the_csv_crate_reads_it(
        (names, pick, rows) in table(),
        delimiter in prop_oneof![Just(b','), Just(b'\t'), Just(b';'), Just(b'|')],
        always in any::<bool>(),
        given in any::<bool>(),
        skip in any::<bool>(),
        chunk in 1..200usize,
        split in 0..60usize,
    ) {
        let bytes = write(&names, &rows, delimiter, always);
        let (want, missing) = expected(&bytes, delimiter, pick);
        let options = ReadOptions {
            column: Some((pick + 1).to_string()),
            // One column has no delimiter to tell; a comma is what it is then read with.
            delimiter: (given || names.len() == 1).then_some(Delimiter(delimiter)),
            missing: if skip { Missing::Skip } else { Missing::Error },
        };
        for sizes in [ReadSizes::default(), ReadSizes { chunk, split }] {
            let got = parse_reader(&bytes[..], Path::new("d.csv"), &options, sizes);
            match (&got, missing.first()) {
                (Err(e), Some(&line)) if !skip => {
                    prop_assert_eq!(e.line, Some(usize::try_from(line).expect("small")), "{}", e);
                    prop_assert!(e.to_string().contains("--missing skip"), "{}", e);
                }
                (Err(e), _) if want.is_empty() => {
                    prop_assert!(e.to_string().contains("no numbers found"), "{}", e);
                }
                (Ok(data), _) => {
                    prop_assert!(skip || missing.is_empty());
                    let read: Vec<(u64, u64)> = (0..data.values.len())
                        .map(|i| (data.line_of(i) as u64, data.values[i].to_bits()))
                        .collect();
                    let want: Vec<(u64, u64)> = want.iter().map(|&(l, v)| (l, v.to_bits())).collect();
                    prop_assert_eq!(read, want);
                    prop_assert_eq!(data.skipped, missing.len());
                }
                (Err(e), _) => prop_assert!(false, "{}\n{:?}", e, String::from_utf8_lossy(&bytes)),
            }
        }
    }
}
