//! What the density and the classification explorers do the same way: the paused message
//! after a stop, a stop in words, and moving the surface's pair of parameters.

use crate::optim::fit::{Fit, StopReason};
use crate::stats::family::Limit;
use crate::words;

/// "converged … at iteration 12 (paused)", and at a step limit what `r` does next.
#[must_use]
pub fn paused_message(stop_text: &str, iteration: usize, reason: StopReason) -> String {
    let next =
        if reason == StopReason::StepLimit { ": r continues for as many steps again" } else { "" };
    format!("{stop_text} at iteration {iteration} (paused){next}")
}

/// A stop in words; at the boundary, naming the parameter, its limit (from the model's
/// `boundary_limit(free, coordinate, increasing)`) and the gap to ℓ's supremum.
#[must_use]
pub fn stop_text(
    fit: &Fit,
    reason: StopReason,
    boundary_limit: impl FnOnce(&[f64], usize, bool) -> Limit,
) -> String {
    let StopReason::Boundary { coordinate, increasing } = reason else {
        return words::stop(reason).to_string();
    };
    let limit = boundary_limit(&fit.current().free, coordinate, increasing);
    words::boundary(&limit, fit.runaway().map_or(f64::NAN, |r| r.remaining))
}

/// The surface's pair after an arrow key over `dim` parameters: the x parameter (`x_axis`)
/// or the y one moves on, skipping the other; with two parameters the axes swap.
#[must_use]
pub fn next_pair(pair: (usize, usize), dim: usize, forward: bool, x_axis: bool) -> (usize, usize) {
    let (mut px, mut py) = pair;
    if dim < 2 {
        return pair;
    }
    let step = |v: usize| if forward { (v + 1) % dim } else { (v + dim - 1) % dim };
    if dim == 2 {
        (px, py) = (py, px);
    } else if x_axis {
        px = step(px);
        if px == py {
            px = step(px);
        }
    } else {
        py = step(py);
        if py == px {
            py = step(py);
        }
    }
    (px, py)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pair_skips_the_other_axis_and_two_parameters_swap() {
        assert_eq!(next_pair((0, 1), 5, true, true), (2, 1));
        assert_eq!(next_pair((0, 1), 5, false, false), (0, 4));
        assert_eq!(next_pair((4, 0), 5, true, true), (1, 0));
        assert_eq!(next_pair((0, 1), 2, true, false), (1, 0));
        assert_eq!(next_pair((0, 0), 1, true, true), (0, 0));
    }
}
