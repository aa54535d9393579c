//! What inference costs beyond the fit: the whole inference object (observed information,
//! covariances, sandwich, Wald and profile intervals, criteria) and the goodness-of-fit
//! statistics at 10^6 points, without a bootstrap; and a 1 000-replicate parametric
//! bootstrap of the goodness of fit at 10^3 points; `mlex simulate` at 200 repeats of 10^3
//! points. Run with `cargo bench --bench inference`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mlex::optim::fit::{Fit, Stopping};
use mlex::optim::inference::bootstrap::{Bootstrap, goodness_of_fit};
use mlex::optim::inference::{Fitted, Level, infer};
use mlex::optim::{OptimizerKind, Settings};
use mlex::stats::family::{Family, FamilyKind, Shape};
use mlex::stats::objective::Objective;
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;

/// The families timed: one with sufficient statistics (gamma), two that pass over the data
/// at every evaluation (weibull with a closed Hessian, the t without one).
const FAMILIES: [(FamilyKind, &[f64]); 3] = [
    (FamilyKind::Gamma, &[2.0, 1.0]),
    (FamilyKind::Weibull, &[2.0, 10.0]),
    (FamilyKind::StudentT, &[3.0, 0.0, 1.0]),
];

/// A family, its sample and the fit's final point and stop.
fn fitted(
    kind: FamilyKind,
    truth: &[f64],
    m: usize,
) -> (Box<dyn Family>, Sample, Fit, mlex::optim::fit::StopReason) {
    let family = kind.build(Shape::default());
    let sample = Sample::new(family.sample(truth, m, &mut seeded(7)));
    let model = Objective { family: family.as_ref(), sample: &sample };
    let settings = Settings { kind: OptimizerKind::Newton, ..Settings::default() };
    let mut fit = Fit::new(&model, &family.start(&sample), settings);
    let reason = fit.run(&model, &Stopping::default());
    (family, sample, fit, reason)
}

fn inference_at_a_million(c: &mut Criterion) {
    let mut group = c.benchmark_group("inference");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    for (kind, truth) in FAMILIES {
        let (family, sample, fit, reason) = fitted(kind, truth, 1_000_000);
        let model = Objective { family: family.as_ref(), sample: &sample };
        let point = Fitted { point: fit.current(), reason, kinked: fit.kinked() };
        group.bench_function(BenchmarkId::new("object", kind.name()), |b| {
            b.iter(|| black_box(infer(&model, &point, Level::DEFAULT, true)));
        });
        group.bench_function(BenchmarkId::new("gof", kind.name()), |b| {
            b.iter(|| {
                black_box(goodness_of_fit(family.as_ref(), &sample, &point, Bootstrap::default()))
            });
        });
    }
    group.finish();
}

fn bootstrap_at_a_thousand(c: &mut Criterion) {
    let mut group = c.benchmark_group("bootstrap");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(10));
    for (kind, truth) in FAMILIES {
        let (family, sample, fit, reason) = fitted(kind, truth, 1_000);
        let point = Fitted { point: fit.current(), reason, kinked: fit.kinked() };
        let bootstrap = Bootstrap { replicates: 1_000, seed: 1 };
        group.bench_function(BenchmarkId::new("1000x1000", kind.name()), |b| {
            b.iter(|| black_box(goodness_of_fit(family.as_ref(), &sample, &point, bootstrap)));
        });
    }
    group.finish();
}

/// `mlex simulate`: 200 repeats at m = 1000, each a Newton fit with Wald and profile intervals.
fn simulate_200_at_a_thousand(c: &mut Criterion) {
    use mlex::runner::simulate::{SimulateRequest, simulate};
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(10));
    for preset in ["waiting-times", "normal-basics", "heavy-tails-t"] {
        let scenario = mlex::scenario::load(preset).expect("a preset");
        let req = SimulateRequest {
            repeats: 200,
            sizes: vec![1000],
            seed: Some(1),
            level: Level::DEFAULT,
            profile: true,
        };
        group.bench_function(BenchmarkId::new("200x1000", preset), |b| {
            b.iter(|| black_box(simulate(&scenario, &req).expect("it runs")));
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    inference_at_a_million,
    bootstrap_at_a_thousand,
    simulate_200_at_a_thousand
);
criterion_main!(benches);
