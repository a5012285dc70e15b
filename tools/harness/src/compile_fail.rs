//! `rust,compile_fail,E0499` blocks: skeptic cannot test them (it runs them as
//! ordinary snippets), so this check compiles each one and demands that it
//! fails with the error code - or deny-by-default lint - that the fence names,
//! and with no other.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::console::run_bounded;

/// How long rustc may take over one block.
const COMPILE_LIMIT: Duration = Duration::from_secs(60);

/// Crates a block may use, besides std: the book's dependencies.
const CRATES: &[&str] = &["parking_lot", "scopeguard", "lockbook", "tokio"];

/// The error codes in rustc's output: `error[E0499]` gives `E0499`.
pub fn error_codes(stderr: &str) -> Vec<String> {
    let mut codes: Vec<String> = stderr
        .match_indices("error[E")
        .filter_map(|(at, _)| stderr.get(at + 6..at + 11))
        .map(str::to_owned)
        .collect();
    codes.dedup();
    codes
}

/// The lines where rustc reports an error (`error: ...`, `error[E0499]:
/// ...`), without its closing "aborting due to" line.
pub fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("error["))
        .filter(|l| !l.starts_with("error: aborting due to"))
        .collect()
}

/// Compile `code` as edition `edition` against the book's dependencies.
/// Returns rustc's stderr if compiling failed, None if it succeeded.
pub fn compile(code: &str, edition: &str) -> Result<Option<String>, String> {
    let dir = scratch_dir("compile-fail")?;
    let result = rustc(code, edition, &dir, false);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A fresh directory for one block, unique per process and thread.
pub(crate) fn scratch_dir(purpose: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!(
        "book-{purpose}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Run rustc on `code` in `dir`: metadata only, or a program `dir/main`
/// when `link` is set. The stderr if it failed, None if it compiled.
pub(crate) fn rustc(
    code: &str,
    edition: &str,
    dir: &Path,
    link: bool,
) -> Result<Option<String>, String> {
    let source = dir.join("main.rs");
    std::fs::write(&source, code).map_err(|e| e.to_string())?;
    // The toolchain's own rustc, from PATH.
    let mut cmd = Command::new("rustc");
    cmd.arg(&source)
        .arg(format!("--edition={edition}"))
        .args(["--crate-type=bin", "--color=never"]);
    if link {
        cmd.arg("-o").arg(dir.join("main"));
    } else {
        cmd.args(["--emit=metadata", "-o"])
            .arg(dir.join("main.rmeta"));
    }
    cmd.args(dependency_args());
    let outcome = run_bounded(cmd, COMPILE_LIMIT)
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    match outcome.exit_code {
        None => Err(format!("rustc ran longer than {COMPILE_LIMIT:?}")),
        Some(0) => Ok(None),
        Some(_) => Ok(Some(outcome.output)),
    }
}

/// The rustc arguments that let a block use the book's dependencies (as
/// built by this `cargo test`): `-L dependency=...` and one `--extern` each.
pub fn dependency_args() -> Vec<String> {
    let deps = crate::console::examples_dir().with_file_name("deps");
    let mut args =
        vec!["-L".to_owned(), format!("dependency={}", deps.display())];
    for name in CRATES {
        if let Some(rlib) = newest_rlib(&deps, name) {
            args.push("--extern".to_owned());
            args.push(format!("{name}={}", rlib.display()));
        }
    }
    args
}

fn newest_rlib(deps: &Path, name: &str) -> Option<std::path::PathBuf> {
    let prefix = format!("lib{name}-");
    std::fs::read_dir(deps)
        .ok()?
        .flatten()
        .filter(|e| {
            let file = e.file_name();
            let file = file.to_string_lossy();
            file.starts_with(&prefix) && file.ends_with(".rlib")
        })
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

/// Check a `compile_fail` block; the error names `place`.
pub fn check(code: &str, expected: &str, place: &str) -> Result<(), String> {
    let stderr = compile(code, "2024").map_err(|e| format!("{place}: {e}"))?;
    let Some(stderr) = stderr else {
        return Err(format!(
            "{place}: this block is marked compile_fail,{expected} but it compiles"
        ));
    };
    let codes = error_codes(&stderr);
    let ok = if let Some(message) = expected.strip_prefix("error: ") {
        // An error without a code, named by its message: every error rustc
        // reports is that one (as strict as a code).
        let errors = error_lines(&stderr);
        !errors.is_empty()
            && errors.iter().all(|e| *e == format!("error: {message}"))
    } else if expected.starts_with('E') {
        !codes.is_empty() && codes.iter().all(|c| c == expected)
    } else {
        // A deny-by-default lint: rustc names it in a note, with no error code.
        codes.is_empty() && stderr.contains(&format!("#[deny({expected})]"))
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{place}: this block should fail with {expected} only, but rustc says:\n{stderr}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_error_lines() {
        let stderr = "error: future cannot be sent between threads safely\n  --> a.rs\n\
                      error: aborting due to 1 previous error\n";
        assert_eq!(
            error_lines(stderr),
            ["error: future cannot be sent between threads safely"]
        );
        assert_eq!(
            error_lines("error[E0499]: x\nwarning: y"),
            ["error[E0499]: x"]
        );
    }

    #[test]
    fn finds_error_codes() {
        let stderr = "error[E0499]: cannot borrow\n --> a.rs\nerror[E0499]: again\nerror: aborting";
        assert_eq!(error_codes(stderr), ["E0499"]);
        assert!(
            error_codes("error: aborting due to 1 previous error").is_empty()
        );
    }
}
