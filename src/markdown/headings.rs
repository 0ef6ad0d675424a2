//! Headings: which trailing `{…}` of a heading is an attribute block, the event stream that
//! reads it so (used by every reader of a page's Markdown), slugs, and the ids of a page's
//! headings, decided once by [`headings`].
//!
//! pulldown-cmark's `ENABLE_HEADING_ATTRIBUTES` reads any trailing braces as attributes:
//! `## Fees {per month}` became "Fees" with `per=""` and `month=""`. We want braces to be an
//! attribute block only when every token in them is `#id`, `.class` or `key=value`, and to
//! stay text otherwise. Parsing the block ourselves with the option off would mean cutting it
//! out of the heading's inline events, which an emphasis or code span may cross
//! (`## _Fees {#x_}`); so the page is parsed without the option, and for a heading whose
//! block is valid the events come from a second parser with the option on — pulldown-cmark
//! then strips the block before inline parsing, exactly as before. The option changes
//! nothing but headings, so both parsers see the same blocks and their n-th headings are the
//! same heading. The second parser starts only on a page that has such a heading.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, OffsetIter, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// The extensions walletdesk reads (heading attributes are handled by [`Events`]).
pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

/// The events of a page with their byte ranges, a heading's trailing `{…}` read as attributes
/// only when it is an attribute block (see [`attribute_block`]). An `id=…` or `class=…` in the
/// block is given as the id or a class, so an element never gets two `id`s.
pub(super) struct Events<'a> {
    markdown: &'a str,
    plain: OffsetIter<'a>,
    /// The parser with heading attributes on, once a heading needs it.
    attributed: Option<OffsetIter<'a>>,
    /// Headings started so far by `plain` and by `attributed`.
    plain_headings: usize,
    attributed_headings: usize,
    /// Whether the current heading's events come from `attributed`.
    in_attributed: bool,
}

impl<'a> Events<'a> {
    pub(super) fn new(markdown: &'a str) -> Self {
        Events {
            markdown,
            plain: Parser::new_ext(markdown, options()).into_offset_iter(),
            attributed: None,
            plain_headings: 0,
            attributed_headings: 0,
            in_attributed: false,
        }
    }

    /// The attributed parser's start of the heading `plain` just started.
    fn attributed_heading(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        let markdown = self.markdown;
        let attributed = self.attributed.get_or_insert_with(|| {
            Parser::new_ext(markdown, options() | Options::ENABLE_HEADING_ATTRIBUTES)
                .into_offset_iter()
        });
        for (event, range) in attributed.by_ref() {
            if let Event::Start(Tag::Heading {
                level,
                id,
                mut classes,
                attrs,
            }) = event
            {
                self.attributed_headings += 1;
                if self.attributed_headings < self.plain_headings {
                    continue;
                }
                let mut id = id;
                let mut kept = Vec::with_capacity(attrs.len());
                for (key, value) in attrs {
                    match (key.as_ref(), value) {
                        ("id", Some(value)) => id = id.or(Some(value)),
                        ("class", Some(value)) => classes.push(value),
                        (_, value) => kept.push((key, value)),
                    }
                }
                let start = Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: kept,
                };
                return Some((Event::Start(start), range));
            }
        }
        None
    }
}

impl<'a> Iterator for Events<'a> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.in_attributed {
            let (event, range) = self.attributed.as_mut()?.next()?;
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                self.in_attributed = false;
                for (skipped, _) in self.plain.by_ref() {
                    if matches!(skipped, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                }
            }
            return Some((event, range));
        }
        let (event, range) = self.plain.next()?;
        if matches!(event, Event::Start(Tag::Heading { .. })) {
            self.plain_headings += 1;
            if attribute_block(&self.markdown[range.clone()]).is_some()
                && let Some(start) = self.attributed_heading()
            {
                self.in_attributed = true;
                return Some(start);
            }
        }
        Some((event, range))
    }
}

/// Where the attribute block of a heading starts (the offset of its `{` in `source`, the
/// heading's Markdown), when the heading has one: its last line of text ends in `{…}` that
/// pulldown-cmark reads as a block (no `{}<>\` inside) and every token in it is `#id`,
/// `.class` or `key=value` (a key is letters, digits, `-`, `_`, `:` or `.`, not first a
/// digit or `-`), as Pandoc and kramdown write them. `{}`, `{per month}` or `{#}` are text.
pub(super) fn attribute_block(source: &str) -> Option<usize> {
    let text = source.trim_end();
    // A setext heading ends with its underline: its text ends on the line before.
    let text = match text.rfind('\n') {
        Some(i) => text[..i].trim_end(),
        None => text,
    };
    let inner_end = text.strip_suffix('}')?.len();
    let open = text[..inner_end].rfind(['{', '}', '<', '>', '\\', '\n', '\r'])?;
    if !text[open..].starts_with('{') {
        return None;
    }
    let mut tokens = text[open + 1..inner_end]
        .split_ascii_whitespace()
        .peekable();
    tokens.peek()?;
    tokens
        .all(|token| {
            if let Some(name) = token.strip_prefix(['#', '.']) {
                return !name.is_empty();
            }
            let Some((key, _)) = token.split_once('=') else {
                return false;
            };
            key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == ':')
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        })
        .then_some(open)
}

/// A heading of a page, with the id its anchor gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Two headings of a page given the same id by their author; byte offsets of their attribute
/// blocks in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateId {
    pub id: String,
    pub first: usize,
    pub second: usize,
}

/// A page's headings and the ids its author gave twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headings {
    pub list: Vec<Heading>,
    pub duplicates: Vec<DuplicateId>,
}

/// A GitHub-style heading slug that keeps letters of every script: `API 密钥 (v3)` → `api-密钥-v3`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c);
        } else if c == '-' || c.is_whitespace() {
            pending_dash = true;
        }
    }
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// A heading as written: its level, the id its author gave (with where), its text.
struct Written {
    level: u8,
    author_id: Option<(String, usize)>,
    title: String,
}

/// The page's headings in order, each with an id unique on the page. An id the author gave
/// (`{#id}`) is kept: those are taken first, so a heading's automatic id (the slug of its
/// text) that would equal one gets the next free suffix instead (`-1`, `-2`, …), and a link
/// to `#id` lands where the author meant. An author id given twice is a [`DuplicateId`]; the
/// second heading then gets a suffix too, so the HTML stays valid.
pub fn headings(markdown: &str) -> Headings {
    let mut written = Vec::new();
    let mut current: Option<Written> = None;
    for (event, range) in Events::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let at = range.start + attribute_block(&markdown[range]).unwrap_or(0);
                current = Some(Written {
                    level: level as u8,
                    author_id: id.map(|id| (id.to_string(), at)),
                    title: String::new(),
                });
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = current.as_mut() {
                    heading.title.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => written.extend(current.take()),
            _ => {}
        }
    }

    let mut ids = Ids::default();
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut kept = vec![false; written.len()];
    for (i, heading) in written.iter().enumerate() {
        if let Some((id, at)) = &heading.author_id {
            match first.get(id.as_str()) {
                Some(&first) => duplicates.push(DuplicateId {
                    id: id.clone(),
                    first,
                    second: *at,
                }),
                None => {
                    first.insert(id, *at);
                    ids.used.insert(id.clone());
                    kept[i] = true;
                }
            }
        }
    }
    let list = written
        .iter()
        .zip(kept)
        .map(|(heading, kept)| {
            let id = match &heading.author_id {
                Some((id, _)) if kept => id.clone(),
                Some((id, _)) => ids.unique(id),
                None => ids.unique(&slugify(&heading.title)),
            };
            Heading {
                level: heading.level,
                id,
                title: heading.title.trim().to_string(),
            }
        })
        .collect();
    Headings { list, duplicates }
}

/// The ids given on one page so far.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    /// For each base id, the suffix its next repeat tries first: every repeat of a base starts
    /// where the last one stopped, so n equal headings take O(n) steps, not O(n²).
    next: HashMap<String, usize>,
}

impl Ids {
    /// `base` if it is free, else the first free `base-1`, `base-2`, …; taken from now on.
    fn unique(&mut self, base: &str) -> String {
        let n = self.next.entry(base.to_string()).or_insert(0);
        let mut id = base.to_string();
        if *n > 0 || self.used.contains(&id) {
            loop {
                *n += 1;
                id = format!("{base}-{n}");
                if !self.used.contains(&id) {
                    break;
                }
            }
        }
        self.used.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_blocks_are_recognised_by_their_tokens() {
        for block in [
            "## A {#a}",
            "## A {.wide}",
            "## A {#a .b data-x=1 title=}",
            "## A {#a}  \n",
            "A {#a}\n---\n",
        ] {
            assert!(attribute_block(block).is_some(), "{block:?}");
        }
        for text in [
            "## A {per month}",
            "## A {}",
            "## A {#}",
            "## A { }",
            "## A {=x}",
            "## A {1x=y}",
            "## A {#a} ##",
            "## A {<b>}",
            "## A",
            "A {#a}\nmore\n---\n",
        ] {
            assert!(attribute_block(text).is_none(), "{text:?}");
        }
        assert_eq!(attribute_block("## Fees {#fees}"), Some(8));
    }
}
