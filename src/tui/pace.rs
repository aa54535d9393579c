//! The loop's side of the time budgets: `App::update` counts work in steps, grid cells and
//! trace values, and this sizes those counts from the loop's own clock so that a tick takes
//! about as long as the old time budgets allowed, whatever one step of the current run costs
//! (a microsecond with sufficient statistics, tens of milliseconds at m = 10^6 without), and
//! hands out steps at the pace the user chose (steps per second, by the clock).

use std::time::{Duration, Instant};

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

/// The work the next tick may do, grown or shrunk by at most a factor of two a tick, and
/// the steps owed to a paced run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pacer {
    /// What a tick can afford (its `steps` are the most a frame can take).
    work: Work,
    /// Steps owed at the pace and not yet given (a fraction, at slow paces).
    owed: f64,
    /// When steps were last handed out, while running.
    last: Option<Instant>,
}

impl Pacer {
    /// The work to give the next tick. `pace` is None while paused, `Some(None)` to run as
    /// fast as a frame allows, `Some(Some(rate))` to run at `rate` steps a second (never more
    /// than a frame allows: a slow machine plays slower, it does not queue).
    #[must_use]
    pub fn work(&mut self, pace: Option<Option<f64>>) -> Work {
        let now = Instant::now();
        let steps = match pace {
            None => {
                (self.owed, self.last) = (0.0, None);
                return self.work;
            }
            Some(None) => self.work.steps,
            Some(Some(rate)) => {
                // The first tick of a play takes a step at once: a key is answered by a move.
                let since = self.last.map_or(1.0, |t| now.duration_since(t).as_secs_f64() * rate);
                let cap = self.work.steps as f64;
                self.owed = (self.owed + since).min(cap);
                let steps = self.owed.floor();
                self.owed -= steps;
                steps as usize
            }
        };
        self.last = Some(now);
        Work { steps, ..self.work }
    }

    /// Whether a tick given `work` used all the steps a frame can take (only then does its
    /// time say something about what a frame can afford).
    #[must_use]
    pub fn saturated(&self, work: Work) -> bool {
        work.steps >= self.work.steps
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
        assert_eq!(p.work(None).steps, 2);
        for _ in 0..30 {
            p.observe(Duration::from_micros(10), true, false);
        }
        assert_eq!(p.work(Some(None)).steps, MAX_STEPS);
        p.observe(Duration::from_millis(100), true, false);
        assert_eq!(p.work(None).steps, MAX_STEPS / 2);
        p.observe(Duration::from_millis(1), false, true);
        assert_eq!(p.work(None).cells, 4);
        p.reset();
        assert_eq!(p.work(None), Work::default());
    }

    #[test]
    fn a_paced_run_gets_its_rate_and_no_more_than_a_frame() {
        let mut p = Pacer::default();
        for _ in 0..10 {
            p.observe(Duration::from_micros(10), true, false);
        }
        // The first tick of a play steps at once; one a second then owes nothing 1 ms later.
        assert_eq!(p.work(Some(Some(1.0))).steps, 1);
        std::thread::sleep(Duration::from_millis(1));
        assert_eq!(p.work(Some(Some(1.0))).steps, 0);
        // A million a second gets what a frame can take.
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(p.work(Some(Some(1e6))).steps, 1 << 10);
    }
}
