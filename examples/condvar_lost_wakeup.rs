//! The lost wake-up: the "ready" flag is an atomic outside the mutex, so
//! another thread can set it and notify in the gap between the worker's
//! check and its `wait()`. The notification finds nobody waiting and is
//! lost; the worker then waits forever. A channel handshake makes the gap
//! happen on every run; a watchdog reports the hang after 1 s and ends the
//! program with exit code 3.
//!
//!     cargo run --example condvar_lost_wakeup

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

use lockbook::watchdog;

static LOCK: Mutex<()> = Mutex::new(());
static WOKEN: Condvar = Condvar::new();
static READY: AtomicBool = AtomicBool::new(false); // not under LOCK!

// ANCHOR: lost
fn wait_until_ready(in_the_gap: impl Fn()) {
    let mut guard = LOCK.lock().unwrap();
    while !READY.load(Ordering::SeqCst) {
        in_the_gap(); // bad luck: the setter runs here
        guard = WOKEN.wait(guard).unwrap();
    }
    println!("worker: ready, starts");
}

fn set_ready() {
    READY.store(true, Ordering::SeqCst); // no LOCK taken...
    WOKEN.notify_all(); // ...so this can come before the wait()
    println!("setter: set READY and notified");
}
// ANCHOR_END: lost

const CAUSE: &str = "\
the worker checked READY (false), and before it called wait() the setter
  thread set READY and called notify_all(). A notification wakes only
  threads that are already waiting; it is not stored. The worker then
  waits for a notification that already came. Fix: keep the flag inside
  the Mutex that the Condvar waits with, and set it under that lock.";

fn main() {
    lockbook::cli::no_options("The lost wake-up of a Condvar");
    let (in_gap, gap_reached) = mpsc::channel();
    let (notified, notify_done) = mpsc::channel();
    thread::spawn(move || {
        gap_reached.recv().unwrap(); // the worker has checked the flag
        set_ready();
        notified.send(()).unwrap();
    });
    watchdog::finish_or_report(
        "worker",
        Duration::from_secs(1),
        CAUSE,
        move || {
            wait_until_ready(move || {
                println!("worker: READY is false, about to wait()");
                in_gap.send(()).unwrap();
                notify_done.recv().unwrap(); // the setter notifies now
            })
        },
    );
}
