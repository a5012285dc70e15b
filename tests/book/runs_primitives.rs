//! Properties of the examples of "Choosing the right primitive" that one
//! shown output cannot prove: the RwLock policies answer the same on every
//! run, and both hang demos hang on every run, are reported in time, and
//! name their cause; the exercise starters fail for the reason the chapter
//! gives, on every run.

use std::time::Duration;

use book_harness::console::{Outcome, run_example};

const RUNS: usize = 20;

fn run(example: &str) -> Outcome {
    run_example(example, &[], Duration::from_secs(5))
}

#[test]
fn rwlock_policies_are_the_same_on_every_run() {
    let _gate = crate::support::timed();
    let expected = "\
std::sync::RwLock: reader 1 holds a read lock, a writer waits
  new reader: refused (the waiting writer goes first)
parking_lot::RwLock: reader 1 holds a read lock, a writer waits
  new reader: refused (the waiting writer goes first)
parking_lot::RecursiveRwLock: reader 1 holds a read lock, a writer waits
  new reader: admitted (readers first: a writer can starve)
every writer got the lock once the readers left
";
    for n in 1..=RUNS {
        let o = run("rwlock_waiting_writer");
        assert_eq!(o.exit_code, Some(0), "run {n}:\n{}", o.output);
        assert_eq!(o.output, expected, "run {n}");
        assert!(
            o.elapsed < Duration::from_secs(2),
            "run {n}: {:?}",
            o.elapsed
        );
    }
}

/// Each run: exit code 3 within 5 s, the hang report, every `cause` text,
/// none of the `never` texts.
fn hangs_every_run(
    example: &str,
    thread: &str,
    cause: &[&str],
    never: &[&str],
) {
    for (n, o) in crate::support::at_once(RUNS, || run(example)) {
        let out = &o.output;
        assert_eq!(o.exit_code, Some(3), "run {n}:\n{out}");
        assert!(
            o.elapsed < Duration::from_secs(5),
            "run {n}: {:?}",
            o.elapsed
        );
        let report = format!("hang detected: thread `{thread}` still blocked");
        assert!(out.contains(&report), "run {n}:\n{out}");
        for text in cause {
            assert!(out.contains(text), "run {n}: no `{text}`:\n{out}");
        }
        for text in never {
            assert!(!out.contains(text), "run {n}: `{text}`:\n{out}");
        }
    }
}

#[test]
fn second_read_hangs_while_a_writer_waits_on_every_run() {
    let _gate = crate::support::timed();
    hangs_every_run(
        "rwlock_read_twice",
        "reader",
        &[
            "reader: holds a read lock, a writer waits, reads again\n",
            "\"might or might not block concurrent calls to read\"",
            "lets a waiting writer go first",
        ],
        &["total:", "panicked"],
    );
}

#[test]
fn lost_wakeup_hangs_on_every_run() {
    let _gate = crate::support::timed();
    hangs_every_run(
        "condvar_lost_wakeup",
        "worker",
        &[
            "worker: READY is false, about to wait()\n\
             setter: set READY and notified\n",
            "it is not stored",
            "keep the flag inside\n  the Mutex",
        ],
        &["worker: ready, starts", "panicked"],
    );
}

#[test]
fn take_job_starter_fails_on_the_spurious_wakeup_every_run() {
    let _gate = crate::support::timed();
    for n in 1..=10 {
        let o = run("ex_primitives_take_job");
        assert_eq!(o.exit_code, Some(1), "run {n}:\n{}", o.output);
        assert!(
            o.output.starts_with(
                "FAIL: woken with no job in the queue, take() panicked: \
                 woken up, so there is a job\n"
            ),
            "run {n}:\n{}",
            o.output
        );
    }
}

#[test]
fn config_starter_loads_more_than_once_every_run() {
    let _gate = crate::support::timed();
    for n in 1..=10 {
        let o = run("ex_primitives_config_once");
        assert_eq!(o.exit_code, Some(1), "run {n}:\n{}", o.output);
        let loads: usize = o
            .output
            .strip_prefix(
                "FAIL: 8 threads called config() at once: loaded the config ",
            )
            .and_then(|rest| rest.split(' ').next())
            .and_then(|count| count.parse().ok())
            .unwrap_or_else(|| panic!("run {n}:\n{}", o.output));
        assert!(loads >= 2, "run {n}: {loads} loads");
    }
}
