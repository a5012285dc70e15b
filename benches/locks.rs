//! What locks cost ("What locks cost" chapter): criterion benchmarks of
//! one lock/unlock without contention, of many threads incrementing one
//! shared counter, and of one coarse lock against sharded locks.
//!
//!     cargo bench --bench locks
//!
//! The whole run takes 1 to 2 minutes on 2 cores. `cargo xtask plot-costs` runs
//! it and draws the chapter's figures from criterion's results in
//! target/criterion/ (group / benchmark / threads / new/estimates.json).

use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main,
};

/// Thread counts of the contended benchmarks. This machine may have fewer
/// cores: more threads than cores measure the scheduler as much as the lock.
const THREADS: [usize; 4] = [1, 2, 4, 8];

/// One lock and one unlock (or one atomic add) on one thread: nobody else
/// ever wants the lock.
fn uncontended(c: &mut Criterion) {
    let mut g = c.benchmark_group("uncontended");
    let mut plain = 0u64;
    g.bench_function("no_lock", |b| {
        b.iter(|| {
            let n = black_box(&mut plain);
            *n += 1;
        })
    });
    // ANCHOR: uncontended_mutex
    let std_mutex = Mutex::new(0u64);
    g.bench_function("std_mutex", |b| {
        b.iter(|| *black_box(&std_mutex).lock().unwrap() += 1)
    });
    // ANCHOR_END: uncontended_mutex
    let pl_mutex = parking_lot::Mutex::new(0u64);
    g.bench_function("parking_lot_mutex", |b| {
        b.iter(|| *black_box(&pl_mutex).lock() += 1)
    });
    let rwlock = RwLock::new(0u64);
    g.bench_function("std_rwlock_read", |b| {
        b.iter(|| black_box(*black_box(&rwlock).read().unwrap()))
    });
    let reentrant = parking_lot::ReentrantMutex::new(Cell::new(0u64));
    g.bench_function("parking_lot_reentrant_mutex", |b| {
        b.iter(|| {
            let n = black_box(&reentrant).lock();
            n.set(n.get() + 1);
        })
    });
    // ANCHOR: uncontended_atomic
    let atomic = AtomicU64::new(0);
    g.bench_function("atomic_fetch_add", |b| {
        b.iter(|| black_box(&atomic).fetch_add(1, Ordering::Relaxed))
    });
    // ANCHOR_END: uncontended_atomic
    g.finish();
}

/// Time `ops` increments shared out over `threads` threads that start
/// together; `work(thread, count)` does one thread's share. Returns the
/// time for exactly `ops` increments, so criterion reports time per
/// increment: total time / total increments.
// ANCHOR: time_threads
fn time_threads(
    ops: u64,
    threads: usize,
    work: impl Fn(usize, u64) + Sync,
) -> Duration {
    let each = ops.div_ceil(threads as u64).max(1);
    let start = Barrier::new(threads + 1);
    let elapsed = thread::scope(|s| {
        for t in 0..threads {
            let (start, work) = (&start, &work);
            s.spawn(move || {
                start.wait();
                work(t, each);
            });
        }
        start.wait();
        let began = Instant::now();
        // The scope joins every thread before it returns.
        began
    })
    .elapsed();
    elapsed.mul_f64(ops as f64 / (each * threads as u64) as f64)
}
// ANCHOR_END: time_threads

/// N threads each add 1 to ONE shared counter, over and over.
fn contended(c: &mut Criterion) {
    let mut g = c.benchmark_group("contended");
    g.sampling_mode(SamplingMode::Flat);
    for threads in THREADS {
        // ANCHOR: contended_mutex
        let std_mutex = Mutex::new(0u64);
        g.bench_function(BenchmarkId::new("std_mutex", threads), |b| {
            b.iter_custom(|ops| {
                time_threads(ops, threads, |_, n| {
                    for _ in 0..n {
                        *std_mutex.lock().unwrap() += 1;
                    }
                })
            })
        });
        // ANCHOR_END: contended_mutex
        let pl_mutex = parking_lot::Mutex::new(0u64);
        g.bench_function(BenchmarkId::new("parking_lot_mutex", threads), |b| {
            b.iter_custom(|ops| {
                time_threads(ops, threads, |_, n| {
                    for _ in 0..n {
                        *pl_mutex.lock() += 1;
                    }
                })
            })
        });
        let atomic = AtomicU64::new(0);
        g.bench_function(BenchmarkId::new("atomic_fetch_add", threads), |b| {
            b.iter_custom(|ops| {
                time_threads(ops, threads, |_, n| {
                    for _ in 0..n {
                        atomic.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
        });
    }
    g.finish();
}

/// 64 counters, keys 0..64. Thread `t` increments keys t, t + 8, t + 16 ...
/// so no two threads ever want the same counter.
const KEYS: usize = 64;

fn key(thread: usize, i: u64) -> usize {
    (thread + 8 * (i as usize % 8)) % KEYS
}

/// A value alone on its own 128 bytes: two 64-byte cache lines, because
/// some x86-64 CPUs prefetch lines in pairs. (crossbeam's `CachePadded`
/// pads to 128 bytes on x86-64 for the same reason.)
// ANCHOR: padded
#[repr(align(128))]
struct Padded<T>(T);
// ANCHOR_END: padded

/// One lock over all 64 counters, against one lock per counter, packed
/// (several locks share a cache line) or padded (one lock per line).
fn sharded(c: &mut Criterion) {
    let mut g = c.benchmark_group("sharded");
    g.sampling_mode(SamplingMode::Flat);
    for threads in [2, 8] {
        let one = Mutex::new([0u64; KEYS]);
        g.bench_function(BenchmarkId::new("one_mutex", threads), |b| {
            b.iter_custom(|ops| {
                time_threads(ops, threads, |t, n| {
                    for i in 0..n {
                        one.lock().unwrap()[key(t, i)] += 1;
                    }
                })
            })
        });
        let packed: [Mutex<u64>; KEYS] = std::array::from_fn(|_| Mutex::new(0));
        g.bench_function(BenchmarkId::new("mutex_per_key", threads), |b| {
            b.iter_custom(|ops| {
                time_threads(ops, threads, |t, n| {
                    for i in 0..n {
                        *packed[key(t, i)].lock().unwrap() += 1;
                    }
                })
            })
        });
        let padded: [Padded<Mutex<u64>>; KEYS] =
            std::array::from_fn(|_| Padded(Mutex::new(0)));
        g.bench_function(
            BenchmarkId::new("padded_mutex_per_key", threads),
            |b| {
                b.iter_custom(|ops| {
                    time_threads(ops, threads, |t, n| {
                        for i in 0..n {
                            *padded[key(t, i)].0.lock().unwrap() += 1;
                        }
                    })
                })
            },
        );
    }
    g.finish();
}

/// Short runs: the whole bench takes 1 to 2 minutes on 2 cores.
// ANCHOR: config
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .without_plots()
}
// ANCHOR_END: config

criterion_group! {
    name = benches;
    config = config();
    targets = uncontended, contended, sharded
}
criterion_main!(benches);
