//! mlex: a terminal explorer for maximum likelihood estimation.
//!
//! The engine (families, samples, objective, optimisers, reports) is a library with no
//! terminal code, so everything the TUI shows can be computed, tested and benchmarked
//! headless.

pub mod cli;
pub mod data;
pub mod error;
pub mod optim;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod stats;

use std::process::ExitCode;

use error::InputError;

/// Entry point of the interactive explorer. The TUI is not built yet: until it is, say so
/// and point at the headless commands, which compute everything it will show.
pub fn tui_entry(scenario: Option<&str>, _seed: Option<u64>) -> Result<ExitCode, InputError> {
    let name = scenario.unwrap_or(scenario::DEFAULT_PRESET);
    let s = scenario::load(name)?;
    eprintln!(
        "mlex: the interactive explorer is not built yet.\n\
         Meanwhile the same fit runs headless:\n  mlex run --scenario {name}   # {}\n  \
         mlex scenarios                 # every preset\n  mlex fit --data FILE --model FAMILY",
        s.title
    );
    Ok(ExitCode::from(1))
}
