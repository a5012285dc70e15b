//! What the tools' tests share: the fixtures, a scratch folder, running a
//! tool.

use std::path::{Path, PathBuf};
use std::process::Command;

/// tools/figures/tests/fixtures/<name>: what a real run of the
/// benchmarks or of a traced example left, kept small.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fresh, empty scratch folder for one test, unique to this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("book-figures-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// What a run of a tool did: its exit code, and what it printed (stdout,
/// then stderr).
pub struct Run {
    pub exit_code: Option<i32>,
    pub output: String,
}

/// Runs the tool `exe` with `args`.
pub fn run(exe: &str, args: &[&Path]) -> Run {
    let out = Command::new(exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {exe}: {e}"));
    Run {
        exit_code: out.status.code(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}
