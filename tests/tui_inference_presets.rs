//! The four inference presets load and say what they promise, checked against closed forms
//! computed here from the run's own sample (independently of the engine's inference).

use mlex::optim::inference::Inference;
use mlex::scenario;
use mlex::stats::family::FamilyKind;
use mlex::tui::app::App;
use mlex::tui::run::{Run, StartFrom};

fn run(name: &str) -> Run {
    let s = scenario::load(name).expect("preset");
    Run::build(&s, s.seed, None, &StartFrom::Scenario).expect("builds")
}

fn inference(run: &Run) -> &Inference {
    run.how_sure.inference.as_ref().expect("inference")
}

fn mean_and_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    (mean, xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n)
}

#[test]
fn every_inference_preset_opens_in_the_explorer() {
    for name in ["how-sure", "wald-vs-profile", "sandwich", "aic-picks"] {
        let s = scenario::load(name).expect("preset");
        assert!(!s.lesson.is_empty() && !s.title.is_empty(), "{name}");
        App::new(s, None, false).expect("opens");
    }
}

#[test]
fn how_sure_standard_errors_are_sigma_over_root_m_and_shrink_as_one_over_root_m() {
    let s = scenario::load("how-sure").expect("preset");
    let mut widths = Vec::new();
    for m in [s.sample_size, 4 * s.sample_size, 16 * s.sample_size] {
        let mut sized = s.clone();
        sized.sample_size = m;
        let r = Run::build(&sized, s.seed, None, &StartFrom::Scenario).expect("builds");
        let (_, var) = mean_and_var(r.sample.values());
        let inf = inference(&r);
        let se = inf.se();
        let sigma = var.sqrt();
        // Closed forms at the MLE: SE(mu) = σ̂/√m, SE(sigma) = σ̂/√(2m).
        let mf = m as f64;
        assert!((se[0].clone().expect("se mu") - sigma / mf.sqrt()).abs() < 1e-6 * sigma);
        assert!(
            (se[1].clone().expect("se sigma") - sigma / (2.0 * mf).sqrt()).abs() < 1e-6 * sigma
        );
        let (lo, hi) = inf.wald[0].clone().expect("wald");
        widths.push((hi - lo) / sigma);
    }
    // Per unit σ̂ the width is exactly 2·1.96/√m: four times the data, half the width.
    assert!((widths[0] / widths[1] - 2.0).abs() < 1e-9, "{widths:?}");
    assert!((widths[1] / widths[2] - 2.0).abs() < 1e-9, "{widths:?}");
}

/// The profile interval of an exponential rate, by bisection on its closed form
/// 2m(λ/λ̂ − 1 − ln(λ/λ̂)) = χ²₁ on each side of λ̂.
fn exponential_profile(m: f64, rate: f64, q: f64) -> (f64, f64) {
    let g = |l: f64| 2.0 * m * (l / rate - 1.0 - (l / rate).ln()) - q;
    let solve = |mut a: f64, mut b: f64| {
        for _ in 0..200 {
            let c = 0.5 * (a + b);
            if (g(a) > 0.0) == (g(c) > 0.0) { a = c } else { b = c }
        }
        0.5 * (a + b)
    };
    (solve(rate * 1e-6, rate), solve(rate, rate * 100.0))
}

#[test]
fn wald_vs_profile_differ_and_the_profile_reaches_further_right() {
    let r = run("wald-vs-profile");
    assert_eq!(r.model.kind(), FamilyKind::Exponential);
    let inf = inference(&r);
    let rate = inf.estimate[0];
    let m = r.sample.len() as f64;
    assert!((rate - 1.0 / mean_and_var(r.sample.values()).0).abs() < 1e-12);
    let (wlo, whi) = inf.wald[0].clone().expect("wald");
    let profile = inf.profile.as_ref().expect("profile")[0].clone().expect("interval");
    let (plo, phi) = (profile.lower.expect("lower"), profile.upper.expect("upper"));
    let (elo, ehi) = exponential_profile(m, rate, inf.level.chi_squared());
    assert!(
        (plo - elo).abs() < 1e-6 * rate && (phi - ehi).abs() < 1e-6 * rate,
        "{plo} {phi} vs {elo} {ehi}"
    );
    // Wald is symmetric about λ̂; the profile is not, and the two differ by a tenth of the
    // width or more at m = 8.
    assert!(((whi - rate) - (rate - wlo)).abs() < 1e-9);
    assert!(phi - rate > 1.3 * (rate - plo), "{plo} {rate} {phi}");
    assert!((phi - whi).abs() > 0.1 * (whi - wlo) && (plo - wlo).abs() > 0.1 * (whi - wlo));
    // The explorer marks those ends on the curve, with the cutoff and the parabola.
    assert_eq!(r.marks.ends, [Some(Ok(plo)), Some(Ok(phi))]);
    assert!(!r.marks.parabola.is_empty());
    assert!(
        (r.marks.cutoff.expect("cutoff") - (r.how_sure.ll_hat - inf.level.chi_squared() / 2.0))
            .abs()
            < 1e-12
    );
}

#[test]
fn sandwich_errors_are_the_sample_spread_and_about_twice_the_naive_ones() {
    let r = run("sandwich");
    assert_eq!(r.model.kind(), FamilyKind::Poisson);
    let inf = inference(&r);
    let (mean, var) = mean_and_var(r.sample.values());
    let m = r.sample.len() as f64;
    let naive = inf.se()[0].clone().expect("naive");
    let sandwich = inf.sandwich_se()[0].clone().expect("sandwich");
    // Poisson: the naive SE is √(λ̂/m); the sandwich, with score x/λ − 1, is √(Σ(x − x̄)²)/m.
    assert!((naive - (mean / m).sqrt()).abs() < 1e-9 * naive.max(1.0));
    assert!(
        (sandwich - (var / m).sqrt()).abs() < 1e-6 * sandwich,
        "{sandwich} vs {}",
        (var / m).sqrt()
    );
    assert!(sandwich / naive > 1.6, "{sandwich} / {naive}");
    // Status shows the sandwich beside the naive SE, as the lesson says.
    let lines = mlex::tui::sure_lines::lines(&r.how_sure);
    assert!(lines[0].contains("sandwich ±"), "{lines:?}");
}

#[test]
fn aic_picks_the_true_family_among_those_the_lesson_names() {
    let s = scenario::load("aic-picks").expect("preset");
    let aic = |kind: FamilyKind| {
        let mut with = s.clone();
        with.model = kind;
        with.start = None;
        let r = Run::build(&with, s.seed, None, &StartFrom::Scenario).expect("builds");
        let inf = inference(&r);
        // AIC by hand: 2k − 2ℓ̂ at the run's MLE.
        let k = inf.names.len() as f64;
        let by_hand = 2.0 * k - 2.0 * r.how_sure.ll_hat;
        let aic = inf.criteria.aic.clone().expect("aic");
        assert!((aic - by_hand).abs() < 1e-9 * aic.abs(), "{kind}");
        aic
    };
    let gamma = aic(FamilyKind::Gamma);
    for other in [FamilyKind::Exponential, FamilyKind::LogNormal, FamilyKind::Weibull] {
        let a = aic(other);
        assert!(a > gamma + 2.0, "{other}: {a} vs gamma {gamma}");
    }
}

#[test]
fn theta_star_is_the_truth_in_the_family_and_the_mean_for_a_poisson_on_geometric_counts() {
    // normal-basics fits the truth's own family: θ* is the truth, mu = 2, sigma = 1.5.
    let r = run("normal-basics");
    let star = r.pseudo_true.as_ref().expect("a truth").as_ref().expect("θ*");
    assert!((star[0] - 2.0).abs() < 1e-8 && (star[1] - 1.5).abs() < 1e-8, "{star:?}");
    // A Poisson's E_p[ln q_λ] = E[x] ln λ − λ − E[ln x!] is largest at λ* = E[x]: for the
    // sandwich preset's geometric on 1, 2, … with p = 0.2, that is 1/p = 5.
    let r = run("sandwich");
    let star = r.pseudo_true.as_ref().expect("a truth").as_ref().expect("θ*");
    assert!((star[0] - 5.0).abs() < 1e-8, "{star:?}");
    // Drawn on the curve, and said in Status.
    let s = scenario::load("sandwich").expect("preset");
    let mut app = App::new(s, None, false).expect("app");
    mlex::tui::effect::apply(&mut app, mlex::tui::action::Action::Resize(120, 40));
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("t");
    t.draw(|f| mlex::tui::view::draw(f, &app)).expect("draw");
    let screen: String =
        t.backend().buffer().content().iter().map(ratatui::buffer::Cell::symbol).collect();
    assert!(screen.contains("θ* = argmin D(p‖q_θ) (where θ̂ tends as m grows): lambda = 5"));
    assert!(screen.contains("▌ θ*"), "the curve's key names θ*");
}

#[test]
fn a_file_of_numbers_has_no_theta_star() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("x.txt"), "1.5\n2.5\n0.7\n3.1\n2.2\n1.9\n").expect("write");
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "title = \"f\"\n[data]\npath = \"x.txt\"\n[model]\nfamily = \"normal\"\n",
    )
    .expect("write");
    let s = scenario::load(file.to_str().expect("utf-8")).expect("scenario");
    let r = Run::build(&s, s.seed, None, &StartFrom::Scenario).expect("builds");
    assert!(r.truth.is_none() && r.pseudo_true.is_none());
}
