//! Finds the code blocks of a markdown file the way mdBook finds them: with
//! pulldown-cmark and mdBook's parser options, so fences in block quotes,
//! `> [!NOTE]` admonitions and list items, and indented code blocks, are all
//! found. `{{#include}}` and `{{#rustdoc_include}}` lines inside a block are
//! expanded (mdBook expands them before parsing; inside a fence that gives
//! the same blocks, and the line numbers stay those of the file).

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One code block of a chapter.
#[derive(Debug, Clone)]
pub struct Block {
    /// The markdown file, relative to the book's root (`src/races.md`).
    pub file: String,
    /// 1-based line of the opening fence in that file (of the first line,
    /// for an indented block).
    pub line: usize,
    /// The words of the info string: `rust,compile_fail,E0499` gives three;
    /// none for an indented block, which has no info string.
    pub words: Vec<String>,
    /// The code with includes expanded (hidden `# ` lines still marked).
    pub code: String,
    /// The text of an HTML comment on the line just above the fence, if any:
    /// where a block marked `ignore` or `no_run` gives its reason.
    pub note: Option<String>,
    /// Whether any line of the block was an include directive.
    pub included: bool,
    /// The code as the markdown file has it: include lines not expanded
    /// (what tells a block that is a whole example, see rules.rs).
    pub written: String,
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

/// The parser options of mdBook 0.5 (`mdbook-markdown`'s `new_cmark_parser`
/// with the default `[output.html]` settings): the same options give the
/// same blocks. `ENABLE_GFM` turns `> [!NOTE]` boxes into admonitions.
fn mdbook_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// A code block as the parser reports it, before includes are expanded.
struct Found {
    /// Byte range of the whole block in the file, fences included.
    range: Range<usize>,
    /// The info string's words; None for an indented block.
    words: Option<Vec<String>>,
    /// The code, without the container's markers (`> `, list indentation).
    code: String,
}

fn parse(text: &str, file: &str, dir: &Path) -> Result<Vec<Block>, String> {
    // Byte offset of the start of each line, to turn offsets into lines.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    let lines: Vec<&str> = text.lines().collect();

    let mut found: Vec<Found> = Vec::new();
    let mut open: Option<Found> = None;
    for (event, range) in
        Parser::new_ext(text, mdbook_options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let words = match kind {
                    CodeBlockKind::Fenced(info) => Some(
                        info.split([',', ' ', '\t'])
                            .filter(|w| !w.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    ),
                    CodeBlockKind::Indented => None,
                };
                open = Some(Found {
                    range,
                    words,
                    code: String::new(),
                });
            }
            Event::Text(code) => {
                if let Some(block) = open.as_mut() {
                    block.code.push_str(&code);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                found.extend(open.take());
            }
            _ => {}
        }
    }

    let mut blocks = Vec::new();
    for f in found {
        let line = line_of(f.range.start);
        if f.words.is_some() && !is_closed(&text[f.range.clone()]) {
            return Err(format!("{file}:{line}: code block is never closed"));
        }
        // The lines of the block in the file: an include's line is its own.
        let first_code_line = if f.words.is_some() { line + 1 } else { line };
        let mut code = String::new();
        let mut included = false;
        for (index, content) in f.code.lines().enumerate() {
            if let Some(directive) = include_directive(content.trim()) {
                let place = format!("{file}:{}", first_code_line + index);
                code.push_str(&expand(&directive, dir, &place)?);
                included = true;
            } else {
                code.push_str(content);
                code.push('\n');
            }
        }
        blocks.push(Block {
            file: file.to_owned(),
            line,
            words: f.words.unwrap_or_default(),
            code,
            note: note_above(&lines, line),
            included,
            written: f.code,
        });
    }
    Ok(blocks)
}

/// The container markers a line of a block quote or list item starts with:
/// `> `, `>`, indentation (a list item's own marker is never above a fence
/// of the same item, so only quotes and spaces need stripping).
fn strip_container(line: &str) -> &str {
    let mut rest = line.trim_start();
    while let Some(inner) = rest.strip_prefix('>') {
        rest = inner.trim_start();
    }
    rest
}

/// A fenced block ends either at its closing fence or, when the source has
/// none, where its container or the file ends; the parser closes it quietly
/// in the second case, which would turn the rest of a chapter into code.
fn is_closed(source: &str) -> bool {
    let mut lines = source.trim_end_matches(['\n', '\r']).lines();
    let opening = strip_container(lines.next().unwrap_or(""));
    let ch = opening.chars().next().unwrap_or('`');
    let open_len = opening.chars().take_while(|c| *c == ch).count();
    let Some(last) = lines.last() else {
        return false; // the opening fence alone
    };
    let last = strip_container(last);
    let len = last.chars().take_while(|c| *c == ch).count();
    len >= open_len && last[len..].trim().is_empty()
}

/// The text of an HTML comment on the nearest non-blank line above the
/// block's first line (1-based), inside the same block quote or list item.
fn note_above(lines: &[&str], line: usize) -> Option<String> {
    let above = lines[..line.saturating_sub(1)]
        .iter()
        .rev()
        .map(|l| strip_container(l))
        .find(|l| !l.is_empty())?;
    html_comment(above)
}

fn html_comment(line: &str) -> Option<String> {
    let inner = line.strip_prefix("<!--")?.strip_suffix("-->")?;
    Some(inner.trim().to_owned())
}

/// An include line of mdBook: which directive, the path (relative to the
/// markdown file's folder), and what part (an anchor or a line range).
#[derive(Debug, PartialEq, Eq)]
pub struct Include {
    pub rustdoc: bool,
    pub path: String,
    pub part: Option<String>,
}

/// The include directive a (trimmed) line of code is, if any.
pub fn include_directive(line: &str) -> Option<Include> {
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
    Some(Include {
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
fn expand(d: &Include, dir: &Path, place: &str) -> Result<String, String> {
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
        assert_eq!(b.line, 3);
    }

    #[test]
    fn fence_in_a_list_item_with_its_note() {
        let text = "# T\n\n- step one\n\n  <!-- no_run: waits -->\n  ```rust,no_run\n  fn main() {}\n  ```\n- step two\n";
        let b = one(text);
        assert_eq!(b.line, 6);
        assert_eq!(b.words, ["rust", "no_run"]);
        assert_eq!(b.note.as_deref(), Some("no_run: waits"));
        assert_eq!(b.code, "fn main() {}\n");
    }

    #[test]
    fn fence_in_a_block_quote_with_its_note() {
        let text = "Text.\n\n> Quoted:\n>\n> <!-- no_run: waits -->\n> ```rust,no_run\n> fn main() {}\n> ```\n";
        let b = one(text);
        assert_eq!(b.line, 6);
        assert_eq!(b.note.as_deref(), Some("no_run: waits"));
        assert_eq!(b.code, "fn main() {}\n");
    }

    #[test]
    fn fence_in_an_admonition() {
        let text = "# T\n\n> [!NOTE]\n> A note.\n>\n> ```rust\n> let x = 1;\n> ```\n\nAfter.\n";
        let b = one(text);
        assert_eq!(b.line, 6);
        assert_eq!(b.words, ["rust"]);
        assert_eq!(b.code, "let x = 1;\n");
        assert_eq!(b.note, None);
    }

    #[test]
    fn indented_code_block_has_no_language() {
        let text =
            "# T\n\nSome text.\n\n    fn main() {}\n    let y = 2;\n\nMore.\n";
        let b = one(text);
        assert_eq!(b.line, 5);
        assert!(b.words.is_empty());
        assert_eq!(b.lang(), "");
        assert_eq!(b.code, "fn main() {}\nlet y = 2;\n");
    }

    #[test]
    fn blocks_come_in_order_with_their_lines() {
        let text = "```text\na\n```\n\n> ```rust\n> b\n> ```\n\n1. x\n\n   ```console\n   $ c\n   ```\n\nProse.\n\n    d\n";
        let b = parse(text, "src/x.md", Path::new(".")).unwrap();
        let lines: Vec<usize> = b.iter().map(|b| b.line).collect();
        assert_eq!(lines, [1, 5, 11, 17]);
        let langs: Vec<&str> = b.iter().map(Block::lang).collect();
        assert_eq!(langs, ["text", "rust", "console", ""]);
    }

    #[test]
    fn unclosed_fence_is_an_error_with_its_line() {
        let e =
            parse("text\n```rust\nfn main() {}\n", "src/x.md", Path::new("."))
                .unwrap_err();
        assert_eq!(e, "src/x.md:2: code block is never closed");
        // An empty fence alone at the end, and one that its block quote
        // closes: the parser ends both quietly.
        let e = parse("text\n\n```\n", "src/x.md", Path::new(".")).unwrap_err();
        assert_eq!(e, "src/x.md:3: code block is never closed");
        let e = parse(
            "> ```rust\n> fn main() {}\n\nProse.\n",
            "src/x.md",
            Path::new("."),
        )
        .unwrap_err();
        assert_eq!(e, "src/x.md:1: code block is never closed");
        // A closed fence whose code holds a shorter fence is fine.
        let b = one("````text\n```\n````\n");
        assert_eq!(b.code, "```\n");
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
        // In a block quote, the include is expanded too, and a bad one is
        // named by its own line.
        let quoted = "# Q\n\n> ```rust\n> {{#include ex.rs:body}}\n> ```\n";
        let b = parse(quoted, "src/x.md", &dir).unwrap();
        assert_eq!(b[0].code, "fn body() {}\n");
        assert_eq!(b[0].line, 3);
        let missing = "# Q\n\n> ```rust\n> let a = 1;\n> {{#include ex.rs:nope}}\n> ```\n";
        let e = parse(missing, "src/x.md", &dir).unwrap_err();
        assert_eq!(e, "src/x.md:5: no anchor `nope` in ex.rs");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sanitize_keeps_paths_apart() {
        assert_eq!(sanitize("src/a/README.md"), "src_a_readme_md");
        assert_ne!(sanitize("src/a/README.md"), sanitize("src/b/README.md"));
    }
}
