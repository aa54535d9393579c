//! The pseudo-true θ* of a model against a known truth p: θ* = argmin D(p‖q_θ) =
//! argmax E_p[ln q_θ], where a misspecified fit converges as m grows (White 1982); θ* is the
//! truth itself when the model's family contains it. E_p is taken over the truth's own
//! integration rule (`stats::quadrature`: tanh-sinh nodes in quantile space, exact sums for
//! a discrete truth), and maximised by Newton's method with the fit's stopping rules,
//! treating the nodes as a weighted sample.

use super::expected::carry;
use crate::optim::fit::{Fit, StopReason, Stopping};
use crate::optim::{OptimizerKind, Settings};
use crate::stats::family::{Family, FamilyKind, Limit};
use crate::stats::information::{Infinite, Truth};
use crate::stats::model::Model;
use crate::stats::sample::Sample;

/// Points of the quantile-spaced stand-in sample the start is taken from.
const START_POINTS: usize = 4096;

/// Why a model has no pseudo-true θ* against a truth.
#[derive(Debug, Clone, PartialEq)]
pub enum NoPseudoTrue {
    /// E_p[ln q_θ] is −∞ for every θ: the model gives zero density where the truth has mass,
    /// or the truth's tails are too heavy for it.
    Infinite(Infinite),
    /// The model's moment start is not a θ for this truth (its values leave the model's
    /// parameter space).
    NoStart,
    /// Maximising E_p[ln q_θ] stopped short of a maximum, or θ* runs to the boundary of the
    /// parameter space (a t fitted to a normal truth: df → ∞), where this is its limit.
    Fit(StopReason, Option<Limit>),
}

/// E_p[ln q_θ] over a truth's nodes, as a model of "one point": its ℓ is the expectation.
struct Expected<'a> {
    family: &'a dyn Family,
    nodes: &'a [(f64, f64)],
}

impl Model for Expected<'_> {
    fn dim(&self) -> usize {
        self.family.dim()
    }

    fn points(&self) -> usize {
        1
    }

    fn param_names(&self) -> Vec<String> {
        self.family.param_names()
    }

    fn to_free(&self, natural: &[f64]) -> Vec<f64> {
        self.family.to_free(natural)
    }

    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        self.family.to_natural(free)
    }

    fn admits(&self, natural: &[f64]) -> bool {
        self.family.check(natural).is_ok()
    }

    fn log_likelihood(&self, natural: &[f64]) -> f64 {
        let mut g = vec![0.0; self.dim()];
        self.value_and_gradient(natural, &mut g)
    }

    fn value_and_gradient(&self, natural: &[f64], gradient: &mut [f64]) -> f64 {
        let mut value = crate::stats::sums::Neumaier::new();
        let mut score = vec![0.0; gradient.len()];
        gradient.fill(0.0);
        for &(x, w) in self.nodes {
            value.add(w * self.family.ln_density(natural, x));
            score.fill(0.0);
            self.family.add_score(natural, x, &mut score);
            for (g, s) in gradient.iter_mut().zip(&score) {
                *g += w * s;
            }
        }
        value.total()
    }

    fn ln_points(&self, natural: &[f64], first: usize, out: &mut [f64]) {
        for (slot, &(x, _)) in out.iter_mut().zip(&self.nodes[first..]) {
            *slot = self.family.ln_density(natural, x);
        }
    }

    fn boundary_limit(&self, free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        self.family.boundary_limit(free, coordinate, increasing)
    }

    fn natural_jacobian(&self, free: &[f64]) -> Vec<Vec<f64>> {
        self.family.layout().jacobian(free)
    }
}

/// A deterministic stand-in sample of the truth for the model's moment start: quantiles at
/// (i + ½)/N for a continuous truth, each value repeated in proportion to its mass for a
/// discrete one.
fn stand_in(truth: &Truth) -> Sample {
    let (family, nat) = (truth.family(), truth.params());
    let n = START_POINTS;
    if let Some(table) = family.pmf_table(nat) {
        let mut values = Vec::with_capacity(n);
        for (x, p) in table {
            values.extend(std::iter::repeat_n(x, (p * n as f64).round() as usize));
        }
        return Sample::new(values);
    }
    Sample::new((0..n).map(|i| family.quantile(nat, (i as f64 + 0.5) / n as f64)).collect())
}

/// The laplace's θ*, which Newton cannot reach over a finite rule (ln q has a kink at every
/// node): E_p|X − loc| is least at a median of p, and the scale is that mean distance.
fn laplace(truth: &Truth) -> Vec<f64> {
    let nodes = &truth.nodes().points;
    let (family, nat) = (truth.family(), truth.params());
    let median = if family.kind().is_discrete() {
        let mut mass = 0.0;
        nodes
            .iter()
            .find(|&&(_, w)| {
                mass += w;
                mass >= 0.5
            })
            .map_or(0.0, |&(x, _)| x)
    } else {
        family.quantile(nat, 0.5)
    };
    let scale = crate::stats::sums::sum(nodes.iter().map(|&(x, w)| w * (x - median).abs()));
    vec![median, scale]
}

/// θ* of `model` (with its fixed part) against `truth`, in the model's natural parameters.
pub fn pseudo_true(model: &dyn Family, truth: &Truth) -> Result<Vec<f64>, NoPseudoTrue> {
    let sample = stand_in(truth);
    if !model.supports(sample.stats()) {
        return Err(NoPseudoTrue::Infinite(Infinite::Support));
    }
    let start =
        if model.kind() == FamilyKind::Laplace { laplace(truth) } else { model.start(&sample) };
    if model.check(&start).is_err() {
        return Err(NoPseudoTrue::NoStart);
    }
    if let Some(why) = truth.decompose(model, &start).infinite {
        return Err(NoPseudoTrue::Infinite(why));
    }
    if model.kind() == FamilyKind::Laplace {
        return Ok(start);
    }
    let expected = Expected { family: model, nodes: &truth.nodes().points };
    if !expected.eval_natural(&start).is_finite() {
        return Err(NoPseudoTrue::NoStart);
    }
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let mut fit = Fit::new(&expected, &start, settings);
    // From the moment start Newton needs under 20 steps wherever θ* is interior; towards a θ*
    // at the boundary it takes steps of constant size in the free coordinate (ln df grows by
    // ½ a step as E_p ln q flattens like 1/df²), which `running` recognises.
    let stopping = Stopping { max_steps: STEPS, tolerance: 1e-10 };
    let reason = fit.run(&expected, &stopping);
    if let Some((coordinate, increasing)) = running(&fit, model, &start) {
        let limit = model.boundary_limit(&fit.current().free, coordinate, increasing);
        return Err(NoPseudoTrue::Fit(
            StopReason::Boundary { coordinate, increasing },
            Some(limit),
        ));
    }
    if reason.converged() {
        return Ok(fit.current().natural.clone());
    }
    let limit = match reason {
        StopReason::Boundary { coordinate, increasing } => {
            Some(model.boundary_limit(&fit.current().free, coordinate, increasing))
        }
        _ => None,
    };
    Err(NoPseudoTrue::Fit(reason, limit))
}

/// Newton steps allowed; see [`pseudo_true`].
const STEPS: usize = 60;

/// How far (in free units: a factor e^8 ≈ 3000 in a scale or df, a probability from ½ to
/// 0.9997) θ may run from the truth's moment start before θ* is taken to lie at the edge of
/// the parameter space that way: an interior θ* is within a few units of those moments, and
/// past this a family's densities (statrs' t at df 10^6) lose the digits that would let the
/// boundary rule see the gains fall off.
const FAR: f64 = 8.0;

/// The free coordinate that ran more than [`FAR`] from the start, and which way.
fn running(fit: &Fit, model: &dyn Family, start: &[f64]) -> Option<(usize, bool)> {
    let from = model.to_free(start);
    let to = &fit.current().free;
    (0..to.len()).find_map(|j| ((to[j] - from[j]).abs() > FAR).then_some((j, to[j] > from[j])))
}

/// The sandwich covariance of θ̂ at θ* for m points, A⁻¹ B A⁻¹ / m in the natural
/// parameters (through the free coordinates), with A = −E_p[∇² ln q] and B = E_p[s sᵀ] over
/// the truth: what governs a misspecified model's spread. None where A is not invertible.
#[must_use]
pub fn sandwich_at(
    model: &dyn Family,
    truth: &Truth,
    theta: &[f64],
    m: usize,
) -> Option<Vec<Vec<f64>>> {
    let expected = Expected { family: model, nodes: &truth.nodes().points };
    let free = model.to_free(theta);
    let d = free.len();
    let a: Vec<Vec<f64>> =
        expected.hessian(&free).iter().map(|row| row.iter().map(|v| -v).collect()).collect();
    let mut b = vec![vec![0.0; d]; d];
    let mut s = vec![0.0; d];
    for &(x, w) in expected.nodes {
        s.fill(0.0);
        model.add_score(theta, x, &mut s);
        for i in 0..d {
            for j in 0..d {
                b[i][j] += w * s[i] * s[j];
            }
        }
    }
    let a_inv = crate::optim::linalg::inverse_positive_definite(&a)?;
    let mid = product(&product(&a_inv, &b), &a_inv);
    let jac = model.layout().jacobian(&free);
    Some(carry(&jac, &mid, m))
}

fn product(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let (n, k, p) = (a.len(), b.len(), b.first().map_or(0, Vec::len));
    (0..n).map(|i| (0..p).map(|j| (0..k).map(|l| a[i][l] * b[l][j]).sum()).collect()).collect()
}
