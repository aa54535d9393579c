//! Reading a user's data file: the numbers to fit, each tied to the line it came from.
//!
//! This module owns the data-file format. A data file is text: one number per line, or
//! CSV with a header row from which `--column` picks one column by name or 1-based
//! index. Blank lines and lines starting with `#` are skipped in both forms. Every fault
//! becomes one [`InputError`] naming the file, the 1-based line and, for CSV, the column,
//! so the message alone is enough to fix the file; no input makes this module panic.

use std::path::{Path, PathBuf};

use crate::error::InputError;

/// Longest excerpt of offending text quoted in a message, in characters: enough to
/// recognise the line, short enough that a binary file does not flood the terminal.
const QUOTE_LIMIT: usize = 40;

/// Header names listed in a message before the list is cut short.
const LIST_LIMIT: usize = 20;

/// The message for a file that holds nothing to fit.
const NO_NUMBERS: &str = "no numbers found (blank lines and lines starting with # are skipped)";

/// Numbers read from a data file, each with the 1-based line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// The file the numbers came from.
    pub path: PathBuf,
    /// The numbers in file order, all finite.
    pub values: Vec<f64>,
    /// `lines[i]` is the 1-based file line of `values[i]`.
    pub lines: Vec<usize>,
    /// The CSV column used (its header name), `None` for plain files.
    pub column: Option<String>,
}

/// Reads the data file at `path` and parses it, taking `column` from it if it is CSV.
pub fn read_data(path: &Path, column: Option<&str>) -> Result<DataFile, InputError> {
    let bytes = std::fs::read(path)
        .map_err(|e| InputError::new(format!("cannot read: {e}")).in_file(path))?;
    parse_data(&bytes, path, column)
}

/// Parses the contents of a data file; `path` only names the file in the result and errors.
pub fn parse_data(bytes: &[u8], path: &Path, column: Option<&str>) -> Result<DataFile, InputError> {
    // Errors are built without the file and get it here, so none can miss it.
    let parsed = decode(bytes).and_then(|text| parse_text(text, column));
    match parsed {
        Ok(Parsed { values, lines, column }) => {
            Ok(DataFile { path: path.to_path_buf(), values, lines, column })
        }
        Err(e) => Err(e.in_file(path)),
    }
}

/// What a file yields before it is tied to its path.
struct Parsed {
    values: Vec<f64>,
    lines: Vec<usize>,
    column: Option<String>,
}

/// Checks the bytes are UTF-8 text, pointing at the first bad byte if not.
fn decode(bytes: &[u8]) -> Result<&str, InputError> {
    // Windows tools often save UTF-16; saying so beats a puzzling "invalid UTF-8".
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(InputError::new(
            "the file is UTF-16 text; save it as UTF-8 (or plain ASCII) text",
        )
        .at_line(1));
    }
    match std::str::from_utf8(bytes) {
        // Spreadsheet exports start with a byte-order mark that would spoil the first name.
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            // n newlines make n + 1 pieces, and the last piece is the bad line.
            let line = good.split(|&b| b == b'\n').count();
            let start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            // The prefix is valid by construction, so the column counts characters.
            let column = std::str::from_utf8(&good[start..]).map_or(1, |s| s.chars().count() + 1);
            let byte = bytes.get(good.len()).copied().unwrap_or_default();
            Err(InputError::new(format!(
                "not valid UTF-8 text (byte 0x{byte:02X}); a data file must be plain text"
            ))
            .at_line(line)
            .at_column(column))
        }
    }
}

/// The lines that hold data, trimmed, each with its 1-based line number in the file.
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        (!line.is_empty() && !line.starts_with('#')).then_some((i + 1, line))
    })
}

/// Decides between plain and CSV form from the first data line, then reads the numbers.
fn parse_text(text: &str, column: Option<&str>) -> Result<Parsed, InputError> {
    let mut rows = content_lines(text);
    let Some((first_line, first)) = rows.next() else {
        return Err(InputError::new(NO_NUMBERS));
    };
    if starts_like_number(first) {
        if column.is_some_and(|c| !is_index_one(c)) {
            return Err(InputError::new(
                "the file has no header row (its first line is a number), so it has no named \
                 columns: leave out --column to read its one column",
            )
            .at_line(first_line)
            .field("--column"));
        }
        read_plain(std::iter::once((first_line, first)).chain(rows))
    } else {
        let header = Header::parse(first_line, first)?;
        let index = header.choose(column)?;
        read_column(&header, index, rows)
    }
}

/// True when a first line is meant as a number, even a mistyped one.
///
/// A mistyped first number (`1..5`, `12x`) would otherwise pass for a one-column header
/// and be dropped without a word, so anything that starts like a number and has no comma
/// counts as data and gets a "not a number" error instead.
fn starts_like_number(text: &str) -> bool {
    if text.parse::<f64>().is_ok() {
        return true;
    }
    if text.contains(',') {
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

/// Reads a file of one number per line.
fn read_plain<'a>(rows: impl Iterator<Item = (usize, &'a str)>) -> Result<Parsed, InputError> {
    let mut values = Vec::new();
    let mut lines = Vec::new();
    for (line, text) in rows {
        let value = parse_number(text).map_err(|bad| {
            let hint = if values.is_empty() {
                " (a header row naming the column must not start with a digit)"
            } else if text.contains(|c: char| c.is_whitespace() || c == ';') {
                " (a plain data file has one number per line; for several columns use CSV with a header)"
            } else {
                ""
            };
            InputError::new(bad.message(text, hint)).at_line(line)
        })?;
        values.push(value);
        lines.push(line);
    }
    Ok(Parsed { values, lines, column: None })
}

/// Reads column `index` of the CSV rows that follow `header`.
fn read_column<'a>(
    header: &Header,
    index: usize,
    rows: impl Iterator<Item = (usize, &'a str)>,
) -> Result<Parsed, InputError> {
    let width = header.names.len();
    let label = header.label(index);
    let mut values = Vec::new();
    let mut lines = Vec::new();
    for (line, row) in rows {
        // One pass finds the chosen field and counts the rest, so a row is never collected.
        let mut count = 0;
        let mut chosen = None;
        for (i, field) in fields(row).enumerate() {
            if i == index {
                chosen = Some(field);
            }
            count += 1;
        }
        let raw = match chosen {
            Some(raw) if count == width => raw,
            _ => {
                return Err(InputError::new(format!(
                    "this row has {} but the header (line {}) has {}",
                    plural(count, "field"),
                    header.line,
                    plural(width, "column")
                ))
                .at_line(line));
            }
        };
        let text = unquote_value(raw);
        if text.is_empty() {
            return Err(InputError::new("empty value; every row needs a number in this column")
                .at_line(line)
                .field(label));
        }
        let value = parse_number(text).map_err(|bad| {
            let hint = if text.contains([';', '\t']) {
                " (columns must be separated by commas)"
            } else {
                ""
            };
            InputError::new(bad.message(text, hint)).at_line(line).field(label.clone())
        })?;
        values.push(value);
        lines.push(line);
    }
    if values.is_empty() {
        return Err(InputError::new(NO_NUMBERS).field(label));
    }
    Ok(Parsed { values, lines, column: header.names.get(index).cloned() })
}

/// Why a piece of text is not a number that can be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BadNumber {
    /// Not a number at all.
    NotNumber,
    /// Spelled `nan`.
    NaN,
    /// Spelled `inf` or `infinity`.
    Infinite,
    /// A finite spelling beyond the range of `f64`, such as `1e400`.
    Overflow,
}

impl BadNumber {
    /// The message for `text`, with `hint` (empty, or starting with a space) after the
    /// "not a number" case only: the other cases are already specific.
    fn message(self, text: &str, hint: &str) -> String {
        let quoted = quote(text);
        match self {
            Self::NotNumber => format!("{quoted} is not a number{hint}"),
            Self::NaN => "NaN is not a number that can be fitted".to_owned(),
            Self::Infinite => format!("{quoted}: infinite values cannot be fitted"),
            Self::Overflow => {
                format!(
                    "{quoted} is too large for a 64-bit float (the largest magnitude is about 1.8e308)"
                )
            }
        }
    }
}

/// Parses one trimmed value, refusing everything that is not finite.
fn parse_number(text: &str) -> Result<f64, BadNumber> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) if v.is_nan() => Err(BadNumber::NaN),
        // Rust reads both `inf` and `1e400` as infinity; only the spelling tells them apart.
        Ok(_) => {
            let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
            if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
                Err(BadNumber::Infinite)
            } else {
                Err(BadNumber::Overflow)
            }
        }
        Err(_) => Err(BadNumber::NotNumber),
    }
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

/// The comma-separated fields of one line, raw: untrimmed and with any quotes.
///
/// Commas inside double quotes do not split, so a quoted header name may hold one.
fn fields(line: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(line);
    std::iter::from_fn(move || {
        let text = rest?;
        let mut quoted = false;
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                // Splitting at an ASCII byte always lands on a character boundary.
                b',' if !quoted => {
                    rest = Some(&text[i + 1..]);
                    return Some(&text[..i]);
                }
                _ => {}
            }
        }
        rest = None;
        Some(text)
    })
}

/// A data field without surrounding whitespace and quotes, since some tools quote numbers.
fn unquote_value(raw: &str) -> &str {
    let field = raw.trim();
    match field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
        Some(inner) => inner.trim(),
        None => field,
    }
}

/// The header row of a CSV data file.
struct Header {
    /// 1-based line of the header in the file.
    line: usize,
    /// Column names, trimmed and unquoted.
    names: Vec<String>,
}

impl Header {
    /// Splits the header row on `line` into column names.
    fn parse(line: usize, text: &str) -> Result<Self, InputError> {
        let mut names = Vec::new();
        let mut all_bare_numbers = true;
        for raw in fields(text) {
            let field = raw.trim();
            let name = if let Some(rest) = field.strip_prefix('"') {
                all_bare_numbers = false;
                let Some(inner) = rest.strip_suffix('"') else {
                    return Err(InputError::new(format!(
                        "unclosed double quote in the header field {}",
                        quote(field)
                    ))
                    .at_line(line));
                };
                inner.trim().replace("\"\"", "\"")
            } else {
                all_bare_numbers &= field.parse::<f64>().is_ok();
                field.to_owned()
            };
            names.push(name);
        }
        // A header of numbers is a headerless CSV or numbers written with a decimal comma;
        // taking it as names would drop a row of data.
        if all_bare_numbers {
            return Err(InputError::new(format!(
                "the first line {} holds numbers, not a header: a CSV data file needs a header \
                 row naming its columns (and a plain file takes one number per line, written \
                 with a decimal point, not a comma)",
                quote(text)
            ))
            .at_line(line));
        }
        Ok(Self { line, names })
    }

    /// The index of the column that `--column` picks: by exact name first, then by number.
    fn choose(&self, column: Option<&str>) -> Result<usize, InputError> {
        let width = self.names.len();
        let Some(wanted) = column else {
            if width == 1 {
                return Ok(0);
            }
            return Err(InputError::new(format!(
                "the header has {width} columns ({}); pick one with --column NAME or --column NUMBER",
                self.listing()
            ))
            .at_line(self.line));
        };
        let fail = |message: String| InputError::new(message).at_line(self.line).field("--column");
        let mut matches =
            self.names.iter().enumerate().filter(|(_, name)| *name == wanted).map(|(i, _)| i);
        match (matches.next(), matches.next()) {
            (Some(index), None) => return Ok(index),
            (Some(a), Some(b)) => {
                return Err(fail(format!(
                    "the header has more than one column named {} (columns {} and {}); pick one by number",
                    quote(wanted),
                    a + 1,
                    b + 1
                )));
            }
            _ => {}
        }
        if is_all_digits(wanted) {
            return match wanted.parse::<usize>() {
                Ok(n) if (1..=width).contains(&n) => Ok(n - 1),
                _ => Err(fail(format!(
                    "there is no column {wanted}: columns are numbered from 1 to {width} ({})",
                    self.listing()
                ))),
            };
        }
        Err(fail(format!("no column named {}; the header has {}", quote(wanted), self.listing())))
    }

    /// The columns as `1 "time", 2 "x"`, cut short when there are many.
    fn listing(&self) -> String {
        let mut parts: Vec<String> = self
            .names
            .iter()
            .take(LIST_LIMIT)
            .enumerate()
            .map(|(i, name)| format!("{} {}", i + 1, quote(name)))
            .collect();
        if self.names.len() > LIST_LIMIT {
            parts.push(format!("... ({} columns in all)", self.names.len()));
        }
        parts.join(", ")
    }

    /// How messages name column `index`: its header name, or its number if the name is empty.
    fn label(&self, index: usize) -> String {
        match self.names.get(index) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("column {}", index + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write as _;

    fn parse(text: &str, column: Option<&str>) -> Result<DataFile, InputError> {
        parse_data(text.as_bytes(), Path::new("d.txt"), column)
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

    fn assert_has(message: &str, parts: &[&str]) {
        for part in parts {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
    }

    #[test]
    fn plain_numbers_keep_their_file_lines() {
        let data = ok("# weights\n\n1.5\n  +2e-3  \n\t-4\n# end\n\n7.", None);
        assert_eq!(data.values, vec![1.5, 2e-3, -4.0, 7.0]);
        assert_eq!(data.lines, vec![3, 4, 5, 8]);
        assert_eq!(data.column, None);
        assert_eq!(data.path, PathBuf::from("d.txt"));
    }

    #[test]
    fn crlf_lines_are_read() {
        let data = ok("1\r\n2.5\r\n\r\n# c\r\n3\r\n", None);
        assert_eq!(data.values, vec![1.0, 2.5, 3.0]);
        assert_eq!(data.lines, vec![1, 2, 5]);
    }

    #[test]
    fn indented_comments_and_a_byte_order_mark_are_skipped() {
        let data = ok("\u{feff}  # note\n5\n   # more\n6\n", None);
        assert_eq!(data.values, vec![5.0, 6.0]);
        assert_eq!(data.lines, vec![2, 4]);
    }

    #[test]
    fn plain_file_accepts_column_one() {
        let data = ok("1\n2\n", Some("1"));
        assert_eq!(data.values, vec![1.0, 2.0]);
        assert_eq!(data.column, None);
    }

    #[test]
    fn csv_column_by_name() {
        let data = ok("# run 3\ntime, x ,y\n\n0,1.5,10\n# skipped\n1,2.5,20\r\n", Some("x"));
        assert_eq!(data.values, vec![1.5, 2.5]);
        assert_eq!(data.lines, vec![4, 6]);
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
        assert_eq!(data.lines, vec![2, 3]);
        assert_eq!(data.column.as_deref(), Some("height"));
    }

    #[test]
    fn read_data_reads_a_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a,b\n1,2\n3,4\n").expect("write the test file");
        let data = read_data(&path, Some("b")).expect("a valid file");
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
        assert_eq!(data.lines[199_999], 200_000);
    }

    #[test]
    fn missing_file_names_the_os_reason() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("absent.txt");
        let e = read_data(&path, None).expect_err("no such file");
        assert_eq!(e.file.as_deref(), Some(path.as_path()));
        assert_has(&e.to_string(), &["absent.txt: cannot read: ", "os error 2"]);
    }

    #[test]
    fn directory_cannot_be_read() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let e = read_data(dir.path(), None).expect_err("a directory");
        assert_has(&e.to_string(), &["cannot read: ", "os error"]);
        assert_eq!(e.file.as_deref(), Some(dir.path()));
    }

    #[test]
    fn no_numbers_at_all() {
        let expected =
            "d.txt: no numbers found (blank lines and lines starting with # are skipped)";
        assert_eq!(err("", None), expected);
        assert_eq!(err("\n  \n# only a comment\r\n", None), expected);
        assert_has(&err("x,y\n# nothing\n", Some("y")), &["d.txt: y: no numbers found"]);
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
        assert_eq!(err("1\nNaN\n", None), "d.txt:2: NaN is not a number that can be fitted");
        assert_eq!(err("nan\n", None), "d.txt:1: NaN is not a number that can be fitted");
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
        let e = parse_data(b"1\n2\n3\xff4\n", Path::new("d.txt"), None).expect_err("bad bytes");
        assert_has(&e.to_string(), &["d.txt:3:2: ", "not valid UTF-8", "0xFF"]);
    }

    #[test]
    fn utf16_is_named() {
        let e = parse_data(b"\xff\xfe1\x00\n\x00", Path::new("d.txt"), None).expect_err("UTF-16");
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
        assert_has(&err("a,b\n1,2\n3, \n", Some("b")), &["d.txt:3: b: empty value"]);
        assert_eq!(ok("a,b\n,2\n", Some("b")).values, vec![2.0]);
    }

    #[test]
    fn csv_value_errors_name_the_column() {
        assert_eq!(err("a,b\n1,2\n3,oops\n", Some("b")), "d.txt:3: b: \"oops\" is not a number");
        assert_eq!(
            err("a,b\n1,nan\n", Some("b")),
            "d.txt:2: b: NaN is not a number that can be fitted"
        );
        assert_has(
            &err("a,b\n1,-inf\n", Some("2")),
            &["d.txt:2: b: ", "infinite values cannot be fitted"],
        );
        assert_has(
            &err("\"\",x\n1,2\nz,y\n", Some("1")),
            &["d.txt:3: column 1: \"z\" is not a number"],
        );
    }

    #[test]
    fn semicolon_separated_file_gets_a_hint() {
        assert_has(
            &err("a;b\n1;2\n", None),
            &["d.txt:2: a;b: \"1;2\" is not a number", "separated by commas"],
        );
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
                prop_assert!(data.values.iter().all(|v| v.is_finite()));
                prop_assert!(data.lines.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(data.lines.first().is_some_and(|&l| l >= 1));
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
            check_ok_result(&parse_data(&bytes, Path::new("d.txt"), column.as_deref()))?;
        }

        #[test]
        fn arbitrary_number_like_text_never_panics(
            text in "[0-9,#\n\r a-zA-Z.e+\"-]{0,400}",
            column in proptest::option::of("[0-9a-z]{0,2}"),
        ) {
            let result = parse_data(text.as_bytes(), Path::new("d.txt"), column.as_deref());
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
            let data = parse_data(text.as_bytes(), Path::new("d.txt"), None).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let expected: Vec<f64> = rows.iter().map(|&(v, _)| v).collect();
            prop_assert_eq!(data.values, expected);
            prop_assert_eq!(data.lines, expected_lines);
        }
    }
}
