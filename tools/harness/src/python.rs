//! `python` blocks: each is run by the machine's `python3`, as a reader who
//! copies it would run it.
//!
//! - ```` ```python ````: a whole program, run as it is; it must exit 0
//!   within [`RUN_LIMIT`].
//! - ```` ```python,fragment ````: part of a program. Its context (imports,
//!   the names it uses, the calls that run it) stands in the block as hidden
//!   lines, which start with [`HIDDEN`] (mdBook hides them too:
//!   `[output.html.code.hidelines]` in book.toml, and the eye button shows
//!   them). The run is the block with those lines un-hidden.
//! - ```` ```python,hangs ```` (or `python,fragment,hangs`): a program the
//!   text says hangs. It must still be running after [`HANG_LIMIT`], when it
//!   is stopped; one that ends fails its test.
//! - A ```` ```text,output ```` block right after a `python` block (the next
//!   block of the file) is what the program prints: stdout and stderr
//!   together, compared as console blocks are (`[..]` any text within a
//!   line, a line `...` any number of lines). A block with no output block
//!   may print anything.
//!
//! The program is written to a file named after the chapter, padded with
//! blank lines so that the fence's line numbers are Python's: a traceback
//! says `src/threads.md", line 58` for line 58 of the chapter.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::console::{Outcome, normalize, run_bounded};

/// The prefix of a hidden line (after its indentation), as book.toml gives
/// it to mdBook for Python: `~import threading` runs `import threading` but
/// is not shown. No Python line starts with `~` but an expression statement
/// that throws its value away.
pub const HIDDEN: &str = "~";

/// The interpreter: CPython 3, the one on the PATH.
pub const PYTHON: &str = "python3";

/// How long a block may run before its test calls it hung.
pub const RUN_LIMIT: Duration = Duration::from_secs(10);

/// How long a `hangs` block must keep running to count as hung.
pub const HANG_LIMIT: Duration = Duration::from_secs(3);

/// Is `line` hidden from the reader (and run)?
pub fn is_hidden(line: &str) -> bool {
    line.trim_start().starts_with(HIDDEN)
}

/// The program a block runs: its hidden lines un-hidden as mdBook shows them
/// when the eye button is pressed (the indentation before the prefix kept,
/// the prefix dropped).
pub fn program(code: &str) -> String {
    code.lines()
        .map(|line| {
            let rest = line.trim_start();
            let indent = &line[..line.len() - rest.len()];
            match rest.strip_prefix(HIDDEN) {
                Some(shown) => format!("{indent}{shown}\n"),
                None => format!("{line}\n"),
            }
        })
        .collect()
}

/// The output block that follows a python block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Its fence's line in the same file.
    pub line: usize,
    /// What it shows.
    pub text: String,
}

/// Run the block at `place` (`src/x.md:42`, whose fence is at `line` of
/// `file`) and check it: exits 0 and prints `shown` if given; or, for
/// `hangs`, is still running after [`HANG_LIMIT`].
pub fn check(
    code: &str,
    shown: Option<&Shown>,
    hangs: bool,
    place: &str,
) -> Result<(), String> {
    let (file, line) = split_place(place);
    let limit = if hangs { HANG_LIMIT } else { RUN_LIMIT };
    let outcome =
        run(code, file, line, limit).map_err(|e| format!("{place}: {e}"))?;
    judge(&outcome, shown, hangs, place)
}

/// What the run means for a block: the error names `place`.
pub fn judge(
    outcome: &Outcome,
    shown: Option<&Shown>,
    hangs: bool,
    place: &str,
) -> Result<(), String> {
    let output = outcome.output.trim_end();
    match (hangs, outcome.exit_code) {
        (true, None) => Ok(()),
        (true, Some(code)) => Err(format!(
            "{place}: marked `hangs`, but it ended within {HANG_LIMIT:?} \
             (after {:?}, exit code {code}); the text says it hangs. \
             Output:\n{output}",
            outcome.elapsed
        )),
        (false, None) => Err(format!(
            "{place}: ran longer than {RUN_LIMIT:?} and was stopped. Does it \
             hang? (mark it python,hangs if the text says so) Output so \
             far:\n{output}"
        )),
        (false, Some(code)) if code != 0 => Err(format!(
            "{place}: `{PYTHON}` exited with code {code}:\n{output}"
        )),
        (false, Some(_)) => {
            let Some(shown) = shown else {
                return Ok(());
            };
            let expected: Vec<String> =
                shown.text.trim_end().lines().map(str::to_owned).collect();
            let printed: Vec<&str> = output.lines().collect();
            if normalize(&expected, &printed) == expected {
                return Ok(());
            }
            let (file, _) = split_place(place);
            Err(format!(
                "{place}: does not print what the output block at {file}:{} \
                 shows.\n--- shown in the book:\n{}\n--- printed by a real \
                 run:\n{output}",
                shown.line,
                expected.join("\n")
            ))
        }
    }
}

/// `src/x.md:42` -> (`src/x.md`, 42).
fn split_place(place: &str) -> (&str, usize) {
    match place.rsplit_once(':') {
        Some((file, line)) => (file, line.parse().unwrap_or(1)),
        None => (place, 1),
    }
}

/// Run the block's program with `python3`, killed after `limit`. The file
/// is `<scratch>/<file>` with the code from line `line + 1` on.
pub fn run(
    code: &str,
    file: &str,
    line: usize,
    limit: Duration,
) -> Result<Outcome, String> {
    let dir = crate::compile_fail::scratch_dir("python")?;
    let result = run_in(code, file, line, limit, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(
    code: &str,
    file: &str,
    line: usize,
    limit: Duration,
    dir: &Path,
) -> Result<Outcome, String> {
    let path = dir.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let text = format!("{}{}", "\n".repeat(line), program(code));
    std::fs::write(&path, text)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut cmd = Command::new(PYTHON);
    // The file's name as the chapter's, so a traceback names the chapter.
    cmd.arg(file)
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8");
    run_bounded(cmd, limit).map_err(|e| {
        format!("cannot run `{PYTHON}` (CPython 3 on the PATH): {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(output: &str, exit_code: Option<i32>) -> Outcome {
        Outcome {
            output: output.into(),
            exit_code,
            elapsed: Duration::from_millis(5),
        }
    }

    fn shown(text: &str) -> Shown {
        Shown {
            line: 20,
            text: text.into(),
        }
    }

    #[test]
    fn hidden_lines_run_and_keep_their_indentation() {
        let code = "~import threading\nwith lock:\n    ~hidden()\n    x = ~1\n";
        assert!(is_hidden("~import threading"));
        assert!(is_hidden("    ~hidden()"));
        assert!(!is_hidden("    x = ~1"));
        assert_eq!(
            program(code),
            "import threading\nwith lock:\n    hidden()\n    x = ~1\n"
        );
    }

    #[test]
    fn book_toml_hides_the_same_lines() {
        let book =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book.toml");
        let text = std::fs::read_to_string(book).unwrap();
        let table = text
            .split("\n[")
            .find(|t| t.starts_with("output.html.code.hidelines]"))
            .expect("book.toml has [output.html.code.hidelines]");
        assert!(
            table
                .lines()
                .any(|l| l.trim() == format!("python = \"{HIDDEN}\"")),
            "{table}"
        );
    }

    #[test]
    fn judges_each_way_a_block_can_end() {
        let place = "src/x.md:12";
        assert_eq!(judge(&outcome("", Some(0)), None, false, place), Ok(()));
        assert_eq!(
            judge(
                &outcome("a 1\nb\n", Some(0)),
                Some(&shown("a [..]\n...\n")),
                false,
                place
            ),
            Ok(())
        );
        let wrong = judge(
            &outcome("a\nc\n", Some(0)),
            Some(&shown("a\nb\n")),
            false,
            place,
        )
        .unwrap_err();
        assert!(
            wrong.starts_with("src/x.md:12: does not print what the output block at src/x.md:20 shows"),
            "{wrong}"
        );
        assert!(wrong.contains("a\nc"), "{wrong}");
        let failed =
            judge(&outcome("NameError: x", Some(1)), None, false, place)
                .unwrap_err();
        assert!(
            failed.starts_with("src/x.md:12: `python3` exited with code 1"),
            "{failed}"
        );
        assert!(failed.contains("NameError"), "{failed}");
        let stopped =
            judge(&outcome("", None), None, false, place).unwrap_err();
        assert!(stopped.contains("was stopped"), "{stopped}");
        assert_eq!(judge(&outcome("", None), None, true, place), Ok(()));
        let ended =
            judge(&outcome("", Some(0)), None, true, place).unwrap_err();
        assert!(
            ended.starts_with("src/x.md:12: marked `hangs`, but it ended"),
            "{ended}"
        );
    }

    /// These run the machine's python3: a test machine without it fails
    /// here, as the book's tests would.
    #[test]
    fn a_traceback_names_the_chapter_and_its_line() {
        let code = "~import sys\nprint('one')\nprint(undefined)\n";
        let e = check(code, None, false, "src/x.md:40").unwrap_err();
        assert!(
            e.starts_with("src/x.md:40: `python3` exited with code 1"),
            "{e}"
        );
        assert!(e.contains("src/x.md\", line 43"), "{e}");
        assert!(
            e.contains("NameError: name 'undefined' is not defined"),
            "{e}"
        );
    }

    #[test]
    fn runs_compare_and_hangs_are_proven() {
        let code =
            "~import threading\nprint('hello', threading.active_count())\n";
        assert_eq!(
            check(code, Some(&shown("hello 1\n")), false, "src/x.md:1"),
            Ok(())
        );
        assert!(
            check(code, Some(&shown("hello 2\n")), false, "src/x.md:1")
                .is_err()
        );
        let hang = "import threading\nthreading.Lock().acquire()\nthreading.Event().wait()\n";
        assert_eq!(check(hang, None, true, "src/x.md:1"), Ok(()));
        let e = check("print('done')\n", None, true, "src/x.md:1").unwrap_err();
        assert!(e.contains("marked `hangs`, but it ended"), "{e}");
    }
}
