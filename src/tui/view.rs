//! The view: lays the panes out and draws them from the app state. It only reads.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, MIN_HEIGHT, MIN_WIDTH};
use super::pane::{Overlay, Pane};
use super::qq_pane::DataShow;
use super::theme::Theme;
use super::{
    cross_entropy_pane, data_pane, footer, form, lesson_pane, likelihood_pane, overlays, qq_pane,
    sampling_pane, status_pane, step_pane, underflow_pane,
};
use crate::format::axis as short;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = Theme { color: app.color };
    if too_small(frame, area) {
        return;
    }
    let layout = screen(area, app.zoomed, app.focus);
    for (pane, rect) in &layout.panes {
        draw_pane(frame, *pane, *rect, app, theme);
    }
    if let Some(rect) = layout.lesson {
        lesson_pane::draw(frame, rect, app, theme);
    }
    if app.step_view {
        step_pane::draw(frame, layout.step, app, theme);
    }
    footer::draw(frame, layout.footer, app, theme);
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help => overlays::help(frame, area, theme),
        Overlay::Picker { items, selected } => {
            overlays::picker(frame, area, items, *selected, theme);
        }
        Overlay::Error(message) => overlays::error(frame, area, message, theme),
        Overlay::Edit(form) => form::draw(frame, area, form, theme),
    }
}

/// Where everything goes on a screen: the panes, the lesson beside the status, the step
/// view's place (over the middle row) and the footer. Drawing and the mouse both read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    /// Each pane shown and its rectangle.
    pub panes: Vec<(Pane, Rect)>,
    /// The lesson's box, beside the status pane (None when another pane is zoomed).
    pub lesson: Option<Rect>,
    /// Where the step view is drawn when it is on.
    pub step: Rect,
    /// The key-hint line at the bottom.
    pub footer: Rect,
}

/// Below the minimum size, a message instead of the panes (both explorers); true if shown.
pub fn too_small(frame: &mut Frame, area: Rect) -> bool {
    if area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT {
        return false;
    }
    let text = vec![
        Line::from("mlex needs a larger terminal"),
        Line::from(format!(
            "at least {MIN_WIDTH}×{MIN_HEIGHT}, now {}×{}",
            area.width, area.height
        )),
        Line::from("enlarge the window, or press q to quit"),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
    true
}

/// The layout of a screen of `area` (at least the minimum size).
#[must_use]
pub fn screen(area: Rect, zoomed: bool, focus: Pane) -> Screen {
    let [body, footer] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let beside_lesson = |status: Rect| -> (Rect, Rect) {
        let [s, l] =
            Layout::horizontal([Constraint::Percentage(64), Constraint::Fill(1)]).areas(status);
        (s, l)
    };
    if zoomed {
        let [_, lower] = Layout::vertical([Constraint::Fill(1); 2]).areas(body);
        let (panes, lesson) = if focus == Pane::Status {
            let (s, l) = beside_lesson(body);
            (vec![(Pane::Status, s)], Some(l))
        } else {
            (vec![(focus, body)], None)
        };
        return Screen { panes, lesson, step: lower, footer };
    }
    let status_height = match body.height {
        0..29 => 6,
        29..39 => 8,
        _ => 10,
    };
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(status_height),
    ])
    .areas(body);
    let [data, likelihood] = Layout::horizontal([Constraint::Fill(1); 2]).areas(top);
    let [cross, underflow] = Layout::horizontal([Constraint::Fill(1); 2]).areas(middle);
    let (status, lesson) = beside_lesson(bottom);
    Screen {
        panes: vec![
            (Pane::Data, data),
            (Pane::Likelihood, likelihood),
            (Pane::CrossEntropy, cross),
            (Pane::Underflow, underflow),
            (Pane::Status, status),
        ],
        lesson: Some(lesson),
        step: middle,
        footer,
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
    framed(pane, app.focus == pane, theme, detail, legend)
}

/// A pane's block, its title marked when `focused`, with a legend after the title.
#[must_use]
pub fn framed(
    pane: Pane,
    focused: bool,
    theme: Theme,
    detail: &str,
    legend: Vec<Span<'static>>,
) -> Block<'static> {
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
        Pane::Data if app.sampling.shown => sampling_pane::draw(frame, area, app, theme),
        Pane::Data => match app.data_show {
            DataShow::Histogram => data_pane::draw(frame, area, app, theme),
            DataShow::Qq => qq_pane::draw(frame, area, app, theme, true),
            DataShow::Pp => qq_pane::draw(frame, area, app, theme, false),
        },
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
