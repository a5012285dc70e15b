//! The quizzes at the end of the chapters (`quizzes/*.toml`, shown by
//! mdbook-quiz). mdbook-quiz checks them when the book builds, with plain
//! `rustc` (no `--edition`, so the 2015 edition) and no time limit. These
//! tests check them again, with the book's edition and with a time limit,
//! so that `cargo test` finds a wrong answer before the book build does:
//!
//! - every `Tracing` program compiles, or not, as `doesCompile` says, both
//!   as edition 2024 (the book's) and as rustc's default edition with
//!   `-A warnings` (what mdbook-quiz runs): a program whose answer depends
//!   on the edition would teach one thing and be checked against another;
//! - a program that compiles exits 0 within 10 s and prints exactly
//!   `stdout` (compared with surrounding whitespace trimmed, as mdbook-quiz
//!   compares), under both editions;
//! - every chapter ends with `## Quiz` and its `{{#quiz ...}}` line, every
//!   quiz file is used by exactly one chapter, and every quiz has at least
//!   four questions, one of them a `Tracing` question, each with an `id`
//!   (otherwise mdbook-quiz writes a random one into the file) and a
//!   `context` that explains the answer.

use crate::support::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use book_harness::console::run_bounded;
use toml::Value;

/// Pages without a quiz: the summary, and the pages that are not chapters.
const NO_QUIZ_NEEDED: &[&str] =
    &["SUMMARY.md", "introduction.md", "instructors.md"];
const MIN_QUESTIONS: usize = 4;
const RUN_LIMIT: Duration = Duration::from_secs(10);
const COMPILE_LIMIT: Duration = Duration::from_secs(60);

fn files_in(dir: &str, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}/: {e}"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Every quiz file, parsed: (file stem, its questions).
fn quizzes() -> Vec<(String, Vec<Value>)> {
    files_in("quizzes", "toml")
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let quiz: Value = toml::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let questions = quiz
                .get("questions")
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{}: no [[questions]]", name(path)))
                .clone();
            (stem(path), questions)
        })
        .collect()
}

fn string<'a>(question: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut value = question;
    for key in path {
        value = value.get(key)?;
    }
    value.as_str()
}

/// The `{{#quiz PATH}}` lines of a chapter.
fn quiz_includes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let inner = line.trim().strip_prefix("{{#quiz ")?;
            Some(inner.strip_suffix("}}")?.trim().to_owned())
        })
        .collect()
}

#[test]
fn every_chapter_ends_with_its_quiz() {
    let mut problems = Vec::new();
    for chapter in files_in("src", "md") {
        let file = name(&chapter);
        let text = std::fs::read_to_string(&chapter).unwrap();
        let includes = quiz_includes(&text);
        let wanted = format!("../quizzes/{}.toml", stem(&chapter));
        if NO_QUIZ_NEEDED.contains(&file.as_str()) && includes.is_empty() {
            continue;
        }
        if includes != [wanted.clone()] {
            problems.push(format!(
                "src/{file}: want exactly one `{{{{#quiz {wanted}}}}}`, found {includes:?}"
            ));
            continue;
        }
        let last: Vec<&str> = text
            .lines()
            .map(str::trim_end)
            .filter(|line| !line.is_empty())
            .rev()
            .take(2)
            .collect();
        let include = format!("{{{{#quiz {wanted}}}}}");
        if last != [include.as_str(), "## Quiz"] {
            problems.push(format!(
                "src/{file}: must end with `## Quiz` and then `{include}`; \
                 its last lines are {last:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_quiz_file_is_used_once() {
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for chapter in files_in("src", "md") {
        let text = std::fs::read_to_string(&chapter).unwrap();
        for include in quiz_includes(&text) {
            used.entry(include).or_default().push(name(&chapter));
        }
    }
    for (stem, _) in quizzes() {
        let include = format!("../quizzes/{stem}.toml");
        let chapters = used.remove(&include).unwrap_or_default();
        assert_eq!(
            chapters.len(),
            1,
            "quizzes/{stem}.toml must be included by exactly one chapter, \
             is by {chapters:?}"
        );
    }
    assert!(used.is_empty(), "includes of missing quiz files: {used:?}");
    // Nothing else in quizzes/: a stray file would be neither shown nor
    // checked.
    let stray: Vec<String> = std::fs::read_dir(root().join("quizzes"))
        .unwrap()
        .map(|entry| name(&entry.unwrap().path()))
        .filter(|file| !file.ends_with(".toml"))
        .collect();
    assert!(stray.is_empty(), "not quizzes, in quizzes/: {stray:?}");
}

#[test]
fn every_quiz_has_enough_explained_questions() {
    let mut ids = BTreeSet::new();
    for (stem, questions) in quizzes() {
        assert!(
            questions.len() >= MIN_QUESTIONS,
            "quizzes/{stem}.toml: {} questions, want at least {MIN_QUESTIONS}",
            questions.len()
        );
        let tracing = questions
            .iter()
            .filter(|q| string(q, &["type"]) == Some("Tracing"))
            .count();
        assert!(tracing >= 1, "quizzes/{stem}.toml: no Tracing question");
        for (n, question) in questions.iter().enumerate() {
            let at = format!("quizzes/{stem}.toml, question {}", n + 1);
            let id = string(question, &["id"]).unwrap_or_else(|| {
                panic!(
                    "{at}: no id (mdbook-quiz would write one into the file)"
                )
            });
            assert!(ids.insert(id.to_owned()), "{at}: duplicate id {id:?}");
            let kind = string(question, &["type"]).unwrap_or("none");
            assert!(
                ["Tracing", "MultipleChoice", "ShortAnswer"].contains(&kind),
                "{at}: unknown type {kind:?}"
            );
            let context = string(question, &["context"]).unwrap_or("");
            assert!(
                context.trim().len() >= 40,
                "{at}: the context must explain the answer"
            );
            if kind == "MultipleChoice" {
                let distractors = question
                    .get("prompt")
                    .and_then(|p| p.get("distractors"))
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                assert!(distractors >= 2, "{at}: fewer than 2 distractors");
            }
        }
    }
}

/// One `Tracing` question: where it is, its program and its answer.
struct Tracing {
    at: String,
    program: String,
    does_compile: bool,
    stdout: Option<String>,
    /// For a program that must not compile: the error codes (`E0499`) and
    /// deny-by-default lints its context names, which rustc must report,
    /// so that it fails for the reason the explanation gives.
    errors: Vec<String>,
}

/// Deny-by-default lints a context may name instead of an error code.
const DENY_LINTS: &[&str] = &["let_underscore_lock"];

/// The error codes (`E` and four digits) and deny lints named in `text`.
fn named_errors(text: &str) -> Vec<String> {
    let mut errors: Vec<String> = text
        .match_indices('E')
        .filter_map(|(at, _)| text.get(at..at + 5))
        .filter(|code| code[1..].bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
        .collect();
    errors.extend(
        DENY_LINTS
            .iter()
            .filter(|lint| text.contains(&format!("`{lint}`")))
            .map(|lint| lint.to_string()),
    );
    errors.dedup();
    errors
}

fn tracing_questions() -> Vec<Tracing> {
    let mut found = Vec::new();
    for (stem, questions) in quizzes() {
        for question in &questions {
            if string(question, &["type"]) != Some("Tracing") {
                continue;
            }
            let id = string(question, &["id"]).unwrap_or("?");
            let at = format!("quizzes/{stem}.toml, question {id}");
            let program = string(question, &["prompt", "program"])
                .unwrap_or_else(|| panic!("{at}: no prompt.program"))
                .to_owned();
            let does_compile = question
                .get("answer")
                .and_then(|a| a.get("doesCompile"))
                .and_then(Value::as_bool)
                .unwrap_or_else(|| panic!("{at}: no answer.doesCompile"));
            let stdout =
                string(question, &["answer", "stdout"]).map(str::to_owned);
            let context = string(question, &["context"]).unwrap_or("");
            let errors = named_errors(context);
            if !does_compile {
                assert!(
                    !errors.is_empty(),
                    "{at}: the context must name the error code (E0499) or \
                     deny lint that stops the program"
                );
            }
            found.push(Tracing {
                at,
                program,
                does_compile,
                stdout,
                errors,
            });
        }
    }
    found
}

/// How a question's program is compiled: the book's edition, and the
/// command mdbook-quiz runs (`rustc main.rs -A warnings`).
const EDITIONS: &[(&str, &[&str])] = &[
    ("edition 2024", &["--edition=2024"]),
    (
        "rustc's default edition, as mdbook-quiz",
        &["-A", "warnings"],
    ),
];

/// Compile and run `program`; Err(rustc's output) if it did not compile,
/// Ok((exit code, stdout)) if it did. std only, like mdbook-quiz.
fn compile_and_run(
    program: &str,
    flags: &[&str],
    dir: &Path,
) -> Result<(Option<i32>, String), String> {
    std::fs::create_dir_all(dir).unwrap();
    let source = dir.join("main.rs");
    let binary = dir.join("main");
    std::fs::write(&source, program).unwrap();
    let mut rustc = Command::new("rustc");
    rustc.arg(&source).args(flags).arg("-o").arg(&binary);
    let compiled = run_bounded(rustc, COMPILE_LIMIT).expect("cannot run rustc");
    if compiled.exit_code != Some(0) {
        return Err(compiled.output);
    }
    // stdout only: the answer is what the program prints there (a panic
    // message on stderr is not part of it).
    let mut run = Command::new("sh");
    run.args(["-c", "exec \"$0\" 2>/dev/null"]).arg(&binary);
    let outcome = run_bounded(run, RUN_LIMIT).expect("cannot run the program");
    Ok((outcome.exit_code, outcome.output))
}

/// Every mismatch between a question's answer and what its program does.
fn check_tracing(question: &Tracing, scratch: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (n, (edition, flags)) in EDITIONS.iter().enumerate() {
        let dir = scratch.join(format!("{n}"));
        let at = format!("{} ({edition})", question.at);
        match compile_and_run(&question.program, flags, &dir) {
            Err(rustc) if question.does_compile => problems.push(format!(
                "{at}: doesCompile = true, but rustc failed:\n{rustc}"
            )),
            Err(rustc) => {
                for error in &question.errors {
                    let reported = if error.starts_with('E') {
                        rustc.contains(&format!("error[{error}]"))
                    } else {
                        rustc.contains(&format!("#[deny({error})]"))
                    };
                    if !reported {
                        problems.push(format!(
                            "{at}: the context names {error}, but rustc \
                             did not report it:\n{rustc}"
                        ));
                    }
                }
                if question.stdout.is_some() {
                    problems.push(format!(
                        "{at}: does not compile, but has answer.stdout"
                    ));
                }
            }
            Ok(_) if !question.does_compile => problems
                .push(format!("{at}: doesCompile = false, but it compiles")),
            Ok((exit_code, stdout)) => {
                if exit_code != Some(0) {
                    problems.push(format!(
                        "{at}: exit code {exit_code:?} (None: still running \
                         after {RUN_LIMIT:?}); stdout:\n{stdout}"
                    ));
                }
                let expected = question.stdout.as_deref().unwrap_or_default();
                if question.stdout.is_none() {
                    problems
                        .push(format!("{at}: compiles, but no answer.stdout"));
                } else if stdout.trim() != expected.trim() {
                    problems.push(format!(
                        "{at}: answer.stdout is\n{expected}\nbut the program \
                         printed\n{stdout}"
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(scratch);
    problems
}

#[test]
fn tracing_answers_are_what_rustc_and_the_programs_say() {
    let _gate = crate::support::cpu_heavy();
    let questions = tracing_questions();
    assert!(!questions.is_empty(), "no Tracing questions found");
    let scratch = std::env::temp_dir()
        .join(format!("book-quizzes-{}", std::process::id()));
    // A few at a time: each check runs rustc twice.
    let workers = thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let next = AtomicUsize::new(0);
    let problems: Vec<String> = thread::scope(|s| {
        let checks: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut problems = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some(question) = questions.get(n) else {
                            break;
                        };
                        let dir = scratch.join(n.to_string());
                        problems.extend(check_tracing(question, &dir));
                    }
                    problems
                })
            })
            .collect();
        checks.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        problems.is_empty(),
        "{} problem(s) in {} Tracing questions:\n\n{}",
        problems.len(),
        questions.len(),
        problems.join("\n\n")
    );
}
