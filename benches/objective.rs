//! What one optimiser step costs, per family, at n = 10^3, 10^5 and 10^7: constant for the
//! families with sufficient statistics, one pass over the data for the others. Run with
//! `cargo bench --bench objective`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mlex::optim::fit::Fit;
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::FamilyKind;
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;

fn steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for kind in FamilyKind::ALL {
        let (shape, nat) = kind.default_truth();
        let family = kind.build(shape);
        for n in [1_000usize, 100_000, 10_000_000] {
            let sample = Sample::new(family.sample(&nat, n, &mut seeded(1)));
            let obj = Objective { family: family.as_ref(), sample: &sample };
            let start = family.start(&sample);
            for optimizer in [OptimizerKind::GradientAscent, OptimizerKind::Newton] {
                let settings = Settings { kind: optimizer, ..Settings::default() };
                let id = BenchmarkId::new(format!("{}/{optimizer:?}", kind.name()), n);
                group.bench_function(id, |b| {
                    // A fresh fit per batch, so every timed step is a real step away from
                    // the start, not a no-op at a converged point.
                    b.iter_batched_ref(
                        || Fit::new(&obj, &start, settings),
                        |fit| black_box(fit.step(&obj).log_likelihood),
                        criterion::BatchSize::LargeInput,
                    );
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, steps);
criterion_main!(benches);
