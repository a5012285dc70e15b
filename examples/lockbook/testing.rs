//! The checks behind the exercises of the chapter "Testing concurrent
//! code". The learner's code runs under shuttle's exhaustive scheduler (the
//! searches below, behind the `shuttle` feature, so an exercise file holds
//! only the learner's function); the checks run each search with a time
//! limit, catch its failure, and turn the result into PASS or FAIL with a
//! hint.

// Without the `shuttle` feature the exercises' checks are not built, and
// the judging they share with the unit tests is used by the tests only.
#![cfg_attr(not(feature = "shuttle"), allow(dead_code))]

use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use crate::exercise::Verdict;
use crate::watchdog;

/// A search of every schedule of one test: it adds 1 to the counter it is
/// given at the start of each schedule, panics (as the test did) at the
/// first schedule that fails, and returns how many schedules it ran.
pub type Search = fn(&'static AtomicUsize) -> usize;

/// How a search ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Searched {
    /// Every schedule passed.
    Passed { schedules: usize },
    /// Schedule number `schedule` failed with `message`.
    Failed { schedule: usize, message: String },
    /// The search was still running after the limit.
    TimedOut { limit: Duration },
}

/// The thread a search runs on; its panics are not printed.
const SEARCH_THREAD: &str = "search";

/// The time one search may take.
pub const SEARCH_LIMIT: Duration = Duration::from_secs(5);

/// Run `search` on its own thread, at most [`SEARCH_LIMIT`]. Its panics
/// are caught and not printed: the checks print the message.
pub fn run_search(
    search: impl FnOnce(&'static AtomicUsize) -> usize + Send + 'static,
) -> Searched {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if thread::current().name() != Some(SEARCH_THREAD) {
                previous(info);
            }
        }));
    });
    let counter: &'static AtomicUsize = Box::leak(Box::default());
    let outcome =
        watchdog::run_within(SEARCH_THREAD, SEARCH_LIMIT, move || {
            panic::catch_unwind(AssertUnwindSafe(|| search(counter)))
        });
    match outcome {
        Ok(Ok(schedules)) => Searched::Passed { schedules },
        Ok(Err(payload)) => Searched::Failed {
            schedule: counter.load(Ordering::SeqCst),
            message: panic_message(payload.as_ref()),
        },
        Err(_) => Searched::TimedOut {
            limit: SEARCH_LIMIT,
        },
    }
}

/// The text of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(a panic without a message)");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

const SPIN_HINT: &str = "a search of every schedule must end: a loop that \
    waits for another thread without making progress itself can run \
    forever; retry a compare_exchange only when it failed";

/// shuttle's panic when one schedule runs too many steps: a spin loop.
const MAX_STEPS: &str = "exceeded max_steps bound";

const STUCK_HINT: &str = "shuttle stopped a schedule that never ended: a \
    loop that retries without re-reading spins forever once another buyer \
    got there first. When compare_exchange fails, its Err holds the current \
    count: use it as the new value to compare, and stop when no seat is free";

/// Exercise 1: `take_seat` under every schedule of two buyers racing for
/// one seat (not oversold), then for two seats (nobody is turned away while
/// a seat is free).
#[cfg(feature = "shuttle")]
pub fn check_seats(take_seat: fn(&schedules::AtomicI64) -> bool) -> Verdict {
    judge_seats(
        Box::new(move |counter| schedules::seats(counter, take_seat, 1)),
        Box::new(move |counter| schedules::seats(counter, take_seat, 2)),
    )
}

/// A search, boxed so that it can hold the learner's function.
type BoxedSearch = Box<dyn FnOnce(&'static AtomicUsize) -> usize + Send>;

/// The verdict on the two searches of exercise 1.
fn judge_seats(oversell: BoxedSearch, turned_away: BoxedSearch) -> Verdict {
    let rounds: [(BoxedSearch, &str, &'static str); 2] = [
        (
            oversell,
            "2 buyers, 1 seat",
            "checking (any seat free?) and taking (fetch_sub) are two steps; \
             another buyer can take the last seat in between. Make \
             check-and-take one atomic step: compare_exchange in a loop",
        ),
        (
            turned_away,
            "2 buyers, 2 seats",
            "a buyer whose compare_exchange fails was only unlucky: another \
             buyer took a seat first. Read the new value and try again while \
             a seat is free (fetch_update does the loop for you)",
        ),
    ];
    let mut total = 0;
    for (search, round, hint) in rounds {
        match run_search(search) {
            Searched::Passed { schedules } => total += schedules,
            Searched::Failed { schedule, message } => {
                let hint = if message.contains(MAX_STEPS) {
                    STUCK_HINT
                } else {
                    hint
                };
                return Err((
                    format!("{round}, schedule {schedule}: {message}"),
                    hint,
                ));
            }
            Searched::TimedOut { limit } => {
                return Err((
                    format!("{round}: the search ran longer than {limit:?}"),
                    SPIN_HINT,
                ));
            }
        }
    }
    Ok(format!(
        "all {total} schedules of two buyers: no seat sold twice, nobody \
         turned away while a seat was free"
    ))
}

/// Exercise 2: the learner's model test must fail on a racy deposit
/// (load, then store) and pass on a correct one (`fetch_add`).
#[cfg(feature = "shuttle")]
pub fn check_deposit_test(deposit_test: schedules::DepositTest) -> Verdict {
    use schedules::{correct_deposit, deposits, racy_deposit};
    judge_deposit_test(
        Box::new(move |c| deposits(c, deposit_test, racy_deposit)),
        Box::new(move |c| deposits(c, deposit_test, correct_deposit)),
    )
}

/// The verdict on the learner's test: its search on a racy deposit, then
/// on a correct one.
fn judge_deposit_test(
    on_racy: BoxedSearch,
    on_correct: BoxedSearch,
) -> Verdict {
    let caught = match run_search(on_racy) {
        Searched::Failed { schedule, message } => {
            format!("schedule {schedule} ({message})")
        }
        Searched::Passed { schedules: 1 } => {
            return Err((
                "your test passed on a deposit that loses money: it has only \
                 one schedule"
                    .to_owned(),
                "nothing in your test can run in another order: a thread \
                 joined before the next one is spawned has already finished. \
                 Spawn both threads first, then join both, then assert the \
                 balance",
            ));
        }
        Searched::Passed { schedules } => {
            return Err((
                format!(
                    "your test passed all {schedules} schedules of a deposit \
                     that loses money"
                ),
                "the deposits can overlap, but the test does not notice the \
                 lost one: after joining both threads, assert that the \
                 balance is exactly 20",
            ));
        }
        Searched::TimedOut { limit } => {
            return Err((
                format!("on the racy deposit, the search ran over {limit:?}"),
                "keep the test small: two threads, one deposit each, then \
                 one assert",
            ));
        }
    };
    match run_search(on_correct) {
        Searched::Passed { schedules } => Ok(format!(
            "your test caught the racy deposit in {caught} and passed all \
             {schedules} schedules of the correct one"
        )),
        Searched::Failed { schedule, message } => Err((
            format!(
                "your test failed schedule {schedule} of a correct deposit \
                 (fetch_add): {message}"
            ),
            "a test that fails on correct code proves nothing either: use \
             shuttle's thread and Arc (std threads are invisible to the \
             search), join every thread, and expect 20",
        )),
        Searched::TimedOut { limit } => Err((
            format!("on the correct deposit, the search ran over {limit:?}"),
            "keep the test small: two threads, one deposit each, then one \
             assert",
        )),
    }
}

/// The searches of the two exercises, under shuttle's exhaustive
/// scheduler, with shuttle's types (the ones its search controls).
#[cfg(feature = "shuttle")]
pub mod schedules {
    use std::sync::atomic::AtomicUsize;

    use shuttle::scheduler::DfsScheduler;
    use shuttle::sync::Arc;
    use shuttle::sync::atomic::Ordering::SeqCst;
    pub use shuttle::sync::atomic::{AtomicI64, AtomicU64};
    use shuttle::{Config, FailurePersistence, Runner};

    /// Every schedule of `run`, counted in `counter`; panics at the first
    /// that fails.
    fn every_schedule(
        counter: &'static AtomicUsize,
        run: impl Fn() + Send + Sync + 'static,
    ) -> usize {
        let mut config = Config::new();
        config.failure_persistence = FailurePersistence::None;
        let runner = Runner::new(DfsScheduler::new(None, false), config);
        runner.run(move || {
            counter.fetch_add(1, SeqCst);
            run();
        })
    }

    /// Exercise 1: two buyers call `take_seat` on `seats` free seats;
    /// afterwards every seat is sold once, or every buyer has one.
    pub fn seats(
        counter: &'static AtomicUsize,
        take_seat: fn(&AtomicI64) -> bool,
        seats: i64,
    ) -> usize {
        every_schedule(counter, move || {
            let buyers = 2;
            let free = Arc::new(AtomicI64::new(seats));
            let handles: Vec<_> = (0..buyers)
                .map(|_| {
                    let free = Arc::clone(&free);
                    shuttle::thread::spawn(move || take_seat(&free))
                })
                .collect();
            let sold = handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .filter(|&got| got)
                .count() as i64;
            let left = free.load(SeqCst);
            let right = sold == seats.min(buyers) && left == seats - sold;
            assert!(right, "{sold} sold, {left} left");
        })
    }

    /// Exercise 2: the learner's test of a deposit.
    pub type DepositTest = fn(fn(&AtomicU64, u64));

    /// Loses a deposit when another one comes between its load and its
    /// store.
    pub fn racy_deposit(balance: &AtomicU64, amount: u64) {
        let current = balance.load(SeqCst);
        balance.store(current + amount, SeqCst);
    }

    pub fn correct_deposit(balance: &AtomicU64, amount: u64) {
        balance.fetch_add(amount, SeqCst);
    }

    /// Every schedule of `test(deposit)`.
    pub fn deposits(
        counter: &'static AtomicUsize,
        test: DepositTest,
        deposit: fn(&AtomicU64, u64),
    ) -> usize {
        every_schedule(counter, move || test(deposit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes(counter: &'static AtomicUsize) -> usize {
        counter.fetch_add(3, Ordering::SeqCst);
        3
    }

    fn fails(counter: &'static AtomicUsize) -> usize {
        counter.fetch_add(2, Ordering::SeqCst);
        panic!("total 1\nexpected 2");
    }

    fn spins(counter: &'static AtomicUsize) -> usize {
        counter.fetch_add(1, Ordering::SeqCst);
        panic!(
            "exceeded max_steps bound 1000000. this might be caused by an \
             unfair schedule (e.g., a spin loop)?"
        );
    }

    #[test]
    fn searches_are_judged() {
        assert_eq!(run_search(passes), Searched::Passed { schedules: 3 });
        assert_eq!(
            run_search(fails),
            Searched::Failed {
                schedule: 2,
                message: "total 1 expected 2".into()
            }
        );
        let deposit = |on_racy: Search, on_correct: Search| {
            judge_deposit_test(Box::new(on_racy), Box::new(on_correct))
        };
        let seats = |oversell: Search, turned_away: Search| {
            judge_seats(Box::new(oversell), Box::new(turned_away))
        };
        assert!(deposit(fails, passes).is_ok());
        let (what, _) = deposit(passes, passes).unwrap_err();
        assert!(what.contains("passed all 3 schedules"), "{what}");
        let (what, _) = deposit(fails, fails).unwrap_err();
        assert!(what.contains("failed schedule 2 of a correct"), "{what}");
        let (what, _) = seats(passes, fails).unwrap_err();
        assert!(what.starts_with("2 buyers, 2 seats, schedule 2"), "{what}");
        let (what, hint) = seats(spins, passes).unwrap_err();
        assert!(what.starts_with("2 buyers, 1 seat, schedule 1"), "{what}");
        assert_eq!(hint, STUCK_HINT);
    }

    /// The real searches, on the starters' and the solutions' answers.
    #[cfg(feature = "shuttle")]
    mod under_shuttle {
        use super::super::*;
        use schedules::{AtomicI64, AtomicU64};
        use shuttle::sync::Arc;
        use shuttle::sync::atomic::Ordering::SeqCst;

        fn check_then_take(free: &AtomicI64) -> bool {
            if free.load(SeqCst) > 0 {
                free.fetch_sub(1, SeqCst);
                true
            } else {
                false
            }
        }

        fn take_if_free(free: &AtomicI64) -> bool {
            free.fetch_update(SeqCst, SeqCst, |n| (n > 0).then(|| n - 1))
                .is_ok()
        }

        #[test]
        fn seats_fail_check_then_take_and_pass_one_atomic_step() {
            let (what, _) = check_seats(check_then_take).unwrap_err();
            assert!(what.contains("2 sold, -1 left"), "{what}");
            assert!(check_seats(take_if_free).is_ok());
        }

        fn joined_one_at_a_time(deposit: fn(&AtomicU64, u64)) {
            let balance = Arc::new(AtomicU64::new(0));
            for _ in 0..2 {
                let balance = Arc::clone(&balance);
                shuttle::thread::spawn(move || deposit(&balance, 10))
                    .join()
                    .unwrap();
            }
            assert_eq!(balance.load(SeqCst), 20);
        }

        fn both_then_join(deposit: fn(&AtomicU64, u64)) {
            let balance = Arc::new(AtomicU64::new(0));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let balance = Arc::clone(&balance);
                    shuttle::thread::spawn(move || deposit(&balance, 10))
                })
                .collect();
            handles.into_iter().for_each(|h| h.join().unwrap());
            assert_eq!(balance.load(SeqCst), 20);
        }

        #[test]
        fn deposit_test_fails_joined_threads_and_passes_overlapping_ones() {
            let (what, _) =
                check_deposit_test(joined_one_at_a_time).unwrap_err();
            assert!(what.contains("only one schedule"), "{what}");
            assert!(check_deposit_test(both_then_join).is_ok());
        }
    }
}
