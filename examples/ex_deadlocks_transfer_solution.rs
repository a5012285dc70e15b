//! Solution to exercise 1 of "Deadlocks between locks": every transfer
//! locks the account with the lower id first, so all threads take the
//! locks in one global order and none can wait for a thread that waits for
//! it. A transfer to the same account returns before it locks anything.

use lockbook::deadlocks::Account;

// ANCHOR: solution
fn transfer(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return; // one account: nothing to move, and only one lock
    }
    let (mut from_balance, mut to_balance);
    if from.id < to.id {
        from_balance = from.lock();
        to_balance = to.lock();
    } else {
        to_balance = to.lock();
        from_balance = from.lock();
    }
    *from_balance -= amount;
    *to_balance += amount;
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::deadlocks::check_transfer(transfer));
