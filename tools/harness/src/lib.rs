//! The book's test harness: finds every code block of the chapters and
//! checks it. `build.rs` generates one test per block with [`generate`];
//! the tests call [`compile_fail::check`], [`console::check`], the
//! checks in [`program`] and [`python::check`]; skeptic
//! compiles and runs the plain `rust` blocks; [`rules`] makes sure no block
//! escapes all of them.

pub mod compile_fail;
pub mod console;
pub mod generate;
pub mod markdown;
pub mod program;
pub mod python;
pub mod rules;

/// Fail the calling test with the check's message, which names the block's
/// file and line.
#[track_caller]
pub fn pass(result: Result<(), String>) {
    if let Err(message) = result {
        panic!("{message}");
    }
}
