//! The "For instructors" page (src/instructors.md) stays true to the book:
//! its course plan has every chapter of Part I and II with the minutes the
//! chapter states, the part totals add up, and every command on the page
//! runs an example, on the page as mdBook shows it. The course plan's
//! minutes and the assignment sheets are generated from the exercises'
//! manifest and checked in `manifest.rs`; this module also
//! holds the readers of SUMMARY.md and the chapters' `**Time:**` lines that
//! both use.

use crate::manifest::{PLAN, PLAN_INCLUDE, SHEETS, SHEETS_INCLUDE};
use crate::support::{read, root};
use std::path::PathBuf;

const PAGE: &str = "src/instructors.md";

/// A chapter as SUMMARY.md lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub title: String,
    pub file: String,
    pub part: u8,
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
pub fn summary_chapters() -> Vec<Chapter> {
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

/// The body rows of each table in `lines` (header and rule skipped).
fn tables(lines: &[&str]) -> Vec<Vec<Vec<String>>> {
    let mut out = Vec::new();
    let mut rest = lines;
    loop {
        let start = rest.iter().position(|l| l.trim_start().starts_with('|'));
        let Some(start) = start else { break out };
        let len = rest[start..]
            .iter()
            .take_while(|l| l.trim_start().starts_with('|'))
            .count();
        let table = &rest[start..start + len];
        assert!(
            table.len() >= 2,
            "{PAGE}: expected a table, found {table:?}"
        );
        out.push(table[2..].iter().map(|r| cells(r)).collect());
        rest = &rest[start + len..];
    }
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
    let text = crate::manifest::rendered(&format!("src/{file}"));
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
pub fn chapter_minutes(file: &str) -> u32 {
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
pub fn chapter_exercise_minutes(file: &str) -> u32 {
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

/// Every example named by `cargo run [--features F] --example NAME` in
/// `text` (line breaks inside the command allowed), in order of appearance.
pub fn commands(text: &str) -> Vec<String> {
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

/// The page as mdBook shows it: with the generated parts included.
fn page() -> String {
    read(PAGE)
        .replace(PLAN_INCLUDE, &read(PLAN))
        .replace(SHEETS_INCLUDE, &read(SHEETS))
}

/// The course plan's two tables: the generated one as (chapter file,
/// minutes), and the hand-kept objectives as chapter files.
fn plan() -> (Vec<(String, u32)>, Vec<String>) {
    let page = page();
    let lines = section(&page, "## Course plan");
    let tables = tables(&lines);
    let [minutes, objectives] = &tables[..] else {
        panic!(
            "{PAGE}: the course plan wants two tables (minutes, objectives),              found {}",
            tables.len()
        )
    };
    let file = |row: &Vec<String>| {
        link(&row[0])
            .unwrap_or_else(|| {
                panic!("{PAGE}: plan row without a chapter link: {row:?}")
            })
            .1
    };
    let minutes = minutes
        .iter()
        .map(|row| {
            let n = row
                .get(1)
                .and_then(|m| m.trim().parse().ok())
                .unwrap_or_else(|| {
                    panic!("{PAGE}: plan row without whole minutes: {row:?}")
                });
            (file(row), n)
        })
        .collect();
    let objectives = objectives
        .iter()
        .map(|row| {
            assert!(
                row.len() == 3 && row[1..].iter().all(|c| !c.is_empty()),
                "{PAGE}: an objectives row needs chapter, objectives and                  prerequisites: {row:?}"
            );
            file(row)
        })
        .collect();
    (minutes, objectives)
}

#[test]
fn the_plan_lists_every_chapter_of_part_one_and_two_in_order() {
    let wanted: Vec<String> =
        summary_chapters().into_iter().map(|c| c.file).collect();
    let (minutes, objectives) = plan();
    let listed: Vec<String> = minutes.into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        listed, wanted,
        "{PAGE}: the course plan must list the chapters of SUMMARY's Part I \
         and II, in order"
    );
    assert_eq!(
        objectives, wanted,
        "{PAGE}: the objectives table must list the chapters of SUMMARY's \
         Part I and II, in order"
    );
}

#[test]
fn the_plan_minutes_are_the_chapters_own() {
    for (file, minutes) in plan().0 {
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
    let page = page();
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
    let page = page();
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
    assert_eq!(
        tables(&["x", "| a |", "| - |", "| 1 |", "", "| b |", "| - |"]),
        vec![vec![vec!["1".to_owned()]], vec![]]
    );
}
