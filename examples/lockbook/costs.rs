//! The checks behind the exercises of the chapter "What locks cost". They
//! check structure and correctness, never speed: a timing check would pass
//! or fail with the machine's load.

use std::collections::HashMap;
use std::hash::{BuildHasher, DefaultHasher, Hasher};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use crate::exercise::Verdict;
use crate::watchdog::run_within;

/// The shards of a counter map: `shards[i]` holds the keys that
/// `shard_for(key, shards.len())` puts in shard `i`.
pub type Shards = [Mutex<Counts>];

/// One shard's counts: a `HashMap` like any other, whose hasher lets the
/// check pause an `add` while it is inside its shard's lock (a map hashes
/// the key in `entry`, `get` and `insert`, all under the shard's guard).
pub type Counts = HashMap<String, u64, Watched>;

/// The hasher of [`Counts`]: std's `DefaultHasher`, plus the pause.
#[derive(Clone, Default)]
pub struct Watched {
    pause: Option<Arc<Pause>>,
}

/// Pauses the first hash made on one thread until the check says go.
#[derive(Default)]
struct Pause {
    /// (thread to pause, it is paused now, it may go on)
    state: Mutex<(Option<ThreadId>, bool, bool)>,
    changed: Condvar,
}

impl Pause {
    /// Pause the calling thread's next hash.
    fn arm(&self) {
        self.state.lock().unwrap().0 = Some(thread::current().id());
    }

    /// Called by every hash: the armed thread stops here, once, until
    /// `go` (or [`LIMIT`] times 4, so that a check never hangs).
    fn here(&self) {
        let mut state = self.state.lock().unwrap();
        if state.0 != Some(thread::current().id()) {
            return;
        }
        state.0 = None;
        state.1 = true;
        self.changed.notify_all();
        let _ = self.changed.wait_timeout_while(state, 4 * LIMIT, |s| !s.2);
    }

    /// Waits (at most [`LIMIT`]) until the armed thread is paused.
    fn paused(&self) -> bool {
        let state = self.state.lock().unwrap();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, LIMIT, |s| !s.1)
            .unwrap();
        state.1
    }

    fn go(&self) {
        self.state.lock().unwrap().2 = true;
        self.changed.notify_all();
    }
}

/// The hasher [`Watched`] builds.
pub struct WatchedHasher {
    inner: DefaultHasher,
    pause: Option<Arc<Pause>>,
}

impl BuildHasher for Watched {
    type Hasher = WatchedHasher;
    fn build_hasher(&self) -> WatchedHasher {
        WatchedHasher {
            inner: DefaultHasher::new(),
            pause: self.pause.clone(),
        }
    }
}

impl Hasher for WatchedHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.inner.write(bytes);
    }
    fn finish(&self) -> u64 {
        if let Some(pause) = &self.pause {
            pause.here();
        }
        self.inner.finish()
    }
}

/// How long an update may wait for a lock that nobody should be holding.
const LIMIT: Duration = Duration::from_secs(1);

fn shards(n: usize) -> Arc<Vec<Mutex<Counts>>> {
    watched_shards(n, None)
}

fn watched_shards(
    n: usize,
    pause: Option<&Arc<Pause>>,
) -> Arc<Vec<Mutex<Counts>>> {
    let hasher = Watched {
        pause: pause.cloned(),
    };
    Arc::new(
        (0..n)
            .map(|_| Mutex::new(HashMap::with_hasher(hasher.clone())))
            .collect(),
    )
}

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user-{i}")).collect()
}

/// Exercise 1: a counter map split into 8 shards, each with its own lock.
/// `shard_for` must place keys stably and spread them out; `add` must lock
/// only the key's own shard (checked by holding each other shard while it
/// runs) and lose no update.
pub fn check_shards(
    shard_for: fn(&str, usize) -> usize,
    add: fn(&Shards, &str),
) -> Verdict {
    const N: usize = 8;
    let keys = keys(64);
    // 1. Every key has one shard, in range, the same on every call.
    let mut home = Vec::new();
    for key in &keys {
        let s = shard_for(key, N);
        if s >= N {
            return Err((
                format!(
                    "shard_for(\"{key}\", {N}) = {s}: there is no shard {s}"
                ),
                "the shard index must be below the number of shards: take the hash modulo `shards`",
            ));
        }
        if (0..3).any(|_| shard_for(key, N) != s) {
            return Err((
                format!(
                    "shard_for(\"{key}\", {N}) gave different shards on different calls"
                ),
                "a key must always land in the same shard, or its count is split; \
                 hash the key with a fixed hasher (std::hash::DefaultHasher::new())",
            ));
        }
        home.push(s);
    }
    // 2. While one shard is locked, keys of the other shards can be counted.
    let used: Vec<usize> = (0..N).filter(|s| home.contains(s)).collect();
    if used.len() == 1 {
        return Err((
            format!(
                "all {} keys go to shard {}: while it is locked, no key can be counted",
                keys.len(),
                used[0]
            ),
            "one shard for every key is one lock for everything again; pick the shard from \
             the key: `let mut h = DefaultHasher::new(); key.hash(&mut h);` (with \
             std::hash::{DefaultHasher, Hash, Hasher}), then `h.finish() as usize % shards`",
        ));
    }
    for &held in &used {
        let i = home.iter().position(|&s| s != held).unwrap();
        let other = keys[i].clone();
        let map = shards(N);
        let worker = Arc::clone(&map);
        let hold = Arc::new(Barrier::new(2));
        let (hold2, done) = (Arc::clone(&hold), Arc::clone(&hold));
        // The check holds shard `held` on its own thread until the update
        // of a key from another shard is over (or has timed out).
        let holder = thread::spawn(move || {
            let _guard = worker[held].lock().unwrap_or_else(|e| e.into_inner());
            hold2.wait();
            done.wait();
        });
        hold.wait();
        let updater = Arc::clone(&map);
        let key = other.clone();
        let result = run_within("add", LIMIT, move || {
            std::panic::catch_unwind(|| add(&updater, &key)).is_ok()
        });
        match result {
            Ok(true) => {
                hold.wait();
                holder.join().unwrap();
            }
            Ok(false) => {
                return Err((
                    format!("add(\"{other}\") panicked"),
                    "index the shards with shard_for(key, shards.len())",
                ));
            }
            Err(_) => {
                return Err((
                    format!(
                        "while shard {held} was locked, counting \"{other}\" (shard {}) \
                         waited over {} s",
                        home[i],
                        LIMIT.as_secs()
                    ),
                    "add must lock only the key's own shard, shards[shard_for(key, \
                     shards.len())], not every shard and not a lock over all of them",
                ));
            }
        }
        let count = map[home[i]]
            .lock()
            .unwrap()
            .get(&other)
            .copied()
            .unwrap_or(0);
        if count != 1 {
            return Err((
                format!(
                    "after add(\"{other}\"), shard {} counts it {count} times, not once",
                    home[i]
                ),
                "add must count the key in its own shard: shards[shard_for(key, shards.len())]",
            ));
        }
    }
    // 2b. While an add is inside its shard's lock (paused by the check),
    // an add of another shard's key gets through: no lock all adds share.
    let i = home.iter().position(|&s| s != home[0]).unwrap();
    both_inside(add, &keys[0], home[0], &keys[i], home[i])?;
    // 3. The keys are spread out, so that the shards share the work.
    if used.len() < N / 2 {
        return Err((
            format!(
                "the {} keys use only {} of {N} shards",
                keys.len(),
                used.len()
            ),
            "spread the keys: hash the whole key (std::hash::DefaultHasher) rather than \
             its length or first letter",
        ));
    }
    // 4. No update is lost: 4 threads x 500 adds of each of 16 keys.
    let map = shards(N);
    let (threads, rounds) = (4, 500);
    let hot: Vec<String> = keys[..16].to_vec();
    let worker_map = Arc::clone(&map);
    let worker_keys = hot.clone();
    let finished = run_within("adders", Duration::from_secs(4), move || {
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for _ in 0..rounds {
                        for key in &worker_keys {
                            add(&worker_map, key);
                        }
                    }
                });
            }
        })
    });
    if finished.is_err() {
        return Err((
            format!(
                "{threads} threads adding at once did not finish within 4 s"
            ),
            "does add lock a shard twice, or never release it?",
        ));
    }
    for key in &hot {
        let s = shard_for(key, N);
        let count = map[s].lock().unwrap().get(key).copied().unwrap_or(0);
        if count != threads * rounds {
            return Err((
                format!(
                    "\"{key}\" was added {} times, shard {s} counts {count}",
                    threads * rounds
                ),
                "read, add and write back under one guard of the key's shard",
            ));
        }
    }
    Ok(format!(
        "{} keys over {} of {N} shards; each shard can be updated while another \
         is locked; {} updates, none lost",
        keys.len(),
        used.len(),
        threads * rounds * hot.len() as u64
    ))
}

/// Pauses `add(first)` inside its shard's lock, then runs `add(second)`
/// (another shard) on another thread: it must finish within [`LIMIT`].
fn both_inside(
    add: fn(&Shards, &str),
    first: &str,
    first_home: usize,
    second: &str,
    second_home: usize,
) -> Result<(), (String, &'static str)> {
    let pause = Arc::new(Pause::default());
    let map = watched_shards(8, Some(&pause));
    let inside = {
        let (map, pause, key) =
            (Arc::clone(&map), Arc::clone(&pause), first.to_owned());
        thread::spawn(move || {
            pause.arm();
            std::panic::catch_unwind(|| add(&map, &key)).is_ok()
        })
    };
    let paused = pause.paused();
    let other = {
        let (map, key) = (Arc::clone(&map), second.to_owned());
        run_within("add", LIMIT, move || {
            std::panic::catch_unwind(|| add(&map, &key)).is_ok()
        })
    };
    pause.go();
    let first_ok = inside.join().unwrap_or(false);
    if !paused || !first_ok {
        // Never looked its key up in the map, or panicked: the steps
        // before and after this one say what is wrong.
        return Ok(());
    }
    match other {
        Ok(_) => Ok(()),
        Err(_) => Err((
            format!(
                "while add(\"{first}\") was inside the lock of shard \
                 {first_home}, add(\"{second}\") (shard {second_home}) waited \
                 over {} s: every add takes one lock that they all share",
                LIMIT.as_secs()
            ),
            "a lock over all the shards (a static Mutex around the update) \
             makes the shards pointless: lock only the key's own shard, \
             shards[shard_for(key, shards.len())]",
        )),
    }
}

/// The function exercise 2 asks for: look `id` up in the cache, or
/// render it (slow) and cache it.
pub type Describe =
    fn(&Mutex<HashMap<u64, String>>, u64, &dyn Fn(u64) -> String) -> String;

/// Exercise 2: `describe` looks `id` up in a cache and, on a miss, calls
/// the slow `render` and caches the result. `render` must run with the
/// cache unlocked; results must be cached; the answers must be right.
pub fn check_short_section(describe: Describe) -> Verdict {
    let outcome = run_within("describe", LIMIT, move || {
        let cache = Mutex::new(HashMap::new());
        let mut locked_during_render = Vec::new();
        let calls = std::cell::Cell::new(0);
        let lock_seen = std::cell::RefCell::new(Vec::new());
        let answers: Vec<(u64, String)> = [7, 7, 8, 7]
            .into_iter()
            .map(|id| {
                let render = |id: u64| {
                    calls.set(calls.get() + 1);
                    // The hook: the slow part runs here. Is the cache free?
                    lock_seen.borrow_mut().push(cache.try_lock().is_err());
                    format!("item {id}")
                };
                (id, describe(&cache, id, &render))
            })
            .collect();
        locked_during_render.extend(lock_seen.into_inner());
        let cached = cache.into_inner().unwrap_or_else(|e| e.into_inner());
        (answers, calls.get(), locked_during_render, cached)
    });
    let Ok((answers, calls, locked, cached)) = outcome else {
        return Err((
            format!("describe did not return within {} s", LIMIT.as_secs()),
            "does it lock the cache while it already holds the guard? \
             drop the first guard before you lock again",
        ));
    };
    if let Some((id, got)) = answers
        .iter()
        .find(|(id, got)| *got != format!("item {id}"))
    {
        return Err((
            format!(
                "describe(.., {id}, ..) returned {got:?}, not \"item {id}\""
            ),
            "return what render(id) returned, or the cached copy of it",
        ));
    }
    if locked.iter().any(|&l| l) {
        return Err((
            "the cache was locked while render ran: every other thread waits for \
             the slow part"
                .into(),
            "look up under the lock, drop the guard, render with no lock held, \
             then lock again to insert",
        ));
    }
    if calls != 2 || cached.len() != 2 {
        return Err((
            format!(
                "looked up ids 7, 7, 8, 7: render ran {calls} times (expected 2: once for \
                 7, once for 8), {} ids cached",
                cached.len()
            ),
            "check the cache first and return a hit without rendering; after \
             rendering, insert the result under the lock",
        ));
    }
    renders_overlap(describe)?;
    same_id_at_once(describe)?;
    Ok(
        "render ran with the cache unlocked, only on misses (2 of 4 lookups), \
         two renders ran at the same time, and every answer was right"
            .into(),
    )
}

/// How long a render waits for the other thread's render to start.
const OVERLAP: Duration = Duration::from_secs(2);

/// Two threads describe two uncached ids at once. Each render waits (at
/// most [`OVERLAP`]) until both renders have started: with no lock held
/// around `render`, both start at once; behind any lock, one render waits
/// for the other and times out.
fn renders_overlap(describe: Describe) -> Result<(), (String, &'static str)> {
    let outcome = run_within("describe", 2 * OVERLAP + LIMIT, move || {
        let cache = Mutex::new(HashMap::new());
        let started = (Mutex::new(0_usize), Condvar::new());
        let render = |id: u64| {
            let (count, both) = &started;
            let mut count = count.lock().unwrap();
            *count += 1;
            both.notify_all();
            let (count, _) =
                both.wait_timeout_while(count, OVERLAP, |n| *n < 2).unwrap();
            let overlapped = *count >= 2;
            drop(count);
            (format!("item {id}"), overlapped)
        };
        thread::scope(|s| {
            let workers: Vec<_> = [1, 2]
                .map(|id| {
                    let (cache, render) = (&cache, &render);
                    s.spawn(move || {
                        let overlapped = std::cell::Cell::new(true);
                        let hook = |id| {
                            let (text, both) = render(id);
                            overlapped.set(overlapped.get() && both);
                            text
                        };
                        let got = describe(cache, id, &hook);
                        (got == format!("item {id}"), overlapped.get())
                    })
                })
                .into_iter()
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or((false, false)))
                .fold((true, true), |(r, o), (r2, o2)| (r && r2, o && o2))
        })
    });
    match outcome {
        Ok((true, true)) => Ok(()),
        Ok((false, _)) => Err((
            "two threads described ids 1 and 2 at once, and one got a wrong \
             answer"
                .into(),
            "return what render(id) returned, or the cached copy of it",
        )),
        Ok((true, false)) => Err((
            "two threads described ids 1 and 2 at once, and their renders did \
             not overlap: one waited for the other"
                .into(),
            "render must run with no lock held, neither the cache's nor \
             another one that all renders share",
        )),
        Err(_) => Err((
            format!(
                "two threads describing ids 1 and 2 did not finish within {} s",
                (2 * OVERLAP + LIMIT).as_secs()
            ),
            "drop every guard before render, and lock again only to insert",
        )),
    }
}

/// Two threads describe the same uncached id: the second starts while
/// the first is inside `render`, between its lookup and its insert, on
/// every run. The first render waits (at most [`OVERLAP`]) until the
/// second caller has rendered too or has returned. Both must get the text.
fn same_id_at_once(describe: Describe) -> Result<(), (String, &'static str)> {
    let outcome = run_within("describe", 2 * OVERLAP + LIMIT, move || {
        let cache = Mutex::new(HashMap::new());
        // (renders started, describe calls returned)
        let seen = (Mutex::new((0_usize, 0_usize)), Condvar::new());
        let render = |id: u64| {
            let (state, changed) = &seen;
            let mut state = state.lock().unwrap();
            state.0 += 1;
            changed.notify_all();
            if state.0 == 1 {
                let _ = changed
                    .wait_timeout_while(state, OVERLAP, |s| s.0 < 2 && s.1 == 0)
                    .unwrap();
            }
            format!("item {id}")
        };
        let describe_and_tell = |id: u64| {
            let got = describe(&cache, id, &render);
            let (state, changed) = &seen;
            state.lock().unwrap().1 += 1;
            changed.notify_all();
            got
        };
        thread::scope(|s| {
            let first = s.spawn(|| describe_and_tell(3));
            {
                let (state, changed) = &seen;
                let state = state.lock().unwrap();
                let _ = changed
                    .wait_timeout_while(state, OVERLAP, |s| {
                        s.0 == 0 && s.1 == 0
                    })
                    .unwrap();
            }
            let second = s.spawn(|| describe_and_tell(3));
            [first.join(), second.join()]
                .map(|got| got.unwrap_or_else(|_| "(panicked)".to_owned()))
        })
    });
    match outcome {
        Ok([first, second]) if first == "item 3" && second == "item 3" => {
            Ok(())
        }
        Ok([first, second]) => Err((
            format!(
                "two threads described id 3, not cached yet, the second while \
                 the first was rendering it: they got {first:?} and {second:?}, \
                 not \"item 3\" both"
            ),
            "a placeholder in the cache is not the text: insert only the \
             rendered text; until it is there, another caller misses and \
             renders too, and `entry(id).or_insert(text)` keeps one copy",
        )),
        Err(_) => Err((
            format!(
                "two threads describing id 3 at once did not finish within \
                 {} s",
                (2 * OVERLAP + LIMIT).as_secs()
            ),
            "drop every guard before render, and lock again only to insert",
        )),
    }
}

#[cfg(test)]
mod tests {
    //! The mistakes learners make must fail the checks, and the right
    //! answers must pass.

    use super::*;
    use std::hash::{DefaultHasher, Hash, Hasher};

    fn hashed(key: &str, shards: usize) -> usize {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        (h.finish() % shards as u64) as usize
    }

    fn add_hashed(shards: &Shards, key: &str) {
        let mut map = shards[hashed(key, shards.len())].lock().unwrap();
        *map.entry(key.to_owned()).or_default() += 1;
    }

    fn failure(r: Verdict) -> String {
        r.expect_err("should fail").0
    }

    /// A global lock around every update: each shard's own lock becomes
    /// pointless, and no shard is ever locked when another add comes.
    fn add_under_global(shards: &Shards, key: &str) {
        static ALL: Mutex<()> = Mutex::new(());
        let _all = ALL.lock().unwrap();
        let mut map = shards[hashed(key, shards.len())].lock().unwrap();
        *map.entry(key.to_owned()).or_default() += 1;
    }

    #[test]
    fn shards_global_lock_fails_every_run() {
        for _ in 0..20 {
            let e = failure(check_shards(hashed, add_under_global));
            assert!(e.contains("one lock that they all share"), "{e}");
        }
    }

    #[test]
    fn shards_right_answer_passes() {
        check_shards(hashed, add_hashed).unwrap();
    }

    #[test]
    fn shards_wrong_answers_fail() {
        // Everything in one shard.
        assert!(failure(check_shards(|_, _| 0, add_hashed)).contains("all 64"));
        // Out of range.
        let e = failure(check_shards(|k, n| hashed(k, n) + n, add_hashed));
        assert!(e.contains("there is no shard"), "{e}");
        // By length: stable, in range, but only two shards.
        let e = failure(check_shards(
            |k, n| k.len() % n,
            |s, k| {
                let mut map = s[k.len() % s.len()].lock().unwrap();
                *map.entry(k.to_owned()).or_default() += 1;
            },
        ));
        assert!(e.contains("use only 2 of 8"), "{e}");
        // Locks every shard, as a "global" lock around its own.
        let e = failure(check_shards(hashed, |s, _k| {
            let _all: Vec<_> = s.iter().map(|m| m.lock().unwrap()).collect();
        }));
        assert!(e.contains("waited over"), "{e}");
        // Counts in the wrong shard.
        let e = failure(check_shards(hashed, |s, k| {
            let i = (hashed(k, s.len()) + 1) % s.len();
            *s[i].lock().unwrap().entry(k.to_owned()).or_default() += 1;
        }));
        assert!(e.contains("counts it 0 times"), "{e}");
        // Reads and writes back under two guards: loses updates.
        let e = failure(check_shards(hashed, |s, k| {
            let shard = &s[hashed(k, s.len())];
            let n = shard.lock().unwrap().get(k).copied().unwrap_or(0);
            std::thread::yield_now();
            shard.lock().unwrap().insert(k.to_owned(), n + 1);
        }));
        assert!(e.contains("was added 2000 times"), "{e}");
    }

    /// Inserts a placeholder under the lock, renders unlocked, then
    /// fills it in: a caller that comes meanwhile returns the placeholder.
    fn describe_placeholder(
        cache: &Mutex<HashMap<u64, String>>,
        id: u64,
        render: &dyn Fn(u64) -> String,
    ) -> String {
        {
            let mut map = cache.lock().unwrap();
            if let Some(hit) = map.get(&id) {
                return hit.clone();
            }
            map.insert(id, String::new());
        }
        let text = render(id);
        cache.lock().unwrap().insert(id, text.clone());
        text
    }

    #[test]
    fn short_section_placeholder_fails_every_run() {
        for _ in 0..20 {
            let e = failure(check_short_section(describe_placeholder));
            assert!(e.contains("they got \"item 3\" and \"\""), "{e}");
        }
    }

    #[test]
    fn short_section_answers() {
        check_short_section(|cache, id, render| {
            if let Some(hit) = cache.lock().unwrap().get(&id) {
                return hit.clone();
            }
            let text = render(id);
            cache.lock().unwrap().entry(id).or_insert(text).clone()
        })
        .unwrap();
        // Renders under the guard, through a named binding.
        let e = failure(check_short_section(|cache, id, render| {
            let mut map = cache.lock().unwrap();
            if let Some(hit) = map.get(&id) {
                return hit.clone();
            }
            let text = render(id);
            map.insert(id, text.clone());
            text
        }));
        assert!(e.contains("locked while render ran"), "{e}");
        // Never caches.
        let e = failure(check_short_section(|_, id, render| render(id)));
        assert!(e.contains("render ran 4 times"), "{e}");
        // Renders every time, then caches.
        let e = failure(check_short_section(|cache, id, render| {
            let text = render(id);
            cache.lock().unwrap().insert(id, text.clone());
            text
        }));
        assert!(e.contains("render ran 4 times"), "{e}");
        // Serialises the renders behind a second, global lock.
        let e = failure(check_short_section(|cache, id, render| {
            static RENDER: Mutex<()> = Mutex::new(());
            if let Some(hit) = cache.lock().unwrap().get(&id) {
                return hit.clone();
            }
            let text = {
                let _one_at_a_time = RENDER.lock().unwrap();
                render(id)
            };
            cache.lock().unwrap().entry(id).or_insert(text).clone()
        }));
        assert!(e.contains("did not overlap"), "{e}");
        // Locks again while holding the guard: a hang, reported.
        let e = failure(check_short_section(|cache, id, _| {
            let _held = cache.lock().unwrap();
            let again = cache.lock().unwrap();
            again.get(&id).cloned().unwrap_or_default()
        }));
        assert!(e.contains("did not return"), "{e}");
    }

    /// `BuildHasher::hash_one` with a fixed (default) hasher.
    fn hash_one(key: &str, shards: usize) -> usize {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        hash as usize % shards
    }

    /// A hash of one's own: FNV-1a over the bytes.
    fn fnv(key: &str, shards: usize) -> usize {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        (h % shards as u64) as usize
    }

    /// `or_insert(0)` on the guard, the shard picked with `get`.
    fn add_or_insert(shards: &Shards, key: &str) {
        let shard = shards.get(hash_one(key, shards.len())).unwrap();
        let mut counts = shard.lock().unwrap();
        *counts.entry(key.to_string()).or_insert(0) += 1;
    }

    /// `get_mut`, else `insert`, under one guard.
    fn add_get_mut(shards: &Shards, key: &str) {
        let mut counts = shards[fnv(key, shards.len())].lock().unwrap();
        match counts.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                counts.insert(key.to_owned(), 1);
            }
        }
    }

    #[test]
    fn shards_valid_answers_pass_every_run() {
        type ShardFor = fn(&str, usize) -> usize;
        type Add = fn(&Shards, &str);
        let answers: [(&str, ShardFor, Add); 3] = [
            ("hash_one, or_insert", hash_one, add_or_insert),
            ("fnv, get_mut", fnv, add_get_mut),
            ("DefaultHasher, or_insert", hashed, add_or_insert),
        ];
        for _ in 0..20 {
            for (name, shard_for, add) in answers {
                let verdict = check_shards(shard_for, add);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }

    /// The guard dropped by hand; `insert` after the render.
    fn describe_drop(
        cache: &Mutex<HashMap<u64, String>>,
        id: u64,
        render: &dyn Fn(u64) -> String,
    ) -> String {
        let map = cache.lock().unwrap();
        if let Some(hit) = map.get(&id) {
            return hit.clone();
        }
        drop(map);
        let text = render(id);
        cache.lock().unwrap().insert(id, text.clone());
        text
    }

    /// `cloned()` out of the lookup, then `or_insert_with`.
    fn describe_or_insert_with(
        cache: &Mutex<HashMap<u64, String>>,
        id: u64,
        render: &dyn Fn(u64) -> String,
    ) -> String {
        let cached = cache.lock().unwrap().get(&id).cloned();
        match cached {
            Some(text) => text,
            None => {
                let text = render(id);
                let mut map = cache.lock().unwrap();
                map.entry(id).or_insert_with(|| text).clone()
            }
        }
    }

    /// Helpers that lock: one to look up, one to store.
    fn describe_helpers(
        cache: &Mutex<HashMap<u64, String>>,
        id: u64,
        render: &dyn Fn(u64) -> String,
    ) -> String {
        fn lookup(
            cache: &Mutex<HashMap<u64, String>>,
            id: u64,
        ) -> Option<String> {
            cache.lock().unwrap().get(&id).cloned()
        }
        fn store(cache: &Mutex<HashMap<u64, String>>, id: u64, text: &str) {
            cache.lock().unwrap().insert(id, text.to_owned());
        }
        if let Some(text) = lookup(cache, id) {
            return text;
        }
        let text = render(id);
        store(cache, id, &text);
        text
    }

    #[test]
    fn short_section_valid_answers_pass_every_run() {
        let answers: [(&str, Describe); 3] = [
            ("drop", describe_drop),
            ("or_insert_with", describe_or_insert_with),
            ("helpers", describe_helpers),
        ];
        for _ in 0..20 {
            for (name, answer) in answers {
                let verdict = check_short_section(answer);
                assert!(verdict.is_ok(), "{name}: {verdict:?}");
            }
        }
    }
}
