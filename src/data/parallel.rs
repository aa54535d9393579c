//! A piece of whole lines read on several threads: cut into leaves of about `split` bytes
//! at newlines, each leaf parsed on its own, the results joined back in file order.
//!
//! A leaf cannot know its first line until the leaves before it are counted, so it numbers
//! its lines from 0 and the join moves them (and a leaf's error) to the file's lines. The
//! first failing leaf in file order gives the error, so it is the one at the lowest line,
//! as when the lines are read one after another.

use rayon::prelude::*;

use super::line_map::LineMapBuilder;
use super::text::{for_each_line_or_number, for_each_row};
use crate::error::InputError;

/// What one line gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Got {
    /// A value.
    Value(f64),
    /// Nothing: a blank line, or (in CSV) a row of white space.
    Blank,
    /// A missing value, left out as asked.
    Skipped,
    /// A CSV row whose quoted field runs on past the line: the piece must be read in order.
    Unfinished,
}

/// Bytes in a leaf when the file is read, before it is cut at the next newline: big enough
/// that a leaf costs far more than handing it to a thread, small enough that both threads
/// get several leaves of a 1 MiB chunk and one slow thread does not hold up the other.
pub(super) const SPLIT: usize = 1 << 17;

/// The values of one leaf, with their lines counted from the leaf's first line as 0.
#[derive(Default)]
struct Leaf {
    /// The values, in order.
    values: Vec<f64>,
    /// Runs of consecutive lines holding values, as (first line, number of lines).
    runs: Vec<(usize, usize)>,
    /// Newlines in the leaf.
    newlines: usize,
    /// Rows left out for a missing value.
    skipped: usize,
    /// A row ran on past its line: the leaf's reading stopped there.
    unfinished: bool,
}

/// Reads `piece`, whose first line is `line`, calling `value(line, text)` for each line
/// (with `plain` set: for each data line, trimmed, but a number alone; else for every row,
/// untrimmed), and appends the values to `values`, their lines to `lines` and the rows left
/// out to `skipped`; returns the number of newlines in `piece`, or the error at the lowest
/// line; `None`, with nothing appended, when a row runs on past its line before any fault
/// (the piece must then be read in order).
#[allow(clippy::too_many_arguments)]
pub(super) fn read_lines(
    piece: &str,
    line: usize,
    split: usize,
    plain: bool,
    value: impl Fn(usize, &str) -> Result<Got, InputError> + Sync,
    values: &mut Vec<f64>,
    lines: &mut LineMapBuilder,
    skipped: &mut usize,
) -> Result<Option<usize>, InputError> {
    let cut = leaves(piece, split);
    let read = |text: &str| read_leaf(text, plain, &value);
    // A small piece stays on this thread, so a small file never starts the thread pool.
    let leaves: Vec<Result<Leaf, InputError>> = if cut.len() > 1 {
        cut.into_par_iter().map(read).collect()
    } else {
        cut.into_iter().map(read).collect()
    };
    // The first fault or run-on row in file order decides, before anything is appended.
    let mut first = line;
    for leaf in &leaves {
        match leaf {
            Err(e) => {
                let mut e = e.clone();
                e.line = e.line.map(|l| first + l);
                return Err(e);
            }
            Ok(leaf) if leaf.unfinished => return Ok(None),
            Ok(leaf) => first += leaf.newlines,
        }
    }
    let mut first = line;
    for leaf in leaves.into_iter().flatten() {
        values.extend_from_slice(&leaf.values);
        *skipped += leaf.skipped;
        for (start, count) in leaf.runs {
            lines.push_run(first + start, count);
        }
        first += leaf.newlines;
    }
    Ok(Some(first - line))
}

/// `piece` cut after the first newline at least `split` bytes into each leaf.
fn leaves(piece: &str, split: usize) -> Vec<&str> {
    let mut cut = Vec::with_capacity(piece.len() / split.max(1) + 1);
    let mut rest = piece;
    while let Some(end) = rest
        .as_bytes()
        .get(split..)
        .and_then(|tail| memchr::memchr(b'\n', tail))
        .map(|i| split + i + 1)
        .filter(|&end| end < rest.len())
    {
        let (leaf, after) = rest.split_at(end);
        cut.push(leaf);
        rest = after;
    }
    cut.push(rest);
    cut
}

/// Parses one leaf, numbering its lines from 0.
fn read_leaf(
    text: &str,
    plain: bool,
    value: &impl Fn(usize, &str) -> Result<Got, InputError>,
) -> Result<Leaf, InputError> {
    let mut leaf = Leaf::default();
    let mut take = |offset: usize, got: Got| {
        match got {
            Got::Value(number) => leaf.values.push(number),
            Got::Blank | Got::Unfinished => return,
            Got::Skipped => {
                leaf.skipped += 1;
                return;
            }
        }
        match leaf.runs.last_mut() {
            Some((start, count)) if *start + *count == offset => *count += 1,
            _ => leaf.runs.push((offset, 1)),
        }
    };
    let newlines = if plain {
        for_each_line_or_number(text, true, |offset, text, number| {
            let got = match number {
                Some(number) => Got::Value(number),
                None => value(offset, text)?,
            };
            take(offset, got);
            Ok(())
        })?
    } else {
        let mut unfinished = false;
        let read = for_each_row(text, |offset, text| {
            let got = value(offset, text).map_err(Some)?;
            if got == Got::Unfinished {
                // Stops the leaf: the rows after it cannot be read on their own.
                unfinished = true;
                return Err(None);
            }
            take(offset, got);
            Ok(())
        });
        match read {
            Ok(newlines) => newlines,
            Err(None) => {
                leaf.unfinished = unfinished;
                return Ok(leaf);
            }
            Err(Some(e)) => return Err(e),
        }
    };
    leaf.newlines = newlines;
    Ok(leaf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values and lines of `piece` read from line `line` with leaves of `split` bytes.
    fn read(
        piece: &str,
        line: usize,
        split: usize,
        plain: bool,
    ) -> Result<(Vec<f64>, Vec<usize>, usize), String> {
        let mut values = Vec::new();
        let mut lines = LineMapBuilder::default();
        let value = |line: usize, text: &str| {
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                return Ok(Got::Blank);
            }
            text.parse::<f64>()
                .map(Got::Value)
                .map_err(|_| InputError::new(text.to_owned()).at_line(line))
        };
        let mut skipped = 0;
        let newlines =
            read_lines(piece, line, split, plain, value, &mut values, &mut lines, &mut skipped)
                .map_err(|e| e.to_string())?;
        let map = lines.finish();
        Ok((
            values,
            (0..map.len()).map(|i| map.line_of(i)).collect(),
            newlines.expect("no row of these pieces runs on"),
        ))
    }

    #[test]
    fn leaves_are_cut_after_newlines_and_cover_the_piece() {
        let piece = "1\n22\n333\n\n4444\n5";
        for split in 0..=piece.len() + 1 {
            let cut = leaves(piece, split);
            assert_eq!(cut.concat(), piece, "split {split}");
            assert!(cut.iter().all(|l| !l.is_empty()), "split {split}: {cut:?}");
            assert!(cut[..cut.len() - 1].iter().all(|l| l.ends_with('\n') && l.len() > split));
        }
        assert_eq!(leaves(piece, 0), ["1\n", "22\n", "333\n", "\n", "4444\n", "5"]);
        assert_eq!(leaves(piece, 3), ["1\n22\n", "333\n", "\n4444\n", "5"]);
        assert_eq!(leaves("", 4), [""]);
    }

    #[test]
    fn every_split_gives_the_lines_and_values_in_order() {
        let piece = "1\n\n# c\n2\r\n 3\n\n\n4\n5\n";
        let whole = read(piece, 7, 1 << 20, false);
        assert_eq!(whole, Ok((vec![1.0, 2.0, 3.0, 4.0, 5.0], vec![7, 10, 11, 14, 15], 9)));
        for split in 0..=piece.len() {
            for plain in [false, true] {
                assert_eq!(read(piece, 7, split, plain), whole, "split {split}, plain {plain}");
            }
        }
    }

    #[test]
    fn the_error_at_the_lowest_line_wins_at_every_split() {
        let piece = "1\n2x\n3\n\ny\n";
        for split in 0..=piece.len() {
            for plain in [false, true] {
                let got = read(piece, 5, split, plain);
                assert_eq!(got, Err("line 6: 2x".to_owned()), "split {split}, plain {plain}");
            }
        }
    }
}
