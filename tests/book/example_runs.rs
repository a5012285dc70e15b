//! Properties of the example programs that a single shown output cannot
//! prove: the race demos lose updates on every run, fast; every exercise
//! starter fails its check and every solution passes.

use std::time::Duration;

use book_harness::console::{Outcome, run_example};

fn run(example: &str, args: &[&str], limit: Duration) -> Outcome {
    run_example(example, args, limit)
}

/// The number after `label` in the output.
fn number(output: &str, label: &str) -> u64 {
    let line = output.lines().find_map(|l| l.strip_prefix(label));
    let line =
        line.unwrap_or_else(|| panic!("no `{label}` line in:\n{output}"));
    line.trim()
        .parse()
        .unwrap_or_else(|_| panic!("`{label}{line}` is not a number"))
}

/// The acceptance bar of the race chapter: 100 runs out of 100 lose
/// updates, each in under a second, and the arithmetic adds up.
fn loses_updates_every_run(example: &str) {
    for run_number in 1..=100 {
        let outcome = run(example, &[], Duration::from_secs(5));
        let out = &outcome.output;
        assert_eq!(
            outcome.exit_code,
            Some(0),
            "{example}, run {run_number}:\n{out}"
        );
        assert!(
            outcome.elapsed < Duration::from_secs(1),
            "{example}, run {run_number} took {:?}",
            outcome.elapsed
        );
        let expected = number(out, "expected total:");
        let actual = number(out, "actual total:");
        let lost = number(out, "lost updates:");
        assert_eq!(
            expected,
            10 * 1000 * 5,
            "{example}: default is 10 threads x 1000 updates of 5"
        );
        assert!(
            lost > 0,
            "{example}, run {run_number}: no update was lost:\n{out}"
        );
        assert_eq!(
            actual + lost * 5,
            expected,
            "{example}, run {run_number}: numbers do not add up:\n{out}"
        );
    }
}

#[test]
fn lost_update_loses_updates_on_every_run() {
    let _gate = crate::support::timed();
    loses_updates_every_run("lost_update");
}

#[test]
fn two_locks_lose_updates_on_every_run() {
    let _gate = crate::support::timed();
    loses_updates_every_run("lost_update_two_locks");
}

#[test]
fn fixes_lose_nothing_on_any_run() {
    let _gate = crate::support::timed();
    for _ in 0..20 {
        let outcome = run("fixed_total", &[], Duration::from_secs(5));
        assert_eq!(
            outcome.output.matches("(lost 0)").count(),
            2,
            "{}",
            outcome.output
        );
    }
}

#[test]
fn bad_arguments_are_refused_without_a_panic() {
    for example in ["lost_update", "lost_update_two_locks", "fixed_total"] {
        for args in [
            &["--threads", "0"][..],
            &["--threads", "lots"],
            &["--updates"],
            &["--bogus"],
        ] {
            let outcome = run(example, args, Duration::from_secs(5));
            let out = &outcome.output;
            assert_eq!(
                outcome.exit_code,
                Some(2),
                "{example} {args:?}:\n{out}"
            );
            assert!(out.starts_with("error: "), "{example} {args:?}:\n{out}");
            assert!(
                !out.contains("panicked"),
                "{example} {args:?} panicked:\n{out}"
            );
        }
    }
}

/// The features of the learner's package that the tests build it with
/// (tests/Cargo.toml: `lockbook = { features = [...] }`).
const TESTED_FEATURES: &[&str] = &["shuttle", "async"];

/// The names of the programs in examples/ (without `.rs`), sorted; not
/// those that need a feature the tests do not build with (`required-features`
/// in Cargo.toml, such as `deadlock_detection`): their own tests build them.
fn example_names() -> Vec<String> {
    let root = crate::support::root();
    let manifest: toml::Table = crate::support::read("Cargo.toml")
        .parse()
        .expect("Cargo.toml");
    let tests_manifest: toml::Table = crate::support::read("tests/Cargo.toml")
        .parse()
        .expect("toml");
    let tested: Vec<&str> =
        tests_manifest["dependencies"]["lockbook"]["features"]
            .as_array()
            .expect("book-tests builds lockbook with its features")
            .iter()
            .filter_map(|f| f.as_str())
            .collect();
    assert_eq!(tested, TESTED_FEATURES, "tests/Cargo.toml");
    let needs_feature: Vec<&str> = manifest["example"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| {
            e.get("required-features")
                .and_then(|f| f.as_array())
                .is_some_and(|f| {
                    f.iter().any(|f| {
                        !TESTED_FEATURES.contains(&f.as_str().unwrap_or(""))
                    })
                })
        })
        .filter_map(|e| e["name"].as_str())
        .collect();
    let mut names: Vec<String> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".rs").map(str::to_owned))
        .filter(|name| !needs_feature.contains(&name.as_str()))
        .collect();
    names.sort();
    names
}

/// No demo hangs: every example, run as `cargo run --example NAME` with no
/// arguments, ends within 5 s - a demo of a hang by detecting it, saying so
/// and exiting with code 3 (lockbook::watchdog).
#[test]
fn every_example_ends_within_five_seconds() {
    let _gate = crate::support::cpu_heavy();
    let names = example_names();
    assert!(names.len() >= 5, "few examples found: {names:?}");
    // At once: most of the time is the hang demos waiting on their
    // watchdogs.
    let outcomes = crate::support::at_once(names.len(), {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let names = &names;
        move || {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (i, run(&names[i], &[], Duration::from_secs(5)))
        }
    });
    for (_, (i, outcome)) in outcomes {
        let name = &names[i];
        let out = &outcome.output;
        let allowed: &[i32] = if name.starts_with("ex_") {
            &[0, 1] // an exercise passes or fails its check
        } else {
            &[0, 3] // a demo ends normally or reports a hang
        };
        match outcome.exit_code {
            None => panic!(
                "examples/{name}.rs ran longer than 5 s and was killed:\n{out}"
            ),
            Some(code) => assert!(
                allowed.contains(&code),
                "examples/{name}.rs exited with {code}, expected one of \
                 {allowed:?}:\n{out}"
            ),
        }
        if outcome.exit_code == Some(3) {
            assert!(
                out.contains("hang detected: ") && out.contains("\ncause: "),
                "examples/{name}.rs exited with 3 without naming the hang \
                 and its cause:\n{out}"
            );
        }
    }
}

/// Every example answers `--help` with its usage and refuses an argument it
/// does not know with one `error:` line and exit code 2, before it starts.
#[test]
fn every_example_has_help_and_refuses_unknown_arguments() {
    for name in example_names() {
        let help = run(&name, &["--help"], Duration::from_secs(5));
        assert_eq!(help.exit_code, Some(0), "{name} --help:\n{}", help.output);
        assert!(
            help.output
                .contains(&format!("usage: cargo run --example {name}")),
            "{name} --help:\n{}",
            help.output
        );
        let bad = run(&name, &["--bogus"], Duration::from_secs(5));
        assert_eq!(bad.exit_code, Some(2), "{name} --bogus:\n{}", bad.output);
        assert!(
            bad.output.starts_with("error: unknown argument `--bogus`"),
            "{name} --bogus:\n{}",
            bad.output
        );
    }
}

/// Every `ex_*` example is an exercise starter with an `ex_*_solution`.
#[test]
fn exercise_starters_fail_and_solutions_pass() {
    let source = crate::support::root().join("examples");
    let starters: Vec<String> = example_names()
        .into_iter()
        .filter(|f| f.starts_with("ex_") && !f.ends_with("_solution"))
        .collect();
    assert!(
        starters.len() >= 2,
        "expected exercises in examples/, found {starters:?}"
    );
    for starter in &starters {
        let solution = format!("{starter}_solution");
        assert!(
            source.join(format!("{solution}.rs")).is_file(),
            "{starter} has no {solution}.rs"
        );
        let s = run(starter, &[], Duration::from_secs(10));
        assert_eq!(
            s.exit_code,
            Some(1),
            "starter {starter} should fail its check:\n{}",
            s.output
        );
        // The verdict is one `FAIL:` line with a `hint:` under it. (Other
        // lines may come first: a model checker reports on stderr.)
        let lines: Vec<&str> = s.output.lines().collect();
        let verdicts: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("FAIL: "))
            .collect();
        assert!(
            verdicts.len() == 1
                && lines
                    .get(verdicts[0] + 1)
                    .is_some_and(|l| l.starts_with("hint: ")),
            "{starter}: expected one `FAIL:` line and a `hint:` under it:\n{}",
            s.output
        );
        let p = run(&solution, &[], Duration::from_secs(10));
        assert_eq!(
            p.exit_code,
            Some(0),
            "solution {solution} should pass:\n{}",
            p.output
        );
        assert!(
            p.output.lines().filter(|l| l.starts_with("PASS: ")).count() == 1
                && !p.output.contains("FAIL: "),
            "{solution}: expected one `PASS:` line:\n{}",
            p.output
        );
    }
}
