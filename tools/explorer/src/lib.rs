//! Every schedule of each of the book's scenarios, found by running the
//! scenario under shuttle with a scheduler of our own that walks the tree
//! of scheduling choices depth-first (shuttle's `Scheduler` trait hands
//! it the runnable threads at each step), one execution per leaf. Each
//! execution is one `Runner::run` so that a deadlock, which shuttle
//! reports by panicking, ends that execution only. The steps the scenario
//! recorded between two choices are one move of the thread that was
//! chosen; the moves of all executions make a tree, which [`data`] writes
//! for the explorer.
//!
//! Written by hand because no model checker exposes its state graph with
//! the program's own events; shuttle's `DfsScheduler` explores the same
//! tree but stops at the first failing execution.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};

use lockbook::scenarios::record::{self, Event, State};
use lockbook::scenarios::{Ending, Scenario};
use shuttle::scheduler::{
    DfsScheduler, ReplayScheduler, Schedule, Scheduler, Task, TaskId,
};
use shuttle::{Config, FailurePersistence, Runner};

pub mod data;

/// The scenarios' source file, relative to the repository root.
pub const SOURCE: &str = "examples/lockbook/scenarios/mod.rs";

/// How many executions one scenario may have before we give up: the
/// scenarios are meant to be small enough to play by hand.
const MAX_EXECUTIONS: usize = 5_000;

thread_local! {
    /// Set while shuttle runs an execution, whose panics are its verdict.
    static IN_EXECUTION: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// One move: the steps one thread took between two scheduling choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub thread: String,
    pub events: Vec<Event>,
}

/// One complete schedule: its moves and how it ended.
#[derive(Debug, Clone)]
pub struct Execution {
    pub moves: Vec<Move>,
    pub ending: Ending,
    /// The state before the first move.
    pub initial: State,
}

/// What one execution's scheduler saw: at each choice, how many threads
/// could run and which one it chose; and the moves so far.
#[derive(Default)]
struct Trail {
    choices: Vec<(usize, usize)>,
    moves: Vec<Move>,
    /// The thread chosen last, whose move is being recorded.
    current: Option<String>,
    initial: Option<State>,
}

impl Trail {
    /// Close the current move with the events recorded since it began;
    /// the state now.
    fn close_move(&mut self) -> State {
        let (events, state) = record::take();
        if let Some(thread) = self.current.take()
            && !events.is_empty()
        {
            assert!(
                events.iter().all(|e| e.thread == thread),
                "a move of {thread} holds another thread's step"
            );
            self.moves.push(Move { thread, events });
        }
        state
    }
}

/// How the scheduler of one execution chooses.
enum Choice {
    /// The index of the thread to choose at each choice, then the first.
    Prefix(Vec<usize>),
    /// As shuttle's replay of a schedule it reported.
    Replay(ReplayScheduler),
}

/// The scheduler of one execution: it chooses by `choice` and writes down
/// every choice and every move.
struct PathScheduler {
    choice: Choice,
    started: bool,
    /// The scenario's threads (shuttle's main thread is not one).
    threads: Vec<String>,
    trail: Arc<Mutex<Trail>>,
}

impl Scheduler for PathScheduler {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.started {
            return None;
        }
        self.started = true;
        match &mut self.choice {
            Choice::Prefix(_) => Some(Schedule::new(0)),
            Choice::Replay(replay) => replay.new_execution(),
        }
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        let mut trail =
            self.trail.lock().unwrap_or_else(PoisonError::into_inner);
        let now = trail.close_move();
        let at = trail.choices.len();
        let index = match &mut self.choice {
            Choice::Prefix(prefix) => prefix.get(at).copied().unwrap_or(0),
            Choice::Replay(replay) => {
                let id = replay.next_task(runnable, current, is_yielding)?;
                runnable.iter().position(|t| t.id() == id)?
            }
        };
        let chosen = runnable[index];
        trail.choices.push((runnable.len(), index));
        let name = chosen.name().unwrap_or_else(|| "main".into());
        if trail.initial.is_none() && self.threads.contains(&name) {
            // The set-up is done: the state before any thread's step.
            trail.initial = Some(now);
        }
        trail.current = Some(name);
        Some(chosen.id())
    }

    fn next_u64(&mut self) -> u64 {
        match &mut self.choice {
            Choice::Prefix(_) => 0,
            Choice::Replay(replay) => replay.next_u64(),
        }
    }
}

/// Run `scenario` once, following `prefix`: the execution, and every
/// choice made.
fn run_once(
    scenario: &Scenario,
    prefix: Vec<usize>,
) -> (Execution, Vec<(usize, usize)>) {
    run_with(scenario, Choice::Prefix(prefix))
}

/// Run `scenario` once, choosing by `choice`.
fn run_with(
    scenario: &Scenario,
    choice: Choice,
) -> (Execution, Vec<(usize, usize)>) {
    let trail = Arc::new(Mutex::new(Trail::default()));
    let scheduler = PathScheduler {
        choice,
        threads: scenario
            .threads
            .iter()
            .map(|(t, _)| t.to_string())
            .collect(),
        started: false,
        trail: Arc::clone(&trail),
    };
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None;
    let run = scenario.run;
    record::reset();
    IN_EXECUTION.with(|flag| flag.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        Runner::new(scheduler, config).run(move || {
            record::reset();
            run();
        });
    }));
    IN_EXECUTION.with(|flag| flag.set(false));
    let mut trail = trail.lock().unwrap_or_else(PoisonError::into_inner);
    trail.close_move();
    let (_, state) = record::take();
    let events: Vec<Event> = trail
        .moves
        .iter()
        .flat_map(|m| m.events.iter().cloned())
        .collect();
    let ending = match outcome {
        Ok(()) => (scenario.ending)(&events, &state),
        Err(_) => stuck(&state),
    };
    let execution = Execution {
        moves: std::mem::take(&mut trail.moves),
        ending,
        initial: trail.initial.clone().unwrap_or_default(),
    };
    (execution, std::mem::take(&mut trail.choices))
}

/// The ending of an execution that shuttle stopped because no thread
/// could go on: who holds what, and who waits for what.
pub fn stuck(state: &State) -> Ending {
    let waits: Vec<String> = state
        .waiting
        .iter()
        .map(|(thread, (_, what))| {
            let holds: Vec<&str> = state
                .holders
                .iter()
                .filter(|(_, (holder, _))| holder == thread)
                .map(|(lock, _)| lock.as_str())
                .collect();
            let waits = match what.strip_prefix("lock ") {
                Some(lock) => format!("waits for {lock}"),
                None => format!("waits to {what}"),
            };
            if holds.is_empty() {
                format!("{thread} {waits}")
            } else {
                format!("{thread} holds {} and {waits}", holds.join(" and "))
            }
        })
        .collect();
    let never_woken = state.waiting.values().any(|(_, w)| w == "be notified");
    if never_woken {
        Ending {
            kind: "never-woken",
            text: format!(
                "stuck: {}, and no thread is left to notify it",
                waits.join("; ")
            ),
        }
    } else {
        Ending {
            kind: "deadlock",
            text: format!("deadlock: {}", waits.join("; ")),
        }
    }
}

/// Every execution of `scenario`: a depth-first walk over the choices.
pub fn explore(scenario: &Scenario) -> Vec<Execution> {
    quietly(|| explore_all(scenario))
}

/// Run `f` with a panic hook that keeps the panics of shuttle's executions
/// off the console (they are verdicts: a deadlock, a failed assertion) and
/// passes every other panic on. It replaces, for that time, whatever hook
/// is set, shuttle's own included: shuttle installs one, once per process,
/// that records a failing schedule with the settings of the first test it
/// ran, which would keep `shuttle_failure` from writing its own.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let previous = Arc::new(panic::take_hook());
    let passed_on = Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        if !IN_EXECUTION.with(|flag| flag.get()) {
            passed_on(info);
        }
    }));
    let value = f();
    drop(panic::take_hook()); // ours, and `passed_on` with it
    match Arc::try_unwrap(previous) {
        Ok(hook) => panic::set_hook(hook),
        Err(hook) => panic::set_hook(Box::new(move |info| hook(info))),
    }
    value
}

fn explore_all(scenario: &Scenario) -> Vec<Execution> {
    let mut executions = Vec::new();
    let mut prefix = Vec::new();
    loop {
        let (execution, choices) = run_once(scenario, prefix);
        executions.push(execution);
        assert!(
            executions.len() <= MAX_EXECUTIONS,
            "{}: more than {MAX_EXECUTIONS} executions",
            scenario.name
        );
        // The next prefix: the last choice with an untried alternative,
        // moved on by one.
        let mut next: Vec<usize> = choices.iter().map(|&(_, c)| c).collect();
        let mut counts: Vec<usize> = choices.iter().map(|&(n, _)| n).collect();
        while let (Some(&c), Some(&n)) = (next.last(), counts.last()) {
            if c + 1 < n {
                break;
            }
            next.pop();
            counts.pop();
        }
        match next.last_mut() {
            Some(last) => *last += 1,
            None => break,
        }
        prefix = next;
    }
    executions
}

/// The distinct schedules a reader can play: executions that differ only
/// in choices no step shows are one schedule. Their endings, counted.
pub fn endings(executions: &[Execution]) -> BTreeMap<&'static str, usize> {
    let mut seen: BTreeMap<Vec<(String, Vec<String>)>, &'static str> =
        BTreeMap::new();
    for e in executions {
        let key = e
            .moves
            .iter()
            .map(|m| {
                (
                    m.thread.clone(),
                    m.events.iter().map(|ev| ev.did.clone()).collect(),
                )
            })
            .collect();
        seen.insert(key, e.ending.kind);
    }
    let mut counts = BTreeMap::new();
    for kind in seen.values() {
        *counts.entry(*kind).or_insert(0) += 1;
    }
    counts
}

/// The files of `scenario` (path from the repository root, text): the
/// explorer's data, a script that registers it, and the fallback.
pub fn files(
    scenario: &'static Scenario,
    source: &str,
) -> Vec<(String, String)> {
    let executions = explore(scenario);
    let mut tree = data::Tree::new(scenario, &executions);
    if let Some((schedule, replayed)) = shuttle_failure(scenario) {
        tree.set_reported(schedule, &replayed.moves);
    }
    let json = serde_json::to_string(&tree.data(scenario, source))
        .expect("the data is JSON");
    let script = format!(
        "// Generated by `cargo xtask scenarios` from {SOURCE}: every \
         schedule of the scenario, run under shuttle.\n\
         (window.lockbookScenarios = window.lockbookScenarios || {{}})[{:?}] = {json};\n",
        scenario.name
    );
    vec![
        (format!("src/explorer/{}.js", scenario.name), script),
        (
            format!("src/generated/explorer-{}.md", scenario.name),
            tree.fallback(scenario, source),
        ),
    ]
}

/// The failing schedule that shuttle's own search (`DfsScheduler`, with
/// the scenario's ending as the test's assertion) reports, as shuttle
/// writes it for `shuttle::replay_from_file`; and that schedule replayed
/// (shuttle's `ReplayScheduler`) with every step recorded. `None` if
/// every schedule passes.
pub fn shuttle_failure(
    scenario: &'static Scenario,
) -> Option<(String, Execution)> {
    // On a thread of its own: shuttle does not write a schedule whose
    // length equals the last one it wrote, or skipped, on this thread
    // (a thread-local of its failure reporting).
    std::thread::spawn(move || quietly(|| reported_failure(scenario)))
        .join()
        .expect("the search for shuttle's failure panicked")
}

fn reported_failure(scenario: &Scenario) -> Option<(String, Execution)> {
    let dir = std::env::temp_dir().join(format!(
        "lockbook-shuttle-{}-{}",
        std::process::id(),
        scenario.name
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("make a folder for the schedule");
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::File(Some(dir.clone()));
    let (run, ending) = (scenario.run, scenario.ending);
    IN_EXECUTION.with(|flag| flag.set(true));
    let failed = panic::catch_unwind(AssertUnwindSafe(|| {
        Runner::new(DfsScheduler::new(None, false), config).run(move || {
            record::reset();
            run();
            let (events, state) = record::take();
            let end = ending(&events, &state);
            assert!(end.kind == "ok", "{}", end.text);
        });
    }))
    .is_err();
    IN_EXECUTION.with(|flag| flag.set(false));
    let file = std::fs::read_dir(&dir)
        .expect("list the schedule's folder")
        .flatten()
        .map(|entry| entry.path())
        .next();
    let reported = file.map(|path| {
        let schedule = std::fs::read_to_string(&path)
            .expect("read shuttle's schedule")
            .trim()
            .to_owned();
        let replay = ReplayScheduler::new_from_file(&path)
            .expect("shuttle replays its own schedule");
        (schedule, replay)
    });
    let _ = std::fs::remove_dir_all(&dir);
    let (schedule, replay) = reported?;
    assert!(
        failed,
        "{}: a schedule was written, but nothing failed",
        scenario.name
    );
    let (execution, _) = run_with(scenario, Choice::Replay(replay));
    Some((schedule, execution))
}
