//! Properties of the chapter "Re-entrant locks" that one shown output
//! cannot prove: Python's last program, done the two Rust ways, prints ten
//! complete sets of lines on every run, each thread's set unbroken; and
//! std's nightly-only `ReentrantLock` program really compiles and runs.

use std::process::Command;
use std::time::Duration;

use book_harness::console::{run_bounded, run_example};

/// The lines one thread prints, in order, after `thread N: `.
fn expected_set(example: &str) -> Vec<&'static str> {
    let (something, something_else) = match example {
        "rlock_ten_threads" => (
            "  do_something: lock acquired again",
            "  do_something_else: lock acquired again",
        ),
        _ => (
            "  do_something: works under the caller's lock",
            "  do_something_else: works under the caller's lock",
        ),
    };
    vec![
        "main_task: lock acquired",
        something,
        something_else,
        "Done doing something",
        "Finished something else",
        "main_task: releasing the lock",
    ]
}

/// Run `example` 20 times: ten complete sets of lines, one per thread
/// 1..=10, each set unbroken by other threads' lines, then the counts.
fn ten_unbroken_sets(example: &str) {
    let set = expected_set(example);
    for run in 1..=20 {
        let outcome = run_example(example, &[], Duration::from_secs(5));
        let out = &outcome.output;
        assert_eq!(outcome.exit_code, Some(0), "{example}, run {run}:\n{out}");
        assert!(
            outcome.elapsed < Duration::from_secs(1),
            "{example}, run {run} took {:?}",
            outcome.elapsed
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 61, "{example}, run {run}:\n{out}");
        let mut seen = Vec::new();
        for (number, chunk) in lines[..60].chunks(set.len()).enumerate() {
            let id = chunk[0]
                .strip_prefix("thread ")
                .and_then(|rest| rest.split_once(": "))
                .map(|(id, _)| id.to_owned())
                .unwrap_or_else(|| panic!("{example}, run {run}:\n{out}"));
            let wanted: Vec<String> =
                set.iter().map(|l| format!("thread {id}: {l}")).collect();
            assert_eq!(
                chunk,
                wanted,
                "{example}, run {run}: set {} is broken:\n{out}",
                number + 1
            );
            seen.push(id.parse::<usize>().expect("a thread number"));
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=10).collect::<Vec<_>>(), "{example}:\n{out}");
        assert_eq!(
            lines[60],
            "do_something ran 10 times, do_something_else 10 times"
        );
    }
}

#[test]
fn reentrant_mutex_version_prints_ten_unbroken_sets() {
    let _gate = crate::support::timed();
    ten_unbroken_sets("rlock_ten_threads");
}

#[test]
fn lock_once_version_prints_ten_unbroken_sets() {
    let _gate = crate::support::timed();
    ten_unbroken_sets("lock_once_ten_threads");
}

/// `rustup run nightly rustc ...`, bounded in time.
fn nightly_rustc(args: &[&str], limit: Duration) -> Option<(bool, String)> {
    let mut cmd = Command::new("rustup");
    cmd.args(["run", "nightly", "rustc"]).args(args);
    let outcome = run_bounded(cmd, limit).ok()?;
    Some((outcome.exit_code == Some(0), outcome.output))
}

#[test]
fn std_reentrant_lock_program_runs_on_nightly() {
    let _gate = crate::support::cpu_heavy();
    let limit = Duration::from_secs(30);
    match nightly_rustc(&["--version"], limit) {
        Some((true, version)) => println!("using {}", version.trim()),
        _ => {
            println!("skipped: no nightly toolchain (rustup run nightly)");
            return;
        }
    }
    let root = crate::support::root();
    let source = root.join("tests/nightly/reentrant_lock.rs");
    let dir = std::env::temp_dir()
        .join(format!("lockbook-reentrant-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    let binary = dir.join("reentrant_lock");
    let (compiled, output) = nightly_rustc(
        &[
            "--edition",
            "2024",
            "-o",
            binary.to_str().expect("a UTF-8 path"),
            source.to_str().expect("a UTF-8 path"),
        ],
        Duration::from_secs(120),
    )
    .expect("rustup ran a moment ago");
    assert!(compiled, "nightly rustc failed:\n{output}");
    let ran = run_bounded(Command::new(&binary), Duration::from_secs(5))
        .expect("run the compiled program");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.exit_code, Some(0), "{}", ran.output);
    assert_eq!(ran.output, "8 lines, each thread's two together\n");
}
