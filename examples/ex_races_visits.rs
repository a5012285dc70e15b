//! Exercise (Race conditions, 1): a page counts its visitors, but the count
//! comes out short. Change `record_visit` so that no visit is lost, then run
//!
//!     cargo run --example ex_races_visits
//!
//! until it says PASS. Keep the signature.

use std::sync::atomic::Ordering;

use lockbook::races::Visits; // an AtomicU64 that the check watches

// ANCHOR: exercise
fn record_visit(visits: &Visits) {
    let seen = visits.load(Ordering::SeqCst);
    visits.store(seen + 1, Ordering::SeqCst);
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::races::check_visits(record_visit));
