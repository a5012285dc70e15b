//! `cargo xtask test`: every test of the book, the command the README gives
//! and CI runs. Installs what it needs first, then runs each step in order
//! and stops at the first failure, naming the step.
//!
//! The steps run one after another: on 2 cores each of them keeps the CPU
//! busy (compiling, or the tests' own threads), so running two at once
//! would only share the same cores.

use std::time::{Duration, Instant};

use crate::process::{self, MINUTE, cmd};
use crate::{Result, book, fail, no_args, tools};

/// One step: its name (in the header and a failure) and what it runs.
struct Step {
    name: &'static str,
    run: Box<dyn Fn() -> Result>,
}

/// A cargo command as a step, with its time limit.
fn cargo(
    args: &'static [&'static str],
    limit: Duration,
) -> Box<dyn Fn() -> Result> {
    Box::new(move || process::run(cmd("cargo", args), limit))
}

fn steps() -> Vec<Step> {
    vec![
        Step {
            name: "install-tools",
            run: Box::new(|| tools::install_tools(&[])),
        },
        Step {
            name: "cargo fmt --all --check",
            run: cargo(&["fmt", "--all", "--check"], 5 * MINUTE),
        },
        Step {
            name: "typos (spelling)",
            run: Box::new(|| crate::spelling::typos(&[])),
        },
        Step {
            name: "cargo clippy (every package, target and feature)",
            run: cargo(
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--all-features",
                    "--locked",
                    "--",
                    "-D",
                    "warnings",
                ],
                40 * MINUTE,
            ),
        },
        Step {
            name: "cargo test --workspace",
            run: cargo(&["test", "--workspace", "--locked"], 40 * MINUTE),
        },
        Step {
            // The learner's runner on the real manifest: every starter
            // fails its check, every solution prints its PASS line.
            name: "cargo exercises check-all",
            run: cargo(
                &[
                    "run",
                    "--quiet",
                    "--locked",
                    "--package",
                    "exercises",
                    "--",
                    "check-all",
                ],
                20 * MINUTE,
            ),
        },
        Step {
            name: "the benchmarks build",
            run: cargo(
                &["bench", "--locked", "-p", "lockbook-benches", "--no-run"],
                30 * MINUTE,
            ),
        },
        Step {
            // The model checker: loom's types replace std's under
            // --cfg loom, in a target folder of its own so that the flag
            // does not rebuild the main one.
            name: "loom model checks",
            run: Box::new(|| {
                let mut loom = cmd(
                    "cargo",
                    &[
                        "test",
                        "--locked",
                        "--release",
                        "-p",
                        "loom-tests",
                        "--test",
                        "loom_counter",
                    ],
                );
                loom.env("CARGO_TARGET_DIR", "target/loom")
                    .env("RUSTFLAGS", "--cfg loom");
                process::run(loom, 40 * MINUTE)
            }),
        },
        Step {
            name: "harness self-test",
            run: cargo(
                &[
                    "test",
                    "--locked",
                    "-p",
                    "book-tests",
                    "--test",
                    "book",
                    "harness_selftest",
                    "--",
                    "--ignored",
                ],
                30 * MINUTE,
            ),
        },
        Step {
            name: "build-book",
            run: Box::new(|| book::build_book(&[])),
        },
        Step {
            // The book was just built.
            name: "browser-test",
            run: Box::new(|| book::browser_test(&["--skip-build".to_owned()])),
        },
    ]
}

pub fn run(args: &[String]) -> Result {
    no_args("test", args)?;
    let start = Instant::now();
    let mut times = Vec::new();
    for step in steps() {
        println!("\n==> {}", step.name);
        let began = Instant::now();
        let result = (step.run)();
        let took = began.elapsed();
        if let Err(e) = result {
            return Err(fail(format!(
                "step `{}` failed after {}: {}",
                step.name,
                process::seconds(took),
                e.message
            )));
        }
        println!("==> {}: ok, {}", step.name, process::seconds(took));
        times.push((step.name, took));
    }
    println!("\nSteps:");
    for (name, took) in &times {
        println!("  {:>8}  {name}", process::seconds(*took));
    }
    println!("  {:>8}  in all", process::seconds(start.elapsed()));
    // A line for the log, not a check: what the run left on disk (CI's
    // disk is limited; `cargo xtask bench --only disk` holds the target).
    match crate::bench::size_gb(&crate::target_dir()) {
        Ok(gb) => {
            println!("  {gb:>6.2} GB in {}", crate::target_dir().display())
        }
        Err(e) => {
            println!("  (size of the target folder unknown: {})", e.message)
        }
    }
    println!("\nAll tests passed.");
    Ok(())
}
