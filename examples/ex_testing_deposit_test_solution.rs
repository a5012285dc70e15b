//! Solution to exercise 2 of "Testing concurrent code": spawn both threads
//! before joining either, so that the deposits can overlap; then the search
//! finds the schedule in which the racy deposit loses one.

use std::sync::atomic::AtomicUsize;

use shuttle::scheduler::DfsScheduler;
use shuttle::sync::Arc;
use shuttle::sync::atomic::{AtomicU64, Ordering::SeqCst};
use shuttle::thread;
use shuttle::{Config, FailurePersistence, Runner};

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

/// Loses a deposit when another one comes between its load and its store.
fn racy_deposit(balance: &AtomicU64, amount: u64) {
    let current = balance.load(SeqCst);
    balance.store(current + amount, SeqCst);
}

fn correct_deposit(balance: &AtomicU64, amount: u64) {
    balance.fetch_add(amount, SeqCst);
}

/// Every schedule of `deposit_test(deposit)`, counted.
fn search(
    counter: &'static AtomicUsize,
    deposit: fn(&AtomicU64, u64),
) -> usize {
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None;
    let runner = Runner::new(DfsScheduler::new(None, false), config);
    runner.run(move || {
        counter.fetch_add(1, SeqCst);
        deposit_test(deposit);
    })
}

lockbook::exercise_main!(lockbook::testing::check_deposit_test(
    |counter| search(counter, racy_deposit),
    |counter| search(counter, correct_deposit)
));
