//! The checks behind the exercises of the chapter "Choosing the right
//! primitive". Each runs the learner's function on threads of its own with
//! a time limit, so a thread that waits forever becomes a FAIL with a hint
//! instead of a hang.

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar};
use std::thread;
use std::time::Duration;

use crate::exercise::{LIMIT, Stuck, Verdict, within};
use crate::watched::{Watched, When};

/// How long the check keeps quiet (no job, no wake-up) to see whether
/// `take()` waits or polls.
const QUIET: Duration = Duration::from_millis(200);

/// Exercise 1: a job queue. Producers push a job and notify `added`.
pub struct Jobs {
    pub queue: JobQueue,
    pub added: Condvar,
    /// Job 42 was added (by the intruder or by the producer of round 1b).
    pushed: Arc<AtomicBool>,
}

/// The queue of exercise 1, behind a [`Watched`] lock: `lock()` works like
/// `Mutex::lock` and gives a `MutexGuard<VecDeque<u32>>`, for
/// `Condvar::wait`. When the check asks, a second `lock()` in one `take()`,
/// once the first guard is gone, lets a producer add job 42 first, while
/// nobody waits, so its notification wakes no one: as in a real program
/// whenever the lock is free between a look at the queue and the wait.
pub type JobQueue = Watched<VecDeque<u32>>;

impl Default for Jobs {
    fn default() -> Jobs {
        let pushed = Arc::new(AtomicBool::new(false));
        let once = Arc::clone(&pushed);
        let queue =
            Watched::new(VecDeque::new(), move |q: &mut VecDeque<_>| {
                // ... and notify_one(): nobody waits.
                let first = !once.swap(true, Ordering::SeqCst);
                if first {
                    q.push_back(42);
                }
                first
            });
        Jobs {
            queue,
            added: Condvar::new(),
            pushed,
        }
    }
}

impl Jobs {
    /// Add a job and wake one waiting consumer.
    pub fn push(&self, job: u32) {
        self.queue.set(|q| q.push_back(job));
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
) -> Result<Result<u32, String>, Stuck> {
    let jobs = Arc::clone(jobs);
    within(name, move || {
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
    // The check reports take()'s panics itself: keep those off the
    // console, and only those (other threads' panics still print).
    let default_hook = Arc::new(panic::take_hook());
    let passed_on = Arc::clone(&default_hook);
    panic::set_hook(Box::new(move |info| {
        if thread::current().name() != Some("consumer") {
            passed_on(info);
        }
    }));
    let verdict = take_job_rounds(take);
    drop(panic::take_hook()); // ours, and `passed_on` with it
    match Arc::try_unwrap(default_hook) {
        Ok(hook) => panic::set_hook(hook),
        Err(hook) => panic::set_hook(Box::new(move |info| hook(info))),
    }
    verdict
}

fn take_job_rounds(take: fn(&Jobs) -> u32) -> Verdict {
    // 1. A job is already there: take it without waiting.
    let jobs = Arc::new(Jobs::default());
    jobs.queue.set(|q| q.push_back(7));
    match take_within("consumer", take, &jobs) {
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
                format!(
                    "the queue held job 7, and take() was still waiting after {} s",
                    LIMIT.as_secs()
                ),
                "check the queue before you wait: a notification sent before \
                 wait() is not stored, so wait only while the queue is empty",
            ));
        }
    }

    // 1b. The queue is empty. A producer adds job 42 and notifies as soon
    //     as it gets the lock after take()'s first lock(); or, if take()
    //     locks a second time and the lock is free then, job 42 comes in
    //     just before, with nobody waiting to be notified. A look at the
    //     queue and a wait under two guards miss it on every run.
    let jobs = Arc::new(Jobs::default());
    jobs.queue.watch(When::At(2));
    let returned = Arc::new(AtomicBool::new(false));
    let producer = {
        let (jobs, returned) = (Arc::clone(&jobs), Arc::clone(&returned));
        thread::spawn(move || {
            while jobs.queue.acquired() == 0 {
                if returned.load(Ordering::SeqCst) {
                    return; // take() returned without locking
                }
                thread::yield_now();
            }
            // Blocks until the consumer waits (or drops its guard).
            jobs.queue.set(|queue| {
                if !jobs.pushed.swap(true, Ordering::SeqCst) {
                    queue.push_back(42);
                    jobs.added.notify_one();
                }
            });
        })
    };
    let taken = take_within("consumer", take, &jobs);
    returned.store(true, Ordering::SeqCst);
    if taken.is_ok() {
        // take() returned, so its guards are gone: the producer ends.
        let _ = producer.join();
    }
    match taken {
        Ok(Ok(42)) => {}
        Ok(Ok(other)) => {
            return Err((
                format!("job 42 was added, take() returned {other}"),
                HINT_WHILE,
            ));
        }
        Ok(Err(message)) => {
            return Err((format!("take() panicked: {message}"), HINT_WHILE));
        }
        Err(_) if jobs.queue.acquired() == 0 => {
            return Err((
                "the queue was empty, and take() was still running after \
                 2 s without locking it"
                    .into(),
                "lock the queue, and wait on `added` while it is empty",
            ));
        }
        Err(_) if !jobs.pushed.load(Ordering::SeqCst) => {
            return Err((
                "the queue was empty, and take() kept it locked for 2 s \
                 without waiting: no job could be added"
                    .into(),
                "lock the queue once (a second lock() while you hold the \
                 guard waits for yourself), and wait on `added` with that \
                 guard",
            ));
        }
        Err(_) if jobs.queue.locks() < 2 => {
            return Err((
                format!(
                    "job 42 was added and notified while take() waited, and \
                 take() was still waiting after {} s",
                    LIMIT.as_secs()
                ),
                "wait on `jobs.added` with the guard of the queue's lock, \
                 and check the queue again after each wake-up",
            ));
        }
        Err(_) => {
            return Err((
                format!(
                    "job 42 was added between two of your lock() calls, when \
                 nobody waited (its notify_one() woke no one); take() \
                 waited anyway, and was still waiting after {} s",
                    LIMIT.as_secs()
                ),
                "a lost wake-up: look at the queue and wait under one guard; \
                 wait() releases the lock only once it is waiting, so no \
                 job can slip in between. `added.wait_while(guard, |q| \
                 q.is_empty())`",
            ));
        }
    }

    // 2. The queue is empty; the Condvar is notified 50 times with no job
    //    (as a spurious wake-up would), then job 42 is added.
    //    Each notification comes once the consumer has locked the queue
    //    and let go of it (by waiting), so none comes too early.
    let jobs = Arc::new(Jobs::default());
    let noise = {
        let jobs = Arc::clone(&jobs);
        thread::spawn(move || {
            while jobs.queue.acquired() == 0 {
                thread::yield_now();
            }
            for _ in 0..50 {
                // The consumer took the lock; we get it once it waits.
                jobs.queue.set(|_| jobs.added.notify_all()); // no job
                thread::sleep(Duration::from_millis(2));
            }
            // Then quiet: no job, no wake-up. A consumer that waits makes
            // no lock() call now; one that polls makes many.
            let before = jobs.queue.locks();
            thread::sleep(QUIET);
            let polls = jobs.queue.locks() - before;
            jobs.push(42);
            polls
        })
    };
    let taken = take_within("consumer", take, &jobs);
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
                format!(
                    "job 42 was added and notified, and take() was still waiting \
                 after {} s",
                    LIMIT.as_secs()
                ),
                "wait with the guard of the queue's lock, and check the queue \
                 again after each wake-up",
            ));
        }
    }
    let polls = noise.join().unwrap();
    if polls > 3 {
        return Err((
            format!(
                "nothing was added or notified for {} ms, and take() locked \
                 the queue {polls} times meanwhile: it polls instead of \
                 waiting",
                QUIET.as_millis()
            ),
            "a loop that locks, looks and yields (or sleeps) burns a core \
             while the queue is empty; wait on `jobs.added` with the guard: \
             it sleeps until a producer notifies",
        ));
    }

    // 3. Four consumers wait; four jobs arrive one by one.
    let jobs = Arc::new(Jobs::default());
    let consumers: Vec<_> = (0..4)
        .map(|_| {
            let jobs = Arc::clone(&jobs);
            thread::spawn(move || take_within("consumer", take, &jobs))
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
                    format!(
                        "four consumers and four jobs, and a consumer was still \
                     waiting after {} s",
                        LIMIT.as_secs()
                    ),
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

/// How many times [`load_config`] has run, in the whole process: a check
/// counts the loads it caused, so two checks at once would count each
/// other's (the unit tests take turns), and a second check of the same
/// `static`-based answer in one process finds the config loaded already.
/// A learner's program runs the check once.
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
    let outcome = within("callers", move || {
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
            format!(
                "8 threads called config(), and one was still waiting after {} s",
                LIMIT.as_secs()
            ),
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

    /// The audit's wrong take: it looks under one guard and waits under
    /// another, so a job added in between, and its notification, are lost.
    fn take_look_then_wait(jobs: &Jobs) -> u32 {
        loop {
            if let Some(job) = jobs.queue.lock().unwrap().pop_front() {
                return job;
            }
            let queue = jobs.queue.lock().unwrap();
            let _queue = jobs.added.wait(queue).unwrap();
        }
    }

    /// Right, though it locks twice: `wait_while` looks again first.
    fn take_look_then_wait_while(jobs: &Jobs) -> u32 {
        if let Some(job) = jobs.queue.lock().unwrap().pop_front() {
            return job;
        }
        let queue = jobs.queue.lock().unwrap();
        let mut queue = jobs.added.wait_while(queue, |q| q.is_empty()).unwrap();
        queue.pop_front().unwrap()
    }

    /// Locks again while it holds the guard: waits for itself.
    fn take_locks_twice(jobs: &Jobs) -> u32 {
        let mut queue = jobs.queue.lock().unwrap();
        if let Some(job) = queue.pop_front() {
            return job;
        }
        let again = jobs.queue.lock().unwrap();
        queue = jobs.added.wait_while(again, |q| q.is_empty()).unwrap();
        queue.pop_front().unwrap()
    }

    /// Polling: right jobs, but a core burnt while the queue is empty.
    fn take_polls_yielding(jobs: &Jobs) -> u32 {
        loop {
            if let Some(job) = jobs.queue.lock().unwrap().pop_front() {
                return job;
            }
            std::thread::yield_now();
        }
    }

    /// Polling more politely, and still polling.
    fn take_polls_sleeping(jobs: &Jobs) -> u32 {
        loop {
            if let Some(job) = jobs.queue.lock().unwrap().pop_front() {
                return job;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn take_job_check_fails_wrong_takes_and_passes_right_ones() {
        let (what, _) = check_take_job(take_if).unwrap_err();
        assert!(what.contains("returned 0 instead of waiting"), "{what}");
        let (what, _) = check_take_job(take_wait_first).unwrap_err();
        assert!(what.contains("queue held job 7"), "{what}");
        let (what, _) = check_take_job(take_locks_twice).unwrap_err();
        assert!(what.contains("kept it locked"), "{what}");
        // On every run. The twenty runs go at once: each waits out the
        // limit, or the quiet spell, which is waiting, not computing.
        std::thread::scope(|s| {
            for _ in 0..20 {
                s.spawn(|| {
                    let (what, _) =
                        check_take_job(take_look_then_wait).unwrap_err();
                    assert!(
                        what.contains("between two of your lock()"),
                        "{what}"
                    );
                    check_take_job(take_look_then_wait_while).unwrap();
                    for polls in [take_polls_yielding, take_polls_sleeping] {
                        let (what, _) = check_take_job(polls).unwrap_err();
                        assert!(
                            what.contains("it polls instead of waiting"),
                            "{what}"
                        );
                    }
                });
            }
        });
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

    /// The config checks count every `load_config` of the process: one
    /// test of them at a time.
    static CONFIG_ONE_AT_A_TIME: std::sync::Mutex<()> =
        std::sync::Mutex::new(());

    #[test]
    fn config_check_fails_get_then_set_and_passes_once_only() {
        let _one = CONFIG_ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let (what, _) = check_config(config_get_then_set).unwrap_err();
        assert!(what.contains("loaded the config"), "{what}");
        check_config(config_get_or_init).unwrap();
        check_config(config_lazy).unwrap();
    }

    /// A `loop` that returns the job it finds, and waits otherwise.
    fn take_loop_pop(jobs: &Jobs) -> u32 {
        let mut queue = jobs.queue.lock().unwrap();
        loop {
            if let Some(job) = queue.pop_front() {
                return job;
            }
            queue = jobs.added.wait(queue).unwrap();
        }
    }

    /// `wait_timeout` in a `while` loop: wakes now and then, but sleeps on
    /// the `Condvar` and checks the queue after every wake-up.
    fn take_wait_timeout(jobs: &Jobs) -> u32 {
        let mut queue = jobs.queue.lock().unwrap();
        while queue.is_empty() {
            let timeout = Duration::from_millis(100);
            queue = jobs.added.wait_timeout(queue, timeout).unwrap().0;
        }
        queue.pop_front().unwrap()
    }

    /// `wait_timeout_while` in a loop.
    fn take_wait_timeout_while(jobs: &Jobs) -> u32 {
        let mut queue = jobs.queue.lock().unwrap();
        loop {
            let timeout = Duration::from_secs(1);
            queue = jobs
                .added
                .wait_timeout_while(queue, timeout, |q| q.is_empty())
                .unwrap()
                .0;
            if let Some(job) = queue.pop_front() {
                return job;
            }
        }
    }

    #[test]
    fn take_job_valid_answers_pass_every_run() {
        type Take = fn(&Jobs) -> u32;
        let answers: [(&str, Take); 3] = [
            ("loop pop", take_loop_pop),
            ("wait_timeout", take_wait_timeout),
            ("wait_timeout_while", take_wait_timeout_while),
        ];
        // The twenty runs go at once, as above: each mostly waits.
        std::thread::scope(|s| {
            for _ in 0..20 {
                s.spawn(|| {
                    for (name, answer) in answers {
                        let verdict = check_take_job(answer);
                        assert!(verdict.is_ok(), "{name}: {verdict:?}");
                    }
                });
            }
        });
    }

    /// Twenty copies of one answer, each with a `static` of its own: a
    /// config is loaded once per process, so each run needs a fresh one.
    macro_rules! twenty {
        ($($body:tt)*) => {{
            macro_rules! one {
                () => {{
                    fn config() -> &'static Config {
                        $($body)*
                    }
                    config as fn() -> &'static Config
                }};
            }
            [
                one!(), one!(), one!(), one!(), one!(),
                one!(), one!(), one!(), one!(), one!(),
                one!(), one!(), one!(), one!(), one!(),
                one!(), one!(), one!(), one!(), one!(),
            ]
        }};
    }

    #[test]
    fn config_valid_answers_pass_every_run() {
        let _one = CONFIG_ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        type Runs = [fn() -> &'static Config; 20];
        let answers: [(&str, Runs); 4] = [
            (
                "get_or_init with a closure",
                twenty! {
                    static CONFIG: OnceLock<Config> = OnceLock::new();
                    CONFIG.get_or_init(|| load_config())
                },
            ),
            (
                "LazyLock::force",
                twenty! {
                    static CONFIG: std::sync::LazyLock<Config> =
                        std::sync::LazyLock::new(load_config);
                    std::sync::LazyLock::force(&CONFIG)
                },
            ),
            (
                "get first, then get_or_init",
                twenty! {
                    static CONFIG: OnceLock<Config> = OnceLock::new();
                    if let Some(config) = CONFIG.get() {
                        return config;
                    }
                    CONFIG.get_or_init(load_config)
                },
            ),
            (
                "a Mutex around the first load",
                twenty! {
                    static CONFIG: std::sync::Mutex<Option<&'static Config>> =
                        std::sync::Mutex::new(None);
                    let mut config = CONFIG.lock().unwrap();
                    *config.get_or_insert_with(|| Box::leak(Box::new(load_config())))
                },
            ),
        ];
        for (name, runs) in answers {
            for answer in runs {
                let verdict = check_config(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
