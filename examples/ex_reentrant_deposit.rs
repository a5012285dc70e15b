//! Exercise (Re-entrant locks, 1): `deposit` locks the account and calls
//! `note`, which locks it again. The re-entrant lock lets it in, but the
//! program panics with "already borrowed". Change `deposit` so that it works,
//! then run
//!
//!     cargo run --example ex_reentrant_deposit
//!
//! until it says PASS. Keep the signature, and keep calling `note`.

use lockbook::reentrant::{Account, note};

// ANCHOR: exercise
fn deposit(account: &Account, amount: i64) {
    let guard = account.lock();
    let mut ledger = guard.borrow_mut();
    let before = ledger.balance;
    ledger.balance += amount;
    note(account, format!("{before} + {amount} = {}", ledger.balance));
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::reentrant::check_deposit(deposit));
