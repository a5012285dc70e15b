//! Placeholder until the "What locks cost" benchmarks land.
use criterion::{Criterion, criterion_group, criterion_main};

fn placeholder(c: &mut Criterion) {
    c.bench_function("noop", |b| b.iter(|| ()));
}

criterion_group!(benches, placeholder);
criterion_main!(benches);
