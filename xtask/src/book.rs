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
    lazy_quiz(&dest)?;
    write_offline_manifest(&dest)?;
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

// The quiz loads when the reader nears it. mdbook-quiz links its script
// (1.4 MB) and stylesheet at each quiz, so they would load with the page;
// here each pair of tags becomes a marker, `<div class="quiz-lazy"
// data-quiz-script="..." data-quiz-style="..." hidden>`, from which
// theme/lockbook.js (loadQuizWhenNear) adds them once the quiz is a screen
// away. The print page holds all chapters and nobody answers on paper:
// there the tags go, and lockbook.js writes the questions out
// (printQuizQuestions). Only here: under `mdbook serve` (no xtask step) the
// tags stay and the quiz loads with the page, as mdbook-quiz made it.

/// mdbook-quiz 0.5's tags (mdbook-preprocessor-utils 0.3): the start of
/// the tag, the file its path ends with, the end of the tag.
const QUIZ_SCRIPT: [&str; 3] = [
    r#"<script type="text/javascript" src=""#,
    "quiz/quiz-embed.iife.js",
    r#""></script>"#,
];
const QUIZ_STYLE: [&str; 3] = [
    r#"<link rel="stylesheet" type="text/css" href=""#,
    "quiz/style.css",
    r#"">"#,
];

/// Makes every page of the book in `dest` (its html/ folder when the link
/// checker made one) load the quiz lazily, and unlinks it from print.html.
fn lazy_quiz(dest: &Path) -> Result {
    let html = if dest.join("html/index.html").is_file() {
        dest.join("html")
    } else {
        dest.to_owned()
    };
    for path in files(&html)? {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let text = fs::read_to_string(&path)
            .context(|| format!("cannot read {}", path.display()))?;
        let print = path == html.join("print.html");
        let lazy = lazy_quiz_tags(&text, print);
        let [_, script, script_end] = QUIZ_SCRIPT;
        let [_, style, style_end] = QUIZ_STYLE;
        if lazy.contains(&format!("{script}{script_end}"))
            || lazy.contains(&format!("{style}{style_end}"))
        {
            return Err(fail(format!(
                "build-book: {} still links the quiz bundle (did mdbook-quiz change its markup?)",
                path.display()
            )));
        }
        if lazy != text {
            fs::write(&path, lazy)
                .context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

/// `html` with each quiz script tag, and the stylesheet link right after
/// it, made one `quiz-lazy` marker (on the print page: removed).
fn lazy_quiz_tags(html: &str, print: bool) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(QUIZ_SCRIPT[0]) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some((script, len)) = quiz_tag(rest, QUIZ_SCRIPT) else {
            out.push_str(QUIZ_SCRIPT[0]);
            rest = &rest[QUIZ_SCRIPT[0].len()..];
            continue;
        };
        rest = &rest[len..];
        let style = quiz_tag(rest, QUIZ_STYLE).map(|(href, len)| {
            rest = &rest[len..];
            href
        });
        if !print {
            out.push_str(&format!(
                r#"<div class="quiz-lazy" data-quiz-script="{script}" data-quiz-style="{}" hidden></div>"#,
                style.unwrap_or_default()
            ));
        }
    }
    out.push_str(rest);
    out
}

/// If `s` starts with the tag `[open, file, close]` whose path is `file`
/// below zero or more `../`, its path and length.
fn quiz_tag<'a>(
    s: &'a str,
    [open, file, close]: [&str; 3],
) -> Option<(&'a str, usize)> {
    let rest = s.strip_prefix(open)?;
    let end = rest.find('"')?;
    let path = &rest[..end];
    let up = path.strip_suffix(file)?;
    if !up.split_terminator('/').all(|p| p == "..")
        || !up.is_empty() && !up.ends_with('/')
    {
        return None;
    }
    rest[end..]
        .starts_with(close)
        .then_some((path, open.len() + end + close.len()))
}

// Offline reading (src/sw.js, the service worker theme/lockbook.js
// registers): the built sw.js gets the list of every file of the build and a
// version, a hash of their paths and contents. Only here: `mdbook serve`
// builds without xtask, and there the worker finds no list and unregisters
// itself (an author never reads a cached page).

/// The line of src/sw.js that the build replaces with the manifest.
const OFFLINE_LINE: &str = "var OFFLINE = null;";

/// Writes the offline manifest into the built sw.js of the book in `dest`
/// (its html/ folder when the link checker made one): every file but sw.js
/// itself and dot files (.nojekyll), sorted, paths relative to the root.
fn write_offline_manifest(dest: &Path) -> Result {
    let html = if dest.join("html/index.html").is_file() {
        dest.join("html")
    } else {
        dest.to_owned()
    };
    let sw = html.join("sw.js");
    if !sw.exists() {
        // A book without the offline worker (the harness's self-test
        // fixture builds with this command too): nothing to list.
        return Ok(());
    }
    let text = fs::read_to_string(&sw)
        .context(|| format!("cannot read {} (src/sw.js)", sw.display()))?;
    let mut entries = Vec::new();
    for path in files(&html)? {
        let rel = path.strip_prefix(&html).map_err(|_| {
            fail(format!("{} is outside {}", path.display(), html.display()))
        })?;
        let parts = rel
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| fail(format!("{}: not UTF-8", path.display())))?;
        if parts == ["sw.js"] || parts.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        let bytes = fs::read(&path)
            .context(|| format!("cannot read {}", path.display()))?;
        entries.push((parts.join("/"), bytes));
    }
    let manifest = offline_manifest(&mut entries);
    let line = format!("var OFFLINE = {manifest};");
    let written = text.replacen(OFFLINE_LINE, &line, 1);
    if written == text {
        return Err(fail(format!(
            "build-book: {} has no `{OFFLINE_LINE}` line to replace with the offline manifest",
            sw.display()
        )));
    }
    fs::write(&sw, written)
        .context(|| format!("cannot write {}", sw.display()))?;
    println!(
        "build-book: offline manifest: {} files, version {}",
        entries.len(),
        offline_version(&entries)
    );
    Ok(())
}

/// `{"version":"...","files":["404.html",...]}` (JSON, a JavaScript
/// literal): the files sorted by path, the version from
/// [`offline_version`].
fn offline_manifest(entries: &mut [(String, Vec<u8>)]) -> String {
    entries.sort();
    let files = entries
        .iter()
        .map(|(path, _)| json_string(path))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        r#"{{"version":"{}","files":[{files}]}}"#,
        offline_version(entries)
    )
}

/// A hash (64-bit FNV-1a, hex) of the sorted files' paths, lengths and
/// contents: any file added, removed, renamed or changed changes it. It
/// names a cache, nothing more (no secret, no integrity check).
fn offline_version(sorted: &[(String, Vec<u8>)]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (path, bytes) in sorted {
        eat(path.as_bytes());
        eat(&(bytes.len() as u64).to_le_bytes());
        eat(bytes);
    }
    format!("{hash:016x}")
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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

    // As mdbook-quiz 0.5.0 writes them (checked in a build's threads.html).
    const TAGS: &str = concat!(
        r#"<script type="text/javascript" src="quiz/quiz-embed.iife.js"></script>"#,
        r#"<link rel="stylesheet" type="text/css" href="quiz/style.css">"#
    );

    #[test]
    fn quiz_tags_become_a_lazy_marker_and_go_from_print() {
        let page = format!("<div class=\"quiz-placeholder\"></div>\n{TAGS}\n");
        let marker = concat!(
            r#"<div class="quiz-lazy" data-quiz-script="quiz/quiz-embed.iife.js" "#,
            r#"data-quiz-style="quiz/style.css" hidden></div>"#
        );
        assert_eq!(
            lazy_quiz_tags(&page, false),
            format!("<div class=\"quiz-placeholder\"></div>\n{marker}\n")
        );
        assert_eq!(lazy_quiz_tags(&format!("{TAGS}x{TAGS}"), true), "x");
        // A chapter in a folder: its paths go up.
        let nested = TAGS.replace("\"quiz/", "\"../quiz/");
        assert!(lazy_quiz_tags(&nested, false).contains(
            r#"data-quiz-script="../quiz/quiz-embed.iife.js" data-quiz-style="../quiz/style.css""#
        ));
        // Another script, or a path from elsewhere, stays.
        for other in [
            r#"<script type="text/javascript" src="x.js"></script>"#,
            r#"<script type="text/javascript" src="//h/quiz/quiz-embed.iife.js"></script>"#,
        ] {
            assert_eq!(lazy_quiz_tags(other, false), other);
        }
    }

    #[test]
    fn lazy_quiz_rewrites_each_page_and_fails_on_a_tag_it_cannot() {
        let dir = TempDir::new("lazy-quiz-test").unwrap();
        let html = dir.path().join("html");
        fs::create_dir_all(&html).unwrap();
        fs::write(html.join("index.html"), "<p>a</p>").unwrap();
        fs::write(html.join("a.html"), TAGS).unwrap();
        fs::write(html.join("print.html"), format!("p{TAGS}")).unwrap();
        lazy_quiz(dir.path()).unwrap();
        let a = fs::read_to_string(html.join("a.html")).unwrap();
        assert!(a.starts_with(r#"<div class="quiz-lazy""#), "{a}");
        let print = fs::read_to_string(html.join("print.html")).unwrap();
        assert_eq!(print, "p");
        // mdbook-quiz's markup changed (here: another type): a failure.
        let changed = TAGS.replace("text/javascript", "module");
        fs::write(html.join("a.html"), changed).unwrap();
        assert!(lazy_quiz(dir.path()).is_err());
    }

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

    fn entries(files: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    fn version_of(files: &[(&str, &str)]) -> String {
        let mut e = entries(files);
        e.sort();
        offline_version(&e)
    }

    #[test]
    fn the_offline_version_changes_with_any_file() {
        let book = [("index.html", "<p>a</p>"), ("fonts/f.woff2", "F")];
        let v = version_of(&book);
        assert_eq!(v.len(), 16);
        // Same files, any order: same version.
        assert_eq!(version_of(&[book[1], book[0]]), v);
        // A changed byte, a renamed file, an added or removed one.
        assert_ne!(version_of(&[("index.html", "<p>b</p>"), book[1]]), v);
        assert_ne!(version_of(&[("main.html", "<p>a</p>"), book[1]]), v);
        assert_ne!(version_of(&[book[0], book[1], ("x.js", "")]), v);
        assert_ne!(version_of(&[book[0]]), v);
        // Bytes moved from one file's end to the next file's path.
        assert_ne!(
            version_of(&[("a", "bc"), ("d", "")]),
            version_of(&[("a", "b"), ("cd", "")])
        );
    }

    #[test]
    fn the_offline_manifest_lists_the_files_sorted() {
        let mut e = entries(&[("b.html", "B"), ("a \"q\".js", "A")]);
        let manifest = offline_manifest(&mut e);
        let version = offline_version(&e);
        assert_eq!(
            manifest,
            format!(
                r#"{{"version":"{version}","files":["a \"q\".js","b.html"]}}"#
            )
        );
        assert_eq!(json_string("a\\b\n"), r#""a\\b\u000a""#);
    }

    #[test]
    fn the_built_sw_gets_the_offline_manifest_once() {
        let dir = TempDir::new("offline-test").unwrap();
        let html = dir.path().join("html");
        fs::create_dir_all(html.join("fonts")).unwrap();
        fs::write(html.join("index.html"), "<p>a</p>").unwrap();
        fs::write(html.join("fonts/f.woff2"), "F").unwrap();
        fs::write(html.join(".nojekyll"), "").unwrap();
        let sw = format!("a;\n{OFFLINE_LINE} // note\nb;\n");
        fs::write(html.join("sw.js"), &sw).unwrap();
        write_offline_manifest(dir.path()).unwrap();
        let written = fs::read_to_string(html.join("sw.js")).unwrap();
        let mut e =
            entries(&[("index.html", "<p>a</p>"), ("fonts/f.woff2", "F")]);
        let manifest = offline_manifest(&mut e);
        assert_eq!(
            written,
            format!("a;\nvar OFFLINE = {manifest}; // note\nb;\n")
        );
        assert!(manifest.contains(r#"["fonts/f.woff2","index.html"]"#));
        // Built again without mdBook's fresh copy: no line to replace.
        assert!(write_offline_manifest(dir.path()).is_err());
        // A book with no worker at all has nothing to list.
        let bare = TempDir::new("offline-test-bare").unwrap();
        fs::write(bare.path().join("index.html"), "<p>a</p>").unwrap();
        assert!(write_offline_manifest(bare.path()).is_ok());
        // A changed file, a new version.
        fs::write(html.join("sw.js"), &sw).unwrap();
        fs::write(html.join("index.html"), "<p>b</p>").unwrap();
        write_offline_manifest(dir.path()).unwrap();
        let again = fs::read_to_string(html.join("sw.js")).unwrap();
        assert!(!again.contains(&offline_version(&e)));
    }
}
