//! binomial(n, p): n is fixed (not fitted); free coordinate logit p; the sufficient
//! statistic is Σx, plus Σ ln C(n, x) which does not depend on p.

use std::collections::BTreeMap;

use rand_distr::Distribution as _;
use serde_json::Value;
use statrs::distribution::Discrete as _;
use statrs::function::factorial::ln_binomial;

use crate::stats::family::{
    CHECKED, Family, FamilyKind, ParamValue, logistic, logit, probability, table_entropy,
};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::sums::sum;

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

impl Family for Binomial {
    fn kind(&self) -> FamilyKind {
        FamilyKind::Binomial
    }

    fn shape(&self) -> crate::stats::family::Shape {
        crate::stats::family::Shape { trials: self.trials, categories: 2 }
    }

    fn param_names(&self) -> Vec<String> {
        vec!["p".into()]
    }

    fn support(&self) -> String {
        format!("whole numbers 0 to {} (n)", self.trials)
    }

    fn in_support(&self, x: f64) -> bool {
        x >= 0.0 && x <= self.trials as f64 && x.fract() == 0.0
    }

    fn check(&self, nat: &[f64]) -> Result<(), String> {
        probability("p", nat[0])
    }

    fn to_free(&self, nat: &[f64]) -> Vec<f64> {
        vec![logit(nat[0])]
    }

    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        vec![logistic(free[0])]
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

    fn degenerate(&self, sample: &Sample) -> Option<String> {
        let st = sample.stats();
        let n = self.trials as f64;
        ((st.max == 0.0) || (st.min == n)).then(|| {
            format!(
                "all {} values are {}: the maximum-likelihood p is {}, outside binomial's \
                 parameter space (0 < p < 1)",
                sample.len(),
                st.min,
                st.min / n
            )
        })
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        table_entropy(&self.pmf_table(nat).unwrap_or_default())
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let n = self.trials as f64;
        (n * nat[0], n * nat[0] * (1.0 - nat[0]))
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        use statrs::distribution::DiscreteCDF as _;
        self.dist(nat).inverse_cdf(u) as f64
    }

    fn pmf_table(&self, nat: &[f64]) -> Option<Vec<(f64, f64)>> {
        let d = self.dist(nat);
        Some((0..=self.trials).map(|k| (k as f64, d.pmf(k))).collect())
    }

    fn params_json(&self, nat: &[f64]) -> Value {
        serde_json::json!({ "n": self.trials, "p": nat[0] })
    }

    fn params_from_named(&self, named: &BTreeMap<String, ParamValue>) -> Result<Vec<f64>, String> {
        let mut rest = named.clone();
        if let Some(n) = rest.remove("n")
            && n != ParamValue::Scalar(self.trials as f64)
        {
            return Err(format!("n is fixed at {} for this binomial", self.trials));
        }
        match rest.get("p") {
            Some(ParamValue::Scalar(p)) if rest.len() == 1 => {
                probability("p", *p)?;
                Ok(vec![*p])
            }
            _ => Err("binomial takes n (whole number of trials) and p".into()),
        }
    }
}
