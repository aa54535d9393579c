//! The one error type for everything a user gives mlex (files, flags, scenario fields):
//! it names where the fault is, so the message alone is enough to fix it.

use std::fmt;
use std::path::PathBuf;

/// Exit status for bad input, as the command-line contract promises.
pub const EXIT_BAD_INPUT: i32 = 2;

/// A fault in something the user gave, with where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file at fault, if the input came from a file.
    pub file: Option<PathBuf>,
    /// 1-based line in that file.
    pub line: Option<usize>,
    /// 1-based column in that line.
    pub column: Option<usize>,
    /// The field, flag or column name at fault.
    pub field: Option<String>,
    /// What is wrong, and what would be allowed.
    pub message: String,
}

impl InputError {
    /// An error with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self { file: None, line: None, column: None, field: None, message: message.into() }
    }

    /// Sets the file.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets the 1-based line.
    #[must_use]
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the 1-based column.
    #[must_use]
    pub fn at_column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }

    /// Sets the field.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for InputError {
    /// `file:line:column: field: message`, leaving out the parts that are unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = String::new();
        if let Some(file) = &self.file {
            place.push_str(&file.display().to_string());
        }
        if let Some(line) = self.line {
            if place.is_empty() {
                place.push_str("line ");
            } else {
                place.push(':');
            }
            place.push_str(&line.to_string());
            if let Some(col) = self.column {
                place.push(':');
                place.push_str(&col.to_string());
            }
        }
        if !place.is_empty() {
            write!(f, "{place}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{}: ", cut(&one_line(field), FIELD_LIMIT))?;
        }
        f.write_str(&cut(&one_line(&self.message), MESSAGE_LIMIT))
    }
}

impl std::error::Error for InputError {}

/// Escapes control characters (a newline in a quoted TOML key, say), so an error stays the
/// one line the command-line contract promises.
/// The most characters of a field name shown (a header row of a binary file is no name).
const FIELD_LIMIT: usize = 80;
/// The most characters of a message shown: anything of the user's it quotes is bounded.
const MESSAGE_LIMIT: usize = 2000;

/// `text` cut to `limit` characters, marked where it was cut.
fn cut(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(limit) {
        Some((i, _)) => format!("{}…", &text[..i]).into(),
        None => text.into(),
    }
}

fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_column_and_field() {
        let e =
            InputError::new("must be > 0").in_file("a.toml").at_line(3).at_column(9).field("sigma");
        assert_eq!(e.to_string(), "a.toml:3:9: sigma: must be > 0");
        assert_eq!(InputError::new("empty").to_string(), "empty");
        assert_eq!(InputError::new("x").at_line(2).to_string(), "line 2: x");
    }
}
