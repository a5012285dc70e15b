//! Turns the code blocks of the book (src/**/*.md and README.md, one folder
//! up, or under `$BOOK_ROOT`) into tests: skeptic's for plain `rust` blocks, the harness's for
//! `compile_fail`, `should_panic`, `edition2021` and `console` blocks. See
//! tools/harness/src/generate.rs.
//!
//! skeptic's generated tests call `skeptic::rt::run_test` and
//! `compile_test`; they are pointed at `crate::snippets` instead, which puts
//! skeptic's rustc under this package's edition and time-limit wrapper
//! (blocks/snippets.rs). That workaround lives in this package only.

use std::path::{Path, PathBuf};

fn main() {
    let here = PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"),
    );
    // The book whose blocks become tests: this repository's, or another
    // one named by BOOK_ROOT (the harness's self-test points it at a small
    // broken book). The test binary reads the same root.
    println!("cargo:rerun-if-env-changed=BOOK_ROOT");
    let root = match std::env::var_os("BOOK_ROOT") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => here.parent().expect("tests/ is inside the book").to_owned(),
    };
    println!("cargo:rustc-env=BOOK_ROOT={}", root.display());
    let out_dir =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    // A directory is watched as a whole, so a new chapter or example is
    // picked up without `cargo clean`.
    // The chapters include files from all of these.
    for path in [
        "src",
        "examples",
        "benches",
        "README.md",
        "tests/loom",
        "tests/shuttle_counter.rs",
        "tests/nightly",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    let files = book_harness::generate::write(&root, &out_dir);
    skeptic::generate_doc_tests(&files);
    route_through_wrapper(&out_dir.join("skeptic-tests.rs"));
}

/// Make skeptic's tests call `crate::snippets` (same signature) instead of
/// `skeptic::rt`.
fn route_through_wrapper(tests: &Path) {
    let text = std::fs::read_to_string(tests).unwrap_or_default();
    let routed = text
        .replace("skeptic::rt::run_test(", "crate::snippets::run_test(")
        .replace(
            "skeptic::rt::compile_test(",
            "crate::snippets::compile_test(",
        );
    if routed != text {
        std::fs::write(tests, routed).expect("write to OUT_DIR");
    }
}
