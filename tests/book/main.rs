//! What the chapters' programs do, beside the block tests of
//! `tests/blocks` (`cargo test -p book-tests`, or `cargo xtask test` for
//! everything):
//!
//! - one module per chapter's programs (`runs_*`), what a single shown
//!   output cannot check: a race on every run, a hang detected every time;
//! - the examples as a whole (`example_runs`), the quizzes, the
//!   instructors' page and the exercises' manifest it is generated from,
//!   the timelines and the cost figures;
//! - `harness_selftest`: a small broken book, to prove the checks fail.
//!
//! `support` holds what they share.

mod example_runs;
mod harness_selftest;
mod instructors;
mod manifest;
mod quizzes;
mod runs_async;
mod runs_costs;
mod runs_deadlocks;
mod runs_guards;
mod runs_nested;
mod runs_primitives;
mod runs_reentrant;
mod runs_scopes;
mod runs_testing;
mod runs_threads;
mod support;
mod timelines;
