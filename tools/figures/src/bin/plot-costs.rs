//! Draws the figures of the chapter "What locks cost" from criterion's
//! results (book_figures::costs):
//!
//!     cargo run -p book-figures --bin plot-costs -- CRITERION_DIR OUT_DIR
//!     cargo run -p book-figures --bin plot-costs -- --async CRITERION_DIR OUT_DIR
//!
//! (The second writes only async-costs.txt, for "Locks in async code".)
//!
//! Exit code 0: written; 1: no results or a file that cannot be read or
//! written; 2: wrong arguments.

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, criterion, out] = args.as_slice()
        && flag == "--async"
    {
        let result = book_figures::costs::run_async(
            Path::new(criterion),
            Path::new(out),
        );
        if let Err(e) = result {
            eprintln!("plot-costs: {e}");
            std::process::exit(1);
        }
        println!("wrote async-costs.txt to {out}");
        return;
    }
    let [criterion, out] = args.as_slice() else {
        eprintln!("usage: plot-costs CRITERION_DIR OUT_DIR");
        std::process::exit(2);
    };
    let out = Path::new(out);
    if let Err(e) = book_figures::costs::run(Path::new(criterion), out) {
        eprintln!("plot-costs: {e}");
        std::process::exit(1);
    }
    println!(
        "wrote the charts, costs-numbers.txt and costs-machine.txt to {}",
        out.display()
    );
}
