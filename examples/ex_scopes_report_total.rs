//! Exercise (Scoped guards, 1): `update_total` adds to a shared total and
//! reports the new total. Reporting is slow (it stands for printing to a
//! terminal or a log), and it happens while the total is still locked, so
//! every other thread waits for it. Change `update_total` so that the lock
//! is released before `report` runs, then run
//!
//!     cargo run --example ex_scopes_report_total
//!
//! until it says PASS. Keep the signature.

use lockbook::scopes::Total;

// ANCHOR: exercise
fn update_total(total: &Total, amount: u64, report: &dyn Fn(u64)) {
    let mut t = total.lock().unwrap();
    *t += amount;
    report(*t);
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::scopes::check_report_total(update_total));
