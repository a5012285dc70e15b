//! `cargo xtask typos`: the spelling of the book (src/), the quizzes, the
//! README and the code (its comments and names), checked by typos
//! (typos-cli, pinned in tools.rs), with the project's word list and the
//! files it skips in _typos.toml.

use crate::process::{self, MINUTE, cmd};
use crate::{Result, no_args, tools};

pub fn typos(args: &[String]) -> Result {
    no_args("typos", args)?;
    tools::cargo_tools(&[tools::TYPOS], false)?;
    let mut check = cmd("typos", &["--format", "brief"]);
    check.current_dir(crate::root());
    process::run(check, 5 * MINUTE)
}
