//! A panic while a guard is held poisons the mutex. The panic struck halfway
//! through a transfer, so the invariant (the two balances add up to 100) is
//! broken; poisoning tells the next user so. The lock is acquired all the
//! same, and the write made before the panic is there.
//!
//!     cargo run --example poisoned_transfer

use std::sync::{Mutex, PoisonError};
use std::thread;

#[derive(Debug)]
struct Accounts {
    alice: i64,
    bob: i64,
}

// ANCHOR: transfer
/// Move `amount` from Alice to Bob: two writes, and a panic in between.
fn transfer(accounts: &Mutex<Accounts>, amount: i64) {
    let mut acc = accounts.lock().unwrap();
    acc.alice -= amount; // first write
    if amount > 5 {
        panic!("bank link down"); // unwinds: `acc` is dropped, poisoning
    }
    acc.bob += amount; // second write, never reached
}
// ANCHOR_END: transfer

fn main() {
    lockbook::cli::no_options(
        "A panic while a guard is held poisons the mutex",
    );
    // ANCHOR: main
    let accounts = Mutex::new(Accounts { alice: 50, bob: 50 });
    thread::scope(|s| {
        // A named thread, so that the panic message says which one it was.
        let worker = thread::Builder::new()
            .name("transfer".into())
            .spawn_scoped(s, || transfer(&accounts, 10))
            .unwrap();
        println!("worker panicked: {}", worker.join().is_err());
    });
    println!("poisoned: {}", accounts.is_poisoned());

    let result = accounts.lock();
    println!("lock() -> Err? {}", result.is_err());
    let mut acc = result.unwrap_or_else(PoisonError::into_inner);
    println!("locked anyway: {acc:?}, sum {}", acc.alice + acc.bob);

    acc.bob += 10; // finish the transfer: the invariant holds again
    println!("repaired:      {acc:?}, sum {}", acc.alice + acc.bob);
    println!("still poisoned: {}", accounts.is_poisoned());
    accounts.clear_poison();
    drop(acc);
    println!(
        "after clear_poison, lock() -> Ok? {}",
        accounts.lock().is_ok()
    );
    // ANCHOR_END: main
}
