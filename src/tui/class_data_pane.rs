//! The classification data pane. Two or more features: the points of a chosen pair coloured
//! (and marked) by class over the model's probability field, shaded by the predicted class
//! and how sure it is, with the decision boundary (p = ½, or where the argmax changes)
//! traced through it. One feature: the points on the axis at y = 0 and 1 with the fitted and
//! the true p(y = 1 | x).

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

use super::class_app::ClassApp;
use super::class_run::{FIELD_X, FIELD_Y, Field};
use super::pane::Pane;
use super::theme::{Theme, rich_colours};
use super::view::{framed, labels, legend};
use crate::format::axis as short;
use crate::stats::classify::Labelled;

/// Marks of the classes, told apart without colour.
const MARKS: [char; 6] = ['o', '+', 'x', '*', '#', '%'];

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &ClassApp, focused: bool, theme: Theme) {
    let run = &app.run;
    let classes = run.points.classes();
    let mut keys = Vec::new();
    for (c, name) in classes.iter().enumerate().take(MARKS.len()) {
        let mark = if run.curves.is_some() { '•' } else { MARKS[c] };
        keys.extend(legend(&mark.to_string(), &format!("y = {name}"), point_style(theme, c)));
    }
    if run.curves.is_some() {
        keys.extend(legend("━", "fitted q(1|x)", theme.model()));
        keys.extend(legend("━", "true p(1|x)", theme.truth()));
    } else {
        keys.extend(legend("·", "boundary", Style::default()));
    }
    let detail = format!("m = {}, accuracy {:.1} %", run.points.len(), 100.0 * run.now.accuracy);
    let block = framed(Pane::Data, focused, theme, &detail, keys);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some([fitted, truth]) = &run.curves {
        curves(frame, inner, &run.points, fitted, truth, theme);
    } else if let Some(field) = &run.field {
        let [map, axis] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
        let features = run.points.features();
        frame.render_widget(
            Paragraph::new(format!(
                "{} → {}..{}   {} ↑ {}..{}",
                features[field.fx],
                short(field.x.0),
                short(field.x.1),
                features[field.fy],
                short(field.y.0),
                short(field.y.1)
            )),
            axis,
        );
        frame.render_widget(FieldMap { field, points: &run.points, theme }, map);
    }
}

/// The style of class `c`'s points.
fn point_style(theme: Theme, c: usize) -> Style {
    const FG: [Color; 6] = [
        Color::LightCyan,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightMagenta,
        Color::White,
    ];
    // Bold, and on a 256-colour terminal a pale pink for class 1: LightRed on the field's
    // deep red (124) could hardly be read.
    let fg = if c == 1 && rich_colours() { Color::Indexed(217) } else { FG[c % FG.len()] };
    if theme.color {
        Style::default().fg(fg).add_modifier(ratatui::style::Modifier::BOLD)
    } else {
        Style::default()
    }
}

/// The background of a cell predicted as class `c` with probability `p`: deeper the surer.
fn shade(theme: Theme, c: usize, p: f64) -> Style {
    const RICH: [[u8; 3]; 3] = [[17, 18, 19], [52, 88, 124], [22, 28, 34]];
    const BASIC: [Color; 3] = [Color::Blue, Color::Red, Color::Green];
    if !theme.color {
        return Style::default();
    }
    let level = if p < 0.6 {
        0
    } else if p < 0.9 {
        1
    } else {
        2
    };
    if rich_colours() {
        Style::default().bg(Color::Indexed(RICH[c % 3][level]))
    } else if level == 2 {
        Style::default().bg(BASIC[c % 3])
    } else {
        Style::default()
    }
}

/// The field behind the points.
struct FieldMap<'a> {
    field: &'a Field,
    points: &'a Labelled,
    theme: Theme,
}

impl FieldMap<'_> {
    /// The predicted class and its probability at grid cell (gx, gy).
    fn argmax(&self, gx: usize, gy: usize) -> (usize, f64) {
        let k = self.points.classes().len();
        let at = (gy * FIELD_X + gx) * k;
        let cell = &self.field.probs[at..at + k];
        (1..k).fold((0, cell[0]), |(b, p), c| if cell[c] > p { (c, cell[c]) } else { (b, p) })
    }
}

impl Widget for FieldMap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 2 || area.height < 2 {
            return;
        }
        let (w, h) = (usize::from(area.width), usize::from(area.height));
        let grid = |col: usize, row: usize| {
            let gx = (col * FIELD_X / w).min(FIELD_X - 1);
            // Row 0 of the screen is the top; row 0 of the grid the bottom.
            let gy = ((h - 1 - row) * FIELD_Y / h).min(FIELD_Y - 1);
            self.argmax(gx, gy)
        };
        for row in 0..h {
            for col in 0..w {
                let (c, p) = grid(col, row);
                // The boundary runs where the predicted class differs from a neighbour's.
                let edge = (col + 1 < w && grid(col + 1, row).0 != c)
                    || (row + 1 < h && grid(col, row + 1).0 != c);
                let cell = &mut buf[(area.x + col as u16, area.y + row as u16)];
                cell.set_style(shade(self.theme, c, p));
                cell.set_char(if edge { '·' } else { ' ' });
            }
        }
        let f = self.field;
        let (xs, ys) = (self.points.column(f.fx), self.points.column(f.fy));
        for (i, (&x, &y)) in xs.iter().zip(ys).enumerate() {
            let fx = (x - f.x.0) / (f.x.1 - f.x.0);
            let fy = (y - f.y.0) / (f.y.1 - f.y.0);
            if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
                continue;
            }
            let col = (fx * w as f64) as u16;
            let row = (h - 1 - (fy * h as f64) as usize) as u16;
            let c = self.points.labels()[i] as usize;
            let cell = &mut buf[(area.x + col, area.y + row)];
            cell.set_char(MARKS[c % MARKS.len()]);
            if let Some(fg) = point_style(self.theme, c).fg {
                cell.set_fg(fg);
            }
        }
    }
}

/// One feature: the points at 0 and 1 by label, the fitted and true p(y = 1 | x).
fn curves(
    frame: &mut Frame,
    area: Rect,
    points: &Labelled,
    fitted: &[(f64, f64)],
    truth: &[(f64, f64)],
    theme: Theme,
) {
    let xs = points.column(0);
    let by_class: Vec<Vec<(f64, f64)>> = (0..points.classes().len())
        .map(|c| {
            xs.iter()
                .zip(points.labels())
                .filter(|(_, y)| **y as usize == c)
                .map(|(x, _)| (*x, if c == 0 { 0.0 } else { 1.0 }))
                .collect()
        })
        .collect();
    let mut sets = Vec::new();
    for (c, pts) in by_class.iter().enumerate() {
        sets.push(
            Dataset::default()
                .marker(Marker::Dot)
                .graph_type(GraphType::Scatter)
                .style(point_style(theme, c))
                .data(pts),
        );
    }
    sets.push(
        Dataset::default()
            .marker(theme.second_marker())
            .graph_type(GraphType::Line)
            .style(theme.truth())
            .data(truth),
    );
    sets.push(
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.model())
            .data(fitted),
    );
    let (x0, x1) = (fitted[0].0, fitted[fitted.len() - 1].0);
    let chart = Chart::new(sets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .title(points.features()[0].as_str())
                .bounds([x0, x1])
                .labels(labels(x0, x1)),
        )
        .y_axis(Axis::default().title("p(y=1|x)").bounds([-0.05, 1.05]).labels(vec![
            Span::raw("0"),
            Span::raw("0.5"),
            Span::raw("1"),
        ]));
    frame.render_widget(chart, area);
}
