//! When `main` returns, the whole process ends, and threads that are still
//! running are stopped where they are. A thread nobody joins may never
//! finish its work.
//!
//!     cargo run --example main_exits_first

use std::thread;
use std::time::Duration;

fn main() {
    lockbook::cli::no_options(
        "When `main` returns, the whole process ends, and threads that are still running are stopped where they are",
    );
    // ANCHOR: main
    thread::spawn(|| {
        thread::sleep(Duration::from_millis(300)); // the work takes a while
        println!("worker: finished the work");
    }); // the JoinHandle is dropped here: nobody will wait for the worker
    println!("main: spawned the worker; returning");
    // ANCHOR_END: main
}
