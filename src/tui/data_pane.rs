//! The data pane: the sample's histogram (bars per value for whole numbers) with the true
//! density and the model's density at the current θ drawn over it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};

use super::app::App;
use super::pane::Pane;
use super::theme::Theme;
use super::view::{labels, legend, pane_block_with_legend};
use crate::format::axis as short;

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let run = &app.run;
    let view = &run.data_view;
    let detail = if view.outside > 0 {
        format!("m = {}, {} beyond the view", run.sample.len(), view.outside)
    } else {
        format!("m = {}", run.sample.len())
    };
    let graph = if view.discrete { GraphType::Scatter } else { GraphType::Line };
    let mut sets = vec![
        Dataset::default()
            .name(if view.discrete { "p̂ (data)" } else { "data" })
            .marker(Marker::Braille)
            .graph_type(GraphType::Bar)
            .style(theme.data())
            .data(&view.bars),
    ];
    if let Some(t) = &run.truth {
        sets.push(
            Dataset::default()
                .name(format!("truth {}", t.family().kind()))
                .marker(if view.discrete { Marker::Dot } else { Marker::Braille })
                .graph_type(graph)
                .style(theme.truth())
                .data(&view.truth),
        );
    }
    sets.push(
        Dataset::default()
            .name(format!("model {}", run.model.kind()))
            .marker(if view.discrete { Marker::Block } else { theme.second_marker() })
            .graph_type(graph)
            .style(theme.model())
            .data(&run.model_curve),
    );
    let (lo, hi) = view.x_range;
    let y_max = run
        .model_curve
        .iter()
        .map(|p| p.1)
        .fold(view.y_max, f64::max)
        .min(view.y_max * 3.0)
        .max(1e-12);
    let mut keys = legend("▮", "data", theme.data());
    if let Some(t) = &run.truth {
        keys.extend(legend("━", &format!("truth {}", t.family().kind()), theme.truth()));
    }
    keys.extend(legend(
        if theme.color { "━" } else { "•" },
        &format!("model {}", run.model.kind()),
        theme.model(),
    ));
    let chart =
        Chart::new(sets)
            .legend_position(None)
            .block(pane_block_with_legend(Pane::Data, app, theme, &detail, keys))
            .x_axis(Axis::default().bounds([lo, hi]).labels(labels(lo, hi)))
            .y_axis(Axis::default().bounds([0.0, y_max * 1.05]).labels(vec![
                ratatui::text::Span::raw("0"),
                ratatui::text::Span::raw(short(y_max)),
            ]));
    frame.render_widget(chart, area);
}
