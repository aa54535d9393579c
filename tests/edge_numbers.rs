//! Numbers at the edge stay honest: data near ±1e300 and 1e-300, values on a support
//! boundary, categories never observed, all-equal samples, a collapsing mixture, n = 1 and
//! a requested n of 10^8. Each case either prints finite numbers only (JSON walked number
//! by number, table and CSV searched for NaN and inf) or exits 2 with one message naming the
//! file and, where one value is at fault, its line. Never a panic.

mod run;

use std::path::{Path, PathBuf};

use mlex::runner::{FitRequest, fit_file};
use serde_json::Value;

/// JSON fields that are null by design: "never happened", "no closed form" and "not CSV".
fn may_be_null(path: &str) -> bool {
    (path.starts_with("underflow.") && path.ends_with("_at"))
        || path == "closed_form_mle"
        || path == "data.column"
        || path == "data.delimiter"
}

/// Every number in `v` that is not finite, and every null where a number belongs.
fn non_finite(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Null if !may_be_null(path) => out.push(format!("{path} = null")),
        Value::Number(n) if !n.as_f64().is_some_and(f64::is_finite) => {
            out.push(format!("{path} = {n}"));
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                non_finite(x, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                non_finite(x, &p, out);
            }
        }
        _ => {}
    }
}

/// A null of the inference object with its reason: under its path in `undefined`, or an
/// entry of a matrix whose parameter's `se` is null (and so explained).
fn explained(v: &Value, bad: &str) -> bool {
    let Some(path) = bad.strip_suffix(" = null").and_then(|p| p.strip_prefix("inference.")) else {
        return false;
    };
    let inf = &v["inference"];
    if inf["undefined"].get(path).is_some() {
        return true;
    }
    let Some(cell) = path.strip_prefix("covariance[").or_else(|| path.strip_prefix("correlation["))
    else {
        return false;
    };
    let indices: Vec<usize> = cell.split(['[', ']']).filter_map(|s| s.parse().ok()).collect();
    indices.iter().any(|&i| {
        inf["parameters"][i]
            .as_str()
            .is_some_and(|name| inf["undefined"].get(format!("se.{name}")).is_some())
    })
}

/// Words that give away a non-finite number in a table or CSV.
fn has_non_finite_word(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| matches!(w.to_ascii_lowercase().as_str(), "nan" | "inf" | "infinity" | "null"))
}

fn mlex(args: &[&str]) -> (i32, String, String) {
    run::mlex_in(Path::new("."), args)
}

/// What a case must end in.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// Exit 0 and finite numbers in every format.
    Finite,
    /// Exit 2, one line naming the file (and this line, if any) and holding these words.
    Refused(Option<usize>, &'static str),
}

/// Runs `args` in every format and checks the outcome; returns the JSON when it succeeded.
fn expect(file: &Path, args: &[&str], want: Want) -> Option<Value> {
    let mut json = None;
    for format in ["json", "table", "csv"] {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", format]);
        let (code, stdout, stderr) = mlex(&all);
        let case = format!("{args:?} --format {format}");
        assert!(!stderr.contains("panicked"), "{case}: {stderr}");
        match want {
            Want::Finite => {
                assert_eq!(code, 0, "{case}: {stderr}");
                if format == "json" {
                    let v: Value = serde_json::from_str(&stdout).expect("one JSON object");
                    let mut bad = Vec::new();
                    non_finite(&v, "", &mut bad);
                    bad.retain(|b| !explained(&v, b));
                    assert!(bad.is_empty(), "{case}: {bad:?}");
                    json = Some(v);
                } else {
                    assert!(!has_non_finite_word(&stdout), "{case}:\n{stdout}");
                }
            }
            Want::Refused(line, words) => {
                let place = match line {
                    Some(l) => format!("mlex: {}:{l}", file.display()),
                    None => format!("mlex: {}", file.display()),
                };
                assert_eq!(code, 2, "{case}: {stdout}{stderr}");
                assert!(stdout.is_empty(), "{case}: {stdout}");
                assert_eq!(stderr.trim_end().lines().count(), 1, "{case}: {stderr}");
                assert!(stderr.starts_with(&place), "{case}: {stderr:?} lacks {place:?}");
                assert!(stderr.contains(words), "{case}: {stderr:?} lacks {words:?}");
                return None;
            }
        }
    }
    json
}

fn data_file(dir: &Path, name: &str, values: &[&str]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, values.join("\n") + "\n").expect("write the data");
    path
}

fn fit(file: &Path, family: &str, extra: &[&str], want: Want) -> Option<Value> {
    let path = file.to_str().expect("UTF-8 path");
    let mut args = vec!["fit", "--data", path, "--model", family];
    args.extend(extra);
    expect(file, &args, want)
}

fn param(v: &Value, name: &str) -> f64 {
    v["params"][name].as_f64().unwrap_or_else(|| panic!("no {name} in {}", v["params"]))
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

const HUGE: &[&str] = &["1e300", "-1e300", "5e299", "-7e299", "2e300"];
const HUGE_POSITIVE: &[&str] = &["1e300", "2e300", "5e299", "7e299", "1.5e300"];
const TINY: &[&str] = &["1e-300", "2e-300", "5e-301", "3e-300", "1.5e-300"];

#[test]
fn a_normal_fit_of_values_near_1e300_is_refused_naming_the_overflow() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let huge = data_file(dir.path(), "huge.txt", HUGE);
    // Σ(x − x̄)² overflows: the message says so, at the line of the most extreme value.
    for family in ["normal", "laplace", "normal_mixture"] {
        fit(&huge, family, &[], Want::Refused(Some(5), "cannot be fitted to values from -1e300"));
    }
    // Families that never square the data fit them, with finite numbers everywhere.
    for family in ["cauchy", "student_t"] {
        fit(&huge, family, &[], Want::Finite);
    }
}

#[test]
fn positive_families_fit_values_near_1e300() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let huge = data_file(dir.path(), "huge.txt", HUGE_POSITIVE);
    let mean = HUGE_POSITIVE.iter().map(|x| x.parse::<f64>().expect("number")).sum::<f64>() / 5.0;
    let v = fit(&huge, "exponential", &[], Want::Finite).expect("a fit");
    assert!(rel(param(&v, "rate"), 1.0 / mean) < 1e-12, "{}", v["params"]);
    let v = fit(&huge, "lognormal", &[], Want::Finite).expect("a fit");
    let ln_mean =
        HUGE_POSITIVE.iter().map(|x| x.parse::<f64>().expect("number").ln()).sum::<f64>() / 5.0;
    assert!(rel(param(&v, "mu"), ln_mean) < 1e-12, "{}", v["params"]);
    // Weibull's density used to be formed from scale^shape, which overflows here.
    let v = fit(&huge, "weibull", &[], Want::Finite).expect("a fit");
    assert!(param(&v, "scale") > 5e299 && param(&v, "scale") < 2e300, "{}", v["params"]);
    fit(&huge, "gamma", &[], Want::Refused(Some(2), "shape must be a finite number > 0, got inf"));
}

#[test]
fn values_near_1e_minus_300_fit_or_are_refused_precisely() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let tiny = data_file(dir.path(), "tiny.txt", TINY);
    let mean = 1.6e-300;
    let v = fit(&tiny, "exponential", &[], Want::Finite).expect("a fit");
    assert!(rel(param(&v, "rate"), 1.0 / mean) < 1e-12, "{}", v["params"]);
    let v = fit(&tiny, "lognormal", &[], Want::Finite).expect("a fit");
    assert!(param(&v, "mu") < -690.0 && param(&v, "mu") > -692.0, "{}", v["params"]);
    fit(&tiny, "weibull", &[], Want::Finite);
    // The variance underflows to 0 (squares of 1e-300), and the scores of a scale near
    // 1e-300 overflow: refused, at the line of the smallest value (5e-301, line 3).
    fit(&tiny, "normal", &[], Want::Refused(Some(3), "sigma must be a finite number > 0, got 0"));
    fit(&tiny, "gamma", &[], Want::Refused(Some(3), "shape must be a finite number > 0, got NaN"));
    for family in ["cauchy", "student_t", "normal_mixture"] {
        fit(&tiny, family, &[], Want::Refused(Some(3), "rescale them"));
    }
    // Subnormal data: 1 / mean overflows.
    let sub = data_file(dir.path(), "subnormal.txt", &["5e-324", "1e-320", "4e-322", "2e-310"]);
    fit(
        &sub,
        "exponential",
        &[],
        Want::Refused(Some(1), "rate must be a finite number > 0, got inf"),
    );
}

#[test]
fn values_on_a_support_boundary() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // Exponential's support includes 0, gamma's does not.
    let with_zero = data_file(dir.path(), "zero.txt", &["0", "0", "0.1", "2"]);
    let v = fit(&with_zero, "exponential", &[], Want::Finite).expect("a fit");
    assert!(rel(param(&v, "rate"), 4.0 / 2.1) < 1e-12, "{}", v["params"]);
    fit(&with_zero, "gamma", &[], Want::Refused(Some(1), "0 is outside the support of gamma"));
    let all_zero = data_file(dir.path(), "all_zero.txt", &["0", "0", "0"]);
    fit(
        &all_zero,
        "exponential",
        &[],
        Want::Refused(None, "the maximum-likelihood rate is infinite"),
    );
    // Beta at 0 or 1, or one ulp inside.
    let beta0 = data_file(dir.path(), "beta0.txt", &["0.5", "0", "0.3"]);
    fit(&beta0, "beta", &[], Want::Refused(Some(2), "0 is outside the support of beta"));
    let beta1 = data_file(dir.path(), "beta1.txt", &["0.5", "0.3", "1"]);
    fit(&beta1, "beta", &[], Want::Refused(Some(3), "1 is outside the support of beta"));
    let inside = data_file(dir.path(), "inside.txt", &["5e-324", "0.5", "0.9999999999999999"]);
    fit(&inside, "beta", &[], Want::Finite);
    // Geometric counts trials (≥ 1); all ones put p on its boundary.
    let ones = data_file(dir.path(), "ones.txt", &["1", "1", "1", "1"]);
    fit(&ones, "geometric", &[], Want::Refused(None, "the maximum-likelihood p is 1"));
    let mostly_ones = data_file(dir.path(), "mostly.txt", &["1", "1", "1", "2"]);
    let v = fit(&mostly_ones, "geometric", &[], Want::Finite).expect("a fit");
    assert!(rel(param(&v, "p"), 0.8) < 1e-9, "{}", v["params"]);
    // Poisson: all zeros put lambda on 0; one count is enough otherwise.
    fit(&all_zero, "poisson", &[], Want::Refused(None, "the maximum-likelihood lambda is 0"));
    let one_count = data_file(dir.path(), "one_count.txt", &["0", "0", "0", "1"]);
    let v = fit(&one_count, "poisson", &[], Want::Finite).expect("a fit");
    assert!(rel(param(&v, "lambda"), 0.25) < 1e-9, "{}", v["params"]);
    let huge_counts = data_file(dir.path(), "huge_counts.txt", &["1e15", "2e15"]);
    fit(&huge_counts, "poisson", &[], Want::Refused(Some(2), "lambda must be at most 1e7"));
}

#[test]
fn categories_never_observed_get_probability_near_zero_not_log_zero() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // Category 2 never shows, and --categories 5 adds a category 4 beyond the largest value.
    let data = data_file(dir.path(), "cats.txt", &["0", "1", "1", "3", "1", "0"]);
    let v = fit(&data, "categorical", &["--categories", "5"], Want::Finite).expect("a fit");
    let p: Vec<f64> = v["params"]["p"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect();
    assert_eq!(p.len(), 5);
    assert!(p[2] > 0.0 && p[2] < 1e-3 && p[4] > 0.0 && p[4] < 1e-3, "{p:?}");
    assert!((p[1] - 0.5).abs() < 1e-3 && (p[0] - 1.0 / 3.0).abs() < 1e-3, "{p:?}");
    assert!(v["log_likelihood"].as_f64().is_some_and(f64::is_finite));
    // Without --categories, k is the largest value + 1 and the unseen category 2 stays.
    fit(&data, "categorical", &[], Want::Finite);
    // One category only: its probability would be 1.
    let same = data_file(dir.path(), "same.txt", &["2", "2", "2"]);
    fit(&same, "categorical", &[], Want::Refused(None, "its maximum-likelihood probability is 1"));
}

#[test]
fn all_equal_samples_are_refused_for_every_scale_family() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = data_file(dir.path(), "equal.txt", &["2.5", "2.5", "2.5", "2.5"]);
    for family in ["normal", "lognormal", "weibull", "laplace", "cauchy", "student_t", "gamma"] {
        fit(&data, family, &[], Want::Refused(None, "all 4 values equal 2.5"));
    }
    let huge = data_file(dir.path(), "equal_huge.txt", &["1e300", "1e300"]);
    fit(&huge, "normal", &[], Want::Refused(None, "all 2 values equal 1e300"));
}

#[test]
fn a_mixture_component_collapsing_onto_one_point_stops_finite() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // Eight copies of 0 pull one component onto a single point, where the likelihood is
    // unbounded: the fit must stop with finite numbers (or a message), never NaN.
    let mut values = vec!["0"; 8];
    values.extend(["1", "2", "3", "4", "5", "6", "7"]);
    let data = data_file(dir.path(), "collapse.txt", &values);
    for optimizer in ["newton", "gradient_ascent", "adam", "momentum"] {
        let v =
            fit(&data, "normal_mixture", &["--optimizer", optimizer], Want::Finite).expect("a fit");
        let sigmas = [param(&v, "sigma1"), param(&v, "sigma2")];
        assert!(sigmas.iter().all(|s| *s > 0.0), "{optimizer}: {}", v["params"]);
    }
    let few = data_file(dir.path(), "few.txt", &["0", "1", "2", "3"]);
    fit(
        &few,
        "normal_mixture",
        &[],
        Want::Refused(None, "4 values cannot fit 5 mixture parameters"),
    );
}

#[test]
fn one_value_is_refused_or_fitted_for_every_family() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let one = data_file(dir.path(), "one.txt", &["1"]);
    let cases: &[(&str, &[&str], Want)] = &[
        ("normal", &[], Want::Refused(None, "all 1 values equal 1")),
        ("exponential", &[], Want::Finite),
        ("poisson", &[], Want::Finite),
        ("bernoulli", &[], Want::Refused(None, "the maximum-likelihood p is 1")),
        ("binomial", &["--trials", "3"], Want::Finite),
        ("geometric", &[], Want::Refused(None, "the maximum-likelihood p is 1")),
        ("beta", &[], Want::Refused(Some(1), "1 is outside the support of beta")),
        ("normal_mixture", &[], Want::Refused(None, "all 1 values equal 1")),
    ];
    for (family, extra, want) in cases {
        fit(&one, family, extra, *want);
    }
    let v = fit(&one, "exponential", &[], Want::Finite).expect("a fit");
    assert!(rel(param(&v, "rate"), 1.0) < 1e-12, "{}", v["params"]);
}

/// Writes a scenario with this truth and model.
fn scenario(dir: &Path, name: &str, size: &str, truth: &str, params: &str, model: &str) -> PathBuf {
    let path = dir.join(name);
    let text = format!(
        "title = \"{name}\"\nseed = 3\nsample_size = {size}\n[truth]\nfamily = \"{truth}\"\n\
         params = {params}\n[model]\nfamily = \"{model}\"\n"
    );
    std::fs::write(&path, text).expect("write the scenario");
    path
}

fn run(file: &Path, want: Want) -> Option<Value> {
    let path = file.to_str().expect("UTF-8 path");
    expect(file, &["run", "--scenario", path], want)
}

#[test]
fn scenarios_at_the_edge_run_finite_or_are_refused_at_their_field() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    // Data near 1e-300 from an exponential truth, fitted by three positive families.
    for model in ["exponential", "lognormal", "weibull"] {
        let s = scenario(
            d,
            &format!("tiny_{model}.toml"),
            "200",
            "exponential",
            "{ rate = 1e300 }",
            model,
        );
        run(&s, Want::Finite);
    }
    let s = scenario(d, "tiny_gamma.toml", "200", "exponential", "{ rate = 1e300 }", "gamma");
    run(&s, Want::Refused(Some(8), "model.family: the sampled data: its moment estimates"));
    // A weibull truth at scale 1e300: its density used to overflow to NaN in the trace.
    let s =
        scenario(d, "weibull.toml", "200", "weibull", "{ shape = 2, scale = 1e300 }", "weibull");
    run(&s, Want::Finite);
    // Truths whose quantile function hangs past a bound are refused at the parameter.
    for (name, family, params, words) in [
        (
            "gamma_shape.toml",
            "gamma",
            "{ shape = 1e300, rate = 1 }",
            "truth.params.shape: shape of a gamma truth must be at most 10000",
        ),
        (
            "beta.toml",
            "beta",
            "{ alpha = 1e300, beta = 1e300 }",
            "truth.params.alpha: alpha of a beta truth must be at most 1000000",
        ),
        (
            "t_df.toml",
            "student_t",
            "{ df = 1e300, loc = 0, scale = 1 }",
            "truth.params.df: df of a student_t truth must be from 0.2 to 1000000",
        ),
    ] {
        let s = scenario(d, name, "200", family, params, family);
        run(&s, Want::Refused(Some(6), words));
    }
    // A cauchy truth so wide its densities underflow: its log-density, written out, does
    // not, so H(p, q) is the finite number it is (about 693 nats) and nothing infinite prints.
    let s = scenario(d, "cauchy.toml", "200", "cauchy", "{ loc = 0, scale = 1e300 }", "cauchy");
    run(&s, Want::Finite);
    // A category of probability 1e-300 is never drawn; the fit stays finite.
    let s =
        scenario(d, "cat.toml", "300", "categorical", "{ p = [0.5, 0.5, 1e-300] }", "categorical");
    run(&s, Want::Finite);
    // n = 1, and n = 10^8 (the limit is 10^7).
    let s = scenario(d, "one.toml", "1", "exponential", "{ rate = 2 }", "exponential");
    run(&s, Want::Finite);
    let s = scenario(d, "one_normal.toml", "1", "normal", "{ mu = 0, sigma = 1 }", "normal");
    run(&s, Want::Refused(Some(8), "all 1 values equal"));
    let s = scenario(d, "huge_n.toml", "100000000", "normal", "{ mu = 0, sigma = 1 }", "normal");
    run(
        &s,
        Want::Refused(
            Some(3),
            "sample_size: must be a whole number from 1 to 10000000, got 100000000",
        ),
    );
}

#[test]
fn the_library_reports_the_same_limits_in_process() {
    // Every family on every edge data set, in process: Ok reports hold finite numbers only
    // (in JSON, table and CSV), errors name the data file.
    let dir = tempfile::tempdir().expect("temporary folder");
    let sets: &[&[&str]] = &[
        HUGE,
        HUGE_POSITIVE,
        TINY,
        &["5e-324", "1e-320", "4e-322", "2e-310"],
        &["1.7e308", "1.6e308", "1.5e308"],
        &["-1e-300", "1e-300", "0"],
        &["1e-300", "1e300"],
        &["0", "1", "1"],
        &["0", "0", "0", "1"],
        &["1"],
        &["1e15", "1e15", "2e15"],
        &["0.0000001", "0.5", "0.9999999"],
    ];
    let mut outcomes = (0, 0);
    for (i, set) in sets.iter().enumerate() {
        let path = data_file(dir.path(), &format!("set{i}.txt"), set);
        for kind in mlex::stats::family::FamilyKind::ALL {
            let req = FitRequest {
                data: path.clone(),
                model: kind.name().to_string(),
                // Only binomial takes trials: any other model refuses the flag.
                trials: (kind == mlex::stats::family::FamilyKind::Binomial).then_some(5),
                trajectory: true,
                ..FitRequest::default()
            };
            match fit_file(&req) {
                Ok(rep) => {
                    outcomes.0 += 1;
                    let v = serde_json::to_value(&rep).expect("serialisable");
                    let mut bad = Vec::new();
                    non_finite(&v, "", &mut bad);
                    assert!(bad.is_empty(), "{kind} on {set:?}: {bad:?}");
                    assert!(!has_non_finite_word(&rep.to_table()), "{kind} on {set:?}");
                    assert!(!has_non_finite_word(&rep.to_csv()), "{kind} on {set:?}");
                }
                Err(e) => {
                    outcomes.1 += 1;
                    assert_eq!(e.file.as_deref(), Some(path.as_path()), "{kind} on {set:?}: {e}");
                    assert!(!e.to_string().contains('\n'), "{kind} on {set:?}: {e}");
                }
            }
        }
    }
    // Both outcomes occur, so neither branch is vacuous.
    assert!(outcomes.0 > 20 && outcomes.1 > 20, "{outcomes:?}");
}
