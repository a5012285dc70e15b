//! Blocks the harness compiles and runs itself, because skeptic cannot:
//!
//! - `rust,edition2021`: skeptic compiles every block as one edition
//!   (tests/snippet_rustc.rs makes it 2024). The book uses these blocks to prove
//!   what changed in edition 2024: the same code in a plain `rust` block
//!   beside it asserts the 2024 behaviour.
//! - `rust,should_panic`: skeptic accepts any failure, so a block that hangs
//!   and is stopped would pass. Here it must really panic (exit code 101 and
//!   a `panicked at` message) within the time limit.

use std::path::Path;
use std::process::Command;

use crate::compile_fail::{rustc, scratch_dir};
use crate::console::{Outcome, RUN_LIMIT, run_bounded};

/// Exit code of a Rust program whose main thread panicked (unwinding).
const PANIC_EXIT_CODE: i32 = 101;

/// Compile `code` as edition 2021 and run it; it must exit with code 0.
pub fn check_edition2021(code: &str, place: &str) -> Result<(), String> {
    let outcome = build_and_run(code, "2021")
        .map_err(|e| format!("{place} (edition 2021): {e}"))?;
    match outcome.exit_code {
        Some(0) => Ok(()),
        Some(code) => Err(format!(
            "{place} (edition 2021): exited with code {code}:\n{}",
            outcome.output
        )),
        None => Err(stopped(place, &outcome)),
    }
}

/// Compile `code` as edition 2024 and run it; it must panic.
pub fn check_should_panic(code: &str, place: &str) -> Result<(), String> {
    let outcome =
        build_and_run(code, "2024").map_err(|e| format!("{place}: {e}"))?;
    match outcome.exit_code {
        Some(PANIC_EXIT_CODE) if outcome.output.contains("panicked at") => {
            Ok(())
        }
        Some(code) => Err(format!(
            "{place}: marked should_panic, but it exited with code {code} \
             without a panic:\n{}",
            outcome.output
        )),
        None => Err(stopped(place, &outcome)),
    }
}

fn stopped(place: &str, outcome: &Outcome) -> String {
    format!(
        "{place}: ran longer than {RUN_LIMIT:?} and was stopped. Does it \
         hang? Output:\n{}",
        outcome.output
    )
}

/// Compile `code` as `edition` against the book's dependencies and run it
/// under the time limit.
fn build_and_run(code: &str, edition: &str) -> Result<Outcome, String> {
    let dir = scratch_dir(&format!("program{edition}"))?;
    let result = compile_and_run_in(code, edition, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn compile_and_run_in(
    code: &str,
    edition: &str,
    dir: &Path,
) -> Result<Outcome, String> {
    if let Some(stderr) = rustc(code, edition, dir, true)? {
        return Err(format!("does not compile:\n{stderr}"));
    }
    run_bounded(Command::new(dir.join("main")), RUN_LIMIT)
        .map_err(|e| format!("cannot run the program: {e}"))
}
