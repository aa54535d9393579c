//! What `App::update` asks the outside world for, since it touches neither the disk nor the
//! clock, nor does any long computation: the loop carries each effect out and feeds the
//! answer back as an action. The long ones (building a run, loading a scenario) the loop
//! hands to its worker thread (`worker.rs`); tests may perform every effect in place.

use std::path::PathBuf;
use std::sync::Arc;

use super::action::{Action, Handover};
use super::app::App;
use super::export::{self, ArchivedRun};
use super::pane::PickerItem;
use super::run::{Run, StartFrom};
use super::session::Loaded;
use super::stepping::{self, Parcel, StepJob};
use crate::scenario::{self, Scenario};

/// A run to build: a new sample, sample size, model or truth.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildRequest {
    /// Numbers the requests, so an answer to an older one is ignored.
    pub generation: u64,
    /// The scenario as the user has changed it.
    pub scenario: Scenario,
    /// The seed to sample with.
    pub seed: u64,
    /// A data scenario's values, read at load.
    pub data: Option<Arc<[f64]>>,
    /// Where θ starts.
    pub start: StartFrom,
}

/// A piece of I/O for the loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read the presets and ./scenarios for the picker (answered by [`Action::Catalogue`]).
    ListScenarios,
    /// Read a scenario and its data file and build its run (answered by [`Action::Loaded`]).
    LoadScenario(String),
    /// Build a run (answered by [`Action::Built`]): long at m = 10^6.
    Build(Box<BuildRequest>),
    /// Take optimiser steps (answered by [`Action::Stepped`]): a pass or more each at
    /// m = 10^6, on the stepper thread.
    Steps(Parcel<StepJob>),
    /// Run a batch of the sampling view's repeats (answered by [`Action::Sampled`]).
    Sample(Box<super::sampling::SampleRequest>),
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

impl Effect {
    /// Whether this can take long (a pass or many over up to 10^6 points, a Newton search):
    /// the loop then hands it to its worker and keeps answering keys.
    #[must_use]
    pub fn is_long(&self) -> bool {
        matches!(
            self,
            Effect::LoadScenario(_) | Effect::Build(_) | Effect::Steps(_) | Effect::Sample(_)
        )
    }
}

/// Carries out one effect: the only place the explorer reads scenarios or writes files.
#[must_use]
pub fn perform(effect: Effect) -> Action {
    perform_unless(effect, &|| false)
}

/// [`perform`], a long effect giving up part way once `cancelled` says so (its answer then
/// is an error, which the worker drops: a newer request replaced it).
#[must_use]
pub fn perform_unless(effect: Effect, cancelled: &dyn Fn() -> bool) -> Action {
    match effect {
        Effect::ListScenarios => Action::Catalogue(catalogue()),
        Effect::LoadScenario(name) => {
            let result = scenario::load(&name)
                .and_then(Loaded::read)
                .and_then(|loaded| {
                    let run = App::first_run(&loaded, cancelled)?;
                    Ok((Box::new(loaded), Handover::new(run)))
                })
                .map_err(|e| e.to_string());
            Action::Loaded { name, result }
        }
        Effect::Build(request) => {
            let BuildRequest { generation, scenario, seed, data, start } = *request;
            let result = Run::build_unless(&scenario, seed, data.as_deref(), &start, cancelled)
                .map(Handover::new)
                .map_err(|e| e.to_string());
            Action::Built { generation, result, builds: 1 }
        }
        // In place (tests, `apply`) every step asked for is taken, whatever it costs.
        Effect::Steps(job) => match job.take() {
            Some(job) => Action::Stepped(Parcel::new(stepping::perform(job, None))),
            None => Action::Tick(super::action::Work { steps: 0, cells: 0, points: 0 }),
        },
        Effect::Sample(request) => super::sampling::perform(&request, cancelled),
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
pub(super) fn catalogue() -> Vec<PickerItem> {
    scenario::catalogue()
        .into_iter()
        .map(|(name, title)| match title {
            Ok(_) => {
                let s = scenario::load_any(&name);
                PickerItem {
                    title: s.as_ref().map(|s| s.title().to_string()).unwrap_or_default(),
                    lesson: s.map(|s| s.lesson().to_string()).unwrap_or_default(),
                    name,
                }
            }
            Err(e) => PickerItem { name, title: "(does not load)".into(), lesson: e.to_string() },
        })
        .collect()
}
