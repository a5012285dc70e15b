//! Exercise (Testing concurrent code, 1): `take_seat` sells a seat if one
//! is free. The check runs two buyers under every schedule that shuttle can
//! make of them. Change `take_seat` until every schedule is right:
//!
//!     cargo run --features shuttle --example ex_testing_seats
//!
//! Keep the signature. The types are shuttle's, so that the search controls
//! every load and store.

use shuttle::sync::atomic::{AtomicI64, Ordering::SeqCst};

// ANCHOR: exercise
/// Take one of the free seats; true if this buyer got one.
fn take_seat(free: &AtomicI64) -> bool {
    if free.load(SeqCst) > 0 {
        free.fetch_sub(1, SeqCst);
        true
    } else {
        false
    }
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::testing::check_seats(take_seat));
