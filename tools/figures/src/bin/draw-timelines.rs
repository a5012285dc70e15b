//! Draws a timeline picture (SVG) of one traced run of a book example
//! (book_figures::timelines):
//!
//!     cargo run -p book-figures --bin draw-timelines -- KIND TRACE CONSOLE SVG
//!
//! KIND is `lost-update`, `hang` or `deadlock`; TRACE is the file the
//! example wrote with `LOCKBOOK_TRACE=TRACE` (examples/lockbook/trace.rs);
//! CONSOLE is what the same run printed (the picture quotes it, and a hang
//! picture takes the watchdog's wait from it). cargo xtask draw-timelines runs the
//! examples and this. Exit code 0: drawn; 1: bad input; 4: the run does not
//! show what the picture is for (no lost update, no hang, or a trace whose
//! times disagree with its values): run the example again. Nothing is
//! written unless the picture is drawn.

use book_figures::timelines::{Failure, NOT_SHOWN, draw};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, trace, console, svg] = &args[..] else {
        eprintln!(
            "usage: draw-timelines lost-update|hang|deadlock TRACE CONSOLE SVG"
        );
        std::process::exit(1)
    };
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::Bad(format!("cannot read {path}: {e}")))
    };
    let result = read(trace).and_then(|trace| {
        let console = read(console)?;
        draw(kind, &trace, &console)
    });
    match result {
        Ok(text) => {
            if let Some(dir) = Path::new(svg).parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Err(e) = std::fs::write(svg, text) {
                eprintln!("error: cannot write {svg}: {e}");
                std::process::exit(1)
            }
            println!("wrote {svg}");
        }
        Err(Failure::Bad(why)) => {
            eprintln!("error: {why}");
            std::process::exit(1)
        }
        Err(Failure::NotShown(why)) => {
            eprintln!("not shown: {why}");
            std::process::exit(NOT_SHOWN)
        }
    }
}
