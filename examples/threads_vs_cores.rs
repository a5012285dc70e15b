//! More threads than cores: for 1, 2, 4 and 8 threads adding to one shared
//! atomic counter, print the wall-clock time per add, the CPU time per add,
//! and how many CPUs the threads got on average (CPU time / wall time).
//! However many threads there are, that share cannot exceed the number of
//! CPUs; on a busy machine it is lower still. Linux only (it reads each
//! thread's CPU time from /proc/thread-self/schedstat).
//!
//!     cargo run --example threads_vs_cores

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Adds per thread count, shared out over the threads.
const ADDS: u64 = 4_000_000;

/// The CPU time the calling thread has used so far (Linux).
fn thread_cpu_time() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("/proc/thread-self/schedstat (Linux only)");
    let ns = text.split_whitespace().next().and_then(|n| n.parse().ok());
    Duration::from_nanos(ns.expect("schedstat starts with ns on CPU"))
}

// ANCHOR: measure
/// Wall time and summed CPU time of `threads` threads doing ADDS adds.
fn measure(threads: u64) -> (Duration, Duration) {
    let counter = AtomicU64::new(0);
    let started = Instant::now();
    let cpu: Duration = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let before = thread_cpu_time();
                    for _ in 0..ADDS / threads {
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                    thread_cpu_time() - before
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(counter.into_inner(), ADDS / threads * threads);
    (started.elapsed(), cpu)
}
// ANCHOR_END: measure

fn main() {
    lockbook::cli::no_options(
        "N threads add to one atomic counter: wall time, CPU time, CPUs used",
    );
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    println!("this machine: {cpus} CPUs; {ADDS} adds per row");
    println!("threads  wall ns/add  CPU ns/add  CPUs used");
    for threads in [1, 2, 4, 8] {
        let (wall, cpu) = measure(threads);
        let per = |d: Duration| d.as_nanos() as f64 / ADDS as f64;
        println!(
            "{threads:>7}  {:>11.2}  {:>10.2}  {:>9.2}",
            per(wall),
            per(cpu),
            cpu.as_secs_f64() / wall.as_secs_f64()
        );
    }
}
