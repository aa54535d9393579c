//! Classifiers as a second kind of model: gradients and Hessians against finite differences
//! for logistic, softmax and the network; logistic MLE against an independent IRLS and a
//! closed form; separable classes caught by the boundary rule; the network's loss against
//! a forward pass by hand; the loss decomposition against quadrature; the log loss against a
//! library-style computation; bad tables through the real binary.

mod run;

use std::fmt::Write as _;

use mlex::optim::fit::{Fit, StopReason, Stopping};
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::classify::decomposition;
use mlex::stats::classify::mlp::Shape;
use mlex::stats::classify::truth::ClassTruth;
use mlex::stats::classify::{Activation, Classifier, Labelled, Linear, Mlp};
use mlex::stats::model::Model;
use mlex::stats::rng::seeded;
use serde_json::Value;

/// Relative tolerance of a central difference of ℓ at step 1e-5 against the analytic
/// gradient: truncation ~1e-10, rounding of ℓ ~1e-16 · |ℓ| / 1e-5.
const FD_GRADIENT: f64 = 1e-6;
/// The same for Hessians.
const FD_HESSIAN: f64 = 1e-5;

fn sample(name: &str, m: usize, seed: u64) -> Labelled {
    ClassTruth::preset(name).expect("a preset").sample(m, &mut seeded(seed))
}

/// θ with every coordinate moved a little off the start, seeded, so derivatives are checked
/// at a generic point.
fn generic(theta: &[f64], seed: u64) -> Vec<f64> {
    let mut s = seed;
    theta
        .iter()
        .map(|t| {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            t + ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5)
        })
        .collect()
}

fn close(a: f64, b: f64, rel: f64, what: &str) {
    assert!((a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0), "{what}: {a} vs {b}");
}

fn check_gradient(model: &dyn Model, theta: &[f64]) {
    let mut g = vec![0.0; model.dim()];
    let ll = model.value_and_gradient(theta, &mut g);
    close(ll, model.log_likelihood(theta), 1e-14, "ℓ twice");
    for j in 0..theta.len() {
        let h = 1e-5;
        let (mut up, mut down) = (theta.to_vec(), theta.to_vec());
        up[j] += h;
        down[j] -= h;
        let fd = (model.log_likelihood(&up) - model.log_likelihood(&down)) / (2.0 * h);
        close(g[j], fd, FD_GRADIENT, &format!("∂ℓ/∂{}", model.param_names()[j]));
    }
}

/// The Hessian of ℓ/m as the model gives it, against second differences of ℓ itself (not of
/// the gradient), so the check does not share the model's own derivative code.
fn check_hessian(model: &dyn Model, theta: &[f64]) {
    let h = model.hessian(&model.to_free(theta));
    let m = model.points() as f64;
    let f = |t: &[f64]| model.log_likelihood(t) / m;
    let e = 1e-4;
    for i in 0..theta.len() {
        for j in 0..theta.len() {
            let at = |di: f64, dj: f64| {
                let mut t = theta.to_vec();
                t[i] += di;
                t[j] += dj;
                f(&t)
            };
            let fd = (at(e, e) - at(e, -e) - at(-e, e) + at(-e, -e)) / (4.0 * e * e);
            close(h[i][j], fd, FD_HESSIAN, &format!("H[{i}][{j}]"));
        }
    }
}

#[test]
fn logistic_and_softmax_derivatives_match_finite_differences() {
    for (name, m) in [("logistic-2d", 700), ("softmax-3", 900), ("logistic-1d", 5)] {
        let points = sample(name, m, 3);
        let model = Linear::new(&points);
        let theta = generic(&model.start(), 11);
        check_gradient(&model, &theta);
        check_hessian(&model, &theta);
        // The closed Hessian is used (not differences): it equals the model's own.
        let closed = model.closed_hessian(&theta).expect("closed form");
        let diff = model.hessian_by_differences(&theta);
        for (a, b) in closed.iter().flatten().zip(diff.iter().flatten()) {
            close(a / m as f64, *b, 1e-6, name);
        }
    }
}

#[test]
fn the_network_gradient_is_backpropagation_checked_by_differences() {
    for (name, activation, hidden) in [
        ("xor", Activation::Tanh, 3),
        ("softmax-3", Activation::Tanh, 2),
        ("xor", Activation::Relu, 4),
    ] {
        let points = sample(name, 400, 5);
        let model = Mlp::new(&points, Shape { hidden, activation });
        let theta = model.start(9);
        check_gradient(&model, &theta);
        if activation == Activation::Tanh {
            check_hessian(&model, &theta);
        }
    }
}

#[test]
fn one_thread_and_many_give_the_same_bits() {
    let points = sample("softmax-3", 100_003, 1);
    let model = Linear::new(&points);
    let theta = generic(&model.start(), 2);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool").install(
            || {
                let mut g = vec![0.0; model.dim()];
                let ll = model.value_and_gradient(&theta, &mut g);
                (ll.to_bits(), g.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
            },
        )
    };
    assert_eq!(run(1), run(3));
}

/// Logistic regression's MLE by iteratively reweighted least squares, written from the
/// textbook with plain loops: β ← β + (XᵀWX)⁻¹ Xᵀ(y − p).
#[allow(clippy::needless_range_loop)] // the textbook's indices
fn irls(x: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let k = x[0].len();
    let mut beta = vec![0.0; k];
    for _ in 0..100 {
        let mut a = vec![vec![0.0; k]; k];
        let mut g = vec![0.0; k];
        for (xi, yi) in x.iter().zip(y) {
            let z: f64 = xi.iter().zip(&beta).map(|(u, b)| u * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            for r in 0..k {
                g[r] += (yi - p) * xi[r];
                for c in 0..k {
                    a[r][c] += p * (1.0 - p) * xi[r] * xi[c];
                }
            }
        }
        // Gaussian elimination with partial pivoting.
        for col in 0..k {
            let piv = (col..k)
                .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
                .expect("rows");
            a.swap(col, piv);
            g.swap(col, piv);
            for r in col + 1..k {
                let f = a[r][col] / a[col][col];
                for c in col..k {
                    a[r][c] -= f * a[col][c];
                }
                g[r] -= f * g[col];
            }
        }
        let mut step = vec![0.0; k];
        for r in (0..k).rev() {
            let s: f64 = (r + 1..k).map(|c| a[r][c] * step[c]).sum();
            step[r] = (g[r] - s) / a[r][r];
        }
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
        }
        if step.iter().map(|s| s.abs()).fold(0.0, f64::max) < 1e-14 {
            break;
        }
    }
    beta
}

fn newton(model: &dyn Model, start: &[f64]) -> (Fit, StopReason) {
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let mut fit = Fit::new(model, start, settings);
    let reason = fit.run(model, &Stopping::default());
    (fit, reason)
}

#[test]
fn the_logistic_mle_is_the_one_irls_finds() {
    for (name, m, seed) in [("logistic-2d", 60, 1), ("logistic-1d", 25, 2), ("blobs-1d", 200, 3)] {
        let points = sample(name, m, seed);
        let model = Linear::new(&points);
        let (fit, reason) = newton(&model, &model.start());
        assert!(reason.converged(), "{name}: {reason:?}");
        // The design matrix with the intercept last, as mlex orders w then b.
        let x: Vec<Vec<f64>> = (0..m)
            .map(|i| {
                let mut row = points.point(i);
                row.push(1.0);
                row
            })
            .collect();
        let y: Vec<f64> = points.labels().iter().map(|&l| f64::from(l)).collect();
        let beta = irls(&x, &y);
        for (a, b) in fit.current().natural.iter().zip(&beta) {
            close(*a, *b, 1e-9, name);
        }
    }
}

fn table(xs: &[Vec<f64>], labels: &[u32], classes: &[&str]) -> Labelled {
    let d = xs[0].len();
    let columns = (0..d).map(|j| xs.iter().map(|x| x[j]).collect()).collect();
    Labelled::new(
        columns,
        labels.to_vec(),
        classes.iter().map(|c| (*c).to_string()).collect(),
        (1..=d).map(|j| format!("x{j}")).collect(),
    )
    .expect("valid points")
}

#[test]
fn two_distinct_x_give_the_saturated_closed_form() {
    // At x = −1: 3 of 10 are class 1; at x = +1: 8 of 10. The model has as many parameters
    // as distinct x, so the MLE reproduces the frequencies: σ(b ∓ w) = 0.3, 0.8.
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (x, ones) in [(-1.0, 3), (1.0, 8)] {
        for k in 0..10 {
            xs.push(vec![x]);
            ys.push(u32::from(k < ones));
        }
    }
    let points = table(&xs, &ys, &["0", "1"]);
    let model = Linear::new(&points);
    let (fit, reason) = newton(&model, &model.start());
    assert!(reason.converged(), "{reason:?}");
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let (w, b) = ((logit(0.8) - logit(0.3)) / 2.0, f64::midpoint(logit(0.8), logit(0.3)));
    close(fit.current().natural[0], w, 1e-10, "w");
    close(fit.current().natural[1], b, 1e-10, "b");
}

#[test]
fn separable_classes_have_no_maximum_and_the_fit_says_so() {
    // 1-d: every x < 0 is class 0, every x > 0 class 1. 2-d: separated by x1 + x2 = 0.5.
    let one: Vec<Vec<f64>> = [-2.0, -1.3, -0.7, -0.2, 0.4, 0.9, 1.6, 2.2].map(|x| vec![x]).to_vec();
    let one_labels = [0, 0, 0, 0, 1, 1, 1, 1];
    let mut two = Vec::new();
    let mut two_labels = Vec::new();
    for i in 0..40 {
        let (a, b) = ((f64::from(i) * 0.37).sin() * 2.0, (f64::from(i) * 0.71).cos() * 2.0);
        if (a + b - 0.5).abs() > 0.1 {
            two.push(vec![a, b]);
            two_labels.push(u32::from(a + b > 0.5));
        }
    }
    for (xs, labels) in [(one, one_labels.to_vec()), (two, two_labels)] {
        let points = table(&xs, &labels, &["0", "1"]);
        let model = Linear::new(&points);
        let (fit, reason) = newton(&model, &model.start());
        assert!(matches!(reason, StopReason::Boundary { .. }), "{reason:?}");
        assert!(!reason.converged());
        // ℓ is at its supremum 0 to within the tolerance, by weights that ran off.
        assert!(fit.current().mean_log_likelihood > -1e-9, "{}", fit.current().mean_log_likelihood);
        let StopReason::Boundary { coordinate, increasing } = reason else { unreachable!() };
        let limit = model.boundary_limit(&fit.current().free, coordinate, increasing);
        assert!(limit.value.is_infinite() && limit.meaning.is_some());
        // No other optimiser may call it converged either.
        for kind in [OptimizerKind::GradientAscent, OptimizerKind::Momentum, OptimizerKind::Adam] {
            let mut fit =
                Fit::new(&model, &model.start(), Settings { kind, ..Settings::default() });
            let reason = fit.run(&model, &Stopping { max_steps: 3000, tolerance: 1e-10 });
            assert!(!reason.converged(), "{kind}: {reason:?}");
        }
    }
}

#[test]
fn every_optimiser_reaches_the_same_logistic_mle() {
    let points = sample("logistic-2d", 400, 8);
    let model = Linear::new(&points);
    let (best, _) = newton(&model, &model.start());
    for (kind, step_size) in [
        (OptimizerKind::GradientAscent, 1.0),
        (OptimizerKind::Momentum, 0.3),
        (OptimizerKind::Adam, 0.05),
    ] {
        let settings = Settings { kind, step_size, ..Settings::default() };
        let mut fit = Fit::new(&model, &model.start(), settings);
        let reason = fit.run(&model, &Stopping { max_steps: 20_000, tolerance: 1e-9 });
        assert!(reason.converged(), "{kind}: {reason:?}");
        for (a, b) in fit.current().natural.iter().zip(&best.current().natural) {
            close(*a, *b, 1e-6, kind.name());
        }
    }
}

#[test]
fn softmax_on_two_classes_is_logistic() {
    let points = sample("logistic-2d", 300, 4);
    let model = Linear::new(&points);
    let theta = [0.7, -0.4, 0.2];
    // σ(z) for class 1, by hand.
    let by_hand: f64 = (0..points.len())
        .map(|i| {
            let x = points.point(i);
            let z = theta[2] + theta[0] * x[0] + theta[1] * x[1];
            let p = 1.0 / (1.0 + (-z).exp());
            if points.labels()[i] == 1 { p.ln() } else { (1.0 - p).ln() }
        })
        .sum();
    close(model.log_likelihood(&theta), by_hand, 1e-12, "ℓ");
    assert_eq!(model.param_names(), ["w[x1]", "w[x2]", "b"]);
    let three = sample("softmax-3", 10, 1);
    assert_eq!(
        Linear::new(&three).param_names(),
        ["w[1,x1]", "w[1,x2]", "b[1]", "w[2,x1]", "w[2,x2]", "b[2]"]
    );
}

#[test]
fn the_network_loss_is_the_mean_negative_log_likelihood_by_hand() {
    let points = sample("softmax-3", 250, 6);
    let shape = Shape { hidden: 3, activation: Activation::Tanh };
    let model = Mlp::new(&points, shape);
    let theta = model.start(4);
    let (d, h) = (2, 3);
    let mut nll = 0.0;
    for i in 0..points.len() {
        let x = points.point(i);
        let s: Vec<f64> = (0..h)
            .map(|u| {
                let row = &theta[u * (d + 1)..(u + 1) * (d + 1)];
                (row[0] * x[0] + row[1] * x[1] + row[2]).tanh()
            })
            .collect();
        let off = h * (d + 1);
        let mut logits = vec![0.0];
        for c in 0..2 {
            let row = &theta[off + c * (h + 1)..off + (c + 1) * (h + 1)];
            logits.push(row[h] + (0..h).map(|u| row[u] * s[u]).sum::<f64>());
        }
        let norm: f64 = logits.iter().map(|z| z.exp()).sum();
        nll -= (logits[points.labels()[i] as usize].exp() / norm).ln();
    }
    let m = points.len() as f64;
    close(-model.log_likelihood(&theta) / m, nll / m, 1e-12, "loss");
    assert_eq!(model.dim(), 3 * 3 + 2 * 4);
    assert_eq!(model.param_names()[0], "w1[h1,x1]");
    assert_eq!(model.param_names()[2], "b1[h1]");
    assert_eq!(model.param_names()[9], "w2[1,h1]");
}

#[test]
fn a_hidden_layer_fits_xor_where_a_linear_model_cannot() {
    let points = sample("xor", 600, 2);
    let linear = Linear::new(&points);
    let (lin, _) = newton(&linear, &linear.start());
    let net = Mlp::new(&points, Shape { hidden: 2, activation: Activation::Tanh });
    let (fit, reason) = newton(&net, &net.start(0));
    assert!(reason.converged(), "{reason:?}");
    assert!(
        lin.current().mean_log_likelihood < -0.68,
        "linear {}",
        lin.current().mean_log_likelihood
    );
    assert!(
        fit.current().mean_log_likelihood > -0.25,
        "network {}",
        fit.current().mean_log_likelihood
    );
    assert!(net.accuracy(&fit.current().natural) > 0.9);
    // With more units than XOR needs, a unit can sharpen into a step at a few points: its
    // weights run off without a maximum, and the fit must not call that converged.
    let wide = Mlp::new(&points, Shape { hidden: 4, activation: Activation::Tanh });
    let (fit, reason) = newton(&wide, &wide.start(0));
    assert!(fit.current().mean_log_likelihood > -0.1);
    assert!(!reason.converged(), "{reason:?}");
}

#[test]
fn the_decomposition_agrees_with_quadrature_for_one_feature() {
    for name in ["blobs-1d", "logistic-1d"] {
        let truth = ClassTruth::preset(name).expect("a preset");
        let points = truth.sample(20_000, &mut seeded(7));
        let model = Linear::new(&points);
        let (fit, _) = newton(&model, &model.start());
        let theta = fit.current().natural.clone();
        let ln_q = |x: &[f64], out: &mut [f64]| model.ln_predict(&theta, x, out);
        let quad = decomposition::quadrature(&truth, &ln_q, 1 << 14).expect("d = 1");
        let finer = decomposition::quadrature(&truth, &ln_q, 1 << 16).expect("d = 1");
        close(quad.irreducible, finer.irreducible, 1e-12, "quadrature converged");
        close(quad.cross_entropy, quad.irreducible + quad.gap, 1e-15, "sum");
        let mc = decomposition::monte_carlo(&truth, &ln_q, 400_000, 99);
        let decomposition::Method::MonteCarlo { standard_error, .. } = mc.method else {
            unreachable!()
        };
        assert!((mc.irreducible - quad.irreducible).abs() < 5.0 * standard_error[0], "{name}");
        assert!((mc.gap - quad.gap).abs() < 5.0 * standard_error[1] + 1e-12, "{name}");
        // The training loss H(p̂, q) tends to E_x[H(p, q)]: within a few standard errors of
        // the per-point loss.
        let mut lnq = vec![0.0; points.len()];
        model.ln_points(&theta, 0, &mut lnq);
        let m = lnq.len() as f64;
        let mean = -lnq.iter().sum::<f64>() / m;
        let sd = (lnq.iter().map(|l| (-l - mean).powi(2)).sum::<f64>() / m).sqrt() / m.sqrt();
        assert!(
            (mean - quad.cross_entropy).abs() < 4.0 * sd,
            "{name}: {mean} vs {}",
            quad.cross_entropy
        );
        close(mean, -fit.current().mean_log_likelihood, 1e-12, "ln_points agree with ℓ");
    }
    // A model that holds the truth closes the gap as m grows; a misspecified one does not.
    let gap = |name: &str, m: usize| {
        let truth = ClassTruth::preset(name).expect("a preset");
        let points = truth.sample(m, &mut seeded(3));
        let model = Linear::new(&points);
        let (fit, _) = newton(&model, &model.start());
        let theta = fit.current().natural.clone();
        let ln_q = |x: &[f64], out: &mut [f64]| model.ln_predict(&theta, x, out);
        decomposition::quadrature(&truth, &ln_q, 1 << 14).expect("d = 1").gap
    };
    assert!(gap("logistic-1d", 100_000) < 1e-4);
    assert!(gap("blobs-1d", 100_000) > 3e-3);
}

fn mlex(args: &[&str]) -> (i32, String, String) {
    run::mlex_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

#[test]
fn the_log_loss_is_the_one_a_library_computes() {
    let dir = tempfile::tempdir().expect("a folder");
    let points = sample("logistic-2d", 3000, 12);
    let mut text = String::from("label,a,b\n");
    let names = ["no", "yes"];
    for i in 0..points.len() {
        let x = points.point(i);
        let _ = writeln!(text, "{},{},{}", names[points.labels()[i] as usize], x[0], x[1]);
    }
    let file = run::write_file(dir.path(), "t.csv", &text);
    let (code, out, err) = mlex(&[
        "fit",
        &file,
        "-m",
        "logistic",
        "--label",
        "label",
        "--features",
        "a,b",
        "-f",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["kind"], "classification");
    assert_eq!(v["classes"], serde_json::json!(["no", "yes"]));
    assert_eq!(v["converged"], true);
    assert!(v["schema_version"].as_u64().is_some());
    let (w1, w2, b) =
        (v["params"]["w[a]"].as_f64(), v["params"]["w[b]"].as_f64(), v["params"]["b"].as_f64());
    let (w1, w2, b) = (w1.expect("w[a]"), w2.expect("w[b]"), b.expect("b"));
    // scikit-learn's log_loss: p clipped to [eps, 1 − eps], then −mean(y ln p + (1−y) ln(1−p)).
    let eps = f64::EPSILON;
    let mut total = 0.0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (a, bb): (f64, f64) = (f[1].parse().expect("a"), f[2].parse().expect("b"));
        let p = (1.0 / (1.0 + (-(w1 * a + w2 * bb + b)).exp())).clamp(eps, 1.0 - eps);
        total += if f[0] == "yes" { p.ln() } else { (1.0 - p).ln() };
    }
    let library = -total / points.len() as f64;
    let reported = v["log_loss"].as_f64().expect("log_loss");
    close(reported, library, 1e-12, "log loss");
    close(v["cross_entropy"]["nats"].as_f64().expect("nats"), reported, 1e-15, "same number");
    assert!(v["inference"]["se"]["w[a]"].as_f64().is_some_and(|s| s > 0.0));
    let acc = v["accuracy"].as_f64().expect("accuracy");
    assert!((0.7..0.8).contains(&acc), "{acc}");
}

#[test]
fn bad_labels_and_features_name_file_line_and_field() {
    let dir = tempfile::tempdir().expect("a folder");
    let file = |name: &str, text: &str| run::write_file(dir.path(), name, text);
    let cases = [
        ("text.csv", "y,x1,x2\n0,1,2\n1,2,abc\n", "text.csv:3:3: x2: \"abc\" is not a number"),
        ("label.csv", "y,x1,x2\n0,1,2\nNA,2,3\n", "label.csv:3:1: y: a missing value (NA)"),
        ("short.csv", "y,x1,x2\n0,1,2\n1,2\n", "short.csv:3: the row has 2 fields, the header 3"),
        ("name.csv", "y,x1,z\n0,1,2\n", "name.csv:1: --features: no column \"x2\""),
        ("one.csv", "y,x1,x2\n0,1,2\n0,2,3\n", "one.csv: --label: the labels hold one class"),
        (
            "three.csv",
            "y,x1,x2\na,1,2\nb,2,3\nc,0,1\n",
            "three.csv: --model: logistic regression takes two classes",
        ),
    ];
    for (name, text, want) in cases {
        let path = file(name, text);
        let (code, _, err) =
            mlex(&["fit", &path, "-m", "logistic", "--label", "y", "--features", "x1,x2"]);
        assert_eq!(code, 2, "{name}: {err}");
        let err = err.trim().trim_start_matches("mlex: ");
        let rest = err.strip_prefix(dir.path().to_str().expect("utf-8")).unwrap_or(err);
        assert!(rest.trim_start_matches('/').starts_with(want), "{name}: {err}");
    }
    let ok = file("ok.csv", "y,x1,x2\n0,1,2\n1,2,3\n0,3,1\n1,0,4\n");
    let (code, _, err) = mlex(&["fit", &ok, "-m", "normal", "--label", "y"]);
    assert_eq!(code, 2);
    assert!(err.contains("--label: --label is for classifiers"), "{err}");
    let (code, _, err) = mlex(&["fit", &ok, "-m", "logistic", "--features", "x1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--label"), "{err}");
}

#[test]
fn separable_data_through_the_binary_is_not_converged_and_says_why() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = run::write_file(dir.path(), "sep.csv", "y,x\n0,-2\n0,-1\n0,-0.5\n1,0.5\n1,1\n1,3\n");
    let (code, out, err) =
        mlex(&["fit", &path, "-m", "logistic", "--label", "y", "--features", "x", "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["converged"], false);
    assert_eq!(v["stop_reason"], "boundary");
    assert!(v["boundary"]["message"].as_str().expect("message").contains("separable"));
    assert_eq!(v["inference"]["undefined"]["se.w[x]"]["why"], "boundary");
}

#[test]
fn a_sampled_truth_reports_the_irreducible_loss_and_the_gap() {
    let (code, out, err) =
        mlex(&["classify", "--truth", "logistic-1d", "-n", "4000", "-f", "json", "--no-inference"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let t = &v["truth"];
    assert_eq!(t["method"], "quadrature");
    let (irr, gap, ce) = (
        t["irreducible"]["nats"].as_f64().expect("irreducible"),
        t["gap"]["nats"].as_f64().expect("gap"),
        t["cross_entropy"]["nats"].as_f64().expect("cross-entropy"),
    );
    close(irr + gap, ce, 1e-14, "decomposition");
    assert!((0.0..1e-3).contains(&gap));
    assert_eq!(t["params"]["w[x1]"], 2.0);
    let (code, out, _) = mlex(&[
        "classify", "--truth", "xor", "-n", "500", "-m", "mlp", "--hidden", "4", "-f", "json",
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["truth"]["method"], "monte_carlo");
    assert!(v["truth"]["params"].is_null() && v["truth"]["params_why"].is_string());
    assert_eq!(v["hidden"]["units"], 4);
    let (code, _, err) = mlex(&["classify", "--truth", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("--truth: unknown truth 'nope'"), "{err}");
}
