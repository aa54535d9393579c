//! Lessons that stay true: every preset's lesson is on screen from 80×24 up, wrapped and
//! scrollable with PgUp / PgDn (with a hint while there is more); once the truth or the model
//! is changed away from the preset, a description of the setup now replaces it, and what it
//! says about the model containing the truth is checked against a fit.

use mlex::scenario::{self, PRESETS};
use mlex::stats::family::FamilyKind;
use mlex::tui::action::Action;
use mlex::tui::app::App;
use mlex::tui::describe::{Contains, changed_from_preset, contains, describe, wrap};
use mlex::tui::effect::apply;
use mlex::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app(preset: &str) -> App {
    App::new(scenario::load(preset).expect("preset"), None, false).expect("app")
}

/// The screen's text, one string per row.
fn rows(a: &mut App, w: u16, h: u16) -> Vec<String> {
    apply(a, Action::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| view::draw(f, a)).expect("draw");
    let buf = terminal.backend().buffer();
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect()).collect()
}

/// The screen's words, in order, with box-drawing and spaces removed.
fn words(rows: &[String]) -> String {
    rows.iter()
        .flat_map(|r| r.split(['│', '┌', '┐', '└', '┘', '─', ' ', '\n']))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_preset_shows_the_start_of_its_lesson_at_80x24() {
    for (name, _) in PRESETS {
        let mut a = app(name);
        let s = a.session.scenario.clone();
        let shown = words(&rows(&mut a, 80, 24));
        let first: Vec<&str> = s.lesson.split_whitespace().take(3).collect();
        assert!(
            shown.contains(&first.join(" ")),
            "{name}: the lesson's start {first:?} is not on screen:\n{shown}"
        );
    }
}

#[test]
fn a_long_lesson_says_there_is_more_and_pages_to_its_end_and_back() {
    let mut a = app("normal-basics");
    let screen = rows(&mut a, 80, 24).join("\n");
    assert!(screen.contains("more: PgDn"), "{screen}");
    assert!(!words(std::slice::from_ref(&screen)).contains("the KL gap close."));
    let mut pages = 0;
    loop {
        apply(&mut a, Action::LessonDown);
        pages += 1;
        let shown = rows(&mut a, 80, 24).join("\n");
        if !shown.contains("more: PgDn") {
            assert!(words(std::slice::from_ref(&shown)).contains("KL gap close."), "{shown}");
            assert!(shown.contains("PgUp"), "{shown}");
            break;
        }
        assert!(pages < 20, "never reached the end");
    }
    // Past the end it stays at the end.
    let at_end = a.lesson_scroll;
    apply(&mut a, Action::LessonDown);
    assert_eq!(a.lesson_scroll, at_end);
    for _ in 0..=pages {
        apply(&mut a, Action::LessonUp);
    }
    assert_eq!(a.lesson_scroll, 0);
    assert!(rows(&mut a, 80, 24).join("\n").contains("Lesson"));
}

#[test]
fn after_a_new_truth_the_lesson_gives_way_to_a_description_of_the_setup() {
    let mut a = app("normal-basics");
    assert!(!changed_from_preset(&a));
    apply(&mut a, Action::CycleTruth);
    assert!(changed_from_preset(&a));
    let shown = words(&rows(&mut a, 120, 40));
    assert!(!shown.contains("The data come from a normal"), "the stale lesson is still shown");
    assert!(shown.contains("This setup"), "{shown}");
    let text = describe(&a);
    assert!(text.contains("500 draws from an exponential with rate = "), "{text}");
    assert!(text.contains("a normal model (mu, sigma)"), "{text}");
    assert!(text.contains("does not contain an exponential"), "{text}");
    // Back to the preset's truth and model (loading it again): its own lesson again.
    apply(&mut a, Action::Load("normal-basics".into()));
    assert!(!changed_from_preset(&a));
}

#[test]
fn a_new_model_is_described_too() {
    let mut a = app("normal-basics");
    apply(&mut a, Action::CycleModel);
    assert_eq!(a.run.model.kind(), FamilyKind::Laplace);
    let text = describe(&a);
    assert!(text.contains("a laplace model (loc, scale)"), "{text}");
    assert!(text.contains("does not contain a normal"), "{text}");
    assert!(text.contains("Densities, not probabilities"), "{text}");
}

#[test]
fn a_nested_truth_is_said_to_be_contained_and_the_fit_finds_the_restriction() {
    assert_eq!(contains(FamilyKind::Normal, FamilyKind::Normal), Contains::Yes);
    assert_eq!(
        contains(FamilyKind::Gamma, FamilyKind::Exponential),
        Contains::Restriction("shape = 1")
    );
    assert_eq!(contains(FamilyKind::StudentT, FamilyKind::Normal), Contains::Limit("df → ∞"));
    assert_eq!(contains(FamilyKind::Exponential, FamilyKind::Gamma), Contains::No);
    // An exponential truth under a gamma model: the gamma's MLE has shape near 1.
    let mut a = app("normal-basics");
    apply(&mut a, Action::CycleTruth);
    assert_eq!(a.session.truth.as_ref().map(|t| t.0), Some(FamilyKind::Exponential));
    while a.run.model.kind() != FamilyKind::Gamma {
        apply(&mut a, Action::CycleModel);
    }
    let text = describe(&a);
    assert!(text.contains("contains the exponential (at shape = 1)"), "{text}");
    let shape = a.run.mle[0];
    // 500 draws: the shape's standard error is about 0.055.
    assert!((shape - 1.0).abs() < 0.25, "shape {shape}");
}

#[test]
fn the_wrap_keeps_every_word_in_order_within_the_width_and_stops_at_the_limit() {
    let text = "The data come from a normal with mu = 2 and sigma = 1.5.\nA_very_long_word_that_is_wider_than_the_box and more";
    for width in [5, 12, 30, 80] {
        let lines = wrap(text, width, usize::MAX);
        assert!(lines.iter().all(|l| l.chars().count() <= width), "{width}: {lines:?}");
        let joined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original, "{width}");
    }
    assert_eq!(wrap(text, 12, 3).len(), 3);
    assert!(wrap(text, 12, 0).is_empty());
    // A megabyte lesson gives only the lines asked for.
    let big = "word ".repeat(200_000);
    assert_eq!(wrap(&big, 40, 10), vec!["word word word word word word word word".to_string(); 10]);
}
