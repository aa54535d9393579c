//! The pseudo-true θ* = argmax E_p[ln q_θ] against closed forms: the truth itself when the
//! model contains it, the moment and median identities of misspecified pairs, the reasons
//! when there is none; the Cramér–Rao bound and the sandwich at θ* against closed forms.

use mlex::optim::fit::StopReason;
use mlex::optim::inference::expected::cramer_rao;
use mlex::optim::inference::pseudo_true::{NoPseudoTrue, pseudo_true, sandwich_at};
use mlex::stats::family::{FamilyKind, Shape};
use mlex::stats::information::{Infinite, Truth};
use statrs::function::gamma::digamma;

fn theta_star(
    model: FamilyKind,
    shape: Shape,
    truth: FamilyKind,
    tshape: Shape,
    tp: &[f64],
) -> Result<Vec<f64>, NoPseudoTrue> {
    let truth = Truth::new(truth.build(tshape).as_ref(), tp);
    pseudo_true(model.build(shape).as_ref(), &truth)
}

fn assert_near(what: &str, got: &[f64], want: &[f64], rel: f64) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= rel * w.abs().max(1e-3), "{what}: {got:?} vs {want:?}");
    }
}

#[test]
fn theta_star_is_the_truth_when_the_model_contains_it() {
    use FamilyKind as K;
    let none = Shape::default();
    for (kind, shape, nat) in [
        (K::Normal, none, vec![0.7, 2.0]),
        (K::Exponential, none, vec![3.0]),
        (K::Gamma, none, vec![2.5, 0.5]),
        (K::LogNormal, none, vec![0.2, 0.8]),
        (K::Weibull, none, vec![1.5, 2.0]),
        (K::Laplace, none, vec![-1.0, 0.5]),
        (K::Cauchy, none, vec![1.0, 2.0]),
        (K::StudentT, none, vec![5.0, 0.5, 1.5]),
        (K::Beta, none, vec![2.0, 5.0]),
        (K::NormalMixture, none, vec![0.3, -2.0, 0.7, 1.5, 1.0]),
        (K::Bernoulli, none, vec![0.3]),
        (K::Binomial, Shape::fixed(10), vec![0.35]),
        (K::Geometric, none, vec![0.25]),
        (K::Poisson, none, vec![3.5]),
        (K::Categorical, Shape::fixed(4), vec![0.1, 0.2, 0.3, 0.4]),
    ] {
        let got = theta_star(kind, shape, kind, shape, &nat).expect("θ* exists");
        assert_near(&format!("{kind}"), &got, &nat, 1e-7);
    }
}

#[test]
fn misspecified_pairs_match_their_closed_forms() {
    use FamilyKind as K;
    let none = Shape::default();
    // A normal model of gamma(3, 2) data: θ* is the truth's mean and standard deviation.
    let (a, b) = (3.0_f64, 2.0_f64);
    let got = theta_star(K::Normal, none, K::Gamma, none, &[a, b]).expect("θ*");
    assert_near("normal ← gamma", &got, &[a / b, a.sqrt() / b], 1e-9);
    // An exponential model of anything on x ≥ 0: the rate is 1/mean.
    let got = theta_star(K::Exponential, none, K::Gamma, none, &[a, b]).expect("θ*");
    assert_near("exponential ← gamma", &got, &[b / a], 1e-9);
    let (mu, sigma) = (0.3_f64, 0.6_f64);
    let got = theta_star(K::Exponential, none, K::LogNormal, none, &[mu, sigma]).expect("θ*");
    assert_near("exponential ← lognormal", &got, &[1.0 / (mu + 0.5 * sigma * sigma).exp()], 1e-9);
    // A poisson model of geometric counts: λ is the mean 1/p.
    let got = theta_star(K::Poisson, none, K::Geometric, none, &[0.2]).expect("θ*");
    assert_near("poisson ← geometric", &got, &[5.0], 1e-9);
    // A lognormal model of gamma data: mu = E ln X = ψ(α) − ln β, sigma² = Var ln X = ψ′(α).
    let got = theta_star(K::LogNormal, none, K::Gamma, none, &[a, b]).expect("θ*");
    let trigamma_3 = std::f64::consts::PI.powi(2) / 6.0 - 1.0 - 0.25;
    assert_near("lognormal ← gamma", &got, &[digamma(a) - b.ln(), trigamma_3.sqrt()], 1e-8);
    // A laplace model of normal data: the median and E|X − median| = σ √(2/π).
    let got = theta_star(K::Laplace, none, K::Normal, none, &[1.0, 2.0]).expect("θ*");
    assert_near("laplace ← normal", &got, &[1.0, 2.0 * (2.0 / std::f64::consts::PI).sqrt()], 1e-9);
    // A bernoulli model of a binomial(1, p) is the same distribution.
    let got = theta_star(K::Bernoulli, none, K::Binomial, Shape::fixed(1), &[0.3]).expect("θ*");
    assert_near("bernoulli ← binomial(1)", &got, &[0.3], 1e-9);
}

#[test]
fn no_theta_star_says_why() {
    use FamilyKind as K;
    let none = Shape::default();
    // Mass where the model has no density.
    let r = theta_star(K::Exponential, none, K::Normal, none, &[0.0, 1.0]);
    assert_eq!(r, Err(NoPseudoTrue::Infinite(Infinite::Support)));
    // Tails too heavy: a normal model of a cauchy truth has an infinite cross-entropy.
    let r = theta_star(K::Normal, none, K::Cauchy, none, &[0.0, 1.0]);
    assert!(matches!(r, Err(NoPseudoTrue::Infinite(Infinite::Tails { .. }))), "{r:?}");
    // A t model of a normal truth: df runs to ∞, its normal limit.
    let r = theta_star(K::StudentT, none, K::Normal, none, &[0.0, 1.0]);
    match r {
        Err(NoPseudoTrue::Fit(StopReason::Boundary { .. }, Some(limit))) => {
            assert_eq!(limit.parameter, "df");
            assert!(limit.value.is_infinite());
        }
        other => panic!("expected the df boundary, got {other:?}"),
    }
}

#[test]
fn cramer_rao_bounds_by_hand() {
    let normal = FamilyKind::Normal.build(Shape::default());
    let c = cramer_rao(normal.as_ref(), &[1.0, 2.0], 100).expect("a bound");
    assert_near("normal", &[c[0][0], c[1][1], c[0][1]], &[0.04, 0.02, 0.0], 1e-12);
    // A categorical's bound is the multinomial covariance (diag(p) − ppᵀ)/m.
    let p = [0.1, 0.2, 0.3, 0.4];
    let cat = FamilyKind::Categorical.build(Shape::fixed(4));
    let c = cramer_rao(cat.as_ref(), &p, 50).expect("a bound");
    for i in 0..4 {
        for j in 0..4 {
            let want = (if i == j { p[i] } else { 0.0 } - p[i] * p[j]) / 50.0;
            assert!((c[i][j] - want).abs() < 1e-12, "[{i}][{j}] {} vs {want}", c[i][j]);
        }
    }
    let mixture = FamilyKind::NormalMixture.build(Shape::default());
    let (_, nat) = FamilyKind::NormalMixture.default_truth();
    assert!(cramer_rao(mixture.as_ref(), &nat, 10).is_none());
}

#[test]
fn the_sandwich_at_theta_star_is_the_bound_when_the_model_is_right_and_the_moments_when_not() {
    let (a, b) = (3.0_f64, 2.0_f64);
    let gamma = FamilyKind::Gamma.build(Shape::default());
    let truth = Truth::new(gamma.as_ref(), &[a, b]);
    let m = 200;
    let sw = sandwich_at(gamma.as_ref(), &truth, &[a, b], m).expect("invertible");
    let cr = cramer_rao(gamma.as_ref(), &[a, b], m).expect("a bound");
    for (s, c) in sw.iter().flatten().zip(cr.iter().flatten()) {
        assert!((s - c).abs() < 1e-7 * c.abs().max(1e-6), "{s} vs {c}");
    }
    // A normal model of gamma data: Var(x̄) = σ²/m, Var(σ̂) = (μ₄ − σ⁴)/(4σ² m) and
    // Cov(x̄, σ̂) = μ₃/(2σ m), with the gamma's central moments.
    let normal = FamilyKind::Normal.build(Shape::default());
    let star = pseudo_true(normal.as_ref(), &truth).expect("θ*");
    let sw = sandwich_at(normal.as_ref(), &truth, &star, m).expect("invertible");
    let (var, mu3, mu4) = (a / (b * b), 2.0 * a / b.powi(3), 3.0 * a * (a + 2.0) / b.powi(4));
    let s = var.sqrt();
    let m = m as f64;
    let want = [var / m, (mu4 - var * var) / (4.0 * var * m), mu3 / (2.0 * s * m)];
    assert_near("normal ← gamma sandwich", &[sw[0][0], sw[1][1], sw[0][1]], &want, 1e-6);
}
