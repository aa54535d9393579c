//! The lesson box beside the status pane: the preset's lesson (or, once the setup is changed
//! away from the preset, the description of the setup now, `describe.rs`), wrapped to the
//! box and scrolled with PgUp / PgDn, its title saying when there is more.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::app::App;
use super::describe::{changed_from_preset, describe, wrap};
use super::theme::Theme;
use super::view::screen;

/// The box's title and its text: the generated description, or the preset's title and lesson
/// (borrowed, as two paragraphs: a lesson of a megabyte is not copied every frame).
fn text(app: &App) -> (&'static str, Vec<Cow<'_, str>>) {
    if changed_from_preset(app) {
        ("This setup (changed from the preset)", vec![Cow::Owned(describe(app))])
    } else {
        let s = &app.session.scenario;
        ("Lesson", vec![Cow::Borrowed(s.title.as_str()), Cow::Borrowed(s.lesson.as_str())])
    }
}

/// The lines of a box of `parts` from `scroll` on (at most `rows` + 1, to tell whether more
/// follow), `scroll` brought back within the text.
pub(super) fn visible_text(
    parts: &[Cow<'_, str>],
    width: u16,
    rows: u16,
    scroll: usize,
) -> (Vec<String>, usize, bool) {
    let rows = usize::from(rows);
    let limit = scroll + rows + 1;
    let mut lines = Vec::new();
    for part in parts {
        let room = limit.saturating_sub(lines.len());
        lines.extend(wrap(part, usize::from(width), room));
    }
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    let more = lines.len() > scroll + rows;
    (lines.into_iter().skip(scroll).take(rows).collect(), scroll, more)
}

/// Draws the box.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let (title, parts) = text(app);
    draw_text(frame, area, title, &parts, app.lesson_scroll, theme);
}

/// Draws a box of `parts` titled `title`, scrolled to `scroll` (the classification explorer's
/// lesson too).
pub(super) fn draw_text(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    parts: &[Cow<'_, str>],
    scroll: usize,
    theme: Theme,
) {
    let (w, h) = (area.width.saturating_sub(2), area.height.saturating_sub(2));
    let (lines, scroll, more) = visible_text(parts, w, h, scroll);
    let mut head = vec![Span::styled(format!(" {title} "), theme.title(false))];
    if scroll > 0 {
        head.push(Span::raw("↑ PgUp "));
    }
    let block = Block::default().borders(Borders::ALL).title(Line::from(head));
    let block = if more {
        block.title_bottom(Line::from(Span::styled(" more: PgDn ↓ ", theme.warn())))
    } else {
        block
    };
    let lines: Vec<Line> = lines.into_iter().map(Line::from).collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

impl App {
    /// PgDn / PgUp: the lesson a box's height less one line further on or back.
    pub(super) fn scroll_lesson(&mut self, down: bool) {
        let (w, h) = self.size;
        let layout = screen(Rect::new(0, 0, w, h), self.zoomed, self.focus);
        if let Some((scroll, message)) =
            scrolled(layout.lesson, &text(self).1, self.lesson_scroll, down)
        {
            (self.lesson_scroll, self.message) = (scroll, message);
        }
    }
}

/// A box's `parts` scrolled a page (its height less one line) on or back from `scroll` in
/// `rect`: the new first line and what to say; None without a box (another pane zoomed).
pub(super) fn scrolled(
    rect: Option<Rect>,
    parts: &[Cow<'_, str>],
    scroll: usize,
    down: bool,
) -> Option<(usize, String)> {
    let rect = rect?;
    let (w, h) = (rect.width.saturating_sub(2), rect.height.saturating_sub(2));
    let page = usize::from(h.saturating_sub(1)).max(1);
    let wanted = if down { scroll.saturating_add(page) } else { scroll.saturating_sub(page) };
    let (_, scroll, more) = visible_text(parts, w, h, wanted);
    Some((scroll, scrolled_to(down, more, scroll)))
}

/// What a scroll of the lesson says.
fn scrolled_to(down: bool, more: bool, scroll: usize) -> String {
    match (down, more) {
        (true, false) => "the end of the lesson (PgUp goes back)".into(),
        _ => format!("lesson from line {}", scroll + 1),
    }
}
