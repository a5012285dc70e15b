//! Solution to exercise 1 of "Scoped guards": the guard lives in a block
//! that hands the new total out; `report` runs after the block, when the
//! lock is already free.

use lockbook::scopes::Total;

// ANCHOR: solution
fn update_total(total: &Total, amount: u64, report: &dyn Fn(u64)) {
    let now = {
        let mut t = total.lock().unwrap();
        *t += amount;
        *t
    }; // the guard is dropped here
    report(now);
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::scopes::check_report_total(update_total));
