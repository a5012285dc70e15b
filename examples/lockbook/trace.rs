//! Optional event recording, for the timeline pictures of the book
//! (`cargo xtask draw-timelines` draws them as src/images/timeline-*.svg).
//!
//! Off unless the environment variable `LOCKBOOK_TRACE` names a file: then
//! each event is written to that file as one tab-separated line
//! `nanos thread kind object value place` (`-` for no value), the time in
//! nanoseconds since the first event (lines are not sorted by it). Every
//! line is written at once, so a program that ends with `process::exit`
//! (a watchdog) keeps its trace. Without the variable an event costs one
//! check and writes nothing, and the program prints exactly what it prints
//! without this module.
//!
//! ```sh
//! LOCKBOOK_TRACE=/tmp/t.tsv cargo run --example lost_update -- \
//!     --threads 2 --updates 3
//! ```

use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// The environment variable that turns recording on.
pub const VAR: &str = "LOCKBOOK_TRACE";

/// The first line of every trace file.
pub const HEADER: &str =
    "# lockbook trace 1: nanos thread kind object value place";

struct Recorder {
    start: Instant,
    file: Mutex<File>,
}

fn recorder() -> Option<&'static Recorder> {
    static RECORDER: OnceLock<Option<Recorder>> = OnceLock::new();
    RECORDER
        .get_or_init(|| {
            let path = std::env::var_os(VAR)?;
            let mut file = File::create(&path).unwrap_or_else(|e| {
                eprintln!("error: cannot write the trace file {path:?}: {e}");
                std::process::exit(2)
            });
            writeln!(file, "{HEADER}").expect("write the trace header");
            Some(Recorder {
                start: Instant::now(),
                file: Mutex::new(file),
            })
        })
        .as_ref()
}

/// Whether events are being recorded.
pub fn enabled() -> bool {
    recorder().is_some()
}

/// The name of this thread, or its id (`ThreadId(2)`) if it has none.
fn thread_name() -> String {
    let me = thread::current();
    match me.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", me.id()),
    }
}

/// Record one event of this thread (nothing unless recording is on).
pub fn event(kind: &str, object: &str, value: Option<u64>, place: &str) {
    let Some(rec) = recorder() else { return };
    // The time first, as close to the step as can be; writing the line can
    // wait for another thread's line, so lines may be out of time order.
    let nanos = rec.start.elapsed().as_nanos();
    let thread = thread_name();
    let value = value.map_or_else(|| "-".to_owned(), |v| v.to_string());
    let mut file = rec.file.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(
        file,
        "{nanos}\t{thread}\t{kind}\t{object}\t{value}\t{place}"
    );
}

/// This thread read `value` from `object`.
pub fn read(object: &str, value: u64) {
    event("read", object, Some(value), "-");
}

/// This thread wrote `value` to `object`.
pub fn write(object: &str, value: u64) {
    event("write", object, Some(value), "-");
}

/// This thread calls `lock()` on `lock`, in function `place`.
pub fn lock_request(lock: &str, place: &str) {
    event("request", lock, None, place);
}

/// `lock()` on `lock` returned: this thread holds it.
pub fn lock_acquired(lock: &str, place: &str) {
    event("acquired", lock, None, place);
}

/// This thread releases `lock` (drops its guard).
pub fn lock_released(lock: &str, place: &str) {
    event("released", lock, None, place);
}

/// A watchdog starts waiting `limit` for thread `watched`.
pub fn watchdog(watched: &str, limit: Duration) {
    let millis = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
    event("watchdog", watched, Some(millis), "-");
}
