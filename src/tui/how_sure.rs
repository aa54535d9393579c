//! How sure the run's fit is, as the explorer shows it: the engine's inference at the MLE
//! (standard errors, sandwich, Wald and profile intervals, AIC) and the QQ/PP points of the
//! data against the fitted model, computed once per run on the loop's worker (with the
//! build), never per frame.

use crate::optim::fit::StopReason;
use crate::optim::inference::{Fitted, Inference, Level, infer};
use crate::stats::family::Family;
use crate::stats::goodness::{PlotPoint, plot_points_sorted};
use crate::stats::model::Model as _;
use crate::stats::objective::Objective;

/// Parameters past this many get no inference in the explorer: inverting the information
/// costs its cube on every build (a categorical has up to 999).
pub const MAX_DIM: usize = 50;
/// Profile intervals of a model of several parameters are traced up to this many points:
/// each is a dozen Newton fits, which at 10^6 points would hold every rebuild a second or
/// more (`mlex fit` computes them at any size). A one-parameter profile is ℓ itself, cheap
/// at any size.
pub const PROFILE_MAX_POINTS: usize = 200_000;
/// QQ and PP points drawn (evenly spaced in rank).
const PLOT_POINTS: usize = 240;

/// The run's inference and plotting points.
#[derive(Debug, Clone)]
pub struct HowSure {
    /// The engine's inference at the MLE; None past [`MAX_DIM`] parameters.
    pub inference: Option<Inference>,
    /// ℓ at the MLE.
    pub ll_hat: f64,
    /// Whether the profile intervals were left out for the sample's size.
    pub profile_skipped: bool,
    /// QQ/PP points at the MLE, or why there are none.
    pub plot: Result<Vec<PlotPoint>, String>,
}

impl HowSure {
    /// Inference at `mle`, which the search stopped at for `reason` (a closed form counts as
    /// converged), with `kinked` free coordinates; `sorted` is the sample in order.
    #[must_use]
    pub fn at(
        objective: &Objective<'_>,
        mle: &[f64],
        reason: StopReason,
        kinked: &[bool],
        sorted: &[f64],
    ) -> Self {
        let point = objective.eval_natural(mle);
        let dim = objective.dim();
        let profile_skipped = dim > 1 && objective.sample.len() > PROFILE_MAX_POINTS;
        let inference = (dim <= MAX_DIM).then(|| {
            let fitted = Fitted { point: &point, reason, kinked };
            infer(objective, &fitted, Level::default(), !profile_skipped)
        });
        Self {
            inference,
            ll_hat: point.log_likelihood,
            profile_skipped,
            plot: plot(objective.family, mle, sorted),
        }
    }

    /// The naive standard errors, None where undefined.
    #[must_use]
    pub fn se(&self, dim: usize) -> Vec<Option<f64>> {
        self.inference
            .as_ref()
            .map_or_else(|| vec![None; dim], |i| i.se().into_iter().map(Result::ok).collect())
    }
}

/// QQ and PP points of the data against the model at `nat`.
fn plot(family: &dyn Family, nat: &[f64], sorted: &[f64]) -> Result<Vec<PlotPoint>, String> {
    plot_points_sorted(family, nat, sorted, PLOT_POINTS).ok_or_else(|| {
        format!(
            "QQ and PP plots compare a continuous model's distribution function with the data; \
             {} is discrete (its fit is read off the bars of the histogram)",
            family.kind()
        )
    })
}
