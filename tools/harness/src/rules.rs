//! What each code block of the book is, and which check tests it. A block that
//! fits no check is a problem: nothing in the book may escape the tests.

use std::fs;
use std::path::Path;

use crate::markdown::Block;

/// Languages a fence may name. `rust`, `console` and `python` carry code or
/// output that is checked (`text,output` is what the `python` block above it
/// prints); the others are listings (TOML settings, plain text).
pub const LANGUAGES: &[&str] =
    &["rust", "console", "python", "toml", "text", "sh"];

/// Fence words allowed after `rust`, besides error codes and lint names that
/// follow `compile_fail`.
const RUST_WORDS: &[&str] = &[
    "ignore",
    "no_run",
    "should_panic",
    "compile_fail",
    "editable",
    "noplayground",
    "edition2021",
];

/// How a block is tested.
#[derive(Debug, PartialEq, Eq)]
pub enum Check {
    /// Compiled and run (or only compiled, `no_run`) by skeptic.
    Skeptic,
    /// The whole program `examples/NAME.rs`, shown by `rustdoc_include`
    /// lines of that file only: cargo builds it as an example of the
    /// learner's package and tests/book/example_runs.rs runs it, so it is
    /// not compiled a second time.
    Example(String),
    /// Compiled as edition 2021 and run by the harness (skeptic knows one
    /// edition only).
    Edition2021,
    /// Compiled and run by the harness; must panic within the time limit.
    ShouldPanic,
    /// Must fail to compile with this error code (`E0499`) or deny lint.
    CompileFail(String),
    /// Its `cargo run --example` and `cargo exercises` commands are run and
    /// their output compared.
    Console,
    /// Run by `python3` (python.rs): exits 0 and prints `output` if a
    /// `text,output` block follows it, or, `hangs`, is still running at the
    /// limit.
    Python {
        hangs: bool,
        output: Option<crate::python::Shown>,
    },
    /// A `text,output` block: what the `python` block above it prints,
    /// checked by that block's test.
    Output,
    /// Shown as it is: no code and no output to check.
    Listing,
}

/// Fence words allowed after `python`.
const PYTHON_WORDS: &[&str] = &["fragment", "hangs"];

/// An error code (`E0499`) or the name of a lint (`let_underscore_lock`).
fn is_error_code(word: &str) -> bool {
    word.len() == 5
        && word.starts_with('E')
        && word[1..].chars().all(|c| c.is_ascii_digit())
}

fn is_lint_name(word: &str) -> bool {
    word.contains('_')
        && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// Decide how `block` is tested, or say why it cannot be.
pub fn check_of(block: &Block, root: &Path) -> Result<Check, String> {
    let place = block.place();
    let lang = block.lang();
    if lang.is_empty() {
        return Err(format!(
            "{place}: code block has no language; write ```rust, ```console, ```text ..."
        ));
    }
    if !LANGUAGES.contains(&lang) {
        return Err(format!(
            "{place}: unknown language `{lang}` (allowed: {})",
            LANGUAGES.join(", ")
        ));
    }
    match lang {
        "rust" => rust_check(block, root),
        "console" => console_check(block),
        "python" => python_check(block),
        "text" if block.words.len() == 2 && block.has("output") => {
            Ok(Check::Output)
        }
        _ => {
            if block.words.len() > 1 {
                return Err(format!(
                    "{place}: fence words after `{lang}` are not checked: {:?}",
                    &block.words[1..]
                ));
            }
            Ok(Check::Listing)
        }
    }
}

/// The widest line of code the page shows without a sideways scroll bar
/// (rustfmt.toml keeps examples/ to the same width).
pub const MAX_WIDTH: usize = 80;

fn rust_check(block: &Block, root: &Path) -> Result<Check, String> {
    let place = block.place();
    let mut shown = block.code.lines().filter(|l| !is_hidden(l));
    if let Some(wide) = shown.find(|l| l.chars().count() > MAX_WIDTH) {
        return Err(format!(
            "{place}: a line is wider than {MAX_WIDTH} columns and would scroll sideways: `{wide}`"
        ));
    }
    let mut codes = Vec::new();
    for word in &block.words[1..] {
        if RUST_WORDS.contains(&word.as_str()) {
            continue;
        }
        if is_error_code(word) || is_lint_name(word) {
            codes.push(word.clone());
            continue;
        }
        return Err(format!(
            "{place}: unknown fence word `{word}` (the tests would not see it)"
        ));
    }
    let example = whole_example(block, root)?;
    if let Some(name) = &example {
        for word in ["ignore", "should_panic", "compile_fail", "edition2021"] {
            if block.has(word) {
                return Err(format!(
                    "{place}: this block is the whole example examples/{name}.rs, which cargo builds \
                     and tests/book/example_runs.rs runs as it is; it cannot be marked `{word}` \
                     (show a part of it with `{{{{#include ...:anchor}}}}`, or write the block out)"
                ));
            }
        }
    }
    if block.has("compile_fail") {
        // An error with no code (rustc has none for some, such as "future
        // cannot be sent between threads safely") is named by its message,
        // on the line above: `<!-- compile_fail: MESSAGE -->`.
        let message = block
            .note
            .as_deref()
            .and_then(|n| n.strip_prefix("compile_fail:"))
            .map(|m| m.trim().to_owned());
        match (codes.len(), message) {
            (0, Some(message)) if !message.is_empty() => {
                codes.push(format!("error: {message}"));
            }
            (1, None) => {}
            _ => {
                return Err(format!(
                    "{place}: `compile_fail` needs exactly one error code or lint, like \
                     rust,compile_fail,E0499, or, for an error rustc gives no code, its message \
                     on the line above: <!-- compile_fail: MESSAGE -->"
                ));
            }
        }
        for other in ["ignore", "no_run", "should_panic", "edition2021"] {
            if block.has(other) {
                return Err(format!(
                    "{place}: `compile_fail` cannot go with `{other}`"
                ));
            }
        }
        return Ok(Check::CompileFail(codes.remove(0)));
    }
    if let Some(code) = codes.first() {
        return Err(format!(
            "{place}: `{code}` only means something after `compile_fail`"
        ));
    }
    if block.has("edition2021") {
        for other in ["ignore", "no_run", "should_panic"] {
            if block.has(other) {
                return Err(format!(
                    "{place}: `edition2021` blocks are compiled and run; they cannot go with `{other}`"
                ));
            }
        }
        return Ok(Check::Edition2021);
    }
    if block.has("should_panic") {
        for other in ["ignore", "no_run"] {
            if block.has(other) {
                return Err(format!(
                    "{place}: a `should_panic` block is run to see it panic; it cannot go with `{other}`"
                ));
            }
        }
        return Ok(Check::ShouldPanic);
    }
    if block.has("ignore") {
        check_ignore_reason(block, root)?;
    }
    if block.has("no_run") {
        let reason = block
            .note
            .as_deref()
            .and_then(|n| n.strip_prefix("no_run:"));
        if reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(format!(
                "{place}: a `no_run` block needs its reason in a comment on the line above: <!-- no_run: why -->"
            ));
        }
    }
    Ok(match example {
        Some(name) => Check::Example(name),
        None => Check::Skeptic,
    })
}

/// The example a block is, whole: NAME when every non-blank line of the
/// block as written is `{{#rustdoc_include PATH[:PART]}}` of one and the same
/// file PATH, and that file is `examples/NAME.rs` at the top of the book's
/// `examples/` (a cargo example of the learner's package). `rustdoc_include`
/// keeps the rest of the file as hidden lines, so such a block compiles to
/// exactly that file, whatever parts it shows.
fn whole_example(block: &Block, root: &Path) -> Result<Option<String>, String> {
    let mut includes = Vec::new();
    for line in block.written.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        match crate::markdown::include_directive(line) {
            Some(include) if include.rustdoc => includes.push(include.path),
            _ => return Ok(None),
        }
    }
    let Some(path) = includes.first() else {
        return Ok(None);
    };
    if includes.iter().any(|p| p != path) {
        return Ok(None);
    }
    let dir = root.join(&block.file);
    let file = dir.parent().unwrap_or(root).join(path);
    // Compare real paths: `../examples/x.rs` from src/, or a linked folder.
    let place = block.place();
    let file = fs::canonicalize(&file)
        .map_err(|e| format!("{place}: cannot include {path}: {e}"))?;
    let examples = fs::canonicalize(root.join("examples")).ok();
    let at_top = file
        .parent()
        .is_some_and(|p| Some(p) == examples.as_deref());
    if !at_top || file.extension().is_none_or(|e| e != "rs") {
        return Ok(None);
    }
    let name = file.file_stem().expect("a file .rs has a stem");
    Ok(Some(name.to_string_lossy().into_owned()))
}

fn is_hidden(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("# ") || t == "#"
}

/// An ignored block must say why and where its code is tested instead:
/// `<!-- ignore: why; tested in tests/loom_counter.rs -->`, and every line of
/// the block must stand in that file.
fn check_ignore_reason(block: &Block, root: &Path) -> Result<(), String> {
    let place = block.place();
    let usage = "<!-- ignore: why; tested in PATH -->";
    let note = block
        .note
        .as_deref()
        .and_then(|n| n.strip_prefix("ignore:"));
    let Some(note) = note else {
        return Err(format!(
            "{place}: an `ignore` block needs a reason on the line above: {usage}"
        ));
    };
    let Some((why, path)) = note.split_once("tested in") else {
        return Err(format!(
            "{place}: an `ignore` block must name where its code is tested: {usage}"
        ));
    };
    let why = why.trim().trim_end_matches(';').trim();
    let path = path.trim();
    if why.is_empty() {
        return Err(format!(
            "{place}: an `ignore` block needs a reason: {usage}"
        ));
    }
    let text = fs::read_to_string(root.join(path))
        .map_err(|e| format!("{place}: the ignored block says it is tested in {path}, which cannot be read: {e}"))?;
    let file_lines: Vec<&str> = text.lines().map(str::trim).collect();
    for line in block
        .compiled_code()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !file_lines.contains(&line) {
            return Err(format!(
                "{place}: the ignored block says it is tested in {path}, but that file lacks the line `{line}`"
            ));
        }
    }
    Ok(())
}

/// `python`, `python,fragment` (hidden `~` lines give its context),
/// `python,hangs`; see python.rs.
fn python_check(block: &Block) -> Result<Check, String> {
    let place = block.place();
    if let Some(word) = block.words[1..]
        .iter()
        .find(|w| !PYTHON_WORDS.contains(&w.as_str()))
    {
        return Err(format!(
            "{place}: unknown fence word `{word}` after `python` (allowed: {})",
            PYTHON_WORDS.join(", ")
        ));
    }
    let hidden = block.code.lines().any(crate::python::is_hidden);
    let hidden_prefix = crate::python::HIDDEN;
    match (block.has("fragment"), hidden) {
        (true, false) => Err(format!(
            "{place}: a `python,fragment` block names the context it runs in: \
             give it as hidden lines starting `{hidden_prefix}` (imports, the names \
             it uses, the calls that run it)"
        )),
        (false, true) => Err(format!(
            "{place}: this block has hidden `{hidden_prefix}` lines, so it is not the \
             whole program a reader sees: mark it ```python,fragment"
        )),
        _ => Ok(Check::Python {
            hangs: block.has("hangs"),
            output: None,
        }),
    }
}

/// Give each `python` block the `text,output` block that follows it (the
/// next block of the same file); an output block anywhere else is a problem.
fn pair_outputs(found: &mut [(Block, Check)], problems: &mut Vec<String>) {
    for i in 0..found.len() {
        if found[i].1 != Check::Output {
            continue;
        }
        let (before, rest) = found.split_at_mut(i);
        let output = &rest[0].0;
        let place = output.place();
        match before.last_mut() {
            Some((
                python,
                Check::Python {
                    hangs,
                    output: slot,
                },
            )) if python.file == output.file => {
                if *hangs {
                    problems.push(format!(
                        "{place}: an output block under a `python,hangs` block \
                         would never be compared (the program is stopped)"
                    ));
                } else {
                    *slot = Some(crate::python::Shown {
                        line: output.line,
                        text: output.code.clone(),
                    });
                }
            }
            _ => problems.push(format!(
                "{place}: a `text,output` block shows what the `python` block \
                 right above it prints, and there is none"
            )),
        }
    }
}

fn console_check(block: &Block) -> Result<Check, String> {
    let place = block.place();
    if block.words.len() > 1 {
        return Err(format!(
            "{place}: fence words after `console` are not checked: {:?}",
            &block.words[1..]
        ));
    }
    let mut runs = false;
    let mut current: Option<&str> = None;
    for line in block.code.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            current = Some(command);
            match crate::console::parse_runnable(command) {
                Some(crate::console::Runnable::Exercises(args)) => {
                    if let Some(why) =
                        crate::console::unrunnable_exercises(&args)
                    {
                        return Err(format!(
                            "{place}: `{command}` cannot be run by a test ({why}); \
                             show it in a ```sh block instead"
                        ));
                    }
                    runs = true;
                }
                Some(crate::console::Runnable::Example(_)) => runs = true,
                None => {}
            }
        } else if !line.trim().is_empty() {
            match current {
                None => {
                    return Err(format!(
                        "{place}: console output before any `$ ` command"
                    ));
                }
                Some(c)
                    if crate::console::parse_runnable(c).is_none()
                        && c.trim() != crate::console::EXIT_CODE =>
                {
                    return Err(format!(
                        "{place}: output shown for `{c}` is never compared with a real run; \
                         only the output of `cargo run --example NAME [-- ARGS]` and \
                         `cargo exercises [ARGS]` is checked"
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(if runs { Check::Console } else { Check::Listing })
}

/// Every block of the book, or the problems found: unreadable files,
/// unclosed fences, bad includes, and blocks that no check would test.
pub fn all_blocks(root: &Path) -> (Vec<(Block, Check)>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for file in crate::markdown::book_files(root) {
        match crate::markdown::blocks(root, &file) {
            Err(e) => problems.push(e),
            Ok(blocks) => {
                let mut file_found = Vec::new();
                for block in blocks {
                    match check_of(&block, root) {
                        Ok(check) => file_found.push((block, check)),
                        Err(e) => problems.push(e),
                    }
                }
                pair_outputs(&mut file_found, &mut problems);
                found.extend(file_found);
            }
        }
    }
    (found, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(words: &str, note: Option<&str>, code: &str) -> Block {
        Block {
            file: "src/x.md".into(),
            line: 3,
            words: words.split(',').map(str::to_owned).collect(),
            code: code.into(),
            note: note.map(str::to_owned),
            included: false,
            written: String::new(),
        }
    }

    fn check(
        words: &str,
        note: Option<&str>,
        code: &str,
    ) -> Result<Check, String> {
        check_of(&block(words, note, code), Path::new("."))
    }

    #[test]
    fn kinds() {
        assert_eq!(check("rust", None, ""), Ok(Check::Skeptic));
        assert_eq!(
            check("rust,should_panic", None, ""),
            Ok(Check::ShouldPanic)
        );
        assert_eq!(check("rust,edition2021", None, ""), Ok(Check::Edition2021));
        assert!(check("rust,edition2021,no_run", None, "").is_err());
        assert_eq!(
            check("rust,compile_fail,E0499", None, ""),
            Ok(Check::CompileFail("E0499".into()))
        );
        assert_eq!(
            check("rust,compile_fail,let_underscore_lock", None, ""),
            Ok(Check::CompileFail("let_underscore_lock".into()))
        );
        let python = |hangs| Check::Python {
            hangs,
            output: None,
        };
        assert_eq!(check("python", None, "x = 1\n"), Ok(python(false)));
        assert_eq!(
            check("python,fragment", None, "~x = 1\nprint(x)\n"),
            Ok(python(false))
        );
        assert_eq!(
            check("python,fragment,hangs", None, "~import time\n"),
            Ok(python(true))
        );
        assert_eq!(check("python,hangs", None, "x\n"), Ok(python(true)));
        assert_eq!(check("text,output", None, "1\n"), Ok(Check::Output));
        let e = check("python,fragment", None, "print(x)\n").unwrap_err();
        assert!(e.contains("names the context it runs in"), "{e}");
        let e = check("python", None, "~import os\n").unwrap_err();
        assert!(e.contains("mark it ```python,fragment"), "{e}");
        let e = check("python,hang", None, "").unwrap_err();
        assert!(e.contains("unknown fence word `hang`"), "{e}");
        let e = check("text,outputs", None, "").unwrap_err();
        assert!(e.contains("fence words after `text`"), "{e}");
        assert_eq!(
            check("console", None, "$ cargo run --example a\nout\n"),
            Ok(Check::Console)
        );
        assert_eq!(
            check("console", None, "$ cargo xtask serve\n"),
            Ok(Check::Listing)
        );
        assert_eq!(
            check("console", None, "$ cargo exercises hint ex_a\nHint 1/2\n"),
            Ok(Check::Console)
        );
        // Run too, and compared with nothing: it must print nothing.
        assert_eq!(
            check("console", None, "$ cargo exercises list\n"),
            Ok(Check::Console)
        );
    }

    #[test]
    fn problems_name_the_place() {
        assert_eq!(
            check(
                "rust,compile_fail",
                Some(
                    "compile_fail: future cannot be sent between threads safely"
                ),
                ""
            ),
            Ok(Check::CompileFail(
                "error: future cannot be sent between threads safely".into()
            ))
        );
        let e =
            check("rust,compile_fail,E0277", Some("compile_fail: both"), "")
                .unwrap_err();
        assert!(e.contains("exactly one error code"), "{e}");
        let e = check("rust,compile_fail", None, "").unwrap_err();
        assert!(
            e.starts_with("src/x.md:3: `compile_fail` needs exactly one"),
            "{e}"
        );
        let e = check("rust,compile-fail", None, "").unwrap_err();
        assert!(e.contains("unknown fence word `compile-fail`"), "{e}");
        let e = check("rust,ignore", None, "").unwrap_err();
        assert!(e.contains("needs a reason"), "{e}");
        let e = check("rust,ignore", Some("ignore: slow"), "").unwrap_err();
        assert!(e.contains("must name where"), "{e}");
        let e = check("rust,no_run", None, "").unwrap_err();
        assert!(e.contains("<!-- no_run: why -->"), "{e}");
        let e = check("", None, "").unwrap_err();
        assert!(e.contains("no language"), "{e}");
        let e = check("console", None, "$ cargo test\nok\n").unwrap_err();
        assert!(e.contains("never compared"), "{e}");
        for command in [
            "cargo exercises watch",
            "cargo exercises watch ex_a",
            "cargo exercises reset ex_a",
            "cargo exercises reset ex_a --yes",
        ] {
            let e =
                check("console", None, &format!("$ {command}\n")).unwrap_err();
            assert!(
                e.starts_with(&format!(
                    "src/x.md:3: `{command}` cannot be run by a test"
                )),
                "{e}"
            );
            assert!(e.contains("```sh block"), "{e}");
        }
        let wide = format!("let x = {};\n", "1".repeat(80));
        let e = check("rust", None, &wide).unwrap_err();
        assert!(e.contains("wider than 80 columns"), "{e}");
        assert_eq!(
            check("rust", None, &format!("# {wide}")),
            Ok(Check::Skeptic)
        );
        let e = check("rust,E0499", None, "").unwrap_err();
        assert!(
            e.contains("only means something after `compile_fail`"),
            "{e}"
        );
    }

    #[test]
    fn ignored_code_must_stand_in_the_named_file() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let note = "ignore: needs cfg(loom); tested in src/rules.rs";
        let ok = block(
            "rust,ignore",
            Some(note),
            "fn is_error_code(word: &str) -> bool {\n",
        );
        assert_eq!(check_of(&ok, here), Ok(Check::Skeptic));
        let bad = block("rust,ignore", Some(note), "fn not_there() {}\n");
        let e = check_of(&bad, here).unwrap_err();
        assert!(e.contains("lacks the line `fn not_there() {}`"), "{e}");
    }

    /// A book in a temporary folder: `examples/whole.rs`,
    /// `examples/part/helper.rs` and a chapter `src/x.md` with `text`.
    fn book_with(name: &str, text: &str) -> std::path::PathBuf {
        let root = std::env::temp_dir()
            .join(format!("harness-rules-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("examples/part")).unwrap();
        fs::create_dir_all(root.join("src")).unwrap();
        let program = "// ANCHOR: a\nfn a() {}\n// ANCHOR_END: a\n// ANCHOR: b\nfn main() { a() }\n// ANCHOR_END: b\n";
        fs::write(root.join("examples/whole.rs"), program).unwrap();
        fs::write(root.join("examples/part/helper.rs"), program).unwrap();
        fs::write(root.join("src/x.md"), text).unwrap();
        root
    }

    fn checks(root: &Path) -> (Vec<Check>, Vec<String>) {
        let (found, problems) = all_blocks(root);
        (found.into_iter().map(|(_, c)| c).collect(), problems)
    }

    #[test]
    fn an_output_block_goes_with_the_python_block_above_it() {
        let text = "# X\n\n\
            ```python\nprint(1)\n```\n\nIt prints:\n\n```text,output\n1\n```\n\n\
            ```python,hangs\nwhile True: pass\n```\n\n```text,output\n2\n```\n\n\
            ```text,output\n3\n```\n\n```python\nx = 1\n```\n";
        let root = book_with("output", text);
        let (found, problems) = checks(&root);
        assert_eq!(
            problems,
            [
                "src/x.md:17: an output block under a `python,hangs` block \
                 would never be compared (the program is stopped)",
                "src/x.md:21: a `text,output` block shows what the `python` \
                 block right above it prints, and there is none",
            ]
        );
        let shown = crate::python::Shown {
            line: 9,
            text: "1\n".into(),
        };
        assert_eq!(
            found,
            [
                Check::Python {
                    hangs: false,
                    output: Some(shown),
                },
                Check::Output,
                Check::Python {
                    hangs: true,
                    output: None,
                },
                Check::Output,
                Check::Output,
                Check::Python {
                    hangs: false,
                    output: None,
                },
            ]
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_whole_example_is_left_to_cargo() {
        let text = "# X\n\n\
            ```rust\n{{#rustdoc_include ../examples/whole.rs}}\n```\n\n\
            ```rust,noplayground\n{{#rustdoc_include ../examples/whole.rs:a}}\n\n{{#rustdoc_include ../examples/whole.rs:b}}\n```\n\n\
            <!-- no_run: the exercise's check fails until it is solved -->\n\
            ```rust,no_run\n{{#rustdoc_include ../examples/whole.rs:a}}\n```\n\n\
            ```rust\n{{#include ../examples/whole.rs:a}}\n```\n\n\
            ```rust\n{{#rustdoc_include ../examples/whole.rs:a}}\nfn more() {}\n```\n\n\
            ```rust\n{{#rustdoc_include ../examples/part/helper.rs}}\n```\n";
        let root = book_with("whole", text);
        let (found, problems) = checks(&root);
        assert_eq!(problems, Vec::<String>::new());
        let whole = || Check::Example("whole".into());
        assert_eq!(
            found,
            [
                whole(),
                whole(),
                whole(),
                // A part only with `include`, code beside the include, and
                // a file that is no example target: compiled by skeptic.
                Check::Skeptic,
                Check::Skeptic,
                Check::Skeptic,
            ]
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_whole_example_cannot_be_marked_to_run_another_way() {
        for word in [
            "ignore",
            "should_panic",
            "compile_fail,E0499",
            "edition2021",
        ] {
            let text = format!(
                "# X\n\n<!-- ignore: x; tested in examples/whole.rs -->\n```rust,{word}\n{{{{#rustdoc_include ../examples/whole.rs:b}}}}\n```\n"
            );
            let root = book_with("marked", &text);
            let (found, problems) = checks(&root);
            assert_eq!(found, []);
            let word = word.split(',').next().unwrap();
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(
                problems[0].starts_with("src/x.md:4: this block is the whole example examples/whole.rs"),
                "{problems:?}"
            );
            assert!(
                problems[0].contains(&format!("cannot be marked `{word}`")),
                "{problems:?}"
            );
            fs::remove_dir_all(&root).unwrap();
        }
    }
}
