//! The loop's helper thread for long effects (building a run: sampling 10^6 points, the MLE
//! search, the standard errors; loading a scenario), so that the loop keeps drawing and
//! answering keys, quitting above all, while they run. `App::update` stays pure: it asks by
//! an effect and takes the answer as an action, exactly as when a test performs the effect
//! in place.
//!
//! One build at a time, and only the newest request matters: a request that arrives while
//! one is under way waits, replacing any older waiting one, and asks the running build to
//! give up at its next check. Ten resample keys in a burst therefore cost one build (two when
//! the first had already started), not ten.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use super::action::Action;
use super::effect::{Effect, perform_unless};
use super::stepping::{Parcel, Stepper};

/// The worker: the build under way, the request waiting behind it, and the answers' channel.
pub struct Worker {
    answers: Receiver<Action>,
    sender: Sender<Action>,
    /// The cancel flag of the build under way, and its thread.
    running: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
    /// The newest request that came while a build was under way.
    waiting: Option<Effect>,
    /// Builds started since the last answer was handed on.
    started: usize,
    /// Optimiser steps, on a thread of their own: a build does not wait for them, nor they
    /// for a build.
    stepper: Stepper,
}

impl Default for Worker {
    fn default() -> Self {
        let (sender, answers) = channel();
        Self {
            answers,
            sender,
            running: None,
            waiting: None,
            started: 0,
            stepper: Stepper::default(),
        }
    }
}

impl Worker {
    /// Queues a long effect; it starts at the next [`Worker::pump`], after the loop has
    /// taken every key already typed, so a burst of keys starts one build.
    pub fn submit(&mut self, effect: Effect) {
        if let Effect::Steps(job) = effect {
            if let Some(job) = job.take() {
                self.stepper.submit(job);
            }
            return;
        }
        if let Some((cancel, _)) = &self.running {
            cancel.store(true, Ordering::Relaxed);
        }
        self.waiting = Some(effect);
    }

    /// Starts the waiting request if nothing is under way.
    pub fn pump(&mut self) {
        if self.running.is_some() {
            return;
        }
        let Some(effect) = self.waiting.take() else { return };
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let sender = self.sender.clone();
        let thread = std::thread::spawn(move || {
            let answer = perform_unless(effect, &|| flag.load(Ordering::Relaxed));
            // The loop may have quit meanwhile: nobody to answer, and nothing to do about it.
            let _ = sender.send(answer);
        });
        self.running = Some((cancel, thread));
        self.started += 1;
    }

    /// The answers that arrived and still matter (a build a newer request replaced is
    /// dropped), then starts the waiting request, if any.
    pub fn answers(&mut self) -> Vec<Action> {
        let mut out: Vec<Action> = (self.stepper.answers().into_iter())
            .map(|done| Action::Stepped(Parcel::new(done)))
            .collect();
        // A build that panicked sends nothing: the panic goes on in the loop's thread, as it
        // did when builds ran there (the terminal is restored, the message printed, exit 101),
        // rather than leaving "computing…" on screen for ever.
        if let Some((_, thread)) = self.running.take_if(|(_, t)| t.is_finished())
            && let Err(payload) = thread.join()
        {
            std::panic::resume_unwind(payload);
        }
        while let Ok(answer) = self.answers.try_recv() {
            self.running = None;
            if self.waiting.is_some() {
                continue;
            }
            let builds = std::mem::take(&mut self.started);
            out.push(match answer {
                Action::Built { generation, result, .. } => {
                    Action::Built { generation, result, builds }
                }
                other => other,
            });
        }
        self.pump();
        out
    }

    /// Whether optimiser steps are under way.
    #[must_use]
    pub fn stepping(&self) -> bool {
        self.stepper.busy()
    }

    /// Whether a build is under way or waiting.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.running.is_some() || self.waiting.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use crate::tui::effect::BuildRequest;
    use crate::tui::run::StartFrom;

    fn build(generation: u64) -> Effect {
        let scenario = scenario::load("normal-basics").expect("preset");
        Effect::Build(Box::new(BuildRequest {
            generation,
            scenario,
            seed: generation,
            data: None,
            start: StartFrom::Scenario,
        }))
    }

    /// A request made while another runs replaces it: only the newest is answered, and the
    /// answer counts both builds started.
    #[test]
    fn only_the_newest_request_is_answered() {
        let mut worker = Worker::default();
        worker.submit(build(1));
        worker.pump();
        worker.submit(build(2));
        worker.submit(build(3));
        let mut answers = Vec::new();
        let start = std::time::Instant::now();
        while worker.busy() {
            answers.extend(worker.answers());
            assert!(start.elapsed().as_secs() < 60, "no answer");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(
            matches!(
                answers.as_slice(),
                [Action::Built { generation: 3, result: Ok(_), builds: 2 }]
            ),
            "{answers:?}"
        );
    }
}
