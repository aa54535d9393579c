//! The underflow pane: log10 of the raw product of densities in f64 and f32 against m,
//! beside the log-sum that keeps going, with the thresholds where each product turns
//! subnormal and then 0 (or overflows), and the true value as mantissa × 10^exponent.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::app::App;
use super::pane::Pane;
use super::theme::Theme;
use super::view::{framed, labels, legend, padded};
use crate::format::axis as short;
use crate::stats::underflow::UnderflowTrace;

/// log10 of the smallest normal f64, 2^-1022.
const F64_NORMAL: f64 = -307.652_655_568_588_3;
/// log10 of the smallest subnormal f64, 2^-1074.
const F64_ZERO: f64 = -323.306_215_343_115_2;
/// log10 of the smallest subnormal f32, 2^-149.
const F32_ZERO: f64 = -44.853_986_428_898_27;

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let run = &app.run;
    let focused = app.focus == Pane::Underflow;
    draw_trace(frame, area, focused, &run.trace, &run.trace_curves, run.log_m(), theme);
}

/// Draws a trace and its curves (true, f64, f32; x in log10 m when `log_m`).
pub fn draw_trace(
    frame: &mut Frame,
    area: Rect,
    focused: bool,
    t: &UnderflowTrace,
    curves: &[Vec<(f64, f64)>; 3],
    log_m: bool,
    theme: Theme,
) {
    let detail = format!("L = {}", crate::format::times_ten(t.mantissa, t.exponent, 3));
    let mut keys = legend("━", "log-sum", theme.truth());
    keys.extend(legend("━", "f64 Π", theme.f64_product()));
    keys.extend(legend(if theme.color { "━" } else { "•" }, "f32 Π", theme.f32_product()));
    let block = framed(Pane::Underflow, focused, theme, &detail, keys);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [chart_area, text_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(inner);
    let [true_curve, f64_curve, f32_curve] = curves;
    let (x0, x1) = padded(&[true_curve], false);
    let (x0, x1) = (x0.max(0.0), x1.max(1.0));
    let line = |v: f64| [(x0, v), (x1, v)];
    let (z64, n64, z32) = (line(F64_ZERO), line(F64_NORMAL), line(F32_ZERO));
    // The products are drawn last, over the log-sum they follow exactly until they die.
    let sets = vec![
        Dataset::default()
            .name("f64 min normal")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.reference())
            .data(&n64),
        Dataset::default()
            .name("f64 zero")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.reference())
            .data(&z64),
        Dataset::default()
            .name("f32 zero")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.reference())
            .data(&z32),
        Dataset::default()
            .name("log-sum")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.truth())
            .data(true_curve),
        Dataset::default()
            .name("f32 product")
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.f32_product())
            .data(f32_curve),
        Dataset::default()
            .name("f64 product")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.f64_product())
            .data(f64_curve),
    ];
    let (mut y0, mut y1) = padded(&[true_curve, f64_curve, f32_curve], true);
    y0 = y0.min(F64_ZERO - 20.0);
    y1 = y1.max(5.0);
    let x_title = if log_m { "log10 m" } else { "m" };
    let chart = Chart::new(sets)
        .x_axis(Axis::default().title(x_title).bounds([x0, x1]).labels(labels(x0, x1)))
        .y_axis(
            Axis::default()
                .title("log10 L")
                .bounds([y0, y1])
                .labels(vec![Span::raw(short(y0)), Span::raw(short(y1))]),
        )
        .legend_position(None);
    frame.render_widget(chart, chart_area);
    let at = |v: Option<usize>| v.map_or_else(|| "never".to_string(), |m| format!("m={m}"));
    let lines = vec![
        Line::from(format!(
            "f64 product: subnormal {}, 0 {}, ∞ {}",
            at(t.f64_subnormal_at),
            at(t.f64_zero_at),
            at(t.f64_overflow_at)
        )),
        Line::from(format!(
            "f32 product: 0 {}, ∞ {}; log-sum ℓ = {}",
            at(t.f32_zero_at),
            at(t.f32_overflow_at),
            crate::format::readable(t.log_likelihood)
        )),
    ];
    frame.render_widget(Paragraph::new(lines), text_area);
}
