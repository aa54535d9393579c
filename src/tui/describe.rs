//! The lesson beside the status pane, kept true: the preset's own text while the setup is
//! the preset's, and once the user changes the truth or the model away from it, a generated
//! description of what is on screen now (what the data are, what is fitted, whether the
//! model family contains the truth, what to watch) instead of a text about a setup that is
//! gone. Also the lazy word wrap the lesson box reads, which wraps only the lines shown.

use std::fmt::Write as _;

use super::app::App;
use crate::format::readable as fmt_num;
use crate::optim::inference::comparison::{NESTED, Nesting};
use crate::scenario::Source;
use crate::stats::family::FamilyKind;

/// Whether the model family holds the true distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contains {
    /// The same family: some θ gives the truth itself.
    Yes,
    /// The truth is the model with one parameter fixed (an exponential is a gamma of shape 1).
    Restriction(&'static str),
    /// Only in a limit the optimiser can approach but not reach (a normal is a t with df → ∞).
    Limit(&'static str),
    /// No θ gives the truth: a KL gap remains at every m.
    No,
}

/// Whether a `model` family contains a `truth` family's distributions.
#[must_use]
pub fn contains(model: FamilyKind, truth: FamilyKind) -> Contains {
    if model == truth {
        return Contains::Yes;
    }
    NESTED.iter().find(|n| n.alternative == model && n.null == truth).map_or(Contains::No, |n| {
        match n.nesting {
            Nesting::Interior => Contains::Restriction(n.restriction),
            Nesting::Boundary => Contains::Limit(n.restriction),
        }
    })
}

/// Whether the truth or the model is no longer the preset's, so its lesson no longer holds.
#[must_use]
pub fn changed_from_preset(app: &App) -> bool {
    let session = &app.session;
    let truth_changed = match (&session.scenario.source, &session.truth) {
        (Source::Truth { kind, shape, params }, Some((k, s, p))) => {
            (kind, shape, params) != (k, s, p)
        }
        _ => false,
    };
    truth_changed || app.run.model.kind() != session.scenario.model
}

/// The text of the lesson box: its title and body.
#[must_use]
pub fn lesson(app: &App) -> (String, String) {
    if changed_from_preset(app) {
        ("This setup".into(), describe(app))
    } else {
        let s = &app.session.scenario;
        (format!("Lesson: {}", s.title), s.lesson.clone())
    }
}

/// What is on screen, in words.
#[must_use]
pub fn describe(app: &App) -> String {
    let run = &app.run;
    let session = &app.session;
    let model = run.model.kind();
    let m = run.sample.len();
    let mut out = String::new();
    let names = run.model.param_names().join(", ");
    match &session.truth {
        Some((kind, shape, params)) => {
            let family = kind.build(*shape);
            let named: Vec<String> = family
                .param_names()
                .iter()
                .zip(params)
                .map(|(n, v)| format!("{n} = {}", fmt_num(*v)))
                .collect();
            let _ = write!(
                out,
                "The data: {m} draws from {} {kind} with {} (seed {}). ",
                article(*kind),
                named.join(", "),
                session.seed
            );
            let _ = write!(
                out,
                "The fit: {} {model} model ({names}) by {}, climbing ℓ(θ) = Σ log q(xᵢ; θ). ",
                article(model),
                session.settings.kind
            );
            let _ = write!(out, "{} ", containment(model, *kind));
        }
        None => {
            let _ = write!(
                out,
                "The data: {m} values read from a file; no true distribution is known, so only \
                 the empirical side can be shown. The fit: {} {model} model ({names}) by {}. ",
                article(model),
                session.settings.kind
            );
        }
    }
    let discrete = model.is_discrete() && run.sample.stats().whole;
    if discrete {
        out.push_str(
            "Whole-number data under a discrete model: H(p̂) and D(p̂‖q_θ) are exact sums, so \
             the cross-entropy pane splits H(p̂, q_θ) = H(p̂) + D(p̂‖q_θ) and the fit drives the \
             D(p̂‖q_θ) part down. ",
        );
    } else {
        out.push_str(
            "Densities, not probabilities: H(p̂, q_θ) = −ℓ/m may be negative, and D(p̂‖q) is not \
             defined for point masses, so the reference is the truth's H(p) and H(p, q_θ). ",
        );
    }
    out.push_str(
        "Watch: ℓ climbing in the likelihood pane while H(p̂, q_θ) = −ℓ/m falls by the same \
         amount divided by m, the fitted curve settling over the histogram, and the raw product \
         of the q(xᵢ) underflowing long before the log-sum is troubled.",
    );
    out
}

/// "a" or "an" before a family's name.
fn article(kind: FamilyKind) -> &'static str {
    if kind.name().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

fn containment(model: FamilyKind, truth: FamilyKind) -> String {
    match contains(model, truth) {
        Contains::Yes => format!(
            "The {model} family contains the truth: as m grows θ̂ approaches the true \
             parameters and H(p, q_θ̂) comes down to H(p), the KL gap closing."
        ),
        Contains::Restriction(r) => format!(
            "The {model} family contains the {truth} (at {r}): θ̂ finds that restriction as m \
             grows, and the KL gap closes."
        ),
        Contains::Limit(r) => format!(
            "The {model} family contains the {truth} only in the limit {r}: the fit runs towards \
             that edge of the parameter space and the gap closes only there."
        ),
        Contains::No => format!(
            "The {model} family does not contain {} {truth}: the best θ is the q closest to p \
             in KL, so H(p, q_θ) levels off above H(p) by D(p‖q_θ̂) > 0, a gap no amount of \
             data closes (misspecification).",
            article(truth)
        ),
    }
}

/// Lines of `text` wrapped to `width` columns at spaces (a word longer than the width is cut),
/// paragraphs kept at newlines: only the first `limit` lines are made, so a megabyte of lesson
/// costs what the lines shown cost.
#[must_use]
pub fn wrap(text: &str, width: usize, limit: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    if limit == 0 {
        return out;
    }
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut len = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let mut word: Vec<char> = word.chars().collect();
            loop {
                if out.len() >= limit {
                    return out;
                }
                let need = word.len() + usize::from(len > 0);
                if len + need <= width {
                    if len > 0 {
                        line.push(' ');
                    }
                    line.extend(word.iter());
                    len += need;
                    break;
                }
                if len > 0 {
                    out.push(std::mem::take(&mut line));
                    len = 0;
                    continue;
                }
                // A word wider than the line: cut it.
                let rest = word.split_off(width);
                out.push(word.iter().collect());
                word = rest;
                if word.is_empty() {
                    break;
                }
            }
        }
        if out.len() >= limit {
            return out;
        }
        out.push(line);
    }
    out
}
