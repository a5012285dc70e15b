//! Solution to exercise 1 of "Race conditions": `fetch_add` reads, adds and
//! writes in one atomic step, so no other thread can come in between.

use std::sync::atomic::Ordering;

use lockbook::races::Visits; // an AtomicU64 that the check watches

// ANCHOR: solution
fn record_visit(visits: &Visits) {
    visits.fetch_add(1, Ordering::SeqCst);
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::races::check_visits(record_visit));
