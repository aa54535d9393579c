//! Infinite and undefined quantities reach the user as such, never as a large number or
//! NaN: the cross-entropy against a truth whose tails are too heavy for the model is +∞ with
//! its reason (JSON null), and log-densities stay finite far in the tails where the density
//! itself underflows.

mod run;

use std::path::Path;

use mlex::stats::family::{FamilyKind, Shape};
use mlex::stats::information::{Infinite, Truth};
use serde_json::Value;

fn family(kind: FamilyKind) -> Box<dyn mlex::stats::family::Family> {
    kind.build(Shape::default())
}

#[test]
fn a_truth_with_tails_too_heavy_for_the_model_has_infinite_cross_entropy() {
    let cauchy = Truth::new(family(FamilyKind::Cauchy).as_ref(), &[0.0, 1.0]);
    for (model, nat) in [
        (FamilyKind::Normal, vec![0.0, 1.0]),
        (FamilyKind::Laplace, vec![0.0, 1.0]),
        (FamilyKind::NormalMixture, vec![0.5, -1.0, 1.0, 1.0, 1.0]),
    ] {
        let d = cauchy.decompose(family(model).as_ref(), &nat);
        assert_eq!(d.cross_entropy, f64::INFINITY, "{model}");
        assert_eq!(d.kl_divergence, f64::INFINITY, "{model}");
        assert!(matches!(d.infinite, Some(Infinite::Tails { .. })), "{model}");
    }
    // A t with 3 degrees of freedom has a second moment: a normal model's H(p, q) is finite,
    // and equals its closed form ln(σ√(2π)) + E[(X−μ)²]/(2σ²) with E[X²] = ν/(ν − 2) = 3.
    let t3 = Truth::new(family(FamilyKind::StudentT).as_ref(), &[3.0, 0.0, 1.0]);
    let d = t3.decompose(family(FamilyKind::Normal).as_ref(), &[0.0, 2.0]);
    let closed = (2.0 * (2.0 * std::f64::consts::PI).sqrt()).ln() + 3.0 / 8.0;
    assert!(d.infinite.is_none());
    // The quadrature stops near tail probability 1e-17, where the t's x² still holds
    // ∫ u^(−2/3) du ≈ 6e-6 of mass: its accuracy for heavy but finite tails.
    assert!((d.cross_entropy - closed).abs() < 1e-5, "{} vs {closed}", d.cross_entropy);
    // With 2 it has none.
    let t2 = Truth::new(family(FamilyKind::StudentT).as_ref(), &[2.0, 0.0, 1.0]);
    let d = t2.decompose(family(FamilyKind::Normal).as_ref(), &[0.0, 2.0]);
    assert!(matches!(d.infinite, Some(Infinite::Tails { .. })));
    // A cauchy model of cauchy data is finite: its −ln q grows like ln |x|.
    let d = cauchy.decompose(family(FamilyKind::Cauchy).as_ref(), &[0.0, 1.0]);
    assert!(d.infinite.is_none() && (d.kl_divergence).abs() < 1e-9, "{d:?}");
    // A model with no density where the truth has mass.
    let normal = Truth::new(family(FamilyKind::Normal).as_ref(), &[0.0, 1.0]);
    let d = normal.decompose(family(FamilyKind::Exponential).as_ref(), &[1.0]);
    assert_eq!(d.infinite, Some(Infinite::Support));
}

#[test]
fn the_run_report_says_infinite_with_its_reason() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = run::write_file(
        dir.path(),
        "normal_on_cauchy.toml",
        "title = \"t\"\nsample_size = 300\n[truth]\nfamily = \"cauchy\"\nparams = { loc = 0.0, scale = 1.0 }\n[model]\nfamily = \"normal\"\n",
    );
    let (status, out, err) =
        run::mlex_in(Path::new("."), ["run", "--scenario", &path, "--format", "json"]);
    assert_eq!(status, 0, "{err}");
    let r: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(r["truth"]["cross_entropy"], Value::Null);
    assert_eq!(r["truth"]["kl_divergence"], Value::Null);
    assert_eq!(r["truth"]["infinite"]["why"], "tails");
    assert!(r["truth"]["truth_entropy"].as_f64().is_some_and(f64::is_finite));
    let (status, out, _) = run::mlex_in(Path::new("."), ["run", "--scenario", &path]);
    assert_eq!(status, 0);
    assert!(out.lines().any(|l| l.starts_with("H(p,q)") && l.contains('∞')), "{out}");
}

#[test]
fn log_densities_stay_finite_where_densities_underflow() {
    for kind in FamilyKind::ALL.into_iter().filter(|k| !k.is_discrete()) {
        let (shape, nat) = kind.default_truth();
        let f = kind.build(shape);
        // Far out in the upper tail (and the lower one where the support has no edge):
        // densities there are below the smallest f64, their logarithms are ordinary numbers.
        // (the quantile functions are built for tail probabilities down to 1e-17).
        let hi = f.upper_quantile(&nat, 1e-17);
        // At 1e300 only where −ln q grows at most like |x|: elsewhere ln q is truly below the
        // most negative f64 there, and −∞ is its honest value.
        let far = if f.tail_growth(&nat) <= 1.0 { 1e300 } else { hi };
        for x in [hi, 1e3 * hi.abs().max(1.0), far] {
            if f.in_support(x) && x.is_finite() {
                let lq = f.ln_density(&nat, x);
                assert!(lq.is_finite(), "{kind} at {x}: ln q = {lq}");
            }
        }
        for x in [-1e3, -far] {
            if f.in_support(x) {
                let lq = f.ln_density(&nat, x);
                assert!(lq.is_finite(), "{kind} at {x}: ln q = {lq}");
            }
        }
    }
}

#[test]
fn far_tails_of_the_t_and_the_cauchy_fall_like_a_power() {
    // ln q(z) ≈ const − (ν + 1) ln |z| for |z| ≫ 1: between 1e100 (z² still finite) and 1e200
    // (z² overflows, the written-out branch) ln q falls by (ν + 1) · 100 ln 10.
    for (kind, nat, nu) in [
        (FamilyKind::Cauchy, vec![0.0, 1.0], 1.0),
        (FamilyKind::StudentT, vec![3.0, 0.0, 1.0], 3.0),
    ] {
        let f = family(kind);
        let drop = f.ln_density(&nat, 1e200) - f.ln_density(&nat, 1e100);
        let expected = -(nu + 1.0) * 100.0 * std::f64::consts::LN_10;
        assert!((drop - expected).abs() < 1e-9 * expected.abs(), "{kind}: {drop} vs {expected}");
    }
}
