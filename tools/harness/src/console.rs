//! `console` blocks: each `$ cargo run --example NAME [-- ARGS]` is run for
//! real and its output compared with what the book shows.
//!
//! In the shown output, `[..]` stands for any text within a line and a line
//! `...` for any number of lines: the parts that change from run to run.
//! A command `$ echo $?` right after a run, with the number it prints, says
//! the exit code the program must end with; without it, the code must be 0.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one example may run before the check calls it hung.
pub const RUN_LIMIT: Duration = Duration::from_secs(10);

/// A parsed `cargo run --example NAME -- ARGS` command.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub example: String,
    pub args: Vec<String>,
}

/// `cargo run [-q|--quiet] [--features F] --example NAME [-- ARGS...]`,
/// or None.
pub fn parse_command(command: &str) -> Option<Run> {
    let mut words = command.split_whitespace();
    if words.next()? != "cargo" || words.next()? != "run" {
        return None;
    }
    let mut example = None;
    let mut args = Vec::new();
    while let Some(word) = words.next() {
        match word {
            "-q" | "--quiet" => {}
            // The learner's package's features (`--features shuttle`):
            // the tests build the examples with all of them.
            "--features" => {
                words.next()?;
            }
            "--example" => example = Some(words.next()?.to_owned()),
            "--" => {
                args.extend(words.by_ref().map(str::to_owned));
            }
            _ => return None,
        }
    }
    Some(Run {
        example: example?,
        args,
    })
}

/// One command of a console block and the output shown under it.
#[derive(Debug)]
pub struct Step {
    pub command: String,
    pub run: Run,
    pub expected: Vec<String>,
    pub exit_code: i32,
}

/// The shell command that prints the exit code of the command before it.
pub const EXIT_CODE: &str = "echo $?";

/// The steps of a console block (commands other than `cargo run --example`
/// are shown without output; rules.rs makes sure of that).
pub fn steps(block: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    // Where the lines under a command go: a run's output, its exit code, or
    // nowhere (commands that are only shown).
    enum Into {
        Output,
        ExitCode,
        Nowhere,
    }
    let mut into = Into::Nowhere;
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            into = Into::Nowhere;
            if command.trim() == EXIT_CODE && !steps.is_empty() {
                into = Into::ExitCode;
            } else if let Some(run) = parse_command(command) {
                into = Into::Output;
                steps.push(Step {
                    command: command.to_owned(),
                    run,
                    expected: Vec::new(),
                    exit_code: 0,
                });
            }
            continue;
        }
        let Some(step) = steps.last_mut() else {
            continue;
        };
        match into {
            Into::Output => step.expected.push(line.to_owned()),
            Into::ExitCode if !line.trim().is_empty() => {
                step.exit_code = line.trim().parse().unwrap_or(-1);
            }
            _ => {}
        }
    }
    for step in &mut steps {
        while step.expected.last().is_some_and(|l| l.trim().is_empty()) {
            step.expected.pop();
        }
    }
    steps
}

/// Does `line` match `pattern`, where `[..]` matches any text?
pub fn line_matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Do the lines match, where a pattern line `...` matches any number of lines?
pub fn lines_match(patterns: &[String], lines: &[&str]) -> bool {
    match patterns.split_first() {
        None => lines.is_empty(),
        Some((p, rest)) if p == "..." => {
            (0..=lines.len()).any(|skip| lines_match(rest, &lines[skip..]))
        }
        Some((p, rest)) => lines.split_first().is_some_and(|(l, more)| {
            line_matches(p, l) && lines_match(rest, more)
        }),
    }
}

/// What a bounded run saw: the merged stdout and stderr, and the exit code
/// (None if it was killed for running too long).
#[derive(Debug)]
pub struct Outcome {
    pub output: String,
    pub exit_code: Option<i32>,
    pub elapsed: Duration,
}

/// Run `cmd` with stdout and stderr on one pipe, as a terminal shows them,
/// and kill it if it runs longer than `limit`.
pub fn run_bounded(
    mut cmd: Command,
    limit: Duration,
) -> std::io::Result<Outcome> {
    let (mut reader, writer) = std::io::pipe()?;
    cmd.stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer);
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    // The Command holds copies of the pipe's write end: drop them, or the
    // reader never sees the end of the output.
    drop(cmd);
    let collector = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() > limit {
            child.kill()?;
            child.wait()?;
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let bytes = collector.join().unwrap_or_default();
    Ok(Outcome {
        output: String::from_utf8_lossy(&bytes).into_owned(),
        exit_code: status.map(|s| s.code().unwrap_or(-1)),
        elapsed,
    })
}

/// Where cargo put the example binaries for the profile this test runs in.
pub fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    // target/<profile>/deps/<test binary> -> target/<profile>/examples
    exe.parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps")
        .join("examples")
}

/// The built binary of example `name`, or why it cannot be used: not built,
/// or older than its source (`cargo test --test X` alone builds no
/// examples, and would run stale ones).
pub fn example_binary(name: &str) -> Result<PathBuf, String> {
    let binary =
        examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let hint = "run the whole `cargo test` (or `cargo build --examples`), \
                which builds the examples";
    let built = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .map_err(|_| {
            format!(
                "no example binary at {} (is there an examples/{name}.rs?); {hint}",
                binary.display()
            )
        })?;
    // When run by cargo, compare with the sources the example is built from.
    if let Some(root) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let examples = Path::new(&root).join("examples");
        let mut sources = vec![examples.join(format!("{name}.rs"))];
        if let Ok(dir) = std::fs::read_dir(examples.join("lockbook")) {
            sources.extend(dir.flatten().map(|e| e.path()));
        }
        for source in sources {
            let changed = std::fs::metadata(&source).and_then(|m| m.modified());
            if changed.is_ok_and(|changed| changed > built) {
                return Err(format!(
                    "{} is older than {}; {hint}",
                    binary.display(),
                    source.display()
                ));
            }
        }
    }
    Ok(binary)
}

/// Run the built example `name` with `args`, killed after `limit`. For the
/// tests in tests/, which check what one shown output cannot.
pub fn run_example(name: &str, args: &[&str], limit: Duration) -> Outcome {
    let binary = example_binary(name).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(&binary);
    cmd.args(args);
    run_bounded(cmd, limit).unwrap_or_else(|e| panic!("cannot run {name}: {e}"))
}

/// Run every step of a console block and compare; the error names `place`.
pub fn check(block: &str, place: &str) -> Result<(), String> {
    let steps = steps(block);
    if steps.is_empty() {
        return Err(format!(
            "{place}: no `$ cargo run --example` command in this console block"
        ));
    }
    for step in steps {
        let binary = example_binary(&step.run.example)
            .map_err(|e| format!("{place}: `{}`: {e}", step.command))?;
        let mut cmd = Command::new(&binary);
        cmd.args(&step.run.args);
        let outcome = run_bounded(cmd, RUN_LIMIT).map_err(|e| {
            format!("{place}: cannot run {}: {e}", binary.display())
        })?;
        let lines: Vec<&str> = outcome.output.trim_end().lines().collect();
        let Some(code) = outcome.exit_code else {
            return Err(format!(
                "{place}: `{}` ran longer than {:?} and was killed (does it hang?). Output so far:\n{}",
                step.command, RUN_LIMIT, outcome.output
            ));
        };
        if code != step.exit_code || !lines_match(&step.expected, &lines) {
            return Err(format!(
                "{place}: `{}` does not print what the book shows.\n\
                 --- shown in the book (exit code {}):\n{}\n\
                 --- printed by a real run (exit code {code}):\n{}",
                step.command,
                step.exit_code,
                step.expected.join("\n"),
                outcome.output.trim_end()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        let run =
            parse_command("cargo run --example lost_update -- --threads 4")
                .unwrap();
        assert_eq!(
            run,
            Run {
                example: "lost_update".into(),
                args: vec!["--threads".into(), "4".into()]
            }
        );
        assert_eq!(
            parse_command("cargo run -q --example a").unwrap().args,
            Vec::<String>::new()
        );
        assert_eq!(
            parse_command("cargo run --features shuttle --example b")
                .unwrap()
                .example,
            "b"
        );
        assert_eq!(parse_command("cargo test"), None);
        assert_eq!(parse_command("cargo run --release --example a"), None);
        assert_eq!(parse_command("cargo run"), None);
    }

    #[test]
    fn wildcards() {
        assert!(line_matches("total: [..]", "total: 47"));
        assert!(line_matches(
            "[..] lost [..] updates",
            "we lost 3 of 50 updates"
        ));
        assert!(!line_matches("total: [..]", "sum: 47"));
        assert!(!line_matches("total: 50", "total: 500"));
        assert!(line_matches("a[..]", "a"));
        let p =
            |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(lines_match(&p(&["a", "...", "z"]), &["a", "b", "c", "z"]));
        assert!(lines_match(&p(&["a", "...", "z"]), &["a", "z"]));
        assert!(!lines_match(&p(&["a", "...", "z"]), &["a", "b"]));
        assert!(!lines_match(&p(&["a"]), &["a", "b"]));
    }

    #[test]
    fn steps_and_exit_codes() {
        let s = steps(
            "$ cargo run --example a -- --threads 0\nerror: bad\n\
             $ echo $?\n2\n\n$ cargo run --example a\nok\n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].exit_code, 2);
        assert_eq!(s[0].expected, ["error: bad"]);
        assert_eq!(s[1].exit_code, 0);
        assert_eq!(s[1].expected, ["ok"]);
    }

    #[test]
    fn bounded_run_merges_output_and_stops_hangs() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let o = run_bounded(cmd, Duration::from_secs(5)).unwrap();
        assert_eq!(o.output, "out\nerr\n");
        assert_eq!(o.exit_code, Some(3));
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let o = run_bounded(cmd, Duration::from_millis(200)).unwrap();
        assert_eq!(o.exit_code, None);
        assert!(o.elapsed < Duration::from_secs(5));
    }
}
