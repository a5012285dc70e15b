//! The raw acquire/release API, with no guard: an early return skips the
//! release, and the lock stays locked with nobody to unlock it. The next
//! caller would wait forever; here a watchdog sees it and reports.
//!
//!     cargo run --example forgotten_release

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use lockbook::watchdog;
use parking_lot::RawMutex;
use parking_lot::lock_api::RawMutex as _;

// ANCHOR: update
/// The lock beside the data, as in Python: `lock = threading.Lock()`.
static LOCK: RawMutex = RawMutex::INIT;
static TOTAL: AtomicI64 = AtomicI64::new(0);

fn update_total(amount: i64) -> Result<i64, String> {
    let token = LOCK.lock(); // lock.acquire()
    if amount < 0 {
        return Err(format!("refused: {amount} is negative")); // no release!
    }
    let new = TOTAL.load(Ordering::SeqCst) + amount;
    TOTAL.store(new, Ordering::SeqCst);
    // SAFETY: `token` came from `LOCK.lock()` above, on this thread.
    unsafe { LOCK.unlock(token) }; // lock.release()
    Ok(new)
}
// ANCHOR_END: update

const CAUSE: &str = "update_total(-1) returned early, before `LOCK.unlock`: \
    the raw lock was acquired and never released, so the next LOCK.lock() \
    waits forever (a guard would have released it on the return)";

fn main() {
    lockbook::cli::no_options("The raw acquire/release API, with no guard");
    // ANCHOR: main
    println!("update_total(5)  -> {:?}", update_total(5));
    println!("update_total(-1) -> {:?}", update_total(-1));
    println!("LOCK is locked: {} (and no one holds it)", LOCK.is_locked());
    let third = watchdog::finish_or_report(
        "third-call",
        Duration::from_secs(1),
        CAUSE,
        || update_total(3),
    );
    // ANCHOR_END: main
    println!("update_total(3)  -> {third:?}");
}
