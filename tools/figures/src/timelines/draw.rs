//! The SVG of a laid-out run, written with the shared writer.

use super::layout::{Columns, LocksLayout, LostUpdateLayout, WIDTH};
use super::model::{Locks, LostUpdates};
use super::{Picture, time};
use crate::svg::{Document, Element, fixed};

const HELD_FILL: &str = "#9ecae1";
const HELD_STROKE: &str = "#0b5394";
const WAIT_STROKE: &str = "#7a4b00";
const LOST: &str = "#c0392b";
const LOST_FILL: &str = "#f5c6c0";
const MUTED: &str = "dimgray";

/// The start of a picture: its title and description for screen readers,
/// the arrow head, and a white background (the picture is an <img>: it
/// cannot follow the page's theme, so it brings its own background and
/// dark text, readable on every theme).
fn header(height: f64, title: &str, desc: &str) -> Document {
    let arrow = Element::new("marker")
        .attrs([
            ("id", "arrow"),
            ("viewBox", "0 0 10 10"),
            ("refX", "9"),
            ("refY", "5"),
            ("markerWidth", "7"),
            ("markerHeight", "7"),
            ("orient", "auto-start-reverse"),
        ])
        .child(
            Element::new("path")
                .attr("d", "M0,0 L10,5 L0,10 z")
                .attr("fill", LOST),
        );
    Document::new(WIDTH, height)
        .labelled(title, desc)
        .push(Element::new("defs").child(arrow))
        .push(Element::new("rect").attrs([
            ("width", "100%"),
            ("height", "100%"),
            ("fill", "white"),
            ("stroke", "lightgray"),
        ]))
}

/// A line of text at (x, y), anchored at its `anchor` (start, middle,
/// end), with more attributes after the anchor.
fn text(
    x: f64,
    y: f64,
    anchor: &str,
    extra: &[(&'static str, &str)],
    t: &str,
) -> Element {
    Element::new("text")
        .attr("x", fixed(x, 1))
        .attr("y", fixed(y, 1))
        .attr("text-anchor", anchor)
        .attrs(extra.iter().copied())
        .text(t)
}

/// A horizontal line across the picture between two lanes.
fn divider(y: f64) -> Element {
    Element::new("line")
        .attr("x1", 10)
        .attr("y1", y)
        .attr("x2", WIDTH - 10.0)
        .attr("y2", y)
        .attr("stroke", "gainsboro")
}

/// The time axis: a tick and a time under each column, a zigzag at a cut.
fn axis(doc: &mut Document, columns: &Columns, times: &[u64], y: f64) {
    let xs = &columns.xs;
    doc.add(
        Element::new("line")
            .attr("x1", fixed(xs[0] - 10.0, 1))
            .attr("y1", y)
            .attr("x2", fixed(xs[xs.len() - 1] + 10.0, 1))
            .attr("y2", y)
            .attr("stroke", MUTED),
    );
    let small = [("font-size", "11")];
    let small_muted = [("font-size", "11"), ("fill", "dimgray")];
    for (&x, &t) in xs.iter().zip(times) {
        doc.add(
            Element::new("line")
                .attr("x1", fixed(x, 1))
                .attr("y1", y - 4.0)
                .attr("x2", fixed(x, 1))
                .attr("y2", y + 4.0)
                .attr("stroke", MUTED),
        );
        doc.add(text(x, y + 18.0, "middle", &small, &time(t)));
    }
    for &c in &columns.cuts {
        let (left, right, base) =
            (fixed(c - 7.0, 1), fixed(c + 1.0, 1), fixed(y + 6.0, 1));
        doc.add(
            Element::new("path")
                .attr(
                    "d",
                    format!("M{left},{base} l6,-12 M{right},{base} l6,-12"),
                )
                .attr("stroke", MUTED)
                .attr("stroke-width", "1.5"),
        );
        doc.add(text(c, y - 8.0, "middle", &small_muted, "time cut"));
    }
    doc.add(text(
        10.0,
        y + 18.0,
        "start",
        &small_muted,
        "time since first event",
    ));
}

/// The lost update: a bar per update from its read to its write, in its
/// thread's lane; below, the total after each write, the lost values
/// struck through, with an arrow to the write that replaced each.
pub fn lost_update(run: &LostUpdates, layout: &LostUpdateLayout) -> String {
    let LostUpdates {
        events,
        lanes,
        updates,
        lost,
        expected,
        actual,
    } = run;
    let xs = &layout.columns.xs;
    let threads = lanes.len();
    let per_thread = updates.len() / threads.max(1);
    let title = format!(
        "Lost update: {threads} threads, {per_thread} updates of +5 each, \
         in a real run of lost_update"
    );
    let mut desc = format!(
        "The program printed: expected total {expected}, actual total \
         {actual}, lost updates {lost}. In time order: "
    );
    for (i, e) in events.iter().enumerate() {
        let lane = lanes.iter().position(|l| l.thread == e.thread).unwrap();
        let who = &lanes[lane].name;
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
    let bold = [("font-weight", "bold")];
    let mut doc = header(layout.height, &title, &desc)
        .push(text(
            10.0,
            24.0,
            "start",
            &[("font-size", "16"), ("font-weight", "bold")],
            &title,
        ))
        .push(text(
            10.0,
            46.0,
            "start",
            &[],
            &format!(
                "It printed: expected total {expected}, actual total \
                 {actual}: {lost} update{} lost.",
                if *lost == 1 { "" } else { "s" }
            ),
        ))
        .push(text(
            10.0,
            66.0,
            "start",
            &[("fill", "dimgray")],
            "Each bar is one update: read the total, let the other thread \
             run, write back what was read + 5.",
        ));

    for (k, lane) in lanes.iter().enumerate() {
        let y = layout.lane_y[k];
        if k > 0 {
            doc.add(divider(y));
        }
        doc.add(text(10.0, y + 44.0, "start", &bold, &lane.name));
    }
    for u in updates {
        let y = layout.lane_y[u.lane] + 30.0;
        let (x1, x2) = (xs[u.read], xs[u.write]);
        let (fill, stroke) = if u.lost {
            (LOST_FILL, LOST)
        } else {
            ("#e3e3e3", "#444444")
        };
        let class = if u.lost { "update lost" } else { "update" };
        doc.add(
            Element::new("g")
                .attr("class", class)
                .attr("data-lane", &lanes[u.lane].name)
                .attr("data-read", u.read_value)
                .attr("data-write", u.write_value)
                .line(
                    Element::new("rect")
                        .attr("x", fixed(x1, 1))
                        .attr("y", y)
                        .attr("width", fixed((x2 - x1).max(2.0), 1))
                        .attr("height", 16)
                        .attr("rx", 3)
                        .attr("fill", fill)
                        .attr("stroke", stroke)
                        .attr("stroke-width", if u.lost { 2 } else { 1 }),
                ),
        );
        // `read` above the bar's start, `write` below its end.
        let read = format!("read {}", u.read_value);
        doc.add(text(x1 - 4.0, y - 6.0, "start", &[], &read));
        let extra: &[(&str, &str)] = if u.lost {
            &[("fill", LOST), ("font-weight", "bold")]
        } else {
            &[]
        };
        let lost_mark = if u.lost { ", lost" } else { "" };
        let write = format!("write {}{lost_mark}", u.write_value);
        doc.add(text(x2 + 4.0, y + 31.0, "end", extra, &write));
    }

    // The total: its value after each write; a lost value struck through,
    // with an arrow to the write that replaced it without reading it.
    let y = layout.total_y;
    doc.add(divider(y));
    doc.add(text(10.0, y + 34.0, "start", &bold, "total"));
    doc.add(text(xs[0] - 22.0, y + 34.0, "end", &[], "0"));
    for (n, u) in updates.iter().enumerate() {
        let x = xs[u.write];
        let class = if u.lost { "value lost" } else { "value" };
        let (fill, stroke) = if u.lost {
            (LOST_FILL, LOST)
        } else {
            ("white", "#444444")
        };
        doc.add(
            Element::new("rect")
                .attr("class", class)
                .attr("x", fixed(x - 17.0, 1))
                .attr("y", y + 20.0)
                .attr("width", 34)
                .attr("height", 20)
                .attr("rx", 3)
                .attr("fill", fill)
                .attr("stroke", stroke),
        );
        doc.add(text(x, y + 34.0, "middle", &[], &u.write_value.to_string()));
        if !u.lost {
            continue;
        }
        doc.add(
            Element::new("line")
                .attr("x1", fixed(x - 14.0, 1))
                .attr("y1", y + 36.0)
                .attr("x2", fixed(x + 14.0, 1))
                .attr("y2", y + 24.0)
                .attr("stroke", LOST)
                .attr("stroke-width", 2),
        );
        if let Some(next) = updates.get(n + 1).filter(|n| n.overwrites) {
            let nx = xs[next.write];
            let d = format!(
                "M{},{} C{},{} {},{} {},{}",
                fixed(x + 6.0, 1),
                y + 42.0,
                fixed(x + 10.0, 1),
                y + 56.0,
                fixed(nx - 10.0, 1),
                y + 56.0,
                fixed(nx - 4.0, 1),
                y + 42.0
            );
            doc.add(
                Element::new("path")
                    .attr("class", "overwrite")
                    .attr("d", d)
                    .attr("fill", "none")
                    .attr("stroke", LOST)
                    .attr("stroke-width", "1.5")
                    .attr("marker-end", "url(#arrow)"),
            );
        }
    }
    axis(&mut doc, &layout.columns, &run.times(), layout.axis_y);
    doc.add(text(
        10.0,
        layout.height - 14.0,
        "start",
        &[("font-size", "12"), ("fill", "dimgray")],
        &format!(
            "Red: a lost update ({lost} here), its +5 is not in the final \
             total. Arrow: a write replaces a value it never read."
        ),
    ));
    doc.finish()
}

/// A hang or a deadlock: each lock held (solid) or waited for (dashed) as
/// a bar in its thread's lane, the watchdog's wait, the end of the run,
/// and for a deadlock an arrow from each endless wait to the bar that
/// holds its lock.
pub fn locks(run: &Locks, layout: &LocksLayout) -> String {
    let Locks {
        picture,
        lanes,
        times,
        bars,
        cycle,
        dog,
        waited,
        events,
        ..
    } = run;
    let (xs, end) = (&layout.columns.xs, run.end);
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
    for (b, bar) in bars.iter().enumerate() {
        desc += &format!(
            "{} {} {} (lock() in {}) from {} {}; ",
            lanes[bar.lane].name,
            if bar.held { "holds" } else { "waits for" },
            bar.lock,
            bar.place,
            time(times[bar.from]),
            if run.forever(b) {
                "to the end".to_owned()
            } else {
                format!("to {}", time(times[bar.to]))
            }
        );
    }
    desc += &format!(
        "the watchdog in main reports the hang after {waited:.1} s and ends \
         the program with exit code 3."
    );
    let sub = match picture {
        Picture::Hang => {
            "transfer() holds `bank`; withdraw() asks for `bank` again and \
             waits for itself, forever."
        }
        Picture::Deadlock => {
            "Each thread holds one account's lock and waits for the other's: \
             neither can go on."
        }
    };
    let mut doc = header(layout.height, &title, &desc)
        .push(text(
            10.0,
            24.0,
            "start",
            &[("font-size", "16"), ("font-weight", "bold")],
            &title,
        ))
        .push(text(10.0, 46.0, "start", &[], sub))
        .push(text(
            10.0,
            66.0,
            "start",
            &[("fill", "dimgray")],
            "Solid bar: holds the lock. Dashed bar: waits in lock(). \
             Times are from the run; the long wait is cut.",
        ));

    for (k, lane) in lanes.iter().enumerate() {
        let y = layout.lane_top[k];
        if k > 0 {
            doc.add(divider(y - 8.0));
        }
        let bold = [("font-weight", "bold")];
        doc.add(text(10.0, y + 38.0, "start", &bold, &lane.name));
    }
    for (b, bar) in bars.iter().enumerate() {
        let y = layout.bar_y[b];
        let (x1, x2) = (xs[bar.from], xs[bar.to]);
        let (class, style): (&str, &[(&str, &str)]) = if bar.held {
            (
                "held",
                &[
                    ("fill", HELD_FILL),
                    ("stroke", HELD_STROKE),
                    ("stroke-width", "1.5"),
                ],
            )
        } else {
            (
                "wait",
                &[
                    ("fill", "white"),
                    ("stroke", WAIT_STROKE),
                    ("stroke-width", "2"),
                    ("stroke-dasharray", "6 4"),
                ],
            )
        };
        let forever = run.forever(b);
        doc.add(
            Element::new("g")
                .attr("class", class)
                .attr("data-lane", &lanes[bar.lane].name)
                .attr("data-lock", &bar.lock)
                .attr("data-forever", forever)
                .line(
                    Element::new("rect")
                        .attr("x", fixed(x1, 1))
                        .attr("y", y)
                        .attr("width", fixed((x2 - x1).max(3.0), 1))
                        .attr("height", 18)
                        .attr("rx", 3)
                        .attrs(style.iter().copied()),
                ),
        );
        let label = if bar.held {
            match picture {
                Picture::Hang => {
                    format!("holds {} (locked in {}())", bar.lock, bar.place)
                }
                Picture::Deadlock => format!("holds {}", bar.lock),
            }
        } else if forever {
            match picture {
                Picture::Hang => format!(
                    "waits for {} in {}(), forever",
                    bar.lock, bar.place
                ),
                Picture::Deadlock => format!("waits for {}", bar.lock),
            }
        } else {
            format!("lock({}) in {}()", bar.lock, bar.place)
        };
        // Label long bars inside, short ones above their start.
        if x2 - x1 > 200.0 {
            let color = if bar.held { HELD_STROKE } else { WAIT_STROKE };
            let extra = [("fill", color), ("font-weight", "bold")];
            doc.add(text(x1 + 8.0, y + 13.5, "start", &extra, &label));
        } else {
            let extra = [("font-size", "12")];
            doc.add(text(x1, y - 5.0, "start", &extra, &label));
        }
    }
    // The watchdog: main waits from its start to when it reports.
    let watchdog = &events[*dog];
    let dog_lane = lanes
        .iter()
        .position(|l| l.thread == watchdog.thread)
        .unwrap();
    let y = layout.lane_top[dog_lane] + 26.0;
    doc.add(
        Element::new("line")
            .attr("class", "watchdog")
            .attr("x1", fixed(xs[*dog], 1))
            .attr("y1", y + 9.0)
            .attr("x2", fixed(xs[end], 1))
            .attr("y2", y + 9.0)
            .attr("stroke", MUTED)
            .attr("stroke-width", 2)
            .attr("stroke-dasharray", "2 4"),
    );
    doc.add(text(
        xs[*dog] + 4.0,
        y - 4.0,
        "start",
        &[("font-size", "12"), ("fill", "dimgray")],
        &format!(
            "watchdog waits up to {:.0} s for `{}`",
            watchdog.value.unwrap_or(0) as f64 / 1000.0,
            watchdog.object
        ),
    ));
    // The end: a line through all lanes where the watchdog stopped it.
    let x = xs[end];
    doc.add(
        Element::new("line")
            .attr("class", "end")
            .attr("x1", fixed(x, 1))
            .attr("y1", layout.top - 8.0)
            .attr("x2", fixed(x, 1))
            .attr("y2", layout.axis_y - 6.0)
            .attr("stroke", LOST)
            .attr("stroke-width", 2),
    );
    doc.add(text(
        x - 4.0,
        layout.lane_top[dog_lane] + 50.0,
        "end",
        &[("font-size", "12"), ("fill", LOST), ("font-weight", "bold")],
        &format!("hang detected after {waited:.1} s: exit code 3"),
    ));
    // A deadlock's cycle: from each endless wait to the bar that holds its
    // lock in another lane, each curve right of the bars' ends, a little
    // further out than the one before.
    for (n, &(wait, holder)) in cycle.iter().enumerate() {
        let (y1, y2) = (layout.bar_y[wait] + 9.0, layout.bar_y[holder] + 9.0);
        let bulge = fixed(x + 28.0 * (n + 1) as f64, 1);
        let d = format!(
            "M{},{y1} C{bulge},{y1} {bulge},{y2} {},{y2}",
            fixed(x + 2.0, 1),
            fixed(x + 3.0, 1)
        );
        doc.add(
            Element::new("path")
                .attr("class", "cycle")
                .attr("d", d)
                .attr("fill", "none")
                .attr("stroke", LOST)
                .attr("stroke-width", 2)
                .attr("marker-end", "url(#arrow)"),
        );
    }
    let note = match picture {
        Picture::Deadlock => text(
            10.0,
            layout.axis_y + 48.0,
            "start",
            &[("font-size", "12"), ("fill", LOST)],
            "Red arrows: from each wait to the thread that holds that lock. \
             They form a cycle: a deadlock.",
        ),
        Picture::Hang => text(
            10.0,
            layout.axis_y + 48.0,
            "start",
            &[("font-size", "12"), ("fill", "dimgray")],
            "The same thread holds `bank` and waits for it: std's Mutex \
             records no owner, so lock() cannot tell, and never returns.",
        ),
    };
    doc.add(note);
    axis(&mut doc, &layout.columns, times, layout.axis_y);
    doc.finish()
}
