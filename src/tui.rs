//! The interactive explorer: an Elm-shaped app (state, a pure `update(action)` that returns
//! effects, `view`) driven by a single-threaded loop that polls for keys with a timeout,
//! carries out the effects (the only file I/O), and gives each tick a bounded amount of work
//! sized from its clock, so a key is always answered within a frame.

pub mod action;
pub mod app;
mod cross_entropy_pane;
mod data_pane;
pub mod derived;
pub mod effect;
pub mod export;
pub mod jobs;
pub mod keys;
mod likelihood_pane;
mod overlays;
pub mod pace;
pub mod pane;
pub mod run;
pub mod session;
mod status_pane;
pub mod theme;
mod underflow_pane;
pub mod view;

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use crate::error::InputError;
use crate::scenario;
use action::Action;
use app::App;
use effect::apply;
use pace::Pacer;

/// Frame interval while something is moving (running, or the surface filling in).
const BUSY_FRAME: Duration = Duration::from_millis(16);
/// Poll timeout when idle: nothing changes until a key arrives.
const IDLE_FRAME: Duration = Duration::from_millis(250);

/// Whether colour is wanted: the NO_COLOR convention (set and non-empty turns it off).
#[must_use]
pub fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `mlex` / `mlex tui`: loads everything first (errors print on a normal screen), then
/// runs the explorer until the user quits or a signal arrives.
pub fn run(scenario_name: Option<&str>, seed: Option<u64>) -> Result<ExitCode, InputError> {
    let name = scenario_name.unwrap_or(scenario::DEFAULT_PRESET);
    let loaded = scenario::load(name)?;
    let mut app = App::new(loaded, seed, color_wanted())?;
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if dumb || !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(InputError::new(format!(
            "the explorer needs an interactive terminal{}; for scripts and pipes use \
             `mlex run --scenario {name}` (same numbers, printed)",
            if dumb { " (TERM is dumb)" } else { "" }
        )));
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in
        [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT, signal_hook::consts::SIGHUP]
    {
        // A signal only sets the flag; the loop then leaves and ratatui restores the terminal.
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| InputError::new(format!("cannot watch for signals: {e}")))?;
    }
    show_cursor_on_panic();
    let result = ratatui::run(|terminal| {
        run_loop(terminal, &mut app, &stop, |timeout| {
            if event::poll(timeout)? { event::read().map(Some) } else { Ok(None) }
        })
    });
    // ratatui leaves the cursor hidden; show it again for the shell.
    show_cursor();
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("mlex: terminal error: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn show_cursor() {
    let _ = ratatui::crossterm::execute!(std::io::stdout(), ratatui::crossterm::cursor::Show);
}

/// ratatui's panic hook (set up by `ratatui::run`) leaves raw mode and the alternate screen,
/// then calls the hook it found: this one, which shows the cursor before the standard hook
/// prints the message, so the message lands on a usable screen.
fn show_cursor_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        show_cursor();
        previous(info);
    }));
}

/// The loop: draw, wait for an event (or the frame timeout), update, tick. `next_event`
/// is injected so tests can script the events through this very loop.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    stop: &AtomicBool,
    mut next_event: impl FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> std::io::Result<()>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let size = terminal.size().map_err(std::io::Error::other)?;
    apply(app, Action::Resize(size.width, size.height));
    // Fault injection for tests, not a user feature (so not in --help or the README):
    // MLEX_DEBUG_PANIC makes the loop panic after the first frame, which lets
    // tests/tui_e2e.rs prove on the release binary that a panic restores the terminal.
    let debug_panic = std::env::var_os("MLEX_DEBUG_PANIC").is_some_and(|v| !v.is_empty());
    let mut pacer = Pacer::default();
    loop {
        terminal.draw(|frame| view::draw(frame, app)).map_err(std::io::Error::other)?;
        if app.quit || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        assert!(
            !debug_panic,
            "MLEX_DEBUG_PANIC is set: a deliberate panic to test terminal restoration"
        );
        let busy = app.running || app.run.trace_pending() || app.run.surface_pending();
        match next_event(if busy { BUSY_FRAME } else { IDLE_FRAME })? {
            Some(Event::Key(key)) if key.kind == KeyEventKind::Press => {
                if let Some(action) = keys::action_for(key) {
                    apply(app, action);
                    pacer.reset();
                }
            }
            Some(Event::Resize(w, h)) => apply(app, Action::Resize(w, h)),
            _ => {}
        }
        let (was_running, filling) = (app.running, !app.running && app.run.surface_pending());
        let clock = Instant::now();
        apply(app, Action::Tick(pacer.work()));
        let (stepping, filling) =
            (was_running && app.running, filling && app.run.surface_pending());
        pacer.observe(clock.elapsed(), stepping, filling);
    }
}
