//! The categorical model's picture for k = 3: ℓ over the probability triangle, where moving
//! one probability alone would leave the simplex (so the two-parameter surface cannot show
//! it). The triangle is drawn with p₀ = 1 at the bottom left, p₁ = 1 at the bottom right and
//! p₂ = 1 at the top; a point (x, y) of the unit square (y up) is the probabilities
//! p₂ = y, p₁ = x − y/2, p₀ = 1 − p₁ − p₂, inside the triangle when all three are ≥ 0.
//! Bands, path and markers are the surface's: the χ²₂ likelihood-ratio regions around the
//! MLE, the whole path, θ, the MLE and the truth.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::{Paragraph, Widget};

use super::app::App;
use super::likelihood_pane::{band_legend, band_of, line_cells};
use super::theme::Theme;
use crate::stats::family::Family;
use crate::stats::sample::Sample;

/// The probabilities at (x, y) of the unit square, None outside the triangle.
#[must_use]
pub fn probabilities(x: f64, y: f64) -> Option<[f64; 3]> {
    let p2 = y;
    let p1 = x - 0.5 * y;
    let p0 = 1.0 - p1 - p2;
    // A rounding error's worth of slack keeps the edges and corners in.
    let slack = -1e-12;
    (p0 >= slack && p1 >= slack && p2 >= slack).then(|| [p0.max(0.0), p1.max(0.0), p2.max(0.0)])
}

/// Where probabilities `p` (summing to 1) sit in the unit square.
#[must_use]
pub fn position(p: &[f64]) -> (f64, f64) {
    (p[1] + 0.5 * p[2], p[2])
}

/// What ℓ over the triangle needs: a categorical's ℓ is Σⱼ nⱼ ln pⱼ over its three counts, so
/// a point of the picture costs three logarithms, and each terminal cell gets its own.
#[derive(Debug, Clone)]
pub struct Simplex {
    /// The counts of the three categories.
    pub counts: [f64; 3],
    /// The largest ℓ, at the MLE (the frequencies), against which the bands are drawn.
    pub best: f64,
}

impl Simplex {
    /// The picture of a three-category model over `sample`, whose best ℓ is at `mle`.
    #[must_use]
    pub fn new(model: &dyn Family, sample: &Sample, mle: &[f64]) -> Self {
        let st = sample.stats();
        let counts = [0, 1, 2].map(|j| st.count_of(j) as f64);
        Self { counts, best: model.log_likelihood(mle, sample) }
    }

    /// ℓ at unit-square point (x, y); None outside the triangle, or on an edge where a
    /// category with counts has probability 0 (ℓ = −∞).
    #[must_use]
    pub fn at(&self, x: f64, y: f64) -> Option<f64> {
        let p = probabilities(x, y)?;
        // 0 ln 0 = 0: a category never seen costs nothing at probability 0.
        let ll: f64 =
            self.counts.iter().zip(p).map(|(&c, p)| if c > 0.0 { c * p.ln() } else { 0.0 }).sum();
        ll.is_finite().then_some(ll)
    }
}

/// Draws the triangle in `area` of the likelihood pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &Simplex, theme: Theme) {
    let run = &app.run;
    let names = run.model.param_names();
    let [title, map, axis, key] = super::likelihood_pane::picture_rows(area);
    let apex = format!("{} = 1", names[2]);
    let pad = (usize::from(title.width) / 2).saturating_sub(apex.chars().count() / 2);
    frame.render_widget(Paragraph::new(format!("{}{apex}", " ".repeat(pad))), title);
    let truth = run
        .truth
        .as_ref()
        .filter(|t| t.family().kind() == run.model.kind() && t.params().len() == 3)
        .map(|t| position(t.params()));
    // The corners' names at the base's ends, the markers between them where there is room.
    let left = format!("{}=1", names[0]);
    let right = format!("{}=1", names[1]);
    let markers =
        if truth.is_some() { "●θ ·path ×MLE ◆truth" } else { "●θ ·path ×MLE" };
    let room = usize::from(axis.width).saturating_sub(left.chars().count() + right.chars().count());
    let middle = if room >= markers.chars().count() + 2 { markers } else { "" };
    let side = room.saturating_sub(middle.chars().count());
    let base =
        format!("{left}{}{middle}{}{right}", " ".repeat(side / 2), " ".repeat(side - side / 2));
    frame.render_widget(Paragraph::new(base), axis);
    frame.render_widget(Paragraph::new(band_legend(theme, false)), key);
    let path: Vec<(f64, f64)> = run.fit.history().iter().map(|r| position(&r.params)).collect();
    frame.render_widget(
        Triangle {
            simplex: s,
            path: &path,
            current: position(&run.fit.current().natural),
            mle: position(&run.mle),
            truth,
            theme,
        },
        map,
    );
}

/// The banded triangle with the path and markers over it.
struct Triangle<'a> {
    simplex: &'a Simplex,
    path: &'a [(f64, f64)],
    current: (f64, f64),
    mle: (f64, f64),
    truth: Option<(f64, f64)>,
    theme: Theme,
}

/// The terminal cell of unit-square point (x, y) in `area`.
#[must_use]
pub fn cell_of(area: Rect, (x, y): (f64, f64)) -> Option<(u16, u16)> {
    if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) || area.width < 2 || area.height < 2 {
        return None;
    }
    let cx = area.x + (x * f64::from(area.width - 1)).round() as u16;
    let cy = area.y + area.height - 1 - (y * f64::from(area.height - 1)).round() as u16;
    Some((cx, cy))
}

impl Widget for Triangle<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 2 || area.height < 2 {
            return;
        }
        for row in 0..area.height {
            let y = f64::from(area.height - 1 - row) / f64::from(area.height - 1);
            for col in 0..area.width {
                let x = f64::from(col) / f64::from(area.width - 1);
                if probabilities(x, y).is_none() {
                    continue;
                }
                let cell = &mut buf[(area.x + col, area.y + row)];
                match self.simplex.at(x, y) {
                    Some(v) => {
                        let (ch, style) =
                            self.theme.band(band_of(2.0 * (self.simplex.best - v).max(0.0)));
                        cell.set_char(ch).set_style(style);
                    }
                    // On an edge where a category with counts has probability 0: ℓ = −∞.
                    None => {
                        cell.set_char('.');
                    }
                }
            }
        }
        let mark = |buf: &mut Buffer, c: (u16, u16), ch: char| {
            let cell = &mut buf[c];
            cell.set_char(ch);
            if self.theme.color {
                cell.set_fg(Color::Black);
            }
        };
        let cells: Vec<(u16, u16)> = self.path.iter().filter_map(|&p| cell_of(area, p)).collect();
        for pair in cells.windows(2) {
            for c in line_cells(pair[0], pair[1]) {
                mark(buf, c, '·');
            }
        }
        if let Some(c) = self.truth.and_then(|p| cell_of(area, p)) {
            mark(buf, c, '◆');
        }
        if let Some(c) = cell_of(area, self.mle) {
            mark(buf, c, '×');
        }
        if let Some(c) = cell_of(area, self.current) {
            mark(buf, c, '●');
        }
    }
}
