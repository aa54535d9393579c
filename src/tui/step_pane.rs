//! The step view (`x`), drawn over the middle row so the surface stays in sight: what the
//! optimiser did on its last step (Δθ, the event), the gradient at θ now, and the
//! optimiser's own state — momentum's velocity, Adam's moment estimates, Newton's Hessian
//! and what its line search did to the step. The gradient's direction is also drawn at θ on
//! the surface as an arrow ([`natural_direction`]).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::App;
use super::theme::Theme;
use crate::format::readable as fmt_num;
use crate::optim::Optimizer;
use crate::optim::fit::Event;
use crate::stats::model::Model as _;

/// The gradient at θ carried to the natural parameters, dθ = J ∇u (J = ∂θ/∂u): the direction
/// θ moves in under a small gradient step, which is what the arrow on the surface shows.
#[must_use]
pub fn natural_direction(app: &App) -> Vec<f64> {
    let cur = app.run.fit.current();
    let jac = app.run.objective().natural_jacobian(&cur.free);
    jac.iter().map(|row| row.iter().zip(&cur.gradient).map(|(j, g)| j * g).sum()).collect()
}

fn list(values: &[f64]) -> String {
    let shown: Vec<String> = values.iter().map(|v| fmt_num(*v)).collect();
    format!("[{}]", shown.join(", "))
}

/// The view's lines.
#[must_use]
pub fn lines(app: &App) -> Vec<String> {
    let fit = &app.run.fit;
    let names = app.run.model.param_names();
    let history = fit.history();
    let mut out = Vec::new();
    let last = history.last();
    let event = last.map_or("start", |r| r.event.name());
    out.push(format!("iteration {} · last event: {event}", fit.iteration()));
    match (history.len().checked_sub(2).map(|i| &history[i]), last) {
        (Some(before), Some(now)) => {
            let delta: Vec<String> = names
                .iter()
                .zip(now.params.iter().zip(&before.params))
                .map(|(n, (a, b))| format!("{n} {}", fmt_num(a - b)))
                .collect();
            let dl = now.log_likelihood - before.log_likelihood;
            out.push(format!("Δθ: {}   Δℓ = {}", delta.join(", "), fmt_num(dl)));
            if matches!(now.event, Event::Refused(_)) {
                out.push("the step was refused: θ stayed where it was".into());
            }
        }
        _ => out.push("Δθ: no step yet (space steps)".into()),
    }
    let cur = fit.current();
    out.push(format!(
        "∇(ℓ/m) at θ, free coordinates: {}   ‖∇‖ = {}",
        list(&cur.gradient),
        fmt_num(cur.gradient_norm)
    ));
    out.push(format!(
        "  the same direction in θ (J ∇, the arrow →): {}",
        list(&natural_direction(app))
    ));
    match fit.optimizer() {
        Optimizer::GradientAscent(o) => out.push(format!(
            "gradient ascent: u ← u + η∇ with η now {} (halved on a refusal, recovering after)",
            fmt_num(o.step_size())
        )),
        Optimizer::Momentum(o) => out.push(format!(
            "momentum: v ← μv + η∇, u ← u + v; velocity v = {} (μ = {}, η = {})",
            list(o.velocity()),
            fmt_num(app.session.settings.momentum),
            fmt_num(o.step_size())
        )),
        Optimizer::Adam(o) => {
            let (first, second, t) = o.moments();
            out.push(format!(
                "adam after {t} steps: first moment m = {}, second moment v = {}",
                list(first),
                list(second)
            ));
            out.push(format!(
                "  step per coordinate ≈ η m̂/(√v̂ + ε), η = {}",
                fmt_num(o.step_size())
            ));
        }
        Optimizer::Newton(o) => match o.last_step() {
            None => out.push("newton: no step yet".into()),
            Some(s) => {
                let rows: Vec<String> = s.hessian.iter().map(|r| list(r)).collect();
                out.push(format!(
                    "newton: Hessian of ℓ/m (free) at the step's start {}",
                    rows.join(" ")
                ));
                out.push(format!(
                    "  −H {}; line search: {}",
                    if s.curved {
                        "positive definite: the full Newton step d = (−H)⁻¹∇"
                    } else {
                        "not definite: shifted by τI towards the gradient"
                    },
                    match s.alpha {
                        None => "no step length ascended".to_string(),
                        Some(1.0) => "full step (α = 1)".to_string(),
                        Some(a) if a < 1.0 => format!("shortened the step to α = {}", fmt_num(a)),
                        Some(a) => format!("stretched the step to α = {}", fmt_num(a)),
                    }
                ));
            }
        },
    }
    out
}

/// Draws the view over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Last step — x hides ", theme.title(true)));
    let text: Vec<Line> = lines(app).into_iter().map(Line::from).collect();
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(block), area);
}
