//! What `App::update` asks the outside world for, since it touches neither the disk nor the
//! clock: the loop carries each effect out and feeds the answer back as an action.

use std::path::PathBuf;

use super::action::Action;
use super::app::App;
use super::export::{self, ArchivedRun};
use super::pane::PickerItem;
use super::session::Loaded;
use crate::scenario;

/// A piece of I/O for the loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read the presets and ./scenarios for the picker (answered by [`Action::Catalogue`]).
    ListScenarios,
    /// Read a scenario and its data file (answered by [`Action::Loaded`]).
    LoadScenario(String),
    /// Write the runs to a new CSV file (answered by [`Action::Exported`]).
    Export {
        /// The folder to write in.
        dir: PathBuf,
        /// The scenario's name, which names the file.
        scenario: String,
        /// The runs, archived ones first.
        runs: Vec<ArchivedRun>,
    },
}

/// Carries out one effect: the only place the explorer reads scenarios or writes files.
#[must_use]
pub fn perform(effect: Effect) -> Action {
    match effect {
        Effect::ListScenarios => Action::Catalogue(catalogue()),
        Effect::LoadScenario(name) => {
            let result = scenario::load(&name)
                .and_then(Loaded::read)
                .map(Box::new)
                .map_err(|e| e.to_string());
            Action::Loaded { name, result }
        }
        Effect::Export { dir, scenario, runs } => Action::Exported {
            result: export::write_new(&dir, &scenario, &runs)
                .map_err(|e| format!("cannot write in {}: {e}", dir.display())),
            runs: runs.len(),
        },
    }
}

/// Applies `action`, then carries out every effect it asks for and applies the answers, until
/// none is left: what the run loop does with each action.
pub fn apply(app: &mut App, action: Action) {
    let mut pending = app.update(action);
    while !pending.is_empty() {
        let effect = pending.remove(0);
        pending.extend(app.update(perform(effect)));
    }
}

/// The picker's entries: every preset and scenario file, with its title and lesson or the
/// error that stops it loading.
fn catalogue() -> Vec<PickerItem> {
    scenario::catalogue()
        .into_iter()
        .map(|(name, title)| match title {
            Ok(_) => {
                let s = scenario::load(&name);
                PickerItem {
                    title: s.as_ref().map(|s| s.title.clone()).unwrap_or_default(),
                    lesson: s.map(|s| s.lesson).unwrap_or_default(),
                    name,
                }
            }
            Err(e) => PickerItem { name, title: "(does not load)".into(), lesson: e.to_string() },
        })
        .collect()
}
