//! Solution to exercise 1 of "Locks in async code": the update happens in a
//! block that hands the new total out, so the std guard is gone before the
//! `.await`.

use std::sync::{Arc, Mutex};

use lockbook::async_locks::Reporter;

// ANCHOR: solution
async fn add_and_report(total: Arc<Mutex<u64>>, amount: u64, report: Reporter) {
    let now = {
        let mut guard = total.lock().unwrap();
        *guard += amount;
        *guard
    }; // the guard is dropped here, before the .await
    report.send(now).await;
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::async_locks::check_release(add_and_report));
