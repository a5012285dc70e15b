//! The races and deadlocks of the book as small programs that the book's
//! explorer lets a reader play: step thread 1, step thread 2, and see the
//! shared state change. Each scenario runs under shuttle, which decides
//! every step; `cargo xtask scenarios` runs each one under every schedule
//! and writes what happened into the files the explorer reads. The code
//! shown in the explorer is the code below, line for line.
//!
//! The shared values and locks are [`record`]'s: they behave like
//! shuttle's (an atomic, a `Mutex`, a `Condvar`) and write down each step.

pub mod record;

use record::{Event, Lock, ReentrantLock, Signal, State, Value};

/// One scenario: its threads (each a function below) and how to tell a
/// good ending from a bad one.
pub struct Scenario {
    /// The file name of its data, and its id in the page.
    pub name: &'static str,
    pub title: &'static str,
    /// Each thread: its name and the functions it runs (the first calls
    /// the others), as the explorer shows them.
    pub threads: &'static [(&'static str, &'static [&'static str])],
    /// Set up the shared state, start the threads, join them.
    pub run: fn(),
    /// The ending of a schedule that ran to the end.
    pub ending: fn(&[Event], &State) -> Ending,
}

/// How a schedule ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// `ok`, or what went wrong: `lost-update`, `oversold`, `deadlock`,
    /// `never-woken`.
    pub kind: &'static str,
    /// What the reader reads.
    pub text: String,
}

impl Ending {
    fn ok(text: String) -> Ending {
        Ending { kind: "ok", text }
    }
}

/// Start `f` on a shuttle thread named `name`.
fn spawn(
    name: &str,
    f: impl FnOnce() + Send + 'static,
) -> shuttle::thread::JoinHandle<()> {
    shuttle::thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .expect("spawn a shuttle thread")
}

/// Two threads, each running `body` on the shared `T`.
fn two_threads<T: Send + Sync + 'static>(shared: T, body: fn(&T)) {
    let shared = std::sync::Arc::new(shared);
    let handles: Vec<_> = ["thread 1", "thread 2"]
        .into_iter()
        .map(|name| {
            let shared = std::sync::Arc::clone(&shared);
            spawn(name, move || body(&shared))
        })
        .collect();
    for handle in handles {
        handle.join().expect("a scenario thread panicked");
    }
}

// ANCHOR: lost_update
/// Each thread adds 5 to the total: a read, then a write.
pub fn add_five(total: &Value) {
    let seen = total.load();
    total.store(seen + 5);
}
// ANCHOR_END: lost_update

// ANCHOR: two_locks
/// The read under one lock, the write under another.
pub fn add_five_two_locks(total: &Lock) {
    let seen = total.lock().get();
    total.lock().set(seen + 5);
}
// ANCHOR_END: two_locks

// ANCHOR: one_guard
/// The read and the write under one guard.
pub fn add_five_one_guard(total: &Lock) {
    let mut guard = total.lock();
    let seen = guard.get();
    guard.set(seen + 5);
    guard.unlock();
}
// ANCHOR_END: one_guard

// ANCHOR: fetch_add
/// Read, add and write in one atomic step.
pub fn add_five_fetch_add(total: &Value) {
    total.fetch_add(5);
}
// ANCHOR_END: fetch_add

// ANCHOR: model_failure
/// The racy test of "Testing concurrent code", small: each thread adds 1
/// twice, with a read and then a write.
pub fn add_one_twice(total: &Value) {
    for _ in 0..2 {
        let seen = total.load();
        total.store(seen + 1);
    }
}
// ANCHOR_END: model_failure

/// Both added 1 twice to a total of 0: 4, or how many were lost.
fn total_of_four(_: &[Event], state: &State) -> Ending {
    match state.values["total"] {
        4 => Ending::ok("total = 4: every update counted".to_owned()),
        total => Ending {
            kind: "lost-update",
            text: format!("{} of 4 updates lost: total = {total}", 4 - total),
        },
    }
}

/// Both added 5 to a total of 0: 10, or which write was lost.
fn total_of_ten(events: &[Event], state: &State) -> Ending {
    let total = state.values["total"];
    if total == 10 {
        return Ending::ok("total = 10: both updates counted".to_owned());
    }
    // The last write, and the one before it, which it overwrote.
    let writes: Vec<&Event> = events
        .iter()
        .filter(|e| e.did.starts_with("write") || e.did.starts_with("fetch"))
        .collect();
    let text = match writes[..] {
        [.., first, last] => format!(
            "update lost: {} wrote {total} over {}'s {}; total = {total}, \
             not 10",
            last.thread, first.thread, first.state.values["total"]
        ),
        _ => format!("update lost: total = {total}, not 10"),
    };
    Ending {
        kind: "lost-update",
        text,
    }
}

// ANCHOR: tickets
/// Check that a ticket is left, then take it: under two guards.
pub fn buy_ticket(tickets: &Lock) {
    let left = tickets.lock().get();
    if left > 0 {
        let mut guard = tickets.lock();
        let now = guard.get();
        guard.set(now - 1);
    }
}
// ANCHOR_END: tickets

fn one_ticket(_: &[Event], state: &State) -> Ending {
    match state.values["tickets"] {
        0 => Ending::ok("tickets = 0: the last ticket sold once".to_owned()),
        left => Ending {
            kind: "oversold",
            text: format!(
                "oversold: both threads saw a ticket left and took it; \
                 tickets = {left}"
            ),
        },
    }
}

// ANCHOR: nested
/// The balance, read by a helper that takes the lock itself.
pub fn balance(account: &Lock) -> i64 {
    account.lock().get()
}

/// Withdraw 30 if the balance allows it: the helper locks again.
pub fn withdraw(account: &Lock) {
    let mut guard = account.lock();
    if balance(account) >= 30 {
        let now = guard.get();
        guard.set(now - 30);
    }
}
// ANCHOR_END: nested

// ANCHOR: reentrant
/// A helper that takes the lock itself.
pub fn check_reentrant(account: &ReentrantLock) {
    let inner = account.lock();
    inner.unlock();
}

/// The same shape, with a lock that its holder may take again.
pub fn withdraw_reentrant(account: &ReentrantLock) {
    let outer = account.lock();
    check_reentrant(account);
    outer.unlock();
}
// ANCHOR_END: reentrant

fn finished(_: &[Event], _: &State) -> Ending {
    Ending::ok("both threads finished".to_owned())
}

fn withdrew(_: &[Event], state: &State) -> Ending {
    Ending::ok(format!("finished: balance = {}", state.values["balance"]))
}

/// Two accounts, for the transfers.
pub struct Accounts {
    pub a: Lock,
    pub b: Lock,
}

// ANCHOR: abba
/// Thread 1 moves money from A to B, thread 2 from B to A: each takes
/// its `from` account first.
pub fn transfer(from: &Lock, to: &Lock) {
    let first = from.lock();
    let second = to.lock();
    second.unlock();
    first.unlock();
}
// ANCHOR_END: abba

// ANCHOR: ordered
/// The same transfers, each taking A before B, whichever way the money
/// goes.
pub fn transfer_in_order(from: &Lock, to: &Lock, a_first: bool) {
    let (one, two) = if a_first { (from, to) } else { (to, from) };
    let first = one.lock();
    let second = two.lock();
    second.unlock();
    first.unlock();
}
// ANCHOR_END: ordered

// ANCHOR: lost_wakeup
/// Wait until `ready` is set: looks once (`if`).
pub fn wait_if(ready: &Signal) {
    let mut guard = ready.lock();
    if !guard.is_set() {
        guard = guard.wait();
    }
    guard.unlock();
}

/// Notify first, then set `ready`.
pub fn notify_then_set(ready: &Signal) {
    ready.notify_one();
    let mut guard = ready.lock();
    guard.set();
    guard.unlock();
}
// ANCHOR_END: lost_wakeup

// ANCHOR: wakeup_fixed
/// Wait while `ready` is not set: look again after every wake-up.
pub fn wait_while(ready: &Signal) {
    let mut guard = ready.lock();
    while !guard.is_set() {
        guard = guard.wait();
    }
    guard.unlock();
}

/// Set `ready`, then notify, under the lock.
pub fn set_then_notify(ready: &Signal) {
    let mut guard = ready.lock();
    guard.set();
    ready.notify_one();
    guard.unlock();
}
// ANCHOR_END: wakeup_fixed

fn woken(_: &[Event], _: &State) -> Ending {
    Ending::ok("the waiting thread saw ready = true and went on".to_owned())
}

/// A waiter and a setter, as threads 1 and 2.
fn waiter_and_setter(wait: fn(&Signal), set: fn(&Signal)) {
    let ready = std::sync::Arc::new(Signal::new("L", "ready"));
    let waiter = {
        let ready = std::sync::Arc::clone(&ready);
        spawn("thread 1", move || wait(&ready))
    };
    let setter = {
        let ready = std::sync::Arc::clone(&ready);
        spawn("thread 2", move || set(&ready))
    };
    waiter.join().expect("the waiter panicked");
    setter.join().expect("the setter panicked");
}

/// Transfers A → B on thread 1 and B → A on thread 2.
fn opposite_transfers(move_money: fn(&Accounts, bool)) {
    let accounts = Accounts {
        a: Lock::new("A"),
        b: Lock::new("B"),
    };
    let accounts = std::sync::Arc::new(accounts);
    let handles: Vec<_> = [("thread 1", true), ("thread 2", false)]
        .into_iter()
        .map(|(name, a_to_b)| {
            let accounts = std::sync::Arc::clone(&accounts);
            spawn(name, move || move_money(&accounts, a_to_b))
        })
        .collect();
    for handle in handles {
        handle.join().expect("a transfer panicked");
    }
}

/// Every scenario the book's explorer plays.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "lost-update",
        title: "A lost update: read, then write",
        threads: &[("thread 1", &["add_five"]), ("thread 2", &["add_five"])],
        run: || two_threads(Value::new("total", 0), add_five),
        ending: total_of_ten,
    },
    Scenario {
        name: "lost-update-two-locks",
        title: "A lost update: the read under one lock, the write under another",
        threads: &[
            ("thread 1", &["add_five_two_locks"]),
            ("thread 2", &["add_five_two_locks"]),
        ],
        run: || two_threads(Lock::around("T", "total", 0), add_five_two_locks),
        ending: total_of_ten,
    },
    Scenario {
        name: "one-guard",
        title: "The fix: one guard for the read and the write",
        threads: &[
            ("thread 1", &["add_five_one_guard"]),
            ("thread 2", &["add_five_one_guard"]),
        ],
        run: || two_threads(Lock::around("T", "total", 0), add_five_one_guard),
        ending: total_of_ten,
    },
    Scenario {
        name: "fetch-add",
        title: "The fix: one atomic fetch_add",
        threads: &[
            ("thread 1", &["add_five_fetch_add"]),
            ("thread 2", &["add_five_fetch_add"]),
        ],
        run: || two_threads(Value::new("total", 0), add_five_fetch_add),
        ending: total_of_ten,
    },
    Scenario {
        name: "model-failure",
        title: "The racy test, in the schedule shuttle reported",
        threads: &[
            ("thread 1", &["add_one_twice"]),
            ("thread 2", &["add_one_twice"]),
        ],
        run: || two_threads(Value::new("total", 0), add_one_twice),
        ending: total_of_four,
    },
    Scenario {
        name: "tickets",
        title: "Check, then act: one ticket, two buyers",
        threads: &[
            ("thread 1", &["buy_ticket"]),
            ("thread 2", &["buy_ticket"]),
        ],
        run: || two_threads(Lock::around("T", "tickets", 1), buy_ticket),
        ending: one_ticket,
    },
    Scenario {
        name: "nested",
        title: "A helper that locks again: the thread waits for itself",
        threads: &[("thread 1", &["withdraw", "balance"])],
        run: || {
            let account = std::sync::Arc::new(Lock::around("A", "balance", 50));
            spawn("thread 1", move || withdraw(&account))
                .join()
                .expect("withdraw panicked");
        },
        ending: withdrew,
    },
    Scenario {
        name: "reentrant",
        title: "A re-entrant lock: its holder may take it again",
        threads: &[
            ("thread 1", &["withdraw_reentrant", "check_reentrant"]),
            ("thread 2", &["withdraw_reentrant", "check_reentrant"]),
        ],
        run: || two_threads(ReentrantLock::new("A"), withdraw_reentrant),
        ending: finished,
    },
    Scenario {
        name: "abba",
        title: "Two locks, taken in opposite orders",
        threads: &[("thread 1", &["transfer"]), ("thread 2", &["transfer"])],
        run: || {
            opposite_transfers(|accounts, a_to_b| {
                if a_to_b {
                    transfer(&accounts.a, &accounts.b)
                } else {
                    transfer(&accounts.b, &accounts.a)
                }
            })
        },
        ending: finished,
    },
    Scenario {
        name: "ordered",
        title: "The fix: every thread takes A before B",
        threads: &[
            ("thread 1", &["transfer_in_order"]),
            ("thread 2", &["transfer_in_order"]),
        ],
        run: || {
            opposite_transfers(|accounts, a_to_b| {
                if a_to_b {
                    transfer_in_order(&accounts.a, &accounts.b, true)
                } else {
                    transfer_in_order(&accounts.b, &accounts.a, false)
                }
            })
        },
        ending: finished,
    },
    Scenario {
        name: "lost-wakeup",
        title: "A lost wake-up: notify before the change, look once",
        threads: &[
            ("thread 1", &["wait_if"]),
            ("thread 2", &["notify_then_set"]),
        ],
        run: || waiter_and_setter(wait_if, notify_then_set),
        ending: woken,
    },
    Scenario {
        name: "wakeup-fixed",
        title: "The fix: change, then notify; look again after every wake-up",
        threads: &[
            ("thread 1", &["wait_while"]),
            ("thread 2", &["set_then_notify"]),
        ],
        run: || waiter_and_setter(wait_while, set_then_notify),
        ending: woken,
    },
];
