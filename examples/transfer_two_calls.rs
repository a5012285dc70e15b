//! Two calls, each safe, are not one safe operation. A transfer is done as
//! `withdraw()` then `deposit()`, and each of them takes the bank's lock. An
//! auditor looks between the two calls and finds money missing.
//!
//!     cargo run --example transfer_two_calls

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Barrier, Mutex, TryLockError};
use std::thread;

/// Account balances by name. The invariant: the total never changes.
struct Bank {
    balances: BTreeMap<&'static str, u64>,
}

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

// ANCHOR: calls
fn withdraw(bank: &Mutex<Bank>, from: &str, amount: u64) {
    let mut bank = bank.lock().unwrap();
    *bank.balances.get_mut(from).unwrap() -= amount;
} // the guard is dropped here: the lock is free again

fn deposit(bank: &Mutex<Bank>, to: &str, amount: u64) {
    let mut bank = bank.lock().unwrap();
    *bank.balances.get_mut(to).unwrap() += amount;
}

fn transfer(bank: &Mutex<Bank>, from: &str, to: &str, amount: u64) {
    withdraw(bank, from, amount);
    let_the_auditor_look(); // another thread can run here
    deposit(bank, to, amount);
}
// ANCHOR_END: calls

// ANCHOR: auditor
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
// ANCHOR_END: auditor

fn main() {
    lockbook::cli::no_options(
        "Two calls, each safe, are not one safe operation",
    );
    let bank = Mutex::new(Bank {
        balances: BTreeMap::from([("alice", 100), ("bob", 0)]),
    });
    let expected = bank.lock().unwrap().total();
    println!("before:  {}", bank.lock().unwrap());
    println!("transfer 30 from alice to bob: withdraw(), then deposit()");
    thread::scope(|s| {
        s.spawn(|| audit(&bank, expected));
        s.spawn(|| transfer(&bank, "alice", "bob", 30));
    });
    println!("after:   {}", bank.lock().unwrap());
}
