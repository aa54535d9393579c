//! A fit stepped in batches elsewhere (the explorer's stepper thread: a continuation that
//! holds only the history's tail, handed back and absorbed) is the fit stepped in place:
//! every record, the point, the optimiser's state and the verdicts.

use mlex::optim::fit::{Fit, Stopping};
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::{FamilyKind, Shape};
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;

/// Steps `fit` in batches of `batch` through continuations, as the stepper does, judging
/// the stop before each step and after the last.
fn stepped_in_batches(
    objective: &Objective<'_>,
    mut fit: Fit,
    stopping: &Stopping,
    batch: usize,
) -> Fit {
    loop {
        let mut continued = fit.continuation();
        let mut taken = 0;
        let mut stop = continued.conclude(objective, stopping);
        while stop.is_none() && taken < batch {
            continued.step(objective);
            taken += 1;
            stop = continued.conclude(objective, stopping);
        }
        fit.absorb(continued).expect("a continuation of this fit");
        if stop.is_some() {
            assert_eq!(fit.conclude(objective, stopping), stop, "the verdict travels with it");
            return fit;
        }
    }
}

#[test]
fn a_fit_stepped_in_continuations_is_the_fit_stepped_in_place() {
    let cases = [
        (FamilyKind::NormalMixture, OptimizerKind::Newton, 1.0),
        (FamilyKind::StudentT, OptimizerKind::Newton, 1.0),
        // Refusals, a step size that halves and recovers, and the stall rule's windows.
        (FamilyKind::NormalMixture, OptimizerKind::GradientAscent, 8.0),
        (FamilyKind::Cauchy, OptimizerKind::Momentum, 0.5),
        (FamilyKind::Laplace, OptimizerKind::Adam, 0.05),
    ];
    for (kind, optimizer, step_size) in cases {
        let (shape, truth) = kind.default_truth();
        let family = kind.build(shape);
        let sample = Sample::new(family.sample(&truth, 3000, &mut seeded(3)));
        let objective = Objective { family: family.as_ref(), sample: &sample };
        let settings = Settings { kind: optimizer, step_size, ..Settings::default() };
        let start = family.start(&sample);
        let stopping = Stopping { max_steps: 400, ..Stopping::default() };
        let mut direct = Fit::new(&objective, &start, settings);
        let reason = direct.run(&objective, &stopping);
        for batch in [1, 7, 64] {
            let batched = stepped_in_batches(
                &objective,
                Fit::new(&objective, &start, settings),
                &stopping,
                batch,
            );
            assert_eq!(batched.history(), direct.history(), "{kind:?} {optimizer:?} batch {batch}");
            assert_eq!(batched.current(), direct.current(), "{kind:?} {optimizer:?}");
            assert_eq!(batched.verdict(), Some(reason), "{kind:?} {optimizer:?}");
        }
    }
}

#[test]
fn a_continuation_of_another_fit_is_not_absorbed() {
    let family = FamilyKind::Normal.build(Shape::default());
    let sample = Sample::new(family.sample(&[0.0, 1.0], 500, &mut seeded(1)));
    let objective = Objective { family: family.as_ref(), sample: &sample };
    let mut fit = Fit::new(&objective, &[1.0, 2.0], Settings::default());
    fit.step(&objective);
    let mut stale = fit.continuation();
    stale.step(&objective);
    // The fit moved on meanwhile (a jump, a key): the stale continuation no longer fits.
    fit.jump_to(&objective, &[0.5, 1.5]);
    let before = fit.history().to_vec();
    assert_eq!(fit.absorb(stale), None);
    assert_eq!(fit.history(), before.as_slice());
}
