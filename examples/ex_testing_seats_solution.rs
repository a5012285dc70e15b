//! Solution to exercise 1 of "Testing concurrent code": `compare_exchange`
//! takes a seat only if the count is still the one the buyer saw, in one
//! atomic step; if another buyer changed it in between, the buyer reads the
//! new count and tries again while a seat is free.

use std::sync::atomic::AtomicUsize;

use shuttle::scheduler::DfsScheduler;
use shuttle::sync::Arc;
use shuttle::sync::atomic::{AtomicI64, Ordering::SeqCst};
use shuttle::{Config, FailurePersistence, Runner};

// ANCHOR: solution
/// Take one of the free seats; true if this buyer got one.
fn take_seat(free: &AtomicI64) -> bool {
    let mut seen = free.load(SeqCst);
    while seen > 0 {
        // Take a seat only if the count is still the one we saw.
        match free.compare_exchange(seen, seen - 1, SeqCst, SeqCst) {
            Ok(_) => return true,
            Err(now) => seen = now, // another buyer was faster: look again
        }
    }
    false
}
// ANCHOR_END: solution

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
