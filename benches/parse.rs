//! Reading a 10^7-line data file, in MB/s of file: the plain form (one number per line, as
//! `mlex fit` reads a sample) and the CSV form (a header and `--column`). The files are
//! written once to a temporary folder from a fixed seed. Run with `cargo bench --bench parse`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mlex::data::{ReadOptions, read_data};
use mlex::stats::rng::seeded;
use rand::RngExt as _;
use rand_distr::StandardNormal;

/// Lines in each generated file, as issue 5 asks.
const LINES: usize = 10_000_000;

/// Writes `LINES` rows made by `row` (each a line without its newline) and returns the size.
fn write_file(path: &Path, header: &str, mut row: impl FnMut(usize, &mut String)) -> u64 {
    let mut text = String::with_capacity(LINES * 24);
    text.push_str(header);
    for i in 0..LINES {
        row(i, &mut text);
        text.push('\n');
    }
    std::fs::write(path, &text).expect("write the bench file");
    text.len() as u64
}

fn parse(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut rng = seeded(5);
    // Shortest round-trip spelling of standard normal draws, such as -1.2345678901234567.
    let plain = dir.path().join("plain.txt");
    let plain_bytes = write_file(&plain, "", |_, text| {
        let x: f64 = rng.sample(StandardNormal);
        write!(text, "{x}").expect("writing to a String cannot fail");
    });
    let csv = dir.path().join("table.csv");
    let csv_bytes = write_file(&csv, "time,x,label\n", |i, text| {
        let x: f64 = rng.sample(StandardNormal);
        write!(text, "{i},{x},\"a\"").expect("writing to a String cannot fail");
    });

    let mut group = c.benchmark_group("read_data_1e7_lines");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(plain_bytes));
    group.bench_function("plain", |b| {
        b.iter(|| {
            read_data(black_box(&plain), &ReadOptions::default())
                .expect("the plain bench file parses")
        });
    });
    group.throughput(Throughput::Bytes(csv_bytes));
    group.bench_function("csv_column", |b| {
        b.iter(|| {
            read_data(black_box(&csv), &ReadOptions::column(Some("x")))
                .expect("the CSV bench file parses")
        });
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
