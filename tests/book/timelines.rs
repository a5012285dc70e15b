//! The timeline pictures (cargo xtask draw-timelines): the committed pictures
//! are in their chapters with alt text, recording a trace changes nothing
//! the book shows, and a traced run of each example is drawn by the
//! drawing library (book_figures::timelines). The drawing itself, on the
//! fixtures, is tested next to it (tools/figures/tests/draw_timelines.rs).
//!
//! The examples must be built first (`cargo build --examples`).

use crate::support::{read, root, scratch};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use book_figures::svg::missing_accessibility;
use book_figures::timelines::{Failure, draw};
use book_harness::console::{Outcome, example_binary, run_bounded};

/// Every picture: a title and a description for screen readers, and its
/// own white background (an <img> does not follow the page's theme).
fn assert_accessible(svg: &str) {
    let missing = missing_accessibility(svg);
    assert!(missing.is_empty(), "lacks {missing:?}:\n{svg}");
}

/// The pictures, the chapter each is in, and a word its alt text needs.
const PICTURES: [(&str, &str, &str); 3] = [
    ("timeline-lost-update.svg", "race-conditions.md", "lost"),
    ("timeline-nested-hang.svg", "nested-locks.md", "bank"),
    ("timeline-deadlock.svg", "deadlocks.md", "ACCOUNT_A"),
];

#[test]
fn each_picture_is_committed_and_shown_with_alt_text() {
    for (picture, chapter, word) in PICTURES {
        let svg = read(root().join("src/images").join(picture));
        assert_accessible(&svg);
        let text = read(root().join("src").join(chapter));
        let target = format!("](images/{picture})");
        let end = text
            .find(&target)
            .unwrap_or_else(|| panic!("{chapter} does not show {picture}"));
        let start = text[..end]
            .rfind("![")
            .unwrap_or_else(|| panic!("{chapter}: {picture} is no image"));
        let alt = text[start + 2..end].split_whitespace().collect::<Vec<_>>();
        let alt = alt.join(" ");
        assert!(
            alt.len() > 40 && alt.contains(word),
            "{chapter}: alt text of {picture} too thin: `{alt}`"
        );
    }
    // The generator's checks passed for the committed lost update: it has
    // at least one, and says so.
    let svg = read(root().join("src/images/timeline-lost-update.svg"));
    assert!(svg.contains(r#"<g class="update lost""#));
}

/// Run example `name` with `args`, tracing into `trace` if given.
fn run(name: &str, args: &[&str], trace: Option<&Path>) -> Outcome {
    let binary = example_binary(name).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(binary);
    cmd.args(args).env_remove("LOCKBOOK_TRACE");
    if let Some(trace) = trace {
        cmd.env("LOCKBOOK_TRACE", trace);
    }
    run_bounded(cmd, Duration::from_secs(5)).expect("the example runs")
}

/// The output without what varies from run to run (the book shows it as
/// `[..]`): the lost update's numbers, the watchdog's measured wait.
fn steady(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| !l.starts_with("actual total:"))
        .filter(|l| !l.starts_with("lost updates:"))
        .map(|l| match l.split_once(" after ") {
            Some((start, _)) if l.starts_with("hang detected:") => start,
            _ => l,
        })
        .collect()
}

/// A traced run: the example, its arguments, its exit code, events its
/// trace must have, and the picture `cargo xtask draw-timelines` draws of it.
type TracedRun = (
    &'static str,
    &'static [&'static str],
    i32,
    &'static [&'static str],
    &'static str,
);

#[test]
fn tracing_changes_nothing_the_book_shows() {
    let _gate = crate::support::timed();
    let dir = scratch("tracing");
    let cases: [TracedRun; 4] = [
        ("lost_update", &[], 0, &["read", "write"], "lost-update"),
        (
            "lost_update",
            &["--threads", "2", "--updates", "3"],
            0,
            &["read"],
            "lost-update",
        ),
        (
            "transfer_outer_lock",
            &[],
            3,
            &["watchdog", "request", "acquired"],
            "hang",
        ),
        (
            "deadlock_two_accounts",
            &[],
            3,
            &["watchdog", "request", "acquired"],
            "deadlock",
        ),
    ];
    for (n, (name, args, code, kinds, picture)) in cases.into_iter().enumerate()
    {
        let trace = dir.join(format!("{n}.tsv"));
        let plain = run(name, args, None);
        assert!(!trace.exists());
        let traced = run(name, args, Some(&trace));
        for o in [&plain, &traced] {
            assert_eq!(
                o.exit_code,
                Some(code),
                "{name} {args:?}:\n{}",
                o.output
            );
        }
        assert_eq!(
            steady(&plain.output),
            steady(&traced.output),
            "{name} {args:?}: tracing changed the output"
        );
        let text = read(&trace);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(lockbook::trace::HEADER));
        let events: Vec<Vec<&str>> =
            lines.map(|l| l.split('\t').collect()).collect();
        assert!(events.iter().all(|e| e.len() == 6), "{text}");
        for kind in kinds {
            assert!(
                events.iter().any(|e| e[2] == *kind),
                "{name}: no `{kind}` event in\n{text}"
            );
        }
        // The drawing reads what the example wrote and printed. The hang
        // and the deadlock show on every run; a lost update only on some
        // (cargo xtask draw-timelines runs it again), but never as bad input.
        match draw(picture, &text, &traced.output) {
            Ok(svg) => assert_accessible(&svg),
            Err(Failure::NotShown(why)) if picture == "lost-update" => {
                eprintln!("{name} {args:?}: no picture this run: {why}")
            }
            Err(e) => panic!("{name} {args:?}: {e:?}\n{text}{}", traced.output),
        }
    }
    // The small traced run: 2 threads x 3 updates = 12 events.
    let small = read(dir.join("1.tsv"));
    assert_eq!(small.lines().count(), 1 + 12, "{small}");
}
