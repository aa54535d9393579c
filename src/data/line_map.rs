//! Which file line each value came from, in a few bytes instead of one `usize` per value.
//!
//! Values sit on runs of consecutive lines, broken only where lines are skipped (blank
//! lines, comments, a CSV header). Each run is stored as two LEB128 numbers, the lines
//! skipped before it and the values in it, so a plain file of 10^7 numbers costs a few
//! bytes and even a file with a comment after every value costs about 2 bytes per value.
//! Every `CHECKPOINT_EVERY`-th run is also indexed, so a look-up decodes at most that many.

/// Runs between two indexed runs: a look-up reads at most this many.
const CHECKPOINT_EVERY: usize = 64;

/// Where an indexed run starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checkpoint {
    /// Index of the run's first value.
    value: usize,
    /// The line after the previous run's last value (1 before the first run).
    next_line: usize,
    /// Offset of the run's encoding in `LineMap::runs`.
    offset: usize,
}

/// The 1-based file line of every value, built while the file is read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineMap {
    /// The runs, each as LEB128 (lines skipped before it, values in it).
    runs: Vec<u8>,
    /// Every `CHECKPOINT_EVERY`-th run, in order.
    checkpoints: Vec<Checkpoint>,
    /// Number of values mapped.
    len: usize,
}

impl LineMap {
    /// Number of values mapped.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no value is mapped.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The 1-based file line of value `index`.
    ///
    /// # Panics
    /// If `index` is not below [`Self::len`], like slice indexing.
    #[must_use]
    pub fn line_of(&self, index: usize) -> usize {
        assert!(index < self.len, "value {index} of {} has no line", self.len);
        let at = self.checkpoints.partition_point(|c| c.value <= index) - 1;
        let Checkpoint { mut value, mut next_line, mut offset } = self.checkpoints[at];
        loop {
            let skipped = read_leb128(&self.runs, &mut offset);
            let count = read_leb128(&self.runs, &mut offset);
            let first = next_line + skipped;
            if index < value + count {
                return first + (index - value);
            }
            value += count;
            next_line = first + count;
        }
    }
}

/// Builds a [`LineMap`] one value at a time.
#[derive(Debug, Default)]
pub struct LineMapBuilder {
    /// The map of the runs closed so far.
    map: LineMap,
    /// Closed runs.
    closed: usize,
    /// The line after the last closed run.
    next_line: usize,
    /// Lines skipped before the open run.
    open_skipped: usize,
    /// Values in the open run (0 before the first value).
    open_count: usize,
    /// Line of the last value pushed (0 before the first).
    last_line: usize,
}

impl LineMapBuilder {
    /// Records that the next value came from `line`, which must be above every earlier one.
    pub fn push(&mut self, line: usize) {
        self.push_run(line, 1);
    }

    /// Records that the next `count` values came from `first` and the lines after it, in
    /// order; `first` must be above every earlier line. Same as `push` for each line.
    pub fn push_run(&mut self, first: usize, count: usize) {
        debug_assert!(
            first > self.last_line,
            "lines must increase: {first} after {}",
            self.last_line
        );
        if count == 0 {
            return;
        }
        if self.open_count > 0 && first == self.last_line + 1 {
            self.open_count += count;
        } else {
            self.close_run();
            self.open_skipped = first - self.last_line - 1;
            self.open_count = count;
        }
        self.last_line = first + count - 1;
    }

    /// The map of every value pushed.
    #[must_use]
    pub fn finish(mut self) -> LineMap {
        self.close_run();
        self.map.runs.shrink_to_fit();
        self.map.checkpoints.shrink_to_fit();
        self.map
    }

    /// Writes the open run, if any, and indexes it when its turn comes.
    fn close_run(&mut self) {
        if self.open_count == 0 {
            return;
        }
        if self.closed.is_multiple_of(CHECKPOINT_EVERY) {
            self.map.checkpoints.push(Checkpoint {
                value: self.map.len,
                next_line: self.next_line.max(1),
                offset: self.map.runs.len(),
            });
        }
        write_leb128(&mut self.map.runs, self.open_skipped);
        write_leb128(&mut self.map.runs, self.open_count);
        self.map.len += self.open_count;
        self.next_line = self.last_line + 1;
        self.closed += 1;
        self.open_count = 0;
    }
}

/// Appends `n` as LEB128: 7 bits a byte, low bits first, the top bit set on all but the last.
fn write_leb128(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7F) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads the LEB128 number at `*offset` and moves past it.
fn read_leb128(bytes: &[u8], offset: &mut usize) -> usize {
    let mut n = 0;
    let mut shift = 0;
    loop {
        let byte = bytes[*offset];
        *offset += 1;
        n |= usize::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return n;
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn map_of(lines: &[usize]) -> LineMap {
        let mut builder = LineMapBuilder::default();
        for &line in lines {
            builder.push(line);
        }
        builder.finish()
    }

    fn all_lines(map: &LineMap) -> Vec<usize> {
        (0..map.len()).map(|i| map.line_of(i)).collect()
    }

    #[test]
    fn consecutive_lines_are_one_run() {
        let lines: Vec<usize> = (1..=100_000).collect();
        let map = map_of(&lines);
        assert_eq!(all_lines(&map), lines);
        assert_eq!(map.runs.len(), 4, "one run: skip 0 (1 byte), count 100000 (3 bytes)");
        assert_eq!(map.checkpoints.len(), 1);
    }

    #[test]
    fn a_comment_after_every_value_costs_about_two_bytes_each() {
        let lines: Vec<usize> = (0..100_000).map(|i| 2 * i + 3).collect();
        let map = map_of(&lines);
        assert_eq!(all_lines(&map), lines);
        assert_eq!(map.runs.len(), 200_000);
        assert_eq!(map.checkpoints.len(), 100_000usize.div_ceil(CHECKPOINT_EVERY));
    }

    #[test]
    fn huge_gaps_and_late_lines() {
        let lines = [1, 2, 200, 201, 1 << 40, (1 << 40) + 1, usize::MAX / 2];
        assert_eq!(all_lines(&map_of(&lines)), lines);
    }

    #[test]
    fn empty_map() {
        let map = map_of(&[]);
        assert!(map.is_empty());
        assert_eq!(map, LineMap::default());
    }

    #[test]
    #[should_panic(expected = "value 2 of 2 has no line")]
    fn index_past_the_end_panics() {
        let _ = map_of(&[4, 9]).line_of(2);
    }

    proptest! {
        #[test]
        fn every_value_gets_its_line_back(gaps in proptest::collection::vec((0..4usize, 0..300usize), 0..2000)) {
            // Gap 0 keeps the run going; other gaps skip lines, some by a lot.
            let mut lines = Vec::new();
            let mut line = 0;
            for (gap, big) in gaps {
                line += 1 + if gap == 3 { big * 1000 } else { gap };
                lines.push(line);
            }
            let map = map_of(&lines);
            prop_assert_eq!(map.len(), lines.len());
            prop_assert_eq!(all_lines(&map), lines);
        }

        #[test]
        fn runs_build_the_same_map_as_single_lines(runs in proptest::collection::vec((0..3usize, 0..5usize), 0..300)) {
            // Each run starts `skip` lines after the last one ends; empty runs add nothing.
            let mut builder = LineMapBuilder::default();
            let mut lines = Vec::new();
            let mut next = 1;
            for (skip, count) in runs {
                let first = next + skip;
                builder.push_run(first, count);
                lines.extend(first..first + count);
                next = first + count;
            }
            prop_assert_eq!(builder.finish(), map_of(&lines));
        }
    }
}
