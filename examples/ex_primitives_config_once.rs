//! Exercise (Choosing the right primitive, 2): the program's settings are
//! loaded on first use and kept in a global. When several threads start at
//! once, each of them loads the file. Change `config` so that the settings
//! are loaded exactly once, then run
//!
//!     cargo run --example ex_primitives_config_once
//!
//! until it says PASS. Keep the signature.

use std::sync::OnceLock;

use lockbook::primitives::{Config, load_config};

// ANCHOR: exercise
static CONFIG: OnceLock<Config> = OnceLock::new();

fn config() -> &'static Config {
    if let Some(config) = CONFIG.get() {
        return config; // already loaded
    }
    let loaded = load_config(); // slow: reads the file
    let _ = CONFIG.set(loaded); // the first set wins
    CONFIG.get().unwrap()
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::primitives::check_config(config));
