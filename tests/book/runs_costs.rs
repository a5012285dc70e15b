//! Tests of the chapter "What locks cost" that do not run the benchmarks
//! (too slow): the plot-costs binary draws what criterion measured, and the
//! chapter's figures exist, name their benchmarks and agree with the
//! numbers the chapter quotes.

use crate::support::{read, root, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use book_harness::console::{Outcome, run_bounded};

/// tools/figures/src/bin/plot-costs.rs has no dependencies: compile it with rustc
/// into `dir` (faster and lock-free, unlike a nested `cargo build`).
fn build_plot_costs(dir: &Path) -> PathBuf {
    let exe = dir.join(format!("plot-costs{}", std::env::consts::EXE_SUFFIX));
    let mut cmd = Command::new("rustc");
    cmd.args(["--edition", "2024", "--crate-name", "plot_costs"])
        .arg(root().join("tools/figures/src/bin/plot-costs.rs"))
        .arg("-o")
        .arg(&exe);
    let out = run_bounded(cmd, Duration::from_secs(60)).expect("rustc runs");
    assert_eq!(out.exit_code, Some(0), "rustc failed:\n{}", out.output);
    exe
}

fn plot(exe: &Path, criterion: &Path, out: &Path) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.arg(criterion).arg(out);
    run_bounded(cmd, Duration::from_secs(10)).expect("plot-costs runs")
}

/// The width of the bar of benchmark `id` (group/bench[/threads]).
fn bar_width(svg: &str, id: &str) -> f64 {
    let bar = svg
        .split(&format!(r#"data-bench="{id}""#))
        .nth(1)
        .unwrap_or_else(|| panic!("no bar for {id} in:\n{svg}"));
    let width = bar.split_once(r#"width=""#).unwrap().1;
    width.split_once('"').unwrap().0.parse().unwrap()
}

#[test]
fn plot_costs_draws_the_fixture_numbers() {
    let dir = scratch("fixture");
    let exe = build_plot_costs(&dir);
    let out = dir.join("images");
    let fixture = root().join("tests/fixtures/costs");
    let run = plot(&exe, &fixture, &out);
    assert_eq!(run.exit_code, Some(0), "{}", run.output);

    // Medians, not means (99.9 in every fixture) or the old `base` run.
    let svg = read(out.join("costs-uncontended.svg"));
    for (id, value) in [
        ("uncontended/std_mutex", "20.0 ns"),
        ("uncontended/atomic_fetch_add", "10.0 ns"),
    ] {
        let bench = id.rsplit('/').next().unwrap();
        assert!(svg.contains(&format!(r#"data-bench="{id}""#)), "{svg}");
        assert!(svg.contains(&format!(">{bench}</text>")), "{svg}");
        assert!(svg.contains(&format!("<title>{id}: {value}</title>")));
        assert!(svg.contains(&format!(">{value}</text>")), "{svg}");
    }
    assert!(!svg.contains("99.9") && !svg.contains("555"), "{svg}");
    // Bars are to scale: the longest is 380 wide; 10 ns is half of 20 ns.
    let mutex = bar_width(&svg, "uncontended/std_mutex");
    let atomic = bar_width(&svg, "uncontended/atomic_fetch_add");
    assert_eq!(mutex, 380.0);
    assert!((atomic - 190.0).abs() < 0.1, "{atomic}");

    // Thread counts become sections, in order, with every bar in them.
    let svg = read(out.join("costs-contended.svg"));
    let one = svg.find(">1 thread<").expect("a `1 thread` section");
    let two = svg.find(">2 threads<").expect("a `2 threads` section");
    assert!(one < two);
    for (id, value, width) in [
        ("contended/std_mutex/1", "25.0 ns", 25.0 / 80.5 * 380.0),
        ("contended/std_mutex/2", "80.5 ns", 380.0),
        (
            "contended/atomic_fetch_add/1",
            "5.25 ns",
            5.25 / 80.5 * 380.0,
        ),
        (
            "contended/atomic_fetch_add/2",
            "12.0 ns",
            12.0 / 80.5 * 380.0,
        ),
    ] {
        assert!(svg.contains(&format!("<title>{id}: {value}</title>")));
        let at = svg.find(&format!(r#"data-bench="{id}""#)).unwrap();
        let section = if id.ends_with("/1") { one } else { two };
        assert!(at > section, "{id} is drawn outside its section");
        assert!((bar_width(&svg, id) - width).abs() < 0.1, "{id}");
    }
    let svg = read(out.join("costs-sharded.svg"));
    assert!(svg.contains("<title>sharded/one_mutex/2: 40.0 ns</title>"));
    assert!(
        svg.contains("<title>sharded/padded_mutex_per_key/2: 15.5 ns</title>")
    );

    let numbers = read(out.join("costs-numbers.txt"));
    let rows = parse_numbers(&numbers);
    assert_eq!(rows.len(), 8, "{numbers}");
    assert_eq!(value_of(&rows, "contended/std_mutex/2"), 80.5);
    let machine = read(out.join("costs-machine.txt"));
    for label in ["CPU:", "compiler:  rustc ", "date:", "load:"] {
        assert!(machine.contains(label), "{machine}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plot_costs_says_when_there_are_no_results() {
    let dir = scratch("empty");
    let exe = build_plot_costs(&dir);
    let run = plot(&exe, &dir.join("no-criterion-here"), &dir.join("out"));
    assert_eq!(run.exit_code, Some(1), "{}", run.output);
    assert!(
        run.output.contains("run `cargo bench --bench locks` first"),
        "{}",
        run.output
    );
    let run = plot(&exe, &dir, &dir.join("out")); // wrong argument count
    let mut cmd = Command::new(&exe);
    cmd.arg("only-one");
    let usage = run_bounded(cmd, Duration::from_secs(10)).unwrap();
    assert_eq!(usage.exit_code, Some(2), "{}", usage.output);
    assert_eq!(run.exit_code, Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The rows of costs-numbers.txt: (group/bench[/threads], ns).
fn parse_numbers(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .skip(1)
        .map(|l| {
            let (id, ns) = l.trim().rsplit_once(' ').unwrap();
            (id.trim().to_owned(), ns.parse().unwrap())
        })
        .collect()
}

fn value_of(rows: &[(String, f64)], id: &str) -> f64 {
    rows.iter()
        .find(|(i, _)| i == id)
        .unwrap_or_else(|| panic!("no {id} in costs-numbers.txt"))
        .1
}

fn chapter() -> String {
    read(root().join("src/lock-costs.md"))
}

/// Every `images/...` path the chapter uses, as in the markdown.
fn referenced_images(chapter: &str) -> Vec<String> {
    let mut found: Vec<String> = chapter
        .split("images/")
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || "-_.".contains(c)))
                .unwrap_or(rest.len());
            format!("images/{}", &rest[..end])
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The benchmark ids of one group in benches/locks.rs.
fn bench_ids(group: &str) -> Vec<String> {
    let source = read(root().join("benches/locks.rs"));
    let start = format!("benchmark_group(\"{group}\")");
    let body = source.split(&start).nth(1).expect("the group is there");
    let body = body.split("g.finish()").next().unwrap();
    let mut ids = Vec::new();
    for call in ["bench_function(\"", "BenchmarkId::new(\""] {
        for rest in body.split(call).skip(1) {
            ids.push(rest.split('"').next().unwrap().to_owned());
        }
    }
    ids
}

#[test]
fn chapter_images_exist_and_name_their_benchmarks() {
    let chapter = chapter();
    let images = referenced_images(&chapter);
    for needed in [
        "images/costs-uncontended.svg",
        "images/costs-contended.svg",
        "images/costs-sharded.svg",
        "images/costs-machine.txt",
        "images/costs-numbers.txt",
    ] {
        assert!(images.iter().any(|i| i == needed), "chapter lacks {needed}");
    }
    let numbers = read(root().join("src/images/costs-numbers.txt"));
    let rows = parse_numbers(&numbers);
    for image in &images {
        let path = root().join("src").join(image);
        assert!(path.exists(), "the chapter shows {image}, which is missing");
        let Some(group) = image
            .strip_prefix("images/costs-")
            .and_then(|s| s.strip_suffix(".svg"))
        else {
            continue;
        };
        let svg = read(&path);
        let ids = bench_ids(group);
        assert!(ids.len() >= 3, "{group}: {ids:?}");
        for id in &ids {
            assert!(
                svg.contains(&format!(r#"data-bench="{group}/{id}"#))
                    && svg.contains(&format!(">{id}</text>")),
                "{image} does not show benchmark {group}/{id}"
            );
        }
        // The SVG and the table come from the same run.
        for (row, ns) in rows.iter().filter(|(r, _)| r.starts_with(group)) {
            let text = numbers_text(*ns);
            assert!(
                svg.contains(&format!("<title>{row}: {text} ns</title>")),
                "{image} does not show {row} = {text} ns from costs-numbers.txt"
            );
        }
    }
}

/// How plot-costs prints a number (three significant digits).
fn numbers_text(ns: f64) -> String {
    if ns >= 100.0 {
        format!("{ns:.0}")
    } else if ns >= 10.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.2}")
    }
}

/// The sentences of the chapter that read the figures, checked against the
/// table the same run wrote (src/images/costs-numbers.txt). If a new run
/// of tools/plot-costs makes one false, change the sentence.
#[test]
fn chapter_claims_match_the_numbers() {
    let rows =
        parse_numbers(&read(root().join("src/images/costs-numbers.txt")));
    let v = |id: &str| value_of(&rows, id);
    let chapter = chapter();
    let says = |text: &str| {
        let flat = chapter.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(text), "the chapter no longer says: {text}");
    };

    says(
        "the std `Mutex` bar is between one and three times the `fetch_add` bar",
    );
    let ratio = v("uncontended/std_mutex") / v("uncontended/atomic_fetch_add");
    assert!(
        (1.0..3.0).contains(&ratio),
        "std_mutex / fetch_add = {ratio}"
    );

    says("the four lock bars are within a factor of two of each other");
    let locks = [
        "std_mutex",
        "parking_lot_mutex",
        "std_rwlock_read",
        "parking_lot_reentrant_mutex",
    ]
    .map(|b| v(&format!("uncontended/{b}")));
    let (lo, hi) = (
        locks.iter().copied().fold(f64::MAX, f64::min),
        locks.iter().copied().fold(0.0, f64::max),
    );
    assert!(hi / lo <= 2.0, "locks from {lo} to {hi} ns");

    says("Every lock costs more than ten times that");
    assert!(v("uncontended/no_lock") * 10.0 < lo);

    says(
        "every benchmark's bar for 2 threads is higher than its bar for 1 \
         thread, and the `std_mutex` bars for 2, 4 and 8 threads are all \
         more than 1.5 times its 1-thread bar",
    );
    for b in ["std_mutex", "parking_lot_mutex", "atomic_fetch_add"] {
        let (one, two) = (
            v(&format!("contended/{b}/1")),
            v(&format!("contended/{b}/2")),
        );
        assert!(two > one, "{b}: 1 thread {one} ns, 2 threads {two} ns");
    }
    let one = v("contended/std_mutex/1");
    for n in [2, 4, 8] {
        let many = v(&format!("contended/std_mutex/{n}"));
        assert!(many > 1.5 * one, "std_mutex: 1 thread {one}, {n}: {many}");
    }
    says(
        "its 2-thread bar is less than 1.5 times its 1-thread bar, because \
         it moves",
    );
    let (one, two) = (
        v("contended/atomic_fetch_add/1"),
        v("contended/atomic_fetch_add/2"),
    );
    assert!(
        two < 1.5 * one,
        "fetch_add: 1 thread {one}, 2 threads {two}"
    );

    for n in [2, 8] {
        let one = v(&format!("sharded/one_mutex/{n}"));
        let padded = v(&format!("sharded/padded_mutex_per_key/{n}"));
        for b in ["mutex_per_key", "padded_mutex_per_key"] {
            let sharded = v(&format!("sharded/{b}/{n}"));
            assert!(one > sharded, "{n}: one_mutex {one} ns, {b} {sharded}");
        }
        assert!(one > 5.0 * padded, "{n}: one_mutex {one}, padded {padded}");
    }
    says(
        "with 2 threads, both sharded versions were faster than \
         `one_mutex`, and `padded_mutex_per_key` more than five times as fast",
    );
    says(
        "With 8 threads, too, both sharded versions were faster than \
         `one_mutex`, and `padded_mutex_per_key` more than five times as fast",
    );
    says("the packed `mutex_per_key` was more than four times slower than");
    let (packed, padded) = (
        v("sharded/mutex_per_key/2"),
        v("sharded/padded_mutex_per_key/2"),
    );
    assert!(
        packed > 4.0 * padded,
        "packed {packed} ns, padded {padded} ns"
    );

    says("between ten and twenty nanoseconds on the machine used here");
    assert!(lo >= 10.0 && hi <= 20.0, "locks from {lo} to {hi} ns");

    // The 1-thread contended bar and the uncontended one, quoted as numbers.
    let (one_thread, alone) =
        (v("contended/std_mutex/1"), v("uncontended/std_mutex"));
    says(&format!(
        "the `std_mutex` bar is {} ns here, against {} ns for \
         `uncontended/std_mutex`",
        numbers_text(one_thread),
        numbers_text(alone)
    ));
    let ratio = one_thread / alone;
    assert!(
        (0.75..1.5).contains(&ratio),
        "{one_thread} ns vs {alone} ns"
    );

    // "share: ... got 40 s of CPU time: 0.76 of the 2 CPUs"
    let machine = read(root().join("src/images/costs-machine.txt"));
    let words: Vec<&str> = machine
        .lines()
        .find_map(|l| l.strip_prefix("share:"))
        .and_then(|l| l.split(": ").nth(1))
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_else(|| panic!("no `share:` line in:\n{machine}"));
    let [share, "of", "the", cpus, "CPUs"] = words[..] else {
        panic!("unexpected `share:` line in:\n{machine}");
    };
    says(&format!(
        "the benchmarks got {share} CPUs (of {cpus}) on average, so the two \
         threads really ran at the same moment"
    ));
    let share: f64 = share.parse().unwrap();
    assert!(share > 1.0, "the run got {share} CPUs");
}

/// threads_vs_cores: N threads never keep more than min(N, CPUs) busy.
#[test]
fn threads_never_use_more_cpus_than_there_are() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    for run in 1..=5 {
        let outcome = book_harness::console::run_example(
            "threads_vs_cores",
            &[],
            Duration::from_secs(5),
        );
        let out = &outcome.output;
        assert_eq!(outcome.exit_code, Some(0), "run {run}:\n{out}");
        assert!(out.contains(&format!("this machine: {cpus} CPUs")), "{out}");
        let rows: Vec<Vec<f64>> = out
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().map(|w| w.parse().unwrap()).collect())
            .collect();
        assert_eq!(rows.len(), 4, "run {run}:\n{out}");
        for (row, threads) in rows.iter().zip([1.0, 2.0, 4.0, 8.0]) {
            let [n, wall, cpu, used] = row[..] else {
                panic!("run {run}: bad row {row:?}:\n{out}");
            };
            assert_eq!(n, threads);
            assert!(wall > 0.0 && cpu > 0.0, "run {run}:\n{out}");
            let most = threads.min(cpus as f64) + 0.05;
            assert!(
                used <= most,
                "run {run}: {n} threads used {used} CPUs:\n{out}"
            );
        }
    }
}
