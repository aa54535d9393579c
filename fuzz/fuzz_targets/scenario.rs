//! Fuzzes the scenario loader: any bytes either become a validated scenario or one error
//! that names the file and a line; a scenario with a small sampled sample is also prepared
//! (sampled, its truth's integration rule built, its start checked). Nothing may panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mlex::scenario::{Source, parse_bytes};

/// Samples larger than this are parsed but not prepared, to keep each run fast.
const MAX_PREPARED: usize = 2_000;

fuzz_target!(|data: &[u8]| {
    match parse_bytes(data, "fuzz", Some(Path::new("fuzz.toml"))) {
        Err(e) => {
            assert!(e.file.is_some() && e.line.is_some(), "unlocated error: {e}");
        }
        Ok(s) => {
            if s.sample_size <= MAX_PREPARED && matches!(s.source, Source::Truth { .. }) {
                if let Err(e) = mlex::runner::prepare(&s, s.seed) {
                    assert!(e.file.is_some(), "error without its file: {e}");
                }
            }
        }
    }
});
