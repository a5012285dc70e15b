//! Starting commands with a time limit. std can wait for a child but not
//! give up on it, and killing the child alone would leave what it started
//! (cargo's test binaries, a browser) running: so a watchdog thread kills
//! the child and all its descendants when the limit passes. The tree is
//! read from /proc (the project runs on Debian only) rather than by putting
//! the child in a process group of its own, so that Ctrl-C in the terminal
//! still reaches every process.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::{Context, Result, fail};

pub const SECOND: Duration = Duration::from_secs(1);
pub const MINUTE: Duration = Duration::from_secs(60);

/// `program args...`, to be configured further and run below.
pub fn cmd<S: AsRef<std::ffi::OsStr>>(program: &str, args: &[S]) -> Command {
    let mut command = Command::new(program);
    command.args(args);
    command
}

/// How a command is shown in messages: `cargo test --workspace`.
pub fn show(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs `command` with the terminal's input and output; fails if it exits
/// non-zero or is still running after `limit`.
pub fn run(mut command: Command, limit: Duration) -> Result {
    let what = show(&command);
    let child = command.spawn().context(|| format!("cannot start {what}"))?;
    let status = wait(&what, child, limit, |_| Ok(()))?.0;
    check(&what, status)
}

/// Runs `command` and returns its exit status (a non-zero one is not an
/// error here); fails only if it cannot start or runs past `limit`.
pub fn status(mut command: Command, limit: Duration) -> Result<ExitStatus> {
    let what = show(&command);
    let child = command.spawn().context(|| format!("cannot start {what}"))?;
    Ok(wait(&what, child, limit, |_| Ok(()))?.0)
}

/// Runs `command` and returns its standard output; it must succeed. Its
/// stderr goes to the terminal.
pub fn stdout(mut command: Command, limit: Duration) -> Result<String> {
    let what = show(&command);
    command.stdout(Stdio::piped());
    let child = command.spawn().context(|| format!("cannot start {what}"))?;
    let (status, out) = wait(&what, child, limit, |child| {
        let mut text = String::new();
        if let Some(mut out) = child.stdout.take() {
            out.read_to_string(&mut text)?;
        }
        Ok(text)
    })?;
    check(&what, status)?;
    Ok(out)
}

/// Runs `command` with stdout and stderr merged into one stream, as a
/// terminal shows them; returns the exit status and the lines. With `echo`,
/// each line is also printed as it comes.
pub fn merged(
    mut command: Command,
    limit: Duration,
    echo: bool,
) -> Result<(ExitStatus, Vec<String>)> {
    let what = show(&command);
    let (reader, writer) =
        std::io::pipe().context(|| "cannot make a pipe".into())?;
    let writer2 = writer.try_clone().context(|| "cannot make a pipe".into())?;
    command.stdout(writer).stderr(writer2);
    let child = command.spawn().context(|| format!("cannot start {what}"))?;
    // The command holds the pipe's writing ends: drop it, or the reading
    // end would never see the end of the output.
    drop(command);
    wait(&what, child, limit, move |_| {
        let mut lines = Vec::new();
        for line in BufReader::new(reader).split(b'\n') {
            let line = String::from_utf8_lossy(&line?).into_owned();
            if echo {
                println!("{line}");
            }
            lines.push(line);
        }
        Ok(lines)
    })
}

/// Fails, naming the command, unless it succeeded.
pub fn check(what: &str, status: ExitStatus) -> Result {
    if status.success() {
        Ok(())
    } else {
        Err(fail(format!("`{what}` failed ({})", describe(status))))
    }
}

/// `exit code 101` or `killed by signal 9`.
pub fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => status.to_string(),
    }
}

/// Runs `read` on the child (reading its output), then waits for it, all
/// under the watchdog: the output of a hung command ends when it is killed.
pub fn wait<T>(
    what: &str,
    mut child: Child,
    limit: Duration,
    read: impl FnOnce(&mut Child) -> std::io::Result<T>,
) -> Result<(ExitStatus, T)> {
    let pid = child.id();
    let (finished, watch) = mpsc::channel::<()>();
    let dog = thread::spawn(move || {
        let fired = matches!(
            watch.recv_timeout(limit),
            Err(mpsc::RecvTimeoutError::Timeout)
        );
        if fired {
            kill_tree(pid);
        }
        fired
    });
    let out = read(&mut child);
    let status = child.wait();
    let _ = finished.send(());
    if dog.join().unwrap_or(false) {
        return Err(fail(format!(
            "`{what}` was still running after {}: killed it and what it started",
            seconds(limit)
        )));
    }
    let out = out.context(|| format!("reading the output of {what}"))?;
    let status = status.context(|| format!("waiting for {what}"))?;
    Ok((status, out))
}

/// Kills `pid` and every process below it. The tree is stopped first, and
/// read again until it stops growing, so that no process can start another
/// between the reading and the killing; then all of them are killed at
/// once (a parent killed alone would leave its children to init, where
/// they could no longer be found).
fn kill_tree(pid: u32) {
    let mut tree = vec![pid];
    for _ in 0..10 {
        signal("STOP", &tree);
        // A signal is delivered later: a process may finish a fork first.
        wait_for_state(&tree, &['T', 't', 'Z', 'X']);
        let mut now = vec![pid];
        now.extend(descendants(pid));
        if now.iter().all(|p| tree.contains(p)) {
            break;
        }
        tree.extend(
            now.into_iter()
                .filter(|p| !tree.contains(p))
                .collect::<Vec<_>>(),
        );
    }
    signal("KILL", &tree);
    // A killed process still runs while it is torn down.
    wait_for_state(&tree, &['Z', 'X']);
}

/// Waits (up to a second) until each process is gone or in one of
/// `states` (/proc's letters: T stopped, Z zombie...).
fn wait_for_state(pids: &[u32], states: &[char]) {
    let deadline = Instant::now() + SECOND;
    while Instant::now() < deadline {
        let waiting = pids.iter().any(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default();
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next())
                .is_some_and(|state| !states.contains(&state))
        });
        if !waiting {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Sends a signal to processes. The shell's built-in kill: std can signal
/// only its own children, and the kill program is not on every Debian
/// image.
fn signal(name: &str, pids: &[u32]) {
    let _ = Command::new("sh")
        .args(["-c", &format!("kill -{name} \"$@\" 2>/dev/null"), "kill"])
        .args(pids.iter().map(u32::to_string))
        .status();
}

/// The processes below `root`, from each process's parent in /proc.
fn descendants(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat"))
            else {
                continue;
            };
            // `pid (name) state ppid ...`: the name may hold spaces and
            // parentheses, so fields are counted after the last `)`.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// `12.3 s`
pub fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// A point in time that several commands share as their limit.
pub struct Deadline(Instant);

impl Deadline {
    pub fn after(limit: Duration) -> Self {
        Self(Instant::now() + limit)
    }

    /// The time left, but at most `limit`.
    pub fn left(&self, limit: Duration) -> Duration {
        self.0.saturating_duration_since(Instant::now()).min(limit)
    }
}

/// Finds `program` on PATH, as the shell would.
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|file| {
            file.metadata().is_ok_and(|m| {
                m.is_file() && m.permissions().mode() & 0o111 != 0
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hung_command_and_its_children_are_killed() {
        let pid_file = std::env::temp_dir()
            .join(format!("xtask-kill-test-{}", std::process::id()));
        let script = format!(
            "sleep 30 & echo $! > {}; sleep 30; wait",
            pid_file.display()
        );
        let start = Instant::now();
        let err = run(cmd("sh", &["-c", &script]), Duration::from_millis(500))
            .unwrap_err();
        assert!(err.message.contains("still running after"), "{err:?}");
        assert!(start.elapsed() < Duration::from_secs(10));
        let grandchild = std::fs::read_to_string(&pid_file).unwrap();
        let _ = std::fs::remove_file(&pid_file);
        // Gone, or a zombie waiting for whoever inherited it.
        let stat = std::fs::read_to_string(format!(
            "/proc/{}/stat",
            grandchild.trim()
        ))
        .unwrap_or_default();
        let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
        assert!(
            state.is_none_or(|s| s.starts_with('Z')),
            "the background sleep still runs: {stat}"
        );
    }

    #[test]
    fn merged_output_keeps_both_streams_and_the_status() {
        let (status, lines) = merged(
            cmd("sh", &["-c", "echo out; echo err >&2; exit 3"]),
            MINUTE,
            false,
        )
        .unwrap();
        assert_eq!(status.code(), Some(3));
        assert_eq!(lines, ["out", "err"]);
    }

    #[test]
    fn a_failing_command_is_named() {
        let err = run(cmd("sh", &["-c", "exit 5"]), MINUTE).unwrap_err();
        assert_eq!(err.message, "`sh -c exit 5` failed (exit code 5)");
    }
}
