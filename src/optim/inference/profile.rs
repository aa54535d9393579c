//! Profile-likelihood intervals: for a parameter θᵢ, ℓ_p(t) = max ℓ over the others with
//! θᵢ = t, and the interval is where 2(ℓ̂ − ℓ_p) ≤ q, q the χ²₁ quantile at the level. Each
//! point of ℓ_p is a Newton fit of the model with θᵢ's free coordinate pinned ([`Pinned`]),
//! started from the last point's other coordinates, verified as every fit is.
//!
//! On each side the search steps out from θ̂ in the free coordinate, first by the Wald
//! half-width (where the crossing is when ℓ is nearly quadratic), doubling until ℓ_p falls
//! below the cutoff, then closes in on the crossing by regula falsi with the Illinois
//! modification (superlinear on a smooth ℓ_p, never leaving the bracket). A side is open
//! when ℓ_p levels off above the cutoff as the coordinate runs to its edge (a t's df → ∞ on
//! normal-looking data), or stays above it up to the last value the family admits.

use super::covariance::Information;
use super::pinned::Pinned;
use super::{Level, Undefined};
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::optim::{OptimizerKind, Settings};
use crate::stats::model::{Eval, Model};

/// One end of an interval: a value, or why there is none (open, or a profile fit failed).
pub type Side = Result<f64, Undefined>;

/// A profile-likelihood interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// The lower end.
    pub lower: Side,
    /// The upper end.
    pub upper: Side,
}

/// Doublings of the step before a side is declared open at its edge.
const MAX_EXPANSIONS: usize = 64;

/// Iterations of the bracketing search (each one fit).
const MAX_REFINEMENTS: usize = 100;

/// The stopping rules of each profile fit: those of `mlex fit`.
const STOPPING: Stopping = Stopping { max_steps: 500, tolerance: 1e-10 };

/// The tolerances tried in turn on a profile fit that stopped on a flat direction (down to
/// a little above the rounding of ℓ/m, below which gains are noise to the boundary rule).
const PERSIST: [f64; 3] = [1e-11, 1e-12, 1e-13];

/// The profile intervals of every natural parameter at the fit's point.
pub(super) fn intervals(
    model: &dyn Model,
    point: &Eval,
    information: &Information,
    level: Level,
) -> Vec<Result<Interval, Undefined>> {
    let names = model.param_names();
    let q = level.chi_squared();
    (0..names.len())
        .map(|i| {
            let row = &information.jacobian[i];
            let coords: Vec<usize> = (0..row.len()).filter(|&j| row[j] != 0.0).collect();
            let [j] = coords[..] else {
                return Err(Undefined::NotOneCoordinate { parameter: names[i].clone() });
            };
            let step = information
                .free_se(j)
                .map(|s| s * q.sqrt())
                .filter(|s| s.is_finite() && *s > 0.0)
                .unwrap_or_else(|| 0.1 * point.free[j].abs().max(1.0));
            let profile = Profile {
                model,
                point,
                natural: i,
                coordinate: j,
                name: &names[i],
                target: point.log_likelihood - 0.5 * q,
            };
            let (down, up) = (profile.side(-1.0, step), profile.side(1.0, step));
            Ok(if row[j] > 0.0 {
                Interval { lower: down, upper: up }
            } else {
                Interval { lower: up, upper: down }
            })
        })
        .collect()
}

/// ℓ_p at one value of the pinned coordinate.
enum At {
    /// ℓ_p, and the full natural parameters where the others maximise ℓ.
    Value(f64, Vec<f64>),
    /// The value is outside what the family admits, or ℓ is not a number there.
    Outside,
    /// The fit of the others stopped short of a maximum.
    Failed(StopReason, f64),
}

/// A point of the profile the search has been to.
#[derive(Clone)]
struct Known {
    /// The pinned coordinate's value.
    free: f64,
    log_likelihood: f64,
    natural: Vec<f64>,
    /// The whole free vector there: the others where they maximise ℓ.
    full: Vec<f64>,
}

/// The free vector at `v` on the line through `a` and `b` (the pinned coordinate's values
/// `a.free` and `b.free`): where the others' maximum lies if the profile's path is straight,
/// which it nearly is over an interval's width, so the fit there starts a Newton step or
/// less from its end. None where the line is not defined.
fn along(a: &Known, b: &Known, v: f64) -> Option<Vec<f64>> {
    let span = b.free - a.free;
    if span == 0.0 || !span.is_finite() || b.full.len() != a.full.len() {
        return None;
    }
    let t = (v - a.free) / span;
    Some(a.full.iter().zip(&b.full).map(|(x, y)| x + t * (y - x)).collect())
}

/// The profile of natural parameter `natural`, whose only free coordinate is `coordinate`.
struct Profile<'a> {
    model: &'a dyn Model,
    point: &'a Eval,
    natural: usize,
    coordinate: usize,
    name: &'a str,
    /// ℓ̂ − q/2.
    target: f64,
}

impl Profile<'_> {
    /// √q, where the signed root reaches the cutoff.
    fn z(&self) -> f64 {
        (2.0 * (self.point.log_likelihood - self.target)).sqrt()
    }

    /// The signed root's size r = √(2(ℓ̂ − ℓ_p)) at a known point. It is nearly linear in the
    /// pinned coordinate where ℓ_p is far from quadratic (exactly so when some
    /// reparametrisation makes ℓ_p quadratic), so the search aims and interpolates on r, not
    /// on ℓ_p, whose curvature makes a secant undershoot.
    fn root(&self, k: &Known) -> f64 {
        let gap = self.point.log_likelihood - k.log_likelihood;
        if gap.is_nan() { f64::INFINITY } else { (2.0 * gap.max(0.0)).sqrt() }
    }

    fn known(&self, free: f64, log_likelihood: f64, natural: Vec<f64>) -> Known {
        let full = self.model.to_free(&natural);
        Known { free, log_likelihood, natural, full }
    }

    /// ℓ_p at free value `value` of the pinned coordinate, the others started at the first
    /// of `guesses` (whole free vectors) that the family admits with a finite ℓ and gradient.
    fn at(&self, value: f64, guesses: &[&[f64]]) -> At {
        let model = self.model;
        if model.dim() == 1 {
            let e = model.eval(&[value]);
            return if model.admits(&e.natural) && !e.log_likelihood.is_nan() && value.is_finite() {
                At::Value(e.log_likelihood, e.natural)
            } else {
                At::Outside
            };
        }
        if !value.is_finite() {
            return At::Outside;
        }
        let pinned = Pinned { model, coordinate: self.coordinate, value };
        let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
        // The fit's own first evaluation tells whether a start is usable: no separate pass.
        let started = guesses.iter().find_map(|guess| {
            let mut start = guess.to_vec();
            start[self.coordinate] = value;
            let start = model.to_natural(&start);
            if !model.admits(&start) {
                return None;
            }
            let fit = Fit::new(&pinned, &start, settings);
            fit.current().is_finite().then_some(fit)
        });
        let Some(mut fit) = started else { return At::Outside };
        let mut reason = fit.run(&pinned, &STOPPING);
        for tolerance in PERSIST {
            if !matches!(reason, StopReason::Flat | StopReason::StepTooSmall) {
                break;
            }
            // The gradient fell within tolerance along a direction flatter still (a t's df
            // heading for ∞ before the boundary rule has seen enough steps): keep going
            // with a smaller tolerance, the boundary rule's trail kept, until a verified
            // maximum or the boundary, where ℓ is at its supremum.
            let more = Stopping { max_steps: fit.iteration() + STOPPING.max_steps, tolerance };
            reason = fit.run(&pinned, &more);
        }
        let end = fit.current();
        if !end.log_likelihood.is_finite() {
            At::Outside
        } else if reason.converged() || matches!(reason, StopReason::Boundary { .. }) {
            At::Value(end.log_likelihood, end.natural.clone())
        } else {
            At::Failed(reason, end.natural[self.natural])
        }
    }

    fn failed(&self, reason: StopReason, value: f64) -> Undefined {
        Undefined::ProfileFit { parameter: self.name.to_string(), value, reason }
    }

    /// ℓ_p rising above ℓ̂ by more than rounding means θ̂ is not the global maximum.
    fn check_higher(&self, known: &Known) -> Result<(), Undefined> {
        let hat = self.point.log_likelihood;
        let slack = 1e-9 * hat.abs().max(1.0);
        if known.log_likelihood > hat + slack {
            return Err(Undefined::HigherLikelihood {
                parameter: self.name.to_string(),
                value: known.natural[self.natural],
                gain: known.log_likelihood - hat,
            });
        }
        Ok(())
    }

    /// The end of the interval on the side `sign` (−1 towards lower free values).
    fn side(&self, sign: f64, step: f64) -> Side {
        let centre = self.point.free[self.coordinate];
        let mut inside = Known {
            free: centre,
            log_likelihood: self.point.log_likelihood,
            natural: self.point.natural.clone(),
            full: self.point.free.clone(),
        };
        let mut previous = inside.clone();
        let mut h = step;
        let mut levelling = 0;
        for _ in 0..MAX_EXPANSIONS {
            let v = centre + sign * h;
            let guess = along(&previous, &inside, v).unwrap_or_else(|| inside.full.clone());
            match self.at(v, &[&guess, &inside.full]) {
                At::Value(ll, natural) => {
                    let here = self.known(v, ll, natural);
                    self.check_higher(&here)?;
                    if ll < self.target {
                        return self.refine(inside, here);
                    }
                    // Drops that are tiny against the gap still to fall, twice running: ℓ_p
                    // is levelling off above the cutoff as the coordinate runs away.
                    let drop = inside.log_likelihood - ll;
                    levelling = if drop <= 1e-9 * (ll - self.target) { levelling + 1 } else { 0 };
                    previous = std::mem::replace(&mut inside, here);
                    if levelling >= 2 {
                        return Err(self.open_at_limit(&inside, sign));
                    }
                    // r grows about linearly from 0 at θ̂: aim 5 % past where it reaches
                    // √q, so the next point usually brackets the end closely; at most 8
                    // times as far, so a profile levelling off is still walked out.
                    let r = self.root(&inside);
                    let grow = if r > 0.0 { 1.05 * self.z() / r } else { 8.0 };
                    h *= grow.clamp(1.05, 8.0);
                }
                At::Outside => return self.towards_edge(inside, v),
                At::Failed(reason, value) => return Err(self.failed(reason, value)),
            }
        }
        Err(self.open_at_limit(&inside, sign))
    }

    /// The side is open: ℓ_p stays above the cutoff as the coordinate runs to its limit.
    fn open_at_limit(&self, inside: &Known, sign: f64) -> Undefined {
        let free = self.model.to_free(&inside.natural);
        let limit = self.model.boundary_limit(&free, self.coordinate, sign > 0.0);
        Undefined::Open {
            parameter: self.name.to_string(),
            edge: limit.value,
            meaning: limit.meaning,
        }
    }

    /// Between `inside` (admitted, above the cutoff) and `outside` (not admitted): halve
    /// towards the edge looking for a value below the cutoff; none means the side is open at
    /// the last admitted value.
    fn towards_edge(&self, mut inside: Known, mut outside: f64) -> Side {
        for _ in 0..MAX_EXPANSIONS {
            let v = 0.5 * (inside.free + outside);
            if v == inside.free || v == outside {
                break;
            }
            match self.at(v, &[&inside.full]) {
                At::Value(ll, natural) => {
                    let here = self.known(v, ll, natural);
                    self.check_higher(&here)?;
                    if ll < self.target {
                        return self.refine(inside, here);
                    }
                    inside = here;
                }
                At::Outside => outside = v,
                At::Failed(reason, value) => return Err(self.failed(reason, value)),
            }
        }
        Err(Undefined::Open {
            parameter: self.name.to_string(),
            edge: inside.natural[self.natural],
            meaning: None,
        })
    }

    /// The crossing of the cutoff between `a` (above) and `b` (below), by Illinois regula
    /// falsi on the signed root r − √q in the free coordinate, each fit started on the line
    /// between the bracket's ends.
    fn refine(&self, mut a: Known, mut b: Known) -> Side {
        let z = self.z();
        let f = |k: &Known| self.root(k) - z;
        let (mut fa, mut fb) = (f(&a), f(&b));
        let centre = self.point.free[self.coordinate];
        let mut kept = 0_i32;
        for _ in 0..MAX_REFINEMENTS {
            let secant = b.free - fb * (b.free - a.free) / (fb - fa);
            let mid = 0.5 * (a.free + b.free);
            let between = |c: f64| (c - a.free) * (c - b.free) < 0.0;
            let c = if fb.is_finite() && between(secant) { secant } else { mid };
            // Close enough: the end known to a billionth of the half-width.
            if (b.free - a.free).abs() <= 1e-9 * (c - centre).abs() || !between(c) {
                break;
            }
            let guess = along(&a, &b, c).unwrap_or_else(|| a.full.clone());
            match self.at(c, &[&guess, &a.full]) {
                At::Value(ll, natural) => {
                    let here = self.known(c, ll, natural);
                    self.check_higher(&here)?;
                    let fc = f(&here);
                    let inside = ll >= self.target;
                    if inside {
                        a = here;
                        fa = fc.min(0.0);
                        // Illinois: the end that stays has its value halved, so the
                        // secant does not creep towards the root from one side only.
                        kept = kept.max(0) + 1;
                        if kept >= 2 {
                            fb *= 0.5;
                        }
                    } else {
                        b = here;
                        fb = fc.max(0.0);
                        kept = kept.min(0) - 1;
                        if kept <= -2 {
                            fa *= 0.5;
                        }
                    }
                    // r is within 1e-10 √q of the cutoff: the end is known to about 1e-10 of
                    // the half-width, as r grows by √q over it.
                    if fc.abs() <= 1e-10 * z {
                        break;
                    }
                }
                At::Outside => {
                    let full = a.full.clone();
                    b = Known {
                        free: c,
                        log_likelihood: f64::NEG_INFINITY,
                        natural: b.natural,
                        full,
                    };
                    fb = f64::INFINITY;
                }
                At::Failed(reason, value) => return Err(self.failed(reason, value)),
            }
        }
        // Of the two ends the one nearer the cutoff, as a natural value.
        let end = if f(&a).abs() <= f(&b).abs() { &a } else { &b };
        Ok(end.natural[self.natural])
    }
}
