//! Solution to exercise 2 of "Locks in async code": one guard of tokio's
//! `Mutex`, held across the round trip's `.await`, keeps each message
//! together; the other tasks wait in `lock().await` without blocking the
//! thread.

use lockbook::async_locks::{Connection, round_trip};

// ANCHOR: solution
async fn send_message(connection: Connection, who: &'static str) {
    let mut lines = connection.lock().await;
    lines.push(format!("{who}: begin"));
    round_trip().await; // the guard is held across it: tokio's lock allows it
    lines.push(format!("{who}: end"));
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::async_locks::check_connection(send_message));
