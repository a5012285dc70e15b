//! `exercises.toml`, the manifest of the book's exercises, and its one
//! schema: the runner reads it, and the book's tests render the
//! instructors page's sheets and plan and each chapter's exercises section
//! from it (`tests/book/manifest.rs`, through this crate's library).

use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The chapters that have exercises, in book order.
    pub chapter: Vec<Chapter>,
    /// The exercises, in book order.
    pub exercise: Vec<Exercise>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// The chapter's file, from the repository root (`src/NAME.md`).
    pub file: String,
    /// Minutes to read the chapter and run its programs. With its
    /// exercises' minutes, they make the chapter's `**Time:**` line, which
    /// is rendered from here.
    pub reading: u32,
    /// Said after the reading minutes, if anything (in parentheses).
    #[serde(default)]
    pub reading_note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// The starter is `examples/NAME.rs`, the solution
    /// `examples/NAME_solution.rs`.
    pub name: String,
    /// The chapter's file, as in `[[chapter]]`.
    pub chapter: String,
    pub title: String,
    /// The task in one line, for the assignment sheets.
    pub task: String,
    /// From a nudge to the idea, never the answer.
    pub hints: Vec<String>,
    /// The line the solution prints, `[..]` where it varies.
    pub pass: String,
    pub minutes: u32,
    /// Features of the learner's package the exercise needs.
    #[serde(default)]
    pub features: Vec<String>,
    /// The chapter's text before the starter's code (markdown).
    pub text: String,
    /// Between the code and the starter's output (markdown), if anything.
    #[serde(default)]
    pub notes: Option<String>,
    /// What the starter prints (`[..]` and `...` where runs differ); it
    /// exits with code 1.
    pub fail: String,
    /// After the starter's output (markdown), if anything.
    #[serde(default)]
    pub after: Option<String>,
}

impl Exercise {
    /// The one command that checks the exercise, from the repository root.
    pub fn command(&self) -> String {
        if self.features.is_empty() {
            format!("cargo run --example {}", self.name)
        } else {
            format!(
                "cargo run --features {} --example {}",
                self.features.join(","),
                self.name
            )
        }
    }

    pub fn starter(&self) -> String {
        format!("examples/{}.rs", self.name)
    }

    pub fn solution_name(&self) -> String {
        format!("{}_solution", self.name)
    }

    pub fn solution(&self) -> String {
        format!("examples/{}.rs", self.solution_name())
    }
}

impl Manifest {
    /// Read and check `root/exercises.toml`; the error is one line.
    pub fn load(root: &Path) -> Result<Manifest, String> {
        let path = root.join("exercises.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| {
            // toml's Display draws the offending line over several lines;
            // the message and the line number fit the one-line rule.
            let line = e
                .span()
                .map(|s| text[..s.start].lines().count().max(1))
                .unwrap_or(0);
            format!("{}:{line}: {}", path.display(), e.message().trim())
        })?;
        if manifest.exercise.is_empty() {
            return Err(format!("{} lists no [[exercise]]", path.display()));
        }
        for (i, ex) in manifest.exercise.iter().enumerate() {
            if manifest.exercise[..i].iter().any(|e| e.name == ex.name) {
                return Err(format!(
                    "{}: exercise `{}` is listed twice",
                    path.display(),
                    ex.name
                ));
            }
            if ex.hints.is_empty() {
                return Err(format!(
                    "{}: exercise `{}` has no hints",
                    path.display(),
                    ex.name
                ));
            }
        }
        Ok(manifest)
    }

    /// The longest exercise name, to line up a table of them.
    pub fn name_width(&self) -> usize {
        self.exercise
            .iter()
            .map(|e| e.name.len())
            .max()
            .unwrap_or(0)
    }

    pub fn find(&self, name: &str) -> Option<&Exercise> {
        self.exercise.iter().find(|e| e.name == name)
    }

    /// The chapters in book order: those of `[[chapter]]` first, then any
    /// chapter an exercise names that `[[chapter]]` forgot.
    pub fn chapters(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let named = self.chapter.iter().map(|c| c.file.as_str());
        let used = self.exercise.iter().map(|e| e.chapter.as_str());
        for file in named.chain(used) {
            if !out.contains(&file) {
                out.push(file);
            }
        }
        out
    }
}

/// The chapter's title: its first `# ` heading, else its file name.
pub fn chapter_title(root: &Path, file: &str) -> String {
    std::fs::read_to_string(root.join(file))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("# ").map(|t| t.trim().to_owned()))
        })
        .unwrap_or_else(|| file.to_owned())
}

/// Does `line` match `pattern`, where `[..]` in the pattern stands for any
/// text (the convention of the book's console blocks and of snapbox)?
/// Written by hand because it is a dozen lines and the runner is built on a
/// learner's first use, where every dependency costs build time.
pub fn matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_match_any_text_and_the_rest_is_literal() {
        assert!(matches("PASS: 8000 visits", "PASS: 8000 visits"));
        assert!(!matches("PASS: 8000 visits", "PASS: 8000 visits!"));
        assert!(matches("PASS: [..] visits", "PASS: 8000 visits"));
        assert!(matches("PASS: [..] visits", "PASS:  visits"));
        assert!(!matches("PASS: [..] visits", "FAIL: 8000 visits"));
        assert!(matches("PASS: [..] of [..]", "PASS: 3 of 4"));
        assert!(!matches("PASS: [..] of [..]", "PASS: 3 or 4"));
        assert!(matches("[..]", "anything"));
        // The suffix may not reuse text the middle part consumed.
        assert!(!matches("a[..]bb[..]b", "abb"));
    }
}
