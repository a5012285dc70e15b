//! Writes the code of every block that skeptic runs, as the compiler sees
//! it, into a folder (one `N.rs` per block): what tools/bench-tests compiles
//! with a bare rustc to compare against the test harness.
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
