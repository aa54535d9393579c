//! What the explorer's inference adds to building a run at m = 10^6 (the build runs on the
//! loop's worker, so this is how much later a new sample appears, not a frame): the whole
//! `Run::build`, then its inference part (`HowSure::at`: SEs, sandwich, Wald, AIC, QQ/PP
//! points from the sample sorted once for the histogram too, and the profile for one
//! parameter) beside what the build computed before it, the standard errors alone (`infer`
//! without profiles). Run with `cargo bench --bench how_sure`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mlex::optim::fit::StopReason;
use mlex::optim::inference::{Fitted, Level, infer};
use mlex::scenario;
use mlex::stats::model::Model as _;
use mlex::tui::how_sure::HowSure;
use mlex::tui::run::{Run, StartFrom};

fn scenario(family: &str, params: &str) -> scenario::Scenario {
    let text = format!(
        "title = \"bench\"\nseed = 3\nsample_size = 1000000\n[truth]\nfamily = \"{family}\"\nparams = {{ {params} }}\n[model]\nfamily = \"{family}\"\n"
    );
    scenario::parse(&text, "bench", None).expect("bench scenario")
}

fn how_sure(c: &mut Criterion) {
    for (family, params) in [("gamma", "shape = 2.0, rate = 1.0"), ("exponential", "rate = 2.0")] {
        let s = scenario(family, params);
        c.bench_function(&format!("run_build_{family}_1e6"), |b| {
            b.iter(|| Run::build(black_box(&s), 3, None, &StartFrom::Scenario).expect("build"));
        });
        let run = Run::build(&s, 3, None, &StartFrom::Scenario).expect("build");
        let objective = run.objective();
        let kinked = vec![false; objective.dim()];
        let reason = StopReason::GradientTolerance;
        let mut sorted = run.sample.values().to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        c.bench_function(&format!("how_sure_{family}_1e6"), |b| {
            b.iter(|| HowSure::at(&objective, black_box(&run.mle), reason, &kinked, &sorted));
        });
        c.bench_function(&format!("se_only_{family}_1e6"), |b| {
            b.iter(|| {
                let point = objective.eval_natural(black_box(&run.mle));
                let fitted = Fitted { point: &point, reason, kinked: &kinked };
                infer(&objective, &fitted, Level::default(), false).se()
            });
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = how_sure
}
criterion_main!(benches);
