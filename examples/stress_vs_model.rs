//! Why stress tests miss races. Two threads each add 1 twice with the
//! race chapter's update (atomic load, then store), with no `yield_now` to
//! force the bad timing. Plain runs repeat the program until one loses an
//! update, or give up; then shuttle's exhaustive scheduler runs the same
//! update under every schedule of the two threads.
//!
//!     cargo run --features shuttle --example stress_vs_model -- --runs 100000

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::thread;
use std::time::{Duration, Instant};

use lockbook::cli::{self, Opt};
use shuttle::scheduler::DfsScheduler;
use shuttle::{Config, Runner};

const THREADS: u64 = 2;
const ADDS: u64 = 2;

// ANCHOR: plain
/// The racy update, on std's atomic: read, then write back plus one.
fn racy_add(total: &std::sync::atomic::AtomicU64) {
    let current = total.load(SeqCst);
    total.store(current + 1, SeqCst);
}

/// One plain run: the threads add, then we look at the total.
fn plain_run() -> u64 {
    let total = std::sync::atomic::AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| (0..ADDS).for_each(|_| racy_add(&total)));
        }
    });
    total.into_inner()
}
// ANCHOR_END: plain

// ANCHOR: model
/// The same two lines on shuttle's atomic, which asks shuttle's scheduler
/// which thread runs next at every load and store.
fn racy_add_model(total: &shuttle::sync::atomic::AtomicU64) {
    let current = total.load(SeqCst);
    total.store(current + 1, SeqCst);
}

/// One run under the model: shuttle's threads, shuttle's atomic.
fn model_run() -> u64 {
    use shuttle::sync::{Arc, atomic::AtomicU64};
    let total = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let total = Arc::clone(&total);
            shuttle::thread::spawn(move || {
                (0..ADDS).for_each(|_| racy_add_model(&total))
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    total.load(SeqCst)
}
// ANCHOR_END: model

fn main() {
    let [max_runs] = cli::parse(
        "Plain runs of a racy update against a model checker's search.",
        [
            Opt::new("runs", 1000, "plain runs at most (and at most 2 s)")
                .range(1, 10_000_000),
        ],
    );
    let expected = THREADS * ADDS;
    println!("racy update: {THREADS} threads x {ADDS} adds, load then store");

    // ANCHOR: stress
    let (limit, started) = (Duration::from_secs(2), Instant::now());
    let mut runs = 0;
    let lost_in = loop {
        if runs == max_runs || started.elapsed() > limit {
            break None;
        }
        runs += 1;
        let total = plain_run();
        if total != expected {
            break Some(total);
        }
    };
    // ANCHOR_END: stress
    let secs = started.elapsed().as_secs_f64();
    match lost_in {
        Some(total) => println!(
            "plain runs: run {runs} lost an update (total {total}, \
             expected {expected}) after {secs:.2} s"
        ),
        None => println!(
            "plain runs: no lost update in {runs} runs ({secs:.2} s): \
             the test would pass"
        ),
    }

    // ANCHOR: search
    static SCHEDULES: AtomicUsize = AtomicUsize::new(0);
    static FAILED: AtomicUsize = AtomicUsize::new(0);
    static FIRST_FAILURE: AtomicUsize = AtomicUsize::new(0);
    let runner = Runner::new(DfsScheduler::new(None, false), Config::new());
    let explored = runner.run(move || {
        let schedule = SCHEDULES.fetch_add(1, SeqCst) + 1;
        if model_run() != expected {
            FAILED.fetch_add(1, SeqCst);
            let _ = FIRST_FAILURE.compare_exchange(0, schedule, SeqCst, SeqCst);
        }
    });
    // ANCHOR_END: search
    println!(
        "model checker: {explored} schedules, {} lost an update; \
         the first was schedule {}",
        FAILED.load(SeqCst),
        FIRST_FAILURE.load(SeqCst)
    );
}
