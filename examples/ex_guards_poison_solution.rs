//! Solution to exercise 2 of "Acquire and release": a poisoned lock is still
//! acquired. Take the guard out of the error, restore the invariant the
//! panic broke, then clear the poison.

use std::sync::Mutex;

// ANCHOR: solution
/// A copy of the scores, which are always kept sorted.
fn read_scores(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
    let guard = match scores.lock() {
        Ok(guard) => guard,
        Err(poisoned) => {
            // A writer panicked mid-update. The lock is ours; the data is
            // as the panic left it.
            let mut guard = poisoned.into_inner();
            guard.sort(); // restore the invariant
            scores.clear_poison(); // and say that it holds again
            guard
        }
    };
    guard.clone()
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::guards::check_poison(read_scores));
