//! The checks behind the exercises of the chapter "Locks in async code".
//! Each runs the learner's `async fn` on a tokio runtime of one thread, so
//! that the order of the tasks is the order of the code on every run, and
//! on a thread of its own with a time limit, so that a hang is a FAIL.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::exercise::{Verdict, within};

/// The slow call of exercise 1: it sends the total somewhere, taking a
/// moment (an awaited timer), and keeps what it was sent.
#[derive(Clone, Default)]
pub struct Reporter {
    sent: Arc<Mutex<Vec<u64>>>,
}

impl Reporter {
    /// Send `total`: an `.await` of about a millisecond.
    pub async fn send(&self, total: u64) {
        tokio::time::sleep(Duration::from_millis(1)).await;
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(total);
    }
}

/// A runtime of one thread, with timers.
fn one_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

const HINT_ACROSS: &str = "the std guard lives until the end of its \
     scope, across the .await; while the task waits there, another task's \
     lock() blocks the runtime's only thread. Do the update in a block that \
     ends before the .await, and send the total it produced";

/// Exercise 1: four tasks each add 5 to a total of 0 with
/// `add_and_report`, on one thread; each report must be the total its own
/// addition produced, and nobody may block the thread.
pub fn check_release<F, Fut>(add_and_report: F) -> Verdict
where
    F: Fn(Arc<Mutex<u64>>, u64, Reporter) -> Fut + Send + Copy + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let outcome = within("add_and_report", move || {
        let total = Arc::new(Mutex::new(0));
        let reporter = Reporter::default();
        let local = tokio::task::LocalSet::new();
        local.block_on(&one_thread(), async {
            let tasks: Vec<_> = (0..4)
                .map(|_| {
                    tokio::task::spawn_local(add_and_report(
                        Arc::clone(&total),
                        5,
                        reporter.clone(),
                    ))
                })
                .collect();
            for task in tasks {
                let _ = task.await;
            }
        });
        let total = *total.lock().unwrap_or_else(|e| e.into_inner());
        let sent = reporter.sent.lock().unwrap_or_else(|e| e.into_inner());
        (total, sent.clone())
    });
    let (total, mut sent) = match outcome {
        Ok(done) => done,
        Err(stuck) => {
            return Err((
                format!(
                    "four tasks on one thread: {} s later, still blocked (a \
                     task waits in lock() for a guard that another task \
                     holds across its .await)",
                    stuck.waited.as_secs()
                ),
                HINT_ACROSS,
            ));
        }
    };
    if total != 20 {
        return Err((
            format!("four additions of 5 gave {total}, not 20"),
            "add the amount to the total once, under the guard",
        ));
    }
    sent.sort_unstable();
    if sent != [5, 10, 15, 20] {
        return Err((
            format!("the four reports were {sent:?}, not 5, 10, 15 and 20"),
            "report the total your own addition produced: read it under \
             the same guard, and send it after the guard is gone",
        ));
    }
    Ok(
        "four tasks on one thread added 5 each and reported 5, 10, 15 and \
        20; no guard lived across an .await"
            .to_owned(),
    )
}

/// The network round trip of exercise 2: a few `.await`s, during which
/// other tasks run.
pub async fn round_trip() {
    for _ in 0..3 {
        tokio::task::yield_now().await;
    }
}

/// The connection of exercise 2: the lines written to it, in order.
pub type Connection = Arc<tokio::sync::Mutex<Vec<String>>>;

const HINT_TOGETHER: &str = "the lock is free during the round trip, so \
     another task writes its lines in between; take tokio's lock once and \
     hold the guard across the .await: that is what an async mutex is for";

/// Exercise 2: three tasks, a, b and c, each send a message of two lines
/// with a round trip in between; each message must stay together.
pub fn check_connection<F, Fut>(send_message: F) -> Verdict
where
    F: Fn(Connection, &'static str) -> Fut + Send + Copy + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let outcome = within("send_message", move || {
        let connection: Connection = Arc::default();
        let local = tokio::task::LocalSet::new();
        local.block_on(&one_thread(), async {
            let tasks: Vec<_> = ["a", "b", "c"]
                .into_iter()
                .map(|who| {
                    tokio::task::spawn_local(send_message(
                        Arc::clone(&connection),
                        who,
                    ))
                })
                .collect();
            for task in tasks {
                let _ = task.await;
            }
        });
        let lines = connection.try_lock().map(|l| l.clone());
        lines.unwrap_or_default()
    });
    let lines = outcome.map_err(|stuck| {
        (
            format!(
                "three tasks on one thread: still running after {} s",
                stuck.waited.as_secs()
            ),
            "lock the connection once per message: a second lock().await \
             while you hold the guard waits for yourself",
        )
    })?;
    let expected: Vec<String> = ["a", "b", "c"]
        .iter()
        .flat_map(|who| [format!("{who}: begin"), format!("{who}: end")])
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    let mut wanted = expected.clone();
    wanted.sort();
    if sorted != wanted {
        return Err((
            format!("the connection got {lines:?}"),
            "write each message's two lines, `WHO: begin` and `WHO: end`",
        ));
    }
    let together = lines.chunks(2).all(|pair| {
        pair[0].ends_with("begin")
            && pair[1].ends_with("end")
            && pair[0].split(':').next() == pair[1].split(':').next()
    });
    if !together {
        return Err((
            format!(
                "the messages were cut into each other: {}",
                lines.join(", ")
            ),
            HINT_TOGETHER,
        ));
    }
    Ok(format!(
        "three messages, each kept together across its round trip: {}",
        lines.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[expect(clippy::await_holding_lock, reason = "the wrong answer tested")]
    async fn across(total: Arc<Mutex<u64>>, amount: u64, report: Reporter) {
        let mut guard = total.lock().unwrap();
        *guard += amount;
        let now = *guard;
        report.send(now).await;
        drop(guard);
    }

    async fn relocks(total: Arc<Mutex<u64>>, amount: u64, report: Reporter) {
        *total.lock().unwrap() += amount;
        let now = *total.lock().unwrap(); // others' additions too
        report.send(now).await;
    }

    async fn released(total: Arc<Mutex<u64>>, amount: u64, report: Reporter) {
        let now = {
            let mut guard = total.lock().unwrap();
            *guard += amount;
            *guard
        };
        report.send(now).await;
    }

    #[test]
    fn release_fails_a_guard_across_await_and_passes_a_block() {
        // On every run. The twenty go at once: each waits out the limit,
        // which is waiting, not computing.
        std::thread::scope(|s| {
            for _ in 0..20 {
                s.spawn(|| {
                    let (what, _) = check_release(across).unwrap_err();
                    assert!(what.contains("still blocked"), "{what}");
                });
            }
        });
        assert!(check_release(released).is_ok());
        // Re-locking to read: on one thread the tasks run in turn, so the
        // second lock sees only this task's addition; a right answer by
        // the order of one thread, and not the exercise's point, but not
        // wrong: it passes.
        assert!(check_release(relocks).is_ok());
    }

    async fn two_locks(connection: Connection, who: &'static str) {
        connection.lock().await.push(format!("{who}: begin"));
        round_trip().await;
        connection.lock().await.push(format!("{who}: end"));
    }

    async fn one_guard(connection: Connection, who: &'static str) {
        let mut lines = connection.lock().await;
        lines.push(format!("{who}: begin"));
        round_trip().await;
        lines.push(format!("{who}: end"));
    }

    #[test]
    fn connection_fails_two_locks_and_passes_one_guard() {
        for _ in 0..20 {
            let (what, _) = check_connection(two_locks).unwrap_err();
            assert!(what.contains("cut into each other"), "{what}");
            assert!(check_connection(one_guard).is_ok());
        }
    }
}
