//! Exercise (Threads and shared state, 1): square eight numbers, one thread
//! per number, and return the squares in the order of the numbers. The
//! squares come back missing. Change `squares`, then run
//!
//!     cargo run --example ex_threads_squares
//!
//! until it says PASS. Keep the signature; compute each square with
//! `square(n)` (it is slow on purpose).

use std::sync::{Arc, Mutex};
use std::thread;

// ANCHOR: exercise
fn squares(numbers: Vec<u64>, square: fn(u64) -> u64) -> Vec<u64> {
    let results = Arc::new(Mutex::new(Vec::new()));
    for n in numbers {
        let results = Arc::clone(&results);
        thread::spawn(move || {
            let sq = square(n);
            results.lock().unwrap().push(sq);
        });
    }
    let results = results.lock().unwrap();
    results.clone()
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::threads::check_squares(squares));
