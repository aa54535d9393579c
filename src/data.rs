//! Reading a user's data file: the numbers to fit, each tied to the line it came from.
//!
//! This module owns the data-file format. A data file is text: one number per line, or
//! CSV with a header row from which `--column` picks one column by name or 1-based
//! index. The CSV delimiter is told from the header (comma, tab, semicolon, bar, or a space
//! between quoted names as R's `write.table` writes) unless `--delimiter` gives it; quoting
//! follows the `csv` crate exactly, because quoted rows are read by its parser. Blank lines
//! are skipped, and lines starting with `#` are comments in a plain file and above a CSV
//! header (below it, such a line is a row: a `#` may start a value). A missing value (empty,
//! `NA`, `NaN`, …) is refused unless `--missing skip` leaves its row out. Every fault becomes
//! one [`InputError`] naming the file, the 1-based line and, for CSV, the column, so the
//! message alone is enough to fix the file; no input makes this module panic.
//!
//! The file is read in one pass, 1 MiB at a time, so reading holds the numbers, a compact
//! [`LineMap`] and two chunks (the next is read while one is parsed), never the whole file.
//! Once the first data line has told the form, the lines of a chunk are parsed on all
//! threads, except chunks of a CSV file that hold a quote, which the CSV parser reads in
//! order.

mod columns;
mod labelled;
mod line_map;
mod number;
mod options;
mod parallel;
mod quoted;
mod text;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::InputError;
use columns::{Header, Table, missing_value};
pub use labelled::{LabelledData, LabelledOptions, RECORD_LIMIT, parse_labelled, read_labelled};
pub use line_map::LineMap;
use line_map::LineMapBuilder;
use number::parse_number;
use options::is_missing;
pub use options::{Delimiter, MISSING, Missing, ReadOptions};
use parallel::Got;
use quoted::Records;

/// Longest excerpt of offending text quoted in a message, in characters: enough to
/// recognise the line, short enough that a binary file does not flood the terminal.
const QUOTE_LIMIT: usize = 40;

/// The message for a file that holds nothing to fit.
const NO_NUMBERS: &str = "no numbers found (blank lines and lines starting with # are skipped)";

/// The path that stands for standard input.
pub const STDIN: &str = "-";

/// How messages name standard input.
const STDIN_NAME: &str = "<stdin>";

/// Numbers read from a data file, each tied to the 1-based line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// The file the numbers came from (`<stdin>` for standard input).
    pub path: PathBuf,
    /// The numbers in file order, all finite.
    pub values: Vec<f64>,
    /// The file line of each value.
    pub lines: LineMap,
    /// The CSV column used (its header name), `None` for plain files.
    pub column: Option<String>,
    /// The CSV delimiter used, `None` for plain files.
    pub delimiter: Option<Delimiter>,
    /// Rows left out because their value was missing (with `--missing skip`).
    pub skipped: usize,
}

impl DataFile {
    /// The 1-based file line of `values[index]`.
    ///
    /// # Panics
    /// If `index` is out of range, like `values[index]`.
    #[must_use]
    pub fn line_of(&self, index: usize) -> usize {
        self.lines.line_of(index)
    }
}

/// How a data file is cut while it is read; the result never depends on these sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadSizes {
    /// Bytes read at a time, which bound the memory used beyond the numbers themselves.
    pub chunk: usize,
    /// Bytes of a chunk parsed by one thread at a time, cut at the next newline.
    pub split: usize,
}

impl Default for ReadSizes {
    /// The sizes [`read_data`] and [`parse_data`] use.
    fn default() -> Self {
        Self { chunk: text::CHUNK, split: parallel::SPLIT }
    }
}

/// Reads the data file at `path` (standard input for `-`) and parses it as `options` say.
pub fn read_data(path: &Path, options: &ReadOptions) -> Result<DataFile, InputError> {
    if path == Path::new(STDIN) {
        return parse_reader(
            std::io::stdin(),
            Path::new(STDIN_NAME),
            options,
            ReadSizes::default(),
        );
    }
    let file = std::fs::File::open(path)
        .map_err(|e| InputError::new(format!("cannot read: {e}")).in_file(path))?;
    parse_reader(file, path, options, ReadSizes::default())
}

/// Parses the contents of a data file; `path` only names the file in the result and errors.
pub fn parse_data(
    bytes: &[u8],
    path: &Path,
    options: &ReadOptions,
) -> Result<DataFile, InputError> {
    parse_reader(bytes, path, options, ReadSizes::default())
}

/// Parses a data file read from `reader` in pieces of `sizes`.
pub fn parse_reader<R: Read + Send>(
    reader: R,
    path: &Path,
    options: &ReadOptions,
    sizes: ReadSizes,
) -> Result<DataFile, InputError> {
    let mut numbers = Numbers {
        options,
        form: None,
        values: Vec::new(),
        lines: LineMapBuilder::default(),
        skipped: 0,
        split: sizes.split,
    };
    // Errors are built without the file and get it here, so none can miss it.
    let parsed =
        text::for_each_piece(reader, sizes.chunk, |line, piece| numbers.piece(line, piece))
            .and_then(|()| numbers.finish());
    match parsed {
        Ok(mut data) => {
            data.path = path.to_path_buf();
            Ok(data)
        }
        Err(e) => Err(e.in_file(path)),
    }
}

/// The form of a file, known from its first data line.
enum Form {
    /// One number per line.
    Plain,
    /// CSV rows, and the parser for the rows that hold quotes.
    Csv(Box<(Table, Records)>),
}

/// The numbers read so far, and how to read the next line.
struct Numbers<'o> {
    /// How to read the file.
    options: &'o ReadOptions,
    /// `None` until the first data line.
    form: Option<Form>,
    /// The numbers so far.
    values: Vec<f64>,
    /// Their lines.
    lines: LineMapBuilder,
    /// Rows left out so far for a missing value.
    skipped: usize,
    /// Bytes parsed by one thread at a time.
    split: usize,
}

impl Numbers<'_> {
    /// Reads a piece of whole lines whose first is `line`; returns its number of newlines.
    fn piece(&mut self, line: usize, piece: &str) -> Result<usize, InputError> {
        let newlines = text::count_newlines(piece.as_bytes());
        let missing = self.options.missing;
        let Some(form) = &mut self.form else {
            self.undecided(line, piece)?;
            return Ok(newlines);
        };
        let (values, lines, skipped) = (&mut self.values, &mut self.lines, &mut self.skipped);
        match form {
            Form::Plain => {
                let value = |line: usize, text: &str| plain_value(line, text, false, missing);
                parallel::read_lines(piece, line, self.split, true, value, values, lines, skipped)
            }
            Form::Csv(csv) => {
                let (table, records) = &mut **csv;
                if records.between_records() && table.row_names.is_some() && unquoted(piece) {
                    let table = &*table;
                    let value = |line: usize, row: &str| table.line_value(line, row);
                    parallel::read_lines(
                        piece, line, self.split, false, value, values, lines, skipped,
                    )
                } else {
                    records.feed(line, piece.as_bytes(), |line, fields| {
                        take(table.record_value(line, fields)?, line, values, lines, skipped);
                        Ok(())
                    })?;
                    Ok(newlines)
                }
            }
        }
    }

    /// Reads a piece before the form is known: comments and blank lines up to the first
    /// data line, which decides the form, then the rest of the piece in that form.
    fn undecided(&mut self, line: usize, piece: &str) -> Result<(), InputError> {
        let mut rest = piece;
        let mut line = line;
        loop {
            let (raw, after) = match memchr::memchr(b'\n', rest.as_bytes()) {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            let text = text::trim(raw);
            if !text.is_empty() && !text.starts_with('#') {
                let form = self.decide(line, text)?;
                let after = after.unwrap_or("");
                if matches!(form, Form::Plain) {
                    let got = plain_value(line, text, true, self.options.missing)?;
                    take(got, line, &mut self.values, &mut self.lines, &mut self.skipped);
                }
                self.form = Some(form);
                // The rest of the piece goes the way every later piece will.
                if !after.is_empty() {
                    self.rest_of_piece(line + 1, after)?;
                }
                return Ok(());
            }
            match after {
                Some(after) => {
                    rest = after;
                    line += 1;
                }
                None => return Ok(()),
            }
        }
    }

    /// Reads the lines after the first data line of a piece, in the form it decided.
    fn rest_of_piece(&mut self, line: usize, rest: &str) -> Result<(), InputError> {
        match &mut self.form {
            Some(Form::Csv(csv)) => {
                // The first rows tell whether they carry row names, so they go in order.
                let (table, records) = &mut **csv;
                let (values, lines, skipped) =
                    (&mut self.values, &mut self.lines, &mut self.skipped);
                records.feed(line, rest.as_bytes(), |line, fields| {
                    take(table.record_value(line, fields)?, line, values, lines, skipped);
                    Ok(())
                })
            }
            _ => self.piece(line, rest).map(|_| ()),
        }
    }

    /// The form of a file whose first data line is `text`, on `line`.
    fn decide(&self, line: usize, text: &str) -> Result<Form, InputError> {
        let column = self.options.column.as_deref();
        if starts_like_number(text) {
            if column.is_some_and(|c| !is_index_one(c)) {
                return Err(InputError::new(
                    "the file has no header row (its first line is a number), so it has no named \
                     columns: leave out --column to read its one column",
                )
                .at_line(line)
                .field("--column"));
            }
            return Ok(Form::Plain);
        }
        let delimiter = self.options.delimiter.unwrap_or_else(|| Delimiter::sniff(text)).0;
        let header = Header::parse(line, text, delimiter)?;
        let index = header.choose(column)?;
        let label = header.label(index);
        let table = Table {
            header,
            delimiter,
            index,
            label,
            row_names: None,
            quoted_header: text.starts_with('"'),
            missing: self.options.missing,
        };
        Ok(Form::Csv(Box::new((table, Records::new(delimiter)))))
    }

    /// The numbers with their lines and CSV column name, once every line is read.
    fn finish(mut self) -> Result<DataFile, InputError> {
        if let Some(Form::Csv(csv)) = &mut self.form {
            let (table, records) = &mut **csv;
            let (values, lines, skipped) = (&mut self.values, &mut self.lines, &mut self.skipped);
            // A last row with no newline after it is complete only now.
            records.feed(0, &[], |line, fields| {
                take(table.record_value(line, fields)?, line, values, lines, skipped);
                Ok(())
            })?;
        }
        let Self { form, mut values, lines, skipped, .. } = self;
        let (column, delimiter) = match form {
            None => return Err(InputError::new(NO_NUMBERS)),
            Some(Form::Plain) => (None, None),
            Some(Form::Csv(csv)) => {
                let (table, _) = *csv;
                if values.is_empty() {
                    return Err(InputError::new(no_numbers(skipped)).field(table.label));
                }
                (table.header.names.get(table.index).cloned(), Some(Delimiter(table.delimiter)))
            }
        };
        if values.is_empty() {
            return Err(InputError::new(no_numbers(skipped)));
        }
        values.shrink_to_fit();
        Ok(DataFile {
            path: PathBuf::new(),
            values,
            lines: lines.finish(),
            column,
            delimiter,
            skipped,
        })
    }
}

/// The message for a file with no number in it, after `skipped` missing values.
fn no_numbers(skipped: usize) -> String {
    if skipped == 0 {
        NO_NUMBERS.to_owned()
    } else {
        format!(
            "no numbers found: every one of the {} holds a missing value",
            plural(skipped, "row")
        )
    }
}

/// True when `piece` holds no quote, so its rows split at the delimiter as the CSV parser
/// would split them.
fn unquoted(piece: &str) -> bool {
    memchr::memchr(b'"', piece.as_bytes()).is_none()
}

/// Adds what a row on `line` gave to the numbers read.
fn take(
    got: Got,
    line: usize,
    values: &mut Vec<f64>,
    lines: &mut LineMapBuilder,
    skipped: &mut usize,
) {
    match got {
        Got::Blank => {}
        Got::Skipped => *skipped += 1,
        Got::Value(value) => {
            values.push(value);
            lines.push(line);
        }
    }
}

/// True when a first line is meant as a number, even a mistyped one.
///
/// A mistyped first number (`1..5`, `12x`) would otherwise pass for a one-column header
/// and be dropped without a word, so anything that starts like a number and has no comma
/// counts as data and gets a "not a number" error instead; so does a missing value.
fn starts_like_number(text: &str) -> bool {
    if text.parse::<f64>().is_ok() || is_missing(text) {
        return true;
    }
    if text.contains([',', '\t', ';', '|', '"']) {
        return false;
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let digits = unsigned.strip_prefix('.').unwrap_or(unsigned);
    digits.starts_with(|c: char| c.is_ascii_digit())
}

/// True when `--column` names the only column a plain file has.
fn is_index_one(column: &str) -> bool {
    is_all_digits(column) && column.parse::<usize>() == Ok(1)
}

/// True for a non-empty run of ASCII digits, the form `--column` uses for an index.
fn is_all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The line of a plain file: a number, a blank or comment line, or a missing value; `first`
/// when no number came before it.
fn plain_value(line: usize, text: &str, first: bool, missing: Missing) -> Result<Got, InputError> {
    let text = text::trim(text);
    if text.is_empty() || text.starts_with('#') {
        return Ok(Got::Blank);
    }
    if is_missing(text) {
        return match missing {
            Missing::Skip => Ok(Got::Skipped),
            Missing::Error => Err(missing_value(text).at_line(line)),
        };
    }
    parse_number(text).map(Got::Value).map_err(|bad| {
        let hint = if first {
            " (a header row naming the column must not start with a digit)"
        } else if text.contains(|c: char| c.is_whitespace() || c == ';') {
            " (a plain data file has one number per line; for several columns use CSV with a header)"
        } else {
            ""
        };
        InputError::new(bad.message(text, hint)).at_line(line)
    })
}

/// Quotes `text` for a message, escaping control characters and cutting it short.
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{:?}...", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// `n` followed by `noun`, plural when `n` is not 1.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write as _;

    fn parse(text: &str, column: Option<&str>) -> Result<DataFile, InputError> {
        parse_data(text.as_bytes(), Path::new("d.txt"), &ReadOptions::column(column))
    }

    fn ok(text: &str, column: Option<&str>) -> DataFile {
        match parse(text, column) {
            Ok(data) => data,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn err(text: &str, column: Option<&str>) -> String {
        match parse(text, column) {
            Ok(data) => panic!("expected an error, got {data:?}"),
            Err(e) => {
                assert_eq!(e.file.as_deref(), Some(Path::new("d.txt")));
                e.to_string()
            }
        }
    }

    fn lines_of(data: &DataFile) -> Vec<usize> {
        (0..data.values.len()).map(|i| data.line_of(i)).collect()
    }

    fn assert_has(message: &str, parts: &[&str]) {
        for part in parts {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
    }

    #[test]
    fn plain_numbers_keep_their_file_lines() {
        let data = ok("# weights\n\n1.5\n  +2e-3  \n\t-4\n# end\n\n7.", None);
        assert_eq!(data.values, vec![1.5, 2e-3, -4.0, 7.0]);
        assert_eq!(lines_of(&data), vec![3, 4, 5, 8]);
        assert_eq!(data.column, None);
        assert_eq!(data.path, PathBuf::from("d.txt"));
    }

    #[test]
    fn crlf_lines_are_read() {
        let data = ok("1\r\n2.5\r\n\r\n# c\r\n3\r\n", None);
        assert_eq!(data.values, vec![1.0, 2.5, 3.0]);
        assert_eq!(lines_of(&data), vec![1, 2, 5]);
    }

    #[test]
    fn indented_comments_and_a_byte_order_mark_are_skipped() {
        let data = ok("\u{feff}  # note\n5\n   # more\n6\n", None);
        assert_eq!(data.values, vec![5.0, 6.0]);
        assert_eq!(lines_of(&data), vec![2, 4]);
    }

    #[test]
    fn plain_file_accepts_column_one() {
        let data = ok("1\n2\n", Some("1"));
        assert_eq!(data.values, vec![1.0, 2.0]);
        assert_eq!(data.column, None);
    }

    #[test]
    fn csv_column_by_name() {
        let data = ok("# run 3\ntime, x ,y\n\n0,1.5,10\n#2,2.0,15\n1,2.5,20\r\n", Some("x"));
        assert_eq!(data.values, vec![1.5, 2.0, 2.5]);
        assert_eq!(lines_of(&data), vec![4, 5, 6]);
        assert_eq!(data.column.as_deref(), Some("x"));
    }

    #[test]
    fn csv_column_by_index() {
        let data = ok("time,x,y\n0,1.5,10\n1,2.5,20\n", Some("3"));
        assert_eq!(data.values, vec![10.0, 20.0]);
        assert_eq!(data.column.as_deref(), Some("y"));
    }

    #[test]
    fn csv_name_wins_over_index() {
        let data = ok("year,2,x\n2020,7,8\n", Some("2"));
        assert_eq!(data.values, vec![7.0]);
        assert_eq!(data.column.as_deref(), Some("2"));
    }

    #[test]
    fn csv_quoted_header_and_values() {
        let data = ok(
            "\"\",\"weight, kg\",\"say \"\"hi\"\"\"\n\"1\",\"3.5\",x\n\"2\", 4 ,y\n",
            Some("weight, kg"),
        );
        assert_eq!(data.values, vec![3.5, 4.0]);
        assert_eq!(data.column.as_deref(), Some("weight, kg"));
        assert_eq!(
            ok("\"\",\"a\",\"say \"\"hi\"\"\"\n1,2,3\n", Some("say \"hi\"")).values,
            vec![3.0]
        );
    }

    #[test]
    fn single_column_csv_needs_no_column_flag() {
        let data = ok("height\n1.70\n1.82\n", None);
        assert_eq!(data.values, vec![1.70, 1.82]);
        assert_eq!(lines_of(&data), vec![2, 3]);
        assert_eq!(data.column.as_deref(), Some("height"));
    }

    #[test]
    fn read_data_reads_a_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a,b\n1,2\n3,4\n").expect("write the test file");
        let data = read_data(&path, &ReadOptions::column(Some("b"))).expect("a valid file");
        assert_eq!(data.values, vec![2.0, 4.0]);
        assert_eq!(data.path, path);
    }

    #[test]
    fn many_lines_parse() {
        let text = (0..200_000).fold(String::new(), |mut text, i| {
            writeln!(text, "{i}.25").expect("writing to a String cannot fail");
            text
        });
        let data = ok(&text, None);
        assert_eq!(data.values.len(), 200_000);
        assert_eq!(data.values[199_999].to_bits(), 199_999.25_f64.to_bits());
        assert_eq!(data.line_of(199_999), 200_000);
    }

    #[test]
    fn missing_file_names_the_os_reason() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("absent.txt");
        let e = read_data(&path, &ReadOptions::default()).expect_err("no such file");
        assert_eq!(e.file.as_deref(), Some(path.as_path()));
        assert_has(&e.to_string(), &["absent.txt: cannot read: ", "os error 2"]);
    }

    #[test]
    fn directory_cannot_be_read() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let e = read_data(dir.path(), &ReadOptions::default()).expect_err("a directory");
        assert_has(&e.to_string(), &["cannot read: ", "os error"]);
        assert_eq!(e.file.as_deref(), Some(dir.path()));
    }

    #[test]
    fn no_numbers_at_all() {
        let expected =
            "d.txt: no numbers found (blank lines and lines starting with # are skipped)";
        assert_eq!(err("", None), expected);
        assert_eq!(err("\n  \n# only a comment\r\n", None), expected);
        assert_has(&err("x,y\n\n  \n", Some("y")), &["d.txt: y: no numbers found"]);
    }

    #[test]
    fn text_that_is_not_a_number() {
        assert_eq!(err("1\n2\nabc\n", None), "d.txt:3: \"abc\" is not a number");
        assert_has(
            &err("1\n2 3\n", None),
            &["d.txt:2: \"2 3\" is not a number", "one number per line"],
        );
    }

    #[test]
    fn mistyped_first_number_is_not_taken_for_a_header() {
        assert_has(&err("1..5\n2\n", None), &["d.txt:1: \"1..5\" is not a number", "header"]);
    }

    #[test]
    fn long_bad_text_is_cut_short() {
        let long = "z".repeat(500);
        let message = err(&format!("1\n{long}\n"), None);
        assert_has(&message, &["d.txt:2: ", &format!("\"{}\"...", "z".repeat(40))]);
        assert!(message.len() < 120, "{message}");
    }

    #[test]
    fn nan_is_refused() {
        assert_has(&err("1\nNaN\n", None), &["d.txt:2: a missing value (NaN)", "--missing skip"]);
        assert_has(&err("nan\n", None), &["d.txt:1: a missing value (nan)"]);
    }

    #[test]
    fn infinities_are_refused() {
        for (text, line) in [("1\ninf\n", 2), ("1\n2\n-inf\n", 3), ("+Infinity\n", 1)] {
            assert_has(
                &err(text, None),
                &[&format!("d.txt:{line}: "), "infinite values cannot be fitted"],
            );
        }
    }

    #[test]
    fn overflow_is_refused() {
        assert_has(
            &err("1\n1e400\n", None),
            &["d.txt:2: \"1e400\" is too large for a 64-bit float"],
        );
        assert_has(
            &err("a\n-2e999\n", None),
            &["d.txt:2: a: \"-2e999\" is too large for a 64-bit float"],
        );
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let e = parse_data(b"1\n2\n3\xff4\n", Path::new("d.txt"), &ReadOptions::default())
            .expect_err("bad bytes");
        assert_has(&e.to_string(), &["d.txt:3:2: ", "not valid UTF-8", "0xFF"]);
    }

    #[test]
    fn utf16_is_named() {
        let e = parse_data(b"\xff\xfe1\x00\n\x00", Path::new("d.txt"), &ReadOptions::default())
            .expect_err("UTF-16");
        assert_has(&e.to_string(), &["d.txt:1: ", "UTF-16"]);
    }

    #[test]
    fn several_columns_need_the_column_flag() {
        assert_eq!(
            err("# c\ntime,x\n1,2\n", None),
            "d.txt:2: the header has 2 columns (1 \"time\", 2 \"x\"); pick one with --column NAME or --column NUMBER"
        );
    }

    #[test]
    fn unknown_column_name_lists_the_names() {
        assert_eq!(
            err("time,x\n1,2\n", Some("y")),
            "d.txt:1: --column: no column named \"y\"; the header has 1 \"time\", 2 \"x\""
        );
    }

    #[test]
    fn long_header_listing_is_cut_short() {
        let header = (1..=30).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",");
        assert_has(&err(&format!("{header}\n"), None), &["20 \"c20\", ... (30 columns in all)"]);
    }

    #[test]
    fn column_index_out_of_range() {
        let expected = "d.txt:1: --column: there is no column {}: columns are numbered from 1 to 2 (1 \"a\", 2 \"b\")";
        assert_eq!(err("a,b\n1,2\n", Some("0")), expected.replace("{}", "0"));
        assert_eq!(err("a,b\n1,2\n", Some("3")), expected.replace("{}", "3"));
        assert_has(&err("a,b\n1,2\n", Some("99999999999999999999999")), &["from 1 to 2"]);
    }

    #[test]
    fn duplicate_column_name_is_ambiguous() {
        assert_has(
            &err("x,x\n1,2\n", Some("x")),
            &["d.txt:1: --column: ", "more than one column named \"x\" (columns 1 and 2)"],
        );
    }

    #[test]
    fn row_with_wrong_field_count() {
        assert_eq!(
            err("a,b,c\n1,2,3\n\n4,5\n", Some("a")),
            "d.txt:4: this row has 2 fields but the header (line 1) has 3 columns"
        );
        assert_has(&err("a,b\n1,2,3\n", Some("b")), &["d.txt:2: this row has 3 fields"]);
    }

    #[test]
    fn empty_field_in_the_column() {
        assert_has(
            &err("a,b\n1,2\n3, \n", Some("b")),
            &["d.txt:3: b: an empty value", "--missing skip"],
        );
        assert_eq!(ok("a,b\n,2\n", Some("b")).values, vec![2.0]);
    }

    #[test]
    fn csv_value_errors_name_the_column() {
        assert_eq!(err("a,b\n1,2\n3,oops\n", Some("b")), "d.txt:3: b: \"oops\" is not a number");
        assert_has(&err("a,b\n1,nan\n", Some("b")), &["d.txt:2: b: a missing value (nan)"]);
        assert_has(
            &err("a,b\n1,-inf\n", Some("2")),
            &["d.txt:2: b: ", "infinite values cannot be fitted"],
        );
        assert_has(
            &err("\"\",x\n1,2\nz,y\n", Some("1")),
            &["d.txt:3: column 1: \"z\" is not a number"],
        );
    }

    fn with(text: &str, options: &ReadOptions) -> Result<DataFile, String> {
        parse_data(text.as_bytes(), Path::new("d.txt"), options).map_err(|e| e.to_string())
    }

    fn skipping(column: &str) -> ReadOptions {
        ReadOptions { missing: Missing::Skip, ..ReadOptions::column(Some(column)) }
    }

    #[test]
    fn r_write_table_output_reads_with_its_row_names() {
        // write.table(data.frame(x = c(0.5, NA), y = c(1.2, 3))): space-separated, quoted
        // names, a row name first in every row and none for it in the header.
        let text = "\"x\" \"y\"\n\"1\" 0.5 1.2\n\"2\" NA 3\n";
        let x = with(text, &skipping("x")).expect("x reads");
        assert_eq!(
            (x.values.clone(), x.skipped, x.delimiter),
            (vec![0.5], 1, Some(Delimiter(b' ')))
        );
        assert_eq!(lines_of(&x), vec![2]);
        assert_eq!(with(text, &skipping("y")).expect("y reads").values, vec![1.2, 3.0]);
        let refused = with(text, &ReadOptions::column(Some("x"))).expect_err("NA refused");
        assert_has(&refused, &["d.txt:3: x: a missing value (NA)", "--missing skip"]);
        // write.csv quotes an empty name for the row names instead.
        let csv = "\"\",\"x\"\n\"1\",0.5\n\"2\",NA\n";
        assert_eq!(with(csv, &skipping("x")).expect("x reads").values, vec![0.5]);
    }

    #[test]
    fn tsv_and_pandas_output() {
        let tsv = "id\tweight kg\n1\t70.5\n2\t\n";
        assert_has(
            &with(tsv, &ReadOptions::column(Some("weight kg"))).expect_err("empty"),
            &["d.txt:3: weight kg: an empty value"],
        );
        let data = with(tsv, &skipping("weight kg")).expect("skipped");
        assert_eq!((data.values, data.skipped), (vec![70.5], 1));
        // df.to_csv(): an unnamed index column, NaN written as nothing.
        let pandas = ",x\n0,1.5\n1,\n2,2.5\n";
        let data = with(pandas, &skipping("x")).expect("skipped");
        assert_eq!(
            (data.values.clone(), data.skipped, lines_of(&data)),
            (vec![1.5, 2.5], 1, vec![2, 4])
        );
    }

    #[test]
    fn a_row_one_field_too_long_is_not_taken_for_row_names_without_quotes() {
        assert_has(&err("a,b\n1,2,3\n", Some("b")), &["d.txt:2: this row has 3 fields"]);
        // A trailing delimiter is not a row name either.
        assert_has(&err("\"a\",\"b\"\n1,2,\n", Some("b")), &["d.txt:2: this row has 3 fields"]);
    }

    #[test]
    fn every_row_must_have_its_row_name_once_the_first_has() {
        let text = "\"x\",\"y\"\n\"r1\",1,2\n3,4\n";
        assert_has(
            &err(text, Some("x")),
            &["d.txt:3: this row has 2 fields but rows have a row name"],
        );
    }

    #[test]
    fn a_quoted_field_may_hold_a_newline() {
        let text = "note,x\n\"two\nlines\",1.5\nplain,2.5\n";
        let data = ok(text, Some("x"));
        assert_eq!((data.values.clone(), lines_of(&data)), (vec![1.5, 2.5], vec![2, 4]));
        assert_has(&err("note,x\n\"open,1.5\n", Some("x")), &["d.txt:2: this row has 1 field"]);
    }

    #[test]
    fn hints_for_a_decimal_comma_and_an_open_quote() {
        assert_has(
            &err("id;w\n1;70,5\n", Some("w")),
            &["d.txt:2: w: \"70,5\" is not a number", "decimal point"],
        );
        assert_has(&err("x\n\"open\n1\n", None), &["d.txt:2: x: ", "never closed"]);
    }

    #[test]
    fn missing_values_in_a_plain_file() {
        let options = ReadOptions { missing: Missing::Skip, ..ReadOptions::default() };
        let data = with("NA\n1\n\nNaN\n2\n", &options).expect("skipped");
        assert_eq!(
            (data.values.clone(), data.skipped, lines_of(&data)),
            (vec![1.0, 2.0], 2, vec![2, 5])
        );
        assert_has(
            &with("NA\nNA\n", &options).expect_err("nothing left"),
            &["every one of the 2 rows holds a missing value"],
        );
        assert_has(&err("1\nNA\n", None), &["d.txt:2: a missing value (NA)"]);
    }

    #[test]
    fn semicolon_separated_file_gets_a_hint() {
        assert_eq!(ok("a;b\n1;2\n", Some("b")).values, vec![2.0]);
        let forced = ReadOptions { delimiter: Some(Delimiter(b',')), ..ReadOptions::default() };
        let e = parse_data(b"a;b\n1;2\n", Path::new("d.txt"), &forced).expect_err("one column");
        assert_has(&e.to_string(), &["d.txt:2: a;b: \"1;2\" is not a number", "--delimiter"]);
    }

    #[test]
    fn column_flag_on_a_plain_file() {
        assert_has(
            &err("# c\n1\n2\n", Some("x")),
            &["d.txt:2: --column: the file has no header row"],
        );
        assert_has(&err("1\n2\n", Some("2")), &["no header row"]);
    }

    #[test]
    fn header_of_numbers_is_refused() {
        assert_has(
            &err("1,5\n2,5\n", None),
            &["d.txt:1: the first line \"1,5\" holds numbers, not a header"],
        );
    }

    #[test]
    fn unclosed_quote_in_header() {
        assert_has(&err("\"a,b\n1\n", None), &["d.txt:1: unclosed double quote"]);
    }

    fn check_ok_result(result: &Result<DataFile, InputError>) -> Result<(), TestCaseError> {
        match result {
            Ok(data) => {
                prop_assert!(!data.values.is_empty());
                prop_assert_eq!(data.values.len(), data.lines.len());
                let lines = lines_of(data);
                prop_assert!(data.values.iter().all(|v| v.is_finite()));
                prop_assert!(lines.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(lines.first().is_some_and(|&l| l >= 1));
            }
            Err(e) => prop_assert_eq!(e.file.as_deref(), Some(Path::new("d.txt"))),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..2000),
            column in proptest::option::of("[0-9a-z]{0,2}"),
        ) {
            check_ok_result(&parse_data(&bytes, Path::new("d.txt"), &ReadOptions::column(column.as_deref())))?;
        }

        #[test]
        fn arbitrary_number_like_text_never_panics(
            text in "[0-9,#\n\r a-zA-Z.e+\"-]{0,400}",
            column in proptest::option::of("[0-9a-z]{0,2}"),
        ) {
            let result = parse_data(text.as_bytes(), Path::new("d.txt"), &ReadOptions::column(column.as_deref()));
            check_ok_result(&result)?;
        }

        #[test]
        fn generated_plain_files_read_back(
            rows in proptest::collection::vec((-1e6..1e6f64, 0..3usize), 1..50),
        ) {
            // Each number may be preceded by a blank or comment line, to shift its line.
            let mut text = String::new();
            let mut expected_lines = Vec::new();
            let mut line = 0;
            for &(value, filler) in &rows {
                for k in 0..filler {
                    text.push_str(if k == 0 { "   \n" } else { "# note\r\n" });
                    line += 1;
                }
                writeln!(text, " {value:e}").expect("writing to a String cannot fail");
                line += 1;
                expected_lines.push(line);
            }
            let data = parse_data(text.as_bytes(), Path::new("d.txt"), &ReadOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let expected: Vec<f64> = rows.iter().map(|&(v, _)| v).collect();
            prop_assert_eq!(&data.values, &expected);
            prop_assert_eq!(lines_of(&data), expected_lines);
        }
    }
}
