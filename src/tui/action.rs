//! Everything a user can ask of the explorer. Keys map to these in `keys.rs`; `App::update`
//! is the only place they take effect.

/// One user intent (or a clock tick, or a resize).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Take one optimiser step.
    Step,
    /// Start or pause continuous stepping (in the picker: load the selection).
    ToggleRun,
    /// Advance continuous stepping by one bounded chunk, and any progressive computation.
    Tick,
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
    /// Move up (picker) or pick the next parameter for the likelihood surface's y axis.
    Up,
    /// Move down (picker) or pick the previous parameter for the y axis.
    Down,
    /// Pick the previous parameter for the likelihood surface's x axis.
    Left,
    /// Pick the next parameter for the x axis.
    Right,
    /// Close the open overlay, or quit when none is open.
    Back,
    /// Leave mlex.
    Quit,
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
}
