//! One evaluation of the objective (ℓ and its gradient) per family at n = 10^3, 10^5 and 10^6,
//! and one gradient-ascent step: the cost a keypress or a tick pays. Run with
//! `cargo bench --bench objective`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mlex::optim::fit::Fit;
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::FamilyKind;
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;

fn objective(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    for kind in [
        FamilyKind::Normal,
        FamilyKind::Gamma,
        FamilyKind::Cauchy,
        FamilyKind::StudentT,
        FamilyKind::Weibull,
        FamilyKind::Laplace,
        FamilyKind::NormalMixture,
    ] {
        let (shape, nat) = kind.default_truth();
        let family = kind.build(shape);
        for n in [1_000usize, 100_000, 1_000_000] {
            let sample = Sample::new(family.sample(&nat, n, &mut seeded(1)));
            let obj = Objective { family: family.as_ref(), sample: &sample };
            let free = family.to_free(&nat);
            group.bench_with_input(BenchmarkId::new(kind.name(), n), &n, |b, _| {
                b.iter(|| black_box(obj.eval(black_box(&free))));
            });
        }
    }
    group.finish();

    let mut steps = c.benchmark_group("gradient_ascent_step");
    steps.sample_size(10);
    let (shape, nat) = FamilyKind::Cauchy.default_truth();
    let family = FamilyKind::Cauchy.build(shape);
    let sample = Sample::new(family.sample(&nat, 1_000_000, &mut seeded(1)));
    let obj = Objective { family: family.as_ref(), sample: &sample };
    let settings =
        Settings { kind: OptimizerKind::GradientAscent, step_size: 0.1, ..Settings::default() };
    let mut fit = Fit::new(&obj, &[0.5, 2.0], settings);
    steps.bench_function("cauchy_1e6", |b| {
        b.iter(|| {
            fit.step(&obj);
        });
    });
    steps.finish();
}

criterion_group!(benches, objective);
criterion_main!(benches);
