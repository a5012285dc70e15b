//! Self-test of the harness: on a temporary copy of the book, inject one
//! broken block of each kind and show that `cargo test` fails on exactly
//! those, naming each one's file and line; and that a broken link or an
//! mdBook ERROR line fails the book build.
//!
//! Slow (it builds the copy), so ignored by a plain `cargo test`;
//! `./tools/test` runs it with `--ignored`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use book_harness::console::run_bounded;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// What the copy takes from the book; build output and git stay behind.
const PARTS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "book.toml",
    "rustfmt.toml",
    ".cargo",
    "src",
    "examples",
    "tests",
    "benches",
    "quizzes",
    "theme",
    "tools",
    "xtask",
];

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        if from
            .file_name()
            .is_some_and(|n| n == "target" || n == "node_modules")
        {
            return;
        }
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

fn copy_of_the_book(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("book-selftest-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for part in PARTS {
        copy_tree(&Path::new(ROOT).join(part), &dir.join(part));
    }
    dir
}

/// The broken chapter. The long include at the top shifts every later line
/// of the expanded text, so the names must still give the lines of this file.
const BROKEN: &str = r#"# Broken on purpose

```rust,noplayground
{{#rustdoc_include ../examples/fixed_total.rs}}
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
"#;

/// The 1-based line of the n-th fence (0-based) that opens with `opening`.
fn line_of(text: &str, opening: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| *l == opening)
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no fence {opening} #{nth}"))
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

fn cargo(dir: &Path, args: &[&str]) -> (bool, String) {
    let target = Path::new(ROOT).join("target").join("selftest");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("SNIPPET_LIMIT", "3");
    bounded(cmd, Duration::from_secs(900))
}

#[test]
#[ignore = "builds a copy of the book (about a minute); run by ./tools/test"]
fn every_kind_of_broken_block_fails_and_names_its_place() {
    let dir = copy_of_the_book("blocks");
    fs::write(dir.join("src/selftest-broken.md"), BROKEN).unwrap();
    // Two files with the same name in different folders must not collide.
    for sub in ["a", "b"] {
        fs::create_dir_all(dir.join("src/selftest").join(sub)).unwrap();
        let text = format!(
            "# {sub}\n\n```rust\nfn main() {{ println!(\"{sub}\"); }}\n```\n"
        );
        fs::write(dir.join("src/selftest").join(sub).join("README.md"), text)
            .unwrap();
    }

    let (built, log) = cargo(&dir, &["build", "--offline", "--examples"]);
    assert!(built, "the copy does not build:\n{log}");
    let (passed, log) = cargo(
        &dir,
        &[
            "test",
            "--offline",
            "--no-fail-fast",
            "-p",
            "book-tests",
            "--test",
            "blocks",
        ],
    );
    assert!(!passed, "cargo test passed with broken blocks:\n{log}");

    let file = "src/selftest-broken.md";
    let skeptic = |n| {
        format!(
            "src_selftest_broken_md_line_{}",
            line_of(BROKEN, "```rust", n)
        )
    };
    let compile_fail = |n| {
        format!(
            "compile_fail_src_selftest_broken_md_line_{}",
            line_of(BROKEN, "```rust,compile_fail,E0499", n)
        )
    };
    let console = format!(
        "console_src_selftest_broken_md_line_{}",
        line_of(BROKEN, "```console", 0)
    );
    let ignored_line = line_of(BROKEN, "```rust,ignore", 0);
    let mut expected = vec![
        skeptic(0),
        skeptic(1),
        compile_fail(0),
        compile_fail(1),
        console.clone(),
        "every_block_is_tested".to_owned(),
        skeptic(2),
        format!(
            "edition2021_src_selftest_broken_md_line_{}",
            line_of(BROKEN, "```rust,edition2021", 0)
        ),
        format!(
            "should_panic_src_selftest_broken_md_line_{}",
            line_of(BROKEN, "```rust,should_panic", 0)
        ),
        format!(
            "should_panic_src_selftest_broken_md_line_{}",
            line_of(BROKEN, "```rust,should_panic", 1)
        ),
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
    for line in [
        line_of(BROKEN, "```rust,compile_fail,E0499", 0),
        line_of(BROKEN, "```rust,compile_fail,E0499", 1),
        line_of(BROKEN, "```console", 0),
        ignored_line,
        line_of(BROKEN, "```rust,edition2021", 0),
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
        log.contains("ran longer than 3 s"),
        "the hang was not stopped by the limit:\n{log}"
    );
    // The same-named files ran as two tests and passed.
    for name in [
        "src_selftest_a_readme_md_line_3",
        "src_selftest_b_readme_md_line_3",
    ] {
        assert!(
            log.contains(&format!("test {name} ... ok")),
            "{name} did not pass:\n{log}"
        );
    }
    // The include did not shift the names: the first broken block is far
    // below line 10 in the expanded text, but named by its line here.
    assert!(skeptic(0).ends_with("_line_9"), "{}", skeptic(0));
    fs::remove_dir_all(&dir).unwrap();
}

fn build_book(dir: &Path) -> (bool, String) {
    let mut cmd = Command::new(dir.join("tools/build-book"));
    // The snippet wrapper cargo test sets would reach a tool install.
    cmd.current_dir(dir);
    bounded(cmd, Duration::from_secs(600))
}

#[test]
#[ignore = "needs the pinned mdBook tools; run by ./tools/test"]
fn broken_link_and_error_lines_fail_the_book_build() {
    let dir = copy_of_the_book("links");
    let (ok, log) = build_book(&dir);
    assert!(ok, "the unchanged copy should build:\n{log}");

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
    fs::write(
        &toml,
        config.replace("[output.html]\n", "[output.html]\nno-such-key = 1\n"),
    )
    .unwrap();
    let (ok, log) = build_book(&dir);
    assert!(!ok, "an ERROR line did not fail the build:\n{log}");
    assert!(log.contains("ERROR"), "{log}");
    fs::remove_dir_all(&dir).unwrap();
}
