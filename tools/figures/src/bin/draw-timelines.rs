//! Draws a timeline picture (SVG) of one traced run of a book example: a
//! lane per thread, what it did and when, which locks it held (solid bars)
//! and waited for (dashed bars).
//!
//!     cargo run -p book-harness --bin draw-timelines -- KIND TRACE CONSOLE SVG
//!
//! KIND is `lost-update`, `hang` or `deadlock`; TRACE is the file the
//! example wrote with `LOCKBOOK_TRACE=TRACE` (examples/lockbook/trace.rs);
//! CONSOLE is what the same run printed (the picture quotes it, and a hang
//! picture takes the watchdog's wait from it). tools/draw-timelines runs the
//! examples and this. Exit code 0: drawn; 1: bad input; 4: the run does not
//! show what the picture is for (no lost update, no hang, or a trace whose
//! times disagree with its values): run the example again. No
//! dependencies: the SVG is written by hand.

use std::fmt::Write as _;
use std::path::Path;

/// Exit code for "this run does not show it; run again".
const NOT_SHOWN: i32 = 4;

/// Picture width; lane labels take the left part.
const WIDTH: f64 = 820.0;
const LABEL_W: f64 = 150.0;
const RIGHT: f64 = 40.0;
/// Extra room for a cut in the time axis (a long wait).
const BREAK_W: f64 = 170.0;
/// A gap between two events longer than this is cut (nanoseconds).
const LONG_GAP_NS: u64 = 20_000_000;

const HELD_FILL: &str = "#9ecae1";
const HELD_STROKE: &str = "#0b5394";
const WAIT_STROKE: &str = "#7a4b00";
const LOST: &str = "#c0392b";
const LOST_FILL: &str = "#f5c6c0";
const MUTED: &str = "dimgray";

#[derive(Debug, Clone, PartialEq)]
struct Event {
    ns: u64,
    thread: String,
    kind: String,
    object: String,
    value: Option<u64>,
    place: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, trace, console, svg] = &args[..] else {
        eprintln!(
            "usage: draw-timelines lost-update|hang|deadlock TRACE CONSOLE SVG"
        );
        std::process::exit(1)
    };
    let result = read(trace).and_then(|trace| {
        let console = std::fs::read_to_string(console)
            .map_err(|e| Failure::Bad(format!("cannot read {console}: {e}")))?;
        let events = parse(&trace).map_err(Failure::Bad)?;
        match kind.as_str() {
            "lost-update" => lost_update(&events, &console),
            "hang" => locks(Picture::Hang, &events, &console),
            "deadlock" => locks(Picture::Deadlock, &events, &console),
            other => {
                Err(Failure::Bad(format!("unknown picture kind `{other}`")))
            }
        }
    });
    match result {
        Ok(text) => {
            if let Some(dir) = Path::new(svg).parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Err(e) = std::fs::write(svg, text) {
                eprintln!("error: cannot write {svg}: {e}");
                std::process::exit(1)
            }
            println!("wrote {svg}");
        }
        Err(Failure::Bad(why)) => {
            eprintln!("error: {why}");
            std::process::exit(1)
        }
        Err(Failure::NotShown(why)) => {
            eprintln!("not shown: {why}");
            std::process::exit(NOT_SHOWN)
        }
    }
}

#[derive(Debug)]
enum Failure {
    /// The input is wrong: fix it.
    Bad(String),
    /// The run does not show what the picture is for: run again.
    NotShown(String),
}

fn read(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Bad(format!("cannot read {path}: {e}")))
}

/// The trace's events, sorted by time (the file is not).
fn parse(text: &str) -> Result<Vec<Event>, String> {
    let mut events = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("trace line {}: `{line}`", n + 1);
        if f.len() != 6 {
            return Err(bad());
        }
        events.push(Event {
            ns: f[0].parse().map_err(|_| bad())?,
            thread: f[1].to_owned(),
            kind: f[2].to_owned(),
            object: f[3].to_owned(),
            value: match f[4] {
                "-" => None,
                v => Some(v.parse().map_err(|_| bad())?),
            },
            place: f[5].to_owned(),
        });
    }
    if events.is_empty() {
        return Err("the trace has no events".into());
    }
    events.sort_by_key(|e| e.ns);
    Ok(events)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// "12 µs" below a millisecond, else "3.4 ms" or "1.0 s".
fn time(ns: u64) -> String {
    if ns < 1_000_000 {
        format!("{} µs", ns / 1000)
    } else if ns < 1_000_000_000 {
        format!("{:.1} ms", ns as f64 / 1e6)
    } else {
        format!("{:.1} s", ns as f64 / 1e9)
    }
}

/// The lane name of a thread: its name, or `thread N` for an unnamed one
/// (`ThreadId(N)` in the trace), numbered from 1 in the order of N.
fn lane_names(events: &[Event]) -> Vec<(String, String)> {
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
    let mut lanes: Vec<(String, String)> = threads
        .iter()
        .map(|t| match id(t) {
            Some(n) => {
                let k = unnamed.iter().position(|&u| u == n).unwrap() + 1;
                (t.clone(), format!("thread {k}"))
            }
            None if t == "main" => (t.clone(), "main (watchdog)".to_owned()),
            None => (t.clone(), t.clone()),
        })
        .collect();
    // Unnamed threads in number order, `main` last.
    lanes.sort_by_key(|(t, _)| (t == "main", id(t), t.clone()));
    lanes
}

/// x of each time (sorted), one column each, with a cut before a long gap.
/// Returns the x positions and where the cuts are (x of the cut's middle).
fn columns(times: &[u64], left: f64, right: f64) -> (Vec<f64>, Vec<f64>) {
    let n = times.len();
    let cuts: Vec<usize> = (1..n)
        .filter(|&i| times[i] - times[i - 1] > LONG_GAP_NS)
        .collect();
    let room = right - left - BREAK_W * cuts.len() as f64;
    let step = if n > 1 { room / (n - 1) as f64 } else { 0.0 };
    let mut xs = Vec::with_capacity(n);
    let mut x = left;
    for i in 0..n {
        if i > 0 {
            x += step;
            if cuts.contains(&i) {
                x += BREAK_W;
            }
        }
        xs.push(x);
    }
    let marks = cuts.iter().map(|&i| (xs[i - 1] + xs[i]) / 2.0).collect();
    (xs, marks)
}

/// The start of an SVG with its title, description and a white background
/// (the picture is an <img>: it cannot follow the page's theme, so it
/// brings its own background and dark text, readable on every theme).
fn header(height: f64, title: &str, desc: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13" role="img" aria-labelledby="title desc">"#
    );
    let _ = writeln!(s, r#"  <title id="title">{}</title>"#, escape(title));
    let _ = writeln!(s, r#"  <desc id="desc">{}</desc>"#, escape(desc));
    let _ = writeln!(
        s,
        r##"  <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{LOST}"/></marker></defs>"##
    );
    let _ = writeln!(
        s,
        r#"  <rect width="100%" height="100%" fill="white" stroke="lightgray"/>"#
    );
    s
}

fn text(s: &mut String, x: f64, y: f64, anchor: &str, extra: &str, t: &str) {
    let _ = writeln!(
        s,
        r#"  <text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}"{extra}>{}</text>"#,
        escape(t)
    );
}

/// The time axis: a tick and a time under each column, a zigzag at a cut.
fn axis(s: &mut String, xs: &[f64], times: &[u64], cuts: &[f64], y: f64) {
    let _ = writeln!(
        s,
        r#"  <line x1="{:.1}" y1="{y}" x2="{:.1}" y2="{y}" stroke="{MUTED}"/>"#,
        xs[0] - 10.0,
        xs[xs.len() - 1] + 10.0
    );
    for (x, &t) in xs.iter().zip(times) {
        let _ = writeln!(
            s,
            r#"  <line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="{MUTED}"/>"#,
            y - 4.0,
            y + 4.0
        );
        text(s, *x, y + 18.0, "middle", r#" font-size="11""#, &time(t));
    }
    for &c in cuts {
        let _ = writeln!(
            s,
            r#"  <path d="M{:.1},{:.1} l6,-12 M{:.1},{:.1} l6,-12" stroke="{MUTED}" stroke-width="1.5"/>"#,
            c - 7.0,
            y + 6.0,
            c + 1.0,
            y + 6.0
        );
        text(
            s,
            c,
            y - 8.0,
            "middle",
            r#" font-size="11" fill="dimgray""#,
            "time cut",
        );
    }
    text(
        s,
        10.0,
        y + 18.0,
        "start",
        r#" font-size="11" fill="dimgray""#,
        "time since first event",
    );
}

/// One number from the console, after `label`.
fn console_number(console: &str, label: &str) -> Option<u64> {
    console
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| rest.trim().parse().ok())
}

/// One update of the lost-update demo: a thread's read and its write.
struct Update {
    lane: usize,
    read: usize,
    write: usize,
    read_value: u64,
    write_value: u64,
    /// The update whose write its read saw (None: the initial 0).
    based_on: Option<usize>,
    /// Its +5 is not in the final total: no later update built on it.
    lost: bool,
    /// Its write replaced a lost value it had not read.
    overwrites: bool,
}

fn lost_update(events: &[Event], console: &str) -> Result<String, Failure> {
    let lanes = lane_names(events);
    let lane_of = |t: &str| lanes.iter().position(|(n, _)| n == t).unwrap();
    // Pair each write with its thread's read; check that every read saw the
    // last write before it in time, or the times cannot be trusted.
    let mut updates: Vec<Update> = Vec::new();
    let mut open: Vec<Option<(usize, u64, Option<usize>)>> =
        vec![None; lanes.len()];
    let mut current = 0;
    let mut last_write: Option<usize> = None; // index into updates
    for (i, e) in events.iter().enumerate() {
        let lane = lane_of(&e.thread);
        let value = e.value.ok_or_else(|| {
            Failure::Bad(format!("event {} has no value", i + 1))
        })?;
        match e.kind.as_str() {
            "read" => {
                if value != current {
                    return Err(Failure::NotShown(format!(
                        "{} read {value} at {}, but the last write before \
                         it wrote {current}: recorded times out of order",
                        lanes[lane].1,
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
    // The final total is the last write, built on the write its read saw,
    // and so on back to 0: those updates count, every other one is lost.
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
        return Err(Failure::NotShown("no update was lost in this run".into()));
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

    let times: Vec<u64> = events.iter().map(|e| e.ns).collect();
    let (xs, cuts) = columns(&times, LABEL_W + 30.0, WIDTH - RIGHT - 20.0);
    let lane_h = 74.0;
    let top = 96.0;
    let lane_y = |k: usize| top + k as f64 * lane_h; // top of lane k
    let total_y = lane_y(lanes.len());
    let axis_y = total_y + 62.0;
    let height = axis_y + 80.0;

    let threads = lanes.len();
    let per_thread = updates.len() / threads.max(1);
    let title = format!(
        "Lost update: {threads} threads, {} updates of +5 each, \
         in a real run of lost_update",
        per_thread
    );
    let mut desc = format!(
        "The program printed: expected total {expected}, actual total \
         {actual}, lost updates {lost}. In time order: "
    );
    for (i, e) in events.iter().enumerate() {
        let who = &lanes[lane_of(&e.thread)].1;
        let what = if e.kind == "read" { "reads" } else { "writes" };
        let mut line = format!("{who} {what} {}", e.value.unwrap_or(0));
        if let Some(u) = updates.iter().find(|u| u.write == i) {
            if u.overwrites {
                line += &format!(
                    " over a value it did not read (it read {})",
                    u.read_value
                );
            }
            if u.lost {
                line += " (this update is lost)";
            }
        }
        desc += &line;
        desc += if i + 1 < events.len() { "; " } else { "." };
    }
    let mut s = header(height, &title, &desc);
    text(
        &mut s,
        10.0,
        24.0,
        "start",
        r#" font-size="16" font-weight="bold""#,
        &title,
    );
    text(
        &mut s,
        10.0,
        46.0,
        "start",
        "",
        &format!(
            "It printed: expected total {expected}, actual total {actual}: \
             {lost} update{} lost.",
            if lost == 1 { "" } else { "s" }
        ),
    );
    text(
        &mut s,
        10.0,
        66.0,
        "start",
        r#" fill="dimgray""#,
        "Each bar is one update: read the total, let the other thread run, \
         write back what was read + 5.",
    );

    for (k, (_, name)) in lanes.iter().enumerate() {
        let y = lane_y(k);
        if k > 0 {
            let _ = writeln!(
                s,
                r##"  <line x1="10" y1="{y}" x2="{}" y2="{y}" stroke="gainsboro"/>"##,
                WIDTH - 10.0
            );
        }
        text(
            &mut s,
            10.0,
            y + 44.0,
            "start",
            r#" font-weight="bold""#,
            name,
        );
    }
    for u in &updates {
        let y = lane_y(u.lane) + 30.0;
        let (x1, x2) = (xs[u.read], xs[u.write]);
        let (fill, stroke) = if u.lost {
            (LOST_FILL, LOST)
        } else {
            ("#e3e3e3", "#444444")
        };
        let class = if u.lost { "update lost" } else { "update" };
        let _ = writeln!(
            s,
            r#"  <g class="{class}" data-lane="{}" data-read="{}" data-write="{}">"#,
            escape(&lanes[u.lane].1),
            u.read_value,
            u.write_value
        );
        let _ = writeln!(
            s,
            r#"    <rect x="{x1:.1}" y="{y}" width="{:.1}" height="16" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="{}"/>"#,
            (x2 - x1).max(2.0),
            if u.lost { 2 } else { 1 }
        );
        let _ = writeln!(s, "  </g>");
        // `read` above the bar's start, `write` below its end.
        text(
            &mut s,
            x1 - 4.0,
            y - 6.0,
            "start",
            "",
            &format!("read {}", u.read_value),
        );
        let extra = if u.lost {
            format!(r#" fill="{LOST}" font-weight="bold""#)
        } else {
            String::new()
        };
        let lost_mark = if u.lost { ", lost" } else { "" };
        text(
            &mut s,
            x2 + 4.0,
            y + 31.0,
            "end",
            &extra,
            &format!("write {}{lost_mark}", u.write_value),
        );
    }

    // The total: its value after each write; a lost value struck through,
    // with an arrow to the write that replaced it without reading it.
    let y = total_y;
    let _ = writeln!(
        s,
        r##"  <line x1="10" y1="{y}" x2="{}" y2="{y}" stroke="gainsboro"/>"##,
        WIDTH - 10.0
    );
    text(
        &mut s,
        10.0,
        y + 34.0,
        "start",
        r#" font-weight="bold""#,
        "total",
    );
    text(&mut s, xs[0] - 22.0, y + 34.0, "end", "", "0");
    for (n, u) in updates.iter().enumerate() {
        let x = xs[u.write];
        let cls = if u.lost { "value lost" } else { "value" };
        let (fill, stroke) = if u.lost {
            (LOST_FILL, LOST)
        } else {
            ("white", "#444444")
        };
        let _ = writeln!(
            s,
            r#"  <rect class="{cls}" x="{:.1}" y="{}" width="34" height="20" rx="3" fill="{fill}" stroke="{stroke}"/>"#,
            x - 17.0,
            y + 20.0
        );
        text(
            &mut s,
            x,
            y + 34.0,
            "middle",
            "",
            &u.write_value.to_string(),
        );
        if u.lost {
            let _ = writeln!(
                s,
                r#"  <line x1="{:.1}" y1="{}" x2="{:.1}" y2="{}" stroke="{LOST}" stroke-width="2"/>"#,
                x - 14.0,
                y + 36.0,
                x + 14.0,
                y + 24.0
            );
            if let Some(next) = updates.get(n + 1).filter(|n| n.overwrites) {
                let nx = xs[next.write];
                let _ = writeln!(
                    s,
                    r#"  <path class="overwrite" d="M{:.1},{} C{:.1},{} {:.1},{} {:.1},{}" fill="none" stroke="{LOST}" stroke-width="1.5" marker-end="url(#arrow)"/>"#,
                    x + 6.0,
                    y + 42.0,
                    x + 10.0,
                    y + 56.0,
                    nx - 10.0,
                    y + 56.0,
                    nx - 4.0,
                    y + 42.0
                );
            }
        }
    }
    axis(&mut s, &xs, &times, &cuts, axis_y);
    text(
        &mut s,
        10.0,
        height - 14.0,
        "start",
        r#" font-size="12" fill="dimgray""#,
        &format!(
            "Red: a lost update ({lost} here), its +5 is not in the final \
             total. Arrow: a write replaces a value it never read."
        ),
    );
    s.push_str("</svg>\n");
    Ok(s)
}

#[derive(Clone, Copy, PartialEq)]
enum Picture {
    Hang,
    Deadlock,
}

/// A bar in a lane: a lock held (solid) or waited for (dashed), from one
/// column to another.
struct Bar {
    lane: usize,
    held: bool,
    lock: String,
    place: String,
    from: usize,
    to: usize,
    row: usize,
}

fn locks(
    picture: Picture,
    events: &[Event],
    console: &str,
) -> Result<String, Failure> {
    // When the watchdog gave up: its start plus the wait it printed.
    let dog =
        events
            .iter()
            .find(|e| e.kind == "watchdog")
            .ok_or_else(|| {
                Failure::Bad("the trace has no watchdog event".into())
            })?;
    let report = console
        .lines()
        .find(|l| l.starts_with("hang detected:"))
        .ok_or_else(|| {
            Failure::NotShown("the program did not report a hang".into())
        })?;
    let waited: f64 = report
        .rsplit_once("after ")
        .and_then(|(_, r)| r.strip_suffix(" s"))
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| {
            Failure::Bad(format!("cannot read the wait in `{report}`"))
        })?;
    let fired = dog.ns + (waited * 1e9) as u64;
    let events: Vec<&Event> = events.iter().collect();
    let lanes =
        lane_names(&events.iter().map(|e| (*e).clone()).collect::<Vec<_>>());
    let lane_of = |t: &str| lanes.iter().position(|(n, _)| n == t).unwrap();
    let mut times: Vec<u64> = events.iter().map(|e| e.ns).collect();
    times.push(fired);
    let end = times.len() - 1;

    // Bars: a request opens a wait; its acquire closes it and opens a hold.
    let mut bars: Vec<Bar> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let lane = lane_of(&e.thread);
        match e.kind.as_str() {
            "request" => bars.push(Bar {
                lane,
                held: false,
                lock: e.object.clone(),
                place: e.place.clone(),
                from: i,
                to: end,
                row: 0,
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
                    row: 0,
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
    // Rows in a lane: a bar goes to the first row free from its start.
    for b in 0..bars.len() {
        let mut row = 0;
        while bars[..b].iter().any(|o| {
            o.lane == bars[b].lane && o.row == row && o.to > bars[b].from
        }) {
            row += 1;
        }
        bars[b].row = row;
    }
    let rows: Vec<usize> = (0..lanes.len())
        .map(|k| {
            bars.iter()
                .filter(|b| b.lane == k)
                .map(|b| b.row + 1)
                .max()
                .unwrap_or(1)
        })
        .collect();

    let (xs, cuts) = columns(&times, LABEL_W + 30.0, WIDTH - RIGHT - 60.0);
    let row_h = 46.0;
    let top = 92.0;
    let mut lane_top = Vec::new();
    let mut y = top;
    for r in &rows {
        lane_top.push(y);
        y += *r as f64 * row_h + 22.0;
    }
    let axis_y = y + 18.0;
    let height = axis_y + 84.0;
    let bar_y = |b: &Bar| lane_top[b.lane] + 26.0 + b.row as f64 * row_h;

    let program = match picture {
        Picture::Hang => "transfer_outer_lock",
        Picture::Deadlock => "deadlock_two_accounts",
    };
    let title = match picture {
        Picture::Hang => format!(
            "A thread waits for a lock it holds itself: a real run of {program}"
        ),
        Picture::Deadlock => {
            format!("Two threads, two locks, a cycle: a real run of {program}")
        }
    };
    let mut desc = String::new();
    for b in &bars {
        let who = &lanes[b.lane].1;
        let _ = write!(
            desc,
            "{who} {} {} (lock() in {}) from {} {}; ",
            if b.held { "holds" } else { "waits for" },
            b.lock,
            b.place,
            time(times[b.from]),
            if b.to == end {
                "to the end".to_owned()
            } else {
                format!("to {}", time(times[b.to]))
            }
        );
    }
    let _ = write!(
        desc,
        "the watchdog in main reports the hang after {waited:.1} s and ends \
         the program with exit code 3."
    );
    let mut s = header(height, &title, &desc);
    text(
        &mut s,
        10.0,
        24.0,
        "start",
        r#" font-size="16" font-weight="bold""#,
        &title,
    );
    let sub = match picture {
        Picture::Hang => {
            "transfer() holds `bank`; withdraw() asks for `bank` \
                          again and waits for itself, forever."
        }
        Picture::Deadlock => {
            "Each thread holds one account's lock and waits \
                              for the other's: neither can go on."
        }
    };
    text(&mut s, 10.0, 46.0, "start", "", sub);
    text(
        &mut s,
        10.0,
        66.0,
        "start",
        r#" fill="dimgray""#,
        "Solid bar: holds the lock. Dashed bar: waits in lock(). \
         Times are from the run; the long wait is cut.",
    );

    for (k, (_, name)) in lanes.iter().enumerate() {
        let y = lane_top[k];
        if k > 0 {
            let _ = writeln!(
                s,
                r##"  <line x1="10" y1="{}" x2="{}" y2="{}" stroke="gainsboro"/>"##,
                y - 8.0,
                WIDTH - 10.0,
                y - 8.0
            );
        }
        text(
            &mut s,
            10.0,
            y + 38.0,
            "start",
            r#" font-weight="bold""#,
            name,
        );
    }
    for b in &bars {
        let y = bar_y(b);
        let (x1, x2) = (xs[b.from], xs[b.to]);
        let (class, style) = if b.held {
            (
                "held",
                format!(
                    r#"fill="{HELD_FILL}" stroke="{HELD_STROKE}" stroke-width="1.5""#
                ),
            )
        } else {
            (
                "wait",
                format!(
                    r#"fill="white" stroke="{WAIT_STROKE}" stroke-width="2" stroke-dasharray="6 4""#
                ),
            )
        };
        let forever = b.to == end;
        let _ = writeln!(
            s,
            r#"  <g class="{class}" data-lane="{}" data-lock="{}" data-forever="{forever}">"#,
            escape(&lanes[b.lane].1),
            escape(&b.lock)
        );
        let _ = writeln!(
            s,
            r#"    <rect x="{x1:.1}" y="{y}" width="{:.1}" height="18" rx="3" {style}/>"#,
            (x2 - x1).max(3.0)
        );
        let _ = writeln!(s, "  </g>");
        // Label long bars inside, short ones above their start.
        let label = if b.held {
            match picture {
                Picture::Hang => {
                    format!("holds {} (locked in {}())", b.lock, b.place)
                }
                Picture::Deadlock => format!("holds {}", b.lock),
            }
        } else if forever {
            match picture {
                Picture::Hang => {
                    format!("waits for {} in {}(), forever", b.lock, b.place)
                }
                Picture::Deadlock => format!("waits for {}", b.lock),
            }
        } else {
            format!("lock({}) in {}()", b.lock, b.place)
        };
        if x2 - x1 > 200.0 {
            let color = if b.held { HELD_STROKE } else { WAIT_STROKE };
            text(
                &mut s,
                x1 + 8.0,
                y + 13.5,
                "start",
                &format!(r#" fill="{color}" font-weight="bold""#),
                &label,
            );
        } else {
            text(&mut s, x1, y - 5.0, "start", r#" font-size="12""#, &label);
        }
    }
    // The watchdog: main waits from its start to when it reports.
    let dog_lane = lane_of(&dog.thread);
    let dog_i = events.iter().position(|e| e.kind == "watchdog").unwrap();
    let y = lane_top[dog_lane] + 26.0;
    let _ = writeln!(
        s,
        r#"  <line class="watchdog" x1="{:.1}" y1="{}" x2="{:.1}" y2="{}" stroke="{MUTED}" stroke-width="2" stroke-dasharray="2 4"/>"#,
        xs[dog_i],
        y + 9.0,
        xs[end],
        y + 9.0
    );
    text(
        &mut s,
        xs[dog_i] + 4.0,
        y - 4.0,
        "start",
        r#" font-size="12" fill="dimgray""#,
        &format!(
            "watchdog waits up to {:.0} s for `{}`",
            dog.value.unwrap_or(0) as f64 / 1000.0,
            dog.object
        ),
    );
    // The end: a line through all lanes where the watchdog stopped it.
    let x = xs[end];
    let _ = writeln!(
        s,
        r#"  <line class="end" x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="{LOST}" stroke-width="2"/>"#,
        top - 8.0,
        axis_y - 6.0
    );
    text(
        &mut s,
        x - 4.0,
        lane_top[dog_lane] + 50.0,
        "end",
        &format!(r#" font-size="12" fill="{LOST}" font-weight="bold""#),
        &format!("hang detected after {waited:.1} s: exit code 3"),
    );
    // A deadlock's cycle: from each forever-wait to the bar that holds its
    // lock in another lane.
    if picture == Picture::Deadlock {
        let mut arrows = 0;
        for &w in &stuck {
            let wait = &bars[w];
            let Some(holder) = bars.iter().find(|h| {
                h.held
                    && h.to == end
                    && h.lock == wait.lock
                    && h.lane != wait.lane
            }) else {
                continue;
            };
            arrows += 1;
            // A curve right of the bars' ends, from the wait to the hold.
            let x = xs[end];
            let (y1, y2) = (bar_y(wait) + 9.0, bar_y(holder) + 9.0);
            let bulge = x + 28.0 * arrows as f64;
            let _ = writeln!(
                s,
                r#"  <path class="cycle" d="M{:.1},{y1} C{bulge:.1},{y1} {bulge:.1},{y2} {:.1},{y2}" fill="none" stroke="{LOST}" stroke-width="2" marker-end="url(#arrow)"/>"#,
                x + 2.0,
                x + 3.0
            );
        }
        if arrows < 2 {
            return Err(Failure::NotShown("no wait cycle in this run".into()));
        }
        text(
            &mut s,
            10.0,
            axis_y + 48.0,
            "start",
            &format!(r#" font-size="12" fill="{LOST}""#),
            "Red arrows: from each wait to the thread that holds that lock. \
             They form a cycle: a deadlock.",
        );
    } else {
        text(
            &mut s,
            10.0,
            axis_y + 48.0,
            "start",
            r#" font-size="12" fill="dimgray""#,
            "The same thread holds `bank` and waits for it: std's Mutex \
             records no owner, so lock() cannot tell, and never returns.",
        );
    }
    axis(&mut s, &xs, &times, &cuts, axis_y);
    s.push_str("</svg>\n");
    Ok(s)
}
