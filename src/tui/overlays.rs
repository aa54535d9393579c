//! What is drawn over the panes: the help (from the bindings table), the scenario picker
//! and error popups.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keys::help_lines;
use super::pane::PickerItem;
use super::theme::Theme;
use super::view::{centered, popup};

/// The key list.
pub fn help(frame: &mut Frame, area: Rect, theme: Theme) {
    let lines: Vec<Line> = help_lines()
        .into_iter()
        .map(|(k, h)| {
            Line::from(vec![Span::styled(format!("{k:>12}  "), theme.title(false)), Span::raw(h)])
        })
        .collect();
    let h = lines.len() as u16 + 3;
    let inner = popup(frame, centered(area, 62, h), "keys — Esc or ? closes");
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The scenario picker: names on the left, the highlighted one's title and lesson on the right.
pub fn picker(frame: &mut Frame, area: Rect, items: &[PickerItem], selected: usize, theme: Theme) {
    let inner =
        popup(frame, centered(area, 100, 22), "scenarios — ↑↓ choose, Enter loads, Esc closes");
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Fill(1)]).areas(inner);
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let style = if i == selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::from(Span::styled(item.name.clone(), style))
        })
        .collect();
    let scroll = selected.saturating_sub(usize::from(list.height.saturating_sub(1))) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), list);
    if let Some(item) = items.get(selected) {
        let text = vec![
            Line::from(Span::styled(item.title.clone(), theme.title(false))),
            Line::from(""),
            Line::from(item.lesson.replace('\n', " ")),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), detail);
    }
}

/// An error that changed nothing.
pub fn error(frame: &mut Frame, area: Rect, message: &str, theme: Theme) {
    let inner =
        popup(frame, centered(area, 80, 8), "error — Esc closes; the current run is unchanged");
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(message.to_string(), theme.warn())))
            .wrap(Wrap { trim: true }),
        inner,
    );
}
