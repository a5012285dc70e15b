//! draw-timelines shows what a trace holds and refuses a run that does not
//! show what the picture is for, on the fixtures (tools/figures/tests/fixtures/timelines:
//! small traces of real runs, with what each run printed). Moved from
//! tests/book/timelines.rs, which keeps the checks that need the book: the
//! committed pictures in their chapters, and tracing real runs.

mod common;

use book_figures::svg::missing_accessibility;
use book_figures::timelines::{Failure, draw};
use common::{read, run, scratch};
use std::path::{Path, PathBuf};

const DRAW_TIMELINES: &str = env!("CARGO_BIN_EXE_draw-timelines");

fn fixture(name: &str) -> PathBuf {
    common::fixture("timelines").join(name)
}

/// Draw `kind` from `trace` and `console` into `svg` with the binary.
fn draw_file(
    kind: &str,
    trace: &Path,
    console: &Path,
    svg: &Path,
) -> common::Run {
    run(DRAW_TIMELINES, &[Path::new(kind), trace, console, svg])
}

/// Draw a fixture; the SVG's text.
fn draw_fixture(dir: &Path, kind: &str, name: &str) -> String {
    let svg = dir.join(format!("{name}.svg"));
    let run = draw_file(
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
    let missing = missing_accessibility(svg);
    assert!(missing.is_empty(), "lacks {missing:?}:\n{svg}");
}

#[test]
fn the_lost_update_picture_shows_each_read_write_and_loss() {
    let dir = scratch("lost");
    let svg = draw_fixture(&dir, "lost-update", "lost-update");
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
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_that_does_not_show_the_loss_is_refused() {
    let dir = scratch("refused");
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
        let run = draw_file("lost-update", &t, &c, &svg);
        assert_eq!(run.exit_code, Some(4), "case {n}: {}", run.output);
        assert!(run.output.contains(why), "case {n}: {}", run.output);
        assert!(!svg.exists(), "case {n}: drew a picture anyway");
        // The library says the same: not shown, not bad input.
        match draw("lost-update", trace, console) {
            Err(Failure::NotShown(w)) => assert!(w.contains(why), "{w}"),
            other => panic!("case {n}: {other:?}"),
        }
    }
    // Bad input is an error (1), not "run again" (4).
    let svg = dir.join("bad.svg");
    let run = draw_file(
        "sideways",
        &fixture("lost-update.tsv"),
        &fixture("lost-update.out"),
        &svg,
    );
    assert_eq!(run.exit_code, Some(1), "{}", run.output);
    assert!(!svg.exists());
    // So are a missing file and the wrong number of arguments.
    let missing = dir.join("no-such.tsv");
    let run = draw_file("hang", &missing, &fixture("nested-hang.out"), &svg);
    assert_eq!(run.exit_code, Some(1), "{}", run.output);
    assert!(run.output.contains("cannot read"), "{}", run.output);
    let usage = common::run(DRAW_TIMELINES, &[Path::new("hang")]);
    assert_eq!(usage.exit_code, Some(1), "{}", usage.output);
    assert!(usage.output.contains("usage: draw-timelines"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_hang_picture_holds_and_waits_for_the_same_lock() {
    let dir = scratch("hang");
    let svg = draw_fixture(&dir, "hang", "nested-hang");
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
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_deadlock_picture_shows_the_cycle() {
    let dir = scratch("deadlock");
    let svg = draw_fixture(&dir, "deadlock", "deadlock");
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
    // A hang of one thread is no deadlock: its trace has no cycle.
    let hang = draw(
        "deadlock",
        &read(fixture("nested-hang.tsv")),
        &read(fixture("nested-hang.out")),
    );
    assert_eq!(
        hang,
        Err(Failure::NotShown("no wait cycle in this run".into()))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pictures of the fixtures, byte for byte: a change of the drawing
/// shows here first (SNAPSHOTS=overwrite to accept it, then run
/// cargo xtask draw-timelines for the book's pictures).
#[test]
fn the_fixture_pictures_are_unchanged() {
    for (kind, name) in [
        ("lost-update", "lost-update"),
        ("hang", "nested-hang"),
        ("deadlock", "deadlock"),
    ] {
        let trace = read(fixture(&format!("{name}.tsv")));
        let console = read(fixture(&format!("{name}.out")));
        let svg = draw(kind, &trace, &console).unwrap();
        let expected = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/snapshots/timeline-{name}.svg"));
        snapbox::assert_data_eq!(
            svg,
            snapbox::Data::read_from(&expected, None)
        );
    }
}
