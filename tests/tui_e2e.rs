//! The real binary in a pseudo-terminal, read through a terminal emulator: it starts, steps
//! with keys, shows the panes, quits (by q, Ctrl-C, SIGTERM, SIGINT, or a panic; not by Esc) and
//! leaves the terminal as it found it: main screen, cursor visible, raw mode off. Also the
//! environment around it: NO_COLOR, TERM=dumb, no terminal, a huge title, a path that is
//! not UTF-8.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long to wait for the screen to show something before failing.
const PATIENCE: Duration = Duration::from_secs(20);
const ROWS: u16 = 30;
const COLS: u16 = 100;

struct Session {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the child wrote, to check the order of what it printed.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::start_in(Path::new(env!("CARGO_MANIFEST_DIR")), env!("CARGO_BIN_EXE_mlex"), args, env)
    }

    fn start_in(cwd: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn mlex");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let rows = NonZeroU16::new(ROWS).expect("rows");
        let cols = NonZeroU16::new(COLS).expect("cols");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (sink, raw_sink) = (Arc::clone(&screen), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("parser").process(&buf[..n]);
                raw_sink.lock().expect("raw").extend_from_slice(&buf[..n]);
            }
        });
        Self { child, master: pair.master, writer, screen, raw }
    }

    fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("parser").screen().contents()
    }

    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the screen never showed {text:?}; it shows:\n{}", self.contents());
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write key");
        self.writer.flush().expect("flush");
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Let the reader thread take the last bytes (the restore sequences).
                std::thread::sleep(Duration::from_millis(200));
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("mlex did not exit; the screen shows:\n{}", self.contents());
    }

    fn assert_terminal_restored(&self) {
        let parser = self.screen.lock().expect("parser");
        assert!(!parser.screen().alternate_screen(), "still on the alternate screen");
        assert!(!parser.screen().hide_cursor(), "the cursor is still hidden");
        drop(parser);
        let termios = self.master.get_termios().expect("termios of the pty");
        assert!(
            termios.local_flags.contains(
                nix::sys::termios::LocalFlags::ICANON | nix::sys::termios::LocalFlags::ECHO
            ),
            "raw mode is still on: {:?}",
            termios.local_flags
        );
    }

    fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(self.child.process_id().expect("pid") as i32)
    }
}

fn started() -> Session {
    let s = Session::start(&[], &[]);
    s.wait_for("iteration 0");
    s
}

#[test]
fn starts_steps_shows_the_panes_and_quits_with_q() {
    let mut s = started();
    for title in ["Data and fit", "Likelihood", "Cross-entropy", "Underflow", "Status"] {
        s.wait_for(title);
    }
    s.send(b" ");
    s.wait_for("iteration 1");
    s.send(b" ");
    s.wait_for("iteration 2");
    s.send(b"?");
    s.wait_for("keys — Esc or ? closes");
    s.send(b"?");
    s.send(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

/// Esc closes overlays; on the main screen it only says how to quit (a stray Esc used to
/// end the sitting).
#[test]
fn escape_does_not_quit_and_q_does() {
    let mut s = started();
    s.send(b"?");
    s.wait_for("keys — Esc or ? closes");
    s.send(b"\x1b");
    let start = Instant::now();
    while s.contents().contains("keys — Esc") {
        assert!(start.elapsed() < PATIENCE, "Esc did not close the help");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Two Esc bytes at once would read as one Alt-Esc: the second comes on its own.
    s.send(b"\x1b");
    s.wait_for("Esc closes overlays; q or Ctrl-C quits");
    assert!(s.child.try_wait().expect("wait").is_none(), "Esc quit");
    s.send(b"q");
    assert!(s.wait_exit().success());
    s.assert_terminal_restored();
}

#[test]
fn ctrl_c_quits_cleanly() {
    let mut s = started();
    s.send(b"\x03");
    assert!(s.wait_exit().success());
    s.assert_terminal_restored();
}

#[test]
fn sigterm_and_sigint_restore_the_terminal() {
    for signal in [nix::sys::signal::Signal::SIGTERM, nix::sys::signal::Signal::SIGINT] {
        let mut s = started();
        nix::sys::signal::kill(s.pid(), signal).expect("signal");
        s.wait_exit();
        s.assert_terminal_restored();
    }
}

#[test]
fn running_answers_keys_and_converges() {
    let mut s = started();
    s.send(b"r");
    s.wait_for("converged (gradient_tolerance)");
    s.send(b"q");
    assert!(s.wait_exit().success());
    s.assert_terminal_restored();
}

#[test]
fn without_a_terminal_it_says_to_use_run() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlex"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run mlex");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs an interactive terminal") && err.contains("mlex run --scenario"),
        "{err}"
    );
}

#[test]
fn a_bad_scenario_prints_on_a_normal_screen_and_exits_2() {
    let mut s = Session::start(&["tui", "--scenario", "no-such-preset"], &[]);
    s.wait_for("no preset or file named 'no-such-preset'");
    let status = s.wait_exit();
    assert_eq!(status.exit_code(), 2);
    s.assert_terminal_restored();
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_panic_restores_the_terminal_then_prints_the_message_and_exits_101() {
    let mut s = Session::start(&[], &[("MLEX_DEBUG_PANIC", "1")]);
    let status = s.wait_exit();
    assert_eq!(status.exit_code(), 101, "{status:?}");
    s.assert_terminal_restored();
    let raw = s.raw();
    let left = find(&raw, b"\x1b[?1049l").expect("the alternate screen was never left");
    let shown = find(&raw, b"\x1b[?25h").expect("the cursor was never shown again");
    let message = find(&raw, b"MLEX_DEBUG_PANIC is set").expect("no panic message");
    assert!(left < message && shown < message, "the message came before the restore");
    // Printed after raw mode ended, each line of the message starts at the left edge.
    let contents = s.contents();
    assert!(
        contents.lines().any(|l| l.starts_with("MLEX_DEBUG_PANIC is set")),
        "the message is not on the main screen, or raw mode mangled it:\n{contents}"
    );
}

/// Cells whose foreground or background is not the terminal's own.
fn coloured_cells(s: &Session) -> usize {
    let parser = s.screen.lock().expect("parser");
    let screen = parser.screen();
    let mut n = 0;
    for row in 0..ROWS {
        for col in 0..COLS {
            if let Some(cell) = screen.cell(row, col)
                && (cell.fgcolor() != vt100::Color::Default
                    || cell.bgcolor() != vt100::Color::Default)
            {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn no_color_leaves_every_cell_uncoloured_and_an_empty_one_does_not() {
    for (value, want_colour) in [("1", false), ("", true)] {
        let mut s = Session::start(&[], &[("NO_COLOR", value)]);
        s.wait_for("iteration 0");
        s.send(b" ");
        s.wait_for("iteration 1");
        s.send(b"?");
        s.wait_for("keys — Esc or ? closes");
        let n = coloured_cells(&s);
        s.send(b"q");
        assert!(s.wait_exit().success());
        if want_colour {
            assert!(n > 100, "NO_COLOR={value:?} must keep colour (the convention), {n} cells");
        } else {
            assert_eq!(n, 0, "NO_COLOR={value:?} left {n} coloured cells");
        }
    }
}

#[test]
fn term_dumb_says_to_use_run_and_leaves_the_terminal_alone() {
    let mut s = Session::start(&[], &[("TERM", "dumb")]);
    s.wait_for("(TERM is dumb)");
    assert_eq!(s.wait_exit().exit_code(), 2);
    assert!(find(&s.raw(), b"\x1b[?1049h").is_none(), "entered the alternate screen");
    s.assert_terminal_restored();
    assert!(s.contents().contains("mlex run --scenario normal-basics"), "{}", s.contents());
}

#[test]
fn output_to_a_file_says_to_use_run_even_on_a_terminal() {
    // Keys come from the terminal but the screen would go to a file: no explorer.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.txt");
    let out = out.to_str().expect("UTF-8 temp path");
    let exe = env!("CARGO_BIN_EXE_mlex");
    let mut s = Session::start_in(dir.path(), "sh", &["-c", "\"$0\" tui > \"$1\"", exe, out], &[]);
    s.wait_for("needs an interactive terminal");
    assert_eq!(s.wait_exit().exit_code(), 2);
    s.assert_terminal_restored();
    assert_eq!(std::fs::read(out).expect("output file"), b"", "drew into the file");
}

/// A scenario whose title and lesson are 10 000 characters each.
fn long_scenario(dir: &Path) -> String {
    let long = "Long title ".repeat(1000);
    std::fs::create_dir_all(dir.join("scenarios")).expect("scenarios dir");
    std::fs::write(
        dir.join("scenarios/long.toml"),
        format!(
            "title = \"{long}\"\nlesson = \"{long}\"\nsample_size = 80\n[truth]\n\
             family = \"normal\"\nparams = {{ mu = 1.0, sigma = 2.0 }}\n[model]\n\
             family = \"normal\"\n"
        ),
    )
    .expect("write long.toml");
    "scenarios/long.toml".into()
}

/// The frame of the screen is whole: all panes titled, corners where they belong.
fn assert_layout_whole(s: &Session) {
    let contents = s.contents();
    for title in ["Data and fit", "Likelihood", "Cross-entropy", "Underflow", "Status"] {
        assert!(contents.contains(title), "{title} missing:\n{contents}");
    }
    let parser = s.screen.lock().expect("parser");
    let corner = |r, c| parser.screen().cell(r, c).map(|c| c.contents().to_string());
    assert_eq!(corner(0, 0).as_deref(), Some("┌"), "{contents}");
    // The last row is the footer of key hints; the panes end just above it.
    assert_eq!(corner(ROWS - 2, COLS - 1).as_deref(), Some("┘"), "{contents}");
    assert!(contents.lines().last().is_some_and(|l| l.contains("q quit")), "{contents}");
}

#[test]
fn a_ten_thousand_character_title_loads_from_the_command_line_and_the_picker() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = long_scenario(dir.path());
    let exe = env!("CARGO_BIN_EXE_mlex");
    let mut s = Session::start_in(dir.path(), exe, &["tui", "--scenario", &path], &[]);
    s.wait_for("iteration 0");
    s.wait_for("Long title Long title");
    assert_layout_whole(&s);
    s.send(b" ");
    s.wait_for("iteration 1");
    // The picker lists ./scenarios/long.toml, highlighted as the one loaded: Enter reloads it.
    s.send(b"p");
    s.wait_for("scenarios — ↑↓ choose");
    s.wait_for("scenarios/long.toml");
    s.send(b"\r");
    s.wait_for("iteration 0");
    assert_layout_whole(&s);
    s.send(b"z");
    s.send(b"\t");
    s.send(b"q");
    assert!(s.wait_exit().success(), "{}", s.contents());
    s.assert_terminal_restored();
}

/// A path in a temporary folder whose name is not UTF-8 (byte 0xFF).
#[cfg(unix)]
fn non_utf8(dir: &Path, stem: &[u8], ext: &str) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt as _;
    let mut name = stem.to_vec();
    name.push(0xFF);
    name.extend_from_slice(ext.as_bytes());
    dir.join(std::ffi::OsStr::from_bytes(&name))
}

/// Runs the binary and returns (status, stderr).
fn mlex(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlex"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run mlex");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[cfg(unix)]
#[test]
fn a_scenario_path_that_is_not_utf8_is_named_and_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = non_utf8(dir.path(), b"scen", ".toml");
    std::fs::write(&path, "title = \"t\"\n").expect("write");
    let shown = path.to_string_lossy().into_owned();
    for cmd in ["tui", "run"] {
        let (code, err) = mlex(&[cmd.as_ref(), "--scenario".as_ref(), path.as_os_str()]);
        assert_eq!(code, Some(2), "{cmd}: {err}");
        assert!(err.contains(&shown) && err.contains("not valid UTF-8"), "{cmd}: {err}");
        assert!(!err.contains("panicked"), "{cmd}: {err}");
    }
    let (code, err) = mlex(&["check".as_ref(), path.as_os_str()]);
    assert_eq!(code, Some(2), "check: {err}");
    assert!(err.contains(&shown), "check: {err}");
}

#[cfg(unix)]
#[test]
fn a_data_path_that_is_not_utf8_is_read_or_named_and_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fit = |path: &Path| {
        mlex(&[
            "fit".as_ref(),
            "--model".as_ref(),
            "normal".as_ref(),
            "--data".as_ref(),
            path.as_os_str(),
        ])
    };
    // A good file under such a name is simply read: the name is the OS's business.
    let good = non_utf8(dir.path(), b"good", ".txt");
    std::fs::write(&good, "1\n2\n4\n").expect("write");
    let (code, err) = fit(&good);
    assert_eq!(code, Some(0), "{err}");
    for (stem, content, says) in
        [(&b"missing"[..], None, "cannot read"), (&b"bad"[..], Some("1\nabc\n"), ":2")]
    {
        let path = non_utf8(dir.path(), stem, ".txt");
        if let Some(c) = content {
            std::fs::write(&path, c).expect("write");
        }
        let (code, err) = fit(&path);
        assert_eq!(code, Some(2), "{err}");
        let shown = path.to_string_lossy().into_owned();
        assert!(err.contains(&shown) && err.contains(says), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn shrinking_to_nothing_and_back_redraws_and_quits_cleanly() {
    let mut s = started();
    for (rows, cols) in [(5, 20), (1, 1), (3, 200), (ROWS, COLS)] {
        s.master
            .resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("resize the pty");
        let size = |n| NonZeroU16::new(n).expect("non-zero size");
        s.screen.lock().expect("parser").set_size(size(rows), size(cols));
        // Below 60×20 a message replaces the panes (on a 1×1 screen nothing fits).
        if rows >= 20 && cols >= 60 {
            s.wait_for("Status");
        } else if cols >= 20 {
            s.wait_for("larger");
        }
        s.send(b" ");
    }
    s.wait_for("iteration 4");
    s.send(b"q");
    assert!(s.wait_exit().success());
    s.assert_terminal_restored();
}

#[test]
fn sighup_restores_the_terminal() {
    let mut s = started();
    nix::sys::signal::kill(s.pid(), nix::sys::signal::Signal::SIGHUP).expect("signal");
    s.wait_exit();
    s.assert_terminal_restored();
}

/// The terminal goes away (an ssh connection drops, a tmux session is killed): its master
/// side closes. mlex must exit at once, not spin on a terminal that is gone.
#[test]
fn closing_the_terminal_ends_mlex() {
    let pair = native_pty_system()
        .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mlex"));
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).expect("spawn mlex");
    drop(pair.slave);
    // Read what it draws for a while, so it is in its loop, then close every master handle.
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let drawn = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(1500) {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&seen).contains("iteration 0") {
                break;
            }
        }
        seen.len()
    });
    assert!(drawn.join().expect("reader") > 0, "mlex drew nothing");
    drop(pair.master);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if child.try_wait().expect("wait").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("mlex still runs 5 s after its terminal closed");
}

/// Job control: SIGTSTP (what a shell's Ctrl-Z sends) stops mlex with the terminal restored
/// for the shell; SIGCONT (`fg`) takes it back and redraws.
#[test]
fn a_stop_restores_the_terminal_and_a_continue_redraws() {
    use nix::sys::signal::{Signal, kill};
    let mut s = started();
    kill(s.pid(), Signal::SIGTSTP).expect("SIGTSTP");
    let start = Instant::now();
    loop {
        let alternate = s.screen.lock().expect("parser").screen().alternate_screen();
        if !alternate {
            break;
        }
        assert!(start.elapsed() < PATIENCE, "still on the alternate screen after SIGTSTP");
        std::thread::sleep(Duration::from_millis(50));
    }
    s.assert_terminal_restored();
    kill(s.pid(), Signal::SIGCONT).expect("SIGCONT");
    let start = Instant::now();
    while !s.screen.lock().expect("parser").screen().alternate_screen() {
        assert!(start.elapsed() < PATIENCE, "not back on the alternate screen after SIGCONT");
        std::thread::sleep(Duration::from_millis(50));
    }
    s.wait_for("iteration 0");
    s.send(b" ");
    s.wait_for("iteration 1");
    s.send(b"q");
    s.wait_exit();
    s.assert_terminal_restored();
}

/// The row and column (0-based) where `needle` first shows on the screen.
fn locate(s: &Session, needle: char, within: std::ops::Range<u16>) -> Option<(u16, u16)> {
    let parser = s.screen.lock().expect("parser");
    let screen = parser.screen();
    for row in within {
        for col in COLS / 2..COLS {
            if screen.cell(row, col).is_some_and(|c| c.contents().starts_with(needle)) {
                return Some((row, col));
            }
        }
    }
    None
}

/// The mouse, end to end: the binary turns mouse reports on (SGR), a click sent as the
/// terminal would send it (`ESC [ < 0 ; X ; Y M`, then the release `m`) on the likelihood
/// surface starts a new run from there, so θ changes; the wheel zooms; on the way out the
/// reports are turned off again.
#[test]
fn a_mouse_click_on_the_surface_moves_theta() {
    let mut s = started();
    s.wait_for("% LR");
    let raw = s.raw();
    assert!(find(&raw, b"\x1b[?1000h").is_some(), "mouse reports were never turned on");
    assert!(find(&raw, b"\x1b[?1006h").is_some(), "SGR mouse reports were never asked for");
    s.wait_for("θ: mu = -1, sigma = 4");
    // The MLE marker, on the right half of the screen in the top panes.
    let start = Instant::now();
    // Only the top panes' rows: the underflow pane's title has a × too.
    let (row, col) = loop {
        if let Some(at) = locate(&s, '×', 1..ROWS / 2 - 3) {
            break at;
        }
        assert!(start.elapsed() < PATIENCE, "no MLE marker:\n{}", s.contents());
        std::thread::sleep(Duration::from_millis(50));
    };
    let press = format!("\x1b[<0;{};{}M", col + 1, row + 1);
    let release = format!("\x1b[<0;{};{}m", col + 1, row + 1);
    s.send(press.as_bytes());
    s.send(release.as_bytes());
    s.wait_for("a new run from the clicked θ");
    assert!(!s.contents().contains("θ: mu = -1, sigma = 4"), "θ did not change");
    s.wait_for("iteration 0");
    // The wheel (button 64 = up) zooms the surface about the pointer: its axes narrow.
    assert!(s.contents().contains("mu → -1.74..5.70"), "{}", s.contents());
    s.send(format!("\x1b[<64;{};{}M", col + 1, row + 1).as_bytes());
    s.wait_for("surface zoomed to");
    assert!(!s.contents().contains("mu → -1.74..5.70"), "{}", s.contents());
    s.send(b"q");
    assert!(s.wait_exit().success());
    s.assert_terminal_restored();
    let raw = s.raw();
    let on = find(&raw, b"\x1b[?1000h").expect("on");
    let off = raw.windows(8).rposition(|w| w == b"\x1b[?1000l").expect("mouse reports left on");
    assert!(off > on);
}
