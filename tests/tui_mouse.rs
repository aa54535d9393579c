//! The mouse at the level of `App::update`: a click lands where the view drew what is under
//! it. Clicking the MLE's marker on the surface (found in the drawn screen) starts a new run
//! at the MLE, clicking θ's marker restarts there, the ℓ(θ) curve of a one-parameter model
//! likewise; a click on a pane focuses it; the wheel zooms about the pointer and `}` / `{`
//! about θ.

#![allow(clippy::needless_range_loop)] // the two axes of a surface, by index

use mlex::scenario;
use mlex::tui::action::{Action, Work};
use mlex::tui::app::App;
use mlex::tui::effect::apply;
use mlex::tui::likelihood_pane::{map_area, split, theta_at};
use mlex::tui::pane::Pane;
use mlex::tui::theme::Theme;
use mlex::tui::view::{self, screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const W: u16 = 120;
const H: u16 = 40;

fn filled(preset: &str, color: bool) -> App {
    let mut a = App::new(scenario::load(preset).expect("preset"), None, color).expect("app");
    apply(&mut a, Action::Resize(W, H));
    fill(&mut a);
    a
}

fn fill(a: &mut App) {
    while a.run.surface_pending() {
        apply(a, Action::Tick(Work { steps: 0, cells: 4096, points: 1 << 16 }));
    }
}

fn drawn(a: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    terminal.draw(|f| view::draw(f, a)).expect("draw");
    terminal.backend().buffer().clone()
}

fn rect_of(a: &App, pane: Pane) -> Rect {
    let layout = screen(Rect::new(0, 0, W, H), a.zoomed, a.focus);
    layout.panes.iter().find(|(p, _)| *p == pane).expect("pane shown").1
}

/// The picture over θ inside the likelihood pane.
fn picture(a: &App) -> Rect {
    let r = rect_of(a, Pane::Likelihood);
    split(Rect::new(r.x + 1, r.y + 1, r.width - 2, r.height - 2)).1
}

/// Where `symbol` was drawn inside `area`.
fn find(buf: &Buffer, area: Rect, symbol: &str) -> Option<(u16, u16)> {
    area.rows()
        .flat_map(Rect::columns)
        .find_map(|p| (buf[(p.x, p.y)].symbol() == symbol).then_some((p.x, p.y)))
}

/// One cell of the surface's grid in each parameter.
fn cell_size(a: &App, map: Rect) -> (f64, f64) {
    let s = a.run.surface.as_ref().expect("surface");
    let width = |g: &[f64]| g[g.len() - 1] - g[0];
    (width(&s.xs) / f64::from(map.width - 1), width(&s.ys) / f64::from(map.height - 1))
}

#[test]
fn clicking_the_drawn_mle_marker_starts_a_run_at_the_mle() {
    let mut a = filled("normal-basics", false);
    apply(&mut a, Action::Step);
    fill(&mut a);
    let map = map_area(picture(&a));
    let (col, row) = find(&drawn(&a), map, "×").expect("the MLE is drawn on the map");
    let (dx, dy) = cell_size(&a, map);
    apply(&mut a, Action::Click { column: col, row });
    assert_eq!(a.run.fit.iteration(), 0, "{}", a.message);
    assert_eq!(a.session.archive.len(), 1, "the run of one step is archived");
    let theta = a.run.fit.current().natural.clone();
    let mle = a.run.mle.clone();
    assert!((theta[0] - mle[0]).abs() <= dx, "mu {} vs {} (cell {dx})", theta[0], mle[0]);
    assert!((theta[1] - mle[1]).abs() <= dy, "sigma {} vs {} (cell {dy})", theta[1], mle[1]);
    assert_eq!(a.focus, Pane::Likelihood);
    assert_eq!(a.run.start, theta, "0 resets to the clicked start");
}

#[test]
fn clicking_theta_restarts_at_theta_and_clicks_elsewhere_only_focus() {
    let mut a = filled("normal-basics", false);
    let map = map_area(picture(&a));
    let (col, row) = find(&drawn(&a), map, "●").expect("θ is drawn on the map");
    let (dx, dy) = cell_size(&a, map);
    apply(&mut a, Action::Click { column: col, row });
    let theta = a.run.fit.current().natural.clone();
    assert!((theta[0] + 1.0).abs() <= dx && (theta[1] - 4.0).abs() <= dy, "{theta:?}");
    // A click on the ℓ-by-iteration chart, and on every other pane: focus, no new run.
    apply(&mut a, Action::Step);
    let lik = rect_of(&a, Pane::Likelihood);
    apply(&mut a, Action::Click { column: lik.x + 3, row: lik.y + 3 });
    assert_eq!(a.run.fit.iteration(), 1);
    for pane in Pane::ALL {
        let r = rect_of(&a, pane);
        apply(&mut a, Action::Click { column: r.x + 1, row: r.y + 1 });
        assert_eq!(a.focus, pane);
        assert_eq!(a.run.fit.iteration(), 1, "a click on {pane:?} started a run");
    }
}

#[test]
fn clicking_the_likelihood_curve_of_one_parameter_starts_there() {
    // The MLE's line on the ℓ(θ) curve, found by its colour in a coloured drawing: the
    // column with the most cells of it (the cutoff shares the colour but is a row; the
    // profile's ends, a cell or so to either side, may cover it).
    let mut a = filled("waiting-times", true);
    let truth_fg = Theme { color: true }.truth().fg;
    let buf = drawn(&a);
    let area = picture(&a);
    let marked = |x: u16| {
        (area.y + 1..area.bottom() - 2)
            .filter(|&y| {
                let c = &buf[(x, y)];
                c.fg == truth_fg.expect("a colour") && c.symbol() != " "
            })
            .count()
    };
    let column = (area.x..area.right()).max_by_key(|&x| marked(x)).expect("columns");
    assert!(marked(column) > 3, "the MLE's line is drawn");
    let s = a.run.surface.as_ref().expect("curve");
    let cell = (s.xs[s.xs.len() - 1] - s.xs[0]) / f64::from(area.width) * 2.0;
    let mle = a.run.mle[0];
    apply(&mut a, Action::Click { column, row: area.y + area.height / 2 });
    assert_eq!(a.run.fit.iteration(), 0);
    let theta = a.run.fit.current().natural[0];
    assert!((theta - mle).abs() <= cell, "rate {theta} vs MLE {mle} (a cell is {cell})");
}

#[test]
fn the_wheel_zooms_about_the_pointer() {
    let mut a = filled("normal-basics", false);
    let map = map_area(picture(&a));
    let (col, row) = (map.x + map.width / 4, map.y + map.height / 3);
    let before = a.run.ranges.clone();
    let s = a.run.surface.clone().expect("surface");
    let under = theta_at(map, &s, col, row).expect("on the map");
    apply(&mut a, Action::Wheel { column: col, row, closer: true });
    for i in 0..2 {
        let (w0, w1) = (before[i].1 - before[i].0, a.run.ranges[i].1 - a.run.ranges[i].0);
        assert!((w1 / w0 - 0.8).abs() < 1e-12, "axis {i}: {w0} → {w1}");
    }
    // The θ under the pointer stays under it.
    let s = a.run.surface.clone().expect("surface");
    let still = theta_at(map, &s, col, row).expect("on the map");
    assert!((still.0 - under.0).abs() < 1e-9 && (still.1 - under.1).abs() < 1e-9);
    apply(&mut a, Action::Wheel { column: col, row, closer: false });
    for i in 0..2 {
        assert!((a.run.ranges[i].1 - before[i].1).abs() < 1e-9, "back out: {:?}", a.run.ranges);
    }
    // Off the picture the wheel does nothing.
    let data = rect_of(&a, Pane::Data);
    let ranges = a.run.ranges.clone();
    apply(&mut a, Action::Wheel { column: data.x + 2, row: data.y + 2, closer: true });
    assert_eq!(a.run.ranges, ranges);
}

#[test]
fn brace_keys_zoom_about_theta_and_stay_where_parameters_make_sense() {
    let mut a = filled("normal-basics", false);
    let theta = a.run.fit.current().natural.clone();
    let before = a.run.ranges.clone();
    apply(&mut a, Action::ZoomIn);
    for i in 0..2 {
        let (lo, hi) = a.run.ranges[i];
        assert!((hi - lo - 0.5 * (before[i].1 - before[i].0)).abs() < 1e-12);
        // θ keeps its place across the axis.
        let f0 = (theta[i] - before[i].0) / (before[i].1 - before[i].0);
        assert!(((theta[i] - lo) / (hi - lo) - f0).abs() < 1e-12);
    }
    for _ in 0..12 {
        apply(&mut a, Action::ZoomOut);
    }
    // sigma's axis never reaches 0 or below: its cells would have no ℓ.
    assert!(a.run.ranges[1].0 > 0.0, "{:?}", a.run.ranges);
    fill(&mut a);
    assert!(a.run.surface.as_ref().expect("surface").values.iter().all(Option::is_some));
}

#[test]
fn c_frames_the_surface_on_five_standard_errors_about_the_mle() {
    // normal-basics: the standard errors are the closed forms σ̂/√m and σ̂/√(2m).
    let mut a = filled("normal-basics", false);
    apply(&mut a, Action::FrameRegion);
    let (m, sigma) = (a.run.sample.len() as f64, a.run.mle[1]);
    let se = [sigma / m.sqrt(), sigma / (2.0 * m).sqrt()];
    for i in 0..2 {
        let (lo, hi) = a.run.ranges[i];
        let want = (a.run.mle[i] - 5.0 * se[i], a.run.mle[i] + 5.0 * se[i]);
        assert!((lo - want.0).abs() < 1e-6 * se[i] && (hi - want.1).abs() < 1e-6 * se[i]);
    }
    assert!(a.message.starts_with("surface framed on the MLE ± 5 SE"), "{}", a.message);
    // Framed, the 50 % region fills cells of the map (at the start's wide window it is
    // smaller than one).
    fill(&mut a);
    let s = a.run.surface.as_ref().expect("surface");
    let best = s.values.iter().flatten().fold(f64::NEG_INFINITY, |b, v| b.max(*v));
    let inner = s.values.iter().flatten().filter(|v| 2.0 * (best - **v) < 1.386).count();
    assert!(inner > 20, "{inner} cells in the 50 % region");
}
