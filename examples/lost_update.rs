//! Lost updates in safe Rust: every step is atomic, the update is not.
//! Ten threads each add 5 to a shared total, many times over. Each addition
//! reads the total, lets other threads run, then writes back what it read plus 5.
//!
//!     cargo run --example lost_update -- --threads 10 --updates 1000
//!
//! With `LOCKBOOK_TRACE=FILE` it also records each read and write in FILE
//! (lockbook::trace); cargo xtask draw-timelines draws them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use lockbook::cli::{self, Opt};
use lockbook::trace;

// ANCHOR: update
/// Python's `total += amount`, as two atomic steps with a gap between them.
fn update_total(total: &AtomicU64, amount: u64) {
    let current = total.load(Ordering::SeqCst); // read
    // ANCHOR_END: update
    trace::read("total", current); // only with LOCKBOOK_TRACE=FILE
    // ANCHOR: update
    thread::yield_now(); // let another thread run here, as a busy machine might
    total.store(current + amount, Ordering::SeqCst); // write back
    // ANCHOR_END: update
    trace::write("total", current + amount);
    // ANCHOR: update
}
// ANCHOR_END: update

fn main() {
    let [threads, updates] = cli::parse(
        "Ten threads add 5 to a shared total; the racy update loses some additions.",
        [
            Opt::new("threads", 10, "threads adding to the total")
                .range(2, 1000),
            Opt::new("updates", 1000, "additions per thread").range(1, 100_000),
        ],
    );
    // ANCHOR: main
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..updates {
                    update_total(&total, 5);
                }
            });
        }
    }); // the scope waits for every thread it spawned

    let expected = threads * updates * 5;
    let actual = total.load(Ordering::SeqCst);
    println!("{threads} threads x {updates} updates of +5");
    println!("expected total: {expected}");
    println!("actual total:   {actual}");
    println!("lost updates:   {}", (expected - actual) / 5);
    // ANCHOR_END: main
}
