//! Solution to exercise 2 of "Race conditions": one guard covers both the
//! check and the act, so no buyer can come in between.

use lockbook::races::Tickets; // a Mutex<i64> that the check watches

// ANCHOR: solution
fn buy_ticket(tickets_left: &Tickets) -> bool {
    let mut left = tickets_left.lock().unwrap();
    if *left > 0 {
        *left -= 1;
        true
    } else {
        false
    }
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::races::check_tickets(buy_ticket));
