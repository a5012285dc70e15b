//! What the book's tests share: where the book is, reading its files, and a
//! scratch folder. Running programs with a time limit is the harness's
//! (`book_harness::console::{run_bounded, run_example}`).

use std::path::{Path, PathBuf};

/// The repository root: the book (`book.toml`, `src/`) and the learner's
/// package (`examples/`). This package is its `tests/` folder.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
}

/// A file of the repository, by its path from the root (`src/threads.md`),
/// or any absolute path.
pub fn read(path: impl AsRef<Path>) -> String {
    let full = root().join(path);
    std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

/// A fresh, empty scratch folder for one test, unique to this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("book-tests-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Call `run` `runs` times at once, one thread each, and return what each
/// call returned, numbered from 1. For the "on every run" checks of demos
/// that wait on a watchdog rather than compute (a hang is detected after a
/// second of waiting): twenty runs take about as long as one.
pub fn at_once<T: Send>(
    runs: usize,
    run: impl Fn() -> T + Sync,
) -> Vec<(usize, T)> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (1..=runs).map(|n| (n, s.spawn(&run))).collect();
        handles
            .into_iter()
            .map(|(n, h)| (n, h.join().expect("a run panicked")))
            .collect()
    })
}

/// The code blocks of a chapter (`src/deadlocks.md`), found as the book's
/// block tests find them (the harness's pulldown-cmark reader): a test that
/// compares a shown output never scans markdown by hand.
pub fn blocks(file: &str) -> Vec<book_harness::markdown::Block> {
    book_harness::markdown::blocks(root(), file)
        .unwrap_or_else(|e| panic!("cannot read the blocks of {file}: {e}"))
}

/// The one block of `file` in language `lang` whose code starts with
/// `start`.
pub fn block_starting(file: &str, lang: &str, start: &str) -> String {
    let found: Vec<String> = blocks(file)
        .into_iter()
        .filter(|b| b.lang() == lang && b.code.starts_with(start))
        .map(|b| b.code)
        .collect();
    match <[String; 1]>::try_from(found) {
        Ok([code]) => code,
        Err(found) => panic!(
            "{file}: {} `{lang}` blocks start with `{start}`, expected one",
            found.len()
        ),
    }
}

/// Tests that time a program's run against a bound and tests that load the
/// CPU do not run at the same time: libtest runs eight tests at once
/// (`.cargo/config.toml`), and a nested cargo build or a loop of rustc
/// calls beside a "each run in under a second" check would make the run
/// slow, not the program. Timed tests share the gate; CPU-heavy ones take
/// it alone.
static GATE: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Held by a test that asserts how long runs take.
pub fn timed() -> std::sync::RwLockReadGuard<'static, ()> {
    GATE.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Held by a test that keeps the CPU busy: compiling, or many programs at
/// once.
pub fn cpu_heavy() -> std::sync::RwLockWriteGuard<'static, ()> {
    GATE.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
