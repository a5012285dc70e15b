//! The fix for `transfer_two_calls`: lock once, at the top. The steps are
//! methods on the guarded `Bank` that take `&mut self`: they cannot lock,
//! and the whole transfer is one critical section. The same auditor looks
//! at the same moment, finds the bank locked, waits, and sees the books
//! balance.
//!
//!     cargo run --example transfer_one_guard

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Barrier, Mutex, TryLockError};
use std::thread;

/// Account balances by name. The invariant: the total never changes.
struct Bank {
    balances: BTreeMap<&'static str, u64>,
}

// ANCHOR: methods
impl Bank {
    fn withdraw(&mut self, from: &str, amount: u64) {
        *self.balances.get_mut(from).unwrap() -= amount;
    }

    fn deposit(&mut self, to: &str, amount: u64) {
        *self.balances.get_mut(to).unwrap() += amount;
    }

    /// Both steps, under the one guard the caller holds.
    fn transfer(&mut self, from: &str, to: &str, amount: u64) {
        self.withdraw(from, amount);
        let_the_auditor_look(); // another thread can run here, and wait
        self.deposit(to, amount);
    }
}
// ANCHOR_END: methods

impl Bank {
    fn total(&self) -> u64 {
        self.balances.values().sum()
    }
}

impl fmt::Display for Bank {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (name, balance) in &self.balances {
            write!(f, "{name} {balance}, ")?;
        }
        write!(f, "total {}", self.total())
    }
}

/// Met by the transfer between its two steps, and by the auditor.
static MID_TRANSFER: Barrier = Barrier::new(2);
/// Met once the auditor has tried to look.
static AUDITOR_TRIED: Barrier = Barrier::new(2);

/// Stands in for bad luck: wait until the auditor has tried to look.
fn let_the_auditor_look() {
    MID_TRANSFER.wait();
    AUDITOR_TRIED.wait();
}

/// Look at the bank in the middle of the transfer; wait if it is locked.
fn audit(bank: &Mutex<Bank>, expected: u64) {
    MID_TRANSFER.wait();
    let now = match bank.try_lock() {
        Ok(bank) => Some((bank.to_string(), bank.total())),
        Err(TryLockError::WouldBlock) => None,
        Err(TryLockError::Poisoned(e)) => panic!("{e}"),
    };
    AUDITOR_TRIED.wait();
    let (seen, total) = now.unwrap_or_else(|| {
        println!("auditor: the bank is locked, so it waits");
        let bank = bank.lock().unwrap();
        (bank.to_string(), bank.total())
    });
    println!("auditor: {seen}");
    match expected - total {
        0 => println!("auditor: the books balance"),
        missing => println!("auditor: {missing} missing!"),
    }
}

fn main() {
    lockbook::cli::no_options("The fix for `transfer_two_calls`");
    let bank = Mutex::new(Bank {
        balances: BTreeMap::from([("alice", 100), ("bob", 0)]),
    });
    let expected = bank.lock().unwrap().total();
    println!("before:  {}", bank.lock().unwrap());
    println!("transfer 30 from alice to bob: one lock(), then both steps");
    // ANCHOR: main
    thread::scope(|s| {
        s.spawn(|| audit(&bank, expected));
        s.spawn(|| bank.lock().unwrap().transfer("alice", "bob", 30));
    });
    // ANCHOR_END: main
    println!("after:   {}", bank.lock().unwrap());
}
