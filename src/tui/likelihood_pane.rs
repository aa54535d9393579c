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
use super::jobs::Surface;
use super::pane::Pane;
use super::theme::Theme;
use super::view::{count_bounds, count_labels, labels, padded, pane_block};
use crate::format::{axis as short, readable as fmt_num};

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let run = &app.run;
    let ll = run.fit.current().log_likelihood;
    let block = pane_block(Pane::Likelihood, app, theme, &format!("ℓ = {}", fmt_num(ll)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let wide = inner.width >= 56;
    let (left, right) = if wide {
        let [l, r] =
            Layout::horizontal([Constraint::Percentage(38), Constraint::Fill(1)]).areas(inner);
        (Some(l), r)
    } else {
        (None, inner)
    };
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

fn profile(frame: &mut Frame, area: Rect, app: &App, s: &Surface, theme: Theme) {
    let run = &app.run;
    let names = run.model.param_names();
    let points: Vec<(f64, f64)> =
        s.xs.iter().zip(&s.values).filter_map(|(x, v)| v.map(|v| (*x, v))).collect();
    let (y0, y1) = padded(&[&points], true);
    let (x0, x1) = (s.xs[0], s.xs[s.xs.len() - 1]);
    let theta = run.fit.current().natural[s.px];
    let mle = run.mle[s.px];
    let now = [(theta, y0), (theta, y1)];
    let best = [(mle, y0), (mle, y1)];
    let chart = Chart::new(vec![
        Dataset::default()
            .name("ℓ(θ)")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.data())
            .data(&points),
        Dataset::default()
            .name("θ")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(&now),
        Dataset::default()
            .name("MLE")
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.truth())
            .data(&best),
    ])
    .block(Block::default().title(format!("ℓ over {}", names[s.px])))
    .x_axis(Axis::default().bounds([x0, x1]).labels(labels(x0, x1)))
    .y_axis(
        Axis::default().bounds([y0, y1]).labels(vec![Span::raw(short(y0)), Span::raw(short(y1))]),
    );
    frame.render_widget(chart, area);
}

fn surface(frame: &mut Frame, area: Rect, app: &App, s: &Surface, theme: Theme) {
    let run = &app.run;
    let names = run.model.param_names();
    let [title, map, axis, key] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let progress = if s.complete() {
        String::new()
    } else {
        format!(" (computing {}/{})", s.rows_done, s.ys.len())
    };
    let head =
        format!("{} ↑ {}..{}{progress}", names[s.py], short(s.ys[0]), short(s.ys[s.ys.len() - 1]));
    frame.render_widget(Paragraph::new(head), title);
    // In a slice of more parameters the slice's own best is not the joint MLE.
    let sliced = names.len() > 2;
    let slice_best = if sliced { s.best_cell().map(|(x, y)| (s.xs[x], s.ys[y])) } else { None };
    let markers = if slice_best.is_some() {
        "●θ ·path ×MLE (joint) +slice's best"
    } else {
        "●θ ·path ×MLE"
    };
    frame.render_widget(
        Paragraph::new(format!(
            "{} → {}..{}   {markers}",
            names[s.px],
            short(s.xs[0]),
            short(s.xs[s.xs.len() - 1])
        )),
        axis,
    );
    frame.render_widget(Paragraph::new(band_legend(theme, sliced)), key);
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
fn band_of(d: f64) -> usize {
    let bounds = REGIONS.iter().map(|r| r.0).chain(OUTER);
    bounds.clone().position(|q| d < q).unwrap_or(bounds.count())
}

/// The legend of the bands: which colour (or character) holds which region.
fn band_legend(theme: Theme, sliced: bool) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (_, label)) in REGIONS.iter().enumerate() {
        let (ch, style) = theme.band(i);
        spans.push(Span::styled(ch.to_string(), style));
        spans.push(Span::raw(format!("{} ", label.trim_end_matches('%'))));
    }
    // The bands are likelihood-ratio regions: 2(ℓ_best − ℓ) below the χ²₂ quantile.
    spans.push(Span::raw(if sliced { "% LR, slice" } else { "% LR regions" }));
    Line::from(spans)
}

/// The banded log-likelihood surface: each cell's band is its likelihood-ratio region
/// ([`band_of`] of 2(ℓ_best − ℓ)), the path a connected line drawn over the bands.
struct Heatmap<'a> {
    surface: &'a Surface,
    path: &'a [(f64, f64)],
    current: (f64, f64),
    mle: (f64, f64),
    slice_best: Option<(f64, f64)>,
    theme: Theme,
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
                let Some(v) = s.values[gy * nx + gx] else { continue };
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
        let cells: Vec<(u16, u16)> =
            self.path.iter().filter_map(|&p| self.cell_of(area, p)).collect();
        for pair in cells.windows(2) {
            for c in line_cells(pair[0], pair[1]) {
                mark(buf, c, '·');
            }
        }
        if let Some(c) = self.slice_best.and_then(|p| self.cell_of(area, p)) {
            mark(buf, c, '+');
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
fn line_cells(a: (u16, u16), b: (u16, u16)) -> Vec<(u16, u16)> {
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
