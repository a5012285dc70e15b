//! parking_lot's deadlock detector (Cargo feature `deadlock_detection`).
//! Three deadlock patterns, one after the other, asked about with
//! `parking_lot::deadlock::check_deadlock()`:
//! 1. two threads deadlocked on two std Mutexes: not seen (0 cycles);
//! 2. two threads in a cycle of parking_lot `try_lock_for` waits: not seen
//!    (a timed wait ends by itself);
//! 3. two threads deadlocked on two parking_lot Mutexes: a watchdog thread
//!    finds the cycle and prints its threads, with their ids and names and
//!    where they are blocked. The threads stay blocked; the program ends
//!    with exit code 3.
//!
//! The feature adds bookkeeping to every parking_lot lock, so it is off by
//! default; build in a target dir of its own:
//!
//!     CARGO_TARGET_DIR=target/features cargo run \
//!         --features deadlock_detection --example deadlock_detector

use std::sync::Barrier;
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use parking_lot::deadlock;

/// Spawns the thread `name`, which locks `first`, meets the other thread
/// at `both`, then locks `second` (with `lock`, which may never return).
fn spawn_abba<L: Sync>(
    name: &str,
    first: &'static L,
    second: &'static L,
    both: &'static Barrier,
    lock: fn(&'static L, &'static L, &'static Barrier),
) -> JoinHandle<()> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || lock(first, second, both))
        .unwrap()
}

/// Cycles that check_deadlock() reports now.
fn cycles_now() -> usize {
    deadlock::check_deadlock().len()
}

fn std_mutexes() {
    use std::sync::Mutex;
    static A: Mutex<u64> = Mutex::new(100);
    static B: Mutex<u64> = Mutex::new(100);
    static BOTH: Barrier = Barrier::new(3);
    fn lock(first: &Mutex<u64>, second: &Mutex<u64>, both: &Barrier) {
        let _first = first.lock().unwrap();
        both.wait();
        let _second = second.lock().unwrap(); // never returns
    }
    println!("1. std Mutex: `std-a-to-b` and `std-b-to-a` deadlock");
    spawn_abba("std-a-to-b", &A, &B, &BOTH, lock);
    spawn_abba("std-b-to-a", &B, &A, &BOTH, lock);
    BOTH.wait();
    thread::sleep(Duration::from_millis(200));
    println!("   check_deadlock(): {} cycles", cycles_now());
}

fn timed_waits() {
    use parking_lot::Mutex;
    static A: Mutex<u64> = Mutex::new(100);
    static B: Mutex<u64> = Mutex::new(100);
    static BOTH: Barrier = Barrier::new(3);
    static BOTH_GAVE_UP: Barrier = Barrier::new(2);
    fn lock(first: &Mutex<u64>, second: &Mutex<u64>, both: &Barrier) {
        let _first = first.lock();
        both.wait();
        let second = second.try_lock_for(Duration::from_millis(600));
        assert!(second.is_none(), "the other thread holds it");
        BOTH_GAVE_UP.wait(); // keep `first` until the other gave up too
    }
    println!("2. parking_lot try_lock_for(600 ms): a cycle of timed waits");
    let one = spawn_abba("timed-a-to-b", &A, &B, &BOTH, lock);
    let two = spawn_abba("timed-b-to-a", &B, &A, &BOTH, lock);
    BOTH.wait();
    thread::sleep(Duration::from_millis(200));
    println!("   check_deadlock(): {} cycles", cycles_now());
    one.join().unwrap();
    two.join().unwrap();
    println!("   both threads gave up after 600 ms and went on");
}

// ANCHOR: abba
use parking_lot::Mutex;

static ACCOUNT_A: Mutex<u64> = Mutex::new(100);
static ACCOUNT_B: Mutex<u64> = Mutex::new(100);
static BOTH_HOLD_ONE: Barrier = Barrier::new(3); // two threads and main

fn transfer(from: &Mutex<u64>, to: &Mutex<u64>, both: &Barrier) {
    let mut from = from.lock();
    both.wait();
    let mut to = to.lock(); // never returns
    *from -= 10;
    *to += 10;
}
// ANCHOR_END: abba

// ANCHOR: watchdog
/// Checks for deadlocks every 100 ms; prints the first it finds, with the
/// names of the threads from `names`, and ends the process.
fn watchdog(names: Vec<(ThreadId, String)>, formed: Instant) {
    for _ in 0..30 {
        thread::sleep(Duration::from_millis(100));
        let asked = formed.elapsed();
        let cycles = deadlock::check_deadlock();
        if cycles.is_empty() {
            continue;
        }
        println!(
            "   after {:.1} s: check_deadlock() found {} cycle \
             (it took {:.1} s to return)",
            asked.as_secs_f64(),
            cycles.len(),
            (formed.elapsed() - asked).as_secs_f64()
        );
        for (i, cycle) in cycles.iter().enumerate() {
            println!("   cycle {}: {} threads", i + 1, cycle.len());
            for blocked in cycle {
                let id = blocked.thread_id();
                let name = names.iter().find(|(t, _)| *t == id);
                let name = name.map_or("?", |(_, n)| n.as_str());
                let at = blocked_at(blocked.backtrace());
                println!("     {id:?} `{name}`, blocked at {at}");
            }
        }
        println!("   the threads stay blocked; exit code 3");
        std::process::exit(3);
    }
    println!("   no deadlock found within 3 s");
    std::process::exit(1);
}
// ANCHOR_END: watchdog

/// Where in this file `transfer` is blocked (`file:line:column`), read
/// from the backtrace the detector took of the blocked thread.
fn blocked_at(backtrace: &impl std::fmt::Debug) -> String {
    let text = format!("{backtrace:?}");
    let after = text.split_once("deadlock_detector::transfer").map(|p| p.1);
    let place = after.and_then(|rest| {
        let at = rest.find("examples/deadlock_detector.rs:")?;
        rest[at..].split(['\n', ' ', ')', '"']).next()
    });
    place.unwrap_or("an unknown place").to_owned()
}

fn main() {
    lockbook::cli::no_options("parking_lot's deadlock detector");
    std_mutexes();
    timed_waits();
    // ANCHOR: main
    println!(
        "3. parking_lot Mutex: `alice-to-bob` and `bob-to-alice` deadlock"
    );
    println!("   watchdog: check_deadlock() every 100 ms");
    let one = thread::Builder::new()
        .name("alice-to-bob".to_owned())
        .spawn(|| transfer(&ACCOUNT_A, &ACCOUNT_B, &BOTH_HOLD_ONE))
        .unwrap();
    let two = thread::Builder::new()
        .name("bob-to-alice".to_owned())
        .spawn(|| transfer(&ACCOUNT_B, &ACCOUNT_A, &BOTH_HOLD_ONE))
        .unwrap();
    let names: Vec<(ThreadId, String)> = [one.thread(), two.thread()]
        .iter()
        .map(|t| (t.id(), t.name().unwrap_or("?").to_owned()))
        .collect();
    BOTH_HOLD_ONE.wait(); // both hold one lock; the cycle forms now
    let formed = Instant::now();
    thread::spawn(move || watchdog(names, formed))
        .join()
        .unwrap();
    // ANCHOR_END: main
}
