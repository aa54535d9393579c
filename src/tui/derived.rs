//! What the panes draw, computed when the sample or θ changes and never per frame:
//! histogram bins, density curves, the display ranges of the parameters and their standard
//! errors. The likelihood surface, filled in over ticks, is a job (`jobs.rs`).

use crate::stats::family::Family;
use crate::stats::objective::{Model as _, Objective};
use crate::stats::sample::{Sample, quantile_sorted};

/// Histogram bins for continuous data.
const BINS: usize = 40;
/// Points along each density curve.
const CURVE_POINTS: usize = 200;

/// The data pane's fixed part: bars of the sample and the truth's curve.
#[derive(Debug, Clone, Default)]
pub struct DataView {
    /// x range shown.
    pub x_range: (f64, f64),
    /// Bar points (x, height) dense enough to read as filled bars.
    pub bars: Vec<(f64, f64)>,
    /// The tallest bar or density, for the y axis.
    pub y_max: f64,
    /// The truth's density or pmf over the range.
    pub truth: Vec<(f64, f64)>,
    /// Values outside the shown range (heavy tails).
    pub outside: usize,
    /// Whole-number data drawn as one bar per value.
    pub discrete: bool,
}

impl DataView {
    /// Bins the sample (or tallies it) and evaluates the truth over the range; `sorted` is
    /// the sample's values in order (sorted once per run, for this and the QQ/PP points).
    #[must_use]
    pub fn new(
        sample: &Sample,
        sorted: &[f64],
        truth: Option<(&dyn Family, &[f64])>,
        discrete: bool,
    ) -> Self {
        let m = sorted.len() as f64;
        let mut view = Self { discrete, ..Self::default() };
        if discrete {
            let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
            view.x_range = (lo - 0.75, hi + 0.75);
            for (k, p) in sample.empirical_pmf().unwrap_or_default() {
                // Several points across the bar's width so it reads as a bar, not a line.
                for j in 0..7 {
                    view.bars.push((k as f64 - 0.3 + 0.1 * f64::from(j), p));
                }
            }
            if let Some((family, nat)) = truth {
                view.truth = (lo as i64..=hi as i64)
                    .map(|k| (k as f64, family.ln_density(nat, k as f64).exp()))
                    .collect();
            }
        } else {
            // The central 99 % (widened a little) keeps heavy tails from squashing the view.
            let lo = quantile_sorted(sorted, 0.005);
            let hi = quantile_sorted(sorted, 0.995);
            let pad = 0.05 * (hi - lo).max(1e-9);
            let (lo, hi) = (lo - pad, hi + pad);
            view.x_range = (lo, hi);
            let width = (hi - lo) / BINS as f64;
            let mut counts = vec![0usize; BINS];
            for &x in sorted {
                if x < lo || x > hi {
                    view.outside += 1;
                } else {
                    counts[(((x - lo) / width) as usize).min(BINS - 1)] += 1;
                }
            }
            for (b, &c) in counts.iter().enumerate() {
                let height = c as f64 / (m * width);
                for j in 0..6 {
                    view.bars.push((lo + width * (b as f64 + (f64::from(j) + 0.5) / 6.0), height));
                }
            }
            if let Some((family, nat)) = truth {
                view.truth = curve(family, nat, view.x_range);
            }
        }
        view.y_max = view.bars.iter().chain(&view.truth).map(|p| p.1).fold(0.0, f64::max);
        view
    }
}

/// A density (or pmf at whole numbers) over a range.
#[must_use]
pub fn curve(family: &dyn Family, nat: &[f64], (lo, hi): (f64, f64)) -> Vec<(f64, f64)> {
    if family.kind().is_discrete() {
        let (a, b) = (lo.ceil() as i64, hi.floor() as i64);
        return (a..=b)
            .filter(|k| family.in_support(*k as f64))
            .map(|k| (k as f64, family.ln_density(nat, k as f64).exp()))
            .collect();
    }
    (0..=CURVE_POINTS)
        .map(|i| lo + (hi - lo) * i as f64 / CURVE_POINTS as f64)
        .filter(|x| family.in_support(*x))
        .map(|x| (x, family.ln_density(nat, x).exp()))
        .filter(|(_, y)| y.is_finite())
        .collect()
}

/// Display ranges for every natural parameter: around the MLE, wide enough to hold the start
/// and several standard errors, clipped to the parameter's declared domain.
#[must_use]
pub fn parameter_ranges(
    family: &dyn Family,
    start: &[f64],
    mle: &[f64],
    se: &[f64],
) -> Vec<(f64, f64)> {
    let layout = family.layout();
    (0..mle.len())
        .map(|i| {
            let half = (1.25 * (start[i] - mle[i]).abs())
                .max(5.0 * se[i])
                .max(1e-6 * mle[i].abs().max(1.0));
            let range = (mle[i] - half, mle[i] + half);
            layout.entry(i).map_or(range, |(spec, _)| spec.clip_range(range, mle[i]))
        })
        .collect()
}

/// Standard errors of the natural parameters at θ from the free-coordinate Hessian of ℓ/m:
/// Cov(free) = (−H)⁻¹/m, mapped through the derivative of each natural parameter.
#[must_use]
pub fn standard_errors(objective: &Objective<'_>, nat: &[f64]) -> Vec<f64> {
    let free = objective.family.to_free(nat);
    let h = objective.hessian(&free);
    let m = objective.sample.len() as f64;
    let k = nat.len();
    let mut se = vec![0.0; k];
    for (i, s) in se.iter_mut().enumerate().take(free.len()) {
        let curvature = -h[i][i];
        let sd_free = if curvature > 0.0 { (1.0 / (curvature * m)).sqrt() } else { 1.0 };
        let mut up = free.clone();
        up[i] += 1e-6;
        let slope = (objective.family.to_natural(&up)[i] - nat[i]) / 1e-6;
        *s = (sd_free * slope.abs()).max(1e-9);
    }
    // Categorical's last probability has no free coordinate of its own.
    for i in free.len()..k {
        se[i] = (nat[i] * (1.0 - nat[i]) / m).sqrt().max(1e-9);
    }
    se
}
