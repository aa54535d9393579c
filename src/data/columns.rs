//! CSV rows: splitting an unquoted row into fields, the header row, and the column read.

use super::number::number_field;
use super::number::parse_number;
use super::options::{Missing, is_missing};
use super::parallel::Got;
use super::quoted::{split_line, with_line_fields};
use super::text::trim;
use super::{is_all_digits, plural, quote};
use crate::error::InputError;

/// Header names listed in a message before the list is cut short.
const LIST_LIMIT: usize = 20;

/// The fields of a row that holds no double quote, split at `delimiter`: raw, untrimmed.
pub(super) fn fields(line: &str, delimiter: u8) -> Fields<'_> {
    Fields { rest: Some(line), delimiter }
}

/// The fields of a row, as [`fields`] gives them.
pub(super) struct Fields<'a> {
    /// The row from the next field on, `None` past the last.
    rest: Option<&'a str>,
    /// The byte between fields.
    delimiter: u8,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.rest?;
        // Splitting at an ASCII byte always lands on a character boundary.
        if let Some(i) = memchr::memchr(self.delimiter, text.as_bytes()) {
            self.rest = Some(&text[i + 1..]);
            Some(&text[..i])
        } else {
            self.rest = None;
            Some(text)
        }
    }
}

impl Fields<'_> {
    /// The next field's value when it is a finite number alone, which trimming and then
    /// `parse_number` would read the same; `None`, with nothing taken, otherwise.
    fn number(&mut self) -> Option<f64> {
        let text = self.rest?;
        let (value, len) = number_field(text.as_bytes(), self.delimiter)?;
        // Past the delimiter, or past the last field when none follows.
        self.rest = text.get(len + 1..);
        Some(value)
    }
}

/// The number of fields of `row` and the text of field `pick` (unquoted, `""` read as `"`),
/// when every quoted field of the row is quoted plainly: a quote opens it at the field's
/// start and closes it right before a delimiter or the line's end. The CSV parser reads such
/// a row the same way; any other row (text after a closing quote, a quote left open) is
/// `None`, for the parser to read.
fn plainly_quoted(
    row: &str,
    delimiter: u8,
    pick: usize,
) -> Option<(usize, std::borrow::Cow<'_, str>)> {
    let bytes = row.as_bytes();
    let (mut at, mut count) = (0, 0);
    let mut chosen = None;
    loop {
        let (text, next) = if bytes.get(at) == Some(&b'"') {
            let mut i = at + 1;
            let mut escaped = false;
            loop {
                match bytes.get(i) {
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        escaped = true;
                        i += 2;
                    }
                    Some(b'"') => break,
                    Some(_) => i += 1,
                    None => return None,
                }
            }
            let inner = &row[at + 1..i];
            match bytes.get(i + 1) {
                None => (cow(inner, escaped), None),
                Some(&b) if b == delimiter => (cow(inner, escaped), Some(i + 2)),
                Some(_) => return None,
            }
        } else {
            match memchr::memchr(delimiter, &bytes[at..]) {
                Some(j) => (std::borrow::Cow::Borrowed(&row[at..at + j]), Some(at + j + 1)),
                None => (std::borrow::Cow::Borrowed(&row[at..]), None),
            }
        };
        if count == pick {
            chosen = Some(text);
        }
        count += 1;
        match next {
            Some(n) => at = n,
            None => return Some((count, chosen.unwrap_or_default())),
        }
    }
}

/// `inner` with `""` read as `"` where it has any.
fn cow(inner: &str, escaped: bool) -> std::borrow::Cow<'_, str> {
    if escaped {
        std::borrow::Cow::Owned(inner.replace("\"\"", "\""))
    } else {
        std::borrow::Cow::Borrowed(inner)
    }
}

/// The column of a CSV file that is read, and how its rows are laid out.
pub(super) struct Table {
    /// The header row.
    pub(super) header: Header,
    /// The byte between fields.
    pub(super) delimiter: u8,
    /// The column read, counted among the header's names.
    pub(super) index: usize,
    /// How messages name that column.
    pub(super) label: String,
    /// True when every row starts with a row name the header has no name for, as R's
    /// `write.table` writes; `None` until the first row tells.
    pub(super) row_names: Option<bool>,
    /// True when the header row starts with a quote, as R writes it: only then can a row
    /// with one field more than the header start with a row name, not be one field too long.
    pub(super) quoted_header: bool,
    /// What a missing value does.
    pub(super) missing: Missing,
}

impl Table {
    /// The fields a row has, the header's columns and any row name before them.
    fn width(&self) -> usize {
        self.header.names.len() + usize::from(self.row_names == Some(true))
    }

    /// Where the column read sits among a row's fields.
    fn position(&self) -> usize {
        self.index + usize::from(self.row_names == Some(true))
    }

    /// True for a row that is only white space, which counts as a blank line.
    fn is_blank(&self, raw: &str) -> bool {
        trim(raw).is_empty() && !raw.as_bytes().contains(&self.delimiter)
    }

    /// What `row` on `line` gives, for a table whose first row has been read; a row with a
    /// quote is read by the CSV parser, and is [`Got::Unfinished`] when it runs on.
    pub(super) fn line_value(&self, line: usize, row: &str) -> Result<Got, InputError> {
        if self.is_blank(row) {
            return Ok(Got::Blank);
        }
        if memchr::memchr(b'"', row.as_bytes()).is_some() {
            if let Some((count, chosen)) = plainly_quoted(row, self.delimiter, self.position()) {
                if count == 1 && trim(&chosen).is_empty() {
                    return Ok(Got::Blank);
                }
                if count != self.width() {
                    return Err(self.wrong_width(line, count, row));
                }
                return self.value(line, trim(&chosen));
            }
            return with_line_fields(row, self.delimiter, |fields| self.fields_value(line, fields))
                .unwrap_or(Ok(Got::Unfinished));
        }
        // One pass finds the chosen field and counts the rest, so a row is never collected.
        let mut fields = fields(row, self.delimiter);
        let before = fields.by_ref().take(self.position()).count();
        let chosen = fields.number().map(Ok).or_else(|| fields.next().map(Err));
        let count = before + usize::from(chosen.is_some()) + fields.count();
        if count != self.width() {
            return Err(self.wrong_width(line, count, row));
        }
        match chosen {
            Some(Ok(value)) => Ok(Got::Value(value)),
            Some(Err(raw)) => self.value(line, trim(raw)),
            None => Err(self.wrong_width(line, count, row)),
        }
    }

    /// The value of the record `fields` (unquoted, untrimmed) that starts on `line`; the
    /// first record decides whether rows carry row names.
    pub(super) fn record_value(&mut self, line: usize, fields: &[&str]) -> Result<Got, InputError> {
        if let [only] = fields
            && trim(only).is_empty()
        {
            return Ok(Got::Blank);
        }
        if self.row_names.is_none() {
            let names = self.header.names.len();
            // One more field than names, and not just a trailing delimiter: a row name.
            let named = self.quoted_header
                && fields.len() == names + 1
                && fields.last().is_some_and(|f| !trim(f).is_empty());
            self.row_names = Some(named);
        }
        self.fields_value(line, fields)
    }

    /// What the record `fields` on `line` gives, once the first row told the layout.
    fn fields_value(&self, line: usize, fields: &[&str]) -> Result<Got, InputError> {
        if let [only] = fields
            && trim(only).is_empty()
        {
            return Ok(Got::Blank);
        }
        if fields.len() != self.width() {
            return Err(self.wrong_width(
                line,
                fields.len(),
                fields.first().copied().unwrap_or(""),
            ));
        }
        let raw = fields.get(self.position()).copied().unwrap_or_default();
        self.value(line, trim(raw))
    }

    /// The number `text` (trimmed, unquoted) stands for in the column read, on `line`.
    fn value(&self, line: usize, text: &str) -> Result<Got, InputError> {
        if is_missing(text) {
            return match self.missing {
                Missing::Skip => Ok(Got::Skipped),
                Missing::Error => Err(missing_value(text).at_line(line).field(&self.label)),
            };
        }
        parse_number(text).map(Got::Value).map_err(|bad| {
            let decimal_comma = text.contains(',') && parse_number(&text.replace(',', ".")).is_ok();
            let hint = match self.delimiter {
                _ if text.contains('\n') => {
                    " (a double quote opened in this row is never closed, so the field runs on \
                     over the lines below)"
                }
                d if d != b',' && decimal_comma => {
                    " (write numbers with a decimal point: mlex does not read a decimal comma)"
                }
                b',' if text.contains([';', '\t']) => {
                    " (the columns are split by commas; for another delimiter pass --delimiter)"
                }
                b',' if text.contains(' ') => {
                    " (for columns split by spaces pass --delimiter space)"
                }
                _ => "",
            };
            InputError::new(bad.message(text, hint)).at_line(line).field(&self.label)
        })
    }

    /// The error for a row on `line` with `count` fields, which starts with `start`.
    fn wrong_width(&self, line: usize, count: usize, start: &str) -> InputError {
        let names = self.header.names.len();
        let layout = if self.row_names == Some(true) {
            format!("rows have a row name and then the header's {}", plural(names, "column"))
        } else {
            format!("the header (line {}) has {}", self.header.line, plural(names, "column"))
        };
        let hint = if trim(start).starts_with('#') {
            " (in a CSV file a line starting with # is a comment only above the header row)"
        } else {
            ""
        };
        InputError::new(format!("this row has {} but {layout}{hint}", plural(count, "field")))
            .at_line(line)
    }
}

/// The error for a missing value spelled `text`.
pub(super) fn missing_value(text: &str) -> InputError {
    let what = if text.is_empty() {
        "an empty value".to_owned()
    } else {
        format!("a missing value ({text})")
    };
    InputError::new(format!("{what}; pass --missing skip to leave out the rows that have no value"))
}

/// The header row of a CSV data file.
pub(super) struct Header {
    /// 1-based line of the header in the file.
    pub(super) line: usize,
    /// Column names, trimmed and unquoted.
    pub(super) names: Vec<String>,
}

impl Header {
    /// Splits the header row `text` on `line` into column names, at `delimiter`.
    pub(super) fn parse(line: usize, text: &str, delimiter: u8) -> Result<Self, InputError> {
        // A quote left open would take the rows below into the header's last name.
        if text.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
            return Err(InputError::new(format!(
                "unclosed double quote in the header row {}",
                quote(text)
            ))
            .at_line(line));
        }
        let names: Vec<String> =
            split_line(text, delimiter).iter().map(|name| name.trim().to_owned()).collect();
        // A header of numbers is a headerless CSV or numbers written with a decimal comma;
        // taking it as names would drop a row of data.
        if !text.contains('"') && names.iter().all(|name| name.parse::<f64>().is_ok()) {
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
    pub(super) fn choose(&self, column: Option<&str>) -> Result<usize, InputError> {
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
    pub(super) fn label(&self, index: usize) -> String {
        match self.names.get(index) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("column {}", index + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row the plain splitter reads, it reads as the CSV parser does.
    #[test]
    fn plainly_quoted_rows_split_as_the_parser_splits_them() {
        let rows = [
            "\"a,b\",2,\"say \"\"hi\"\"\"",
            "1,\"\",3",
            "x\"y,2",
            "\"q\"",
            "\"a\"b,2",
            "1,\"open",
            "1,\"a\" ,2",
            " \"a\",1",
            "\"\"\"\",1",
        ];
        for row in rows {
            let parsed = with_line_fields(row, b',', |f| {
                f.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
            });
            for pick in 0..3 {
                if let Some((count, chosen)) = plainly_quoted(row, b',', pick) {
                    let fields = parsed.clone().expect("the parser reads a plain row whole");
                    assert_eq!(count, fields.len(), "{row}");
                    assert_eq!(
                        chosen,
                        fields.get(pick).cloned().unwrap_or_default(),
                        "{row} {pick}"
                    );
                }
            }
        }
        assert!(plainly_quoted("\"a\"b,2", b',', 0).is_none());
        assert!(plainly_quoted("1,\"open", b',', 0).is_none());
        assert_eq!(
            plainly_quoted("\"x\";\"y\"", b';', 1).map(|(n, c)| (n, c.into_owned())),
            Some((2, "y".to_owned()))
        );
    }
}
