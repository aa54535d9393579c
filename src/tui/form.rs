//! The edit form (`:`): the values a user may type instead of stepping to them with keys —
//! the truth's family and parameters, the sample size, the seed, the step size η, the
//! momentum μ and the start θ. Enter checks every field; the first bad one is named in the
//! form, which stays open, and the current run is kept. Good values are applied as the keys
//! would: optimiser settings in place, a new start as a new run from iteration 0, and a new
//! truth, sample size or seed through the worker (`rebuild.rs`), like `t`, `]` and `n`.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::action::Action;
use super::app::{App, MAX_TUI_SAMPLE};
use super::effect::Effect;
use super::pane::Overlay;
use super::run::StartFrom;
use super::theme::Theme;
use super::view::{centered, popup};
use crate::format::exact;
use crate::optim::fit::Fit;
use crate::stats::family::{FamilyKind, Shape};
use crate::stats::model::Model as _;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// The true family's name.
    TruthFamily,
    /// The truth's parameters, by name or in order.
    TruthParams,
    /// Sample size m.
    SampleSize,
    /// The sampling seed.
    Seed,
    /// The step size η of the first-order optimisers.
    StepSize,
    /// The momentum coefficient μ.
    Momentum,
    /// Where θ starts, in the model's natural parameters.
    Start,
}

impl FieldKind {
    /// The field's name, as the form and its errors say it.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::TruthFamily => "truth family",
            Self::TruthParams => "truth parameters",
            Self::SampleSize => "sample size m",
            Self::Seed => "seed",
            Self::StepSize => "step size η",
            Self::Momentum => "momentum μ",
            Self::Start => "start θ",
        }
    }
}

/// One typed value and the text it opened with.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// What it holds.
    pub kind: FieldKind,
    /// The text as typed.
    pub text: String,
}

/// The form's state while it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// The fields, in the order shown.
    pub fields: Vec<Field>,
    /// The field being typed in.
    pub selected: usize,
    /// Why the last Enter was refused, naming the field.
    pub error: Option<String>,
}

impl Form {
    /// The field of this kind, if the form has it (a data scenario has no truth).
    #[must_use]
    pub fn field(&self, kind: FieldKind) -> Option<&Field> {
        self.fields.iter().find(|f| f.kind == kind)
    }

    /// Replaces the text of the field of this kind (scripts and tests type whole values).
    pub fn set(&mut self, kind: FieldKind, text: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.kind == kind) {
            f.text = text.to_string();
        }
    }
}

/// The values of a form that passed every check.
struct Typed {
    truth: Option<(FamilyKind, Shape, Vec<f64>)>,
    sample_size: usize,
    seed: u64,
    step_size: f64,
    momentum: f64,
    start: Vec<f64>,
}

/// The action for a key while the form is open: characters are typed, not bound.
#[must_use]
pub fn typing_action(key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c' | 'C')).then_some(Action::Quit);
    }
    Some(match key.code {
        KeyCode::Char(c) => Action::Type(c),
        KeyCode::Backspace | KeyCode::Delete => Action::Erase,
        KeyCode::Enter => Action::Submit,
        KeyCode::Esc => Action::Back,
        KeyCode::Tab | KeyCode::Down => Action::Down,
        KeyCode::BackTab | KeyCode::Up => Action::Up,
        _ => return None,
    })
}

/// Values as the form shows them: `name = value, …`.
fn named(names: &[String], values: &[f64]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n} = {}", exact(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl App {
    /// Opens the form on the current values.
    pub(super) fn open_form(&mut self) {
        let session = &self.session;
        let mut fields = Vec::new();
        let mut add = |kind, text: String| fields.push(Field { kind, text });
        if let Some((kind, shape, params)) = &session.truth {
            let family = kind.build(*shape);
            let mut text = named(&family.param_names(), params);
            if let (Some(part), Some(n)) = (kind.fixed_part(), shape.0)
                && part.in_json
            {
                text = format!("{} = {n}, {text}", part.name);
            }
            add(FieldKind::TruthFamily, kind.to_string());
            add(FieldKind::TruthParams, text);
            add(FieldKind::SampleSize, session.sample_size.to_string());
            add(FieldKind::Seed, session.seed.to_string());
        }
        add(FieldKind::StepSize, exact(session.settings.step_size));
        add(FieldKind::Momentum, exact(session.settings.momentum));
        add(
            FieldKind::Start,
            named(&self.run.model.param_names(), &self.run.fit.current().natural),
        );
        self.overlay = Overlay::Edit(Box::new(Form { fields, selected: 0, error: None }));
    }

    /// An action while the form is open; it stays open unless applied or cancelled.
    pub(super) fn update_form(&mut self, action: &Action, mut form: Box<Form>) -> Vec<Effect> {
        let n = form.fields.len().max(1);
        match action {
            Action::Type(c) => form.fields[form.selected].text.push(*c),
            Action::Erase => {
                form.fields[form.selected].text.pop();
            }
            Action::Down | Action::FocusNext => form.selected = (form.selected + 1) % n,
            Action::Up | Action::FocusPrev => form.selected = (form.selected + n - 1) % n,
            Action::Back => {
                self.message = "edit cancelled: nothing changed".into();
                return Vec::new();
            }
            Action::Submit | Action::ToggleRun => match self.check_form(&form) {
                Ok(typed) => return self.apply_typed(typed),
                Err((at, why)) => {
                    form.selected = at;
                    form.error = Some(why);
                }
            },
            _ => {}
        }
        self.overlay = Overlay::Edit(form);
        Vec::new()
    }

    /// Every field checked, in order: the first bad one's index and what is wrong with it.
    fn check_form(&self, form: &Form) -> Result<Typed, (usize, String)> {
        let at = |kind: FieldKind| form.fields.iter().position(|f| f.kind == kind).unwrap_or(0);
        let text = |kind: FieldKind| form.field(kind).map(|f| f.text.trim());
        let bad = |kind: FieldKind, why: String| (at(kind), format!("{}: {why}", kind.label()));
        let session = &self.session;
        let truth = match (text(FieldKind::TruthFamily), &session.truth) {
            (Some(name), Some(current)) => {
                let kind = FamilyKind::from_name(name).ok_or_else(|| {
                    bad(
                        FieldKind::TruthFamily,
                        format!("no family named '{name}' (one of {})", FamilyKind::all_names()),
                    )
                })?;
                let params = text(FieldKind::TruthParams).unwrap_or_default();
                let same = (kind == current.0).then_some(current.1);
                Some(truth_values(kind, same, params).map_err(|e| bad(FieldKind::TruthParams, e))?)
            }
            _ => None,
        };
        let sample_size = match text(FieldKind::SampleSize) {
            Some(t) => {
                whole(t).filter(|m| (1..=MAX_TUI_SAMPLE as u64).contains(m)).ok_or_else(|| {
                    bad(
                        FieldKind::SampleSize,
                        format!("must be a whole number from 1 to {MAX_TUI_SAMPLE}, got '{t}'"),
                    )
                })? as usize
            }
            None => session.sample_size,
        };
        let seed = match text(FieldKind::Seed) {
            Some(t) => t.replace('_', "").parse::<u64>().map_err(|_| {
                bad(
                    FieldKind::Seed,
                    format!("must be a whole number from 0 to {}, got '{t}'", u64::MAX),
                )
            })?,
            None => session.seed,
        };
        let number = |kind: FieldKind| {
            let t = text(kind).unwrap_or_default();
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(kind, format!("must be a finite number, got '{t}'")))
        };
        let step_size = number(FieldKind::StepSize)?;
        if !(step_size > 0.0 && step_size <= 1e12) {
            return Err(bad(
                FieldKind::StepSize,
                format!("must be greater than 0 and at most 1e12, got {}", exact(step_size)),
            ));
        }
        let momentum = number(FieldKind::Momentum)?;
        if !(0.0..1.0).contains(&momentum) {
            // μ ≥ 1 makes the velocity grow without bound: the run can only diverge.
            return Err(bad(
                FieldKind::Momentum,
                format!("must be at least 0 and below 1, got {}", exact(momentum)),
            ));
        }
        let model = self.run.model.as_ref();
        let names = model.param_names();
        let start_text = text(FieldKind::Start).unwrap_or_default();
        let start = values_by_name(start_text, &names).map_err(|e| bad(FieldKind::Start, e))?;
        model.check(&start).map_err(|e| bad(FieldKind::Start, e.to_string()))?;
        if start != self.run.fit.current().natural
            && !self.run.objective().eval_natural(&start).is_finite()
        {
            return Err(bad(
                FieldKind::Start,
                "ℓ is not finite there (a data point lies outside the model's support)".into(),
            ));
        }
        Ok(Typed { truth, sample_size, seed, step_size, momentum, start })
    }

    /// Applies values that passed the checks.
    fn apply_typed(&mut self, typed: Typed) -> Vec<Effect> {
        let Typed { truth, sample_size, seed, step_size, momentum, start } = typed;
        let mut said = Vec::new();
        let settings = &mut self.session.settings;
        if settings.step_size != step_size || settings.momentum != momentum {
            (settings.step_size, settings.momentum) = (step_size, momentum);
            self.run.fit.set_settings(*settings);
            said.push(format!(
                "η = {}, μ = {} (θ and history kept)",
                exact(step_size),
                exact(momentum)
            ));
        }
        let new_truth = truth.is_some() && truth != self.session.truth;
        let rebuild =
            new_truth || sample_size != self.session.sample_size || seed != self.session.seed;
        let moved = start != self.run.fit.current().natural;
        if rebuild {
            if let Some((kind, shape, params)) = truth
                && new_truth
            {
                self.set_truth(kind, shape, params);
                said.push(format!("truth {kind}"));
            }
            self.session.sample_size = sample_size;
            self.session.seed = seed;
            said.push(format!("m = {sample_size}, seed {seed}"));
            let from = if moved && self.session.model_kind == self.run.model.kind() {
                StartFrom::Keep(start)
            } else {
                StartFrom::Scenario
            };
            return self.rebuild(format!("typed: {}", said.join("; ")), from);
        }
        if moved {
            self.start_from(start);
            said.push("a new run from the typed start (the previous one is archived)".into());
        }
        self.message = if said.is_empty() {
            "nothing changed".into()
        } else {
            format!("typed: {}", said.join("; "))
        };
        Vec::new()
    }

    /// A new run of the same sample and model from `start` (natural parameters, admitted),
    /// the current one archived: what a typed start and a click on the surface do.
    pub(super) fn start_from(&mut self, start: Vec<f64>) {
        self.archive_run();
        self.running = false;
        self.fast_forward = false;
        let objective = self.run.objective();
        self.run.fit = Fit::new(&objective, &start, self.session.settings);
        self.run.start = start;
        self.session.stopping = self.session.scenario.stopping;
        self.run.truth_series.clear();
        self.run.series_seen = usize::MAX;
        self.after_theta_change();
    }
}

/// A whole number, also written with underscores or as 1e6.
fn whole(text: &str) -> Option<u64> {
    let t = text.replace('_', "");
    t.parse::<u64>().ok().or_else(|| {
        let v = t.parse::<f64>().ok()?;
        (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1.8e19).then_some(v as u64)
    })
}

/// `name = value, …` (every name once) or the values in order, separated by commas.
fn values_by_name(text: &str, names: &[String]) -> Result<Vec<f64>, String> {
    let tokens: Vec<&str> =
        text.split([',', ';']).map(str::trim).filter(|t| !t.is_empty()).collect();
    let number = |name: &str, t: &str| {
        t.trim().parse::<f64>().map_err(|_| format!("{name} must be a number, got '{}'", t.trim()))
    };
    if tokens.iter().all(|t| !t.contains('=')) {
        if tokens.len() != names.len() {
            return Err(format!(
                "needs {} values ({}), got {}",
                names.len(),
                names.join(", "),
                tokens.len()
            ));
        }
        return tokens.iter().zip(names).map(|(t, n)| number(n, t)).collect();
    }
    let mut out = vec![None; names.len()];
    for t in tokens {
        let Some((name, value)) = t.split_once('=') else {
            return Err(format!("'{t}' has no name: write every value as name = value"));
        };
        let name = name.trim();
        let i = names.iter().position(|n| n == name).ok_or_else(|| {
            format!("there is no parameter '{name}' (the parameters: {})", names.join(", "))
        })?;
        out[i] = Some(number(name, value)?);
    }
    out.iter()
        .zip(names)
        .map(|(v, n)| {
            v.ok_or_else(|| format!("{n} is missing (the parameters: {})", names.join(", ")))
        })
        .collect()
}

/// A truth of family `kind` from typed text: its fixed part (binomial's n by name,
/// categorical's k from the number of probabilities; else `current`, else the family's
/// typical one) and its parameters, checked as a scenario's truth is.
fn truth_values(
    kind: FamilyKind,
    current: Option<Shape>,
    text: &str,
) -> Result<(FamilyKind, Shape, Vec<f64>), String> {
    let mut shape = current.unwrap_or_else(|| kind.default_truth().0);
    let mut rest = Vec::new();
    let part = kind.fixed_part();
    for t in text.split([',', ';']).map(str::trim).filter(|t| !t.is_empty()) {
        match (part, t.split_once('=')) {
            (Some(p), Some((name, value))) if name.trim() == p.name => {
                let v = whole(value.trim()).ok_or_else(|| {
                    format!("{} must be a whole number, got '{}'", p.name, value.trim())
                })?;
                shape = Shape::fixed(p.check(v).map_err(|e| e.to_string())?);
            }
            _ => rest.push(t),
        }
    }
    if let Some(p) = part
        && !p.in_json
    {
        // A categorical's k is the number of probabilities given.
        shape = Shape::fixed(p.check(rest.len() as u64).map_err(|e| e.to_string())?);
    }
    let family = kind.build(shape);
    let params = values_by_name(&rest.join(", "), &family.param_names())?;
    family.layout().check_truth(&params).map_err(|e| e.to_string())?;
    Ok((kind, shape, params))
}

/// Draws the form over the panes.
pub fn draw(frame: &mut Frame, area: Rect, form: &Form, theme: Theme) {
    let h = form.fields.len() as u16 + 6;
    let inner = popup(
        frame,
        centered(area, 78, h),
        "edit values — ↑↓/Tab field, Enter applies, Esc cancels",
    );
    let mut lines: Vec<Line> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let on = i == form.selected;
            let text = if on { format!("{}▏", f.text) } else { f.text.clone() };
            Line::from(vec![
                Span::styled(format!("{:>17} ", f.kind.label()), theme.title(on)),
                Span::styled(
                    text,
                    if on { theme.model() } else { ratatui::style::Style::default() },
                ),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    match &form.error {
        Some(e) => lines
            .push(Line::from(Span::styled(format!("✗ {e} (the run is unchanged)"), theme.warn()))),
        None => lines.push(Line::from("Values by name (mu = 1, sigma = 2) or in order (1, 2).")),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
