//! The interactive explorer: an Elm-shaped app (state, a pure `update(action)` that returns
//! effects, `view`) driven by a loop that polls for keys with a timeout, carries out the
//! effects (the only file I/O) or hands the long ones (building a run) to one worker thread,
//! and gives each tick a bounded amount of work sized from its clock and the chosen pace, so
//! a key is always answered within a frame.

pub mod action;
pub mod app;
mod both;
pub mod class_app;
mod class_data_pane;
mod class_entropy_pane;
mod class_likelihood_pane;
pub mod class_loop;
pub mod class_run;
pub mod class_view;
mod cross_entropy_pane;
mod data_pane;
pub mod derived;
pub mod describe;
pub mod effect;
pub mod export;
pub mod footer;
pub mod form;
pub mod how_sure;
pub mod intervals;
pub mod jobs;
pub mod keys;
mod lesson_pane;
pub mod likelihood_pane;
pub mod log_odds;
mod mouse;
mod overlays;
pub mod pace;
pub mod pane;
pub mod qq_pane;
mod rebuild;
pub mod run;
pub mod sampling;
mod sampling_pane;
pub mod series;
pub mod session;
pub mod simplex;
pub mod speed;
mod status_pane;
pub mod step_pane;
pub mod stepping;
pub mod sure_lines;
pub mod theme;
mod underflow_pane;
pub mod view;
pub mod worker;
mod zoom;

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    self, Event, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::error::InputError;
use crate::scenario;
use action::{Action, Work};
use app::App;
use class_app::ClassApp;
use effect::{Effect, apply};
use pace::Pacer;
use worker::Worker;

/// Frame interval while something is moving (running, or the surface filling in).
const BUSY_FRAME: Duration = Duration::from_millis(16);
/// Poll timeout while the surface fills in (and no steps are under way).
const FILL_FRAME: Duration = Duration::from_millis(1);
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
    let mut explorer = match scenario::load_any(name)? {
        scenario::AnyScenario::Density(s) => Explorer::Density(App::new(s, seed, color_wanted())?),
        scenario::AnyScenario::Classification(c) => {
            Explorer::Class(ClassApp::new(c, seed, color_wanted())?)
        }
    };
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if dumb || !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(InputError::new(format!(
            "the explorer needs an interactive terminal{}; for scripts and pipes use \
             `mlex run --scenario {name}` (same numbers, printed)",
            if dumb { " (TERM is dumb)" } else { "" }
        )));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let signals = [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        #[cfg(unix)]
        signal_hook::consts::SIGHUP,
    ];
    for signal in signals {
        // A signal only sets the flag; the loop then leaves and ratatui restores the terminal.
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| InputError::new(format!("cannot watch for signals: {e}")))?;
    }
    // Job control: SIGTSTP from outside (`kill -TSTP`), or Ctrl-Z, which raw mode delivers
    // as a key, suspends with the terminal restored.
    let suspend = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    signal_hook::flag::register(signal_hook::consts::SIGTSTP, Arc::clone(&suspend))
        .map_err(|e| InputError::new(format!("cannot watch for signals: {e}")))?;
    show_cursor_on_panic();
    #[cfg(unix)]
    watch_for_hangup(Arc::clone(&stop));
    let result = ratatui::run(|terminal| {
        // Mouse reports on; every way out below turns them off again (return, panic, signal,
        // suspend), or the shell would receive the mouse's escape sequences as typing.
        ratatui::crossterm::execute!(std::io::stdout(), event::EnableMouseCapture)?;
        let events = |timeout| {
            let event = if event::poll(timeout)? { Some(event::read()?) } else { None };
            let ctrl_z = matches!(&event, Some(Event::Key(k)) if k.code == KeyCode::Char('z')
                && k.modifiers.contains(KeyModifiers::CONTROL)
                && k.kind == KeyEventKind::Press);
            if ctrl_z || suspend.swap(false, Ordering::Relaxed) {
                suspend_process()?;
                // Back from `fg`: a resize makes the loop redraw the whole screen.
                let (w, h) = ratatui::crossterm::terminal::size()?;
                return Ok(Some(Event::Resize(w, h)));
            }
            Ok(event)
        };
        explore(terminal, &mut explorer, &stop, events)
    });
    // ratatui leaves the cursor hidden; show it again for the shell.
    release_mouse();
    show_cursor();
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("mlex: terminal error: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The explorer on screen: densities, or a classifier.
#[allow(clippy::large_enum_variant)] // one value for the whole session, never copied
enum Explorer {
    Density(App),
    Class(ClassApp),
}

/// Runs whichever explorer is open; a scenario of the other kind chosen in the picker opens
/// the other one (built here, in place: an error keeps the current explorer and says why).
fn explore<B: Backend>(
    terminal: &mut Terminal<B>,
    explorer: &mut Explorer,
    stop: &AtomicBool,
    mut events: impl FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> std::io::Result<()>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    loop {
        let next = match explorer {
            Explorer::Density(app) => {
                let Some(name) = run_loop_until(terminal, app, stop, &mut events)? else {
                    return Ok(());
                };
                match scenario::load_any(&name) {
                    Ok(scenario::AnyScenario::Classification(c)) => {
                        ClassApp::new(c, None, app.color).map(Explorer::Class)
                    }
                    Ok(scenario::AnyScenario::Density(_)) => continue,
                    Err(e) => Err(e),
                }
                .map_err(|e| app.overlay = pane::Overlay::Error(e.to_string()))
            }
            Explorer::Class(app) => match class_loop::run_loop(terminal, app, stop, &mut events)? {
                class_loop::Leave::Quit => return Ok(()),
                class_loop::Leave::Density(name) => scenario::load(&name)
                    .and_then(|s| App::new(s, None, app.color))
                    .map(Explorer::Density)
                    .map_err(|e| app.overlay = pane::Overlay::Error(e.to_string())),
            },
        };
        if let Ok(next) = next {
            *explorer = next;
        }
    }
}

/// Exit status when the terminal went away.
#[cfg(unix)]
const EXIT_HANGUP: i32 = 129;

/// How long a stop (a signal) may wait for the loop before the watcher ends the process.
#[cfg(unix)]
const STOP_GRACE: Duration = Duration::from_secs(1);

/// Watches, on a thread of its own, for the terminal going away and for a stop the loop does
/// not get to. crossterm's reader retries forever on a terminal whose other side has closed
/// (its read fails with EIO and it tries again), so once an ssh connection drops or a tmux
/// session is killed the loop never runs again: not for the hangup, not for SIGHUP or
/// SIGTERM. With no terminal there is nothing to restore, so the watcher exits at once; after
/// a signal it restores what it can first.
#[cfg(unix)]
fn watch_for_hangup(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut stopping_since: Option<std::time::Instant> = None;
        loop {
            std::thread::sleep(Duration::from_millis(100));
            if terminal_gone() {
                std::process::exit(EXIT_HANGUP);
            }
            if stop.load(Ordering::Relaxed) {
                let since = *stopping_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() >= STOP_GRACE {
                    let _ = ratatui::crossterm::terminal::disable_raw_mode();
                    let _ = ratatui::crossterm::execute!(
                        std::io::stdout(),
                        event::DisableMouseCapture,
                        ratatui::crossterm::terminal::LeaveAlternateScreen,
                        ratatui::crossterm::cursor::Show
                    );
                    std::process::exit(1);
                }
            }
        }
    });
}

/// Whether the terminal on standard input has hung up (its other side closed).
#[cfg(unix)]
fn terminal_gone() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use std::os::fd::AsFd as _;
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let now = Timespec { tv_sec: 0, tv_nsec: 0 };
    poll(&mut fds, Some(&now)).is_ok()
        && fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
}

/// Stops the process with the terminal as the shell expects it (main screen, cursor shown,
/// cooked input), and takes the terminal back when it continues.
fn suspend_process() -> std::io::Result<()> {
    use ratatui::crossterm::{cursor, execute, terminal};
    terminal::disable_raw_mode()?;
    execute!(
        std::io::stdout(),
        event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        cursor::Show
    )?;
    #[cfg(unix)]
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        cursor::Hide,
        event::EnableMouseCapture
    )?;
    Ok(())
}

fn show_cursor() {
    let _ = ratatui::crossterm::execute!(std::io::stdout(), ratatui::crossterm::cursor::Show);
}

fn release_mouse() {
    let _ = ratatui::crossterm::execute!(std::io::stdout(), event::DisableMouseCapture);
}

/// ratatui's panic hook (set up by `ratatui::run`) leaves raw mode and the alternate screen,
/// then calls the hook it found: this one, which turns the mouse reports off and shows the
/// cursor before the standard hook
/// prints the message, so the message lands on a usable screen.
fn show_cursor_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        show_cursor();
        previous(info);
    }));
}

/// Most events taken in one go before the next frame: a held key's repeats and a pasted
/// burst are read together, so a burst of resample keys asks for one build.
const MAX_BATCH: usize = 256;

/// The loop: draw, wait for an event (or the frame timeout), take every event already
/// queued, update, hand long effects to the worker, take its answers, tick. `next_event` is
/// injected so tests can script the events through this very loop.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    stop: &AtomicBool,
    next_event: impl FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> std::io::Result<()>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    run_loop_until(terminal, app, stop, next_event).map(|_| ())
}

/// [`run_loop`], left early with the name of a classification scenario the picker chose.
#[allow(clippy::too_many_lines)] // the one loop: input, work, answers, drawing, in order
pub fn run_loop_until<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    stop: &AtomicBool,
    mut next_event: impl FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> std::io::Result<Option<String>>
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
    let mut worker = Worker::default();
    // The sampling view's repeats have a worker of their own: on the builds' one, a batch
    // would cancel a build under way (the newest request wins there).
    let mut sampler = Worker::default();
    loop {
        terminal.draw(|frame| view::draw(frame, app)).map_err(std::io::Error::other)?;
        if app.quit || stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        assert!(
            !debug_panic,
            "MLEX_DEBUG_PANIC is set: a deliberate panic to test terminal restoration"
        );
        let busy = app.running
            || app.stepping()
            || app.run.trace_pending()
            || app.run.surface_pending()
            || worker.busy()
            || sampler.busy();
        // Filling the surface, the loop comes back for more cells as soon as a frame is
        // drawn (a key still ends the wait at once): at m = 10^6 a cell is a pass, and 16 ms
        // of waiting per few cells would stretch the fill many times over.
        let wait = if app.run.surface_pending() && !app.stepping() {
            FILL_FRAME
        } else if busy {
            BUSY_FRAME
        } else {
            IDLE_FRAME
        };
        let mut events = Vec::new();
        if let Some(first) = next_event(wait)? {
            events.push(first);
            while events.len() < MAX_BATCH {
                match next_event(Duration::ZERO)? {
                    Some(more) => events.push(more),
                    None => break,
                }
            }
        }
        let batch = Instant::now();
        for event in events {
            match event {
                Event::Key(key) if key.kind == KeyEventKind::Press => {
                    // In the form, characters are typed rather than bound.
                    let typing = matches!(app.overlay, pane::Overlay::Edit(_));
                    let action =
                        if typing { form::typing_action(key) } else { keys::action_for(key) };
                    let Some(action) = action else { continue };
                    // Held step keys: what does not fit in a frame is dropped, not queued.
                    if action == Action::Step && batch.elapsed() > STEP_BUDGET {
                        continue;
                    }
                    if let Some(name) = dispatch(app, action, &mut worker, &mut sampler) {
                        return Ok(Some(name));
                    }
                    pacer.reset();
                }
                Event::Mouse(mouse) => {
                    if let Some(action) = mouse_action(mouse) {
                        dispatch(app, action, &mut worker, &mut sampler);
                    }
                }
                Event::Resize(w, h) => {
                    // A full redraw: after a resize, or a return from the background, the
                    // screen may hold anything.
                    terminal
                        .resize(ratatui::layout::Rect::new(0, 0, w, h))
                        .map_err(std::io::Error::other)?;
                    apply(app, Action::Resize(w, h));
                }
                _ => {}
            }
            // Quitting is never kept waiting, by other keys or by work: one last frame (a
            // couple of milliseconds) and out.
            if app.quit || stop.load(Ordering::Relaxed) {
                break;
            }
        }
        if app.quit || stop.load(Ordering::Relaxed) {
            continue;
        }
        worker.pump();
        for answer in sampler.answers() {
            dispatch(app, answer, &mut worker, &mut sampler);
        }
        for answer in worker.answers() {
            if let Some(name) = dispatch(app, answer, &mut worker, &mut sampler) {
                return Ok(Some(name));
            }
            // A new run: its steps and cells cost something else entirely.
            pacer.reset();
        }
        worker.pump();
        let was_running = app.running && !app.offloads();
        let cells_before = app.run.surface.as_ref().map_or(0, |s| s.cells_done);
        let mut work = pacer.work(app.running.then(|| app.steps_per_second()));
        if worker.busy() {
            // The run on screen is about to be replaced: its surface, trace and steps wait
            // rather than compete with the build for the two cores (on this machine they
            // made a 0.3 s resample take 20 s).
            work = Work { steps: 0, cells: 0, points: 0 };
        }
        let clock = Instant::now();
        dispatch(app, Action::Tick(work), &mut worker, &mut sampler);
        let stepping = was_running && app.running;
        let cells_after = app.run.surface.as_ref().map_or(0, |s| s.cells_done);
        // Only a tick that was given the work and did it says what the work costs: an empty
        // one (a build under way, steps on the stepper) would teach the pacer that 2048
        // cells take no time. Steps on the stepper are not timed here at all.
        pacer.observe(
            clock.elapsed(),
            stepping && work.steps > 0 && pacer.saturated(work),
            !stepping && cells_after >= cells_before + work.cells && work.cells > 0,
        );
    }
}

/// The action for a mouse event: a left click, or a wheel notch (others do nothing).
#[must_use]
pub fn mouse_action(mouse: MouseEvent) -> Option<Action> {
    let (column, row) = (mouse.column, mouse.row);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { column, row }),
        MouseEventKind::ScrollUp => Some(Action::Wheel { column, row, closer: true }),
        MouseEventKind::ScrollDown => Some(Action::Wheel { column, row, closer: false }),
        _ => None,
    }
}

/// What a batch of held step keys may spend before the rest are dropped: about a frame.
const STEP_BUDGET: Duration = Duration::from_millis(12);

/// Applies an action: short effects are carried out here, long ones go to the worker (the
/// sampling view's batches to their own); a classification scenario to load is handed back
/// (Some(name)) for the other explorer.
fn dispatch(
    app: &mut App,
    action: Action,
    worker: &mut Worker,
    sampler: &mut Worker,
) -> Option<String> {
    let mut pending = app.update(action);
    while !pending.is_empty() {
        let effect = pending.remove(0);
        if let Effect::LoadScenario(name) = &effect
            && scenario::is_classification_name(name)
        {
            return Some(name.clone());
        }
        if matches!(effect, Effect::Sample(_)) {
            sampler.submit(effect);
        } else if effect.is_long() {
            worker.submit(effect);
        } else {
            pending.extend(app.update(effect::perform(effect)));
        }
    }
    None
}
