//! The checks behind the exercises of the chapter "Race conditions".
//!
//! A race needs bad timing, and a check that waits for bad timing passes a
//! wrong answer on a lucky run. So each check first makes the worst moment
//! happen: the counter and the tickets hand the learner's function types
//! that let another visitor or buyer in exactly where a race would let one
//! in. Only then does it run real threads. Every run is time-bounded, so
//! a self-deadlock becomes a FAIL, not a hang.

use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::exercise::{Verdict, within};
use crate::watched::{Watched, When};

const HINT_VISITS: &str = "between the load and the store another thread \
     can count too; make read-add-write one step (AtomicU64 has a method \
     for exactly that)";

/// Exercise 1: a visit counter. It has `AtomicU64`'s methods, and after
/// any of them reads the count (`load`, `swap`, `fetch_add`,
/// `compare_exchange`, ...), it can let one other visitor count, when the
/// check asks: the moment a busy page would pick to lose an update. Every
/// read is watched, not one method, so no way of reading escapes it.
pub struct Visits {
    count: AtomicU64,
    /// Set by the check: the next read lets another visitor in.
    spy: AtomicBool,
    /// How many visits that other visitor made.
    others: AtomicU64,
}

impl Visits {
    fn new() -> Visits {
        Visits {
            count: AtomicU64::new(0),
            spy: AtomicBool::new(false),
            others: AtomicU64::new(0),
        }
    }

    /// After a read: another visitor counts, if the check asked for one.
    fn after_read<T>(&self, value: T) -> T {
        if self.spy.swap(false, Ordering::SeqCst) {
            self.count.fetch_add(1, Ordering::SeqCst);
            self.others.fetch_add(1, Ordering::SeqCst);
        }
        value
    }

    /// Like `AtomicU64::load`.
    pub fn load(&self, order: Ordering) -> u64 {
        self.after_read(self.count.load(order))
    }

    /// Like `AtomicU64::store`.
    pub fn store(&self, value: u64, order: Ordering) {
        self.count.store(value, order);
    }

    /// Like `AtomicU64::swap`.
    pub fn swap(&self, value: u64, order: Ordering) -> u64 {
        self.after_read(self.count.swap(value, order))
    }

    /// Like `AtomicU64::fetch_add`.
    pub fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        self.after_read(self.count.fetch_add(value, order))
    }

    /// Like `AtomicU64::fetch_sub`.
    pub fn fetch_sub(&self, value: u64, order: Ordering) -> u64 {
        self.after_read(self.count.fetch_sub(value, order))
    }

    /// Like `AtomicU64::compare_exchange`.
    pub fn compare_exchange(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64> {
        self.after_read(
            self.count.compare_exchange(current, new, success, failure),
        )
    }

    /// Like `AtomicU64::compare_exchange_weak`.
    pub fn compare_exchange_weak(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64> {
        self.after_read(
            self.count
                .compare_exchange_weak(current, new, success, failure),
        )
    }

    /// Like `AtomicU64::fetch_update`.
    pub fn fetch_update(
        &self,
        set_order: Ordering,
        fetch_order: Ordering,
        f: impl FnMut(u64) -> Option<u64>,
    ) -> Result<u64, u64> {
        self.after_read(self.count.fetch_update(set_order, fetch_order, f))
    }
}

/// Ten visits with another visitor after each one's first `load`, then
/// eight threads of 1000 visits each; every visit must be counted.
pub fn check_visits(record_visit: fn(&Visits)) -> Verdict {
    bounded("record_visit", move || visits_steps(record_visit))
}

fn visits_steps(record_visit: fn(&Visits)) -> Verdict {
    let visits = Visits::new();
    for _ in 0..10 {
        visits.spy.store(true, Ordering::SeqCst);
        record_visit(&visits);
    }
    let others = visits.others.load(Ordering::SeqCst);
    let (expected, counted) = (10 + others, visits.count.into_inner());
    if counted != expected {
        return Err((
            format!(
                "you recorded 10 visits and another visitor {others}, each \
                 right after one of your loads: {counted} of {expected} \
                 counted"
            ),
            HINT_VISITS,
        ));
    }
    let (threads, visits_each) = (8, 1000);
    let visits = Visits::new();
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| (0..visits_each).for_each(|_| record_visit(&visits)));
        }
    });
    let expected = threads * visits_each;
    let counted = visits.count.into_inner();
    if counted != expected {
        return Err((
            format!(
                "{threads} threads: counted {counted} of {expected} visits"
            ),
            HINT_VISITS,
        ));
    }
    Ok(format!(
        "no visit lost when another came in after a load; \
         {threads} threads: all {expected} visits counted"
    ))
}

const HINT_TICKETS: &str = "the check (any left?) and the act (take one) \
     must happen under one guard; a second lock() lets another buyer in \
     between";

/// Exercise 2: the tickets left, behind a [`Watched`] lock: `lock()` and
/// `try_lock()` work like `Mutex`'s and give a `MutexGuard<i64>`. When the
/// check asks, a second `lock()` in one purchase, if the first guard is
/// gone, lets another buyer take a ticket first, as one could whenever the
/// lock is free between two critical sections.
pub type Tickets = Watched<i64>;

/// `left` tickets; the other buyer takes one if any is left.
fn tickets(left: i64) -> Tickets {
    Watched::new(left, |left: &mut i64| {
        let took = *left > 0;
        if took {
            *left -= 1;
        }
        took
    })
}

/// One purchase of the last ticket with another buyer at the second
/// `lock()`, one with none left, then 200 rounds of ten buyers released
/// together for three tickets: every round must sell exactly three.
pub fn check_tickets(buy_ticket: fn(&Tickets) -> bool) -> Verdict {
    bounded("buy_ticket", move || tickets_steps(buy_ticket))
}

fn tickets_steps(buy_ticket: fn(&Tickets) -> bool) -> Verdict {
    let tickets = tickets(1);
    tickets.watch(When::At(2));
    let got = buy_ticket(&tickets);
    let others = tickets.acted() as u64;
    let left = tickets.now();
    let sold = u64::from(got) + others;
    if sold != 1 || left != 0 {
        let what = if others > 0 {
            format!(
                "1 ticket left; another buyer took it between your check and \
                 your second lock(), and you sold it too: {sold} sold, \
                 {left} left"
            )
        } else {
            format!("1 ticket left, one buyer: {sold} sold, {left} left")
        };
        return Err((what, HINT_TICKETS));
    }
    tickets.watch(When::Never);
    if buy_ticket(&tickets) || tickets.now() != 0 {
        return Err((
            "0 tickets left, and a buyer still got one".to_owned(),
            "sell a ticket only if one is left, and return whether you did",
        ));
    }
    // Another buyer is inside when this one comes: it must wait its turn,
    // not give up (a `try_lock` that fails is no answer to "any left?").
    let last = self::tickets(1);
    let other_buyer = last.try_lock().unwrap(); // counts no lock() call
    let got = thread::scope(|s| {
        let buyer = s.spawn(|| buy_ticket(&last));
        let since = Instant::now();
        while !buyer.is_finished()
            && last.locks() == 0
            && since.elapsed() < Duration::from_millis(100)
        {
            thread::yield_now();
        }
        drop(other_buyer);
        buyer.join().unwrap()
    });
    if !got || last.now() != 0 {
        return Err((
            format!(
                "1 ticket left and another buyer at the counter: you came \
                 away with {}, and {} left",
                if got { "a ticket" } else { "none" },
                last.now()
            ),
            "when the lock is busy, another buyer is inside; wait for it \
             with lock() instead of giving up (try_lock fails whenever \
             anyone holds the lock, whatever is left)",
        ));
    }
    let (rounds, buyers, tickets) = (200, 10, 3);
    for round in 1..=rounds {
        let left = self::tickets(tickets);
        let start = Barrier::new(buyers);
        let sold = thread::scope(|s| {
            let handles: Vec<_> = (0..buyers)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        buy_ticket(&left)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .filter(|&b| b)
                .count() as i64
        });
        let left = left.into_inner();
        if sold != tickets || left != 0 {
            return Err((
                format!(
                    "round {round} of {buyers} buyers: {tickets} tickets, \
                     {sold} sold, {left} left"
                ),
                HINT_TICKETS,
            ));
        }
    }
    Ok(format!(
        "the last ticket sold once with another buyer at the door; \
         {rounds} rounds of {buyers} buyers each sold exactly {tickets}"
    ))
}

/// `steps` on a thread of its own, for at most [`LIMIT`].
fn bounded(
    name: &str,
    steps: impl FnOnce() -> Verdict + Send + 'static,
) -> Verdict {
    within(name, steps).unwrap_or_else(|stuck| {
        Err(stuck.fail(
            "a thread that locks a Mutex it already holds waits forever: \
             take the lock once per call and use that one guard",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_then_store(v: &Visits) {
        let seen = v.load(Ordering::SeqCst);
        v.store(seen + 1, Ordering::SeqCst);
    }

    fn compare_exchange_loop(v: &Visits) {
        let mut seen = v.load(Ordering::SeqCst);
        while let Err(now) = v.compare_exchange(
            seen,
            seen + 1,
            Ordering::SeqCst,
            Ordering::SeqCst,
        ) {
            seen = now;
        }
    }

    fn fetch_add(v: &Visits) {
        v.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn visits_fail_on_every_run_without_a_pause_and_pass_when_atomic() {
        // No yield_now() between load and store: the check still fails.
        for _ in 0..20 {
            let (what, _) = check_visits(load_then_store).unwrap_err();
            assert_eq!(
                what,
                "you recorded 10 visits and another visitor 10, each right \
                 after one of your loads: 10 of 20 counted"
            );
        }
        assert!(check_visits(fetch_add).is_ok());
        assert!(check_visits(compare_exchange_loop).is_ok());
    }

    fn two_locks(t: &Tickets) -> bool {
        let available = *t.lock().unwrap() > 0;
        if available {
            *t.lock().unwrap() -= 1;
        }
        available
    }

    fn one_guard(t: &Tickets) -> bool {
        let mut left = t.lock().unwrap();
        let available = *left > 0;
        if available {
            *left -= 1;
        }
        available
    }

    fn sells_always(t: &Tickets) -> bool {
        *t.lock().unwrap() -= 1;
        true
    }

    #[test]
    fn tickets_fail_on_every_run_without_a_pause_and_pass_with_one_guard() {
        for _ in 0..20 {
            let (what, _) = check_tickets(two_locks).unwrap_err();
            assert!(what.contains("2 sold, -1 left"), "{what}");
        }
        assert!(check_tickets(sells_always).is_err());
        assert!(check_tickets(one_guard).is_ok());
    }

    #[test]
    fn every_read_is_watched_not_only_load() {
        // A read that is not `load`, then a store: the update is lost just
        // the same, and the check sees it on every run.
        fn fetch_add_zero(v: &Visits) {
            let seen = v.fetch_add(0, Ordering::SeqCst);
            v.store(seen + 1, Ordering::SeqCst);
        }
        fn swap_back(v: &Visits) {
            let seen = v.swap(0, Ordering::SeqCst);
            v.store(seen + 1, Ordering::SeqCst);
        }
        for _ in 0..20 {
            for wrong in [fetch_add_zero, swap_back] {
                let (what, _) = check_visits(wrong).unwrap_err();
                assert!(what.contains("of 20 counted"), "{what}");
            }
        }
    }

    #[test]
    fn giving_up_when_the_lock_is_busy_fails_on_every_run() {
        fn gives_up(t: &Tickets) -> bool {
            let Ok(mut left) = t.try_lock() else {
                return false;
            };
            let available = *left > 0;
            if available {
                *left -= 1;
            }
            available
        }
        // Spinning on try_lock until it succeeds waits its turn: slow, but
        // not wrong.
        fn spins(t: &Tickets) -> bool {
            loop {
                if let Ok(mut left) = t.try_lock() {
                    let available = *left > 0;
                    if available {
                        *left -= 1;
                    }
                    return available;
                }
                thread::yield_now();
            }
        }
        for _ in 0..20 {
            let (what, _) = check_tickets(gives_up).unwrap_err();
            assert!(what.contains("you came away with none"), "{what}");
        }
        assert!(check_tickets(spins).is_ok());
    }

    #[test]
    fn a_second_lock_while_holding_the_first_is_a_fail_not_a_hang() {
        fn locks_twice(t: &Tickets) -> bool {
            let left = t.lock().unwrap();
            let available = *left > 0;
            if available {
                *t.lock().unwrap() -= 1; // waits for `left`: forever
            }
            available
        }
        let started = std::time::Instant::now();
        let (what, _) = check_tickets(locks_twice).unwrap_err();
        assert!(what.contains("still blocked"), "{what}");
        assert!(
            started.elapsed() < crate::exercise::LIMIT + Duration::from_secs(2)
        );
    }

    fn fetch_update(v: &Visits) {
        v.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| Some(n + 1))
            .unwrap();
    }

    fn compare_exchange_weak_loop(v: &Visits) {
        let mut seen = v.load(Ordering::SeqCst);
        loop {
            match v.compare_exchange_weak(
                seen,
                seen + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => break,
                Err(actual) => seen = actual,
            }
        }
    }

    /// Loads afresh before every try.
    fn load_in_the_loop(v: &Visits) {
        loop {
            let seen = v.load(Ordering::Relaxed);
            if v.compare_exchange(
                seen,
                seen + 1,
                Ordering::SeqCst,
                Ordering::Relaxed,
            )
            .is_ok()
            {
                return;
            }
        }
    }

    #[test]
    fn visits_valid_answers_pass_every_run() {
        type RecordVisit = fn(&Visits);
        let answers: [(&str, RecordVisit); 4] = [
            ("fetch_add relaxed", |v| {
                v.fetch_add(1, Ordering::Relaxed);
            }),
            ("fetch_update", fetch_update),
            ("compare_exchange_weak", compare_exchange_weak_loop),
            ("load in the loop", load_in_the_loop),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_visits(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }

    /// Early return, and a helper that takes the guarded value.
    fn helper_on_the_value(t: &Tickets) -> bool {
        fn take_one(left: &mut i64) -> bool {
            if *left <= 0 {
                return false;
            }
            *left -= 1;
            true
        }
        let mut left = t.lock().unwrap();
        take_one(&mut left)
    }

    /// The guard dropped by hand once the ticket is taken.
    fn explicit_drop(t: &Tickets) -> bool {
        let mut left =
            t.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *left == 0 {
            drop(left);
            return false;
        }
        *left -= 1;
        drop(left);
        true
    }

    /// A match on the guard's value.
    fn matches(t: &Tickets) -> bool {
        let mut left = t.lock().unwrap();
        match *left {
            n if n > 0 => {
                *left = n - 1;
                true
            }
            _ => false,
        }
    }

    #[test]
    fn tickets_valid_answers_pass_every_run() {
        type BuyTicket = fn(&Tickets) -> bool;
        let answers: [(&str, BuyTicket); 3] = [
            ("helper", helper_on_the_value),
            ("explicit drop", explicit_drop),
            ("match", matches),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_tickets(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
