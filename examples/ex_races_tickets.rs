//! Exercise (Race conditions, 2): buyers race for the tickets, and more
//! tickets are sold than there were. Change `buy_ticket` so that a ticket
//! is sold only if one is left, then run
//!
//!     cargo run --example ex_races_tickets
//!
//! until it says PASS. Keep the signature.

use lockbook::races::Tickets; // a Mutex<i64> that the check watches

// ANCHOR: exercise
/// Take one ticket if any is left; return whether this buyer got one.
fn buy_ticket(tickets_left: &Tickets) -> bool {
    let available = *tickets_left.lock().unwrap() > 0;
    if available {
        *tickets_left.lock().unwrap() -= 1;
    }
    available
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::races::check_tickets(buy_ticket));
