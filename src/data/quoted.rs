//! CSV records read by `csv-core`, the parser of the `csv` crate, so quoting (a delimiter
//! or a newline inside quotes, `""` for a quote) is exactly what the ecosystem writes.
//!
//! Records are fed piece by piece as the file is read; a quoted field may run on past the
//! end of a piece, and the parser keeps its place until the next one.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder, Terminator};

use super::text::MAX_LINE_BYTES;
use crate::error::InputError;

/// A CSV parser over a file given in pieces, with the line each record starts on.
pub(super) struct Records {
    /// The parser, which keeps its state between pieces.
    reader: Reader,
    /// The unquoted bytes of the record in progress.
    out: Vec<u8>,
    /// The end of each field of the record in progress within `out`.
    ends: Vec<usize>,
    /// Bytes of `out` filled.
    filled: usize,
    /// Entries of `ends` filled.
    fields: usize,
    /// The line the record in progress started on; `None` between records.
    start: Option<usize>,
}

impl Records {
    /// A parser of records whose fields are split by `delimiter`.
    pub(super) fn new(delimiter: u8) -> Self {
        Self {
            reader: parser(delimiter),
            out: vec![0; 1 << 10],
            ends: vec![0; 64],
            filled: 0,
            fields: 0,
            start: None,
        }
    }

    /// True between records, where a piece can be read by another path.
    pub(super) fn between_records(&self) -> bool {
        self.start.is_none()
    }

    /// Reads `input`, whose first byte is on `line`, calling `on_record(line, fields)` for
    /// each record completed in it (the fields unquoted, not trimmed); an empty `input`
    /// ends the file and completes a last record with no newline after it.
    pub(super) fn feed(
        &mut self,
        mut line: usize,
        mut input: &[u8],
        mut on_record: impl FnMut(usize, &[&str]) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        let at_end = input.is_empty();
        loop {
            if self.start.is_none() {
                // Empty lines between records are skipped, as the parser would; skipping
                // them here puts the record on the line where its text starts.
                let skip = input.iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
                line += count_newlines(&input[..skip]);
                input = &input[skip..];
                if input.is_empty() && !at_end {
                    return Ok(());
                }
                self.start = Some(line);
            }
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.out[self.filled..],
                &mut self.ends[self.fields..],
            );
            line += count_newlines(&input[..read]);
            input = &input[read..];
            self.filled += written;
            self.fields += ended;
            match result {
                ReadRecordResult::InputEmpty => return Ok(()),
                ReadRecordResult::OutputFull => self.grow_output()?,
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                ReadRecordResult::Record => {
                    let first = self.start.take().unwrap_or(line);
                    self.emit(first, &mut on_record)?;
                }
                ReadRecordResult::End => {
                    self.start = None;
                    return Ok(());
                }
            }
        }
    }

    /// A bigger output buffer, refused past the longest line a data file may have.
    fn grow_output(&mut self) -> Result<(), InputError> {
        if self.out.len() >= MAX_LINE_BYTES {
            return Err(InputError::new(format!(
                "a CSV row longer than {MAX_LINE_BYTES} bytes (is a double quote left open?)"
            ))
            .at_line(self.start.unwrap_or(1)));
        }
        let len = self.out.len();
        self.out.resize(len * 2, 0);
        Ok(())
    }

    /// Hands the record just read to `on_record` and makes room for the next.
    fn emit(
        &mut self,
        line: usize,
        on_record: &mut impl FnMut(usize, &[&str]) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        let bytes = &self.out[..self.filled];
        // The input is checked UTF-8 and a quote is one byte, so each field is UTF-8 too;
        // a field that is not is reported, never unwrapped.
        let text = std::str::from_utf8(bytes)
            .map_err(|_| InputError::new("a CSV row that is not UTF-8 text").at_line(line))?;
        let mut fields = Vec::with_capacity(self.fields);
        let mut from = 0;
        for &end in &self.ends[..self.fields] {
            fields.push(text.get(from..end).unwrap_or_default());
            from = end;
        }
        let result = on_record(line, &fields);
        self.filled = 0;
        self.fields = 0;
        result
    }
}

/// A parser for one line at a time, kept per thread so a quoted row costs no set-up.
struct LineParser {
    /// The delimiter the parser was built for.
    delimiter: u8,
    /// The parser, at the start of a record between calls.
    reader: Reader,
    /// Unquoted bytes of the line.
    out: Vec<u8>,
    /// Field ends within `out`.
    ends: Vec<usize>,
}

thread_local! {
    static LINE_PARSER: std::cell::RefCell<Option<LineParser>> = const { std::cell::RefCell::new(None) };
}

/// Calls `on_fields` with the fields of `line` (no newline in it) when the line is a whole
/// record by itself, as the CSV parser reads it in the stream; `None` when a quoted field
/// runs on past its end, so the line can only be read with the lines after it.
pub(super) fn with_line_fields<T>(
    line: &str,
    delimiter: u8,
    on_fields: impl FnOnce(&[&str]) -> T,
) -> Option<T> {
    LINE_PARSER.with_borrow_mut(|cached| {
        let parser = match cached {
            Some(p) if p.delimiter == delimiter => p,
            _ => cached.insert(LineParser {
                delimiter,
                reader: parser(delimiter),
                out: vec![0; 1 << 10],
                ends: vec![0; 64],
            }),
        };
        let mut input = line.as_bytes();
        let (mut filled, mut fields) = (0, 0);
        let mut ended = false;
        loop {
            let (result, read, written, n) = parser.reader.read_record(
                input,
                &mut parser.out[filled..],
                &mut parser.ends[fields..],
            );
            input = &input[read..];
            filled += written;
            fields += n;
            match result {
                ReadRecordResult::OutputFull => {
                    let len = parser.out.len();
                    parser.out.resize(len * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = parser.ends.len();
                    parser.ends.resize(len * 2, 0);
                }
                // The line's end: end the record there, as its newline would.
                ReadRecordResult::InputEmpty if !ended => {
                    ended = true;
                    input = b"\n";
                }
                ReadRecordResult::Record if input.is_empty() => break,
                _ => {
                    parser.reader.reset();
                    return None;
                }
            }
        }
        let text = std::str::from_utf8(&parser.out[..filled]).ok()?;
        let mut from = 0;
        let mut split = Vec::with_capacity(fields);
        for &end in &parser.ends[..fields] {
            split.push(text.get(from..end).unwrap_or_default());
            from = end;
        }
        Some(on_fields(&split))
    })
}

/// The fields of one line on its own, as the parser reads them (a quote left open runs
/// to the line's end, as it would at the end of a file).
pub(super) fn split_line(text: &str, delimiter: u8) -> Vec<String> {
    let owned = |f: &[&str]| f.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    with_line_fields(text, delimiter, owned).unwrap_or_else(|| {
        let mut records = Records::new(delimiter);
        let mut fields = Vec::new();
        let mut keep = |_: usize, record: &[&str]| {
            fields = owned(record);
            Ok(())
        };
        // A lone line cannot fail: it holds no row too long to hold.
        let _ = records.feed(1, text.as_bytes(), &mut keep);
        let _ = records.feed(1, &[], &mut keep);
        fields
    })
}

/// The CSV parser with mlex's settings: records end at a newline only, as lines do
/// everywhere else in a data file; a carriage return before it is white space, trimmed with
/// the field.
fn parser(delimiter: u8) -> Reader {
    ReaderBuilder::new().delimiter(delimiter).terminator(Terminator::Any(b'\n')).build()
}

/// The number of newlines in `bytes`.
fn count_newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` fed in pieces of `size` bytes (cut anywhere), with its line.
    fn records(text: &str, size: usize) -> Vec<(usize, Vec<String>)> {
        let mut records = Records::new(b',');
        let mut out = Vec::new();
        let mut line = 1;
        let mut keep = |line: usize, record: &[&str]| {
            out.push((line, record.iter().map(|f| (*f).to_owned()).collect()));
            Ok(())
        };
        for piece in text.as_bytes().chunks(size.max(1)) {
            records.feed(line, piece, &mut keep).expect("no row is too long");
            line += count_newlines(piece);
        }
        records.feed(line, &[], &mut keep).expect("no row is too long");
        out
    }

    fn owned(rows: &[(usize, &[&str])]) -> Vec<(usize, Vec<String>)> {
        rows.iter().map(|(l, r)| (*l, r.iter().map(|f| (*f).to_owned()).collect())).collect()
    }

    #[test]
    fn quoted_fields_hold_delimiters_newlines_and_quotes() {
        let text = "a,b\n\n\"x, y\",\"two\nlines\"\r\n\"say \"\"hi\"\"\",3\n4,5";
        let expected = owned(&[
            (1, &["a", "b"]),
            // A carriage return is white space, trimmed with the field by its reader.
            (3, &["x, y", "two\nlines\r"]),
            (5, &["say \"hi\"", "3"]),
            (6, &["4", "5"]),
        ]);
        for size in 1..=text.len() + 1 {
            assert_eq!(records(text, size), expected, "pieces of {size}");
        }
    }

    #[test]
    fn a_line_is_a_whole_record_or_says_it_is_not() {
        let fields = |line: &str| {
            with_line_fields(line, b',', |f| f.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(
            fields("\"a,b\",2,\"say \"\"hi\"\"\""),
            Some(vec!["a,b".into(), "2".into(), "say \"hi\"".into()])
        );
        assert_eq!(fields("1,\"open"), None);
        // A quote inside an unquoted field is a character; one opening a field runs on.
        assert_eq!(fields("x\"y,2"), Some(vec!["x\"y".into(), "2".into()]));
        assert_eq!(fields("x\"y,\"z"), None);
        // After a line that runs on, the next starts afresh.
        assert_eq!(fields("3,4"), Some(vec!["3".into(), "4".into()]));
    }

    #[test]
    fn one_line_splits_as_the_csv_crate_does() {
        assert_eq!(split_line("\"a,b\", c ,\"\"", b','), ["a,b", " c ", ""]);
        assert_eq!(split_line("\"x\" \"y\"", b' '), ["x", "y"]);
        assert_eq!(split_line("x", b','), ["x"]);
        // A quote that opens a field and never closes runs to the line's end.
        assert_eq!(split_line("x\"y,\"z", b','), ["x\"y", "z"]);
    }
}
