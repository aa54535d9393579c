//! The explorer's screen vocabulary: the panes in focus order, what may be drawn over them
//! (help, the scenario picker, an error), and the picker's entries.

use super::form::Form;
use crate::scenario::Focus;

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Histogram with the true and fitted densities.
    Data,
    /// Log-likelihood against iteration, and its curve or surface over θ.
    Likelihood,
    /// Cross-entropy against iteration with its decomposition.
    CrossEntropy,
    /// The raw product of probabilities against the log-sum.
    Underflow,
    /// Numbers: θ, gradient, optimiser, lesson.
    Status,
}

impl Pane {
    /// Every pane, in focus order.
    pub const ALL: [Self; 5] =
        [Self::Data, Self::Likelihood, Self::CrossEntropy, Self::Underflow, Self::Status];

    /// The pane's title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Data => "Data and fit",
            Self::Likelihood => "Likelihood",
            Self::CrossEntropy => "Cross-entropy",
            Self::Underflow => "Underflow",
            Self::Status => "Status",
        }
    }

    /// The pane `by` places further along the focus order, wrapping round.
    #[must_use]
    pub fn offset(self, by: isize) -> Self {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0) as isize;
        Self::ALL[(i + by).rem_euclid(Self::ALL.len() as isize) as usize]
    }

    /// The pane a scenario's `focus` names.
    #[must_use]
    pub fn from_focus(focus: Focus) -> Self {
        match focus {
            Focus::Data => Self::Data,
            Focus::Likelihood => Self::Likelihood,
            Focus::CrossEntropy => Self::CrossEntropy,
            Focus::Underflow => Self::Underflow,
            Focus::Status => Self::Status,
        }
    }
}

/// One entry of the scenario picker.
#[derive(Debug, Clone, PartialEq)]
pub struct PickerItem {
    /// Preset name or path.
    pub name: String,
    /// Title, or the error that stops it loading.
    pub title: String,
    /// Lesson text.
    pub lesson: String,
}

/// What is drawn over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// Nothing.
    None,
    /// The key list.
    Help,
    /// The scenario picker.
    Picker {
        /// Entries.
        items: Vec<PickerItem>,
        /// Highlighted entry.
        selected: usize,
    },
    /// An error that did not change the run (a bad scenario file, a failed export).
    Error(String),
    /// The form for typing values.
    Edit(Box<Form>),
}
