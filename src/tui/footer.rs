//! The one-line footer: the keys that matter in the current context (an overlay or the form
//! open, running, paused, stopped at the step limit or at a maximum), so a newcomer always
//! sees what to press next.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::pane::Overlay;
use super::theme::Theme;
use crate::optim::fit::StopReason;

/// The footer's hints for the app as it is.
#[must_use]
pub fn hints(app: &App) -> String {
    match &app.overlay {
        Overlay::Help => return "Esc or ? closes the help · q quits".into(),
        Overlay::Picker { .. } => {
            return "↑↓ choose a scenario · Enter loads it · Esc closes".into();
        }
        Overlay::Error(_) => return "Esc closes · the current run is unchanged".into(),
        Overlay::Edit(_) => {
            return "type a value · ↑↓/Tab next field · Backspace erases · Enter applies · \
                    Esc cancels"
                .into();
        }
        Overlay::None => {}
    }
    if app.computing().is_some() {
        return "computing the new run… keys still work · q quits".into();
    }
    if app.running {
        return format!(
            "r pause · < > pace ({}) · f fast-forward · q quit · x step view · space one step",
            app.speed.label(app.played())
        );
    }
    match app.stop_reason() {
        Some(StopReason::StepLimit) => "step limit reached: r runs as many steps again · \
             M jumps to the MLE · 0 resets θ · : type values · o optimiser"
            .into(),
        Some(r) if r.converged() => "converged: 0 resets θ · : type values · n new sample · \
             m model · t truth · q quit · click the surface to start there"
            .into(),
        Some(_) => "stopped: 0 resets θ · o another optimiser · : type values (η, start) · \
             M jumps to the MLE · q quit"
            .into(),
        None => "space step · r run · : type values · x step view · ? keys · q quit · click \
             the surface to start there, wheel or { } zooms"
            .into(),
    }
}

/// Draws the footer.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let line = Line::from(Span::styled(hints(app), theme.title(false)));
    frame.render_widget(Paragraph::new(line), area);
}
