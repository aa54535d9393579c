//! The boundary rule: θ runs off to the edge of the parameter space while ℓ climbs to a
//! finite supremum that no θ attains (a student_t fitted to normal-looking data: df → ∞, the
//! normal being the t's limit; a categorical with an empty category: its p → 0).
//!
//! Its signature, in the optimiser's free coordinates, over the last [`WINDOW`] accepted
//! steps:
//! - one coordinate makes the largest move at every step, always the same way, and its
//!   steps do not shrink (none under half the one before, the last half of the window at least
//!   [`STEADY`] of the first half, [`MIN_TRAVEL`] in all);
//! - every step gains ℓ/m, each gain at most [`GAIN_RATIO`] times the one before.
//!
//! Steps that stay long while the gain per step falls geometrically mean the slope along that
//! coordinate decays exponentially with distance: ℓ tends to a finite limit as the coordinate
//! goes to ±∞. If ℓ ≈ ℓ∞ − C e^(−κu), a step of length Δ with gain g leaves
//! ℓ∞ − ℓ = g r / (1 − r) to gain, r = e^(−κΔ) the gain ratio; the rule takes the largest
//! ratio in the window for r, and stops once that remainder is within the tolerance.
//!
//! What it must not catch: an interior maximum approached slowly. There the steps shrink by
//! some r_s each iteration and the gains by about r_s² (ℓ is quadratic near a smooth
//! maximum), so steps steady to [`STEADY`] over half a window force gain ratios above
//! [`GAIN_RATIO`]; a Newton approach shrinks its steps far faster; gradient ascent zigzags or
//! crawls. ℓ unbounded above (a mixture component's sigma → 0) gains as much or more per
//! step, never geometrically less, and is not caught either.

/// Accepted steps looked back over.
pub const WINDOW: usize = 6;

/// Each gain in the window is at most this times the one before (Newton along an exponential
/// approach gives e^(−1) ≈ 0.37, along a 1/u approach 2/3).
pub const GAIN_RATIO: f64 = 0.75;

/// The running coordinate's moves over the last half of the window are at least this times
/// those over the first half. An interior approach steady to this has step ratio
/// r_s ≥ 0.9^(1/3) > 0.965, so gain ratio r_s² > 0.93 > [`GAIN_RATIO`].
pub const STEADY: f64 = 0.9;

/// The running coordinate moves at least this far over the window, in free units (a factor e
/// on a log scale): a coordinate crawling by tiny steps is not running anywhere.
pub const MIN_TRAVEL: f64 = 1.0;

/// One accepted point: free coordinates and ℓ/m.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// θ in free coordinates.
    pub free: Vec<f64>,
    /// ℓ(θ)/m.
    pub mean_log_likelihood: f64,
}

/// A coordinate found running to the boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Runaway {
    /// Index of the free coordinate.
    pub coordinate: usize,
    /// True when it runs to +∞, false for −∞.
    pub increasing: bool,
    /// The geometric tail of the gains: how far ℓ/m still is below its supremum.
    pub remaining: f64,
}

/// The runaway over the last [`WINDOW`] steps of `points` (oldest first), if the pattern above
/// holds, whatever the remainder; the caller compares `remaining` with its tolerance.
#[must_use]
pub fn runaway(points: &[Point]) -> Option<Runaway> {
    let points = points.get(points.len().checked_sub(WINDOW + 1)?..)?;
    let gains: Vec<f64> =
        points.windows(2).map(|p| p[1].mean_log_likelihood - p[0].mean_log_likelihood).collect();
    // Gains of a few rounding errors are noise, not a trend.
    let noise = |p: &Point| super::slack(p.mean_log_likelihood);
    // Written so that a NaN gain fails too.
    if !gains.iter().zip(&points[1..]).all(|(g, p)| *g > noise(p)) {
        return None;
    }
    let ratio = gains.windows(2).map(|g| g[1] / g[0]).fold(0.0, f64::max);
    if ratio > GAIN_RATIO {
        return None;
    }
    let steps: Vec<Vec<f64>> = points
        .windows(2)
        .map(|p| p[1].free.iter().zip(&p[0].free).map(|(b, a)| b - a).collect())
        .collect();
    let coordinate = (0..points[0].free.len()).find(|&i| runs(&steps, i))?;
    let last = gains[WINDOW - 1];
    Some(Runaway {
        coordinate,
        increasing: steps[0][coordinate] > 0.0,
        remaining: last * ratio / (1.0 - ratio),
    })
}

/// Whether coordinate `i` makes the largest move of every step, always the same way, with
/// steps that do not shrink.
fn runs(steps: &[Vec<f64>], i: usize) -> bool {
    let moves: Vec<f64> = steps.iter().map(|s| s[i]).collect();
    let same_way = moves.iter().all(|d| *d > 0.0) || moves.iter().all(|d| *d < 0.0);
    let largest = steps.iter().all(|s| s.iter().all(|d| d.abs() <= s[i].abs()) && s[i].is_finite());
    let sizes: Vec<f64> = moves.iter().map(|d| d.abs()).collect();
    let no_collapse = sizes.windows(2).all(|w| w[1] >= 0.5 * w[0]);
    let half = sizes.len() / 2;
    let (early, late): (f64, f64) =
        (sizes[..half].iter().sum(), sizes[sizes.len() - half..].iter().sum());
    let travel: f64 = sizes.iter().sum();
    same_way && largest && no_collapse && late >= STEADY * early && travel >= MIN_TRAVEL
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points along `u(k)` in coordinate 0 (coordinate 1 fixed) with ℓ/m given by `ll(k)`.
    fn path(u: impl Fn(f64) -> f64, ll: impl Fn(f64) -> f64, n: usize) -> Vec<Point> {
        (0..n)
            .map(|k| {
                let k = k as f64;
                Point { free: vec![u(k), 0.5], mean_log_likelihood: ll(k) }
            })
            .collect()
    }

    #[test]
    fn newton_running_down_an_exponential_approach_is_caught_with_its_remainder() {
        // ℓ = −1 − e^(−u) with Newton's unit steps: gains shrink by e^(−1) per step.
        let points = path(|k| 2.0 + k, |k| -1.0 - (-(2.0 + k)).exp(), 12);
        let r = runaway(&points).expect("a runaway");
        assert_eq!((r.coordinate, r.increasing), (0, true));
        let truth = (-(2.0 + 11.0_f64)).exp();
        assert!((r.remaining - truth).abs() <= 1e-9 * truth, "{} vs {truth}", r.remaining);
    }

    #[test]
    fn a_coordinate_running_to_minus_infinity_is_named_with_its_direction() {
        let points = path(|k| -k, |k| -(-k).exp() - 3.0, 8);
        let r = runaway(&points).expect("a runaway");
        assert_eq!((r.coordinate, r.increasing), (0, false));
    }

    #[test]
    fn an_unbounded_likelihood_is_not_a_boundary_supremum() {
        // sigma → 0 in a mixture: ℓ grows without bound, by the same amount every step.
        let points = path(|k| -k, |k| 2.0 * k, 10);
        assert_eq!(runaway(&points), None);
    }

    #[test]
    fn a_slow_interior_approach_is_not_a_runaway() {
        // Linear convergence to u* = 50 at any step ratio: ℓ = −(u − u*)², steps shrink by r
        // and gains by r². Either the steps shrink too fast or the gains too slowly.
        for r in [0.3, 0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 0.999] {
            let points =
                path(|k| 50.0 - 40.0 * f64::powf(r, k), |k| -1600.0 * f64::powf(r, 2.0 * k), 40);
            for end in WINDOW + 1..=points.len() {
                assert_eq!(runaway(&points[..end]), None, "ratio {r}, {end} points");
            }
        }
    }

    #[test]
    fn a_flat_quartic_maximum_approached_by_newton_is_not_a_runaway() {
        // ℓ = −(u − u*)⁴: Newton's steps shrink by 2/3, gains by (2/3)⁴ ≈ 0.2.
        let points = path(
            |k| 5.0 - 4.0 * f64::powf(2.0 / 3.0, k),
            |k| -256.0 * f64::powf(2.0 / 3.0, 4.0 * k),
            30,
        );
        for end in WINDOW + 1..=points.len() {
            assert_eq!(runaway(&points[..end]), None, "{end} points");
        }
    }

    #[test]
    fn gains_at_the_rounding_floor_are_not_a_trend() {
        let points = path(|k| k, |k| -1.0 - 1e-20 * (-k).exp(), 10);
        assert_eq!(runaway(&points), None);
    }

    #[test]
    fn too_few_points_say_nothing() {
        let points = path(|k| k, |k| -(-k).exp(), WINDOW);
        assert_eq!(runaway(&points), None);
    }
}
