//! binomial(n, p): n is fixed (not fitted); free coordinate logit p; the sufficient
//! statistic is Σx, plus Σ ln C(n, x) which does not depend on p.

use rand_distr::Distribution as _;
use statrs::distribution::Discrete as _;
use statrs::function::factorial::ln_binomial;

use crate::stats::family::{Cdf, CHECKED, Degenerate, Declare, Domain, Family, FixedPart, FromData, InTruth, Last, ParamSpec, Set, Shape, Support, table_entropy};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::sums::sum;

/// Binomial's fixed part: the number of trials n, given by a truth's `n` or a model's
/// `trials` (the data only bound it from below, so a model of a data file must be told).
pub const TRIALS: FixedPart = FixedPart {
    name: "n",
    what: "number of trials",
    key: "trials",
    min: 1,
    max: MAX_TRIALS,
    default: 1,
    from_data: FromData::Required,
    in_truth: InTruth::Named,
    in_json: true,
};

/// Binomial n above this is refused: the truth's probability table has n + 1 entries.
pub const MAX_TRIALS: u64 = 1_000_000;

/// The binomial distribution with a fixed number of trials.
#[derive(Debug, Clone, Copy)]
pub struct Binomial {
    /// The number of trials n.
    pub trials: u64,
}

impl Binomial {
    fn dist(self, nat: &[f64]) -> statrs::distribution::Binomial {
        statrs::distribution::Binomial::new(nat[0], self.trials).expect(CHECKED)
    }
}

impl Declare for Binomial {
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::new("p", Domain::Probability)];
    const FIXED: Option<&'static FixedPart> = Some(&TRIALS);
    const SUPPORT: Support = Support { set: Set::Whole { from: 0, last: Last::Fixed }, text: "whole numbers 0 to {last} (n)" };
    const EXAMPLE: (Option<u64>, &'static [f64]) = (Some(10), &[0.3]);

    fn build(shape: Shape) -> Self {
        Self { trials: shape.0.unwrap_or(TRIALS.default) }
    }
}

impl Family for Binomial {
    fn shape(&self) -> Shape {
        Shape::fixed(self.trials)
    }

    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // statrs takes a u64, and `as` would truncate 2.5 to 2 and saturate −1 to 0.
        if !self.in_support(x) {
            return f64::NEG_INFINITY;
        }
        self.dist(nat).ln_pmf(x as u64)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        grad[0] += x - self.trials as f64 * nat[0];
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let combos = match sample.stats().counts.as_ref() {
            Some(counts) => {
                sum(counts.iter().map(|&(k, c)| c as f64 * ln_binomial(self.trials, k as u64)))
            }
            None => sum(sample.values().iter().map(|&x| ln_binomial(self.trials, x as u64))),
        };
        let successes = sample.stats().x.sum;
        let failures = sample.len() as f64 * self.trials as f64 - successes;
        combos + successes * nat[0].ln() + failures * (-nat[0]).ln_1p()
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        grad[0] = sample.stats().x.sum - sample.len() as f64 * self.trials as f64 * nat[0];
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand_distr::Binomial::new(self.trials, nat[0]).expect(CHECKED);
        d.sample_iter(rng).take(n).map(|k| k as f64).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        Some(vec![sample.stats().x.mean / self.trials as f64])
    }

    fn start(&self, _sample: &Sample) -> Vec<f64> {
        vec![0.5]
    }

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        let st = sample.stats();
        let n = self.trials as f64;
        ((st.max == 0.0) || (st.min == n)).then(|| Degenerate::outside(sample, "p", st.min / n))
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        table_entropy(&self.pmf_table(nat).unwrap_or_default())
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let n = self.trials as f64;
        (n * nat[0], n * nat[0] * (1.0 - nat[0]))
    }

    fn discrete_cdf(&self, nat: &[f64], k: u64) -> Option<Cdf> {
        use statrs::distribution::DiscreteCDF as _;
        let d = self.dist(nat);
        Some(Cdf::new(d.cdf(k), d.sf(k)))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        use statrs::distribution::DiscreteCDF as _;
        self.dist(nat).inverse_cdf(u) as f64
    }

    fn pmf_table(&self, nat: &[f64]) -> Option<Vec<(f64, f64)>> {
        let d = self.dist(nat);
        Some((0..=self.trials).map(|k| (k as f64, d.pmf(k))).collect())
    }


    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        Some(vec![vec![self.trials as f64 / (nat[0] * (1.0 - nat[0]))]])
    }
}
