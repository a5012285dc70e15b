//! What an async lock costs ("Locks in async code"): one lock, one
//! addition and one unlock, by a task on a current-thread tokio runtime,
//! with std's `Mutex` (no `.await` inside) and with tokio's (its `lock()`
//! is awaited), nobody else wanting the lock.
//!
//!     cargo bench -p lockbook-benches --bench async_locks
//!
//! `cargo xtask async-costs` runs it and writes the medians to
//! src/images/async-costs.txt, which the chapter quotes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

fn async_locks(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let mut g = c.benchmark_group("async");
    // ANCHOR: benches
    let std_mutex = std::sync::Mutex::new(0u64);
    g.bench_function("std_mutex", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    *black_box(&std_mutex).lock().unwrap() += 1;
                }
                start.elapsed()
            })
        })
    });
    let tokio_mutex = tokio::sync::Mutex::new(0u64);
    g.bench_function("tokio_mutex", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    *black_box(&tokio_mutex).lock().await += 1;
                }
                start.elapsed()
            })
        })
    });
    // ANCHOR_END: benches
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = async_locks
}
criterion_main!(benches);
