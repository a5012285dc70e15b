//! The compiler skeptic runs for each of the book's `rust` blocks (set by
//! blocks/snippets.rs, in the block tests' process only). Two jobs:
//!
//! - as `rustc`: compile with `--edition=2024` whatever edition skeptic
//!   asks for (skeptic 0.14 knows none after 2021), with the real `rustc`
//!   from PATH. For a full build (`-o FILE`), the program is moved to
//!   `FILE.program` and a copy of this binary takes its place, as its
//!   launcher;
//! - as that launcher (started with `FILE.program` beside it): run the
//!   program under a time limit, `SNIPPET_LIMIT` seconds (default 10), and
//!   report a program that ran longer as a hang. skeptic waits forever.
//!
//! Written by hand because no library wraps a compiler for skeptic; the
//! time limit is std's `Child::try_wait` in a loop, as the harness's.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let me = std::env::current_exe().expect("the path of this program");
    let program = sibling(&me, "program");
    if program.is_file() {
        launch(&program)
    } else {
        compile(&me)
    }
}

/// `FILE` -> `FILE.SUFFIX` (whatever extension FILE has).
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn compile(me: &Path) -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = None;
    for i in 0..args.len() {
        if args[i].starts_with("--edition=") {
            args[i] = "--edition=2024".to_owned();
        }
        if args[i] == "-o" {
            out = args.get(i + 1).map(PathBuf::from);
        }
    }
    // The real compiler: `rustc` from PATH, never $RUSTC (that is this).
    let status = Command::new("rustc")
        .args(&args)
        .env_remove("RUSTC")
        .status()
        .expect("run rustc");
    if !status.success() {
        return ExitCode::from(status.code().unwrap_or(1).clamp(1, 255) as u8);
    }
    if let Some(out) = out {
        let program = sibling(&out, "program");
        std::fs::rename(&out, &program).expect("move the program aside");
        std::fs::copy(me, &out).expect("put the launcher in its place");
    }
    ExitCode::SUCCESS
}

fn launch(program: &Path) -> ExitCode {
    let limit = std::env::var("SNIPPET_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let mut child = Command::new(program)
        .args(std::env::args_os().skip(1))
        .spawn()
        .expect("start the block's program");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the block") {
            return match status.code() {
                Some(code) => ExitCode::from(code.clamp(0, 255) as u8),
                None => ExitCode::from(128 + 9),
            };
        }
        if start.elapsed() > Duration::from_secs(limit) {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!(
                "error: this block ran longer than {limit} s and was \
                 stopped. Does it hang?"
            );
            return ExitCode::from(124);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
