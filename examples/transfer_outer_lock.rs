//! The tempting fix for `transfer_two_calls`: hold the bank's lock over both
//! calls. `withdraw()` and `deposit()` still lock it too, so the thread waits
//! for a lock it holds itself. A watchdog reports the hang after 1 s and ends
//! the program with exit code 3.
//!
//!     cargo run --example transfer_outer_lock
//!
//! With `LOCKBOOK_TRACE=FILE` it also records each lock() call in FILE
//! (lockbook::trace); cargo xtask draw-timelines draws them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lockbook::{trace, watchdog};

/// Account balances by name.
struct Bank {
    balances: BTreeMap<&'static str, u64>,
}

// ANCHOR: calls
fn withdraw(bank: &Mutex<Bank>, from: &str, amount: u64) {
    // ANCHOR_END: calls
    trace::lock_request("bank", "withdraw"); // only with LOCKBOOK_TRACE
    // ANCHOR: calls
    let mut bank = bank.lock().unwrap();
    // ANCHOR_END: calls
    trace::lock_acquired("bank", "withdraw");
    // ANCHOR: calls
    *bank.balances.get_mut(from).unwrap() -= amount;
}

fn deposit(bank: &Mutex<Bank>, to: &str, amount: u64) {
    // ANCHOR_END: calls
    trace::lock_request("bank", "deposit");
    // ANCHOR: calls
    let mut bank = bank.lock().unwrap();
    // ANCHOR_END: calls
    trace::lock_acquired("bank", "deposit");
    // ANCHOR: calls
    *bank.balances.get_mut(to).unwrap() += amount;
}

fn transfer(bank: &Mutex<Bank>, from: &str, to: &str, amount: u64) {
    // ANCHOR_END: calls
    trace::lock_request("bank", "transfer");
    // ANCHOR: calls
    let _whole = bank.lock().unwrap(); // hold the lock over both steps
    // ANCHOR_END: calls
    trace::lock_acquired("bank", "transfer");
    // ANCHOR: calls
    println!("transfer: holds the lock, calls withdraw()");
    withdraw(bank, from, amount); // locks again: never returns
    println!("transfer: calls deposit()");
    deposit(bank, to, amount);
}
// ANCHOR_END: calls

const CAUSE: &str = "\
transfer() holds the bank's Mutex, and withdraw() locks it again.
  std's docs: locking a Mutex the current thread already holds is
  unspecified; it \"might panic or deadlock\", and the second lock() will
  not return. On Linux, std's Mutex is a futex that records no owner, so it
  cannot tell that the holder is this thread: the thread blocks forever.
  It does not panic.";

fn main() {
    lockbook::cli::no_options("The tempting fix for `transfer_two_calls`");
    let bank = Arc::new(Mutex::new(Bank {
        balances: BTreeMap::from([("alice", 100), ("bob", 0)]),
    }));
    println!("transfer 30 from alice to bob, holding the lock over both calls");
    trace::watchdog("transfer", Duration::from_secs(1));
    // ANCHOR: watchdog
    let shared = Arc::clone(&bank);
    watchdog::finish_or_report(
        "transfer",
        Duration::from_secs(1),
        CAUSE,
        move || transfer(&shared, "alice", "bob", 30),
    );
    // ANCHOR_END: watchdog
    println!("done: {:?}", bank.lock().unwrap().balances);
}
