//! Work the explorer does a bounded amount at a time, so that no key waits on it: the
//! likelihood surface (a few grid cells a tick), the underflow trace of a new θ (a few
//! thousand values a tick) and the Newton search for the MLE of a model without a closed
//! form (a bounded number of steps). Each is measured in units of work, never in time, so
//! the same actions give the same state on any machine.

use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::optim::{OptimizerKind, Settings};
use crate::stats::family::Family;
use crate::stats::model::Model;
use crate::stats::objective::Objective;
use crate::stats::underflow::{TraceBuilder, UnderflowTrace};

/// Likelihood-surface grid: columns × rows.
pub const GRID_X: usize = 60;
/// Likelihood-surface grid rows.
pub const GRID_Y: usize = 30;
/// The coarse lattice's spacing (columns, rows): a surface at m = 10^6 without sufficient
/// statistics costs a pass a point, so a picture of 1/12 of the points comes first and the
/// rest fill in between.
pub const COARSE: (usize, usize) = (4, 3);
/// Points along the one-parameter likelihood curve.
const PROFILE_POINTS: usize = 160;
/// The MLE search's stopping rules: Newton converges in a few steps on every family that
/// has an interior maximum, and one whose supremum lies at the edge of its space (a t fitted
/// to light-tailed data: df → ∞) stops at the boundary in about 20; 200 bounds any other.
pub const MLE_STOPPING: Stopping = Stopping { max_steps: 200, tolerance: 1e-10 };

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
    /// Whole rows computed so far (of the exact grid, once the coarse one is done).
    pub rows_done: usize,
    /// Grid points computed so far, in `order`.
    pub cells_done: usize,
    /// The order the grid points are computed in: the coarse lattice first (every
    /// [`COARSE`]th point), then the rest row by row.
    order: Vec<usize>,
    /// How many of `order`'s first points are the coarse lattice.
    pub coarse: usize,
    /// The natural parameters the other coordinates are held at.
    pub base: Vec<f64>,
    /// The largest ℓ found on the grid.
    pub best: f64,
}

impl Surface {
    /// The (x, y) grid indices of the largest ℓ computed so far, if any.
    #[must_use]
    pub fn best_cell(&self) -> Option<(usize, usize)> {
        let nx = self.xs.len();
        let mut best: Option<(usize, f64)> = None;
        for (i, v) in self.values.iter().enumerate() {
            if let Some(v) = *v
                && best.is_none_or(|(_, b)| v > b)
            {
                best = Some((i, v));
            }
        }
        best.map(|(i, _)| (i % nx, i / nx))
    }

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
        Self::on_grid(base, (px, if one { px } else { py }), xs, ys)
    }

    /// An empty surface on the given grids (`ys` of one value for a profile curve), filled
    /// coarse lattice first.
    #[must_use]
    pub fn on_grid(base: &[f64], (px, py): (usize, usize), xs: Vec<f64>, ys: Vec<f64>) -> Self {
        let values = vec![None; xs.len() * ys.len()];
        let (nx, ny) = (xs.len(), ys.len());
        let (sx, sy) = if ny == 1 { (COARSE.0, 1) } else { COARSE };
        let on_lattice = |i: usize| (i % nx).is_multiple_of(sx) && (i / nx).is_multiple_of(sy);
        let mut order: Vec<usize> = (0..nx * ny).filter(|&i| on_lattice(i)).collect();
        let coarse = order.len();
        order.extend((0..nx * ny).filter(|&i| !on_lattice(i)));
        Self {
            px,
            py,
            xs,
            ys,
            values,
            rows_done: 0,
            cells_done: 0,
            order,
            coarse,
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

    /// Computes up to `cells` more grid points: on a family without sufficient statistics
    /// each point is a pass over the data, so the work is counted point by point, not row by
    /// row.
    pub fn advance(&mut self, model: &dyn Model, cells: usize) {
        self.advance_with(cells, |nat| {
            if model.admits(nat) {
                let ll = model.log_likelihood(nat);
                ll.is_finite().then_some(ll)
            } else {
                None
            }
        });
    }

    /// Computes up to `cells` more grid points, in the surface's order, by `ell` (ℓ at the
    /// natural parameters, None where it has no finite value).
    pub fn advance_with(&mut self, cells: usize, mut ell: impl FnMut(&[f64]) -> Option<f64>) {
        let nx = self.xs.len();
        let mut nat = self.base.clone();
        let end = self.values.len().min(self.cells_done.saturating_add(cells));
        while self.cells_done < end {
            let cell = self.order[self.cells_done];
            let (r, c) = (cell / nx, cell % nx);
            nat[self.px] = self.xs[c];
            if !self.is_profile() {
                nat[self.py] = self.ys[r];
            }
            let v = ell(&nat);
            if let Some(v) = v {
                self.best = self.best.max(v);
            }
            self.values[cell] = v;
            self.cells_done += 1;
            self.rows_done = self.cells_done.saturating_sub(self.coarse) / nx;
        }
    }

    /// Whether the coarse lattice is done, so every point has a value to show.
    #[must_use]
    pub fn coarse_done(&self) -> bool {
        self.cells_done >= self.coarse
    }

    /// The value to draw at grid point (gx, gy): its own once computed, else (after the
    /// coarse pass) that of the lattice point whose block it lies in.
    #[must_use]
    pub fn shown(&self, gx: usize, gy: usize) -> Option<f64> {
        let nx = self.xs.len();
        let own = self.values[gy * nx + gx];
        if own.is_some() || !self.coarse_done() {
            return own;
        }
        let (sx, sy) = if self.is_profile() { (COARSE.0, 1) } else { COARSE };
        self.values[(gy - gy % sy) * nx + gx - gx % sx]
    }
}

/// The underflow trace of a new θ, built a chunk at a time while the pane keeps showing the
/// previous one.
pub struct TraceJob {
    builder: TraceBuilder,
}

impl TraceJob {
    /// A trace of `nat` over a sample of `n` values, nothing computed yet.
    #[must_use]
    pub fn new(nat: &[f64], n: usize) -> Self {
        Self { builder: TraceBuilder::new(nat, n) }
    }

    /// θ (natural) being traced.
    #[must_use]
    pub fn params(&self) -> &[f64] {
        self.builder.params()
    }

    /// Traces up to `points` more values (at least one); true once the last is done.
    pub fn advance(&mut self, objective: &Objective<'_>, points: usize) -> bool {
        self.builder.advance(objective, points.max(1))
    }

    /// The finished trace.
    #[must_use]
    pub fn finish(self) -> UnderflowTrace {
        self.builder.finish()
    }
}

/// Newton's method from the family's moment estimates towards the MLE, for a model without a
/// closed form: the same [`Fit`] and stopping rules as `mlex run`, bounded by steps (never by
/// the clock, so it ends at the same θ on every machine).
pub struct MleSearch {
    fit: Fit,
}

/// Where the MLE search ended.
pub struct MleFound {
    /// θ (natural) where it stopped.
    pub theta: Vec<f64>,
    /// Why it stopped.
    pub reason: StopReason,
    /// The search, for naming a boundary it ran to.
    pub fit: Fit,
}

impl MleSearch {
    /// A search from the family's moment estimates.
    #[must_use]
    pub fn new(family: &dyn Family, objective: &Objective<'_>) -> Self {
        let from = family.start(objective.sample);
        let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
        Self { fit: Fit::new(objective, &from, settings) }
    }

    /// Runs to a stopping rule (at most [`MLE_STOPPING`]'s step limit), giving up (None) before any step once `cancelled` says so: at
    /// m = 10^6 a step can be a 150 ms pass bundle, and there may be 200 of them.
    #[must_use]
    pub fn finish_unless(
        mut self,
        objective: &Objective<'_>,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<MleFound> {
        let reason = loop {
            if let Some(reason) = self.fit.conclude(objective, &MLE_STOPPING) {
                break reason;
            }
            if cancelled() {
                return None;
            }
            self.fit.step(objective);
        };
        Some(MleFound { theta: self.fit.current().natural.clone(), reason, fit: self.fit })
    }
}
