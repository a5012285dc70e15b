//! Properties of the chapter "Acquire and release" that one shown output
//! cannot prove: the forgotten release is detected, never hung on, on every
//! run; and with `panic = "abort"` no `finally` runs, while with unwinding
//! it does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use book_harness::console::{Outcome, run_bounded, run_example};

#[test]
fn forgotten_release_is_detected_on_every_run() {
    let _gate = crate::support::timed();
    let runs = crate::support::at_once(20, || {
        run_example("forgotten_release", &[], Duration::from_secs(5))
    });
    for (run, outcome) in runs {
        let out = &outcome.output;
        assert_eq!(outcome.exit_code, Some(3), "run {run}:\n{out}");
        assert!(
            outcome.elapsed < Duration::from_secs(5),
            "run {run} took {:?}",
            outcome.elapsed
        );
        assert!(
            out.contains("update_total(-1) -> Err(")
                && out.contains("LOCK is locked: true"),
            "run {run}: the early return did not leave the lock held:\n{out}"
        );
        assert!(
            out.contains("hang detected: thread `third-call` still blocked")
                && out.contains("cause: update_total(-1) returned early")
                && out.contains("never released"),
            "run {run}: the hang is not reported with its cause:\n{out}"
        );
        assert!(
            !out.contains("update_total(3)  ->"),
            "run {run}: the third call should not get the lock:\n{out}"
        );
    }
}

#[test]
fn poisoned_transfer_recovers_on_every_run() {
    let _gate = crate::support::timed();
    for run in 1..=20 {
        let outcome =
            run_example("poisoned_transfer", &[], Duration::from_secs(5));
        let out = &outcome.output;
        assert_eq!(outcome.exit_code, Some(0), "run {run}:\n{out}");
        for line in [
            "bank link down",
            "poisoned: true",
            "locked anyway: Accounts { alice: 40, bob: 50 }, sum 90",
            "still poisoned: true",
            "after clear_poison, lock() -> Ok? true",
        ] {
            assert!(out.contains(line), "run {run}: no `{line}` in:\n{out}");
        }
    }
}

/// A scratch directory of this test process, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Compile tests/programs/abort_skips_finally.rs with `rustc` from PATH
/// and the given panic
/// strategy, then run it; both steps time-bounded.
fn compile_and_run(scratch: &Path, panic: &str) -> Outcome {
    let source =
        crate::support::root().join("tests/programs/abort_skips_finally.rs");
    let binary = scratch.join(format!("abort_skips_finally_{panic}"));
    let mut rustc = Command::new("rustc");
    rustc
        .arg("--edition")
        .arg("2024")
        .arg("-C")
        .arg(format!("panic={panic}"))
        .arg(&source)
        .arg("-o")
        .arg(&binary);
    let built = run_bounded(rustc, Duration::from_secs(60)).expect("run rustc");
    assert_eq!(built.exit_code, Some(0), "rustc failed:\n{}", built.output);
    let mut program = Command::new(&binary);
    program.env_remove("RUST_BACKTRACE");
    run_bounded(program, Duration::from_secs(5)).expect("run the program")
}

#[test]
fn panic_abort_runs_no_finally_but_unwind_does() {
    let _gate = crate::support::cpu_heavy();
    let dir = std::env::temp_dir()
        .join(format!("runs-guards-abort-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scratch = Scratch(dir);

    let unwind = compile_and_run(&scratch.0, "unwind");
    let out = &unwind.output;
    assert_eq!(unwind.exit_code, Some(101), "unwind:\n{out}");
    assert!(out.contains("total is 5, now panicking"), "unwind:\n{out}");
    assert!(out.contains("update failed"), "unwind:\n{out}");
    assert!(
        out.contains("finally: cleanup ran"),
        "with unwinding the finally must run:\n{out}"
    );

    let abort = compile_and_run(&scratch.0, "abort");
    let out = &abort.output;
    // Killed by SIGABRT: no exit code, which run_bounded reports as -1.
    // (None would mean it ran past the limit and was killed.)
    assert_eq!(abort.exit_code, Some(-1), "abort:\n{out}");
    assert!(out.contains("total is 5, now panicking"), "abort:\n{out}");
    assert!(out.contains("update failed"), "abort:\n{out}");
    assert!(
        !out.contains("finally: cleanup ran"),
        "with panic=abort no finally may run:\n{out}"
    );
}
