//! The project's tasks, in Rust (matklad's xtask convention, as mdBook and
//! Comprehensive Rust use): `cargo xtask TASK [ARGS]`, where the alias in
//! .cargo/config.toml runs this package. `cargo xtask help` lists the tasks.
//!
//! Every task is a function below or in a module; every command a task
//! starts has a time limit (process.rs), and a failure ends the task with
//! one line on stderr and a non-zero exit code.

mod bench;
mod book;
mod figures;
mod process;
mod spelling;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a task failed: one line for the user, and the exit code.
#[derive(Debug)]
pub struct Error {
    message: String,
    code: u8,
}

pub type Result<T = ()> = std::result::Result<T, Error>;

/// A task failed (exit code 1).
pub fn fail(message: impl Into<String>) -> Error {
    Error {
        message: message.into(),
        code: 1,
    }
}

/// The command line is wrong (exit code 2, like a usage error).
pub fn usage(message: impl Into<String>) -> Error {
    Error {
        message: message.into(),
        code: 2,
    }
}

/// Adds what was being done to an I/O error.
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::io::Result<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| fail(format!("{}: {e}", what())))
    }
}

type Task = fn(&[String]) -> Result;

/// Name, arguments, what it does, function.
const TASKS: &[(&str, &str, &str, Task)] = &[
    (
        "test",
        "",
        "every test of the book, in order (what CI runs)",
        test::run,
    ),
    (
        "serve",
        "[MDBOOK_SERVE_ARGS]",
        "read the book at http://localhost:3000, rebuilt as you edit",
        book::serve,
    ),
    (
        "build-book",
        "[MDBOOK_BUILD_ARGS]",
        "build book/ with the link checker; fail on any ERROR or WARN line",
        book::build_book,
    ),
    (
        "browser-test",
        "[--skip-build] [-- PLAYWRIGHT_ARGS]",
        "test the built book in headless Chromium (tests/browser)",
        book::browser_test,
    ),
    (
        "typos",
        "",
        "check the spelling of the book, the quizzes and the code (typos)",
        spelling::typos,
    ),
    (
        "install-tools",
        "",
        "install the pinned mdBook tools, Chromium and the Node packages",
        tools::install_tools,
    ),
    (
        "plot-costs",
        "",
        "run the lock benchmarks and draw src/images/costs-*",
        figures::plot_costs,
    ),
    (
        "async-costs",
        "",
        "run benches/async_locks.rs and write src/images/async-costs.txt",
        figures::async_costs,
    ),
    (
        "draw-timelines",
        "[OUT_DIR]",
        "trace the demos and draw src/images/timeline-*.svg",
        figures::draw_timelines,
    ),
    (
        "scenarios",
        "",
        "run the explorer's scenarios in every order: src/explorer/, src/generated/explorer-*",
        figures::scenarios,
    ),
    (
        "bench",
        "[--only LIST] [--skip LIST] [--runs N] [--whole-runs N]",
        "measure build and test times (a benchmark, not a test)",
        bench::run,
    ),
    ("help", "", "this list", help),
];

fn help(_: &[String]) -> Result {
    print!("{}", help_text());
    Ok(())
}

fn help_text() -> String {
    let mut text = String::from("usage: cargo xtask TASK [ARGS]\n\ntasks:\n");
    for (name, args, what, _) in TASKS {
        let call = format!("{name} {args}");
        text.push_str(&format!("  {}\n      {what}\n", call.trim_end()));
    }
    text.push_str(&format!(
        "\nbench measurements (for --only and --skip, comma-separated): {}\n",
        bench::MEASUREMENTS.join(", ")
    ));
    text
}

/// The repository's root: xtask/ is one folder below it.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is inside the repository")
}

/// Cargo's target folder, as the commands the tasks start see it.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// Rejects arguments for a task that takes none.
pub fn no_args(task: &str, args: &[String]) -> Result {
    match args.first() {
        None => Ok(()),
        Some(arg) => {
            Err(usage(format!("{task} takes no arguments (got `{arg}`)")))
        }
    }
}

fn main() -> ExitCode {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                eprintln!("error: argument {arg:?} is not UTF-8");
                return ExitCode::from(2);
            }
        }
    }
    if let Err(e) = std::env::set_current_dir(root()) {
        eprintln!("error: cannot enter {}: {e}", root().display());
        return ExitCode::FAILURE;
    }
    // Before any thread starts (see the function).
    tools::put_tools_on_path();
    let result = match args.split_first() {
        None => {
            eprint!("{}", help_text());
            Err(usage("no task given"))
        }
        Some((task, rest)) => {
            let task = match task.as_str() {
                "-h" | "--help" => "help",
                other => other,
            };
            match TASKS.iter().find(|(name, ..)| *name == task) {
                Some((.., run)) => run(rest),
                None => Err(usage(format!(
                    "unknown task `{task}` (`cargo xtask help` lists them)"
                ))),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
