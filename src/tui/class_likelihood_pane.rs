//! The classification likelihood pane: ℓ = Σ ln q(yᵢ | xᵢ) by iteration, and ℓ over a chosen
//! pair of weights (the others held at θ) in the density explorer's likelihood-ratio bands,
//! with the optimiser's path, θ and the MLE where one exists.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};

use super::class_app::ClassApp;
use super::likelihood_pane::{Heatmap, band_legend};
use super::pane::Pane;
use super::theme::Theme;
use super::view::{count_bounds, count_labels, framed, padded};
use crate::format::{axis as short, readable as fmt_num};
use crate::scenario::classifier::Loss;

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &ClassApp, focused: bool, theme: Theme) {
    let run = &app.run;
    let detail = format!("ℓ = {}", fmt_num(run.now.log_likelihood));
    let block = framed(Pane::Likelihood, focused, theme, &detail, Vec::new());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(38), Constraint::Fill(1)]).areas(inner);
    let points = run.ll_series.points();
    let (y0, y1) = padded(&[points], true);
    let (x0, x1) = count_bounds(points);
    let chart = Chart::new(vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(points),
    ])
    .block(Block::default().borders(Borders::RIGHT).title("ℓ by iteration"))
    .x_axis(Axis::default().bounds([x0, x1]).labels(count_labels(x0, x1)))
    .y_axis(
        Axis::default().bounds([y0, y1]).labels(vec![Span::raw(short(y0)), Span::raw(short(y1))]),
    )
    .legend_position(None);
    frame.render_widget(chart, left);
    let Some(s) = &run.surface else {
        frame.render_widget(Paragraph::new("one parameter: no surface"), right);
        return;
    };
    let names = run.param_names();
    let [title, map, axis, key] = super::likelihood_pane::picture_rows(right);
    let climbing = if run.choices.loss == Loss::SquaredError {
        " (the path climbs squared error)".to_string()
    } else if s.cells_done < s.values.len() {
        format!(" (computing {}/{})", s.rows_done, s.ys.len())
    } else {
        String::new()
    };
    frame.render_widget(
        Paragraph::new(format!(
            "{} ↑ {}..{}{climbing}",
            names[s.py],
            short(s.ys[0]),
            short(s.ys[s.ys.len() - 1])
        )),
        title,
    );
    let mle_mark = if run.mle.is_some() { "×MLE" } else { "no MLE" };
    frame.render_widget(
        Paragraph::new(format!(
            "{} → {}..{}  ●θ ·path {mle_mark} +slice best",
            names[s.px],
            short(s.xs[0]),
            short(s.xs[s.xs.len() - 1])
        )),
        axis,
    );
    frame.render_widget(Paragraph::new(band_legend(theme, names.len() > 2)), key);
    let path: Vec<(f64, f64)> =
        run.fit.history().iter().map(|r| (r.params[s.px], r.params[s.py])).collect();
    let now = &run.fit.current().natural;
    let mle = run.mle.as_ref().map_or((f64::NAN, f64::NAN), |m| (m[s.px], m[s.py]));
    frame.render_widget(
        Heatmap {
            surface: s,
            path: &path,
            current: (now[s.px], now[s.py]),
            mle,
            slice_best: s.best_cell().map(|(x, y)| (s.xs[x], s.ys[y])),
            star: None,
            arrow: None,
            ellipse: &[],
            theme,
        },
        map,
    );
}
