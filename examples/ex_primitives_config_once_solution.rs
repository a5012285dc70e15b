//! Solution to exercise 2 of "Choosing the right primitive":
//! `get_or_init` runs the loader in one thread while the others wait for
//! it, so the settings are loaded exactly once.

use std::sync::OnceLock;

use lockbook::primitives::{Config, load_config};

// ANCHOR: solution
static CONFIG: OnceLock<Config> = OnceLock::new();

fn config() -> &'static Config {
    CONFIG.get_or_init(load_config)
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::primitives::check_config(config));
