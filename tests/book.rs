//! Every code block of the book, as a test named after its file and line
//! (`src_races_md_line_42`): plain `rust` blocks compiled and run by skeptic,
//! `compile_fail` and `console` blocks checked by the harness in tools/.

include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
include!(concat!(env!("OUT_DIR"), "/book-tests.rs"));

/// No block may escape the tests: every fence has a language and only fence
/// words the checks know; `ignore` and `no_run` give reasons; includes resolve.
#[test]
fn every_block_is_tested() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (blocks, problems) = book_harness::rules::all_blocks(root);
    assert!(
        problems.is_empty(),
        "blocks the tests cannot check:\n{}",
        problems.join("\n")
    );
    assert!(
        !blocks.is_empty(),
        "found no code blocks in {}",
        root.display()
    );
}
