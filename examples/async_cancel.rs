//! Cancellation: a future dropped at an `.await` runs no more code, but it
//! drops what it holds, so a tokio guard it held is released. What it had
//! changed before that `.await` stays changed: here the transfer took the
//! money from one account and never added it to the other.
//!
//!     cargo run --features async --example async_cancel

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

// ANCHOR: transfer
struct Accounts {
    alice: u64,
    bob: u64,
}

/// Move `amount` from Alice to Bob, with a slow step (a network call, say)
/// between the two halves.
async fn transfer(accounts: Arc<Mutex<Accounts>>, amount: u64) {
    let mut accounts = accounts.lock().await;
    accounts.alice -= amount;
    tokio::time::sleep(Duration::from_secs(1)).await; // cancelled here
    accounts.bob += amount;
}
// ANCHOR_END: transfer

fn main() {
    lockbook::cli::no_options("A future cancelled while it holds a lock");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        // ANCHOR: cancel
        let accounts = Arc::new(Mutex::new(Accounts {
            alice: 100,
            bob: 100,
        }));
        let slow = transfer(Arc::clone(&accounts), 30);
        let result =
            tokio::time::timeout(Duration::from_millis(10), slow).await;
        println!("transfer finished in time: {}", result.is_ok());
        let accounts = accounts.try_lock().expect("the guard was released");
        println!(
            "lock free again; alice {}, bob {} (total {})",
            accounts.alice,
            accounts.bob,
            accounts.alice + accounts.bob
        );
        // ANCHOR_END: cancel
    });
}
