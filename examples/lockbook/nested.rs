//! The checks behind the exercises of the chapter "Locking across functions:
//! nested locks". Each runs the learner's function on its own thread with a
//! time limit ([`LIMIT`](crate::exercise::LIMIT)), so a self-deadlock becomes a FAIL instead of a hang, and lets
//! a second thread look (with `try_lock`, which never blocks) at the moment
//! the learner's code calls `meanwhile()`.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use crate::exercise::{Failure, Verdict, within};
use crate::watched::{Watched, When};

/// Exercise 1: goods in a store. The invariant: `warehouse + shop` stays
/// the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Store {
    pub warehouse: u32,
    pub shop: u32,
}

/// Exercise 2: seats for a show. The invariant: `free + booked` stays the
/// same, and `free` never goes below 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub free: i64,
    pub booked: i64,
}

/// Exercise 1: the store behind a [`Watched`] lock. `lock()` works like
/// `Mutex::lock` and gives a `MutexGuard<Store>`. Every `lock()` after the
/// first in one restock lets another thread look first (with `try_lock`,
/// so only if no guard is alive right now), as one could at any time in a
/// real program; every state it saw is kept. So each gap between two
/// critical sections is seen on every run, wherever `meanwhile()` is.
pub type Storeroom = Watched<Store>;

/// Exercise 2: the seats behind a [`Watched`] lock. `lock()` and
/// `try_lock()` work like `Mutex`'s and give a `MutexGuard<Seats>`. Every
/// `lock()` after the first in one booking, if no guard is alive, lets
/// another customer book 8 seats first - as one could at any time in a
/// real program, whenever the lock is free between two critical sections.
pub type Hall = Watched<Seats>;

/// What the second thread found when it tried to look.
enum Seen<T> {
    /// The lock was free: the state at that moment.
    Unlocked(T),
    /// The lock was held: it would have had to wait.
    Locked,
}

/// Run `work(lock, meanwhile)` on a thread of its own, at most
/// [`LIMIT`](crate::exercise::LIMIT).
/// Each `meanwhile()` call lets the lock's intruder try, from another
/// thread; the call returns when that is done. Gives the result and what
/// each call saw, or a FAIL.
fn run_observed<T, R>(
    lock: Arc<Watched<T>>,
    work: impl FnOnce(&Watched<T>, &dyn Fn()) -> R + Send + 'static,
) -> Result<(R, Vec<Seen<T>>), Failure>
where
    T: Clone + Send + 'static,
    R: Send + 'static,
{
    let outcome = within("learner", move || {
        let seen = std::cell::RefCell::new(Vec::new());
        let meanwhile = || {
            let look = match lock.intrude_now() {
                Some(state) => Seen::Unlocked(state),
                None => Seen::Locked,
            };
            seen.borrow_mut().push(look);
        };
        let result =
            panic::catch_unwind(AssertUnwindSafe(|| work(&lock, &meanwhile)));
        result.map(|r| (r, seen.into_inner()))
    });
    match outcome {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(_)) => Err((
            "your function panicked (the message is above)".to_owned(),
            "a lock() or a subtraction failed; run it again and read the \
             panic message",
        )),
        Err(stuck) => Err((
            format!(
                "still blocked after {:.1} s - does it lock a mutex it already \
                 holds?",
                stuck.waited.as_secs_f64()
            ),
            "a function that holds the guard calls a helper that calls lock() \
             on the same Mutex; std's Mutex is not re-entrant, so that second \
             lock() never returns. Lock once, at the top, and pass the guarded \
             value to the helpers, as `&T` or `&mut T`",
        )),
    }
}

/// Exercise 1: `restock(store, 30, meanwhile)` must move 30 items from the
/// warehouse to the shop so that no other thread ever sees them missing.
pub fn check_restock(restock: fn(&Storeroom, u32, &dyn Fn())) -> Verdict {
    let before = Store {
        warehouse: 100,
        shop: 0,
    };
    // The other thread only looks.
    let store = Arc::new(Watched::new(before, |_: &mut Store| false));
    store.watch(When::From(2));
    let (_, mut seen) = run_observed(Arc::clone(&store), move |store, m| {
        restock(store, 30, m)
    })?;
    // A look between two lock() calls counts like one at meanwhile(): the
    // first that found the store half done, if any.
    if let Some(at) = store
        .take_found()
        .into_iter()
        .find(|at| at.warehouse + at.shop != 100)
    {
        seen.insert(0, Seen::Unlocked(at));
    }
    let after = store.now();
    let expected = Store {
        warehouse: 70,
        shop: 30,
    };
    if seen.is_empty() {
        return Err((
            "meanwhile() was never called".to_owned(),
            "keep the call to meanwhile() between the two steps: it is the \
             moment another thread looks at the store",
        ));
    }
    for s in &seen {
        if let Seen::Unlocked(at) = s {
            let total = at.warehouse + at.shop;
            if total != 100 {
                return Err((
                    format!(
                        "another thread looked between the steps and saw \
                         warehouse {} + shop {} = {total} of 100 items",
                        at.warehouse, at.shop
                    ),
                    "take_from_warehouse() and put_in_shop() each lock and \
                     unlock, so the store is unlocked in between; lock once \
                     in restock() and let the helpers take `&mut Store`",
                ));
            }
            return Err((
                format!(
                    "meanwhile() ran while the store was unlocked (it saw \
                     warehouse {}, shop {})",
                    at.warehouse, at.shop
                ),
                "keep meanwhile() between the two steps, inside the one \
                 critical section",
            ));
        }
    }
    if after != expected {
        return Err((
            format!(
                "after restock(30): warehouse {}, shop {}; expected \
                 warehouse 70, shop 30",
                after.warehouse, after.shop
            ),
            "move exactly `n` items: take them from the warehouse, put them \
             in the shop",
        ));
    }
    Ok(
        "30 items moved; the thread that looked mid-way found the store \
        locked, never half done"
            .to_owned(),
    )
}

/// Exercise 2: `book(seats, n, meanwhile)` books `n` seats if that many are
/// free. When `meanwhile()` finds the seats unlocked, another customer books
/// 8 of them right then.
pub fn check_book(book: fn(&Hall, i64, &dyn Fn()) -> bool) -> Verdict {
    // Another customer books 8 seats whenever it gets in and 8 are free.
    let seats = Arc::new(Watched::new(
        Seats {
            free: 10,
            booked: 0,
        },
        |s: &mut Seats| {
            let book = s.free >= 8;
            if book {
                s.free -= 8;
                s.booked += 8;
            }
            book
        },
    ));
    // (seats asked for, expected answer, free seats afterwards)
    let steps = [(3, true, 7), (8, false, 7), (7, true, 0), (1, false, 0)];
    for (n, expected, free_after) in steps {
        let before = seats.now();
        seats.watch(When::From(2));
        let intruded_before = seats.acted();
        let (booked, seen) =
            run_observed(Arc::clone(&seats), move |s, m| book(s, n, m))?;
        let now = seats.now();
        if seats.acted() > intruded_before {
            return Err((
                format!(
                    "book({n}) with {} free locked the seats twice; between \
                     the two lock() calls another customer booked 8: now {} \
                     free, {} booked",
                    before.free, now.free, now.booked
                ),
                "the check (enough free?) and the booking must happen \
                 under one guard; read the count through the guard you \
                 hold instead of calling a helper that locks again",
            ));
        }
        if seen.iter().any(|s| matches!(s, Seen::Unlocked(_))) {
            if now.free < 0 {
                return Err((
                    format!(
                        "book({n}) with {} free: another customer booked 8 \
                         between the check and the booking; now {} free, {} \
                         booked",
                        before.free, now.free, now.booked
                    ),
                    "the check (enough free?) and the booking must happen \
                     under one guard; read the count through the guard you \
                     hold instead of calling a helper that locks again",
                ));
            }
            return Err((
                format!(
                    "book({n}): meanwhile() ran while the seats were unlocked"
                ),
                "keep meanwhile() between the check and the booking, inside \
                 the one critical section",
            ));
        }
        if booked != expected || now.free != free_after {
            return Err((
                format!(
                    "book({n}) with {} free returned {booked} and left {} \
                     free; expected {expected} and {free_after} free",
                    before.free, now.free
                ),
                if expected && !booked {
                    // The chapter's pitfall: try_lock from the holder says
                    // WouldBlock, and the helper takes it for "no seats".
                    "book refused although enough seats were free: a helper \
                     that calls try_lock() sees the lock your own book() \
                     holds as taken; pass it the guarded Seats instead"
                } else {
                    "book only if at least `n` seats are free; then free goes \
                     down by `n` and booked goes up by `n`"
                },
            ));
        }
        if expected && seen.is_empty() {
            return Err((
                format!(
                    "book({n}) with {} free never called meanwhile()",
                    before.free
                ),
                "keep the call to meanwhile() between the check and the \
                 booking: it is the moment another customer tries to book",
            ));
        }
        if now.free + now.booked != 10 {
            return Err((
                format!(
                    "{} free + {} booked is not 10 seats",
                    now.free, now.booked
                ),
                "move seats from free to booked, by the same number",
            ));
        }
    }
    Ok(
        "4 bookings right; the other customer always found the seats locked"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    //! The checks catch the wrong fixes learners really try.
    use super::*;

    fn failure(verdict: Verdict) -> String {
        match verdict {
            Ok(done) => panic!("expected FAIL, got PASS: {done}"),
            Err((what, _hint)) => what,
        }
    }

    #[test]
    fn restock_check_catches_wrong_fixes() {
        // The starter: two critical sections.
        fn two_guards(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
            s.lock().unwrap().warehouse -= n;
            meanwhile();
            s.lock().unwrap().shop += n;
        }
        assert!(failure(check_restock(two_guards)).contains("saw warehouse"));
        // An outer lock around helpers that lock.
        fn outer(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
            let _all = s.lock().unwrap();
            two_guards(s, n, meanwhile);
        }
        assert!(failure(check_restock(outer)).contains("still blocked"));
        // The audit's wrong fix: take under one lock, then lock again and
        // put, with meanwhile() inside the second guard. The gap is between
        // the two locks, where meanwhile() never runs: seen on every run.
        fn take_then_lock(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
            s.lock().unwrap().warehouse -= n;
            let mut s = s.lock().unwrap();
            meanwhile();
            s.shop += n;
        }
        for _ in 0..20 {
            let what = failure(check_restock(take_then_lock));
            assert!(what.contains("saw warehouse 70 + shop 0"), "{what}");
        }
        // A gap after a harmless one: a look first (consistent), then the
        // take and the put under two more locks. Every gap is looked at,
        // not only the first, so the second is seen on every run.
        fn look_then_two(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
            let _ = s.lock().unwrap().warehouse;
            s.lock().unwrap().warehouse -= n;
            let mut s = s.lock().unwrap();
            meanwhile();
            s.shop += n;
        }
        for _ in 0..20 {
            let what = failure(check_restock(look_then_two));
            assert!(what.contains("saw warehouse 70 + shop 0"), "{what}");
        }
        // One guard, but `meanwhile()` dropped or moved out of it.
        fn no_look(s: &Storeroom, n: u32, _: &dyn Fn()) {
            let mut s = s.lock().unwrap();
            s.warehouse -= n;
            s.shop += n;
        }
        assert!(failure(check_restock(no_look)).contains("never called"));
        fn look_first(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
            meanwhile();
            no_look(s, n, meanwhile);
        }
        assert!(failure(check_restock(look_first)).contains("unlocked"));
        // Atomic, but the wrong amount.
        fn wrong_amount(s: &Storeroom, _: u32, meanwhile: &dyn Fn()) {
            let mut s = s.lock().unwrap();
            s.warehouse -= 1;
            meanwhile();
            s.shop += 1;
        }
        assert!(failure(check_restock(wrong_amount)).contains("expected"));
        fn right(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
            let mut s = s.lock().unwrap();
            s.warehouse -= n;
            meanwhile();
            s.shop += n;
        }
        assert!(check_restock(right).is_ok());
    }

    fn free_locking(s: &Hall) -> i64 {
        s.lock().unwrap().free
    }

    #[test]
    fn book_check_catches_wrong_fixes() {
        // The starter: the helper locks again under the guard.
        fn nested(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
            let mut g = s.lock().unwrap();
            if free_locking(s) < n {
                return false;
            }
            meanwhile();
            g.free -= n;
            g.booked += n;
            true
        }
        assert!(failure(check_book(nested)).contains("still blocked"));
        // Ask first, lock later: check-then-act.
        fn ask_first(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
            if free_locking(s) < n {
                return false;
            }
            meanwhile();
            let mut g = s.lock().unwrap();
            g.free -= n;
            g.booked += n;
            true
        }
        assert!(failure(check_book(ask_first)).contains("another customer"));
        // The reviewer's wrong fix: ask first (one lock), then book under a
        // second lock with meanwhile() inside it. The gap is between the
        // two locks, where meanwhile() never runs.
        fn ask_then_lock(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
            if free_locking(s) < n {
                return false;
            }
            let mut g = s.lock().unwrap();
            meanwhile();
            g.free -= n;
            g.booked += n;
            true
        }
        for _ in 0..20 {
            let what = failure(check_book(ask_then_lock));
            assert!(what.contains("locked the seats twice"), "{what}");
        }
        // "Just use try_lock": the helper gives up while the guard is held.
        fn try_free(s: &Hall) -> i64 {
            s.try_lock().map(|g| g.free).unwrap_or(0)
        }
        fn with_try(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
            let mut g = s.lock().unwrap();
            if try_free(s) < n {
                return false;
            }
            meanwhile();
            g.free -= n;
            g.booked += n;
            true
        }
        assert!(failure(check_book(with_try)).contains("returned false"));
        // Right, but without letting the other customer try.
        fn no_look(s: &Hall, n: i64, _: &dyn Fn()) -> bool {
            let mut g = s.lock().unwrap();
            if g.free < n {
                return false;
            }
            g.free -= n;
            g.booked += n;
            true
        }
        assert!(failure(check_book(no_look)).contains("never called"));
        fn right(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
            let mut g = s.lock().unwrap();
            if g.free < n {
                return false;
            }
            meanwhile();
            g.free -= n;
            g.booked += n;
            true
        }
        assert!(check_book(right).is_ok());
    }

    /// Helpers that take `&mut Store`, passed `&mut *guard` (as a learner
    /// may write it, though `&mut guard` would do).
    #[allow(clippy::explicit_auto_deref)]
    fn restock_explicit_reborrow(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
        fn take_from_warehouse(store: &mut Store, n: u32) {
            store.warehouse -= n;
        }
        fn put_in_shop(store: &mut Store, n: u32) {
            store.shop += n;
        }
        let mut guard = s.lock().unwrap();
        take_from_warehouse(&mut guard, n);
        meanwhile();
        put_in_shop(&mut *guard, n);
    }

    /// One helper for the whole move, `meanwhile` passed along.
    fn restock_one_helper(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
        fn move_items(store: &mut Store, n: u32, meanwhile: &dyn Fn()) {
            store.warehouse -= n;
            meanwhile();
            store.shop += n;
        }
        move_items(&mut s.lock().unwrap(), n, meanwhile);
    }

    /// No helpers, the guard dropped by hand at the end.
    fn restock_inline_drop(s: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
        let mut store = s.lock().unwrap_or_else(|e| e.into_inner());
        store.warehouse -= n;
        meanwhile();
        store.shop += n;
        drop(store);
    }

    #[test]
    fn restock_valid_answers_pass_every_run() {
        type Restock = fn(&Storeroom, u32, &dyn Fn());
        let answers: [(&str, Restock); 3] = [
            ("reborrow", restock_explicit_reborrow),
            ("one helper", restock_one_helper),
            ("inline, drop", restock_inline_drop),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_restock(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }

    /// The helper takes the guard itself, by reference.
    fn book_guard_helper(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
        fn free_seats(guard: &std::sync::MutexGuard<'_, Seats>) -> i64 {
            guard.free
        }
        let mut guard = s.lock().unwrap();
        if free_seats(&guard) < n {
            return false;
        }
        meanwhile();
        guard.free -= n;
        guard.booked += n;
        true
    }

    /// One helper on `&mut Seats` does the check and the booking.
    fn book_one_helper(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
        fn try_book(seats: &mut Seats, n: i64, meanwhile: &dyn Fn()) -> bool {
            if seats.free < n {
                return false;
            }
            meanwhile();
            seats.free -= n;
            seats.booked += n;
            true
        }
        try_book(&mut s.lock().unwrap(), n, meanwhile)
    }

    /// No helper: an `if`/`else` on the guard.
    fn book_inline(s: &Hall, n: i64, meanwhile: &dyn Fn()) -> bool {
        let mut seats = s.lock().unwrap();
        if seats.free >= n {
            meanwhile();
            seats.free -= n;
            seats.booked += n;
            true
        } else {
            false
        }
    }

    #[test]
    fn book_valid_answers_pass_every_run() {
        type Book = fn(&Hall, i64, &dyn Fn()) -> bool;
        let answers: [(&str, Book); 3] = [
            ("guard helper", book_guard_helper),
            ("one helper", book_one_helper),
            ("inline", book_inline),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_book(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
