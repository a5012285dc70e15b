//! `cargo xtask bench`: how fast the house is, on this machine (a
//! benchmark, not a test: it prints figures beside their targets and fails
//! only if a command fails). Measurements:
//!
//! - fresh-clone: a clone of HEAD with an empty target folder, timed to
//!   the first output of `cargo run --example lost_update`, and the crates
//!   it compiles (the crate sources are taken from the local cache, so no
//!   download is timed);
//! - cargo-test: warm `cargo test --workspace --locked`;
//! - xtask-test: warm `cargo xtask test`, the README's whole test command;
//! - disk: a clone of HEAD with an empty target folder, `cargo xtask test`
//!   run in it as CI runs it, and the size of its target folder at the end
//!   (the build only grows, so the end is the peak);
//! - blocks: the cost of one block in the block tests (skeptic, through
//!   its wrapper) beside a bare `rustc` compile and run of the same block.
//!
//! The figures are also written as a markdown table to
//! target/bench-house.md.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use crate::book::TempDir;
use crate::figures::load_average;
use crate::process::{self, MINUTE, SECOND, cmd};
use crate::{Context, Result, fail, root, target_dir, usage};

pub const MEASUREMENTS: &[&str] =
    &["fresh-clone", "cargo-test", "xtask-test", "disk", "blocks"];

struct Options {
    chosen: Vec<&'static str>,
    runs: usize,
    whole_runs: usize,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        chosen: MEASUREMENTS.to_vec(),
        runs: 3,
        whole_runs: 1,
    };
    let names = |list: &str| -> Result<Vec<&'static str>> {
        list.split(',')
            .map(|name| {
                MEASUREMENTS
                    .iter()
                    .copied()
                    .find(|m| *m == name)
                    .ok_or_else(|| {
                        usage(format!(
                            "bench: unknown measurement `{name}` (known: {})",
                            MEASUREMENTS.join(", ")
                        ))
                    })
            })
            .collect()
    };
    let count = |flag: &str, value: Option<&String>| -> Result<usize> {
        value
            .and_then(|v| v.parse().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                usage(format!("bench: {flag} needs a count of at least 1"))
            })
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => {
                let list = args
                    .next()
                    .ok_or_else(|| usage("bench: --only needs a list"))?;
                options.chosen = names(list)?;
            }
            "--skip" => {
                let list = args
                    .next()
                    .ok_or_else(|| usage("bench: --skip needs a list"))?;
                let skipped = names(list)?;
                options.chosen.retain(|m| !skipped.contains(m));
            }
            "--runs" => options.runs = count("--runs", args.next())?,
            "--whole-runs" => {
                options.whole_runs = count("--whole-runs", args.next())?
            }
            other => {
                return Err(usage(format!(
                    "bench: unknown option `{other}` (options: --only LIST, --skip LIST, --runs N, --whole-runs N)"
                )));
            }
        }
    }
    Ok(options)
}

/// One line of the report: what, the figure, the target, the runs.
struct Row {
    what: String,
    figure: String,
    target: String,
    runs: String,
}

pub fn run(args: &[String]) -> Result {
    let options = parse(args)?;
    let rustc = process::stdout(cmd("rustc", &["--version"]), MINUTE)?;
    let commit =
        process::stdout(cmd("git", &["rev-parse", "--short", "HEAD"]), MINUTE)
            .unwrap_or_else(|_| "?".into());
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let load_before = load_average();
    let machine = format!(
        "{cores} cores, {}, {}, commit {}, load average {load_before} at the start",
        std::env::consts::ARCH,
        rustc.trim(),
        commit.trim()
    );
    println!("machine: {machine}");
    let mut rows = Vec::new();
    for &measurement in &options.chosen {
        println!("\n==> {measurement}");
        let new = match measurement {
            "fresh-clone" => fresh_clone()?,
            "cargo-test" => warm_cargo_test(options.runs)?,
            "xtask-test" => warm_xtask_test(options.whole_runs)?,
            "disk" => disk()?,
            _ => blocks(options.runs)?,
        };
        for row in &new {
            println!(
                "{}: {} (target: {}; {})",
                row.what, row.figure, row.target, row.runs
            );
        }
        rows.extend(new);
    }
    let load_after = load_average();
    println!("\nload average at the end: {load_after}");
    let mut table = format!(
        "# The house, measured by `cargo xtask bench`\n\nMachine: {machine}, {load_after} at the end.\n\n\
         | measurement | result | target | runs |\n|---|---|---|---|\n"
    );
    for row in &rows {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} |",
            row.what, row.figure, row.target, row.runs
        );
    }
    let file = target_dir().join("bench-house.md");
    fs::create_dir_all(target_dir())
        .context(|| "cannot make the target folder".into())?;
    fs::write(&file, table)
        .context(|| format!("cannot write {}", file.display()))?;
    println!("written to {}", file.display());
    Ok(())
}

/// Minimum, median and maximum.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (sorted[0], median, sorted[n - 1])
}

/// `runs: min 1.0 / median 1.2 / max 1.5 s (3 runs)`
fn runs_text(values: &[f64]) -> String {
    let (min, median, max) = spread(values);
    format!(
        "min {min:.1} / median {median:.1} / max {max:.1} s ({} run{})",
        values.len(),
        if values.len() == 1 { "" } else { "s" }
    )
}

fn verdict(value: f64, limit: f64) -> &'static str {
    if value <= limit {
        "meets it"
    } else {
        "MISSES it"
    }
}

/// Runs a command to the end with its output kept back; on failure the
/// output's end is shown. Returns the seconds it took.
fn timed_quietly(
    command: std::process::Command,
    limit: Duration,
) -> Result<f64> {
    let what = process::show(&command);
    let start = Instant::now();
    let (status, lines) = process::merged(command, limit, false)?;
    let took = start.elapsed().as_secs_f64();
    if !status.success() {
        let tail = lines.len().saturating_sub(40);
        eprintln!("{}", lines[tail..].join("\n"));
        return Err(fail(format!(
            "bench: `{what}` failed ({}; the end of its output is above)",
            process::describe(status)
        )));
    }
    Ok(took)
}

/// A clone of the committed HEAD in `work` (changes not yet committed are
/// not in it), as a learner's `git clone` would be.
fn clone_head(work: &TempDir) -> Result<PathBuf> {
    let clone = work.path().join("lockbook");
    let mut git = cmd("git", &["clone", "--quiet"]);
    git.arg(root()).arg(&clone);
    process::run(git, 10 * MINUTE)?;
    Ok(clone)
}

fn fresh_clone() -> Result<Vec<Row>> {
    let work = TempDir::new("fresh-clone")?;
    let clone = clone_head(&work)?;
    let mut run =
        cmd("cargo", &["run", "--locked", "--example", "lost_update"]);
    run.current_dir(&clone)
        .env("CARGO_TARGET_DIR", work.path().join("target"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let what = process::show(&run);
    let start = Instant::now();
    let child = run.spawn().context(|| format!("cannot start {what}"))?;
    let (status, (first_output, messages, output)) =
        process::wait(&what, child, 20 * MINUTE, |child| {
            let stderr = child.stderr.take();
            // cargo's messages, on stderr: count the crates it compiles.
            let counter = thread::spawn(move || {
                let mut lines = Vec::new();
                if let Some(stderr) = stderr {
                    lines.extend(
                        BufReader::new(stderr).lines().map_while(|l| l.ok()),
                    );
                }
                lines
            });
            let mut first = None;
            let mut output = Vec::new();
            if let Some(mut stdout) = child.stdout.take() {
                let mut buf = [0; 4096];
                loop {
                    let n = stdout.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    first.get_or_insert_with(|| start.elapsed());
                    output.extend_from_slice(&buf[..n]);
                }
            }
            let messages = counter.join().unwrap_or_default();
            Ok((first, messages, output))
        })?;
    let total = start.elapsed();
    if !status.success() {
        eprintln!("{}", messages.join("\n"));
    }
    process::check(&what, status)?;
    let compiled: Vec<&str> = messages
        .iter()
        .filter_map(|line| line.trim_start().strip_prefix("Compiling "))
        .collect();
    let first = first_output
        .ok_or_else(|| fail("bench: lost_update printed nothing"))?
        .as_secs_f64();
    let first_line = String::from_utf8_lossy(&output)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned();
    println!("compiled: {}", compiled.join(", "));
    println!("first line of output: {first_line}");
    Ok(vec![
        Row {
            what: "fresh clone, `cargo run --example lost_update`: crates compiled".into(),
            figure: compiled.len().to_string(),
            target: format!("at most 15, {}", verdict(compiled.len() as f64, 15.0)),
            runs: "1 run".into(),
        },
        Row {
            what: "fresh clone, `cargo run --example lost_update`: seconds to the first output"
                .into(),
            figure: format!("{first:.1} s (program done at {:.1} s)", total.as_secs_f64()),
            target: format!("at most 15 s, {}", verdict(first, 15.0)),
            runs: "1 run, crate sources already downloaded".into(),
        },
    ])
}

fn warm_cargo_test(runs: usize) -> Result<Vec<Row>> {
    let test = || cmd("cargo", &["test", "--workspace", "--locked", "-q"]);
    println!("warm-up run (builds what is not built yet)");
    timed_quietly(test(), 60 * MINUTE)?;
    let mut times = Vec::new();
    for i in 1..=runs {
        let took = timed_quietly(test(), 30 * MINUTE)?;
        println!("run {i}: {took:.1} s");
        times.push(took);
    }
    let median = spread(&times).1;
    Ok(vec![Row {
        what: "warm `cargo test --workspace --locked`".into(),
        figure: format!("{median:.1} s (median)"),
        target: format!("at most 45 s, {}", verdict(median, 45.0)),
        runs: runs_text(&times),
    }])
}

fn warm_xtask_test(runs: usize) -> Result<Vec<Row>> {
    let test = || cmd("cargo", &["xtask", "test"]);
    println!("warm-up run (builds and installs what is not there yet)");
    timed_quietly(test(), 90 * MINUTE)?;
    let mut times = Vec::new();
    for i in 1..=runs {
        let took = timed_quietly(test(), 60 * MINUTE)?;
        println!("run {i}: {took:.1} s");
        times.push(took);
    }
    let median = spread(&times).1;
    Ok(vec![Row {
        what: "warm `cargo xtask test` (the README's test command)".into(),
        figure: format!("{median:.1} s (median)"),
        target: format!("at most 150 s, {}", verdict(median, 150.0)),
        runs: runs_text(&times),
    }])
}

/// What `folder` holds on disk, in GB, as `du` counts it (each hard link
/// once: cargo links every program it builds under two names).
pub fn size_gb(folder: &Path) -> Result<f64> {
    let mut du = cmd("du", &["-sk"]);
    du.arg(folder);
    let out = process::stdout(du, MINUTE)?;
    let kb: f64 = out
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| fail(format!("cannot read du's `{out}`")))?;
    Ok(kb / (1024.0 * 1024.0))
}

/// The disk a whole cold test run fills: CI's `cargo xtask test` on a
/// fresh clone, then `du` of the clone's target folder (it holds every
/// build of the run, loom's, the self-test's and the benchmarks' too).
fn disk() -> Result<Vec<Row>> {
    let work = TempDir::new("disk")?;
    let clone = clone_head(&work)?;
    let mut test = cmd("cargo", &["xtask", "test"]);
    test.current_dir(&clone).env_remove("CARGO_TARGET_DIR");
    println!("cargo xtask test in a fresh clone (minutes)");
    let took = timed_quietly(test, 90 * MINUTE)?;
    let gb = size_gb(&clone.join("target"))?;
    Ok(vec![Row {
        what: "fresh clone, `cargo xtask test`: size of target/ at the end"
            .into(),
        figure: format!("{gb:.2} GB (the run took {took:.0} s)"),
        target: format!("at most 3 GB, {}", verdict(gb, 3.0)),
        runs: "1 run, tools and crate sources already downloaded".into(),
    }])
}

/// Names of the block tests that skeptic runs: the generated tests named
/// after file and line (`src_races_md_line_42`), but not the harness's own
/// (compile_fail_..., console_..., edition2021_..., should_panic_...).
fn skeptic_tests(list: &str) -> Vec<String> {
    list.lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .filter(|name| {
            name.contains("_line_")
                && ![
                    "compile_fail_",
                    "console_",
                    "edition2021_",
                    "should_panic_",
                ]
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .map(str::to_owned)
        .collect()
}

/// The newest `lib{name}-*.rlib` in `deps`.
fn newest_rlib(deps: &Path, name: &str) -> Option<PathBuf> {
    let prefix = format!("lib{name}-");
    fs::read_dir(deps)
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

fn blocks(runs: usize) -> Result<Vec<Row>> {
    let block_tests = |args: &[&str]| {
        let mut test = cmd(
            "cargo",
            &[
                "test",
                "--locked",
                "-q",
                "-p",
                "book-tests",
                "--test",
                "blocks",
                "--",
            ],
        );
        test.args(args);
        test
    };
    println!("building the block tests");
    timed_quietly(
        cmd(
            "cargo",
            &[
                "test",
                "--locked",
                "-p",
                "book-tests",
                "--test",
                "blocks",
                "--no-run",
            ],
        ),
        60 * MINUTE,
    )?;
    let listed = process::stdout(block_tests(&["--list"]), 10 * MINUTE)?;
    let names = skeptic_tests(&listed);
    if names.len() < 2 {
        return Err(fail(format!(
            "bench: found {} skeptic block tests in `cargo test -p book-tests --test blocks -- --list`; need 2 or more",
            names.len()
        )));
    }
    let out = TempDir::new("blocks")?;
    let mut write = cmd(
        "cargo",
        &[
            "run",
            "-q",
            "--locked",
            "-p",
            "book-harness",
            "--bin",
            "book-blocks",
            "--",
        ],
    );
    write.arg(root()).arg(out.path());
    let written = process::stdout(write, 20 * MINUTE)?;
    let n: usize = written.trim().parse().map_err(|_| {
        fail(format!(
            "bench: book-blocks printed `{}`, not a count",
            written.trim()
        ))
    })?;
    if n == 0 {
        return Err(fail("bench: book-blocks wrote no block"));
    }
    let deps = target_dir().join("debug/deps");
    let mut externs = Vec::new();
    for name in ["lockbook", "parking_lot", "scopeguard", "shuttle"] {
        match newest_rlib(&deps, name) {
            Some(rlib) => externs.push(format!("{name}={}", rlib.display())),
            None => println!(
                "no {name} rlib in {}: blocks that use it will not compile",
                deps.display()
            ),
        }
    }
    // One block at a time on both sides, so that the figures are per
    // block. `cargo test` has a fixed cost (cargo's freshness check, the
    // test binary's start): measured with one block, it is taken out.
    let (mut one, mut all, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    let mut failures = 0;
    for i in 1..=runs {
        let mut first = vec!["--exact", "--test-threads=1"];
        first.push(&names[0]);
        one.push(timed_quietly(block_tests(&first), 10 * MINUTE)?);
        let mut every = vec!["--exact", "--test-threads=1"];
        every.extend(names.iter().map(String::as_str));
        all.push(timed_quietly(block_tests(&every), 30 * MINUTE)?);
        // Only the blocks that compile count: a compile error is cheaper
        // than a build, and would make the bare side look faster.
        let mut spent = Duration::ZERO;
        failures = 0;
        for k in 0..n {
            let source = out.path().join(format!("{k}.rs"));
            let program = out.path().join(format!("{k}.bin"));
            let mut rustc = cmd(
                "rustc",
                &["--edition", "2024", "--crate-type", "bin", "-L"],
            );
            rustc.arg(format!("dependency={}", deps.display()));
            for e in &externs {
                rustc.args(["--extern", e]);
            }
            rustc
                .arg("-o")
                .arg(&program)
                .arg(&source)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let start = Instant::now();
            if !process::status(rustc, 5 * MINUTE)?.success() {
                failures += 1;
                continue;
            }
            let mut block = std::process::Command::new(&program);
            block.stdout(Stdio::null()).stderr(Stdio::null());
            // A block that hangs is killed at 10 s, as the wrapper would;
            // how it ends does not matter here, only what it cost.
            let _ = process::status(block, 10 * SECOND);
            spent += start.elapsed();
        }
        if failures == n {
            return Err(fail("bench: no block compiled with the bare rustc"));
        }
        bare.push(spent.as_secs_f64() / (n - failures) as f64);
        println!(
            "run {i}: 1 block {:.1} s, {} blocks {:.1} s, bare rustc {:.3} s a block",
            one[i - 1],
            names.len(),
            all[i - 1],
            bare[i - 1]
        );
    }
    let one_m = spread(&one).1;
    let all_m = spread(&all).1;
    let bare_m = spread(&bare).1;
    let added = (all_m - one_m) / (names.len() - 1) as f64;
    let ratio = added / bare_m;
    if failures > 0 {
        println!(
            "{failures} of {n} blocks did not compile with the bare rustc (as book-blocks writes them); the bare figure is of the other {}",
            n - failures
        );
    }
    Ok(vec![
        Row {
            what: format!(
                "block tests: `cargo test` of 1 skeptic block, of all {}",
                names.len()
            ),
            figure: format!("{one_m:.1} s, {all_m:.1} s (medians)"),
            target: "-".into(),
            runs: format!(
                "1 block: {}; all: {}",
                runs_text(&one),
                runs_text(&all)
            ),
        },
        Row {
            what: "per block: all in (fixed cost spread), each one added"
                .into(),
            figure: format!(
                "{:.3} s, {added:.3} s",
                all_m / names.len() as f64
            ),
            target: "-".into(),
            runs: format!("{runs} runs, medians"),
        },
        Row {
            what: format!(
                "per block: bare `rustc` compile and run ({} blocks)",
                n - failures
            ),
            figure: format!("{bare_m:.3} s"),
            target: "-".into(),
            runs: format!(
                "min {:.3} / median {bare_m:.3} / max {:.3} s ({runs} runs); {failures} did not compile",
                spread(&bare).0,
                spread(&bare).2
            ),
        },
        Row {
            what: "ratio: a block added to the tests / bare rustc".into(),
            figure: format!("{ratio:.2}x"),
            target: format!("at most 1.5x, {}", verdict(ratio, 1.5)),
            runs: "medians".into(),
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_the_middle() {
        assert_eq!(spread(&[3.0, 1.0, 2.0]), (1.0, 2.0, 3.0));
        assert_eq!(spread(&[4.0, 1.0, 2.0, 3.0]), (1.0, 2.5, 4.0));
        assert_eq!(spread(&[5.0]), (5.0, 5.0, 5.0));
    }

    #[test]
    fn only_skeptic_tests_are_picked() {
        let list = "src_races_md_line_42: test\n\
                    compile_fail_src_a_md_line_3: test\n\
                    console_src_b_md_line_9: test\n\
                    should_panic_src_c_md_line_1: test\n\
                    every_block_is_tested: test\n\
                    readme_md_line_7: test\n\n2 tests, 0 benchmarks";
        assert_eq!(
            skeptic_tests(list),
            ["src_races_md_line_42", "readme_md_line_7"]
        );
    }

    #[test]
    fn size_counts_a_hard_link_once() {
        let dir = TempDir::new("size-test").unwrap();
        let file = dir.path().join("program");
        fs::write(&file, vec![1u8; 2 << 20]).unwrap();
        let one = size_gb(dir.path()).unwrap();
        assert!((0.0019..0.0021).contains(&one), "{one} GB for 2 MiB");
        fs::hard_link(&file, dir.path().join("program-hash")).unwrap();
        assert_eq!(size_gb(dir.path()).unwrap(), one);
    }

    #[test]
    fn options_are_checked() {
        let args =
            |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = parse(&args(&["--only", "blocks,fresh-clone", "--runs", "2"]))
            .unwrap();
        assert_eq!(o.chosen, ["blocks", "fresh-clone"]);
        assert_eq!(o.runs, 2);
        let o = parse(&args(&["--skip", "xtask-test,disk"])).unwrap();
        assert_eq!(o.chosen, ["fresh-clone", "cargo-test", "blocks"]);
        assert!(parse(&args(&["--only", "nope"])).is_err());
        assert!(parse(&args(&["--runs", "0"])).is_err());
        assert!(parse(&args(&["--bogus"])).is_err());
    }
}
