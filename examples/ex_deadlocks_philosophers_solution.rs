//! Solution to exercise 2 of "Deadlocks between locks": the forks have a
//! global order, their ids, and every philosopher takes the lower-numbered
//! of its two forks first. The philosopher between forks 4 and 0 therefore
//! takes its right fork first, and the circle of waiting cannot close.

use lockbook::deadlocks::{Fork, eat};

// ANCHOR: solution
fn have_a_meal(left: &Fork, right: &Fork) {
    let (first, second) = if left.id < right.id {
        (left, right)
    } else {
        (right, left)
    };
    let first_fork = first.lock();
    let second_fork = second.lock();
    eat(&first_fork, &second_fork);
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::deadlocks::check_philosophers(have_a_meal));
