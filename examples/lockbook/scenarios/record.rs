//! The recording behind the scenarios: shared values and locks that work
//! like shuttle's (so its scheduler controls every step) and write down
//! each step a thread takes - the line of the scenario's source that took
//! it (`#[track_caller]`), what it did, and the shared state after it - so
//! that the book's explorer can replay every schedule step by step.
//!
//! shuttle runs the tasks of an execution one at a time on one OS thread,
//! so the record is that thread's.

use std::collections::BTreeMap;
use std::panic::Location;
use std::sync::{Mutex, PoisonError};

use shuttle::future::batch_semaphore::{BatchSemaphore, Fairness};
use shuttle::sync::atomic::{AtomicI64, Ordering::SeqCst};

/// One step of one thread, as the explorer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The thread's name (`thread 1`, ...).
    pub thread: String,
    /// The line of the scenario's file that took the step.
    pub line: u32,
    /// What it did: `load total → 0`, `lock A`, `unlock A`, ...
    pub did: String,
    /// The shared state after the step.
    pub state: State,
}

/// The shared state: the values, who holds each lock, and what each
/// thread is waiting for (the step it has begun and cannot finish yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub values: BTreeMap<String, i64>,
    /// Lock name → the thread that holds it (and how many times, for a
    /// re-entrant lock).
    pub holders: BTreeMap<String, (String, u32)>,
    /// Thread → (line, what it waits to do).
    pub waiting: BTreeMap<String, (u32, String)>,
    /// The values that are flags (0 is false, 1 true).
    pub flags: std::collections::BTreeSet<String>,
}

#[derive(Default)]
struct Record {
    state: State,
    events: Vec<Event>,
}

thread_local! {
    /// shuttle runs all the tasks of an execution on the OS thread that
    /// called it, so each execution has its record to itself, even when
    /// tests explore scenarios on several threads at once.
    static RECORD: std::cell::RefCell<Record> = std::cell::RefCell::default();
}

fn with<R>(f: impl FnOnce(&mut Record) -> R) -> R {
    RECORD.with(|record| f(&mut record.borrow_mut()))
}

/// Start a new execution: no events, the state empty.
pub fn reset() {
    with(|r| *r = Record::default());
}

/// The events of the execution so far, and the state now.
pub fn take() -> (Vec<Event>, State) {
    with(|r| (std::mem::take(&mut r.events), r.state.clone()))
}

/// The current thread's name (shuttle's), `main` if it has none.
fn me() -> String {
    shuttle::thread::current()
        .name()
        .unwrap_or("main")
        .to_owned()
}

fn step(line: u32, did: String, change: impl FnOnce(&mut State)) {
    if std::thread::panicking() {
        // shuttle is tearing the execution down (a deadlock): the guards
        // it drops now are no steps of the program.
        return;
    }
    let thread = me();
    with(|r| {
        r.state.waiting.remove(&thread);
        change(&mut r.state);
        let state = r.state.clone();
        r.events.push(Event {
            thread,
            line,
            did,
            state,
        });
    });
}

fn begin(line: u32, what: String) {
    let thread = me();
    with(|r| {
        r.state.waiting.insert(thread, (line, what));
    });
}

/// A shared integer (shuttle's `AtomicI64`), recorded.
pub struct Value {
    name: &'static str,
    inner: AtomicI64,
}

impl Value {
    pub fn new(name: &'static str, value: i64) -> Value {
        with(|r| r.state.values.insert(name.to_owned(), value));
        Value {
            name,
            inner: AtomicI64::new(value),
        }
    }

    fn set_state(&self, value: i64) -> impl FnOnce(&mut State) + '_ {
        move |s| {
            s.values.insert(self.name.to_owned(), value);
        }
    }

    /// Read it.
    #[track_caller]
    pub fn load(&self) -> i64 {
        let line = Location::caller().line();
        let seen = self.inner.load(SeqCst);
        step(line, format!("read {} = {seen}", self.name), |_| {});
        seen
    }

    /// Write it.
    #[track_caller]
    pub fn store(&self, value: i64) {
        let line = Location::caller().line();
        self.inner.store(value, SeqCst);
        step(
            line,
            format!("write {} = {value}", self.name),
            self.set_state(value),
        );
    }

    /// Add to it in one atomic step; the value before.
    #[track_caller]
    pub fn fetch_add(&self, amount: i64) -> i64 {
        let line = Location::caller().line();
        let before = self.inner.fetch_add(amount, SeqCst);
        step(
            line,
            format!(
                "fetch_add: {} {before} → {} in one step",
                self.name,
                before + amount
            ),
            self.set_state(before + amount),
        );
        before
    }
}

/// A lock (shuttle's `Mutex`) around a recorded integer, or around
/// nothing. Its guard releases it when dropped, like std's.
pub struct Lock {
    name: &'static str,
    inner: shuttle::sync::Mutex<i64>,
    /// The value's name, if it guards one.
    value: Option<&'static str>,
}

impl Lock {
    /// A lock that guards nothing but itself.
    pub fn new(name: &'static str) -> Lock {
        Lock {
            name,
            inner: shuttle::sync::Mutex::new(0),
            value: None,
        }
    }

    /// A lock around the value `value` named `value_name`.
    pub fn around(
        name: &'static str,
        value_name: &'static str,
        value: i64,
    ) -> Lock {
        with(|r| r.state.values.insert(value_name.to_owned(), value));
        Lock {
            name,
            inner: shuttle::sync::Mutex::new(value),
            value: Some(value_name),
        }
    }

    /// Take the lock, waiting while another thread holds it.
    #[track_caller]
    pub fn lock(&self) -> Guard<'_> {
        let line = Location::caller().line();
        begin(line, format!("lock {}", self.name));
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let thread = me();
        step(line, format!("lock {}", self.name), |s| {
            s.holders.insert(self.name.to_owned(), (thread, 1));
        });
        Guard {
            lock: self,
            inner: Some(inner),
            line,
        }
    }
}

/// The lock, held. Released when dropped (or by [`Guard::unlock`]).
pub struct Guard<'a> {
    lock: &'a Lock,
    inner: Option<shuttle::sync::MutexGuard<'a, i64>>,
    /// The line of the guard's last use: a temporary guard is dropped at
    /// the end of that statement.
    line: u32,
}

impl Guard<'_> {
    fn value_name(&self) -> &'static str {
        self.lock.value.unwrap_or("the value")
    }

    /// Read the guarded value.
    #[track_caller]
    pub fn get(&mut self) -> i64 {
        self.line = Location::caller().line();
        let seen = **self.inner.as_ref().expect("held");
        step(
            self.line,
            format!("read {} = {seen}", self.value_name()),
            |_| {},
        );
        seen
    }

    /// Write the guarded value.
    #[track_caller]
    pub fn set(&mut self, value: i64) {
        self.line = Location::caller().line();
        **self.inner.as_mut().expect("held") = value;
        let name = self.value_name();
        step(self.line, format!("write {name} = {value}"), |s| {
            s.values.insert(name.to_owned(), value);
        });
    }

    /// Release the lock now.
    #[track_caller]
    pub fn unlock(mut self) {
        self.line = Location::caller().line();
        // Drop does the rest.
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        let name = self.lock.name;
        // Releasing is a scheduling point, before the lock is free: the
        // step is recorded once it is.
        drop(self.inner.take());
        step(self.line, format!("unlock {name}"), |s| {
            s.holders.remove(name);
        });
    }
}

/// A re-entrant lock: the thread that holds it may take it again, and it
/// is free once every guard is gone. shuttle has none: this one is a
/// semaphore of one permit (shuttle's, so its scheduler sees who waits)
/// and a count of the holder's guards.
pub struct ReentrantLock {
    name: &'static str,
    permit: BatchSemaphore,
    /// (holder, guards): only the holder changes it, with no scheduling
    /// point in between.
    owner: Mutex<(Option<String>, u32)>,
}

impl ReentrantLock {
    pub fn new(name: &'static str) -> ReentrantLock {
        ReentrantLock {
            name,
            permit: BatchSemaphore::new(1, Fairness::Unfair),
            owner: Mutex::new((None, 0)),
        }
    }

    fn owner(&self) -> std::sync::MutexGuard<'_, (Option<String>, u32)> {
        self.owner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Take the lock, again if this thread holds it already.
    #[track_caller]
    pub fn lock(&self) -> ReentrantGuard<'_> {
        let line = Location::caller().line();
        let thread = me();
        let mine = self.owner().0.as_ref() == Some(&thread);
        if !mine {
            begin(line, format!("lock {}", self.name));
            self.permit
                .acquire_blocking(1)
                .expect("the permit's semaphore is never closed");
        }
        let count = {
            let mut owner = self.owner();
            owner.0 = Some(thread.clone());
            owner.1 += 1;
            owner.1
        };
        let did = if count == 1 {
            format!("lock {}", self.name)
        } else {
            format!("lock {} again (held {count} times)", self.name)
        };
        step(line, did, |s| {
            s.holders.insert(self.name.to_owned(), (thread, count));
        });
        ReentrantGuard { lock: self, line }
    }
}

/// A re-entrant lock, held once more.
pub struct ReentrantGuard<'a> {
    lock: &'a ReentrantLock,
    line: u32,
}

impl ReentrantGuard<'_> {
    /// Release this hold now.
    #[track_caller]
    pub fn unlock(mut self) {
        self.line = Location::caller().line();
    }
}

impl Drop for ReentrantGuard<'_> {
    fn drop(&mut self) {
        let lock = self.lock;
        let left = {
            let mut owner = lock.owner();
            owner.1 -= 1;
            if owner.1 == 0 {
                owner.0 = None;
            }
            owner.1
        };
        let did = if left == 0 {
            format!("unlock {}", lock.name)
        } else {
            format!("unlock {} once (held {left} times)", lock.name)
        };
        let thread = me();
        if left == 0 {
            // A scheduling point, before the permit is back.
            lock.permit.release(1);
        }
        step(self.line, did, |s| {
            if left == 0 {
                s.holders.remove(lock.name);
            } else {
                s.holders.insert(lock.name.to_owned(), (thread, left));
            }
        });
    }
}

/// A flag behind a lock with a condition variable (shuttle's), the
/// pieces of a wait for a state change. `ready` is the flag's name in
/// the state.
pub struct Signal {
    lock_name: &'static str,
    flag: &'static str,
    inner: shuttle::sync::Mutex<bool>,
    changed: shuttle::sync::Condvar,
}

/// The lock of a [`Signal`], held.
pub struct SignalGuard<'a> {
    signal: &'a Signal,
    inner: Option<shuttle::sync::MutexGuard<'a, bool>>,
    line: u32,
}

impl Signal {
    pub fn new(lock_name: &'static str, flag: &'static str) -> Signal {
        with(|r| {
            r.state.values.insert(flag.to_owned(), 0);
            r.state.flags.insert(flag.to_owned());
        });
        Signal {
            lock_name,
            flag,
            inner: shuttle::sync::Mutex::new(false),
            changed: shuttle::sync::Condvar::new(),
        }
    }

    /// Take the lock.
    #[track_caller]
    pub fn lock(&self) -> SignalGuard<'_> {
        let line = Location::caller().line();
        begin(line, format!("lock {}", self.lock_name));
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let thread = me();
        step(line, format!("lock {}", self.lock_name), |s| {
            s.holders.insert(self.lock_name.to_owned(), (thread, 1));
        });
        SignalGuard {
            signal: self,
            inner: Some(inner),
            line,
        }
    }

    /// Wake one thread that waits (if any does).
    #[track_caller]
    pub fn notify_one(&self) {
        let line = Location::caller().line();
        self.changed.notify_one();
        step(line, "notify_one".to_owned(), |_| {});
    }
}

impl<'a> SignalGuard<'a> {
    /// Read the flag.
    #[track_caller]
    pub fn is_set(&mut self) -> bool {
        self.line = Location::caller().line();
        let set = **self.inner.as_ref().expect("held");
        step(
            self.line,
            format!("read {} = {set}", self.signal.flag),
            |_| {},
        );
        set
    }

    /// Set the flag.
    #[track_caller]
    pub fn set(&mut self) {
        self.line = Location::caller().line();
        **self.inner.as_mut().expect("held") = true;
        let flag = self.signal.flag;
        step(self.line, format!("set {flag} = true"), |s| {
            s.values.insert(flag.to_owned(), 1);
        });
    }

    /// Release the lock and sleep until notified; then take the lock
    /// again.
    #[track_caller]
    pub fn wait(mut self) -> SignalGuard<'a> {
        let line = Location::caller().line();
        let lock = self.signal.lock_name;
        let thread = me();
        step(line, format!("wait: unlock {lock} and sleep"), |s| {
            s.holders.remove(lock);
        });
        begin(line, "be notified".to_owned());
        let guard = self.inner.take().expect("held");
        let guard = self
            .signal
            .changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner);
        step(line, format!("woken: lock {lock} again"), |s| {
            s.holders.insert(lock.to_owned(), (thread, 1));
        });
        SignalGuard {
            signal: self.signal,
            inner: Some(guard),
            line,
        }
    }

    /// Release the lock now.
    #[track_caller]
    pub fn unlock(mut self) {
        self.line = Location::caller().line();
    }
}

impl Drop for SignalGuard<'_> {
    fn drop(&mut self) {
        let Some(released) = self.inner.take() else {
            return; // handed to wait()
        };
        let lock = self.signal.lock_name;
        drop(released); // a scheduling point, before the lock is free
        step(self.line, format!("unlock {lock}"), |s| {
            s.holders.remove(lock);
        });
    }
}
