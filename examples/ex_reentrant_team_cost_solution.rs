//! Solution to exercise 2 of "Re-entrant locks": lock once, then recurse on
//! the data (`&Org`), not on the lock. One guard covers the whole walk, so
//! the walk also sees one consistent chart.

use std::sync::Mutex;

use lockbook::reentrant::Org;

// ANCHOR: solution
fn team_cost(org: &Mutex<Org>, who: &str) -> u64 {
    let chart = org.lock().unwrap();
    cost_below(&chart, who)
}

fn cost_below(chart: &Org, who: &str) -> u64 {
    let reports = chart.reports(who);
    chart.cost(who) + reports.iter().map(|r| cost_below(chart, r)).sum::<u64>()
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::reentrant::check_team_cost(team_cost));
