//! A deadlock between two locks, on every run. Thread `alice-to-bob` locks
//! `ACCOUNT_A`, then `ACCOUNT_B`; thread `bob-to-alice` locks them in the
//! opposite order. A Barrier makes each thread hold its first lock before it
//! asks for the second, so each waits for the other forever. Every thread
//! notes in a table what it holds and what it waits for *before* it blocks;
//! a watchdog reads the table after 1 s, names the threads and the locks,
//! and ends the program with exit code 3.
//!
//!     cargo run --example deadlock_two_accounts
//!
//! With `LOCKBOOK_TRACE=FILE` it also records each lock() call in FILE
//! (lockbook::trace); cargo xtask draw-timelines draws them.

use std::collections::BTreeMap;
use std::process;
use std::sync::{Barrier, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use lockbook::{trace, watchdog};

// ANCHOR: locks
static ACCOUNT_A: Mutex<u64> = Mutex::new(100);
static ACCOUNT_B: Mutex<u64> = Mutex::new(100);

/// Holds each thread after it has taken its first lock, until both have.
static BOTH_HOLD_ONE: Barrier = Barrier::new(2);
// ANCHOR_END: locks

// ANCHOR: table
/// What each thread holds and waits for, by thread name.
#[derive(Default)]
struct LockState {
    holds: Vec<&'static str>,
    waits_for: Option<&'static str>,
}

static TABLE: Mutex<BTreeMap<String, LockState>> = Mutex::new(BTreeMap::new());

/// `lock.lock()`, noting in TABLE first that this thread waits for `name`,
/// and afterwards that it holds it. TABLE's own lock is never held while
/// this thread waits for `lock`.
fn lock_noted(
    name: &'static str,
    lock: &'static Mutex<u64>,
) -> MutexGuard<'static, u64> {
    let me = thread::current().name().unwrap_or("?").to_owned();
    TABLE
        .lock()
        .unwrap()
        .entry(me.clone())
        .or_default()
        .waits_for = Some(name);
    // ANCHOR_END: table
    trace::lock_request(name, "transfer"); // only with LOCKBOOK_TRACE
    // ANCHOR: table
    let guard = lock.lock().unwrap(); // may wait here
    // ANCHOR_END: table
    trace::lock_acquired(name, "transfer");
    // ANCHOR: table
    let mut table = TABLE.lock().unwrap();
    let state = table.entry(me).or_default();
    state.waits_for = None;
    state.holds.push(name);
    guard
}
// ANCHOR_END: table

// ANCHOR: transfer
fn transfer(
    (from_name, from): (&'static str, &'static Mutex<u64>),
    (to_name, to): (&'static str, &'static Mutex<u64>),
    amount: u64,
) {
    let mut from = lock_noted(from_name, from);
    BOTH_HOLD_ONE.wait(); // the other thread now holds its first lock too
    let mut to = lock_noted(to_name, to); // ...which is this one
    *from -= amount;
    *to += amount;
}
// ANCHOR_END: transfer

fn main() {
    lockbook::cli::no_options(
        "Two threads lock two accounts in opposite order: a deadlock, \
         reported by a watchdog",
    );
    println!("thread `alice-to-bob`: locks ACCOUNT_A, then ACCOUNT_B");
    println!("thread `bob-to-alice`: locks ACCOUNT_B, then ACCOUNT_A");
    // ANCHOR: main
    let a = ("ACCOUNT_A", &ACCOUNT_A);
    let b = ("ACCOUNT_B", &ACCOUNT_B);
    // ANCHOR_END: main
    trace::watchdog("transfers", Duration::from_secs(1));
    // ANCHOR: main
    let outcome =
        watchdog::run_within("transfers", Duration::from_secs(1), move || {
            thread::scope(|s| {
                for (name, from, to) in
                    [("alice-to-bob", a, b), ("bob-to-alice", b, a)]
                {
                    thread::Builder::new()
                        .name(name.to_owned())
                        .spawn_scoped(s, move || transfer(from, to, 10))
                        .unwrap();
                }
            })
        });
    if let Err(waited) = outcome {
        report_deadlock(waited);
    }
    println!("both transfers done");
    // ANCHOR_END: main
}

// ANCHOR: report
fn report_deadlock(waited: Duration) -> ! {
    println!(
        "hang detected: thread `transfers` still blocked after {:.1} s",
        waited.as_secs_f64()
    );
    println!(
        "cause: a deadlock; each thread holds a lock the other waits for:"
    );
    for (thread, state) in TABLE.lock().unwrap().iter() {
        if let Some(wanted) = state.waits_for {
            let held: Vec<String> =
                state.holds.iter().map(|h| format!("`{h}`")).collect();
            println!(
                "  thread `{thread}` holds {}, waits for `{wanted}`",
                held.join(", ")
            );
        }
    }
    println!("  Neither lock() can return, and std's Mutex has no timeout.");
    process::exit(watchdog::HANG_EXIT_CODE)
}
// ANCHOR_END: report
