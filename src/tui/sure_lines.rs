//! The status pane's lines on how sure the fit is: per parameter the estimate ± its
//! standard error (and the sandwich's where it differs), the Wald and profile intervals;
//! then AIC, AICc and BIC. What has no value says the engine's reason, never NaN.

use super::how_sure::{HowSure, PROFILE_MAX_POINTS};
use crate::format::readable as fmt_num;
use crate::optim::inference::{Inference, Undefined};
use crate::words;

/// The sandwich standard error is shown beside the naive one when they differ by more than
/// this fraction: below it the model's variance is as good as right.
const NOTABLE: f64 = 0.1;
/// At most this many parameters get a line each (a mixture has five; a categorical up to
/// 999): the rest are counted.
const MAX_LINES: usize = 5;

/// One line per parameter (or one line when a single reason covers them all), then the
/// criteria's; empty past the explorer's inference size.
#[must_use]
pub fn lines(how_sure: &HowSure) -> Vec<String> {
    let Some(inf) = &how_sure.inference else {
        return vec![
            "no standard errors: too many parameters to invert the information on every \
                     build (mlex fit gives them)"
                .to_string(),
        ];
    };
    let se = inf.se();
    let mut out = Vec::new();
    // A fit that is no maximum leaves every quantity undefined for the same reason: say it once.
    if let (Some(Err(first)), true) = (se.first(), se.iter().all(Result::is_err))
        && inf.wald.iter().all(|w| w.as_ref().err() == Some(first))
    {
        out.push(format!(
            "no standard errors or intervals: {}",
            words::undefined(first, &inf.names)
        ));
    } else {
        let sandwich = inf.sandwich_se();
        let mut said = None;
        for i in 0..inf.names.len().min(MAX_LINES) {
            out.push(parameter(inf, i, &se[i], &sandwich[i], how_sure.profile_skipped, &mut said));
        }
        if inf.names.len() > MAX_LINES {
            out.push(format!(
                "… {} more parameters (mlex fit lists them)",
                inf.names.len() - MAX_LINES
            ));
        }
    }
    out.push(criteria(inf));
    out
}

/// "mu 1.02 ± 0.031 (sandwich ± 0.045) · 95% Wald [0.96, 1.08] · profile [0.96, 1.08]".
fn parameter(
    inf: &Inference,
    i: usize,
    se: &Result<f64, Undefined>,
    sandwich: &Result<f64, Undefined>,
    profile_skipped: bool,
    said: &mut Option<&'static str>,
) -> String {
    let names = &inf.names;
    let name = &names[i];
    let estimate = fmt_num(inf.estimate[i]);
    let level = format!("{}%", (inf.level.value() * 100.0).round());
    let head = match se {
        Ok(se) => {
            let sw = match sandwich {
                Ok(sw) if (sw / se - 1.0).abs() > NOTABLE => {
                    format!(" (sandwich ± {})", fmt_num(*sw))
                }
                _ => String::new(),
            };
            format!("{name} {estimate} ± {}{sw}", fmt_num(*se))
        }
        Err(u) => format!("{name} {estimate}, no SE: {}", words::undefined(u, names)),
    };
    let wald = match &inf.wald[i] {
        Ok((lo, hi)) => format!(" · {level} Wald [{}, {}]", fmt_num(*lo), fmt_num(*hi)),
        Err(_) => String::new(),
    };
    let profile = match inf.profile.as_ref().map(|p| &p[i]) {
        Some(Ok(interval)) => {
            let end = |side: &Result<f64, Undefined>| match side {
                Ok(v) => (fmt_num(*v), None),
                Err(Undefined::Open { edge, .. }) => {
                    (format!("open to {}", words::limit_value(*edge)), None)
                }
                Err(u) => ("?".to_string(), Some(words::undefined(u, names))),
            };
            let (lo, why_lo) = end(&interval.lower);
            let (hi, why_hi) = end(&interval.upper);
            let why: Vec<String> = why_lo.into_iter().chain(why_hi).collect();
            let why = if why.is_empty() { String::new() } else { format!(" ({})", why.join("; ")) };
            format!(" · profile [{lo}, {hi}]{why}")
        }
        // The same reason for the next parameter (a simplex's every entry) is not said again.
        Some(Err(u)) if *said == Some(words::undefined_name(u)) => {
            " · no profile (as above)".to_string()
        }
        Some(Err(u)) => {
            *said = Some(words::undefined_name(u));
            format!(" · no profile: {}", words::undefined(u, names))
        }
        None if profile_skipped => {
            format!(" · profile not traced above m = {PROFILE_MAX_POINTS} here (mlex fit has it)")
        }
        None => String::new(),
    };
    format!("{head}{wald}{profile}")
}

/// "AIC 123.4 · AICc 123.5 · BIC 128.7 (k = 2)".
fn criteria(inf: &Inference) -> String {
    let c = &inf.criteria;
    match (&c.aic, &c.aicc, &c.bic) {
        (Ok(aic), aicc, Ok(bic)) => {
            let aicc = match aicc {
                Ok(v) => fmt_num(*v),
                Err(_) => "none (m ≤ k + 1)".to_string(),
            };
            format!(
                "AIC {} · AICc {aicc} · BIC {} (k = {})",
                fmt_num(*aic),
                fmt_num(*bic),
                c.parameters
            )
        }
        (Err(u), _, _) | (_, _, Err(u)) => {
            format!("no AIC or BIC: {}", words::undefined(u, &inf.names))
        }
    }
}
