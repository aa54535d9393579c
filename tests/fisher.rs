//! The closed-form expected (Fisher) information of every family against two independent
//! sources at the truth: E[s sᵀ] of the analytic score, and −E[∇² ln q] from central
//! differences of that score, both integrated over the family's own quadrature nodes (exact
//! sums for discrete families) in the free coordinates, where I_free = Jᵀ I J.

use mlex::stats::family::{Family, FamilyKind, Shape};
use mlex::stats::quadrature::Nodes;

/// Relative agreement of E[s sᵀ] by quadrature with the closed form.
const SCORE_REL: f64 = 1e-8;
/// Relative agreement of −E[Hessian] by differences of the score (h = 1e-5 in free
/// coordinates: truncation ~1e-10, rounding ~1e-11).
const HESSIAN_REL: f64 = 1e-6;
const STEP: f64 = 1e-5;

fn cases() -> Vec<(FamilyKind, Shape, Vec<f64>)> {
    use FamilyKind as K;
    let none = Shape::default();
    vec![
        (K::Normal, none, vec![0.3, 1.7]),
        (K::Exponential, none, vec![2.5]),
        (K::Gamma, none, vec![0.7, 1.3]),
        (K::Gamma, none, vec![5.0, 0.2]),
        (K::LogNormal, none, vec![-0.4, 0.6]),
        (K::Weibull, none, vec![1.5, 2.0]),
        (K::Weibull, none, vec![0.6, 0.5]),
        (K::Laplace, none, vec![1.0, 0.8]),
        (K::Cauchy, none, vec![-1.0, 2.0]),
        (K::StudentT, none, vec![3.0, 0.5, 1.5]),
        (K::StudentT, none, vec![0.8, 0.0, 1.0]),
        (K::StudentT, none, vec![40.0, -2.0, 0.5]),
        (K::Beta, none, vec![2.0, 5.0]),
        (K::Beta, none, vec![0.6, 0.9]),
        (K::Bernoulli, none, vec![0.3]),
        (K::Binomial, Shape::fixed(12), vec![0.35]),
        (K::Geometric, none, vec![0.25]),
        (K::Poisson, none, vec![3.5]),
        (K::Categorical, Shape::fixed(4), vec![0.1, 0.2, 0.3, 0.4]),
    ]
}

fn free_score(family: &dyn Family, nat: &[f64], x: f64) -> Vec<f64> {
    let mut s = vec![0.0; family.dim()];
    family.add_score(nat, x, &mut s);
    s
}

/// Jᵀ I J: the information in the free coordinates.
fn free_information(family: &dyn Family, nat: &[f64], info: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let jac = family.layout().jacobian(&family.to_free(nat));
    let d = family.dim();
    (0..d)
        .map(|a| {
            (0..d)
                .map(|b| {
                    let mut t = 0.0;
                    for (i, row) in info.iter().enumerate() {
                        for (j, v) in row.iter().enumerate() {
                            t += jac[i][a] * v * jac[j][b];
                        }
                    }
                    t
                })
                .collect()
        })
        .collect()
}

fn assert_close(what: &str, got: &[Vec<f64>], want: &[Vec<f64>], rel: f64) {
    let scale = want.iter().flatten().fold(0.0_f64, |a, v| a.max(v.abs()));
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        for (j, (g, w)) in g.iter().zip(w).enumerate() {
            assert!(
                (g - w).abs() <= rel * scale,
                "{what} [{i}][{j}]: {g} vs closed form {w} (tolerance {})",
                rel * scale
            );
        }
    }
}

#[test]
fn closed_form_information_is_the_expected_outer_product_of_the_score() {
    for (kind, shape, nat) in cases() {
        let family = kind.build(shape);
        let info = family.fisher_information(&nat).expect("a closed form");
        let want = free_information(family.as_ref(), &nat, &info);
        let nodes = Nodes::new(family.as_ref(), &nat);
        let d = family.dim();
        let scores: Vec<(Vec<f64>, f64)> =
            nodes.points.iter().map(|&(x, w)| (free_score(family.as_ref(), &nat, x), w)).collect();
        let got: Vec<Vec<f64>> = (0..d)
            .map(|a| (0..d).map(|b| scores.iter().map(|(s, w)| w * s[a] * s[b]).sum()).collect())
            .collect();
        assert_close(&format!("{kind} {nat:?} E[s sᵀ]"), &got, &want, SCORE_REL);
    }
}

#[test]
fn closed_form_information_is_minus_the_expected_hessian() {
    for (kind, shape, nat) in cases() {
        let family = kind.build(shape);
        let info = family.fisher_information(&nat).expect("a closed form");
        let want = free_information(family.as_ref(), &nat, &info);
        let free = family.to_free(&nat);
        let nodes = Nodes::new(family.as_ref(), &nat);
        let d = family.dim();
        let mut got = vec![vec![0.0; d]; d];
        for b in 0..d {
            let shifted = |h: f64| {
                let mut u = free.clone();
                u[b] += h;
                family.to_natural(&u)
            };
            let (up, down) = (shifted(STEP), shifted(-STEP));
            for &(x, w) in &nodes.points {
                let (su, sd) =
                    (free_score(family.as_ref(), &up, x), free_score(family.as_ref(), &down, x));
                for a in 0..d {
                    got[a][b] -= w * (su[a] - sd[a]) / (2.0 * STEP);
                }
            }
        }
        if kind == FamilyKind::Laplace {
            // The loc's score is a step (a kink in ln q at the median, where the nodes crowd):
            // its derivative is a point mass that differences catch only in part, so that
            // entry rests on E[s²] alone (checked above).
            got[0][0] = want[0][0];
        }
        assert_close(&format!("{kind} {nat:?} −E[∇²]"), &got, &want, HESSIAN_REL);
    }
}

#[test]
fn closed_forms_by_hand() {
    let at = |kind: FamilyKind, nat: &[f64]| {
        kind.build(Shape::default()).fisher_information(nat).expect("a closed form")
    };
    // Exponential: 1/λ²; Poisson: 1/λ; normal: diag(1/σ², 2/σ²).
    assert_eq!(at(FamilyKind::Exponential, &[4.0]), vec![vec![1.0 / 16.0]]);
    assert_eq!(at(FamilyKind::Poisson, &[4.0]), vec![vec![0.25]]);
    assert_eq!(at(FamilyKind::Normal, &[1.0, 2.0]), vec![vec![0.25, 0.0], vec![0.0, 0.5]]);
    // Gamma with shape 1 is the exponential: ψ′(1) = π²/6 in the shape's entry.
    let g = at(FamilyKind::Gamma, &[1.0, 2.0]);
    assert!((g[0][0] - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-14);
    assert!((g[1][1] - 0.25).abs() < 1e-15 && (g[0][1] + 0.5).abs() < 1e-15);
}

#[test]
fn the_mixture_has_no_closed_form() {
    let (shape, nat) = FamilyKind::NormalMixture.default_truth();
    assert!(FamilyKind::NormalMixture.build(shape).fisher_information(&nat).is_none());
}

#[test]
fn every_other_family_has_one() {
    let covered: Vec<FamilyKind> = cases().into_iter().map(|c| c.0).collect();
    for kind in FamilyKind::ALL {
        if kind != FamilyKind::NormalMixture {
            assert!(covered.contains(&kind), "{kind} has no test case");
        }
    }
}
