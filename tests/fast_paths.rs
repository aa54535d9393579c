//! The vectorised, threaded likelihood passes against the plain per-point reference (statrs
//! densities and the analytic scores, one compensated sum per term): ℓ must agree to 1e-12
//! relative, the gradient to the rounding of its terms.

use mlex::stats::family::{FamilyKind, pointwise_gradient, pointwise_log_likelihood};
use mlex::stats::objective::{Model as _, Objective};
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;

/// Families whose ℓ and gradient need a pass over the data at every θ.
const PER_POINT: [FamilyKind; 5] = [
    FamilyKind::Cauchy,
    FamilyKind::StudentT,
    FamilyKind::Weibull,
    FamilyKind::Laplace,
    FamilyKind::NormalMixture,
];

/// θ near the truth and well away from it, where the terms are large and lopsided.
fn thetas(kind: FamilyKind, truth: &[f64]) -> Vec<Vec<f64>> {
    let far = match kind {
        FamilyKind::Cauchy | FamilyKind::Laplace => vec![truth[0] + 7.5, truth[1] * 0.05],
        FamilyKind::StudentT => vec![0.7, truth[1] - 3.0, truth[2] * 9.0],
        FamilyKind::Weibull => vec![truth[0] * 6.0, truth[1] * 0.1],
        _ => vec![0.97, truth[1] + 4.0, 0.2, truth[3] - 1.0, 6.0],
    };
    vec![truth.to_vec(), far]
}

#[test]
fn fast_log_likelihood_and_gradient_match_the_plain_sums() {
    for kind in PER_POINT {
        let (shape, truth) = kind.default_truth();
        let family = kind.build(shape);
        for n in [1, 13, 1_000, 300_007] {
            let sample = Sample::new(family.sample(&truth, n, &mut seeded(n as u64)));
            for nat in thetas(kind, &truth) {
                let fast = family.log_likelihood(&nat, &sample);
                let plain = pointwise_log_likelihood(family.as_ref(), &nat, sample.values());
                let rel = (fast - plain).abs() / plain.abs().max(f64::MIN_POSITIVE);
                assert!(rel <= 1e-12, "{kind:?} n={n} θ={nat:?}: ℓ {fast} vs plain {plain}");

                let mut grad = vec![0.0; nat.len()];
                let value = family.value_and_gradient(&nat, &sample, &mut grad);
                assert_eq!(value.to_bits(), fast.to_bits(), "{kind:?}: fused ℓ differs");
                let mut reference = vec![0.0; nat.len()];
                pointwise_gradient(family.as_ref(), &nat, sample.values(), &mut reference);
                // Scores are O(1) a point (O(1/scale) for locations), so n·ε·scale bounds
                // the rounding of the sum; 1e-11 leaves room for the terms' own rounding.
                let scale = nat.iter().fold(1.0f64, |m, v| m.max(v.abs()).max(1.0 / v.abs()));
                for (i, (g, r)) in grad.iter().zip(&reference).enumerate() {
                    let tol = 1e-12 * r.abs() + 1e-11 * n as f64 * scale;
                    assert!((g - r).abs() <= tol, "{kind:?} n={n} θ={nat:?} ∂{i}: {g} vs {r}");
                }
            }
        }
    }
}

#[test]
fn closed_form_hessians_match_differences_of_the_gradient() {
    // Central differences of the analytic gradient are accurate to about 1e-9 of the
    // matrix's size (step 6e-6: truncation ~ step², rounding ~ ε / step).
    let mut closed_forms = 0;
    for kind in PER_POINT {
        let (shape, truth) = kind.default_truth();
        let family = kind.build(shape);
        for n in [13, 300_007] {
            let sample = Sample::new(family.sample(&truth, n, &mut seeded(n as u64 + 1)));
            let objective = Objective { family: family.as_ref(), sample: &sample };
            for nat in thetas(kind, &truth) {
                let Some(h) = family.free_hessian(&nat, &sample) else { continue };
                closed_forms += 1;
                let free = family.to_free(&nat);
                let diff = objective.hessian_by_differences(&free);
                let m = n as f64;
                let size = diff.iter().flatten().fold(0.0f64, |a, v| a.max(v.abs()));
                for (i, (row, drow)) in h.iter().zip(&diff).enumerate() {
                    for (j, (v, d)) in row.iter().zip(drow).enumerate() {
                        assert!(
                            (v / m - d).abs() <= 1e-6 * size,
                            "{kind:?} n={n} θ={nat:?} H[{i}][{j}]: {} vs differences {d}",
                            v / m
                        );
                    }
                }
                // Newton's Hessian is the closed form, of ℓ/m.
                let mut closed = family.free_hessian(&family.to_natural(&free), &sample);
                if let Some(h) = closed.as_mut() {
                    h.iter_mut().flatten().for_each(|v| *v /= m);
                }
                assert_eq!(Some(objective.hessian(&free)), closed, "{kind:?} n={n} θ={nat:?}");
            }
        }
    }
    // cauchy, weibull and normal_mixture, two θ and two sizes each.
    assert_eq!(closed_forms, 12);
}
