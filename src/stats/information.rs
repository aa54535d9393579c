//! Entropy, cross-entropy and relative entropy between the data, the truth and the model:
//! the quantities the seed ties together, H(p, q) = H(p) + D(p‖q).

use std::f64::consts::LN_2;

use serde::Serialize;

use super::family::Family;
use super::quadrature::Nodes;
use super::sample::Sample;
use super::sums::sum;

/// A quantity in nats and bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Nats {
    /// Natural-log units.
    pub nats: f64,
    /// Base-2 units: nats / ln 2.
    pub bits: f64,
}

impl Nats {
    /// Wraps a value in nats.
    #[must_use]
    pub fn new(nats: f64) -> Self {
        Self { nats, bits: nats / LN_2 }
    }
}

/// The exact decomposition for whole-number data: p̂(k) = count(k)/m.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EmpiricalDecomposition {
    /// H(p̂) = −Σ p̂ ln p̂.
    pub empirical_entropy: f64,
    /// H(p̂, q) = −Σ p̂ ln q = −ℓ/m.
    pub cross_entropy: f64,
    /// D(p̂‖q) = Σ p̂ ln(p̂/q), summed directly (not as a difference) so it is ≥ 0 to rounding.
    pub kl_divergence: f64,
}

/// Decomposes H(p̂, q_θ) for whole-number data under a discrete model; None for data that is
/// not whole numbers or a continuous model (where D(p̂‖q) is undefined).
pub fn empirical_decomposition<F: Family + ?Sized>(
    family: &F,
    nat: &[f64],
    sample: &Sample,
) -> Option<EmpiricalDecomposition> {
    if !family.kind().is_discrete() {
        return None;
    }
    let pmf = sample.empirical_pmf()?;
    let ln_q: Vec<f64> = pmf.iter().map(|&(k, _)| family.ln_density(nat, k as f64)).collect();
    Some(EmpiricalDecomposition {
        empirical_entropy: -sum(pmf.iter().map(|&(_, p)| p * p.ln())),
        cross_entropy: -sum(pmf.iter().zip(&ln_q).map(|(&(_, p), lq)| p * lq)),
        kl_divergence: sum(pmf.iter().zip(&ln_q).map(|(&(_, p), lq)| p * (p.ln() - lq))),
    })
}

/// The decomposition against a known truth p.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TruthDecomposition {
    /// H(p) (differential entropy h(p) for a continuous truth).
    pub truth_entropy: f64,
    /// H(p, q_θ) = −E_p[ln q_θ].
    pub cross_entropy: f64,
    /// D(p‖q_θ) = E_p[ln p − ln q_θ].
    pub kl_divergence: f64,
    /// Why H(p, q_θ) and D(p‖q_θ) are +∞, when they are.
    #[serde(skip)]
    pub infinite: Option<Infinite>,
}

/// Why the cross-entropy against a truth is infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Infinite {
    /// The model has density 0 (or below the smallest f64) where the truth has mass.
    Support,
    /// The truth's tails are too heavy for the model: −ln q grows like |x|^`growth` while
    /// the truth's moments exist only below order `tail_index` ≤ `growth` (a normal model of
    /// Cauchy data needs a second moment the truth does not have).
    Tails {
        /// The power of |x| at which the model's −ln q grows in its tails.
        growth: f64,
        /// The truth's moments of order below this are finite.
        tail_index: f64,
    },
}

/// The truth's integration rule, made once per truth and reused for every θ.
#[derive(Debug)]
pub struct Truth {
    family: Box<dyn Family>,
    nat: Vec<f64>,
    nodes: Nodes,
    ln_p: Vec<f64>,
    entropy: f64,
}

impl Truth {
    /// Prepares the nodes and the truth's own log-density at them.
    #[must_use]
    pub fn new(family: &dyn Family, nat: &[f64]) -> Self {
        let family = family.boxed();
        let nodes = Nodes::new(family.as_ref(), nat);
        let ln_p = nodes.points.iter().map(|&(x, _)| family.ln_density(nat, x)).collect();
        let entropy = family.entropy(nat);
        Self { family, nat: nat.to_vec(), nodes, ln_p, entropy }
    }

    /// The truth's family.
    #[must_use]
    pub fn family(&self) -> &dyn Family {
        self.family.as_ref()
    }

    /// The truth's natural parameters.
    #[must_use]
    pub fn params(&self) -> &[f64] {
        &self.nat
    }

    /// The truth's integration rule (quadrature nodes, or its probability table).
    #[must_use]
    pub fn nodes(&self) -> &Nodes {
        &self.nodes
    }

    /// H(p), D(p‖q) and H(p, q) for a model. Returns an infinite cross-entropy when the model
    /// gives zero density where the truth has mass.
    #[must_use]
    pub fn decompose(&self, model: &dyn Family, nat: &[f64]) -> TruthDecomposition {
        // E_p|X|^k is infinite for k at or past the truth's tail index: no quadrature then,
        // whose truncated tails would give a large finite number instead.
        let (growth, tail_index) = (model.tail_growth(nat), self.family.tail_index(&self.nat));
        if growth > 0.0 && growth >= tail_index {
            return TruthDecomposition {
                truth_entropy: self.entropy,
                cross_entropy: f64::INFINITY,
                kl_divergence: f64::INFINITY,
                infinite: Some(Infinite::Tails { growth, tail_index }),
            };
        }
        let mut cross = super::sums::Neumaier::new();
        let mut kl = super::sums::Neumaier::new();
        for (&(x, w), &lp) in self.nodes.points.iter().zip(&self.ln_p) {
            if w <= 0.0 {
                continue;
            }
            let lq = if model.in_support(x) { model.ln_density(nat, x) } else { f64::NEG_INFINITY };
            cross.add(-w * lq);
            kl.add(w * (lp - lq));
        }
        let cross_entropy = cross.total();
        TruthDecomposition {
            truth_entropy: self.entropy,
            cross_entropy,
            kl_divergence: kl.total(),
            infinite: (cross_entropy == f64::INFINITY).then_some(Infinite::Support),
        }
    }
}
