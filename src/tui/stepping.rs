//! Optimiser steps away from the loop's thread. At m = 10^6 without sufficient statistics a
//! step is one or more passes over the data (a mixture's Newton step: its gradient, its
//! Hessian and the line search's points), longer than a frame, so a key would wait for it.
//! `App::update` asks for steps with an effect that carries a continuation of the fit
//! (`Fit::continuation`: the fit with the tail of its history), the stepper takes them on
//! its own thread, and the answer hands the continuation back to be absorbed. A ticket per
//! request lets the app drop an answer that a key (a reset, a jump, a new run) made stale.
//!
//! Stepped here or in place, the fit is the same (`Fit::absorb`, tests/fit_continuation.rs,
//! tests/tui_stepping.rs): only where the work is done changes.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::app::{App, describe};
use super::effect::Effect;
use crate::optim::fit::{Event, Fit, Record, StopReason, Stopping};
use crate::stats::family::Family;
use crate::stats::objective::Objective;
use crate::stats::sample::Sample;

/// From this many points a run's steps are taken on the stepper: below it a pass costs
/// well under a millisecond and the round trip is not worth a frame.
pub const OFFLOAD_FROM: usize = 1 << 15;

/// What the stepper spends on one request before it answers (at least one step): the view
/// then shows θ move this often even when a request asks for thousands of steps.
const BUDGET: Duration = Duration::from_millis(30);

/// A request for steps: a continuation of the current fit and what stepping it needs.
pub struct StepJob {
    /// The request's number; an answer whose ticket the app no longer waits for is dropped.
    pub ticket: u64,
    /// The fit to step on.
    pub fit: Fit,
    /// The model's family.
    pub model: Box<dyn Family>,
    /// The data, shared with the run.
    pub sample: Arc<Sample>,
    /// Most steps to take.
    pub steps: usize,
    /// The stopping rules, judged before every step and after the last.
    pub stopping: Stopping,
    /// Asked by the step key (one step, described in full) rather than by a playing run.
    pub single: bool,
}

/// The answer: the continuation stepped on, and what happened.
pub struct Stepped {
    /// The request answered.
    pub ticket: u64,
    /// The continuation, to be absorbed.
    pub fit: Fit,
    /// Steps taken.
    pub taken: usize,
    /// The last step's record, and the last refused one.
    pub last: Option<Record>,
    /// The last refused step's record.
    pub refused: Option<Record>,
    /// The verdict after the last step, if a rule holds.
    pub stop: Option<StopReason>,
    /// Whether the step key asked.
    pub single: bool,
}

/// Takes a job's steps, judging the stop before each and after the last, as a running tick
/// does; with a `budget` it answers once that is spent (after at least one step).
#[must_use]
pub fn perform(job: StepJob, budget: Option<Duration>) -> Stepped {
    let StepJob { ticket, mut fit, model, sample, steps, stopping, single } = job;
    let objective = Objective { family: model.as_ref(), sample: &sample };
    let clock = Instant::now();
    // The step key steps whatever the rules say, as in place; a playing run stops first.
    let mut stop = if single { None } else { fit.conclude(&objective, &stopping) };
    let (mut taken, mut last, mut refused) = (0, None, None);
    while stop.is_none()
        && taken < steps
        && budget.is_none_or(|b| taken == 0 || clock.elapsed() < b)
    {
        let record = fit.step(&objective).clone();
        if matches!(record.event, Event::Refused(_)) {
            refused = Some(record.clone());
        }
        last = Some(record);
        taken += 1;
        stop = fit.conclude(&objective, &stopping);
    }
    Stepped { ticket, fit, taken, last, refused, stop, single }
}

/// A value handed through an action once (actions are plain values: cloned, compared,
/// printed; a fit in flight is not).
pub struct Parcel<T>(Arc<Mutex<Option<T>>>);

impl<T> Parcel<T> {
    /// Wraps a value.
    #[must_use]
    pub fn new(value: T) -> Self {
        Self(Arc::new(Mutex::new(Some(value))))
    }

    /// The value, the first time it is asked for.
    #[must_use]
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

impl<T> Clone for Parcel<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Parcel<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::fmt::Debug for Parcel<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Parcel(..)")
    }
}

/// The stepper thread: one request at a time (the app sends the next only after the answer).
pub struct Stepper {
    answers: Receiver<Stepped>,
    sender: Sender<Stepped>,
    running: Option<JoinHandle<()>>,
}

impl Default for Stepper {
    fn default() -> Self {
        let (sender, answers) = channel();
        Self { answers, sender, running: None }
    }
}

impl Stepper {
    /// Starts taking the job's steps.
    pub fn submit(&mut self, job: StepJob) {
        let sender = self.sender.clone();
        // A request while one is under way belongs to a fit the app has since replaced: its
        // answer will be dropped by ticket, so the old thread may finish on its own.
        self.running = Some(std::thread::spawn(move || {
            let _ = sender.send(perform(job, Some(BUDGET)));
        }));
    }

    /// The answers that arrived.
    pub fn answers(&mut self) -> Vec<Stepped> {
        if let Some(thread) = self.running.take_if(|t| t.is_finished())
            && let Err(payload) = thread.join()
        {
            // A step that panicked panics the loop, as it would have in place.
            std::panic::resume_unwind(payload);
        }
        self.answers.try_iter().collect()
    }

    /// Whether steps are under way.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.running.as_ref().is_some_and(|t| !t.is_finished())
    }
}

/// The app's side: the request it waits for, and step keys pressed meanwhile.
#[derive(Debug, Default)]
pub struct StepsInFlight {
    /// The ticket of the request whose answer is awaited.
    awaited: Option<u64>,
    /// Tickets issued so far (carried across runs, so an old run's answer never matches).
    issued: u64,
    /// Step keys pressed while a request was under way, taken after its answer.
    queued: usize,
}

impl StepsInFlight {
    /// Whether an answer is awaited.
    #[must_use]
    pub fn awaiting(&self) -> bool {
        self.awaited.is_some()
    }

    /// The fit was replaced or moved by a key: the answer under way no longer applies.
    pub fn drop_answer(&mut self) {
        self.awaited = None;
        self.queued = 0;
    }

    /// Nothing awaited, the ticket count kept.
    #[must_use]
    pub fn for_a_new_run(&self) -> Self {
        Self { awaited: None, issued: self.issued, queued: 0 }
    }
}

impl App {
    /// Whether this run's steps are taken on the stepper thread.
    #[must_use]
    pub fn offloads(&self) -> bool {
        self.run.sample.len() >= self.offload_from
    }

    /// Whether steps are under way on the stepper.
    #[must_use]
    pub fn stepping(&self) -> bool {
        self.steps.awaiting()
    }

    /// The effect that asks the stepper for up to `steps` steps of the current fit.
    pub(super) fn ask_for_steps(&mut self, steps: usize, single: bool) -> Effect {
        self.steps.issued += 1;
        let ticket = self.steps.issued;
        self.steps.awaited = Some(ticket);
        Effect::Steps(Parcel::new(StepJob {
            ticket,
            fit: self.run.fit.continuation(),
            model: self.run.model.boxed(),
            sample: Arc::clone(&self.run.sample),
            steps,
            stopping: self.session.stopping,
            single,
        }))
    }

    /// The step key on a run whose steps go to the stepper: one step now, or after the one
    /// under way.
    pub(super) fn step_on_the_stepper(&mut self) -> Vec<Effect> {
        if self.steps.awaiting() {
            self.steps.queued += 1;
            return Vec::new();
        }
        vec![self.ask_for_steps(1, true)]
    }

    /// Takes the stepper's answer, if it is the one awaited, as the steps taken in place.
    pub(super) fn stepped(&mut self, answer: &Parcel<Stepped>) -> Vec<Effect> {
        let Some(done) = answer.take() else { return Vec::new() };
        if self.steps.awaited != Some(done.ticket) {
            return Vec::new();
        }
        self.steps.awaited = None;
        if self.run.fit.absorb(done.fit).is_none() {
            self.steps.queued = 0;
            return Vec::new();
        }
        if done.single {
            if let Some(record) = &done.last {
                self.message = describe(record);
            }
            if let Some(reason) = done.stop
                && reason != StopReason::StepLimit
            {
                let at = self.run.fit.iteration();
                self.message = format!("{} at iteration {at}", self.stop_text(reason));
            }
            self.after_theta_change();
        } else if self.running {
            self.after_steps(done.taken, done.refused.as_ref(), done.stop);
        } else {
            // Paused while the steps were under way: they are taken all the same.
            self.after_theta_change();
        }
        if self.steps.queued > 0 && !self.running {
            let steps = std::mem::take(&mut self.steps.queued);
            return vec![self.ask_for_steps(steps, true)];
        }
        Vec::new()
    }
}
