//! The view: lays the panes out and draws them from the app state. It only reads.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, MIN_HEIGHT, MIN_WIDTH};
use super::pane::{Overlay, Pane};
use super::theme::Theme;
use super::{
    cross_entropy_pane, data_pane, likelihood_pane, overlays, status_pane, underflow_pane,
};
use crate::format::axis as short;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = Theme { color: app.color };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = vec![
            Line::from("mlex needs a larger terminal"),
            Line::from(format!(
                "at least {MIN_WIDTH}×{MIN_HEIGHT}, now {}×{}",
                area.width, area.height
            )),
            Line::from("enlarge the window, or press q to quit"),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    if app.zoomed {
        draw_pane(frame, app.focus, area, app, theme);
    } else {
        let status_height = match area.height {
            0..30 => 5,
            30..40 => 7,
            _ => 9,
        };
        let [top, middle, bottom] = Layout::vertical([
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Length(status_height),
        ])
        .areas(area);
        let [data, likelihood] = Layout::horizontal([Constraint::Fill(1); 2]).areas(top);
        let [cross, underflow] = Layout::horizontal([Constraint::Fill(1); 2]).areas(middle);
        draw_pane(frame, Pane::Data, data, app, theme);
        draw_pane(frame, Pane::Likelihood, likelihood, app, theme);
        draw_pane(frame, Pane::CrossEntropy, cross, app, theme);
        draw_pane(frame, Pane::Underflow, underflow, app, theme);
        draw_pane(frame, Pane::Status, bottom, app, theme);
    }
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help => overlays::help(frame, area, theme),
        Overlay::Picker { items, selected } => {
            overlays::picker(frame, area, items, *selected, theme);
        }
        Overlay::Error(message) => overlays::error(frame, area, message, theme),
    }
}

/// The framed block of a pane, its title marked when focused.
#[must_use]
pub fn pane_block(pane: Pane, app: &App, theme: Theme, detail: &str) -> Block<'static> {
    pane_block_with_legend(pane, app, theme, detail, Vec::new())
}

/// A pane's block with a legend (styled names of the series) after the title.
#[must_use]
pub fn pane_block_with_legend(
    pane: Pane,
    app: &App,
    theme: Theme,
    detail: &str,
    legend: Vec<Span<'static>>,
) -> Block<'static> {
    let focused = app.focus == pane;
    let mut title = vec![Span::styled(format!(" {} ", pane.title()), theme.title(focused))];
    if !detail.is_empty() {
        title.push(Span::raw(format!(" {detail} ")));
    }
    let block = Block::default().borders(Borders::ALL).title(Line::from(title));
    if legend.is_empty() {
        block
    } else {
        // The legend sits on the bottom border, where it hides no data.
        let mut bottom = vec![Span::raw(" ")];
        bottom.extend(legend);
        block.title_bottom(Line::from(bottom))
    }
}

/// One legend entry: a sample of the series' mark and its name.
#[must_use]
pub fn legend(mark: &str, name: &str, style: Style) -> Vec<Span<'static>> {
    vec![Span::styled(format!("{mark} "), style), Span::raw(format!("{name}  "))]
}

fn draw_pane(frame: &mut Frame, pane: Pane, area: Rect, app: &App, theme: Theme) {
    match pane {
        Pane::Data => data_pane::draw(frame, area, app, theme),
        Pane::Likelihood => likelihood_pane::draw(frame, area, app, theme),
        Pane::CrossEntropy => cross_entropy_pane::draw(frame, area, app, theme),
        Pane::Underflow => underflow_pane::draw(frame, area, app, theme),
        Pane::Status => status_pane::draw(frame, area, app, theme),
    }
}

/// A centred rectangle of at most `w`×`h` inside `area`.
#[must_use]
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clears a popup's area and frames it.
pub fn popup(frame: &mut Frame, area: Rect, title: &str) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(
        format!(" {title} "),
        Style::default().add_modifier(ratatui::style::Modifier::BOLD),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Axis labels: the ends and the middle of a range.
#[must_use]
pub fn labels(lo: f64, hi: f64) -> Vec<Span<'static>> {
    [lo, 0.5 * (lo + hi), hi].iter().map(|v| Span::raw(short(*v))).collect()
}

/// Bounds for an axis of counts (iterations) from 0: the largest count, at least 1, rounded
/// up to an even number so the middle label is whole too.
#[must_use]
pub fn count_bounds(points: &[(f64, f64)]) -> (f64, f64) {
    let last = points.iter().map(|p| p.0).filter(|x| x.is_finite()).fold(1.0, f64::max);
    (0.0, 2.0 * (last / 2.0).ceil())
}

/// Whole-number labels at both ends and the middle of an axis of counts.
#[must_use]
pub fn count_labels(lo: f64, hi: f64) -> Vec<Span<'static>> {
    [lo, 0.5 * (lo + hi), hi].iter().map(|v| Span::raw(format!("{}", v.round() as i64))).collect()
}

/// A range padded by 5 % (and widened when empty), for chart bounds.
#[must_use]
pub fn padded(points: &[&[(f64, f64)]], axis_y: bool) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for set in points {
        for p in *set {
            let v = if axis_y { p.1 } else { p.0 };
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 * lo.abs().max(1.0) {
        let w = 0.5 * lo.abs().max(1e-6);
        return (lo - w, hi + w);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}
