//! Properties of the examples of "Locking across functions: nested locks"
//! that one shown output cannot prove: the auditor catches the split
//! transfer on every run, the outer lock hangs on every run and is reported
//! in time, and the one-guard transfer never shows a broken invariant.

use std::time::Duration;

use book_harness::console::{Outcome, run_example};

const RUNS: usize = 20;

fn run(example: &str) -> Outcome {
    run_example(example, &[], Duration::from_secs(5))
}

#[test]
fn auditor_sees_money_missing_on_every_run() {
    let _gate = crate::support::timed();
    for n in 1..=RUNS {
        let o = run("transfer_two_calls");
        let out = &o.output;
        assert_eq!(o.exit_code, Some(0), "run {n}:\n{out}");
        assert!(
            o.elapsed < Duration::from_secs(1),
            "run {n}: {:?}",
            o.elapsed
        );
        assert!(
            out.contains("auditor: alice 70, bob 0, total 70\n"),
            "run {n}: the auditor did not look between the calls:\n{out}"
        );
        assert!(out.contains("auditor: 30 missing!"), "run {n}:\n{out}");
        assert!(
            out.ends_with("after:   alice 70, bob 30, total 100\n"),
            "run {n}: the transfer did not finish:\n{out}"
        );
    }
}

#[test]
fn outer_lock_hangs_and_is_reported_on_every_run() {
    let _gate = crate::support::timed();
    for (n, o) in crate::support::at_once(RUNS, || run("transfer_outer_lock")) {
        let out = &o.output;
        assert_eq!(o.exit_code, Some(3), "run {n}:\n{out}");
        assert!(
            o.elapsed < Duration::from_secs(5),
            "run {n}: {:?}",
            o.elapsed
        );
        assert!(
            out.contains("hang detected: thread `transfer` still blocked"),
            "run {n}:\n{out}"
        );
        for cause in [
            "withdraw() locks it again",
            "\"might panic or deadlock\"",
            "the thread blocks forever",
            "It does not panic.",
        ] {
            assert!(out.contains(cause), "run {n}: no `{cause}`:\n{out}");
        }
        assert!(
            !out.contains("calls deposit()") && !out.contains("done:"),
            "run {n}: the second lock() returned:\n{out}"
        );
        assert!(!out.contains("panicked"), "run {n}:\n{out}");
    }
}

#[test]
fn one_guard_never_shows_a_broken_invariant() {
    let _gate = crate::support::timed();
    for n in 1..=RUNS {
        let o = run("transfer_one_guard");
        let out = &o.output;
        assert_eq!(o.exit_code, Some(0), "run {n}:\n{out}");
        assert!(
            o.elapsed < Duration::from_secs(1),
            "run {n}: {:?}",
            o.elapsed
        );
        assert!(
            out.contains("auditor: the bank is locked, so it waits\n"),
            "run {n}: the auditor did not try mid-transfer:\n{out}"
        );
        assert!(
            out.contains("auditor: alice 70, bob 30, total 100\n"),
            "run {n}:\n{out}"
        );
        assert!(!out.contains("missing"), "run {n}:\n{out}");
    }
}
