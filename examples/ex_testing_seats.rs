//! Exercise (Testing concurrent code, 1): `take_seat` sells a seat if one
//! is free. The check runs two buyers under every schedule that shuttle can
//! make of them. Change `take_seat` until every schedule is right:
//!
//!     cargo run --features shuttle --example ex_testing_seats
//!
//! Keep the signature. The types are shuttle's, so that the search controls
//! every load and store.

use std::sync::atomic::AtomicUsize;

use shuttle::scheduler::DfsScheduler;
use shuttle::sync::Arc;
use shuttle::sync::atomic::{AtomicI64, Ordering::SeqCst};
use shuttle::{Config, FailurePersistence, Runner};

// ANCHOR: exercise
/// Take one of the free seats; true if this buyer got one.
fn take_seat(free: &AtomicI64) -> bool {
    if free.load(SeqCst) > 0 {
        free.fetch_sub(1, SeqCst);
        true
    } else {
        false
    }
}
// ANCHOR_END: exercise

/// `buyers` threads call `take_seat` on `seats` free seats; afterwards every
/// seat is sold once, or every buyer has one.
fn sell(buyers: i64, seats: i64) {
    let free = Arc::new(AtomicI64::new(seats));
    let handles: Vec<_> = (0..buyers)
        .map(|_| {
            let free = Arc::clone(&free);
            shuttle::thread::spawn(move || take_seat(&free))
        })
        .collect();
    let sold = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|&got| got)
        .count() as i64;
    let left = free.load(SeqCst);
    let right = sold == seats.min(buyers) && left == seats - sold;
    assert!(right, "{sold} sold, {left} left");
}

/// Every schedule of two buyers and `seats` seats, counted.
fn search(counter: &'static AtomicUsize, seats: i64) -> usize {
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None;
    let runner = Runner::new(DfsScheduler::new(None, false), config);
    runner.run(move || {
        counter.fetch_add(1, SeqCst);
        sell(2, seats);
    })
}

lockbook::exercise_main!(lockbook::testing::check_seats(
    |counter| search(counter, 1),
    |counter| search(counter, 2)
));
