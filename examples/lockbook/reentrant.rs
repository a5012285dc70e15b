//! The checks behind the exercises of the chapter "Re-entrant locks".

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use parking_lot::ReentrantMutex;

use crate::exercise::Verdict;

/// A bank account's balance and the history of its changes.
#[derive(Debug, Default)]
pub struct Ledger {
    pub balance: i64,
    pub history: Vec<String>,
}

/// One account: a re-entrant lock around a `RefCell`, so that functions
/// that lock it can call each other.
pub type Account = ReentrantMutex<RefCell<Ledger>>;

/// Add `line` to the account's history. It takes the account's lock itself,
/// so it may be called with or without the lock already held.
pub fn note(account: &Account, line: String) {
    // Let other threads run here, as a busy machine might.
    thread::sleep(Duration::from_micros(20));
    let guard = account.lock();
    guard.borrow_mut().history.push(line);
}

/// Run `work` with the default panic report silenced, so that the verdict
/// is the only output (the panic's message is part of the verdict).
fn quietly<T>(work: impl FnOnce() -> T) -> T {
    let report = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = work();
    panic::set_hook(report);
    result
}

/// Run `work`, catching a panic; the panic message, if there was one.
fn panic_message(work: impl FnOnce()) -> Option<String> {
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    let payload = result.err()?;
    let text = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".to_owned());
    Some(text)
}

/// The numbers in a history line `before + amount = after`.
fn parse_line(line: &str) -> Option<(i64, i64, i64)> {
    let (before, rest) = line.split_once(" + ")?;
    let (amount, after) = rest.split_once(" = ")?;
    Some((
        before.trim().parse().ok()?,
        amount.trim().parse().ok()?,
        after.trim().parse().ok()?,
    ))
}

/// `deposit` must add `amount` to the balance and note one history line
/// `before + amount = after`, atomically: four threads deposit 50 times
/// each, and the history must read as one unbroken chain.
pub fn check_deposit(deposit: fn(&Account, i64)) -> Verdict {
    let outcome = crate::watchdog::run_within(
        "deposit",
        Duration::from_secs(2),
        move || quietly(|| check_deposit_now(deposit)),
    );
    outcome.unwrap_or_else(|_| {
        Err((
            "deposit did not return within 2 s: a thread is stuck".to_owned(),
            "a ReentrantMutex never blocks the thread that holds it, but \
             another lock (or a loop) can; lock the account once, with \
             account.lock()",
        ))
    })
}

fn check_deposit_now(deposit: fn(&Account, i64)) -> Verdict {
    // One deposit, alone.
    let account = Account::default();
    if let Some(message) = panic_message(|| deposit(&account, 5)) {
        return Err((
            format!("deposit(&account, 5) panicked: {message}"),
            "deposit holds borrow_mut() of the RefCell while note() borrows it \
             again; take what you need inside a short block, so the borrow \
             ends, and call note() after it (keep the guard of lock())",
        ));
    }
    let ledger = account.lock();
    let ledger = ledger.borrow();
    if ledger.balance != 5 || ledger.history != ["0 + 5 = 5"] {
        return Err((
            format!(
                "after deposit(&account, 5): balance {}, history {:?}; \
                 expected balance 5, history [\"0 + 5 = 5\"]",
                ledger.balance, ledger.history
            ),
            "add the amount to the balance, then call note() once with the \
             line `before + amount = after`",
        ));
    }
    drop(ledger);

    // Four threads, 50 deposits each: nothing lost, and the history is
    // one chain, each line starting where the one before it ended.
    let (threads, each) = (4, 50);
    let account = Account::default();
    let mut failure = None;
    thread::scope(|s| {
        let handles: Vec<_> = (1..=threads)
            .map(|amount| {
                let account = &account;
                s.spawn(move || {
                    panic_message(|| {
                        (0..each).for_each(|_| deposit(account, amount))
                    })
                })
            })
            .collect();
        for handle in handles {
            if let Some(message) = handle.join().unwrap() {
                failure.get_or_insert(message);
            }
        }
    });
    if let Some(message) = failure {
        return Err((
            format!("deposit panicked when four threads deposit: {message}"),
            "end every borrow of the RefCell before calling note()",
        ));
    }
    let ledger = account.into_inner().into_inner();
    let expected: i64 = (1..=threads).map(|a| a * each).sum();
    let deposits = (threads * each) as usize;
    if ledger.balance != expected || ledger.history.len() != deposits {
        return Err((
            format!(
                "4 threads x 50 deposits: balance {} (expected {expected}), \
                 {} history lines (expected {deposits})",
                ledger.balance,
                ledger.history.len()
            ),
            "every deposit must change the balance once and note once; keep \
             the guard of account.lock() for the whole deposit",
        ));
    }
    let mut previous = 0;
    for (number, line) in ledger.history.iter().enumerate() {
        match parse_line(line) {
            Some((before, amount, after))
                if before == previous && after == before + amount =>
            {
                previous = after;
            }
            _ => {
                return Err((
                    format!(
                        "history line {} is `{line}`, but the balance before \
                         it was {previous}",
                        number + 1
                    ),
                    "another thread deposited between your change and your \
                     note; hold the guard of account.lock() from the change \
                     until after note() returns",
                ));
            }
        }
    }
    Ok(format!(
        "one deposit, then {deposits} from four threads: balance {expected}, \
         history one unbroken chain"
    ))
}

/// Who reports to whom, and what each person costs.
#[derive(Debug, Clone, Default)]
pub struct Org {
    cost: BTreeMap<String, u64>,
    reports: BTreeMap<String, Vec<String>>,
}

impl Org {
    /// What `who` costs (panics on an unknown name).
    pub fn cost(&self, who: &str) -> u64 {
        self.cost[who]
    }

    /// The people who report to `who` directly. (It lets other threads run
    /// first, as a busy machine might.)
    pub fn reports(&self, who: &str) -> &[String] {
        thread::yield_now();
        &self.reports[who]
    }

    fn add(&mut self, name: &str, cost: u64, reports: &[&str]) {
        self.cost.insert(name.to_owned(), cost);
        let reports = reports.iter().map(|r| r.to_string()).collect();
        self.reports.insert(name.to_owned(), reports);
    }

    /// The sample company: a CEO, two leads, five engineers.
    pub fn sample() -> Org {
        let mut org = Org::default();
        org.add("ceo", 300, &["lead_a", "lead_b"]);
        org.add("lead_a", 200, &["ann", "bob", "cid"]);
        org.add("lead_b", 200, &["dee", "eve"]);
        for (name, cost) in
            [("ann", 100), ("bob", 110), ("cid", 120), ("dee", 130)]
        {
            org.add(name, cost, &[]);
        }
        org.add("eve", 140, &[]);
        org
    }

    /// Move `who` from one lead's team to the other's.
    fn move_between_leads(&mut self, who: &str) {
        let (from, to) = if self.reports["lead_a"].iter().any(|r| r == who) {
            ("lead_a", "lead_b")
        } else {
            ("lead_b", "lead_a")
        };
        let from = self.reports.get_mut(from).expect("lead exists");
        from.retain(|r| r != who);
        self.reports
            .get_mut(to)
            .expect("lead exists")
            .push(who.to_owned());
    }
}

/// `team_cost(org, who)` must return the cost of `who` plus everyone below,
/// without deadlocking, and must see one consistent org chart while another
/// thread keeps moving people between teams.
pub fn check_team_cost(team_cost: fn(&Mutex<Org>, &str) -> u64) -> Verdict {
    let org = Arc::new(Mutex::new(Org::sample()));
    let first = {
        let org = Arc::clone(&org);
        crate::watchdog::run_within("team_cost", Duration::from_secs(1), {
            move || team_cost(&org, "lead_b")
        })
    };
    let Ok(lead_b) = first else {
        return Err((
            "team_cost(&org, \"lead_b\") did not return within 1 s: it is \
             blocked in lock()"
                .to_owned(),
            "team_cost locks org and calls itself while the guard is alive; \
             std's Mutex is not re-entrant. Lock once, then walk the chart \
             with a helper that takes &Org",
        ));
    };
    if lead_b != 470 {
        return Err((
            format!("team_cost(&org, \"lead_b\") = {lead_b}; expected 470"),
            "count the person and, recursively, everyone who reports to them \
             (try_lock() fails on the thread that holds the lock: do not use \
             it to skip the recursion)",
        ));
    }
    if org.try_lock().is_err() {
        return Err((
            "org is still locked after team_cost returned".to_owned(),
            "drop the guard before returning",
        ));
    }

    // Once while another thread holds the lock (as the mover below will):
    // team_cost must wait for it. An answer that gives up when the lock is
    // busy returns while the check still holds it, before the 300 ms are up.
    {
        let held = org.lock().unwrap_or_else(|e| e.into_inner());
        let waiter = {
            let org = Arc::clone(&org);
            thread::spawn(move || team_cost(&org, "lead_b"))
        };
        let deadline = std::time::Instant::now() + Duration::from_millis(300);
        while !waiter.is_finished() && std::time::Instant::now() < deadline {
            thread::sleep(Duration::from_millis(1));
        }
        let gave_up = waiter.is_finished();
        drop(held);
        let got = quietly(|| waiter.join());
        if gave_up || got.as_ref().is_ok_and(|&cost| cost != 470) {
            return Err((
                format!(
                    "team_cost(&org, \"lead_b\"), called while another thread \
                     held the lock, returned {} before that thread let go",
                    got.map_or("(a panic)".to_owned(), |c| c.to_string())
                ),
                "a busy lock is a reason to wait, not to give up: lock() \
                 waits until the other thread releases it (try_lock() \
                 never waits)",
            ));
        }
    }

    // 300 walks of the whole company while another thread moves people
    // between the two teams: the total never changes.
    let total = 1300;
    let moving = Arc::new(AtomicBool::new(true));
    let started = Arc::new(Barrier::new(2));
    let mover = {
        let (org, moving) = (Arc::clone(&org), Arc::clone(&moving));
        let started = Arc::clone(&started);
        thread::spawn(move || {
            started.wait();
            let names = ["ann", "bob", "cid", "dee", "eve"];
            let mut turn = 0;
            while moving.load(Ordering::Relaxed) {
                let mut org = org.lock().unwrap();
                org.move_between_leads(names[turn % names.len()]);
                drop(org);
                turn += 1;
                thread::yield_now();
            }
        })
    };
    let walks = {
        let org = Arc::clone(&org);
        crate::watchdog::run_within("team_cost", Duration::from_secs(3), {
            move || {
                started.wait();
                (0..300)
                    .map(|_| team_cost(&org, "ceo"))
                    .find(|&cost| cost != total)
            }
        })
    };
    moving.store(false, Ordering::Relaxed);
    match walks {
        Err(_) => Err((
            "300 walks of the company did not finish within 3 s".to_owned(),
            "lock the org once per call to team_cost, not once per person",
        )),
        Ok(Some(cost)) => Err((
            format!(
                "team_cost(&org, \"ceo\") = {cost} while people moved between \
                 teams; the company costs {total}"
            ),
            "you released the lock between people, so a move happened in the \
             middle of your walk; lock once and walk the whole chart under \
             that one guard",
        )),
        Ok(None) => {
            mover.join().expect("the mover thread does not panic");
            Ok(format!(
                "lead_b's team costs 470; 300 walks of the company during \
                 reorganisations all gave {total}"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deposit_holding_borrow(account: &Account, amount: i64) {
        let guard = account.lock();
        let mut ledger = guard.borrow_mut();
        ledger.balance += amount;
        note(account, format!("{} + {amount} = {}", 0, ledger.balance));
    }

    fn deposit_briefly(account: &Account, amount: i64) {
        let guard = account.lock();
        let (before, after) = {
            let mut ledger = guard.borrow_mut();
            ledger.balance += amount;
            (ledger.balance - amount, ledger.balance)
        };
        note(account, format!("{before} + {amount} = {after}"));
    }

    #[test]
    fn deposit_check_catches_the_panic_and_passes_the_fix() {
        let (what, _) = check_deposit(deposit_holding_borrow).unwrap_err();
        assert!(what.contains("already borrowed"), "{what}");
        assert!(check_deposit(deposit_briefly).is_ok());
    }

    fn cost_locking_twice(org: &Mutex<Org>, who: &str) -> u64 {
        let chart = org.lock().unwrap();
        let below: u64 = chart
            .reports(who)
            .iter()
            .map(|r| cost_locking_twice(org, r))
            .sum();
        chart.cost(who) + below
    }

    fn cost_locking_once(org: &Mutex<Org>, who: &str) -> u64 {
        fn walk(chart: &Org, who: &str) -> u64 {
            let reports = chart.reports(who);
            chart.cost(who)
                + reports.iter().map(|r| walk(chart, r)).sum::<u64>()
        }
        walk(&org.lock().unwrap(), who)
    }

    #[test]
    fn team_cost_check_turns_a_deadlock_into_a_verdict() {
        let (what, _) = check_team_cost(cost_locking_twice).unwrap_err();
        assert!(what.contains("did not return within 1 s"), "{what}");
        assert!(check_team_cost(cost_locking_once).is_ok());
    }

    /// Gives up (with a default) when another thread holds the lock.
    fn cost_or_zero_when_busy(org: &Mutex<Org>, who: &str) -> u64 {
        fn walk(chart: &Org, who: &str) -> u64 {
            let reports = chart.reports(who);
            chart.cost(who)
                + reports.iter().map(|r| walk(chart, r)).sum::<u64>()
        }
        let Ok(chart) = org.try_lock() else { return 0 };
        walk(&chart, who)
    }

    #[test]
    fn team_cost_giving_up_when_busy_fails_every_run() {
        for _ in 0..20 {
            let (what, _) =
                check_team_cost(cost_or_zero_when_busy).unwrap_err();
            assert!(what.contains("returned 0 before that thread"), "{what}");
        }
    }

    #[test]
    fn history_lines_parse() {
        assert_eq!(parse_line("5 + 2 = 7"), Some((5, 2, 7)));
        assert_eq!(parse_line("5 plus 2"), None);
    }

    /// The `RefMut` dropped by hand before `note`.
    fn deposit_drop_borrow(account: &Account, amount: i64) {
        let guard = account.lock();
        let mut ledger = guard.borrow_mut();
        let before = ledger.balance;
        ledger.balance += amount;
        let after = ledger.balance;
        drop(ledger);
        note(account, format!("{before} + {amount} = {after}"));
    }

    /// A helper on `&mut Ledger`: the borrow is a temporary of the `let`.
    fn deposit_via_helper(account: &Account, amount: i64) {
        fn add(ledger: &mut Ledger, amount: i64) -> (i64, i64) {
            let before = ledger.balance;
            ledger.balance += amount;
            (before, ledger.balance)
        }
        let guard = account.lock();
        let (before, after) = add(&mut guard.borrow_mut(), amount);
        note(account, format!("{before} + {amount} = {after}"));
    }

    /// One short borrow to read, one to write, each its own statement.
    fn deposit_read_then_write(account: &Account, amount: i64) {
        let guard = account.lock();
        let before = guard.borrow().balance;
        guard.borrow_mut().balance = before + amount;
        note(
            account,
            format!("{before} + {amount} = {}", before + amount),
        );
    }

    #[test]
    fn deposit_valid_answers_pass_every_run() {
        type Deposit = fn(&Account, i64);
        let answers: [(&str, Deposit); 3] = [
            ("drop the borrow", deposit_drop_borrow),
            ("helper", deposit_via_helper),
            ("read then write", deposit_read_then_write),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_deposit(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }

    /// Lock once, then walk with an explicit stack instead of recursion.
    fn cost_with_a_stack(org: &Mutex<Org>, who: &str) -> u64 {
        let chart = org.lock().unwrap();
        let mut stack = vec![who.to_owned()];
        let mut total = 0;
        while let Some(person) = stack.pop() {
            total += chart.cost(&person);
            stack.extend(chart.reports(&person).iter().cloned());
        }
        total
    }

    /// A recursive helper with a `for` loop, the guard passed as `&Org`.
    fn cost_for_loop(org: &Mutex<Org>, who: &str) -> u64 {
        fn walk(chart: &Org, who: &str) -> u64 {
            let mut total = chart.cost(who);
            for report in chart.reports(who) {
                total += walk(chart, report);
            }
            total
        }
        let chart = org.lock().unwrap_or_else(|e| e.into_inner());
        walk(&chart, who)
    }

    #[test]
    fn team_cost_valid_answers_pass_every_run() {
        type TeamCost = fn(&Mutex<Org>, &str) -> u64;
        let answers: [(&str, TeamCost); 2] =
            [("stack", cost_with_a_stack), ("for loop", cost_for_loop)];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_team_cost(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
