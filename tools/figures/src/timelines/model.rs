//! What a trace shows: the threads (lanes), the updates of the lost-update
//! demo and the lock bars of the hang and the deadlock, and the checks
//! that the run shows what its picture claims. A run that does not is
//! `Failure::NotShown` (exit code 4: run the example again).

use super::parse::{Event, console_number, hang_wait};
use super::{Failure, Picture, time};

/// One lane of a picture: a thread of the trace and the name it is shown
/// with.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub thread: String,
    pub name: String,
}

/// The lanes of the threads in `events`: named threads first, by name,
/// then unnamed ones (`ThreadId(N)`) as `thread 1`, `thread 2`, ... in the
/// order of N, and `main`, as `main (watchdog)`, last.
pub fn lanes(events: &[Event]) -> Vec<Lane> {
    let mut threads: Vec<String> = Vec::new();
    for e in events {
        if !threads.contains(&e.thread) {
            threads.push(e.thread.clone());
        }
    }
    let id = |t: &str| -> Option<u64> {
        t.strip_prefix("ThreadId(")?.strip_suffix(')')?.parse().ok()
    };
    let mut unnamed: Vec<u64> = threads.iter().filter_map(|t| id(t)).collect();
    unnamed.sort();
    let mut lanes: Vec<Lane> = threads
        .iter()
        .map(|t| {
            let name = match id(t) {
                Some(n) => {
                    let k = unnamed.iter().position(|&u| u == n).unwrap() + 1;
                    format!("thread {k}")
                }
                None if t == "main" => "main (watchdog)".to_owned(),
                None => t.clone(),
            };
            Lane {
                thread: t.clone(),
                name,
            }
        })
        .collect();
    // Named threads by name, unnamed ones in number order, `main` last.
    lanes
        .sort_by_key(|l| (l.thread == "main", id(&l.thread), l.thread.clone()));
    lanes
}

fn lane_of(lanes: &[Lane], thread: &str) -> usize {
    lanes.iter().position(|l| l.thread == thread).unwrap()
}

/// One update of the lost-update demo: a thread's read and its write.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub lane: usize,
    /// The index of its read event, and of its write event.
    pub read: usize,
    pub write: usize,
    pub read_value: u64,
    pub write_value: u64,
    /// The update whose write its read saw (None: the initial 0).
    pub based_on: Option<usize>,
    /// Its +5 is not in the final total: no later update built on it.
    pub lost: bool,
    /// Its write replaced a lost value it had not read.
    pub overwrites: bool,
}

/// A run of lost_update: its events in time order, a lane per thread, the
/// updates in the order of their writes, and what the program printed.
#[derive(Debug, Clone)]
pub struct LostUpdates {
    pub events: Vec<Event>,
    pub lanes: Vec<Lane>,
    pub updates: Vec<Update>,
    pub lost: u64,
    pub expected: u64,
    pub actual: u64,
}

impl LostUpdates {
    /// The updates of a run, checked: every read saw the last write before
    /// it in time (else the times cannot be trusted), at least one update
    /// is lost, and the program printed the same number of losses and the
    /// same final total.
    pub fn new(events: Vec<Event>, console: &str) -> Result<Self, Failure> {
        let lanes = lanes(&events);
        // Pair each write with its thread's read.
        let mut updates: Vec<Update> = Vec::new();
        let mut open: Vec<Option<(usize, u64, Option<usize>)>> =
            vec![None; lanes.len()];
        let mut current = 0;
        let mut last_write: Option<usize> = None; // index into updates
        for (i, e) in events.iter().enumerate() {
            let lane = lane_of(&lanes, &e.thread);
            let value = e.value.ok_or_else(|| {
                Failure::Bad(format!("event {} has no value", i + 1))
            })?;
            match e.kind.as_str() {
                "read" => {
                    if value != current {
                        return Err(Failure::NotShown(format!(
                            "{} read {value} at {}, but the last write before \
                             it wrote {current}: recorded times out of order",
                            lanes[lane].name,
                            time(e.ns)
                        )));
                    }
                    open[lane] = Some((i, value, last_write));
                }
                "write" => {
                    let Some((read, read_value, based_on)) = open[lane].take()
                    else {
                        return Err(Failure::Bad(format!(
                            "event {}: a write without a read",
                            i + 1
                        )));
                    };
                    updates.push(Update {
                        lane,
                        read,
                        write: i,
                        read_value,
                        write_value: value,
                        based_on,
                        lost: true,
                        overwrites: false,
                    });
                    last_write = Some(updates.len() - 1);
                    current = value;
                }
                other => {
                    return Err(Failure::Bad(format!(
                        "unexpected event `{other}`"
                    )));
                }
            }
        }
        // The final total is the last write, built on the write its read
        // saw, and so on back to 0: those updates count, every other one is
        // lost.
        let mut kept = last_write;
        while let Some(k) = kept {
            updates[k].lost = false;
            kept = updates[k].based_on;
        }
        for n in 1..updates.len() {
            updates[n].overwrites =
                updates[n - 1].lost && updates[n].based_on != Some(n - 1);
        }
        let lost = updates.iter().filter(|u| u.lost).count() as u64;
        if lost == 0 {
            return Err(Failure::NotShown(
                "no update was lost in this run".into(),
            ));
        }
        let printed = console_number(console, "lost updates:");
        if printed != Some(lost) {
            return Err(Failure::NotShown(format!(
                "the trace shows {lost} lost updates, the program printed {printed:?}"
            )));
        }
        let expected = console_number(console, "expected total:").unwrap_or(0);
        let actual = console_number(console, "actual total:").unwrap_or(0);
        if actual != current {
            return Err(Failure::NotShown(format!(
                "the last write wrote {current}, the program printed {actual}"
            )));
        }
        Ok(LostUpdates {
            events,
            lanes,
            updates,
            lost,
            expected,
            actual,
        })
    }

    /// The time of each event: one column each in the picture.
    pub fn times(&self) -> Vec<u64> {
        self.events.iter().map(|e| e.ns).collect()
    }
}

/// A bar in a lane: a lock held (solid) or waited for (dashed), from one
/// column to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub lane: usize,
    pub held: bool,
    pub lock: String,
    pub place: String,
    pub from: usize,
    pub to: usize,
}

/// A run that hung (transfer_outer_lock) or deadlocked
/// (deadlock_two_accounts), stopped by the watchdog in main.
#[derive(Debug, Clone)]
pub struct Locks {
    pub picture: Picture,
    pub events: Vec<Event>,
    pub lanes: Vec<Lane>,
    /// The time of each event, then when the watchdog gave up: the
    /// columns of the picture.
    pub times: Vec<u64>,
    /// The last column, when the watchdog gave up. A bar that ends here
    /// never ended.
    pub end: usize,
    pub bars: Vec<Bar>,
    /// The waits that never ended.
    pub stuck: Vec<usize>,
    /// A deadlock's cycle: (a wait that never ended, the bar in another
    /// lane that holds its lock to the end). Empty for a hang.
    pub cycle: Vec<(usize, usize)>,
    /// The watchdog's event, and how long it waited, in seconds.
    pub dog: usize,
    pub waited: f64,
}

impl Locks {
    /// The bars of a run, checked: the program reported a hang, a thread
    /// was left waiting, and for a deadlock, the waits form a cycle of at
    /// least two.
    pub fn new(
        picture: Picture,
        events: Vec<Event>,
        console: &str,
    ) -> Result<Self, Failure> {
        // When the watchdog gave up: its start plus the wait it printed.
        let dog = events
            .iter()
            .position(|e| e.kind == "watchdog")
            .ok_or_else(|| {
                Failure::Bad("the trace has no watchdog event".into())
            })?;
        let waited = hang_wait(console)?;
        let fired = events[dog].ns + (waited * 1e9) as u64;
        let lanes = lanes(&events);
        let mut times: Vec<u64> = events.iter().map(|e| e.ns).collect();
        times.push(fired);
        let end = times.len() - 1;

        // Bars: a request opens a wait; its acquire closes it and opens a
        // hold, which its release closes.
        let mut bars: Vec<Bar> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let lane = lane_of(&lanes, &e.thread);
            match e.kind.as_str() {
                "request" => bars.push(Bar {
                    lane,
                    held: false,
                    lock: e.object.clone(),
                    place: e.place.clone(),
                    from: i,
                    to: end,
                }),
                "acquired" => {
                    let wait = bars.iter_mut().rev().find(|b| {
                        b.lane == lane
                            && !b.held
                            && b.lock == e.object
                            && b.to == end
                    });
                    match wait {
                        Some(w) => w.to = i,
                        None => {
                            return Err(Failure::Bad(format!(
                                "`{}` acquired {} without asking",
                                e.thread, e.object
                            )));
                        }
                    }
                    bars.push(Bar {
                        lane,
                        held: true,
                        lock: e.object.clone(),
                        place: e.place.clone(),
                        from: i,
                        to: end,
                    });
                }
                "released" => {
                    if let Some(h) = bars.iter_mut().rev().find(|b| {
                        b.lane == lane
                            && b.held
                            && b.lock == e.object
                            && b.to == end
                    }) {
                        h.to = i;
                    }
                }
                _ => {}
            }
        }
        let stuck: Vec<usize> = (0..bars.len())
            .filter(|&b| !bars[b].held && bars[b].to == end)
            .collect();
        if stuck.is_empty() {
            return Err(Failure::NotShown("no thread was left waiting".into()));
        }
        let mut cycle = Vec::new();
        if picture == Picture::Deadlock {
            for &w in &stuck {
                let wait = &bars[w];
                if let Some(h) = bars.iter().position(|h| {
                    h.held
                        && h.to == end
                        && h.lock == wait.lock
                        && h.lane != wait.lane
                }) {
                    cycle.push((w, h));
                }
            }
            if cycle.len() < 2 {
                return Err(Failure::NotShown(
                    "no wait cycle in this run".into(),
                ));
            }
        }
        Ok(Locks {
            picture,
            events,
            lanes,
            times,
            end,
            bars,
            stuck,
            cycle,
            dog,
            waited,
        })
    }

    /// Whether bar `b` lasts to the end of the run.
    pub fn forever(&self, b: usize) -> bool {
        self.bars[b].to == self.end
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn events(lines: &[&str]) -> Vec<Event> {
        parse(&lines.join("\n")).unwrap()
    }

    #[test]
    fn lanes_number_unnamed_threads_and_put_main_last() {
        let events = events(&[
            "1\tmain\twatchdog\tt\t1000\t-",
            "2\tThreadId(7)\trequest\tbank\t-\tf",
            "3\tworker\trequest\tbank\t-\tf",
            "4\tThreadId(3)\trequest\tbank\t-\tf",
        ]);
        let names: Vec<_> =
            lanes(&events).into_iter().map(|l| l.name).collect();
        assert_eq!(
            names,
            ["worker", "thread 1", "thread 2", "main (watchdog)"]
        );
        assert_eq!(lanes(&events)[1].thread, "ThreadId(3)");
    }

    const LOST: &[&str] = &[
        "1000\tThreadId(2)\tread\ttotal\t0\t-",
        "2000\tThreadId(3)\tread\ttotal\t0\t-",
        "3000\tThreadId(2)\twrite\ttotal\t5\t-",
        "4000\tThreadId(3)\twrite\ttotal\t5\t-",
    ];
    const PRINTED: &str =
        "expected total: 10\nactual total:   5\nlost updates:   1\n";

    #[test]
    fn the_update_no_later_one_built_on_is_lost() {
        let run = LostUpdates::new(events(LOST), PRINTED).unwrap();
        assert_eq!((run.lost, run.expected, run.actual), (1, 10, 5));
        let [first, second] = &run.updates[..] else {
            panic!("{:?}", run.updates)
        };
        assert!(first.lost && !second.lost);
        // The second write replaced 5, which it had not read (it read 0).
        assert!(second.overwrites && second.based_on.is_none());
        assert_eq!((second.read, second.write), (1, 3));
    }

    #[test]
    fn a_run_whose_numbers_disagree_is_not_shown() {
        let not_shown =
            |events: Vec<Event>, console: &str| match LostUpdates::new(
                events, console,
            ) {
                Err(Failure::NotShown(why)) => why,
                other => panic!("{:?}", other.map(|r| r.updates)),
            };
        let printed = PRINTED.replace("lost updates:   1", "lost updates:   2");
        assert!(not_shown(events(LOST), &printed).contains("printed Some(2)"));
        let printed =
            PRINTED.replace("actual total:   5", "actual total:   10");
        assert!(
            not_shown(events(LOST), &printed).contains("last write wrote 5")
        );
        let sequential =
            events(&["1\tA\tread\ttotal\t0\t-", "2\tA\twrite\ttotal\t5\t-"]);
        assert!(not_shown(sequential, PRINTED).contains("no update was lost"));
        let stale =
            events(&["1\tA\twrite\ttotal\t5\t-", "2\tB\tread\ttotal\t0\t-"]);
        assert!(matches!(
            LostUpdates::new(stale, PRINTED),
            Err(Failure::Bad(_))
        ));
    }

    const HANG: &str = "hang detected: thread `t` still blocked after 1.0 s\n";

    #[test]
    fn a_request_opens_a_wait_and_its_acquire_a_hold() {
        let run = Locks::new(
            Picture::Hang,
            events(&[
                "10\tmain\twatchdog\tt\t1000\t-",
                "20\tt\trequest\tbank\t-\ttransfer",
                "30\tt\tacquired\tbank\t-\ttransfer",
                "40\tt\trequest\tbank\t-\twithdraw",
            ]),
            HANG,
        )
        .unwrap();
        assert_eq!(run.times, [10, 20, 30, 40, 1_000_000_010]);
        assert_eq!(run.end, 4);
        let spans: Vec<_> =
            run.bars.iter().map(|b| (b.held, b.from, b.to)).collect();
        assert_eq!(spans, [(false, 1, 2), (true, 2, 4), (false, 3, 4)]);
        assert_eq!(run.stuck, [2]);
        assert!(run.cycle.is_empty());
        assert!(run.forever(1) && !run.forever(0));
    }

    #[test]
    fn a_deadlock_needs_a_cycle() {
        let trace = [
            "1\tmain\twatchdog\tt\t1000\t-",
            "2\ta\trequest\tA\t-\tf",
            "3\ta\tacquired\tA\t-\tf",
            "4\tb\trequest\tB\t-\tf",
            "5\tb\tacquired\tB\t-\tf",
            "6\ta\trequest\tB\t-\tf",
            "7\tb\trequest\tA\t-\tf",
        ];
        let run = Locks::new(Picture::Deadlock, events(&trace), HANG).unwrap();
        // a's wait for B -> b's hold of B; b's wait for A -> a's hold of A.
        assert_eq!(run.cycle, [(4, 3), (5, 1)]);
        let one_way = Locks::new(Picture::Deadlock, events(&trace[..6]), HANG);
        assert!(
            matches!(one_way, Err(Failure::NotShown(w)) if w.contains("cycle"))
        );
        let no_hang = Locks::new(Picture::Deadlock, events(&trace), "done\n");
        assert!(matches!(no_hang, Err(Failure::NotShown(_))));
        let unasked = Locks::new(
            Picture::Hang,
            events(&["1\tmain\twatchdog\tt\t1\t-", "2\ta\tacquired\tA\t-\tf"]),
            HANG,
        );
        assert!(matches!(unasked, Err(Failure::Bad(_))));
    }
}
