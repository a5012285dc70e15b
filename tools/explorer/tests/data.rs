//! The explorer's committed data is a fresh exploration, its counts agree
//! with shuttle's own depth-first search and with a count by hand, and the
//! code it shows is the scenarios' source, line for line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use book_explorer::{SOURCE, data::Tree, explore, files};
use lockbook::scenarios::{SCENARIOS, Scenario, record};
use serde_json::Value;
use shuttle::scheduler::DfsScheduler;
use shuttle::{Config, FailurePersistence, Runner};
use snapbox::{Data, assert_data_eq};

/// One test at a time: shuttle's failure reporting and the explorer's
/// quiet panic hook are the process's, and a failure search on one thread
/// must not meet another's (a test ran alongside once made shuttle's
/// report of model-failure go missing).
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn source() -> String {
    std::fs::read_to_string(root().join(SOURCE)).expect("the scenarios' source")
}

fn scenario(name: &str) -> &'static Scenario {
    SCENARIOS
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

/// `cargo xtask scenarios` rewrites these; SNAPSHOTS=overwrite does too.
#[test]
fn the_committed_files_are_a_fresh_exploration() {
    let _serial = one_at_a_time();
    let source = source();
    for scenario in SCENARIOS {
        for (path, text) in files(scenario, &source) {
            assert_data_eq!(
                text,
                Data::read_from(&root().join(&path), None).raw()
            );
        }
    }
}

/// Every execution's ending, counted: by the explorer's own walk, and by
/// shuttle's `DfsScheduler` running the same scenario (which stops at the
/// first failure, so only scenarios that cannot deadlock are compared
/// whole; for those that can, shuttle must find a failure too).
#[test]
fn the_executions_are_those_of_shuttles_own_search() {
    let _serial = one_at_a_time();
    for scenario in SCENARIOS {
        let executions = explore(scenario);
        let mut ours: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &executions {
            *ours.entry(e.ending.kind).or_insert(0) += 1;
        }
        let stuck =
            ours.contains_key("deadlock") || ours.contains_key("never-woken");
        let counts =
            Arc::new(Mutex::new(BTreeMap::<&'static str, usize>::new()));
        let seen = Arc::clone(&counts);
        let (run, ending) = (scenario.run, scenario.ending);
        let mut config = Config::new();
        config.failure_persistence = FailurePersistence::None;
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Runner::new(DfsScheduler::new(None, false), config).run(
                    move || {
                        record::reset();
                        run();
                        let (events, state) = record::take();
                        let kind = ending(&events, &state).kind;
                        *seen.lock().unwrap().entry(kind).or_insert(0) += 1;
                    },
                )
            }));
        if stuck {
            assert!(
                outcome.is_err(),
                "{}: shuttle found no deadlock",
                scenario.name
            );
        } else {
            let theirs = outcome.unwrap_or_else(|_| {
                panic!("{}: shuttle failed", scenario.name)
            });
            assert_eq!(
                theirs,
                executions.len(),
                "{}: executions",
                scenario.name
            );
            assert_eq!(
                *counts.lock().unwrap(),
                ours,
                "{}: endings",
                scenario.name
            );
        }
    }
}

/// Two threads, each `read total` then `write total = read + 5`, in every
/// interleaving, counted by hand: C(4, 2) = 6 orders, of which only the
/// two that run one thread's pair before the other's lose nothing.
#[test]
fn the_lost_update_is_counted_by_hand_too() {
    let _serial = one_at_a_time();
    let mut orders = Vec::new();
    for first in 0..4 {
        for second in first + 1..4 {
            // Thread 1 runs at positions `first` and `second`.
            orders.push([first, second]);
        }
    }
    let mut lost = 0;
    for [a, b] in &orders {
        let mut total = 0;
        let mut seen = [0, 0];
        let mut next = [0, 0];
        for at in 0..4 {
            let thread = usize::from(at != *a && at != *b);
            if next[thread] == 0 {
                seen[thread] = total;
            } else {
                total = seen[thread] + 5;
            }
            next[thread] += 1;
        }
        lost += usize::from(total != 10);
    }
    assert_eq!((orders.len(), lost), (6, 4));
    for name in ["lost-update", "lost-update-two-locks"] {
        let scenario = scenario(name);
        let tree = Tree::new(scenario, &explore(scenario));
        let (schedules, endings) = tree.endings();
        assert_eq!((schedules, endings["lost-update"]), (6, 4), "{name}");
    }
}

/// The code shown is the source's own lines, and every step's line is in
/// the code of the thread that takes it.
#[test]
fn the_code_shown_is_the_source_line_for_line() {
    let _serial = one_at_a_time();
    let source = source();
    let lines: Vec<&str> = source.lines().collect();
    for scenario in SCENARIOS {
        let tree = Tree::new(scenario, &explore(scenario));
        let data = tree.data(scenario, &source);
        let code: Vec<Vec<u64>> = data["threads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                t["code"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|line| {
                        let n = line[0].as_u64().unwrap();
                        assert_eq!(
                            line[1].as_str().unwrap(),
                            lines[n as usize - 1],
                            "{}: line {n}",
                            scenario.name
                        );
                        n
                    })
                    .collect()
            })
            .collect();
        for node in data["nodes"].as_array().unwrap() {
            for (thread, at) in
                node["threads"].as_array().unwrap().iter().enumerate()
            {
                if let Some(line) = at.get("line").and_then(Value::as_u64) {
                    assert!(
                        code[thread].contains(&line),
                        "{}: thread {} steps at line {line}, outside its code",
                        scenario.name,
                        thread + 1
                    );
                }
            }
        }
    }
}
