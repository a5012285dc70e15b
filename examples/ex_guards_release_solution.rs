//! Solution to exercise 1 of "Acquire and release": the token goes into a
//! scope guard whose drop unlocks, so every way out releases the lock: the
//! normal end, the early `return`, and a panic.

use lockbook::guards::Total;

// ANCHOR: solution
/// Add `amount` to the total under its lock; refuse negative amounts.
fn update_total(total: &Total, amount: i64) -> Result<i64, String> {
    let token = total.lock.lock(); // lock.acquire()
    // finally: lock.release(), on every way out of this function
    let _release = scopeguard::guard(token, |token| {
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) }
    });
    if amount < 0 {
        return Err(format!("refused: {amount} is negative"));
    }
    let new = total.get() + amount;
    total.set(new);
    Ok(new)
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::guards::check_release(update_total));
