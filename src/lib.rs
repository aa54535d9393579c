//! mlex: a terminal explorer for maximum likelihood estimation.
//!
//! The engine (families, samples, objective, optimisers, reports) is a library with no
//! terminal code, so everything the TUI shows can be computed, tested and benchmarked
//! headless.

pub mod cli;
pub mod data;
pub mod error;
pub mod format;
pub mod optim;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod stats;
pub mod tui;
pub mod words;
