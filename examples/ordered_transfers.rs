//! The fix for `deadlock_two_accounts`: one global order. Every transfer
//! locks the account with the lower id first, whichever way the money moves.
//! Two threads make many transfers in opposite directions at once, with a
//! `yield_now()` between the two locks to invite the bad interleaving; all
//! of them finish. (A watchdog would report a deadlock after 4 s.)
//!
//!     cargo run --example ordered_transfers -- --rounds 2000

use std::sync::{Barrier, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use lockbook::cli::{self, Opt};
use lockbook::watchdog;

// ANCHOR: ordered
struct Account {
    id: u32,
    balance: Mutex<i64>,
}

/// Locks both accounts, the one with the lower id first. The guards come
/// back in the order of the arguments.
fn lock_both<'a>(
    a: &'a Account,
    b: &'a Account,
) -> (MutexGuard<'a, i64>, MutexGuard<'a, i64>) {
    assert_ne!(a.id, b.id, "one account cannot be locked twice");
    if a.id < b.id {
        let a_guard = a.balance.lock().unwrap();
        thread::yield_now(); // bad luck: let the other thread run here
        (a_guard, b.balance.lock().unwrap())
    } else {
        let b_guard = b.balance.lock().unwrap();
        thread::yield_now();
        (a.balance.lock().unwrap(), b_guard)
    }
}

fn transfer(from: &Account, to: &Account, amount: i64) {
    let (mut from_balance, mut to_balance) = lock_both(from, to);
    *from_balance -= amount;
    *to_balance += amount;
}
// ANCHOR_END: ordered

const CAUSE: &str = "the transfers are still running: a deadlock, which lock \
                     ordering rules out, or a very slow machine";

fn main() {
    let [rounds] = cli::parse(
        "Opposite transfers between two accounts, locks taken by account id",
        [Opt::new("rounds", 2_000, "transfers each thread makes")
            .range(1, 10_000)],
    );
    // ANCHOR: main
    static ALICE: Account = Account {
        id: 1,
        balance: Mutex::new(100),
    };
    static BOB: Account = Account {
        id: 2,
        balance: Mutex::new(100),
    };
    static START: Barrier = Barrier::new(2);
    println!("2 threads x {rounds} transfers: alice-to-bob and bob-to-alice");
    let started = Instant::now();
    watchdog::finish_or_report(
        "transfers",
        Duration::from_secs(4),
        CAUSE,
        move || {
            thread::scope(|s| {
                for (from, to) in [(&ALICE, &BOB), (&BOB, &ALICE)] {
                    s.spawn(move || {
                        START.wait();
                        for _ in 0..rounds {
                            transfer(from, to, 10);
                        }
                    });
                }
            })
        },
    );
    let alice = *ALICE.balance.lock().unwrap();
    let bob = *BOB.balance.lock().unwrap();
    println!(
        "all {} transfers done in {} ms",
        2 * rounds,
        started.elapsed().as_millis()
    );
    println!("balances: alice {alice}, bob {bob} (total {})", alice + bob);
    // ANCHOR_END: main
}
