//! `rust,edition2021` blocks: skeptic compiles every block as one edition
//! (tools/snippet-rustc makes it 2024), so these are compiled as edition 2021
//! here and run under the same time limit. The book uses them to prove what
//! changed in edition 2024: the same code in a plain `rust` block beside it
//! asserts the 2024 behaviour.

use std::process::Command;

use crate::compile_fail::{rustc, scratch_dir};
use crate::console::{RUN_LIMIT, run_bounded};

/// Compile `code` as edition 2021 and run it; it must exit with code 0.
pub fn check(code: &str, place: &str) -> Result<(), String> {
    let dir =
        scratch_dir("edition2021").map_err(|e| format!("{place}: {e}"))?;
    let result = build_and_run(code, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result.map_err(|e| format!("{place} (edition 2021): {e}"))
}

fn build_and_run(code: &str, dir: &std::path::Path) -> Result<(), String> {
    if let Some(stderr) = rustc(code, "2021", dir, true)? {
        return Err(format!("does not compile:\n{stderr}"));
    }
    let outcome = run_bounded(Command::new(dir.join("main")), RUN_LIMIT)
        .map_err(|e| format!("cannot run the program: {e}"))?;
    match outcome.exit_code {
        Some(0) => Ok(()),
        None => Err(format!(
            "ran longer than {RUN_LIMIT:?} and was stopped. Does it hang? Output:\n{}",
            outcome.output
        )),
        Some(code) => {
            Err(format!("exited with code {code}:\n{}", outcome.output))
        }
    }
}
