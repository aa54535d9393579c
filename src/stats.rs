//! The numerical engine: families, samples, accurate sums, the objective, entropies and the
//! underflow trace. Nothing here knows about the terminal.

pub mod classify;
pub mod family;
pub mod goodness;
pub mod information;
pub mod model;
pub mod objective;
pub mod pass;
pub mod quadrature;
pub mod rng;
pub mod sample;
pub mod special;
pub mod sums;
pub mod underflow;
pub mod vmath;
