//! Exercise (Race conditions, 1): a page counts its visitors, but the count
//! comes out short. Change `record_visit` so that no visit is lost, then run
//!
//!     cargo run --example ex_races_visits
//!
//! until it says PASS. Keep the signature.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: exercise
fn record_visit(visits: &AtomicU64) {
    let seen = visits.load(Ordering::SeqCst);
    thread::yield_now();
    visits.store(seen + 1, Ordering::SeqCst);
}
// ANCHOR_END: exercise

fn main() {
    lockbook::cli::no_options("Exercise (Race conditions, 1)");
    lockbook::exercise::verdict(lockbook::races::check_visits(record_visit));
}
