//! The keys that replace the run (a new seed, sample size, model or truth): `update` changes
//! the session and asks for a build ([`Effect::Build`]), which the loop runs on its worker;
//! the old run stays on screen, steppable, until the new one arrives as [`Action::Built`].
//! A request made while another is pending replaces it (the answer to the older one is
//! ignored), and a build that fails puts the session back as the current run was built.

use std::fmt::Write as _;

use super::action::Handover;
use super::app::{App, MAX_TUI_SAMPLE, Pending};
use super::effect::{BuildRequest, Effect};
use super::run::StartFrom;
use crate::stats::family::{FamilyKind, Shape};
use crate::stats::sample::Sample;

impl App {
    /// Asks for a run rebuilt from the session, `what` naming the change for the status.
    pub(super) fn rebuild(&mut self, what: String, start: StartFrom) -> Vec<Effect> {
        if let Some(Pending { load: Some(name), .. }) = &self.pending {
            // The change is dropped, not kept half-made: the session goes back to the run.
            self.message = format!("still loading {name}: try that key again once it is in");
            self.session.restore(self.committed.clone());
            return Vec::new();
        }
        let scenario = self.session.scenario_now(self.run.sample.stats().max.max(1.0));
        // A switched model starts away from its moment estimates unless the scenario names
        // a start for it; the same model keeps the start it had.
        let start = match start {
            StartFrom::AwayFromMoments if scenario.start.is_some() => StartFrom::Scenario,
            StartFrom::AwayFromMoments | StartFrom::Scenario
                if scenario.model == self.run.model.kind() =>
            {
                StartFrom::Keep(self.run.start.clone())
            }
            other => other,
        };
        self.generation += 1;
        let requests = self.pending.as_ref().map_or(0, |p| p.requests) + 1;
        self.pending = Some(Pending { generation: self.generation, what, requests, load: None });
        vec![Effect::Build(Box::new(BuildRequest {
            generation: self.generation,
            scenario,
            seed: self.session.seed,
            data: self.session.data.clone(),
            start,
        }))]
    }

    /// Takes a built run (or the reason there is none), if it answers the newest request.
    pub(super) fn built(
        &mut self,
        generation: u64,
        result: Result<Handover, String>,
        builds: usize,
    ) {
        let Some(pending) = self.pending.take_if(|p| p.generation == generation) else {
            return;
        };
        let run = result.and_then(|h| h.take().ok_or_else(|| "the run was taken".to_string()));
        match run {
            Ok(run) => {
                self.archive_run();
                let archived = self.run.fit.iteration() > 0;
                let away = run.start_moved;
                self.run = run;
                self.running = false;
                self.steps.drop_answer();
                self.session.model_kind = self.run.model.kind();
                if self.session.truth.is_some() {
                    self.session.sample_size = self.run.sample.len();
                }
                self.committed = self.session.choices();
                self.session.stopping = self.session.scenario.stopping;
                self.after_theta_change();
                let mut message = pending.what;
                if away {
                    message.push_str(
                        ", started away from its moment estimates so there is a climb to \
                         watch (M jumps to the MLE)",
                    );
                }
                if archived {
                    message.push_str("; the previous run is archived (e exports it)");
                }
                if pending.requests > 1 {
                    let s = if builds == 1 { "" } else { "s" };
                    let _ = write!(
                        message,
                        " ({} requests coalesced into {builds} build{s})",
                        pending.requests
                    );
                }
                self.message = message;
            }
            Err(e) => {
                self.session.restore(self.committed.clone());
                self.message = format!("cannot: {e}");
            }
        }
    }

    pub(super) fn new_seed(&mut self) -> Vec<Effect> {
        if self.session.truth.is_none() {
            self.message = "this scenario reads a data file: there is nothing to resample".into();
            return Vec::new();
        }
        self.session.seed = self.session.seed.wrapping_add(1);
        self.rebuild(format!("new sample with seed {}", self.session.seed), StartFrom::Scenario)
    }

    pub(super) fn change_sample_size(&mut self, up: bool) -> Vec<Effect> {
        if self.session.truth.is_none() {
            self.message = "this scenario reads a data file: its size is fixed".into();
            return Vec::new();
        }
        let next = if up {
            self.session.sample_size.saturating_mul(2)
        } else {
            self.session.sample_size / 2
        };
        let next = next.clamp(1, MAX_TUI_SAMPLE);
        if next == self.session.sample_size {
            self.message = format!("sample size stays {next} (from 1 to {MAX_TUI_SAMPLE})");
            return Vec::new();
        }
        self.session.sample_size = next;
        self.rebuild(format!("sample size {next}"), StartFrom::Scenario)
    }

    pub(super) fn cycle_model(&mut self) -> Vec<Effect> {
        let start = FamilyKind::ALL.iter().position(|k| *k == self.session.model_kind).unwrap_or(0);
        for step in 1..FamilyKind::ALL.len() {
            let kind = FamilyKind::ALL[(start + step) % FamilyKind::ALL.len()];
            if fits(kind, &self.run.sample) {
                self.session.model_kind = kind;
                return self.rebuild(format!("model {kind}"), StartFrom::AwayFromMoments);
            }
        }
        self.message = "no other family can fit these data".into();
        Vec::new()
    }

    pub(super) fn cycle_truth(&mut self) -> Vec<Effect> {
        let Some((kind, _, _)) = &self.session.truth else {
            self.message =
                "this scenario reads a data file: there is no true family to change".into();
            return Vec::new();
        };
        let i = FamilyKind::ALL.iter().position(|k| k == kind).unwrap_or(0);
        let next = FamilyKind::ALL[(i + 1) % FamilyKind::ALL.len()];
        let (shape, params) = next.default_truth();
        self.set_truth(next, shape, params);
        self.rebuild(format!("truth {next}"), StartFrom::Scenario)
    }

    /// Sets the session's truth, keeping the model if it can fit the new truth's data, else
    /// fitting the truth's own family.
    pub(super) fn set_truth(&mut self, kind: FamilyKind, shape: Shape, params: Vec<f64>) {
        let probe = kind.build(shape).sample(
            &params,
            200,
            &mut crate::stats::rng::seeded(self.session.seed),
        );
        self.session.truth = Some((kind, shape, params));
        if !fits(self.session.model_kind, &Sample::new(probe)) {
            self.session.model_kind = kind;
        }
    }

    /// What is being computed, for the status line, while a build or load is pending.
    #[must_use]
    pub fn computing(&self) -> Option<String> {
        self.pending.as_ref().map(|p| match &p.load {
            Some(name) => format!("loading {name}…"),
            None => format!("computing: {}…", p.what),
        })
    }
}

/// Whether a family can be fitted to a sample (support, fixed parts, an interior MLE).
fn fits(kind: FamilyKind, sample: &Sample) -> bool {
    let st = sample.stats();
    let shape = kind.fixed_part().map_or_else(Shape::default, |p| Shape::fixed(p.holding(st.max)));
    let family = kind.build(shape);
    family.supports(st) && family.degenerate(sample).is_none()
}
