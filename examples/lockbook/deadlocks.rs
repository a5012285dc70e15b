//! The checks behind the exercises of the chapter "Deadlocks between
//! locks". The learner's code locks [`Account`]s and [`Fork`]s: Mutexes
//! that note, in a table the check can read, which thread holds and which
//! waits for each lock. They can also hold every thread right after its
//! first lock until all have one (a "meet-up", with a time limit), which
//! turns a lock-ordering bug into a deadlock on every run. The learner's
//! code runs under [`watchdog::run_within`], so a deadlock becomes a FAIL
//! that names the threads and the locks, not a hang.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Barrier, Condvar, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crate::exercise::{Failure, Verdict};
use crate::watchdog;

/// What one thread holds and waits for, and what it did.
#[derive(Default, Clone)]
struct ThreadState {
    holds: Vec<usize>,
    waits_for: Option<usize>,
    /// Locks taken, and the most held at once, since the last reset.
    taken: usize,
    most_held: usize,
    /// Whether it has been to the meet-up.
    met: bool,
    meals: u64,
    bad_meal: Option<String>,
    /// The lock it waits for in `try_lock_for`, or last gave up on there,
    /// until it next gets a lock.
    retries: Option<usize>,
    /// The locks it held when `try_lock_for` last gave up, as long as it
    /// keeps them.
    kept_after_give_up: Vec<usize>,
    /// It called `try_lock_for` again while it still kept one of those:
    /// it retries without releasing what it holds.
    retried_holding: bool,
    /// When it last let go of every lock after a `try_lock_for` gave up
    /// (while it held nothing since): a retry should not come at once.
    released_after_give_up: Option<Instant>,
    /// It took a lock at once after such a release: if its next step is
    /// `try_lock_for` again, it retries in step with no back-off.
    took_at_once: bool,
    /// What it did, the first time it retried at once.
    retried_at_once: Option<String>,
}

/// A pause shorter than this between giving up (and releasing) and trying
/// again is no back-off: a sleep of even 1 ms is far above it, a retry in
/// a loop far below.
const NO_BACK_OFF: Duration = Duration::from_micros(200);

impl ThreadState {
    /// A call of `lock()` or `try_lock_for`: was it at once after letting
    /// go of everything because a timed wait gave up?
    fn note_attempt(&mut self) {
        if let Some(released) = self.released_after_give_up.take() {
            self.took_at_once = released.elapsed() < NO_BACK_OFF;
        }
    }
}

/// Holds threads after their first lock until `of` of them got there, or
/// `patience` passed.
struct MeetUp {
    arrived: Mutex<usize>,
    all_here: Condvar,
    of: usize,
    patience: Duration,
}

/// The locks of one check, and what every thread does with them.
struct Table {
    kind: &'static str,
    threads: Mutex<BTreeMap<String, ThreadState>>,
    meet_up: Option<MeetUp>,
    /// The verdict is known while the threads still run: they stop at
    /// their next lock call, so that none spins on after the check.
    over: std::sync::atomic::AtomicBool,
}

fn lock_ignoring_poison<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Table {
    fn new(kind: &'static str, meet_up: Option<(usize, Duration)>) -> Table {
        Table {
            kind,
            threads: Mutex::new(BTreeMap::new()),
            over: std::sync::atomic::AtomicBool::new(false),
            meet_up: meet_up.map(|(of, patience)| MeetUp {
                arrived: Mutex::new(0),
                all_here: Condvar::new(),
                of,
                patience,
            }),
        }
    }

    fn update<R>(&self, change: impl FnOnce(&mut ThreadState) -> R) -> R {
        let me = thread::current().name().unwrap_or("?").to_owned();
        change(lock_ignoring_poison(&self.threads).entry(me).or_default())
    }

    fn snapshot(&self) -> BTreeMap<String, ThreadState> {
        lock_ignoring_poison(&self.threads).clone()
    }

    /// The check calls the learner's function again: what comes next is a
    /// new call, not a retry.
    fn new_call(&self) {
        self.update(|s| {
            s.released_after_give_up = None;
            s.took_at_once = false;
        });
    }

    /// Once the check is over, a thread that calls a lock stays here.
    fn stop_if_over(&self) {
        while self.over.load(std::sync::atomic::Ordering::SeqCst) {
            thread::park();
        }
    }

    /// Wait at the meet-up, once per thread.
    fn meet(&self) {
        let Some(meet) = &self.meet_up else { return };
        let first_time = self.update(|s| !std::mem::replace(&mut s.met, true));
        if !first_time {
            return;
        }
        let mut arrived = lock_ignoring_poison(&meet.arrived);
        *arrived += 1;
        meet.all_here.notify_all();
        let deadline = Instant::now() + meet.patience;
        while *arrived < meet.of {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            arrived = meet
                .all_here
                .wait_timeout(arrived, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// "`t` holds account 1, waits for account 2" for each blocked thread.
    fn blocked_threads(&self) -> Vec<String> {
        let kind = self.kind;
        self.snapshot()
            .iter()
            .filter_map(|(name, s)| {
                let wanted = s.waits_for?;
                let held: Vec<String> =
                    s.holds.iter().map(|h| format!("{kind} {h}")).collect();
                let held = if held.is_empty() {
                    "nothing".to_owned()
                } else {
                    held.join(" and ")
                };
                Some(format!(
                    "thread `{name}` holds {held}, waits for {kind} {wanted}"
                ))
            })
            .collect()
    }

    /// "`t` holds account 1, retries try_lock_for on account 2" for each
    /// thread that gave up a timed wait for a lock, kept what it held, and
    /// is waiting for that lock again. (A thread that releases between its
    /// tries is not listed, even if it is caught holding one lock while it
    /// tries for another.)
    fn holding_and_retrying(&self) -> Vec<String> {
        let kind = self.kind;
        self.snapshot()
            .iter()
            .filter(|(_, s)| s.retried_holding && !s.holds.is_empty())
            .filter_map(|(name, s)| {
                let wanted = s.retries?;
                let held: Vec<String> =
                    s.holds.iter().map(|h| format!("{kind} {h}")).collect();
                Some(format!(
                    "thread `{name}` holds {}, keeps retrying try_lock_for on \
                     {kind} {wanted}",
                    held.join(" and ")
                ))
            })
            .collect()
    }

    /// "`t` gave up fork 1, let go and tried again at once", for the first
    /// thread that retried a timed wait with no back-off.
    fn retried_at_once(&self) -> Option<String> {
        self.snapshot().into_iter().find_map(|(name, s)| {
            s.retried_at_once
                .map(|what| format!("thread `{name}` {what}"))
        })
    }

    /// Do the blocked threads wait for each other in a cycle? Only
    /// `lock()` waits count; such a cycle never resolves.
    fn has_cycle(&self) -> bool {
        let threads = self.snapshot();
        let holder =
            |lock: usize| threads.iter().find(|(_, s)| s.holds.contains(&lock));
        threads.iter().any(|(start, s)| {
            let mut wanted = s.waits_for;
            for _ in 0..threads.len() {
                let Some((name, state)) = wanted.and_then(holder) else {
                    return false;
                };
                if name == start {
                    return true;
                }
                wanted = state.waits_for;
            }
            false
        })
    }
}

/// A Mutex that notes who holds it and who waits for it.
pub struct Tracked<T> {
    /// The lock's number: accounts 1, 2, ...; forks 0 to 4.
    pub id: usize,
    value: Mutex<T>,
    table: Arc<Table>,
}

/// A bank account: its balance behind a tracked Mutex.
pub type Account = Tracked<i64>;
/// A fork on the philosophers' table.
pub type Fork = Tracked<()>;

/// The guard of a [`Tracked`] lock; dereferences to the value.
pub struct Held<'a, T> {
    guard: MutexGuard<'a, T>,
    lock: &'a Tracked<T>,
}

impl<T> Tracked<T> {
    fn new(id: usize, value: T, table: &Arc<Table>) -> Tracked<T> {
        Tracked {
            id,
            value: Mutex::new(value),
            table: Arc::clone(table),
        }
    }

    /// Waits until this thread holds the lock, like `Mutex::lock`.
    pub fn lock(&self) -> Held<'_, T> {
        self.table.stop_if_over();
        let id = self.id;
        let held_before = self.table.update(|s| {
            s.waits_for = Some(id);
            s.note_attempt();
            s.holds.len()
        });
        let guard = lock_ignoring_poison(&self.value);
        self.table.update(|s| {
            s.waits_for = None;
            s.retries = None;
            s.retried_holding = false;
            s.kept_after_give_up.clear();
            s.holds.push(id);
            s.taken += 1;
            s.most_held = s.most_held.max(s.holds.len());
        });
        if held_before == 0 {
            self.table.meet();
        }
        Held { guard, lock: self }
    }
}

impl<T> Tracked<T> {
    /// Like parking_lot's `try_lock_for`: the guard, or `None` if the lock
    /// was not free within `patience`. A timed wait is noted apart from
    /// `lock()` waits: it ends by itself, so it is never part of a deadlock.
    pub fn try_lock_for(&self, patience: Duration) -> Option<Held<'_, T>> {
        self.table.stop_if_over();
        let id = self.id;
        let kind = self.table.kind;
        self.table.update(|s| {
            s.note_attempt();
            if s.took_at_once && s.retried_at_once.is_none() {
                let gave_up = s.retries.unwrap_or(id);
                s.retried_at_once = Some(format!(
                    "gave up waiting for {kind} {gave_up}, let go of its \
                     locks and tried again at once, with no back-off"
                ));
            }
            s.retries = Some(id);
            if !s.kept_after_give_up.is_empty() {
                s.retried_holding = true;
            }
        });
        let deadline = Instant::now() + patience;
        let guard = loop {
            match self.value.try_lock() {
                Ok(guard) => break guard,
                Err(std::sync::TryLockError::Poisoned(p)) => {
                    break p.into_inner();
                }
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
            if Instant::now() >= deadline {
                self.table.update(|s| {
                    s.kept_after_give_up = s.holds.clone();
                    s.took_at_once = false;
                    s.released_after_give_up =
                        s.holds.is_empty().then(Instant::now);
                });
                return None;
            }
            thread::sleep(Duration::from_micros(200));
        };
        let held_before = self.table.update(|s| {
            s.retries = None;
            s.retried_holding = false;
            s.kept_after_give_up.clear();
            s.holds.push(id);
            s.taken += 1;
            s.most_held = s.most_held.max(s.holds.len());
            s.holds.len() - 1
        });
        if held_before == 0 {
            self.table.meet();
        }
        Some(Held { guard, lock: self })
    }
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        let id = self.lock.id;
        self.lock.table.update(|s| {
            s.holds.retain(|&h| h != id);
            let gave_up = !s.kept_after_give_up.is_empty();
            s.kept_after_give_up.retain(|&h| h != id);
            if s.kept_after_give_up.is_empty() {
                s.retried_holding = false;
            }
            if s.holds.is_empty() {
                // An attempt is over: a retry, if any, starts afresh.
                s.took_at_once = false;
                if gave_up {
                    s.released_after_give_up = Some(Instant::now());
                }
            }
        });
    }
}

impl<T> Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for Held<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

/// Like [`watchdog::run_within`], but stops waiting as soon as the threads
/// blocked in `lock()` wait for each other in a cycle: such a deadlock never
/// resolves, so the report comes at once and says the same on every run.
fn run_watched<T: Send + 'static>(
    name: &str,
    limit: Duration,
    table: &Table,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Duration> {
    let started = Instant::now();
    let (done, finished) = mpsc::channel();
    let handle = thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let _ = done.send(work());
        })
        .expect("spawn a thread");
    loop {
        match finished.recv_timeout(Duration::from_millis(20)) {
            Ok(value) => return Ok(value),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if table.has_cycle() || started.elapsed() >= limit {
                    return Err(started.elapsed());
                }
                // Retrying at once fails whatever comes next: stop the
                // threads rather than watch them collide until the limit.
                if table.retried_at_once().is_some() {
                    table.over.store(true, std::sync::atomic::Ordering::SeqCst);
                    return Err(started.elapsed());
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // `work` panicked before sending: pass the panic on.
                match handle.join() {
                    Err(panic) => std::panic::resume_unwind(panic),
                    Ok(()) => unreachable!("sent nothing yet returned"),
                }
            }
        }
    }
}

/// The hint for a thread that keeps what it holds while it retries.
const AT_ONCE_HINT: &str = "back off before retrying: let go of \
     everything and sleep a random few milliseconds; better still, take the \
     locks in one global order with lock(), and nothing needs retrying";

const RETRY_HINT: &str = "try_lock_for gave up, but the thread kept the lock \
     it holds and tried again: it still holds one lock and waits for \
     another. Release what you hold before you retry (drop the guard, wait \
     a random while, start over), or take the locks in one global order";

/// Spawn `f` on a thread named `name` in scope `s`.
fn spawn_named<'s, R: Send + 's>(
    s: &'s thread::Scope<'s, '_>,
    name: String,
    f: impl FnOnce() -> R + Send + 's,
) -> thread::ScopedJoinHandle<'s, R> {
    thread::Builder::new()
        .name(name)
        .spawn_scoped(s, f)
        .expect("spawn a thread")
}

// ----------------------------------------------------------------------
// Exercise 1: transfers that cannot deadlock.

const TRANSFER_HINT: &str = "each transfer locks `from` first, so two \
     transfers in opposite directions lock the same two accounts in opposite \
     orders; lock the account with the lower id first, whichever way the \
     money moves";

/// Run `transfer` on this thread, noting whether it held both accounts
/// at once.
fn checked_transfer(
    transfer: fn(&Account, &Account, i64),
    from: &Account,
    to: &Account,
    amount: i64,
) -> Result<(), Failure> {
    from.table.update(|s| (s.taken, s.most_held) = (0, 0));
    from.table.new_call();
    transfer(from, to, amount);
    let (taken, most_held) = from.table.update(|s| (s.taken, s.most_held));
    if taken >= 2 && most_held < 2 {
        return Err((
            format!(
                "transfer(account {}, account {}, {amount}) released one \
                 account before it locked the other: in between, another \
                 thread could see the money in neither account",
                from.id, to.id
            ),
            "hold both guards until the money has moved: take both locks \
             (lower id first), then change both balances",
        ));
    }
    Ok(())
}

/// Phase 1: `transfer(1 -> 2)` and `transfer(2 -> 1)` at once, each held
/// after its first lock until both have one (or 300 ms passed).
fn opposite_transfers(transfer: fn(&Account, &Account, i64)) -> Verdict {
    let table =
        Arc::new(Table::new("account", Some((2, Duration::from_millis(300)))));
    let accounts =
        Arc::new([Account::new(1, 100, &table), Account::new(2, 100, &table)]);
    let shared = Arc::clone(&accounts);
    let outcome =
        run_watched("transfers", Duration::from_secs(2), &table, move || {
            let [one, two] = &*shared;
            thread::scope(|s| {
                let a = spawn_named(s, "transfer-1-to-2".into(), || {
                    checked_transfer(transfer, one, two, 10)
                });
                let b = spawn_named(s, "transfer-2-to-1".into(), || {
                    checked_transfer(transfer, two, one, 3)
                });
                a.join().unwrap().and(b.join().unwrap())
            })
        });
    if !table.has_cycle()
        && table.holding_and_retrying().is_empty()
        && let Some(what) = table.retried_at_once()
    {
        return Err((
            format!(
                "{}: two transfers that retry in step can keep colliding (a \
                 livelock), so whether they finish depends on timing",
                what.replace("thread ", "")
            ),
            AT_ONCE_HINT,
        ));
    }
    match outcome {
        Err(waited) if table.has_cycle() => Err((
            format!(
                "deadlock after {:.1} s: {}",
                waited.as_secs_f64(),
                table.blocked_threads().join("; ")
            ),
            TRANSFER_HINT,
        )),
        Err(waited) if !table.holding_and_retrying().is_empty() => Err((
            format!(
                "transfers still blocked after {:.1} s: {}",
                waited.as_secs_f64(),
                table.holding_and_retrying().join("; ")
            ),
            RETRY_HINT,
        )),
        Err(waited) => Err((
            format!(
                "transfers still blocked after {:.1} s: {}",
                waited.as_secs_f64(),
                table.blocked_threads().join("; ")
            ),
            TRANSFER_HINT,
        )),
        Ok(Err(failure)) => Err(failure),
        Ok(Ok(())) => {
            let balances = accounts.each_ref().map(|a| *a.lock());
            if balances != [93, 107] {
                return Err((
                    format!(
                        "after moving 10 from account 1 to 2 and 3 back, the \
                         balances are {balances:?}, not [93, 107]"
                    ),
                    "take 'amount' from `from` and add it to `to`",
                ));
            }
            Ok("opposite transfers, each holding one lock first".into())
        }
    }
}

/// Phase 2: `transfer(a, a, 10)` must return and change nothing.
fn self_transfer(transfer: fn(&Account, &Account, i64)) -> Verdict {
    let table = Arc::new(Table::new("account", None));
    let account = Arc::new(Account::new(1, 100, &table));
    let shared = Arc::clone(&account);
    let outcome = watchdog::run_within(
        "transfer-1-to-1",
        Duration::from_secs(1),
        move || {
            let call = || transfer(&shared, &shared, 10);
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        },
    );
    if let Ok(Err(_)) = outcome {
        return Err((
            "transfer(account 1, account 1, 10) panicked (see the message \
             above); the check wants it to return and change nothing"
                .into(),
            "return early when both accounts are the same: there is nothing \
             to move, and only one lock",
        ));
    }
    if outcome.is_err() {
        return Err((
            "transfer(account 1, account 1, 10) never returned: it waits for \
             a lock it already holds"
                .into(),
            "when `from` and `to` are the same account there is nothing to \
             move: return before locking (std's Mutex is not re-entrant)",
        ));
    }
    let balance = *account.lock();
    if balance != 100 {
        return Err((
            format!("transfer(account 1, account 1, 10) left it at {balance}"),
            "moving money from an account to itself changes nothing",
        ));
    }
    Ok("a transfer to the same account".into())
}

/// Phase 3: 4 threads x 500 transfers among 4 accounts, both directions.
fn many_transfers(transfer: fn(&Account, &Account, i64)) -> Verdict {
    let table = Arc::new(Table::new("account", None));
    let accounts: Arc<Vec<Account>> =
        Arc::new((1..=4).map(|id| Account::new(id, 100, &table)).collect());
    let shared = Arc::clone(&accounts);
    let outcome =
        run_watched("transfers", Duration::from_secs(3), &table, move || {
            let start = Barrier::new(4);
            thread::scope(|s| {
                let workers: Vec<_> = (0..4)
                    .map(|t| {
                        let (accounts, start) = (&shared, &start);
                        spawn_named(s, format!("worker-{t}"), move || {
                            start.wait();
                            for i in 0..500 {
                                let from = &accounts[(t + i) % 4];
                                let to = &accounts[(t + 3 * i + 1) % 4];
                                if from.id != to.id {
                                    checked_transfer(transfer, from, to, 1)?;
                                }
                            }
                            Ok(())
                        })
                    })
                    .collect();
                workers.into_iter().try_for_each(|w| w.join().unwrap())
            })
        });
    if table.holding_and_retrying().is_empty()
        && let Some(what) = table.retried_at_once()
    {
        return Err((
            format!(
                "{}: transfers that retry in step can keep colliding (a \
                 livelock), so whether they finish depends on timing",
                what.replace("thread ", "")
            ),
            AT_ONCE_HINT,
        ));
    }
    match outcome {
        Err(waited) if !table.holding_and_retrying().is_empty() => Err((
            format!(
                "2000 transfers among 4 accounts: still blocked after {:.1} \
                 s: {}",
                waited.as_secs_f64(),
                table.holding_and_retrying().join("; ")
            ),
            RETRY_HINT,
        )),
        Err(waited) => Err((
            format!(
                "2000 transfers among 4 accounts: still blocked after {:.1} \
                 s: {}",
                waited.as_secs_f64(),
                table.blocked_threads().join("; ")
            ),
            "every thread must take the locks in the same global order: \
             compare the ids, not the positions of the arguments",
        )),
        Ok(Err(failure)) => Err(failure),
        Ok(Ok(())) => {
            let total: i64 = accounts.iter().map(|a| *a.lock()).sum();
            if total != 400 {
                return Err((
                    format!(
                        "after 2000 transfers the total is {total}, not 400"
                    ),
                    "take 'amount' from `from` and add it to `to`",
                ));
            }
            Ok("2000 transfers among 4 accounts".into())
        }
    }
}

/// Exercise 1: `transfer` must never deadlock, must hold both accounts
/// while it moves the money, and must allow `from == to`.
pub fn check_transfer(transfer: fn(&Account, &Account, i64)) -> Verdict {
    let done = [
        opposite_transfers(transfer)?,
        self_transfer(transfer)?,
        many_transfers(transfer)?,
    ];
    Ok(format!("{}: no deadlock, no money lost", done.join(", ")))
}

// ----------------------------------------------------------------------
// Exercise 2: the dining philosophers.

/// Philosophers at the table, and meals each must eat.
const SEATS: usize = 5;
const MEALS: u64 = 50;

/// Eat one meal, holding two forks: this philosopher's left and right.
pub fn eat(a: &Held<'_, ()>, b: &Held<'_, ()>) {
    let me = thread::current().name().unwrap_or("?").to_owned();
    let seat: usize = me
        .strip_prefix("philosopher-")
        .and_then(|s| s.parse().ok())
        .expect("eat() is called by a philosopher");
    let mine = [seat, (seat + 1) % SEATS];
    let (x, y) = (a.lock.id, b.lock.id);
    let table = &a.lock.table;
    if x == y || !mine.contains(&x) || !mine.contains(&y) {
        table.update(|s| {
            s.bad_meal.get_or_insert(format!(
                "philosopher {seat} ate with forks {x} and {y}, not its own \
                 forks {} and {}",
                mine[0], mine[1]
            ));
        });
    }
    table.update(|s| s.meals += 1);
    thread::yield_now(); // eating takes a moment
}

/// Exercise 2: five philosophers each call `have_a_meal(left, right)`
/// [`MEALS`] times; each must eat every meal, within 3 s.
pub fn check_philosophers(have_a_meal: fn(&Fork, &Fork)) -> Verdict {
    let table = Arc::new(Table::new(
        "fork",
        Some((SEATS, Duration::from_millis(200))),
    ));
    let forks: Arc<Vec<Fork>> =
        Arc::new((0..SEATS).map(|id| Fork::new(id, (), &table)).collect());
    let limit = Duration::from_secs(3);
    let outcome = run_watched("dinner", limit, &table, move || {
        let start = Barrier::new(SEATS);
        thread::scope(|s| {
            for seat in 0..SEATS {
                let (forks, start) = (&forks, &start);
                spawn_named(s, format!("philosopher-{seat}"), move || {
                    let left = &forks[seat];
                    let right = &forks[(seat + 1) % SEATS];
                    start.wait();
                    for _ in 0..MEALS {
                        left.table.new_call();
                        have_a_meal(left, right);
                    }
                });
            }
        })
    });
    let threads = table.snapshot();
    let meals: Vec<u64> = (0..SEATS)
        .map(|seat| {
            threads
                .get(&format!("philosopher-{seat}"))
                .map_or(0, |s| s.meals)
        })
        .collect();
    if let Some(bad) = threads.values().find_map(|s| s.bad_meal.clone()) {
        return Err((
            bad,
            "pass eat() the guards of this philosopher's two forks: left and \
             right",
        ));
    }
    if outcome.is_err() {
        if table.has_cycle() {
            return Err((
                format!(
                    "deadlock: {}",
                    table.blocked_threads().join("; ").replace("thread ", "")
                ),
                "every philosopher took the left fork first, so each can \
                 hold one fork and wait for the next one forever; give the \
                 forks a global order and take the lower-numbered fork \
                 first (one philosopher then takes the right fork first)",
            ));
        }
        let retrying = table.holding_and_retrying();
        if !retrying.is_empty() {
            return Err((
                format!(
                    "not done after {} s: {}",
                    limit.as_secs(),
                    retrying.join("; ").replace("thread ", "")
                ),
                RETRY_HINT,
            ));
        }
    }
    let at_once = || {
        table.retried_at_once().map(|what| {
            Err((
                format!(
                    "{}: philosophers that retry in step can keep colliding \
                     (a livelock), so whether all eat depends on timing",
                    what.replace("thread ", "")
                ),
                AT_ONCE_HINT,
            ))
        })
    };
    if outcome.is_err() {
        if let Some(failure) = at_once() {
            return failure;
        }
        return Err((
            format!(
                "not done after {} s, and no deadlock: meals eaten {meals:?} \
                 of {MEALS} each; somebody starves",
                limit.as_secs()
            ),
            "starvation or livelock: a philosopher that gives up a fork and \
             retries at once can keep losing; wait for the forks in a global \
             order instead, or back off for a random time before retrying",
        ));
    }
    if let Some(seat) = meals.iter().position(|&m| m != MEALS) {
        return Err((
            format!(
                "philosopher {seat} ate {} of {MEALS} meals (meals eaten: \
                 {meals:?}): have_a_meal returned without eating",
                meals[seat]
            ),
            "have_a_meal must eat exactly once per call: when a fork is \
             taken, wait for it (or back off and retry), do not skip the \
             meal",
        ));
    }
    if let Some(failure) = at_once() {
        return failure;
    }
    Ok(format!(
        "{SEATS} philosophers ate {MEALS} meals each, with no deadlock, \
         though all five started by taking a fork at the same moment"
    ))
}

#[cfg(test)]
mod tests {
    //! The mistakes learners make fail the checks, with the right message.
    use super::*;

    fn failure(verdict: Verdict) -> String {
        match verdict {
            Ok(done) => panic!("passed: {done}"),
            Err((what, hint)) => format!("{what} / {hint}"),
        }
    }

    #[test]
    fn transfer_mistakes_fail() {
        // Two critical sections: no deadlock, but the money is in between.
        fn one_at_a_time(from: &Account, to: &Account, amount: i64) {
            *from.lock() -= amount;
            *to.lock() += amount;
        }
        let why = failure(check_transfer(one_at_a_time));
        assert!(why.contains("released one account"), "{why}");

        // Ordered, but a transfer to the same account locks it twice.
        fn ordered_only(from: &Account, to: &Account, amount: i64) {
            let (mut f, mut t);
            if from.id <= to.id {
                f = from.lock();
                t = to.lock();
            } else {
                t = to.lock();
                f = from.lock();
            }
            *f -= amount;
            *t += amount;
        }
        let why = failure(check_transfer(ordered_only));
        assert!(why.contains("never returned"), "{why}");

        // Ordered by position in the arguments: the starter's bug.
        fn by_position(from: &Account, to: &Account, amount: i64) {
            if from.id == to.id {
                return;
            }
            let (mut f, mut t) = (from.lock(), to.lock());
            *f -= amount;
            *t += amount;
        }
        let started = Instant::now();
        let why = failure(check_transfer(by_position));
        assert!(why.contains("deadlock after"), "{why}");
        assert!(why.contains("`transfer-1-to-2` holds account 1"), "{why}");
        // Reported once the cycle is seen, not after the 2 s limit.
        assert!(started.elapsed() < Duration::from_secs(1), "{why}");

        // Retries the timed wait, but keeps the account it holds.
        fn keeps_and_retries(from: &Account, to: &Account, amount: i64) {
            if from.id == to.id {
                return;
            }
            let mut f = from.lock();
            let mut t = loop {
                if let Some(t) = to.try_lock_for(Duration::from_millis(10)) {
                    break t;
                }
            };
            *f -= amount;
            *t += amount;
        }
        let why = failure(check_transfer(keeps_and_retries));
        assert!(
            why.contains(
                "`transfer-1-to-2` holds account 1, keeps retrying \
                 try_lock_for on account 2"
            ),
            "{why}"
        );
        assert!(why.contains("Release what you hold"), "{why}");

        // The chapter's lock_both: an assert for the same account twice.
        fn asserts_distinct(from: &Account, to: &Account, amount: i64) {
            assert_ne!(from.id, to.id, "one account cannot be locked twice");
            let (mut f, mut t);
            if from.id < to.id {
                f = from.lock();
                t = to.lock();
            } else {
                t = to.lock();
                f = from.lock();
            }
            *f -= amount;
            *t += amount;
        }
        let why = failure(check_transfer(asserts_distinct));
        assert!(why.contains("panicked"), "{why}");
        assert!(why.contains("return early"), "{why}");
    }

    #[test]
    fn philosopher_mistakes_fail() {
        // Gives up when the second fork is taken, and skips the meal.
        fn skips(left: &Fork, right: &Fork) {
            let l = left.lock();
            if let Some(r) = right.try_lock_for(Duration::from_millis(1)) {
                eat(&l, &r);
            }
        }
        let why = failure(check_philosophers(skips));
        assert!(why.contains("returned without eating"), "{why}");

        // Eats with one fork twice.
        fn one_fork(left: &Fork, _right: &Fork) {
            let l = left.lock();
            eat(&l, &l);
        }
        let why = failure(check_philosophers(one_fork));
        assert!(why.contains("ate with forks"), "{why}");

        // Keeps the left fork while it retries the right one.
        fn keeps_left(left: &Fork, right: &Fork) {
            let l = left.lock();
            loop {
                if let Some(r) = right.try_lock_for(Duration::from_millis(5)) {
                    eat(&l, &r);
                    return;
                }
            }
        }
        let why = failure(check_philosophers(keeps_left));
        assert!(why.contains("keeps retrying try_lock_for on fork"), "{why}");
        assert!(why.contains("Release what you hold"), "{why}");

        // Releases the left fork before each retry, but with no back-off.
        // It may starve (or, rarely, finish); it holds nothing while it
        // retries, so it must never be told that it does.
        fn retries_at_once(left: &Fork, right: &Fork) {
            loop {
                let l = left.lock();
                if let Some(r) = right.try_lock_for(Duration::from_millis(1)) {
                    eat(&l, &r);
                    return;
                }
            }
        }
        for _ in 0..20 {
            let (what, hint) = check_philosophers(retries_at_once).unwrap_err();
            assert!(!what.contains("keeps retrying"), "{what}");
            assert!(what.contains("tried again at once"), "{what}");
            assert!(hint.contains("back off"), "{hint}");
        }
    }

    #[test]
    fn transfer_retried_at_once_fails_every_run() {
        // Lets go of `from` before each retry, but retries at once.
        fn retries_at_once(from: &Account, to: &Account, amount: i64) {
            if from.id == to.id {
                return;
            }
            loop {
                let mut f = from.lock();
                if let Some(mut t) = to.try_lock_for(Duration::from_millis(1)) {
                    *f -= amount;
                    *t += amount;
                    return;
                }
            }
        }
        for _ in 0..20 {
            let why = failure(check_transfer(retries_at_once));
            assert!(why.contains("tried again at once"), "{why}");
        }
    }

    #[test]
    fn transfer_back_off_passes() {
        fn back_off(from: &Account, to: &Account, amount: i64) {
            if from.id == to.id {
                return;
            }
            for attempt in 0.. {
                let mut f = from.lock();
                if let Some(mut t) = to.try_lock_for(Duration::from_millis(1)) {
                    *f -= amount;
                    *t += amount;
                    return;
                }
                drop(f);
                thread::sleep(Duration::from_millis(
                    1 + (from.id + attempt) as u64 % 5,
                ));
            }
        }
        check_transfer(back_off).unwrap();
    }

    #[test]
    fn back_off_passes() {
        fn back_off(left: &Fork, right: &Fork) {
            let mut attempt = 0u64;
            loop {
                let l = left.lock();
                if let Some(r) = right.try_lock_for(Duration::from_millis(5)) {
                    eat(&l, &r);
                    return;
                }
                drop(l);
                attempt += 1;
                let seat = left.id as u64;
                thread::sleep(Duration::from_millis(1 + (seat + attempt) % 7));
            }
        }
        check_philosophers(back_off).unwrap();
    }

    /// A pause of 1 to 5 ms, different on every call.
    fn random_pause() {
        use std::hash::{BuildHasher, RandomState};
        let ms = RandomState::new().hash_one(Instant::now()) % 5 + 1;
        thread::sleep(Duration::from_millis(ms));
    }

    /// The two accounts sorted by id first, then the amount moved by
    /// which one is `from`.
    fn transfer_sorted(from: &Account, to: &Account, amount: i64) {
        if from.id == to.id {
            return;
        }
        let (first, second) = if from.id < to.id {
            (from, to)
        } else {
            (to, from)
        };
        let mut a = first.lock();
        let mut b = second.lock();
        if first.id == from.id {
            *a -= amount;
            *b += amount;
        } else {
            *b -= amount;
            *a += amount;
        }
    }

    /// A `match` on `cmp`: equal returns, else lower id first.
    fn transfer_cmp(from: &Account, to: &Account, amount: i64) {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let (mut f, mut t) = match from.id.cmp(&to.id) {
            Equal => return,
            Less => {
                let f = from.lock();
                (f, to.lock())
            }
            Greater => {
                let t = to.lock();
                (from.lock(), t)
            }
        };
        *f -= amount;
        *t += amount;
    }

    /// Back-off with a random pause after giving up.
    fn transfer_random_back_off(from: &Account, to: &Account, amount: i64) {
        if from.id == to.id {
            return;
        }
        loop {
            let mut f = from.lock();
            if let Some(mut t) = to.try_lock_for(Duration::from_millis(1)) {
                *f -= amount;
                *t += amount;
                return;
            }
            drop(f);
            random_pause();
        }
    }

    #[test]
    fn transfer_valid_answers_pass_every_run() {
        type Transfer = fn(&Account, &Account, i64);
        let answers: [(&str, Transfer); 3] = [
            ("sorted", transfer_sorted),
            ("cmp", transfer_cmp),
            ("random back-off", transfer_random_back_off),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_transfer(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }

    /// The philosopher whose right fork is fork 0 takes it first.
    fn philosopher_last_one_right_first(left: &Fork, right: &Fork) {
        if right.id == 0 {
            let r = right.lock();
            let l = left.lock();
            eat(&l, &r);
        } else {
            let l = left.lock();
            let r = right.lock();
            eat(&l, &r);
        }
    }

    /// `min_by_key`/`max_by_key` on the ids.
    fn philosopher_min_max(left: &Fork, right: &Fork) {
        let low = std::cmp::min_by_key(left, right, |f| f.id);
        let high = std::cmp::max_by_key(left, right, |f| f.id);
        let first = low.lock();
        let second = high.lock();
        eat(&first, &second);
    }

    /// `try_lock_for` with a random back-off, as the exercise suggests.
    fn philosopher_random_back_off(left: &Fork, right: &Fork) {
        loop {
            let l = left.lock();
            if let Some(r) = right.try_lock_for(Duration::from_millis(2)) {
                eat(&l, &r);
                return;
            }
            drop(l);
            random_pause();
        }
    }

    #[test]
    fn philosophers_valid_answers_pass_every_run() {
        type HaveAMeal = fn(&Fork, &Fork);
        let answers: [(&str, HaveAMeal); 3] = [
            ("last one right first", philosopher_last_one_right_first),
            ("min/max", philosopher_min_max),
            ("random back-off", philosopher_random_back_off),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_philosophers(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
