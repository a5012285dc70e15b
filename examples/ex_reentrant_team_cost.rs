//! Exercise (Re-entrant locks, 2): `team_cost` adds up what a person and
//! everyone below them costs. It locks the org chart and calls itself, and
//! std's `Mutex` is not re-entrant: the first nested call blocks forever.
//! Make it work without changing the signature, then run
//!
//!     cargo run --example ex_reentrant_team_cost
//!
//! until it says PASS.

use std::sync::Mutex;

use lockbook::reentrant::Org;

// ANCHOR: exercise
fn team_cost(org: &Mutex<Org>, who: &str) -> u64 {
    let chart = org.lock().unwrap();
    let mut cost = chart.cost(who);
    for report in chart.reports(who) {
        cost += team_cost(org, report);
    }
    cost
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::reentrant::check_team_cost(team_cost));
