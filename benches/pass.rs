//! The per-point pass against its baseline, in ns per point at n = 10^7: Σ ln x with the
//! scalar libm `ln` (what a plain loop costs) and with the vectorised pass, then the fused
//! ℓ + gradient pass of each family that needs one, and the one-time statistics of a new
//! sample and of its logarithms; each on one thread and on all cores. Run with
//! `cargo bench --bench pass`, or with `benches/pass_vs_numpy.sh`, which also times numpy's
//! `np.sum(np.log(x))` in the same run and prints the table.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mlex::stats::family::FamilyKind;
use mlex::stats::pass::{self, Terms};
use mlex::stats::rng::seeded;
use mlex::stats::sample::Sample;
use mlex::stats::vmath;
use rand::RngExt as _;

const N: usize = 10_000_000;

struct Ln;

impl Terms<1> for Ln {
    #[inline(always)]
    fn terms(&self, x: f64) -> [f64; 1] {
        [vmath::ln(x)]
    }
}

fn pools() -> [(&'static str, rayon::ThreadPool); 2] {
    let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("a pool");
    [("1thread", pool(1)), ("all_cores", pool(0))]
}

fn passes(c: &mut Criterion) {
    let mut rng = seeded(3);
    let positive: Vec<f64> = (0..N).map(|_| rng.random::<f64>() * 100.0 + 1e-3).collect();
    let mut group = c.benchmark_group("pass");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(N as u64));

    group.bench_function("sum_ln/libm_scalar", |b| {
        b.iter(|| black_box(&positive).iter().map(|x| x.ln()).sum::<f64>());
    });
    for (threads, pool) in pools() {
        group.bench_function(BenchmarkId::new("sum_ln/vectorised", threads), |b| {
            pool.install(|| b.iter(|| pass::sums(black_box(&positive), &Ln)));
        });
        // The copy each sample takes ownership of is made outside the timing.
        group.bench_function(BenchmarkId::new("sample_statistics", threads), |b| {
            pool.install(|| {
                b.iter_batched(|| positive.clone(), Sample::new, BatchSize::LargeInput);
            });
        });
        group.bench_function(BenchmarkId::new("ln_statistics", threads), |b| {
            pool.install(|| {
                b.iter_batched(
                    || Sample::new(positive.clone()),
                    // The sample is handed back so that freeing it is not timed.
                    |s| {
                        let ln = black_box(s.ln_x());
                        (s, ln)
                    },
                    BatchSize::LargeInput,
                );
            });
        });
    }
    for kind in [
        FamilyKind::Cauchy,
        FamilyKind::StudentT,
        FamilyKind::Weibull,
        FamilyKind::Laplace,
        FamilyKind::NormalMixture,
    ] {
        let (shape, nat) = kind.default_truth();
        let family = kind.build(shape);
        let sample = Sample::new(family.sample(&nat, N, &mut seeded(1)));
        let mut grad = vec![0.0; nat.len()];
        for (threads, pool) in pools() {
            let id = BenchmarkId::new(format!("value_and_gradient/{}", kind.name()), threads);
            group.bench_function(id, |b| {
                pool.install(|| b.iter(|| family.value_and_gradient(&nat, &sample, &mut grad)));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, passes);
criterion_main!(benches);
