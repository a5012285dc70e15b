//! Properties of the chapter "Deadlocks between locks" that one shown output
//! cannot prove: the opposite-order transfers deadlock on every run and the
//! watchdog names both threads and both locks within 5 s; the ordered and
//! the back-off transfers finish on every run; and the output of parking_lot's
//! deadlock detector shown in the chapter is what a real run prints (that
//! example needs a Cargo feature, so this test builds it itself).

use crate::support::root;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use book_harness::console::{lines_match, run_bounded, run_example};

const RUNS: usize = 20;
const LIMIT: Duration = Duration::from_secs(5);

/// The number after `label` on the line that starts with it.
fn number(output: &str, label: &str) -> i64 {
    let line = output.lines().find_map(|l| l.strip_prefix(label));
    let line = line.unwrap_or_else(|| panic!("no `{label}` in:\n{output}"));
    let digits: String = line
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse().unwrap_or_else(|_| panic!("`{label}{line}`"))
}

#[test]
fn opposite_order_deadlocks_and_is_named_on_every_run() {
    let _gate = crate::support::timed();
    let runs = crate::support::at_once(RUNS, || {
        run_example("deadlock_two_accounts", &[], LIMIT)
    });
    for (n, o) in runs {
        let out = &o.output;
        assert_eq!(o.exit_code, Some(3), "run {n}:\n{out}");
        assert!(o.elapsed < LIMIT, "run {n}: {:?}", o.elapsed);
        assert!(
            out.contains("hang detected: thread `transfers` still blocked"),
            "run {n}:\n{out}"
        );
        for line in [
            "  thread `alice-to-bob` holds `ACCOUNT_A`, waits for `ACCOUNT_B`",
            "  thread `bob-to-alice` holds `ACCOUNT_B`, waits for `ACCOUNT_A`",
        ] {
            assert!(out.contains(line), "run {n}: no `{line}`:\n{out}");
        }
        assert!(!out.contains("both transfers done"), "run {n}:\n{out}");
    }
}

#[test]
fn ordered_transfers_finish_on_every_run() {
    let _gate = crate::support::timed();
    for n in 1..=RUNS {
        let o = run_example("ordered_transfers", &[], LIMIT);
        let out = &o.output;
        assert_eq!(o.exit_code, Some(0), "run {n}:\n{out}");
        assert!(out.contains("all 4000 transfers done"), "run {n}:\n{out}");
        assert!(
            out.contains("balances: alice 100, bob 100 (total 200)"),
            "run {n}:\n{out}"
        );
    }
}

#[test]
fn back_off_transfers_finish_and_give_up_every_round() {
    let _gate = crate::support::timed();
    for n in 1..=RUNS / 2 {
        let o = run_example("backoff_transfers", &[], LIMIT);
        let out = &o.output;
        assert_eq!(o.exit_code, Some(0), "run {n}:\n{out}");
        assert!(out.contains("all 20 transfers done"), "run {n}:\n{out}");
        assert!(
            out.contains("balances: alice 100, bob 100 (total 200)"),
            "run {n}:\n{out}"
        );
        // Guaranteed: in every round both threads hold one lock, so at least
        // one of them must time out and give up before either can finish.
        // The program prints only the total, so that is what is checked.
        let gave_up = number(out, "gave up and retried:");
        assert!(gave_up >= 10, "run {n}: only {gave_up} give-ups:\n{out}");
    }
}

#[test]
fn bad_options_are_refused() {
    for (example, args) in [
        ("ordered_transfers", &["--rounds", "0"][..]),
        ("ordered_transfers", &["--rounds", "20000"]),
        ("backoff_transfers", &["--rounds", "101"]),
    ] {
        let o = run_example(example, args, LIMIT);
        assert_eq!(o.exit_code, Some(2), "{example} {args:?}:\n{}", o.output);
        assert!(o.output.starts_with("error: "), "{}", o.output);
    }
}

/// Builds `deadlock_detector` with the feature `deadlock_detection`, in
/// target/features (a dir of its own, so that the feature does not make
/// cargo rebuild the default build), at most 600 s; its path.
fn build_detector() -> PathBuf {
    let target = root().join("target/features");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(root())
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--features", "deadlock_detection"])
        .args(["--example", "deadlock_detector"]);
    let built = run_bounded(cargo, Duration::from_secs(600)).unwrap();
    assert_eq!(built.exit_code, Some(0), "build failed:\n{}", built.output);
    target.join("debug/examples/deadlock_detector")
}

/// The chapter's `text` block with the detector's output.
fn shown_detector_output() -> Vec<String> {
    crate::support::block_starting("src/deadlocks.md", "text", "1. std Mutex")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The detector output shown in the chapter matches a real run, line by
/// line. Wildcard, as in console blocks: `[..]` in a shown line matches any
/// text; the chapter uses it for the times, the thread ids and the names
/// (the detector lists the two threads in either order, so the names are
/// checked here instead).
#[test]
fn detector_output_in_the_chapter_is_real() {
    let binary = {
        let _gate = crate::support::cpu_heavy();
        build_detector()
    };
    let _gate = crate::support::timed();
    let shown = shown_detector_output();
    for n in 1..=3 {
        let o = run_bounded(Command::new(&binary), LIMIT).unwrap();
        let out = &o.output;
        assert_eq!(o.exit_code, Some(3), "run {n}:\n{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines_match(&shown, &lines),
            "run {n}: src/deadlocks.md shows detector output that a real \
             run does not print.\n--- shown:\n{}\n--- real:\n{out}",
            shown.join("\n")
        );
        assert_eq!(out.matches("check_deadlock(): 0 cycles").count(), 2);
        let found: f64 = out
            .split_once("   after ")
            .and_then(|(_, rest)| rest.split_once(" s: "))
            .and_then(|(secs, _)| secs.parse().ok())
            .unwrap_or_else(|| panic!("run {n}: no `after N s:` line:\n{out}"));
        assert!(found < 1.0, "run {n}: found after {found} s:\n{out}");
        for name in ["`alice-to-bob`", "`bob-to-alice`"] {
            let named = lines.iter().filter(|l| l.contains(name)).count();
            assert_eq!(named, 2, "run {n}: {name} named {named} times:\n{out}");
        }
        assert!(o.elapsed < LIMIT, "run {n}: {:?}", o.elapsed);
    }
}

/// "Without the detector: attach a debugger": the gdb backtraces shown in
/// the chapter are what gdb prints for the hung `deadlock_two_accounts`.
/// The demo's watchdog ends it after 1 s, and gdb can take longer than that
/// to start, so the test stops the process (SIGSTOP) once the deadlock has
/// formed, attaches, and lets it go on (SIGCONT) after gdb has detached.
#[test]
fn gdb_backtraces_in_the_chapter_are_real() {
    let shown: Vec<String> = crate::support::block_starting(
        "src/deadlocks.md",
        "text",
        "...\nThread 4 (Thread",
    )
    .lines()
    .map(str::to_owned)
    .collect();
    let binary = book_harness::console::example_binary("deadlock_two_accounts")
        .unwrap_or_else(|e| panic!("{e}"));
    let signal = |sig: &str, pid: u32| {
        let status = Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {sig} {pid}: {status}");
    };
    let _gate = crate::support::cpu_heavy();
    let mut demo = Command::new(&binary)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the demo starts");
    // The Barrier makes the deadlock form within milliseconds.
    std::thread::sleep(Duration::from_millis(300));
    signal("-STOP", demo.id());
    let mut gdb = Command::new("gdb");
    gdb.args(["-batch", "-p", &demo.id().to_string()])
        .args(["-ex", "thread apply all bt 7"]);
    let traced = run_bounded(gdb, Duration::from_secs(60));
    signal("-CONT", demo.id());
    let status = demo.wait().expect("the demo ends");
    let traced = traced.unwrap_or_else(|e| {
        panic!("cannot run gdb (install it: the chapter shows its output): {e}")
    });
    assert_eq!(status.code(), Some(3), "the demo did not report its hang");
    let out = &traced.output;
    assert_eq!(traced.exit_code, Some(0), "gdb failed:\n{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines_match(&shown, &lines),
        "src/deadlocks.md shows gdb output that a real attach does not \
         print.\n--- shown:\n{}\n--- real:\n{out}",
        shown.join("\n")
    );
}
