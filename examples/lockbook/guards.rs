//! The checks behind the exercises of the chapter "Acquire and release:
//! try/finally-style guards".

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::lock_api::RawMutex as _;

use crate::exercise::{LIMIT, Stuck, Verdict, within};

/// A running total with its lock beside it, as in Python: nothing but
/// discipline ties the lock to the value. `get` and `set` note any access
/// made while the lock is not held.
pub struct Total {
    pub lock: Lock,
    value: AtomicI64,
    unguarded: AtomicBool,
    /// The critical section (numbered by `lock`) of the last `get`.
    read_in: AtomicU64,
    /// A `set` in another critical section than the `get` before it.
    split: AtomicBool,
}

/// The total's lock: parking_lot's raw mutex, which also numbers its
/// critical sections, so that the check can tell whether a read and the
/// write after it happened under one lock().
pub struct Lock {
    raw: parking_lot::RawMutex,
    sections: AtomicU64,
    /// Calls of `lock()` so far (counted before they wait).
    waits: AtomicU64,
    /// Calls of `try_lock()` that found the lock busy.
    refused: AtomicU64,
}

type Token = <parking_lot::RawMutex as parking_lot::lock_api::RawMutex>::Guard;

impl Lock {
    /// Acquire, like `RawMutex::lock`; keep the token to unlock.
    pub fn lock(&self) -> Token {
        self.waits.fetch_add(1, Ordering::SeqCst);
        let token = self.raw.lock();
        self.sections.fetch_add(1, Ordering::SeqCst);
        token
    }
    /// Release, like `RawMutex::unlock`.
    ///
    /// # Safety
    /// `token` must come from this lock's `lock()` or `try_lock()`.
    pub unsafe fn unlock(&self, token: Token) {
        unsafe { self.raw.unlock(token) }
    }
    /// Acquire if free, like `RawMutex::try_lock`; never waits.
    pub fn try_lock(&self) -> Option<Token> {
        let Some(token) = self.raw.try_lock() else {
            self.refused.fetch_add(1, Ordering::SeqCst);
            return None;
        };
        self.sections.fetch_add(1, Ordering::SeqCst);
        Some(token)
    }
    /// Is the lock held (by anyone)?
    pub fn is_locked(&self) -> bool {
        self.raw.is_locked()
    }
}

impl Total {
    pub const fn new(value: i64) -> Total {
        Total {
            lock: Lock {
                raw: parking_lot::RawMutex::INIT,
                sections: AtomicU64::new(0),
                waits: AtomicU64::new(0),
                refused: AtomicU64::new(0),
            },
            value: AtomicI64::new(value),
            unguarded: AtomicBool::new(false),
            read_in: AtomicU64::new(0),
            split: AtomicBool::new(false),
        }
    }

    /// Read the total (hold `lock` while you do).
    pub fn get(&self) -> i64 {
        self.note_access();
        let section = self.lock.sections.load(Ordering::SeqCst);
        self.read_in.store(section, Ordering::SeqCst);
        self.value.load(Ordering::SeqCst)
    }

    /// Write the total (hold `lock` while you do).
    pub fn set(&self, value: i64) {
        self.note_access();
        let section = self.lock.sections.load(Ordering::SeqCst);
        if self.read_in.load(Ordering::SeqCst) != section {
            self.split.store(true, Ordering::SeqCst);
        }
        self.value.store(value, Ordering::SeqCst);
    }

    fn note_access(&self) {
        if !self.lock.is_locked() {
            self.unguarded.store(true, Ordering::SeqCst);
        }
    }

    /// Is the lock free? Found out with `try_lock`, never by waiting.
    fn lock_is_free(&self) -> bool {
        match self.lock.raw.try_lock() {
            Some(token) => {
                // SAFETY: `token` came from the `try_lock` just above.
                unsafe { self.lock.raw.unlock(token) };
                true
            }
            None => false,
        }
    }
}

const HINT_RELEASE: &str = "the early `return Err(..)` leaves without `unlock`; \
     release on every way out: keep the token in a guard that unlocks when \
     dropped (`let _unlock = scopeguard::guard(token, |t| ...);`), or unlock \
     before returning";

// `let _ = scopeguard::guard(..)` compiles (rustc's lint knows std's guards
// only) and unlocks at once: the likeliest way to get here.
const HINT_UNGUARDED: &str = "acquire before `get` and release after `set`, \
     not before; a guard bound to `_` (or to no name) is dropped at once, and \
     unlocks then: bind it to a name such as `_unlock`";

/// `update_total` adds `amount` under `total.lock` and refuses negative
/// amounts with an error. After every call, ok or not, the lock must be free.
pub fn check_release(
    update_total: fn(&Total, i64) -> Result<i64, String>,
) -> Verdict {
    let outcome = within("update_total", move || release_steps(update_total));
    outcome.unwrap_or_else(|Stuck { waited, .. }| {
        Err((
            format!(
                "update_total was still running after {:.1} s",
                waited.as_secs_f64()
            ),
            "a call waited for a lock nobody will release: lock() once per \
             call and release that same lock exactly once",
        ))
    })
}

fn release_steps(
    update_total: fn(&Total, i64) -> Result<i64, String>,
) -> Verdict {
    let total = Total::new(0);
    for (amount, expected) in [(5, Ok(5)), (-1, Err(5)), (3, Ok(8))] {
        let result = update_total(&total, amount);
        match (&result, expected) {
            (Ok(new), Ok(want)) if *new == want => {}
            (Err(_), Err(_)) => {}
            _ => {
                return Err((
                    format!(
                        "update_total({amount}) returned {result:?}, \
                         expected {}",
                        match expected {
                            Ok(want) => format!("Ok({want})"),
                            Err(_) => "an Err (negative amounts are refused)"
                                .to_owned(),
                        }
                    ),
                    "keep what the function does: add a positive amount and \
                     return the new total; refuse a negative one with Err",
                ));
            }
        }
        if !total.lock_is_free() {
            return Err((
                format!(
                    "after update_total({amount}) returned {result:?}, the \
                     lock is still held: the next caller would wait forever"
                ),
                HINT_RELEASE,
            ));
        }
        let now = total.value.load(Ordering::SeqCst);
        let want = match expected {
            Ok(want) | Err(want) => want,
        };
        if now != want {
            return Err((
                format!("after update_total({amount}) the total is {now}"),
                "a refused amount must leave the total unchanged",
            ));
        }
    }
    // An access with the lock free is a bug even when no other thread
    // happened to interfere: report it before the threads, so the verdict
    // does not depend on timing.
    if total.unguarded.load(Ordering::SeqCst) {
        return Err((
            "the total was read or written while the lock was free".to_owned(),
            HINT_UNGUARDED,
        ));
    }
    // Read under one lock() and written under another: in between, another
    // caller could have added too. Known without threads, so every run.
    if total.split.load(Ordering::SeqCst) {
        return Err((
            "update_total read the total in one critical section and wrote \
             it in another: between the two, another caller's addition \
             would be lost"
                .to_owned(),
            "lock once, then get, add and set, then release (on every way \
             out)",
        ));
    }
    busy_lock(update_total, &total)?;
    // Four threads at once: +2 and -1 (refused) in turn, 250 times each.
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for i in 0..500 {
                    let _ =
                        update_total(&total, if i % 2 == 0 { 2 } else { -1 });
                }
            });
        }
    });
    let now = total.value.load(Ordering::SeqCst);
    if now != 12 + 4 * 250 * 2 {
        return Err((
            format!(
                "4 threads added 2000 in all, the total went from 12 to {now}"
            ),
            "read and write the total while holding the lock",
        ));
    }
    if !total.lock_is_free() {
        return Err((
            "after the threads finished, the lock is still held".to_owned(),
            HINT_RELEASE,
        ));
    }
    if total.unguarded.load(Ordering::SeqCst) {
        return Err((
            "the total was read or written while the lock was free".to_owned(),
            HINT_UNGUARDED,
        ));
    }
    Ok(
        "the lock is free after every call, the error path included; \
        4 threads x 500 calls added up"
            .to_owned(),
    )
}

/// One call while another thread holds the lock, every run: it must wait
/// for the lock and add (8 + 4 = 12), not give up because the lock is busy.
fn busy_lock(
    update_total: fn(&Total, i64) -> Result<i64, String>,
    total: &Total,
) -> Result<(), (String, &'static str)> {
    let (waits, refused) = (
        total.lock.waits.load(Ordering::SeqCst),
        total.lock.refused.load(Ordering::SeqCst),
    );
    let held = total.lock.lock();
    let result = thread::scope(|s| {
        let call = s.spawn(|| update_total(total, 4));
        // Until the call waits in lock(), finds the lock busy with
        // try_lock(), or returns: then let it have the lock.
        let deadline = Instant::now() + LIMIT;
        while total.lock.waits.load(Ordering::SeqCst) == waits + 1
            && total.lock.refused.load(Ordering::SeqCst) == refused
            && !call.is_finished()
            && Instant::now() < deadline
        {
            thread::sleep(Duration::from_millis(1));
        }
        // SAFETY: `held` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(held) };
        call.join()
    });
    let result = result.map_err(|_| {
        (
            "update_total(4) panicked while another thread held the lock"
                .to_owned(),
            "wait for the lock with lock(): it returns once the other \
             thread releases it",
        )
    })?;
    if result != Ok(12) {
        return Err((
            format!(
                "update_total(4), called while another thread held the lock, \
                 returned {result:?}, expected Ok(12)"
            ),
            "a busy lock is a reason to wait, not to give up: lock() waits \
             until the other thread releases it (try_lock() never waits)",
        ));
    }
    Ok(())
}

/// The scores the poisoning exercise starts from; always kept sorted.
const SCORES: [u32; 3] = [10, 20, 30];

/// The scores once the writer's 5 is sorted in.
const SCORES_REPAIRED: [u32; 4] = [5, 10, 20, 30];

/// How long the check, holding the poisoned lock, watches whether
/// `read_scores` clears the poison before it has the lock.
const WINDOW: Duration = Duration::from_millis(300);

/// `read_scores` must return the scores, sorted, even after a writer
/// panicked halfway through an update, and leave the mutex repaired.
pub fn check_poison(read_scores: fn(&Mutex<Vec<u32>>) -> Vec<u32>) -> Verdict {
    // The panics below are deliberate: keep their messages off the console
    // and report them in the verdict instead.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let verdict = poison_steps(read_scores);
    panic::set_hook(default_hook);
    verdict
}

fn call(
    read_scores: fn(&Mutex<Vec<u32>>) -> Vec<u32>,
    scores: &Arc<Mutex<Vec<u32>>>,
) -> Result<Vec<u32>, (String, &'static str)> {
    let scores = Arc::clone(scores);
    let outcome = within("read_scores", move || {
        panic::catch_unwind(AssertUnwindSafe(|| read_scores(&scores)))
    });
    match outcome {
        Err(Stuck { waited, .. }) => Err((
            format!(
                "read_scores was still running after {:.1} s",
                waited.as_secs_f64()
            ),
            "lock the mutex once; a thread that locks it twice waits forever",
        )),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".to_owned());
            Err((
                format!("read_scores panicked: {message}"),
                "after a writer panicked, lock() returns Err(PoisonError), and \
                 unwrap() panics on it; the lock is yours all the same: \
                 PoisonError::into_inner gives you the guard",
            ))
        }
        Ok(Ok(scores)) => Ok(scores),
    }
}

fn poison_steps(read_scores: fn(&Mutex<Vec<u32>>) -> Vec<u32>) -> Verdict {
    let healthy = Arc::new(Mutex::new(SCORES.to_vec()));
    let got = call(read_scores, &healthy)?;
    if got != SCORES {
        return Err((
            format!("with no panic at all, read_scores returned {got:?}"),
            "return a copy of the scores as they are",
        ));
    }
    // A writer adds 5 and panics before it sorts: the invariant is broken.
    let scores = Arc::new(Mutex::new(SCORES.to_vec()));
    let writer = Arc::clone(&scores);
    let crashed = thread::spawn(move || {
        let mut scores = writer.lock().unwrap();
        scores.push(5);
        panic!("writer crashed before sorting");
    })
    .join();
    assert!(
        crashed.is_err() && scores.is_poisoned(),
        "the writer panicked"
    );
    // Another thread holds the lock when read_scores starts (as the check
    // does here): clearing the poison before taking the lock tells that
    // thread the data is sound while it is not. Watched, every run.
    let got = {
        let held = scores.lock().unwrap_or_else(PoisonError::into_inner);
        let reader = Arc::clone(&scores);
        let caller = thread::spawn(move || call(read_scores, &reader));
        let deadline = Instant::now() + WINDOW;
        while scores.is_poisoned()
            && !caller.is_finished()
            && Instant::now() < deadline
        {
            thread::sleep(Duration::from_millis(1));
        }
        if !scores.is_poisoned() && *held != SCORES_REPAIRED {
            let seen = held.clone();
            drop(held);
            let _ = caller.join();
            return Err((
                format!(
                    "another thread held the lock when read_scores began, and \
                     read_scores cleared the poison before it had the lock: \
                     that thread found the mutex healthy and the scores \
                     unsorted, {seen:?}"
                ),
                "clear the poison only once the data is repaired, while you \
                 still hold the guard: lock (into_inner on Err), sort, then \
                 clear_poison()",
            ));
        }
        drop(held);
        caller
            .join()
            .expect("call() catches the learner's panics")?
    };
    let inside = scores
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let repaired = SCORES_REPAIRED.to_vec();
    if !got.contains(&5) {
        return Err((
            format!(
                "read_scores returned {got:?}: the 5 the writer pushed is gone"
            ),
            "into_inner gives the data as the panic left it, the writes made \
             before the panic included; repair it, do not replace it",
        ));
    }
    if got != repaired {
        return Err((
            format!("read_scores returned {got:?}, which is not sorted"),
            "the writer pushed 5 and panicked before sorting: restore the \
             invariant (sort) before you use the data",
        ));
    }
    if inside != repaired {
        return Err((
            format!(
                "read_scores returned a sorted copy, but the mutex still holds \
                 {inside:?}"
            ),
            "repair the data in the mutex, through the guard, so that the \
             next user finds it sorted",
        ));
    }
    if scores.is_poisoned() {
        return Err((
            "the data is repaired, but the mutex is still poisoned".to_owned(),
            "recovering with into_inner does not clear the flag; once the \
             invariant holds again, call clear_poison()",
        ));
    }
    Ok(
        "recovered the poisoned scores: 5 kept, sorted again, poison cleared"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    //! The checks must fail the wrong fixes learners really try, not only
    //! the starters.
    use super::*;

    fn forgets(total: &Total, amount: i64) -> Result<i64, String> {
        let token = total.lock.lock();
        if amount < 0 {
            return Err("negative".into());
        }
        total.set(total.get() + amount);
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) };
        Ok(total.value.load(Ordering::SeqCst))
    }

    fn releases_too_early(total: &Total, amount: i64) -> Result<i64, String> {
        let token = total.lock.lock();
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) };
        if amount < 0 {
            return Err("negative".into());
        }
        let new = total.get() + amount;
        total.set(new);
        Ok(new)
    }

    fn releases(total: &Total, amount: i64) -> Result<i64, String> {
        let token = total.lock.lock();
        let _release = scopeguard::guard(token, |token| {
            // SAFETY: `token` came from `total.lock.lock()` above.
            unsafe { total.lock.unlock(token) }
        });
        if amount < 0 {
            return Err("negative".into());
        }
        let new = total.get() + amount;
        total.set(new);
        Ok(new)
    }

    /// The audit's wrong fix: every access under the lock, but the read
    /// and the write under two lock() calls.
    fn split_lock(total: &Total, amount: i64) -> Result<i64, String> {
        if amount < 0 {
            return Err("negative".into());
        }
        let token = total.lock.lock();
        let current = total.get();
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) };
        let token = total.lock.lock();
        total.set(current + amount);
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) };
        Ok(current + amount)
    }

    /// Released before the write (the error path is right).
    fn set_after_unlock(total: &Total, amount: i64) -> Result<i64, String> {
        let token = total.lock.lock();
        if amount < 0 {
            // SAFETY: `token` came from `total.lock.lock()` above.
            unsafe { total.lock.unlock(token) };
            return Err("negative".into());
        }
        let new = total.get() + amount;
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) };
        total.set(new);
        Ok(new)
    }

    /// Gives up when the lock is busy (right when nobody else calls).
    fn gives_up_when_busy(total: &Total, amount: i64) -> Result<i64, String> {
        let Some(token) = total.lock.try_lock() else {
            return Err("busy, try again".into());
        };
        let _unlock = scopeguard::guard(token, |token| {
            // SAFETY: `token` came from `total.lock.try_lock()` above.
            unsafe { total.lock.unlock(token) }
        });
        if amount < 0 {
            return Err("negative".into());
        }
        let new = total.get() + amount;
        total.set(new);
        Ok(new)
    }

    /// Retries try_lock until it gets the lock: slow, but right.
    fn spins(total: &Total, amount: i64) -> Result<i64, String> {
        let token = loop {
            if let Some(token) = total.lock.try_lock() {
                break token;
            }
            thread::yield_now();
        };
        let _unlock = scopeguard::guard(token, |token| {
            // SAFETY: `token` came from `total.lock.try_lock()` above.
            unsafe { total.lock.unlock(token) }
        });
        if amount < 0 {
            return Err("negative".into());
        }
        let new = total.get() + amount;
        total.set(new);
        Ok(new)
    }

    #[test]
    fn release_gives_up_when_busy_fails_every_run() {
        for _ in 0..20 {
            let (what, _) = check_release(gives_up_when_busy).unwrap_err();
            assert!(what.contains("returned Err(\"busy"), "{what}");
        }
        check_release(spins).unwrap();
    }

    #[test]
    fn release_check_fails_wrong_fixes() {
        let hint = |r: Verdict| r.unwrap_err().1;
        assert_eq!(hint(check_release(forgets)), HINT_RELEASE);
        assert!(
            hint(check_release(releases_too_early)).contains("before `get`")
        );
        // Wrong on every run, not only when the threads collide.
        for _ in 0..20 {
            let (what, _) = check_release(split_lock).unwrap_err();
            assert!(what.contains("one critical section"), "{what}");
            let (what, _) = check_release(set_after_unlock).unwrap_err();
            assert!(what.contains("while the lock was free"), "{what}");
        }
        assert!(check_release(releases).is_ok());
    }

    fn ignores_poison(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        scores
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn sorts_a_copy(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        let mut copy = ignores_poison(scores);
        copy.sort();
        scores.clear_poison();
        copy
    }

    fn keeps_the_flag(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        let mut guard = scores.lock().unwrap_or_else(PoisonError::into_inner);
        guard.sort();
        guard.clone()
    }

    fn starts_over(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        match scores.lock() {
            Ok(guard) => guard.clone(),
            Err(_) => SCORES.to_vec(),
        }
    }

    fn recovers(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        let mut guard = scores.lock().unwrap_or_else(PoisonError::into_inner);
        guard.sort();
        scores.clear_poison();
        guard.clone()
    }

    /// Clears the flag first, then locks and repairs: between the two, a
    /// thread that locks finds no poison and unsorted scores.
    fn clears_first(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        if scores.is_poisoned() {
            scores.clear_poison();
        }
        let mut guard = scores.lock().unwrap();
        guard.sort();
        guard.clone()
    }

    #[test]
    fn poison_cleared_before_repair_fails_every_run() {
        for _ in 0..20 {
            let (what, _) = check_poison(clears_first).unwrap_err();
            assert!(what.contains("cleared the poison before"), "{what}");
        }
    }

    #[test]
    fn poison_check_fails_wrong_fixes() {
        let fails = |f: fn(&Mutex<Vec<u32>>) -> Vec<u32>, text: &str| {
            let (what, hint) = check_poison(f).unwrap_err();
            assert!(
                what.contains(text) || hint.contains(text),
                "{what} / {hint}"
            );
        };
        fails(|s| s.lock().unwrap().clone(), "PoisonError");
        fails(ignores_poison, "not sorted");
        fails(sorts_a_copy, "the mutex still holds");
        fails(keeps_the_flag, "clear_poison");
        fails(starts_over, "is gone");
        assert!(check_poison(recovers).is_ok());
    }

    /// The chapter's "unlock before the early return": passes, though it
    /// would be forgotten again on the next path someone adds.
    fn unlocks_on_each_path(total: &Total, amount: i64) -> Result<i64, String> {
        let token = total.lock.lock();
        if amount < 0 {
            // SAFETY: `token` came from `total.lock.lock()` above.
            unsafe { total.lock.unlock(token) };
            return Err(format!("refused: {amount} is negative"));
        }
        let new = total.get() + amount;
        total.set(new);
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) };
        Ok(new)
    }

    /// A `Drop` type of one's own that holds the token.
    fn own_guard_type(total: &Total, amount: i64) -> Result<i64, String> {
        struct Unlock<'a> {
            lock: &'a Lock,
            token: Option<Token>,
        }
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                if let Some(token) = self.token.take() {
                    // SAFETY: `token` came from `self.lock.lock()`.
                    unsafe { self.lock.unlock(token) }
                }
            }
        }
        let _unlock = Unlock {
            lock: &total.lock,
            token: Some(total.lock.lock()),
        };
        if amount < 0 {
            return Err(format!("refused: {amount} is negative"));
        }
        let new = total.get() + amount;
        total.set(new);
        Ok(new)
    }

    /// scopeguard's `defer!`, the token moved into it.
    fn deferred(total: &Total, amount: i64) -> Result<i64, String> {
        let token = total.lock.lock();
        scopeguard::defer! {
            // SAFETY: `token` came from `total.lock.lock()` above.
            unsafe { total.lock.unlock(token) }
        }
        if amount < 0 {
            return Err(format!("refused: {amount} is negative"));
        }
        let new = total.get() + amount;
        total.set(new);
        Ok(new)
    }

    /// One way out: the work in a closure, one unlock after it.
    fn single_exit(total: &Total, amount: i64) -> Result<i64, String> {
        let token = total.lock.lock();
        let result = (|| {
            if amount < 0 {
                return Err(format!("refused: {amount} is negative"));
            }
            let new = total.get() + amount;
            total.set(new);
            Ok(new)
        })();
        // SAFETY: `token` came from `total.lock.lock()` above.
        unsafe { total.lock.unlock(token) };
        result
    }

    #[test]
    fn release_valid_answers_pass_every_run() {
        type Update = fn(&Total, i64) -> Result<i64, String>;
        let answers: [(&str, Update); 4] = [
            ("unlock on each path", unlocks_on_each_path),
            ("own guard type", own_guard_type),
            ("defer!", deferred),
            ("single exit", single_exit),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_release(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }

    /// Repairs only when poisoned, with `if let Err`.
    fn repairs_when_poisoned(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        let mut guard = scores.lock().unwrap_or_else(PoisonError::into_inner);
        if scores.is_poisoned() {
            guard.sort();
            scores.clear_poison();
        }
        guard.clone()
    }

    /// The copy taken and the guard dropped before clearing the flag: the
    /// data is sorted by then, so a thread in between finds it sound.
    fn clears_after_drop(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        match scores.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => {
                let mut guard = poisoned.into_inner();
                guard.sort_unstable();
                let copy = guard.to_vec();
                drop(guard);
                scores.clear_poison();
                copy
            }
        }
    }

    /// `unwrap_or_else` with a closure that repairs inside it.
    fn repairs_in_closure(scores: &Mutex<Vec<u32>>) -> Vec<u32> {
        let guard = scores.lock().unwrap_or_else(|poisoned| {
            let mut guard = poisoned.into_inner();
            guard.sort();
            scores.clear_poison();
            guard
        });
        guard.clone()
    }

    #[test]
    fn poison_valid_answers_pass_every_run() {
        type Read = fn(&Mutex<Vec<u32>>) -> Vec<u32>;
        let answers: [(&str, Read); 3] = [
            ("repairs when poisoned", repairs_when_poisoned),
            ("clears after drop", clears_after_drop),
            ("repairs in closure", repairs_in_closure),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_poison(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
