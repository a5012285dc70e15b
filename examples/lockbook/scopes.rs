//! The checks behind the exercises of the chapter "Scoped guards: with-style
//! RAII".

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::exercise::{Verdict, within};
use crate::watched::{Watched, When};

/// The function of exercise 1: add to the total, then report it.
pub type UpdateTotal = fn(&Total, u64, &dyn Fn(u64));

/// What "another thread" adds when it gets in between two `lock()` calls.
const INTRUDER: u64 = 1000;

/// The shared total of exercise 1, behind a [`Watched`] lock: `lock()`
/// works like `Mutex::lock` and gives a `MutexGuard<u64>`. When the check
/// asks for it, a second `lock()` in the same update lets another thread
/// add to the total first - as one could at any time in a real program,
/// whenever the lock is free between two critical sections.
pub type Total = Watched<u64>;

/// A total of `value`; with `intrude`, another thread adds [`INTRUDER`]
/// before the second `lock()`, if the lock is free then.
fn total(value: u64, intrude: bool) -> Total {
    let total = Watched::new(value, |t: &mut u64| {
        *t += INTRUDER;
        true
    });
    if intrude {
        total.watch(When::At(2));
    }
    total
}

/// The function of exercise 2: take jobs from the queue and process them.
pub type Worker = fn(&Queue, &dyn Fn(u32));

/// The job queue of exercise 2, behind a [`Watched`] lock: `lock()` works
/// like `Mutex::lock` and gives a `MutexGuard<Vec<u32>>`. When the check
/// asks, its `strike`-th `lock()` call (0: none) lets another worker take
/// the last job first - only if the queue is unlocked at that moment, as
/// it would be for a real other worker.
pub type Queue = Watched<Vec<u32>>;

fn queue(jobs: Vec<u32>, strike: usize) -> Queue {
    let queue = Watched::new(jobs, |q: &mut Vec<u32>| q.pop().is_some());
    if strike > 0 {
        queue.watch(When::At(strike));
    }
    queue
}

/// The jobs the other worker took: the last of each queue it found.
fn taken_by_other(queue: &Queue) -> Vec<u32> {
    queue
        .take_found()
        .iter()
        .filter_map(|q| q.last().copied())
        .collect()
}

const HINT_STUCK: &str = "a thread that calls lock() while it already holds \
     the guard waits for itself forever; take the guard once";

const HINT_HELD_REPORT: &str = "the guard lives until the end of its scope; \
     let a block do the update and hand the new total out (`let now = { \
     ... };`), and call report after the block";

const HINT_VALUE: &str = "report the total right after your own addition, \
     read under the same guard (a second lock() can see other threads' \
     additions)";

/// Exercise 1. `update_total` adds `amount` to the total and then calls
/// `report` with the total it produced. The report is slow work: the guard
/// must be gone by then.
pub fn check_report_total(update_total: UpdateTotal) -> Verdict {
    // One call on one thread: is the lock held while `report` runs?
    let one = within("update_total", move || {
        let total = total(10, true);
        let reports = Mutex::new(Vec::new());
        update_total(&total, 5, &|now| {
            let held = total.is_locked();
            reports.lock().unwrap().push((now, held));
        });
        let intruded = total.acted() > 0;
        (total.into_inner(), reports.into_inner().unwrap(), intruded)
    });
    let Ok((total, reports, intruded)) = one else {
        return Err(("update_total(5) did not return".into(), HINT_STUCK));
    };
    let others = if intruded { INTRUDER } else { 0 };
    if total != 15 + others {
        return Err((
            format!("total was 10, update_total(5) left it at {total}"),
            "add amount to the total under the guard, once",
        ));
    }
    let [(now, held)] = reports[..] else {
        return Err((
            format!("report was called {} times, not once", reports.len()),
            "call report exactly once, with the new total",
        ));
    };
    if held {
        return Err((
            "the total was still locked while report ran".into(),
            HINT_HELD_REPORT,
        ));
    }
    if now != 15 {
        let what = if intruded {
            format!(
                "your update took the total from 10 to 15, but report got \
                 {now}: between your two lock() calls another thread added \
                 {INTRUDER}"
            )
        } else {
            format!("total went from 10 to 15, but report got {now}")
        };
        return Err((what, HINT_VALUE));
    }

    // Ten threads at once: each report must show its own update's total,
    // so the reports are exactly 5, 10, 15, ... with no value twice.
    let (threads, updates) = (10, 200);
    let many = within("ten threads", move || {
        let total = self::total(0, false);
        let reports = Mutex::new(Vec::new());
        let start = Barrier::new(threads);
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    start.wait();
                    for _ in 0..updates {
                        update_total(&total, 5, &|now| {
                            reports.lock().unwrap().push(now);
                            // Reporting is slow: let other threads run.
                            thread::yield_now();
                        });
                    }
                });
            }
        });
        let total = total.into_inner();
        (total, reports.into_inner().unwrap())
    });
    let Ok((total, mut reports)) = many else {
        return Err((
            format!("{threads} threads calling update_total did not finish"),
            HINT_STUCK,
        ));
    };
    let calls = threads * updates;
    let expected = 5 * calls as u64;
    if total != expected {
        return Err((
            format!("{calls} updates of 5 gave {total}, not {expected}"),
            "the read, the addition and the write must happen under one guard",
        ));
    }
    reports.sort_unstable();
    let wanted: Vec<u64> = (1..=calls as u64).map(|i| 5 * i).collect();
    if reports != wanted {
        let twice = reports.windows(2).find(|w| w[0] == w[1]);
        let what = match twice {
            Some(w) => format!("total {} was reported twice", w[0]),
            None => format!("{} reports for {calls} updates", reports.len()),
        };
        return Err((format!("{threads} threads: {what}"), HINT_VALUE));
    }
    Ok(format!(
        "the lock is free while report runs; {calls} updates from \
         {threads} threads reported {wanted_first}..={expected}, each once",
        wanted_first = wanted[0]
    ))
}

const HINT_HELD_JOB: &str = "a guard created in a `while let` condition \
     lives until the end of the loop body; pop in a statement of its own \
     (`let job = ...;`), then process the job";

const HINT_ONE_AT_A_TIME: &str = "take one job at a time, so that the \
     other workers can take the next ones while this one is processed";

/// Note one processed job. A loop that never ends would grow the list
/// until the time limit: slow it down instead, once far too many came.
fn record<T>(done: &Mutex<Vec<T>>, item: T) {
    let mut done = done.lock().unwrap();
    if done.len() < 10_000 {
        done.push(item);
    } else {
        drop(done);
        thread::sleep(Duration::from_millis(1));
    }
}

/// Run `worker` on `queue`; false if it panicked (the panic message is
/// printed as usual, above the verdict).
fn worker_ran(worker: Worker, queue: &Queue, process: &dyn Fn(u32)) -> bool {
    panic::catch_unwind(AssertUnwindSafe(|| worker(queue, process))).is_ok()
}

const HINT_SAW: &str = "between two lock() calls another worker can take \
     the job you saw; take it with pop() under one guard (`let job = \
     queue.lock().unwrap().pop();`), stop when that is None, and only then \
     process it";

/// Exercise 2. `worker` takes jobs from `queue` until it is empty and
/// calls `process` on each. The queue must be unlocked while a job is
/// processed, so that the other workers can take jobs meanwhile.
pub fn check_job_queue(worker: Worker) -> Verdict {
    // One worker, five jobs: each processed once, with the queue unlocked?
    let one = within("worker", move || {
        let queue = queue((1..=5).collect(), 0);
        let done = Mutex::new(Vec::new());
        let ran = worker_ran(worker, &queue, &|job| {
            let held = queue.is_locked();
            record(&done, (job, held));
        });
        (ran, done.into_inner().unwrap())
    });
    let Ok((ran, done)) = one else {
        return Err((
            "one worker with 5 jobs did not finish".into(),
            "pop a new job on every turn of the loop, and stop when pop() \
             returns None; do not lock the queue twice at once",
        ));
    };
    if !ran {
        return Err((
            "one worker with 5 jobs panicked (the message is above)".into(),
            HINT_SAW,
        ));
    }
    if let Some((job, _)) = done.iter().find(|(_, held)| *held) {
        return Err((
            format!("the queue was still locked while job {job} was processed"),
            HINT_HELD_JOB,
        ));
    }
    let mut jobs: Vec<u32> = done.iter().map(|(job, _)| *job).collect();
    jobs.sort_unstable();
    if jobs != [1, 2, 3, 4, 5] {
        return Err((
            format!("jobs 1 to 5 were queued; processed: {jobs:?}"),
            "process every job exactly once",
        ));
    }

    // Three jobs, and another worker that takes the last one just before
    // the worker's k-th lock(), if the queue is unlocked then; for every k
    // in turn. A gap between a look at the queue and the pop is hit on
    // every run, not only on unlucky timing.
    for strike in 1..=8 {
        let one = within("worker", move || {
            let queue = queue(vec![1, 2, 3], strike);
            let done = Mutex::new(Vec::new());
            let ran = worker_ran(worker, &queue, &|job| record(&done, job));
            let other = taken_by_other(&queue);
            (ran, done.into_inner().unwrap(), other)
        });
        let took = |other: &[u32]| match other {
            [job] => format!(
                "another worker took job {job} just before your lock() \
                 call {strike}"
            ),
            _ => format!("at your lock() call {strike}"),
        };
        let Ok((ran, mine, other)) = one else {
            return Err((
                format!(
                    "jobs 1 to 3, {}: your worker did not finish",
                    took(&[])
                ),
                "pop a new job on every turn of the loop, and stop when \
                 pop() returns None",
            ));
        };
        if !ran {
            return Err((
                format!(
                    "jobs 1 to 3, {}, and your worker panicked (the message \
                     is above)",
                    took(&other)
                ),
                HINT_SAW,
            ));
        }
        let mut all: Vec<u32> = mine.iter().chain(&other).copied().collect();
        all.sort_unstable();
        if all != [1, 2, 3] {
            return Err((
                format!(
                    "jobs 1 to 3, {}; your worker processed {mine:?}: not \
                     each job exactly once",
                    took(&other)
                ),
                HINT_SAW,
            ));
        }
    }

    // Four workers, 200 jobs. The first two jobs processed wait (up to
    // 1 s) until both are being processed: a second worker must be able
    // to take a job while the first one is busy.
    let (workers, count) = (4, 200u32);
    let many = within("four workers", move || {
        let queue = queue((0..count).collect(), 0);
        let done = Mutex::new(Vec::new());
        let started = AtomicUsize::new(0);
        let alone = AtomicBool::new(false);
        let panicked = AtomicBool::new(false);
        let start = Barrier::new(workers);
        thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    start.wait();
                    let ran = worker_ran(worker, &queue, &|job| {
                        if started.fetch_add(1, Ordering::SeqCst) < 2 {
                            let waited = Instant::now();
                            while started.load(Ordering::SeqCst) < 2 {
                                if waited.elapsed() > Duration::from_secs(1) {
                                    alone.store(true, Ordering::SeqCst);
                                    break;
                                }
                                thread::yield_now();
                            }
                        }
                        record(&done, job);
                    });
                    if !ran {
                        panicked.store(true, Ordering::SeqCst);
                    }
                });
            }
        });
        let done = done.into_inner().unwrap_or_else(|e| e.into_inner());
        (done, alone.into_inner(), panicked.into_inner())
    });
    if let Ok((_, _, true)) = many {
        return Err((
            format!(
                "{workers} workers with {count} jobs: a worker panicked (the \
                 message is above)"
            ),
            HINT_SAW,
        ));
    }
    let Ok((mut done, alone, _)) = many else {
        return Err((
            format!("{workers} workers with {count} jobs did not finish"),
            "pop a new job on every turn of the loop, and stop when pop() \
             returns None",
        ));
    };
    if alone {
        return Err((
            format!(
                "{workers} workers: while one worker processed its first \
                 job, no other worker could take one for 1 s"
            ),
            HINT_ONE_AT_A_TIME,
        ));
    }
    done.sort_unstable();
    if done != (0..count).collect::<Vec<u32>>() {
        return Err((
            format!(
                "{workers} workers, {count} jobs: {} processed, not each \
                 exactly once",
                done.len()
            ),
            "process every job exactly once",
        ));
    }
    Ok(format!(
        "the queue is unlocked while a job is processed; {workers} workers \
         shared {count} jobs, each processed once"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_in_block(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        let now = {
            let mut t = total.lock().unwrap();
            *t += amount;
            *t
        };
        report(now);
    }

    fn report_under_guard(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        let mut t = total.lock().unwrap();
        *t += amount;
        report(*t);
    }

    /// A common wrong fix: the re-lock in the argument is a temporary of
    /// the statement, so the lock is held while `report` runs.
    fn relock_in_argument(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        *total.lock().unwrap() += amount;
        report(*total.lock().unwrap());
    }

    /// The wrong fix of "Check yourself": the lock is free while report
    /// runs, but the total is read under a second lock.
    fn relock_to_read(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        *total.lock().unwrap() += amount;
        let now = *total.lock().unwrap();
        report(now);
    }

    /// Locks twice on one thread: never returns on Linux.
    fn locks_twice(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        let mut t = total.lock().unwrap();
        *t += amount;
        report(*total.lock().unwrap());
    }

    #[test]
    fn report_total_verdicts() {
        assert!(check_report_total(report_in_block).is_ok());
        for wrong in [report_under_guard, relock_in_argument] {
            let (what, hint) = check_report_total(wrong).unwrap_err();
            assert!(what.contains("still locked"), "{what}");
            assert_eq!(hint, HINT_HELD_REPORT);
        }
        // Update, release, lock again to read: another thread gets in.
        for _ in 0..20 {
            let (what, hint) = check_report_total(relock_to_read).unwrap_err();
            assert!(what.contains("another thread added"), "{what}");
            assert_eq!(hint, HINT_VALUE);
        }
        let started = Instant::now();
        let (what, hint) = check_report_total(locks_twice).unwrap_err();
        assert!(what.contains("did not return"), "{what}");
        assert_eq!(hint, HINT_STUCK);
        assert!(
            started.elapsed() < crate::exercise::LIMIT + Duration::from_secs(1)
        );
    }

    fn pop_then_process(queue: &Queue, process: &dyn Fn(u32)) {
        loop {
            let job = queue.lock().unwrap().pop();
            let Some(job) = job else { break };
            process(job);
        }
    }

    fn held_while_processing(queue: &Queue, process: &dyn Fn(u32)) {
        while let Some(job) = queue.lock().unwrap().pop() {
            process(job);
        }
    }

    /// A wrong fix: unlocked while processing, but one worker takes all.
    fn takes_all(queue: &Queue, process: &dyn Fn(u32)) {
        let jobs: Vec<u32> = queue.lock().unwrap().drain(..).collect();
        jobs.into_iter().for_each(process);
    }

    /// A wrong fix that never takes a second job: loops forever.
    fn pops_once(queue: &Queue, process: &dyn Fn(u32)) {
        let job = queue.lock().unwrap().pop();
        while let Some(job) = job {
            process(job);
        }
    }

    /// Correct too: the guard is a temporary of the block.
    fn pop_in_block(queue: &Queue, process: &dyn Fn(u32)) {
        while let Some(job) = {
            let mut q = queue.lock().unwrap();
            q.pop()
        } {
            process(job);
        }
    }

    /// The audit's wrong fixes: look under one lock(), take under another.
    /// (Clippy's `while let` would be the starter: the guard held.)
    #[allow(clippy::manual_while_let_some)]
    fn check_then_pop(queue: &Queue, process: &dyn Fn(u32)) {
        while !queue.lock().unwrap().is_empty() {
            let job = queue.lock().unwrap().pop().unwrap();
            process(job);
        }
    }

    fn len_then_remove(queue: &Queue, process: &dyn Fn(u32)) {
        loop {
            let len = queue.lock().unwrap().len();
            if len == 0 {
                break;
            }
            let job = queue.lock().unwrap().remove(len - 1);
            process(job);
        }
    }

    fn peek_process_pop(queue: &Queue, process: &dyn Fn(u32)) {
        loop {
            let job = queue.lock().unwrap().last().copied();
            let Some(job) = job else { break };
            process(job);
            queue.lock().unwrap().pop();
        }
    }

    #[test]
    fn job_queue_fails_look_then_take_on_every_run() {
        assert!(check_job_queue(pop_in_block).is_ok());
        for _ in 0..20 {
            for wrong in [check_then_pop, len_then_remove] {
                let (what, hint) = check_job_queue(wrong).unwrap_err();
                assert!(what.contains("your worker panicked"), "{what}");
                assert_eq!(hint, HINT_SAW);
            }
            let (what, hint) = check_job_queue(peek_process_pop).unwrap_err();
            assert!(what.contains("not each job exactly once"), "{what}");
            assert_eq!(hint, HINT_SAW);
        }
    }

    #[test]
    fn job_queue_verdicts() {
        assert!(check_job_queue(pop_then_process).is_ok());
        let (what, hint) = check_job_queue(held_while_processing).unwrap_err();
        assert!(what.contains("still locked"), "{what}");
        assert_eq!(hint, HINT_HELD_JOB);
        let (what, hint) = check_job_queue(takes_all).unwrap_err();
        assert!(what.contains("no other worker"), "{what}");
        assert_eq!(hint, HINT_ONE_AT_A_TIME);
        let started = Instant::now();
        let (what, _) = check_job_queue(pops_once).unwrap_err();
        assert!(what.contains("did not finish"), "{what}");
        assert!(
            started.elapsed() < crate::exercise::LIMIT + Duration::from_secs(1)
        );
    }

    /// The guard dropped by hand before the report.
    fn report_after_drop(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        let mut t = total.lock().unwrap();
        *t += amount;
        let now = *t;
        drop(t);
        report(now);
    }

    /// A helper that takes `&mut u64`: the guard is a temporary of the
    /// `let`, dropped at its `;`.
    fn report_via_helper(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        fn add(t: &mut u64, amount: u64) -> u64 {
            *t += amount;
            *t
        }
        let now = add(&mut total.lock().unwrap(), amount);
        report(now);
    }

    /// The guard moved into a closure by `Result::map`.
    fn report_via_map(total: &Total, amount: u64, report: &dyn Fn(u64)) {
        let now = total
            .lock()
            .map(|mut t| {
                *t += amount;
                *t
            })
            .unwrap();
        report(now);
    }

    #[test]
    fn report_total_valid_answers_pass_every_run() {
        let answers: [(&str, UpdateTotal); 3] = [
            ("drop", report_after_drop),
            ("helper", report_via_helper),
            ("map", report_via_map),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_report_total(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }

    /// A block in the `while let` condition: its guard ends with it.
    fn pop_in_condition_block(queue: &Queue, process: &dyn Fn(u32)) {
        while let Some(job) = {
            let mut q = queue.lock().unwrap();
            q.pop()
        } {
            process(job);
        }
    }

    /// The guard dropped by hand, then a match on the job.
    fn pop_then_drop(queue: &Queue, process: &dyn Fn(u32)) {
        loop {
            let mut q = queue.lock().unwrap();
            let job = q.pop();
            drop(q);
            match job {
                Some(job) => process(job),
                None => return,
            }
        }
    }

    /// A helper that locks and pops: its guard ends when it returns.
    fn pop_in_helper(queue: &Queue, process: &dyn Fn(u32)) {
        fn next_job(queue: &Queue) -> Option<u32> {
            queue.lock().unwrap().pop()
        }
        while let Some(job) = next_job(queue) {
            process(job);
        }
    }

    #[test]
    fn job_queue_valid_answers_pass_every_run() {
        let answers: [(&str, Worker); 3] = [
            ("block in the condition", pop_in_condition_block),
            ("drop", pop_then_drop),
            ("helper", pop_in_helper),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_job_queue(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
