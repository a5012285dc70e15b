//! The exercises' manifest, `exercises.toml`: every exercise written once
//! (its chapter, task, hints, PASS line and minutes), and the instructors
//! page's assignment sheets rendered from it into
//! `src/generated/assignment-sheets.md`, which `src/instructors.md`
//! includes. The tests hold the manifest to the book and the programs:
//! every starter is in it, every solution exists and prints the PASS line
//! it gives, the minutes are the chapters' own, and the committed files
//! are a fresh rendering (`SNAPSHOTS=overwrite cargo test -p book-tests
//! --test book manifest` rewrites them). The course plan's minutes and
//! part totals are rendered the same way, into
//! `src/generated/course-plan.md`.

use crate::instructors::{
    chapter_exercise_minutes, chapter_minutes, commands, summary_chapters,
};
use crate::support::{read, root};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::time::Duration;

use book_harness::console::{line_matches, run_example};
use snapbox::{Data, assert_data_eq};

pub const MANIFEST: &str = "exercises.toml";
/// The generated sheets, and the line of the instructors page that
/// includes them (mdBook's path is relative to the page).
pub const SHEETS: &str = "src/generated/assignment-sheets.md";
pub const SHEETS_INCLUDE: &str = "{{#include generated/assignment-sheets.md}}";
pub const PLAN: &str = "src/generated/course-plan.md";
pub const PLAN_INCLUDE: &str = "{{#include generated/course-plan.md}}";
/// The first line of every generated file.
const GENERATED: &str = "<!-- Generated from exercises.toml by \
    tests/book/manifest.rs: edit the manifest, then run `SNAPSHOTS=overwrite \
    cargo test -p book-tests --test book manifest`. -->\n";

pub use exercises::manifest::{Chapter, Exercise, Manifest};

pub fn manifest() -> Manifest {
    Manifest::load(root()).unwrap_or_else(|e| panic!("{e}"))
}

/// `text` as inline code: with double backticks where it holds one.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// The assignment sheets in markdown: one `### ` section per chapter, in
/// the manifest's order, headed by the chapter's title in SUMMARY.md.
pub fn render_sheets(manifest: &Manifest) -> String {
    let titles: BTreeMap<String, String> = summary_chapters()
        .into_iter()
        .map(|c| (format!("src/{}", c.file), c.title))
        .collect();
    let mut out = String::from(GENERATED);
    for chapter in &manifest.chapter {
        let title = titles.get(&chapter.file).unwrap_or_else(|| {
            panic!(
                "{MANIFEST}: chapter {} is not a chapter of SUMMARY's Part I \
                 or II",
                chapter.file
            )
        });
        let link = chapter.file.strip_prefix("src/").unwrap_or_else(|| {
            panic!("{MANIFEST}: chapter {} is not under src/", chapter.file)
        });
        write!(
            out,
            "\n### {title}\n\nChapter: [{title}]({link}). Exercises: about {} \
             minutes.\n",
            exercise_minutes(manifest, &chapter.file)
        )
        .unwrap();
        let exercises = manifest
            .exercise
            .iter()
            .filter(|e| e.chapter == chapter.file);
        for (n, exercise) in exercises.enumerate() {
            write!(
                out,
                "\n**{}. {}.** {}\n\n- Edit: `examples/{}.rs`\n- Check: \
                 {}\n- Passes: {}\n- Time: about {} minutes\n",
                n + 1,
                exercise.title,
                exercise.task,
                exercise.name,
                code(&exercise.command()),
                code(&exercise.pass),
                exercise.minutes
            )
            .unwrap();
        }
    }
    out
}

/// The course plan's table: every chapter of Part I and II in SUMMARY's
/// order with its minutes, its exercise minutes and its exercises; then the
/// parts' totals.
pub fn render_plan(manifest: &Manifest) -> String {
    let mut out = format!(
        "{GENERATED}\n| Chapter | Minutes | Exercises (minutes) |\n| --- | \
         --- | --- |\n"
    );
    let mut totals = [0; 2];
    for chapter in summary_chapters() {
        let file = format!("src/{}", chapter.file);
        // From the manifest where it has the chapter, not from the
        // rendered Time line on disk, which may be older.
        let (minutes, exercise_minutes) =
            match manifest.chapter.iter().find(|c| c.file == file) {
                Some(c) => {
                    let m = exercise_minutes(manifest, &c.file);
                    (c.reading + m, m)
                }
                None => (
                    chapter_minutes(&chapter.file),
                    chapter_exercise_minutes(&chapter.file),
                ),
            };
        let exercises: Vec<String> = manifest
            .exercise
            .iter()
            .filter(|e| e.chapter == file)
            .map(|e| format!("{} ({})", e.title, e.minutes))
            .collect();
        writeln!(
            out,
            "| [{}]({}) | {} | {}: {} |",
            chapter.title,
            chapter.file,
            minutes,
            exercise_minutes,
            exercises.join(", ")
        )
        .unwrap();
        totals[usize::from(chapter.part) - 1] += minutes;
    }
    let [one, two] = totals;
    writeln!(
        out,
        "\nPart I takes about {one} minutes and Part II about {two}: {} \
         minutes in all.",
        one + two
    )
    .unwrap();
    out
}

/// The generated exercises section of `chapter` (`src/NAME.md`), and the
/// line of the chapter that includes it (mdBook's path is relative to the
/// chapter; the section's own includes are relative to itself).
pub fn exercises_section(chapter: &str) -> (String, String) {
    let stem = stem(chapter);
    (
        format!("src/generated/exercises-{stem}.md"),
        format!("{{{{#include generated/exercises-{stem}.md}}}}"),
    )
}

/// The text of `chapter` (`src/NAME.md`) as mdBook renders it: every
/// `{{#include generated/...}}` replaced by the generated file.
pub fn rendered(chapter: &str) -> String {
    let mut text = read(chapter);
    while let Some(start) = text.find("{{#include generated/") {
        let end = start
            + text[start..].find("}}").unwrap_or_else(|| {
                panic!("{chapter}: an unclosed {{{{#include")
            })
            + 2;
        let path = &text[start + "{{#include ".len()..end - 2];
        let included = read(format!("src/{}", path.trim()));
        text.replace_range(start..end, &included);
    }
    text
}

/// The generated `**Time:**` text of `chapter`, and the line of the
/// chapter that shows it.
pub fn time_line(chapter: &str) -> (String, String) {
    let stem = stem(chapter);
    (
        format!("src/generated/time-{stem}.md"),
        format!("**Time:** {{{{#include generated/time-{stem}.md}}}}"),
    )
}

/// `NAME` of `src/NAME.md`.
fn stem(chapter: &str) -> &str {
    chapter
        .strip_prefix("src/")
        .and_then(|c| c.strip_suffix(".md"))
        .unwrap_or_else(|| {
            panic!("{MANIFEST}: chapter {chapter} is not src/NAME.md")
        })
}

/// The minutes of the exercises of `chapter`, added up.
fn exercise_minutes(manifest: &Manifest, chapter: &str) -> u32 {
    manifest
        .exercise
        .iter()
        .filter(|e| e.chapter == chapter)
        .map(|e| e.minutes)
        .sum()
}

/// What follows `**Time:**` in a chapter with exercises: its reading
/// minutes and its exercises' minutes, added up. No line break at the end:
/// the chapter includes it in the middle of a line.
pub fn render_time(manifest: &Manifest, chapter: &Chapter) -> String {
    let exercises = exercise_minutes(manifest, &chapter.file);
    let note = chapter
        .reading_note
        .as_ref()
        .map_or(String::new(), |n| format!(" ({n})"));
    format!(
        "about {} minutes: {} to read and run{note}, {exercises} for the \
         exercises.",
        chapter.reading + exercises,
        chapter.reading
    )
}

/// A chapter's exercises, one `### N. Title` section each: the text, the
/// starter's code (its `exercise` anchor), notes, the command with what
/// the starter prints and its exit code 1, and what comes after.
pub fn render_exercises(manifest: &Manifest, chapter: &str) -> String {
    let mut out = String::from(GENERATED);
    let exercises = manifest.exercise.iter().filter(|e| e.chapter == chapter);
    for (n, e) in exercises.enumerate() {
        write!(
            out,
            "\n### {}. {}\n\n{}\n\n{NO_RUN}\n```rust,noplayground,no_run\n\
             {{{{#rustdoc_include ../../examples/{}.rs:exercise}}}}\n```\n",
            n + 1,
            e.title,
            e.text.trim(),
            e.name
        )
        .unwrap();
        if let Some(notes) = &e.notes {
            write!(out, "\n{}\n", notes.trim()).unwrap();
        }
        write!(
            out,
            "\n```console\n$ {}\n{}\n$ echo $?\n1\n```\n",
            e.command(),
            e.fail.trim_end()
        )
        .unwrap();
        if let Some(after) = &e.after {
            write!(out, "\n{}\n", after.trim()).unwrap();
        }
    }
    out
}

/// Why the starter's code is not run where the book shows it.
const NO_RUN: &str = "<!-- no_run: the starter fails its own check until \
    the exercise is done; tests/book/example_runs.rs runs it and its \
    solution -->";

/// The exercise starters: examples/ex_*.rs that are not solutions.
fn exercise_starters() -> BTreeSet<String> {
    let dir = root().join("examples");
    let starters: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".rs")?;
            (stem.starts_with("ex_") && !stem.ends_with("_solution"))
                .then(|| stem.to_owned())
        })
        .collect();
    assert!(!starters.is_empty(), "no examples/ex_*.rs found");
    starters
}

/// The `PASS: ...` line that the solution of exercise `name` prints.
fn solution_pass_line(name: &str) -> String {
    let run =
        run_example(&format!("{name}_solution"), &[], Duration::from_secs(30));
    assert_eq!(run.exit_code, Some(0), "{name}_solution:\n{}", run.output);
    let passes: Vec<&str> = run
        .output
        .lines()
        .filter(|l| l.starts_with("PASS: "))
        .collect();
    let [pass] = passes[..] else {
        panic!("{name}_solution: not one PASS line:\n{}", run.output)
    };
    pass.to_owned()
}

#[test]
fn the_committed_pages_are_rendered_from_the_manifest() {
    let manifest = manifest();
    let page = read("src/instructors.md");
    for (file, include, fresh) in [
        (SHEETS, SHEETS_INCLUDE, render_sheets(&manifest)),
        (PLAN, PLAN_INCLUDE, render_plan(&manifest)),
    ] {
        assert_data_eq!(fresh, Data::read_from(&root().join(file), None).raw());
        let includes = page.lines().filter(|l| l.trim() == include).count();
        assert_eq!(
            includes, 1,
            "src/instructors.md must include {file} once: `{include}`"
        );
    }
}

/// Each chapter's exercises section and `**Time:**` line are the
/// manifest's, rendered, and the chapter includes them: the section once,
/// under `## Exercises`.
#[test]
fn the_chapters_exercises_are_rendered_from_the_manifest() {
    let manifest = manifest();
    for chapter in &manifest.chapter {
        let (file, include) = exercises_section(&chapter.file);
        let (time_file, time_include) = time_line(&chapter.file);
        assert_data_eq!(
            render_time(&manifest, chapter),
            Data::read_from(&root().join(&time_file), None).raw()
        );
        assert!(
            read(&chapter.file).lines().any(|l| l == time_include),
            "{}: its Time line must be `{time_include}`",
            chapter.file
        );
        let fresh = render_exercises(&manifest, &chapter.file);
        assert_data_eq!(
            fresh,
            Data::read_from(&root().join(&file), None).raw()
        );
        let text = read(&chapter.file);
        let at: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == include)
            .map(|(i, _)| i)
            .collect();
        let heading = text.lines().position(|l| l == "## Exercises");
        assert!(
            at.len() == 1 && heading.is_some_and(|h| h < at[0]),
            "{}: `{include}` once, in its `## Exercises` section",
            chapter.file
        );
        let own = text[..]
            .lines()
            .skip(heading.unwrap_or(0))
            .take_while(|l| !l.starts_with("## ") || *l == "## Exercises")
            .filter(|l| l.starts_with("### "))
            .count();
        assert_eq!(
            own, 0,
            "{}: an exercise section written in the chapter; add it to \
             {MANIFEST} instead",
            chapter.file
        );
    }
}

#[test]
fn every_starter_is_in_the_manifest_once_with_its_solution() {
    let manifest = manifest();
    let listed: Vec<&str> =
        manifest.exercise.iter().map(|e| e.name.as_str()).collect();
    let unique: BTreeSet<String> =
        listed.iter().map(|n| n.to_string()).collect();
    assert_eq!(unique.len(), listed.len(), "{MANIFEST}: a name twice");
    assert_eq!(
        unique,
        exercise_starters(),
        "{MANIFEST} must list exactly the starters examples/ex_*.rs"
    );
    for name in unique {
        let solution = root().join(format!("examples/{name}_solution.rs"));
        assert!(solution.is_file(), "{name}: no {}", solution.display());
    }
}

/// Chapters in book order, each with the minutes of its `**Time:**` line;
/// its exercises' minutes add up to its exercise minutes; each exercise is
/// run by its chapter's text, and a chapter runs no exercise the manifest
/// gives to another.
#[test]
fn chapters_and_minutes_are_the_books() {
    let manifest = manifest();
    let order: Vec<String> = summary_chapters()
        .into_iter()
        .map(|c| format!("src/{}", c.file))
        .collect();
    let with_exercises: Vec<&String> = order
        .iter()
        .filter(|file| {
            commands(&rendered(file))
                .iter()
                .any(|n| n.starts_with("ex_") && !n.ends_with("_solution"))
        })
        .collect();
    let listed: Vec<&String> =
        manifest.chapter.iter().map(|c| &c.file).collect();
    assert_eq!(
        listed, with_exercises,
        "{MANIFEST}: one [[chapter]] per chapter that has exercises, in \
         SUMMARY's order"
    );
    for chapter in &manifest.chapter {
        let file = chapter.file.strip_prefix("src/").unwrap();
        let exercises: Vec<&Exercise> = manifest
            .exercise
            .iter()
            .filter(|e| e.chapter == chapter.file)
            .collect();
        assert!(!exercises.is_empty(), "{}: no exercise", chapter.file);
        assert_eq!(
            exercises.iter().map(|e| e.minutes).sum::<u32>(),
            chapter_exercise_minutes(file),
            "{MANIFEST}: the minutes of {}'s exercises must add up to the \
             exercise minutes of its `**Time:**` line",
            chapter.file
        );
        let in_text: BTreeSet<String> = commands(&rendered(&chapter.file))
            .into_iter()
            .filter(|n| n.starts_with("ex_") && !n.ends_with("_solution"))
            .collect();
        let in_manifest: BTreeSet<String> =
            exercises.iter().map(|e| e.name.clone()).collect();
        assert_eq!(
            in_manifest, in_text,
            "{MANIFEST}: the exercises of {} must be the ones its text runs",
            chapter.file
        );
    }
    let chapter_of: Vec<usize> = manifest
        .exercise
        .iter()
        .map(|e| {
            manifest
                .chapter
                .iter()
                .position(|c| c.file == e.chapter)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: chapter {} has no [[chapter]]",
                        e.name, e.chapter
                    )
                })
        })
        .collect();
    assert!(
        chapter_of.is_sorted(),
        "{MANIFEST}: the exercises in book order, chapter by chapter"
    );
}

/// Each exercise's fields are there, its hints more than a repeat of one
/// line, and its features those the learner's Cargo.toml requires for it.
#[test]
fn every_exercise_is_complete_and_runs_with_its_features() {
    let cargo: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml");
    let required = |name: &str| -> Vec<String> {
        cargo["example"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["name"].as_str() == Some(name))
            .and_then(|e| e.get("required-features"))
            .and_then(|f| f.as_array())
            .map(|f| {
                f.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    for e in manifest().exercise {
        let name = &e.name;
        for (field, value) in [("title", &e.title), ("task", &e.task)] {
            assert!(!value.trim().is_empty(), "{name}: empty {field}");
        }
        assert!(e.pass.starts_with("PASS: "), "{name}: pass is `PASS: ...`");
        assert!(e.minutes > 0, "{name}: minutes");
        assert!(!e.hints.is_empty(), "{name}: at least one hint");
        let distinct: BTreeSet<&String> = e.hints.iter().collect();
        assert!(
            distinct.len() == e.hints.len()
                && e.hints.iter().all(|h| !h.trim().is_empty()),
            "{name}: hints must be distinct and not empty"
        );
        assert_eq!(
            e.features,
            required(name),
            "{name}: `features` must be the example's required-features in \
             Cargo.toml"
        );
        assert_eq!(
            required(&format!("{name}_solution")),
            e.features,
            "{name}_solution must require the same features as its starter"
        );
    }
}

/// The manifest's PASS line of each exercise, compared with a real run of
/// its solution (`[..]` for what varies).
#[test]
fn every_pass_line_is_what_the_solution_prints() {
    for e in manifest().exercise {
        let pass = solution_pass_line(&e.name);
        assert!(
            line_matches(&e.pass, &pass),
            "{MANIFEST}: {} passes with\n  {}\nbut its solution printed\n  {pass}",
            e.name,
            e.pass
        );
    }
}

#[test]
fn the_renderer_writes_what_the_page_shows() {
    let manifest: Manifest = toml::from_str(
        r#"
        [[chapter]]
        file = "src/testing.md"
        reading = 35
        [[exercise]]
        name = "ex_testing_seats"
        chapter = "src/testing.md"
        title = "Sell"
        task = "Take one."
        hints = ["a", "b"]
        pass = "PASS: `x` ok"
        minutes = 25
        features = ["shuttle"]
        text = "Sell the last seat once."
        fail = "FAIL: sold twice"
        "#,
    )
    .unwrap();
    let sheets = render_sheets(&manifest);
    for line in [
        "### Testing concurrent code",
        "Chapter: [Testing concurrent code](testing.md). Exercises: about 25 \
         minutes.",
        "**1. Sell.** Take one.",
        "- Edit: `examples/ex_testing_seats.rs`",
        "- Check: `cargo run --features shuttle --example ex_testing_seats`",
        "- Passes: `` PASS: `x` ok ``",
        "- Time: about 25 minutes",
    ] {
        assert!(
            sheets.lines().any(|l| l == line),
            "no `{line}` in\n{sheets}"
        );
    }
}
