//! Shuttle, the randomized scheduler of "Testing concurrent code": it finds
//! the ten-thread lost update, passes the Mutex version, and reports both
//! kinds of deadlock from the earlier chapters. Runs in a plain
//! `cargo test -p book-tests --test shuttle_counter`.

use shuttle::sync::atomic::AtomicU64;
use shuttle::sync::{Arc, Mutex};
use shuttle::thread;
use std::sync::atomic::Ordering::SeqCst;

// ANCHOR: ten_threads
/// Ten threads each add 5 to a total with `add`; the total must be 50.
fn ten_threads_add(add: fn(&AtomicU64, u64)) {
    let total = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let total = Arc::clone(&total);
            thread::spawn(move || add(&total, 5))
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let total = total.load(SeqCst);
    assert!(total == 50, "lost update: total {total}, expected 50");
}

fn racy_add(total: &AtomicU64, amount: u64) {
    let current = total.load(SeqCst);
    total.store(current + amount, SeqCst);
}

#[test]
#[should_panic(expected = "lost update")]
fn ten_threads_lose_an_update() {
    shuttle::check_random(|| ten_threads_add(racy_add), 1000);
}

#[test]
fn fetch_add_never_loses_one() {
    shuttle::check_random(
        || ten_threads_add(|t, n| _ = t.fetch_add(n, SeqCst)),
        1000,
    );
}
// ANCHOR_END: ten_threads

// ANCHOR: mutex
#[test]
fn one_guard_never_loses_an_update() {
    shuttle::check_random(
        || {
            let total = Arc::new(Mutex::new(0));
            let handles: Vec<_> = (0..10)
                .map(|_| {
                    let total = Arc::clone(&total);
                    thread::spawn(move || *total.lock().unwrap() += 5)
                })
                .collect();
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(*total.lock().unwrap(), 50);
        },
        1000,
    );
}
// ANCHOR_END: mutex

// ANCHOR: deadlocks
#[test]
#[should_panic(expected = "tried to acquire a Mutex it already holds")]
fn same_thread_locks_twice() {
    shuttle::check_random(
        || {
            let bank = Mutex::new(100);
            let _whole = bank.lock().unwrap();
            let _again = bank.lock().unwrap(); // std: blocks forever
        },
        10,
    );
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn two_locks_in_opposite_orders() {
    shuttle::check_random(
        || {
            let a = Arc::new(Mutex::new(0));
            let b = Arc::new(Mutex::new(0));
            let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
            let t = thread::spawn(move || {
                let _b = b2.lock().unwrap(); // B, then A
                let _a = a2.lock().unwrap();
            });
            {
                let _a = a.lock().unwrap(); // A, then B
                let _b = b.lock().unwrap();
            }
            t.join().unwrap();
        },
        1000,
    );
}
// ANCHOR_END: deadlocks
