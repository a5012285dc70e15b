//! Exercise (Deadlocks between locks, 2): the dining philosophers. Five
//! philosophers sit at a round table with one fork between each two; to
//! eat, a philosopher needs both forks next to it. Each takes its left
//! fork, then its right one, and the dinner can stop forever. Change
//! `have_a_meal` so that every philosopher eats every meal, then run
//!
//!     cargo run --example ex_deadlocks_philosophers
//!
//! until it says PASS. Keep the signature. The check makes all five take
//! their first fork at the same moment, and gives up after 3 s.

use lockbook::deadlocks::{Fork, eat};

// ANCHOR: exercise
/// One meal for the philosopher between forks `left` and `right`. Each
/// fork has an `id` (0 to 4); `fork.lock()` works like `Mutex::lock`.
/// Call `eat` once, with the guards of both forks.
fn have_a_meal(left: &Fork, right: &Fork) {
    let left_fork = left.lock();
    let right_fork = right.lock();
    eat(&left_fork, &right_fork);
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::deadlocks::check_philosophers(have_a_meal));
