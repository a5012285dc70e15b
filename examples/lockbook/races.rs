//! The checks behind the exercises of the chapter "Race conditions".
//!
//! A race needs bad timing, and a check that waits for bad timing passes a
//! wrong answer on a lucky run. So each check first makes the worst moment
//! happen: the counter and the tickets hand the learner's function types
//! that let another visitor or buyer in exactly where a race would let one
//! in. Only then does it run real threads. Every run is time-bounded, so
//! a self-deadlock becomes a FAIL, not a hang.

use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, LockResult, Mutex, MutexGuard, TryLockResult};
use std::thread;
use std::time::Duration;

use crate::exercise::Verdict;
use crate::watchdog::run_within;

/// How long one phase of a check may take before it counts as stuck.
const LIMIT: Duration = Duration::from_secs(5);

const HINT_VISITS: &str = "between the load and the store another thread \
     can count too; make read-add-write one step (AtomicU64 has a method \
     for exactly that)";

/// Exercise 1: a visit counter. It is an `AtomicU64` (every method but
/// `load` is `AtomicU64`'s own, through `Deref`) whose `load`, when the
/// check asks, lets one other visitor count right after it: the moment a
/// busy page would pick to lose an update.
pub struct Visits {
    count: AtomicU64,
    /// Set by the check: the next `load` lets another visitor in.
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

    /// Like `AtomicU64::load`.
    pub fn load(&self, order: Ordering) -> u64 {
        let seen = self.count.load(order);
        if self.spy.swap(false, Ordering::SeqCst) {
            self.count.fetch_add(1, Ordering::SeqCst);
            self.others.fetch_add(1, Ordering::SeqCst);
        }
        seen
    }
}

impl Deref for Visits {
    type Target = AtomicU64;
    fn deref(&self) -> &AtomicU64 {
        &self.count
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

/// Exercise 2: the tickets left, behind a lock. `lock()` and `try_lock()`
/// work like `Mutex`'s and give a `MutexGuard<i64>`. When the check asks, a
/// second `lock()` in one purchase, after the first guard is gone, lets
/// another buyer take a ticket first, as one could whenever the lock is
/// free between two critical sections.
pub struct Tickets {
    left: Mutex<i64>,
    /// Set by the check for one purchase.
    spy: AtomicBool,
    /// `lock()` calls in this purchase.
    locks: AtomicUsize,
    /// Tickets the other buyer took.
    others: AtomicU64,
}

impl Tickets {
    fn new(left: i64) -> Tickets {
        Tickets {
            left: Mutex::new(left),
            spy: AtomicBool::new(false),
            locks: AtomicUsize::new(0),
            others: AtomicU64::new(0),
        }
    }

    /// Lock the tickets, like `Mutex::lock`.
    pub fn lock(&self) -> LockResult<MutexGuard<'_, i64>> {
        if self.spy.load(Ordering::SeqCst)
            && self.locks.fetch_add(1, Ordering::SeqCst) == 1
        {
            // Another buyer, on a thread of its own: `try_lock` finds the
            // lock free only if this purchase holds no guard right now.
            thread::scope(|s| {
                s.spawn(|| {
                    if let Ok(mut left) = self.left.try_lock()
                        && *left > 0
                    {
                        *left -= 1;
                        self.others.fetch_add(1, Ordering::SeqCst);
                    }
                });
            });
        }
        self.left.lock()
    }

    /// Try to lock the tickets without waiting, like `Mutex::try_lock`.
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, i64>> {
        self.left.try_lock()
    }
}

/// One purchase of the last ticket with another buyer at the second
/// `lock()`, one with none left, then 200 rounds of ten buyers released
/// together for three tickets: every round must sell exactly three.
pub fn check_tickets(buy_ticket: fn(&Tickets) -> bool) -> Verdict {
    bounded("buy_ticket", move || tickets_steps(buy_ticket))
}

fn tickets_steps(buy_ticket: fn(&Tickets) -> bool) -> Verdict {
    let tickets = Tickets::new(1);
    tickets.spy.store(true, Ordering::SeqCst);
    let got = buy_ticket(&tickets);
    let others = tickets.others.load(Ordering::SeqCst);
    let left = *tickets.left.lock().unwrap();
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
    tickets.spy.store(false, Ordering::SeqCst);
    if buy_ticket(&tickets) || *tickets.left.lock().unwrap() != 0 {
        return Err((
            "0 tickets left, and a buyer still got one".to_owned(),
            "sell a ticket only if one is left, and return whether you did",
        ));
    }
    let (rounds, buyers, tickets) = (200, 10, 3);
    for round in 1..=rounds {
        let left = Tickets::new(tickets);
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
        let left = left.left.into_inner().unwrap();
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

/// `steps` on a thread of its own for at most [`LIMIT`]; a FAIL if it is
/// still running then (the thread is left blocked; the verdict ends the
/// process).
fn bounded(
    name: &str,
    steps: impl FnOnce() -> Verdict + Send + 'static,
) -> Verdict {
    run_within(name, LIMIT, steps).unwrap_or_else(|waited| {
        Err((
            format!(
                "{name} was still running after {:.1} s",
                waited.as_secs_f64()
            ),
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
        assert!(what.contains("still running"), "{what}");
        assert!(started.elapsed() < LIMIT + Duration::from_secs(2));
    }
}
