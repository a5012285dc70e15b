//! The book: serve it, build it (with the link checker, failing on any
//! ERROR or WARN line), and test the build in headless Chromium.

use std::fs;
use std::path::{Path, PathBuf};

use crate::process::{self, Deadline, MINUTE, cmd};
use crate::tools::{self, LINKCHECK, MDBOOK, QUIZ};
use crate::{Context, Result, fail, root, usage};

/// `cargo xtask serve [ARGS]`: `mdbook serve ARGS`, with the pinned mdBook
/// and quiz preprocessor (the link checker is optional in book.toml).
pub fn serve(args: &[String]) -> Result {
    use std::os::unix::process::CommandExt;
    tools::cargo_tools(&[MDBOOK, QUIZ], false)?;
    // Replaces this process: Ctrl-C, the exit code and the terminal are
    // mdbook's, and it has no time limit (it serves until stopped).
    let err = cmd("mdbook", &["serve"]).args(args).exec();
    Err(fail(format!("cannot start mdbook serve: {err}")))
}

/// `cargo xtask build-book [ARGS]`: `mdbook build ARGS` with the link
/// checker. Fails on a broken internal link, and on any ERROR or WARN line:
/// mdBook 0.5 exits 0 after some config errors (an unknown key in
/// [output.html] drops the whole table with only a log line), and warns
/// about broken markup (an unclosed HTML tag) that builds but renders wrong.
pub fn build_book(args: &[String]) -> Result {
    tools::cargo_tools(&[MDBOOK, QUIZ, LINKCHECK], false)?;
    let mut build = cmd("mdbook", &["build"]);
    build.args(args);
    let (status, lines) = process::merged(build, 10 * MINUTE, true)?;
    if !status.success() {
        return Err(fail(format!(
            "build-book: mdbook build failed ({})",
            process::describe(status)
        )));
    }
    if lines
        .iter()
        .any(|l| l.contains("ERROR") || l.contains("WARN"))
    {
        return Err(fail(
            "build-book: mdbook printed ERROR or WARN lines (see above); counting the build as failed",
        ));
    }
    let dest = match dest_dir(args)? {
        Some(dir) => root().join(dir),
        None => root().join(build_dir()?),
    };
    unlink_quiz_from_print(&dest)?;
    println!(
        "build-book: built {} with no ERROR or WARN line and no broken link",
        dest.display()
    );
    Ok(())
}

/// The -d/--dest-dir given to `mdbook build`, if any.
fn dest_dir(args: &[String]) -> Result<Option<String>> {
    let mut dest = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "-d" || arg == "--dest-dir" {
            let dir = args
                .next()
                .ok_or_else(|| usage(format!("{arg} needs a folder")))?;
            dest = Some(dir.clone());
        } else if let Some(dir) = arg.strip_prefix("--dest-dir=") {
            dest = Some(dir.to_owned());
        }
    }
    Ok(dest)
}

/// book.toml's [build] build-dir (mdBook's default: book).
fn build_dir() -> Result<String> {
    let toml = read_book_toml()?;
    Ok(toml
        .get("build")
        .and_then(|b| b.get("build-dir"))
        .and_then(|d| d.as_str())
        .unwrap_or("book")
        .to_owned())
}

fn read_book_toml() -> Result<toml_edit::DocumentMut> {
    let path = root().join("book.toml");
    let text = fs::read_to_string(&path)
        .context(|| format!("cannot read {}", path.display()))?;
    text.parse()
        .map_err(|e| fail(format!("{}: {e}", path.display())))
}

/// mdbook-quiz links its 1.4 MB script and its stylesheet on every page with
/// a quiz, and the print page holds all chapters: unlink them there, so that
/// it does not load a quiz nobody answers on paper (the empty placeholders
/// stay).
fn unlink_quiz_from_print(dest: &Path) -> Result {
    let html = dest.join("html/print.html");
    let print = if html.is_file() {
        html
    } else {
        dest.join("print.html")
    };
    if !print.is_file() {
        return Ok(());
    }
    let text = fs::read_to_string(&print)
        .context(|| format!("cannot read {}", print.display()))?;
    let unlinked = text
        .replace(
            r#"<script type="text/javascript" src="quiz/quiz-embed.iife.js"></script>"#,
            "",
        )
        .replace(
            r#"<link rel="stylesheet" type="text/css" href="quiz/style.css">"#,
            "",
        );
    if unlinked.contains("quiz/quiz-embed")
        || unlinked.contains("quiz/style.css")
    {
        return Err(fail(format!(
            "build-book: {} still links the quiz bundle (did mdbook-quiz change its markup?)",
            print.display()
        )));
    }
    if unlinked != text {
        fs::write(&print, unlinked)
            .context(|| format!("cannot write {}", print.display()))?;
    }
    Ok(())
}

/// `cargo xtask browser-test [--skip-build] [-- PLAYWRIGHT_ARGS]`: builds
/// the book (unless --skip-build) and a plain mdBook build of the same
/// sources (for the page-weight budget), then runs the Playwright tests of
/// tests/browser against both in headless Chromium. The builds and the
/// tests have a time limit of 15 minutes in all.
pub fn browser_test(args: &[String]) -> Result {
    let (ours, playwright_args) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let mut skip_build = false;
    for arg in ours {
        match arg.as_str() {
            "--skip-build" => skip_build = true,
            other => {
                return Err(usage(format!(
                    "browser-test: unknown option `{other}` (Playwright's arguments go after `--`)"
                )));
            }
        }
    }
    let chromium = tools::browser()?;
    tools::cargo_tools(&[MDBOOK], false)?;
    // From here on (installs have limits of their own).
    let deadline = Deadline::after(15 * MINUTE);
    if !skip_build {
        build_book(&[])?;
    }
    let book_html = root().join(build_dir()?).join("html");
    if !book_html.join("index.html").is_file() {
        return Err(fail(format!(
            "browser-test: {} is missing (build the book first: cargo xtask build-book)",
            book_html.join("index.html").display()
        )));
    }
    let plain = TempDir::new("plain-book")?;
    let plain_html = plain_book(plain.path(), &deadline)?;
    println!(
        "browser-test: plain comparison book built in {}",
        plain_html.display()
    );
    let dir = root().join("tests/browser");
    let playwright = dir.join("node_modules/.bin/playwright");
    if !playwright.is_file() {
        return Err(fail(format!(
            "browser-test: {} is missing: tests/browser/package.json must depend on @playwright/test",
            playwright.display()
        )));
    }
    // The tests' contract: the two builds and the browser, by environment.
    let mut test = cmd(playwright.to_str().unwrap_or("playwright"), &["test"]);
    test.args(playwright_args)
        .current_dir(&dir)
        .env("BOOK_HTML", &book_html)
        .env("PLAIN_HTML", &plain_html)
        .env("CHROMIUM", &chromium);
    process::run(test, deadline.left(15 * MINUTE))
}

/// The plain comparison book in `dir`: the same sources built by the same
/// mdBook with mdBook's own theme: no theme/ folder, no additional CSS or
/// JS, no quiz preprocessor, no link checker (only the HTML output).
/// Returns the folder of its HTML.
fn plain_book(dir: &Path, deadline: &Deadline) -> Result<PathBuf> {
    // What the chapters include ({{#include ../examples/...}} and the
    // like), beside src/; node_modules holds nothing the book includes.
    for folder in ["src", "examples", "quizzes", "benches", "tests"] {
        let from = root().join(folder);
        if from.is_dir() {
            copy_dir(&from, &dir.join(folder))?;
        }
    }
    // Without the quiz preprocessor its `{{#quiz ...}}` lines would stay as
    // text.
    for file in files(&dir.join("src"))? {
        if file.extension().is_some_and(|e| e == "md") {
            let text = fs::read_to_string(&file)
                .context(|| format!("cannot read {}", file.display()))?;
            let kept = without_quiz_lines(&text);
            if kept != text {
                fs::write(&file, kept)
                    .context(|| format!("cannot write {}", file.display()))?;
            }
        }
    }
    let config = plain_config(&read_book_toml()?);
    fs::write(dir.join("book.toml"), config.to_string())
        .context(|| "cannot write the plain book.toml".into())?;
    let mut build = cmd("mdbook", &["build"]);
    build.current_dir(dir);
    let (status, lines) =
        process::merged(build, deadline.left(5 * MINUTE), false)?;
    // An ERROR line would be an include that did not resolve: the plain
    // pages would be lighter than ours for the wrong reason.
    if !status.success() || lines.iter().any(|l| l.contains("ERROR")) {
        eprintln!("{}", lines.join("\n"));
        return Err(fail(format!(
            "browser-test: the plain comparison build failed ({}; its output is above)",
            process::describe(status)
        )));
    }
    let book = dir.join("book");
    Ok(if book.join("html/index.html").is_file() {
        book.join("html")
    } else {
        book
    })
}

/// The text without the lines that are a `{{#quiz ...}}` directive.
fn without_quiz_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| {
            let line = line.trim_end_matches(['\n', '\r']);
            !(line.starts_with("{{#quiz ") && line.ends_with("}}"))
        })
        .collect()
}

/// book.toml for the plain build: ours without our theme's CSS/JS, the quiz
/// preprocessor and every output but HTML, built into book/.
fn plain_config(ours: &toml_edit::DocumentMut) -> toml_edit::DocumentMut {
    let mut plain = ours.clone();
    if let Some(html) = plain
        .get_mut("output")
        .and_then(|o| o.get_mut("html"))
        .and_then(|h| h.as_table_like_mut())
    {
        for key in ["additional-css", "additional-js", "theme"] {
            html.remove(key);
        }
    }
    if let Some(output) =
        plain.get_mut("output").and_then(|o| o.as_table_like_mut())
    {
        let others: Vec<String> = output
            .iter()
            .map(|(key, _)| key.to_owned())
            .filter(|key| key != "html")
            .collect();
        for key in others {
            output.remove(&key);
        }
    }
    if let Some(pre) = plain
        .get_mut("preprocessor")
        .and_then(|p| p.as_table_like_mut())
    {
        pre.remove("quiz");
    }
    plain["build"]["build-dir"] = toml_edit::value("book");
    plain
}

/// Every file below `dir`.
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir)
            .context(|| format!("cannot read {}", dir.display()))?
        {
            let path = entry
                .context(|| format!("cannot read {}", dir.display()))?
                .path();
            if path.is_dir() {
                todo.push(path);
            } else {
                found.push(path);
            }
        }
    }
    Ok(found)
}

/// Copies the folder `from` to `to`, but no node_modules.
fn copy_dir(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to)
        .context(|| format!("cannot make {}", to.display()))?;
    for entry in fs::read_dir(from)
        .context(|| format!("cannot read {}", from.display()))?
    {
        let entry =
            entry.context(|| format!("cannot read {}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_name() == "node_modules" {
            continue;
        }
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst)
                .context(|| format!("cannot copy {}", src.display()))?;
        }
    }
    Ok(())
}

/// A fresh folder under the system's temporary folder, removed when
/// dropped. (std has none; the tempfile crate would be one more dependency
/// for this alone.)
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Result<Self> {
        let path = std::env::temp_dir()
            .join(format!("lockbook-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)
            .context(|| format!("cannot make {}", path.display()))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiz_lines_go_and_the_rest_stays() {
        let text =
            "# Title\n\n{{#quiz ../quizzes/a.toml}}\ntext {{#quiz x}}\nend";
        assert_eq!(
            without_quiz_lines(text),
            "# Title\n\ntext {{#quiz x}}\nend"
        );
    }

    #[test]
    fn the_plain_config_keeps_only_plain_html() {
        let ours: toml_edit::DocumentMut = r#"
[book]
title = "T"

[build]
build-dir = "out"

[preprocessor.quiz]
renderers = ["html"]

[preprocessor.other]

[output.html]
additional-css = ["theme/book.css"]
additional-js = ["theme/lockbook.js"]
theme = "theme"
git-repository-url = "x"

[output.linkcheck2]
optional = true
"#
        .parse()
        .unwrap();
        let plain = plain_config(&ours).to_string();
        let plain: toml_edit::DocumentMut = plain.parse().unwrap();
        assert_eq!(plain["book"]["title"].as_str(), Some("T"));
        assert_eq!(plain["build"]["build-dir"].as_str(), Some("book"));
        assert!(plain["preprocessor"].get("quiz").is_none());
        assert!(plain["preprocessor"].get("other").is_some());
        let html = plain["output"]["html"].as_table().unwrap();
        assert_eq!(
            html.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["git-repository-url"]
        );
        assert!(plain["output"].get("linkcheck2").is_none());
    }

    #[test]
    fn dest_dir_in_both_spellings() {
        let args =
            |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            dest_dir(&args(&["-d", "x"])).unwrap().as_deref(),
            Some("x")
        );
        assert_eq!(
            dest_dir(&args(&["--dest-dir=y"])).unwrap().as_deref(),
            Some("y")
        );
        assert_eq!(dest_dir(&args(&[])).unwrap(), None);
        assert!(dest_dir(&args(&["--dest-dir"])).is_err());
    }
}
