//! The mouse, as a second way to do what keys do: a click focuses the pane under it (Tab),
//! a click on the likelihood surface or the ℓ(θ) curve starts a new run from the θ under the
//! pointer (the form's start θ, `:`), and the wheel zooms the surface about the pointer
//! (`}` / `{` zoom about θ). Positions are read through the same layout the view draws with
//! (`view::screen`, `likelihood_pane::split`), so a click lands where the eye sees it.

use ratatui::layout::{Position, Rect};

use super::app::App;
use super::likelihood_pane::{map_area, profile_columns, split, theta_at};
use super::pane::Pane;
use super::view::screen;
use crate::format::readable as fmt_num;
use crate::stats::model::Model as _;

/// One wheel notch shrinks (or widens) each axis of the surface to this fraction.
const WHEEL_ZOOM: f64 = 0.8;

/// Where a point of the screen falls on the picture over θ.
enum OnPicture {
    /// Not on it.
    Off,
    /// On the surface of two parameters: (x, y) in their natural units.
    Surface(f64, f64),
    /// On the ℓ(θ) curve of one parameter.
    Curve(f64),
}

impl App {
    /// The likelihood pane's rectangle on the screen now, if shown.
    fn likelihood_rect(&self) -> Option<Rect> {
        let (w, h) = self.size;
        let layout = screen(Rect::new(0, 0, w, h), self.zoomed, self.focus);
        layout.panes.into_iter().find(|(p, _)| *p == Pane::Likelihood).map(|(_, r)| r)
    }

    fn on_picture(&self, column: u16, row: u16) -> OnPicture {
        let (Some(rect), Some(s)) = (self.likelihood_rect(), &self.run.surface) else {
            return OnPicture::Off;
        };
        let inner = Rect::new(
            rect.x + 1,
            rect.y + 1,
            rect.width.saturating_sub(2),
            rect.height.saturating_sub(2),
        );
        let (_, picture) = split(inner);
        if s.is_profile() {
            let (first, width, x0, x1) = profile_columns(picture, s);
            let inside = picture.contains(Position::new(column, row))
                && column >= first
                && column < first + width
                && width > 0;
            if !inside {
                return OnPicture::Off;
            }
            let f = (f64::from(column - first) + 0.5) / f64::from(width);
            return OnPicture::Curve(x0 + f * (x1 - x0));
        }
        theta_at(map_area(picture), s, column, row)
            .map_or(OnPicture::Off, |(x, y)| OnPicture::Surface(x, y))
    }

    /// A click: focus the pane under it; on the picture over θ, a new run from there.
    pub(super) fn click(&mut self, column: u16, row: u16) {
        let (w, h) = self.size;
        let layout = screen(Rect::new(0, 0, w, h), self.zoomed, self.focus);
        if let Some((pane, _)) =
            layout.panes.iter().find(|(_, r)| r.contains(Position::new(column, row)))
        {
            self.focus = *pane;
        }
        let mut theta = self.run.fit.current().natural.clone();
        let (px, py) = self.run.surface.as_ref().map_or((0, 0), |s| (s.px, s.py));
        match self.on_picture(column, row) {
            OnPicture::Off => return,
            OnPicture::Curve(x) => theta[px] = x,
            OnPicture::Surface(x, y) => (theta[px], theta[py]) = (x, y),
        }
        if self.run.model.check(&theta).is_err()
            || !self.run.objective().eval_natural(&theta).is_finite()
        {
            self.message = "no run from there: ℓ is not defined at that θ".into();
            return;
        }
        self.start_from(theta);
        let names = self.run.model.param_names();
        let at: Vec<String> = names
            .iter()
            .zip(&self.run.start)
            .map(|(n, v)| format!("{n} = {}", fmt_num(*v)))
            .collect();
        self.message = format!(
            "a new run from the clicked θ: {} (the previous run is archived; r runs)",
            at.join(", ")
        );
    }

    /// The wheel over the picture: zoom about the pointer.
    pub(super) fn wheel(&mut self, column: u16, row: u16, closer: bool) {
        let factor = if closer { WHEEL_ZOOM } else { 1.0 / WHEEL_ZOOM };
        match self.on_picture(column, row) {
            OnPicture::Off => {}
            OnPicture::Curve(x) => self.zoom(factor, (x, 0.0)),
            OnPicture::Surface(x, y) => self.zoom(factor, (x, y)),
        }
    }
}
