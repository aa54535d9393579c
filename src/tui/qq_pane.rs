//! The data pane's other views (`Q` cycles histogram → QQ → PP): the data's sorted values
//! against the fitted model's quantiles, or the model's F at each value against its plotting
//! position, both with the line y = x that a perfect fit follows. The points are the
//! engine's (`stats::goodness::plot_points_sorted`) at the MLE, computed with the run.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Wrap};

use super::app::App;
use super::pane::Pane;
use super::theme::Theme;
use super::view::{labels, legend, padded, pane_block, pane_block_with_legend};

/// What the data pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataShow {
    /// The histogram with the true and fitted densities.
    #[default]
    Histogram,
    /// Sample quantiles against the model's.
    Qq,
    /// The model's probabilities against the plotting positions.
    Pp,
}

impl DataShow {
    /// The next view of the cycle.
    #[must_use]
    pub fn next(self) -> Self {
        match self {
            Self::Histogram => Self::Qq,
            Self::Qq => Self::Pp,
            Self::Pp => Self::Histogram,
        }
    }

    /// What the view is, for the status message.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Histogram => "data pane: histogram with the true and fitted densities",
            Self::Qq => {
                "data pane: QQ plot, sorted data against the fitted model's quantiles (y = x if it fits)"
            }
            Self::Pp => {
                "data pane: PP plot, the fitted model's F at each value against (i − ½)/m (y = x if it fits)"
            }
        }
    }
}

/// Draws the QQ or PP view.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme, qq: bool) {
    let run = &app.run;
    let name = if qq { "QQ at the MLE" } else { "PP at the MLE" };
    let points = match &run.how_sure.plot {
        Ok(points) => points,
        Err(why) => {
            let block = pane_block(Pane::Data, app, theme, name);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(why.clone()),
                    Line::from("Q goes back to the histogram."),
                ])
                .wrap(Wrap { trim: true })
                .block(block),
                area,
            );
            return;
        }
    };
    let xy: Vec<(f64, f64)> = points
        .iter()
        .map(|p| if qq { (p.model_quantile, p.sample) } else { (p.position, p.model_probability) })
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let (lo, hi) = if qq {
        let (x0, x1) = padded(&[&xy], false);
        let (y0, y1) = padded(&[&xy], true);
        (x0.min(y0), x1.max(y1))
    } else {
        (0.0, 1.0)
    };
    let diagonal = [(lo, lo), (hi, hi)];
    let sets = vec![
        Dataset::default()
            .name("y = x")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.truth())
            .data(&diagonal),
        Dataset::default()
            .name("data")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(theme.data())
            .data(&xy),
    ];
    let mut keys = legend("•", if qq { "sorted data" } else { "F(x₍ᵢ₎)" }, theme.data());
    keys.extend(legend("━", "y = x", theme.truth()));
    let detail = format!(
        "{name}, model {}, {} of m = {} points",
        run.model.kind(),
        xy.len(),
        run.sample.len()
    );
    let (x_title, y_title) =
        if qq { ("model quantile", "data") } else { ("(i − ½)/m", "model F") };
    let chart =
        Chart::new(sets)
            .legend_position(None)
            .block(pane_block_with_legend(Pane::Data, app, theme, &detail, keys))
            .x_axis(Axis::default().title(x_title).bounds([lo, hi]).labels(labels(lo, hi)))
            .y_axis(Axis::default().title(y_title).bounds([lo, hi]).labels(vec![
                Span::raw(crate::format::axis(lo)),
                Span::raw(crate::format::axis(hi)),
            ]));
    frame.render_widget(chart, area);
}
