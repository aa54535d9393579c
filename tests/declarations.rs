//! What follows from each family's declared parameters, checked against independent rules:
//! the free ↔ natural maps against the textbook ones (identity, ln, logit, the log-odds of
//! a simplex), the boundary limits against pushing the free coordinate far out and reading
//! where the natural parameter goes, the checks against each domain's definition, and the
//! typed error against the words and fields the interface promises.

use std::collections::BTreeMap;

use mlex::stats::family::{Domain, Family, FamilyKind, Fault, ParamValue, Shape};

fn build(kind: FamilyKind) -> Box<dyn Family> {
    let (shape, _) = kind.default_truth();
    kind.build(shape)
}

/// Every family at its typical truth.
fn catalogue() -> Vec<(Box<dyn Family>, Vec<f64>)> {
    FamilyKind::ALL
        .into_iter()
        .map(|kind| {
            let (shape, params) = kind.default_truth();
            (kind.build(shape), params)
        })
        .collect()
}

#[test]
fn names_and_dimensions_follow_the_declaration() {
    for (family, nat) in catalogue() {
        assert_eq!(family.param_names().len(), nat.len(), "{}", family.kind());
        assert_eq!(family.to_free(&nat).len(), family.dim(), "{}", family.kind());
        assert!(family.check(&nat).is_ok(), "{} rejects its own example", family.kind());
    }
    let categorical = FamilyKind::Categorical.build(Shape::fixed(4));
    assert_eq!(categorical.param_names(), ["p[0]", "p[1]", "p[2]", "p[3]"]);
    assert_eq!(categorical.dim(), 3);
    assert_eq!(FamilyKind::StudentT.build(Shape::default()).param_names(), ["df", "loc", "scale"]);
}

#[test]
fn free_coordinates_are_the_textbook_maps() {
    let logit = |p: f64| (p / (1.0 - p)).ln();
    for (family, nat) in catalogue() {
        let free = family.to_free(&nat);
        let layout = family.layout();
        // Only categorical has a simplex, and it is its one parameter, so entry i of the
        // declaration is natural entry i.
        for (at, spec) in layout.specs.iter().enumerate() {
            match spec.domain {
                Domain::Real => assert_eq!(free[at], nat[at]),
                Domain::Positive => assert!((free[at] - nat[at].ln()).abs() <= 1e-15),
                Domain::Probability => assert!((free[at] - logit(nat[at])).abs() <= 1e-14),
                Domain::Simplex => {
                    let last = nat[nat.len() - 1];
                    for (j, u) in free[at..].iter().enumerate() {
                        assert!((u - (nat[at + j] / last).ln()).abs() <= 1e-14);
                    }
                }
            }
        }
        let back = family.to_natural(&free);
        for (a, b) in back.iter().zip(&nat) {
            assert!((a - b).abs() <= 1e-14 * b.abs().max(1.0), "{}: {back:?}", family.kind());
        }
    }
}

/// Where pushing free coordinate `i` far out takes natural entry `entry`: the rule the
/// boundary limits were read off by before they were declared.
fn probe(family: &dyn Family, free: &[f64], i: usize, entry: usize, increasing: bool) -> f64 {
    let sign = if increasing { 1.0 } else { -1.0 };
    let at = |reach: f64| {
        let mut u = free.to_vec();
        u[i] = sign * reach;
        family.to_natural(&u)[entry]
    };
    let (near, far) = (at(350.0), at(700.0));
    if far.abs() >= 1.5 * near.abs() {
        f64::INFINITY.copysign(far)
    } else if far.abs() <= near.abs() / 1.5 {
        0.0
    } else {
        far
    }
}

#[test]
fn boundary_limits_are_where_the_free_coordinate_takes_the_parameter() {
    for (family, nat) in catalogue() {
        let free = family.to_free(&nat);
        let names = family.param_names();
        for i in 0..family.dim() {
            for increasing in [false, true] {
                let limit = family.boundary_limit(&free, i, increasing);
                let entry = names.iter().position(|n| *n == limit.parameter).expect("a name");
                assert_eq!(
                    limit.value,
                    probe(family.as_ref(), &free, i, entry, increasing),
                    "{} coordinate {i} {increasing}",
                    family.kind()
                );
            }
        }
    }
    let t = build(FamilyKind::StudentT);
    let free = t.to_free(&[3.0, 0.0, 1.0]);
    assert_eq!(t.boundary_limit(&free, 0, true).meaning, Some("the normal limit of the t"));
    assert_eq!(t.boundary_limit(&free, 0, false).meaning, None);
}

#[test]
fn each_domain_refuses_what_lies_outside_it_naming_the_parameter() {
    let normal = build(FamilyKind::Normal);
    let e = normal.check(&[0.0, -1.0]).expect_err("negative sigma");
    assert_eq!((e.parameter.as_str(), &e.fault, e.value), ("sigma", &Fault::NotPositive, -1.0));
    assert_eq!(e.to_string(), "sigma must be a finite number > 0, got -1");
    let e = normal.check(&[f64::NAN, 1.0]).expect_err("NaN mu");
    assert_eq!((e.parameter.as_str(), &e.fault), ("mu", &Fault::NotFinite));
    let mixture = build(FamilyKind::NormalMixture);
    let e = mixture.check(&[1.0, 0.0, 1.0, 0.0, 1.0]).expect_err("weight 1");
    assert_eq!(e.to_string(), "weight must lie strictly between 0 and 1, got 1");
    let poisson = build(FamilyKind::Poisson);
    assert_eq!(
        poisson.check(&[2e7]).expect_err("huge").to_string(),
        "lambda must be at most 1e7, got 20000000"
    );
    let geometric = build(FamilyKind::Geometric);
    // A truth's limit does not hold a fit to it.
    assert!(geometric.check(&[1e-5]).is_ok());
    let e = geometric.check_truth(&[1e-5]).expect_err("a tiny truth");
    assert_eq!(e.fault, Fault::TruthRange(Some(1e-4), None));
    assert!(e.to_string().starts_with("p of a geometric truth must be at least 0.0001, got 1e-5"));
    let t = build(FamilyKind::StudentT);
    assert_eq!(
        t.check_truth(&[0.1, 0.0, 1.0]).expect_err("df").fault,
        Fault::TruthRange(Some(0.2), Some(1e6))
    );
    assert!(t.check(&[0.1, 0.0, 1.0]).is_ok());
    let categorical = build(FamilyKind::Categorical);
    let e = categorical.check(&[0.1, 0.2, 0.3, 0.5]).expect_err("sum");
    assert_eq!((e.parameter.as_str(), &e.fault), ("p", &Fault::Sum));
    let e = categorical.check(&[0.5, 0.0, 0.25, 0.25]).expect_err("zero");
    assert_eq!(
        (e.index, e.to_string().as_str()),
        (Some(1), "p[1] must lie strictly between 0 and 1, got 0")
    );
}

#[test]
fn named_values_read_back_what_the_json_writes() {
    for (family, nat) in catalogue() {
        let json = family.params_json(&nat);
        let named: BTreeMap<String, ParamValue> = json
            .as_object()
            .expect("an object")
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    serde_json::Value::Array(items) => ParamValue::List(
                        items.iter().filter_map(serde_json::Value::as_f64).collect(),
                    ),
                    other => ParamValue::Scalar(other.as_f64().expect("a number")),
                };
                (k.clone(), value)
            })
            .collect();
        assert_eq!(family.params_from_named(&named).expect("reads back"), nat, "{}", family.kind());
    }
    let binomial = build(FamilyKind::Binomial);
    let mut named = BTreeMap::from([("n".to_string(), ParamValue::Scalar(3.0))]);
    named.insert("p".into(), ParamValue::Scalar(0.5));
    assert_eq!(
        binomial.params_from_named(&named).expect_err("n fixed").to_string(),
        "n is fixed at 10 for this binomial"
    );
    let gamma = build(FamilyKind::Gamma);
    let named = BTreeMap::from([("shape".to_string(), ParamValue::Scalar(2.0))]);
    assert_eq!(
        gamma.params_from_named(&named).expect_err("missing").to_string(),
        "gamma needs 'rate' (its parameters: shape, rate)"
    );
}

#[test]
fn display_ranges_stay_inside_each_domain() {
    let normal = build(FamilyKind::Normal).layout();
    let (sigma, _) = normal.entry(1).expect("sigma");
    assert_eq!(sigma.clip_range((-3.0, 5.0), 2.0), (0.04, 5.0));
    let bernoulli = build(FamilyKind::Bernoulli).layout();
    let (p, _) = bernoulli.entry(0).expect("p");
    assert_eq!(p.clip_range((-0.5, 1.5), 0.3), (0.006, 0.999));
    let (mu, _) = normal.entry(0).expect("mu");
    assert_eq!(mu.clip_range((-3.0, 5.0), 1.0), (-3.0, 5.0));
}
