//! The bytes of a data file as checked text lines, read in chunks so that a large file is
//! never held whole.
//!
//! A chunk is cut after its last newline and the rest carried into the next, so no line is
//! split; since a newline byte is never part of a multi-byte UTF-8 character, checking each
//! cut piece as UTF-8 is the same as checking the whole file. A bad encoding is reported
//! ahead of any other fault in the file, as when the whole file was checked before it was
//! read, so the message never depends on the chunk size. The next piece is read and checked
//! on another thread while the current one is parsed.

use std::io::Read;
use std::string::FromUtf8Error;

use super::number::number_line;
use crate::error::InputError;

/// Bytes read from the file at a time.
pub(super) const CHUNK: usize = 1 << 20;

/// Whole lines read from the file, checked as UTF-8.
struct Piece {
    /// The lines, or the bytes that are not UTF-8.
    text: Result<String, FromUtf8Error>,
    /// True for the last piece of the file.
    at_end: bool,
}

/// Calls `on_piece(line, piece)` for pieces of whole lines of `reader`, in order: `line` is
/// the 1-based number of the piece's first line, and `on_piece` returns how many newlines
/// the piece holds (as [`for_each_line`] does), which moves `line` on to the next piece.
/// Stops calling after the first error `on_piece` returns, and returns that error, unless
/// the rest of the file is not UTF-8 or cannot be read.
pub(super) fn for_each_piece<R: Read + Send>(
    mut reader: R,
    chunk: usize,
    mut on_piece: impl FnMut(usize, &str) -> Result<usize, InputError> + Send,
) -> Result<(), InputError> {
    let chunk = chunk.max(1);
    // The start of a line read past the end of the last piece.
    let mut carry = Vec::new();
    let mut piece =
        read_piece(&mut reader, chunk, &mut carry, Vec::new()).map_err(|f| f.at_line(1))?;
    // The buffer of the piece before, reused for the next.
    let mut spare = Vec::new();
    // 1-based number of the line that starts `piece`.
    let mut line = 1;
    let mut failed = None;
    let mut at_start = true;
    loop {
        let text = match &piece.text {
            Ok(text) => text.as_str(),
            Err(e) => return Err(bad_encoding(e.as_bytes(), e.utf8_error(), line, at_start)),
        };
        let text = if at_start {
            // Spreadsheet exports start with a byte-order mark that would spoil the first name.
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        at_start = false;
        let mut parse = || failed.is_none().then(|| on_piece(line, text));
        let (parsed, next) = if piece.at_end {
            (parse(), None)
        } else {
            let next = || read_piece(&mut reader, chunk, &mut carry, spare);
            let (parsed, next) = rayon::join(parse, next);
            (parsed, Some(next))
        };
        let newlines = match parsed {
            Some(Ok(newlines)) => newlines,
            Some(Err(e)) => {
                failed = Some(e);
                count_newlines(text.as_bytes())
            }
            None => count_newlines(text.as_bytes()),
        };
        debug_assert_eq!(newlines, count_newlines(text.as_bytes()), "on_piece counts newlines");
        line += newlines;
        let Some(next) = next else { return failed.map_or(Ok(()), Err) };
        // A piece that is not UTF-8 has already ended the loop.
        // A line too long starts where the next piece would.
        spare = std::mem::replace(&mut piece, next.map_err(|f| f.at_line(line))?)
            .text
            .map_or_else(|_| Vec::new(), String::into_bytes);
    }
}

/// Why the next piece could not be read.
enum ReadFault {
    /// The reader failed.
    Read(InputError),
    /// A line ran past [`MAX_LINE_BYTES`].
    LongLine,
}

impl ReadFault {
    /// The error, a line too long placed at `line`, where it starts.
    fn at_line(self, line: usize) -> InputError {
        match self {
            Self::Read(e) => e,
            Self::LongLine => InputError::new(format!(
                "a line longer than {MAX_LINE_BYTES} bytes: a data file holds one number, or \
                 one CSV row, per line"
            ))
            .at_line(line),
        }
    }
}

/// The longest line a data file may have: far past any row a person or a program writes
/// (lines of 10 MB are read), short of holding an endless input whole.
pub const MAX_LINE_BYTES: usize = 1 << 26;

/// Reads the next piece of whole lines into `buf`, after `carry`, and leaves the start of a
/// line read past its end in `carry`.
fn read_piece<R: Read>(
    reader: &mut R,
    chunk: usize,
    carry: &mut Vec<u8>,
    mut buf: Vec<u8>,
) -> Result<Piece, ReadFault> {
    buf.clear();
    buf.append(carry);
    loop {
        let old = buf.len();
        let read = reader
            .by_ref()
            .take(chunk as u64)
            .read_to_end(&mut buf)
            .map_err(|e| ReadFault::Read(InputError::new(format!("cannot read: {e}"))))?;
        // `read_to_end` stops short of the limit only at the end of the file.
        let at_end = read < chunk;
        // Bytes before `old` hold no newline: they are the carried start of a line.
        let end = if at_end {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf[old..]) {
                Some(i) => old + i + 1,
                // A line this long holds no number a person wrote (it is /dev/zero, or a file
                // with no newlines): refused before it is held whole in memory.
                None if buf.len() > MAX_LINE_BYTES => return Err(ReadFault::LongLine),
                None => continue,
            }
        };
        carry.extend_from_slice(&buf[end..]);
        buf.truncate(end);
        return Ok(Piece { text: String::from_utf8(buf), at_end });
    }
}

/// Calls `on_line(offset, text)` for every line of `piece` (whole lines) that holds data, in
/// order: `text` is the line trimmed, `offset` its 0-based line within the piece; blank lines
/// and lines starting with `#` are skipped. Returns the number of newlines in `piece`, or the
/// first error `on_line` returns.
#[cfg(test)]
pub(super) fn for_each_line<E>(
    piece: &str,
    mut on_line: impl FnMut(usize, &str) -> Result<(), E>,
) -> Result<usize, E> {
    for_each_line_or_number(piece, false, |offset, text, _| on_line(offset, text))
}

/// [`for_each_line`], but with `numbers` set a line that is a finite number alone comes with
/// its value, read by [`number_line`] as the line's end is found.
pub(super) fn for_each_line_or_number<E>(
    piece: &str,
    numbers: bool,
    mut on_line: impl FnMut(usize, &str, Option<f64>) -> Result<(), E>,
) -> Result<usize, E> {
    let bytes = piece.as_bytes();
    let mut offset = 0;
    let mut start = 0;
    // A piece that ends in a newline has no line after it.
    while start < bytes.len() {
        let rest = &bytes[start..];
        // The end of the line: its newline, or the end of the piece.
        let end = if let Some((value, len)) = numbers.then(|| number_line(rest)).flatten() {
            on_line(offset, &piece[start..start + len], Some(value))?;
            start + len + usize::from(rest.get(len) == Some(&b'\r'))
        } else {
            let end = memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| start + i);
            if let Some(text) = data_line(&piece[start..end]) {
                on_line(offset, text, None)?;
            }
            end
        };
        if end == bytes.len() {
            break;
        }
        offset += 1;
        start = end + 1;
    }
    Ok(offset)
}

/// Calls `on_row(offset, text)` for every line of `piece`, blank lines and lines starting
/// with `#` included (in CSV they may be rows), with the line's newline and any carriage
/// return before it cut off but nothing trimmed; returns the number of newlines.
pub(super) fn for_each_row<E>(
    piece: &str,
    mut on_row: impl FnMut(usize, &str) -> Result<(), E>,
) -> Result<usize, E> {
    let mut offset = 0;
    let mut rest = piece;
    while !rest.is_empty() {
        let (line, after) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        on_row(offset, line.strip_suffix('\r').unwrap_or(line))?;
        if after.is_empty() && line.len() == rest.len() {
            break;
        }
        offset += 1;
        rest = after;
    }
    Ok(offset)
}

/// The number of newlines in `bytes`.
pub(super) fn count_newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// The trimmed text of a line that holds data, `None` for a blank line or a comment.
fn data_line(raw: &str) -> Option<&str> {
    let text = trim(raw);
    (!text.is_empty() && !text.starts_with('#')).then_some(text)
}

/// `raw` without white space at either end, as `str::trim` gives it.
pub(super) fn trim(raw: &str) -> &str {
    // Most lines and fields start and end with a visible ASCII character and need no
    // trimming; the others get `str::trim`, which knows every Unicode space.
    let visible = |b: Option<&u8>| b.is_some_and(|&b| (0x21..0x80).contains(&b));
    let bytes = raw.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) { raw } else { raw.trim() }
}

/// The error for `piece`, which starts on `line` and is not UTF-8 (`at_start` when it
/// starts the file, which may then be UTF-16).
fn bad_encoding(piece: &[u8], e: std::str::Utf8Error, line: usize, at_start: bool) -> InputError {
    // UTF-16 starts with a byte-order mark that is never valid UTF-8.
    if at_start && (piece.starts_with(&[0xFF, 0xFE]) || piece.starts_with(&[0xFE, 0xFF])) {
        // Windows tools often save UTF-16; saying so beats a puzzling "invalid UTF-8".
        return InputError::new("the file is UTF-16 text; save it as UTF-8 (or plain ASCII) text")
            .at_line(1);
    }
    not_utf8(piece, e, line)
}

/// The error for `piece`, which starts on `line` and is not UTF-8, pointing at the first
/// bad byte by line and character column.
fn not_utf8(piece: &[u8], e: std::str::Utf8Error, line: usize) -> InputError {
    let good = &piece[..e.valid_up_to()];
    let newlines = memchr::memchr_iter(b'\n', good).count();
    let start = memchr::memrchr(b'\n', good).map_or(0, |i| i + 1);
    // The prefix is valid by construction, so the column counts characters.
    let column = std::str::from_utf8(&good[start..]).map_or(1, |s| s.chars().count() + 1);
    let byte = piece.get(good.len()).copied().unwrap_or_default();
    InputError::new(format!(
        "not valid UTF-8 text (byte 0x{byte:02X}); a data file must be plain text"
    ))
    .at_line(line + newlines)
    .at_column(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every data line of `bytes` read `chunk` bytes at a time, or the error's text.
    fn lines(bytes: &[u8], chunk: usize) -> Result<Vec<(usize, String)>, String> {
        let mut out = Vec::new();
        for_each_piece(bytes, chunk, |line, piece| {
            for_each_line(piece, |offset, text| {
                out.push((line + offset, text.to_owned()));
                Ok(())
            })
        })
        .map(|()| out)
        .map_err(|e| e.to_string())
    }

    /// `lines` gives the same at every chunk size from 1 to past the length.
    fn lines_any_chunk(bytes: &[u8]) -> Result<Vec<(usize, String)>, String> {
        let whole = lines(bytes, CHUNK);
        for chunk in 1..=bytes.len() + 1 {
            assert_eq!(lines(bytes, chunk), whole, "chunk {chunk} of {bytes:?}");
        }
        whole
    }

    fn owned(pairs: &[(usize, &str)]) -> Vec<(usize, String)> {
        pairs.iter().map(|&(l, t)| (l, t.to_owned())).collect()
    }

    #[test]
    fn data_lines_are_numbered_and_trimmed() {
        let text = "\u{feff}# c\n\n 1 \r\n\t2\u{a0}\n  # d\n\u{2003}3";
        assert_eq!(lines_any_chunk(text.as_bytes()), Ok(owned(&[(3, "1"), (4, "2"), (6, "3")])));
        assert_eq!(lines_any_chunk(b""), Ok(vec![]));
        assert_eq!(lines_any_chunk(b"\n\n\n"), Ok(vec![]));
        assert_eq!(lines_any_chunk(b"x\n\ny\n"), Ok(owned(&[(1, "x"), (3, "y")])));
    }

    #[test]
    fn bad_utf8_points_at_its_line_and_character() {
        let bytes = ["1\n# é\nαβ\u{feff}".as_bytes(), b"\xC3(\n"].concat();
        let message = lines_any_chunk(&bytes).expect_err("bad UTF-8");
        assert_eq!(
            message,
            "line 3:4: not valid UTF-8 text (byte 0xC3); a data file must be plain text"
        );
        // A byte-order mark counts as the first character, as it did before.
        let message = lines_any_chunk(b"\xEF\xBB\xBFab\xFF").expect_err("bad UTF-8");
        assert!(message.starts_with("line 1:4: "), "{message}");
        let message = lines_any_chunk(b"12\n\xE2\x82").expect_err("cut character");
        assert!(message.starts_with("line 2:1: ") && message.contains("0xE2"), "{message}");
    }

    #[test]
    fn utf16_is_named_at_any_chunk_size() {
        for bytes in [&b"\xFF\xFE1\x00\n\x00"[..], b"\xFE\xFF\x001", b"\xFF\xFE"] {
            let message = lines_any_chunk(bytes).expect_err("UTF-16");
            assert!(message.starts_with("line 1: the file is UTF-16"), "{message}");
        }
        assert!(lines_any_chunk(b"\xFF").expect_err("one bad byte").contains("not valid UTF-8"));
    }

    #[test]
    fn bad_utf8_later_wins_over_an_earlier_fault() {
        for chunk in 1..40 {
            let mut calls = 0;
            let result = for_each_piece(&b"1\nbad\n3\n4\n\xFF\n"[..], chunk, |_, piece| {
                for_each_line(piece, |_, text| {
                    calls += 1;
                    if text == "bad" { Err(InputError::new("no")) } else { Ok(()) }
                })
            });
            // A chunk that holds the bad byte is refused before any of its lines is read.
            assert!(calls <= 2, "no call after the first error");
            assert_eq!(result.expect_err("bad").line, Some(5), "chunk {chunk}");
        }
        let result = for_each_piece(&b"1\nbad\n3\n"[..], 2, |line, piece| {
            for_each_line(piece, |offset, text| {
                let line = line + offset;
                if text == "bad" { Err(InputError::new("no").at_line(line)) } else { Ok(()) }
            })
        });
        assert_eq!(result.expect_err("bad").to_string(), "line 2: no");
    }

    #[test]
    fn a_line_longer_than_many_chunks() {
        let long = "7".repeat(10_000);
        let text = format!("1\n{long}\n2");
        for chunk in [1, 3, 64, 4096] {
            let got = lines(text.as_bytes(), chunk).expect("valid");
            assert_eq!(got, owned(&[(1, "1"), (2, &long), (3, "2")]));
        }
    }

    #[test]
    fn read_errors_are_reported() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let e = for_each_piece(Broken, 8, |_, _| Ok(0)).expect_err("broken reader");
        assert_eq!(e.to_string(), "cannot read: disk on fire");
        // The next piece is read while one is parsed: a fault in it must not hide the
        // read error, which always came first.
        for chunk in 1..12 {
            let reader = (&b"1\nbad\n3\n"[..]).chain(Broken);
            let e = for_each_piece(reader, chunk, |_, piece| {
                for_each_line(piece, |_, text| {
                    if text == "bad" { Err(InputError::new("no")) } else { Ok(()) }
                })
            })
            .expect_err("broken reader");
            assert_eq!(e.to_string(), "cannot read: disk on fire", "chunk {chunk}");
        }
    }
}
