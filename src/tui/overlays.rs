//! What is drawn over the panes: the help (from the bindings table), the scenario picker
//! and error popups.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::describe::wrap;
use super::keys::help_lines;
use super::pane::PickerItem;
use super::theme::Theme;
use super::view::{centered, popup};

/// The key list: one column where it fits, else two side by side with the descriptions
/// wrapped, so it reads whole at 80×24.
pub fn help(frame: &mut Frame, area: Rect, theme: Theme) {
    let entries = help_lines();
    if entries.len() as u16 + 3 <= area.height {
        let lines: Vec<Line> = entries
            .into_iter()
            .map(|(k, h)| {
                Line::from(vec![
                    Span::styled(format!("{k:>12}  "), theme.title(false)),
                    Span::raw(h),
                ])
            })
            .collect();
        let h = lines.len() as u16 + 3;
        let inner = popup(frame, centered(area, 62, h), "keys — Esc or ? closes");
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let width = area.width.min(124);
    let column = usize::from(width.saturating_sub(3) / 2);
    let text_width = column.saturating_sub(13).max(8);
    let blocks: Vec<Vec<Line>> = entries
        .into_iter()
        .map(|(k, h)| {
            wrap(h, text_width, usize::MAX)
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let key = if i == 0 { format!("{k:>11}  ") } else { " ".repeat(13) };
                    Line::from(vec![Span::styled(key, theme.title(false)), Span::raw(part)])
                })
                .collect()
        })
        .collect();
    let total: usize = blocks.iter().map(Vec::len).sum();
    let mut left = Vec::new();
    let mut right = Vec::new();
    for block in blocks {
        if left.len() < total.div_ceil(2) {
            left.extend(block);
        } else {
            right.extend(block);
        }
    }
    let h = left.len().max(right.len()) as u16 + 2;
    let inner = popup(frame, centered(area, width, h), "keys — Esc or ? closes");
    let [l, r] = Layout::horizontal([Constraint::Fill(1); 2]).areas(inner);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
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
