//! Exercise (Deadlocks between locks, 1): `transfer` locks `from`, then
//! `to`. Two transfers in opposite directions can each hold one account
//! and wait for the other forever. Change `transfer` so that it can never
//! deadlock, then run
//!
//!     cargo run --example ex_deadlocks_transfer
//!
//! until it says PASS. Keep the signature. The check holds each transfer
//! right after its first lock until the other has one too (so the bad
//! order deadlocks on every run), and reports a deadlock after 2 s.

use lockbook::deadlocks::Account;

// ANCHOR: exercise
/// Moves `amount` from `from` to `to`. Each account has an `id`, and
/// `account.lock()` works like `Mutex::lock` (it gives the balance).
fn transfer(from: &Account, to: &Account, amount: i64) {
    let mut from_balance = from.lock();
    let mut to_balance = to.lock();
    *from_balance -= amount;
    *to_balance += amount;
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::deadlocks::check_transfer(transfer));
