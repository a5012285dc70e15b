//! Writes the code of every block that skeptic runs, as the compiler sees
//! it, into a folder (one `N.rs` per block): what the benchmark compiles
//! with a bare rustc to compare against the test harness. Prints their
//! number; how many blocks each check takes goes to stderr.
//!
//!     cargo run -p book-harness --bin book-blocks -- BOOK_ROOT OUT_DIR

use std::path::PathBuf;

use book_harness::rules::{Check, all_blocks};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out] = args.as_slice() else {
        eprintln!("usage: book-blocks BOOK_ROOT OUT_DIR");
        std::process::exit(2);
    };
    let (blocks, problems) = all_blocks(&PathBuf::from(root));
    for problem in &problems {
        eprintln!("warning: {problem}");
    }
    let mut kinds = std::collections::BTreeMap::new();
    for (block, check) in &blocks {
        let kind = match check {
            Check::Skeptic if block.has("no_run") => "skeptic, no_run",
            Check::Skeptic => "skeptic",
            Check::Example(_) => "whole example",
            Check::Edition2021 => "edition2021",
            Check::ShouldPanic => "should_panic",
            Check::CompileFail(_) => "compile_fail",
            Check::Console => "console",
            Check::Python { hangs: true, .. } => "python, hangs",
            Check::Python {
                output: Some(_), ..
            } => "python, output compared",
            Check::Python { .. } => "python",
            Check::Output => "python output",
            Check::Listing => "listing",
        };
        *kinds.entry(kind).or_insert(0) += 1;
    }
    let summary: Vec<String> = kinds
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    eprintln!("{} blocks: {}", blocks.len(), summary.join(", "));
    std::fs::create_dir_all(out).expect("create the output folder");
    let mut count = 0;
    for (block, check) in blocks {
        if check == Check::Skeptic && !block.has("no_run") {
            let file = PathBuf::from(out).join(format!("{count}.rs"));
            std::fs::write(&file, block.compiled_code())
                .expect("write a block");
            count += 1;
        }
    }
    println!("{count}");
}
