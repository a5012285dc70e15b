//! A std guard held across an `.await` on a current-thread runtime: task A
//! locks, then awaits a timer with the guard alive; task B, on the same
//! thread, calls `lock()` and blocks that thread. A's timer fires, but the
//! only thread that could run A again is stuck in B's `lock()`: nothing
//! moves. The runtime runs on its own thread, and a watchdog reports the
//! hang after 1 s and ends the program with exit code 3.
//!
//!     cargo run --features async --example async_guard_across_await

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lockbook::watchdog;

// ANCHOR: tasks
#[expect(clippy::await_holding_lock, reason = "the hang this program shows")]
async fn task_a(total: Arc<Mutex<u64>>) {
    let mut guard = total.lock().unwrap();
    println!("task A: locked, now awaiting a 10 ms timer");
    tokio::time::sleep(Duration::from_millis(10)).await; // guard still held
    *guard += 1;
    println!("task A: done");
}

async fn task_b(total: Arc<Mutex<u64>>) {
    println!("task B: calling lock()");
    *total.lock().unwrap() += 1; // blocks the runtime's only thread
    println!("task B: done");
}
// ANCHOR_END: tasks

const CAUSE: &str = "\
task A holds the std Mutex across an .await; task B, on the runtime's only
  thread, blocks in lock(). A's timer fires, but the thread that would
  resume A is the one stuck in B's lock(). Drop the guard before the
  .await, or use tokio::sync::Mutex, whose lock().await yields instead.";

fn main() {
    lockbook::cli::no_options("A std guard across .await, on one thread");
    watchdog::finish_or_report(
        "runtime",
        Duration::from_secs(1),
        CAUSE,
        || {
            // ANCHOR: runtime
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("a tokio runtime");
            let total = Arc::new(Mutex::new(0));
            // The futures are not `Send` (a std guard lives across an
            // `.await`), so they run as local tasks, on this one thread.
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, async {
                let a = tokio::task::spawn_local(task_a(Arc::clone(&total)));
                let b = tokio::task::spawn_local(task_b(Arc::clone(&total)));
                let _ = tokio::join!(a, b);
            });
            // ANCHOR_END: runtime
        },
    );
}
