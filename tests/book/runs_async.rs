//! "Locks in async code": the Clippy output the chapter shows is what this
//! toolchain's Clippy prints for the block above it.

/// The chapter's Clippy output (`text`) is a real run of Clippy on the
/// `rust` block right above it.
#[test]
fn clippy_output_in_the_chapter_is_real() {
    let _gate = crate::support::cpu_heavy();
    let blocks = crate::support::blocks("src/async-locks.md");
    let output = blocks
        .iter()
        .position(|b| {
            b.lang() == "text"
                && b.code.starts_with("warning: this `MutexGuard` is held")
        })
        .expect("the await_holding_lock output");
    let program = blocks[..output]
        .iter()
        .rev()
        .find(|b| b.lang() == "rust")
        .map(|b| b.compiled_code())
        .expect("a rust block above the Clippy output");
    assert!(program.contains(".await;"), "{program}");
    let shown = &blocks[output].code;
    let real = crate::runs_scopes::clippy(&program, &[]);
    let mut patterns: Vec<String> = shown.lines().map(str::to_owned).collect();
    patterns.push("...".to_owned());
    let real: Vec<&str> = real.lines().map(str::trim_end).collect();
    assert!(
        book_harness::console::lines_match(&patterns, &real),
        "src/async-locks.md shows Clippy output that Clippy does not \
         print.\n--- shown:\n{shown}\n--- real output:\n{}",
        real.join("\n")
    );
}

/// The chapter quotes the committed run of benches/async_locks.rs
/// (src/images/async-costs.txt, `cargo xtask async-costs`): both medians
/// as the table has them, and their ratio.
#[test]
fn the_async_costs_quoted_are_the_committed_run() {
    let table = crate::support::read("src/images/async-costs.txt");
    let rows = book_figures::costs::read_numbers(&table)
        .expect("src/images/async-costs.txt is a table of numbers");
    let ns = |id: &str| {
        rows.iter()
            .find(|(row, _)| row == id)
            .unwrap_or_else(|| panic!("no {id} in async-costs.txt"))
            .1
    };
    let (std, tokio) = (ns("async/std_mutex"), ns("async/tokio_mutex"));
    let number = book_figures::costs::number;
    let sentence = format!(
        "took {} ns with tokio's `Mutex` and {} ns with std's, {:.1} times as \
         long",
        number(tokio),
        number(std),
        tokio / std
    );
    let chapter = crate::support::read("src/async-locks.md");
    let flat = chapter.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&sentence),
        "src/async-locks.md must say, as the committed run shows: {sentence}"
    );
}
