//! `mlex compare` through the binary, against answers computed here: ℓ̂ of the families
//! with a closed-form MLE written out by hand, AIC, ΔAIC and Akaike weights from them, the
//! likelihood-ratio test's χ²₁ tail, and the reasons a model is listed without a weight.

mod common;

use std::io::Write as _;
use std::process::Command;

use common::close_rel;
use mlex::optim::inference::comparison::{Nesting, akaike_weights, lr_test};
use mlex::stats::family::{FamilyKind, Shape};
use mlex::stats::rng::seeded;
use serde_json::Value;

/// ℓ̂ from the binary against the hand-written closed forms: both are sums of a few
/// logarithms, and the fit stops at a gradient of 1e-8 relative.
const LL_REL: f64 = 1e-9;

/// A file with these lines, removed when dropped.
fn data_file(values: &[f64]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temporary file");
    for v in values {
        writeln!(f, "{v:e}").expect("write");
    }
    f
}

/// Runs `mlex compare` with `args` and parses the JSON; panics unless the status is 0.
fn compare(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .arg("compare")
        .args(args)
        .args(["-f", "json"])
        .output()
        .expect("run mlex");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn row<'a>(report: &'a Value, model: &str) -> &'a Value {
    report["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|r| r["model"] == model)
        .unwrap_or_else(|| panic!("{model} is listed"))
}

fn test_of<'a>(report: &'a Value, null: &str, alternative: &str) -> &'a Value {
    report["likelihood_ratio"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|t| t["null"] == null && t["alternative"] == alternative)
        .unwrap_or_else(|| panic!("{null} ⊂ {alternative} is tested"))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is a number"))
}

fn sampled(kind: FamilyKind, truth: &[f64], m: usize, seed: u64) -> Vec<f64> {
    kind.build(Shape::default()).sample(truth, m, &mut seeded(seed))
}

#[test]
fn ranking_and_weights_match_the_closed_forms_by_hand() {
    let xs = [0.8, 1.2, 1.9, 2.2, 2.4, 2.6, 3.1];
    let file = data_file(&xs);
    let path = file.path().to_str().expect("utf-8");
    let report = compare(&[path, "--models", "exponential,normal,lognormal"]);
    let m = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / m;
    // Exponential: λ̂ = 1/x̄, ℓ = m ln λ̂ − λ̂ Σx = −m ln x̄ − m.
    let ll_exp = -m * mean.ln() - m;
    // Normal: σ̂² the mean squared deviation, ℓ = −(m/2) ln(2π σ̂²) − m/2.
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / m;
    let ll_norm = -0.5 * m * (2.0 * std::f64::consts::PI * var).ln() - 0.5 * m;
    // Lognormal: the normal of ln x, less the Jacobian Σ ln x.
    let ln: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
    let ln_mean = ln.iter().sum::<f64>() / m;
    let ln_var = ln.iter().map(|y| (y - ln_mean).powi(2)).sum::<f64>() / m;
    let ll_lnorm =
        -0.5 * m * (2.0 * std::f64::consts::PI * ln_var).ln() - 0.5 * m - ln.iter().sum::<f64>();
    let hand =
        [("exponential", 1.0, ll_exp), ("normal", 2.0, ll_norm), ("lognormal", 2.0, ll_lnorm)];
    let aic: Vec<f64> = hand.iter().map(|(_, k, ll)| 2.0 * k - 2.0 * ll).collect();
    let best = aic.iter().copied().fold(f64::INFINITY, f64::min);
    let total: f64 = aic.iter().map(|a| (-(a - best) / 2.0).exp()).sum();
    for ((name, k, ll), a) in hand.iter().zip(&aic) {
        let r = row(&report, name);
        assert!(close_rel(num(&r["log_likelihood"]), *ll, LL_REL), "{name}: ℓ {r}");
        assert!(close_rel(num(&r["aic"]), *a, LL_REL), "{name}: AIC");
        assert!(close_rel(num(&r["bic"]), k * m.ln() - 2.0 * ll, LL_REL), "{name}: BIC");
        let aicc = a + 2.0 * k * (k + 1.0) / (m - k - 1.0);
        assert!(close_rel(num(&r["aicc"]), aicc, LL_REL), "{name}: AICc");
        assert!((num(&r["delta_aic"]) - (a - best)).abs() < 1e-8, "{name}: ΔAIC");
        let w = (-(a - best) / 2.0).exp() / total;
        assert!((num(&r["weight"]) - w).abs() < 1e-9, "{name}: weight {} vs {w}", r["weight"]);
        assert_eq!(r["estimated_parameters"], *k as u64);
        assert_eq!(r["converged"], true);
    }
    // Ranked by AIC: the rows come best first, ranks 1, 2, 3.
    let mut by_hand: Vec<(f64, &str)> = aic.iter().zip(&hand).map(|(a, h)| (*a, h.0)).collect();
    by_hand.sort_by(|a, b| a.0.total_cmp(&b.0));
    let listed: Vec<&str> = report["models"]
        .as_array()
        .expect("models")
        .iter()
        .filter_map(|r| r["model"].as_str())
        .collect();
    assert_eq!(listed, by_hand.iter().map(|(_, n)| *n).collect::<Vec<_>>());
    for (i, name) in listed.iter().enumerate() {
        assert_eq!(row(&report, name)["rank"], i as u64 + 1);
    }
    assert_eq!(report["schema_version"], mlex::report::SCHEMA_VERSION);
    assert_eq!(report["scale"], "density");
}

#[test]
fn the_weights_of_the_default_set_sum_to_one() {
    let xs = sampled(FamilyKind::LogNormal, &[0.0, 0.6], 200, 3);
    let file = data_file(&xs);
    let report = compare(&[file.path().to_str().expect("utf-8")]);
    let rows = report["models"].as_array().expect("models");
    let weights: Vec<f64> = rows.iter().filter_map(|r| r["weight"].as_f64()).collect();
    assert!(weights.len() >= 5, "most families are ranked: {rows:?}");
    let sum: f64 = weights.iter().sum();
    assert!((sum - 1.0).abs() < 1e-12, "the weights sum to {sum}");
    // Every continuous family with a support holding positive data is there, ranked or with
    // its reason; the others are listed as not considered, with theirs.
    for kind in FamilyKind::ALL {
        let listed = rows.iter().any(|r| r["model"] == kind.name());
        let excluded =
            report["not_considered"].as_array().expect("not_considered").iter().any(|e| {
                e["model"] == kind.name() && e["message"].as_str().is_some_and(|m| !m.is_empty())
            });
        assert!(listed != excluded, "{kind} is either compared or excluded with a reason");
        assert_eq!(listed, !kind.is_discrete() && kind != FamilyKind::Beta, "{kind}");
    }
    for r in rows {
        assert!(
            r["weight"].is_null() == r["reason"].is_object(),
            "a missing weight has its reason: {r}"
        );
    }
}

#[test]
fn a_gamma_sample_picks_gamma_over_the_exponential() {
    let xs = sampled(FamilyKind::Gamma, &[3.0, 2.0], 400, 11);
    let file = data_file(&xs);
    let report = compare(&[file.path().to_str().expect("utf-8"), "--models", "exponential,gamma"]);
    assert_eq!(row(&report, "gamma")["rank"], 1);
    assert!(num(&row(&report, "gamma")["weight"]) > 0.999);
    let t = test_of(&report, "exponential", "gamma");
    let (ll0, ll1) = (
        num(&row(&report, "exponential")["log_likelihood"]),
        num(&row(&report, "gamma")["log_likelihood"]),
    );
    assert!(close_rel(num(&t["statistic"]), 2.0 * (ll1 - ll0), 1e-12));
    assert!(num(&t["p_value"]) < 1e-10, "{t}");
    assert_eq!(t["reference"], "chi_squared_1");
}

#[test]
fn an_exponential_sample_gives_a_large_p_value() {
    let xs = sampled(FamilyKind::Exponential, &[1.5], 400, 5);
    let file = data_file(&xs);
    let report =
        compare(&[file.path().to_str().expect("utf-8"), "--models", "exponential,gamma,weibull"]);
    for alternative in ["gamma", "weibull"] {
        let t = test_of(&report, "exponential", alternative);
        let p = num(&t["p_value"]);
        // This seed's statistic, against the χ²₁ tail computed independently: P(χ²₁ ≥ s) =
        // erfc(√(s/2)).
        let s = num(&t["statistic"]);
        assert!((p - erfc((s / 2.0).sqrt())).abs() < 1e-10, "{alternative}: p {p} for s {s}");
        assert!(p > 0.1, "{alternative}: the exponential holds the truth, p = {p}");
    }
}

/// erfc by its continued fraction for x > 2 and the series for erf below, to 1e-13: an
/// independent check of statrs' χ²₁ tail.
fn erfc(x: f64) -> f64 {
    if x < 2.0 {
        // erf x = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)).
        let (mut term, mut sum) = (x, x);
        for n in 1..200 {
            term *= -x * x / f64::from(n);
            sum += term / f64::from(2 * n + 1);
        }
        1.0 - 2.0 / std::f64::consts::PI.sqrt() * sum
    } else {
        // erfc x = e^(−x²)/√π · 1/(x + 1/2 / (x + 1 / (x + 3/2 / (x + …)))).
        let mut f = x;
        for n in (1..200).rev() {
            f = x + (f64::from(n) / 2.0) / f;
        }
        (-x * x).exp() / std::f64::consts::PI.sqrt() / f
    }
}

#[test]
fn unfittable_models_are_listed_with_their_reasons() {
    let xs = sampled(FamilyKind::Normal, &[5.0, 1.0], 300, 2);
    let file = data_file(&xs);
    let path = file.path().to_str().expect("utf-8");
    let report = compare(&[path, "--models", "normal,student_t,beta"]);
    // beta cannot hold values above 1: refused, naming the file's line.
    let beta = row(&report, "beta");
    assert_eq!(beta["reason"]["why"], "support");
    assert!(beta["reason"]["message"].as_str().expect("message").contains(&format!("{path}:1")));
    assert!(beta["weight"].is_null() && beta["rank"].is_null() && beta["aic"].is_null());
    // The t on normal data runs to df → ∞: no maximum, so no weight, but listed.
    let t = row(&report, "student_t");
    assert_eq!(t["reason"]["why"], "boundary", "{t}");
    assert!(t["weight"].is_null());
    assert_eq!(t["converged"], false);
    assert_eq!(row(&report, "normal")["weight"], 1.0);
    // The boundary test: the t's supremum is the normal's maximum, so the statistic is 0 and
    // p = 1 under ½χ²₀ + ½χ²₁, with the caveat said.
    let lr = test_of(&report, "normal", "student_t");
    assert_eq!(lr["reference"], "mixture_chi_squared_0_1");
    assert!(num(&lr["statistic"]) < 1e-6);
    assert_eq!(num(&lr["p_value"]), 1.0);
    assert!(lr["note"].as_str().expect("note").contains("½χ²₀ + ½χ²₁"));
    // Binomial without --trials is not considered, with how to give it.
    let ints = data_file(&[0.0, 1.0, 3.0, 2.0, 2.0, 4.0, 1.0, 0.0]);
    let report = compare(&[ints.path().to_str().expect("utf-8")]);
    let binomial = report["not_considered"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["model"] == "binomial")
        .expect("binomial is listed");
    assert!(binomial["message"].as_str().expect("message").contains("--trials"));
    assert_eq!(report["scale"], "mass");
    let report = compare(&[ints.path().to_str().expect("utf-8"), "--trials", "6"]);
    assert!(row(&report, "binomial")["weight"].is_number());
}

#[test]
fn counts_and_densities_are_not_ranked_together() {
    let ints = data_file(&[0.0, 1.0, 3.0, 2.0]);
    let out = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(["compare", ints.path().to_str().expect("utf-8"), "--models", "poisson,normal"])
        .output()
        .expect("run mlex");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--models") && err.contains("poisson") && err.contains("normal"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(["compare", ints.path().to_str().expect("utf-8"), "--models", "poison"])
        .output()
        .expect("run mlex");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean 'poisson'"));
}

#[test]
fn the_likelihood_ratio_reference_distributions() {
    // χ²₁'s upper 10 % point is 2.705543454…: the interior test gives p = 0.1 there, the
    // boundary mixture half of it.
    let s = 2.705_543_454_095_404;
    let inner = lr_test(0.0, s / 2.0, Nesting::Interior).expect("test");
    assert!((inner.p_value - 0.1).abs() < 1e-12, "{inner:?}");
    let edge = lr_test(0.0, s / 2.0, Nesting::Boundary).expect("test");
    assert!((edge.p_value - 0.05).abs() < 1e-12, "{edge:?}");
    assert_eq!(lr_test(-10.0, -10.0, Nesting::Boundary).expect("test").p_value, 1.0);
    // A larger model below the smaller one is a local maximum, not a test.
    assert!(lr_test(-10.0, -11.0, Nesting::Interior).is_err());
    // Weights relative to the best: no overflow for AICs of 1e6, and they sum to 1.
    let w = akaike_weights(&[1e6, 1e6 + 2.0, 1e6 + 3000.0]);
    assert!((w[0].1 - 1.0 / (1.0 + (-1.0_f64).exp())).abs() < 1e-15);
    assert_eq!(w[2].1, 0.0);
    assert_eq!(w[1].0, 2.0);
}

#[test]
fn standard_input_and_a_csv_column_are_read_as_fit_reads_them() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(["compare", "-", "--models", "normal,laplace", "-f", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run mlex");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"1.5\n2.5\n0.5\n# a comment\n3.0\n2.0\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["data"]["file"], "<stdin>");
    assert_eq!(v["n"], 5);
    let mut csv = tempfile::NamedTempFile::new().expect("file");
    write!(csv, "id,hours\na,1.5\nb,2.5\nc,0.5\nd,3.0\ne,2.0\n").expect("write");
    let w = compare(&[
        csv.path().to_str().expect("utf-8"),
        "-c",
        "hours",
        "--models",
        "normal,laplace",
    ]);
    assert_eq!(w["data"]["column"], "hours");
    assert_eq!(row(&w, "normal")["log_likelihood"], row(&v, "normal")["log_likelihood"]);
    // A bad value is refused at its line, as mlex fit refuses it.
    let bad = data_file(&[]);
    std::fs::write(bad.path(), "1.0\nabc\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(["compare", bad.path().to_str().expect("utf-8")])
        .output()
        .expect("run mlex");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":2"), "{err}");
}

#[test]
fn a_two_category_categorical_is_not_ranked_beside_the_bernoulli() {
    let flips = data_file(&[1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0]);
    let report = compare(&[flips.path().to_str().expect("utf-8")]);
    let listed: Vec<&str> = report["models"]
        .as_array()
        .expect("models")
        .iter()
        .filter_map(|r| r["model"].as_str())
        .collect();
    assert!(listed.contains(&"bernoulli") && !listed.contains(&"categorical"), "{listed:?}");
    let why = report["not_considered"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["model"] == "categorical")
        .map(|e| e["why"].clone());
    assert_eq!(why, Some(Value::from("same_model")));
}
