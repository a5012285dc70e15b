//! Draws the figures of the chapter "What locks cost" from criterion's
//! results: one SVG bar chart per benchmark group, a table of the numbers,
//! and a description of the machine that made them.
//!
//!     cargo run -p book-harness --bin plot-costs -- CRITERION_DIR OUT_DIR
//!
//! tools/plot-costs runs `cargo bench --bench locks` first and then this,
//! with target/criterion and src/images. Criterion keeps each result in
//! CRITERION_DIR/<group>/<benchmark>[/<threads>]/new/estimates.json; the
//! charts use the median point estimate, in nanoseconds. No dependencies:
//! the JSON is read by hand and the SVG is written by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The groups of benches/locks.rs, with the chart's title and what one
/// measured operation is.
const GROUPS: &[(&str, &str, &str)] = &[
    (
        "uncontended",
        "One thread, no contention: lock, add 1 (or read), unlock",
        "ns per operation (median)",
    ),
    (
        "contended",
        "N threads increment one shared counter",
        "ns per increment: total time / total increments (median)",
    ),
    (
        "sharded",
        "64 counters: one lock, or one lock per counter",
        "ns per increment: total time / total increments (median)",
    ),
];

/// Benchmarks in the order benches/locks.rs defines them; others after.
const ORDER: &[&str] = &[
    "no_lock",
    "std_mutex",
    "parking_lot_mutex",
    "std_rwlock_read",
    "parking_lot_reentrant_mutex",
    "atomic_fetch_add",
    "one_mutex",
    "mutex_per_key",
    "padded_mutex_per_key",
];

/// Bar colours, one per benchmark of a group (colour-blind safe palette).
const COLOURS: &[&str] = &[
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
    "#f0e442", "#000000",
];

/// One measured result: benchmark id, thread count (if any), median ns.
#[derive(Debug, Clone, PartialEq)]
struct Result {
    bench: String,
    threads: Option<u64>,
    ns: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [criterion, out] = args.as_slice() else {
        eprintln!("usage: plot-costs CRITERION_DIR OUT_DIR");
        std::process::exit(2);
    };
    if let Err(e) = run(Path::new(criterion), Path::new(out)) {
        eprintln!("plot-costs: {e}");
        std::process::exit(1);
    }
}

fn run(criterion: &Path, out: &Path) -> std::result::Result<(), String> {
    std::fs::create_dir_all(out)
        .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut table = String::from(
        "median time per operation, in ns (criterion, tools/plot-costs)\n",
    );
    for &(group, title, unit) in GROUPS {
        let results = read_group(&criterion.join(group))?;
        if results.is_empty() {
            return Err(format!(
                "no results under {}; run `cargo bench --bench locks` first",
                criterion.join(group).display()
            ));
        }
        for r in &results {
            let name = match r.threads {
                Some(t) => format!("{group}/{}/{t}", r.bench),
                None => format!("{group}/{}", r.bench),
            };
            writeln!(table, "{name:<40} {:>9}", number(r.ns)).unwrap();
        }
        let svg = chart(group, title, unit, &results);
        write(&out.join(format!("costs-{group}.svg")), &svg)?;
    }
    write(&out.join("costs-numbers.txt"), &table)?;
    write(&out.join("costs-machine.txt"), &machine(criterion))?;
    println!(
        "wrote the charts, costs-numbers.txt and costs-machine.txt to {}",
        out.display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> std::result::Result<(), String> {
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir() && !p.ends_with("report"))
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every result of one group, in benchmark order, then by thread count.
fn read_group(dir: &Path) -> std::result::Result<Vec<Result>, String> {
    let mut results = Vec::new();
    for bench_dir in subdirs(dir) {
        let bench = name(&bench_dir);
        let estimates = bench_dir.join("new/estimates.json");
        if estimates.exists() {
            let ns = median(&estimates)?;
            results.push(Result {
                bench,
                threads: None,
                ns,
            });
            continue;
        }
        for param_dir in subdirs(&bench_dir) {
            let estimates = param_dir.join("new/estimates.json");
            if !estimates.exists() {
                continue;
            }
            let threads = name(&param_dir).parse().map_err(|_| {
                format!("{}: expected a thread count", param_dir.display())
            })?;
            let ns = median(&estimates)?;
            results.push(Result {
                bench: bench.clone(),
                threads: Some(threads),
                ns,
            });
        }
    }
    let rank =
        |b: &str| ORDER.iter().position(|o| *o == b).unwrap_or(ORDER.len());
    results.sort_by(|a, b| {
        (a.threads, rank(&a.bench), &a.bench)
            .partial_cmp(&(b.threads, rank(&b.bench), &b.bench))
            .unwrap()
    });
    Ok(results)
}

/// The median's point estimate in criterion's estimates.json: the number
/// after `"point_estimate":` inside the `"median":` object.
fn median(path: &Path) -> std::result::Result<f64, String> {
    let json = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bad = || format!("{}: no median point_estimate", path.display());
    let after = json.split_once("\"median\"").ok_or_else(bad)?.1;
    let after = after.split_once("\"point_estimate\"").ok_or_else(bad)?.1;
    let after = after.trim_start().strip_prefix(':').ok_or_else(bad)?;
    let end = after.find([',', '}']).ok_or_else(bad)?;
    after[..end].trim().parse().map_err(|_| bad())
}

/// A time in ns with three significant digits, as the charts print it.
fn number(ns: f64) -> String {
    if ns >= 100.0 {
        format!("{ns:.0}")
    } else if ns >= 10.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.2}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A horizontal bar chart: a section per thread count (if any), a bar per
/// benchmark, each labelled with its id and its time.
fn chart(group: &str, title: &str, unit: &str, results: &[Result]) -> String {
    const WIDTH: f64 = 720.0;
    const LABEL: f64 = 250.0; // the benchmark names, right-aligned
    const BARS: f64 = 380.0; // the longest bar
    const ROW: f64 = 22.0;
    let max = results.iter().map(|r| r.ns).fold(0.0, f64::max).max(1e-9);
    let mut benches: Vec<&str> = Vec::new();
    for r in results {
        if !benches.contains(&r.bench.as_str()) {
            benches.push(&r.bench);
        }
    }
    let colour = |b: &str| {
        let i = benches.iter().position(|x| *x == b).unwrap_or(0);
        COLOURS[i % COLOURS.len()]
    };
    let mut body = String::new();
    let mut y = 64.0;
    let mut section = None;
    for r in results {
        if r.threads.is_some() && r.threads != section {
            section = r.threads;
            let t = r.threads.unwrap_or(0);
            let s = if t == 1 { "" } else { "s" };
            y += 8.0;
            writeln!(
                body,
                r#"  <text x="8" y="{:.0}" font-weight="bold">{t} thread{s}</text>"#,
                y + 14.0
            )
            .unwrap();
            y += ROW;
        }
        let w = (r.ns / max * BARS).max(1.0);
        let id = match r.threads {
            Some(t) => format!("{group}/{}/{t}", r.bench),
            None => format!("{group}/{}", r.bench),
        };
        let value = format!("{} ns", number(r.ns));
        writeln!(
            body,
            concat!(
                r#"  <g class="bar" data-bench="{id}">"#,
                r#"<text x="{lx:.0}" y="{ty:.0}" text-anchor="end">{bench}</text>"#,
                r#"<rect x="{bx:.0}" y="{ry:.0}" width="{w:.1}" height="{h:.0}" fill="{c}">"#,
                r#"<title>{id}: {value}</title></rect>"#,
                r#"<text x="{vx:.1}" y="{ty:.0}">{value}</text></g>"#
            ),
            id = escape(&id),
            lx = LABEL - 8.0,
            ty = y + 15.0,
            bench = escape(&r.bench),
            bx = LABEL,
            ry = y + 3.0,
            w = w,
            h = ROW - 6.0,
            c = colour(&r.bench),
            value = value,
            vx = LABEL + w + 6.0,
        )
        .unwrap();
        y += ROW;
    }
    let height = y + 16.0;
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" "#,
            r#"viewBox="0 0 {w:.0} {h:.0}" font-family="sans-serif" font-size="13">"#,
            "\n",
            "  <title>{title} (criterion group `{group}`)</title>\n",
            r#"  <rect width="100%" height="100%" fill="white"/>"#,
            "\n",
            r#"  <text x="8" y="22" font-size="16" font-weight="bold">{title}</text>"#,
            "\n",
            r##"  <text x="8" y="44" fill="#444">{unit}; group `{group}`, benches/locks.rs</text>"##,
            "\n{body}</svg>\n"
        ),
        w = WIDTH,
        h = height,
        title = escape(title),
        group = escape(group),
        unit = escape(unit),
        body = body,
    )
}

/// What made the numbers: CPU, core count, rustc, date, load, and how much
/// CPU time the run got (from CRITERION_DIR/costs-run.txt, which
/// tools/plot-costs writes: load before, then wall, user and system
/// seconds of `cargo bench`).
fn machine(criterion: &Path) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |key: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
    };
    let model = field("model name").unwrap_or_else(|| "unknown CPU".into());
    let cpus = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let cores = field("cpu cores").unwrap_or_else(|| "?".into());
    let vm =
        field("flags").is_some_and(|f| f.split(' ').any(|w| w == "hypervisor"));
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc (unknown version)".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    let run = std::fs::read_to_string(criterion.join("costs-run.txt"))
        .ok()
        .map(|t| {
            t.split_whitespace()
                .filter_map(|w| w.parse::<f64>().ok())
                .collect::<Vec<f64>>()
        })
        .filter(|v| v.len() == 4)
        .map(|v| {
            format!(
                "load:      {:.2} before the run, {load} after \
                 (1-minute load average)\n\
                 share:     the benchmarks ran {:.0} s and got {:.0} s of CPU \
                 time: {:.2} of the {cpus} CPUs\n",
                v[0],
                v[1],
                v[2] + v[3],
                (v[2] + v[3]) / v[1]
            )
        })
        .unwrap_or_else(|| {
            format!(
                "load:      {load} (1-minute load average when the run ended)\n"
            )
        });
    format!(
        "CPU:       {model}, {cpus} logical CPUs ({cores} cores){}\n\
         OS:        {} {}\n\
         compiler:  {rustc}, cargo bench (release profile)\n\
         date:      {} (UTC)\n\
         {run}\
         made by:   tools/plot-costs\n",
        if vm { ", virtual machine" } else { "" },
        std::env::consts::OS,
        std::env::consts::ARCH,
        today(),
    )
}

/// Today's date, YYYY-MM-DD, from the system clock (UTC).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
