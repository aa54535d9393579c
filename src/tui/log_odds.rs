//! The categorical model's picture for k > 3: ℓ over a chosen pair of log-odds
//! ηᵢ = ln(pᵢ / p_last), the others held at the current θ. The log-odds are free coordinates
//! (any values give probabilities on the simplex), so unlike one probability alone, a pair
//! of them can move. A categorical's ℓ is Σⱼ nⱼ ln pⱼ over its counts, so each terminal cell
//! of the map gets its own value, computed as it is drawn. Bands, path and markers are the
//! surface's; arrows choose the pair.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::app::App;
use super::jobs::Surface;
use super::likelihood_pane::{Heatmap, band_legend};
use super::theme::Theme;
use crate::format::axis as short;
use crate::stats::sample::Sample;

/// The map spans the MLE ± this many standard errors of each log-odds (and the path).
const SPAN_SES: f64 = 5.0;

/// The counts behind ℓ and the pair of log-odds on the axes.
#[derive(Debug, Clone)]
pub struct LogOdds {
    /// The count of each category.
    pub counts: Vec<f64>,
    /// The log-odds on the x and y axes (indices of categories other than the last).
    pub pair: (usize, usize),
}

/// The log-odds of probabilities `p` against the last category.
#[must_use]
pub fn log_odds(p: &[f64]) -> Vec<f64> {
    let last = p[p.len() - 1];
    p[..p.len() - 1].iter().map(|pi| (pi / last).ln()).collect()
}

impl LogOdds {
    /// The picture of a model of `k` categories over `sample`, for k > 3.
    #[must_use]
    pub fn new(sample: &Sample, k: usize) -> Option<Self> {
        let st = sample.stats();
        (k > 3).then(|| Self {
            counts: (0..k as i64).map(|j| st.count_of(j) as f64).collect(),
            pair: (0, 1),
        })
    }

    /// ℓ at log-odds `eta` (k − 1 of them; the last category's is 0), by log-sum-exp.
    #[must_use]
    pub fn at(&self, eta: &[f64]) -> Option<f64> {
        let top = eta.iter().fold(0.0_f64, |m, &e| m.max(e));
        let lse = top + (eta.iter().map(|e| (e - top).exp()).sum::<f64>() + (-top).exp()).ln();
        let m: f64 = self.counts.iter().sum();
        let ll =
            self.counts[..eta.len()].iter().zip(eta).map(|(n, e)| n * e).sum::<f64>() - m * lse;
        ll.is_finite().then_some(ll)
    }

    /// The next pair after an arrow key, over the k − 1 log-odds.
    pub fn move_pair(&mut self, forward: bool, x_axis: bool) {
        self.pair = super::both::next_pair(self.pair, self.counts.len() - 1, forward, x_axis);
    }

    /// The standard error of η̂ᵢ = ln(nᵢ / n_last): √(1/nᵢ + 1/n_last) by the delta method.
    fn se(&self, i: usize) -> f64 {
        (1.0 / self.counts[i] + 1.0 / self.counts[self.counts.len() - 1]).sqrt()
    }

    /// ℓ on a `cols` × `rows` grid of the pair, the others at `base`; its ranges cover the
    /// MLE ± [`SPAN_SES`] SE and every point of `seen`. None when the MLE has a category
    /// never seen (its log-odds are −∞ there).
    #[must_use]
    pub fn surface(
        &self,
        base: &[f64],
        mle: &[f64],
        seen: &[Vec<f64>],
        cols: usize,
        rows: usize,
    ) -> Option<Surface> {
        if self.counts.contains(&0.0) || cols < 2 || rows < 2 {
            return None;
        }
        let (px, py) = self.pair;
        let range = |i: usize| {
            let (lo, hi) = (mle[i] - SPAN_SES * self.se(i), mle[i] + SPAN_SES * self.se(i));
            let (lo, hi) = seen
                .iter()
                .map(|e| e[i])
                .filter(|v| v.is_finite())
                .fold((lo, hi), |(a, b), v| (a.min(v), b.max(v)));
            let pad = 0.05 * (hi - lo);
            (lo - pad, hi + pad)
        };
        let grid = |(lo, hi): (f64, f64), n: usize| -> Vec<f64> {
            (0..n).map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64).collect()
        };
        let mut s = Surface::on_grid(base, (px, py), grid(range(px), cols), grid(range(py), rows));
        // Drawn every frame, for up to 999 categories: what the held log-odds contribute is
        // summed once, so a cell costs O(1), not O(k).
        let (n, m) = (&self.counts, self.counts.iter().sum::<f64>());
        let held = |j: &usize| *j != px && *j != py;
        let lin: f64 = (0..base.len()).filter(held).map(|j| n[j] * base[j]).sum();
        let ln_rest = (0..base.len()).filter(held).fold(0.0, |acc, j| log_add_exp(acc, base[j]));
        s.advance_with(cols * rows, |eta| {
            let (x, y) = (eta[px], eta[py]);
            let lse = log_add_exp(ln_rest, log_add_exp(x, y));
            let ll = lin + n[px] * x + n[py] * y - m * lse;
            ll.is_finite().then_some(ll)
        });
        Some(s)
    }
}

/// ln(eᵃ + eᵇ) without overflow.
fn log_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

/// Draws ℓ over the pair of log-odds in `area` of the likelihood pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, lo: &LogOdds, theme: Theme) {
    let run = &app.run;
    let names = run.model.param_names();
    let last = &names[names.len() - 1];
    let [title, map, axis, key] = super::likelihood_pane::picture_rows(area);
    let path: Vec<Vec<f64>> = run.fit.history().iter().map(|r| log_odds(&r.params)).collect();
    let now = log_odds(&run.fit.current().natural);
    let mle = log_odds(&run.mle);
    let mut seen = path.clone();
    seen.push(now.clone());
    let Some(s) = lo.surface(&now, &mle, &seen, usize::from(map.width), usize::from(map.height))
    else {
        frame.render_widget(
            Paragraph::new("A category with no counts has its MLE log-odds at −∞: no picture."),
            area,
        );
        return;
    };
    let (px, py) = lo.pair;
    let eta = |i: usize| format!("ln({}/{last})", names[i]);
    frame.render_widget(
        Paragraph::new(format!(
            "{} ↑ {}..{}",
            eta(py),
            short(s.ys[0]),
            short(s.ys[s.ys.len() - 1])
        )),
        title,
    );
    frame.render_widget(
        Paragraph::new(format!(
            "{} → {}..{}   ●θ ·path ×MLE",
            eta(px),
            short(s.xs[0]),
            short(s.xs[s.xs.len() - 1])
        )),
        axis,
    );
    frame.render_widget(Paragraph::new(band_legend(theme, true)), key);
    let pair_of = |e: &[f64]| (e[px], e[py]);
    let path: Vec<(f64, f64)> = path.iter().map(|e| pair_of(e)).collect();
    frame.render_widget(
        Heatmap {
            surface: &s,
            path: &path,
            current: pair_of(&now),
            mle: pair_of(&mle),
            slice_best: None,
            star: None,
            arrow: None,
            ellipse: &[],
            theme,
        },
        map,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ell_over_log_odds_is_the_sum_of_counts_times_log_probabilities() {
        let lo = LogOdds { counts: vec![3.0, 1.0, 4.0, 2.0], pair: (0, 1) };
        let p = [0.1, 0.2, 0.3, 0.4];
        let by_hand: f64 = lo.counts.iter().zip(p).map(|(n, p)| n * f64::ln(p)).sum();
        let got = lo.at(&log_odds(&p)).expect("finite");
        assert!((got - by_hand).abs() < 1e-12, "{got} vs {by_hand}");
    }

    #[test]
    fn the_grid_by_held_sums_is_ell_at_each_point() {
        let lo = LogOdds { counts: vec![3.0, 1.0, 4.0, 2.0, 5.0], pair: (1, 3) };
        let base = log_odds(&[0.1, 0.2, 0.3, 0.1, 0.3]);
        let s = lo.surface(&base, &base, &[], 7, 5).expect("all seen");
        for (r, &y) in s.ys.iter().enumerate() {
            for (c, &x) in s.xs.iter().enumerate() {
                let mut eta = base.clone();
                (eta[1], eta[3]) = (x, y);
                let want = lo.at(&eta).expect("finite");
                let got = s.values[r * s.xs.len() + c].expect("finite");
                assert!((got - want).abs() <= 1e-9 * want.abs(), "{got} vs {want}");
            }
        }
    }
}
