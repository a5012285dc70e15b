//! The "For instructors" page (src/instructors.md) stays true to the book:
//! its course plan has every chapter of Part I and II with the minutes the
//! chapter states, and its assignment sheets list every exercise with the
//! file to edit and the command that checks it, on the sheet of the chapter
//! that has the exercise.

use crate::support::{read, root};
use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use book_harness::console::{line_matches, run_example};

const PAGE: &str = "src/instructors.md";
const COMMAND: &str = "cargo run --example ";
/// The same, for an example that needs a feature of the learner's package.
const FEATURE_COMMAND: &str = "cargo run --features ";

/// A chapter as SUMMARY.md lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chapter {
    title: String,
    file: String,
    part: u8,
}

/// `[text](target)` at the start of `s` (after optional spaces).
fn link(s: &str) -> Option<(String, String)> {
    let s = s.trim_start();
    let rest = s.strip_prefix('[')?;
    let close = rest.find("](")?;
    let text = &rest[..close];
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    Some((text.to_owned(), after[..end].to_owned()))
}

/// The numbered chapters of Part I and Part II, in SUMMARY order.
fn summary_chapters() -> Vec<Chapter> {
    let mut chapters = Vec::new();
    let mut part = 0;
    for line in read("src/SUMMARY.md").lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("# Part I:") {
            part = 1;
            continue;
        }
        if trimmed.starts_with("# Part II:") {
            part = 2;
            continue;
        }
        if trimmed.starts_with("# ") || trimmed == "---" {
            part = 0;
            continue;
        }
        if part == 0 {
            continue;
        }
        if let Some(item) = trimmed.strip_prefix("- ") {
            let (title, file) = link(item)
                .unwrap_or_else(|| panic!("SUMMARY: not a link: {line}"));
            chapters.push(Chapter { title, file, part });
        }
    }
    assert!(
        chapters.iter().any(|c| c.part == 1)
            && chapters.iter().any(|c| c.part == 2),
        "SUMMARY.md: found no chapters under `# Part I:` and `# Part II:`"
    );
    chapters
}

/// The lines of `page` under the heading `heading` (exact line), up to the
/// next heading of the same or a higher level.
fn section<'a>(page: &'a str, heading: &str) -> Vec<&'a str> {
    let level = heading.chars().take_while(|&c| c == '#').count();
    let mut lines = page.lines();
    lines
        .by_ref()
        .find(|l| l.trim_end() == heading)
        .unwrap_or_else(|| panic!("{PAGE}: no heading `{heading}`"));
    lines
        .take_while(|l| {
            let hashes = l.chars().take_while(|&c| c == '#').count();
            !(hashes > 0 && hashes <= level && l[hashes..].starts_with(' '))
        })
        .collect()
}

/// The cells of a table row; a `|` inside backticks does not split.
fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    let mut out = vec![String::new()];
    let mut in_code = false;
    for c in row.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.last_mut().unwrap().push(c);
            }
            '|' if !in_code => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// The body rows of the first table in `lines` (header and rule skipped).
fn table_rows(lines: &[&str]) -> Vec<Vec<String>> {
    let table: Vec<&str> = lines
        .iter()
        .skip_while(|l| !l.trim_start().starts_with('|'))
        .take_while(|l| l.trim_start().starts_with('|'))
        .copied()
        .collect();
    assert!(
        table.len() >= 2,
        "{PAGE}: expected a table, found {table:?}"
    );
    table[2..].iter().map(|r| cells(r)).collect()
}

/// The first whole number in `s`.
fn first_number(s: &str) -> Option<u32> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let digits: String = s[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// The paragraph of a chapter that starts with `**Time:**`, on one line.
fn time_paragraph(file: &str) -> String {
    let text = read(format!("src/{file}"));
    let mut lines = text.lines().skip_while(|l| !l.starts_with("**Time:**"));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("src/{file}: no `**Time:**` line"));
    let mut paragraph = first.to_owned();
    for line in lines {
        if line.trim().is_empty() || line.starts_with("**") {
            break;
        }
        paragraph.push(' ');
        paragraph.push_str(line.trim());
    }
    paragraph
}

/// N from the chapter's `**Time:** about N minutes`.
fn chapter_minutes(file: &str) -> u32 {
    let time = time_paragraph(file);
    let rest = time.strip_prefix("**Time:** about ").unwrap_or_else(|| {
        panic!("src/{file}: `{time}` is not `**Time:** about N minutes`")
    });
    let n = first_number(rest).expect("a number of minutes");
    assert!(
        rest.starts_with(&format!("{n} minutes")),
        "src/{file}: `{time}` is not `**Time:** about N minutes`"
    );
    n
}

/// M from the chapter's `..., M for the exercises`.
fn chapter_exercise_minutes(file: &str) -> u32 {
    let time = time_paragraph(file);
    let end = time.find(" for the exercises").unwrap_or_else(|| {
        panic!("src/{file}: `{time}` has no `M for the exercises`")
    });
    let before = &time[..end];
    let start = before
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    before[start..].parse().unwrap_or_else(|_| {
        panic!("src/{file}: no number before ` for the exercises` in `{time}`")
    })
}

/// The command that runs example `name`: with `--features F` where the
/// learner's Cargo.toml says the example requires feature F.
fn command_for(name: &str) -> String {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml");
    let features = manifest["example"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"].as_str() == Some(name))
        .and_then(|e| e.get("required-features"))
        .and_then(|f| f.as_array())
        .map(|f| f.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>())
        .unwrap_or_default();
    if features.is_empty() {
        format!("{COMMAND}{name}")
    } else {
        format!("{FEATURE_COMMAND}{} --example {name}", features.join(","))
    }
}

/// Every example named by `cargo run [--features F] --example NAME` in
/// `text` (line breaks inside the command allowed), in order of appearance.
fn commands(text: &str) -> Vec<String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut found = Vec::new();
    let mut rest = flat.as_str();
    while let Some(at) = rest.find("cargo run ") {
        rest = &rest[at + "cargo run ".len()..];
        if let Some(features) = rest.strip_prefix("--features ") {
            rest = features.split_once(' ').map_or("", |(_, r)| r);
        }
        let Some(after) = rest.strip_prefix("--example ") else {
            continue;
        };
        rest = after;
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

fn example_exists(name: &str) -> bool {
    let dir: PathBuf = root().join("examples");
    dir.join(format!("{name}.rs")).is_file()
        || dir.join(name).join("main.rs").is_file()
}

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

/// The course plan's rows as (chapter file, minutes).
fn plan() -> Vec<(String, u32)> {
    let page = read(PAGE);
    let lines = section(&page, "## Course plan");
    table_rows(&lines)
        .into_iter()
        .map(|row| {
            let (_, file) = link(&row[0]).unwrap_or_else(|| {
                panic!("{PAGE}: plan row without a chapter link: {row:?}")
            });
            let minutes = row
                .get(1)
                .and_then(|m| m.trim().parse().ok())
                .unwrap_or_else(|| {
                    panic!("{PAGE}: plan row without whole minutes: {row:?}")
                });
            assert!(
                row.len() == 4 && row[2..].iter().all(|c| !c.is_empty()),
                "{PAGE}: a plan row needs chapter, minutes, objectives and \
                 prerequisites: {row:?}"
            );
            (file, minutes)
        })
        .collect()
}

#[test]
fn the_plan_lists_every_chapter_of_part_one_and_two_in_order() {
    let wanted: Vec<String> =
        summary_chapters().into_iter().map(|c| c.file).collect();
    let listed: Vec<String> = plan().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        listed, wanted,
        "{PAGE}: the course plan must list the chapters of SUMMARY's Part I \
         and II, in order"
    );
}

#[test]
fn the_plan_minutes_are_the_chapters_own() {
    for (file, minutes) in plan() {
        assert_eq!(
            minutes,
            chapter_minutes(&file),
            "{PAGE}: the plan gives {file} {minutes} minutes; the chapter's \
             `**Time:** about N minutes` line says otherwise"
        );
    }
}

#[test]
fn the_part_totals_add_up() {
    let page = read(PAGE);
    let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat
        .find("Part I takes about ")
        .unwrap_or_else(|| panic!("{PAGE}: no `Part I takes about N minutes`"));
    let sentence = &flat[at..];
    let part_one = first_number(sentence).unwrap();
    let after =
        &sentence[sentence.find("Part II about ").unwrap_or_else(|| {
            panic!("{PAGE}: no `Part II about M` after the Part I total")
        })..];
    let part_two = first_number(after).unwrap();
    let chapters = summary_chapters();
    let total = |part| -> u32 {
        chapters
            .iter()
            .filter(|c| c.part == part)
            .map(|c| chapter_minutes(&c.file))
            .sum()
    };
    assert_eq!(part_one, total(1), "{PAGE}: the Part I total");
    assert_eq!(part_two, total(2), "{PAGE}: the Part II total");
}

#[test]
fn every_command_on_the_page_is_an_example() {
    let page = read(PAGE);
    let listed = commands(&page);
    assert!(
        !listed.is_empty(),
        "{PAGE}: no `cargo run --example` at all"
    );
    for name in listed {
        assert!(
            example_exists(&name),
            "{PAGE}: `cargo run --example {name}`: there is no \
             examples/{name}.rs"
        );
    }
}

/// The assignment sheets: the `### ` sections under `## Assignment sheets`,
/// as (heading, lines).
fn sheets(page: &str) -> Vec<(String, Vec<&str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for line in section(page, "## Assignment sheets") {
        if let Some(title) = line.strip_prefix("### ") {
            out.push((title.trim().to_owned(), Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(line);
        }
    }
    out
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

/// Each exercise is on the sheet of the chapter whose text has its command:
/// a task (`**N. Name.** ...`), `- Edit: `examples/NAME.rs``,
/// `- Check: `cargo run --example NAME`` and `- Passes: `PASS: ...``, the
/// line the solution prints (`[..]` for what varies). A sheet names its
/// chapter, has exactly that chapter's exercises, and the chapter's
/// exercise minutes.
#[test]
fn every_exercise_is_on_its_chapters_sheet_with_its_command() {
    let page = read(PAGE);
    let sheets = sheets(&page);
    let mut assigned = BTreeSet::new();
    for chapter in summary_chapters() {
        let target = format!("]({})", chapter.file);
        let (heading, sheet) = sheets
            .iter()
            .find(|(_, lines)| {
                lines
                    .iter()
                    .any(|l| l.starts_with("Chapter: [") && l.contains(&target))
            })
            .unwrap_or_else(|| {
                panic!(
                    "{PAGE}: no sheet with `Chapter: [..]({})`",
                    chapter.file
                )
            });
        let flat = sheet.join(" ");
        let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = read(format!("src/{}", chapter.file));
        let in_chapter: BTreeSet<String> = commands(&text)
            .into_iter()
            .filter(|n| n.starts_with("ex_") && !n.ends_with("_solution"))
            .collect();
        let mut on_sheet = BTreeSet::new();
        let mut tasks = 0;
        let mut edit: Option<&str> = None;
        let (mut passes_due, mut passes) = (None::<String>, 0);
        for line in sheet {
            if line.starts_with("**")
                && line[2..].starts_with(|c: char| c.is_ascii_digit())
            {
                tasks += 1;
            } else if let Some(file) = line.strip_prefix("- Edit: ") {
                edit = Some(file.trim());
            } else if let Some(check) = line.strip_prefix("- Check: ") {
                let names = commands(check);
                let [name] = &names[..] else {
                    panic!("### {heading}: `- Check:` must hold one command");
                };
                assert_eq!(
                    check.trim(),
                    format!("`{}`", command_for(name)),
                    "### {heading}"
                );
                assert_eq!(
                    edit.take(),
                    Some(format!("`examples/{name}.rs`").as_str()),
                    "### {heading}: `- Edit:` right above the check of {name}"
                );
                on_sheet.insert(name.clone());
                passes_due = Some(name.clone());
            } else if let Some(shown) = line.strip_prefix("- Passes: ") {
                let name = passes_due.take().unwrap_or_else(|| {
                    panic!("### {heading}: `- Passes:` without a check above")
                });
                let pattern = shown
                    .trim()
                    .strip_prefix('`')
                    .and_then(|p| p.strip_suffix('`'))
                    .unwrap_or_else(|| {
                        panic!("### {heading}: `- Passes:` wants `PASS: ...`")
                    });
                let pass = solution_pass_line(&name);
                assert!(
                    line_matches(pattern, &pass),
                    "### {heading}: the sheet says {name} passes with\n  \
                     {pattern}\nbut its solution printed\n  {pass}"
                );
                passes += 1;
            }
        }
        assert_eq!(
            passes,
            on_sheet.len(),
            "### {heading}: a `- Passes:` line under every `- Check:`"
        );
        assert_eq!(
            tasks,
            on_sheet.len(),
            "### {heading}: one `**N. Name.**` task per exercise"
        );
        assert_eq!(
            on_sheet, in_chapter,
            "### {heading}: the sheet must list the exercises that src/{} runs",
            chapter.file
        );
        let at = flat.find("Exercises: about ").unwrap_or_else(|| {
            panic!("### {heading}: no `Exercises: about N minutes`")
        });
        assert_eq!(
            first_number(&flat[at..]),
            Some(chapter_exercise_minutes(&chapter.file)),
            "### {heading}: exercise minutes differ from src/{}",
            chapter.file
        );
        assigned.extend(on_sheet);
    }
    let starters = exercise_starters();
    let missing: Vec<_> = starters.difference(&assigned).collect();
    assert!(
        missing.is_empty(),
        "{PAGE}: exercises on no sheet: {missing:?}"
    );
}

#[test]
fn the_parsers_read_what_they_should() {
    assert_eq!(
        cells("| a | `x | y` | [t](t.md) |"),
        vec!["a", "`x | y`", "[t](t.md)"]
    );
    assert_eq!(
        commands(
            "run `cargo run --example\n  ex_a_b` and `cargo run --example c`."
        ),
        vec!["ex_a_b", "c"]
    );
    assert_eq!(
        link("[Race conditions](race-conditions.md) x"),
        Some(("Race conditions".into(), "race-conditions.md".into()))
    );
    assert_eq!(first_number("about 50 minutes: 30"), Some(50));
}
