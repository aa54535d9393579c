//! categorical(p): k categories {0, …, k−1}. Free coordinates are the k−1 log-odds
//! ln(p_j / p_{k−1}) (softmax with the last logit pinned at 0), so the free space has no
//! redundant direction and Newton's Hessian stays invertible.

use std::collections::BTreeMap;

use rand_distr::Distribution as _;
use serde_json::Value;
use statrs::distribution::Discrete as _;

use crate::stats::family::{CHECKED, Family, FamilyKind, Limit, ParamValue, table_entropy};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::sums::sum;

/// The categorical distribution on k categories.
#[derive(Debug, Clone, Copy)]
pub struct Categorical {
    /// Number of categories k ≥ 2.
    pub k: usize,
}

/// How far a list of probabilities may sum from 1 before it is refused (then it is
/// renormalised exactly).
const SUM_TOLERANCE: f64 = 1e-9;

impl Family for Categorical {
    fn kind(&self) -> FamilyKind {
        FamilyKind::Categorical
    }

    fn shape(&self) -> crate::stats::family::Shape {
        crate::stats::family::Shape { trials: 1, categories: self.k }
    }

    fn param_names(&self) -> Vec<String> {
        (0..self.k).map(|j| format!("p[{j}]")).collect()
    }

    fn dim(&self) -> usize {
        self.k - 1
    }

    fn support(&self) -> String {
        format!("whole numbers 0 to {}, one per category", self.k - 1)
    }

    fn in_support(&self, x: f64) -> bool {
        x >= 0.0 && x < self.k as f64 && x.fract() == 0.0
    }

    fn check(&self, nat: &[f64]) -> Result<(), String> {
        if nat.len() != self.k {
            return Err(format!("p must list {} probabilities, got {}", self.k, nat.len()));
        }
        if let Some((j, p)) = nat.iter().enumerate().find(|(_, p)| !(**p > 0.0 && **p < 1.0)) {
            return Err(format!(
                "p[{j}] must lie strictly between 0 and 1, got {}",
                crate::format::exact(*p)
            ));
        }
        let total = sum(nat.iter().copied());
        if (total - 1.0).abs() > SUM_TOLERANCE {
            return Err(format!("the probabilities p must sum to 1, they sum to {total}"));
        }
        Ok(())
    }

    fn to_free(&self, nat: &[f64]) -> Vec<f64> {
        let last = nat[self.k - 1].ln();
        nat[..self.k - 1].iter().map(|p| p.ln() - last).collect()
    }

    fn to_natural(&self, free: &[f64]) -> Vec<f64> {
        // Subtract the largest logit so no exponential overflows.
        let top = free.iter().copied().fold(0.0, f64::max);
        let mut p: Vec<f64> = free.iter().map(|u| (u - top).exp()).collect();
        p.push((-top).exp());
        let total = sum(p.iter().copied());
        for q in &mut p {
            *q /= total;
        }
        p
    }

    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // statrs takes a u64, and `as` would truncate 2.5 to 2 and saturate −1 to 0.
        if !self.in_support(x) {
            return f64::NEG_INFINITY;
        }
        statrs::distribution::Categorical::new(nat).expect(CHECKED).ln_pmf(x as u64)
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        for (j, g) in grad.iter_mut().enumerate() {
            *g += f64::from(u8::from(x as usize == j)) - nat[j];
        }
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        if !self.supports(sample.stats()) {
            return f64::NEG_INFINITY;
        }
        let st = sample.stats();
        sum((0..self.k).map(|j| {
            let c = st.count_of(j as i64) as f64;
            if c > 0.0 { c * nat[j].ln() } else { 0.0 }
        }))
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        let st = sample.stats();
        let n = sample.len() as f64;
        for (j, g) in grad.iter_mut().enumerate() {
            *g = st.count_of(j as i64) as f64 - n * nat[j];
        }
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        let d = rand::distr::weighted::WeightedIndex::new(nat).expect(CHECKED);
        d.sample_iter(rng).take(n).map(|j| j as f64).collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        let n = sample.len() as f64;
        Some((0..self.k).map(|j| sample.stats().count_of(j as i64) as f64 / n).collect())
    }

    fn start(&self, _sample: &Sample) -> Vec<f64> {
        vec![1.0 / self.k as f64; self.k]
    }

    fn degenerate(&self, sample: &Sample) -> Option<String> {
        let st = sample.stats();
        (st.min == st.max).then(|| {
            format!(
                "all {} values are category {}: its maximum-likelihood probability is 1, on the \
                 boundary of categorical's parameter space",
                sample.len(),
                st.min
            )
        })
    }

    fn boundary_limit(&self, _free: &[f64], coordinate: usize, increasing: bool) -> Limit {
        // u_j = ln(p_j / p_last): u_j → −∞ forces p_j → 0, and u_j → +∞ forces p_last → 0
        // (p_last ≤ p_last / p_j); nothing forces p_j → 1 unless every other category empties.
        let j = if increasing { self.k - 1 } else { coordinate };
        Limit {
            parameter: format!("p[{j}]"),
            value: 0.0,
            meaning: Some("a category the data never show"),
        }
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        table_entropy(&self.pmf_table(nat).unwrap_or_default())
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        let mean = sum(nat.iter().enumerate().map(|(j, p)| j as f64 * p));
        let second = sum(nat.iter().enumerate().map(|(j, p)| (j * j) as f64 * p));
        (mean, second - mean * mean)
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        let mut acc = 0.0;
        for (j, p) in nat.iter().enumerate() {
            acc += p;
            if u <= acc {
                return j as f64;
            }
        }
        (self.k - 1) as f64
    }

    fn pmf_table(&self, nat: &[f64]) -> Option<Vec<(f64, f64)>> {
        Some(nat.iter().enumerate().map(|(j, p)| (j as f64, *p)).collect())
    }

    fn params_json(&self, nat: &[f64]) -> Value {
        serde_json::json!({ "p": nat })
    }

    fn params_from_named(&self, named: &BTreeMap<String, ParamValue>) -> Result<Vec<f64>, String> {
        match (named.get("p"), named.len()) {
            (Some(ParamValue::List(p)), 1) => {
                self.check(p)?;
                let total = sum(p.iter().copied());
                Ok(p.iter().map(|q| q / total).collect())
            }
            _ => {
                Err("categorical takes one parameter, p: a list of probabilities summing to 1"
                    .into())
            }
        }
    }
}
