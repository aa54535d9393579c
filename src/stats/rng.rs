//! The random generator: a named, portable algorithm, so the same seed gives the same
//! sample on every machine (rand's `StdRng` may change between releases and platforms).

use rand::SeedableRng;

/// The generator every sampler uses.
pub type Rng = rand::rngs::Xoshiro256PlusPlus;

/// A generator from a 64-bit seed.
#[must_use]
pub fn seeded(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}
