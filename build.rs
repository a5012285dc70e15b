//! Turns the code blocks of the book (src/**/*.md and README.md) into tests:
//! skeptic's for plain `rust` blocks, the harness's for `compile_fail` and
//! `console` blocks. See tools/src/generate.rs.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"),
    );
    let out_dir =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    // A directory is watched as a whole, so a new chapter or example is
    // picked up without `cargo clean`.
    for path in ["src", "examples", "README.md", "build.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let files = book_harness::generate::write(&root, &out_dir);
    skeptic::generate_doc_tests(&files);
}
