//! Check-then-act: two buyers both see the last ticket, and both buy it.
//! Every step is under a lock, but the check and the act are under two.
//!
//!     cargo run --example check_then_act

use std::sync::{Barrier, Mutex};
use std::thread;

// ANCHOR: buy
fn buy_ticket(tickets_left: &Mutex<i64>, unlucky_timing: &Barrier) -> bool {
    let available = *tickets_left.lock().unwrap() > 0; // check
    // The demo holds each buyer here until both have checked.
    unlucky_timing.wait();
    if available {
        *tickets_left.lock().unwrap() -= 1; // act, under a second lock
        true
    } else {
        false
    }
}
// ANCHOR_END: buy

fn main() {
    lockbook::cli::no_options("Check-then-act");
    // ANCHOR: main
    let tickets_left = Mutex::new(1);
    let unlucky_timing = Barrier::new(2);
    let sold = thread::scope(|s| {
        let buyers: Vec<_> = (0..2)
            .map(|_| s.spawn(|| buy_ticket(&tickets_left, &unlucky_timing)))
            .collect();
        buyers
            .into_iter()
            .map(|b| b.join().unwrap())
            .filter(|&bought| bought)
            .count()
    });
    println!("tickets for sale: 1");
    println!("tickets sold:     {sold}");
    println!("tickets left:     {}", tickets_left.into_inner().unwrap());
    // ANCHOR_END: main
}
