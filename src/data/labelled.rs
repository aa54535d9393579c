//! Reading a labelled table: one label column and d feature columns of a CSV file with a
//! header, for a classifier. Rows are read by the `csv` crate (quoting as it reads it), with
//! the delimiter told from the header or given, as for one column ([`super::ReadOptions`]);
//! lines starting with `#` above the header are comments, blank lines are skipped, and below
//! the header every line is a row. A missing label or feature (empty, `NA`, `NaN`, …) is
//! refused at its line and column unless `--missing skip` leaves the row out.
//!
//! Classes are sorted: by value when every label is a number (so `0`/`1` keep their order,
//! and `1` and `1.0` are one class, named as first written), else as text. The first class
//! is the models' reference.
//!
//! Input is bounded: a record (or, above the header, a line) longer than [`RECORD_LIMIT`]
//! is refused before it is held whole, and a label column with more than the caller's
//! `max_classes` distinct values is refused at the row where one too many appears.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::columns::missing_value;
use super::number::parse_number;
use super::options::is_missing;
use super::{Delimiter, Missing, STDIN, STDIN_NAME, quote};
use crate::error::InputError;

/// The longest record read, in bytes.
pub const RECORD_LIMIT: u64 = 64 << 20;

/// What to read from a labelled table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledOptions {
    /// The label column, by name (or 1-based index when no column has that name).
    pub label: String,
    /// The feature columns, likewise.
    pub features: Vec<String>,
    /// The delimiter; None tells it from the header.
    pub delimiter: Option<Delimiter>,
    /// What a missing value does.
    pub missing: Missing,
    /// The most distinct labels accepted.
    pub max_classes: usize,
}

/// A labelled table as read: the features by column and a class index per row.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledData {
    /// The file (`<stdin>` for standard input).
    pub path: PathBuf,
    /// The label column's name.
    pub label: String,
    /// The feature columns' names.
    pub features: Vec<String>,
    /// Feature values, one vector per feature, all finite.
    pub columns: Vec<Vec<f64>>,
    /// Each row's class index into `classes`.
    pub labels: Vec<u32>,
    /// The class names, sorted.
    pub classes: Vec<String>,
    /// The 1-based file line of each row.
    pub lines: Vec<usize>,
    /// The delimiter used.
    pub delimiter: Delimiter,
    /// Rows left out for a missing value.
    pub skipped: usize,
}

/// Reads the labelled table at `path` (standard input for `-`).
pub fn read_labelled(path: &Path, options: &LabelledOptions) -> Result<LabelledData, InputError> {
    if path == Path::new(STDIN) {
        return parse_labelled(std::io::stdin(), Path::new(STDIN_NAME), options);
    }
    let file = std::fs::File::open(path)
        .map_err(|e| InputError::new(format!("cannot read: {e}")).in_file(path))?;
    parse_labelled(file, path, options)
}

/// Parses a labelled table from `reader`; `path` names it in the result and in errors.
pub fn parse_labelled<R: Read>(
    reader: R,
    path: &Path,
    options: &LabelledOptions,
) -> Result<LabelledData, InputError> {
    parse(reader, path, options).map_err(|e| e.in_file(path))
}

/// What [`Bounded`] has seen: bytes delivered, the line they reached, and where each line
/// with content begins (a line holding only `\r`/`\n` is blank), from `mark` on.
#[derive(Debug, Default)]
struct Tracker {
    delivered: u64,
    /// The 1-based line of the next byte.
    line: usize,
    at_line_start: bool,
    /// (offset, line) of every line start with content at or after `mark`.
    starts: std::collections::VecDeque<(u64, usize)>,
    /// The end of the last complete record (or line above the header).
    mark: u64,
}

impl Tracker {
    /// The 1-based line of the first content at or after `offset`, forgetting earlier lines;
    /// `offset` becomes the mark.
    fn line_from(&mut self, offset: u64) -> usize {
        self.mark = offset;
        while self.starts.front().is_some_and(|(o, _)| *o < offset) {
            self.starts.pop_front();
        }
        self.starts.front().map_or(self.line, |(_, l)| *l)
    }
}

/// A reader that refuses to deliver more than [`RECORD_LIMIT`] bytes past the mark, so no
/// input is held whole without bound, and tracks lines: the csv crate's own record positions
/// count from before the blank lines it skips.
struct Bounded<R> {
    inner: R,
    tracker: Rc<RefCell<Tracker>>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut t = self.tracker.borrow_mut();
        if t.delivered.saturating_sub(t.mark) > RECORD_LIMIT {
            return Err(std::io::Error::other(TOO_LONG));
        }
        let n = self.inner.read(buf)?;
        let base = t.delivered;
        let mut from = 0;
        for nl in memchr::memchr_iter(b'\n', &buf[..n]).chain(std::iter::once(n)) {
            // The line running from `from` to the newline at `nl` (or the end of the piece).
            if t.at_line_start
                && let Some(k) = buf[from..nl].iter().position(|b| *b != b'\r')
            {
                let line = t.line;
                t.starts.push_back((base + (from + k) as u64, line));
                t.at_line_start = false;
            }
            if nl < n {
                t.line += 1;
                t.at_line_start = true;
            }
            from = nl + 1;
        }
        t.delivered += n as u64;
        Ok(n)
    }
}

const TOO_LONG: &str = "a record longer than 64 MiB: is this a CSV file?";

fn io_error(e: &std::io::Error, line: usize) -> InputError {
    let message =
        if e.to_string() == TOO_LONG { TOO_LONG.to_string() } else { format!("cannot read: {e}") };
    InputError::new(message).at_line(line)
}

// One read, in order, from the header to the last row: split up it would pass the reader,
// the tracker and the header between pieces.
#[allow(clippy::too_many_lines)]
fn parse<R: Read>(
    reader: R,
    path: &Path,
    options: &LabelledOptions,
) -> Result<LabelledData, InputError> {
    let tracker =
        Rc::new(RefCell::new(Tracker { line: 1, at_line_start: true, ..Tracker::default() }));
    let mut input = BufReader::new(Bounded { inner: reader, tracker: Rc::clone(&tracker) });
    // The header: the first line that is neither blank nor a comment.
    let (mut line, mut consumed) = (0usize, 0u64);
    let mut raw = Vec::new();
    let header = loop {
        raw.clear();
        let n = input.read_until(b'\n', &mut raw).map_err(|e| io_error(&e, line + 1))?;
        if n == 0 {
            return Err(InputError::new(
                "no header row found (a labelled table is CSV with a header naming its columns)",
            ));
        }
        line += 1;
        consumed += n as u64;
        tracker.borrow_mut().line_from(consumed);
        let text = std::str::from_utf8(&raw)
            .map_err(|_| InputError::new("the line is not valid UTF-8 text").at_line(line))?;
        let text = if line == 1 { text.trim_start_matches('\u{feff}') } else { text };
        let trimmed = text.trim();
        if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            break text.to_string();
        }
    };
    let header_line = line;
    let delimiter = options.delimiter.unwrap_or_else(|| Delimiter::sniff(header.trim_end()));
    let header_len = header.len() as u64;
    let chained = std::io::Cursor::new(header.into_bytes()).chain(input);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter.0)
        .has_headers(false)
        .flexible(true)
        .from_reader(chained);
    let mut record = csv::StringRecord::new();
    // The file line of the record about to be read: the first content after the last one.
    let next_line = |csv: &csv::Reader<_>| {
        let end = (csv.position().byte() + consumed).saturating_sub(header_len);
        if csv.position().byte() < header_len {
            header_line
        } else {
            tracker.borrow_mut().line_from(end)
        }
    };
    let read = |csv: &mut csv::Reader<_>, record: &mut csv::StringRecord, at: usize| {
        csv.read_record(record).map_err(|e| csv_error(&e, at))
    };
    if !read(&mut csv, &mut record, header_line)? {
        return Err(InputError::new("no header row found").at_line(header_line));
    }
    let names: Vec<String> = record.iter().map(|n| n.trim().to_string()).collect();
    let at_header = |e: InputError| e.at_line(header_line);
    let label = choose(&names, &options.label, "--label").map_err(at_header)?;
    if options.features.is_empty() {
        return Err(InputError::new("no features given: name them with --features a,b,…")
            .field("--features"));
    }
    let mut features = Vec::with_capacity(options.features.len());
    for f in &options.features {
        let index = choose(&names, f, "--features").map_err(at_header)?;
        if index == label {
            return Err(at_header(
                InputError::new(format!(
                    "{} is the label column; it cannot be a feature",
                    quote(&names[index])
                ))
                .field("--features"),
            ));
        }
        if features.contains(&index) {
            return Err(at_header(
                InputError::new(format!("{} is named twice", quote(&names[index])))
                    .field("--features"),
            ));
        }
        features.push(index);
    }
    let mut table = Table {
        columns: vec![Vec::new(); features.len()],
        labels: Vec::new(),
        lines: Vec::new(),
        texts: Vec::new(),
        index: HashMap::new(),
        skipped: 0,
    };
    loop {
        let row_line = next_line(&csv);
        if !read(&mut csv, &mut record, row_line)? {
            break;
        }
        if record.len() != names.len() {
            return Err(InputError::new(format!(
                "the row has {} fields, the header {} (delimiter {})",
                record.len(),
                names.len(),
                describe(delimiter)
            ))
            .at_line(row_line));
        }
        table.row(&record, row_line, label, &features, &names, options)?;
    }
    if table.labels.is_empty() {
        let why = if table.skipped > 0 {
            format!("no rows left: all {} had a missing value", table.skipped)
        } else {
            "no rows below the header".to_string()
        };
        return Err(InputError::new(why));
    }
    let (labels, classes) = sorted_classes(&table.texts, &table.labels);
    Ok(LabelledData {
        path: path.to_path_buf(),
        label: names[label].clone(),
        features: features.iter().map(|&i| names[i].clone()).collect(),
        columns: table.columns,
        labels,
        classes,
        lines: table.lines,
        delimiter,
        skipped: table.skipped,
    })
}

/// The rows read so far.
struct Table {
    columns: Vec<Vec<f64>>,
    labels: Vec<u32>,
    lines: Vec<usize>,
    /// Distinct label texts in order of appearance.
    texts: Vec<String>,
    index: HashMap<String, u32>,
    skipped: usize,
}

impl Table {
    fn row(
        &mut self,
        record: &csv::StringRecord,
        line: usize,
        label: usize,
        features: &[usize],
        names: &[String],
        options: &LabelledOptions,
    ) -> Result<(), InputError> {
        let at = |column: usize, e: InputError| {
            e.at_line(line).at_column(column + 1).field(names[column].clone())
        };
        let text = record[label].trim();
        let mut missing = is_missing(text).then_some(label);
        let mut values = Vec::with_capacity(features.len());
        for &j in features {
            let field = record[j].trim();
            if is_missing(field) {
                missing = missing.or(Some(j));
                continue;
            }
            let value = parse_number(field)
                .map_err(|bad| at(j, InputError::new(bad.message(field, ""))))?;
            values.push(value);
        }
        if let Some(column) = missing {
            if options.missing == Missing::Skip {
                self.skipped += 1;
                return Ok(());
            }
            let field = record[column].trim();
            return Err(at(column, missing_value(field)));
        }
        let class = if let Some(&c) = self.index.get(text) {
            c
        } else {
            if self.texts.len() >= options.max_classes {
                return Err(at(
                    label,
                    InputError::new(format!(
                        "{} would be label number {}, more than the {} classes a classifier takes: \
                         is {} a column of labels?",
                        quote(text),
                        self.texts.len() + 1,
                        options.max_classes,
                        quote(&names[label])
                    )),
                ));
            }
            let c = self.texts.len() as u32;
            self.texts.push(text.to_string());
            self.index.insert(text.to_string(), c);
            c
        };
        for (col, v) in self.columns.iter_mut().zip(values) {
            col.push(v);
        }
        self.labels.push(class);
        self.lines.push(line);
        Ok(())
    }
}

/// The class names sorted (by value when all are numbers, one class per value), and each
/// row's label renumbered to match.
fn sorted_classes(texts: &[String], labels: &[u32]) -> (Vec<u32>, Vec<String>) {
    let numbers: Option<Vec<f64>> = texts.iter().map(|t| parse_number(t).ok()).collect();
    // Each text's key: its value (−0 and 0 alike) or its own text.
    let mut order: Vec<usize> = (0..texts.len()).collect();
    let same = |a: usize, b: usize| match &numbers {
        Some(v) => v[a] == v[b],
        None => texts[a] == texts[b],
    };
    match &numbers {
        Some(v) => order.sort_by(|&a, &b| v[a].total_cmp(&(v[b] + 0.0)).then(a.cmp(&b))),
        None => order.sort_by(|&a, &b| texts[a].cmp(&texts[b])),
    }
    let mut classes: Vec<String> = Vec::new();
    let mut first_of_class: Vec<usize> = Vec::new();
    let mut class_of = vec![0u32; texts.len()];
    for &t in &order {
        match first_of_class.last() {
            Some(&f) if same(f, t) => {
                // The first written spelling names the class.
                if t < f {
                    classes.last_mut().expect("a class").clone_from(&texts[t]);
                    *first_of_class.last_mut().expect("a class") = t;
                }
            }
            _ => {
                classes.push(texts[t].clone());
                first_of_class.push(t);
            }
        }
        class_of[t] = (classes.len() - 1) as u32;
    }
    (labels.iter().map(|&l| class_of[l as usize]).collect(), classes)
}

/// The column `given` names: a header name, else a 1-based index.
fn choose(names: &[String], given: &str, flag: &str) -> Result<usize, InputError> {
    let given = given.trim();
    let hits: Vec<usize> = (0..names.len()).filter(|&i| names[i] == given).collect();
    match hits.as_slice() {
        [i] => return Ok(*i),
        [_, _, ..] => {
            return Err(InputError::new(format!(
                "{} names {} columns of the header",
                quote(given),
                hits.len()
            ))
            .field(flag));
        }
        [] => {}
    }
    if let Ok(k) = given.parse::<usize>()
        && (1..=names.len()).contains(&k)
    {
        return Ok(k - 1);
    }
    let listed: Vec<String> = names.iter().take(20).map(|n| quote(n)).collect();
    let more = if names.len() > 20 { ", …" } else { "" };
    Err(InputError::new(format!(
        "no column {} (the header has {}{more})",
        quote(given),
        listed.join(", ")
    ))
    .field(flag))
}

fn describe(d: Delimiter) -> String {
    match d.0 {
        b'\t' | b' ' => d.to_string(),
        _ => format!("'{d}'"),
    }
}

fn csv_error(e: &csv::Error, line: usize) -> InputError {
    match e.kind() {
        csv::ErrorKind::Io(io) => io_error(io, line),
        csv::ErrorKind::Utf8 { .. } => {
            InputError::new("the row is not valid UTF-8 text").at_line(line)
        }
        _ => InputError::new(format!("cannot read the row: {e}")).at_line(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(label: &str, features: &[&str]) -> LabelledOptions {
        LabelledOptions {
            label: label.into(),
            features: features.iter().map(|f| (*f).to_string()).collect(),
            delimiter: None,
            missing: Missing::Error,
            max_classes: 100,
        }
    }

    fn read(text: &str, o: &LabelledOptions) -> Result<LabelledData, String> {
        parse_labelled(text.as_bytes(), Path::new("t.csv"), o).map_err(|e| e.to_string())
    }

    #[test]
    fn a_table_reads_with_its_lines_and_sorted_classes() {
        let text = "# made by hand\n\ny,x1,x2\nyes,1,2\nno,3,4\n\n\"yes\",5,\"6\"\n";
        let t = read(text, &options("y", &["x1", "x2"])).expect("reads");
        assert_eq!(t.classes, ["no", "yes"]);
        assert_eq!(t.labels, [1, 0, 1]);
        assert_eq!(t.columns, [vec![1.0, 3.0, 5.0], vec![2.0, 4.0, 6.0]]);
        assert_eq!(t.lines, [4, 5, 7]);
        assert_eq!(t.delimiter, Delimiter(b','));
    }

    #[test]
    fn numeric_labels_sort_by_value_and_merge_spellings() {
        let text = "x;y\n1;10\n2;9\n3;1.0\n4;1\n5;-2\n";
        let t = read(text, &options("y", &["x"])).expect("reads");
        assert_eq!(t.classes, ["-2", "1.0", "9", "10"]);
        assert_eq!(t.labels, [3, 2, 1, 1, 0]);
        assert_eq!(t.delimiter, Delimiter(b';'));
    }

    #[test]
    fn bad_fields_name_their_line_and_column() {
        let o = options("y", &["x1", "x2"]);
        let e = read("y,x1,x2\na,1,2\nb,1,zz\n", &o).expect_err("bad");
        assert!(e.starts_with("t.csv:3:3: x2: \"zz\" is not a number"), "{e}");
        let e = read("y,x1,x2\na,1,2\n,1,2\n", &o).expect_err("bad");
        assert!(e.starts_with("t.csv:3:1: y: an empty value"), "{e}");
        let e = read("y,x1,x2\na,1,2\nb,1\n", &o).expect_err("bad");
        assert!(e.starts_with("t.csv:3: the row has 2 fields, the header 3"), "{e}");
        let e = read("y,x1,x2\na,1,2\n", &options("y", &["x3"])).expect_err("bad");
        assert!(e.starts_with("t.csv:1: --features: no column \"x3\""), "{e}");
        let e = read("y,x1,x2\na,1,inf\n", &o).expect_err("bad");
        assert!(e.contains("t.csv:2:3: x2: \"inf\": infinite"), "{e}");
    }

    #[test]
    fn missing_rows_can_be_skipped() {
        let mut o = options("y", &["x"]);
        o.missing = Missing::Skip;
        let t = read("y,x\na,1\nNA,2\nb,NaN\nb,4\n", &o).expect("reads");
        assert_eq!((t.labels.len(), t.skipped), (2, 2));
        assert_eq!(t.lines, [2, 5]);
    }

    #[test]
    fn too_many_classes_are_refused_where_they_appear() {
        let mut o = options("y", &["x"]);
        o.max_classes = 2;
        let e = read("y,x\n1.5,1\n2.5,2\n3.5,3\n", &o).expect_err("bad");
        assert!(e.starts_with("t.csv:4:1: y: \"3.5\" would be label number 3"), "{e}");
    }

    #[test]
    fn a_quoted_newline_keeps_the_lines_right() {
        let t = read("y,x\n\"a\nb\",1\nc,2\n", &options("y", &["x"])).expect("reads");
        assert_eq!(t.lines, [2, 4]);
        assert_eq!(t.classes, ["a\nb", "c"]);
    }

    #[test]
    fn an_endless_line_is_refused_without_holding_it() {
        let endless = std::io::repeat(b'a').take(RECORD_LIMIT * 2);
        let e = parse_labelled(endless, Path::new("z"), &options("y", &["x"])).expect_err("bad");
        assert!(e.to_string().contains("longer than 64 MiB"), "{e}");
        let mut body = b"y,x\n".to_vec();
        let rows = std::io::Cursor::new(body.split_off(0))
            .chain(std::io::repeat(b'1').take(RECORD_LIMIT * 2));
        let e = parse_labelled(rows, Path::new("z"), &options("y", &["x"])).expect_err("bad");
        assert!(e.to_string().contains("longer than 64 MiB"), "{e}");
    }
}
