//! Rendered page bodies → searchable sections. A page is split at its `h2` and `h3` headings
//! (the anchors its table of contents links to); the text before the first heading is the
//! page's own section. The bodies are walletdesk's own HTML, so a small scanner does: it drops
//! tags, decodes entities, skips what a reader does not read as text (heading anchor links,
//! footnote reference numbers, visually hidden labels, scripts, charts — but not a diagram's
//! labels), and ends a line at every block element so that a CJK run never joins two
//! paragraphs.

/// One heading section of a page's body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionText {
    /// The heading's text and id; `None` for the text before the first heading.
    pub heading: Option<(String, String)>,
    /// The text, blocks separated by `\n`, runs of white space collapsed.
    pub text: String,
}

const BLOCKS: &[&str] = &[
    "p",
    "li",
    "ul",
    "ol",
    "div",
    "pre",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "dt",
    "dd",
    "dl",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "figure",
    "figcaption",
    "details",
    "summary",
    "aside",
    // The labels of a diagram (see `skipped`): each is a line of its own.
    "text",
    "title",
    "desc",
];
const SKIPPED_CLASSES: &[&str] = &["anchor", "footnote-reference", "visually-hidden"];
const SKIPPED_TAGS: &[&str] = &["script", "style", "template", "svg"];

struct Tag<'a> {
    name: &'a str,
    closing: bool,
    attributes: &'a str,
}

fn parse_tag(inner: &str) -> Tag<'_> {
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/');
    let end = inner
        .find(|c: char| c.is_ascii_whitespace() || c == '/')
        .unwrap_or(inner.len());
    Tag {
        name: &inner[..end],
        closing,
        attributes: &inner[end..],
    }
}

fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let at = attributes.find(&format!(" {name}=\""))?;
    let value = &attributes[at + name.len() + 3..];
    Some(&value[..value.find('"')?])
}

/// What a reader does not read as text. An SVG is skipped (a chart's axis labels and numbers
/// are not prose), but a diagram's labels are: a reader who searches for a step of a flow
/// finds the diagram that shows it.
fn skipped(tag: &Tag) -> bool {
    let classes = attribute(tag.attributes, "class").unwrap_or_default();
    if tag.name == "svg" && classes.split_ascii_whitespace().any(|c| c == "diagram-svg") {
        return false;
    }
    SKIPPED_TAGS.contains(&tag.name)
        || attribute(tag.attributes, "class").is_some_and(|classes| {
            classes
                .split_ascii_whitespace()
                .any(|c| SKIPPED_CLASSES.contains(&c))
        })
}

/// Appends `text` with entities decoded and white space collapsed.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let (piece, decoded, after) = match rest.find('&') {
            Some(at) => {
                let entity = &rest[at..];
                let end = entity.find(';').filter(|&e| e <= 10);
                let decoded = end.and_then(|e| decode_entity(&entity[1..e]));
                match (end, decoded) {
                    (Some(e), Some(c)) => (&rest[..at], Some(c), &rest[at + e + 1..]),
                    _ => (&rest[..=at], None, &rest[at + 1..]),
                }
            }
            None => (rest, None, ""),
        };
        for c in piece.chars().chain(decoded) {
            if c.is_whitespace() {
                if !out.is_empty() && !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
        }
        rest = after;
    }
}

/// A character reference as search text: a no-break space is a space.
fn decode_entity(name: &str) -> Option<char> {
    match crate::markdown::decode_entity(name)? {
        '\u{a0}' => Some(' '),
        c => Some(c),
    }
}

fn end_line(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Splits a rendered body into its sections. The first section (text before any heading) is
/// always there, possibly empty; a heading without an id starts no section.
pub fn sections(html: &str) -> Vec<SectionText> {
    let mut sections = vec![SectionText::default()];
    // The element being skipped, with how deep the same element is nested inside itself.
    let mut skipping: Option<(&str, usize)> = None;
    // Text of the heading being read, with its id.
    let mut heading: Option<(String, String)> = None;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if skipping.is_none() {
            let out = match &mut heading {
                Some((text, _)) => text,
                None => &mut sections.last_mut().expect("never empty").text,
            };
            push_text(out, text);
        }
        if inner.starts_with('!') {
            continue;
        }
        let tag = parse_tag(inner);
        if let Some((name, depth)) = &mut skipping {
            if tag.name == *name {
                if tag.closing && *depth == 0 {
                    skipping = None;
                } else if tag.closing {
                    *depth -= 1;
                } else if !inner.ends_with('/') {
                    *depth += 1;
                }
            }
            continue;
        }
        if !tag.closing && skipped(&tag) && !inner.ends_with('/') {
            skipping = Some((tag.name, 0));
            continue;
        }
        let is_section_heading = matches!(tag.name, "h2" | "h3");
        if is_section_heading && !tag.closing {
            if let Some(id) = attribute(tag.attributes, "id") {
                heading = Some((String::new(), id.to_string()));
                continue;
            }
        } else if is_section_heading
            && tag.closing
            && let Some((text, id)) = heading.take()
        {
            end_line(&mut sections.last_mut().expect("never empty").text);
            sections.push(SectionText {
                heading: Some((text.trim().to_string(), id)),
                text: String::new(),
            });
            continue;
        }
        if BLOCKS.contains(&tag.name) {
            match &mut heading {
                Some((text, _)) => push_text(text, " "),
                None => end_line(&mut sections.last_mut().expect("never empty").text),
            }
        }
    }
    if skipping.is_none() && heading.is_none() {
        push_text(&mut sections.last_mut().expect("never empty").text, rest);
    }
    for section in &mut sections {
        let trimmed = section.text.trim_end().len();
        section.text.truncate(trimmed);
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_headings_and_drops_what_is_not_text() {
        let html = "<p>前言 &amp; <strong>支付</strong>宝<sup class=\"footnote-reference\"><a href=\"#fn-1\">1</a></sup></p>\n<p>second</p>\n\
            <h2 id=\"keys\">密钥轮换 <a class=\"anchor\" href=\"#keys\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link</span></a></h2>\n\
            <ul><li>one</li><li>two &lt;b&gt;</li></ul><script>var x = 1;</script>";
        let sections = sections(html);
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].heading, None);
        assert_eq!(sections[0].text, "前言 & 支付宝\nsecond");
        assert_eq!(
            sections[1].heading,
            Some(("密钥轮换".to_string(), "keys".to_string()))
        );
        assert_eq!(sections[1].text, "one\ntwo <b>");
    }

    #[test]
    fn a_diagrams_labels_are_text_and_a_charts_are_not() {
        let diagram = crate::diagram::render(
            "flowchart LR\n  accTitle: 对账\n  A[下载对账单] --> B[逐笔核对]\n",
            "diagram-1",
        )
        .unwrap();
        let chart = "<svg class=\"fee-chart\"><text>12.50</text></svg>";
        let sections = sections(&format!("<p>每天</p>{}{chart}", diagram.html));
        assert_eq!(sections[0].text, "每天\n对账\n下载对账单\n逐笔核对");
    }

    #[test]
    fn a_heading_without_id_stays_in_its_section() {
        let sections = sections("<p>a</p><h2>plain</h2><p>b</p>");
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].text, "a\nplain\nb");
    }
}
