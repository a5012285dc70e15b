//! Solution to exercise 2 of "Testing concurrent code": spawn both threads
//! before joining either, so that the deposits can overlap; then the search
//! finds the schedule in which the racy deposit loses one.

use shuttle::sync::Arc;
use shuttle::sync::atomic::{AtomicU64, Ordering::SeqCst};
use shuttle::thread;

// ANCHOR: solution
/// Two deposits of 10 into one empty account from two threads: the balance
/// must end at 20, whatever the schedule.
fn deposit_test(deposit: fn(&AtomicU64, u64)) {
    let balance = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let balance = Arc::clone(&balance);
            thread::spawn(move || deposit(&balance, 10))
        })
        .collect(); // both threads exist before either is joined
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(balance.load(SeqCst), 20);
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::testing::check_deposit_test(deposit_test));
