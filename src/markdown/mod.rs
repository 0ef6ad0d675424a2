//! Markdown → HTML with pulldown-cmark: heading ids that are unique on the page (and work for
//! Chinese headings), the table of contents, GitHub-style alerts as admonitions, build-time
//! highlighted code, marked external links and resolved internal links. Pure: text in, HTML
//! and problems (with byte offsets into the text) out.

use std::collections::HashMap;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use crate::diagram;
use crate::highlight::{self, Highlight};
use crate::i18n::Strings;
use crate::linkcheck;

mod headings;

use headings::Events;
pub use headings::{DuplicateId, Heading, Headings, headings, slugify};

/// An entry of the on-page table of contents: a level-2 heading and the level-3 ones under it.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// `text` made safe in HTML element content and quoted attributes (`&`, `<`, `>`, quotes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

/// The character an HTML character reference names, from what is between `&` and `;`:
/// the named ones walletdesk's HTML and common raw HTML use, and every numeric one.
pub fn decode_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// A level-2 heading and the plain text of what follows it up to the next one: the questions
/// and answers of an FAQ page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    pub text: String,
}

/// The level-2 sections of a page, with their text as plain text (for FAQ structured data).
pub fn sections(markdown: &str) -> Vec<Section> {
    let mut found: Vec<Section> = Vec::new();
    let mut in_heading = false;
    for (event, _) in Events::new(markdown) {
        match event {
            Event::Start(Tag::Heading {
                level: pulldown_cmark::HeadingLevel::H2,
                ..
            }) => {
                in_heading = true;
                found.push(Section {
                    title: String::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(pulldown_cmark::HeadingLevel::H2)) => in_heading = false,
            Event::Text(text) | Event::Code(text) => {
                if let Some(section) = found.last_mut() {
                    if in_heading {
                        section.title.push_str(&text);
                    } else {
                        section.text.push_str(&text);
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(section) = found.last_mut().filter(|_| !in_heading) {
                    section.text.push(' ');
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::TableCell,
            ) => {
                if let Some(section) = found.last_mut().filter(|_| !in_heading)
                    && !section.text.ends_with(' ')
                    && !section.text.is_empty()
                {
                    section.text.push(' ');
                }
            }
            _ => {}
        }
    }
    for section in &mut found {
        section.title = section.title.trim().to_string();
        section.text = section.text.trim().to_string();
    }
    found
}

/// Level-2 headings with the level-3 headings under them.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for heading in headings {
        let entry = TocEntry {
            id: heading.id.clone(),
            title: heading.title.clone(),
            children: Vec::new(),
        };
        match (heading.level, toc.last_mut()) {
            (2, _) => toc.push(entry),
            (3, Some(parent)) => parent.children.push(entry),
            (3, None) => toc.push(entry),
            _ => {}
        }
    }
    toc
}

/// What a link destination becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Left as written (mailto:, same-site URLs, …).
    Unchanged,
    /// A link that leaves the site: marked as external.
    External,
    /// An internal link (`@/…` or a relative `.md` path) resolved to this href.
    Internal(String),
}

/// A problem found while rendering: a link that does not resolve, a data block that is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub is_error: bool,
    pub message: String,
    pub hint: Option<String>,
}

/// A link problem at a byte offset of the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub offset: usize,
    pub problem: T,
}

/// A URL the body's HTML carries (a link, an image, an attribute of raw HTML) and where it was
/// written, so a dead one can be reported there (see `linkcheck`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenUrl {
    /// The URL as the HTML has it, percent-decoded (`linkcheck::url_key`).
    pub url: String,
    /// The byte offset in the Markdown.
    pub offset: usize,
    /// Whether a problem was reported here already (a link that did not resolve).
    pub reported: bool,
}

#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    pub problems: Vec<Located<Problem>>,
    pub urls: Vec<WrittenUrl>,
}

/// Renders the fenced block of a language walletdesk owns (such as ```` ```fees ````) to HTML,
/// or says it is not such a block (`None`).
pub type BlockRenderer<'a> = &'a dyn Fn(&str, &str) -> Option<Result<String, Problem>>;

/// Renders `markdown` to HTML. `headings` must be `headings(markdown)`: the ids were decided
/// there so links to this page could be checked before any page was rendered. `resolve` maps
/// every link destination, `blocks` renders data blocks, and `strings` gives alert titles and
/// labels in the page's language.
pub fn render(
    markdown: &str,
    headings: &[Heading],
    resolve: &dyn Fn(&str) -> (LinkTarget, Option<Problem>),
    blocks: BlockRenderer,
    strings: &Strings,
) -> Rendered {
    let label = |key: &str| strings.get(key).map_or(key, String::as_str).to_string();
    let mut events: Vec<Event> = Vec::new();
    let mut problems = Vec::new();
    let mut urls = Vec::new();
    let mut html_block: Option<RawHtml> = None;
    let mut heading_ids = headings.iter().map(|h| h.id.as_str());
    let mut open_heading: Option<&str> = None;
    // The open code block: its language, its text, and the byte offsets of its fence and of
    // its first line of text.
    let mut code: Option<(String, String, usize, Option<usize>)> = None;
    let mut diagrams = 0usize;
    let mut external_links: Vec<bool> = Vec::new();
    // Footnotes are numbered in order of first mention; their ids get a `fn-` prefix so a
    // footnote named like a heading (`[^sandbox]`, `## … {#sandbox}`) cannot repeat its id.
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    let mut footnote_number = |name: &str| {
        let next = footnotes.len() + 1;
        *footnotes.entry(name.to_string()).or_insert(next)
    };

    // Where the last lone `*` text ended, and whether this block's `**` was reported.
    let mut lone_star: Option<usize> = None;
    let mut star_reported = false;
    for (event, range) in Events::new(markdown) {
        if matches!(event, Event::End(_)) {
            star_reported = false;
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                open_heading = heading_ids.next();
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: open_heading.map(CowStr::from),
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(id) = open_heading.take() {
                    let mut anchor = String::from(" <a class=\"anchor\" href=\"#");
                    let _ = escape_href(&mut anchor, id);
                    anchor.push_str(
                        "\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">",
                    );
                    let _ = escape_html(&mut anchor, &label("anchor_label"));
                    anchor.push_str("</span></a>");
                    events.push(Event::InlineHtml(anchor.into()));
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new(), range.start, None));
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, buffer, _, first)) = code.as_mut() {
                    first.get_or_insert(range.start);
                    buffer.push_str(&text);
                }
            }
            // `**` left as text (two `*` text events in a row): the bold did not close, most
            // often because CommonMark does not end it after punctuation followed by a letter
            // (`**密钥（RSA2）**配置`). Reported once per block.
            Event::Text(ref text) if text.as_ref() == "*" => {
                if lone_star == Some(range.start) && !star_reported {
                    star_reported = true;
                    problems.push(Located {
                        offset: range.start - 1,
                        problem: Problem {
                            is_error: false,
                            message: "`**` is shown as text: this bold does not close".into(),
                            hint: Some(
                                "next to punctuation such as （） or ：, put the punctuation outside the `**` (`**密钥**（RSA2）`) or add a space".into(),
                            ),
                        },
                    });
                }
                lone_star = Some(range.end);
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, buffer, offset, first)) = code.take() {
                    let html = if lang == "mermaid" {
                        diagrams += 1;
                        let text_at = first.unwrap_or(offset);
                        // At its place in the diagram's text, or at the fence when it is
                        // about the diagram as a whole.
                        let located = |p: diagram::Problem| Located {
                            offset: p.offset.map_or(offset, |at| text_at + at),
                            problem: p.problem,
                        };
                        match diagram::render(&buffer, &format!("diagram-{diagrams}")) {
                            Ok(drawn) => {
                                problems.extend(drawn.warnings.into_iter().map(located));
                                drawn.html
                            }
                            Err(problem) => {
                                problems.push(located(problem));
                                code_block(&lang, &buffer).0
                            }
                        }
                    } else {
                        match blocks(&lang, &buffer) {
                            Some(Ok(html)) => html,
                            Some(Err(problem)) => {
                                problems.push(Located { offset, problem });
                                code_block(&lang, &buffer).0
                            }
                            None => {
                                let (html, problem) = code_block(&lang, &buffer);
                                problems.extend(problem.map(|problem| Located { offset, problem }));
                                html
                            }
                        }
                    };
                    events.push(Event::Html(html.into()));
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, key) = alert(kind);
                let mut html = format!(
                    "<div class=\"admonition {class}\" role=\"note\"><p class=\"admonition-title\">"
                );
                let _ = escape_html(&mut html, &label(key));
                html.push_str("</p>\n");
                events.push(Event::Html(html.into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => events.push(Event::Html("</div>\n".into())),
            Event::Start(Tag::Table(alignment)) => {
                events.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                events.push(Event::Start(Tag::Table(alignment)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (target, problem) = resolve(&dest_url);
                let reported = problem.as_ref().is_some_and(|p| p.is_error);
                if let Some(problem) = problem {
                    problems.push(Located {
                        offset: range.start,
                        problem,
                    });
                }
                let href = match &target {
                    LinkTarget::External => None,
                    LinkTarget::Internal(href) => Some(href.as_str()),
                    LinkTarget::Unchanged => Some(dest_url.as_ref()),
                };
                urls.extend(href.map(|href| WrittenUrl {
                    url: linkcheck::url_key(href),
                    offset: range.start,
                    reported,
                }));
                match target {
                    LinkTarget::External => {
                        let mut html =
                            String::from("<a class=\"external\" rel=\"external\" href=\"");
                        let _ = escape_href(&mut html, &dest_url);
                        if !title.is_empty() {
                            html.push_str("\" title=\"");
                            let _ = escape_html(&mut html, &title);
                        }
                        html.push_str("\">");
                        events.push(Event::InlineHtml(html.into()));
                        external_links.push(true);
                    }
                    LinkTarget::Internal(href) => {
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: href.into(),
                            title,
                            id,
                        }));
                        external_links.push(false);
                    }
                    LinkTarget::Unchanged => {
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        }));
                        external_links.push(false);
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                if external_links.pop() == Some(true) {
                    let mut html = String::from("<span class=\"visually-hidden\"> ");
                    let _ = escape_html(&mut html, &label("external_link"));
                    html.push_str("</span></a>");
                    events.push(Event::InlineHtml(html.into()));
                } else {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::FootnoteReference(name) => {
                let number = footnote_number(&name);
                let id = slugify(&name);
                events.push(Event::InlineHtml(
                    format!(
                        "<sup class=\"footnote-reference\"><a href=\"#fn-{id}\">{number}</a></sup>"
                    )
                    .into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let number = footnote_number(&name);
                let id = slugify(&name);
                events.push(Event::Html(
                    format!("<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{number}</sup>\n").into(),
                ));
            }
            Event::End(TagEnd::FootnoteDefinition) => events.push(Event::Html("</div>\n".into())),
            Event::TaskListMarker(done) => {
                // A disabled checkbox still needs a name for screen readers.
                let label = label(if done { "task_done" } else { "task_open" });
                let mut html = String::from("<input type=\"checkbox\" disabled");
                if done {
                    html.push_str(" checked");
                }
                html.push_str(" aria-label=\"");
                let _ = escape_html(&mut html, &label);
                html.push_str("\">");
                events.push(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                urls.push(WrittenUrl {
                    url: linkcheck::url_key(dest_url),
                    offset: range.start,
                    reported: false,
                });
                events.push(event);
            }
            // Raw HTML: a block comes line by line, without the prefixes of the containers it
            // is in (`> `), so its lines are joined, scanned, and each URL mapped back to its
            // line's place in the Markdown.
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(RawHtml::default());
                events.push(event);
            }
            Event::Html(ref text) if html_block.is_some() => {
                if let Some(block) = html_block.as_mut() {
                    block.lines.push((block.text.len(), range.start));
                    block.text.push_str(text);
                }
                events.push(event);
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = html_block.take() {
                    urls.extend(block.urls());
                }
                events.push(event);
            }
            Event::InlineHtml(ref text) => {
                let block = RawHtml {
                    text: text.to_string(),
                    lines: vec![(0, range.start)],
                };
                urls.extend(block.urls());
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered {
        html,
        problems,
        urls,
    }
}

/// Raw HTML as the parser gives it, with where each of its lines starts in the Markdown.
#[derive(Default)]
struct RawHtml {
    text: String,
    /// (offset in `text`, offset in the Markdown) of each line.
    lines: Vec<(usize, usize)>,
}

impl RawHtml {
    /// The URLs of the HTML's attributes, at their places in the Markdown.
    fn urls(&self) -> impl Iterator<Item = WrittenUrl> + '_ {
        linkcheck::html_urls(&self.text).into_iter().map(|found| {
            let line = self
                .lines
                .partition_point(|&(start, _)| start <= found.offset)
                - 1;
            let (text_start, source_start) = self.lines[line];
            WrittenUrl {
                url: linkcheck::url_key(&found.url),
                offset: source_start + found.offset - text_start,
                reported: false,
            }
        })
    }
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "note"),
        BlockQuoteKind::Tip => ("tip", "tip"),
        BlockQuoteKind::Important => ("important", "important"),
        BlockQuoteKind::Warning => ("warning", "warning"),
        BlockQuoteKind::Caution => ("caution", "caution"),
    }
}

/// A code block's HTML, and the warning when it was too large to highlight.
fn code_block(lang: &str, code: &str) -> (String, Option<Problem>) {
    // tabindex: a block that scrolls sideways must be reachable with the keyboard.
    let mut html = String::from("<pre class=\"code hl-code\" tabindex=\"0\"");
    if !lang.is_empty() {
        html.push_str(" data-lang=\"");
        let _ = escape_html(&mut html, lang);
        html.push('"');
    }
    html.push_str("><code>");
    let mut problem = None;
    match (!lang.is_empty()).then(|| highlight::highlight(code, lang)) {
        Some(Highlight::Html(highlighted)) => html.push_str(&highlighted),
        outcome => {
            if let Some(Highlight::TooLarge(message)) = outcome {
                problem = Some(Problem {
                    is_error: false,
                    message,
                    hint: Some("split it, or drop the language to show it as plain text".into()),
                });
            }
            let _ = escape_html(&mut html, code);
        }
    }
    html.push_str("</code></pre>\n");
    (html, problem)
}

#[cfg(test)]
mod commonmark;

#[cfg(test)]
mod tests {
    use super::*;

    fn strings() -> Strings {
        [
            ("note", "Note"),
            ("anchor_label", "Link"),
            ("external_link", "(external)"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn rendered(markdown: &str) -> Rendered {
        render(
            markdown,
            &headings(markdown).list,
            &|_| (LinkTarget::Unchanged, None),
            &|_, _| None,
            &strings(),
        )
    }

    fn html(markdown: &str) -> String {
        rendered(markdown).html
    }

    #[test]
    fn bold_that_does_not_close_is_a_warning_at_its_place() {
        let bold = rendered("选一种：**公钥模式（RSA2）**配置简单。\n");
        assert_eq!(bold.problems.len(), 1);
        assert_eq!(bold.problems[0].offset, "选一种：".len());
        assert!(!bold.problems[0].problem.is_error);
        for fine in [
            "选一种：**公钥模式**（RSA2）配置简单。\n",
            "Escaped \\*\\* stars, `**` code.\n",
        ] {
            assert!(rendered(fine).problems.is_empty(), "{fine}");
        }
    }

    #[test]
    fn heading_ids_are_unique_and_keep_chinese() {
        assert_eq!(
            ids("## 选择服务商\n## 选择服务商\n## API keys (v3)\n## Custom {#own}\n"),
            ["选择服务商", "选择服务商-1", "api-keys-v3", "own"]
        );
    }

    #[test]
    fn many_equal_headings_get_numbered_ids_in_linear_time() {
        // Each repeat starts from the suffix after the last one given to its base id, so the
        // ids of n equal headings cost O(n), not O(n²).
        let markdown = "## a\n".repeat(20_000);
        let found = ids(&markdown);
        assert_eq!(found.len(), 20_000);
        assert_eq!(found[0], "a");
        for (n, id) in found.iter().enumerate().skip(1) {
            assert_eq!(*id, format!("a-{n}"));
        }
        // A heading whose own text is a numbered id takes that id; the repeats go around it.
        assert_eq!(
            ids("## a\n## a-1\n## a\n## a\n"),
            ["a", "a-1", "a-2", "a-3"]
        );
    }

    fn ids(markdown: &str) -> Vec<String> {
        headings(markdown).list.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn braces_that_are_no_attribute_block_stay_text() {
        let markdown = "## Fees {per month}\n\n## Fees {}\n\n## Size {#}\n";
        let found = headings(markdown).list;
        assert_eq!(found[0].title, "Fees {per month}");
        assert_eq!(found[0].id, "fees-per-month");
        assert_eq!(found[1].title, "Fees {}");
        assert_eq!(found[2].title, "Size {#}");
        let out = html(markdown);
        assert!(
            out.contains("<h2 id=\"fees-per-month\">Fees {per month} <a class=\"anchor\""),
            "{out}"
        );
        assert!(!out.contains("per=\"\""), "{out}");
        assert!(out.contains("<h2 id=\"fees\">Fees {} <a"), "{out}");
    }

    #[test]
    fn attribute_blocks_set_id_classes_and_attributes() {
        let markdown = "## Fees {#fees .wide data-x=1}\n\n## snake_case here {#my_id}\n\n## Closed ## {#closed}\n\nSetext {.big id=set}\n------\n\n> ## Quoted {#quoted}\n\n## Kept {#kept} ##\n";
        assert_eq!(
            ids(markdown),
            ["fees", "my_id", "closed", "set", "quoted", "kept-kept"]
        );
        let titles: Vec<String> = headings(markdown)
            .list
            .into_iter()
            .map(|h| h.title)
            .collect();
        assert_eq!(
            titles,
            [
                "Fees",
                "snake_case here",
                "Closed",
                "Setext",
                "Quoted",
                "Kept {#kept}"
            ]
        );
        let out = html(markdown);
        assert!(
            out.contains("<h2 id=\"fees\" class=\"wide\" data-x=\"1\">Fees <a"),
            "{out}"
        );
        assert!(out.contains("<h2 id=\"my_id\">snake_case here <a"), "{out}");
        assert!(
            out.contains("<h2 id=\"set\" class=\"big\">Setext <a"),
            "{out}"
        );
        assert_eq!(out.matches(" id=").count(), 6, "{out}");
    }

    #[test]
    fn author_ids_are_kept_and_automatic_ids_go_around_them() {
        assert_eq!(
            ids("## Fees\n\n## Fees {#fees}\n\n## Fees\n"),
            ["fees-1", "fees", "fees-2"]
        );
        assert_eq!(ids("## A\n## A\n## B {#a-1}\n"), ["a", "a-2", "a-1"]);
        assert!(
            headings("## Fees\n\n## Fees {#fees}\n")
                .duplicates
                .is_empty()
        );
    }

    #[test]
    fn an_author_id_given_twice_is_a_duplicate_at_the_second() {
        let markdown = "## Fees {#fees}\n\nText.\n\n## Costs {#fees}\n";
        let found = headings(markdown);
        assert_eq!(
            found.duplicates,
            [DuplicateId {
                id: "fees".into(),
                first: "## Fees ".len(),
                second: "## Fees {#fees}\n\nText.\n\n## Costs ".len(),
            }]
        );
        let ids: Vec<&str> = found.list.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["fees", "fees-1"], "still unique in the HTML");
    }

    #[test]
    fn sections_hold_questions_and_plain_answers() {
        let found = sections(
            "Intro.\n\n## How long? {#how-long}\n\nAbout **two** weeks.\n\n- one\n- two\n\n## Fees `x`\n\nSee [the table](@/a.md).\n",
        );
        assert_eq!(
            found[0],
            Section {
                title: "How long?".into(),
                text: "About two weeks. one two".into()
            }
        );
        assert_eq!(found[1].title, "Fees x");
        assert_eq!(found[1].text, "See the table.");
    }

    #[test]
    fn footnote_ids_cannot_collide_with_headings() {
        let out = html(
            "## Sandbox {#sandbox}\n\nText[^sandbox] and[^b].\n\n[^b]: Bee.\n[^sandbox]: Source.\n",
        );
        assert!(out.contains("<h2 id=\"sandbox\">"));
        assert!(
            out.contains("<sup class=\"footnote-reference\"><a href=\"#fn-sandbox\">1</a></sup>"),
            "{out}"
        );
        assert!(out.contains("<a href=\"#fn-b\">2</a>"));
        assert!(out.contains("<div class=\"footnote-definition\" id=\"fn-sandbox\"><sup class=\"footnote-definition-label\">1</sup>"), "{out}");
        assert_eq!(out.matches("id=\"sandbox\"").count(), 1);
    }

    #[test]
    fn toc_nests_level_three_under_two() {
        let toc = toc(&headings("## A\n### B\n## C\n#### D\n").list);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children[0].title, "B");
    }

    #[test]
    fn alerts_become_admonitions() {
        let out = html("> [!NOTE]\n> Keep keys secret.\n");
        assert!(out.starts_with("<div class=\"admonition note\" role=\"note\"><p class=\"admonition-title\">Note</p>"), "{out}");
        assert!(out.contains("Keep keys secret."));
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let out = html("```rust\nlet x = 1;\n```\n");
        assert!(
            out.contains("<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"rust\"><code><span class=\"hl-"),
            "{out}"
        );
        let plain = html("```\n<b>\n```\n");
        assert!(plain.contains("&lt;b&gt;"));
    }

    #[test]
    fn huge_code_blocks_are_shown_plain_with_a_warning_at_their_line() {
        let long = format!(
            "Text.\n\n```rust\n{}```\n",
            "let x = 1 < 2;\n".repeat(2_001)
        );
        let out = rendered(&long);
        assert!(
            out.html.contains("<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"rust\"><code>let x = 1 &lt; 2;\nlet x"),
            "{}",
            &out.html[..200]
        );
        assert!(!out.html.contains("<span"));
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].offset, "Text.\n\n".len());
        assert_eq!(
            out.problems[0].problem,
            Problem {
                is_error: false,
                message: "code block of 2001 lines is shown without highlighting (over 2000)"
                    .into(),
                hint: Some("split it, or drop the language to show it as plain text".into()),
            }
        );
        let wide = format!("```rust\n// {}\n```\n", "x".repeat(300 * 1024));
        let out = rendered(&wide);
        assert!(!out.html.contains("<span"));
        assert_eq!(
            out.problems[0].problem.message,
            "code block of 300 KiB is shown without highlighting (over 256 KiB)"
        );
        let unknown = format!("```nosuchlanguage\n{}```\n", "x\n".repeat(2_001));
        assert!(
            rendered(&unknown).problems.is_empty(),
            "plain anyway: nothing to say"
        );
        assert!(rendered("```rust\nlet x = 1;\n```\n").problems.is_empty());
    }

    #[test]
    fn external_links_are_marked_and_internal_rewritten() {
        let resolve = |dest: &str| {
            let target = if dest.starts_with("https://") {
                LinkTarget::External
            } else {
                LinkTarget::Internal("/guide/".to_string())
            };
            (target, None)
        };
        let md = "[a](https://stripe.com) [b](@/guide/_index.md)";
        let out = render(md, &[], &resolve, &|_, _| None, &strings()).html;
        assert!(out.contains("<a class=\"external\" rel=\"external\" href=\"https://stripe.com\">a<span class=\"visually-hidden\"> (external)</span></a>"), "{out}");
        assert!(out.contains("<a href=\"/guide/\">b</a>"), "{out}");
    }

    #[test]
    fn every_url_of_the_body_is_recorded_where_it_was_written() {
        let md = "[a](x%20y.html) ![i](i.png) <b title=x>b</b>\n\n> <div>\n> <img\n>  src=\"r&amp;s.png\">\n> </div>\n";
        let written: Vec<(String, &str)> = rendered(md)
            .urls
            .into_iter()
            .map(|w| (w.url, &md[w.offset..]))
            .collect();
        assert_eq!(written.len(), 3, "{written:?}");
        assert_eq!(written[0].0, "x y.html");
        assert!(written[0].1.starts_with("[a]"));
        assert_eq!(written[1].0, "i.png");
        assert!(written[1].1.starts_with("![i]"));
        assert_eq!(written[2].0, "r&s.png");
        assert!(written[2].1.starts_with("r&amp;s.png"));
    }

    #[test]
    fn link_problems_carry_offsets() {
        let md = "text\n\n[x](@/missing.md)";
        let resolve = |_: &str| {
            let problem = Problem {
                is_error: true,
                message: "missing".into(),
                hint: None,
            };
            (LinkTarget::Unchanged, Some(problem))
        };
        let problems = render(md, &[], &resolve, &|_, _| None, &strings()).problems;
        assert_eq!(problems[0].offset, 6);
    }
}
