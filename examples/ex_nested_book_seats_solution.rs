//! Solution to exercise 2 of "Locking across functions": the question "how
//! many are free?" is a method on the guarded `Seats`, asked through the
//! guard that `book` already holds. Nothing locks twice, and the check and
//! the booking are one critical section.

use lockbook::nested::{Hall, Seats};

// ANCHOR: solution
/// How many seats are still free (the caller holds the lock).
fn free_seats(seats: &Seats) -> i64 {
    seats.free
}

/// Book `n` seats if that many are free; say whether it did.
fn book(seats: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
    let mut guard = seats.lock().unwrap();
    if free_seats(&guard) < n {
        return false;
    }
    meanwhile(); // another customer tries to book here
    guard.free -= n;
    guard.booked += n;
    true
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::nested::check_book(book));
