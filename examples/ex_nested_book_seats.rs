//! Exercise (Locking across functions, 2): booking seats hangs. `book` holds
//! the lock and asks `free_seats`, which locks again. Restructure it so that
//! it never locks a mutex it already holds, and the check and the booking
//! stay one critical section. Then run
//!
//!     cargo run --example ex_nested_book_seats
//!
//! until it says PASS. Keep the signature of `book` (`free_seats` may take
//! `&Seats` or `&mut Seats` instead: `lockbook::nested::Seats`), and keep
//! `meanwhile()` between the check and the booking: that is when another
//! customer tries to book. `Hall` is a `Mutex<Seats>` whose `lock()` the
//! check can watch: `seats.lock().unwrap()` gives a `MutexGuard<Seats>`.

use lockbook::nested::Hall;

// ANCHOR: exercise
/// How many seats are still free.
fn free_seats(seats: &Hall) -> i64 {
    seats.lock().unwrap().free
}

/// Book `n` seats if that many are free; say whether it did.
fn book(seats: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
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

lockbook::exercise_main!(lockbook::nested::check_book(book));
