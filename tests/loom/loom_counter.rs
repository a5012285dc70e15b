#![cfg(loom)]
//! The lost update under loom, the model checker of "Testing concurrent
//! code". Only built with `--cfg loom`:
//!
//!     CARGO_TARGET_DIR=target/loom RUSTFLAGS="--cfg loom" \
//!         cargo test --release --test loom_counter
//!
//! Each test counts the executions of its model closure with a plain std
//! atomic outside the model: loom runs the closure once per interleaving.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use loom::sync::atomic::AtomicU64;
use loom::sync::{Arc, Mutex};
use loom::thread;

// ANCHOR: racy
/// The race chapter's update, without the `yield_now`: read, then write.
fn racy_add(total: &AtomicU64) {
    let current = total.load(SeqCst);
    total.store(current + 1, SeqCst);
}

#[test]
#[should_panic(expected = "lost update in interleaving 1:")]
fn racy_update_loses_an_update() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        let run = RUNS.fetch_add(1, SeqCst) + 1;
        let total = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let total = Arc::clone(&total);
                thread::spawn(move || racy_add(&total))
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let total = total.load(SeqCst);
        assert!(
            total == 2,
            "lost update in interleaving {run}: total {total}"
        );
    });
}
// ANCHOR_END: racy

// ANCHOR: invisible
/// The same racy update on std's atomic, by mistake: loom cannot see its
/// loads and stores, so it never switches threads between them. It tries
/// 9 interleavings (at the spawns, joins and `Arc`s it can see), and the
/// bug passes.
#[test]
fn std_atomic_is_invisible_to_loom() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        RUNS.fetch_add(1, SeqCst);
        let total = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let total = Arc::clone(&total);
                thread::spawn(move || {
                    let current = total.load(SeqCst);
                    total.store(current + 1, SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(total.load(SeqCst), 2); // passes in every run loom makes
    });
    assert_eq!(RUNS.load(SeqCst), 9);
}
// ANCHOR_END: invisible

// ANCHOR: locked
/// `threads` spawned threads each add 1, `adds` times, under one Mutex
/// guard; the model's main thread joins them and checks the total, in
/// every interleaving. Returns how many interleavings loom ran, counted in
/// `runs` (one static per test: tests run in parallel).
fn locked_adds(
    runs: &'static AtomicUsize,
    threads: u64,
    adds: u64,
    preemption_bound: Option<usize>,
) -> usize {
    runs.store(0, SeqCst);
    let mut model = loom::model::Builder::new();
    model.preemption_bound = preemption_bound; // not LOOM_MAX_PREEMPTIONS
    model.check(move || {
        runs.fetch_add(1, SeqCst);
        let total = Arc::new(Mutex::new(0));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let total = Arc::clone(&total);
                thread::spawn(move || {
                    for _ in 0..adds {
                        *total.lock().unwrap() += 1;
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*total.lock().unwrap(), threads * adds);
    });
    runs.load(SeqCst)
}
// ANCHOR_END: locked

// ANCHOR: counts
#[test]
fn mutex_small_models_every_interleaving() {
    // (threads, adds each, interleavings loom explores: all of them)
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    for (threads, adds, expected) in [(2, 1, 27), (2, 2, 90), (3, 1, 6225)] {
        let explored = locked_adds(&RUNS, threads, adds, None);
        println!(
            "{threads} threads, {adds} adds each: {explored} interleavings"
        );
        assert_eq!(explored, expected);
    }
}

#[test]
fn mutex_three_threads_two_preemptions() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let explored = locked_adds(&RUNS, 3, 2, Some(2));
    println!("3 threads x 2 adds, at most 2 preemptions: {explored}");
    assert_eq!(explored, 502);
}

#[test]
#[ignore = "several seconds even in release mode; run with --ignored"]
fn mutex_three_threads_unbounded() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let explored = locked_adds(&RUNS, 3, 2, None);
    println!("3 threads x 2 adds: {explored} interleavings");
    assert_eq!(explored, 116_319);
}
// ANCHOR_END: counts

/// The chapter's import switch, word for word: the same code, built on
/// std's atomic normally and on loom's in this `--cfg loom` build.
mod visits {
    mod sync {
        #[cfg(loom)]
        pub use loom::sync::atomic::AtomicU64;
        #[cfg(not(loom))]
        pub use std::sync::atomic::AtomicU64;
        pub use std::sync::atomic::Ordering;
    }

    use sync::{AtomicU64, Ordering};

    /// Counts page visits from any number of threads.
    pub struct Visits(AtomicU64);

    impl Visits {
        pub fn new() -> Visits {
            Visits(AtomicU64::new(0))
        }

        pub fn record(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }

        pub fn count(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
    }
}

#[test]
fn visits_counts_every_visit_in_every_interleaving() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        RUNS.fetch_add(1, SeqCst);
        let visits = Arc::new(visits::Visits::new());
        let other = Arc::clone(&visits);
        let t = thread::spawn(move || other.record());
        visits.record();
        t.join().unwrap();
        assert_eq!(visits.count(), 2);
    });
    assert!(
        RUNS.load(SeqCst) > 1,
        "loom tried more than one interleaving"
    );
}

/// A model has at most `loom::MAX_THREADS` (5) threads, its main thread
/// included: four spawns work, a fifth fails an assertion inside loom.
#[test]
fn at_most_five_threads_main_included() {
    assert_eq!(loom::MAX_THREADS, 5);
    let spawn_and_join = |spawns: usize| {
        move || {
            let handles: Vec<_> =
                (0..spawns).map(|_| thread::spawn(|| {})).collect();
            for h in handles {
                h.join().unwrap();
            }
        }
    };
    loom::model(spawn_and_join(4));
    let five = std::panic::catch_unwind(|| loom::model(spawn_and_join(5)));
    assert!(five.is_err(), "loom ran a model with 6 threads");
}
