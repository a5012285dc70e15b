//! Exercise (Testing concurrent code, 2): write the model test. The check
//! runs `deposit_test` under every schedule that shuttle can make, once with
//! a racy deposit (it must fail) and once with a correct one (it must pass).
//! Change `deposit_test`, then run
//!
//!     cargo run --features shuttle --example ex_testing_deposit_test
//!
//! until it says PASS. The types are shuttle's: `Arc`, `thread` and
//! `AtomicU64` below are the ones its search controls.

use shuttle::sync::Arc;
use shuttle::sync::atomic::{AtomicU64, Ordering::SeqCst};
use shuttle::thread;

// ANCHOR: exercise
/// Two deposits of 10 into one empty account from two threads: the balance
/// must end at 20, whatever the schedule.
fn deposit_test(deposit: fn(&AtomicU64, u64)) {
    let balance = Arc::new(AtomicU64::new(0));
    for _ in 0..2 {
        let balance = Arc::clone(&balance);
        thread::spawn(move || deposit(&balance, 10)).join().unwrap();
    }
    assert_eq!(balance.load(SeqCst), 20);
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::testing::check_deposit_test(deposit_test));
