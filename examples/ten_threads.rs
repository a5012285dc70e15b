//! The shape of the Python lesson's last program: one function run by ten
//! threads, adding to a global total that a lock protects. A `Barrier`
//! makes the ten threads' output interleave on every run. (The lesson's
//! program itself, with its re-entrant lock, is `rlock_ten_threads`.)
//!
//!     cargo run --example ten_threads

use std::sync::{Barrier, Mutex};
use std::thread;

// ANCHOR: statics
static TOTAL: Mutex<u64> = Mutex::new(0);
static ALL_STARTED: Barrier = Barrier::new(10); // for the ten threads
// ANCHOR_END: statics

// ANCHOR: update
fn update_total(id: usize, amount: u64) {
    println!("thread {id}: started");
    ALL_STARTED.wait(); // wait until all ten threads have printed that
    let mut total = TOTAL.lock().unwrap();
    *total += amount;
    println!("thread {id}: added {amount}, total is now {total}");
} // `total`, the guard, is dropped here: the lock is released
// ANCHOR_END: update

fn main() {
    lockbook::cli::no_options(
        "One function run by ten threads, the shape of the Python lesson's \
         last program",
    );
    // ANCHOR: main
    let threads: Vec<_> = (0..10)
        .map(|id| thread::spawn(move || update_total(id, 5)))
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    println!("all threads joined; total: {}", TOTAL.lock().unwrap());
    // ANCHOR_END: main
}
