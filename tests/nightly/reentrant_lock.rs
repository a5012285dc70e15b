//! std's own re-entrant lock, `std::sync::ReentrantLock`. It is unstable
//! (feature `reentrant_lock`, rust-lang/rust#121440), so this program needs
//! nightly Rust; tests/runs_reentrant.rs compiles and runs it when a nightly
//! toolchain is installed.
#![feature(reentrant_lock)]

use std::cell::RefCell;
use std::sync::ReentrantLock;
use std::thread;

static LOG: ReentrantLock<RefCell<Vec<String>>> =
    ReentrantLock::new(RefCell::new(Vec::new()));

fn record(line: String) {
    let log = LOG.lock(); // a guard, not a Result: nothing to unwrap
    log.borrow_mut().push(line);
}

fn record_pair(id: usize) {
    let _held = LOG.lock(); // held across both calls
    record(format!("{id}: first"));
    thread::yield_now(); // no other thread gets the lock in between
    record(format!("{id}: second"));
}

fn main() {
    thread::scope(|s| {
        for id in 1..=4 {
            s.spawn(move || record_pair(id));
        }
    });
    let log = LOG.lock();
    let log = log.borrow();
    for pair in log.chunks(2) {
        let id = pair[0].strip_suffix(": first").expect("a pair starts");
        assert_eq!(pair[1], format!("{id}: second"));
    }
    println!("{} lines, each thread's two together", log.len());
}
