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
        if !t.is_finite() {
            // An infinite (or NaN) total has no rounding error to carry; carrying ∞ − ∞
            // would turn a legitimate −∞ log-likelihood into NaN.
            self.sum = t;
            self.carry = 0.0;
            return;
        }
        // Whichever operand is larger in magnitude is represented exactly in t; the error
        // is what was lost of the smaller one.
        if self.sum.abs() >= x.abs() {
            self.carry += (self.sum - t) + x;
        } else {
            self.carry += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// Adds another compensated sum, its correction included.
    #[inline]
    pub fn add_sum(&mut self, other: &Self) {
        self.add(other.sum);
        self.add(other.carry);
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

/// a + b as a rounded sum and its exact rounding error (Knuth's TwoSum).
#[inline]
#[must_use]
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// Count, mean and sum of squared deviations of a set of numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// Number of values.
    pub n: usize,
    /// Compensated sum of the values.
    pub sum: f64,
    /// Arithmetic mean, correctly rounded as far as f64 allows.
    pub mean: f64,
    /// The exact mean minus `mean`: the part a single f64 cannot hold, which matters when
    /// the mean is large and the spread tiny.
    pub mean_err: f64,
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
            return Self { n, sum: 0.0, mean: f64::NAN, mean_err: 0.0, m2: f64::NAN };
        }
        let sum = total.total();
        let m0 = sum / n as f64;
        let mut sq = Neumaier::new();
        let mut dev = Neumaier::new();
        for v in values() {
            // TwoSum makes each deviation exact (d + e = v − m0), so `dev` is the true residual
            // even where v dwarfs the mean.
            let (d, e) = two_sum(v, -m0);
            sq.add(d * d);
            dev.add(d);
            dev.add(e);
        }
        Self::from_passes(n, sum, sq.total(), dev.total())
    }

    /// The moments from the two passes' sums: `sum` = Σ v, then about m0 = sum / n the
    /// squared deviations `sq` and the exact residual `dev` = Σ (v − m0).
    #[must_use]
    pub fn from_passes(n: usize, sum: f64, sq: f64, dev: f64) -> Self {
        if n == 0 {
            return Self { n, sum: 0.0, mean: f64::NAN, mean_err: 0.0, m2: f64::NAN };
        }
        let m0 = sum / n as f64;
        let m2 = (sq - dev * dev / n as f64).max(0.0);
        let (mean, err) = two_sum(m0, dev / n as f64);
        Self { n, sum, mean, mean_err: err, m2 }
    }

    /// The moments from one pass about a shift c, with `sum` = Σ v (compensated),
    /// `dev` = Σ (v − c) and `sq` = Σ (v − c)² (plain sums of the rounded deviations: their
    /// rounding is of the order of the spread's, far below what either the mean or m2 can
    /// notice once c is trusted). With c = 0 the mean comes from `sum` itself.
    ///
    /// None when that pass cannot be trusted to the precision of the two-pass moments, so a
    /// second pass about the mean is needed: a sum overflowed; c lies far from the mean
    /// compared with the spread (Σ (v − c)² more than 4 m2, so computing m2 would cancel two
    /// or more bits); or c is more than twice the mean in magnitude (the deviations' rounding
    /// would then be large next to the mean itself).
    #[must_use]
    pub fn from_shifted(n: usize, sum: f64, c: f64, dev: f64, sq: f64) -> Option<Self> {
        if n == 0 {
            return Some(Self::from_passes(0, sum, sq, dev));
        }
        let dev = if c == 0.0 { sum } else { dev };
        let shift = dev / n as f64;
        let m2 = (sq - dev * shift).max(0.0);
        let (mean, err) = two_sum(c, shift);
        let trusted = sum.is_finite()
            && sq.is_finite()
            && dev.is_finite()
            && sq <= 4.0 * m2
            && c.abs() <= 2.0 * mean.abs();
        trusted.then_some(Self { n, sum, mean, mean_err: err, m2 })
    }

    /// The maximum-likelihood (divide by n) variance.
    #[must_use]
    pub fn variance(&self) -> f64 {
        self.m2 / self.n as f64
    }

    /// exact mean − c, with the mean's low-order part kept.
    #[must_use]
    pub fn mean_minus(&self, c: f64) -> f64 {
        (self.mean - c) + self.mean_err
    }

    /// Σ (x − c)² for any centre c, exactly rearranged so no large cancellation happens.
    #[must_use]
    pub fn sum_sq_about(&self, c: f64) -> f64 {
        let d = self.mean_minus(c);
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
    fn infinite_terms_give_infinite_sums_not_nan() {
        assert_eq!(sum([1.0, f64::NEG_INFINITY]), f64::NEG_INFINITY);
        assert_eq!(sum([f64::NEG_INFINITY, 1.0, 2.0]), f64::NEG_INFINITY);
    }

    #[test]
    fn the_mean_survives_huge_cancelling_terms() {
        let xs = [1e16, 1.0, -1e16];
        let m = Moments::of(|| xs.iter().copied());
        assert!((m.mean + m.mean_err - 1.0 / 3.0).abs() < 1e-16);
    }

    #[test]
    fn a_shifted_pass_is_refused_where_it_would_lose_precision() {
        // 1, 2, 3 about c: sum 6, mean 2, m2 2; −10, 1, 12: sum 3, mean 1, m2 242.
        let about = |xs: [f64; 3], c: f64| {
            let dev: f64 = xs.iter().map(|x| x - c).sum();
            let sq: f64 = xs.iter().map(|x| (x - c) * (x - c)).sum();
            Moments::from_shifted(3, xs.iter().sum(), c, dev, sq)
        };
        let near = about([1.0, 2.0, 3.0], 2.5).expect("c within the spread");
        assert_eq!((near.mean, near.m2, near.sum), (2.0, 2.0, 6.0));
        assert_eq!(about([1.0, 2.0, 3.0], 1.5).map(|m| m.m2), Some(2.0));
        // Σ (x − 0)² = 14 > 4 · m2: computing m2 would cancel.
        assert!(about([1.0, 2.0, 3.0], 0.0).is_none());
        assert_eq!(about([-10.0, 1.0, 12.0], 0.0).map(|m| m.m2), Some(242.0));
        // Within the spread, but more than twice the mean.
        assert!(about([-10.0, 1.0, 12.0], 3.0).is_none());
        assert!(Moments::from_shifted(3, 6.0, 0.0, f64::INFINITY, 1.0).is_none());
        assert!(Moments::from_shifted(3, 6.0, 0.0, 1.0, f64::INFINITY).is_none());
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
