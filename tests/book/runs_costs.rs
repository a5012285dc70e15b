//! Tests of the chapter "What locks cost" that do not run the benchmarks
//! (too slow): the chapter's figures exist, name their benchmarks and
//! agree with the numbers the chapter quotes. How plot-costs draws what
//! criterion measured is tested next to it
//! (tools/figures/tests/plot_costs.rs).

use crate::support::{read, root};
use std::time::Duration;

use book_figures::costs::{number, read_numbers};

/// The rows of costs-numbers.txt: (group/bench[/threads], ns).
fn parse_numbers(text: &str) -> Vec<(String, f64)> {
    read_numbers(text).unwrap_or_else(|e| panic!("costs-numbers.txt: {e}"))
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
            let text = number(*ns);
            assert!(
                svg.contains(&format!("<title>{row}: {text} ns</title>")),
                "{image} does not show {row} = {text} ns from costs-numbers.txt"
            );
        }
    }
}

/// The sentences of the chapter that read the figures, checked against the
/// table the same run wrote (src/images/costs-numbers.txt). If a new run
/// of cargo xtask plot-costs makes one false, change the sentence.
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
         between two and three times its 1-thread bar: a contended lock \
         cost two to three times its uncontended price here, not many times",
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
        assert!(
            (2.0..3.0).contains(&(many / one)),
            "std_mutex: 1 thread {one}, {n}: {many}"
        );
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
        number(one_thread),
        number(alone)
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

    // std or parking_lot: the chapter quotes both groups.
    let (std_alone, pl_alone) = (
        v("uncontended/std_mutex"),
        v("uncontended/parking_lot_mutex"),
    );
    says(&format!(
        "the two bars are close ({} ns for std and {} ns for parking_lot in \
         the committed run",
        number(std_alone),
        number(pl_alone)
    ));
    let ratio = std_alone / pl_alone;
    assert!((0.8..1.25).contains(&ratio), "{std_alone} vs {pl_alone} ns");
    says(
        "the `std_mutex` bar was more than 1.5 times the `parking_lot_mutex` \
         bar with 2, 4 and 8 threads alike",
    );
    for n in [2, 4, 8] {
        let std = v(&format!("contended/std_mutex/{n}"));
        let pl = v(&format!("contended/parking_lot_mutex/{n}"));
        assert!(std > 1.5 * pl, "{n} threads: std {std}, parking_lot {pl}");
    }
    says(&format!(
        "({} against {} ns with 2 threads)",
        number(v("contended/std_mutex/2")),
        number(v("contended/parking_lot_mutex/2"))
    ));
}

/// The sharding answer of the chapter's quiz (quizzes/lock-costs.toml)
/// reads the same run as the chapter.
#[test]
fn quiz_sharding_answer_matches_the_numbers() {
    let rows =
        parse_numbers(&read(root().join("src/images/costs-numbers.txt")));
    let v = |id: &str| value_of(&rows, id);
    let quiz = read(root().join("quizzes/lock-costs.toml"));
    let flat = quiz.split_whitespace().collect::<Vec<_>>().join(" ");
    let says = |text: &str| {
        assert!(flat.contains(text), "the quiz no longer says: {text}");
    };
    let (one, packed, padded) = (
        v("sharded/one_mutex/2"),
        v("sharded/mutex_per_key/2"),
        v("sharded/padded_mutex_per_key/2"),
    );
    says(&format!(
        "one padded lock per counter took {} ns per increment against {} ns \
         for one lock over all 64",
        number(padded),
        number(one)
    ));
    assert!(padded < one, "padded {padded} ns, one lock {one} ns");
    says(&format!(
        "Unpadded locks per counter took {} ns",
        number(packed)
    ));
    // "false sharing ate most of the gain"
    assert!(
        one - packed < (one - padded) / 2.0,
        "one {one}, packed {packed}, padded {padded}"
    );
    let machine = read(root().join("src/images/costs-machine.txt"));
    let share = machine
        .lines()
        .find_map(|l| l.strip_prefix("share:"))
        .and_then(|l| l.split(": ").nth(1))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no `share:` line in:\n{machine}"));
    says(&format!("({share} CPUs of 2 on average)"));
    assert!(share.parse::<f64>().unwrap() > 1.0, "share {share}");
}

/// threads_vs_cores: N threads never keep more than min(N, CPUs) busy.
#[test]
fn threads_never_use_more_cpus_than_there_are() {
    let _gate = crate::support::cpu_heavy();
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
