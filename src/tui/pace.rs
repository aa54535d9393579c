//! The loop's side of the time budgets: `App::update` counts work in steps, grid cells and
//! trace values, and this sizes those counts from the loop's own clock so that a tick takes
//! about as long as the old time budgets allowed, whatever one step of the current run costs
//! (a microsecond with sufficient statistics, tens of milliseconds at m = 10^6 without).

use std::time::Duration;

use super::action::Work;

/// What one running tick aims to take: keys are read between ticks, so this bounds how long
/// a key can wait.
const RUN_TARGET: Duration = Duration::from_millis(12);
/// What one tick filling in the likelihood surface aims to take.
const SURFACE_TARGET: Duration = Duration::from_millis(8);
/// Most steps a tick may take however cheap they are (about 10 ms at a microsecond a step).
const MAX_STEPS: usize = 1 << 14;
/// More cells than a whole surface (60 × 30) is no use.
const MAX_CELLS: usize = 2048;

/// The work the next tick may do, grown or shrunk by at most a factor of two a tick.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pacer {
    work: Work,
}

impl Pacer {
    /// The work to give the next tick.
    #[must_use]
    pub fn work(&self) -> Work {
        self.work
    }

    /// Back to the cautious start: after a key the run may be a new one, whose steps cost
    /// something else entirely.
    pub fn reset(&mut self) {
        self.work = Work::default();
    }

    /// Learns from a tick that took `took`: `stepping` when it spent all its steps (still
    /// running after it), `filling` when it spent all its cells (paused, surface unfinished).
    pub fn observe(&mut self, took: Duration, stepping: bool, filling: bool) {
        if stepping {
            self.work.steps = scale(self.work.steps, RUN_TARGET, took, MAX_STEPS);
        } else if filling {
            self.work.cells = scale(self.work.cells, SURFACE_TARGET, took, MAX_CELLS);
        }
    }
}

/// `n` scaled towards `target / took`, by a factor from ½ to 2, kept within 1..=`max`.
fn scale(n: usize, target: Duration, took: Duration, max: usize) -> usize {
    let ratio = (target.as_secs_f64() / took.as_secs_f64().max(1e-9)).clamp(0.5, 2.0);
    ((n as f64 * ratio).round() as usize).clamp(1, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_when_cheap_and_shrinks_when_slow() {
        let mut p = Pacer::default();
        p.observe(Duration::from_micros(10), true, false);
        assert_eq!(p.work().steps, 2);
        for _ in 0..30 {
            p.observe(Duration::from_micros(10), true, false);
        }
        assert_eq!(p.work().steps, MAX_STEPS);
        p.observe(Duration::from_millis(100), true, false);
        assert_eq!(p.work().steps, MAX_STEPS / 2);
        p.observe(Duration::from_millis(1), false, true);
        assert_eq!(p.work().cells, 4);
        p.reset();
        assert_eq!(p.work(), Work::default());
    }
}
