//! Entropy, cross-entropy and relative entropy: the identity H(p, q) = H(p) + D(p‖q) on
//! empirical distributions of whole-number data, and against closed forms for known truths.

use std::collections::BTreeMap;
use std::f64::consts::{E, LN_2, PI};

use mlex::stats::family::{
    Bernoulli, Binomial, Categorical, Exponential, Family, Gamma, Geometric, LogNormal, Normal,
    Poisson,
};
use mlex::stats::information::{Nats, Truth, empirical_decomposition};
use mlex::stats::objective::{Model as _, Objective};
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use statrs::function::gamma::{digamma, ln_gamma};

/// Identities between entropies of a few nats, each a compensated sum of at most a few
/// hundred terms: a few ulps of their size.
const IDENTITY_TOL: f64 = 1e-12;
/// D(p̂‖q) is summed term by term as p̂ ln(p̂/q); at q = p̂ it is 0 up to rounding of the
/// terms, so it may dip below 0 by no more than this.
const KL_FLOOR: f64 = -1e-15;
/// Quadrature (tanh-sinh in quantile space) against closed forms for smooth truths.
const QUADRATURE_TOL: f64 = 1e-10;
/// The same with a heavier-tailed integrand (x² under a lognormal or gamma truth), where the
/// rule's truncation of the tails costs a few more digits.
const QUADRATURE_TAIL_TOL: f64 = 1e-8;
/// Entropy closed forms evaluated two ways (engine formula vs test formula).
const ENTROPY_TOL: f64 = 1e-12;
/// How many standard errors the Monte Carlo cross-entropy −ℓ/m may be from H(p, q).
const STANDARD_ERRORS: f64 = 4.0;
/// Size of the discrete samples.
const M: usize = 500;
/// Relative size of the perturbation of θ around the MLE in the D-minimisation check.
const PERTURBATION: f64 = 0.05;

/// A whole-number data set with the family it is modelled by and the closed-form MLE,
/// computed here from the raw values.
struct Discrete {
    name: &'static str,
    family: Box<dyn Family>,
    sample: Sample,
    mle: Vec<f64>,
    /// Other θ to decompose at.
    others: Vec<Vec<f64>>,
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn discrete_cases() -> Vec<Discrete> {
    let mut out = Vec::new();

    let xs = Poisson.sample(&[3.5], M, &mut seeded(1));
    let lam = mean(&xs);
    out.push(Discrete {
        name: "poisson",
        family: Box::new(Poisson),
        mle: vec![lam],
        others: vec![vec![1.0], vec![3.0], vec![7.5]],
        sample: Sample::new(xs),
    });

    let binomial = Binomial { trials: 10 };
    let xs = binomial.sample(&[0.3], M, &mut seeded(2));
    let p = mean(&xs) / 10.0;
    out.push(Discrete {
        name: "binomial",
        family: Box::new(binomial),
        mle: vec![p],
        others: vec![vec![0.1], vec![0.5], vec![0.9]],
        sample: Sample::new(xs),
    });

    let categorical = Categorical { k: 4 };
    let xs = categorical.sample(&[0.5, 0.3, 0.15, 0.05], M, &mut seeded(3));
    let p: Vec<f64> =
        (0..4).map(|j| xs.iter().filter(|&&x| x as usize == j).count() as f64 / M as f64).collect();
    out.push(Discrete {
        name: "categorical",
        family: Box::new(categorical),
        mle: p,
        others: vec![vec![0.25; 4], vec![0.1, 0.2, 0.3, 0.4]],
        sample: Sample::new(xs),
    });

    let xs = Geometric.sample(&[0.3], M, &mut seeded(4));
    let p = 1.0 / mean(&xs);
    out.push(Discrete {
        name: "geometric",
        family: Box::new(Geometric),
        mle: vec![p],
        others: vec![vec![0.1], vec![0.5], vec![0.95]],
        sample: Sample::new(xs),
    });

    let xs = Bernoulli.sample(&[0.3], M, &mut seeded(5));
    let p = mean(&xs);
    out.push(Discrete {
        name: "bernoulli",
        family: Box::new(Bernoulli),
        mle: vec![p],
        others: vec![vec![0.5], vec![0.01], vec![0.99]],
        sample: Sample::new(xs),
    });
    out
}

/// H(p̂) from the raw values: tally, then −Σ (c/m) ln(c/m).
fn empirical_entropy(values: &[f64]) -> f64 {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for &v in values {
        *counts.entry(v as i64).or_default() += 1;
    }
    let m = values.len() as f64;
    -counts.values().map(|&c| c as f64 / m).map(|p| p * p.ln()).sum::<f64>()
}

/// θ moved by a relative step in free coordinates, staying valid.
fn perturbed(family: &dyn Family, nat: &[f64], coord: usize, sign: f64) -> Vec<f64> {
    let mut free = family.to_free(nat);
    free[coord] += sign * PERTURBATION * free[coord].abs().max(1.0);
    family.to_natural(&free)
}

#[test]
fn empirical_decomposition_identity_on_discrete_data() {
    for case in discrete_cases() {
        let family = case.family.as_ref();
        let objective = Objective { family, sample: &case.sample };
        let h_hat = empirical_entropy(case.sample.values());
        for theta in std::iter::once(&case.mle).chain(&case.others) {
            let d = empirical_decomposition(family, theta, &case.sample)
                .expect("whole-number data, discrete model");
            let label = format!("{} at {theta:?}", case.name);
            assert!(
                (d.empirical_entropy - h_hat).abs() <= IDENTITY_TOL,
                "{label}: H(p̂) {} vs {h_hat}",
                d.empirical_entropy
            );
            assert!(
                (d.cross_entropy - (d.empirical_entropy + d.kl_divergence)).abs() <= IDENTITY_TOL,
                "{label}: H(p̂,q) {} ≠ H(p̂) {} + D {}",
                d.cross_entropy,
                d.empirical_entropy,
                d.kl_divergence
            );
            assert!(d.kl_divergence >= KL_FLOOR, "{label}: D = {}", d.kl_divergence);
            let eval = objective.eval_natural(theta);
            assert!(
                (d.cross_entropy + eval.mean_log_likelihood).abs()
                    <= IDENTITY_TOL * d.cross_entropy.abs().max(1.0),
                "{label}: H(p̂,q) {} vs −ℓ/m {}",
                d.cross_entropy,
                -eval.mean_log_likelihood
            );
        }
    }
}

#[test]
fn kl_to_the_empirical_distribution_is_smallest_at_the_mle() {
    for case in discrete_cases() {
        let family = case.family.as_ref();
        let at_mle = empirical_decomposition(family, &case.mle, &case.sample)
            .expect("discrete")
            .kl_divergence;
        for coord in 0..family.dim() {
            for sign in [-1.0, 1.0] {
                let theta = perturbed(family, &case.mle, coord, sign);
                let d = empirical_decomposition(family, &theta, &case.sample)
                    .expect("discrete")
                    .kl_divergence;
                assert!(
                    d > at_mle,
                    "{}: D at {theta:?} = {d} not above D at the MLE = {at_mle}",
                    case.name
                );
            }
        }
        if case.name == "categorical" {
            // The MLE is p̂ itself, so D(p̂‖q̂) is 0 but for rounding.
            assert!(at_mle.abs() <= -KL_FLOOR, "categorical D at p̂ = {at_mle}");
        }
    }
}

#[test]
fn empirical_decomposition_refuses_continuous_settings() {
    let sample = Sample::new(vec![0.5, 1.5, 2.25]);
    assert!(empirical_decomposition(&Normal, &[1.0, 1.0], &sample).is_none(), "continuous model");
    assert!(empirical_decomposition(&Poisson, &[1.0], &sample).is_none(), "non-integer data");
}

/// h of a normal: ½ ln(2πeσ²).
fn normal_entropy(sigma: f64) -> f64 {
    0.5 * (2.0 * PI * E * sigma * sigma).ln()
}

#[test]
fn normal_truth_normal_model_closed_forms() {
    let (mu_p, s_p) = (1.0, 2.0);
    let truth = Truth::new(&Normal, &[mu_p, s_p]);
    for (mu_q, s_q) in [(1.0, 2.0), (0.0, 1.0), (3.0, 0.5), (-2.0, 5.0), (1.0, 1e-2)] {
        let d = truth.decompose(&Normal, &[mu_q, s_q]);
        let cross = (s_q * (2.0 * PI).sqrt()).ln()
            + (s_p * s_p + (mu_p - mu_q) * (mu_p - mu_q)) / (2.0 * s_q * s_q);
        let kl = (s_q / s_p).ln() + (s_p * s_p + (mu_p - mu_q) * (mu_p - mu_q)) / (2.0 * s_q * s_q)
            - 0.5;
        let scale = cross.abs().max(1.0);
        assert!(
            (d.cross_entropy - cross).abs() <= QUADRATURE_TOL * scale,
            "H(p,q) {} vs {cross}",
            d.cross_entropy
        );
        assert!(
            (d.kl_divergence - kl).abs() <= QUADRATURE_TOL * scale,
            "D(p‖q) {} vs {kl}",
            d.kl_divergence
        );
        assert!(
            (d.truth_entropy - normal_entropy(s_p)).abs() <= ENTROPY_TOL,
            "h(p) {}",
            d.truth_entropy
        );
        assert!(
            (d.cross_entropy - d.truth_entropy - d.kl_divergence).abs() <= QUADRATURE_TOL * scale
        );
    }
}

#[test]
fn exponential_truth_exponential_model_kl() {
    for lp in [0.5, 1.0, 4.0] {
        let truth = Truth::new(&Exponential, &[lp]);
        for lq in [0.1, 0.5, 1.0, 3.0, 20.0] {
            let d = truth.decompose(&Exponential, &[lq]);
            let kl: f64 = (lp / lq).ln() + lq / lp - 1.0;
            assert!(
                (d.kl_divergence - kl).abs() <= QUADRATURE_TOL * kl.abs().max(1.0),
                "λp {lp}, λq {lq}: D {} vs {kl}",
                d.kl_divergence
            );
            assert!((d.truth_entropy - (1.0 - lp.ln())).abs() <= ENTROPY_TOL);
        }
    }
}

#[test]
fn poisson_truth_poisson_model_kl() {
    // Discrete truths are summed over their probability table rather than integrated.
    for lp in [0.7, 4.0, 25.0] {
        let truth = Truth::new(&Poisson, &[lp]);
        for lq in [0.5, 4.0, 30.0] {
            let d = truth.decompose(&Poisson, &[lq]);
            let kl: f64 = lp * (lp / lq).ln() + lq - lp;
            assert!(
                (d.kl_divergence - kl).abs() <= IDENTITY_TOL * kl.abs().max(1.0),
                "λp {lp}, λq {lq}: D {} vs {kl}",
                d.kl_divergence
            );
            assert!(
                (d.cross_entropy - d.truth_entropy - d.kl_divergence).abs()
                    <= IDENTITY_TOL * d.cross_entropy.max(1.0)
            );
        }
    }
}

#[test]
fn divergence_of_a_truth_from_itself_is_zero() {
    let cases: Vec<(Box<dyn Family>, Vec<f64>)> = vec![
        (Box::new(Normal), vec![-3.0, 0.7]),
        (Box::new(Exponential), vec![2.5]),
        (Box::new(Gamma), vec![2.0, 1.5]),
        (Box::new(LogNormal), vec![0.3, 0.6]),
        (Box::new(Poisson), vec![6.0]),
        (Box::new(Binomial { trials: 12 }), vec![0.35]),
        (Box::new(Bernoulli), vec![0.2]),
    ];
    for (family, nat) in &cases {
        let truth = Truth::new(family.as_ref(), nat);
        let d = truth.decompose(family.as_ref(), nat);
        assert!(
            d.kl_divergence.abs() <= QUADRATURE_TOL,
            "{}: D(p‖p) = {}",
            family.kind(),
            d.kl_divergence
        );
        assert!(
            (d.cross_entropy - d.truth_entropy).abs()
                <= QUADRATURE_TOL * d.truth_entropy.abs().max(1.0),
            "{}: H(p,p) {} vs H(p) {}",
            family.kind(),
            d.cross_entropy,
            d.truth_entropy
        );
    }
}

#[test]
fn normal_entropy_closed_form() {
    for sigma in [1e-3, 0.5, 1.0, 2.0, 1e3] {
        let h = Normal.entropy(&[7.0, sigma]);
        assert!(
            (h - normal_entropy(sigma)).abs() <= ENTROPY_TOL * h.abs().max(1.0),
            "σ {sigma}: {h}"
        );
    }
}

/// A continuous truth with its mean, variance and differential entropy in closed form.
struct Misspecified {
    family: Box<dyn Family>,
    nat: Vec<f64>,
    mean: f64,
    var: f64,
    entropy: f64,
}

fn misspecified_truths() -> Vec<Misspecified> {
    let (a, b) = (2.0, 1.5);
    let gamma = Misspecified {
        family: Box::new(Gamma),
        nat: vec![a, b],
        mean: a / b,
        var: a / (b * b),
        entropy: a - b.ln() + ln_gamma(a) + (1.0 - a) * digamma(a),
    };
    let (mu, s): (f64, f64) = (0.2, 0.5);
    let lognormal = Misspecified {
        family: Box::new(LogNormal),
        nat: vec![mu, s],
        mean: (mu + s * s / 2.0).exp(),
        var: (s * s).exp_m1() * (2.0 * mu + s * s).exp(),
        entropy: mu + 0.5 * (2.0 * PI * E * s * s).ln(),
    };
    vec![gamma, lognormal]
}

#[test]
fn best_normal_for_a_misspecified_truth_has_positive_kl() {
    // Among normals, D(p‖q) is smallest at the moment-matched one, where
    // H(p, q) = ½ ln(2πeσ²) exactly, so D = ½ ln(2πe var) − h(p) > 0.
    for t in misspecified_truths() {
        let truth = Truth::new(t.family.as_ref(), &t.nat);
        let sd = t.var.sqrt();
        let best = truth.decompose(&Normal, &[t.mean, sd]);
        let kl = normal_entropy(sd) - t.entropy;
        let name = t.family.kind();
        assert!(kl > 0.0, "{name}: closed-form KL {kl}");
        assert!(
            (best.truth_entropy - t.entropy).abs() <= ENTROPY_TOL,
            "{name}: h(p) {}",
            best.truth_entropy
        );
        assert!(
            (best.kl_divergence - kl).abs() <= QUADRATURE_TAIL_TOL,
            "{name}: D {} vs {kl}",
            best.kl_divergence
        );
        assert!(best.kl_divergence > 0.0);
        for (dm, ds) in [(0.05, 1.0), (-0.05, 1.0), (0.0, 1.05), (0.0, 0.95)] {
            let other = truth.decompose(&Normal, &[t.mean + dm * sd, sd * ds]);
            assert!(
                other.kl_divergence > best.kl_divergence,
                "{name}: moved normal has D {}",
                other.kl_divergence
            );
        }
    }
}

#[test]
fn sample_cross_entropy_approaches_the_truth_cross_entropy() {
    // −ℓ/m is a mean of m draws of −ln q(X): it converges to H(p, q) with standard error
    // sd(−ln q(X)) / √m.
    for t in misspecified_truths() {
        let model = [t.mean + 0.3, 1.2 * t.var.sqrt()];
        let exact = Truth::new(t.family.as_ref(), &t.nat).decompose(&Normal, &model).cross_entropy;
        let mut last_se = f64::INFINITY;
        for (m, seed) in [(1_000, 31), (10_000, 32), (100_000, 33)] {
            let xs = t.family.sample(&t.nat, m, &mut seeded(seed));
            let terms: Vec<f64> = xs.iter().map(|&x| -Normal.ln_density(&model, x)).collect();
            let avg = mean(&terms);
            let var = terms.iter().map(|v| (v - avg) * (v - avg)).sum::<f64>() / (m - 1) as f64;
            let se = (var / m as f64).sqrt();
            let sample = Sample::new(xs);
            let h_hat = -Objective { family: &Normal, sample: &sample }
                .eval_natural(&model)
                .mean_log_likelihood;
            assert!(
                (h_hat - avg).abs() <= IDENTITY_TOL * avg.abs(),
                "−ℓ/m {h_hat} vs mean of −ln q {avg}"
            );
            assert!(
                (h_hat - exact).abs() <= STANDARD_ERRORS * se,
                "{} m = {m}: −ℓ/m {h_hat} vs H(p,q) {exact}, se {se}",
                t.family.kind()
            );
            assert!(se < last_se);
            last_se = se;
        }
    }
}

#[test]
fn bernoulli_entropy_at_one_half_is_one_bit() {
    let h = Bernoulli.entropy(&[0.5]);
    assert!((h - LN_2).abs() <= ENTROPY_TOL, "H(½) = {h}");
    assert!((Nats::new(h).bits - 1.0).abs() <= ENTROPY_TOL);
    let d = Truth::new(&Bernoulli, &[0.5]).decompose(&Bernoulli, &[0.2]);
    assert!((d.truth_entropy - LN_2).abs() <= ENTROPY_TOL);
    let cross = -0.5 * 0.2f64.ln() - 0.5 * 0.8f64.ln();
    assert!((d.cross_entropy - cross).abs() <= IDENTITY_TOL);
    assert!((d.kl_divergence - (cross - LN_2)).abs() <= IDENTITY_TOL);
}
