//! `tokio::sync::Mutex`: a guard that may live across an `.await`. Three
//! tasks take turns with one "connection" (a log of lines), each holding
//! the lock across an awaited write; tokio's lock is fair (FIFO), so the
//! tasks get it in the order they asked (the program runs them on one
//! thread, so that they ask in the order of the code). `lock_owned` gives a guard that
//! owns its `Arc`, to move into a spawned task.
//!
//!     cargo run --features async --example async_tokio_mutex

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

// ANCHOR: connection
/// Write two lines that must stay together: the lock is held across the
/// `.await` between them, which only an async mutex allows.
async fn send(connection: Arc<Mutex<Vec<String>>>, who: &str) {
    let mut lines = connection.lock().await;
    lines.push(format!("{who}: begin"));
    tokio::time::sleep(Duration::from_millis(5)).await; // still held
    lines.push(format!("{who}: end"));
}
// ANCHOR_END: connection

fn main() {
    lockbook::cli::no_options("tokio's Mutex held across .await");
    // One thread, so that the order in which the tasks queue is the
    // order of the code, on every run.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        // ANCHOR: turns
        let connection = Arc::new(Mutex::new(Vec::new()));
        let first = connection.lock().await; // hold it while the others queue
        let mut tasks = Vec::new();
        for who in ["a", "b", "c"] {
            tasks.push(tokio::spawn(send(Arc::clone(&connection), who)));
            tokio::task::yield_now().await; // it runs, and queues for the lock
        }
        drop(first);
        for task in tasks {
            task.await.expect("a task panicked");
        }
        for line in connection.lock().await.iter() {
            println!("{line}");
        }
        // ANCHOR_END: turns
        // ANCHOR: owned
        let counter = Arc::new(Mutex::new(0));
        let guard = Arc::clone(&counter).lock_owned().await;
        let task = tokio::spawn(async move {
            let mut guard = guard; // owns its Arc: no borrow of `counter`
            *guard += 1;
        });
        task.await.expect("the task panicked");
        println!("lock_owned: counter {}", *counter.lock().await);
        // ANCHOR_END: owned
    });
}
