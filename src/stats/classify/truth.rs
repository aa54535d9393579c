//! Known truths p(y | x) to sample labelled points from, seeded: a true logistic/softmax model
//! over standard normal features, or class-conditional Gaussians (a mixture whose components
//! each belong to a class), whose p(y | x) follows by Bayes' rule. Either way p(y | x) is known
//! exactly at every x, so the training loss's limit can be split into the irreducible
//! E_x[H(p(·|x))] and the gap E_x[D(p(·|x) ‖ q(·|x))] ([`super::decomposition`]).

use rand::RngExt as _;
use rand_distr::StandardNormal;

use super::super::rng::Rng;
use super::Labelled;

/// One Gaussian component: x ~ N(mean, sd² I) with label `class`, drawn with weight `weight`.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// The class index of its points.
    pub class: usize,
    /// Its share of the points (the weights sum to 1).
    pub weight: f64,
    /// The mean, one value per feature.
    pub mean: Vec<f64>,
    /// The standard deviation of every feature.
    pub sd: f64,
}

/// How the points are made.
#[derive(Debug, Clone, PartialEq)]
pub enum Law {
    /// x ~ N(0, I); y ~ softmax(Wx + b), the first class the reference: `theta` laid out as
    /// [`super::Linear`]'s parameters (per non-reference class, d weights then the bias).
    Linear {
        /// The true parameters.
        theta: Vec<f64>,
    },
    /// (x, y) from a mixture of Gaussians, each component of one class.
    Mixture(Vec<Component>),
}

/// A marginal density of one feature and the range that holds it.
pub type Marginal<'a> = (Box<dyn Fn(f64) -> f64 + 'a>, (f64, f64));

/// A truth: names, classes, features and its law.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassTruth {
    /// Its preset name.
    pub name: &'static str,
    /// One line on what it shows.
    pub description: &'static str,
    /// The class names.
    pub classes: Vec<String>,
    /// The feature names.
    pub features: Vec<String>,
    /// How points are drawn.
    pub law: Law,
}

/// The presets `mlex classify --truth` takes, with what each shows.
pub const PRESETS: [(&str, &str); 7] = [
    ("logistic-1d", "a true logistic model on one feature: the model family holds the truth"),
    ("logistic-2d", "a true logistic model on two features: the model family holds the truth"),
    ("softmax-3", "three Gaussian classes of equal spread: a true softmax model"),
    (
        "blobs-1d",
        "two Gaussian classes of unequal spread: log-odds quadratic in x, a gap for a linear model",
    ),
    ("xor", "XOR: four Gaussian blobs, a linear model cannot, a hidden layer can"),
    ("label-noise", "a shallow logistic truth: the loss cannot go below the conditional entropy"),
    (
        "separable",
        "two tight Gaussian classes far apart: a sample of them is separable, so no MLE exists",
    ),
];

fn names(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

fn numbered(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}

fn blob(class: usize, weight: f64, mean: &[f64], sd: f64) -> Component {
    Component { class, weight, mean: mean.to_vec(), sd }
}

impl ClassTruth {
    /// The preset called `name`.
    #[must_use]
    pub fn preset(name: &str) -> Option<Self> {
        let (name, description) = PRESETS.into_iter().find(|(n, _)| *n == name)?;
        let (features, classes, law) = match name {
            "logistic-1d" => (1, 2, Law::Linear { theta: vec![2.0, -0.5] }),
            "logistic-2d" => (2, 2, Law::Linear { theta: vec![1.5, -1.0, 0.3] }),
            "label-noise" => (1, 2, Law::Linear { theta: vec![0.6, 0.2] }),
            "softmax-3" => (
                2,
                3,
                Law::Mixture(vec![
                    blob(0, 1.0 / 3.0, &[0.0, 0.0], 1.0),
                    blob(1, 1.0 / 3.0, &[2.5, 0.0], 1.0),
                    blob(2, 1.0 / 3.0, &[0.0, 2.5], 1.0),
                ]),
            ),
            // Means 4.2 standard deviations apart along the diagonal on either side of the
            // boundary: a point falls on the wrong side with probability about 1e-5, so a
            // sample of a few hundred is separable with near certainty.
            "separable" => (
                2,
                2,
                Law::Mixture(vec![
                    blob(0, 0.5, &[-1.2, -1.2], 0.4),
                    blob(1, 0.5, &[1.2, 1.2], 0.4),
                ]),
            ),
            "blobs-1d" => {
                (1, 2, Law::Mixture(vec![blob(0, 0.5, &[-1.0], 1.0), blob(1, 0.5, &[1.5], 0.5)]))
            }
            _ => (
                2,
                2,
                Law::Mixture(vec![
                    blob(0, 0.25, &[1.5, 1.5], 0.7),
                    blob(0, 0.25, &[-1.5, -1.5], 0.7),
                    blob(1, 0.25, &[1.5, -1.5], 0.7),
                    blob(1, 0.25, &[-1.5, 1.5], 0.7),
                ]),
            ),
        };
        Some(Self {
            name,
            description,
            classes: numbered(classes),
            features: names("x", features),
            law,
        })
    }

    /// d.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.features.len()
    }

    /// ln p(c | x) for every class c, into `out`.
    pub fn ln_probs(&self, x: &[f64], out: &mut [f64]) {
        match &self.law {
            Law::Linear { theta } => {
                let d = self.dim();
                out[0] = 0.0;
                for (o, row) in out[1..].iter_mut().zip(theta.chunks(d + 1)) {
                    *o = row[d] + row[..d].iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
                }
            }
            Law::Mixture(components) => {
                out.fill(f64::NEG_INFINITY);
                for comp in components {
                    let sq: f64 = comp.mean.iter().zip(x).map(|(m, v)| (v - m) * (v - m)).sum();
                    let ln = comp.weight.ln()
                        - self.dim() as f64 * comp.sd.ln()
                        - sq / (2.0 * comp.sd * comp.sd);
                    out[comp.class] = log_add(out[comp.class], ln);
                }
            }
        }
        let total = out.iter().copied().fold(f64::NEG_INFINITY, log_add);
        for o in out.iter_mut() {
            *o -= total;
        }
    }

    /// x drawn from its marginal, one point.
    fn draw_x(&self, rng: &mut Rng, x: &mut [f64]) -> Option<usize> {
        match &self.law {
            Law::Linear { .. } => {
                for v in x.iter_mut() {
                    *v = rng.sample(StandardNormal);
                }
                None
            }
            Law::Mixture(components) => {
                let u: f64 = rng.random();
                let mut acc = 0.0;
                let mut pick = &components[components.len() - 1];
                for comp in components {
                    acc += comp.weight;
                    if u < acc {
                        pick = comp;
                        break;
                    }
                }
                for (v, m) in x.iter_mut().zip(&pick.mean) {
                    let z: f64 = rng.sample(StandardNormal);
                    *v = m + pick.sd * z;
                }
                Some(pick.class)
            }
        }
    }

    /// m points (x, y), seeded by `rng`.
    #[must_use]
    pub fn sample(&self, m: usize, rng: &mut Rng) -> Labelled {
        let d = self.dim();
        let mut columns = vec![Vec::with_capacity(m); d];
        let mut labels = Vec::with_capacity(m);
        let (mut x, mut lp) = (vec![0.0; d], vec![0.0; self.classes.len()]);
        for _ in 0..m {
            let class = self.draw_x(rng, &mut x).unwrap_or_else(|| {
                self.ln_probs(&x, &mut lp);
                let u: f64 = rng.random();
                let mut acc = 0.0;
                lp.iter()
                    .position(|l| {
                        acc += l.exp();
                        u < acc
                    })
                    .unwrap_or(lp.len() - 1)
            });
            for (col, v) in columns.iter_mut().zip(&x) {
                col.push(*v);
            }
            labels.push(class as u32);
        }
        Labelled::new(columns, labels, self.classes.clone(), self.features.clone())
            .expect("sampled points are finite and labelled by their classes")
    }

    /// Fresh x from the marginal only (for Monte Carlo expectations over x), one column per
    /// feature.
    #[must_use]
    pub fn sample_x(&self, m: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
        let d = self.dim();
        let mut columns = vec![Vec::with_capacity(m); d];
        let mut x = vec![0.0; d];
        for _ in 0..m {
            let _ = self.draw_x(rng, &mut x);
            for (col, v) in columns.iter_mut().zip(&x) {
                col.push(*v);
            }
        }
        columns
    }

    /// For one feature: the marginal density of x, and a range outside which it is below
    /// e^(−60) of its peak.
    #[must_use]
    pub fn marginal_1d(&self) -> Option<Marginal<'_>> {
        if self.dim() != 1 {
            return None;
        }
        let normal = |x: f64, m: f64, s: f64| {
            (-(x - m) * (x - m) / (2.0 * s * s)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
        };
        Some(match &self.law {
            Law::Linear { .. } => (Box::new(move |x| normal(x, 0.0, 1.0)), (-11.0, 11.0)),
            Law::Mixture(components) => {
                let lo = components
                    .iter()
                    .map(|c| c.mean[0] - 11.0 * c.sd)
                    .fold(f64::INFINITY, f64::min);
                let hi = components
                    .iter()
                    .map(|c| c.mean[0] + 11.0 * c.sd)
                    .fold(f64::NEG_INFINITY, f64::max);
                (
                    Box::new(move |x| {
                        components.iter().map(|c| c.weight * normal(x, c.mean[0], c.sd)).sum()
                    }),
                    (lo, hi),
                )
            }
        })
    }

    /// The true parameters in [`super::Linear`]'s layout, where p(y | x) is a softmax of a
    /// linear function: a linear truth, or one Gaussian per class with a common spread.
    #[must_use]
    pub fn linear_params(&self) -> Option<Vec<f64>> {
        match &self.law {
            Law::Linear { theta } => Some(theta.clone()),
            Law::Mixture(components) => {
                let k = self.classes.len();
                let sd = components[0].sd;
                let one_each = components.len() == k
                    && components.iter().enumerate().all(|(i, c)| c.class == i && c.sd == sd);
                if !one_each {
                    return None;
                }
                let (c0, s2) = (&components[0], sd * sd);
                let sq = |m: &[f64]| m.iter().map(|v| v * v).sum::<f64>();
                let mut theta = Vec::new();
                for c in &components[1..] {
                    theta.extend(c.mean.iter().zip(&c0.mean).map(|(a, b)| (a - b) / s2));
                    theta.push(
                        (c.weight / c0.weight).ln() - (sq(&c.mean) - sq(&c0.mean)) / (2.0 * s2),
                    );
                }
                Some(theta)
            }
        }
    }
}

/// ln(eᵃ + eᵇ), exact when either is −∞.
fn log_add(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY { hi } else { hi + (lo - hi).exp().ln_1p() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::seeded;

    #[test]
    fn every_preset_builds_and_its_probabilities_sum_to_one() {
        for (name, _) in PRESETS {
            let t = ClassTruth::preset(name).expect("a preset");
            let mut lp = vec![0.0; t.classes.len()];
            t.ln_probs(&vec![0.3; t.dim()], &mut lp);
            let total: f64 = lp.iter().map(|l| l.exp()).sum();
            assert!((total - 1.0).abs() < 1e-14, "{name}");
            let points = t.sample(50, &mut seeded(1));
            assert_eq!(points.len(), 50);
        }
    }

    #[test]
    fn a_mixture_with_a_common_spread_is_linear_with_the_bayes_log_odds() {
        let t = ClassTruth::preset("softmax-3").expect("a preset");
        let theta = t.linear_params().expect("linear");
        let x = [0.7, -1.2];
        let mut lp = [0.0; 3];
        t.ln_probs(&x, &mut lp);
        for c in 1..3 {
            let row = &theta[(c - 1) * 3..c * 3];
            let logit = row[2] + row[0] * x[0] + row[1] * x[1];
            assert!((logit - (lp[c] - lp[0])).abs() < 1e-12);
        }
        assert!(ClassTruth::preset("xor").expect("a preset").linear_params().is_none());
    }
}
