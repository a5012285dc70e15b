//! The learner's progress: each exercise's state and how many hints were
//! shown, in `target/exercises/progress.toml` (under target/, so it is never
//! tracked and `cargo clean` starts over), or in `progress.toml` of the
//! folder `EXERCISES_STATE_DIR` names (the book's tests give each console
//! block a fresh one, so what it shows does not depend on earlier runs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum State {
    #[default]
    NotStarted,
    Failing,
    Passed,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::NotStarted => "not started",
            State::Failing => "failing",
            State::Passed => "passed",
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub state: State,
    #[serde(default)]
    pub hints_shown: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    exercise: BTreeMap<String, Entry>,
    #[serde(skip)]
    path: PathBuf,
}

impl Progress {
    /// The progress file in the state folder `dir` (see `state_dir`).
    pub fn path(dir: &Path) -> PathBuf {
        dir.join("progress.toml")
    }

    /// The folder of the progress file: `EXERCISES_STATE_DIR` when set
    /// (and not empty), else `target/exercises/` under `root`.
    pub fn state_dir(root: &Path) -> PathBuf {
        match std::env::var_os("EXERCISES_STATE_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => root.join("target").join("exercises"),
        }
    }

    pub fn load(dir: &Path) -> Result<Progress, String> {
        let path = Progress::path(dir);
        let mut progress = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str::<Progress>(&text).map_err(|e| {
                format!(
                    "{} is damaged ({}); delete it to start over",
                    path.display(),
                    e.message().trim()
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Progress::default()
            }
            Err(e) => {
                return Err(format!("cannot read {}: {e}", path.display()));
            }
        };
        progress.path = path;
        Ok(progress)
    }

    pub fn save(&self) -> Result<(), String> {
        let fail = |e: std::io::Error| {
            format!("cannot write {}: {e}", self.path.display())
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let text = toml::to_string(self).map_err(|e| e.to_string())?;
        // Write beside, then rename, so an interrupted save (Ctrl-C in watch
        // mode) never leaves half a file.
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(fail)?;
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }

    pub fn get(&self, name: &str) -> Entry {
        self.exercise.get(name).cloned().unwrap_or_default()
    }

    pub fn entry(&mut self, name: &str) -> &mut Entry {
        self.exercise.entry(name.to_owned()).or_default()
    }

    pub fn state(&self, name: &str) -> State {
        self.get(name).state
    }
}
