//! Exercise (Threads and shared state, 2): add up a slice of numbers in
//! `parts` parts, each part on its own scoped thread. For some lengths the
//! sum comes out short. Change `sum_in_parts`, then run
//!
//!     cargo run --example ex_threads_parts
//!
//! until it says PASS. Keep the signature; add up each part with
//! `add_up(part)` on the part's own thread.

use std::thread;

// ANCHOR: exercise
fn sum_in_parts(
    numbers: &[u64],
    parts: usize,
    add_up: fn(&[u64]) -> u64,
) -> u64 {
    let size = numbers.len() / parts;
    thread::scope(|s| {
        let handles: Vec<_> = (0..parts)
            .map(|i| {
                let part = &numbers[i * size..(i + 1) * size];
                s.spawn(move || add_up(part))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::threads::check_parts(sum_in_parts));
