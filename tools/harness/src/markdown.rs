//! Finds the fenced code blocks of a markdown file, the way mdBook shows them:
//! `{{#include}}` and `{{#rustdoc_include}}` are expanded first.

use std::fs;
use std::path::{Path, PathBuf};

/// One fenced code block of a chapter.
#[derive(Debug, Clone)]
pub struct Block {
    /// The markdown file, relative to the book's root (`src/races.md`).
    pub file: String,
    /// 1-based line of the opening fence in that file.
    pub line: usize,
    /// The words of the info string: `rust,compile_fail,E0499` gives three.
    pub words: Vec<String>,
    /// The code with includes expanded (hidden `# ` lines still marked).
    pub code: String,
    /// The text of an HTML comment on the line just above the fence, if any:
    /// where a block marked `ignore` or `no_run` gives its reason.
    pub note: Option<String>,
    /// Whether any line of the block was an include directive.
    pub included: bool,
}

impl Block {
    /// The language: the first word of the info string.
    pub fn lang(&self) -> &str {
        self.words.first().map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    /// `src/races.md:42`, the place a failure names.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// A name fit for a test function: `src_races_md_line_42`.
    pub fn test_name(&self) -> String {
        format!("{}_line_{}", sanitize(&self.file), self.line)
    }

    /// The code as the compiler sees it: hidden `# ` lines un-hidden.
    pub fn compiled_code(&self) -> String {
        self.code
            .lines()
            .map(|l| unhide(l).to_owned() + "\n")
            .collect()
    }
}

/// `src/a-b/README.md` -> `src_a_b_readme_md`: distinct paths stay distinct.
pub fn sanitize(path: &str) -> String {
    let mapped: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    mapped
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// rustdoc's rule, which mdBook and skeptic follow: `# x` is compiled, not shown.
fn unhide(line: &str) -> &str {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix("# ") {
        rest
    } else if trimmed == "#" {
        ""
    } else {
        line
    }
}

/// Every markdown file the book is made of: `src/**/*.md` and `README.md`,
/// relative to `root`, sorted.
pub fn book_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect_md(root, &root.join("src"), &mut files);
    if root.join("README.md").is_file() {
        files.push("README.md".to_owned());
    }
    files.sort();
    files
}

fn collect_md(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_md(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The blocks of one markdown file (`file` relative to `root`). Errors name
/// the file and line: an unclosed fence, an include that cannot be read.
pub fn blocks(root: &Path, file: &str) -> Result<Vec<Block>, String> {
    let path = root.join(file);
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("{file}: cannot read: {e}"))?;
    let dir = path.parent().unwrap_or(root).to_path_buf();
    parse(&text, file, &dir)
}

struct Open {
    line: usize,
    fence: String,
    indent: usize,
    words: Vec<String>,
    note: Option<String>,
    code: String,
    included: bool,
}

fn parse(text: &str, file: &str, dir: &Path) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut open: Option<Open> = None;
    let mut last_line = "";
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let indent = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim_start();
        match open.as_mut() {
            None => {
                if let Some((fence, info)) = fence_start(trimmed) {
                    let words = info
                        .split([',', ' '])
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned)
                        .collect();
                    open = Some(Open {
                        line,
                        fence,
                        indent,
                        words,
                        note: html_comment(last_line),
                        code: String::new(),
                        included: false,
                    });
                }
            }
            Some(block) => {
                if is_fence_end(trimmed, &block.fence) {
                    let b = open.take().expect("a block is open");
                    blocks.push(Block {
                        file: file.to_owned(),
                        line: b.line,
                        words: b.words,
                        code: b.code,
                        note: b.note,
                        included: b.included,
                    });
                } else {
                    // Content of a fence inside a list item is indented with it.
                    let cut = indent.min(block.indent);
                    let content = &raw[cut..];
                    if let Some(directive) = include_directive(content.trim()) {
                        let place = format!("{file}:{line}");
                        block.code.push_str(&expand(&directive, dir, &place)?);
                        block.included = true;
                    } else {
                        block.code.push_str(content);
                        block.code.push('\n');
                    }
                }
            }
        }
        if !raw.trim().is_empty() {
            last_line = raw.trim();
        }
    }
    if let Some(b) = open {
        return Err(format!("{file}:{}: code block is never closed", b.line));
    }
    Ok(blocks)
}

fn fence_start(line: &str) -> Option<(String, &str)> {
    let ch = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = line[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((line[..len].to_owned(), info))
}

fn is_fence_end(line: &str, fence: &str) -> bool {
    let ch = fence.chars().next().expect("fences are not empty");
    let len = line.chars().take_while(|c| *c == ch).count();
    len >= fence.len() && line[len..].trim().is_empty()
}

fn html_comment(line: &str) -> Option<String> {
    let inner = line.strip_prefix("<!--")?.strip_suffix("-->")?;
    Some(inner.trim().to_owned())
}

/// An include line of mdBook: which directive, the path, and what part.
#[derive(Debug)]
struct Directive {
    rustdoc: bool,
    path: String,
    part: Option<String>,
}

fn include_directive(line: &str) -> Option<Directive> {
    let inner = line.strip_prefix("{{#")?.strip_suffix("}}")?.trim();
    let (kind, arg) = inner.split_once(char::is_whitespace)?;
    let rustdoc = match kind {
        "include" => false,
        "rustdoc_include" => true,
        _ => return None,
    };
    let arg = arg.trim();
    let (path, part) = match arg.split_once(':') {
        Some((path, part)) => (path, Some(part.to_owned())),
        None => (arg, None),
    };
    Some(Directive {
        rustdoc,
        path: path.to_owned(),
        part,
    })
}

fn is_anchor(line: &str) -> bool {
    let t = line.trim();
    t.contains("ANCHOR:") || t.contains("ANCHOR_END:")
}

/// mdBook's include rules: the whole file, a line range `a:b` (1-based,
/// either end optional), or an anchor. `rustdoc_include` keeps the other
/// lines of the file, hidden with `# `, so the code still compiles.
fn expand(d: &Directive, dir: &Path, place: &str) -> Result<String, String> {
    let path: PathBuf = dir.join(&d.path);
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("{place}: cannot include {}: {e}", d.path))?;
    let lines: Vec<&str> = text.lines().collect();
    let shown: Vec<bool> = match d.part.as_deref() {
        None => vec![true; lines.len()],
        Some(part) if part.chars().all(|c| c.is_ascii_digit() || c == ':') => {
            let (start, end) =
                line_range(part, lines.len()).ok_or_else(|| {
                    format!("{place}: bad line range `{part}` in include")
                })?;
            (0..lines.len()).map(|i| i >= start && i < end).collect()
        }
        Some(anchor) => anchored(&lines, anchor).ok_or_else(|| {
            format!("{place}: no anchor `{anchor}` in {}", d.path)
        })?,
    };
    let mut out = String::new();
    for (line, show) in lines.iter().zip(shown) {
        if is_anchor(line) {
            continue;
        }
        if show {
            out.push_str(line);
        } else if d.rustdoc {
            out.push_str("# ");
            out.push_str(line);
        } else {
            continue;
        }
        out.push('\n');
    }
    Ok(out)
}

/// `a:b`, `a:`, `:b` or `a` -> 0-based [start, end).
fn line_range(part: &str, len: usize) -> Option<(usize, usize)> {
    let (a, b) = match part.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (part, None),
    };
    let start = if a.is_empty() { 1 } else { a.parse().ok()? };
    let end = match b {
        None => start,
        Some("") => len,
        Some(b) => b.parse().ok()?,
    };
    Some((start.max(1) - 1, end.min(len)))
}

fn anchored(lines: &[&str], anchor: &str) -> Option<Vec<bool>> {
    let start = format!("ANCHOR: {anchor}");
    let end = format!("ANCHOR_END: {anchor}");
    let mut inside = false;
    let mut found = false;
    let mut shown = Vec::with_capacity(lines.len());
    for line in lines {
        let t = line.trim();
        if t.ends_with(&start) {
            inside = true;
            found = true;
        } else if t.ends_with(&end) {
            inside = false;
        }
        shown.push(inside);
    }
    found.then_some(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Block {
        let mut b = parse(text, "src/x.md", Path::new(".")).unwrap();
        assert_eq!(b.len(), 1);
        b.remove(0)
    }

    #[test]
    fn finds_words_line_and_note() {
        let b = one(
            "# T\n\n<!-- no_run: waits for input -->\n```rust,no_run\nfn main() {}\n```\n",
        );
        assert_eq!(b.line, 4);
        assert_eq!(b.words, ["rust", "no_run"]);
        assert_eq!(b.note.as_deref(), Some("no_run: waits for input"));
        assert_eq!(b.code, "fn main() {}\n");
        assert_eq!(b.test_name(), "src_x_md_line_4");
    }

    #[test]
    fn fence_in_a_list_item_and_longer_fences() {
        let b = one("1. item\n\n   ````rust\n   let a = 1;\n   ```\n   ````\n");
        assert_eq!(b.code, "let a = 1;\n```\n");
    }

    #[test]
    fn unclosed_fence_is_an_error_with_its_line() {
        let e =
            parse("text\n```rust\nfn main() {}\n", "src/x.md", Path::new("."))
                .unwrap_err();
        assert_eq!(e, "src/x.md:2: code block is never closed");
    }

    #[test]
    fn hidden_lines_are_compiled() {
        let b = one("```rust\n# fn main() {\nlet x = 1;\n#\n# }\n```\n");
        assert_eq!(b.compiled_code(), "fn main() {\nlet x = 1;\n\n}\n");
    }

    #[test]
    fn line_ranges_follow_mdbook() {
        assert_eq!(line_range("2:3", 5), Some((1, 3)));
        assert_eq!(line_range("2:", 5), Some((1, 5)));
        assert_eq!(line_range(":2", 5), Some((0, 2)));
        assert_eq!(line_range("4", 5), Some((3, 4)));
    }

    #[test]
    fn anchors_and_rustdoc_include() {
        let dir = std::env::temp_dir()
            .join(format!("harness-md-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("ex.rs"),
            "use a;\n// ANCHOR: body\nfn body() {}\n// ANCHOR_END: body\nfn main() {}\n",
        )
        .unwrap();
        let text = "```rust\n{{#rustdoc_include ex.rs:body}}\n```\n\n```rust\n{{#include ex.rs:body}}\n```\n";
        let b = parse(text, "src/x.md", &dir).unwrap();
        assert_eq!(b[0].code, "# use a;\nfn body() {}\n# fn main() {}\n");
        assert!(b[0].included);
        assert_eq!(b[1].code, "fn body() {}\n");
        let missing = "```rust\n{{#include ex.rs:nope}}\n```\n";
        let e = parse(missing, "src/x.md", &dir).unwrap_err();
        assert_eq!(e, "src/x.md:2: no anchor `nope` in ex.rs");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sanitize_keeps_paths_apart() {
        assert_eq!(sanitize("src/a/README.md"), "src_a_readme_md");
        assert_ne!(sanitize("src/a/README.md"), sanitize("src/b/README.md"));
    }
}
