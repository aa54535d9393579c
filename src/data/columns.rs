//! CSV rows: splitting a row into fields, the header row, and picking the column to read.

use super::number::number_field;
use super::text::trim;
use super::{is_all_digits, quote};
use crate::error::InputError;

/// Header names listed in a message before the list is cut short.
const LIST_LIMIT: usize = 20;

/// The comma-separated fields of one line, raw: untrimmed and with any quotes.
///
/// Commas inside double quotes do not split, so a quoted header name may hold one.
pub(super) fn fields(line: &str) -> Fields<'_> {
    Fields { rest: Some(line) }
}

/// The fields of a line, as [`fields`] gives them.
pub(super) struct Fields<'a> {
    /// The line from the next field on, `None` past the last.
    rest: Option<&'a str>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.rest?;
        let mut quoted = false;
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                // Splitting at an ASCII byte always lands on a character boundary.
                b',' if !quoted => {
                    self.rest = Some(&text[i + 1..]);
                    return Some(&text[..i]);
                }
                _ => {}
            }
        }
        self.rest = None;
        Some(text)
    }
}

impl Fields<'_> {
    /// The next field's value when it is a finite number alone, which [`unquote_value`] and
    /// then `parse_number` would read the same; `None`, with nothing taken, otherwise.
    pub(super) fn number(&mut self) -> Option<f64> {
        let text = self.rest?;
        let (value, len) = number_field(text.as_bytes())?;
        // Past the comma, or past the last field when none follows.
        self.rest = text.get(len + 1..);
        Some(value)
    }
}

/// A data field without surrounding whitespace and quotes, since some tools quote numbers.
pub(super) fn unquote_value(raw: &str) -> &str {
    let field = trim(raw);
    match field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
        Some(inner) => inner.trim(),
        None => field,
    }
}

/// The header row of a CSV data file.
pub(super) struct Header {
    /// 1-based line of the header in the file.
    pub(super) line: usize,
    /// Column names, trimmed and unquoted.
    pub(super) names: Vec<String>,
}

impl Header {
    /// Splits the header row on `line` into column names.
    pub(super) fn parse(line: usize, text: &str) -> Result<Self, InputError> {
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
