//! A classification run in the explorer: labelled points drawn from a known truth, the
//! classifier fitted to them step by step, and everything the panes draw, computed when θ
//! changes, never per frame: the probability field over a pair of features (or the curves
//! p(y = 1 | x) for one), ℓ over a pair of weights, the loss split into its irreducible part
//! and the gap on fresh x, and the underflow trace of the product of q(yᵢ | xᵢ).

use super::jobs::Surface;
use super::series::Series;
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::optim::{OptimizerKind, Settings};
use crate::scenario::classifier::Loss;
use crate::stats::classify::decomposition::{self, Decomposition};
use crate::stats::classify::mlp::Shape;
use crate::stats::classify::squared::SquaredError;
use crate::stats::classify::truth::ClassTruth;
use crate::stats::classify::{Classifier, ClassifierKind, Labelled, Linear, Mlp};
use crate::stats::model::Model;
use crate::stats::rng::seeded;
use crate::stats::underflow::{self, UnderflowTrace};

/// The most points the classification explorer draws: the likelihood surface is a pass over
/// them per grid cell and is computed on the input thread (benches/class_explorer.rs: at
/// The fitted and the true P(class 1 | x) along the one feature, as (x, p) points.
type Curves = [Vec<(f64, f64)>; 2];

/// 50 000 points a surface took 1.3–3 s, at this size tens of milliseconds).
pub const MAX_CLASS_POINTS: usize = 5_000;
/// The probability field's grid: columns.
pub const FIELD_X: usize = 96;
/// The probability field's grid: rows.
pub const FIELD_Y: usize = 48;
/// Points along the d = 1 curves.
const CURVE_POINTS: usize = 200;
/// The likelihood surface's grid over a pair of weights.
const SURFACE_X: usize = 40;
/// Rows of that grid.
const SURFACE_Y: usize = 20;
/// Fresh x for the Monte Carlo decomposition (d ≥ 2): a standard error of about 1e-3 nats.
const MC_POINTS: usize = 1 << 14;
/// Simpson intervals for one feature.
const QUAD_INTERVALS: usize = 1 << 12;
/// The probability clip of `sklearn.metrics.log_loss` (the float64 machine epsilon).
pub const LOG_LOSS_EPS: f64 = f64::EPSILON;

/// What a run is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassChoices {
    /// The truth.
    pub truth: ClassTruth,
    /// Points m.
    pub points: usize,
    /// The sampler's seed.
    pub seed: u64,
    /// The classifier.
    pub model: ClassifierKind,
    /// What the optimiser climbs.
    pub loss: Loss,
    /// The network's shape.
    pub shape: Shape,
    /// The network's start seed.
    pub start_seed: u64,
    /// The start θ, if it fits the model; else the model's own.
    pub start: Option<Vec<f64>>,
    /// The optimiser.
    pub settings: Settings,
}

/// ℓ and the loss at the current θ, by cross-entropy whatever the fit climbs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// ℓ = Σ ln q(yᵢ | xᵢ).
    pub log_likelihood: f64,
    /// H(p̂, q) = −ℓ/m.
    pub cross_entropy: f64,
    /// The log loss as a library computes it from the predicted probabilities.
    pub library: f64,
    /// The share of points whose most probable class is their label.
    pub accuracy: f64,
}

/// The probability field over two features, the others at their means.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The feature on the x axis.
    pub fx: usize,
    /// The feature on the y axis.
    pub fy: usize,
    /// x range.
    pub x: (f64, f64),
    /// y range.
    pub y: (f64, f64),
    /// q(· | x) per cell, row-major from the bottom row, K values a cell.
    pub probs: Vec<f64>,
}

/// A classification run.
pub struct ClassRun {
    /// What it was built from.
    pub choices: ClassChoices,
    /// The points.
    pub points: Labelled,
    /// The start θ.
    pub start: Vec<f64>,
    /// The fit.
    pub fit: Fit,
    /// The MLE of a linear model found by Newton at build (None: separable, or a network).
    pub mle: Option<Vec<f64>>,
    /// Why there is no MLE to jump to, or how it was found.
    pub mle_note: String,
    /// ℓ by iteration.
    pub ll_series: Series,
    /// H(p̂, q) by iteration.
    pub ce_series: Series,
    /// The loss at θ.
    pub now: Scores,
    /// Irreducible loss and gap at θ (on fresh x).
    pub decomposition: Decomposition,
    /// The underflow trace at θ.
    pub trace: UnderflowTrace,
    /// Its curves (true, f64, f32), for the pane.
    pub trace_curves: [Vec<(f64, f64)>; 3],
    /// The field (d ≥ 2).
    pub field: Option<Field>,
    /// d = 1: (x, fitted p(y = 1 | x)) and (x, true p(y = 1 | x)).
    pub curves: Option<[Vec<(f64, f64)>; 2]>,
    /// ℓ over a pair of weights, the others at θ when it was made.
    pub surface: Option<Surface>,
    /// The pair of weights the surface spans.
    pub pair: (usize, usize),
    /// The pair of features the field spans.
    pub features: (usize, usize),
}

impl ClassRun {
    /// Draws the points and builds the model, its start, its MLE and every picture.
    pub fn build(choices: &ClassChoices) -> Result<Self, String> {
        let truth = &choices.truth;
        if !(2..=MAX_CLASS_POINTS).contains(&choices.points) {
            return Err(format!(
                "the classification explorer draws 2 to {MAX_CLASS_POINTS} points, not {}",
                choices.points
            ));
        }
        let points = truth.sample(choices.points, &mut seeded(choices.seed));
        if points.counts().contains(&0) {
            return Err(format!(
                "{} points of {} hold no point of some class: draw more (])",
                choices.points, truth.name
            ));
        }
        let k = truth.classes.len();
        let mut choices = choices.clone();
        if choices.model == ClassifierKind::Logistic && k != 2 {
            choices.model = ClassifierKind::Softmax;
        }
        if choices.model != ClassifierKind::Logistic {
            choices.loss = Loss::CrossEntropy;
        }
        let (start, mle, mle_note) = {
            let model = classifier(&points, &choices);
            let default = match choices.model {
                ClassifierKind::Mlp => Mlp::new(&points, choices.shape).start(choices.start_seed),
                _ => Linear::new(&points).start(),
            };
            let start = choices.start.clone().filter(|s| s.len() == model.dim()).unwrap_or(default);
            let (mle, note) = mle_search(&points, &choices, &start);
            (start, mle, note)
        };
        let fit = {
            let climbed = climbed(&points, &choices);
            Fit::new(climbed.as_ref(), &start, choices.settings)
        };
        let d = truth.dim();
        // Computed again by the first refresh; a run holds a trace from the start.
        let trace = underflow::trace(classifier(&points, &choices).as_ref(), &start);
        let mut run = Self {
            features: (0, 1.min(d - 1)),
            pair: (0, 1),
            choices,
            points,
            start,
            fit,
            mle,
            mle_note,
            ll_series: Series::new(),
            ce_series: Series::new(),
            now: Scores { log_likelihood: 0.0, cross_entropy: 0.0, library: 0.0, accuracy: 0.0 },
            decomposition: Decomposition {
                irreducible: f64::NAN,
                gap: f64::NAN,
                cross_entropy: f64::NAN,
                method: decomposition::Method::Quadrature { intervals: 0 },
            },
            trace,
            trace_curves: [Vec::new(), Vec::new(), Vec::new()],
            field: None,
            curves: None,
            surface: None,
        };
        run.record();
        run.refresh(true);
        run.refresh_surface();
        Ok(run)
    }

    /// The classifier whose cross-entropy the panes show.
    #[must_use]
    pub fn model(&self) -> Box<dyn Classifier + '_> {
        classifier(&self.points, &self.choices)
    }

    /// What the optimiser climbs: the classifier's ℓ, or squared error.
    #[must_use]
    pub fn climbed(&self) -> Box<dyn Model + '_> {
        climbed(&self.points, &self.choices)
    }

    /// The model's parameter names.
    #[must_use]
    pub fn param_names(&self) -> Vec<String> {
        self.model().param_names()
    }

    /// One optimiser step, recorded.
    pub fn step(&mut self) {
        let climbed = climbed(&self.points, &self.choices);
        self.fit.step(climbed.as_ref());
        drop(climbed);
        self.record();
    }

    /// The stop, if a rule holds now (a verdict kept until θ moves).
    pub fn conclude(&mut self, stopping: &Stopping) -> Option<StopReason> {
        let climbed = climbed(&self.points, &self.choices);
        self.fit.conclude(climbed.as_ref(), stopping)
    }

    /// Moves θ to `theta` as a recorded iteration.
    pub fn jump_to(&mut self, theta: &[f64]) {
        let climbed = climbed(&self.points, &self.choices);
        self.fit.jump_to(climbed.as_ref(), theta);
        drop(climbed);
        self.record();
    }

    /// Back to the start, with empty series.
    pub fn reset(&mut self) {
        let climbed = climbed(&self.points, &self.choices);
        self.fit = Fit::new(climbed.as_ref(), &self.start, self.choices.settings);
        drop(climbed);
        self.ll_series.clear();
        self.ce_series.clear();
        self.record();
    }

    /// The optimiser's settings changed (θ and the history kept).
    pub fn set_settings(&mut self, settings: Settings) {
        self.choices.settings = settings;
        self.fit.set_settings(settings);
    }

    /// Records ℓ at this iteration if the series keeps it: under cross-entropy it is the
    /// fit's own; under squared error it takes a pass of its own.
    fn record(&mut self) {
        let it = self.fit.iteration();
        let ll = if self.choices.loss == Loss::CrossEntropy {
            self.fit.current().log_likelihood
        } else if self.ll_series.keeps(it) {
            self.model().log_likelihood(&self.fit.current().natural)
        } else {
            return;
        };
        let m = self.points.len() as f64;
        self.ll_series.record(it, ll);
        self.ce_series.record(it, -ll / m);
    }

    /// Starts ℓ over the chosen pair of weights around θ afresh: an empty grid that
    /// [`ClassRun::advance_surface`] fills a few cells at a time (each a pass over the points),
    /// so no key waits on it.
    pub fn refresh_surface(&mut self) {
        let theta = self.fit.current().natural.clone();
        self.surface = self.empty_surface(&theta);
    }

    /// Fills up to `cells` more cells of the surface.
    pub fn advance_surface(&mut self, cells: usize) {
        let Some(s) = self.surface.as_mut() else { return };
        let model = classifier(&self.points, &self.choices);
        s.advance_with(cells, |at| Some(model.log_likelihood(at)).filter(|v| v.is_finite()));
    }

    /// Whether the surface has cells still to fill.
    #[must_use]
    pub fn surface_pending(&self) -> bool {
        self.surface.as_ref().is_some_and(|s| s.cells_done < s.values.len())
    }

    /// Whether θ has left the surface's grid (a step after the last surface).
    #[must_use]
    pub fn surface_stale(&self) -> bool {
        let theta = &self.fit.current().natural;
        self.surface.as_ref().is_some_and(|s| {
            let inside = |v: f64, g: &[f64]| v >= g[0] && v <= g[g.len() - 1];
            !(inside(theta[s.px], &s.xs) && inside(theta[s.py], &s.ys))
        })
    }

    /// Recomputes what depends on θ; `heavy` also the decomposition and the trace (passes
    /// over fresh x and the points), which a run at full pace throttles.
    pub fn refresh(&mut self, heavy: bool) {
        let theta = self.fit.current().natural.clone();
        let model = classifier(&self.points, &self.choices);
        let ll = model.log_likelihood(&theta);
        let m = self.points.len() as f64;
        let now = Scores {
            log_likelihood: ll,
            cross_entropy: -ll / m,
            library: library_log_loss(model.as_ref(), &theta),
            accuracy: model.accuracy(&theta),
        };
        let (field, curves) = self.pictures(model.as_ref(), &theta);
        let heavy_parts = heavy.then(|| {
            let ln_q = |x: &[f64], out: &mut [f64]| model.ln_predict(&theta, x, out);
            let truth = &self.choices.truth;
            let dec =
                decomposition::quadrature(truth, &ln_q, QUAD_INTERVALS).unwrap_or_else(|| {
                    decomposition::monte_carlo(truth, &ln_q, MC_POINTS, self.choices.seed ^ MC_SALT)
                });
            let trace = underflow::trace(model.as_ref(), &theta);
            (dec, trace)
        });
        drop(model);
        self.now = now;
        self.field = field;
        self.curves = curves;
        // The latest point of the series is the current one, whatever the stride kept.
        self.ll_series.record(self.fit.iteration(), ll);
        self.ce_series.record(self.fit.iteration(), -ll / m);
        if let Some((dec, trace)) = heavy_parts {
            self.decomposition = dec;
            let log_m = self.points.len() > 10_000;
            let x = |m: usize| if log_m { (m as f64).log10() } else { m as f64 };
            let pick = |f: fn(&underflow::TracePoint) -> f64| {
                trace.curve.iter().filter(|p| f(p).is_finite()).map(|p| (x(p.m), f(p))).collect()
            };
            self.trace_curves =
                [pick(|p| p.log10_true), pick(|p| p.log10_f64), pick(|p| p.log10_f32)];
            self.trace = trace;
        }
    }

    /// The field over the chosen pair of features (d ≥ 2), or the curves (d = 1).
    fn pictures(&self, model: &dyn Classifier, theta: &[f64]) -> (Option<Field>, Option<Curves>) {
        let d = self.points.dim();
        let k = self.choices.truth.classes.len();
        let range = |j: usize| padded_range(self.points.column(j));
        let means: Vec<f64> = (0..d)
            .map(|j| self.points.column(j).iter().sum::<f64>() / self.points.len() as f64)
            .collect();
        let mut lq = vec![0.0; k];
        if d == 1 {
            let (lo, hi) = range(0);
            let xs =
                (0..CURVE_POINTS).map(|i| lo + (hi - lo) * i as f64 / (CURVE_POINTS - 1) as f64);
            let (mut fitted, mut truth) = (Vec::new(), Vec::new());
            for x in xs {
                model.ln_predict(theta, &[x], &mut lq);
                fitted.push((x, lq[1].exp()));
                self.choices.truth.ln_probs(&[x], &mut lq);
                truth.push((x, lq[1].exp()));
            }
            return (None, Some([fitted, truth]));
        }
        let (fx, fy) = self.features;
        let (x, y) = (range(fx), range(fy));
        let mut probs = Vec::with_capacity(FIELD_X * FIELD_Y * k);
        let mut at = means;
        for row in 0..FIELD_Y {
            at[fy] = y.0 + (y.1 - y.0) * (row as f64 + 0.5) / FIELD_Y as f64;
            for col in 0..FIELD_X {
                at[fx] = x.0 + (x.1 - x.0) * (col as f64 + 0.5) / FIELD_X as f64;
                model.ln_predict(theta, &at, &mut lq);
                probs.extend(lq.iter().map(|l| l.exp()));
            }
        }
        (Some(Field { fx, fy, x, y, probs }), None)
    }

    /// An empty grid over the chosen pair of weights, the others at θ, over a range that
    /// holds the path, θ and the MLE.
    fn empty_surface(&self, theta: &[f64]) -> Option<Surface> {
        let dim = theta.len();
        if dim < 2 {
            return None;
        }
        let (px, py) = (self.pair.0 % dim, self.pair.1 % dim);
        let span = |i: usize| {
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            let along = self
                .fit
                .history()
                .iter()
                .map(|r| r.params[i])
                .chain(self.mle.as_ref().map(|m| m[i]));
            for v in along.chain([theta[i]]) {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            let pad = (0.25 * (hi - lo)).max(1.0);
            (lo - pad, hi + pad)
        };
        let grid = |(lo, hi): (f64, f64), n: usize| -> Vec<f64> {
            (0..n).map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64).collect()
        };
        let xs = grid(span(px), SURFACE_X);
        let ys = grid(span(py), SURFACE_Y);
        Some(Surface::on_grid(theta, (px, py), xs, ys))
    }

    /// The surface's pair moved on (`x`: its x parameter, else its y), skipping the other.
    pub fn move_pair(&mut self, forward: bool, x: bool) {
        let dim = self.fit.current().natural.len();
        self.pair = super::both::next_pair(self.pair, dim, forward, x);
    }

    /// The field's pair of features moved on (d > 2).
    pub fn next_features(&mut self) {
        let d = self.points.dim();
        if d > 2 {
            let (fx, fy) = self.features;
            self.features = if fy + 1 < d {
                (fx, fy + 1)
            } else if fx + 2 < d {
                (fx + 1, fx + 2)
            } else {
                (0, 1)
            };
        }
    }
}

/// Salt of the Monte Carlo seed, so fresh x are not the training x.
const MC_SALT: u64 = 0x9e37_79b9_7f4a_7c15;

/// The classifier `choices` name over `points`.
fn classifier<'a>(points: &'a Labelled, choices: &ClassChoices) -> Box<dyn Classifier + 'a> {
    match choices.model {
        ClassifierKind::Mlp => Box::new(Mlp::new(points, choices.shape)),
        _ => Box::new(Linear::new(points)),
    }
}

/// What the optimiser climbs.
fn climbed<'a>(points: &'a Labelled, choices: &ClassChoices) -> Box<dyn Model + 'a> {
    if choices.loss == Loss::SquaredError {
        Box::new(SquaredError::new(points))
    } else {
        classifier(points, choices)
    }
}

/// The MLE of a linear model by Newton from `start`, or why there is none to jump to.
fn mle_search(
    points: &Labelled,
    choices: &ClassChoices,
    start: &[f64],
) -> (Option<Vec<f64>>, String) {
    if choices.model == ClassifierKind::Mlp {
        return (
            None,
            "a network's ℓ has many maxima (units can be permuted) and saddles: no one MLE to \
             jump to; f runs the optimiser to a stop"
                .into(),
        );
    }
    let model = Linear::new(points);
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let mut fit = Fit::new(&model, start, settings);
    let reason = fit.run(&model, &super::jobs::MLE_STOPPING);
    match reason {
        StopReason::Boundary { .. } => (
            None,
            "no MLE: Newton's method ran to the boundary, the classes are separable (ℓ → 0 as \
             the weights grow)"
                .into(),
        ),
        r if r.converged() => (
            Some(fit.current().natural.clone()),
            "the MLE found by Newton's method at load (ℓ is concave: it is the only maximum)"
                .into(),
        ),
        r => (None, format!("Newton's method found no MLE at load: {}", crate::words::stop(r))),
    }
}

/// The log loss as `sklearn.metrics.log_loss` computes it: the predicted probability of each
/// true label clipped to [ε, 1 − ε], then −mean ln p. The same number as −ℓ/m wherever no
/// probability is within ε of 0 or 1.
#[must_use]
pub fn library_log_loss(model: &dyn Classifier, theta: &[f64]) -> f64 {
    let points = model.labelled();
    let k = points.classes().len();
    let (mut lq, mut x) = (vec![0.0; k], vec![0.0; points.dim()]);
    let mut total = 0.0;
    for i in 0..points.len() {
        for (v, col) in x.iter_mut().zip(points.columns()) {
            *v = col[i];
        }
        model.ln_predict(theta, &x, &mut lq);
        let p = lq[points.labels()[i] as usize].exp().clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS);
        total -= p.ln();
    }
    total / points.len() as f64
}

/// A feature's range padded by 5 %.
fn padded_range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = (0.05 * (hi - lo)).max(1e-6);
    (lo - pad, hi + pad)
}
