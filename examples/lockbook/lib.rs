//! Helpers shared by the book's example programs, so that each example shows
//! only what its chapter is about.

pub mod cli {
    //! Numeric command-line options such as `--threads 10`. A bad value gives a
    //! one-line error and exit code 2, never a panic with a backtrace.

    /// One `--name N` option.
    #[derive(Debug, Clone, Copy)]
    pub struct Opt {
        pub name: &'static str,
        pub default: u64,
        pub min: u64,
        pub max: u64,
        pub help: &'static str,
    }

    impl Opt {
        pub const fn new(
            name: &'static str,
            default: u64,
            help: &'static str,
        ) -> Opt {
            Opt {
                name,
                default,
                min: 1,
                max: 1_000_000,
                help,
            }
        }

        /// The same option with another allowed range.
        pub const fn range(self, min: u64, max: u64) -> Opt {
            Opt { min, max, ..self }
        }
    }

    /// Parse `args` (without the program name) against `opts`.
    /// `Ok(None)` means `--help` was asked for.
    pub fn try_parse<const N: usize>(
        args: impl IntoIterator<Item = String>,
        opts: &[Opt; N],
    ) -> Result<Option<[u64; N]>, String> {
        let mut values = opts.map(|o| o.default);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                return Ok(None);
            }
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) => {
                    (name.to_owned(), Some(value.to_owned()))
                }
                None => (arg.clone(), None),
            };
            let Some(index) =
                opts.iter().position(|o| format!("--{}", o.name) == name)
            else {
                return Err(format!("unknown argument `{arg}`"));
            };
            let opt = &opts[index];
            let Some(text) = inline.or_else(|| args.next()) else {
                return Err(format!("--{} needs a value", opt.name));
            };
            let value: u64 = text.parse().map_err(|_| {
                format!("--{} expects a whole number, got `{text}`", opt.name)
            })?;
            if value < opt.min || value > opt.max {
                return Err(format!(
                    "--{} must be between {} and {}, got {value}",
                    opt.name, opt.min, opt.max
                ));
            }
            values[index] = value;
        }
        Ok(Some(values))
    }

    /// The usage text for `program`.
    pub fn usage(program: &str, about: &str, opts: &[Opt]) -> String {
        if opts.is_empty() {
            return format!(
                "{about}\n\nusage: cargo run --example {program} (no options)\n"
            );
        }
        let mut text = format!(
            "{about}\n\nusage: cargo run --example {program} -- [OPTIONS]\n"
        );
        for o in opts {
            text += &format!(
                "  --{:<10} {} ({}..={}, default {})\n",
                format!("{} N", o.name),
                o.help,
                o.min,
                o.max,
                o.default
            );
        }
        text
    }

    /// For a program without options: `--help` prints `about` and exits 0;
    /// any argument is refused with exit code 2, rather than ignored.
    pub fn no_options(about: &str) {
        parse(about, []);
    }

    /// Parse the program's own arguments; print usage and exit on `--help`
    /// (code 0) or on a bad argument (code 2).
    pub fn parse<const N: usize>(about: &str, opts: [Opt; N]) -> [u64; N] {
        let mut args = std::env::args();
        let program = args.next().unwrap_or_default();
        let program = std::path::Path::new(&program).file_stem().map_or_else(
            || "example".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        match try_parse(args, &opts) {
            Ok(Some(values)) => values,
            Ok(None) => {
                print!("{}", usage(&program, about, &opts));
                std::process::exit(0);
            }
            Err(message) => {
                eprintln!("error: {message}");
                eprintln!(
                    "(run `cargo run --example {program} -- --help` for the options)"
                );
                std::process::exit(2);
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const OPTS: [Opt; 2] = [
            Opt::new("threads", 10, "threads"),
            Opt::new("updates", 100, "updates"),
        ];

        fn parse(args: &[&str]) -> Result<Option<[u64; 2]>, String> {
            try_parse(args.iter().map(|s| s.to_string()), &OPTS)
        }

        #[test]
        fn values_defaults_and_errors() {
            assert_eq!(parse(&[]), Ok(Some([10, 100])));
            assert_eq!(
                parse(&["--updates", "7", "--threads=3"]),
                Ok(Some([3, 7]))
            );
            assert_eq!(parse(&["--help"]), Ok(None));
            assert_eq!(
                parse(&["--threads", "0"]),
                Err("--threads must be between 1 and 1000000, got 0".into())
            );
            assert_eq!(
                parse(&["--threads", "lots"]),
                Err("--threads expects a whole number, got `lots`".into())
            );
            assert_eq!(
                parse(&["--threads"]),
                Err("--threads needs a value".into())
            );
            assert_eq!(parse(&["-x"]), Err("unknown argument `-x`".into()));
        }
    }
}

pub mod exercise {
    //! How every exercise reports: `PASS: ...` and exit code 0, or
    //! `FAIL: ...` with a hint and exit code 1. The checks run the learner's
    //! code with [`within`], so a hang becomes a FAIL, never a hang; they
    //! make the worst moment happen with a [`Watched`](crate::watched::Watched)
    //! lock.

    use std::time::Duration;

    /// How long a check lets the learner's code run before it calls it
    /// stuck. Every check's slowest phase takes well under a second.
    pub const LIMIT: Duration = Duration::from_secs(3);

    /// The learner's code was still running when the limit passed.
    #[derive(Debug)]
    pub struct Stuck {
        /// The name of the thread that ran it (the function's name).
        pub name: String,
        /// How long the check waited.
        pub waited: Duration,
    }

    impl Stuck {
        /// The FAIL for it: "`NAME` still blocked after 3.0 s", with `hint`.
        pub fn fail(self, hint: &'static str) -> Failure {
            (
                format!(
                    "{} still blocked after {:.1} s",
                    self.name,
                    self.waited.as_secs_f64()
                ),
                hint,
            )
        }
    }

    /// Run `steps` on a thread named `name` for at most [`LIMIT`]: its
    /// value, or [`Stuck`] (the thread is left blocked; the verdict ends
    /// the process). A panic in `steps` is passed on.
    pub fn within<T: Send + 'static>(
        name: &str,
        steps: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Stuck> {
        crate::watchdog::run_within(name, LIMIT, steps).map_err(|waited| {
            Stuck {
                name: name.to_owned(),
                waited,
            }
        })
    }

    /// What a check found wrong: what happened, and a hint toward the fix.
    pub type Failure = (String, &'static str);

    /// A check's verdict: what passed, or the failure.
    pub type Verdict = Result<String, Failure>;

    /// What `--help` says of exercise program `name` (a starter, or its
    /// solution if the name ends in `_solution`).
    pub fn about(name: &str) -> String {
        match name.strip_suffix("_solution") {
            Some(exercise) => {
                format!("The solution of exercise {exercise}: it prints PASS.")
            }
            None => format!(
                "Exercise {name}: change the function marked for you until \
                 this prints PASS (or run `cargo exercises watch`)."
            ),
        }
    }

    /// Print the verdict and end the program with its exit code.
    pub fn verdict(result: Verdict) -> ! {
        match result {
            Ok(done) => {
                println!("PASS: {done}");
                std::process::exit(0)
            }
            Err((what, hint)) => {
                println!("FAIL: {what}");
                println!("hint: {hint}");
                std::process::exit(1)
            }
        }
    }
}

/// The `main` of an exercise program, starter or solution alike: refuse
/// arguments (answer `--help`), run the check given, print its verdict and
/// exit with its code. So a starter and its solution share everything but
/// the function the learner writes:
///
/// ```ignore
/// lockbook::exercise_main!(lockbook::races::check_tickets(buy_ticket));
/// ```
#[macro_export]
macro_rules! exercise_main {
    ($check:expr) => {
        fn main() {
            $crate::cli::no_options(&$crate::exercise::about(env!(
                "CARGO_BIN_NAME"
            )));
            $crate::exercise::verdict($check);
        }
    };
}

pub mod watchdog {
    //! The book's rule is that no demo hangs. A demo of a hang runs the part
    //! that blocks on its own thread and waits for it here, with a limit; if
    //! the limit passes, it reports what is stuck and why, and ends the
    //! process. (A thread blocked in `lock()` cannot be cancelled, so ending
    //! the process is the only way out.)

    use std::sync::mpsc;
    use std::thread;
    use std::time::{Duration, Instant};

    /// Exit code of a program that detected a hang and stopped.
    pub const HANG_EXIT_CODE: i32 = 3;

    /// Run `work` on a new thread named `name`; wait at most `limit`.
    /// `Ok(value)` if it finished in time (a panic in `work` is passed on),
    /// `Err(waited)` if it is still running: it is left blocked.
    pub fn run_within<T: Send + 'static>(
        name: &str,
        limit: Duration,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Duration> {
        let (done, finished) = mpsc::channel();
        let started = Instant::now();
        let handle = thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let _ = done.send(work());
            })
            .expect("spawn a thread");
        match finished.recv_timeout(limit) {
            Ok(value) => Ok(value),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(started.elapsed()),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // `work` panicked before sending: pass the panic on.
                match handle.join() {
                    Err(panic) => std::panic::resume_unwind(panic),
                    Ok(()) => unreachable!("sent nothing yet returned"),
                }
            }
        }
    }

    /// Like [`run_within`], but on a hang print `hang detected: ...` with
    /// `cause` and end the process with [`HANG_EXIT_CODE`].
    pub fn finish_or_report<T: Send + 'static>(
        name: &str,
        limit: Duration,
        cause: &str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        match run_within(name, limit, work) {
            Ok(value) => value,
            Err(waited) => {
                println!(
                    "hang detected: thread `{name}` still blocked after {:.1} s",
                    waited.as_secs_f64()
                );
                println!("cause: {cause}");
                std::process::exit(HANG_EXIT_CODE)
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::sync::Mutex;

        #[test]
        fn finishes_or_times_out() {
            let quick = run_within("quick", Duration::from_secs(5), || 7);
            assert_eq!(quick, Ok(7));
            static HELD: Mutex<()> = Mutex::new(());
            let _held = HELD.lock().unwrap();
            let stuck = run_within("stuck", Duration::from_millis(200), || {
                drop(HELD.lock());
            });
            assert!(stuck.is_err());
        }
    }
}

// The checks behind each chapter's exercises, one file per chapter.
#[cfg(feature = "async")]
pub mod async_locks;
pub mod costs;
pub mod deadlocks;
pub mod guards;
pub mod nested;
pub mod primitives;
pub mod races;
pub mod reentrant;
pub mod scopes;
pub mod testing;
pub mod threads;

// The races and deadlocks the book's explorer plays, under shuttle.
#[cfg(feature = "shuttle")]
pub mod scenarios;

// The watched lock the checks hand to the learner's code.
pub mod watched;

// Optional event recording for the timeline pictures (cargo xtask draw-timelines).
pub mod trace;
