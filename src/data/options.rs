//! How a data file is to be read: the column, the delimiter and what a missing value does.

use std::fmt;
use std::str::FromStr;

/// The spellings of a missing value, as R, pandas, spreadsheets and numpy write them.
pub const MISSING: [&str; 11] =
    ["", "NA", "N/A", "n/a", "#N/A", "NaN", "nan", "NAN", "null", "NULL", "None"];

/// True when a trimmed, unquoted value means "no value here".
pub(super) fn is_missing(text: &str) -> bool {
    MISSING.contains(&text)
}

/// What to do with a row whose value is missing (empty, `NA`, `NaN`, …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Missing {
    /// Refuse the file, naming the first such line: a fit must not quietly use fewer rows.
    #[default]
    Error,
    /// Leave the row out, and count it.
    Skip,
}

impl FromStr for Missing {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "error" => Ok(Self::Error),
            "skip" => Ok(Self::Skip),
            _ => Err(format!("'{text}' is not a way to treat missing values (error or skip)")),
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Skip => "skip",
        })
    }
}

/// The byte between the fields of a CSV row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiter(pub u8);

impl Delimiter {
    /// The delimiter named as a user writes it: `,` `;` `|`, `tab` (or `\t`), `space`, or
    /// any other single visible ASCII character but a quote.
    pub fn parse(text: &str) -> Result<Self, String> {
        let byte = match text {
            "tab" | "\\t" | "\t" => b'\t',
            "space" | " " => b' ',
            "comma" => b',',
            "semicolon" => b';',
            "pipe" => b'|',
            _ => match text.as_bytes() {
                [b] if b.is_ascii_graphic() && *b != b'"' && !b.is_ascii_alphanumeric() => *b,
                _ => {
                    return Err(format!(
                        "'{text}' is not a delimiter: give one character such as , ; | or the \
                         word tab or space"
                    ));
                }
            },
        };
        Ok(Self(byte))
    }

    /// The delimiter a header row uses, outside quotes: the most frequent of comma, tab,
    /// semicolon and bar (in that order on a tie), else a space between quoted names (R's
    /// `write.table`), else a comma (a header of one column).
    pub(super) fn sniff(header: &str) -> Self {
        const CANDIDATES: &[u8; 4] = b",\t;|";
        let mut counts = [0usize; 4];
        let mut quoted = false;
        let mut spaced_quotes = false;
        let mut previous = 0;
        for b in header.bytes() {
            if b == b'"' {
                quoted = !quoted;
                // A space before an opening quote, outside quotes, separates quoted names.
                spaced_quotes |= quoted && previous == b' ';
            } else if !quoted && let Some(i) = CANDIDATES.iter().position(|&d| d == b) {
                counts[i] += 1;
            }
            previous = b;
        }
        let mut best = 0;
        for i in 1..counts.len() {
            if counts[i] > counts[best] {
                best = i;
            }
        }
        if counts[best] > 0 {
            Self(CANDIDATES[best])
        } else if spaced_quotes && header.trim_start().starts_with('"') {
            Self(b' ')
        } else {
            Self(b',')
        }
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            b'\t' => f.write_str("tab"),
            b' ' => f.write_str("space"),
            b => write!(f, "{}", char::from(b)),
        }
    }
}

/// How to read a data file; the default reads one number per line or a one-column CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The CSV column by name or 1-based index.
    pub column: Option<String>,
    /// The CSV delimiter; `None` tells it from the header row.
    pub delimiter: Option<Delimiter>,
    /// What a missing value does.
    pub missing: Missing,
}

impl ReadOptions {
    /// The default options with `column` picked.
    #[must_use]
    pub fn column(column: Option<&str>) -> Self {
        Self { column: column.map(str::to_owned), ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_named_as_people_write_them() {
        for (text, byte) in
            [(",", b','), (";", b';'), ("tab", b'\t'), ("\\t", b'\t'), ("space", b' '), ("|", b'|')]
        {
            assert_eq!(Delimiter::parse(text), Ok(Delimiter(byte)), "{text}");
        }
        for bad in ["", "ab", "\"", "x", "7", "é"] {
            assert!(Delimiter::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Delimiter(b'\t').to_string(), "tab");
        assert_eq!(Delimiter(b';').to_string(), ";");
    }

    #[test]
    fn the_header_tells_the_delimiter() {
        let cases = [
            ("a,b,c", b','),
            ("a\tb", b'\t'),
            ("a;b", b';'),
            ("a|b", b'|'),
            ("\"a,b\";c", b';'),
            ("\"x\" \"y\"", b' '),
            ("height", b','),
            ("weight kg", b','),
            ("\"weight kg\"", b','),
            ("a\t\"b,c\"", b'\t'),
            ("a,b\tc,d", b','),
            ("a\tb\tc,d", b'\t'),
            ("a,b;c", b','),
        ];
        for (header, byte) in cases {
            assert_eq!(Delimiter::sniff(header), Delimiter(byte), "{header:?}");
        }
    }

    #[test]
    fn missing_spellings() {
        for text in ["", "NA", "NaN", "nan", "null", "#N/A", "None"] {
            assert!(is_missing(text), "{text:?}");
        }
        for text in ["0", "na", "missing", "-"] {
            assert!(!is_missing(text), "{text:?}");
        }
        assert_eq!("skip".parse(), Ok(Missing::Skip));
        assert!("drop".parse::<Missing>().is_err());
    }
}
