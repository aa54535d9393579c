//! The likelihood surface fills coarse first (every 4th column of every 3rd row), showing
//! each point its block's lattice value meanwhile, then exact; the finished surface is each
//! point's own ℓ, whatever the order.

use mlex::stats::family::{FamilyKind, Shape};
use mlex::stats::model::Model as _;
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use mlex::tui::jobs::{COARSE, GRID_X, GRID_Y, Surface};

#[test]
fn the_surface_shows_the_coarse_lattice_first_then_every_point_exactly() {
    let family = FamilyKind::Cauchy.build(Shape::default());
    let sample = Sample::new(family.sample(&[0.0, 1.0], 2000, &mut seeded(4)));
    let objective = Objective { family: family.as_ref(), sample: &sample };
    let ranges = [(-1.0, 1.0), (0.5, 2.0)];
    let mut s = Surface::new(family.as_ref(), &[0.0, 1.0], (0, 1), &ranges);
    let lattice = GRID_X.div_ceil(COARSE.0) * GRID_Y.div_ceil(COARSE.1);
    assert_eq!(s.coarse, lattice);
    s.advance(&objective, lattice - 1);
    assert!(!s.coarse_done());
    assert_eq!(s.shown(1, 1), None, "nothing stands in before the lattice is done");
    s.advance(&objective, 1);
    assert!(s.coarse_done());
    let (xs, ys) = (s.xs.clone(), s.ys.clone());
    let ll = |gx: usize, gy: usize| objective.log_likelihood(&[xs[gx], ys[gy]]);
    for (gx, gy) in [(0, 0), (5, 7), (GRID_X - 1, GRID_Y - 1)] {
        let (lx, ly) = (gx - gx % COARSE.0, gy - gy % COARSE.1);
        assert_eq!(s.shown(gx, gy), Some(ll(lx, ly)), "({gx}, {gy}) shows its block's corner");
    }
    s.advance(&objective, usize::MAX);
    assert!(s.complete());
    for gy in 0..GRID_Y {
        for gx in 0..GRID_X {
            assert_eq!(s.shown(gx, gy), Some(ll(gx, gy)), "({gx}, {gy})");
        }
    }
}
