//! The likelihood pane: ℓ against iteration, and ℓ over θ: a curve for one-parameter
//! models (current θ and the MLE marked), a banded surface with the optimiser's path for
//! two or more (a chosen pair, the others held at the current θ).

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
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
    let [title, map, axis] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)])
            .areas(area);
    let progress = if s.complete() {
        String::new()
    } else {
        format!(" (computing {}/{})", s.rows_done, s.ys.len())
    };
    let head =
        format!("{} ↑ {}..{}{progress}", names[s.py], short(s.ys[0]), short(s.ys[s.ys.len() - 1]));
    frame.render_widget(Paragraph::new(head), title);
    frame.render_widget(
        Paragraph::new(format!(
            "{} → {}..{}   ● θ  × MLE",
            names[s.px],
            short(s.xs[0]),
            short(s.xs[s.xs.len() - 1])
        )),
        axis,
    );
    let path: Vec<(f64, f64)> = run
        .fit
        .history()
        .iter()
        .rev()
        .take(400)
        .map(|r| (r.params[s.px], r.params[s.py]))
        .collect();
    let now = &run.fit.current().natural;
    frame.render_widget(
        Heatmap {
            surface: s,
            path: &path,
            current: (now[s.px], now[s.py]),
            mle: (run.mle[s.px], run.mle[s.py]),
            theme,
        },
        map,
    );
}

/// The banded log-likelihood surface: with z = √(2(ℓ_best − ℓ)), the likelihood-ratio
/// distance in standard errors, band 0 holds z < 1 and band k holds 2^(k−1) ≤ z < 2^k.
struct Heatmap<'a> {
    surface: &'a Surface,
    path: &'a [(f64, f64)],
    current: (f64, f64),
    mle: (f64, f64),
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
                // √(2Δℓ) is the distance from the best in standard errors (likelihood
                // ratio); bands double in width so the whole grid shows structure.
                let z = (2.0 * (s.best - v).max(0.0)).sqrt();
                let band = if z < 1.0 { 0 } else { z.log2().floor() as usize + 1 };
                if band < 8 {
                    let (ch, style) = self.theme.band(band);
                    buf[(area.x + col, area.y + row)].set_char(ch).set_style(style);
                }
            }
        }
        for &p in self.path {
            if let Some(c) = self.cell_of(area, p) {
                buf[c].set_char('·').set_style(self.theme.model());
            }
        }
        if let Some(c) = self.cell_of(area, self.mle) {
            buf[c].set_char('×').set_style(self.theme.good());
        }
        if let Some(c) = self.cell_of(area, self.current) {
            buf[c].set_char('●').set_style(self.theme.model());
        }
    }
}
