//! The sitting: the scenario as loaded, what the user has changed of it since (seed, sample
//! size, truth, model, optimiser settings), the data a data scenario read at load, and the
//! runs set aside for export. Everything a rebuilt run is prepared from.

use std::sync::Arc;

use crate::data::read_data;
use crate::error::InputError;
use crate::optim::Settings;
use crate::optim::fit::Stopping;
use crate::scenario::{Scenario, Source};
use crate::stats::family::{FamilyKind, Shape};

use super::export::ArchivedRun;

/// A scenario with its data file read: all the disk a run needs, so that building and
/// rebuilding it is pure.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// The values of its data file (None when it samples from a truth).
    pub data: Option<Vec<f64>>,
}

impl Loaded {
    /// Reads a data scenario's file (a sampled one needs nothing).
    pub fn read(scenario: Scenario) -> Result<Self, InputError> {
        let data = match &scenario.source {
            Source::Data { path, read } => Some(read_data(path, read)?.values),
            Source::Truth { .. } => None,
        };
        Ok(Self { scenario, data })
    }
}

/// The scenario and the user's changes to it.
pub struct Session {
    /// The scenario loaded.
    pub scenario: Scenario,
    /// Its data file's values, read at load (None for a sampled scenario); shared with the
    /// builds that run on the worker thread.
    pub data: Option<Arc<[f64]>>,
    /// Seed of the current sample.
    pub seed: u64,
    /// Sample size m.
    pub sample_size: usize,
    /// The true family, its fixed parts and parameters (None for data files).
    pub truth: Option<(FamilyKind, Shape, Vec<f64>)>,
    /// The model family.
    pub model_kind: FamilyKind,
    /// Optimiser settings.
    pub settings: Settings,
    /// Stopping rules.
    pub stopping: Stopping,
    /// Runs set aside, for export.
    pub archive: Vec<ArchivedRun>,
}

impl Session {
    /// A sitting on `loaded`, with `seed` replacing the scenario's.
    #[must_use]
    pub fn new(loaded: Loaded, seed: Option<u64>) -> Self {
        let Loaded { scenario, data } = loaded;
        let truth = match &scenario.source {
            Source::Truth { kind, shape, params } => Some((*kind, *shape, params.clone())),
            Source::Data { .. } => None,
        };
        Self {
            seed: seed.unwrap_or(scenario.seed),
            sample_size: scenario.sample_size,
            truth,
            model_kind: scenario.model,
            settings: scenario.settings,
            stopping: scenario.stopping,
            archive: Vec::new(),
            data: data.map(Arc::from),
            scenario,
        }
    }

    /// The scenario as the user has changed it, for `runner::prepare_with`: the scenario's
    /// own start and fixed part hold only for its own model; a model with a fixed part
    /// (binomial's n, categorical's k) of other data takes the smallest that holds the data's
    /// largest value `top`.
    #[must_use]
    pub fn scenario_now(&self, top: f64) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.sample_size = self.sample_size;
        scenario.model = self.model_kind;
        scenario.settings = self.settings;
        if let Some((kind, shape, params)) = &self.truth {
            scenario.source = Source::Truth { kind: *kind, shape: *shape, params: params.clone() };
        }
        if scenario.model != self.scenario.model {
            scenario.start = None;
            scenario.model_fixed = None;
        }
        let truth_is = |k: FamilyKind| self.truth.as_ref().is_some_and(|t| t.0 == k);
        if let Some(part) = scenario.model.fixed_part()
            && !truth_is(scenario.model)
        {
            scenario.model_fixed.get_or_insert(part.holding(top));
        }
        scenario
    }

    /// What a rebuilt run is prepared from, to go back to when a build fails.
    #[must_use]
    pub fn choices(&self) -> Choices {
        Choices {
            seed: self.seed,
            sample_size: self.sample_size,
            truth: self.truth.clone(),
            model_kind: self.model_kind,
        }
    }

    /// Back to `choices` (a build from newer ones failed).
    pub fn restore(&mut self, choices: Choices) {
        let Choices { seed, sample_size, truth, model_kind } = choices;
        (self.seed, self.sample_size, self.truth, self.model_kind) =
            (seed, sample_size, truth, model_kind);
    }

    /// How an archived run is labelled: model, truth, m and seed.
    #[must_use]
    pub fn label(&self, model: FamilyKind) -> String {
        let truth =
            self.truth.as_ref().map_or_else(|| "data file".to_string(), |(k, _, _)| k.to_string());
        format!("{model} on {truth} m={} seed={}", self.sample_size, self.seed)
    }
}

/// The user's choices a run is built from (not the optimiser's settings, which change the
/// run in place).
#[derive(Debug, Clone, PartialEq)]
pub struct Choices {
    seed: u64,
    sample_size: usize,
    truth: Option<(FamilyKind, Shape, Vec<f64>)>,
    model_kind: FamilyKind,
}
