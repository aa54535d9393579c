//! The cross-entropy pane: H(p̂, q_θ) = −ℓ/m against iteration, with the references a user
//! should see it approach (H(p̂) for whole-number data, h(p) and H(p, q_θ) for a known
//! truth), the decomposition H = H(p̂) + D(p̂‖q) as a bar, and for bernoulli and binomial
//! models the seed's Figure 1: the entropy H(p) against p.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};

use super::app::App;
use super::pane::Pane;
use super::theme::Theme;
use super::view::{count_bounds, count_labels, labels, legend, padded, pane_block_with_legend};
use crate::format::{axis as short, readable as fmt_num};
use crate::stats::family::FamilyKind;
use crate::words;

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let run = &app.run;
    let h = -run.fit.current().mean_log_likelihood;
    let detail =
        format!("H(p̂,q) = {} nats = {} bits", fmt_num(h), fmt_num(h / std::f64::consts::LN_2));
    let mut keys = legend("━", "H(p̂,q)", theme.model());
    if run.empirical.is_some() {
        keys.extend(legend("┄", "H(p̂)", theme.reference()));
    }
    if run.truth_now.is_some() {
        keys.extend(legend("┄", "H(p)", theme.reference()));
        keys.extend(legend(if theme.color { "━" } else { "•" }, "H(p,q)", theme.truth()));
    }
    let block = pane_block_with_legend(Pane::CrossEntropy, app, theme, &detail, keys);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [chart_area, bar_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(inner);
    let entropy_curve = matches!(run.model.kind(), FamilyKind::Bernoulli | FamilyKind::Binomial);
    let (chart_area, figure_area) = if entropy_curve && chart_area.width >= 40 {
        let [a, b] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(chart_area);
        (a, Some(b))
    } else {
        (chart_area, None)
    };

    let (x0, x1) = count_bounds(run.ce_series.points());
    // The reference lines span the x range drawn.
    let reference = |v: f64| [(x0, v), (x1, v)];
    let h_hat = run.empirical.map(|e| reference(e.empirical_entropy));
    let h_p = run.truth_now.map(|t| reference(t.truth_entropy));
    let mut sets = Vec::new();
    if let Some(r) = &h_hat {
        sets.push(
            Dataset::default()
                .name("H(p̂)")
                .marker(theme.second_marker())
                .graph_type(GraphType::Line)
                .style(theme.reference())
                .data(r),
        );
    }
    if let Some(r) = &h_p {
        sets.push(
            Dataset::default()
                .name("H(p)")
                .marker(theme.second_marker())
                .graph_type(GraphType::Line)
                .style(theme.reference())
                .data(r),
        );
        sets.push(
            Dataset::default()
                .name("H(p,q)")
                .marker(theme.second_marker())
                .graph_type(GraphType::Line)
                .style(theme.truth())
                .data(run.truth_series.points()),
        );
    }
    // The main series last, so it is drawn on top of the references it approaches.
    sets.push(
        Dataset::default()
            .name("H(p̂,q)")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(run.ce_series.points()),
    );
    let refs: Vec<&[(f64, f64)]> = [
        Some(run.ce_series.points()),
        h_hat.as_ref().map(<[(f64, f64); 2]>::as_slice),
        h_p.as_ref().map(<[(f64, f64); 2]>::as_slice),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (y0, y1) = padded(&refs, true);
    let chart = Chart::new(sets)
        .legend_position(None)
        .x_axis(Axis::default().title("iteration").bounds([x0, x1]).labels(count_labels(x0, x1)))
        .y_axis(
            Axis::default()
                .bounds([y0, y1])
                .labels(vec![Span::raw(short(y0)), Span::raw(short(y1))]),
        );
    frame.render_widget(chart, chart_area);

    if let Some(fig) = figure_area {
        entropy_figure(frame, fig, app, theme);
    }
    frame.render_widget(Paragraph::new(decomposition(app, bar_area.width)), bar_area);
}

/// "H(p̂,q) = H(p̂) + D(p̂‖q)" in numbers, and a bar splitting it.
fn decomposition(app: &App, width: u16) -> Vec<Line<'static>> {
    let run = &app.run;
    let (label, base, gap, total) = if let Some(e) = run.empirical {
        ("H(p̂,q) = H(p̂) + D(p̂‖q)", e.empirical_entropy, e.kl_divergence, e.cross_entropy)
    } else if let Some(t) = run.truth_now {
        ("H(p,q) = H(p) + D(p‖q)", t.truth_entropy, t.kl_divergence, t.cross_entropy)
    } else {
        return vec![Line::from(
            "continuous data without a truth: D(p̂‖q) is undefined, H(p̂,q) = −ℓ/m is shown",
        )];
    };
    // A gap within rounding of zero (−9e-17 at the MLE) is shown as the 0 it is.
    let gap_shown =
        if gap.abs() <= 1e-12 * total.abs().max(1.0) && total.is_finite() { 0.0 } else { gap };
    let text = format!("{label}: {} = {} + {}", fmt_num(total), fmt_num(base), fmt_num(gap_shown));
    let cells = usize::from(width.saturating_sub(2));
    let infinite = run.truth_now.and_then(|t| t.infinite).filter(|_| run.empirical.is_none());
    let bar = if let Some(why) = infinite {
        let truth = run.truth.as_ref().map(|t| t.family().kind());
        truth.map_or_else(String::new, |t| {
            format!("(infinite: {})", words::infinite(t, run.model.kind(), why))
        })
    } else if base >= 0.0 && gap_shown >= 0.0 && total > 0.0 && total.is_finite() {
        // gap_shown, not gap: at a discrete MLE D(p̂‖q) is 0 up to a rounding of −1e-17.
        let filled = ((base / total) * cells as f64).round() as usize;
        format!("{}{}", "█".repeat(filled.min(cells)), "░".repeat(cells.saturating_sub(filled)))
    } else {
        "(differential entropies can be negative: no bar)".to_string()
    };
    vec![Line::from(text), Line::from(bar)]
}

/// The seed's Figure 1: H(p) = −p ln p − (1 − p) ln(1 − p), with p̂ and the current p.
fn entropy_figure(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let run = &app.run;
    let curve: Vec<(f64, f64)> = (0..=100)
        .map(|i| {
            let p = f64::from(i) / 100.0;
            (p, crate::stats::family::bernoulli_entropy(p))
        })
        .collect();
    let p_now = run.fit.current().natural[0];
    let p_hat = run.mle[0];
    let now = [(p_now, 0.0), (p_now, std::f64::consts::LN_2)];
    let hat = [(p_hat, 0.0), (p_hat, std::f64::consts::LN_2)];
    let chart = Chart::new(vec![
        Dataset::default()
            .name("H(p)")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.data())
            .data(&curve),
        Dataset::default()
            .name("p")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(&now),
        Dataset::default()
            .name("p̂")
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.truth())
            .data(&hat),
    ])
    .block(Block::default().borders(Borders::LEFT).title("H(p), nats"))
    .x_axis(Axis::default().bounds([0.0, 1.0]).labels(labels(0.0, 1.0)))
    .y_axis(Axis::default().bounds([0.0, 0.75]).labels(vec![Span::raw("0"), Span::raw("ln 2")]));
    frame.render_widget(chart, area);
}
