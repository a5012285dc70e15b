//! What a slow step costs when it runs while the guard is alive. Each
//! thread adds 5 to a shared total and then reports the new total; the
//! report is slow (a sleep stands for writing to a terminal or a log). The
//! program counts how many threads were inside the report at the same time,
//! once with the report inside the guard's scope and once after it.
//!
//!     cargo run --example slow_step_under_lock

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lockbook::cli::{self, Opt};

/// The slow report. It notes how many threads are inside it at once.
struct Report {
    pause: Duration,
    inside: AtomicUsize,
    most: AtomicUsize,
}

impl Report {
    fn send(&self, total: u64) {
        let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        std::hint::black_box(format!("total is now {total}"));
        thread::sleep(self.pause);
        self.inside.fetch_sub(1, Ordering::SeqCst);
    }
}

// ANCHOR: inside
fn add_and_report_inside(total: &Mutex<u64>, report: &Report) {
    let mut t = total.lock().unwrap();
    *t += 5;
    report.send(*t); // slow, and the guard is still alive
} // the guard is dropped here
// ANCHOR_END: inside

// ANCHOR: outside
fn add_and_report_outside(total: &Mutex<u64>, report: &Report) {
    let now = {
        let mut t = total.lock().unwrap();
        *t += 5;
        *t
    }; // the guard is dropped here
    report.send(now); // slow, and the lock is free
}
// ANCHOR_END: outside

type AddAndReport = fn(&Mutex<u64>, &Report);

/// Run `threads` threads, released together, each calling `add_and_report`
/// once. Returns (most threads in the report at once, elapsed).
fn run(
    threads: usize,
    pause: Duration,
    add_and_report: AddAndReport,
) -> (usize, Duration) {
    let total = Mutex::new(0);
    let report = Report {
        pause,
        inside: AtomicUsize::new(0),
        most: AtomicUsize::new(0),
    };
    let start = Barrier::new(threads);
    let started = Instant::now();
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start.wait();
                add_and_report(&total, &report);
            });
        }
    });
    assert_eq!(*total.lock().unwrap(), 5 * threads as u64);
    (report.most.into_inner(), started.elapsed())
}

fn main() {
    let [threads, millis] = cli::parse(
        "Count the threads inside a slow report, under the lock and after it.",
        [
            Opt::new("threads", 4, "threads, each adding once").range(2, 16),
            Opt::new("millis", 50, "how long one report takes, in ms")
                .range(1, 100),
        ],
    );
    let pause = Duration::from_millis(millis);
    println!("{threads} threads, each: add 5, then a report of {millis} ms");
    for (place, add_and_report) in [
        (
            "inside the guard's scope:",
            add_and_report_inside as AddAndReport,
        ),
        ("after the scope ended:   ", add_and_report_outside),
    ] {
        let (most, elapsed) = run(threads as usize, pause, add_and_report);
        println!(
            "report {place} at most {most} in it at once, {} ms",
            elapsed.as_millis()
        );
    }
}
