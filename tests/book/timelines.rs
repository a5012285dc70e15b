//! The timeline pictures (tools/draw-timelines): the drawing program shows
//! what a trace holds, refuses a run that does not show what the picture is
//! for, the committed pictures are in their chapters with alt text, and
//! recording a trace changes nothing the book shows.
//!
//! The examples must be built first (`cargo build --examples`).

use crate::support::{read, root, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use book_harness::console::{Outcome, example_binary, run_bounded};

/// tools/figures/src/bin/draw-timelines.rs has no dependencies: compile it with
/// rustc into `dir` (faster and lock-free, unlike a nested `cargo build`).
fn build_drawer(dir: &Path) -> PathBuf {
    let exe =
        dir.join(format!("draw-timelines{}", std::env::consts::EXE_SUFFIX));
    let mut cmd = Command::new("rustc");
    cmd.args(["--edition", "2024", "--crate-name", "draw_timelines"])
        .arg(root().join("tools/figures/src/bin/draw-timelines.rs"))
        .arg("-o")
        .arg(&exe);
    let out = run_bounded(cmd, Duration::from_secs(60)).expect("rustc runs");
    assert_eq!(out.exit_code, Some(0), "rustc failed:\n{}", out.output);
    exe
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/timelines").join(name)
}

/// Draw `kind` from `trace` and `console` into `svg`.
fn draw(
    exe: &Path,
    kind: &str,
    trace: &Path,
    console: &Path,
    svg: &Path,
) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.arg(kind).arg(trace).arg(console).arg(svg);
    run_bounded(cmd, Duration::from_secs(10)).expect("draw-timelines runs")
}

/// Draw a fixture; the SVG's text.
fn draw_fixture(exe: &Path, dir: &Path, kind: &str, name: &str) -> String {
    let svg = dir.join(format!("{name}.svg"));
    let run = draw(
        exe,
        kind,
        &fixture(&format!("{name}.tsv")),
        &fixture(&format!("{name}.out")),
        &svg,
    );
    assert_eq!(run.exit_code, Some(0), "{}", run.output);
    read(&svg)
}

/// Every picture: a title and a description for screen readers, and its
/// own white background (an <img> does not follow the page's theme).
fn assert_accessible(svg: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains(r#"role="img" aria-labelledby="title desc""#));
    assert!(svg.contains(r#"<title id="title">"#), "{svg}");
    assert!(svg.contains(r#"<desc id="desc">"#), "{svg}");
    assert!(svg.contains(r#"fill="white""#), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"));
}

#[test]
fn the_lost_update_picture_shows_each_read_write_and_loss() {
    let dir = scratch("lost");
    let exe = build_drawer(&dir);
    let svg = draw_fixture(&exe, &dir, "lost-update", "lost-update");
    assert_accessible(&svg);
    // Unnamed threads (ThreadId(2), ThreadId(3)) are numbered lanes, and
    // the total has its own lane.
    for lane in ["thread 1", "thread 2", "total"] {
        assert!(svg.contains(&format!(">{lane}</text>")), "{lane}:\n{svg}");
    }
    // Four updates, paired read -> write per thread; thread 1's two are
    // lost (the fixture's lines are out of time order: sorted first).
    let updates = |class: &str, lane: &str, read: u64, write: u64| {
        svg.contains(&format!(
            r#"<g class="{class}" data-lane="{lane}" data-read="{read}" data-write="{write}">"#
        ))
    };
    assert!(updates("update lost", "thread 1", 0, 5), "{svg}");
    assert!(updates("update lost", "thread 1", 5, 10), "{svg}");
    assert!(updates("update", "thread 2", 0, 5), "{svg}");
    assert!(updates("update", "thread 2", 5, 10), "{svg}");
    assert_eq!(svg.matches(r#"<g class="update"#).count(), 4);
    assert_eq!(svg.matches(r#"<g class="update lost""#).count(), 2);
    assert!(svg.contains(">write 5, lost</text>"), "{svg}");
    assert!(svg.contains(">write 10, lost</text>"), "{svg}");
    assert!(svg.contains(">read 0</text>") && svg.contains(">read 5</text>"));
    // The values of the total, the lost ones struck, and an arrow for each
    // write that replaced a value it never read.
    assert_eq!(svg.matches(r#"<rect class="value lost""#).count(), 2);
    assert_eq!(svg.matches(r#"class="overwrite""#).count(), 2);
    // The program's own numbers, quoted.
    assert!(
        svg.contains("expected total 20, actual total 10: 2 updates lost"),
        "{svg}"
    );
    // Times of the run under the columns.
    assert!(svg.contains(">1 µs</text>") && svg.contains(">8 µs</text>"));
}

#[test]
fn a_run_that_does_not_show_the_loss_is_refused() {
    let dir = scratch("refused");
    let exe = build_drawer(&dir);
    let trace = read(fixture("lost-update.tsv"));
    let console = read(fixture("lost-update.out"));
    let cases = [
        // Sequential updates: nothing lost.
        (
            "# x\n1\tA\tread\ttotal\t0\t-\n2\tA\twrite\ttotal\t5\t-\n\
             3\tB\tread\ttotal\t5\t-\n4\tB\twrite\ttotal\t10\t-\n"
                .to_owned(),
            "expected total: 10\nactual total:   10\nlost updates:   0\n"
                .to_owned(),
            "no update was lost",
        ),
        // The program counted another number of losses.
        (
            trace.clone(),
            console.replace("lost updates:   2", "lost updates:   1"),
            "the program printed",
        ),
        // A read that did not see the last write: times out of order.
        (
            trace.replace("2000\tThreadId(3)", "3500\tThreadId(3)"),
            console.clone(),
            "out of order",
        ),
    ];
    for (n, (trace, console, why)) in cases.iter().enumerate() {
        let (t, c) =
            (dir.join(format!("{n}.tsv")), dir.join(format!("{n}.out")));
        std::fs::write(&t, trace).unwrap();
        std::fs::write(&c, console).unwrap();
        let svg = dir.join(format!("{n}.svg"));
        let run = draw(&exe, "lost-update", &t, &c, &svg);
        assert_eq!(run.exit_code, Some(4), "case {n}: {}", run.output);
        assert!(run.output.contains(why), "case {n}: {}", run.output);
        assert!(!svg.exists(), "case {n}: drew a picture anyway");
    }
    // Bad input is an error (1), not "run again" (4).
    let svg = dir.join("bad.svg");
    let run = draw(
        &exe,
        "sideways",
        &fixture("lost-update.tsv"),
        &fixture("lost-update.out"),
        &svg,
    );
    assert_eq!(run.exit_code, Some(1), "{}", run.output);
}

#[test]
fn the_hang_picture_holds_and_waits_for_the_same_lock() {
    let dir = scratch("hang");
    let exe = build_drawer(&dir);
    let svg = draw_fixture(&exe, &dir, "hang", "nested-hang");
    assert_accessible(&svg);
    for lane in ["transfer", "main (watchdog)"] {
        assert!(svg.contains(&format!(">{lane}</text>")), "{lane}:\n{svg}");
    }
    // transfer(): a short wait, then holds `bank` to the end; withdraw():
    // waits for `bank` to the end.
    let bar = |class: &str, forever: bool| {
        format!(
            r#"<g class="{class}" data-lane="transfer" data-lock="bank" data-forever="{forever}">"#
        )
    };
    assert_eq!(svg.matches(&bar("wait", false)).count(), 1, "{svg}");
    assert_eq!(svg.matches(&bar("held", true)).count(), 1, "{svg}");
    assert_eq!(svg.matches(&bar("wait", true)).count(), 1, "{svg}");
    assert!(svg.contains(">holds bank (locked in transfer())</text>"));
    assert!(svg.contains(">waits for bank in withdraw(), forever</text>"));
    // The watchdog, its wait taken from the program's output, and the cut
    // in the time axis before it.
    assert!(svg.contains(r#"<line class="watchdog""#), "{svg}");
    assert!(svg.contains(">hang detected after 1.0 s: exit code 3</text>"));
    assert!(svg.contains(">time cut</text>") && svg.contains(">1.0 s</text>"));
    assert!(!svg.contains(r#"class="cycle""#), "a hang is no cycle");
}

#[test]
fn the_deadlock_picture_shows_the_cycle() {
    let dir = scratch("deadlock");
    let exe = build_drawer(&dir);
    let svg = draw_fixture(&exe, &dir, "deadlock", "deadlock");
    assert_accessible(&svg);
    for (lane, holds, waits) in [
        ("alice-to-bob", "ACCOUNT_A", "ACCOUNT_B"),
        ("bob-to-alice", "ACCOUNT_B", "ACCOUNT_A"),
    ] {
        for (class, lock) in [("held", holds), ("wait", waits)] {
            let bar = format!(
                r#"<g class="{class}" data-lane="{lane}" data-lock="{lock}" data-forever="true">"#
            );
            assert!(svg.contains(&bar), "{bar}:\n{svg}");
        }
    }
    assert!(svg.contains(">holds ACCOUNT_A</text>"));
    assert!(svg.contains(">waits for ACCOUNT_B</text>"));
    assert_eq!(svg.matches(r#"<path class="cycle""#).count(), 2, "{svg}");
    assert!(svg.contains(">hang detected after 1.0 s: exit code 3</text>"));
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

#[test]
fn tracing_changes_nothing_the_book_shows() {
    let dir = scratch("tracing");
    let cases: [(&str, &[&str], i32, &[&str]); 4] = [
        ("lost_update", &[], 0, &["read", "write"]),
        (
            "lost_update",
            &["--threads", "2", "--updates", "3"],
            0,
            &["read"],
        ),
        (
            "transfer_outer_lock",
            &[],
            3,
            &["watchdog", "request", "acquired"],
        ),
        (
            "deadlock_two_accounts",
            &[],
            3,
            &["watchdog", "request", "acquired"],
        ),
    ];
    for (n, (name, args, code, kinds)) in cases.into_iter().enumerate() {
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
    }
    // The small traced run: 2 threads x 3 updates = 12 events.
    let small = read(dir.join("1.tsv"));
    assert_eq!(small.lines().count(), 1 + 12, "{small}");
}
