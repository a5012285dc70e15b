//! Properties of the "Scoped guards" example that one shown output cannot
//! prove: with the report inside the guard's scope the threads take turns
//! on every run, and after the scope they overlap.

use std::time::Duration;

use book_harness::console::run_example;

/// The numbers in the line that starts with `prefix`: (at most, ms).
fn numbers(output: &str, prefix: &str) -> (u64, u64) {
    let line = output
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{output}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let after = |word: &str| -> u64 {
        let i = words.iter().position(|w| *w == word).unwrap();
        words[i + 1].parse().unwrap()
    };
    let ms = words[words.len() - 2].parse().unwrap();
    (after("most"), ms)
}

#[test]
fn report_under_the_lock_serializes_on_every_run() {
    for run in 1..=20 {
        let outcome =
            run_example("slow_step_under_lock", &[], Duration::from_secs(5));
        let out = &outcome.output;
        assert_eq!(outcome.exit_code, Some(0), "run {run}:\n{out}");
        let (inside_most, inside_ms) =
            numbers(out, "report inside the guard's scope:");
        let (after_most, _) = numbers(out, "report after the scope ended:");
        // Guaranteed by the Mutex: one thread at a time, so 4 reports of
        // 50 ms take at least 200 ms.
        assert_eq!(inside_most, 1, "run {run}:\n{out}");
        assert!(inside_ms >= 200, "run {run}:\n{out}");
        // Observed, not guaranteed: the four sleeps overlap.
        assert!(after_most >= 2, "run {run}:\n{out}");
        assert!(outcome.elapsed < Duration::from_secs(2), "run {run}");
    }
}

#[test]
fn bad_option_is_rejected() {
    let outcome = run_example(
        "slow_step_under_lock",
        &["--threads", "1"],
        Duration::from_secs(5),
    );
    assert_eq!(outcome.exit_code, Some(2), "{}", outcome.output);
    assert!(
        outcome
            .output
            .contains("--threads must be between 2 and 64")
    );
}
