//! Colours and markers. With NO_COLOR set every style is the terminal's default and the
//! series are told apart by their markers and legends alone; the colours chosen read on
//! light and dark backgrounds alike (no white, black or yellow text).

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;

/// The styles the panes use.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Whether colour is on.
    pub color: bool,
}

impl Theme {
    fn pick(self, c: Color) -> Style {
        if self.color { Style::default().fg(c) } else { Style::default() }
    }

    /// The sample's bars.
    #[must_use]
    pub fn data(self) -> Style {
        self.pick(Color::Blue)
    }

    /// The true distribution.
    #[must_use]
    pub fn truth(self) -> Style {
        self.pick(Color::Green)
    }

    /// The fitted model.
    #[must_use]
    pub fn model(self) -> Style {
        self.pick(Color::Magenta)
    }

    /// The f64 product.
    #[must_use]
    pub fn f64_product(self) -> Style {
        self.pick(Color::Red)
    }

    /// The f32 product.
    #[must_use]
    pub fn f32_product(self) -> Style {
        self.pick(Color::Cyan)
    }

    /// Reference lines.
    #[must_use]
    pub fn reference(self) -> Style {
        self.pick(Color::DarkGray)
    }

    /// Titles of panes, bold; the focused one also reversed.
    #[must_use]
    pub fn title(self, focused: bool) -> Style {
        let s = Style::default().add_modifier(Modifier::BOLD);
        if focused { s.add_modifier(Modifier::REVERSED) } else { s }
    }

    /// Emphasis (converged, the current θ).
    #[must_use]
    pub fn good(self) -> Style {
        self.pick(Color::Green).add_modifier(Modifier::BOLD)
    }

    /// Warnings (refused steps, not converged).
    #[must_use]
    pub fn warn(self) -> Style {
        self.pick(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Marker for a second line in the same chart, distinct without colour.
    #[must_use]
    pub fn second_marker(self) -> Marker {
        if self.color { Marker::Braille } else { Marker::Dot }
    }

    /// Ramp of the likelihood surface from the top band down.
    #[must_use]
    pub fn band(self, level: usize) -> (char, Style) {
        const CHARS: [char; 8] = ['@', '%', '#', '*', '+', '=', '-', '.'];
        const COLORS: [Color; 8] = [
            Color::Red,
            Color::LightRed,
            Color::Magenta,
            Color::LightMagenta,
            Color::Blue,
            Color::LightBlue,
            Color::Cyan,
            Color::DarkGray,
        ];
        let i = level.min(7);
        if self.color {
            ('█', Style::default().fg(COLORS[i]))
        } else {
            (CHARS[i], Style::default())
        }
    }
}
