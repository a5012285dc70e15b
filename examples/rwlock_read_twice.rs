//! A thread that holds a read lock takes it again while a writer waits.
//! On Linux the second `read()` never returns: the waiting writer keeps new
//! readers out, and the writer waits for the first read guard, which this
//! thread will never drop. A watchdog reports the hang after 1 s and ends
//! the program with exit code 3.
//!
//!     cargo run --example rwlock_read_twice

use std::sync::RwLock;
use std::thread;
use std::time::Duration;

use lockbook::watchdog;

// ANCHOR: twice
fn total_twice(prices: &'static RwLock<[u64; 3]>) -> u64 {
    let first = prices.read().unwrap(); // read lock 1
    let sum: u64 = first.iter().sum();
    wait_until_a_writer_waits(prices); // bad luck: a writer arrives
    println!("reader: holds a read lock, a writer waits, reads again");
    let second = prices.read().unwrap(); // read lock 2: never returns
    sum + second.iter().sum::<u64>()
}
// ANCHOR_END: twice

/// Stand-in for bad luck: start a writer and return once it is waiting,
/// that is, once `try_read()` is refused.
fn wait_until_a_writer_waits(prices: &'static RwLock<[u64; 3]>) {
    thread::spawn(move || prices.write().unwrap()[0] += 1);
    while prices.try_read().is_ok() {
        thread::yield_now();
    }
}

const CAUSE: &str = "\
the reader holds a read lock of the RwLock and calls read() again while a
  writer waits. std's docs: the priority policy depends on the OS, and a
  waiting writer \"might or might not block concurrent calls to read\";
  read() \"might panic\" if this thread already holds the lock. On Linux,
  std's RwLock is a futex lock that lets a waiting writer go first: the
  second read() waits for the writer, the writer waits for the first read
  guard. Nobody moves.";

fn main() {
    lockbook::cli::no_options(
        "Taking a read lock twice while a writer waits hangs on Linux",
    );
    static PRICES: RwLock<[u64; 3]> = RwLock::new([10, 20, 30]);
    let total = watchdog::finish_or_report(
        "reader",
        Duration::from_secs(1),
        CAUSE,
        || total_twice(&PRICES),
    );
    println!("total: {total}");
}
