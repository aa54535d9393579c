//! Special functions statrs does not have: the trigamma function ψ′, which the expected
//! information of the gamma, beta and t families needs.

/// Below this, ψ′(x) is carried up by the recurrence ψ′(x) = ψ′(x + 1) + 1/x²; from it on,
/// the asymptotic series' first omitted term is below 1e-17 relative.
const SERIES_FROM: f64 = 20.0;

/// ψ′(x) = d²/dx² ln Γ(x) for x > 0 (NaN otherwise): the recurrence up to
/// [`SERIES_FROM`], then ψ′(x) ~ 1/x + 1/(2x²) + Σ B₂ₖ / x^(2k+1).
#[must_use]
pub fn trigamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let (mut x, mut small) = (x, 0.0);
    while x < SERIES_FROM {
        small += 1.0 / (x * x);
        x += 1.0;
    }
    let z = 1.0 / (x * x);
    // The Bernoulli numbers B₂ … B₁₂: 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730.
    let tail = z
        * (1.0 / 6.0
            + z * (-1.0 / 30.0
                + z * (1.0 / 42.0 + z * (-1.0 / 30.0 + z * (5.0 / 66.0 - z * 691.0 / 2730.0)))));
    small + 1.0 / x + 0.5 * z + tail / x
}

#[cfg(test)]
mod tests {
    use super::trigamma;
    use statrs::function::gamma::digamma;
    use std::f64::consts::PI;

    #[test]
    fn known_values() {
        // ψ′(1) = π²/6, ψ′(½) = π²/2, ψ′(2) = π²/6 − 1.
        assert!((trigamma(1.0) - PI * PI / 6.0).abs() < 1e-15);
        assert!((trigamma(0.5) - PI * PI / 2.0).abs() < 1e-14);
        assert!((trigamma(2.0) - (PI * PI / 6.0 - 1.0)).abs() < 1e-15);
        assert!(trigamma(0.0).is_nan() && trigamma(-1.0).is_nan());
    }

    #[test]
    fn derivative_of_statrs_digamma() {
        for x in [0.3, 1.7, 4.0, 19.5, 20.5, 150.0, 1e4] {
            let h = 1e-4 * x;
            let fd = (digamma(x + h) - digamma(x - h)) / (2.0 * h);
            let rel = (trigamma(x) - fd).abs() / trigamma(x);
            assert!(rel < 1e-7, "x = {x}: {} vs {fd}", trigamma(x));
        }
    }

    #[test]
    fn large_arguments_follow_one_over_x() {
        // ψ′(x) = 1/x + 1/(2x²) + O(x⁻³).
        let x = 1e8;
        assert!((trigamma(x) - (1.0 / x + 0.5 / (x * x))).abs() < 1e-24);
    }
}
