//! Timeline pictures (SVG) of traced runs of the book's examples: a lane
//! per thread, what it did and when, which locks it held (solid bars) and
//! waited for (dashed bars).
//!
//! `parse` reads the trace (examples/lockbook/trace.rs) and the program's
//! output, `model` finds the updates or lock bars and checks that the run
//! shows what the picture is for, `layout` places them, and `draw` writes
//! the SVG with the shared writer (crate::svg).

pub mod draw;
pub mod layout;
pub mod model;
pub mod parse;

/// Exit code of draw-timelines for "this run does not show it; run the
/// example again" (cargo xtask draw-timelines retries on it).
pub const NOT_SHOWN: i32 = 4;

/// Why no picture was drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The input is wrong: fix it (exit code 1).
    Bad(String),
    /// The run does not show what the picture is for: run again (exit
    /// code NOT_SHOWN).
    NotShown(String),
}

/// The picture of a lock that is never released: by the thread itself
/// (nested-locks.md) or in a cycle of threads (deadlocks.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Picture {
    Hang,
    Deadlock,
}

/// The SVG of picture `kind` (`lost-update`, `hang` or `deadlock`) of the
/// run that wrote `trace` and printed `console`.
pub fn draw(kind: &str, trace: &str, console: &str) -> Result<String, Failure> {
    let events = parse::parse(trace).map_err(Failure::Bad)?;
    match kind {
        "lost-update" => {
            let run = model::LostUpdates::new(events, console)?;
            Ok(draw::lost_update(&run, &layout::lost_update(&run)))
        }
        "hang" | "deadlock" => {
            let picture = if kind == "hang" {
                Picture::Hang
            } else {
                Picture::Deadlock
            };
            let run = model::Locks::new(picture, events, console)?;
            Ok(draw::locks(&run, &layout::locks(&run)))
        }
        other => Err(Failure::Bad(format!("unknown picture kind `{other}`"))),
    }
}

/// A time since the first event as the pictures print it: "12 µs" below a
/// millisecond, else "3.4 ms" or "1.0 s".
pub fn time(ns: u64) -> String {
    if ns < 1_000_000 {
        format!("{} µs", ns / 1000)
    } else if ns < 1_000_000_000 {
        format!("{:.1} ms", ns as f64 / 1e6)
    } else {
        format!("{:.1} s", ns as f64 / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_printed_in_the_unit_that_fits() {
        assert_eq!(time(999), "0 µs");
        assert_eq!(time(187_229), "187 µs");
        assert_eq!(time(2_693_323), "2.7 ms");
        assert_eq!(time(1_000_000_711), "1.0 s");
    }

    #[test]
    fn an_unknown_kind_or_a_bad_trace_is_bad_input() {
        let trace = "1\tmain\twatchdog\tt\t1000\t-\n";
        assert_eq!(
            draw("sideways", trace, ""),
            Err(Failure::Bad("unknown picture kind `sideways`".into()))
        );
        assert!(matches!(draw("hang", "nonsense", ""), Err(Failure::Bad(_))));
    }
}
