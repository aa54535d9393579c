//! The classification explorer's screen: the same four panes and status as the density
//! explorer, laid out the same way, drawn from a [`ClassApp`]. It only reads.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

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
    if super::view::too_small(frame, area) {
        return;
    }
    // The density explorer's layout: four panes, status beside the lesson, a key-hint line.
    let layout = super::view::screen(area, app.zoomed, app.focus);
    for (pane, rect) in &layout.panes {
        draw_pane(frame, *pane, *rect, app, theme);
    }
    if let Some(rect) = layout.lesson {
        super::lesson_pane::draw_text(
            frame,
            rect,
            "Lesson",
            &app.lesson(),
            app.lesson_scroll,
            theme,
        );
    }
    frame.render_widget(
        Paragraph::new(ratatui::text::Span::styled(footer(app), theme.title(false))),
        layout.footer,
    );
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
        // The words are the message's (the line below), not repeated here.
        Some(r) => (format!("stopped ({})", r.name()), theme.warn()),
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
        // Most important first: small terminals show only the first lines.
        Line::from(format!("› {}", app.message)),
        Line::from(format!(
            "{} on m = {} (seed {}), truth {}: {}",
            model_label(c.model, c.loss),
            c.points,
            c.seed,
            c.truth.name,
            c.truth.description
        )),
        Line::from(format!("θ: {}", cut(&theta.join(", "), 400))),
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

/// The key-hint line: the keys that matter now.
fn footer(app: &ClassApp) -> &'static str {
    if app.overlay != Overlay::None {
        "Esc closes · q quits"
    } else if app.running {
        "r pause · < > pace · f fast-forward · q quit"
    } else {
        "space step · r run · m model · t truth · p presets · PgDn lesson · ? keys · q quit"
    }
}
