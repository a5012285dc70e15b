//! Properties of the chapter "Threads and shared state" that one shown
//! output cannot prove: the ten threads' output interleaves on every run,
//! and `main` never waits for a thread it did not join.

use std::collections::HashSet;
use std::time::Duration;

use book_harness::console::run_example;

const RUNS: usize = 20;

/// The thread number in `thread N: ...`, and the rest of the line.
fn thread_line(line: &str) -> (usize, &str) {
    let rest = line
        .strip_prefix("thread ")
        .unwrap_or_else(|| panic!("not a thread's line: {line:?}"));
    let (id, text) = rest
        .split_once(": ")
        .unwrap_or_else(|| panic!("no `: ` in {line:?}"));
    let id = id.parse().unwrap_or_else(|_| panic!("bad id in {line:?}"));
    (id, text)
}

/// Ten sets of output, one per thread: each thread's lines in its own
/// order, the lines of different threads interleaved, and the total added
/// up under the lock to exactly 50. Returns the order in which the
/// threads added.
fn check_ten_threads_run(run: usize) -> Vec<usize> {
    let outcome = run_example("ten_threads", &[], Duration::from_secs(5));
    let out = &outcome.output;
    assert_eq!(outcome.exit_code, Some(0), "run {run}:\n{out}");
    assert!(
        outcome.elapsed < Duration::from_secs(1),
        "run {run} took {:?}",
        outcome.elapsed
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 21, "run {run}:\n{out}");
    assert_eq!(lines[20], "all threads joined; total: 50", "run {run}");

    // Where each thread's two lines are.
    let mut started = [None; 10];
    let mut added = [None; 10];
    let mut adders = Vec::new();
    for (at, line) in lines[..20].iter().enumerate() {
        let (id, text) = thread_line(line);
        assert!(id < 10, "run {run}: {line:?}");
        if text == "started" {
            assert!(started[id].replace(at).is_none(), "run {run}: {out}");
        } else {
            let total = 5 * (adders.len() + 1);
            assert_eq!(
                text,
                format!("added 5, total is now {total}"),
                "run {run}: totals go up by 5, one thread at a time:\n{out}"
            );
            assert!(added[id].replace(at).is_none(), "run {run}: {out}");
            adders.push(id);
        }
    }
    let mut interleaved = 0;
    for id in 0..10 {
        let (Some(s), Some(a)) = (started[id], added[id]) else {
            panic!("run {run}: thread {id} is missing a line:\n{out}");
        };
        assert!(s < a, "run {run}: thread {id}'s lines out of order:\n{out}");
        // Interleaved: other threads' lines come between a thread's own.
        if lines[s + 1..a].iter().any(|l| thread_line(l).0 != id) {
            interleaved += 1;
        }
    }
    // Only the thread that started last can also add first, with nothing
    // between its two lines: the other nine are always interleaved.
    assert!(
        interleaved >= 9,
        "run {run}: only {interleaved} threads interleaved:\n{out}"
    );
    // The barrier: every thread started before any thread added.
    assert!(
        lines[..10].iter().all(|l| l.ends_with(": started")),
        "run {run}: a thread added before all had started:\n{out}"
    );
    adders
}

#[test]
fn ten_threads_interleave_on_every_run() {
    let _gate = crate::support::timed();
    let orders: HashSet<Vec<usize>> =
        (1..=RUNS).map(check_ten_threads_run).collect();
    // The order in which the threads take the lock is up to the operating
    // system: observed to differ from run to run, not guaranteed to.
    assert!(
        orders.len() > 1,
        "{RUNS} runs, and the threads always took the lock in the same \
         order: {orders:?}"
    );
}

#[test]
fn main_does_not_wait_for_a_thread_it_did_not_join() {
    let _gate = crate::support::timed();
    for run in 1..=RUNS {
        let outcome =
            run_example("main_exits_first", &[], Duration::from_secs(5));
        assert_eq!(outcome.exit_code, Some(0), "run {run}");
        assert_eq!(
            outcome.output, "main: spawned the worker; returning\n",
            "run {run}: the worker's line must never appear"
        );
        // The worker needs 300 ms; the process ends long before.
        assert!(
            outcome.elapsed < Duration::from_millis(300),
            "run {run} took {:?}",
            outcome.elapsed
        );
    }
}
