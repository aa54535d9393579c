//! laplace(loc, scale): free coordinates (loc, ln scale). The MLE is the median and the
//! mean absolute deviation about it; the likelihood has a kink at every data point, so
//! gradient methods approach the median by refused, halving steps.

use rand_distr::Distribution as _;

use crate::stats::family::{Cdf, Family, Set};
use crate::stats::pass;
use crate::stats::rng::Rng;
use crate::stats::sample::Sample;
use crate::stats::sums::sum;

/// The Laplace (double exponential) distribution.
#[derive(Debug, Clone, Copy)]
pub struct Laplace;

declare!(Laplace: [Real("loc"), Positive("scale")], Set::Real, "any real number", [0.0, 1.0]);

impl Family for Laplace {
    fn has_kinks(&self) -> bool {
        true
    }

    fn kinks_in(&self, coordinate: usize) -> bool {
        // |x − loc| kinks at every data point in loc; ln scale enters smoothly.
        coordinate == 0
    }

    fn ln_density(&self, nat: &[f64], x: f64) -> f64 {
        // Written out: statrs takes the log of the density, which underflows to 0 (ln = −∞)
        // beyond about 745 scales from loc.
        -(2.0 * nat[1]).ln() - (x - nat[0]).abs() / nat[1]
    }

    fn add_score(&self, nat: &[f64], x: f64, grad: &mut [f64]) {
        let d = x - nat[0];
        grad[0] += kink_sign(d) / nat[1];
        grad[1] += d.abs() / nat[1] - 1.0;
    }

    fn log_likelihood(&self, nat: &[f64], sample: &Sample) -> f64 {
        let [abs, _] = pass::sums(sample.values(), &Terms { loc: nat[0] });
        -(sample.len() as f64) * (2.0 * nat[1]).ln() - abs / nat[1]
    }

    fn gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) {
        self.value_and_gradient(nat, sample, grad);
    }

    fn value_and_gradient(&self, nat: &[f64], sample: &Sample, grad: &mut [f64]) -> f64 {
        let (loc, b) = (nat[0], nat[1]);
        let [abs, sign] = pass::sums(sample.values(), &Terms { loc });
        let n = sample.len() as f64;
        grad[0] = sign / b;
        grad[1] = abs / b - n;
        -n * (2.0 * b).ln() - abs / b
    }

    fn sample(&self, nat: &[f64], n: usize, rng: &mut Rng) -> Vec<f64> {
        // The difference of two unit exponentials is a unit Laplace variate.
        let e = rand_distr::Exp1;
        (0..n)
            .map(|_| {
                let a: f64 = e.sample(rng);
                let b: f64 = e.sample(rng);
                nat[0] + nat[1] * (a - b)
            })
            .collect()
    }

    fn closed_form_mle(&self, sample: &Sample) -> Option<Vec<f64>> {
        let med = sample.median();
        let mad = sum(sample.values().iter().map(|x| (x - med).abs())) / sample.len() as f64;
        Some(vec![med, mad])
    }

    fn start(&self, sample: &Sample) -> Vec<f64> {
        // Moments: the variance of a Laplace is 2 scale².
        let m = &sample.stats().x;
        vec![m.mean, (m.variance() / 2.0).sqrt()]
    }

    fn tail_growth(&self, _nat: &[f64]) -> f64 {
        1.0
    }

    fn entropy(&self, nat: &[f64]) -> f64 {
        1.0 + (2.0 * nat[1]).ln()
    }

    fn mean_variance(&self, nat: &[f64]) -> (f64, f64) {
        (nat[0], 2.0 * nat[1] * nat[1])
    }

    fn upper_quantile(&self, nat: &[f64], v: f64) -> f64 {
        if v < 0.5 { nat[0] - nat[1] * (2.0 * v).ln() } else { self.quantile(nat, 1.0 - v) }
    }

    fn cdf(&self, nat: &[f64], x: f64) -> Option<Cdf> {
        // The tail on x's side is ½ e^(−|x − loc|/scale); the other is 1 minus it, where no
        // digits are lost (it is at least ½).
        let z = (x - nat[0]) / nat[1];
        let near = 0.5 * (-z.abs()).exp();
        Some(if z < 0.0 { Cdf::new(near, 1.0 - near) } else { Cdf::new(1.0 - near, near) })
    }

    fn quantile(&self, nat: &[f64], u: f64) -> f64 {
        if u < 0.5 {
            nat[0] + nat[1] * (2.0 * u).ln()
        } else {
            nat[0] - nat[1] * (2.0 - 2.0 * u).ln()
        }
    }

    fn fisher_information(&self, nat: &[f64]) -> Option<Vec<Vec<f64>>> {
        // E[s sᵀ]: the loc's score is ±1/b, so its entry is 1/b² although ln q has a kink
        // there and no second derivative (−E[Hessian] would say 0).
        let v = 1.0 / (nat[1] * nat[1]);
        Some(vec![vec![v, 0.0], vec![0.0, v]])
    }
}

/// Per point: |x − loc| and the sign of x − loc (0 at the kink, as in add_score).
struct Terms {
    loc: f64,
}

impl pass::Terms<2> for Terms {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 2] {
        let d = x - self.loc;
        // Signs are ±1 and 0, so their sum is exact in f64 far beyond any sample size.
        [d.abs(), kink_sign(d)]
    }
}

/// The sign of x − loc, with the zero subgradient at a kink (x = loc), so the exact median
/// of an odd-sized sample has a zero gradient.
#[inline(always)]
fn kink_sign(d: f64) -> f64 {
    if d > 0.0 {
        1.0
    } else if d < 0.0 {
        -1.0
    } else {
        0.0
    }
}
