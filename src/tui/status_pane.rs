//! The status pane: θ, the gradient and its norm, the optimiser and step size, the
//! iteration, sample size, seed, convergence and the last event (the lesson has its own box
//! beside it, `lesson_pane.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::App;
use super::pane::Pane;
use super::run::boundary_label;
use super::sure_lines;
use super::theme::Theme;
use super::view::pane_block;
use crate::format::readable as fmt_num;

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let run = &app.run;
    let cur = run.fit.current();
    let names = run.model.param_names();
    let theta: Vec<String> =
        names.iter().zip(&cur.natural).map(|(n, v)| format!("{n} = {}", fmt_num(*v))).collect();
    let mle: Vec<String> =
        names.iter().zip(&run.mle).map(|(n, v)| format!("{n} = {}", fmt_num(*v))).collect();
    let gradient: Vec<String> = cur.gradient.iter().map(|g| fmt_num(*g)).collect();
    let (state, style) = match app.stop_reason() {
        Some(r) if r.converged() => (format!("converged ({})", r.name()), theme.good()),
        Some(r) => match boundary_label(run.model.as_ref(), &run.fit, r) {
            Some(label) => (format!("at the boundary: {label}"), theme.warn()),
            None => (format!("not converged ({})", r.name()), theme.warn()),
        },
        None => ("not converged".to_string(), theme.warn()),
    };
    let truth = app.session.truth.as_ref().map_or_else(
        || "data file".to_string(),
        |(k, shape, p)| {
            let names = k.build(*shape).param_names();
            let named: Vec<String> = if names.len() == p.len() {
                names.iter().zip(p).map(|(n, v)| format!("{n} = {}", fmt_num(*v))).collect()
            } else {
                p.iter().map(|v| fmt_num(*v)).collect()
            };
            format!("truth {k} {}", named.join(", "))
        },
    );
    // Most important first: small terminals show only the first lines.
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("iteration {}", run.fit.iteration()), theme.title(false)),
            Span::raw(" · "),
            Span::styled(state, style),
            Span::raw(format!(
                " · {} · {}{} · refused {}{}",
                if app.fast_forward {
                    "fast-forward".to_string()
                } else if app.running {
                    format!("running ({})", app.speed.label(app.played()))
                } else {
                    "paused".to_string()
                },
                app.session.settings.kind,
                // Newton's steps are set by its line search: it has no η to show.
                run.fit.optimizer().step_size().map_or_else(
                    || " (line search)".to_string(),
                    |eta| format!(" η={}", fmt_num(eta))
                ),
                run.fit.refusals(),
                filling(app),
            )),
        ]),
        Line::from(format!(
            "θ: {}   ({} {})",
            theta.join(", "),
            match (&run.mle_boundary, run.mle_converged) {
                (_, true) => "MLE".to_string(),
                (Some(b), false) => format!("no MLE, {b}; Newton's best"),
                (None, false) => "MLE not reached; Newton's best".to_string(),
            },
            mle.join(", ")
        )),
        Line::from(match app.computing() {
            Some(what) => Span::styled(format!("{what} (keys still work; q quits)"), theme.warn()),
            None => Span::styled(app.message.clone(), theme.model()),
        }),
    ];
    // How sure the fit is, at the MLE: what this pane is read for once the fit is done.
    lines.extend(sure_lines::lines(&run.how_sure).into_iter().map(Line::from));
    if let Some(line) = pseudo_true_line(run) {
        lines.push(Line::from(line));
    }
    lines.extend([
        Line::from(format!(
            "∇(ℓ/m): [{}]  ‖∇‖ = {}",
            gradient.join(", "),
            fmt_num(cur.gradient_norm)
        )),
        Line::from(format!("m = {} · seed {} · {truth}", run.sample.len(), app.session.seed)),
    ]);
    let block = pane_block(Pane::Status, app, theme, &app.session.scenario.name);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
}

/// The progressive work under way at a large m, which takes more than a frame: the
/// surface filling in, or the product of densities traced at a new θ.
fn filling(app: &App) -> String {
    // While a build is under way the old run's work waits (see the loop): nothing fills.
    if app.run.sample.len() < 100_000 || app.computing().is_some() {
        return String::new();
    }
    match &app.run.surface {
        Some(s) if !s.complete() => {
            format!(" · filling the surface: {}", super::likelihood_pane::fill_words(s))
        }
        _ if app.run.trace_pending() => " · tracing the product".into(),
        _ => String::new(),
    }
}

/// "θ* = argmin D(p‖q): …", where θ̂ tends as m grows: the truth's own parameters when the
/// model's family holds it, else the best the model can do; or why there is none.
fn pseudo_true_line(run: &super::run::Run) -> Option<String> {
    let truth = run.truth.as_ref()?;
    Some(match run.pseudo_true.as_ref()? {
        Ok(star) => {
            let names = run.model.param_names();
            let named: Vec<String> =
                names.iter().zip(star).map(|(n, v)| format!("{n} = {}", fmt_num(*v))).collect();
            let whose = if truth.family().kind() == run.model.kind() {
                "the truth: the model holds it"
            } else {
                "where θ̂ tends as m grows"
            };
            format!("θ* = argmin D(p‖q_θ) ({whose}): {}", named.join(", "))
        }
        Err(why) => format!("no θ* = argmin D(p‖q_θ): {why}"),
    })
}
