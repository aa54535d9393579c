//! The classification explorer's loop, the density loop's twin: draw, wait for an event (or
//! the frame timeout), apply the batch of keys, carry out the effects, tick with the work the
//! pacer allows (steps while running, surface cells while paused). Builds are carried out
//! in place, not on a worker: the explorer draws at most
//! [`super::class_run::MAX_CLASS_POINTS`] points, and a build there (sampling, Newton's MLE
//! search, the decomposition on fresh x) takes 65 ms for logistic regression and 0.3 s for
//! the network (benches/class_explorer.rs), against the density explorer's seconds at 10^6;
//! the surface, the costly part, fills a few cells a tick. Opening a density scenario from the picker leaves this loop with its
//! name, and `tui::run` opens it in the other explorer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event, KeyEventKind};

use super::action::Action;
use super::class_app::{ClassAnswer, ClassApp, ClassEffect};
use super::class_run::ClassRun;
use super::pace::Pacer;
use super::{class_view, keys};
use crate::scenario::{self, AnyScenario};

/// Frame interval while running.
const BUSY_FRAME: Duration = Duration::from_millis(16);
/// Poll timeout when idle.
const IDLE_FRAME: Duration = Duration::from_millis(250);
/// Most events taken in one go before the next frame.
const MAX_BATCH: usize = 256;

/// How the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leave {
    /// The user quit (or a signal came).
    Quit,
    /// The picker chose this density scenario.
    Density(String),
}

/// Carries out one effect in place: an action or answer for the app, or the density
/// scenario to leave for.
pub enum Done {
    /// An action for [`ClassApp::update`].
    Action(Action),
    /// An answer for [`ClassApp::answer`].
    Answer(ClassAnswer),
    /// Leave for the density explorer.
    Leave(String),
}

/// Carries out an effect: the only place the classification explorer reads scenarios.
#[must_use]
pub fn perform(effect: ClassEffect) -> Done {
    match effect {
        ClassEffect::ListScenarios => Done::Action(Action::Catalogue(super::effect::catalogue())),
        ClassEffect::Load(name) => match scenario::load_any(&name) {
            Ok(AnyScenario::Density(_)) => Done::Leave(name),
            Ok(AnyScenario::Classification(s)) => {
                let choices = ClassApp::choices_of(&s, None);
                let result = ClassRun::build(&choices)
                    .map(|run| Box::new((s, run)))
                    .map_err(|e| format!("{name}: {e}"));
                Done::Answer(ClassAnswer::Loaded(result))
            }
            Err(e) => Done::Answer(ClassAnswer::Loaded(Err(e.to_string()))),
        },
        ClassEffect::Build(choices) => {
            Done::Answer(ClassAnswer::Built(ClassRun::build(&choices).map(Box::new)))
        }
    }
}

/// Applies `action` and every effect it leads to, in place; Some(name) when it leads to a
/// density scenario.
pub fn apply(app: &mut ClassApp, action: Action) -> Option<String> {
    let mut pending = app.update(action);
    while !pending.is_empty() {
        match perform(pending.remove(0)) {
            Done::Action(a) => pending.extend(app.update(a)),
            Done::Answer(a) => app.answer(a),
            Done::Leave(name) => return Some(name),
        }
    }
    None
}

/// The loop; `next_event` is injected so tests can script the events.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut ClassApp,
    stop: &AtomicBool,
    mut next_event: impl FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> std::io::Result<Leave>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let size = terminal.size().map_err(std::io::Error::other)?;
    let _ = apply(app, Action::Resize(size.width, size.height));
    let mut pacer = Pacer::default();
    loop {
        terminal.draw(|frame| class_view::draw(frame, app)).map_err(std::io::Error::other)?;
        if app.quit || stop.load(Ordering::Relaxed) {
            return Ok(Leave::Quit);
        }
        let mut events = Vec::new();
        let busy = app.running || app.run.surface_pending();
        if let Some(first) = next_event(if busy { BUSY_FRAME } else { IDLE_FRAME })? {
            events.push(first);
            while events.len() < MAX_BATCH {
                match next_event(Duration::ZERO)? {
                    Some(more) => events.push(more),
                    None => break,
                }
            }
        }
        for event in events {
            match event {
                Event::Key(key) if key.kind == KeyEventKind::Press => {
                    let Some(action) = keys::action_for(key) else { continue };
                    if let Some(name) = apply(app, action) {
                        return Ok(Leave::Density(name));
                    }
                    pacer.reset();
                }
                Event::Resize(w, h) => {
                    terminal
                        .resize(ratatui::layout::Rect::new(0, 0, w, h))
                        .map_err(std::io::Error::other)?;
                    let _ = apply(app, Action::Resize(w, h));
                }
                _ => {}
            }
            if app.quit || stop.load(Ordering::Relaxed) {
                break;
            }
        }
        if app.quit || stop.load(Ordering::Relaxed) {
            continue;
        }
        let (was_running, filling) = (app.running, !app.running && app.run.surface_pending());
        let work = pacer.work(app.running.then(|| app.steps_per_second()));
        let clock = Instant::now();
        let _ = apply(app, Action::Tick(work));
        pacer.observe(
            clock.elapsed(),
            was_running && app.running && work.steps > 0 && pacer.saturated(work),
            filling && work.cells > 0 && app.run.surface_pending(),
        );
    }
}
