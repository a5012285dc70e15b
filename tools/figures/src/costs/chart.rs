//! One horizontal bar chart per benchmark group: a section per thread
//! count (if any), a bar per benchmark, each labelled with its name and
//! its time, the longest bar BARS wide and the others to scale.

use super::{Measurement, number};
use crate::svg::{Document, Element, fixed};

const WIDTH: f64 = 720.0;
/// The benchmark names, right-aligned, end left of this.
const LABEL: f64 = 250.0;
/// The longest bar.
pub const BARS: f64 = 380.0;
const ROW: f64 = 22.0;
/// Where the first row starts, under the title and the unit.
const TOP: f64 = 64.0;

/// Bar colours, one per benchmark of a group (colour-blind safe palette).
const COLOURS: &[&str] = &[
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
    "#f0e442", "#000000",
];

/// A row of the chart, from the top of its ROW.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// The heading of the bars measured with `threads` threads.
    Section { threads: u64, y: f64 },
    /// The bar of the `index`th measurement, `width` long.
    Bar { index: usize, y: f64, width: f64 },
}

/// The width of the bar of `ns` when the longest is of `max`: to scale,
/// and at least 1 so that even the shortest is seen.
pub fn bar_width(ns: f64, max: f64) -> f64 {
    (ns / max.max(1e-9) * BARS).max(1.0)
}

/// The rows of the chart and its height: a section before the first bar
/// of each thread count, 8 more above it, and a bar per measurement.
pub fn layout(results: &[Measurement]) -> (Vec<Row>, f64) {
    let max = results.iter().map(|r| r.ns).fold(0.0, f64::max);
    let mut rows = Vec::new();
    let mut y = TOP;
    let mut section = None;
    for (index, r) in results.iter().enumerate() {
        if let Some(threads) = r.threads
            && r.threads != section
        {
            section = r.threads;
            y += 8.0;
            rows.push(Row::Section { threads, y });
            y += ROW;
        }
        let width = bar_width(r.ns, max);
        rows.push(Row::Bar { index, y, width });
        y += ROW;
    }
    (rows, y + 16.0)
}

/// The chart of `group`, its heading `title`, what a number is `unit`.
pub fn chart(
    group: &str,
    title: &str,
    unit: &str,
    results: &[Measurement],
) -> String {
    let mut benches: Vec<&str> = Vec::new();
    for r in results {
        if !benches.contains(&r.bench.as_str()) {
            benches.push(&r.bench);
        }
    }
    let colour = |b: &str| {
        let i = benches.iter().position(|x| *x == b).unwrap_or(0);
        COLOURS[i % COLOURS.len()]
    };
    let (rows, height) = layout(results);
    let mut doc = Document::new(WIDTH, height)
        .titled(&format!("{title} (criterion group `{group}`)"))
        .push(Element::new("rect").attrs([
            ("width", "100%"),
            ("height", "100%"),
            ("fill", "white"),
        ]))
        .push(
            Element::new("text")
                .attrs([
                    ("x", "8"),
                    ("y", "22"),
                    ("font-size", "16"),
                    ("font-weight", "bold"),
                ])
                .text(title),
        )
        .push(
            Element::new("text")
                .attrs([("x", "8"), ("y", "44"), ("fill", "#444")])
                .text(format!("{unit}; group `{group}`, benches/locks.rs")),
        );
    for row in rows {
        match row {
            Row::Section { threads, y } => {
                let s = if threads == 1 { "" } else { "s" };
                doc.add(
                    Element::new("text")
                        .attr("x", 8)
                        .attr("y", fixed(y + 14.0, 0))
                        .attr("font-weight", "bold")
                        .text(format!("{threads} thread{s}")),
                );
            }
            Row::Bar { index, y, width } => {
                doc.add(bar(group, &results[index], y, width, colour));
            }
        }
    }
    doc.finish()
}

/// A bar and its labels, on one line: the benchmark's name left of it, its
/// time right of it, and its id and time as a tooltip.
fn bar(
    group: &str,
    r: &Measurement,
    y: f64,
    width: f64,
    colour: impl Fn(&str) -> &'static str,
) -> Element {
    let id = r.id(group);
    let value = format!("{} ns", number(r.ns));
    let text_y = fixed(y + 15.0, 0);
    Element::new("g")
        .attr("class", "bar")
        .attr("data-bench", &id)
        .child(
            Element::new("text")
                .attr("x", fixed(LABEL - 8.0, 0))
                .attr("y", &text_y)
                .attr("text-anchor", "end")
                .text(&r.bench),
        )
        .child(
            Element::new("rect")
                .attr("x", fixed(LABEL, 0))
                .attr("y", fixed(y + 3.0, 0))
                .attr("width", fixed(width, 1))
                .attr("height", fixed(ROW - 6.0, 0))
                .attr("fill", colour(&r.bench))
                .child(Element::new("title").text(format!("{id}: {value}"))),
        )
        .child(
            Element::new("text")
                .attr("x", fixed(LABEL + width + 6.0, 1))
                .attr("y", &text_y)
                .text(value),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(bench: &str, threads: Option<u64>, ns: f64) -> Measurement {
        Measurement {
            bench: bench.into(),
            threads,
            ns,
        }
    }

    #[test]
    fn bars_are_to_scale_and_the_longest_is_bars_wide() {
        assert_eq!(bar_width(20.0, 20.0), BARS);
        assert_eq!(bar_width(10.0, 20.0), BARS / 2.0);
        // Too short to see: 1 wide.
        assert_eq!(bar_width(0.001, 20.0), 1.0);
        // No division by zero when every result is 0.
        assert_eq!(bar_width(0.0, 0.0), 1.0);
    }

    #[test]
    fn sections_come_before_the_bars_of_their_thread_count() {
        let results = [
            m("std_mutex", Some(1), 25.0),
            m("atomic", Some(1), 5.0),
            m("std_mutex", Some(2), 50.0),
        ];
        let (rows, height) = layout(&results);
        assert_eq!(
            rows,
            [
                Row::Section {
                    threads: 1,
                    y: 72.0
                },
                Row::Bar {
                    index: 0,
                    y: 94.0,
                    width: 190.0
                },
                Row::Bar {
                    index: 1,
                    y: 116.0,
                    width: 38.0
                },
                Row::Section {
                    threads: 2,
                    y: 146.0
                },
                Row::Bar {
                    index: 2,
                    y: 168.0,
                    width: 380.0
                },
            ]
        );
        assert_eq!(height, 168.0 + 22.0 + 16.0);
    }

    #[test]
    fn without_thread_counts_there_are_no_sections() {
        let (rows, height) = layout(&[m("a", None, 1.0), m("b", None, 2.0)]);
        assert_eq!(
            rows,
            [
                Row::Bar {
                    index: 0,
                    y: 64.0,
                    width: 190.0
                },
                Row::Bar {
                    index: 1,
                    y: 86.0,
                    width: 380.0
                },
            ]
        );
        assert_eq!(height, 124.0);
    }

    #[test]
    fn rows_do_not_overlap() {
        let results: Vec<Measurement> = (1..=3)
            .flat_map(|t| ["a", "b", "c"].map(|b| m(b, Some(t), t as f64)))
            .collect();
        let (rows, height) = layout(&results);
        let ys: Vec<f64> = rows
            .iter()
            .map(|r| match r {
                Row::Section { y, .. } | Row::Bar { y, .. } => *y,
            })
            .collect();
        for pair in ys.windows(2) {
            assert!(pair[1] >= pair[0] + ROW, "{ys:?}");
        }
        assert!(height >= ys.last().unwrap() + ROW, "{height}");
    }

    #[test]
    fn a_bar_names_its_benchmark_and_escapes_it() {
        let svg = chart("g", "A & B", "ns", &[m("x<y", Some(2), 12.0)]);
        assert!(svg.contains(r#"<g class="bar" data-bench="g/x&lt;y/2">"#));
        assert!(svg.contains(">x&lt;y</text>"), "{svg}");
        assert!(svg.contains("<title>g/x&lt;y/2: 12.0 ns</title>"), "{svg}");
        assert!(svg.contains("<title>A &amp; B (criterion group `g`)</title>"));
        assert!(svg.contains(r#"font-weight="bold">2 threads</text>"#));
    }
}
