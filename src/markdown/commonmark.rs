//! Conformance: every example of the CommonMark 0.31.2 spec
//! (`tests/fixtures/commonmark/spec-0.31.2.json`) rendered through [`render`], with
//! walletdesk's deliberate additions taken out again and whitespace normalised as the spec's
//! own test runner does. The examples that differ are listed with the reason, so a new
//! difference fails the test and a fixed one asks to be taken off the list.

use serde::Deserialize;

use super::{LinkTarget, headings, render};
use crate::i18n::Strings;

#[derive(Deserialize)]
struct Example {
    markdown: String,
    html: String,
    example: u32,
}

/// The passing examples the renderer achieved when this test was written; it must not drop.
const BASELINE_PASSING: usize = 652;

/// Examples whose HTML differs from the spec's, each with why: `(example number, reason)`.
/// None today — the extensions walletdesk turns on (GFM tables, strikethrough, task lists,
/// footnotes, alerts, heading attributes) change no example of the spec.
const KNOWN_DEVIATIONS: &[(u32, &str)] = &[];

/// Our HTML with what walletdesk adds on purpose taken out: heading ids and anchor links, the
/// code block wrapper and its highlighting, the table wrapper.
fn without_additions(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let heading = rest.len() > 3
            && rest.as_bytes()[1] == b'h'
            && rest.as_bytes()[2].is_ascii_digit()
            && rest[3..].starts_with(" id=\"");
        if heading {
            // `<h2 id="…">` → `<h2>`
            let end = rest[8..].find('"').map_or(rest.len(), |e| 8 + e + 1);
            out.push_str(&rest[..3]);
            rest = &rest[end..];
        } else if let Some(after) = rest.strip_prefix("<a class=\"anchor\"") {
            // The anchor link after a heading's text, with the space before it.
            if out.ends_with(' ') {
                out.pop();
            }
            rest = after.find("</a>").map_or("", |e| &after[e + 4..]);
        } else if rest.starts_with("<pre class=\"code hl-code\"") {
            let open_end = rest.find("><code>").map_or(rest.len(), |e| e + 7);
            let lang = rest[..open_end]
                .split_once(" data-lang=\"")
                .and_then(|(_, l)| l.split_once('"'))
                .map(|(l, _)| l);
            match lang {
                Some(lang) => out.push_str(&format!("<pre><code class=\"language-{lang}\">")),
                None => out.push_str("<pre><code>"),
            }
            rest = &rest[open_end..];
            let close = rest.find("</code></pre>").unwrap_or(rest.len());
            out.push_str(&without_spans(&rest[..close]));
            rest = &rest[close..];
        } else if let Some(after) = rest.strip_prefix("<div class=\"table-wrap\" tabindex=\"0\">") {
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</table>\n</div>") {
            out.push_str("</table>");
            rest = after;
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Highlighted code without its `<span class="hl-…">` elements, in the escaping the spec uses.
fn without_spans(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("&#39;", "'")
}

const BLOCK_TAGS: &[&str] = &[
    "article",
    "header",
    "aside",
    "hgroup",
    "blockquote",
    "hr",
    "iframe",
    "body",
    "li",
    "map",
    "button",
    "object",
    "canvas",
    "ol",
    "caption",
    "output",
    "col",
    "p",
    "colgroup",
    "pre",
    "dd",
    "progress",
    "div",
    "section",
    "dl",
    "table",
    "td",
    "dt",
    "tbody",
    "embed",
    "textarea",
    "fieldset",
    "tfoot",
    "figcaption",
    "th",
    "figure",
    "thead",
    "footer",
    "tr",
    "form",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "video",
    "script",
    "style",
];

#[derive(PartialEq)]
enum Last {
    Start,
    End,
    Other,
}

/// The whitespace rules of the spec's `test/normalize.py`: runs of whitespace outside `<pre>`
/// become one space, whitespace next to block-level tags goes, a newline after `<br>` goes,
/// tag names are lowercased and self-closing tags become open tags; and `&quot;` in text is
/// `"`, which it means there.
fn normalize(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = Last::Start;
    let mut last_tag = String::new();
    let mut in_pre = false;
    let mut rest = html;
    while !rest.is_empty() {
        let tag_len = tag_at(rest);
        if tag_len == 0 {
            let end = rest
                .char_indices()
                .skip(1)
                .find(|&(i, c)| c == '<' && tag_at(&rest[i..]) > 0)
                .map_or(rest.len(), |(i, _)| i);
            let mut data = rest[..end].to_string();
            rest = &rest[end..];
            let after_tag = last != Last::Other;
            let after_block = after_tag && BLOCK_TAGS.contains(&last_tag.as_str());
            if after_tag && last_tag == "br" {
                data = data.trim_start_matches('\n').to_string();
            }
            if !in_pre {
                data = collapse(&data);
            }
            // pulldown-cmark leaves `"` as it is in text, cmark writes `&quot;`: the same text.
            data = data.replace("&quot;", "\"");
            if after_block && !in_pre {
                data = match last {
                    Last::Start => data.trim_start().to_string(),
                    _ => data.trim().to_string(),
                };
            }
            out.push_str(&data);
            last = Last::Other;
            continue;
        }
        let tag = &rest[..tag_len];
        rest = &rest[tag_len..];
        let closing = tag.starts_with("</");
        let name: String = tag[if closing { 2 } else { 1 }..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            // A comment, declaration or processing instruction: kept as it is.
            out.push_str(tag);
            last = Last::Other;
            continue;
        }
        let block = BLOCK_TAGS.contains(&name.as_str());
        if closing {
            if name == "pre" {
                in_pre = false;
            } else if block {
                out.truncate(out.trim_end().len());
            }
            out.push_str(&format!("</{name}>"));
            last = Last::End;
        } else {
            if name == "pre" {
                in_pre = true;
            }
            if block {
                out.truncate(out.trim_end().len());
            }
            let attributes = tag[1 + name.len()..tag.len() - 1].trim_end();
            let self_closing = attributes.ends_with('/');
            let attributes = attributes.trim_end_matches('/').trim_end();
            out.push_str(&format!("<{name}{attributes}>"));
            last = if self_closing { Last::End } else { Last::Start };
        }
        last_tag = name;
    }
    out
}

/// Every run of whitespace as one space (Python's `re.sub(r'\s+', ' ', data)`).
fn collapse(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    let mut in_space = false;
    for c in data.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The length of the tag at the start of `text` (`<a …>`, `</a>`, `<!-- … -->`, `<?…>`), or 0.
fn tag_at(text: &str) -> usize {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'<') || bytes.len() < 2 {
        return 0;
    }
    let starts_tag = bytes[1].is_ascii_alphabetic()
        || (bytes[1] == b'/' && bytes.get(2).is_some_and(u8::is_ascii_alphabetic))
        || bytes[1] == b'!'
        || bytes[1] == b'?';
    if !starts_tag {
        return 0;
    }
    if text.starts_with("<!--") {
        return text.find("-->").map_or(0, |e| e + 3);
    }
    text.find('>').map_or(0, |e| e + 1)
}

fn rendered(markdown: &str) -> String {
    let strings: Strings = [("anchor_label", "Link")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    render(
        markdown,
        &headings(markdown).list,
        &|_| (LinkTarget::Unchanged, None),
        &|_, _| None,
        &strings,
    )
    .html
}

#[test]
fn the_commonmark_spec_examples_render_as_the_spec_says() {
    let examples: Vec<Example> = serde_json::from_str(include_str!(
        "../../tests/fixtures/commonmark/spec-0.31.2.json"
    ))
    .expect("the vendored spec examples are valid JSON");
    assert_eq!(examples.len(), 652);
    let mut failing = Vec::new();
    for example in &examples {
        let ours = normalize(&without_additions(&rendered(&example.markdown)));
        let spec = normalize(&example.html);
        if ours != spec {
            failing.push((example.example, ours, spec));
        }
    }
    let passing = examples.len() - failing.len();
    let unexpected: Vec<String> = failing
        .iter()
        .filter(|(n, _, _)| !KNOWN_DEVIATIONS.iter().any(|(k, _)| k == n))
        .map(|(n, ours, spec)| format!("example {n}:\n  ours: {ours:?}\n  spec: {spec:?}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} examples differ from the spec ({passing} pass):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    let fixed: Vec<u32> = KNOWN_DEVIATIONS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !failing.iter().any(|(f, _, _)| f == n))
        .collect();
    assert!(
        fixed.is_empty(),
        "these examples now pass: take them off KNOWN_DEVIATIONS: {fixed:?}"
    );
    assert!(passing >= BASELINE_PASSING, "{passing} examples pass");
}

#[test]
fn normalising_follows_the_spec_runner() {
    assert_eq!(normalize("<p>a  \t\nb</p>"), "<p>a b</p>");
    assert_eq!(normalize("\n\t<p>\n\t\ta  b\t\t</p>\n\t"), "<p>a b</p>");
    assert_eq!(normalize("<i>a  b</i> "), "<i>a b</i> ");
    assert_eq!(normalize("<br />"), "<br>");
    assert_eq!(
        normalize("<pre><code>a  b\n</code></pre>\n"),
        "<pre><code>a  b\n</code></pre>"
    );
    assert_eq!(
        without_additions("<h2 id=\"a\">A <a class=\"anchor\" href=\"#a\"><span>#</span></a></h2>"),
        "<h2>A</h2>"
    );
}
