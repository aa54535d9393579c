//! The classification cross-entropy pane: the training loss H(p̂, q) = −ℓ/m by iteration
//! with the irreducible loss E_x[H(p(·|x))] of the known truth as its floor; the same loss as
//! a library's log loss computes it, shown to be the same number; and on fresh x the split
//! H(p, q) = E_x[H(p(·|x))] + E_x[D(p(·|x) ‖ q(·|x))] as a bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::class_app::ClassApp;
use super::pane::Pane;
use super::theme::Theme;
use super::view::{count_bounds, count_labels, framed, legend, padded};
use crate::format::{axis as short, readable as fmt_num};
use crate::stats::classify::decomposition::Method;

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &ClassApp, focused: bool, theme: Theme) {
    let run = &app.run;
    let h = run.now.cross_entropy;
    let detail =
        format!("H(p̂,q) = {} nats = {} bits", fmt_num(h), fmt_num(h / std::f64::consts::LN_2));
    let mut keys = legend("━", "H(p̂,q) = −ℓ/m", theme.model());
    keys.extend(legend("┄", "irreducible E[H(p(·|x))]", theme.reference()));
    let block = framed(Pane::CrossEntropy, focused, theme, &detail, keys);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [chart_area, text_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(inner);
    let series = run.ce_series.points();
    let (x0, x1) = count_bounds(series);
    let floor = [(x0, run.decomposition.irreducible), (x1, run.decomposition.irreducible)];
    let (y0, y1) = padded(&[series, &floor], true);
    let chart = Chart::new(vec![
        Dataset::default()
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.reference())
            .data(&floor),
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(series),
    ])
    .legend_position(None)
    .x_axis(Axis::default().title("iteration").bounds([x0, x1]).labels(count_labels(x0, x1)))
    .y_axis(
        Axis::default().bounds([y0, y1]).labels(vec![Span::raw(short(y0)), Span::raw(short(y1))]),
    );
    frame.render_widget(chart, chart_area);
    frame.render_widget(Paragraph::new(lines(app, text_area.width)), text_area);
}

/// The loss as a library prints it, and the split on fresh x with its bar.
fn lines(app: &ClassApp, width: u16) -> Vec<Line<'static>> {
    let run = &app.run;
    let d = run.decomposition;
    let same =
        (run.now.library - run.now.cross_entropy).abs() <= 1e-9 * run.now.cross_entropy.max(1e-300);
    let library = format!(
        "a library's log loss: {}{}",
        fmt_num(run.now.library),
        if same { " = −ℓ/m, the same number" } else { " (probabilities clipped at ε)" }
    );
    let how = match d.method {
        Method::MonteCarlo { points, .. } => format!("{points} fresh x"),
        Method::Quadrature { .. } => "quadrature over x".to_string(),
    };
    let split = format!(
        "H(p,q) = irreducible + gap: {} = {} + {} ({how})",
        fmt_num(d.cross_entropy),
        fmt_num(d.irreducible),
        fmt_num(d.gap)
    );
    let cells = usize::from(width.saturating_sub(2));
    let bar = if d.cross_entropy > 0.0 && d.cross_entropy.is_finite() {
        let filled = ((d.irreducible / d.cross_entropy) * cells as f64).round() as usize;
        format!("{}{}", "█".repeat(filled.min(cells)), "░".repeat(cells.saturating_sub(filled)))
    } else {
        String::new()
    };
    vec![Line::from(library), Line::from(split), Line::from(bar)]
}
