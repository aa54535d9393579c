//! Everything that can happen to the explorer: what a user asks (keys map to these in
//! `keys.rs`), the loop's tick with the work it allows, a resize, and the answers to the
//! effects `App::update` asked the loop to carry out. `App::update` is the only place they
//! take effect.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::pane::PickerItem;
use super::run::Run;
use super::session::Loaded;
use super::stepping::{Parcel, Stepped};

/// A run built away from the loop's thread, handed to `update` inside an action. Actions
/// are plain values (cloned, compared, printed), a run is not: this holds it until `update`
/// takes it, once.
#[derive(Clone)]
pub struct Handover(Arc<Mutex<Option<Run>>>);

impl Handover {
    /// Wraps a finished run.
    #[must_use]
    pub fn new(run: Run) -> Self {
        Self(Arc::new(Mutex::new(Some(run))))
    }

    /// The run, the first time it is asked for.
    #[must_use]
    pub fn take(&self) -> Option<Run> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

impl PartialEq for Handover {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handover(run)")
    }
}

/// How much one tick may compute, counted in units that cost the same on every machine for
/// a given run, so the same actions give the same state on a fast and a slow one. The loop
/// sizes them from its own clock (`pace.rs`); [`Work::default`] is its starting point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Optimiser steps while running.
    pub steps: usize,
    /// Likelihood-surface grid points, while paused.
    pub cells: usize,
    /// Values of the underflow trace.
    pub points: usize,
}

impl Default for Work {
    /// One step and two grid points (each a pass over the data without sufficient
    /// statistics: about 4 to 20 ms at m = 10^6) and 2^16 trace values (2 to 8 ms there).
    fn default() -> Self {
        Self { steps: 1, cells: 2, points: 1 << 16 }
    }
}

/// One user intent, a tick, a resize, or the answer to an effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Take one optimiser step.
    Step,
    /// Start or pause continuous stepping (in the picker: load the selection).
    ToggleRun,
    /// Run to a stop as fast as the machine goes, then back to the chosen pace.
    FastForward,
    /// Play continuous stepping one notch slower.
    Slower,
    /// Play continuous stepping one notch faster.
    Faster,
    /// Back to the automatic pace (a few seconds for any run).
    AutoPace,
    /// Advance continuous stepping and the progressive computations by this much work.
    Tick(Work),
    /// Double the step size.
    StepSizeUp,
    /// Halve the step size.
    StepSizeDown,
    /// Double the sample size and resample.
    SampleSizeUp,
    /// Halve the sample size and resample.
    SampleSizeDown,
    /// Draw a new sample with the next seed.
    NewSeed,
    /// Switch to the next optimiser.
    CycleOptimizer,
    /// Switch the model to the next family that can fit the data.
    CycleModel,
    /// Switch the truth to the next family (and resample).
    CycleTruth,
    /// Put θ back at the start (iteration 0).
    ResetTheta,
    /// Jump to the maximum-likelihood estimate.
    JumpToMle,
    /// Open the scenario picker.
    OpenPicker,
    /// Focus the next pane.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Zoom the focused pane to the whole screen, or back.
    ToggleZoom,
    /// Write the trajectory (this run and archived ones) to a new CSV file.
    Export,
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Cycle the data pane: histogram, QQ plot, PP plot.
    CycleDataView,
    /// Show or hide the sampling distribution of θ̂ (its repeats run in the background).
    ToggleSampling,
    /// Move up (picker) or pick the next parameter for the likelihood surface's y axis.
    Up,
    /// Move down (picker) or pick the previous parameter for the y axis.
    Down,
    /// Pick the previous parameter for the likelihood surface's x axis.
    Left,
    /// Pick the next parameter for the x axis.
    Right,
    /// Close the open overlay (on the main screen it only says how to quit).
    Back,
    /// Leave mlex.
    Quit,
    /// Open the form to type values (truth, m, seed, η, μ, the start θ).
    OpenEdit,
    /// A character typed into the form.
    Type(char),
    /// Delete the form field's last character.
    Erase,
    /// Check the form and apply it (it stays open, naming the bad field, when a value is wrong).
    Submit,
    /// A mouse click at this column and row: focuses the pane, and on the surface or the
    /// ℓ(θ) curve starts a new run from the θ under the pointer.
    Click {
        /// Column from the left.
        column: u16,
        /// Row from the top.
        row: u16,
    },
    /// The mouse wheel at this column and row: zooms the surface about the pointer.
    Wheel {
        /// Column from the left.
        column: u16,
        /// Row from the top.
        row: u16,
        /// Towards the user (zoom in) rather than away.
        closer: bool,
    },
    /// Zoom the surface in about θ.
    ZoomIn,
    /// Zoom the surface out about θ.
    ZoomOut,
    /// Frame the surface on the MLE's confidence regions.
    FrameRegion,
    /// Show or hide the last step's details (Δθ, gradient, the optimiser's state).
    ToggleStepView,
    /// Scroll the lesson up.
    LessonUp,
    /// Scroll the lesson down.
    LessonDown,
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// Load a scenario by preset name or path (the picker's choice, or a script's).
    Load(String),
    /// The picker's entries, read by the loop.
    Catalogue(Vec<PickerItem>),
    /// A scenario the loop read (with its data file) and the run built from it, or why it
    /// could not.
    Loaded {
        /// The preset name or path asked for.
        name: String,
        /// The scenario and its run, or the error message.
        result: Result<(Box<Loaded>, Handover), String>,
    },
    /// The run a [`super::effect::Effect::Build`] asked for, or why it could not be built.
    Built {
        /// The request answered (older ones are ignored: a newer one replaced them).
        generation: u64,
        /// The run, or the error message.
        result: Result<Handover, String>,
        /// Builds the loop started for this answer and the requests it replaced (1 unless
        /// one was under way when a newer request came).
        builds: usize,
    },
    /// Steps the stepper thread took for an [`super::effect::Effect::Steps`].
    Stepped(Parcel<Stepped>),
    /// A batch of the sampling view's repeats, or why it stopped.
    Sampled {
        /// The sampling job answered (an older one's answer is dropped).
        id: u64,
        /// The batch's estimates, or the error message.
        result: Result<super::sampling::Batch, String>,
    },
    /// The loop wrote an export of this many runs to this path, or could not.
    Exported {
        /// The file written, or the error message.
        result: Result<PathBuf, String>,
        /// How many runs it holds.
        runs: usize,
    },
}
