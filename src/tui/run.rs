//! The current run: one sample, one model and the fit in progress, with everything drawn
//! from them (histogram, density curves, likelihood surface, underflow trace, the series of
//! the charts), recomputed when the sample or θ changes, never per frame.

use std::sync::Arc;

use super::derived::{DataView, curve, parameter_ranges, standard_errors};
use super::how_sure::HowSure;
use super::intervals::Marks;
use super::jobs::{MleSearch, Surface, TraceJob};
use super::log_odds::LogOdds;
use super::series::Series;
use super::simplex::Simplex;
use crate::error::InputError;
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::runner::{Prepared, prepare_with};
use crate::scenario::Scenario;
use crate::stats::family::{Domain, Family, FamilyKind};
use crate::stats::information::{
    EmpiricalDecomposition, Truth, TruthDecomposition, empirical_decomposition,
};
use crate::stats::objective::Objective;
use crate::stats::sample::Sample;
use crate::stats::underflow::{UnderflowTrace, trace};
use crate::words;
use rayon::slice::ParallelSliceMut as _;

/// Everything derived from one sample and model.
pub struct Run {
    /// The data, shared with the stepper thread.
    pub sample: Arc<Sample>,
    /// The model.
    pub model: Box<dyn Family>,
    /// The truth and its integration rule, when the data were sampled.
    pub truth: Option<Truth>,
    /// Where θ starts.
    pub start: Vec<f64>,
    /// Whether `start` was moved away from the moment estimates (a switched model).
    pub start_moved: bool,
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
    /// Standard errors of the MLE (inverse observed information, delta method), one per
    /// natural parameter; None where undefined (a kink, a flat direction) or not computed
    /// (no verified maximum, or too many parameters to invert on every build).
    pub mle_se: Vec<Option<f64>>,
    /// The inference at the MLE and the QQ/PP points.
    pub how_sure: HowSure,
    /// The pseudo-true θ* = argmin D(p‖q_θ), where θ̂ tends as m grows (the truth itself
    /// when the model's family holds it), or why there is none; None without a truth.
    pub pseudo_true: Option<Result<Vec<f64>, String>>,
    /// The intervals drawn over the current surface or curve.
    pub marks: Marks,
    /// Display ranges of the natural parameters.
    pub ranges: Vec<(f64, f64)>,
    /// Bars and truth curve.
    pub data_view: DataView,
    /// The model's density at θ.
    pub model_curve: Vec<(f64, f64)>,
    /// The likelihood surface (or curve), filled in over ticks.
    pub surface: Option<Surface>,
    /// A three-category model's picture: ℓ over the probability triangle.
    pub simplex: Option<Simplex>,
    /// A categorical model's picture for k > 3: ℓ over a pair of log-odds.
    pub log_odds: Option<LogOdds>,
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
    /// (iteration, H(p, q_θ)) per iteration (thinned by iteration when long).
    pub truth_series: Series,
    /// (iteration, ℓ) per iteration.
    pub ll_series: Series,
    /// (iteration, H(p̂, q_θ) = −ℓ/m) per iteration.
    pub ce_series: Series,
    /// History records already copied into the series (`usize::MAX` after a reset: start
    /// the series again).
    pub(super) series_seen: usize,
    /// Underflow curves, log10 against m (or log10 m for large samples): the true value from
    /// the log-sum, the f64 product and the f32 product (finite parts only).
    pub trace_curves: [Vec<(f64, f64)>; 3],
}

impl Run {
    /// Prepares `scenario` through the same pipeline as `mlex run` (sample or the given
    /// data, model, start) and derives every picture from it, θ starting as `start` says.
    pub fn build(
        scenario: &Scenario,
        seed: u64,
        data: Option<&[f64]>,
        start: &StartFrom,
    ) -> Result<Self, InputError> {
        Self::build_unless(scenario, seed, data, start, &|| false)
    }

    /// [`Run::build`], giving up between its costly parts (sampling, each Newton step of the
    /// MLE search, the standard errors) once `cancelled` says so: a newer request has made
    /// this one useless, and on two cores it would only slow the newer one down.
    pub fn build_unless(
        scenario: &Scenario,
        seed: u64,
        data: Option<&[f64]>,
        start_from: &StartFrom,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Self, InputError> {
        let gave_up = || InputError::new("superseded by a newer request");
        let Prepared { sample, model, truth, start, .. } = prepare_with(scenario, seed, data)?;
        if cancelled() {
            return Err(gave_up());
        }
        let (start, start_moved) = match start_from {
            StartFrom::Scenario => (start, false),
            StartFrom::Keep(kept) => {
                (Some(kept.clone()).filter(|s| model.check(s).is_ok()).unwrap_or(start), false)
            }
            StartFrom::AwayFromMoments => {
                let moved = away_from(model.as_ref(), &sample, start.clone());
                let differs = moved != start;
                (moved, differs)
            }
        };
        let objective = Objective { family: model.as_ref(), sample: &sample };
        let closed = model.closed_form_mle(&sample).filter(|m| model.check(m).is_ok());
        let mle_closed_form = closed.is_some();
        let mut kinked = Vec::new();
        let ((mle, mle_converged), (mle_boundary, mle_reason)) = if let Some(m) = closed {
            ((m, true), (None, None))
        } else {
            let found = MleSearch::new(model.as_ref(), &objective)
                .finish_unless(&objective, cancelled)
                .ok_or_else(gave_up)?;
            kinked = found.fit.kinked().to_vec();
            let boundary = boundary_label(model.as_ref(), &found.fit, found.reason);
            ((found.theta, found.reason.converged()), (boundary, Some(found.reason)))
        };
        let reason = mle_reason.unwrap_or(StopReason::GradientTolerance);
        let mut sorted = sample.values().to_vec();
        sorted.par_sort_unstable_by(f64::total_cmp);
        let how_sure = HowSure::at(&objective, &mle, reason, &kinked, &sorted);
        let mle_se = how_sure.se(mle.len());
        if cancelled() {
            return Err(gave_up());
        }
        let pseudo_true = truth.as_ref().map(|t| {
            crate::optim::inference::pseudo_true::pseudo_true(model.as_ref(), t)
                .map_err(|why| words::no_pseudo_true(t.family().kind(), model.kind(), &why).1)
        });
        let se = standard_errors(&objective, &mle);
        let ranges = parameter_ranges(model.as_ref(), &start, &mle, &se);
        let truth_pair = truth.as_ref().map(|t| (t.family(), t.params()));
        let data_view = DataView::new(
            &sample,
            &sorted,
            truth_pair,
            model.kind().is_discrete() && sample.stats().whole,
        );
        let fit = Fit::new(&objective, &start, scenario.settings);
        let dim = model.param_names().len();
        let pair = (0, usize::from(dim > 1));
        let trace = trace(&Objective { family: model.as_ref(), sample: &sample }, &start);
        let mut run = Self {
            sample: Arc::new(sample),
            model,
            truth,
            start: start.clone(),
            start_moved,
            fit,
            mle,
            mle_closed_form,
            mle_converged,
            mle_se,
            how_sure,
            pseudo_true,
            marks: Marks::default(),
            mle_boundary,
            mle_reason,
            ranges,
            data_view,
            model_curve: Vec::new(),
            surface: None,
            simplex: None,
            log_odds: None,
            pair,
            trace,
            trace_job: None,
            trace_theta: start,
            empirical: None,
            truth_now: None,
            truth_series: Series::new(),
            ll_series: Series::new(),
            ce_series: Series::new(),
            series_seen: 0,
            trace_curves: [Vec::new(), Vec::new(), Vec::new()],
        };
        run.rebuild_trace_curves();
        run.reset_surface();
        run.simplex = (run.model.kind() == FamilyKind::Categorical && run.mle.len() == 3)
            .then(|| Simplex::new(run.model.as_ref(), &run.sample, &run.mle));
        if run.model.kind() == FamilyKind::Categorical {
            run.log_odds = LogOdds::new(&run.sample, run.mle.len());
        }
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
        self.marks = Marks::new(&self.how_sure, &self.mle, self.surface.as_ref());
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
            self.truth_series.clear();
            self.series_seen = 0;
        }
        // Every record is recorded, in order, whatever number of steps a tick took: the
        // series depend on the iterations alone. H(p, q_θ) is a quadrature, so it is worked
        // out only for the points a series keeps for good and for the latest.
        let history = self.fit.history();
        let last = history.len().saturating_sub(1);
        for (i, r) in history.iter().enumerate().skip(self.series_seen) {
            self.ll_series.record(r.iteration, r.log_likelihood);
            self.ce_series.record(r.iteration, -r.mean_log_likelihood);
            if let Some(t) = &self.truth
                && (i == last || self.truth_series.keeps(r.iteration))
            {
                // An infinite H(p, q) is said in words beside the chart, never plotted.
                let h = t.decompose(self.model.as_ref(), &r.params).cross_entropy;
                if h.is_finite() {
                    self.truth_series.record(r.iteration, h);
                }
            }
        }
        self.series_seen = history.len();
        let nat = self.fit.current().natural.clone();
        self.model_curve = curve(self.model.as_ref(), &nat, self.data_view.x_range);
        self.empirical = empirical_decomposition(self.model.as_ref(), &nat, &self.sample);
        self.truth_now = self.truth.as_ref().map(|t| t.decompose(self.model.as_ref(), &nat));
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

/// Where a rebuilt run puts θ at iteration 0.
#[derive(Debug, Clone, PartialEq)]
pub enum StartFrom {
    /// The scenario's start, else the family's moment estimates.
    Scenario,
    /// This θ (the previous run's start, same model), when the model admits it.
    Keep(Vec<f64>),
    /// Away from the moment estimates, for a model the user switched to: for the exponential
    /// or lognormal they are the MLE, and a run from there would have nothing to climb.
    AwayFromMoments,
}

/// `moments` moved by a fixed, documented offset (see README, "m"): a location by one of its
/// scale parameters (the next positive one, e.g. mu by sigma), a positive parameter ×2, a
/// probability by +1 on the logit, a simplex halfway to the tilt ∝ 1, 2, …, k. The offset
/// is in the data's own units, so it is visible at every m, yet within the surface's ranges;
/// the moment estimates stay when the moved point is not admitted or ℓ is not finite there.
fn away_from(model: &dyn Family, sample: &Sample, moments: Vec<f64>) -> Vec<f64> {
    let specs = model.layout().specs;
    let mut moved = moments.clone();
    let mut i = 0;
    for (s, spec) in specs.iter().enumerate() {
        match spec.domain {
            Domain::Real => {
                let scale = specs[s + 1..]
                    .iter()
                    .position(|p| p.domain == Domain::Positive)
                    .map_or(1.0, |offset| moments[i + 1 + offset]);
                moved[i] += if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
                i += 1;
            }
            Domain::Positive => {
                moved[i] *= 2.0;
                i += 1;
            }
            Domain::Probability => {
                let logit = (moved[i] / (1.0 - moved[i])).ln();
                // Towards ½ from either side, so the start never sits at an edge.
                let shifted = if logit > 0.0 { logit - 1.0 } else { logit + 1.0 };
                moved[i] = 1.0 / (1.0 + (-shifted).exp());
                i += 1;
            }
            Domain::Simplex => {
                let k = moments.len() - i;
                let total = (k * (k + 1) / 2) as f64;
                for j in 0..k {
                    moved[i + j] = 0.5 * moments[i + j] + 0.5 * (j + 1) as f64 / total;
                }
                i += k;
            }
        }
    }
    let fine = model.check(&moved).is_ok() && model.log_likelihood(&moved, sample).is_finite();
    if fine { moved } else { moments }
}

/// "df → ∞" when `reason` is a run to the boundary.
#[must_use]
pub fn boundary_label(model: &dyn Family, fit: &Fit, reason: StopReason) -> Option<String> {
    let StopReason::Boundary { coordinate, increasing } = reason else { return None };
    let limit = model.boundary_limit(&fit.current().free, coordinate, increasing);
    Some(words::limit_label(&limit))
}
