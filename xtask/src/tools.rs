//! The one place where tools are installed: the pinned mdBook tools (from
//! the crate registry, into $LOCKBOOK_TOOLS, default
//! ~/.cache/lockbook-tools, so that an mdBook of another version installed
//! by the reader is left alone), and for the browser tests Debian's
//! Chromium, npm and the pinned Node packages of tests/browser. Each is
//! installed only when missing or of another version. The CI cache key
//! hashes this file, so changing a version below refreshes the cache.

use std::path::{Path, PathBuf};

use crate::process::{self, MINUTE, SECOND, cmd};
use crate::{Context, Result, fail, no_args};

/// A tool from the crate registry, at the version the book is made with.
#[derive(Clone, Copy)]
pub struct Tool {
    /// The command.
    pub name: &'static str,
    /// The crate that has it (usually the same name).
    pub krate: &'static str,
    pub version: &'static str,
}

pub const MDBOOK: Tool = Tool {
    name: "mdbook",
    krate: "mdbook",
    version: "0.5.4",
};
/// The link checker that build-book runs (book.toml [output.linkcheck2]).
pub const LINKCHECK: Tool = Tool {
    name: "mdbook-linkcheck2",
    krate: "mdbook-linkcheck2",
    version: "0.13.0",
};
/// The quizzes at the end of each chapter (book.toml [preprocessor.quiz]).
pub const QUIZ: Tool = Tool {
    name: "mdbook-quiz",
    krate: "mdbook-quiz",
    version: "0.5.0",
};

/// The spelling checker that `cargo xtask typos` runs (_typos.toml).
pub const TYPOS: Tool = Tool {
    name: "typos",
    krate: "typos-cli",
    version: "1.52.0",
};

/// Debian's Chromium, unless CHROMIUM names another build (the GitHub
/// workflow uses the runner's Chrome).
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// The folder the pinned tools go into.
pub fn tools_dir() -> PathBuf {
    if let Some(dir) =
        std::env::var_os("LOCKBOOK_TOOLS").filter(|d| !d.is_empty())
    {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache/lockbook-tools")
}

/// Puts the tools' bin/ first on PATH, for this process and every command
/// it starts (mdbook finds its preprocessors there too).
pub fn put_tools_on_path() {
    let mut dirs = vec![tools_dir().join("bin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    if let Ok(path) = std::env::join_paths(dirs) {
        // SAFETY: called from main before any other thread exists, so no
        // thread reads the environment at the same time.
        unsafe { std::env::set_var("PATH", path) };
    }
}

/// `cargo xtask install-tools`: everything any task needs.
pub fn install_tools(args: &[String]) -> Result {
    no_args("install-tools", args)?;
    cargo_tools(&[MDBOOK, LINKCHECK, QUIZ, TYPOS], true)?;
    debugger()?;
    let chromium = browser()?;
    println!(
        "install-tools: ready: {} {}, {} {}, {} {} (in {}), Chromium {}, Node packages in tests/browser",
        MDBOOK.name,
        MDBOOK.version,
        LINKCHECK.name,
        LINKCHECK.version,
        QUIZ.name,
        QUIZ.version,
        tools_dir().join("bin").display(),
        chromium.display()
    );
    Ok(())
}

/// The version `NAME --version` reports (`mdbook v0.5.4` and
/// `mdbook-quiz 0.5.0` both give the number), or None if it does not run.
fn installed_version(tool: Tool) -> Option<String> {
    let out =
        process::stdout(cmd(tool.name, &["--version"]), 30 * SECOND).ok()?;
    // `mdbook v0.5.4`, `typos-cli 1.52.0`: the crate's name, or the
    // command's.
    let out = out.trim();
    let rest = out
        .strip_prefix(tool.krate)
        .or_else(|| out.strip_prefix(tool.name))?
        .trim_start();
    Some(rest.strip_prefix('v').unwrap_or(rest).to_owned())
}

/// Installs each of `tools` whose `--version` is not the pinned one. With
/// `verbose`, says so for the ones already there too.
pub fn cargo_tools(tools: &[Tool], verbose: bool) -> Result {
    let dir = tools_dir();
    let missing: Vec<(Tool, Option<String>)> = tools
        .iter()
        .map(|&tool| (tool, installed_version(tool)))
        .filter(|(tool, found)| {
            let ok = found.as_deref() == Some(tool.version);
            if ok && verbose {
                println!(
                    "install-tools: {} {} is installed",
                    tool.name, tool.version
                );
            }
            !ok
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // One target folder for all of them: they share most dependencies
    // (mdBook's own crates among them), which are then built once.
    let build = dir.join("build");
    for (tool, found) in &missing {
        let why = match found {
            Some(version) => format!("found version {version}"),
            None => "not found".into(),
        };
        println!(
            "install-tools: installing {} {} into {} ({why}); takes a few minutes, once",
            tool.name,
            tool.version,
            dir.display()
        );
        let mut install =
            cmd("cargo", &["install", "--locked", "--quiet", "--root"]);
        install
            .arg(&dir)
            .args(["--version", tool.version, tool.krate])
            .env("CARGO_TARGET_DIR", &build);
        process::run(install, 60 * MINUTE)?;
        match installed_version(*tool) {
            Some(v) if v == tool.version => {}
            other => {
                return Err(fail(format!(
                    "installed {} {} but `{} --version` reports {}: is another {} earlier on PATH?",
                    tool.name,
                    tool.version,
                    tool.name,
                    other.as_deref().unwrap_or("nothing"),
                    tool.name
                )));
            }
        }
    }
    // The compiled dependencies are of no use once the tools are built,
    // and would make the CI cache of this folder ten times larger.
    let _ = std::fs::remove_dir_all(&build);
    Ok(())
}

/// gdb, which "Deadlocks between locks" attaches to a hung demo (its test
/// compares the backtraces shown with a real attach): Debian's package,
/// installed when missing.
pub fn debugger() -> Result {
    if process::which("gdb").is_none() {
        println!("install-tools: installing gdb (Debian package gdb)");
        Apt { updated: false }.install(&["gdb"])?;
    }
    Ok(())
}

/// What the browser tests need beyond Rust, installed when missing:
/// Chromium, npm, tests/browser's pinned Node packages, and poppler's
/// pdftotext and pdfinfo (which read back the PDF of the book that
/// specs/pdf.spec.mjs prints). Returns the Chromium to run.
pub fn browser() -> Result<PathBuf> {
    let mut apt = Apt { updated: false };
    let chromium = match std::env::var_os("CHROMIUM").filter(|c| !c.is_empty())
    {
        Some(path) => {
            let path = PathBuf::from(path);
            if !path.is_file() {
                return Err(fail(format!(
                    "CHROMIUM={} does not exist (unset it to use Debian's {DEBIAN_CHROMIUM})",
                    path.display()
                )));
            }
            path
        }
        None => {
            let path = PathBuf::from(DEBIAN_CHROMIUM);
            if !path.is_file() {
                println!(
                    "install-tools: installing Chromium (Debian package chromium)"
                );
                apt.install(&["chromium"])?;
            }
            path
        }
    };
    if process::which("npm").is_none() {
        println!("install-tools: installing Node.js and npm (Debian packages)");
        apt.install(&["nodejs", "npm"])?;
    }
    if process::which("pdftotext").is_none()
        || process::which("pdfinfo").is_none()
    {
        println!(
            "install-tools: installing pdftotext and pdfinfo (Debian package poppler-utils)"
        );
        apt.install(&["poppler-utils"])?;
    }
    node_packages()?;
    Ok(chromium)
}

/// `npm ci` in tests/browser when node_modules is missing or older than
/// package-lock.json (npm writes node_modules/.package-lock.json on each
/// install).
fn node_packages() -> Result {
    let dir = crate::root().join("tests/browser");
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    let why = match (modified(&installed), modified(&lock)) {
        (None, _) => "node_modules is missing",
        (Some(installed), Some(lock)) if installed < lock => {
            "package-lock.json is newer than node_modules"
        }
        _ => return Ok(()),
    };
    println!(
        "install-tools: installing the pinned Node packages of tests/browser (npm ci: {why})"
    );
    let mut npm = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    // Debian's Chromium is the browser: no download of Playwright's own.
    npm.current_dir(&dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    process::run(npm, 20 * MINUTE)
}

/// Debian packages, as root or through sudo; the package lists are
/// refreshed once, before the first install.
struct Apt {
    updated: bool,
}

impl Apt {
    fn install(&mut self, packages: &[&str]) -> Result {
        if !self.updated {
            process::run(as_root(&["apt-get", "update"])?, 20 * MINUTE)?;
            self.updated = true;
        }
        let mut args = vec![
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            "apt-get",
            "install",
            "-y",
        ];
        args.extend(packages);
        process::run(as_root(&args)?, 30 * MINUTE)
    }
}

/// `args` as a command run as root: directly if this process is root,
/// else through sudo.
fn as_root(args: &[&str]) -> Result<std::process::Command> {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to this process's effective user.
    let uid = std::fs::metadata("/proc/self")
        .context(|| "cannot read /proc/self".into())?
        .uid();
    if uid == 0 {
        Ok(cmd(args[0], &args[1..]))
    } else if process::which("sudo").is_some() {
        Ok(cmd("sudo", args))
    } else {
        Err(fail(format!(
            "`{}` needs root, and sudo is not installed: run it as root once",
            args.join(" ")
        )))
    }
}
