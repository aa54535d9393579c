//! The likelihood pane: ℓ against iteration, and ℓ over θ: a curve for one-parameter
//! models (current θ and the MLE marked), a banded surface with the optimiser's path for
//! two or more (a chosen pair, the others held at the current θ).

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Widget};

use super::app::App;
use super::intervals::ELLIPSE_LEVEL;
use super::jobs::Surface;
use super::pane::Pane;
use super::step_pane::natural_direction;
use super::theme::Theme;
use super::view::{count_bounds, count_labels, labels, legend, padded, pane_block};
use crate::format::{axis as short, readable as fmt_num};
use crate::optim::inference::Level;

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let run = &app.run;
    let ll = run.fit.current().log_likelihood;
    let block = pane_block(Pane::Likelihood, app, theme, &format!("ℓ = {}", fmt_num(ll)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (left, right) = split(inner);
    if let Some(left) = left {
        let (y0, y1) = padded(&[run.ll_series.points()], true);
        let (x0, x1) = count_bounds(run.ll_series.points());
        let chart = Chart::new(vec![
            Dataset::default()
                .name("ℓ")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.model())
                .data(run.ll_series.points()),
        ])
        .block(Block::default().borders(Borders::RIGHT).title("ℓ by iteration"))
        .x_axis(Axis::default().bounds([x0, x1]).labels(count_labels(x0, x1)))
        .y_axis(
            Axis::default()
                .bounds([y0, y1])
                .labels(vec![Span::raw(short(y0)), Span::raw(short(y1))]),
        )
        .legend_position(None);
        frame.render_widget(chart, left);
    }
    match &run.surface {
        None if run.simplex.is_some() => {
            if let Some(simplex) = &run.simplex {
                super::simplex::draw(frame, right, app, simplex, theme);
            }
        }
        None if run.log_odds.is_some() => {
            if let Some(lo) = &run.log_odds {
                super::log_odds::draw(frame, right, app, lo, theme);
            }
        }
        None => frame.render_widget(
            Paragraph::new(vec![
                Line::from("A categorical model's probabilities live on a simplex:"),
                Line::from("moving one alone leaves it, so there is no surface."),
                Line::from("The cross-entropy pane shows the fit closing D(p̂‖q)."),
            ]),
            right,
        ),
        Some(s) if s.is_profile() => profile(frame, right, app, s, theme),
        Some(s) => surface(frame, right, app, s, theme),
    }
}

/// Where the pane's inner area puts the ℓ-by-iteration chart (when wide enough) and the
/// picture over θ.
#[must_use]
pub fn split(inner: Rect) -> (Option<Rect>, Rect) {
    if inner.width >= 56 {
        let [l, r] =
            Layout::horizontal([Constraint::Percentage(38), Constraint::Fill(1)]).areas(inner);
        (Some(l), r)
    } else {
        (None, inner)
    }
}

/// The surface's map inside the picture's area: below its title, above its axis and legend.
#[must_use]
pub fn map_area(picture: Rect) -> Rect {
    picture_rows(picture)[1]
}

/// A map picture's rows: its title, the map, its axis line and its legend.
pub(super) fn picture_rows(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// How far below its best the ℓ(θ) curve is drawn: the 99.99 % cutoff is 7.6 below, so
/// the crossings and the parabola's parting keep most of the chart's height instead of the
/// top rows of a curve that falls by hundreds.
const CURVE_DEPTH: f64 = 12.0;

/// The ℓ(θ) curve's points (down to [`CURVE_DEPTH`] below its best) and its chart's bounds
/// (x0, x1, y0, y1).
fn profile_points(s: &Surface) -> (Vec<(f64, f64)>, [f64; 4]) {
    let all = s.xs.iter().zip(&s.values).filter_map(|(x, v)| v.map(|v| (*x, v)));
    let best = all.clone().fold(f64::NEG_INFINITY, |b, (_, v)| b.max(v));
    let points: Vec<(f64, f64)> = all.filter(|(_, v)| *v >= best - CURVE_DEPTH).collect();
    let (y0, y1) = padded(&[&points], true);
    (points, [s.xs[0], s.xs[s.xs.len() - 1], y0, y1])
}

/// The columns of the ℓ(θ) curve's plot inside the picture's area (first, count) and the
/// range of θ across them, as ratatui's chart lays them out: after the widest y label (or
/// the part of the first x label left of the axis, at most a third of the width) and the
/// axis line.
#[must_use]
pub fn profile_columns(picture: Rect, s: &Surface) -> (u16, u16, f64, f64) {
    let (_, [x0, x1, y0, y1]) = profile_points(s);
    let y_label = short(y0).chars().count().max(short(y1).chars().count()) as u16;
    let x_label = (short(x0).chars().count() as u16).saturating_sub(1);
    let first = picture.x + y_label.max(x_label).min(picture.width / 3) + 1;
    (first, picture.right().saturating_sub(first), x0, x1)
}

/// θ on the surface's (x, y) axes at a cell of its map, the inverse of [`Heatmap::cell_of`].
#[must_use]
pub fn theta_at(map: Rect, s: &Surface, column: u16, row: u16) -> Option<(f64, f64)> {
    if !map.contains(ratatui::layout::Position::new(column, row)) || map.width < 2 || map.height < 2
    {
        return None;
    }
    let fx = f64::from(column - map.x) / f64::from(map.width - 1);
    let fy = f64::from(map.bottom() - 1 - row) / f64::from(map.height - 1);
    let along = |g: &[f64], f: f64| g[0] + f * (g[g.len() - 1] - g[0]);
    Some((along(&s.xs, fx), along(&s.ys, fy)))
}

fn profile(frame: &mut Frame, area: Rect, app: &App, s: &Surface, theme: Theme) {
    let run = &app.run;
    let marks = &run.marks;
    let names = run.model.param_names();
    let (points, [x0, x1, y0, y1]) = profile_points(s);
    let theta = run.fit.current().natural[s.px];
    let mle = run.mle[s.px];
    let now = [(theta, y0), (theta, y1)];
    let best = [(mle, y0), (mle, y1)];
    let star: Vec<(f64, f64)> =
        pseudo_true(app).map(|t| vec![(t[s.px], y0), (t[s.px], y1)]).unwrap_or_default();
    // The parabola falls fast away from θ̂: only the part inside the chart is drawn.
    let parabola: Vec<(f64, f64)> =
        marks.parabola.iter().copied().filter(|p| p.1 >= y0 && p.1 <= y1).collect();
    let cut: Vec<(f64, f64)> = marks.cutoff.map(|c| vec![(x0, c), (x1, c)]).unwrap_or_default();
    let ends: Vec<(f64, f64)> = marks
        .ends
        .iter()
        .filter_map(|e| e.as_ref().and_then(|e| e.as_ref().ok()).copied())
        .filter(|x| (x0..=x1).contains(x))
        .flat_map(|x| [(x, y0), (x, marks.cutoff.unwrap_or(y1))])
        .collect();
    let mut sets = vec![
        Dataset::default()
            .name("Wald")
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.warn())
            .data(&parabola),
        Dataset::default()
            .name("ℓ̂−χ²/2")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.truth())
            .data(&cut),
        Dataset::default()
            .name("θ")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(&now),
        Dataset::default()
            .name("θ*")
            // Without colour the Wald parabola has the dots.
            .marker(if theme.color { Marker::Dot } else { Marker::Quadrant })
            .graph_type(GraphType::Line)
            .style(theme.reference())
            .data(&star),
        Dataset::default()
            .name("MLE")
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.truth())
            .data(&best),
    ];
    // Each end a vertical line from the axis up to the cutoff, in its own mark.
    for end in ends.chunks(2) {
        sets.push(
            Dataset::default()
                .name("profile")
                // Thin in colour; without it, blocks tell the ends from the other lines.
                .marker(if theme.color { Marker::Braille } else { Marker::HalfBlock })
                .graph_type(GraphType::Line)
                .style(theme.good())
                .data(end),
        );
    }
    // The curve itself last, on top: the parabola is drawn against it, not over it.
    sets.push(
        Dataset::default()
            .name("ℓ(θ)")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.data())
            .data(&points),
    );
    let [plot, key, note] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    let chart = Chart::new(sets)
        .legend_position(None)
        .block(Block::default().title(format!("ℓ over {}", names[s.px])))
        .x_axis(Axis::default().bounds([x0, x1]).labels(labels(x0, x1)))
        .y_axis(
            Axis::default()
                .bounds([y0, y1])
                .labels(vec![Span::raw(short(y0)), Span::raw(short(y1))]),
        );
    frame.render_widget(chart, plot);
    let mut keys = legend("━", "ℓ", theme.data());
    keys.extend(legend(if theme.color { "━" } else { "•" }, "Wald", theme.warn()));
    keys.extend(legend("⠤", "ℓ̂−χ²₁/2", theme.truth()));
    keys.extend(legend(if theme.color { "⡇" } else { "█" }, "ends", theme.good()));
    if pseudo_true(app).is_some() {
        keys.extend(legend(if theme.color { "•" } else { "▌" }, "θ*", theme.reference()));
    }
    frame.render_widget(Paragraph::new(Line::from(keys)), key);
    frame.render_widget(Paragraph::new(profile_note(marks)), note);
}

/// "profile 95% [0.81, 1.34]" (where ℓ crosses the cutoff), or why an end is missing.
fn profile_note(marks: &crate::tui::intervals::Marks) -> String {
    let end = |e: &Option<Result<f64, String>>| match e {
        Some(Ok(v)) => fmt_num(*v),
        Some(Err(why)) => why.clone(),
        None => "?".to_string(),
    };
    match (&marks.ends, &marks.missing) {
        ([None, None], Some(why)) => why.clone(),
        ([None, None], None) => String::new(),
        ([Some(Err(why)), None], _) => format!("no profile interval: {why}"),
        ([lo, hi], _) => {
            format!(
                "profile {}% [{}, {}]",
                (Level::DEFAULT.value() * 100.0).round(),
                end(lo),
                end(hi)
            )
        }
    }
}

fn surface(frame: &mut Frame, area: Rect, app: &App, s: &Surface, theme: Theme) {
    let run = &app.run;
    let names = run.model.param_names();
    let [title, map, axis, key] = picture_rows(area);
    let progress = if s.complete() { String::new() } else { format!(" ({})", fill_words(s)) };
    let head =
        format!("{} ↑ {}..{}{progress}", names[s.py], short(s.ys[0]), short(s.ys[s.ys.len() - 1]));
    frame.render_widget(Paragraph::new(head), title);
    // In a slice of more parameters the slice's own best is not the joint MLE.
    let sliced = names.len() > 2;
    let slice_best = if sliced { s.best_cell().map(|(x, y)| (s.xs[x], s.ys[y])) } else { None };
    let star = pseudo_true(app).map(|t| (t[s.px], t[s.py]));
    let markers = format!(
        "{}{}{}",
        if slice_best.is_some() {
            "●θ ·path ×MLE (joint) +slice's best"
        } else {
            "●θ ·path ×MLE"
        },
        // Asked for (the step view), so before θ*, which is always there with a truth.
        if app.step_view { " →∇" } else { "" },
        if star.is_some() { " *θ*" } else { "" }
    );
    frame.render_widget(
        Paragraph::new(format!(
            "{} → {}..{}   {markers}",
            names[s.px],
            short(s.xs[0]),
            short(s.xs[s.xs.len() - 1])
        )),
        axis,
    );
    let mut legend = band_legend(theme, sliced);
    match &run.marks.missing {
        Some(why) => legend.spans.push(Span::raw(format!("  {why}"))),
        None => {
            legend.spans.push(Span::raw(format!("  o Wald {}%", (ELLIPSE_LEVEL * 100.0).round())));
        }
    }
    frame.render_widget(Paragraph::new(legend), key);
    // The whole path, oldest first, so the line shows where the run went.
    let path: Vec<(f64, f64)> =
        run.fit.history().iter().map(|r| (r.params[s.px], r.params[s.py])).collect();
    let now = &run.fit.current().natural;
    frame.render_widget(
        Heatmap {
            surface: s,
            path: &path,
            current: (now[s.px], now[s.py]),
            mle: (run.mle[s.px], run.mle[s.py]),
            slice_best,
            star,
            arrow: app.step_view.then(|| {
                let d = natural_direction(app);
                (d[s.px], d[s.py])
            }),
            ellipse: &run.marks.ellipse,
            theme,
        },
        map,
    );
}

/// The χ²₂ quantiles that bound the bands: 2(ℓ̂ − ℓ) below them is the approximate 50, 90,
/// 99 and 99.9 % confidence region of the two parameters shown.
const REGIONS: [(f64, &str); 4] =
    [(1.386_294, "50%"), (4.605_170, "90%"), (9.210_340, "99%"), (13.815_511, "99.9%")];

/// Where the bands beyond the regions end, in 2(ℓ̂ − ℓ): each four times the last, so
/// the far surface shows its shape too.
const OUTER: [f64; 4] = [40.0, 160.0, 640.0, 2560.0];

/// The band of a cell with 2(ℓ̂ − ℓ) = `d`: a region of [`REGIONS`], then the bands of
/// [`OUTER`], then the rest.
pub(super) fn band_of(d: f64) -> usize {
    let bounds = REGIONS.iter().map(|r| r.0).chain(OUTER);
    bounds.clone().position(|q| d < q).unwrap_or(bounds.count())
}

/// The legend of the bands: which colour (or character) holds which region.
pub(super) fn band_legend(theme: Theme, sliced: bool) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (_, label)) in REGIONS.iter().enumerate() {
        let (ch, style) = theme.band(i);
        spans.push(Span::styled(ch.to_string(), style));
        spans.push(Span::raw(format!("{} ", label.trim_end_matches('%'))));
    }
    // The bands are likelihood-ratio regions: 2(ℓ_best − ℓ) below the χ²₂ quantile.
    spans.push(Span::raw(if sliced { "% LR, slice" } else { "% LR" }));
    Line::from(spans)
}

/// The banded log-likelihood surface: each cell's band is its likelihood-ratio region
/// ([`band_of`] of 2(ℓ_best − ℓ)), the path a connected line drawn over the bands.
pub(super) struct Heatmap<'a> {
    pub(super) surface: &'a Surface,
    pub(super) path: &'a [(f64, f64)],
    pub(super) current: (f64, f64),
    pub(super) mle: (f64, f64),
    pub(super) slice_best: Option<(f64, f64)>,
    /// The pseudo-true θ*, where the truth is known.
    pub(super) star: Option<(f64, f64)>,
    /// The gradient's direction at θ in the pair's natural units (the step view is on).
    pub(super) arrow: Option<(f64, f64)>,
    pub(super) ellipse: &'a [(f64, f64)],
    pub(super) theme: Theme,
}

/// Cells the gradient arrow spans across the map.
const ARROW_CELLS: f64 = 5.0;

/// The arrowhead pointing along (dx, dy) on screen (dy down), by octant.
fn arrowhead(dx: f64, dy: f64) -> char {
    let octant = ((-dy).atan2(dx) / std::f64::consts::FRAC_PI_4).round() as i32;
    ['→', '↗', '↑', '↖', '←', '↙', '↓', '↘'][octant.rem_euclid(8) as usize]
}

impl Heatmap<'_> {
    fn cell_of(&self, area: Rect, (x, y): (f64, f64)) -> Option<(u16, u16)> {
        let s = self.surface;
        let (x0, x1) = (s.xs[0], s.xs[s.xs.len() - 1]);
        let (y0, y1) = (s.ys[0], s.ys[s.ys.len() - 1]);
        let fx = (x - x0) / (x1 - x0);
        let fy = (y - y0) / (y1 - y0);
        if !(0.0..=1.0).contains(&fx) || !(0.0..=1.0).contains(&fy) {
            return None;
        }
        let cx = area.x + (fx * f64::from(area.width.saturating_sub(1))).round() as u16;
        let cy = area.y + area.height.saturating_sub(1)
            - (fy * f64::from(area.height.saturating_sub(1))).round() as u16;
        Some((cx, cy))
    }
}

impl Widget for Heatmap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 2 || area.height < 2 {
            return;
        }
        let s = self.surface;
        let (nx, ny) = (s.xs.len(), s.ys.len());
        for row in 0..area.height {
            let gy = ((f64::from(area.height - 1 - row) / f64::from(area.height - 1))
                * (ny - 1) as f64)
                .round() as usize;
            for col in 0..area.width {
                let gx = ((f64::from(col) / f64::from(area.width - 1)) * (nx - 1) as f64).round()
                    as usize;
                let Some(v) = s.shown(gx, gy) else { continue };
                let (ch, style) = self.theme.band(band_of(2.0 * (s.best - v).max(0.0)));
                buf[(area.x + col, area.y + row)].set_char(ch).set_style(style);
            }
        }
        // Markers set only the character and its colour, so the band stays behind them.
        let mark = |buf: &mut Buffer, c: (u16, u16), ch: char| {
            let cell = &mut buf[c];
            cell.set_char(ch);
            if self.theme.color {
                cell.set_fg(Color::Black);
            }
        };
        // The ellipse first: the path and the points of interest are drawn over it.
        for c in self.ellipse.iter().filter_map(|&p| self.cell_of(area, p)) {
            mark(buf, c, 'o');
        }
        let cells: Vec<(u16, u16)> =
            self.path.iter().filter_map(|&p| self.cell_of(area, p)).collect();
        for pair in cells.windows(2) {
            for c in line_cells(pair[0], pair[1]) {
                mark(buf, c, '·');
            }
        }
        if let (Some((dx, dy)), Some(from)) = (self.arrow, self.cell_of(area, self.current)) {
            // In screen cells (a cell is about twice as tall as wide), scaled to a fixed length.
            let (x0, x1) = (s.xs[0], s.xs[nx - 1]);
            let (y0, y1) = (s.ys[0], s.ys[ny - 1]);
            let cx = dx / (x1 - x0) * f64::from(area.width - 1);
            let cy = -dy / (y1 - y0) * f64::from(area.height - 1);
            let len = cx.hypot(2.0 * cy);
            if len.is_finite() && len > 0.0 {
                let (ux, uy) = (cx / len * ARROW_CELLS, cy / len * ARROW_CELLS);
                let clamp = |v: f64, lo: u16, n: u16| {
                    v.round().clamp(f64::from(lo), f64::from(lo + n - 1)) as u16
                };
                let to = (
                    clamp(f64::from(from.0) + ux, area.x, area.width),
                    clamp(f64::from(from.1) + uy, area.y, area.height),
                );
                let cells = line_cells(from, to);
                for c in &cells[1..] {
                    mark(buf, *c, '∙');
                }
                if to != from {
                    mark(buf, to, arrowhead(cx, cy));
                }
            }
        }
        if let Some(c) = self.slice_best.and_then(|p| self.cell_of(area, p)) {
            mark(buf, c, '+');
        }
        if let Some(c) = self.star.and_then(|p| self.cell_of(area, p)) {
            mark(buf, c, '*');
        }
        if let Some(c) = self.cell_of(area, self.mle) {
            mark(buf, c, '×');
        }
        if let Some(c) = self.cell_of(area, self.current) {
            mark(buf, c, '●');
        }
    }
}

/// The cells of a straight line from `a` to `b` (Bresenham), both ends included.
pub(super) fn line_cells(a: (u16, u16), b: (u16, u16)) -> Vec<(u16, u16)> {
    let (mut x, mut y) = (i32::from(a.0), i32::from(a.1));
    let (x1, y1) = (i32::from(b.0), i32::from(b.1));
    let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
    let (sx, sy) = (if x < x1 { 1 } else { -1 }, if y < y1 { 1 } else { -1 });
    let mut err = dx + dy;
    let mut out = Vec::new();
    loop {
        out.push((x as u16, y as u16));
        if x == x1 && y == y1 {
            return out;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x += sx;
        }
        if e2 <= dx {
            err += dx;
            y += sy;
        }
    }
}

/// How far the surface has filled: the coarse lattice, then the exact grid.
pub(super) fn fill_words(s: &Surface) -> String {
    let total = s.values.len().max(1);
    if s.coarse_done() {
        format!("coarse, exact {}%", 100 * s.cells_done / total)
    } else {
        format!("coarse {}%", 100 * s.cells_done / s.coarse.max(1))
    }
}

/// The pseudo-true θ*, when the truth is known and the model has one.
fn pseudo_true(app: &App) -> Option<&[f64]> {
    app.run.pseudo_true.as_ref()?.as_ref().ok().map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_the_chi_squared_regions() {
        use statrs::distribution::ContinuousCDF as _;
        let chi2 = statrs::distribution::ChiSquared::new(2.0).expect("df 2");
        for (i, &(q, label)) in REGIONS.iter().enumerate() {
            let level: f64 =
                label.trim_end_matches('%').parse::<f64>().expect("a percentage") / 100.0;
            assert!((chi2.inverse_cdf(level) - q).abs() < 1e-5, "{label}");
            assert_eq!(band_of(q * 0.999), i);
            assert_eq!(band_of(q * 1.001), i + 1);
        }
        assert_eq!(band_of(39.0), 4);
        assert_eq!(band_of(1e9), 8);
    }

    #[test]
    fn the_arrowhead_points_along_the_direction() {
        assert_eq!(arrowhead(1.0, 0.0), '→');
        assert_eq!(arrowhead(0.0, -1.0), '↑');
        assert_eq!(arrowhead(-1.0, 1.0), '↙');
        assert_eq!(arrowhead(1.0, 1.0), '↘');
    }

    #[test]
    fn a_line_of_cells_is_connected_and_ends_where_asked() {
        for (a, b) in [((0, 0), (5, 2)), ((7, 1), (2, 9)), ((3, 3), (3, 3))] {
            let cells = line_cells(a, b);
            assert_eq!((cells[0], *cells.last().expect("one cell")), (a, b));
            for w in cells.windows(2) {
                let step = (i32::from(w[1].0) - i32::from(w[0].0))
                    .abs()
                    .max((i32::from(w[1].1) - i32::from(w[0].1)).abs());
                assert_eq!(step, 1, "{cells:?}");
            }
        }
    }
}
