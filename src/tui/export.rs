//! Trajectory export: a new CSV file, never overwriting one that exists, written through a
//! temporary file so an interrupted export leaves nothing half-written under the final name.
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
    let tmp = dir.join(format!(".mlex-export-{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    for n in 1..10_000 {
        let name = if n == 1 { format!("mlex-{stem}.csv") } else { format!("mlex-{stem}-{n}.csv") };
        let path = dir.join(name);
        // A hard link fails if the name exists, so no file is ever replaced.
        match std::fs::hard_link(&tmp, &path) {
            Ok(()) => {
                std::fs::remove_file(&tmp)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        }
    }
    let _ = std::fs::remove_file(&tmp);
    Err(std::io::Error::other("too many exports with this name in the folder"))
}
