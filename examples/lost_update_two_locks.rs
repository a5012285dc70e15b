//! A Mutex does not help if the update takes it twice: once to read, once to
//! write. Between the two, other threads change the total, and their
//! additions are overwritten.
//!
//!     cargo run --example lost_update_two_locks

use std::sync::Mutex;
use std::thread;

use lockbook::cli::{self, Opt};

// ANCHOR: update
fn update_total(total: &Mutex<u64>, amount: u64) {
    let current = *total.lock().unwrap(); // the guard is dropped at the `;`
    thread::yield_now();
    *total.lock().unwrap() = current + amount; // a second, separate lock
}
// ANCHOR_END: update

fn main() {
    let [threads, updates] = cli::parse(
        "Ten threads add 5 to a shared total, reading and writing under two separate locks.",
        [
            Opt::new("threads", 10, "threads adding to the total")
                .range(2, 1000),
            Opt::new("updates", 1000, "additions per thread").range(1, 100_000),
        ],
    );
    let total = Mutex::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..updates {
                    update_total(&total, 5);
                }
            });
        }
    });
    let expected = threads * updates * 5;
    let actual = total.into_inner().unwrap();
    println!("{threads} threads x {updates} updates of +5");
    println!("expected total: {expected}");
    println!("actual total:   {actual}");
    println!("lost updates:   {}", (expected - actual) / 5);
}
