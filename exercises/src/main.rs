//! `cargo exercises`: the learner's runner for the book's exercises.
//!
//! It reads `exercises.toml` at the repository root, runs each exercise with
//! `cargo run --example NAME` there (so the examples build in the
//! repository's own target dir, as when the learner types that command;
//! `check-all` builds them all at once, see `build_examples`) and
//! keeps the progress in `target/exercises/progress.toml` (or in the folder
//! `EXERCISES_STATE_DIR` names).

mod progress;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use exercises::manifest::{self, Exercise, Manifest};
use progress::{Progress, State};

const USAGE: &str = "\
usage: cargo exercises [--root DIR] [COMMAND] [NAME] [OPTIONS]

commands:
  list                 every exercise by chapter, its state and the progress
                       (the default)
  run [NAME]           run NAME, or the next unfinished exercise
  watch [NAME]         run it, then again each time its file is saved; move
                       on when it passes (Ctrl-C to stop)
  hint [NAME]          the next hint for NAME (or the current exercise)
  reset NAME [--yes]   restore examples/NAME.rs to its starter (asks first)
  solution NAME [--show-solution]
                       the solution's path, once NAME has passed
  check-all            instructors and CI: every starter fails, every
                       solution passes
  help                 this text

options:
  --root DIR           the book's repository (default: this checkout; or the
                       EXERCISES_ROOT environment variable)

environment:
  EXERCISES_STATE_DIR  the folder of the progress file (default:
                       target/exercises/ in the repository)";

/// Why the runner stops early: a usage error exits with 2, anything else
/// (a missing file, a git failure) with 1. Either is one line on stderr.
enum Error {
    Usage(String),
    Other(String),
}

impl From<String> for Error {
    fn from(msg: String) -> Error {
        Error::Other(msg)
    }
}

type Result<T> = std::result::Result<T, Error>;

fn main() -> ExitCode {
    match real_main(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(Error::Usage(msg)) => {
            eprintln!("error: {msg} (see `cargo exercises help`)");
            ExitCode::from(2)
        }
        Err(Error::Other(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

struct Options {
    root: Option<PathBuf>,
    yes: bool,
    show_solution: bool,
    words: Vec<String>,
}

fn parse(args: Vec<String>) -> Result<Options> {
    let mut opts = Options {
        root: None,
        yes: false,
        show_solution: false,
        words: Vec::new(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => match args.next() {
                Some(dir) => opts.root = Some(PathBuf::from(dir)),
                None => return Err(Error::Usage("--root needs a DIR".into())),
            },
            "--yes" | "-y" => opts.yes = true,
            "--show-solution" => opts.show_solution = true,
            "-h" | "--help" => opts.words.insert(0, "help".into()),
            _ if arg.starts_with('-') => {
                return Err(Error::Usage(format!("unknown option `{arg}`")));
            }
            _ => opts.words.push(arg),
        }
    }
    Ok(opts)
}

/// The repository: `--root`, else `EXERCISES_ROOT`, else the checkout this
/// runner was built from (the workspace holding this package).
fn root(opts: &Options) -> PathBuf {
    opts.root
        .clone()
        .or_else(|| std::env::var_os("EXERCISES_ROOT").map(PathBuf::from))
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("the runner lives in a workspace")
                .to_path_buf()
        })
}

fn real_main(args: Vec<String>) -> Result<ExitCode> {
    let opts = parse(args)?;
    let command = opts.words.first().map(String::as_str).unwrap_or("list");
    let name = opts.words.get(1).map(String::as_str);
    let allowed_words = match command {
        "list" | "check-all" | "help" => 1,
        _ => 2,
    };
    if opts.words.len() > allowed_words {
        let extra = &opts.words[allowed_words];
        return Err(Error::Usage(format!("unexpected argument `{extra}`")));
    }
    if command == "help" {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let known = [
        "list",
        "run",
        "watch",
        "hint",
        "reset",
        "solution",
        "check-all",
    ];
    if !known.contains(&command) {
        return Err(Error::Usage(format!("unknown command `{command}`")));
    }
    let root = root(&opts);
    let manifest = Manifest::load(&root)?;
    let mut progress = Progress::load(&Progress::state_dir(&root))?;
    let cx = Context {
        root: &root,
        manifest: &manifest,
    };
    match command {
        "list" => cx.list(&progress),
        "run" => {
            let Some(ex) = cx.pick(name, &progress)? else {
                return cx.all_done(&progress);
            };
            let passed = cx.run(ex, &mut progress)?;
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        "watch" => cx.watch(name, &mut progress),
        "hint" => {
            let Some(ex) = cx.pick(name, &progress)? else {
                return cx.all_done(&progress);
            };
            cx.hint(ex, &mut progress)
        }
        "reset" => {
            let ex = cx.named(name, "reset")?;
            cx.reset(ex, opts.yes, &mut progress)
        }
        "solution" => {
            let ex = cx.named(name, "solution")?;
            cx.solution(ex, opts.show_solution, &progress)
        }
        "check-all" => cx.check_all(),
        _ => unreachable!("checked against `known` above"),
    }
}

struct Context<'a> {
    root: &'a Path,
    manifest: &'a Manifest,
}

/// What one `cargo run --example` printed and how it ended.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    /// Cargo's and the program's stderr, when captured (check-all).
    stderr: String,
}

impl Outcome {
    fn has_line(&self, prefix: &str) -> bool {
        self.stdout.lines().any(|l| l.starts_with(prefix))
    }

    /// The learner's verdict: the check said PASS and exited with 0.
    fn passed(&self) -> bool {
        self.code == Some(0) && self.has_line("PASS")
    }
}

/// The examples `build_examples` built: each one's program, and the
/// compile errors of those that did not build.
#[derive(Default)]
struct Built {
    executables: HashMap<String, PathBuf>,
    errors: HashMap<String, String>,
    cargo_said: String,
}

impl Built {
    /// Run the program of `example` at `root`; `Err` with the compile
    /// errors if it did not build.
    fn run(
        &self,
        example: &str,
        root: &Path,
    ) -> Result<std::result::Result<Outcome, String>> {
        let Some(exe) = self.executables.get(example) else {
            // Its own errors; or, if it has none, what stopped it: the
            // errors of what it depends on (the library) and cargo's own.
            let said = match self.errors.get(example) {
                Some(own) => own.clone(),
                None => {
                    let mut all: Vec<&String> = self.errors.values().collect();
                    all.push(&self.cargo_said);
                    all.into_iter().map(String::as_str).collect()
                }
            };
            return Ok(Err(said));
        };
        let mut cmd = Command::new(exe);
        cmd.current_dir(root);
        Ok(Ok(outcome(cmd, false, example)?))
    }
}

/// cargo: the one that runs this runner (`CARGO`), or the one on PATH.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Run `cmd` to its end and keep what it printed. With `echo`, its stdout
/// is shown as it comes and its stderr goes straight to the terminal.
fn outcome(mut cmd: Command, echo: bool, what: &str) -> Result<Outcome> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if echo {
            Stdio::inherit()
        } else {
            Stdio::piped()
        });
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
            text
        })
    });
    let mut stdout = String::new();
    let pipe = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(pipe).lines() {
        let line = line.unwrap_or_else(|e| format!("<unreadable: {e}>"));
        if echo {
            println!("{line}");
        }
        stdout.push_str(&line);
        stdout.push('\n');
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for {what}: {e}"))?;
    let stderr = stderr
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    Ok(Outcome {
        code: status.code(),
        stdout,
        stderr,
    })
}

impl Context<'_> {
    fn named(&self, name: Option<&str>, command: &str) -> Result<&Exercise> {
        let Some(name) = name else {
            return Err(Error::Usage(format!("`{command}` needs a NAME")));
        };
        self.find(name)
    }

    fn find(&self, name: &str) -> Result<&Exercise> {
        self.manifest.find(name).ok_or_else(|| {
            Error::Usage(format!(
                "no exercise named `{name}` (`cargo exercises list` shows them)"
            ))
        })
    }

    /// NAME if given, else the first exercise, in book order, not yet passed.
    fn pick(
        &self,
        name: Option<&str>,
        progress: &Progress,
    ) -> Result<Option<&Exercise>> {
        match name {
            Some(name) => self.find(name).map(Some),
            None => Ok(self.next_unfinished(progress)),
        }
    }

    fn next_unfinished(&self, progress: &Progress) -> Option<&Exercise> {
        self.manifest
            .exercise
            .iter()
            .find(|e| progress.state(&e.name) != State::Passed)
    }

    fn progress_line(&self, progress: &Progress) -> String {
        let all = &self.manifest.exercise;
        let passed = all
            .iter()
            .filter(|e| progress.state(&e.name) == State::Passed)
            .count();
        format!("{passed}/{} passed", all.len())
    }

    fn all_done(&self, progress: &Progress) -> Result<ExitCode> {
        println!(
            "Every exercise has passed ({}).",
            self.progress_line(progress)
        );
        Ok(ExitCode::SUCCESS)
    }

    fn list(&self, progress: &Progress) -> Result<ExitCode> {
        let width = self.manifest.name_width();
        for chapter in self.manifest.chapters() {
            let mut exercises = self
                .manifest
                .exercise
                .iter()
                .filter(|e| e.chapter == chapter)
                .peekable();
            if exercises.peek().is_none() {
                continue;
            }
            println!("{}", manifest::chapter_title(self.root, chapter));
            for ex in exercises {
                let state = progress.state(&ex.name).label();
                println!("  {state:<11}  {:<width$}  {}", ex.name, ex.title);
            }
            println!();
        }
        println!("{}", self.progress_line(progress));
        if let Some(next) = self.next_unfinished(progress) {
            println!("Next: cargo exercises run {}", next.name);
        }
        Ok(ExitCode::SUCCESS)
    }

    fn require_file(&self, rel: &str) -> Result<()> {
        if self.root.join(rel).is_file() {
            Ok(())
        } else {
            Err(Error::Other(format!(
                "{rel} is missing (in {})",
                self.root.display()
            )))
        }
    }

    /// `cargo run --quiet --example NAME [--features ..]` at the root. With
    /// `echo`, the program's output is shown as it comes and cargo's stderr
    /// (a compile error, as rustc prints it) goes straight to the terminal;
    /// without, both are kept for the report.
    fn cargo_run(
        &self,
        example: &str,
        features: &[String],
        echo: bool,
    ) -> Result<Outcome> {
        let mut cmd = cargo();
        cmd.current_dir(self.root).args([
            "run",
            "--quiet",
            "--example",
            example,
        ]);
        if !features.is_empty() {
            cmd.args(["--features", &features.join(",")]);
        }
        outcome(cmd, echo, "cargo")
    }

    /// Every example of the workspace, built by one `cargo build
    /// --workspace --examples`: the build that `cargo test --workspace`
    /// has already made (its features unified over the workspace), so
    /// check-all after the tests compiles nothing again, where a `cargo
    /// run` per exercise, with the exercise's own features, built each one
    /// a second time. Those features are checked by the book's tests
    /// (tests/book/manifest.rs), and `run` uses them. `--keep-going`: a
    /// starter that does not compile is reported, the others still run.
    fn build_examples(&self) -> Result<Built> {
        eprintln!(
            "check-all: building every starter and solution \
             (cargo build --workspace --examples)"
        );
        let mut cmd = cargo();
        cmd.current_dir(self.root).args([
            "build",
            "--quiet",
            "--workspace",
            "--examples",
            "--keep-going",
            "--message-format=json",
        ]);
        let out = outcome(cmd, false, "cargo")?;
        let mut built = Built::default();
        for line in out.stdout.lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line)
            else {
                continue;
            };
            let target = msg["target"]["name"].as_str().unwrap_or_default();
            match msg["reason"].as_str() {
                Some("compiler-artifact") => {
                    if let Some(exe) = msg["executable"].as_str() {
                        built.executables.insert(target.into(), exe.into());
                    }
                }
                Some("compiler-message")
                    if msg["message"]["level"] == "error" =>
                {
                    let text = msg["message"]["rendered"].as_str();
                    let errors = built.errors.entry(target.into()).or_default();
                    errors.push_str(text.unwrap_or_default());
                }
                _ => {}
            }
        }
        // Anything cargo itself said (a broken manifest, a missing
        // dependency) goes with every example that did not build.
        built.cargo_said = out.stderr;
        Ok(built)
    }

    /// Run one exercise for the learner and record its state.
    fn run(&self, ex: &Exercise, progress: &mut Progress) -> Result<bool> {
        self.require_file(&ex.starter())?;
        println!("Running {} ({}): {}", ex.name, ex.starter(), ex.title);
        let outcome = self.cargo_run(&ex.name, &ex.features, true)?;
        let passed = outcome.passed();
        progress.entry(&ex.name).state = if passed {
            State::Passed
        } else {
            State::Failing
        };
        progress.save()?;
        println!();
        if passed {
            println!(
                "{} passed ({}). Compare with the solution: {}",
                ex.name,
                self.progress_line(progress),
                ex.solution()
            );
        } else {
            if !outcome.has_line("FAIL") {
                println!(
                    "{} did not run to a verdict: fix what cargo printed \
                     above, then run it again.",
                    ex.name
                );
            }
            println!(
                "{} is not done yet ({}). A hint: cargo exercises hint {}",
                ex.name,
                self.progress_line(progress),
                ex.name
            );
        }
        Ok(passed)
    }

    fn hint(&self, ex: &Exercise, progress: &mut Progress) -> Result<ExitCode> {
        let total = ex.hints.len();
        let entry = progress.entry(&ex.name);
        let index = entry.hints_shown.min(total - 1);
        entry.hints_shown = (index + 1).max(entry.hints_shown);
        progress.save()?;
        println!(
            "Hint {}/{total} for {}: {}",
            index + 1,
            ex.name,
            ex.hints[index]
        );
        if index + 1 == total {
            println!(
                "That is the last hint; the solution's path is shown once \
                 {} passes (or: cargo exercises solution {} --show-solution).",
                ex.name, ex.name
            );
        }
        Ok(ExitCode::SUCCESS)
    }

    fn reset(
        &self,
        ex: &Exercise,
        yes: bool,
        progress: &mut Progress,
    ) -> Result<ExitCode> {
        let file = ex.starter();
        if !yes {
            if !std::io::stdin().is_terminal() {
                return Err(Error::Usage(format!(
                    "reset overwrites {file}; pass --yes to confirm"
                )));
            }
            print!(
                "Restore {file} to its starter? Your changes are lost. [y/N] "
            );
            std::io::stdout().flush().ok();
            let mut answer = String::new();
            std::io::stdin()
                .read_line(&mut answer)
                .map_err(|e| format!("cannot read the answer: {e}"))?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                println!("Not reset.");
                return Ok(ExitCode::FAILURE);
            }
        }
        let out = Command::new("git")
            .current_dir(self.root)
            .args(["checkout", "--", &file])
            .output()
            .map_err(|e| format!("cannot start git: {e}"))?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            let why = why.lines().next().unwrap_or("no message").trim();
            return Err(Error::Other(format!(
                "git could not restore {file}: {why}"
            )));
        }
        progress.entry(&ex.name).state = State::NotStarted;
        progress.save()?;
        println!("Restored {file} to its starter.");
        Ok(ExitCode::SUCCESS)
    }

    fn solution(
        &self,
        ex: &Exercise,
        show: bool,
        progress: &Progress,
    ) -> Result<ExitCode> {
        if !show && progress.state(&ex.name) != State::Passed {
            return Err(Error::Other(format!(
                "{} has not passed yet; the solution is shown after a PASS \
                 (or with --show-solution)",
                ex.name
            )));
        }
        self.require_file(&ex.solution())?;
        println!("{}", ex.solution());
        Ok(ExitCode::SUCCESS)
    }

    fn check_all(&self) -> Result<ExitCode> {
        let width = self.manifest.name_width();
        let built = self.build_examples()?;
        let mut wrong = 0;
        for ex in &self.manifest.exercise {
            let mut problems = Vec::new();
            let mut shown = Vec::new();
            for (file, example) in [
                (ex.starter(), ex.name.clone()),
                (ex.solution(), ex.solution_name()),
            ] {
                if let Err(Error::Other(msg) | Error::Usage(msg)) =
                    self.require_file(&file)
                {
                    problems.push(msg);
                    continue;
                }
                let is_starter = example == ex.name;
                let out = match built.run(&example, self.root)? {
                    Ok(out) => out,
                    Err(errors) => {
                        let which =
                            if is_starter { "starter" } else { "solution" };
                        problems.push(format!("{which} does not compile"));
                        shown.push(Outcome {
                            code: None,
                            stdout: String::new(),
                            stderr: errors,
                        });
                        continue;
                    }
                };
                let ok = if is_starter {
                    out.code == Some(1) && out.has_line("FAIL")
                } else {
                    out.code == Some(0)
                        && out
                            .stdout
                            .lines()
                            .any(|l| manifest::matches(&ex.pass, l))
                };
                if !ok {
                    problems.push(if is_starter {
                        format!("starter did not FAIL (exit {:?})", out.code)
                    } else {
                        format!(
                            "solution did not print `{}` (exit {:?})",
                            ex.pass, out.code
                        )
                    });
                    shown.push(out);
                }
            }
            if problems.is_empty() {
                println!(
                    "ok     {:<width$}  starter FAILs, solution PASSes",
                    ex.name
                );
            } else {
                wrong += 1;
                println!("WRONG  {:<width$}  {}", ex.name, problems.join("; "));
                for out in shown {
                    for line in out.stdout.lines().chain(out.stderr.lines()) {
                        println!("         | {line}");
                    }
                }
            }
        }
        let total = self.manifest.exercise.len();
        println!("check-all: {} of {total} exercises right", total - wrong);
        Ok(if wrong == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }

    fn watch(
        &self,
        name: Option<&str>,
        progress: &mut Progress,
    ) -> Result<ExitCode> {
        use notify::Watcher;
        let Some(mut current) = self.pick(name, progress)? else {
            return self.all_done(progress);
        };
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(event);
        })
        .map_err(|e| format!("cannot watch files: {e}"))?;
        // The folder, not the file: editors that save by writing a new file
        // and renaming it over the old one would end a watch on the file.
        let dir = self.root.join("examples");
        watcher
            .watch(&dir, notify::RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        loop {
            // A file gone for a moment (an editor that deletes, then writes)
            // is reported and waited for, not the end of the watch.
            let ran = match self.require_file(&current.starter()) {
                Ok(()) => self.run(current, progress)?,
                Err(Error::Other(msg) | Error::Usage(msg)) => {
                    eprintln!("error: {msg}");
                    false
                }
            };
            if ran {
                match self.next_unfinished(progress) {
                    Some(next) => {
                        println!();
                        println!("Next exercise: {}", next.name);
                        current = next;
                        continue;
                    }
                    None => return self.all_done(progress),
                }
            }
            println!(
                "Watching {}: save it to run again (Ctrl-C to stop).",
                current.starter()
            );
            std::io::stdout().flush().ok();
            wait_for_save(&rx, &format!("{}.rs", current.name))?;
            println!();
        }
    }
}

/// Block until the file named `file` in the watched folder is written, then
/// let the burst of events one save makes settle, so one save is one run.
fn wait_for_save(
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
    file: &str,
) -> Result<()> {
    let is_save = |event: &notify::Event| {
        matches!(
            event.kind,
            notify::EventKind::Modify(_) | notify::EventKind::Create(_)
        ) && event
            .paths
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == file))
    };
    loop {
        let event = rx
            .recv()
            .map_err(|_| "the file watcher stopped".to_string())?
            .map_err(|e| format!("the file watcher failed: {e}"))?;
        if is_save(&event) {
            break;
        }
    }
    while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
    Ok(())
}
