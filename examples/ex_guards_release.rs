//! Exercise (Acquire and release, 1): `update_total` uses a raw lock, with
//! an acquire and a release as in Python, and one way out forgets the
//! release. Make it release the lock on every way out, then run
//!
//!     cargo run --example ex_guards_release
//!
//! until it says PASS. Keep the signature.

use lockbook::guards::Total;

// ANCHOR: exercise
/// Add `amount` to the total under its lock; refuse negative amounts.
fn update_total(total: &Total, amount: i64) -> Result<i64, String> {
    let token = total.lock.lock(); // lock.acquire()
    if amount < 0 {
        return Err(format!("refused: {amount} is negative"));
    }
    let new = total.get() + amount;
    total.set(new);
    // SAFETY: `token` came from `total.lock.lock()` above.
    unsafe { total.lock.unlock(token) }; // lock.release()
    Ok(new)
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::guards::check_release(update_total));
