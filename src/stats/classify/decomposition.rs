//! Where the training loss goes when the truth is known: for a model q(y | x; θ) and a truth
//! p(y | x) over a marginal of x,
//! E_x[H(p(·|x), q(·|x))] = E_x[H(p(·|x))] + E_x[D(p(·|x) ‖ q(·|x))],
//! the irreducible loss (the labels' own uncertainty given x, no model can go below it) plus
//! the gap that fitting closes (0 only when q = p almost everywhere). The training loss
//! H(p̂, q) = −ℓ/m tends to the left side as m grows. Expectations over x are a Monte Carlo
//! mean over a fresh seeded sample of x (with its standard error), or, for one feature,
//! Simpson's rule against the marginal density.

use super::super::rng::seeded;
use super::super::sums::Neumaier;
use super::truth::ClassTruth;

/// The three expectations, in nats, and how they were taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decomposition {
    /// E_x[H(p(·|x))].
    pub irreducible: f64,
    /// E_x[D(p(·|x) ‖ q(·|x))].
    pub gap: f64,
    /// E_x[H(p(·|x), q(·|x))] = irreducible + gap.
    pub cross_entropy: f64,
    /// How: Monte Carlo or quadrature.
    pub method: Method,
}

/// How the expectations over x were taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// A mean over `points` fresh x drawn with `seed`; `standard_error` of each mean.
    MonteCarlo {
        /// Points drawn.
        points: usize,
        /// Their seed.
        seed: u64,
        /// The standard errors of the irreducible part and of the gap.
        standard_error: [f64; 2],
    },
    /// Simpson's rule on `intervals` intervals of the marginal's range.
    Quadrature {
        /// The number of intervals.
        intervals: usize,
    },
}

/// H(p) and D(p ‖ q) at one x from the log-probabilities, 0 ln 0 taken as 0.
fn terms(lnp: &[f64], lnq: &[f64]) -> (f64, f64) {
    let (mut h, mut d) = (0.0, 0.0);
    for (lp, lq) in lnp.iter().zip(lnq) {
        let p = lp.exp();
        if p > 0.0 {
            h -= p * lp;
            d += p * (lp - lq);
        }
    }
    // D ≥ 0 exactly; rounding of a perfect fit may leave −1e-17.
    (h, d.max(0.0))
}

/// The decomposition by Monte Carlo over `points` fresh x drawn with `seed`; `ln_q` writes
/// ln q(c | x) for every class.
pub fn monte_carlo(
    truth: &ClassTruth,
    ln_q: &(dyn Fn(&[f64], &mut [f64]) + Sync),
    points: usize,
    seed: u64,
) -> Decomposition {
    use rayon::prelude::*;
    let columns = truth.sample_x(points, &mut seeded(seed));
    let k = truth.classes.len();
    let chunk = |range: std::ops::Range<usize>| {
        let (mut lp, mut lq, mut x) = (vec![0.0; k], vec![0.0; k], vec![0.0; truth.dim()]);
        let mut acc = [Neumaier::new(); 4];
        for i in range {
            for (v, col) in x.iter_mut().zip(&columns) {
                *v = col[i];
            }
            truth.ln_probs(&x, &mut lp);
            ln_q(&x, &mut lq);
            let (h, d) = terms(&lp, &lq);
            for (a, v) in acc.iter_mut().zip([h, d, h * h, d * d]) {
                a.add(v);
            }
        }
        acc
    };
    let size = 1 << 14;
    let parts: Vec<[Neumaier; 4]> = (0..points.div_ceil(size))
        .into_par_iter()
        .map(|t| chunk(t * size..points.min((t + 1) * size)))
        .collect();
    let mut total = [Neumaier::new(); 4];
    for part in &parts {
        for (t, p) in total.iter_mut().zip(part) {
            t.add_sum(p);
        }
    }
    let n = points as f64;
    let [h, d, h2, d2] = total.map(|t| t.total() / n);
    let se = |mean: f64, sq: f64| ((sq - mean * mean).max(0.0) / (n - 1.0).max(1.0)).sqrt();
    Decomposition {
        irreducible: h,
        gap: d,
        cross_entropy: h + d,
        method: Method::MonteCarlo { points, seed, standard_error: [se(h, h2), se(d, d2)] },
    }
}

/// The decomposition by Simpson's rule over the marginal of a one-feature truth; None for
/// more features.
pub fn quadrature(
    truth: &ClassTruth,
    ln_q: &dyn Fn(&[f64], &mut [f64]),
    intervals: usize,
) -> Option<Decomposition> {
    let (density, (lo, hi)) = truth.marginal_1d()?;
    let intervals = intervals + intervals % 2;
    let k = truth.classes.len();
    let (mut lp, mut lq) = (vec![0.0; k], vec![0.0; k]);
    let step = (hi - lo) / intervals as f64;
    let (mut h, mut d) = (Neumaier::new(), Neumaier::new());
    for i in 0..=intervals {
        let x = lo + step * i as f64;
        let weight = if i == 0 || i == intervals {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        truth.ln_probs(&[x], &mut lp);
        ln_q(&[x], &mut lq);
        let (hx, dx) = terms(&lp, &lq);
        let w = weight * step / 3.0 * density(x);
        h.add(w * hx);
        d.add(w * dx);
    }
    let (h, d) = (h.total(), d.total());
    Some(Decomposition {
        irreducible: h,
        gap: d,
        cross_entropy: h + d,
        method: Method::Quadrature { intervals },
    })
}
