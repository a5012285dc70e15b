//! Reading the two inputs: the trace an example wrote with
//! `LOCKBOOK_TRACE=FILE` (examples/lockbook/trace.rs) and what the same
//! run printed.

use super::Failure;

/// One line of the trace: at `ns` nanoseconds after the run started,
/// `thread` did `kind` (read, write, request, acquired, released,
/// watchdog) to `object`, with `value` if any, in function `place`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub ns: u64,
    pub thread: String,
    pub kind: String,
    pub object: String,
    pub value: Option<u64>,
    pub place: String,
}

/// The trace's events, sorted by time (the file is not: each thread
/// writes its lines when it gets the file's lock). Lines starting with `#`
/// (the header) and blank lines are skipped; a line is six fields
/// separated by tabs, `-` for no value.
pub fn parse(text: &str) -> Result<Vec<Event>, String> {
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
    // A stable sort: events of the same nanosecond keep the file's order.
    events.sort_by_key(|e| e.ns);
    Ok(events)
}

/// One number the program printed, after `label` at the start of a line
/// (`lost updates:   2`).
pub fn console_number(console: &str, label: &str) -> Option<u64> {
    console
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| rest.trim().parse().ok())
}

/// How long the watchdog waited, in seconds, from the program's report
/// `hang detected: ... after 1.0 s`. No report: the run did not hang.
pub fn hang_wait(console: &str) -> Result<f64, Failure> {
    let report = console
        .lines()
        .find(|l| l.starts_with("hang detected:"))
        .ok_or_else(|| {
            Failure::NotShown("the program did not report a hang".into())
        })?;
    report
        .rsplit_once("after ")
        .and_then(|(_, r)| r.strip_suffix(" s"))
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| {
            Failure::Bad(format!("cannot read the wait in `{report}`"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_sorted_by_time_and_dashes_are_no_value() {
        let text = "# header\n\n20\tB\twrite\ttotal\t5\t-\n\
                    10\tA\trequest\tbank\t-\ttransfer\n";
        let events = parse(text).unwrap();
        assert_eq!(
            events,
            [
                Event {
                    ns: 10,
                    thread: "A".into(),
                    kind: "request".into(),
                    object: "bank".into(),
                    value: None,
                    place: "transfer".into(),
                },
                Event {
                    ns: 20,
                    thread: "B".into(),
                    kind: "write".into(),
                    object: "total".into(),
                    value: Some(5),
                    place: "-".into(),
                },
            ]
        );
    }

    #[test]
    fn a_bad_line_or_an_empty_trace_is_an_error() {
        assert_eq!(
            parse("# h\n1\tA\tread\n").unwrap_err(),
            "trace line 2: `1\tA\tread`"
        );
        assert!(parse("x\tA\tread\ttotal\t0\t-\n").is_err());
        assert!(parse("1\tA\tread\ttotal\tfive\t-\n").is_err());
        assert_eq!(
            parse("# only a header\n").unwrap_err(),
            "the trace has no events"
        );
    }

    #[test]
    fn numbers_and_the_wait_come_from_the_console() {
        let out = "expected total: 20\nactual total:   10\n";
        assert_eq!(console_number(out, "actual total:"), Some(10));
        assert_eq!(console_number(out, "lost updates:"), None);
        let hang = "hang detected: thread `t` still blocked after 1.5 s\n";
        assert_eq!(hang_wait(hang).unwrap(), 1.5);
        assert!(matches!(hang_wait("all fine\n"), Err(Failure::NotShown(_))));
        assert!(matches!(
            hang_wait("hang detected: after a while\n"),
            Err(Failure::Bad(_))
        ));
    }
}
