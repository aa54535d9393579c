//! The classification explorer's screen: the same four panes and status as the density
//! explorer, laid out the same way, drawn from a [`ClassApp`]. It only reads.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{MIN_HEIGHT, MIN_WIDTH};
use super::class_app::{ClassApp, model_label};
use super::pane::{Overlay, Pane};
use super::theme::Theme;
use super::view::framed;
use super::{class_data_pane, class_entropy_pane, class_likelihood_pane, overlays, underflow_pane};
use crate::format::readable as fmt_num;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &ClassApp) {
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
        Overlay::Help => overlays::help(frame, area, theme),
        Overlay::Picker { items, selected } => {
            overlays::picker(frame, area, items, *selected, theme);
        }
        Overlay::Error(message) => overlays::error(frame, area, message, theme),
        // The form edits a density run's fields; a classification run does not open it.
        Overlay::None | Overlay::Edit(_) => {}
    }
}

fn draw_pane(frame: &mut Frame, pane: Pane, area: Rect, app: &ClassApp, theme: Theme) {
    let focused = app.focus == pane;
    match pane {
        Pane::Data => class_data_pane::draw(frame, area, app, focused, theme),
        Pane::Likelihood => class_likelihood_pane::draw(frame, area, app, focused, theme),
        Pane::CrossEntropy => class_entropy_pane::draw(frame, area, app, focused, theme),
        Pane::Underflow => {
            let run = &app.run;
            let log_m = run.points.len() > 10_000;
            underflow_pane::draw_trace(
                frame,
                area,
                focused,
                &run.trace,
                &run.trace_curves,
                log_m,
                theme,
            );
        }
        Pane::Status => status(frame, area, app, focused, theme),
    }
}

/// The numbers: model, truth, optimiser, θ, the stop, the last message, the lesson.
fn status(frame: &mut Frame, area: Rect, app: &ClassApp, focused: bool, theme: Theme) {
    let run = &app.run;
    let c = &run.choices;
    let cur = run.fit.current();
    let names = run.param_names();
    let theta: Vec<String> =
        names.iter().zip(&cur.natural).map(|(n, v)| format!("{n} = {}", fmt_num(*v))).collect();
    let stop = run.fit.verdict();
    let (state, style) = match stop {
        Some(r) if r.converged() => (format!("converged ({})", r.name()), theme.good()),
        Some(r) => (format!("stopped: {}", app.stop_text(r)), theme.warn()),
        None if app.running => ("running".to_string(), theme.good()),
        None => ("not converged".to_string(), theme.warn()),
    };
    let eta = if c.settings.kind == crate::optim::OptimizerKind::Newton {
        String::new()
    } else {
        format!(", η = {}", fmt_num(c.settings.step_size))
    };
    let lines = vec![
        Line::from(vec![
            ratatui::text::Span::styled(state, style),
            ratatui::text::Span::raw(format!(
                "  iteration {}, {}{eta}, pace {}",
                run.fit.iteration(),
                c.settings.kind,
                app.speed.label(app.played())
            )),
        ]),
        Line::from(format!(
            "{} on m = {} (seed {}), truth {}: {}",
            model_label(c.model, c.loss),
            c.points,
            c.seed,
            c.truth.name,
            c.truth.description
        )),
        Line::from(format!("θ: {}", cut(&theta.join(", "), 400))),
        Line::from(format!("› {}", app.message)),
        Line::from(app.scenario.lesson.clone()),
    ];
    let block = framed(Pane::Status, focused, theme, &app.scenario.title, Vec::new());
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), area);
}

/// At most `n` characters, an ellipsis marking the cut.
fn cut(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(n).collect();
        s.push('…');
        s
    }
}
