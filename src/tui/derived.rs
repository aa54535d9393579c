//! What the panes draw, computed when the sample or θ changes and never per frame:
//! histogram bins, density curves, the likelihood surface (filled in progressively, a few
//! rows per tick, so a slow family never makes a key wait), and the series of the charts.

use std::time::{Duration, Instant};

use crate::stats::family::Family;
use crate::stats::objective::{Model as _, Objective};
use crate::stats::sample::{Sample, quantile_sorted};

/// Histogram bins for continuous data.
const BINS: usize = 40;
/// Points along each density curve.
const CURVE_POINTS: usize = 200;
/// Likelihood-surface grid: columns × rows.
pub const GRID_X: usize = 60;
/// Likelihood-surface grid rows.
pub const GRID_Y: usize = 30;
/// Points along the one-parameter likelihood curve.
const PROFILE_POINTS: usize = 160;

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
    /// Bins the sample (or tallies it) and evaluates the truth over the range.
    #[must_use]
    pub fn new(sample: &Sample, truth: Option<(&dyn Family, &[f64])>, discrete: bool) -> Self {
        let mut sorted = sample.values().to_vec();
        sorted.sort_by(f64::total_cmp);
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
            let lo = quantile_sorted(&sorted, 0.005);
            let hi = quantile_sorted(&sorted, 0.995);
            let pad = 0.05 * (hi - lo).max(1e-9);
            let (lo, hi) = (lo - pad, hi + pad);
            view.x_range = (lo, hi);
            let width = (hi - lo) / BINS as f64;
            let mut counts = vec![0usize; BINS];
            for &x in &sorted {
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

/// The log-likelihood over one or two parameters, the others held at a base point.
#[derive(Debug, Clone)]
pub struct Surface {
    /// Parameter index on the x axis.
    pub px: usize,
    /// Parameter index on the y axis (equal to `px` for a one-parameter profile).
    pub py: usize,
    /// x grid values (natural parameter).
    pub xs: Vec<f64>,
    /// y grid values.
    pub ys: Vec<f64>,
    /// ℓ at each grid point, row-major (row = y index); None until computed or where the
    /// parameters are invalid.
    pub values: Vec<Option<f64>>,
    /// Whole rows computed so far.
    pub rows_done: usize,
    /// Grid points computed so far, row-major.
    pub cells_done: usize,
    /// The natural parameters the other coordinates are held at.
    pub base: Vec<f64>,
    /// The largest ℓ found on the grid.
    pub best: f64,
}

impl Surface {
    /// An empty grid around `centre`, spanning `half_width` in each chosen parameter.
    #[must_use]
    pub fn new(
        family: &dyn Family,
        base: &[f64],
        (px, py): (usize, usize),
        ranges: &[(f64, f64)],
    ) -> Self {
        let grid = |i: usize, n: usize| -> Vec<f64> {
            let (lo, hi) = ranges[i];
            (0..n).map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64).collect()
        };
        let one = px == py || family.dim() == 1;
        let xs = grid(px, if one { PROFILE_POINTS } else { GRID_X });
        let ys = if one { vec![0.0] } else { grid(py, GRID_Y) };
        let values = vec![None; xs.len() * ys.len()];
        Self {
            px,
            py: if one { px } else { py },
            xs,
            ys,
            values,
            rows_done: 0,
            cells_done: 0,
            base: base.to_vec(),
            best: f64::NEG_INFINITY,
        }
    }

    /// True for a one-parameter profile curve.
    #[must_use]
    pub fn is_profile(&self) -> bool {
        self.ys.len() == 1
    }

    /// True once every row is computed.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.cells_done >= self.values.len()
    }

    /// Computes grid points until `budget` has passed (at least one point): on a family
    /// without sufficient statistics each point is a pass over the data, so the budget is
    /// checked point by point, not row by row.
    pub fn advance(&mut self, objective: &Objective<'_>, budget: Duration) {
        let clock = Instant::now();
        let nx = self.xs.len();
        let mut nat = self.base.clone();
        while self.cells_done < self.values.len() {
            let (r, c) = (self.cells_done / nx, self.cells_done % nx);
            nat[self.px] = self.xs[c];
            if !self.is_profile() {
                nat[self.py] = self.ys[r];
            }
            let v = if objective.family.check(&nat).is_ok() {
                let ll = objective.family.log_likelihood(&nat, objective.sample);
                ll.is_finite().then_some(ll)
            } else {
                None
            };
            if let Some(v) = v {
                self.best = self.best.max(v);
            }
            self.values[self.cells_done] = v;
            self.cells_done += 1;
            self.rows_done = self.cells_done / nx;
            if clock.elapsed() >= budget {
                break;
            }
        }
    }
}

/// Display ranges for every natural parameter: around the MLE, wide enough to hold the start
/// and several standard errors, clipped to the parameter space.
#[must_use]
pub fn parameter_ranges(
    family: &dyn Family,
    start: &[f64],
    mle: &[f64],
    se: &[f64],
) -> Vec<(f64, f64)> {
    (0..mle.len())
        .map(|i| {
            let half = (1.25 * (start[i] - mle[i]).abs())
                .max(5.0 * se[i])
                .max(1e-6 * mle[i].abs().max(1.0));
            let (mut lo, mut hi) = (mle[i] - half, mle[i] + half);
            // Probe the parameter space: a scale refuses −1, a probability refuses 1.
            if family.check(&with(mle, i, -1.0)).is_err() {
                lo = lo.max(mle[i] * 0.02);
            }
            if family.check(&with(mle, i, 1.0)).is_err() && family.check(&with(mle, i, 0.5)).is_ok()
            {
                lo = lo.max(1e-3);
                hi = hi.min(1.0 - 1e-3);
            }
            (lo, hi)
        })
        .collect()
}

fn with(base: &[f64], i: usize, v: f64) -> Vec<f64> {
    let mut out = base.to_vec();
    out[i] = v;
    out
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
