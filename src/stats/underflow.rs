//! The underflow trace: the raw product L_m = Π q(xᵢ) in f64 and f32 next to the log-sum
//! ℓ_m = Σ ln q(xᵢ), showing where the product leaves the normal range, becomes exactly 0
//! (or overflows to +∞ when densities exceed 1) while the log-sum carries on.

use serde::Serialize;

use super::model::Model;
use super::sums::Neumaier;

/// How many points of the curve are kept for plotting, whatever the sample size.
const CURVE_POINTS: usize = 1024;

/// One point of the curve at sample size m, in log10 units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TracePoint {
    /// Sample size so far (1-based).
    pub m: usize,
    /// log10 L_m from the log-sum: the true value.
    pub log10_true: f64,
    /// log10 of the f64 product (−∞ once it is 0, +∞ once it overflowed).
    pub log10_f64: f64,
    /// log10 of the f32 product.
    pub log10_f32: f64,
}

/// Where the raw products break down, and the true value of the likelihood.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnderflowTrace {
    /// First m where the f64 product is below 2^-1022 (subnormal or zero).
    pub f64_subnormal_at: Option<usize>,
    /// First m where the f64 product is exactly 0.
    pub f64_zero_at: Option<usize>,
    /// First m where the f64 product is +∞.
    pub f64_overflow_at: Option<usize>,
    /// First m where the f32 product is below 2^-126.
    pub f32_subnormal_at: Option<usize>,
    /// First m where the f32 product is exactly 0.
    pub f32_zero_at: Option<usize>,
    /// First m where the f32 product is +∞.
    pub f32_overflow_at: Option<usize>,
    /// ℓ = Σ ln q(xᵢ) over the whole sample.
    pub log_likelihood: f64,
    /// log10 L = ℓ / ln 10.
    pub log10_likelihood: f64,
    /// L = mantissa × 10^exponent, 1 ≤ mantissa < 10.
    pub mantissa: f64,
    /// L = mantissa × 10^exponent.
    pub exponent: i64,
    /// The curve, thinned to at most about a thousand points.
    #[serde(skip)]
    pub curve: Vec<TracePoint>,
}

fn first(slot: &mut Option<usize>, hit: bool, m: usize) {
    if hit && slot.is_none() {
        *slot = Some(m);
    }
}

/// Splits log10 L into mantissa × 10^exponent.
#[must_use]
pub fn scientific(log10: f64) -> (f64, i64) {
    if !log10.is_finite() {
        return (f64::NAN, 0);
    }
    let exponent = log10.floor();
    let mut mantissa = 10f64.powf(log10 - exponent);
    let mut exponent = exponent as i64;
    // 10^(0.99999999…) can round up to 10.
    if mantissa >= 10.0 {
        mantissa /= 10.0;
        exponent += 1;
    }
    (mantissa, exponent)
}

/// Traces the products along the model's data in their order.
#[must_use]
pub fn trace(model: &dyn Model, nat: &[f64]) -> UnderflowTrace {
    let mut builder = TraceBuilder::new(nat, model.points());
    builder.advance(model, usize::MAX);
    builder.finish()
}

/// Points whose ln q are asked of the model at once: one call per chunk, not per point.
const LN_CHUNK: usize = 256;

/// Points traced between checks of whether the products have settled: short, so a report
/// stops within a few dozen points of the last first hit.
const SETTLE_CHECK: usize = 64;

/// The trace's first hits without its curve, for a headless report: the products are
/// followed only until both have settled at 0, ∞ or NaN (0 · q stays 0; ∞ · q stays ∞, or
/// turns NaN, which no first-hit test matches), after which no first hit can change.
/// `log_likelihood` is ℓ over the whole sample, already known to the caller, so the rest
/// of the sample is not evaluated point by point again.
#[must_use]
pub fn first_hits(model: &dyn Model, nat: &[f64], log_likelihood: f64) -> UnderflowTrace {
    let mut builder = TraceBuilder::new(nat, model.points());
    while !builder.advance(model, SETTLE_CHECK) && !builder.settled() {}
    let mut out = builder.out;
    out.curve.clear();
    out.log_likelihood = log_likelihood;
    out.log10_likelihood = log_likelihood / std::f64::consts::LN_10;
    (out.mantissa, out.exponent) = scientific(out.log10_likelihood);
    out
}

/// A trace computed a chunk at a time, so a pass over a large sample never holds up a key.
#[derive(Debug, Clone)]
pub struct TraceBuilder {
    nat: Vec<f64>,
    next: usize,
    stride: usize,
    p64: f64,
    p32: f32,
    log_sum: Neumaier,
    out: UnderflowTrace,
}

impl TraceBuilder {
    /// Starts a trace at natural parameters `nat` over a sample of `n` values.
    #[must_use]
    pub fn new(nat: &[f64], n: usize) -> Self {
        Self {
            nat: nat.to_vec(),
            next: 0,
            stride: n.div_ceil(CURVE_POINTS).max(1),
            p64: 1.0,
            p32: 1.0,
            log_sum: Neumaier::new(),
            out: UnderflowTrace {
                f64_subnormal_at: None,
                f64_zero_at: None,
                f64_overflow_at: None,
                f32_subnormal_at: None,
                f32_zero_at: None,
                f32_overflow_at: None,
                log_likelihood: f64::NAN,
                log10_likelihood: f64::NAN,
                mantissa: f64::NAN,
                exponent: 0,
                curve: Vec::with_capacity(CURVE_POINTS + 1),
            },
        }
    }

    /// The parameters being traced.
    #[must_use]
    pub fn params(&self) -> &[f64] {
        &self.nat
    }

    /// Processes up to `points` more data points; true once all are done.
    pub fn advance(&mut self, model: &dyn Model, points: usize) -> bool {
        let n = model.points();
        let end = self.next.saturating_add(points).min(n);
        let mut ln_q = [0.0; LN_CHUNK];
        let mut from = self.next;
        while from < end {
            let chunk = &mut ln_q[..(end - from).min(LN_CHUNK)];
            model.ln_points(&self.nat, from, chunk);
            self.multiply(from, chunk, n);
            from += chunk.len();
        }
        self.next = end;
        self.next >= n
    }

    /// Multiplies the products by the points `from`, … whose ln q are `ln_q`.
    fn multiply(&mut self, from: usize, ln_q: &[f64], n: usize) {
        let t = &mut self.out;
        for (i, &ln_q) in ln_q.iter().enumerate() {
            let m = from + i + 1;
            let q = ln_q.exp();
            self.p64 *= q;
            self.p32 *= q as f32;
            self.log_sum.add(ln_q);
            first(&mut t.f64_subnormal_at, self.p64 < f64::MIN_POSITIVE, m);
            first(&mut t.f64_zero_at, self.p64 == 0.0, m);
            first(&mut t.f64_overflow_at, self.p64 == f64::INFINITY, m);
            first(&mut t.f32_subnormal_at, self.p32 < f32::MIN_POSITIVE, m);
            first(&mut t.f32_zero_at, self.p32 == 0.0, m);
            first(&mut t.f32_overflow_at, self.p32 == f32::INFINITY, m);
            if m.is_multiple_of(self.stride) || m == n || m == 1 {
                t.curve.push(TracePoint {
                    m,
                    log10_true: self.log_sum.total() / std::f64::consts::LN_10,
                    log10_f64: self.p64.log10(),
                    log10_f32: f64::from(self.p32).log10(),
                });
            }
        }
    }

    /// True once neither product can change any more: each is 0, ∞ or NaN.
    fn settled(&self) -> bool {
        let done = |p: f64| p == 0.0 || !p.is_finite();
        done(self.p64) && done(f64::from(self.p32))
    }

    /// The finished trace (call once `advance` returned true).
    #[must_use]
    pub fn finish(mut self) -> UnderflowTrace {
        self.out.log_likelihood = self.log_sum.total();
        self.out.log10_likelihood = self.out.log_likelihood / std::f64::consts::LN_10;
        (self.out.mantissa, self.out.exponent) = scientific(self.out.log10_likelihood);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_of_known_values() {
        let (m, e) = scientific(-300.0 + 2f64.log10());
        assert!((m - 2.0).abs() < 1e-12);
        assert_eq!(e, -300);
        let (m, e) = scientific(0.0);
        assert_eq!((m, e), (1.0, 0));
    }
}
