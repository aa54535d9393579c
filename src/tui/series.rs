//! A chart's series recorded per iteration, never per frame: which points it keeps depends
//! only on the iterations recorded, so a chart drawn after a run is the same whatever the
//! pace it was played at (one step a second or ten thousand a frame).

/// Points kept before the stride doubles; enough for any chart width, cheap to draw.
const CAP: usize = 4000;

/// (iteration, value) at every `stride`-th iteration, plus the latest one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    points: Vec<(f64, f64)>,
    /// Iterations kept are the multiples of this (a power of two).
    stride: usize,
    /// Whether the last point is off the stride (the latest iteration, kept until the next).
    tail: bool,
}

impl Series {
    /// Nothing recorded yet.
    #[must_use]
    pub fn new() -> Self {
        Self { points: Vec::new(), stride: 1, tail: false }
    }

    /// Whether `iteration` would be kept for good (a multiple of the stride): callers with a
    /// costly value compute it only then, and for the latest iteration.
    #[must_use]
    pub fn keeps(&self, iteration: usize) -> bool {
        iteration.is_multiple_of(self.stride.max(1))
    }

    /// Records `value` at `iteration` (which must grow from call to call); the previous
    /// latest point goes unless it lies on the stride.
    pub fn record(&mut self, iteration: usize, value: f64) {
        if self.points.last().is_some_and(|p| p.0 >= iteration as f64) {
            return;
        }
        if self.tail {
            self.points.pop();
        }
        self.stride = self.stride.max(1);
        self.points.push((iteration as f64, value));
        self.tail = !self.keeps(iteration);
        // Only points kept for good count, so a look at the series in between (a frame
        // recording its latest point) never changes when the stride doubles.
        if self.points.len() - usize::from(self.tail) > CAP {
            self.stride *= 2;
            let stride = self.stride;
            let last = self.points.len() - 1;
            let mut i = 0;
            self.points.retain(|p| {
                let keep = i == last || (p.0 as usize).is_multiple_of(stride);
                i += 1;
                keep
            });
            self.tail = !self.keeps(iteration);
        }
    }

    /// The points, for a chart.
    #[must_use]
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// Number of points kept.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether nothing is recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Starts again (a new run).
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recording 0..n in one go or with looks in between keeps the same points.
    #[test]
    fn what_is_kept_depends_on_the_iterations_only() {
        let mut once = Series::new();
        for i in 0..10_000 {
            once.record(i, i as f64);
        }
        assert!(once.len() <= CAP + 1);
        assert_eq!(once.points().last(), Some(&(9999.0, 9999.0)));
        assert!(once.points().windows(2).all(|w| w[0].0 < w[1].0));
        // Recording the latest point at a different moment (a frame) changes nothing.
        let mut gappy = Series::new();
        for i in (0..10_000).filter(|i| i % 7 != 3 || *i > 9990) {
            gappy.record(i, i as f64);
        }
        let mut every = Series::new();
        for i in 0..10_000 {
            if every.keeps(i) || i == 9999 {
                every.record(i, i as f64);
            }
        }
        assert_eq!(once.points().last(), every.points().last());
        assert_eq!(once.points(), every.points());
        assert!(gappy.len() <= CAP + 1);
    }
}
