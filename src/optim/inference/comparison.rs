//! Comparing fitted families on one dataset: ΔAIC and Akaike weights over the models that
//! reached a maximum, and likelihood-ratio tests for the nested pairs of the catalogue.
//!
//! A likelihood-ratio test needs the smaller model to be the larger with a parameter fixed.
//! Where the fixed value is inside the larger model's parameter space (gamma's and weibull's
//! shape = 1 give the exponential, a t with df = 1 is the cauchy), Wilks' theorem gives
//! 2(ℓ̂₁ − ℓ̂₀) → χ²₁ under the smaller model. Where it is on the boundary (the normal is the
//! t as df → ∞), the parameter can only move off it one way, and the statistic's null
//! distribution is the 50:50 mixture ½χ²₀ + ½χ²₁ (Self and Liang 1987): half the time the
//! larger fit sits on the boundary and the statistic is 0.

use statrs::distribution::{ChiSquared, ContinuousCDF as _};

use crate::stats::family::FamilyKind;

/// Where the smaller model sits in the larger model's parameter space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At an interior point: the statistic is χ²₁ under the smaller model.
    Interior,
    /// On the boundary (a limit of the parameter): ½χ²₀ + ½χ²₁.
    Boundary,
}

/// A nested pair of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nested {
    /// The smaller model (the null hypothesis).
    pub null: FamilyKind,
    /// The larger model.
    pub alternative: FamilyKind,
    /// The restriction of the larger model's parameters that gives the smaller, in words.
    pub restriction: &'static str,
    /// Where that restriction lies.
    pub nesting: Nesting,
}

/// The nested pairs of one-parameter restrictions in the catalogue.
pub const NESTED: [Nested; 4] = [
    Nested {
        null: FamilyKind::Exponential,
        alternative: FamilyKind::Gamma,
        restriction: "shape = 1",
        nesting: Nesting::Interior,
    },
    Nested {
        null: FamilyKind::Exponential,
        alternative: FamilyKind::Weibull,
        restriction: "shape = 1",
        nesting: Nesting::Interior,
    },
    Nested {
        null: FamilyKind::Cauchy,
        alternative: FamilyKind::StudentT,
        restriction: "df = 1",
        nesting: Nesting::Interior,
    },
    Nested {
        null: FamilyKind::Normal,
        alternative: FamilyKind::StudentT,
        restriction: "df → ∞",
        nesting: Nesting::Boundary,
    },
];

/// A likelihood-ratio test of a nested pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LrTest {
    /// 2(ℓ̂₁ − ℓ̂₀), at least 0.
    pub statistic: f64,
    /// The number of parameters the restriction fixes.
    pub df: usize,
    /// P(T ≥ statistic) under the null's reference distribution.
    pub p_value: f64,
    /// Which reference distribution.
    pub nesting: Nesting,
}

/// Why a pair has no test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LrUndefined {
    /// The larger model's maximum is below the smaller's by more than rounding: the larger
    /// fit found a local maximum (it contains the smaller, so its global maximum cannot be
    /// lower).
    LargerLower {
        /// ℓ̂₀ − ℓ̂₁.
        deficit: f64,
    },
}

/// The likelihood-ratio test of the restriction `nesting` from ℓ̂ of the smaller model
/// (`null`) and of the larger (`alternative`).
pub fn lr_test(null: f64, alternative: f64, nesting: Nesting) -> Result<LrTest, LrUndefined> {
    let raw = 2.0 * (alternative - null);
    // The two maxima are each known to the fit's tolerance, about 1e-8 of |ℓ| / m per point:
    // a shortfall within 1e-9 |ℓ| is that, and the statistic is 0.
    let slack = 1e-9 * null.abs().max(1.0);
    if raw < -2.0 * slack {
        return Err(LrUndefined::LargerLower { deficit: -raw / 2.0 });
    }
    let statistic = raw.max(0.0);
    let tail = ChiSquared::new(1.0).expect("one degree of freedom is valid").sf(statistic);
    let p_value = match nesting {
        Nesting::Interior => tail,
        // χ²₀ is a point mass at 0: P(T ≥ 0) = 1, P(T ≥ t) = ½ P(χ²₁ ≥ t) for t > 0.
        Nesting::Boundary if statistic == 0.0 => 1.0,
        Nesting::Boundary => 0.5 * tail,
    };
    Ok(LrTest { statistic, df: 1, p_value, nesting })
}

/// ΔAIC = AIC − min AIC and the Akaike weights exp(−Δ/2) / Σ exp(−Δ/2) of a set of AICs,
/// in the order given.
#[must_use]
pub fn akaike_weights(aic: &[f64]) -> Vec<(f64, f64)> {
    let best = aic.iter().copied().fold(f64::INFINITY, f64::min);
    // Relative to the best, so the largest term is exp(0) = 1 and none overflows; a model
    // 1500 AIC units behind has weight exp(−750), which rounds to 0, as it should.
    let delta: Vec<f64> = aic.iter().map(|a| a - best).collect();
    let total: f64 = delta.iter().map(|d| (-0.5 * d).exp()).sum();
    delta.iter().map(|&d| (d, (-0.5 * d).exp() / total)).collect()
}
