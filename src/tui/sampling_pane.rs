//! The sampling-distribution view (`S`), drawn in the data pane's place: the histogram of
//! θ̂ over repeated samples from the truth against N(θ̂, SE²) from this run's fit, and how
//! many repeats are in.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Wrap};

use super::app::App;
use super::pane::Pane;
use super::sampling::TARGET;
use super::theme::Theme;
use super::view::{labels, legend, pane_block, pane_block_with_legend};
use crate::format::{axis as short, readable as fmt_num};

/// Draws the view.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let s = &app.sampling;
    let h = &s.histogram;
    let names = app.run.model.param_names();
    let name = names.get(h.parameter).map_or("θ", String::as_str);
    let mut detail = format!("θ̂ of {name}: {} of {TARGET} repeats at m = {}", s.done(), s.m);
    if s.failed > 0 {
        let _ = write!(detail, ", {} without a maximum", s.failed);
    }
    if s.in_flight {
        detail.push_str(", sampling…");
    }
    if let Some(why) = &s.why_not {
        let block = pane_block(Pane::Data, app, theme, "sampling distribution");
        frame.render_widget(
            Paragraph::new(vec![Line::from(why.clone()), Line::from("S goes back.")])
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let mut sets = vec![
        Dataset::default()
            .name("θ̂")
            .marker(Marker::Braille)
            .graph_type(GraphType::Bar)
            .style(theme.data())
            .data(&h.bars),
        Dataset::default()
            .name("normal")
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(&h.normal),
    ];
    let (lo, hi) = h.x_range;
    let y_max = h.y_max.max(1e-12);
    let truth: Vec<(f64, f64)> = app
        .run
        .truth
        .as_ref()
        .filter(|t| t.family().kind() == app.run.model.kind())
        .and_then(|t| t.params().get(h.parameter).copied())
        .map(|v| vec![(v, 0.0), (v, y_max)])
        .unwrap_or_default();
    if !truth.is_empty() {
        sets.push(
            Dataset::default()
                .name("truth")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.truth())
                .data(&truth),
        );
    }
    let mut keys = legend("▮", "θ̂ per sample", theme.data());
    keys.extend(legend("━", "N(θ̂, SE²) of this fit", theme.model()));
    if !truth.is_empty() {
        keys.extend(legend("│", "true θ", theme.truth()));
    }
    if let Some((mean, sd)) = h.mean_sd {
        keys.push(Span::raw(format!("mean {} sd {}  ", fmt_num(mean), fmt_num(sd))));
    }
    let chart = Chart::new(sets)
        .legend_position(None)
        .block(pane_block_with_legend(Pane::Data, app, theme, &detail, keys))
        .x_axis(Axis::default().bounds([lo, hi]).labels(labels(lo, hi)))
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max * 1.05])
                .labels(vec![Span::raw("0"), Span::raw(short(y_max))]),
        );
    frame.render_widget(chart, area);
}
