//! Runs the real `mlex` binary for the integration tests: one helper, shared by the test
//! files that check exit statuses and messages.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

/// Runs `mlex ARGS` in `dir`, returning (exit status, stdout, stderr); −1 for a signal.
pub fn mlex_in<I, S>(dir: &Path, args: I) -> (i32, String, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_mlex"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the mlex binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes `text` to `name` in `dir` and returns the file's path as text, for a command line.
#[allow(dead_code)] // not every test file that shares this module writes files
pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the test file is written");
    path.to_string_lossy().into_owned()
}
