//! The one table of key bindings: it maps key presses to actions and also renders the help
//! overlay, so the help can never drift from the keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// A binding: the keys (as shown in help), what they do, and which key events match.
pub struct Binding {
    /// Keys as the help shows them.
    pub keys: &'static str,
    /// What the keys do.
    pub help: &'static str,
    /// The action.
    pub action: Action,
    /// The key codes that trigger it.
    pub codes: &'static [KeyCode],
}

/// Every binding, in the order the help lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "space",
        help: "step once",
        action: Action::Step,
        codes: &[KeyCode::Char(' ')],
    },
    Binding {
        keys: "r / Enter",
        help: "run / pause continuous stepping",
        action: Action::ToggleRun,
        codes: &[KeyCode::Char('r'), KeyCode::Enter],
    },
    Binding {
        keys: "f",
        help: "fast-forward to a stop",
        action: Action::FastForward,
        codes: &[KeyCode::Char('f')],
    },
    Binding {
        keys: "< / > (, .)",
        help: "run slower / faster (1 step/s … max)",
        action: Action::Slower,
        codes: &[KeyCode::Char('<'), KeyCode::Char(',')],
    },
    Binding {
        keys: "",
        help: "",
        action: Action::Faster,
        codes: &[KeyCode::Char('>'), KeyCode::Char('.')],
    },
    Binding {
        keys: "a",
        help: "automatic pace (a few seconds a run)",
        action: Action::AutoPace,
        codes: &[KeyCode::Char('a')],
    },
    Binding {
        keys: "+ / -",
        help: "step size ×2 / ÷2",
        action: Action::StepSizeUp,
        codes: &[KeyCode::Char('+'), KeyCode::Char('=')],
    },
    Binding { keys: "", help: "", action: Action::StepSizeDown, codes: &[KeyCode::Char('-')] },
    Binding {
        keys: "] / [",
        help: "sample size ×2 / ÷2 (resample)",
        action: Action::SampleSizeUp,
        codes: &[KeyCode::Char(']')],
    },
    Binding { keys: "", help: "", action: Action::SampleSizeDown, codes: &[KeyCode::Char('[')] },
    Binding {
        keys: "n",
        help: "new seed (resample)",
        action: Action::NewSeed,
        codes: &[KeyCode::Char('n')],
    },
    Binding {
        keys: "o",
        help: "next optimiser",
        action: Action::CycleOptimizer,
        codes: &[KeyCode::Char('o')],
    },
    Binding {
        keys: "m",
        help: "next model family",
        action: Action::CycleModel,
        codes: &[KeyCode::Char('m')],
    },
    Binding {
        keys: "t",
        help: "next true family",
        action: Action::CycleTruth,
        codes: &[KeyCode::Char('t')],
    },
    Binding {
        keys: "0",
        help: "reset θ to the start",
        action: Action::ResetTheta,
        codes: &[KeyCode::Char('0')],
    },
    Binding {
        keys: "M",
        help: "jump to the maximum-likelihood estimate",
        action: Action::JumpToMle,
        codes: &[KeyCode::Char('M')],
    },
    Binding {
        keys: "p",
        help: "scenario picker",
        action: Action::OpenPicker,
        codes: &[KeyCode::Char('p')],
    },
    Binding {
        keys: "Tab / S-Tab",
        help: "focus next / previous pane",
        action: Action::FocusNext,
        codes: &[KeyCode::Tab],
    },
    Binding { keys: "", help: "", action: Action::FocusPrev, codes: &[KeyCode::BackTab] },
    Binding {
        keys: "Q",
        help: "data pane: histogram → QQ → PP plot",
        action: Action::CycleDataView,
        codes: &[KeyCode::Char('Q')],
    },
    Binding {
        keys: "S",
        help: "sampling distribution of θ̂ over new samples",
        action: Action::ToggleSampling,
        codes: &[KeyCode::Char('S')],
    },
    Binding {
        keys: "z",
        help: "zoom the focused pane",
        action: Action::ToggleZoom,
        codes: &[KeyCode::Char('z')],
    },
    Binding {
        keys: "← → / h l",
        help: "surface: x parameter",
        action: Action::Left,
        codes: &[KeyCode::Left, KeyCode::Char('h')],
    },
    Binding {
        keys: "",
        help: "",
        action: Action::Right,
        codes: &[KeyCode::Right, KeyCode::Char('l')],
    },
    Binding {
        keys: "↑ ↓ / k j",
        help: "surface: y parameter; picker: move",
        action: Action::Up,
        codes: &[KeyCode::Up, KeyCode::Char('k')],
    },
    Binding {
        keys: "",
        help: "",
        action: Action::Down,
        codes: &[KeyCode::Down, KeyCode::Char('j')],
    },
    Binding {
        keys: ":",
        help: "type values: truth, m, seed, η, μ, start θ",
        action: Action::OpenEdit,
        codes: &[KeyCode::Char(':')],
    },
    Binding {
        keys: "x",
        help: "step view: Δθ, gradient, optimiser state",
        action: Action::ToggleStepView,
        codes: &[KeyCode::Char('x')],
    },
    Binding {
        keys: "} / {",
        help: "zoom the surface in / out about θ (wheel)",
        action: Action::ZoomIn,
        codes: &[KeyCode::Char('}')],
    },
    Binding { keys: "", help: "", action: Action::ZoomOut, codes: &[KeyCode::Char('{')] },
    Binding {
        keys: "c",
        help: "frame the surface on the MLE ± 5 SE (its regions)",
        action: Action::FrameRegion,
        codes: &[KeyCode::Char('c')],
    },
    Binding {
        keys: "PgDn / PgUp",
        help: "scroll the lesson",
        action: Action::LessonDown,
        codes: &[KeyCode::PageDown],
    },
    Binding { keys: "", help: "", action: Action::LessonUp, codes: &[KeyCode::PageUp] },
    Binding {
        keys: "e",
        help: "export trajectory to CSV",
        action: Action::Export,
        codes: &[KeyCode::Char('e')],
    },
    Binding {
        keys: "?",
        help: "this help",
        action: Action::ToggleHelp,
        codes: &[KeyCode::Char('?')],
    },
    Binding {
        keys: "Esc",
        help: "close overlay (never quits)",
        action: Action::Back,
        codes: &[KeyCode::Esc],
    },
    Binding {
        keys: "q / Ctrl-C",
        help: "quit",
        action: Action::Quit,
        codes: &[KeyCode::Char('q')],
    },
];

/// The action for a key press, if any.
#[must_use]
pub fn action_for(key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c' | 'C')).then_some(Action::Quit);
    }
    BINDINGS.iter().find(|b| b.codes.contains(&key.code)).map(|b| b.action.clone())
}

/// The help overlay's lines: (keys, description), merging each pair of bindings listed
/// under one entry.
#[must_use]
pub fn help_lines() -> Vec<(&'static str, &'static str)> {
    BINDINGS.iter().filter(|b| !b.keys.is_empty()).map(|b| (b.keys, b.help)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for c in b.codes {
                assert!(!seen.contains(c), "{c:?} bound twice");
                seen.push(*c);
            }
        }
    }

    #[test]
    fn ctrl_c_quits_and_plain_c_frames_the_surface() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(ctrl_c), Some(Action::Quit));
        let plain = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(action_for(plain), Some(Action::FrameRegion));
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE)),
            Some(Action::Step)
        );
    }
}
