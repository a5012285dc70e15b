//! Exercise (Locking across functions, 2): booking seats hangs. `book` holds
//! the lock and asks `free_seats`, which locks again. Restructure it so that
//! it never locks a mutex it already holds, and the check and the booking
//! stay one critical section. Then run
//!
//!     cargo run --example ex_nested_book_seats
//!
//! until it says PASS. Keep the signature of `book` (`free_seats` may take
//! `&Seats` or `&mut Seats` instead), and keep `meanwhile()` between the
//! check and the booking: that is when another customer tries to book.

use std::sync::Mutex;

use lockbook::nested::Seats;

// ANCHOR: exercise
/// How many seats are still free.
fn free_seats(seats: &Mutex<Seats>) -> i64 {
    seats.lock().unwrap().free
}

/// Book `n` seats if that many are free; say whether it did.
fn book(seats: &Mutex<Seats>, n: i64, meanwhile: &dyn Fn()) -> bool {
    let mut guard = seats.lock().unwrap();
    if free_seats(seats) < n {
        return false;
    }
    meanwhile(); // another customer tries to book here
    guard.free -= n;
    guard.booked += n;
    true
}
// ANCHOR_END: exercise

fn main() {
    lockbook::cli::no_options("Exercise (Locking across functions, 2)");
    lockbook::exercise::verdict(lockbook::nested::check_book(book));
}
