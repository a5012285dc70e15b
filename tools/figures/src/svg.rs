//! The one SVG writer of both figures: a small tree of elements, written
//! out with two spaces of indentation per level.
//!
//! Written by hand, not with an SVG crate: the pictures are committed in
//! src/images/ and must come out byte for byte as before (attribute order,
//! number formats, which children share a line), and all they need is
//! elements, attributes, text and the escaping of four characters.
//!
//! Numbers are formatted by the caller (`fixed(x, 1)`, or a plain `f64`,
//! which prints `12` for 12.0): each picture keeps the precision it had.

use std::fmt::Display;

/// `text` with the characters that end text or an attribute value (`&`,
/// `<`, `>`, `"`) replaced by their entities. The same for text and
/// attribute values; `'` stays as it is (no attribute is quoted with it).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `x` with exactly `decimals` digits after the point.
pub fn fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

/// What is inside an element.
#[derive(Debug, Clone, PartialEq)]
enum Body {
    /// `<name .../>`
    Empty,
    /// `<name ...>text</name>`, the text escaped.
    Text(String),
    /// `<name ...><a/><b/></name>`: the children on the element's line.
    Inline(Vec<Element>),
    /// `<name ...>`, a line per child, indented, then `</name>` on a line.
    Lines(Vec<Element>),
}

/// One element: its name, its attributes in the order given, its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    name: &'static str,
    attrs: Vec<(&'static str, String)>,
    body: Body,
}

impl Element {
    pub fn new(name: &'static str) -> Self {
        Element {
            name,
            attrs: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Adds `name="value"`, the value escaped.
    pub fn attr(mut self, name: &'static str, value: impl Display) -> Self {
        self.attrs.push((name, value.to_string()));
        self
    }

    /// Adds every `(name, value)` of `attrs`, in order.
    pub fn attrs<V: Display>(
        mut self,
        attrs: impl IntoIterator<Item = (&'static str, V)>,
    ) -> Self {
        for (name, value) in attrs {
            self = self.attr(name, value);
        }
        self
    }

    /// The element's text (escaped when written); replaces any children.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.body = Body::Text(text.into());
        self
    }

    /// Adds a child on the element's own line (`<g><text/><rect/></g>`).
    pub fn child(mut self, child: Element) -> Self {
        match &mut self.body {
            Body::Inline(children) => children.push(child),
            _ => self.body = Body::Inline(vec![child]),
        }
        self
    }

    /// Adds a child on a line of its own, indented one level deeper.
    pub fn line(mut self, child: Element) -> Self {
        self.push_line(child);
        self
    }

    fn push_line(&mut self, child: Element) {
        match &mut self.body {
            Body::Lines(children) => children.push(child),
            _ => self.body = Body::Lines(vec![child]),
        }
    }

    /// The element as text, its first line indented by `depth` levels, with
    /// no line break after it.
    fn write(&self, out: &mut String, depth: usize) {
        out.push('<');
        out.push_str(self.name);
        for (name, value) in &self.attrs {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            out.push_str(&escape(value));
            out.push('"');
        }
        match &self.body {
            Body::Empty => out.push_str("/>"),
            Body::Text(text) => {
                out.push('>');
                out.push_str(&escape(text));
                self.close(out);
            }
            Body::Inline(children) => {
                out.push('>');
                for child in children {
                    child.write(out, depth);
                }
                self.close(out);
            }
            Body::Lines(children) => {
                out.push_str(">\n");
                for child in children {
                    indent(out, depth + 1);
                    child.write(out, depth + 1);
                    out.push('\n');
                }
                indent(out, depth);
                self.close(out);
            }
        }
    }

    fn close(&self, out: &mut String) {
        out.push_str("</");
        out.push_str(self.name);
        out.push('>');
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A whole picture: `<svg>` with its size, sans-serif 13px text, and one
/// line per element inside.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    svg: Element,
}

impl Document {
    /// An empty picture `width` by `height` (its viewBox the same).
    pub fn new(width: f64, height: f64) -> Self {
        let svg = Element::new("svg")
            .attr("xmlns", "http://www.w3.org/2000/svg")
            .attr("width", width)
            .attr("height", height)
            .attr("viewBox", format!("0 0 {width} {height}"))
            .attr("font-family", "sans-serif")
            .attr("font-size", 13);
        Document { svg }
    }

    /// A title for screen readers and a description, both named by the
    /// picture (`role="img" aria-labelledby="title desc"`): what a reader
    /// hears for the picture.
    pub fn labelled(mut self, title: &str, desc: &str) -> Self {
        self.svg = self
            .svg
            .attr("role", "img")
            .attr("aria-labelledby", "title desc");
        self.push(Element::new("title").attr("id", "title").text(title))
            .push(Element::new("desc").attr("id", "desc").text(desc))
    }

    /// A title only (a tooltip, and the picture's name for screen readers).
    pub fn titled(self, title: &str) -> Self {
        self.push(Element::new("title").text(title))
    }

    /// Adds an element on a line of its own.
    pub fn push(mut self, element: Element) -> Self {
        self.add(element);
        self
    }

    /// Adds an element on a line of its own, for a loop.
    pub fn add(&mut self, element: Element) {
        self.svg.push_line(element);
    }

    /// The SVG file's text, ending with a line break.
    pub fn finish(&self) -> String {
        let mut out = String::new();
        self.svg.write(&mut out, 0);
        out.push('\n');
        out
    }
}

/// The element as it is written at the top level of a document.
impl Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        self.write(&mut out, 0);
        f.write_str(&out)
    }
}

/// What a picture shown as an <img> lacks of what `Document::labelled`
/// and a white background give it: a title and a description for screen
/// readers, named by the picture, and its own white background (an <img>
/// does not follow the page's theme). Empty: nothing lacks.
pub fn missing_accessibility(svg: &str) -> Vec<&'static str> {
    [
        (
            svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg""#),
            "an <svg xmlns=...> start",
        ),
        (
            svg.contains(r#"role="img" aria-labelledby="title desc""#),
            r#"role="img" aria-labelledby="title desc""#,
        ),
        (
            svg.contains(r#"<title id="title">"#),
            "a <title id=\"title\">",
        ),
        (svg.contains(r#"<desc id="desc">"#), "a <desc id=\"desc\">"),
        (svg.contains(r#"fill="white""#), "a white background"),
        (svg.trim_end().ends_with("</svg>"), "an </svg> end"),
    ]
    .into_iter()
    .filter(|(present, _)| !present)
    .map(|(_, what)| what)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_end_text_or_an_attribute() {
        assert_eq!(
            escape(r#"a < b && c > "d" it's"#),
            "a &lt; b &amp;&amp; c &gt; &quot;d&quot; it's"
        );
        // `&` first: an entity is not escaped twice.
        assert_eq!(escape("&lt;"), "&amp;lt;");
        assert_eq!(escape("µs plain"), "µs plain");
    }

    #[test]
    fn text_and_attribute_values_are_escaped() {
        let e = Element::new("text")
            .attr("data-lock", r#"<a&"b">"#)
            .text("x < y & \"z\"");
        assert_eq!(
            e.to_string(),
            r#"<text data-lock="&lt;a&amp;&quot;b&quot;&gt;">x &lt; y &amp; &quot;z&quot;</text>"#
        );
    }

    #[test]
    fn attributes_keep_their_order_and_number_formats() {
        let e = Element::new("rect")
            .attr("x", fixed(12.345, 1))
            .attr("y", 170.0)
            .attr("width", fixed(7.5, 0))
            .attr("height", 16.5)
            .attrs([("fill", "white"), ("stroke", "gray")]);
        assert_eq!(
            e.to_string(),
            r#"<rect x="12.3" y="170" width="8" height="16.5" fill="white" stroke="gray"/>"#
        );
    }

    #[test]
    fn inline_children_share_the_line_and_line_children_are_indented() {
        let inline = Element::new("g")
            .child(Element::new("rect").child(Element::new("title").text("t")))
            .child(Element::new("text").text("v"));
        assert_eq!(
            inline.to_string(),
            "<g><rect><title>t</title></rect><text>v</text></g>"
        );
        let doc = Document::new(820.0, 490.0)
            .push(Element::new("g").line(Element::new("rect")))
            .finish();
        assert_eq!(
            doc,
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="820" height="490" viewBox="0 0 820 490" font-family="sans-serif" font-size="13">"#,
                "\n  <g>\n    <rect/>\n  </g>\n</svg>\n"
            )
        );
    }

    #[test]
    fn a_labelled_picture_names_its_title_and_description() {
        let doc = Document::new(10.0, 20.0)
            .labelled("A & B", "what \"it\" shows")
            .finish();
        assert!(doc.starts_with(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20" viewBox="0 0 10 20" font-family="sans-serif" font-size="13" role="img" aria-labelledby="title desc">"#
        ));
        assert!(doc.contains("\n  <title id=\"title\">A &amp; B</title>\n"));
        assert!(doc.contains(
            "\n  <desc id=\"desc\">what &quot;it&quot; shows</desc>\n"
        ));
        assert!(doc.ends_with("</svg>\n"));
        let white = Element::new("rect").attr("fill", "white");
        let picture = Document::new(10.0, 20.0)
            .labelled("T", "D")
            .push(white.clone())
            .finish();
        assert_eq!(missing_accessibility(&picture), Vec::<&str>::new());
        assert_eq!(
            missing_accessibility(&doc),
            ["a white background"],
            "{doc}"
        );
        let titled = Document::new(10.0, 20.0).titled("T").push(white).finish();
        assert_eq!(
            missing_accessibility(&titled),
            [
                r#"role="img" aria-labelledby="title desc""#,
                "a <title id=\"title\">",
                "a <desc id=\"desc\">"
            ]
        );
        assert!(titled.contains("\n  <title>T</title>\n"), "{titled}");
        assert!(!titled.contains("role="), "{titled}");
    }
}
