//! categorical(p): k categories {0, …, k−1}. Free coordinates are the k−1 log-odds
//! ln(p_j / p_{k−1}) (softmax with the last logit pinned at 0), so the free space has no
//! redundant direction and Newton's Hessian stays invertible.

use rand_distr::Distribution as _;

use crate::stats::family::{CHECKED, Degenerate, Declare, Domain, Family, FixedPart, FromData, InTruth, Last, ParamSpec, Set, Shape, Support, table_entropy};
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::sums::sum;

/// The categorical distribution on k categories.
#[derive(Debug, Clone, Copy)]
pub struct Categorical {
    /// Number of categories k ≥ 2.
    pub k: usize,
}

/// Categorical's fixed part: the number of categories k, the length of a truth's p, or a
/// model's `categories`, else one more than the largest value of the data.
pub const CATEGORIES: FixedPart = FixedPart {
    name: "k",
    what: "number of categories",
    key: "categories",
    min: 2,
    max: MAX_CATEGORIES,
    default: 2,
    from_data: FromData::LargestPlusOne,
    in_truth: InTruth::LengthOf("p"),
    in_json: false,
};

/// Categories above this are refused: Newton's step, the check of a maximum and the
/// inference factorise the dense (k − 1)² curvature, which costs k³ (about 10 s at k = 10³
/// with the inference object, minutes at 10⁴).
pub const MAX_CATEGORIES: u64 = 1_000;

impl Declare for Categorical {
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::new("p", Domain::Simplex)];
    const FIXED: Option<&'static FixedPart> = Some(&CATEGORIES);
    const SUPPORT: Support = Support { set: Set::Whole { from: 0, last: Last::BelowFixed }, text: "whole numbers 0 to {last}, one per category" };
    const EXAMPLE: (Option<u64>, &'static [f64]) = (Some(4), &[0.1, 0.2, 0.3, 0.4]);

    fn build(shape: Shape) -> Self {
        Self { k: shape.0.map_or(2, |k| k as usize).max(2) }
    }
}

impl Family for Categorical {
    fn shape(&self) -> Shape {
        Shape::fixed(self.k as u64)
    }

    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // statrs takes a u64, and `as` would truncate 2.5 to 2 and saturate −1 to 0.
        if !self.in_support(x) {
            return f64::NEG_INFINITY;
        }
        // ln p_x read off directly: statrs' Categorical::new builds a k-entry table, which
        // per point made the explorer's underflow trace cost m·k (a second a step at k = 10³).
        nat.get(x as usize).map_or(f64::NEG_INFINITY, |p| p.ln())
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

    fn degenerate(&self, sample: &Sample) -> Option<Degenerate> {
        let st = sample.stats();
        (st.min == st.max)
            .then_some(Degenerate::OneCategory { values: sample.len(), category: st.min })
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


    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        // E[s sᵀ] for the score in the cell probabilities taken one by one, s_i = 1{X=i}/p_i:
        // diag(1/p). The constraint Σ p = 1 enters through the free coordinates (Jᵀ I J),
        // whose inverse carried back, J (Jᵀ I J)⁻¹ Jᵀ, is the multinomial diag(p) − ppᵀ.
        let k = nat.len();
        Some((0..k).map(|i| (0..k).map(|j| if i == j { 1.0 / nat[i] } else { 0.0 }).collect()).collect())
    }
}
