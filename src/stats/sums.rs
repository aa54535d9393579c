//! Accurate sums and moments: compensated (Neumaier) summation and the corrected two-pass
//! algorithm, so that data with a large offset and a tiny spread, or values spanning many
//! magnitudes, keep their sufficient statistics to the last few bits.

/// A running sum with Neumaier's compensation: the rounding error of every addition is
/// carried in a second accumulator, so the result is as if summed in twice the precision.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Neumaier {
    sum: f64,
    carry: f64,
}

impl Neumaier {
    /// An empty sum.
    #[must_use]
    pub const fn new() -> Self {
        Self { sum: 0.0, carry: 0.0 }
    }

    /// Adds one term.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        // Whichever operand is larger in magnitude is represented exactly in t; the error
        // is what was lost of the smaller one.
        if self.sum.abs() >= x.abs() {
            self.carry += (self.sum - t) + x;
        } else {
            self.carry += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The compensated total.
    #[inline]
    #[must_use]
    pub fn total(&self) -> f64 {
        self.sum + self.carry
    }
}

/// Sums an iterator with compensation.
pub fn sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut acc = Neumaier::new();
    for v in values {
        acc.add(v);
    }
    acc.total()
}

/// Count, mean and sum of squared deviations of a set of numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// Number of values.
    pub n: usize,
    /// Compensated sum of the values.
    pub sum: f64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Σ (x − mean)², the second central moment times n.
    pub m2: f64,
}

impl Moments {
    /// Two compensated passes: the mean first, then the squared deviations from it with
    /// the corrected two-pass term (Chan, Golub and LeVeque) that removes the residual of
    /// a mean that was itself rounded. `values` is called twice.
    pub fn of<I>(values: impl Fn() -> I) -> Self
    where
        I: Iterator<Item = f64>,
    {
        let mut n = 0usize;
        let mut total = Neumaier::new();
        for v in values() {
            n += 1;
            total.add(v);
        }
        if n == 0 {
            return Self { n, sum: 0.0, mean: f64::NAN, m2: f64::NAN };
        }
        let sum = total.total();
        let mean = sum / n as f64;
        let mut sq = Neumaier::new();
        let mut dev = Neumaier::new();
        for v in values() {
            let d = v - mean;
            sq.add(d * d);
            dev.add(d);
        }
        let dev = dev.total();
        let m2 = (sq.total() - dev * dev / n as f64).max(0.0);
        // The residual deviation also tells how far the rounded mean is from the exact one.
        let mean = mean + dev / n as f64;
        Self { n, sum, mean, m2 }
    }

    /// The maximum-likelihood (divide by n) variance.
    #[must_use]
    pub fn variance(&self) -> f64 {
        self.m2 / self.n as f64
    }

    /// Σ (x − c)² for any centre c, exactly rearranged so no large cancellation happens.
    #[must_use]
    pub fn sum_sq_about(&self, c: f64) -> f64 {
        let d = self.mean - c;
        self.m2 + self.n as f64 * d * d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neumaier_recovers_what_naive_summation_loses() {
        // 1 + 1e100 + 1 - 1e100 is 2 exactly; a naive sum gives 0.
        let xs = [1.0, 1e100, 1.0, -1e100];
        assert_eq!(xs.iter().sum::<f64>(), 0.0);
        assert_eq!(sum(xs), 2.0);
    }

    #[test]
    fn moments_of_a_small_known_set() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let m = Moments::of(|| xs.iter().copied());
        assert_eq!(m.n, 8);
        assert_eq!(m.mean, 5.0);
        assert_eq!(m.m2, 32.0);
        assert_eq!(m.variance(), 4.0);
        assert_eq!(m.sum_sq_about(4.0), 40.0);
    }
}
