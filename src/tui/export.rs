//! Trajectory export: a new CSV file, never overwriting one that exists, written through an
//! exclusive temporary file so an interrupted export leaves nothing half-written under the
//! final name.
//! Only the run loop calls [`write_new`] (answering an export effect); `App::update` never
//! touches the disk.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::optim::fit::Record;

/// One run's trajectory as the export writes it: a run set aside when the sample or model
/// changed, or the current one.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedRun {
    /// What the run was (model, truth, m, seed).
    pub label: String,
    /// Its parameter names.
    pub param_names: Vec<String>,
    /// Its records.
    pub history: Vec<Record>,
}

/// The CSV text: one row per iteration of every run, θ as `name=value;…`.
#[must_use]
pub fn csv(runs: &[ArchivedRun]) -> String {
    let mut out = String::from(
        "run,label,iteration,event,log_likelihood,mean_log_likelihood,gradient_norm,step_size,params\n",
    );
    for (i, run) in runs.iter().enumerate() {
        for r in &run.history {
            let params: Vec<String> =
                run.param_names.iter().zip(&r.params).map(|(n, v)| format!("{n}={v}")).collect();
            let _ = writeln!(
                out,
                "{},\"{}\",{},{},{},{},{},{},{}",
                i + 1,
                run.label.replace('"', "'"),
                r.iteration,
                r.event.name(),
                r.log_likelihood,
                r.mean_log_likelihood,
                r.gradient_norm,
                r.step_size,
                params.join(";")
            );
        }
    }
    out
}

/// Writes `mlex-<scenario>.csv` (or `-2`, `-3`, … when taken) in `dir` and returns its path.
pub fn write_new(dir: &Path, scenario: &str, runs: &[ArchivedRun]) -> std::io::Result<PathBuf> {
    let stem: String = Path::new(scenario)
        .file_stem()
        .map_or_else(|| scenario.to_string(), |s| s.to_string_lossy().into_owned())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(60)
        .collect();
    let text = csv(runs);
    // An exclusive temporary file with an unpredictable name: a planted file or symlink at a
    // guessable name is never opened, let alone written through.
    let mut tmp =
        tempfile::Builder::new().prefix(".mlex-export-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    for n in 1..10_000 {
        let name = if n == 1 { format!("mlex-{stem}.csv") } else { format!("mlex-{stem}-{n}.csv") };
        let path = dir.join(name);
        // Persisting without clobbering fails if the name exists, so no file is replaced.
        match tmp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(e.error),
        }
    }
    Err(std::io::Error::other("too many exports with this name in the folder"))
}
