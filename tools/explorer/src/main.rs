//! `cargo xtask scenarios`: run every scenario under every schedule and
//! write the explorer's data (`src/explorer/NAME.js`) and the static
//! fallback each chapter includes (`src/generated/explorer-NAME.md`).

use std::fs;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = fs::read_to_string(root.join(book_explorer::SOURCE))
        .expect("read the scenarios' source");
    for scenario in lockbook::scenarios::SCENARIOS {
        let files = book_explorer::files(scenario, &source);
        for (path, text) in files {
            let path = root.join(path);
            fs::create_dir_all(path.parent().expect("a folder"))
                .expect("create the folder");
            fs::write(&path, text).expect("write a data file");
        }
        println!("{}: written", scenario.name);
    }
}
