//! plot-costs draws what criterion measured: the fixture's numbers
//! (tools/figures/tests/fixtures/costs, a few results of a made-up run) in the charts and
//! the table, and a clear error without results. Moved from
//! tests/book/runs_costs.rs, which keeps the checks of the chapter.

mod common;

use book_figures::costs::read_numbers;
use common::{fixture, read, run, scratch};
use std::path::Path;

const PLOT_COSTS: &str = env!("CARGO_BIN_EXE_plot-costs");

/// The width of the bar of benchmark `id` (group/bench[/threads]).
fn bar_width(svg: &str, id: &str) -> f64 {
    let bar = svg
        .split(&format!(r#"data-bench="{id}""#))
        .nth(1)
        .unwrap_or_else(|| panic!("no bar for {id} in:\n{svg}"));
    let width = bar.split_once(r#"width=""#).unwrap().1;
    width.split_once('"').unwrap().0.parse().unwrap()
}

fn value_of(rows: &[(String, f64)], id: &str) -> f64 {
    rows.iter()
        .find(|(i, _)| i == id)
        .unwrap_or_else(|| panic!("no {id} in costs-numbers.txt"))
        .1
}

#[test]
fn plot_costs_draws_the_fixture_numbers() {
    let dir = scratch("fixture");
    let out = dir.join("images");
    let run = run(PLOT_COSTS, &[&fixture("costs"), &out]);
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
    let rows = read_numbers(&numbers).unwrap();
    assert_eq!(rows.len(), 8, "{numbers}");
    assert_eq!(value_of(&rows, "contended/std_mutex/2"), 80.5);
    let machine = read(out.join("costs-machine.txt"));
    for label in ["CPU:", "compiler:  rustc ", "date:", "load:"] {
        assert!(machine.contains(label), "{machine}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The charts and the table of the fixture, byte for byte: a change of
/// the drawing shows here first (SNAPSHOTS=overwrite to accept it, then
/// run cargo xtask plot-costs for the book's figures).
#[test]
fn the_fixture_charts_are_unchanged() {
    let dir = scratch("snapshots");
    let run = run(PLOT_COSTS, &[&fixture("costs"), &dir]);
    assert_eq!(run.exit_code, Some(0), "{}", run.output);
    for name in [
        "costs-uncontended.svg",
        "costs-contended.svg",
        "costs-sharded.svg",
        "costs-numbers.txt",
    ] {
        let expected = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .join(name);
        snapbox::assert_data_eq!(
            read(dir.join(name)),
            snapbox::Data::read_from(&expected, None)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plot_costs_says_when_there_are_no_results() {
    let dir = scratch("empty");
    let run_in =
        |criterion: &Path| run(PLOT_COSTS, &[criterion, &dir.join("out")]);
    let missing = run_in(&dir.join("no-criterion-here"));
    assert_eq!(missing.exit_code, Some(1), "{}", missing.output);
    assert!(
        missing
            .output
            .contains("run `cargo bench --bench locks` first"),
        "{}",
        missing.output
    );
    let empty = run_in(&dir); // a folder without criterion's results
    assert_eq!(empty.exit_code, Some(1), "{}", empty.output);
    let usage = run(PLOT_COSTS, &[Path::new("only-one")]);
    assert_eq!(usage.exit_code, Some(2), "{}", usage.output);
    assert!(
        usage.output.contains("usage: plot-costs"),
        "{}",
        usage.output
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_estimates_file_is_named() {
    let dir = scratch("broken");
    let estimates = dir.join("uncontended/std_mutex/new/estimates.json");
    std::fs::create_dir_all(estimates.parent().unwrap()).unwrap();
    std::fs::write(&estimates, r#"{"mean": {"point_estimate": 1.0}}"#).unwrap();
    let run = run(PLOT_COSTS, &[&dir, &dir.join("out")]);
    assert_eq!(run.exit_code, Some(1), "{}", run.output);
    assert!(
        run.output
            .contains("estimates.json: no median point_estimate"),
        "{}",
        run.output
    );
    let _ = std::fs::remove_dir_all(&dir);
}
