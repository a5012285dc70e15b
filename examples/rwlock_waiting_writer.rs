//! Does a writer that waits for a read-write lock keep new readers out?
//! Reader 1 holds a read lock, a writer asks for the write lock and waits,
//! then a new reader tries `try_read()` (which never blocks). The program
//! does this for std's `RwLock`, parking_lot's `RwLock` and parking_lot's
//! `RecursiveRwLock`.
//!
//!     cargo run --example rwlock_waiting_writer

use std::thread;
use std::time::{Duration, Instant};

/// How long a new reader keeps trying before we say it was never refused.
const PATIENCE: Duration = Duration::from_millis(200);

/// Try `try_read` again and again for up to [`PATIENCE`]; `true` as soon as
/// one attempt is refused.
fn new_reader_refused(mut try_read: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if !try_read() {
            return true;
        }
        thread::yield_now();
    }
    false
}

fn report(lock: &str, refused: bool) {
    println!("{lock}: reader 1 holds a read lock, a writer waits");
    if refused {
        println!("  new reader: refused (the waiting writer goes first)");
    } else {
        println!("  new reader: admitted (readers first: a writer can starve)");
    }
}

fn main() {
    lockbook::cli::no_options(
        "Does a waiting writer keep new readers out? std vs parking_lot",
    );
    // ANCHOR: std
    let lock = std::sync::RwLock::new(0);
    let refused = thread::scope(|s| {
        let reader_1 = lock.read().unwrap();
        let writer = s.spawn(|| *lock.write().unwrap() += 1);
        // A new reader tries while the writer waits.
        let refused = new_reader_refused(|| lock.try_read().is_ok());
        drop(reader_1); // now the writer can go
        writer.join().unwrap();
        refused
    });
    report("std::sync::RwLock", refused);
    // ANCHOR_END: std

    let lock = parking_lot::RwLock::new(0);
    let refused = thread::scope(|s| {
        let reader_1 = lock.read();
        let writer = s.spawn(|| *lock.write() += 1);
        let refused = new_reader_refused(|| lock.try_read().is_some());
        drop(reader_1);
        writer.join().unwrap();
        refused
    });
    report("parking_lot::RwLock", refused);

    let lock = parking_lot::RecursiveRwLock::new(0);
    let refused = thread::scope(|s| {
        let reader_1 = lock.read();
        let writer = s.spawn(|| *lock.write() += 1);
        let refused = new_reader_refused(|| lock.try_read().is_some());
        drop(reader_1);
        writer.join().unwrap();
        refused
    });
    report("parking_lot::RecursiveRwLock", refused);
    println!("every writer got the lock once the readers left");
}
