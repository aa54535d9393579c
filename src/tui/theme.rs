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

    /// The likelihood surface's band `level` (0 = the innermost region): a background
    /// colour from a ramp whose lightness falls monotonically from the centre outwards
    /// (yellow, green, teal, blue, then darkening greys) so it reads in order on dark and
    /// light terminals alike; 256 colours where the terminal has them, a 16-colour ramp
    /// otherwise; without colour, a character whose ink grows towards the centre.
    #[must_use]
    pub fn band(self, level: usize) -> (char, Style) {
        const CHARS: [char; BANDS] = ['@', '#', '+', '=', '-', ':', '.', '`', ' '];
        const RICH: [u8; BANDS] = [226, 148, 71, 37, 32, 246, 242, 239, 236];
        const BASIC: [Color; BANDS] = [
            Color::Yellow,
            Color::Green,
            Color::Cyan,
            Color::Blue,
            Color::Magenta,
            Color::Gray,
            Color::DarkGray,
            Color::DarkGray,
            Color::Reset,
        ];
        let i = level.min(BANDS - 1);
        if !self.color {
            (CHARS[i], Style::default())
        } else if rich_colours() {
            (' ', Style::default().bg(Color::Indexed(RICH[i])))
        } else {
            (' ', Style::default().bg(BASIC[i]))
        }
    }
}

/// True when the terminal says it has 256 colours or more (`COLORTERM`, or a `TERM` such as
/// `xterm-256color`); read once.
pub(super) fn rich_colours() -> bool {
    static RICH: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *RICH.get_or_init(|| {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        matches!(var("COLORTERM").as_str(), "truecolor" | "24bit") || var("TERM").contains("256")
    })
}

/// Bands of the likelihood surface: four likelihood-ratio regions, then bands of growing
/// 2(ℓ̂ − ℓ) out to the rest.
pub const BANDS: usize = 9;
