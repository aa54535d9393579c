//! Fuzzes `mlex::data::parse_data`: no input may panic; reading in small chunks must give
//! the same result; a result is finite numbers on increasing lines, each read exactly as
//! `str::parse` reads its line (plain files), or an error naming the file and a line.
//!
//! The first input byte picks `--column`, the second the chunk size (and from it the size of
//! the pieces parsed on separate threads); the rest is the file.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mlex::data::{Missing, ReadOptions, ReadSizes, parse_data, parse_reader};

const COLUMNS: [Option<&str>; 6] = [None, None, Some("1"), Some("2"), Some("a"), Some("x")];

fuzz_target!(|input: &[u8]| {
    let [pick, chunk, file @ ..] = input else { return };
    let column = COLUMNS[usize::from(*pick) % COLUMNS.len()];
    // The high bit of the pick byte leaves missing values out instead of refusing them.
    let missing = if *pick >= 128 { Missing::Skip } else { Missing::Error };
    let options = ReadOptions { missing, ..ReadOptions::column(column) };
    let path = Path::new("fuzz.txt");
    let result = parse_data(file, path, &options);
    let sizes = ReadSizes { chunk: usize::from(*chunk) + 1, split: usize::from(*chunk) / 3 };
    let chunked = parse_reader(file, path, &options, sizes);
    assert_eq!(result, chunked, "{sizes:?} changed the result");
    match result {
        Ok(data) => {
            assert!(!data.values.is_empty() && data.values.len() == data.lines.len());
            let lines: Vec<usize> = (0..data.values.len()).map(|i| data.line_of(i)).collect();
            assert!(lines[0] >= 1 && lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
            assert!(data.values.iter().all(|v| v.is_finite()));
            if data.column.is_none() {
                let text = std::str::from_utf8(file).expect("a file that parsed is UTF-8");
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                let all: Vec<&str> = text.split('\n').collect();
                for (value, line) in data.values.iter().zip(lines) {
                    let std: f64 = all[line - 1].trim().parse().expect("std reads the same line");
                    assert_eq!(value.to_bits(), std.to_bits(), "line {line}");
                }
            }
        }
        Err(e) => {
            assert_eq!(e.file.as_deref(), Some(path));
            assert!(e.line.is_some() || e.message.starts_with("no numbers found"), "{e}");
        }
    }
});
