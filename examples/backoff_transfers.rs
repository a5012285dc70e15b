//! Another way out of the deadlock in `deadlock_two_accounts`: do not wait
//! forever. The same two transfers, in opposite lock order, with the same
//! Barrier forcing each thread to hold one lock first; but the second lock
//! is taken with parking_lot's `try_lock_for`. A thread that gives up
//! releases what it holds, backs off for a growing, random-ish time and
//! retries. Every round completes; the cost is the time spent giving up.
//!
//!     cargo run --example backoff_transfers -- --rounds 10

use std::hash::{BuildHasher, RandomState};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use lockbook::cli::{self, Opt};
use lockbook::watchdog;
use parking_lot::Mutex;

/// How long a thread waits for its second lock before it gives up.
const PATIENCE: Duration = Duration::from_millis(10);

// ANCHOR: backoff
/// Moves `amount`; returns how many times it gave up and started over.
fn transfer(
    from: &Mutex<i64>,
    to: &Mutex<i64>,
    amount: i64,
    both_hold_one: &Barrier,
) -> u32 {
    let mut gave_up = 0;
    loop {
        let mut from_balance = from.lock();
        if gave_up == 0 {
            both_hold_one.wait(); // force the deadlock pattern, once
        }
        if let Some(mut to_balance) = to.try_lock_for(PATIENCE) {
            *from_balance -= amount;
            *to_balance += amount;
            return gave_up;
        }
        drop(from_balance); // give up: release what this thread holds
        gave_up += 1;
        thread::sleep(back_off(gave_up));
    }
}

/// 2, 4, 8, ... ms for attempts 1, 2, 3, ... (at most 64), plus a random
/// part below that, so that two threads that gave up together do not retry
/// together.
fn back_off(attempt: u32) -> Duration {
    let base = 1u64 << attempt.min(6);
    // std has no random numbers, but every `RandomState::new()` hashes with
    // new keys (random per thread, then counted up), so the hash of
    // anything is a number the other thread cannot predict. Enough to
    // spread retries apart; not for cryptography.
    let random = RandomState::new().hash_one(attempt) % base;
    Duration::from_millis(base + random)
}
// ANCHOR_END: backoff

const CAUSE: &str = "the transfers are still running after 4 s: a livelock, \
                     the threads giving up and retrying in step, forever";

fn main() {
    let [rounds] = cli::parse(
        "Opposite-order transfers that give up and back off instead of \
         deadlocking",
        [Opt::new("rounds", 10, "rounds of two opposite transfers")
            .range(1, 100)],
    );
    let started = Instant::now();
    // ANCHOR: main
    let (gave_up, alice, bob) = watchdog::finish_or_report(
        "transfers",
        Duration::from_secs(4),
        CAUSE,
        move || {
            let alice = Mutex::new(100);
            let bob = Mutex::new(100);
            let mut gave_up = 0;
            for _ in 0..rounds {
                let both_hold_one = Barrier::new(2);
                gave_up += thread::scope(|s| {
                    let (a, b, both) = (&alice, &bob, &both_hold_one);
                    let one = s.spawn(move || transfer(a, b, 10, both));
                    let two = s.spawn(move || transfer(b, a, 10, both));
                    one.join().unwrap() + two.join().unwrap()
                });
            }
            (gave_up, alice.into_inner(), bob.into_inner())
        },
    );
    // ANCHOR_END: main
    println!(
        "{rounds} rounds: in each, one thread holds alice and waits for bob,"
    );
    println!("the other holds bob and waits for alice");
    println!("all {} transfers done", 2 * rounds);
    println!("balances: alice {alice}, bob {bob} (total {})", alice + bob);
    println!("gave up and retried: {gave_up} times");
    println!("time taken: {} ms", started.elapsed().as_millis());
}
