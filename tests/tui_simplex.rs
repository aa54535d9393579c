//! The categorical picture for k = 3: the probability triangle's geometry (corners, edges,
//! the map to the unit square and back), ℓ at its points against the family's own ℓ, the
//! best at the frequencies, and a snapshot at 120×40.

use mlex::scenario;
use mlex::stats::family::{FamilyKind, Shape};
use mlex::stats::sample::Sample;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::simplex::{Simplex, position, probabilities};
use mlex::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[test]
fn the_triangle_maps_probabilities_to_the_square_and_back() {
    // Corners: p₀ bottom left, p₁ bottom right, p₂ the apex.
    assert_eq!(position(&[1.0, 0.0, 0.0]), (0.0, 0.0));
    assert_eq!(position(&[0.0, 1.0, 0.0]), (1.0, 0.0));
    assert_eq!(position(&[0.0, 0.0, 1.0]), (0.5, 1.0));
    for p in [[0.2, 0.3, 0.5], [1.0 / 3.0; 3], [0.7, 0.0, 0.3], [0.05, 0.9, 0.05]] {
        let (x, y) = position(&p);
        let back = probabilities(x, y).expect("inside");
        for (a, b) in back.iter().zip(p) {
            assert!((a - b).abs() < 1e-15, "{p:?} → ({x}, {y}) → {back:?}");
        }
        assert!((back.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }
    // Outside: left of the p₀–p₂ edge, right of the p₁–p₂ edge, above the apex.
    assert_eq!(probabilities(0.1, 0.5), None);
    assert_eq!(probabilities(0.9, 0.5), None);
    assert_eq!(probabilities(0.5, 1.01), None);
}

#[test]
fn the_likelihood_over_the_triangle_is_the_familys_and_peaks_at_the_frequencies() {
    let family = FamilyKind::Categorical.build(Shape::fixed(3));
    let values: Vec<f64> =
        (0..100).map(|i| f64::from(u8::from(i % 10 >= 2) + u8::from(i % 10 >= 5))).collect();
    let sample = Sample::new(values);
    let mle = [0.2, 0.3, 0.5];
    let simplex = Simplex::new(family.as_ref(), &sample, &mle);
    assert_eq!(simplex.counts, [20.0, 30.0, 50.0]);
    let mut best = f64::NEG_INFINITY;
    for gy in 0..=40 {
        for gx in 0..=80 {
            let (x, y) = (f64::from(gx) / 80.0, f64::from(gy) / 40.0);
            let Some(p) = probabilities(x, y) else { continue };
            let want = family.log_likelihood(&p, &sample);
            match simplex.at(x, y) {
                Some(v) => {
                    assert!((v - want).abs() <= 1e-12 * want.abs(), "({x}, {y}): {v} vs {want}");
                    best = best.max(v);
                }
                None => assert_eq!(want, f64::NEG_INFINITY, "({x}, {y})"),
            }
        }
    }
    // The grid passes through the MLE itself, where the two sums differ by rounding.
    assert!(best <= simplex.best + 1e-12 * simplex.best.abs(), "{best} beats the frequencies");
    let (x, y) = position(&mle);
    assert!((simplex.at(x, y).expect("inside") - simplex.best).abs() < 1e-9);
}

#[test]
fn the_simplex_at_120x40() {
    // Relative (tests run in the package's folder), so the title is the same in any clone.
    let path = "tests/data/three-categories.toml";
    let mut app = App::new(scenario::load(path).expect("scenario"), None, false).expect("app");
    assert!(app.run.simplex.is_some());
    for _ in 0..12 {
        apply(&mut app, Action::Step);
    }
    apply(&mut app, Action::Tick(Work::default()));
    apply(&mut app, Action::Resize(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| view::draw(f, &app)).expect("draw");
    insta::assert_snapshot!(terminal.backend());
}

/// For k > 3 the picture is ℓ over a pair of log-odds against the last category: its values
/// are the family's own ℓ at the probabilities they make, its best (θ at the MLE) is the
/// MLE's cell, and the arrows move the pair over the k − 1 log-odds.
#[test]
fn six_categories_show_ell_over_a_pair_of_log_odds() {
    use mlex::tui::log_odds::log_odds;
    let mut app =
        App::new(scenario::load("loaded-die").expect("preset"), None, false).expect("app");
    apply(&mut app, Action::JumpToMle);
    let run = &app.run;
    let lo = run.log_odds.as_ref().expect("a log-odds picture for k = 6");
    let family = FamilyKind::Categorical.build(Shape::default());
    for p in [[0.1, 0.2, 0.3, 0.1, 0.2, 0.1], [0.05, 0.05, 0.1, 0.1, 0.2, 0.5]] {
        let want = family.log_likelihood(&p, &run.sample);
        let got = lo.at(&log_odds(&p)).expect("finite");
        assert!((got - want).abs() <= 1e-9 * want.abs(), "{got} vs {want}");
    }
    let mle = log_odds(&run.mle);
    let s = lo.surface(&mle, &mle, &[], 61, 31).expect("all categories seen");
    let (bx, by) = s.best_cell().expect("values");
    let cell = |g: &[f64]| (g[g.len() - 1] - g[0]) / (g.len() - 1) as f64;
    assert!((s.xs[bx] - mle[0]).abs() <= cell(&s.xs) && (s.ys[by] - mle[1]).abs() <= cell(&s.ys));
    apply(&mut app, Action::Right);
    assert_eq!(app.run.log_odds.as_ref().expect("picture").pair, (2, 1));
    apply(&mut app, Action::Up);
    assert_eq!(app.run.log_odds.as_ref().expect("picture").pair, (2, 3));
    assert!(app.message.starts_with("log-odds ln(p[2]/p[5])"), "{}", app.message);
}
