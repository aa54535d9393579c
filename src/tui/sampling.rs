//! The sampling-distribution view (`S`): the scenario's truth sampled again and again at
//! the run's m, each sample fitted, the θ̂s of one parameter gathered in a histogram against
//! the normal the standard error promises. The repeats run on a worker of the loop, a batch
//! at a time ([`Effect::Sample`], answered by [`Action::Sampled`]); an answer for a run that
//! has since been replaced carries an old `id` and is dropped, and keys are answered while a
//! batch runs. Repeat r is seeded by `replicate_seed(run seed, r)`, so the histogram does not
//! depend on how the repeats were batched.

use std::f64::consts::PI;

use super::action::Action;
use super::app::App;
use super::effect::Effect;
use super::jobs::MleSearch;
use super::run::Run;
use crate::optim::inference::bootstrap::replicate_seed;
use crate::runner::prepare_with;
use crate::scenario::{Scenario, Source};
use crate::stats::objective::Objective;

/// Repeats gathered before the view stops asking for more.
pub const TARGET: usize = 1000;
/// Points sampled and fitted per batch, about a tenth of a second of work: a batch is the
/// unit a newer run waits for, so it stays short.
const POINTS_PER_BATCH: usize = 20_000;
/// Histogram bins.
const BINS: usize = 30;
/// Points along the normal curve.
const CURVE_POINTS: usize = 120;

/// A batch of repeats to run.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRequest {
    /// The sampling job this belongs to (answers to an older one are dropped).
    pub id: u64,
    /// The scenario as the run was built from it (truth, model, m).
    pub scenario: Scenario,
    /// The run's seed; repeat r is seeded from it and r.
    pub seed: u64,
    /// The first repeat's index.
    pub from: usize,
    /// How many repeats.
    pub count: usize,
}

/// What a batch found.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// θ̂ (natural) of each repeat whose fit reached a maximum, in repeat order.
    pub estimates: Vec<Vec<f64>>,
    /// Repeats whose sample could not be fitted or whose fit reached no maximum.
    pub failed: usize,
}

/// Runs a batch: sample, fit by the closed form or Newton's method as the run's MLE is
/// found, keep θ̂ when it is a maximum. Gives up (an error) once `cancelled` says so.
pub fn run_batch(request: &SampleRequest, cancelled: &dyn Fn() -> bool) -> Result<Batch, String> {
    let mut batch = Batch { estimates: Vec::with_capacity(request.count), failed: 0 };
    for r in request.from..request.from + request.count {
        if cancelled() {
            return Err("superseded".into());
        }
        let Ok(prepared) = prepare_with(&request.scenario, replicate_seed(request.seed, r), None)
        else {
            batch.failed += 1;
            continue;
        };
        let model = prepared.model.as_ref();
        let objective = Objective { family: model, sample: &prepared.sample };
        let closed = model.closed_form_mle(&prepared.sample).filter(|m| model.check(m).is_ok());
        let theta = match closed {
            Some(m) => Some(m),
            None => MleSearch::new(model, &objective)
                .finish_unless(&objective, cancelled)
                .and_then(|found| found.reason.converged().then_some(found.theta)),
        };
        match theta {
            Some(t) => batch.estimates.push(t),
            None => batch.failed += 1,
        }
    }
    Ok(batch)
}

/// The histogram of one parameter's θ̂s and the normal drawn against it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// The parameter shown (index of the natural parameters).
    pub parameter: usize,
    /// Bar points (x, density), dense enough to read as bars.
    pub bars: Vec<(f64, f64)>,
    /// N(θ̂, SE²) over the range, when the run has an SE.
    pub normal: Vec<(f64, f64)>,
    /// The x range.
    pub x_range: (f64, f64),
    /// The tallest bar or curve point.
    pub y_max: f64,
    /// Mean and standard deviation of the θ̂s.
    pub mean_sd: Option<(f64, f64)>,
}

impl Histogram {
    /// Bins the θ̂s of `parameter`; the normal is centred at `center` with spread `se`.
    #[must_use]
    pub fn new(estimates: &[Vec<f64>], parameter: usize, center: f64, se: Option<f64>) -> Self {
        let xs: Vec<f64> = estimates
            .iter()
            .filter_map(|e| e.get(parameter).copied())
            .filter(|x| x.is_finite())
            .collect();
        let mut h = Self { parameter, ..Self::default() };
        let (mut lo, mut hi) =
            xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        if let Some(se) = se {
            lo = lo.min(center - 4.0 * se);
            hi = hi.max(center + 4.0 * se);
        }
        if !(lo.is_finite() && hi.is_finite()) {
            return h;
        }
        if hi - lo < 1e-12 * lo.abs().max(1.0) {
            (lo, hi) = (lo - 0.5 * lo.abs().max(1e-6), hi + 0.5 * hi.abs().max(1e-6));
        }
        h.x_range = (lo, hi);
        let width = (hi - lo) / BINS as f64;
        if !xs.is_empty() {
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
            h.mean_sd = Some((mean, var.sqrt()));
            let mut counts = [0usize; BINS];
            for x in &xs {
                counts[(((x - lo) / width) as usize).min(BINS - 1)] += 1;
            }
            for (b, &c) in counts.iter().enumerate() {
                let height = c as f64 / (n * width);
                for j in 0..5 {
                    h.bars.push((lo + width * (b as f64 + (f64::from(j) + 0.5) / 5.0), height));
                }
            }
        }
        if let Some(se) = se.filter(|s| *s > 0.0) {
            h.normal = (0..=CURVE_POINTS)
                .map(|i| {
                    let x = lo + (hi - lo) * i as f64 / CURVE_POINTS as f64;
                    let z = (x - center) / se;
                    (x, (-0.5 * z * z).exp() / (se * (2.0 * PI).sqrt()))
                })
                .collect();
        }
        h.y_max = h.bars.iter().chain(&h.normal).map(|p| p.1).fold(0.0, f64::max);
        h
    }
}

/// The view's state: off, or gathering the repeats of one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sampling {
    /// Whether the view is shown (and gathering).
    pub shown: bool,
    /// The job's number: a new run starts a new job.
    pub id: u64,
    /// The sample size of each repeat.
    pub m: usize,
    /// θ̂ of each repeat that reached a maximum.
    pub estimates: Vec<Vec<f64>>,
    /// Repeats that reached none.
    pub failed: usize,
    /// Repeats asked for so far.
    pub asked: usize,
    /// Whether a batch is under way.
    pub in_flight: bool,
    /// Why there are no repeats (a data file has no truth to sample from).
    pub why_not: Option<String>,
    /// What the pane draws.
    pub histogram: Histogram,
}

impl Sampling {
    /// Repeats answered so far.
    #[must_use]
    pub fn done(&self) -> usize {
        self.estimates.len() + self.failed
    }

    /// Re-bins for the run's parameter on the surface's x axis.
    pub fn refresh(&mut self, run: &Run) {
        let p = run.pair.0;
        let se = run.mle_se.get(p).copied().flatten();
        self.histogram = Histogram::new(&self.estimates, p, run.mle[p], se);
    }
}

impl App {
    /// `S`: shows the sampling distribution (starting its repeats), or hides it.
    pub(super) fn toggle_sampling(&mut self) -> Vec<Effect> {
        if self.sampling.shown {
            self.sampling.shown = false;
            self.message =
                "sampling distribution hidden (its repeats are kept until the run changes)".into();
            return Vec::new();
        }
        self.sampling.shown = true;
        let mut effects = if self.sampling.m != self.run.sample.len() || self.sampling.id == 0 {
            self.restart_sampling()
        } else {
            Vec::new()
        };
        effects.extend(self.next_batch());
        self.message = format!(
            "sampling distribution: {TARGET} samples of m = {} from the truth, each fitted (S hides it)",
            self.run.sample.len()
        );
        effects
    }

    /// A new run: the repeats of the old one no longer apply.
    pub(super) fn restart_sampling(&mut self) -> Vec<Effect> {
        let shown = self.sampling.shown;
        self.sampling = Sampling {
            shown,
            id: self.sampling.id + 1,
            m: self.run.sample.len(),
            why_not: matches!(self.session.scenario.source, Source::Data { .. }).then(|| {
                "a data file has no truth to draw new samples from: pick a scenario with a truth"
                    .to_string()
            }),
            ..Sampling::default()
        };
        self.sampling.refresh(&self.run);
        if shown { self.next_batch() } else { Vec::new() }
    }

    /// The next batch, if the view is shown, none is under way and more are wanted.
    fn next_batch(&mut self) -> Vec<Effect> {
        let s = &mut self.sampling;
        if !s.shown || s.in_flight || s.asked >= TARGET || s.why_not.is_some() {
            return Vec::new();
        }
        let count = (POINTS_PER_BATCH / s.m.max(1)).clamp(1, TARGET - s.asked);
        let request = SampleRequest {
            id: s.id,
            scenario: self.session.scenario_now(self.run.sample.stats().max.max(1.0)),
            seed: self.session.seed,
            from: s.asked,
            count,
        };
        s.asked += count;
        s.in_flight = true;
        vec![Effect::Sample(Box::new(request))]
    }

    /// Takes a batch's answer, dropped when it belongs to a replaced run.
    pub(super) fn sampled(&mut self, id: u64, result: Result<Batch, String>) -> Vec<Effect> {
        if id != self.sampling.id {
            return Vec::new();
        }
        self.sampling.in_flight = false;
        match result {
            Ok(batch) => {
                self.sampling.estimates.extend(batch.estimates);
                self.sampling.failed += batch.failed;
                self.sampling.refresh(&self.run);
                self.next_batch()
            }
            Err(e) => {
                self.sampling.why_not = Some(format!("the repeats stopped: {e}"));
                Vec::new()
            }
        }
    }
}

/// The answer to an [`Effect::Sample`].
#[must_use]
pub fn perform(request: &SampleRequest, cancelled: &dyn Fn() -> bool) -> Action {
    Action::Sampled { id: request.id, result: run_batch(request, cancelled) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_a_density_and_the_normal_integrates_to_one() {
        let estimates: Vec<Vec<f64>> = (0..500).map(|i| vec![f64::from(i) / 500.0]).collect();
        let h = Histogram::new(&estimates, 0, 0.5, Some(0.1));
        let (lo, hi) = h.x_range;
        assert!(lo <= 0.1 && hi >= 0.9, "{lo} {hi}");
        let width = (hi - lo) / BINS as f64;
        // Five points per bar: the bars' area is Σ height·width over the bins.
        let area: f64 = h.bars.iter().step_by(5).map(|p| p.1 * width).sum();
        assert!((area - 1.0).abs() < 1e-9, "{area}");
        let dx = (hi - lo) / CURVE_POINTS as f64;
        let integral: f64 = h.normal.windows(2).map(|w| 0.5 * (w[0].1 + w[1].1) * dx).sum();
        assert!((integral - 1.0).abs() < 1e-3, "{integral}");
        let (mean, sd) = h.mean_sd.expect("estimates");
        assert!((mean - 0.499).abs() < 1e-9);
        // The uniform on [0, 1): sd ≈ 1/√12.
        assert!((sd - (1.0f64 / 12.0).sqrt()).abs() < 1e-2, "{sd}");
    }
}
