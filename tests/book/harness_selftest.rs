//! Self-test of the harness: a copy of the small fixture book
//! (tests/fixtures/selftest-book) gets one broken block of each kind, and
//! the block tests of this workspace, built for that book (`BOOK_ROOT`),
//! must fail on exactly those, naming each one's file and line; a broken
//! link or an mdBook ERROR line must fail the book build.
//!
//! Ignored by a plain `cargo test`: they build the block tests and the
//! tasks a second time, in target/selftest (the running cargo holds the
//! main target folder). `cargo xtask test` runs them with `--ignored`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use book_harness::console::run_bounded;

use crate::support::{root, scratch};

/// Examples of the learner's package that the fixture's chapters include
/// (`{{#rustdoc_include ../examples/NAME.rs}}`), copied beside them.
const INCLUDED: &[&str] = &["fixed_total"];

/// Examples whose output the console blocks show, built for the checks.
const RUN: &[&str] = &["fixed_total", "lost_update"];

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to)
            .unwrap_or_else(|e| panic!("cannot copy {}: {e}", from.display()));
    }
}

/// A fresh copy of the fixture book, with the examples it includes.
fn fixture_book(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_tree(&root().join("tests/fixtures/selftest-book"), &dir);
    fs::create_dir_all(dir.join("examples")).unwrap();
    for example in INCLUDED {
        let file = format!("examples/{example}.rs");
        fs::copy(root().join(&file), dir.join(&file)).unwrap();
    }
    dir
}

/// The broken chapter. The long include at the top shifts every later line
/// of the expanded text, so the names must still give the lines of this file.
const BROKEN: &str = r#"# Broken on purpose

<!-- no_run: only its length matters here -->
```rust,no_run
{{#include ../examples/fixed_total.rs}}
```

Compile error:

```rust
fn main() { let x: u32 = "not a number"; }
```

Panics:

```rust
fn main() { panic!("injected panic"); }
```

Marked compile_fail, but compiles:

```rust,compile_fail,E0499
fn main() {}
```

Marked compile_fail with E0499, fails with E0308 instead:

```rust,compile_fail,E0499
fn main() { let x: u32 = "not a number"; }
```

Wrong output:

```console
$ cargo run --example fixed_total
this is not what it prints
```

Ignored without a reason:

```rust,ignore
fn main() {}
```

Hangs:

```rust
fn main() { loop { std::thread::park(); } }
```

Marked edition2021, but needs edition 2024 (let chains):

```rust,edition2021
fn main() { if let Some(x) = Some(1) && x > 0 { println!("{x}"); } }
```

Marked edition2021, and is 2021 only (`gen` is reserved in 2024): passes.

```rust,edition2021
fn main() { let gen = 1; assert_eq!(gen, 1); }
```

Marked should_panic, but hangs (skeptic would count the stop as a panic):

```rust,should_panic
fn main() { loop { std::thread::park(); } }
```

Marked should_panic, but ends normally:

```rust,should_panic
fn main() {}
```

Marked should_panic, and panics: passes.

```rust,should_panic
fn main() { panic!("as promised"); }
```

A whole example marked should_panic: cargo runs examples as they are.

```rust,should_panic
{{#rustdoc_include ../examples/fixed_total.rs}}
```
"#;

/// Broken blocks in the places a line scanner misses and mdBook renders:
/// a block quote, a `> [!NOTE]` admonition, a list item, and an indented
/// code block (which has no language, so no test could check it).
const SHAPES: &str = r#"# Shapes

> A quoted program:
>
> ```rust
> fn main() { panic!("in a block quote"); }
> ```

> [!NOTE]
> A program in a note:
>
> ```rust
> fn main() { let x: u32 = "in a note"; }
> ```

1. A step.

2. A program in a list item:

   ```rust
   fn main() { panic!("in a list item"); }
   ```

An indented block:

    fn main() {}

The end.
"#;

/// The 1-based line of the n-th line (0-based) of `text` equal to `line`.
fn line_of(text: &str, line: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| *l == line)
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no line {line:?} #{nth}"))
}

/// Runs `cmd` for at most `limit`: whether it succeeded, and its output.
fn bounded(cmd: Command, limit: Duration) -> (bool, String) {
    let what = format!("{cmd:?}");
    let run = run_bounded(cmd, limit).expect("the command starts");
    assert!(
        run.exit_code.is_some(),
        "{what} ran longer than {limit:?} and was stopped:\n{}",
        run.output
    );
    (run.exit_code == Some(0), run.output)
}

/// `cargo ARGS` in this workspace, building into target/selftest, for the
/// book at `book`.
fn cargo(args: &[&str], book: &Path) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(root())
        .env("CARGO_TARGET_DIR", root().join("target/selftest"))
        .env("BOOK_ROOT", book)
        .env("SNIPPET_LIMIT", "3")
        // Rewriting is tried on its own, below, not by an author's setting.
        .env_remove("SNAPSHOTS");
    bounded(cmd, Duration::from_secs(900))
}

#[test]
#[ignore = "builds the block tests for a broken book (a minute when warm); run by cargo xtask test"]
fn every_kind_of_broken_block_fails_and_names_its_place() {
    let dir = fixture_book("selftest-blocks");
    fs::write(dir.join("src/broken.md"), BROKEN).unwrap();
    fs::write(dir.join("src/shapes.md"), SHAPES).unwrap();

    let mut build = vec!["build", "--offline", "-p", "lockbook"];
    for example in RUN {
        build.extend(["--example", example]);
    }
    let (built, log) = cargo(&build, &dir);
    assert!(built, "the examples do not build:\n{log}");
    let (passed, log) = cargo(
        &[
            "test",
            "--offline",
            "--no-fail-fast",
            "-p",
            "book-tests",
            "--test",
            "blocks",
        ],
        &dir,
    );
    assert!(!passed, "cargo test passed with broken blocks:\n{log}");

    let broken = "src/broken.md";
    let at = |opening: &str, n| line_of(BROKEN, opening, n);
    let skeptic = |n| format!("src_broken_md_line_{}", at("```rust", n));
    let compile_fail = |n| {
        format!(
            "compile_fail_src_broken_md_line_{}",
            at("```rust,compile_fail,E0499", n)
        )
    };
    let shapes = "src/shapes.md";
    let quote = line_of(SHAPES, "> ```rust", 0);
    let note = line_of(SHAPES, "> ```rust", 1);
    let item = line_of(SHAPES, "   ```rust", 0);
    let indented = line_of(SHAPES, "    fn main() {}", 0);
    let mut expected = vec![
        skeptic(0),
        skeptic(1),
        compile_fail(0),
        compile_fail(1),
        format!("console_src_broken_md_line_{}", at("```console", 0)),
        "every_block_is_tested".to_owned(),
        skeptic(2),
        format!(
            "edition2021_src_broken_md_line_{}",
            at("```rust,edition2021", 0)
        ),
        format!(
            "should_panic_src_broken_md_line_{}",
            at("```rust,should_panic", 0)
        ),
        format!(
            "should_panic_src_broken_md_line_{}",
            at("```rust,should_panic", 1)
        ),
        format!("src_shapes_md_line_{quote}"),
        format!("src_shapes_md_line_{note}"),
        format!("src_shapes_md_line_{item}"),
    ];
    expected.sort();

    let mut failed: Vec<String> = log
        .lines()
        .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
        .map(str::to_owned)
        .collect();
    failed.sort();
    assert_eq!(
        failed, expected,
        "not exactly the broken blocks failed:\n{log}"
    );

    // The messages of the harness's own checks name file and line.
    let whole_example = at("```rust,should_panic", 3);
    for (file, line) in [
        (broken, at("```rust,compile_fail,E0499", 0)),
        (broken, at("```rust,compile_fail,E0499", 1)),
        (broken, at("```console", 0)),
        (broken, at("```rust,ignore", 0)),
        (broken, at("```rust,edition2021", 0)),
        (broken, whole_example),
        (shapes, indented),
    ] {
        assert!(
            log.contains(&format!("{file}:{line}")),
            "no message names {file}:{line}:\n{log}"
        );
    }
    assert!(log.contains("but it compiles"), "{log}");
    assert!(log.contains("error[E0308]"), "{log}");
    assert!(log.contains("(edition 2021): does not compile"), "{log}");
    assert!(log.contains("without a panic"), "{log}");
    assert!(log.contains("does not print what the book shows"), "{log}");
    assert!(log.contains("an `ignore` block needs a reason"), "{log}");
    assert!(
        log.contains(&format!(
            "{broken}:{whole_example}: this block is the whole example examples/fixed_total.rs"
        )),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "{shapes}:{indented}: code block has no language"
        )),
        "{log}"
    );
    assert!(
        log.contains("ran longer than 3 s"),
        "the hang was not stopped by the limit:\n{log}"
    );
    // The shapes' failures are their own: a panic in the quote and in the
    // list item, a compile error in the note.
    for shown in ["in a block quote", "in a list item"] {
        assert!(log.contains(shown), "{shown}:\n{log}");
    }
    // What passes is run too: the same-named files as two tests, the
    // plain program and the console block of the fixture.
    let intro = fs::read_to_string(dir.join("src/introduction.md")).unwrap();
    for name in [
        "src_a_readme_md_line_5".to_owned(),
        "src_b_readme_md_line_5".to_owned(),
        format!("src_introduction_md_line_{}", line_of(&intro, "```rust", 0)),
        format!(
            "console_src_introduction_md_line_{}",
            line_of(&intro, "```console", 0)
        ),
        format!(
            "edition2021_src_broken_md_line_{}",
            at("```rust,edition2021", 1)
        ),
        format!(
            "should_panic_src_broken_md_line_{}",
            at("```rust,should_panic", 2)
        ),
        format!("src_broken_md_line_{}", at("```rust,no_run", 0)),
    ] {
        assert!(
            log.contains(&format!("test {name} ... ok")),
            "{name} did not pass:\n{log}"
        );
    }
    // A block that is a whole example gets no test of its own: cargo
    // builds the example.
    let whole = line_of(&intro, "```rust", 1);
    assert!(
        !log.contains(&format!("src_introduction_md_line_{whole} ")),
        "the whole example at src/introduction.md:{whole} was compiled again:\n{log}"
    );
    // The include did not shift the names: the first broken block is far
    // below line 10 in the expanded text, but named by its line here.
    assert_eq!(skeptic(0), "src_broken_md_line_10");

    // SNAPSHOTS=overwrite: the console block that differs is rewritten
    // from a real run and its test still fails, saying so; the one that
    // matches keeps its `[..]`.
    let mut overwrite = Command::new(env!("CARGO"));
    overwrite
        .args(["test", "--offline", "-p", "book-tests", "--test", "blocks"])
        .args(["console_"])
        .current_dir(root())
        .env("CARGO_TARGET_DIR", root().join("target/selftest"))
        .env("BOOK_ROOT", &dir)
        .env("SNAPSHOTS", "overwrite");
    let (passed, log) = bounded(overwrite, Duration::from_secs(300));
    assert!(!passed, "a rewritten block passed:\n{log}");
    let console = at("```console", 0);
    assert!(
        log.contains(&format!(
            "SNAPSHOTS=overwrite: rewrote the block at {broken}:{console}"
        )),
        "{log}"
    );
    let rewritten = fs::read_to_string(dir.join(broken)).unwrap();
    assert!(
        !rewritten.contains("this is not what it prints")
            && rewritten.contains("one guard over the update: 50000 (lost 0)"),
        "{broken} was not rewritten from the run:\n{rewritten}"
    );
    assert_eq!(
        fs::read_to_string(dir.join("src/introduction.md")).unwrap(),
        intro,
        "a console block that matches was rewritten"
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// `cargo xtask build-book` on the book at `dir`.
fn build_book(dir: &Path) -> (bool, String) {
    let dest = dir.join("book");
    let (dir, dest) = (dir.to_str().unwrap(), dest.to_str().unwrap());
    cargo(
        &[
            "run",
            "--offline",
            "-q",
            "-p",
            "xtask",
            "--",
            "build-book",
            dir,
            "-d",
            dest,
        ],
        Path::new(dir),
    )
}

#[test]
#[ignore = "needs the pinned mdBook tools; run by cargo xtask test"]
fn broken_link_and_error_lines_fail_the_book_build() {
    let dir = fixture_book("selftest-links");
    let (ok, log) = build_book(&dir);
    assert!(ok, "the unchanged fixture book should build:\n{log}");

    let intro = dir.join("src/introduction.md");
    let text = fs::read_to_string(&intro).unwrap();
    fs::write(
        &intro,
        format!("{text}\nSee [a missing chapter](no-such-chapter.md).\n"),
    )
    .unwrap();
    let (ok, log) = build_book(&dir);
    assert!(!ok, "a broken link did not fail the build:\n{log}");
    assert!(
        log.contains("no-such-chapter.md"),
        "the failure does not name the link:\n{log}"
    );
    fs::write(&intro, text).unwrap();

    // mdBook 0.5 logs an unknown [output.html] key as ERROR and exits 0.
    let toml = dir.join("book.toml");
    let config = fs::read_to_string(&toml).unwrap();
    let broken =
        config.replace("[output.html]\n", "[output.html]\nno-such-key = 1\n");
    assert_ne!(broken, config, "the fixture's book.toml has [output.html]");
    fs::write(&toml, broken).unwrap();
    let (ok, log) = build_book(&dir);
    assert!(!ok, "an ERROR line did not fail the build:\n{log}");
    assert!(log.contains("ERROR"), "{log}");
    fs::remove_dir_all(&dir).unwrap();
}
