//! The one mechanism behind the exercise checks: a lock that lets another
//! thread in at the worst moment, on every run.
//!
//! A race needs bad timing, and a check that waits for bad timing passes a
//! wrong answer on a lucky run. So the learner's function gets a
//! [`Watched`] lock instead of a plain `Mutex`: it locks like one, but the
//! check can ask it to let an intruder in at the n-th `lock()` call, or at
//! every call from the n-th on, or right now (the exercises' `meanwhile()`).
//! The intruder runs on another thread and uses `try_lock`, so it gets in
//! only when the lock is really free at that moment - exactly when another
//! thread of a real program could. If it gets in, it does what the check
//! gave it to do (take a ticket, book seats, peek) and every state it found
//! is kept, so no gap goes unseen.
//!
//! The exercises' types (`races::Tickets`, `nested::Storeroom`,
//! `nested::Hall`, `scopes::Total`, `scopes::Queue`,
//! `primitives::JobQueue`) are this lock with their own intruder.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LockResult, Mutex, MutexGuard, PoisonError, TryLockResult};
use std::thread;

/// When a [`Watched`] lock lets its intruder in. Calls are counted from 1,
/// from the last [`Watched::watch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Never: the lock is a plain `Mutex`.
    Never,
    /// Just before the n-th `lock()` call takes the lock.
    At(usize),
    /// Just before every `lock()` call from the n-th on.
    From(usize),
}

impl When {
    fn due(self, call: usize) -> bool {
        match self {
            When::Never => false,
            When::At(n) => call == n,
            When::From(n) => call >= n,
        }
    }
}

/// What the intruder does when it finds the lock free: change the state
/// (or only look at it), and say whether it acted.
type Intruder<T> = Box<dyn Fn(&mut T) -> bool + Send + Sync>;

/// A `Mutex<T>` to the learner's code (`lock()`, `try_lock()`), watched by
/// the check.
pub struct Watched<T> {
    inner: Mutex<T>,
    when: Mutex<When>,
    /// `lock()` calls since the last `watch`.
    locks: AtomicUsize,
    /// `lock()` calls that have returned (ever).
    acquired: AtomicUsize,
    intruder: Intruder<T>,
    /// The state the intruder found, each time it got in.
    found: Mutex<Vec<T>>,
    /// How many times it acted.
    acted: AtomicUsize,
}

impl<T: Clone + Send> Watched<T> {
    /// A lock around `value` that lets no intruder in until
    /// [`watch`](Watched::watch) says when; `intruder` is what it does.
    pub fn new(
        value: T,
        intruder: impl Fn(&mut T) -> bool + Send + Sync + 'static,
    ) -> Watched<T> {
        Watched {
            inner: Mutex::new(value),
            when: Mutex::new(When::Never),
            locks: AtomicUsize::new(0),
            acquired: AtomicUsize::new(0),
            intruder: Box::new(intruder),
            found: Mutex::new(Vec::new()),
            acted: AtomicUsize::new(0),
        }
    }

    /// From now on, let the intruder in `when`; the calls are counted
    /// from 1 again.
    pub fn watch(&self, when: When) {
        *self.when.lock().unwrap_or_else(PoisonError::into_inner) = when;
        self.locks.store(0, Ordering::SeqCst);
    }

    /// Lock, like `Mutex::lock`; the intruder may get in first.
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        let call = self.locks.fetch_add(1, Ordering::SeqCst) + 1;
        let when = *self.when.lock().unwrap_or_else(PoisonError::into_inner);
        if when.due(call)
            && let Some((before, acted)) = self.intrude()
        {
            if acted {
                self.acted.fetch_add(1, Ordering::SeqCst);
            }
            self.found
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(before);
        }
        let guard = self.inner.lock();
        self.acquired.fetch_add(1, Ordering::SeqCst);
        guard
    }

    /// Try to lock without waiting, like `Mutex::try_lock`. Never lets the
    /// intruder in.
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        self.inner.try_lock()
    }

    /// Let the intruder try now, from another thread (the exercises'
    /// `meanwhile()`): the state it found if the lock was free, `None` if
    /// it was held (or poisoned). Returns when the intruder is done. Not
    /// counted in [`acted`](Watched::acted) or
    /// [`take_found`](Watched::take_found), which are about the gaps
    /// between `lock()` calls.
    pub fn intrude_now(&self) -> Option<T> {
        self.intrude().map(|(before, _)| before)
    }

    /// The intruder's try: the state it found and whether it acted.
    fn intrude(&self) -> Option<(T, bool)> {
        thread::scope(|s| {
            s.spawn(|| {
                let mut now = self.inner.try_lock().ok()?;
                let before = now.clone();
                let acted = (self.intruder)(&mut now);
                Some((before, acted))
            })
            .join()
            .unwrap_or(None)
        })
    }

    /// Is the lock held right now (by anyone)?
    pub fn is_locked(&self) -> bool {
        self.inner.try_lock().is_err()
    }

    /// A copy of the state now, waiting for the lock; poisoning ignored.
    pub fn now(&self) -> T {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Change the state without the intruder; poisoning ignored.
    pub fn set(&self, change: impl FnOnce(&mut T)) {
        change(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// `lock()` calls since the last [`watch`](Watched::watch).
    pub fn locks(&self) -> usize {
        self.locks.load(Ordering::SeqCst)
    }

    /// `lock()` calls that have returned, since the lock was made.
    pub fn acquired(&self) -> usize {
        self.acquired.load(Ordering::SeqCst)
    }

    /// How many times the intruder got in at a `lock()` call and acted.
    pub fn acted(&self) -> usize {
        self.acted.load(Ordering::SeqCst)
    }

    /// Every state the intruder found when it got in at a `lock()` call,
    /// oldest first; the list is emptied.
    pub fn take_found(&self) -> Vec<T> {
        std::mem::take(
            &mut self.found.lock().unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// The state, ending the lock; poisoning ignored.
    pub fn into_inner(self) -> T {
        self.inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taker() -> Watched<i64> {
        Watched::new(5, |n: &mut i64| {
            *n -= 1;
            true
        })
    }

    #[test]
    fn the_intruder_comes_in_at_the_nth_lock_only_when_it_is_free() {
        let w = taker();
        w.watch(When::At(2));
        drop(w.lock().unwrap()); // call 1: no one
        assert_eq!(w.acted(), 0);
        drop(w.lock().unwrap()); // call 2: the lock was free, it came in
        assert_eq!((w.acted(), w.now()), (1, 4));
        drop(w.lock().unwrap()); // call 3: no one
        assert_eq!(w.acted(), 1);
        // Held across the second call: it cannot get in (and the second
        // call would wait forever, so it is not made here).
        w.watch(When::At(1));
        let held = w.try_lock().unwrap();
        assert_eq!(w.intrude_now(), None);
        drop(held);
        assert_eq!(w.intrude_now(), Some(4)); // free: it came in
        assert_eq!((w.acted(), w.now()), (1, 3)); // not counted as a gap
        assert_eq!(w.take_found(), vec![5]);
        assert_eq!(w.locks(), 0);
        assert_eq!(w.acquired(), 3);
    }

    #[test]
    fn from_the_nth_lock_every_gap_is_seen() {
        let w = Watched::new(0, |_: &mut i64| false);
        w.watch(When::From(2));
        for step in 1..=4 {
            *w.lock().unwrap() = step;
        }
        // Before calls 2, 3 and 4: the states after calls 1, 2 and 3.
        assert_eq!(w.take_found(), vec![1, 2, 3]);
        assert_eq!(w.acted(), 0);
        w.watch(When::Never);
        drop(w.lock().unwrap());
        assert!(w.take_found().is_empty());
        assert!(!w.is_locked());
        w.set(|n| *n = 9);
        assert_eq!(w.into_inner(), 9);
    }
}
