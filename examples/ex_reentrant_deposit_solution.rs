//! Solution to exercise 1 of "Re-entrant locks": the `RefCell` borrow ends
//! before `note` borrows again; the lock's guard stays, so the change and its
//! note are one step for other threads.

use lockbook::reentrant::{Account, note};

// ANCHOR: solution
fn deposit(account: &Account, amount: i64) {
    let guard = account.lock(); // held until the end: other threads wait
    let (before, after) = {
        let mut ledger = guard.borrow_mut();
        let before = ledger.balance;
        ledger.balance += amount;
        (before, ledger.balance)
    }; // the borrow ends here
    note(account, format!("{before} + {amount} = {after}"));
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::reentrant::check_deposit(deposit));
