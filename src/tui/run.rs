//! The current run: one sample, one model and the fit in progress, with everything drawn
//! from them (histogram, density curves, likelihood surface, underflow trace, the series of
//! the charts), recomputed when the sample or θ changes, never per frame.

use super::derived::{DataView, curve, parameter_ranges, standard_errors};
use super::jobs::{MleSearch, Surface, TraceJob};
use crate::error::InputError;
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::runner::{Prepared, prepare_with};
use crate::scenario::Scenario;
use crate::stats::family::{Family, FamilyKind};
use crate::stats::information::{
    EmpiricalDecomposition, Truth, TruthDecomposition, empirical_decomposition,
};
use crate::stats::objective::Objective;
use crate::stats::sample::Sample;
use crate::stats::underflow::{UnderflowTrace, trace};
use crate::words;

/// Everything derived from one sample and model.
pub struct Run {
    /// The data.
    pub sample: Sample,
    /// The model.
    pub model: Box<dyn Family>,
    /// The truth and its integration rule, when the data were sampled.
    pub truth: Option<Truth>,
    /// Where θ starts.
    pub start: Vec<f64>,
    /// The fit in progress.
    pub fit: Fit,
    /// The maximum-likelihood estimate: closed form, or Newton run to convergence at load.
    pub mle: Vec<f64>,
    /// Whether `mle` is the closed form.
    pub mle_closed_form: bool,
    /// Whether `mle` is a maximum (closed form, or Newton converged within its 200 steps).
    pub mle_converged: bool,
    /// When Newton at load ran to the boundary instead: which parameter goes where ("df → ∞").
    pub mle_boundary: Option<String>,
    /// Why Newton's search at load stopped (None for a closed form).
    pub mle_reason: Option<StopReason>,
    /// Display ranges of the natural parameters.
    pub ranges: Vec<(f64, f64)>,
    /// Bars and truth curve.
    pub data_view: DataView,
    /// The model's density at θ.
    pub model_curve: Vec<(f64, f64)>,
    /// The likelihood surface (or curve), filled in over ticks.
    pub surface: Option<Surface>,
    /// The parameter pair shown on the surface.
    pub pair: (usize, usize),
    /// The underflow trace at `trace_theta`.
    pub trace: UnderflowTrace,
    /// A newer trace being computed over ticks.
    trace_job: Option<TraceJob>,
    /// θ (natural) the trace was computed at.
    pub trace_theta: Vec<f64>,
    /// H(p̂), D(p̂‖q) at θ for whole-number data under a discrete model.
    pub empirical: Option<EmpiricalDecomposition>,
    /// H(p), H(p, q_θ), D(p‖q_θ) at θ.
    pub truth_now: Option<TruthDecomposition>,
    /// (iteration, H(p, q_θ)) sampled as θ moved.
    pub truth_series: Vec<(f64, f64)>,
    /// (iteration, ℓ) of every record so far (thinned when long).
    pub ll_series: Vec<(f64, f64)>,
    /// (iteration, H(p̂, q_θ) = −ℓ/m).
    pub ce_series: Vec<(f64, f64)>,
    /// History records already copied into the series (`usize::MAX` after a reset: start
    /// the series again).
    pub(super) series_seen: usize,
    /// Underflow curves, log10 against m (or log10 m for large samples): the true value from
    /// the log-sum, the f64 product and the f32 product (finite parts only).
    pub trace_curves: [Vec<(f64, f64)>; 3],
}

impl Run {
    /// Prepares `scenario` through the same pipeline as `mlex run` (sample or the given
    /// data, model, start) and derives every picture from it; `start_override` keeps the
    /// previous run's start when the model is the same.
    pub fn build(
        scenario: &Scenario,
        seed: u64,
        data: Option<&[f64]>,
        start_override: Option<Vec<f64>>,
    ) -> Result<Self, InputError> {
        let Prepared { sample, model, truth, start, .. } = prepare_with(scenario, seed, data)?;
        let start = start_override.filter(|s| model.check(s).is_ok()).unwrap_or(start);
        let objective = Objective { family: model.as_ref(), sample: &sample };
        let closed = model.closed_form_mle(&sample).filter(|m| model.check(m).is_ok());
        let mle_closed_form = closed.is_some();
        let ((mle, mle_converged), (mle_boundary, mle_reason)) = closed.map_or_else(
            || {
                let found = MleSearch::new(model.as_ref(), &objective).finish(&objective);
                let boundary = boundary_label(model.as_ref(), &found.fit, found.reason);
                ((found.theta, found.reason.converged()), (boundary, Some(found.reason)))
            },
            |m| ((m, true), (None, None)),
        );
        let se = standard_errors(&objective, &mle);
        let ranges = parameter_ranges(model.as_ref(), &start, &mle, &se);
        let truth_pair = truth.as_ref().map(|t| (t.family(), t.params()));
        let data_view =
            DataView::new(&sample, truth_pair, model.kind().is_discrete() && sample.stats().whole);
        let fit = Fit::new(&objective, &start, scenario.settings);
        let dim = model.param_names().len();
        let pair = (0, usize::from(dim > 1));
        let trace = trace(&Objective { family: model.as_ref(), sample: &sample }, &start);
        let mut run = Self {
            sample,
            model,
            truth,
            start: start.clone(),
            fit,
            mle,
            mle_closed_form,
            mle_converged,
            mle_boundary,
            mle_reason,
            ranges,
            data_view,
            model_curve: Vec::new(),
            surface: None,
            pair,
            trace,
            trace_job: None,
            trace_theta: start,
            empirical: None,
            truth_now: None,
            truth_series: Vec::new(),
            ll_series: Vec::new(),
            ce_series: Vec::new(),
            series_seen: 0,
            trace_curves: [Vec::new(), Vec::new(), Vec::new()],
        };
        run.rebuild_trace_curves();
        run.reset_surface();
        run.refresh_theta();
        Ok(run)
    }

    /// The objective of this run.
    #[must_use]
    pub fn objective(&self) -> Objective<'_> {
        Objective { family: self.model.as_ref(), sample: &self.sample }
    }

    /// Whether a stopping rule holds at the current point, a stop that looks like a maximum
    /// verified to be one (see [`Fit::conclude`]).
    pub fn conclude(&mut self, stopping: &Stopping) -> Option<StopReason> {
        let Self { fit, model, sample, .. } = self;
        fit.conclude(&Objective { family: model.as_ref(), sample }, stopping)
    }

    /// A fresh surface over the current pair, held at the current θ.
    pub(super) fn reset_surface(&mut self) {
        // A categorical's probabilities live on a simplex: moving one alone leaves it.
        let base = self.fit.current().natural.clone();
        self.surface = (self.model.kind() != FamilyKind::Categorical)
            .then(|| Surface::new(self.model.as_ref(), &base, self.pair, &self.ranges));
    }

    /// With more than two parameters the surface holds the others at the current θ: once a
    /// surface is complete and θ has moved in those coordinates, start a fresh one.
    fn follow_theta(&mut self) {
        let Some(s) = &self.surface else { return };
        if s.is_profile() || !s.complete() {
            return;
        }
        let now = &self.fit.current().natural;
        let moved =
            now.iter().zip(&s.base).enumerate().any(|(i, (a, b))| i != s.px && i != s.py && a != b);
        if moved {
            self.reset_surface();
        }
    }

    /// Whether the underflow pane plots against log10 m (large samples).
    #[must_use]
    pub fn log_m(&self) -> bool {
        self.sample.len() > 10_000
    }

    fn rebuild_trace_curves(&mut self) {
        let log_m = self.log_m();
        let x = |m: usize| if log_m { (m as f64).log10() } else { m as f64 };
        let pick = |f: fn(&crate::stats::underflow::TracePoint) -> f64| {
            self.trace.curve.iter().filter(|p| f(p).is_finite()).map(|p| (x(p.m), f(p))).collect()
        };
        self.trace_curves = [pick(|p| p.log10_true), pick(|p| p.log10_f64), pick(|p| p.log10_f32)];
    }

    /// Recomputes what depends on θ (not the underflow trace, which is throttled).
    pub(super) fn refresh_theta(&mut self) {
        self.follow_theta();
        if self.fit.history().len() < self.series_seen {
            self.ll_series.clear();
            self.ce_series.clear();
            self.series_seen = 0;
        }
        for r in &self.fit.history()[self.series_seen..] {
            let it = r.iteration as f64;
            self.ll_series.push((it, r.log_likelihood));
            self.ce_series.push((it, -r.mean_log_likelihood));
        }
        self.series_seen = self.fit.history().len();
        // Long runs: keep every other point (and the last) so drawing stays cheap.
        for series in [&mut self.ll_series, &mut self.ce_series, &mut self.truth_series] {
            if series.len() > 4000 {
                let last = series[series.len() - 1];
                let mut i = 0;
                series.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                series.push(last);
            }
        }
        let nat = self.fit.current().natural.clone();
        self.model_curve = curve(self.model.as_ref(), &nat, self.data_view.x_range);
        self.empirical = empirical_decomposition(self.model.as_ref(), &nat, &self.sample);
        self.truth_now = self.truth.as_ref().map(|t| t.decompose(self.model.as_ref(), &nat));
        // An infinite H(p, q) is said in words beside the chart, never plotted as a number.
        if let Some(t) = self.truth_now.filter(|t| t.cross_entropy.is_finite()) {
            let it = self.fit.iteration() as f64;
            if self.truth_series.last().is_none_or(|p| p.0 < it) {
                self.truth_series.push((it, t.cross_entropy));
            }
        }
    }

    /// Starts tracing the current θ, unless that trace is done or under way.
    pub(super) fn start_trace(&mut self) {
        let nat = &self.fit.current().natural;
        let under_way = self.trace_job.as_ref().is_some_and(|b| b.params() == nat.as_slice());
        if *nat != self.trace_theta && !under_way {
            self.trace_job = Some(TraceJob::new(nat, self.sample.len()));
        }
    }

    /// Traces up to `points` more values of the pending trace (at least one), installing it
    /// when done; the pane keeps showing the previous trace meanwhile.
    pub(super) fn advance_trace(&mut self, points: usize) {
        let Some(job) = self.trace_job.as_mut() else { return };
        if job.advance(&Objective { family: self.model.as_ref(), sample: &self.sample }, points)
            && let Some(done) = self.trace_job.take()
        {
            self.trace_theta = done.params().to_vec();
            self.trace = done.finish();
            self.rebuild_trace_curves();
        }
    }

    /// Whether a trace is still being computed.
    #[must_use]
    pub fn trace_pending(&self) -> bool {
        self.trace_job.is_some()
    }

    /// Fills in up to `cells` more points of the surface.
    pub(super) fn advance_surface(&mut self, cells: usize) {
        if let Some(surface) = self.surface.as_mut()
            && !surface.complete()
        {
            let objective = Objective { family: self.model.as_ref(), sample: &self.sample };
            surface.advance(&objective, cells);
        }
    }

    /// Whether the surface (or curve) is still being filled in.
    #[must_use]
    pub fn surface_pending(&self) -> bool {
        self.surface.as_ref().is_some_and(|s| !s.complete())
    }
}

/// "df → ∞" when `reason` is a run to the boundary.
#[must_use]
pub fn boundary_label(model: &dyn Family, fit: &Fit, reason: StopReason) -> Option<String> {
    let StopReason::Boundary { coordinate, increasing } = reason else { return None };
    let limit = model.boundary_limit(&fit.current().free, coordinate, increasing);
    Some(words::limit_label(&limit))
}
