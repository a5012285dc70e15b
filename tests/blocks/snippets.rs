//! skeptic, the runner of the book's plain `rust` blocks, has two gaps that
//! this package closes, and nothing outside this package knows about:
//!
//! - editions: skeptic 0.14 passes `--edition=2021` at most; the book is
//!   edition 2024;
//! - time: skeptic waits for a snippet forever; a block that hangs must fail.
//!
//! build.rs points skeptic's generated tests here; these functions point
//! skeptic's `rustc` at `snippet-rustc` (snippet_rustc.rs, a binary of this
//! package), which compiles as edition 2024 and runs each program under a
//! time limit, then hand over to skeptic.

use std::sync::Once;

/// skeptic's `rt::run_test`, with the wrapper.
pub fn run_test(root: &str, out: &str, target: &str, text: &str) {
    use_wrapper();
    skeptic::rt::run_test(root, out, target, text);
}

/// skeptic's `rt::compile_test` (a `no_run` block), with the wrapper.
#[allow(
    dead_code,
    reason = "called only while the book has a no_run block for skeptic"
)]
pub fn compile_test(root: &str, out: &str, target: &str, text: &str) {
    use_wrapper();
    skeptic::rt::compile_test(root, out, target, text);
}

/// skeptic reads the compiler from `$RUSTC` when it compiles a snippet,
/// and has no other way to be given one. So it is set here, in this test
/// process only, the first time a snippet is compiled: never in cargo's
/// configuration, where every process cargo starts (a tool install, a
/// nested build) would inherit it.
fn use_wrapper() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        // SAFETY: `set_var` is unsafe because another thread could read the
        // environment at the same moment through libc, which std's lock
        // does not cover. The other threads of this test binary are test
        // threads that read the environment only through std (spawning
        // processes, `env::var`), and std serializes those reads with this
        // write.
        unsafe {
            std::env::set_var("RUSTC", env!("CARGO_BIN_EXE_snippet-rustc"));
        }
    });
}
