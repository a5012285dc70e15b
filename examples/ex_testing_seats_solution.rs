//! Solution to exercise 1 of "Testing concurrent code": `compare_exchange`
//! takes a seat only if the count is still the one the buyer saw, in one
//! atomic step; if another buyer changed it in between, the buyer reads the
//! new count and tries again while a seat is free.

use shuttle::sync::atomic::{AtomicI64, Ordering::SeqCst};

// ANCHOR: solution
/// Take one of the free seats; true if this buyer got one.
fn take_seat(free: &AtomicI64) -> bool {
    let mut seen = free.load(SeqCst);
    while seen > 0 {
        // Take a seat only if the count is still the one we saw.
        match free.compare_exchange(seen, seen - 1, SeqCst, SeqCst) {
            Ok(_) => return true,
            Err(now) => seen = now, // another buyer was faster: look again
        }
    }
    false
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::testing::check_seats(take_seat));
