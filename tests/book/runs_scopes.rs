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
    let _gate = crate::support::timed();
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
            .contains("--threads must be between 2 and 16")
    );
}

/// The program behind the chapter's `while let` Clippy output; its lines
/// 5 to 7 are the ones that output quotes.
const WHILE_LET: &str = "use std::sync::Mutex;

fn main() {
    let m = Mutex::new(vec![1, 2, 3]);
    while let Some(job) = m.lock().unwrap().pop() {
        println!(\"job {job}\");
    }
}
";

/// Run clippy-driver (the compiler behind `cargo clippy`) on `program` as
/// `src/main.rs` of a scratch folder; its diagnostics, paths as shown.
pub(crate) fn clippy(program: &str, extra: &[&str]) -> String {
    // One folder per call: tests run side by side.
    static CALLS: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "book-clippy-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/main.rs"), program).unwrap();
    let mut cmd = std::process::Command::new("clippy-driver");
    cmd.current_dir(&dir)
        .args(["src/main.rs", "--edition=2024", "--crate-type=bin"])
        .args(["--emit=metadata", "-o", "main.rmeta", "--color=never"])
        .args(book_harness::compile_fail::dependency_args())
        .args(extra);
    let outcome =
        book_harness::console::run_bounded(cmd, Duration::from_secs(60))
            .expect("clippy-driver runs (rustup component clippy)");
    let _ = std::fs::remove_dir_all(&dir);
    outcome.output
}

/// The chapter's one `text` block that starts with `start`: Clippy output.
fn shown_output(start: &str) -> String {
    crate::support::block_starting("src/scoped-guards.md", "text", start)
}

/// The output a real run printed starts with the lines shown, matched as
/// console blocks are (`[..]` where the chapter cuts a long line).
fn assert_shown(shown: &str, real: &str) {
    let mut patterns: Vec<String> = shown.lines().map(str::to_owned).collect();
    patterns.push("...".to_owned());
    let real: Vec<&str> = real.lines().map(str::trim_end).collect();
    assert!(
        book_harness::console::lines_match(&patterns, &real),
        "src/scoped-guards.md shows Clippy output that Clippy does not \
         print.\n--- shown:\n{shown}\n--- real output:\n{}",
        real.join("\n")
    );
}

/// The Clippy output shown in "Lints that catch these mistakes" is what
/// this toolchain's Clippy prints for the same code.
#[test]
fn clippy_output_in_the_chapter_is_real() {
    let _gate = crate::support::cpu_heavy();
    // The parking_lot `let _ =` program is the rust block right above the
    // first Clippy output.
    let blocks = crate::support::blocks("src/scoped-guards.md");
    let first_output = blocks
        .iter()
        .position(|b| {
            b.lang() == "text" && b.code.starts_with("error: non-binding")
        })
        .expect("the let_underscore_lock output");
    let program = blocks[..first_output]
        .iter()
        .rev()
        .find(|b| b.lang() == "rust")
        .map(|b| b.compiled_code())
        .expect("a rust block above the first Clippy output");
    assert!(program.contains("let _ = m.lock();"), "{program}");

    let let_underscore = shown_output("error: non-binding");
    let scrutinee = shown_output("warning: temporary with significant");
    assert_shown(&let_underscore, &clippy(&program, &[]));
    assert_shown(
        &scrutinee,
        &clippy(WHILE_LET, &["-W", "clippy::significant_drop_in_scrutinee"]),
    );
}
