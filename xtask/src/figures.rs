//! The book's figures, made from real runs on this machine: the lock costs
//! (criterion benchmarks) and the timelines (traced demo runs). The drawing
//! is book-figures' (tools/figures); these tasks make the runs.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::book::TempDir;
use crate::process::{self, MINUTE, cmd};
use crate::{Context, Result, fail, no_args, target_dir, usage};

/// `cargo xtask plot-costs`: runs the benchmarks of benches/locks.rs (1 to
/// 2 minutes on 2 cores), then draws src/images/costs-*.svg and writes
/// costs-numbers.txt and costs-machine.txt there, from target/criterion/.
pub fn plot_costs(args: &[String]) -> Result {
    no_args("plot-costs", args)?;
    let criterion = target_dir().join("criterion");
    // Start clean, so that no result of an older run (or of a renamed
    // benchmark) is drawn.
    for group in ["uncontended", "contended", "sharded"] {
        let _ = fs::remove_dir_all(criterion.join(group));
    }
    fs::create_dir_all(&criterion)
        .context(|| format!("cannot make {}", criterion.display()))?;
    let mut build = bench("locks");
    build.arg("--no-run");
    process::run(build, 30 * MINUTE)?;
    // How busy the machine was, and how much CPU time the run got: other
    // programs running at the same time change what the benchmarks measure.
    let load_before = load_average();
    let cpu_before = children_cpu_seconds()?;
    let start = Instant::now();
    process::run(bench("locks"), 20 * MINUTE)?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu_seconds()?;
    // book-figures reads: load before, then wall, user and system seconds.
    let run = format!(
        "{load_before} {wall:.3} {:.3} {:.3}\n",
        cpu.0 - cpu_before.0,
        cpu.1 - cpu_before.1
    );
    fs::write(criterion.join("costs-run.txt"), run)
        .context(|| "cannot write costs-run.txt".into())?;
    plot(&criterion, &[])
}

/// `cargo xtask async-costs`: runs benches/async_locks.rs (std's `Mutex`
/// and tokio's, from a task; about 10 s) and writes the medians to
/// src/images/async-costs.txt, which "Locks in async code" quotes.
pub fn async_costs(args: &[String]) -> Result {
    no_args("async-costs", args)?;
    let criterion = target_dir().join("criterion");
    let _ = fs::remove_dir_all(criterion.join("async"));
    process::run(bench("async_locks"), 20 * MINUTE)?;
    plot(&criterion, &["--async"])
}

/// `cargo bench` of one benchmark file of benches/.
fn bench(file: &str) -> std::process::Command {
    cmd(
        "cargo",
        &[
            "bench",
            "--locked",
            "-p",
            "lockbook-benches",
            "--bench",
            file,
        ],
    )
}

/// book-figures' plot-costs on criterion's results, into src/images
/// (`flags` before the folders: `--async` for the async table only).
fn plot(criterion: &Path, flags: &[&str]) -> Result {
    let mut draw = cmd(
        "cargo",
        &[
            "run",
            "--locked",
            "-q",
            "-p",
            "book-figures",
            "--bin",
            "plot-costs",
            "--",
        ],
    );
    draw.args(flags).arg(criterion).arg("src/images");
    process::run(draw, 10 * MINUTE)
}

/// The 1-minute load average, as /proc/loadavg writes it.
pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// User and system CPU seconds of this process's finished children (and
/// theirs): fields 16 and 17 of /proc/self/stat, in clock ticks (USER_HZ,
/// 100 on Linux; std has no getrusage).
fn children_cpu_seconds() -> Result<(f64, f64)> {
    let stat = fs::read_to_string("/proc/self/stat")
        .context(|| "cannot read /proc/self/stat".into())?;
    // Fields after the process name `(...)` start at field 3.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let tick = |field: usize| {
        fields.get(field - 3).and_then(|f| f.parse::<f64>().ok())
    };
    match (tick(16), tick(17)) {
        (Some(user), Some(system)) => Ok((user / 100.0, system / 100.0)),
        _ => Err(fail("cannot read the CPU time from /proc/self/stat")),
    }
}

/// Exit code of book-figures' draw-timelines when the run does not show
/// what the picture is for (run it again).
const NOT_SHOWN: i32 = 4;

/// `cargo xtask draw-timelines [OUT_DIR]`: the timeline pictures of the
/// chapters "Race conditions", "Nested locks" and "Deadlocks" (default
/// OUT_DIR: src/images). Each demo runs with LOCKBOOK_TRACE=FILE, which
/// makes it record what each thread did and when
/// (examples/lockbook/trace.rs), and book-figures draws the trace as
/// OUT_DIR/timeline-NAME.svg. The lost update is traced on a small run (2
/// threads x 3 updates) so that the picture stays readable; a run that
/// small does not always lose an update, so it is run again (up to 30
/// times) until one does, with a trace that agrees with what the program
/// printed. The hang and the deadlock show on every run.
pub fn draw_timelines(args: &[String]) -> Result {
    let out = match args {
        [] => "src/images",
        [dir] if !dir.starts_with('-') => dir.as_str(),
        _ => return Err(usage("usage: cargo xtask draw-timelines [OUT_DIR]")),
    };
    let out = Path::new(out);
    fs::create_dir_all(out)
        .context(|| format!("cannot make {}", out.display()))?;
    let work = TempDir::new("timelines")?;
    process::run(
        cmd(
            "cargo",
            &[
                "build",
                "--locked",
                "-q",
                "--example",
                "lost_update",
                "--example",
                "transfer_outer_lock",
                "--example",
                "deadlock_two_accounts",
            ],
        ),
        20 * MINUTE,
    )?;
    process::run(
        cmd(
            "cargo",
            &[
                "build",
                "--locked",
                "-q",
                "-p",
                "book-figures",
                "--bin",
                "draw-timelines",
            ],
        ),
        20 * MINUTE,
    )?;
    let draw = target_dir().join("debug/draw-timelines");
    let timeline =
        |kind: &str, name: &str, tries: u32, example: &str, args: &[&str]| {
            let trace = work.path().join(format!("{name}.tsv"));
            let console = work.path().join(format!("{name}.out"));
            let svg = out.join(format!("timeline-{name}.svg"));
            for attempt in 1..=tries {
                let log = fs::File::create(&console).context(|| {
                    format!("cannot write {}", console.display())
                })?;
                let log2 = log.try_clone().context(|| {
                    format!("cannot write {}", console.display())
                })?;
                let mut demo = cmd(
                    "cargo",
                    &["run", "--locked", "-q", "--example", example, "--"],
                );
                demo.args(args)
                    .env("LOCKBOOK_TRACE", &trace)
                    .stdout(log)
                    .stderr(log2);
                // The demos that hang or deadlock detect it and end themselves;
                // the limit is for a demo that failed to.
                let status = process::status(demo, 2 * MINUTE)?;
                let mut call = vec![example];
                call.extend(args);
                println!(
                    "{} (run {attempt}): {}",
                    call.join(" "),
                    process::describe(status)
                );
                let mut picture =
                    cmd(draw.to_str().unwrap_or("draw-timelines"), &[kind]);
                picture.arg(&trace).arg(&console).arg(&svg);
                let status = process::status(picture, MINUTE)?;
                match status.code() {
                    Some(0) => return Ok(()),
                    Some(NOT_SHOWN) => continue,
                    _ => {
                        return Err(fail(format!(
                            "draw-timelines {kind} failed ({})",
                            process::describe(status)
                        )));
                    }
                }
            }
            Err(fail(format!("no run of {example} in {tries} showed it")))
        };
    timeline(
        "lost-update",
        "lost-update",
        30,
        "lost_update",
        &["--threads", "2", "--updates", "3"],
    )?;
    timeline("hang", "nested-hang", 3, "transfer_outer_lock", &[])?;
    timeline("deadlock", "deadlock", 3, "deadlock_two_accounts", &[])
}

/// `cargo xtask scenarios`: run every scenario of "play the scheduler"
/// (examples/lockbook/scenarios) under every shuttle schedule and write
/// the explorer's data, src/explorer/NAME.js, and each chapter's static
/// fallback, src/generated/explorer-NAME.md (tools/explorer). The tests
/// fail when a committed file differs from a fresh run.
pub fn scenarios(args: &[String]) -> Result {
    if !args.is_empty() {
        return Err(usage("usage: cargo xtask scenarios"));
    }
    process::run(
        cmd(
            "cargo",
            &["run", "--locked", "-q", "--package", "book-explorer"],
        ),
        20 * MINUTE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_child_adds_cpu_time() {
        let before = children_cpu_seconds().unwrap();
        let busy = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done";
        process::run(cmd("sh", &["-c", busy]), MINUTE).unwrap();
        let after = children_cpu_seconds().unwrap();
        assert!(
            after.0 + after.1 > before.0 + before.1,
            "{before:?} -> {after:?}"
        );
    }
}
