//! Information criteria: AIC = 2k − 2ℓ̂, AICc = AIC + 2k(k + 1)/(m − k − 1) and
//! BIC = k ln m − 2ℓ̂, with k the free dimension (a categorical's k − 1 log-odds, binomial's
//! p alone: a fixed part is not estimated).

use super::{Fitted, Undefined, unusable};
use crate::stats::model::Model;

/// AIC, AICc and BIC of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Criteria {
    /// The number of estimated parameters k.
    pub parameters: usize,
    /// 2k − 2ℓ̂.
    pub aic: Result<f64, Undefined>,
    /// AIC + 2k(k + 1)/(m − k − 1), defined for m > k + 1.
    pub aicc: Result<f64, Undefined>,
    /// k ln m − 2ℓ̂.
    pub bic: Result<f64, Undefined>,
}

impl Criteria {
    /// The criteria at a fit's final point. At the boundary ℓ is within the tolerance of its
    /// supremum, which is what a comparison of families needs, so they are given there too;
    /// a fit short of a maximum has none.
    #[must_use]
    pub fn new(model: &dyn Model, fitted: &Fitted) -> Self {
        let k = model.dim();
        let m = model.points();
        let ll = fitted.point.log_likelihood;
        let reached = match unusable(model, fitted) {
            Some(Undefined::Boundary(_)) | None => Ok(ll),
            Some(why) => Err(why),
        };
        let (kf, mf) = (k as f64, m as f64);
        let aic = reached.clone().map(|ll| 2.0 * kf - 2.0 * ll);
        let aicc = match &aic {
            Ok(_) if m <= k + 1 => Err(Undefined::TooFewPoints { points: m, parameters: k }),
            a => a.clone().map(|a| a + 2.0 * kf * (kf + 1.0) / (mf - kf - 1.0)),
        };
        let bic = reached.map(|ll| kf * mf.ln() - 2.0 * ll);
        Self { parameters: k, aic, aicc, bic }
    }
}
