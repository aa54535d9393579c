//! Shared tolerances for the integration tests, named like statrs' `prec` module so that no
//! test carries an unexplained number. Each test file uses only some of them.
#![allow(dead_code)]

/// Tolerances and statistical thresholds.
pub mod prec {
    /// Relative agreement of two evaluations of the same closed-form expression that differ
    /// only in rounding (a handful of ulps).
    pub const ULPS_REL: f64 = 1e-13;

    /// Relative agreement of an O(1) sufficient-statistic log-likelihood with the
    /// compensated point-by-point sum, relative to Σ|ln q(xᵢ)|.
    pub const LOG_LIKELIHOOD_REL: f64 = 1e-12;

    /// Relative agreement of an analytic gradient with the sum of per-point scores,
    /// relative to Σ|scoreᵢ|.
    pub const GRADIENT_REL: f64 = 1e-10;

    /// Relative accuracy of natural → free → natural round trips.
    pub const ROUND_TRIP_REL: f64 = 1e-12;

    /// Central finite-difference step, relative to max(1, |u|) in free coordinates.
    pub const FD_STEP: f64 = 1e-5;

    /// Relative agreement of a finite-difference gradient with the analytic one, relative
    /// to the largest gradient component.
    pub const FD_REL: f64 = 1e-6;

    /// Absolute floor of the finite-difference comparison, per data point.
    pub const FD_ABS_PER_POINT: f64 = 1e-6;

    /// Monte Carlo checks accept estimates within this many standard errors.
    pub const MC_Z: f64 = 5.0;

    /// The asymptotic 1% critical value of the one-sample Kolmogorov–Smirnov statistic is
    /// this constant over √n.
    pub const KS_CRITICAL_1PCT: f64 = 1.63;

    /// Quadrature (tanh-sinh in quantile space) against closed-form values, absolute and
    /// relative to max(1, |value|).
    pub const QUADRATURE: f64 = 1e-9;

    /// statrs' Poisson entropy is a truncated asymptotic series; it is only compared for
    /// large rates, and loosely.
    pub const POISSON_ENTROPY_APPROX: f64 = 1e-3;

    /// cdf(quantile(u)) against u (or the survival function against 1 − u in the upper
    /// half), relative to the smaller tail probability.
    pub const QUANTILE_REL: f64 = 1e-9;

    /// A value exact up to the last bit or two of an O(1) result.
    pub const EXACT: f64 = 1e-15;
}

/// Whether `a` and `b` agree to `rel` relative to `scale` (both infinite with the same sign
/// also counts as agreeing).
#[must_use]
pub fn close(a: f64, b: f64, rel: f64, scale: f64) -> bool {
    if a.is_infinite() || b.is_infinite() {
        return a.to_bits() == b.to_bits();
    }
    (a - b).abs() <= rel * scale
}

/// Whether `a` and `b` agree to `rel` relative to the larger of their magnitudes and 1.
#[must_use]
pub fn close_rel(a: f64, b: f64, rel: f64) -> bool {
    close(a, b, rel, a.abs().max(b.abs()).max(1.0))
}
