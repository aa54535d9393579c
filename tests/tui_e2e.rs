//! The real binary in a pseudo-terminal, read through a terminal emulator: it starts, steps
//! with keys, shows the panes, quits (by q, Esc, Ctrl-C, SIGTERM, SIGINT) and leaves the
//! terminal as it found it: main screen, cursor visible, raw mode off.

use std::io::{Read, Write};
use std::num::NonZeroU16;
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
}

impl Session {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mlex"));
        cmd.args(args);
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
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
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("parser").process(&buf[..n]);
            }
        });
        Self { child, master: pair.master, writer, screen }
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

#[test]
fn escape_quits_cleanly() {
    let mut s = started();
    s.send(b"\x1b");
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
