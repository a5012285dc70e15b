//! A std `Mutex` in async code: 100 tokio tasks on a multi-threaded
//! runtime each add 1 to a shared total, 1000 times. The guard lives for
//! one statement and never across an `.await`, so the futures stay `Send`
//! and no task ever waits for a lock while holding the thread.
//!
//!     cargo run --features async --example async_std_mutex

use std::sync::{Arc, Mutex};

// ANCHOR: add
async fn add_many(total: Arc<Mutex<u64>>, times: u64) {
    for _ in 0..times {
        *total.lock().unwrap() += 1; // the guard is dropped at the `;`
        tokio::task::yield_now().await; // no guard lives here
    }
}
// ANCHOR_END: add

fn main() {
    lockbook::cli::no_options("A std Mutex shared by 100 tokio tasks");
    // ANCHOR: main
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .expect("a tokio runtime");
    let total = Arc::new(Mutex::new(0));
    runtime.block_on(async {
        let tasks: Vec<_> = (0..100)
            .map(|_| tokio::spawn(add_many(Arc::clone(&total), 1000)))
            .collect();
        for task in tasks {
            task.await.expect("a task panicked");
        }
    });
    println!(
        "100 tasks x 1000 additions: total {}",
        total.lock().unwrap()
    );
    // ANCHOR_END: main
}
