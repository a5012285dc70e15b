//! The checks behind the exercises of the chapter "Choosing the right
//! primitive". Each runs the learner's function on threads of its own with
//! a time limit, so a thread that waits forever becomes a FAIL with a hint
//! instead of a hang.

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use crate::watchdog;

/// What failed, and a hint.
type Failure = (String, &'static str);
type Verdict = Result<String, Failure>;

/// How long the learner's code may take before it counts as blocked.
const LIMIT: Duration = Duration::from_secs(2);

/// Exercise 1: a job queue. Producers push a job and notify `added`.
#[derive(Default)]
pub struct Jobs {
    pub queue: Mutex<VecDeque<u32>>,
    pub added: Condvar,
}

impl Jobs {
    /// Add a job and wake one waiting consumer.
    pub fn push(&self, job: u32) {
        self.queue.lock().unwrap().push_back(job);
        self.added.notify_one();
    }
}

const HINT_WHILE: &str = "wait() can return when no job was added (a spurious \
     wake-up, or another consumer took the job first); check the queue again \
     after every wait: `while queue.is_empty()`, or `added.wait_while(..)`";

/// Run `take(jobs)` on a thread named `name`, at most [`LIMIT`]. A panic in
/// `take` becomes `Err(message)`, printed by no panic hook.
fn take_within(
    name: &str,
    take: fn(&Jobs) -> u32,
    jobs: &Arc<Jobs>,
    started: Option<Arc<AtomicBool>>,
) -> Result<Result<u32, String>, Duration> {
    let jobs = Arc::clone(jobs);
    watchdog::run_within(name, LIMIT, move || {
        if let Some(started) = started {
            started.store(true, Ordering::SeqCst);
        }
        panic::catch_unwind(AssertUnwindSafe(|| take(&jobs))).map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into())
        })
    })
}

/// Exercise 1: `take` must return the next job, waiting while there is
/// none, however often the Condvar wakes it.
pub fn check_take_job(take: fn(&Jobs) -> u32) -> Verdict {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {})); // the check reports panics itself
    let verdict = take_job_rounds(take);
    panic::set_hook(default_hook);
    verdict
}

fn take_job_rounds(take: fn(&Jobs) -> u32) -> Verdict {
    // 1. A job is already there: take it without waiting.
    let jobs = Arc::new(Jobs::default());
    jobs.queue.lock().unwrap().push_back(7);
    match take_within("consumer", take, &jobs, None) {
        Ok(Ok(7)) => {}
        Ok(Ok(other)) => {
            return Err((
                format!("the queue held job 7, take() returned {other}"),
                "return the job you pop from the front of the queue",
            ));
        }
        Ok(Err(message)) => {
            return Err((
                format!("the queue held job 7, take() panicked: {message}"),
                "pop the job while you hold the lock",
            ));
        }
        Err(_) => {
            return Err((
                "the queue held job 7, and take() was still waiting after 2 s"
                    .into(),
                "check the queue before you wait: a notification sent before \
                 wait() is not stored, so wait only while the queue is empty",
            ));
        }
    }

    // 2. The queue is empty; the Condvar is notified 50 times with no job
    //    (as a spurious wake-up would), then job 42 is added.
    let jobs = Arc::new(Jobs::default());
    let started = Arc::new(AtomicBool::new(false));
    let noise = {
        let (jobs, started) = (Arc::clone(&jobs), Arc::clone(&started));
        thread::spawn(move || {
            while !started.load(Ordering::SeqCst) {
                thread::yield_now();
            }
            thread::sleep(Duration::from_millis(20)); // the consumer waits
            for _ in 0..50 {
                jobs.added.notify_all(); // a wake-up with no job
                thread::sleep(Duration::from_millis(2));
            }
            jobs.push(42);
        })
    };
    let taken = take_within("consumer", take, &jobs, Some(started));
    match taken {
        Ok(Ok(42)) => {}
        Ok(Ok(other)) => {
            return Err((
                format!(
                    "woken with no job in the queue, take() returned {other} \
                     instead of waiting for job 42"
                ),
                HINT_WHILE,
            ));
        }
        Ok(Err(message)) => {
            return Err((
                format!(
                    "woken with no job in the queue, take() panicked: {message}"
                ),
                HINT_WHILE,
            ));
        }
        Err(_) => {
            return Err((
                "job 42 was added and notified, and take() was still waiting \
                 after 2 s"
                    .into(),
                "wait with the guard of the queue's lock, and check the queue \
                 again after each wake-up",
            ));
        }
    }
    noise.join().unwrap();

    // 3. Four consumers wait; four jobs arrive one by one.
    let jobs = Arc::new(Jobs::default());
    let consumers: Vec<_> = (0..4)
        .map(|_| {
            let jobs = Arc::clone(&jobs);
            thread::spawn(move || take_within("consumer", take, &jobs, None))
        })
        .collect();
    for job in 1..=4 {
        thread::sleep(Duration::from_millis(5));
        jobs.push(job);
    }
    let mut got = Vec::new();
    for consumer in consumers {
        match consumer.join().unwrap() {
            Ok(Ok(job)) => got.push(job),
            Ok(Err(message)) => {
                return Err((
                    format!("four consumers, one of them panicked: {message}"),
                    HINT_WHILE,
                ));
            }
            Err(_) => {
                return Err((
                    "four consumers and four jobs, and a consumer was still \
                     waiting after 2 s"
                        .into(),
                    "each job must go to exactly one consumer: pop it under \
                     the lock",
                ));
            }
        }
    }
    got.sort();
    if got != [1, 2, 3, 4] {
        return Err((
            format!("four consumers took jobs {got:?}, expected [1, 2, 3, 4]"),
            "each job must go to exactly one consumer: pop it under the lock",
        ));
    }
    Ok(
        "took a waiting job at once, slept through 50 wake-ups with no job, \
        and 4 consumers took 4 jobs"
            .into(),
    )
}

/// Exercise 2: the program's settings, loaded from a "file".
#[derive(Debug, PartialEq, Eq)]
pub struct Config {
    pub workers: u32,
    pub greeting: String,
}

/// How many times [`load_config`] has run.
static LOADS: AtomicUsize = AtomicUsize::new(0);

/// Read the settings: slow (100 ms), and it must happen only once.
pub fn load_config() -> Config {
    LOADS.fetch_add(1, Ordering::SeqCst);
    thread::sleep(Duration::from_millis(100)); // reading the file
    Config {
        workers: 4,
        greeting: "hello".into(),
    }
}

/// Exercise 2: eight threads ask for the config at the same moment, then
/// once more each: it must be loaded exactly once, and every call must
/// return the same one.
pub fn check_config(config: fn() -> &'static Config) -> Verdict {
    let threads = 8;
    let loads_before = LOADS.load(Ordering::SeqCst);
    let outcome = watchdog::run_within("callers", LIMIT, move || {
        let start = Barrier::new(threads);
        thread::scope(|s| {
            let callers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        let first = config();
                        let second = config();
                        [first, second].map(|c| c as *const Config as usize)
                    })
                })
                .collect();
            callers
                .into_iter()
                .flat_map(|c| c.join().unwrap())
                .collect::<Vec<usize>>()
        })
    });
    let Ok(addresses) = outcome else {
        return Err((
            "8 threads called config(), and one was still waiting after 2 s"
                .into(),
            "a lock or OnceLock taken twice by one thread waits for itself; \
             let OnceLock::get_or_init (or LazyLock) do the locking",
        ));
    };
    let loads = LOADS.load(Ordering::SeqCst) - loads_before;
    let hint = "between `get()` finding nothing and `set()` every other \
                thread finds nothing too; let \
                OnceLock::get_or_init(load_config) (or a LazyLock) run the \
                loader exactly once";
    if loads != 1 {
        return Err((
            format!(
                "8 threads called config() at once: loaded the config {loads} \
                 times, expected once"
            ),
            hint,
        ));
    }
    if addresses.iter().any(|&a| a != addresses[0]) {
        return Err((
            "config() returned different Config values to different calls"
                .into(),
            hint,
        ));
    }
    let expected = Config {
        workers: 4,
        greeting: "hello".into(),
    };
    if config() != &expected {
        return Err((
            format!("config() returned {:?}", config()),
            "return the Config that load_config() made",
        ));
    }
    Ok(format!(
        "{} calls from {threads} threads, config loaded once, \
         one shared Config",
        addresses.len()
    ))
}

#[cfg(test)]
mod tests {
    //! The checks catch the mistakes learners make, not only the starter's.
    //! One test per exercise, variants in sequence: the checks use a global
    //! panic hook and a global load counter.

    use super::*;
    use std::sync::OnceLock;

    fn take_if(jobs: &Jobs) -> u32 {
        let mut queue = jobs.queue.lock().unwrap();
        if queue.is_empty() {
            queue = jobs.added.wait(queue).unwrap();
        }
        queue.pop_front().unwrap_or(0)
    }

    fn take_wait_first(jobs: &Jobs) -> u32 {
        let mut queue = jobs.queue.lock().unwrap();
        loop {
            queue = jobs.added.wait(queue).unwrap();
            if let Some(job) = queue.pop_front() {
                return job;
            }
        }
    }

    fn take_while(jobs: &Jobs) -> u32 {
        let mut queue = jobs.queue.lock().unwrap();
        while queue.is_empty() {
            queue = jobs.added.wait(queue).unwrap();
        }
        queue.pop_front().unwrap()
    }

    fn take_wait_while(jobs: &Jobs) -> u32 {
        let queue = jobs.queue.lock().unwrap();
        let mut queue = jobs.added.wait_while(queue, |q| q.is_empty()).unwrap();
        queue.pop_front().unwrap()
    }

    #[test]
    fn take_job_check_fails_wrong_takes_and_passes_right_ones() {
        let (what, _) = check_take_job(take_if).unwrap_err();
        assert!(what.contains("returned 0 instead of waiting"), "{what}");
        let (what, _) = check_take_job(take_wait_first).unwrap_err();
        assert!(what.contains("queue held job 7"), "{what}");
        check_take_job(take_while).unwrap();
        check_take_job(take_wait_while).unwrap();
    }

    fn config_get_then_set() -> &'static Config {
        static CONFIG: OnceLock<Config> = OnceLock::new();
        if let Some(config) = CONFIG.get() {
            return config;
        }
        let _ = CONFIG.set(load_config());
        CONFIG.get().unwrap()
    }

    fn config_get_or_init() -> &'static Config {
        static CONFIG: OnceLock<Config> = OnceLock::new();
        CONFIG.get_or_init(load_config)
    }

    fn config_lazy() -> &'static Config {
        static CONFIG: std::sync::LazyLock<Config> =
            std::sync::LazyLock::new(load_config);
        &CONFIG
    }

    #[test]
    fn config_check_fails_get_then_set_and_passes_once_only() {
        let (what, _) = check_config(config_get_then_set).unwrap_err();
        assert!(what.contains("loaded the config"), "{what}");
        check_config(config_get_or_init).unwrap();
        check_config(config_lazy).unwrap();
    }
}
