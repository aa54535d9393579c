//! The surface's view window: zoom about θ (`}` / `{`) or a point (the wheel, from
//! `mouse.rs`), and frame the MLE's confidence regions (`c`). Each keeps the ranges where
//! the parameters make sense and starts filling the surface afresh.

use super::app::App;
use crate::format::readable as fmt_num;

/// One press of `}` / `{` zooms by this fraction.
const KEY_ZOOM: f64 = 0.5;
/// `c` frames the MLE ± this many standard errors on each axis shown: the 99.9 % region of
/// two parameters reaches √13.8 ≈ 3.7 of them where the likelihood is quadratic, and the
/// margin shows where it is not.
const FRAME_SES: f64 = 5.0;

impl App {
    /// `}` / `{`: zoom about θ.
    pub(super) fn zoom_about_theta(&mut self, closer: bool) {
        let Some(s) = &self.run.surface else {
            self.message = "no surface to zoom: a categorical model has none".into();
            return;
        };
        let now = &self.run.fit.current().natural;
        let centre = (now[s.px], now[s.py]);
        self.zoom(if closer { KEY_ZOOM } else { 1.0 / KEY_ZOOM }, centre);
    }

    /// Scales the surface's ranges by `factor` about `centre`.
    pub(super) fn zoom(&mut self, factor: f64, centre: (f64, f64)) {
        let Some(axes) = self.shown_axes() else { return };
        let window: Vec<(usize, (f64, f64))> = axes
            .into_iter()
            .zip([centre.0, centre.1])
            .map(|(i, c)| {
                let (lo, hi) = self.run.ranges[i];
                (i, (c + (lo - c) * factor, c + (hi - c) * factor))
            })
            .collect();
        self.message = format!("surface zoomed to {}", self.set_window(&window));
    }

    /// `c`: the surface framed on the MLE's confidence regions, ±[`FRAME_SES`] standard
    /// errors about it on each axis shown; said, and left alone, where a standard error is
    /// missing (no verified maximum, a flat direction).
    pub(super) fn frame_region(&mut self) {
        let Some(axes) = self.shown_axes() else {
            self.message = "no surface to frame: a categorical model has none".into();
            return;
        };
        let mut window = Vec::new();
        for i in axes {
            match self.run.mle_se.get(i).copied().flatten() {
                Some(se) if se.is_finite() && se > 0.0 => {
                    let m = self.run.mle[i];
                    window.push((i, (m - FRAME_SES * se, m + FRAME_SES * se)));
                }
                _ => {
                    let name = &self.run.model.param_names()[i];
                    self.message =
                        format!("no standard error for {name} (see Status): the surface stays");
                    return;
                }
            }
        }
        self.message = format!(
            "surface framed on the MLE ± {FRAME_SES} SE: {} ({{ zooms out)",
            self.set_window(&window)
        );
    }

    /// The parameters on the surface's axes: one for the ℓ(θ) curve, else two.
    fn shown_axes(&self) -> Option<Vec<usize>> {
        let s = self.run.surface.as_ref()?;
        Some(if s.is_profile() { vec![s.px] } else { vec![s.px, s.py] })
    }

    /// Sets the ranges, kept where the parameters make sense (as the ranges were made), and
    /// starts filling the surface afresh; "mu 1.2..3.4, sigma 0.5..0.9" as set.
    fn set_window(&mut self, window: &[(usize, (f64, f64))]) -> String {
        let layout = self.run.model.layout();
        for &(i, range) in window {
            let estimate = self.run.mle[i];
            self.run.ranges[i] =
                layout.entry(i).map_or(range, |(spec, _)| spec.clip_range(range, estimate));
        }
        self.run.reset_surface();
        let names = self.run.model.param_names();
        let shown: Vec<String> = window
            .iter()
            .map(|&(i, _)| {
                let (lo, hi) = self.run.ranges[i];
                format!("{} {}..{}", names[i], fmt_num(lo), fmt_num(hi))
            })
            .collect();
        shown.join(", ")
    }
}
