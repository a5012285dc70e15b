//! The runner through its real command line, against a scratch copy of a
//! fake book (tests/fixtures: a manifest and two exercises whose programs
//! print PASS or FAIL), so these tests never touch the real examples/.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Long enough for cargo to build a fake exercise on a busy machine; a
/// runner that hangs fails the test instead of stalling the suite.
const LIMIT: Duration = Duration::from_secs(120);

/// A scratch git repository holding the fake book, removed on drop.
struct FakeBook {
    dir: PathBuf,
}

impl FakeBook {
    fn new(test: &str) -> FakeBook {
        let dir = std::env::temp_dir()
            .join(format!("exercises-cli-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let fixtures =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        copy_dir(&fixtures, &dir);
        // Written here rather than kept as a fixture, so no Cargo.toml sits
        // inside the workspace's tree pretending to be a package.
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"fake-book\"\nversion = \"0.1.0\"\n\
             edition = \"2024\"\n\n[workspace]\n",
        )
        .unwrap();
        std::fs::write(dir.join("src/lib.rs"), "").unwrap();
        std::fs::write(dir.join(".gitignore"), "target/\nCargo.lock\n")
            .unwrap();
        for args in [
            &["init", "--quiet"][..],
            &["add", "."],
            &[
                "-c",
                "user.name=test",
                "-c",
                "user.email=test@example.invalid",
                "commit",
                "--quiet",
                "-m",
                "fake book",
            ],
        ] {
            let status = Command::new("git")
                .current_dir(&dir)
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?} failed");
        }
        FakeBook { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Put the solution in the learner's file, as a learner who solved it.
    fn solve(&self, name: &str) {
        let solution = self.read(&format!("examples/{name}_solution.rs"));
        std::fs::write(self.path(&format!("examples/{name}.rs")), solution)
            .unwrap();
    }

    /// The runner, pointed at this book, with cargo building in the book's
    /// own target dir (not the one this test binary was built in, which
    /// `cargo test` may hold locked).
    fn runner(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_exercises"));
        cmd.arg("--root")
            .arg(&self.dir)
            .args(args)
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("EXERCISES_ROOT")
            .env_remove("EXERCISES_STATE_DIR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Run the runner to its end (within LIMIT).
    fn run(&self, args: &[&str]) -> Run {
        let mut child = self.runner(args).spawn().unwrap();
        let out = reader(child.stdout.take().unwrap());
        let err = reader(child.stderr.take().unwrap());
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > LIMIT {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("`exercises {args:?}` still running after {LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let run = Run {
            code: status.code(),
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        };
        eprintln!("$ exercises {args:?}\n{run:#?}");
        run
    }
}

impl Drop for FakeBook {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn reader(
    mut pipe: impl Read + Send + 'static,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).unwrap();
        text
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The state `list` prints for `name`.
fn state_in_list(list: &str, name: &str) -> String {
    let line = list
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == name))
        .unwrap_or_else(|| panic!("{name} not in the list:\n{list}"));
    line.trim().split("  ").next().unwrap().to_owned()
}

#[test]
fn list_shows_chapters_states_and_progress_before_any_run() {
    let book = FakeBook::new("list");
    let run = book.run(&["list"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let expected = "\
Counting
  not started  ex_count  Count

Greeting
  not started  ex_greet  Greet

0/2 passed
Next: cargo exercises run ex_count
";
    assert_eq!(run.stdout, expected);
    // With no command, the runner lists.
    assert_eq!(book.run(&[]).stdout, expected);
}

#[test]
fn starter_fails_then_a_solution_passes_and_progress_goes_up() {
    let book = FakeBook::new("run");
    // No NAME: the next unfinished exercise, the first in book order.
    let run = book.run(&["run"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("Running ex_count"), "{run:?}");
    assert!(run.stdout.contains("FAIL: counted 2 visits, expected 3"));
    assert!(run.stdout.contains("hint: count again"));
    assert!(run.stdout.contains("ex_count is not done yet (0/2 passed)"));
    assert_eq!(
        state_in_list(&book.run(&["list"]).stdout, "ex_count"),
        "failing"
    );
    // Not passed, so no solution yet, unless asked for explicitly.
    let early = book.run(&["solution", "ex_count"]);
    assert_eq!(early.code, Some(1), "{early:?}");
    assert_eq!(early.stderr.lines().count(), 1, "{early:?}");
    assert!(early.stdout.is_empty());
    let asked = book.run(&["solution", "ex_count", "--show-solution"]);
    assert_eq!(asked.stdout, "examples/ex_count_solution.rs\n");

    book.solve("ex_count");
    let run = book.run(&["run", "ex_count"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("PASS: 3 visits counted"));
    assert!(run.stdout.contains(
        "ex_count passed (1/2 passed). Compare with the solution: \
         examples/ex_count_solution.rs"
    ));
    let list = book.run(&["list"]).stdout;
    assert_eq!(state_in_list(&list, "ex_count"), "passed");
    assert_eq!(state_in_list(&list, "ex_greet"), "not started");
    assert!(
        list.contains("\n1/2 passed\nNext: cargo exercises run ex_greet\n")
    );
    let after = book.run(&["solution", "ex_count"]);
    assert_eq!(after.stdout, "examples/ex_count_solution.rs\n");
    // The progress lives under target/, which git ignores.
    assert!(book.path("target/exercises/progress.toml").is_file());
    let status = Command::new("git")
        .current_dir(&book.dir)
        .args(["status", "--porcelain", "--untracked-files=all"])
        .output()
        .unwrap();
    let changed = String::from_utf8(status.stdout).unwrap();
    assert_eq!(changed.trim(), "M examples/ex_count.rs");

    // The next `run` with no NAME moves on to the unfinished one.
    let next = book.run(&["run"]);
    assert!(next.stdout.contains("Running ex_greet"), "{next:?}");
}

#[test]
fn a_compile_error_is_shown_as_rustc_prints_it_and_the_state_is_failing() {
    let book = FakeBook::new("compile-error");
    std::fs::write(
        book.path("examples/ex_greet.rs"),
        "fn main() { let x: u32 = \"text\"; }\n",
    )
    .unwrap();
    let run = book.run(&["run", "ex_greet"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("error[E0308]: mismatched types"),
        "{run:?}"
    );
    assert!(run.stdout.contains("ex_greet did not run to a verdict"));
    assert_eq!(
        state_in_list(&book.run(&["list"]).stdout, "ex_greet"),
        "failing"
    );
}

#[test]
fn watch_reruns_on_save_and_moves_on_when_it_passes() {
    let book = FakeBook::new("watch");
    let mut child = book.runner(&["watch", "ex_count"]).spawn().unwrap();
    let err = reader(child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut wait_for = |wanted: &str, within: Duration| {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(wanted);
                    seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => panic!(
                    "no `{wanted}` within {within:?}; watch printed:\n{}",
                    seen.join("\n")
                ),
            }
        }
    };
    wait_for("FAIL: counted 2 visits", LIMIT);
    wait_for("Watching examples/ex_count.rs", LIMIT);
    book.solve("ex_count");
    // A save is picked up and run within the bound, then the runner moves
    // on to the next unfinished exercise and watches that one.
    wait_for("PASS: 3 visits counted", Duration::from_secs(60));
    wait_for("Next exercise: ex_greet", Duration::from_secs(5));
    wait_for("FAIL: said bye", LIMIT);
    wait_for("Watching examples/ex_greet.rs", LIMIT);
    // Still watching: a compile error is shown and it keeps going.
    std::fs::write(book.path("examples/ex_greet.rs"), "fn main() {\n").unwrap();
    wait_for("ex_greet did not run to a verdict", Duration::from_secs(60));
    wait_for("Watching examples/ex_greet.rs", LIMIT);
    assert!(child.try_wait().unwrap().is_none(), "watch ended early");
    // Saved as some editors do, a new file in place of the old: seen too,
    // and with the last exercise passed the watch ends by itself.
    std::fs::remove_file(book.path("examples/ex_greet.rs")).unwrap();
    book.solve("ex_greet");
    wait_for("PASS: said hello", Duration::from_secs(60));
    wait_for("Every exercise has passed (2/2 passed).", LIMIT);
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("watch did not end after the last exercise passed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let stderr = err.join().unwrap();
    assert!(stderr.contains("error"), "no compile error shown: {stderr}");
    let list = book.run(&["list"]).stdout;
    assert_eq!(state_in_list(&list, "ex_count"), "passed");
    assert_eq!(state_in_list(&list, "ex_greet"), "passed");
}

#[test]
fn reset_restores_the_starter() {
    let book = FakeBook::new("reset");
    let starter = book.read("examples/ex_count.rs");
    book.solve("ex_count");
    assert_ne!(book.read("examples/ex_count.rs"), starter);
    assert_eq!(book.run(&["run", "ex_count"]).code, Some(0));
    // Not on a terminal and no --yes: it refuses rather than guess.
    let refused = book.run(&["reset", "ex_count"]);
    assert_eq!(refused.code, Some(2), "{refused:?}");
    assert_eq!(refused.stderr.lines().count(), 1, "{refused:?}");
    assert_ne!(book.read("examples/ex_count.rs"), starter);

    let run = book.run(&["reset", "ex_count", "--yes"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "Restored examples/ex_count.rs to its starter.\n"
    );
    assert_eq!(book.read("examples/ex_count.rs"), starter);
    let list = book.run(&["list"]).stdout;
    assert_eq!(state_in_list(&list, "ex_count"), "not started");
}

#[test]
fn bad_input_gets_one_line_and_a_usage_exit() {
    let book = FakeBook::new("bad-input");
    for args in [
        &["run", "ex_nope"][..],
        &["hint", "ex_nope"],
        &["reset", "ex_nope", "--yes"],
        &["solution"],
        &["frobnicate"],
        &["run", "--colour"],
        &["list", "extra"],
    ] {
        let run = book.run(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("error: "), "{args:?}: {run:?}");
        assert!(!run.stderr.contains("panicked"), "{args:?}: {run:?}");
    }
    let run = book.run(&["run", "ex_nope"]);
    assert_eq!(
        run.stderr,
        "error: no exercise named `ex_nope` (`cargo exercises list` shows \
         them) (see `cargo exercises help`)\n"
    );
    // A missing file: one line, non-zero, and no cargo run.
    std::fs::remove_file(book.path("examples/ex_greet.rs")).unwrap();
    let run = book.run(&["run", "ex_greet"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains("examples/ex_greet.rs is missing"));
    // A repository without a manifest.
    std::fs::remove_file(book.path("exercises.toml")).unwrap();
    let run = book.run(&["list"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains("exercises.toml"), "{run:?}");
}

#[test]
fn hint_gives_the_first_then_the_next_hint() {
    let book = FakeBook::new("hint");
    let first = book.run(&["hint", "ex_count"]);
    assert_eq!(first.code, Some(0), "{first:?}");
    assert_eq!(
        first.stdout,
        "Hint 1/2 for ex_count: Count the visitors again.\n"
    );
    let second = book.run(&["hint"]);
    assert!(
        second
            .stdout
            .starts_with("Hint 2/2 for ex_count: There are three of them.\n"),
        "{second:?}"
    );
    assert!(second.stdout.contains("That is the last hint"));
    // Past the last, it stays on the last.
    let third = book.run(&["hint", "ex_count"]);
    assert!(
        third.stdout.starts_with("Hint 2/2 for ex_count"),
        "{third:?}"
    );
    // Each exercise counts its own hints.
    let other = book.run(&["hint", "ex_greet"]);
    assert!(
        other.stdout.starts_with("Hint 1/1 for ex_greet"),
        "{other:?}"
    );
}

#[test]
fn a_state_dir_keeps_the_progress_apart_from_target() {
    let book = FakeBook::new("state-dir");
    let state = book.path("state-a");
    let hint = |state: &Path| {
        let mut cmd = book.runner(&["hint", "ex_count"]);
        cmd.env("EXERCISES_STATE_DIR", state);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(hint(&state).starts_with("Hint 1/2 for ex_count"));
    assert!(hint(&state).starts_with("Hint 2/2 for ex_count"));
    // The progress went to the folder named, not to target/.
    assert!(state.join("progress.toml").is_file());
    assert!(!book.path("target/exercises").exists());
    // Another folder is a fresh start, and so is target/ without one.
    assert!(hint(&book.path("state-b")).starts_with("Hint 1/2 for ex_count"));
    let run = book.run(&["hint", "ex_count"]);
    assert!(run.stdout.starts_with("Hint 1/2 for ex_count"), "{run:?}");
    assert!(book.path("target/exercises/progress.toml").is_file());
    // `run` records its verdict in the folder named, and `list` reads it
    // from there; target/ does not see it.
    let mut cmd = book.runner(&["run", "ex_count"]);
    cmd.env("EXERCISES_STATE_DIR", &state);
    assert_eq!(cmd.output().unwrap().status.code(), Some(1));
    let mut cmd = book.runner(&["list"]);
    cmd.env("EXERCISES_STATE_DIR", &state);
    let list = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    assert_eq!(state_in_list(&list, "ex_count"), "failing");
    let list = book.run(&["list"]).stdout;
    assert_eq!(state_in_list(&list, "ex_count"), "not started");
}

#[test]
fn check_all_passes_the_fixture_and_catches_a_wrong_pair() {
    let book = FakeBook::new("check-all");
    let run = book.run(&["check-all"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "ok     ex_count  starter FAILs, solution PASSes\n\
         ok     ex_greet  starter FAILs, solution PASSes\n\
         check-all: 2 of 2 exercises right\n"
    );
    // A starter that already passes, and a PASS line the manifest does not
    // expect, are both wrong.
    book.solve("ex_count");
    let manifest = book.read("exercises.toml");
    std::fs::write(
        book.path("exercises.toml"),
        manifest.replace("PASS: said hello", "PASS: said [..] twice"),
    )
    .unwrap();
    let run = book.run(&["check-all"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("WRONG  ex_count  starter did not FAIL (exit Some(0))")
    );
    assert!(run.stdout.contains(
        "WRONG  ex_greet  solution did not print `PASS: said [..] twice`"
    ));
    assert!(run.stdout.ends_with("check-all: 0 of 2 exercises right\n"));
}

#[test]
fn check_all_names_a_starter_that_does_not_compile_and_checks_the_rest() {
    let book = FakeBook::new("check-all-broken");
    std::fs::write(
        book.path("examples/ex_greet.rs"),
        "fn main() { let x: u32 = \"hello\"; }\n",
    )
    .unwrap();
    let run = book.run(&["check-all"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("ok     ex_count  starter FAILs, solution PASSes")
    );
    assert_eq!(
        lines.next(),
        Some("WRONG  ex_greet  starter does not compile")
    );
    // rustc's own report follows, as it prints it.
    assert!(
        run.stdout
            .contains("         | error[E0308]: mismatched types"),
        "{run:?}"
    );
    assert!(run.stdout.ends_with("check-all: 1 of 2 exercises right\n"));
}

#[test]
fn check_all_shows_the_library_error_that_stops_every_example() {
    let book = FakeBook::new("check-all-broken-lib");
    std::fs::write(book.path("src/lib.rs"), "pub fn f() -> u8 { 300 }\n")
        .unwrap();
    let run = book.run(&["check-all"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("WRONG  ex_count  starter does not compile; solution does not compile"),
        "{run:?}"
    );
    // rustc's own message about the library, not only cargo's summary.
    assert!(
        run.stdout.contains("literal out of range for `u8`"),
        "{run:?}"
    );
    assert!(run.stdout.ends_with("check-all: 0 of 2 exercises right\n"));
}
