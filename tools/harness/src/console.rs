//! `console` blocks: each `$ cargo run --example NAME [-- ARGS]` and each
//! `$ cargo exercises [ARGS]` (the learner's runner) is run for real and its
//! output compared with what the book shows.
//!
//! An example is run from its built binary. The runner is run as shown, by
//! cargo at the book's root, with a progress folder of its own for each
//! block (`EXERCISES_STATE_DIR`): a block shows what a learner sees on a
//! fresh clone, whatever the runs before it recorded. Runner commands that
//! wait for the learner or change their files (`watch`, `reset`) cannot be
//! run by a test; rules.rs keeps them out of console blocks.
//!
//! In the shown output, `[..]` stands for any text within a line and a line
//! `...` for any number of lines: the parts that change from run to run
//! (snapbox's redactions, which do the comparing).
//! A command `$ echo $?` right after a run, with the number it prints, says
//! the exit code the program must end with; without it, the code must be 0.
//!
//! With `SNAPSHOTS=overwrite` (snapbox's convention), a block whose output
//! differs is rewritten in its markdown file from the real run, keeping the
//! shown lines that still match, for the author to review; the test still
//! fails and says what it rewrote.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use snapbox::Data;
use snapbox::assert::{Action, DEFAULT_ACTION_ENV};
use snapbox::filter::NormalizeToExpected;

/// How long one example may run before the check calls it hung.
pub const RUN_LIMIT: Duration = Duration::from_secs(10);

/// How long building the runner may take (once per test process, before the
/// first runner command, which then has RUN_LIMIT like an example).
pub const BUILD_LIMIT: Duration = Duration::from_secs(600);

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
            // the tests build the examples with those tests/Cargo.toml
            // gives the package (`shuttle`).
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

/// `cargo exercises [ARGS...]`: the runner's arguments, or None.
pub fn parse_exercises(command: &str) -> Option<Vec<String>> {
    let mut words = command.split_whitespace();
    if words.next()? != "cargo" || words.next()? != "exercises" {
        return None;
    }
    Some(words.map(str::to_owned).collect())
}

/// What a console command runs, when it is one the tests run.
#[derive(Debug, PartialEq, Eq)]
pub enum Runnable {
    /// `cargo run --example NAME -- ARGS`: the built example.
    Example(Run),
    /// `cargo exercises ARGS`: the learner's runner.
    Exercises(Vec<String>),
}

/// The command's run, or None for a command that is only shown.
pub fn parse_runnable(command: &str) -> Option<Runnable> {
    parse_command(command)
        .map(Runnable::Example)
        .or_else(|| parse_exercises(command).map(Runnable::Exercises))
}

/// Why the runner's command `args` cannot be run in a test, if it cannot:
/// `watch` runs until Ctrl-C, and `reset` asks the learner (or, with
/// `--yes`, overwrites a starter of the repository the tests run in).
pub fn unrunnable_exercises(args: &[String]) -> Option<&'static str> {
    // The command is the first word that is neither an option nor the
    // folder after `--root`.
    let mut words = args.iter().map(String::as_str);
    let mut command = None;
    while let Some(word) = words.next() {
        match word {
            "--root" => {
                words.next();
            }
            _ if word.starts_with('-') => {}
            _ => {
                command = Some(word);
                break;
            }
        }
    }
    match command {
        Some("watch") => Some("`watch` runs until it is stopped"),
        Some("reset") => Some(
            "`reset` asks before it overwrites a starter, and with `--yes` \
             would overwrite one in the repository under test",
        ),
        _ => None,
    }
}

/// One command of a console block and the output shown under it.
#[derive(Debug)]
pub struct Step {
    pub command: String,
    pub run: Runnable,
    pub expected: Vec<String>,
    pub exit_code: i32,
}

/// The shell command that prints the exit code of the command before it.
pub const EXIT_CODE: &str = "echo $?";

/// The steps of a console block (commands other than `cargo run --example`
/// and `cargo exercises` are shown without output; rules.rs makes sure of
/// that).
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
            } else if let Some(run) = parse_runnable(command) {
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

/// What a run printed, in the form of what the book shows: snapbox's
/// normalization keeps each shown line that the run matches, `[..]` and
/// `...` included, and puts the printed lines where they differ. So it
/// equals `shown` exactly when the run matches, and it is what a rewrite
/// puts in the book (`SNAPSHOTS=overwrite`).
pub fn normalize(shown: &[String], printed: &[&str]) -> Vec<String> {
    fn text<S: AsRef<str>>(lines: &[S]) -> String {
        lines.iter().map(|l| format!("{}\n", l.as_ref())).collect()
    }
    let expected = Data::text(text(shown));
    let normalized = NormalizeToExpected::new()
        .redact()
        .normalize(Data::text(text(printed)), &expected);
    normalized
        .render()
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Do the lines match, where a pattern line `...` matches any number of
/// lines and `[..]` any text within a line (snapbox's redactions)?
pub fn lines_match(patterns: &[String], lines: &[&str]) -> bool {
    normalize(patterns, lines) == patterns
}

/// Does `line` match `pattern`, where `[..]` matches any text? (A single
/// line: `...` is only itself here.)
pub fn line_matches(pattern: &str, line: &str) -> bool {
    if pattern == "..." {
        return line == pattern;
    }
    lines_match(&[pattern.to_owned()], &[line])
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
    let hint = "run `cargo test --workspace` (or `cargo build --examples \
                --features shuttle,async`), which builds the examples";
    let built = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .map_err(|_| {
            format!(
                "no example binary at {} (is there an examples/{name}.rs?); {hint}",
                binary.display()
            )
        })?;
    // When run by cargo, compare with the sources the example is built from.
    // The tests' package is a folder of the learner's: the nearest
    // `examples/` above it holds the sources.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let examples = manifest.as_deref().and_then(|dir| {
        dir.ancestors()
            .map(|d| d.join("examples"))
            .find(|d| d.is_dir())
    });
    if let Some(examples) = examples {
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

/// Run every step of a console block and compare; the error names `place`
/// (`src/x.md:42`, the block's fence in the book under `root`).
pub fn check(root: &Path, block: &str, place: &str) -> Result<(), String> {
    let steps = steps(block);
    if steps.is_empty() {
        return Err(format!(
            "{place}: no `$ cargo run --example` or `$ cargo exercises` \
             command in this console block"
        ));
    }
    let overwrite =
        Action::with_env_var(DEFAULT_ACTION_ENV) == Some(Action::Overwrite);
    let mut failures = Vec::new();
    let mut rewrites = Vec::new();
    // The runner's progress for this block's commands, fresh, and removed
    // when the check ends.
    let state = StateDir::new();
    for step in &steps {
        let cmd = match &step.run {
            Runnable::Example(run) => {
                let binary = example_binary(&run.example)
                    .map_err(|e| format!("{place}: `{}`: {e}", step.command))?;
                let mut cmd = Command::new(&binary);
                cmd.args(&run.args);
                cmd
            }
            Runnable::Exercises(args) => {
                if let Some(why) = unrunnable_exercises(args) {
                    return Err(format!(
                        "{place}: `{}` cannot be run by a test: {why}",
                        step.command
                    ));
                }
                build_runner(root)
                    .map_err(|e| format!("{place}: `{}`: {e}", step.command))?;
                exercises_command(root, args, &state.0)
            }
        };
        let program = format!("{:?}", cmd.get_program());
        let outcome = run_bounded(cmd, RUN_LIMIT)
            .map_err(|e| format!("{place}: cannot run {program}: {e}"))?;
        let lines: Vec<&str> = outcome.output.trim_end().lines().collect();
        let Some(code) = outcome.exit_code else {
            return Err(format!(
                "{place}: `{}` ran longer than {:?} and was killed (does it hang?). Output so far:\n{}",
                step.command, RUN_LIMIT, outcome.output
            ));
        };
        let normalized = normalize(&step.expected, &lines);
        if code == step.exit_code && normalized == step.expected {
            rewrites.push(None);
            continue;
        }
        let message = format!(
            "{place}: `{}` does not print what the book shows.\n\
             --- shown in the book (exit code {}):\n{}\n\
             --- printed by a real run (exit code {code}):\n{}",
            step.command,
            step.exit_code,
            step.expected.join("\n"),
            outcome.output.trim_end()
        );
        if !overwrite {
            return Err(message);
        }
        failures.push(message);
        rewrites.push(Some(Shown {
            output: normalized,
            exit_code: code,
        }));
    }
    if failures.is_empty() {
        return Ok(());
    }
    let new_block = rewritten(block, &rewrites);
    rewrite_in_place(root, place, block, &new_block)?;
    Err(format!(
        "{}\n--- {DEFAULT_ACTION_ENV}=overwrite: rewrote the block at {place} to show:\n{}\
         --- review the change in the markdown file",
        failures.join("\n"),
        new_block
    ))
}

/// The cargo that runs this test (cargo sets `CARGO` for the processes it
/// starts), else the one on the PATH.
fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// `cargo ARGS` at the book's root, as the reader runs it. `RUSTC` is not
/// passed on: in the block tests' process it names the wrapper that
/// compiles the book's snippets (tests/blocks/snippets.rs), not a compiler
/// for the runner.
fn cargo_at(root: &Path) -> Command {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .env_remove("RUSTC")
        .env("CARGO_TERM_COLOR", "never");
    cmd
}

/// `cargo exercises ARGS` at the book's root (the alias in its
/// `.cargo/config.toml`), on that book, with its progress in `state`.
pub fn exercises_command(
    root: &Path,
    args: &[String],
    state: &Path,
) -> Command {
    let mut cmd = cargo_at(root);
    cmd.arg("exercises")
        .args(args)
        .env("EXERCISES_ROOT", root)
        .env("EXERCISES_STATE_DIR", state);
    cmd
}

/// Build the runner once per test process, with more time than a command
/// gets, so that no block pays for the build within its RUN_LIMIT.
fn build_runner(root: &Path) -> Result<(), String> {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let mut cmd = cargo_at(root);
            cmd.args([
                "build",
                "--quiet",
                "--locked",
                "--package",
                "exercises",
            ]);
            let outcome = run_bounded(cmd, BUILD_LIMIT)
                .map_err(|e| format!("cannot start cargo: {e}"))?;
            match outcome.exit_code {
                Some(0) => Ok(()),
                Some(code) => Err(format!(
                    "`cargo build --package exercises` failed (exit code \
                     {code}):\n{}",
                    outcome.output
                )),
                None => Err(format!(
                    "`cargo build --package exercises` took longer than \
                     {BUILD_LIMIT:?}"
                )),
            }
        })
        .clone()
}

/// A folder name for one block's runner progress, unique in this process
/// and the processes running beside it; the folder is removed on drop (the
/// runner creates it when it first saves).
struct StateDir(PathBuf);

impl StateDir {
    fn new() -> StateDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir()
            .join(format!("book-exercises-state-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        StateDir(dir)
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The output and exit code a rewritten step shows.
#[derive(Debug, Clone)]
pub struct Shown {
    pub output: Vec<String>,
    pub exit_code: i32,
}

/// `block` with the output (and exit code) of each step that has a
/// rewrite replaced; other lines, and the blank lines after an output,
/// stay as they are. A step that now ends with a code other than 0 and
/// showed none gets a `$ echo $?` line.
pub fn rewritten(block: &str, rewrites: &[Option<Shown>]) -> String {
    let mut out = String::new();
    let mut step: Option<usize> = None;
    let mut next_step = 0;
    let mut in_output = false;
    let mut held: Vec<&str> = Vec::new();
    let rewrite_of = |step: Option<usize>| {
        step.and_then(|i| rewrites.get(i)).and_then(Option::as_ref)
    };
    // Leave the output of the current step: write its new lines, the
    // exit code if it needs one and has none, and the blank lines held.
    let flush = |out: &mut String,
                 held: &mut Vec<&str>,
                 step: Option<usize>,
                 echo_follows: bool| {
        if let Some(shown) = rewrite_of(step) {
            for line in &shown.output {
                out.push_str(line);
                out.push('\n');
            }
            if shown.exit_code != 0 && !echo_follows {
                out.push_str(&format!("$ {EXIT_CODE}\n{}\n", shown.exit_code));
            }
            // The shown output, less the blank lines after it.
            let blank = held
                .iter()
                .rev()
                .take_while(|l| l.trim().is_empty())
                .count();
            held.drain(..held.len() - blank);
        }
        for line in held.drain(..) {
            out.push_str(line);
            out.push('\n');
        }
    };
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            let echo = command.trim() == EXIT_CODE && step.is_some();
            if in_output {
                flush(&mut out, &mut held, step, echo);
                in_output = false;
            }
            if !echo && parse_runnable(command).is_some() {
                step = Some(next_step);
                next_step += 1;
                in_output = true;
            } else if !echo {
                step = None;
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if in_output {
            held.push(line);
            continue;
        }
        match rewrite_of(step) {
            Some(shown) if !line.trim().is_empty() => {
                out.push_str(&shown.exit_code.to_string());
                out.push('\n');
                // One code per `$ echo $?`.
                step = None;
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if in_output {
        flush(&mut out, &mut held, step, false);
    }
    out
}

/// Lines added or removed by earlier rewrites in this process, per file:
/// (line of the block, change in its number of lines), so that the blocks
/// below are still found at their lines.
static REWRITES: Mutex<Vec<(PathBuf, usize, isize)>> = Mutex::new(Vec::new());

/// Replace the lines of `old_block` in the markdown file of `place` with
/// `new_block`, keeping each line's container marks (`> `, indentation).
fn rewrite_in_place(
    root: &Path,
    place: &str,
    old_block: &str,
    new_block: &str,
) -> Result<(), String> {
    let cannot =
        |why: &str| format!("{place}: cannot rewrite the block: {why}");
    let (file, line) = place
        .rsplit_once(':')
        .and_then(|(f, l)| Some((f, l.parse::<usize>().ok()?)))
        .ok_or_else(|| cannot("its place is not FILE:LINE"))?;
    let path = root.join(file);
    let mut done = REWRITES.lock().unwrap_or_else(|e| e.into_inner());
    let shift: isize = done
        .iter()
        .filter(|(p, at, _)| *p == path && *at < line)
        .map(|(_, _, by)| by)
        .sum();
    let fence = line
        .checked_add_signed(shift)
        .ok_or_else(|| cannot("lines moved"))?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| cannot(&format!("cannot read {}: {e}", path.display())))?;
    let lines: Vec<&str> = text.lines().collect();
    let old: Vec<&str> = old_block.lines().collect();
    let body = lines
        .get(fence..fence + old.len())
        .ok_or_else(|| cannot("the file is shorter than the block"))?;
    let mut mark = None;
    for (in_file, code) in body.iter().zip(&old) {
        let Some(marks) = in_file.strip_suffix(code) else {
            return Err(cannot(&format!(
                "the file changed since the build (or the block has includes): `{in_file}`"
            )));
        };
        if !code.is_empty() {
            mark.get_or_insert(marks);
        }
    }
    let mark = mark.unwrap_or("");
    let mut new_text: Vec<String> =
        lines[..fence].iter().map(|l| l.to_string()).collect();
    for code in new_block.lines() {
        if code.is_empty() {
            new_text.push(mark.trim_end().to_owned());
        } else {
            new_text.push(format!("{mark}{code}"));
        }
    }
    new_text.extend(lines[fence + old.len()..].iter().map(|l| l.to_string()));
    let mut joined = new_text.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    std::fs::write(&path, joined).map_err(|e| {
        cannot(&format!("cannot write {}: {e}", path.display()))
    })?;
    let by = new_block.lines().count() as isize - old.len() as isize;
    done.push((path, line, by));
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
    fn parses_runner_commands() {
        let words =
            |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_exercises("cargo exercises"), Some(vec![]));
        assert_eq!(
            parse_exercises("cargo exercises hint ex_threads_squares"),
            Some(words(&["hint", "ex_threads_squares"]))
        );
        assert_eq!(
            parse_exercises("cargo  exercises   list --root ../book"),
            Some(words(&["list", "--root", "../book"]))
        );
        assert_eq!(parse_exercises("cargo exercise list"), None);
        assert_eq!(parse_exercises("cargo run --example a"), None);
        assert_eq!(parse_exercises("exercises list"), None);
        assert_eq!(
            parse_runnable("cargo exercises list"),
            Some(Runnable::Exercises(words(&["list"])))
        );
        assert_eq!(
            parse_runnable("cargo run --example a -- 1"),
            Some(Runnable::Example(Run {
                example: "a".into(),
                args: words(&["1"])
            }))
        );
        assert_eq!(parse_runnable("cargo xtask test"), None);
        // What a test cannot run, whatever comes before the command.
        for args in [
            &["watch"][..],
            &["watch", "ex_a"],
            &["--root", "x", "watch"],
            &["reset", "ex_a"],
            &["reset", "ex_a", "--yes"],
        ] {
            assert!(unrunnable_exercises(&words(args)).is_some(), "{args:?}");
        }
        for args in [&[][..], &["list"], &["hint", "ex_a"], &["run", "ex_a"]] {
            assert_eq!(unrunnable_exercises(&words(args)), None, "{args:?}");
        }
    }

    #[test]
    fn the_runner_runs_at_the_root_with_its_own_progress() {
        let root = Path::new("/book");
        let state = Path::new("/tmp/state-1");
        let cmd =
            exercises_command(root, &["hint".into(), "ex_a".into()], state);
        let args: Vec<_> = cmd.get_args().collect();
        assert_eq!(args, ["exercises", "hint", "ex_a"]);
        assert_eq!(cmd.get_current_dir(), Some(root));
        let envs: Vec<_> = cmd.get_envs().collect();
        assert!(
            envs.contains(&(
                "EXERCISES_STATE_DIR".as_ref(),
                Some(state.as_ref())
            ))
        );
        assert!(
            envs.contains(&("EXERCISES_ROOT".as_ref(), Some(root.as_ref())))
        );
        // The snippets' compiler wrapper is not the runner's compiler.
        assert!(envs.contains(&("RUSTC".as_ref(), None)));
        // Each block gets a folder of its own, gone when the check ends.
        let (a, b) = (StateDir::new(), StateDir::new());
        assert_ne!(a.0, b.0);
        std::fs::create_dir_all(&a.0).unwrap();
        let dir = a.0.clone();
        drop(a);
        assert!(!dir.exists());
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
        assert!(lines_match(&p(&["a", "..."]), &["a", "b", "c"]));
        assert!(lines_match(&p(&["...", "z"]), &["z"]));
        assert!(lines_match(&p(&[]), &[]));
        assert!(!lines_match(&p(&[]), &["a"]));
        assert!(lines_match(
            &p(&["took [..] ms", "", "done"]),
            &["took 12 ms", "", "done"]
        ));
        assert!(!lines_match(&p(&["done"]), &["done", ""]));
        // The text after the last `[..]` ends the line, even when it also
        // stands inside what `[..]` takes (a panic's `file:line:col:`).
        assert!(line_matches("at x.rs:[..]:", "at x.rs:23:9:"));
        assert!(line_matches("a[..]b", "axbyb"));
        assert!(!line_matches("a[..]b", "axbyc"));
        // `...` is a wildcard only on a line of its own.
        assert!(!line_matches("...", "anything"));
        assert!(line_matches("a ... b", "a ... b"));
        assert!(!line_matches("a ... b", "a x b"));
    }

    #[test]
    fn normalized_output_keeps_what_still_matches() {
        let p =
            |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let shown = p(&["start", "took [..] ms", "...", "total: 50"]);
        assert_eq!(
            normalize(&shown, &["start", "took 9 ms", "x", "y", "total: 50"]),
            shown
        );
        assert_eq!(
            normalize(&shown, &["start", "took 9 ms", "x", "total: 47"]),
            p(&["start", "took [..] ms", "x", "total: 47"])
        );
        assert_eq!(
            normalize(&p(&["a", "b"]), &["a", "c", "d"]),
            p(&["a", "c", "d"])
        );
    }

    fn shown(output: &[&str], exit_code: i32) -> Option<Shown> {
        Some(Shown {
            output: output.iter().map(|s| s.to_string()).collect(),
            exit_code,
        })
    }

    #[test]
    fn rewriting_a_block_changes_only_the_outputs_that_differ() {
        let block = "$ cargo run --example a\nold a\n[..] kept\n\n\
                     $ cargo run --example b -- 0\nerror: old\n$ echo $?\n2\n\n\
                     $ ls\n$ cargo run --example c\nsame\n";
        let new = rewritten(
            block,
            &[
                shown(&["new a", "[..] kept", "more"], 0),
                shown(&["error: new"], 3),
                None,
            ],
        );
        assert_eq!(
            new,
            "$ cargo run --example a\nnew a\n[..] kept\nmore\n\n\
             $ cargo run --example b -- 0\nerror: new\n$ echo $?\n3\n\n\
             $ ls\n$ cargo run --example c\nsame\n"
        );
        // A step that now fails, and showed no exit code, gets one.
        let new =
            rewritten("$ cargo run --example a\nok\n", &[shown(&["bad"], 1)]);
        assert_eq!(new, "$ cargo run --example a\nbad\n$ echo $?\n1\n");
        // Nothing to rewrite: the block as it was.
        assert_eq!(rewritten(block, &[None, None, None]), block);
        // The runner's output is rewritten as an example's is.
        let new = rewritten(
            "$ cargo exercises hint ex_a\nHint 1/3 for ex_a: old\n",
            &[shown(&["Hint 1/2 for ex_a: new"], 0)],
        );
        assert_eq!(
            new,
            "$ cargo exercises hint ex_a\nHint 1/2 for ex_a: new\n"
        );
    }

    #[test]
    fn a_rewrite_lands_in_the_markdown_file() {
        let root = std::env::temp_dir()
            .join(format!("harness-console-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src")).unwrap();
        let md = "# T\n\n```console\n$ cargo run --example a\nold\n```\n\n\
                  > Quoted:\n>\n> ```console\n> $ cargo run --example b\n> one\n>\n> two\n> ```\n\nEnd.\n";
        std::fs::write(root.join("src/x.md"), md).unwrap();
        let first = "$ cargo run --example a\nold\n";
        let first_new = rewritten(first, &[shown(&["new", "lines"], 0)]);
        rewrite_in_place(&root, "src/x.md:3", first, &first_new).unwrap();
        // The second block is found at its line of the build although the
        // first one grew by a line.
        let second = "$ cargo run --example b\none\n\ntwo\n";
        let second_new = rewritten(second, &[shown(&["un", "", "deux"], 0)]);
        rewrite_in_place(&root, "src/x.md:10", second, &second_new).unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("src/x.md")).unwrap(),
            "# T\n\n```console\n$ cargo run --example a\nnew\nlines\n```\n\n\
             > Quoted:\n>\n> ```console\n> $ cargo run --example b\n> un\n>\n> deux\n> ```\n\nEnd.\n"
        );
        // The blocks are found where the parser finds them.
        let blocks = crate::markdown::blocks(&root, "src/x.md").unwrap();
        assert_eq!(blocks[0].code, first_new);
        assert_eq!(blocks[1].code, second_new);
        // A block that is not what the file holds is left alone.
        let e = rewrite_in_place(&root, "src/x.md:3", first, &first_new)
            .unwrap_err();
        assert!(e.contains("src/x.md:3: cannot rewrite the block"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn steps_and_exit_codes() {
        let s = steps(
            "$ cargo run --example a -- --threads 0\nerror: bad\n\
             $ echo $?\n2\n\n$ cargo run --example a\nok\n\
             $ ls\n$ cargo exercises solution ex_a\nerror: not yet\n\
             $ echo $?\n1\n",
        );
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].exit_code, 2);
        assert_eq!(s[0].expected, ["error: bad"]);
        assert_eq!(s[1].exit_code, 0);
        assert_eq!(s[1].expected, ["ok"]);
        assert_eq!(
            s[2].run,
            Runnable::Exercises(vec!["solution".into(), "ex_a".into()])
        );
        assert_eq!(s[2].expected, ["error: not yet"]);
        assert_eq!(s[2].exit_code, 1);
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
