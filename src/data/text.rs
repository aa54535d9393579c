//! The bytes of a data file as checked text lines, read in chunks so that a large file is
//! never held whole.
//!
//! A chunk is cut after its last newline and the rest carried into the next, so no line is
//! split; since a newline byte is never part of a multi-byte UTF-8 character, checking each
//! cut piece as UTF-8 is the same as checking the whole file. A bad encoding is reported
//! ahead of any other fault in the file, as when the whole file was checked before it was
//! read, so the message never depends on the chunk size.

use std::io::Read;

use crate::error::InputError;

/// Bytes read from the file at a time.
pub(super) const CHUNK: usize = 1 << 20;

/// Calls `on_piece(line, piece)` for pieces of whole lines of `reader`, in order: `line` is
/// the 1-based number of the piece's first line, and `on_piece` returns how many newlines
/// the piece holds (as [`for_each_line`] does), which moves `line` on to the next piece.
/// Stops calling after the first error `on_piece` returns, and returns that error, unless
/// the rest of the file is not UTF-8 or cannot be read.
pub(super) fn for_each_piece<R: Read>(
    mut reader: R,
    chunk: usize,
    mut on_piece: impl FnMut(usize, &str) -> Result<usize, InputError>,
) -> Result<(), InputError> {
    let chunk = chunk.max(1);
    // Grown by `read_to_end` as needed, so a short input costs no full chunk.
    let mut buf: Vec<u8> = Vec::new();
    // 1-based number of the line that starts `buf`.
    let mut line = 1;
    let mut at_start = true;
    let mut failed = None;
    loop {
        let old = buf.len();
        let read = (&mut reader)
            .take(chunk as u64)
            .read_to_end(&mut buf)
            .map_err(|e| InputError::new(format!("cannot read: {e}")))?;
        // `read_to_end` stops short of the limit only at the end of the file.
        let at_end = read < chunk;
        // Bytes before `old` hold no newline: they are the carried start of a line.
        let end = if at_end {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf[old..]) {
                Some(i) => old + i + 1,
                None => continue,
            }
        };
        if at_start && (buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF])) {
            // Windows tools often save UTF-16; saying so beats a puzzling "invalid UTF-8".
            return Err(InputError::new(
                "the file is UTF-16 text; save it as UTF-8 (or plain ASCII) text",
            )
            .at_line(1));
        }
        let piece = &buf[..end];
        let text = std::str::from_utf8(piece).map_err(|e| not_utf8(piece, e, line))?;
        let text = if at_start {
            // Spreadsheet exports start with a byte-order mark that would spoil the first name.
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        at_start = false;
        let newlines = if failed.is_none() {
            on_piece(line, text).unwrap_or_else(|e| {
                failed = Some(e);
                count_newlines(piece)
            })
        } else {
            count_newlines(piece)
        };
        debug_assert_eq!(newlines, count_newlines(piece), "on_piece counts every newline");
        line += newlines;
        buf.drain(..end);
        if at_end {
            return failed.map_or(Ok(()), Err);
        }
    }
}

/// Calls `on_line(offset, text)` for every line of `piece` (whole lines) that holds data, in
/// order: `text` is the line trimmed, `offset` its 0-based line within the piece; blank lines
/// and lines starting with `#` are skipped. Returns the number of newlines in `piece`, or the
/// first error `on_line` returns.
pub(super) fn for_each_line<E>(
    piece: &str,
    mut on_line: impl FnMut(usize, &str) -> Result<(), E>,
) -> Result<usize, E> {
    let mut offset = 0;
    let mut start = 0;
    for newline in memchr::memchr_iter(b'\n', piece.as_bytes()) {
        if let Some(text) = data_line(&piece[start..newline]) {
            on_line(offset, text)?;
        }
        offset += 1;
        start = newline + 1;
    }
    // A piece that ends in a newline has no line after it.
    if let Some(text) = data_line(&piece[start..]) {
        on_line(offset, text)?;
    }
    Ok(offset)
}

/// The number of newlines in `bytes`.
fn count_newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// The trimmed text of a line that holds data, `None` for a blank line or a comment.
fn data_line(raw: &str) -> Option<&str> {
    // Most lines start and end with a visible ASCII character and need no trimming; the
    // others get `str::trim`, which knows every Unicode space.
    let visible = |b: Option<&u8>| b.is_some_and(|&b| (0x21..0x80).contains(&b));
    let bytes = raw.as_bytes();
    let text = if visible(bytes.first()) && visible(bytes.last()) { raw } else { raw.trim() };
    (!text.is_empty() && !text.starts_with('#')).then_some(text)
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
    }
}
