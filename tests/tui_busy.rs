//! The explorer at its largest sample (m = 10^6) in a pseudo-terminal, while a run is being
//! built off the input path: `q` quits at once however long the build, and a burst of
//! resample keys costs one build, not one each (the status says how many requests were
//! coalesced into how many builds).

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

/// How long to wait for the screen to show something before failing.
const PATIENCE: Duration = Duration::from_secs(60);
/// How long `q` may take to end the program while a build runs: a few frames, with room for
/// a loaded machine, and well under the build itself (a mixture's MLE search at 10^6 points,
/// over a second here).
const QUIT_BOUND: Duration = Duration::from_secs(1);
const ROWS: u16 = 40;
const COLS: u16 = 120;

/// A million points of a two-component mixture: no closed-form MLE, so every resample runs
/// Newton's search at load (about 1 s on two cores).
const MIXTURE: &str = "title = \"Big mixture\"\nlesson = \"m = 10^6\"\nseed = 7\n\
    sample_size = 1000000\n[truth]\nfamily = \"normal_mixture\"\n\
    params = { weight = 0.3, mu1 = -2.0, sigma1 = 1.0, mu2 = 2.0, sigma2 = 1.0 }\n\
    [model]\nfamily = \"normal_mixture\"\n";

struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    fn start(dir: &Path, scenario: &str) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let path = dir.join("big.toml");
        std::fs::write(&path, scenario).expect("write the scenario");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mlex"));
        cmd.args(["tui", "--scenario", path.to_str().expect("utf-8 path")]);
        cmd.cwd(dir);
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).expect("spawn mlex");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let size = (NonZeroU16::new(ROWS).expect("rows"), NonZeroU16::new(COLS).expect("cols"));
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size.0, size.1, 0)));
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
        Self { child, writer, screen, _master: pair.master }
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("parser").screen().contents()
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            let screen = self.contents();
            if screen.contains(text) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the screen never showed {text:?}; it shows:\n{}", self.contents());
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write keys");
        self.writer.flush().expect("flush");
    }

    /// Time until the process ends, or None after `bound` (then it is killed).
    fn exit_within(&mut self, bound: Duration) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < bound {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "{status:?}");
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = self.child.kill();
        None
    }
}

#[test]
fn q_quits_at_once_while_a_million_point_resample_is_being_built() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = Session::start(dir.path(), MIXTURE);
    s.wait_for("iteration 0");
    s.send(b"n");
    s.wait_for("computing: new sample with seed 8");
    let sent = Instant::now();
    s.send(b"q");
    let took = s.exit_within(QUIT_BOUND);
    assert!(took.is_some(), "q took longer than {QUIT_BOUND:?} (sent {:?} ago)", sent.elapsed());
}

#[test]
fn a_burst_of_resample_keys_is_one_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = Session::start(dir.path(), MIXTURE);
    s.wait_for("iteration 0");
    // Ten presses in one write, as a held key's repeats arrive: the seed moves by ten, and the
    // sample is drawn (and its MLE searched) once, or twice if the first build had started.
    s.send(b"nnnnnnnnnn");
    let screen = s.wait_for("new sample with seed 17 (10 requests coalesced into ");
    let builds: usize = screen
        .split("coalesced into ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a number of builds");
    assert!(builds <= 2, "{builds} builds for one burst:\n{screen}");
    // The message is written when the build lands (the seed line itself is below the
    // mixture's how-sure lines, past the status pane's last row at 120×40).
    assert!(!screen.contains("computing:"), "{screen}");
    s.send(b"q");
    assert!(s.exit_within(PATIENCE).is_some(), "did not quit");
}
