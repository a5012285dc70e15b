//! The explorer's data: the tree of a scenario's schedules, each node a
//! state the reader can reach, with what each thread can do there; and
//! the static fallback the page shows without JavaScript (and in print).

use std::collections::BTreeMap;

use lockbook::scenarios::record::State;
use lockbook::scenarios::{Ending, Scenario};
use serde_json::{Value, json};

use crate::{Execution, Move};

/// A node of the tree of schedules.
struct Node {
    state: State,
    /// (move, child), in the order first met.
    children: Vec<(Move, usize)>,
    ending: Option<Ending>,
}

/// The tree: every execution's moves, merged where they agree.
pub struct Tree {
    nodes: Vec<Node>,
    threads: Vec<String>,
    /// shuttle's report of the first failing schedule its own search
    /// found, and that schedule as the moves of each thread.
    reported: Option<(String, Vec<usize>)>,
}

impl Tree {
    pub fn new(scenario: &Scenario, executions: &[Execution]) -> Tree {
        let initial = executions[0].initial.clone();
        let mut nodes = vec![Node {
            state: initial,
            children: Vec::new(),
            ending: None,
        }];
        for execution in executions {
            let mut at = 0;
            for step in &execution.moves {
                let found = nodes[at]
                    .children
                    .iter()
                    .find(|(m, _)| same_move(m, step))
                    .map(|&(_, child)| child);
                at = match found {
                    Some(child) => child,
                    None => {
                        let state = step
                            .events
                            .last()
                            .expect("a move has steps")
                            .state
                            .clone();
                        nodes.push(Node {
                            state,
                            children: Vec::new(),
                            ending: None,
                        });
                        let child = nodes.len() - 1;
                        nodes[at].children.push((step.clone(), child));
                        child
                    }
                };
            }
            match &nodes[at].ending {
                None => nodes[at].ending = Some(execution.ending.clone()),
                Some(seen) => assert_eq!(
                    seen, &execution.ending,
                    "{}: one schedule, two endings",
                    scenario.name
                ),
            }
        }
        let threads = scenario
            .threads
            .iter()
            .map(|(name, _)| name.to_string())
            .collect();
        Tree {
            nodes,
            threads,
            reported: None,
        }
    }

    /// Take the schedule that shuttle reported (`schedule`, as it wrote
    /// it) as the bad schedule to show: `moves` are its replay's.
    pub fn set_reported(&mut self, schedule: String, moves: &[Move]) {
        let mut at = 0;
        let mut path = Vec::new();
        for step in moves {
            let &(_, child) = self.nodes[at]
                .children
                .iter()
                .find(|(m, _)| same_move(m, step))
                .expect("shuttle's schedule is one of the explored ones");
            path.push(self.thread_index(&step.thread));
            at = child;
        }
        assert!(
            self.nodes[at]
                .ending
                .as_ref()
                .is_some_and(|e| e.kind != "ok"),
            "shuttle's schedule ends well"
        );
        self.reported = Some((schedule, path));
    }

    /// The schedules a reader can play (the leaves), and their endings.
    pub fn endings(&self) -> (usize, BTreeMap<&'static str, usize>) {
        let mut counts = BTreeMap::new();
        let mut leaves = 0;
        for node in &self.nodes {
            if node.children.is_empty() {
                leaves += 1;
                let kind =
                    node.ending.as_ref().expect("a leaf has an ending").kind;
                *counts.entry(kind).or_insert(0) += 1;
            }
        }
        (leaves, counts)
    }

    /// Whether some schedule through each node ends badly.
    fn bad(&self) -> Vec<bool> {
        let mut bad = vec![false; self.nodes.len()];
        // Children come after their parent: walk back to front.
        for at in (0..self.nodes.len()).rev() {
            let node = &self.nodes[at];
            bad[at] = node.ending.as_ref().is_some_and(|e| e.kind != "ok")
                && node.children.is_empty()
                || node.children.iter().any(|&(_, c)| bad[c]);
        }
        bad
    }

    /// The first schedule (in the order found) that ends badly: the
    /// moves from the root, as the thread index of each.
    fn bad_path(&self) -> Option<Vec<usize>> {
        if let Some((_, path)) = &self.reported {
            return Some(path.clone());
        }
        let bad = self.bad();
        if !bad[0] {
            return None;
        }
        let mut path = Vec::new();
        let mut at = 0;
        while let Some((step, child)) =
            self.nodes[at].children.iter().find(|&&(_, c)| bad[c])
        {
            path.push(self.thread_index(&step.thread));
            at = *child;
        }
        Some(path)
    }

    fn thread_index(&self, name: &str) -> usize {
        self.threads
            .iter()
            .position(|t| t == name)
            .unwrap_or_else(|| {
                panic!("a step of {name}, which the scenario does not list")
            })
    }

    /// What each thread can do at node `at`. A thread with a move here
    /// is ready. One without is blocked if it moves again later (on what
    /// its next step takes) or is still waiting when the schedule ends
    /// (a deadlock); else it is done.
    fn threads_at(&self, at: usize) -> Vec<Value> {
        let node = &self.nodes[at];
        self.threads
            .iter()
            .map(|thread| {
                if let Some((step, child)) =
                    node.children.iter().find(|(m, _)| &m.thread == thread)
                {
                    return json!({
                        "s": "ready",
                        "line": step.events[0].line,
                        "did": step.events.iter().map(|e| e.did.as_str()).collect::<Vec<_>>(),
                        "to": child,
                    });
                }
                let wait = self
                    .next_step(at, thread)
                    .map(|e| (e.line, waits_to(&e.did)))
                    .or_else(|| {
                        self.leaf_below(at)
                            .state
                            .waiting
                            .get(thread)
                            .map(|(line, what)| (*line, what.clone()))
                    });
                match wait {
                    Some((line, what)) => {
                        let holder = what
                            .strip_prefix("lock ")
                            .and_then(|lock| node.state.holders.get(lock))
                            .map(|(holder, _)| holder.as_str());
                        json!({
                            "s": "blocked",
                            "line": line,
                            "waits": what,
                            "holder": holder,
                        })
                    }
                    None => json!({ "s": "done" }),
                }
            })
            .collect()
    }

    /// The first step `thread` takes below node `at` (depth first).
    fn next_step(
        &self,
        at: usize,
        thread: &str,
    ) -> Option<&lockbook::scenarios::record::Event> {
        for (step, child) in &self.nodes[at].children {
            if step.thread == thread {
                return step.events.first();
            }
            if let Some(found) = self.next_step(*child, thread) {
                return Some(found);
            }
        }
        None
    }

    /// Every lock the scenario takes, in the order first taken.
    fn locks(&self) -> Vec<String> {
        let mut locks: Vec<String> = Vec::new();
        for node in &self.nodes {
            for (step, _) in &node.children {
                for event in &step.events {
                    let taken = event
                        .did
                        .strip_prefix("lock ")
                        .or_else(|| event.did.strip_prefix("woken: lock "));
                    if let Some(rest) = taken {
                        let name = rest.split(' ').next().unwrap_or(rest);
                        if !locks.iter().any(|l| l == name) {
                            locks.push(name.to_owned());
                        }
                    }
                }
            }
        }
        locks
    }

    /// The first leaf below node `at` (or `at` itself).
    fn leaf_below(&self, mut at: usize) -> &Node {
        while let Some((_, child)) = self.nodes[at].children.first() {
            at = *child;
        }
        &self.nodes[at]
    }

    /// The explorer's data for `scenario`, whose code is `source`.
    pub fn data(&self, scenario: &Scenario, source: &str) -> Value {
        let (schedules, endings) = self.endings();
        let code: Vec<Value> = scenario
            .threads
            .iter()
            .map(|(name, functions)| {
                let lines: Vec<Value> = functions
                    .iter()
                    .flat_map(|f| function_lines(source, f))
                    .map(|(n, text)| json!([n, text]))
                    .collect();
                json!({ "name": name, "code": lines })
            })
            .collect();
        let nodes: Vec<Value> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(at, node)| {
                let holders: BTreeMap<&str, Value> = node
                    .state
                    .holders
                    .iter()
                    .map(|(lock, (holder, times))| (lock.as_str(), json!([holder, times])))
                    .collect();
                let values: BTreeMap<&str, Value> = node
                    .state
                    .values
                    .iter()
                    .map(|(name, &v)| {
                        let v = if node.state.flags.contains(name) {
                            json!(v != 0)
                        } else {
                            json!(v)
                        };
                        (name.as_str(), v)
                    })
                    .collect();
                json!({
                    "values": values,
                    "holders": holders,
                    "threads": self.threads_at(at),
                    "end": node.ending.as_ref().filter(|_| node.children.is_empty()).map(|e| json!({
                        "kind": e.kind,
                        "text": e.text,
                    })),
                })
            })
            .collect();
        json!({
            "name": scenario.name,
            "title": scenario.title,
            "source": crate::SOURCE,
            "summary": {
                "schedules": schedules,
                "endings": endings,
                "text": summary(schedules, &endings),
            },
            "locks": self.locks(),
            "threads": code,
            "nodes": nodes,
            "bad": self.bad_path(),
            "reported": self.reported.as_ref().map(|(schedule, _)| schedule),
        })
    }

    /// The page's text without JavaScript: the summary and the schedule
    /// that ends badly (or one that ends well), step by step.
    pub fn fallback(&self, scenario: &Scenario, source: &str) -> String {
        let lines: Vec<&str> = source.lines().collect();
        let (schedules, endings) = self.endings();
        let path = self.bad_path().unwrap_or_else(|| {
            // No bad ending: the first schedule found.
            let mut path = Vec::new();
            let mut at = 0;
            while let Some((step, child)) = self.nodes[at].children.first() {
                path.push(self.thread_index(&step.thread));
                at = *child;
            }
            path
        });
        let mut out = format!(
            "<div class=\"explorer\" data-scenario=\"{}\">\n\n",
            scenario.name
        );
        out += &format!(
            "**{}.** {}\n\n",
            scenario.title,
            summary(schedules, &endings)
        );
        if let Some((schedule, _)) = &self.reported {
            out += &format!(
                "The first failing schedule shuttle's own search reports, \
                 `{}`, replayed:\n\n",
                schedule.replace('\n', " ")
            );
        }
        let mut at = 0;
        for (n, &thread) in path.iter().enumerate() {
            let (step, child) = self.nodes[at]
                .children
                .iter()
                .find(|(m, _)| m.thread == self.threads[thread])
                .expect("the path follows the tree");
            let did: Vec<String> = step
                .events
                .iter()
                .map(|e| {
                    let code = lines[e.line as usize - 1].trim();
                    format!("`{code}` ({})", e.did)
                })
                .collect();
            out += &format!(
                "{}. {} runs {}\n",
                n + 1,
                step.thread,
                did.join(", then ")
            );
            at = *child;
        }
        let end = self.nodes[at]
            .ending
            .as_ref()
            .expect("the path ends at a leaf");
        out += &format!("\nThe end: {}.\n\n</div>\n", end.text);
        out
    }
}

/// "6 schedules: 4 lose an update" and the like.
pub fn summary(
    schedules: usize,
    endings: &BTreeMap<&'static str, usize>,
) -> String {
    let bad: Vec<String> = endings
        .iter()
        .filter(|(kind, _)| **kind != "ok")
        .map(|(kind, n)| format!("{n} {}", describe(kind, *n)))
        .collect();
    let schedules = match schedules {
        1 => "1 schedule".to_owned(),
        n => format!("{n} schedules"),
    };
    if bad.is_empty() {
        format!("{schedules}: none ends badly.")
    } else {
        format!("{schedules}: {}.", bad.join(", "))
    }
}

fn describe(kind: &str, n: usize) -> &'static str {
    let one = n == 1;
    match kind {
        "lost-update" if one => "loses an update",
        "lost-update" => "lose an update",
        "oversold" if one => "sells the ticket twice",
        "oversold" => "sell the ticket twice",
        "deadlock" if one => "deadlocks",
        "deadlock" => "deadlock",
        "never-woken" if one => "waits forever",
        "never-woken" => "wait forever",
        _ => "end badly",
    }
}

fn same_move(a: &Move, b: &Move) -> bool {
    a.thread == b.thread
        && a.events.len() == b.events.len()
        && a.events
            .iter()
            .zip(&b.events)
            .all(|(x, y)| x.line == y.line && x.did == y.did)
}

/// The lines of `fn NAME` in `source`: from its `fn` line (with the doc
/// comments above it) to its closing brace, numbered from 1.
pub fn function_lines(source: &str, name: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| {
            let l = l.trim_start_matches("pub ");
            l.starts_with(&format!("fn {name}("))
                || l.starts_with(&format!("fn {name}<"))
        })
        .unwrap_or_else(|| panic!("{}: no fn {name}", crate::SOURCE));
    let end = (start..lines.len())
        .find(|&i| lines[i] == "}")
        .unwrap_or_else(|| panic!("{}: fn {name} does not end", crate::SOURCE));
    (start..=end)
        .map(|i| (i + 1, lines[i].to_owned()))
        .collect()
}

/// What a thread whose next step is `did` waits to do: the lock it takes
/// (`lock A`), or to be woken.
fn waits_to(did: &str) -> String {
    if let Some(lock) = did.strip_prefix("woken: lock ") {
        return format!(
            "be notified (then lock {})",
            lock.trim_end_matches(" again")
        );
    }
    match did.split_once(" again") {
        Some((lock, _)) if did.starts_with("lock ") => lock.to_owned(),
        _ => did.to_owned(),
    }
}
