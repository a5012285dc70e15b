//! The two fixes for the lost update: hold one guard over the whole
//! read-modify-write, or let the hardware do it in one atomic step.
//!
//!     cargo run --example fixed_total

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use lockbook::cli::{self, Opt};

// ANCHOR: fixes
/// One guard, held from the read to the write: no other thread can get in.
fn update_total_locked(total: &Mutex<u64>, amount: u64) {
    let mut guard = total.lock().unwrap();
    let current = *guard;
    thread::yield_now(); // the same pause as before: now harmless
    *guard = current + amount;
} // the guard is dropped here: unlocked

/// One atomic read-modify-write operation.
fn update_total_atomic(total: &AtomicU64, amount: u64) {
    total.fetch_add(amount, Ordering::SeqCst);
}
// ANCHOR_END: fixes

fn main() {
    let [threads, updates] = cli::parse(
        "The lost-update program again, with the two fixes.",
        [
            Opt::new("threads", 10, "threads adding to the total")
                .range(2, 1000),
            Opt::new("updates", 1000, "additions per thread").range(1, 100_000),
        ],
    );
    let locked = Mutex::new(0);
    let atomic = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..updates {
                    update_total_locked(&locked, 5);
                    update_total_atomic(&atomic, 5);
                }
            });
        }
    });
    let expected = threads * updates * 5;
    let locked = locked.into_inner().unwrap();
    let atomic = atomic.into_inner();
    println!(
        "{threads} threads x {updates} updates of +5, expected total {expected}"
    );
    println!(
        "one guard over the update: {locked} (lost {})",
        (expected - locked) / 5
    );
    println!(
        "fetch_add:                 {atomic} (lost {})",
        (expected - atomic) / 5
    );
}
