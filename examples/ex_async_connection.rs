//! Exercise (Locks in async code, 2): three tasks each write a message of
//! two lines to one connection, with a network round trip in between, and
//! the messages come out cut into each other. Change `send_message`, then
//! run
//!
//!     cargo run --features async --example ex_async_connection
//!
//! until it says PASS. Keep the signature.

use lockbook::async_locks::{Connection, round_trip};

// ANCHOR: exercise
/// Write `WHO: begin`, wait for the round trip, then write `WHO: end`: the
/// two lines of one message must stay together on the connection.
async fn send_message(connection: Connection, who: &'static str) {
    connection.lock().await.push(format!("{who}: begin"));
    round_trip().await;
    connection.lock().await.push(format!("{who}: end"));
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::async_locks::check_connection(send_message));
