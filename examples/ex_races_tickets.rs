//! Exercise (Race conditions, 2): ten buyers race for three tickets, and
//! sometimes more than three are sold. Change `buy_ticket` so that a ticket
//! is sold only if one is left, then run
//!
//!     cargo run --example ex_races_tickets
//!
//! until it says PASS. Keep the signature.

use std::sync::Mutex;
use std::thread;

// ANCHOR: exercise
/// Take one ticket if any is left; return whether this buyer got one.
fn buy_ticket(tickets_left: &Mutex<i64>) -> bool {
    let available = *tickets_left.lock().unwrap() > 0;
    thread::yield_now();
    if available {
        *tickets_left.lock().unwrap() -= 1;
    }
    available
}
// ANCHOR_END: exercise

fn main() {
    lockbook::cli::no_options("Exercise (Race conditions, 2)");
    lockbook::exercise::verdict(lockbook::races::check_tickets(buy_ticket));
}
