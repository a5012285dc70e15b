//! Exercise (Acquire and release, 2): the scores in a mutex are kept sorted.
//! A writer pushed a score and panicked before it sorted them, so the mutex
//! is poisoned. Make `read_scores` recover: return the scores, sorted, and
//! leave the mutex repaired. Then run
//!
//!     cargo run --example ex_guards_poison
//!
//! until it says PASS. Keep the signature.

use std::sync::Mutex;

// ANCHOR: exercise
/// A copy of the scores, which are always kept sorted.
fn read_scores(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
    scores.lock().unwrap().clone()
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::guards::check_poison(read_scores));
