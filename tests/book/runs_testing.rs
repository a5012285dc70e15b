//! Properties of the "Testing concurrent code" chapter that one shown output
//! cannot prove: the plain runs of `stress_vs_model` vary (so they are only
//! checked for their form and their time limit) while the model checker's
//! numbers are the same on every run; and the chapter's import switch is
//! the very code that tests/loom/loom_counter.rs checks under loom.

use std::time::Duration;

use book_harness::console::run_example;

/// The model checker's line: shuttle's exhaustive search is deterministic.
const MODEL_LINE: &str = "model checker: 923 schedules, 745 lost an update; \
                          the first was schedule 12";

/// The number of plain runs in `line`, which has one of the two forms
/// `plain runs: run N lost an update (total T, expected 4) after S s` or
/// `plain runs: no lost update in N runs (S s): the test would pass`.
fn plain_runs(line: &str) -> u64 {
    let words: Vec<&str> = line.split_whitespace().collect();
    let number = |i: usize| -> u64 {
        words[i]
            .trim_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or_else(|_| panic!("no number at word {i}: {line}"))
    };
    match words.get(2..4) {
        Some(["run", _]) => {
            assert!(line.contains("lost an update (total"), "{line}");
            assert!(line.contains(", expected 4) after"), "{line}");
            let total = number(8);
            assert!(total < 4, "{line}");
            number(3)
        }
        Some(["no", "lost"]) => {
            assert!(line.ends_with("s): the test would pass"), "{line}");
            number(6)
        }
        _ => panic!("unexpected plain-runs line: {line}"),
    }
}

#[test]
fn plain_runs_vary_but_the_model_checker_does_not() {
    let _gate = crate::support::timed();
    for run in 1..=10 {
        let outcome =
            run_example("stress_vs_model", &[], Duration::from_secs(10));
        let out = &outcome.output;
        assert_eq!(outcome.exit_code, Some(0), "run {run}:\n{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "run {run}:\n{out}");
        assert_eq!(
            lines[0],
            "racy update: 2 threads x 2 adds, load then store"
        );
        let runs = plain_runs(lines[1]);
        assert!((1..=1000).contains(&runs), "run {run}:\n{out}");
        assert_eq!(lines[2], MODEL_LINE, "run {run}");
        // The plain runs stop after 2 s at the latest.
        assert!(outcome.elapsed < Duration::from_secs(5), "run {run}");
    }
}

#[test]
fn plain_runs_stop_at_the_time_limit() {
    let _gate = crate::support::timed();
    let outcome = run_example(
        "stress_vs_model",
        &["--runs", "10000000"],
        Duration::from_secs(10),
    );
    let out = &outcome.output;
    assert_eq!(outcome.exit_code, Some(0), "{out}");
    let line = out.lines().nth(1).unwrap();
    assert!(plain_runs(line) < 10_000_000, "{out}");
    assert!(outcome.elapsed < Duration::from_secs(5), "{out}");
    assert!(out.contains(MODEL_LINE), "{out}");
}

#[test]
fn bad_runs_option_is_refused() {
    let outcome = run_example(
        "stress_vs_model",
        &["--runs", "0"],
        Duration::from_secs(5),
    );
    assert_eq!(outcome.exit_code, Some(2), "{}", outcome.output);
}

/// The chapter's `rust` block that starts with `mod sync {`.
fn switch_block() -> String {
    crate::support::block_starting("src/testing.md", "rust", "mod sync {")
}

/// The chapter runs the switch block with std's atomic (it is a plain
/// `rust` block); tests/loom/loom_counter.rs must hold the same lines, so that
/// the loom build checks the same code with loom's atomic.
#[test]
fn import_switch_is_the_code_loom_checks() {
    let loom_test = std::fs::read_to_string(
        crate::support::root().join("tests/loom/loom_counter.rs"),
    )
    .unwrap();
    let loom_lines: Vec<&str> = loom_test.lines().map(str::trim).collect();
    let block = switch_block();
    let module = block.split("fn main()").next().unwrap();
    for line in module.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(
            loom_lines.contains(&line),
            "tests/loom/loom_counter.rs lacks the chapter's line `{line}`"
        );
    }
}
