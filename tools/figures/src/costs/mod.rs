//! The figures of the chapter "What locks cost" from criterion's results:
//! one SVG bar chart per benchmark group (costs-<group>.svg), a table of
//! the numbers (costs-numbers.txt), and a description of the machine that
//! made them (costs-machine.txt).
//!
//! cargo xtask plot-costs runs `cargo bench --bench locks` first and then
//! `plot-costs CRITERION_DIR OUT_DIR` with target/criterion and src/images.

pub mod chart;
pub mod criterion;
pub mod machine;

use std::path::Path;

/// The groups of benches/locks.rs, with the chart's title and what one
/// measured operation is.
pub const GROUPS: &[(&str, &str, &str)] = &[
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
pub const ORDER: &[&str] = &[
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

/// The first line of costs-numbers.txt.
const TABLE_HEADING: &str =
    "median time per operation, in ns (criterion, cargo xtask plot-costs)";

/// One measured result: benchmark id, thread count (if any), median ns.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub bench: String,
    pub threads: Option<u64>,
    pub ns: f64,
}

impl Measurement {
    /// Its id in `group`, as criterion names it: group/bench[/threads].
    pub fn id(&self, group: &str) -> String {
        match self.threads {
            Some(t) => format!("{group}/{}/{t}", self.bench),
            None => format!("{group}/{}", self.bench),
        }
    }
}

/// A time in ns with three significant digits, as the charts and the
/// table print it.
pub fn number(ns: f64) -> String {
    if ns >= 100.0 {
        format!("{ns:.0}")
    } else if ns >= 10.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.2}")
    }
}

/// A row of costs-numbers.txt: the id, padded to 40, and the number,
/// right-aligned in 9.
fn table_row(id: &str, ns: f64) -> String {
    format!("{id:<40} {:>9}\n", number(ns))
}

/// The rows of costs-numbers.txt: (group/bench[/threads], ns), in the
/// order of the file.
pub fn read_numbers(text: &str) -> Result<Vec<(String, f64)>, String> {
    text.lines()
        .skip(1)
        .map(|l| {
            let bad = || format!("not an `id ns` row: `{l}`");
            let (id, ns) = l.trim().rsplit_once(' ').ok_or_else(bad)?;
            Ok((id.trim().to_owned(), ns.parse().map_err(|_| bad())?))
        })
        .collect()
}

/// Draws the charts and writes the two text files of the results in
/// `criterion` into `out` (created if need be). An error if a group has no
/// results: the benchmarks did not run.
pub fn run(criterion: &Path, out: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out)
        .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut table = format!("{TABLE_HEADING}\n");
    for &(group, title, unit) in GROUPS {
        let results = criterion::read_group(&criterion.join(group))?;
        if results.is_empty() {
            return Err(format!(
                "no results under {}; run `cargo bench --bench locks` first",
                criterion.join(group).display()
            ));
        }
        for r in &results {
            table += &table_row(&r.id(group), r.ns);
        }
        let svg = chart::chart(group, title, unit, &results);
        write(&out.join(format!("costs-{group}.svg")), &svg)?;
    }
    write(&out.join("costs-numbers.txt"), &table)?;
    write(&out.join("costs-machine.txt"), &machine::machine(criterion))?;
    Ok(())
}

/// The table of the `async` group (benches/async_locks.rs), as
/// `OUT/async-costs.txt`, in the format of costs-numbers.txt.
pub fn run_async(criterion: &Path, out: &Path) -> Result<(), String> {
    let results = criterion::read_group(&criterion.join("async"))?;
    if results.is_empty() {
        return Err(format!(
            "no results under {}; run `cargo bench --bench async_locks` first",
            criterion.join("async").display()
        ));
    }
    let mut table = "median time per operation, in ns (criterion, cargo \
                     xtask async-costs)\n"
        .to_owned();
    for r in &results {
        table += &table_row(&r.id("async"), r.ns);
    }
    write(&out.join("async-costs.txt"), &table)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_three_significant_digits() {
        assert_eq!(number(0.3712), "0.37");
        assert_eq!(number(5.25), "5.25");
        assert_eq!(number(9.999), "10.00");
        assert_eq!(number(80.54), "80.5");
        assert_eq!(number(123.4), "123");
    }

    #[test]
    fn the_table_reads_back_what_it_wrote() {
        let m = Measurement {
            bench: "std_mutex".into(),
            threads: Some(2),
            ns: 80.5,
        };
        let row = table_row(&m.id("contended"), m.ns);
        assert_eq!(row, "contended/std_mutex/2                         80.5\n");
        let text = format!("{TABLE_HEADING}\n{row}");
        assert_eq!(
            read_numbers(&text).unwrap(),
            [("contended/std_mutex/2".to_owned(), 80.5)]
        );
        assert!(read_numbers("heading\nno-number-here\n").is_err());
        assert!(read_numbers("heading\nid fast\n").is_err());
    }
}
