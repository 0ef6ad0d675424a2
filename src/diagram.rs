//! Mermaid diagrams (```` ```mermaid ```` blocks) rendered at build time to inline SVG with
//! merman: no script runs in the reader's browser, labels are SVG `<text>` (selectable, and
//! indexed by search), and nothing is inline that a strict Content-Security-Policy refuses —
//! merman's `<style>` element is dropped and its `style` attributes become presentation
//! attributes, while the colours come from the theme's `css/diagram.css`, which follows light
//! and dark mode. Pure: diagram source in, SVG (or a problem at a byte offset of the source)
//! out.

use std::borrow::Cow;

use merman::{OperationControl, RenderError, RenderOutput, RenderRequest, Renderer, SvgRequest};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer, XmlVersion};

use crate::markdown;

/// The diagram kinds walletdesk renders and styles: the keyword that starts a diagram, and the
/// class its `<svg>` gets (`diagram-flowchart` …), which `css/diagram.css` styles.
const KINDS: &[(&str, &str)] = &[
    ("flowchart", "flowchart"),
    ("graph", "flowchart"),
    ("sequenceDiagram", "sequence"),
    ("timeline", "timeline"),
];

/// Why a diagram cannot bring its own colours.
const THEME_COLOURS: &str =
    "colours come from the site's theme, so a diagram follows light and dark mode";

/// Statements of a flowchart that set colours or script behaviour of their own, and why not.
const REFUSED: &[(&str, &str)] = &[
    ("classDef", THEME_COLOURS),
    ("class", THEME_COLOURS),
    ("style", THEME_COLOURS),
    ("linkStyle", THEME_COLOURS),
    (
        "click",
        "a diagram runs no script and links nowhere; put the link in the text next to it",
    ),
];

/// SVG presentation attributes that merman writes as inline `style` declarations.
const PRESENTATION: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "alignment-baseline",
    "display",
    "visibility",
];

/// A problem with a diagram: at a byte offset of its source, or (`None`) with the diagram as a
/// whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: Option<usize>,
    pub problem: markdown::Problem,
}

impl Problem {
    fn error(offset: Option<usize>, message: impl Into<String>, hint: Option<&str>) -> Self {
        Problem {
            offset,
            problem: markdown::Problem {
                is_error: true,
                message: message.into(),
                hint: hint.map(str::to_string),
            },
        }
    }
}

/// A rendered diagram: its HTML (a `<figure>` holding the `<svg>`) and what to tell the author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub html: String,
    pub warnings: Vec<Problem>,
}

/// Renders the Mermaid `source` to inline SVG whose ids all start with `id` (unique on the
/// page), or says what is wrong and where.
pub fn render(source: &str, id: &str) -> Result<Diagram, Problem> {
    let kind = check(source)?;
    let accessible = Accessible::of(source);
    let mut warnings = Vec::new();
    if accessible.title.is_none() {
        warnings.push(Problem {
            offset: None,
            problem: markdown::Problem {
                is_error: false,
                message: "this diagram has no text alternative for readers who cannot see it"
                    .into(),
                hint: Some(
                    "add `accTitle: …` (and `accDescr: …`) saying what the diagram shows".into(),
                ),
            },
        });
    }
    // Labels as SVG text, not HTML in <foreignObject>: selectable, searchable, and styled by
    // the theme's stylesheet. The directive is prepended, so offsets are shifted back.
    let prefix = "%%{init: {\"theme\": \"default\", \"htmlLabels\": false, \"flowchart\": {\"htmlLabels\": false}}}%%\n";
    let input = format!("{prefix}{source}");
    let mut request = SvgRequest::default();
    request.options.diagram_id = Some(id.to_string());
    // merman measures text by fixed metrics; the reader's font may run wider. A margin
    // (and `overflow: visible` in the theme) keeps a long edge label from being cut off.
    request.options.viewbox_padding = 16.0;
    let svg = match Renderer::new().render(RenderRequest::svg(
        &input,
        OperationControl::new(),
        request,
    )) {
        Ok(RenderOutput::Svg(Some(svg))) => svg.into_parts().0,
        Ok(_) => return Err(Problem::error(None, "no Mermaid diagram found", None)),
        Err(RenderError::Parse(diagnostic)) => {
            let details = diagnostic.terminal_diagnostic_details();
            let offset = details
                .span
                .map(|span| span.start.saturating_sub(prefix.len()).min(source.len()));
            let message = diagnostic.terminal_safe_message();
            let message = message
                .strip_prefix("Diagram parse error ")
                .unwrap_or(&message);
            return Err(Problem::error(
                offset,
                format!("this diagram does not parse: {message}"),
                Some("see the Mermaid syntax of this diagram kind at mermaid.js.org"),
            ));
        }
        Err(error) => {
            return Err(Problem::error(
                None,
                format!("this diagram cannot be drawn: {error}"),
                None,
            ));
        }
    };
    let svg = clean(&svg, kind, &accessible).map_err(|error| {
        Problem::error(
            None,
            format!("this diagram's SVG is not well formed: {error}"),
            None,
        )
    })?;
    Ok(Diagram {
        html: format!("<figure class=\"diagram\">{svg}</figure>\n"),
        warnings,
    })
}

/// The statements of a diagram: each non-blank line that is not a `%%` comment, trimmed, with
/// the byte offset where it starts.
fn statements(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    source.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        (!trimmed.is_empty() && (!trimmed.starts_with("%%") || trimmed.starts_with("%%{")))
            .then_some((start + indent, trimmed))
    })
}

/// The diagram's kind (the class its SVG gets), or what in the source walletdesk refuses.
fn check(source: &str) -> Result<&'static str, Problem> {
    if let Some((offset, _)) = statements(source).find(|(_, line)| line.starts_with("%%{")) {
        return Err(Problem::error(
            Some(offset),
            "a diagram cannot set its own configuration (`%%{init: …}%%`)",
            Some("diagrams take the site's colours and fonts; remove the directive"),
        ));
    }
    let mut lines = statements(source);
    let Some((offset, header)) = lines.next() else {
        return Err(Problem::error(None, "this diagram is empty", None));
    };
    let keyword = header.split_whitespace().next().unwrap_or_default();
    let Some(&(_, kind)) = KINDS.iter().find(|(word, _)| *word == keyword) else {
        let supported: Vec<&str> = KINDS.iter().map(|(word, _)| *word).collect();
        return Err(Problem::error(
            Some(offset),
            format!("`{keyword}` diagrams are not supported"),
            Some(&format!("walletdesk draws: {}", supported.join(", "))),
        ));
    };
    if kind != "flowchart" {
        return Ok(kind);
    }
    for (offset, line) in lines {
        let word = line
            .split(|c: char| c.is_whitespace() || c == ':')
            .next()
            .unwrap_or_default();
        if let Some((word, why)) = REFUSED.iter().find(|(refused, _)| *refused == word) {
            return Err(Problem::error(
                Some(offset),
                format!("`{word}` is not supported in a diagram"),
                Some(why),
            ));
        }
        if let Some(at) = line.find(":::") {
            return Err(Problem::error(
                Some(offset + at),
                "`:::` (a class on a node) is not supported in a diagram",
                Some(THEME_COLOURS),
            ));
        }
    }
    Ok(kind)
}

/// A diagram's name and description for assistive technology, from its `accTitle` and
/// `accDescr` (one line, or a `{ … }` block) statements.
#[derive(Debug, Default, PartialEq, Eq)]
struct Accessible {
    title: Option<String>,
    description: Option<String>,
}

impl Accessible {
    fn of(source: &str) -> Accessible {
        let mut found = Accessible::default();
        let mut block: Option<String> = None;
        for (_, line) in statements(source) {
            if let Some(text) = block.as_mut() {
                match line.strip_suffix('}') {
                    Some(last) => {
                        text.push(' ');
                        text.push_str(last.trim());
                        found.description = Some(text.trim().to_string());
                        block = None;
                    }
                    None => {
                        text.push(' ');
                        text.push_str(line);
                    }
                }
                continue;
            }
            let value = |key: &str| {
                let rest = line.strip_prefix(key)?.trim_start();
                Some(rest.strip_prefix(':')?.trim().to_string())
            };
            if let Some(title) = value("accTitle") {
                found.title = Some(title);
            } else if let Some(description) = value("accDescr") {
                found.description = Some(description);
            } else if let Some(open) = line
                .strip_prefix("accDescr")
                .and_then(|rest| rest.trim_start().strip_prefix('{'))
            {
                match open.strip_suffix('}') {
                    Some(one_line) => found.description = Some(one_line.trim().to_string()),
                    None => block = Some(open.trim().to_string()),
                }
            }
        }
        found
    }
}

/// merman's SVG made fit for a page under a strict Content-Security-Policy: no `<style>`
/// element, every `style` attribute turned into presentation attributes, a natural size with
/// the theme scaling it down on narrow screens, and `role="img"` named by the diagram's own
/// `<title>` and `<desc>` (written here for every kind: merman leaves them out of some).
fn clean(svg: &str, kind: &str, accessible: &Accessible) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_str(svg);
    let mut writer = Writer::new(Vec::with_capacity(svg.len()));
    let mut depth = 0usize;
    // How deep inside an element that is left out (merman's `<style>`, `<title>`, `<desc>`).
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event()?;
        if skipping > 0 {
            match event {
                Event::Start(_) => skipping += 1,
                Event::End(_) => skipping -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        let left_out = |element: &BytesStart| {
            let name = element.name();
            name.as_ref() == "style" || (depth == 1 && matches!(name.as_ref(), "title" | "desc"))
        };
        match event {
            Event::Start(element) if left_out(&element) => skipping = 1,
            Event::Empty(element) if left_out(&element) => {}
            Event::Start(element) => {
                let root = depth == 0;
                let element = attributes(&element, root, kind, accessible)?;
                let id = element
                    .try_get_attribute("id")
                    .ok()
                    .flatten()
                    .map(|a| a.value.to_string());
                depth += 1;
                writer.write_event(Event::Start(element))?;
                if root {
                    let id = id.unwrap_or_default();
                    for (tag, text) in [
                        ("title", &accessible.title),
                        ("desc", &accessible.description),
                    ] {
                        if let Some(text) = text {
                            let mut start = BytesStart::new(tag);
                            start.push_attribute(("id", format!("{id}-{tag}").as_str()));
                            writer.write_event(Event::Start(start))?;
                            writer.write_event(Event::Text(BytesText::new(text)))?;
                            writer.write_event(Event::End(BytesEnd::new(tag)))?;
                        }
                    }
                }
            }
            Event::Empty(element) => {
                let element = attributes(&element, depth == 0, kind, accessible)?;
                writer.write_event(Event::Empty(element))?;
            }
            Event::End(element) => {
                depth = depth.saturating_sub(1);
                writer.write_event(Event::End(element))?;
            }
            Event::Eof => break,
            // Comments, processing instructions and doctypes have no place in a page.
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Decl(_) => {}
            other => writer.write_event(other)?,
        }
    }
    Ok(String::from_utf8_lossy(&writer.into_inner()).into_owned())
}

/// An element with its `style` declarations as presentation attributes (a declaration wins
/// over an attribute of the same name, as it did in merman's SVG). On the root `<svg>`: its
/// natural width and height from the viewBox, the kind's class, and `role="img"`.
fn attributes<'a>(
    element: &BytesStart<'a>,
    root: bool,
    kind: &str,
    accessible: &Accessible,
) -> Result<BytesStart<'static>, quick_xml::Error> {
    let name = element.name().as_ref().to_string();
    let mut kept: Vec<(String, String)> = Vec::new();
    let mut declared: Vec<(String, String)> = Vec::new();
    let mut max_width: Option<String> = None;
    for attribute in element.attributes() {
        let attribute = attribute.map_err(quick_xml::Error::InvalidAttr)?;
        let key = attribute.key.as_ref().to_string();
        let value: Cow<str> = attribute.normalized_value(XmlVersion::Implicit1_0)?;
        match key.as_str() {
            "style" => {
                for declaration in value.split(';') {
                    let Some((property, value)) = declaration.split_once(':') else {
                        continue;
                    };
                    let (property, value) = (property.trim(), value.trim());
                    if property == "max-width" && root {
                        max_width = Some(value.trim_end_matches("px").to_string());
                    } else if PRESENTATION.contains(&property) && !value.is_empty() {
                        declared.push((property.to_string(), value.to_string()));
                    }
                }
            }
            "width"
            | "role"
            | "aria-roledescription"
            | "aria-labelledby"
            | "aria-describedby"
            | "class"
                if root => {}
            // What HTML's SVG rules refuse: `name` (merman's actor names) is no SVG attribute.
            // `data-*` attributes are for Mermaid's own script (an edge's points again, in
            // base64): nothing reads them here.
            "name" => {}
            _ if key.starts_with("data-") => {}
            _ => kept.push((key, value.into_owned())),
        }
    }
    kept.retain(|(key, _)| !declared.iter().any(|(property, _)| property == key));
    kept.extend(declared);
    // HTML's SVG rules want a `<rect>` to say its size: one without draws nothing, as one of
    // size zero.
    if name == "rect" {
        for side in ["width", "height"] {
            if !kept.iter().any(|(key, _)| key == side) {
                kept.push((side.into(), "0".into()));
            }
        }
    }
    if root {
        let view_box = kept
            .iter()
            .find(|(key, _)| key == "viewBox")
            .map(|(_, value)| value.clone());
        let size: Vec<f64> = view_box
            .as_deref()
            .unwrap_or_default()
            .split([' ', ','])
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [_, _, width, height] = size[..] {
            let width = max_width
                .and_then(|w| w.parse::<f64>().ok())
                .unwrap_or(width);
            kept.push(("width".into(), format!("{}", width.round())));
            kept.push(("height".into(), format!("{}", height.round())));
        }
        kept.push(("class".into(), format!("diagram-svg diagram-{kind}")));
        kept.push(("role".into(), "img".into()));
        let id = kept
            .iter()
            .find(|(key, _)| key == "id")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        if accessible.title.is_some() {
            kept.push(("aria-labelledby".into(), format!("{id}-title")));
        }
        if accessible.description.is_some() {
            kept.push(("aria-describedby".into(), format!("{id}-desc")));
        }
    }
    let mut out = BytesStart::new(name);
    for (key, value) in &kept {
        out.push_attribute((key.as_str(), value.as_str()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAYMENT: &str = "flowchart TD\n  accTitle: 选服务商\n  accDescr: 按顾客来源选择\n  A[顾客多在内地?] -->|是| B[微信支付 + 支付宝]\n  A -->|否| C[PayPal / Stripe]\n";

    #[test]
    fn a_flowchart_becomes_inline_svg_with_text_labels_and_nothing_a_strict_csp_refuses() {
        let diagram = render(PAYMENT, "diagram-1").unwrap();
        let html = &diagram.html;
        assert!(
            html.starts_with("<figure class=\"diagram\"><svg "),
            "{html}"
        );
        assert!(
            html.contains(">微信支付<") && html.contains(">支付宝<"),
            "{html}"
        );
        assert!(html.contains("<text"), "labels are SVG text: {html}");
        for refused in ["<style", " style=\"", "<script", "<foreignObject"] {
            assert!(!html.contains(refused), "{refused} in {html}");
        }
        assert!(html.contains("role=\"img\""));
        assert!(html.contains("<title id=\"diagram-1-title\">选服务商</title>"));
        assert!(html.contains("class=\"diagram-svg diagram-flowchart\""));
        assert!(diagram.warnings.is_empty());
        // Every id is the diagram's own, so two diagrams on one page never share one.
        let ids: Vec<&str> = html
            .split(" id=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert!(!ids.is_empty());
        assert!(ids.iter().all(|id| id.contains("diagram-1")), "{ids:?}");
    }

    #[test]
    fn a_broken_diagram_is_reported_where_it_breaks() {
        let source = "flowchart TD\n  A --> B\n  C[unclosed --> D\n";
        let problem = render(source, "d").unwrap_err();
        assert!(problem.problem.is_error);
        let at = problem.offset.unwrap();
        assert_eq!(&source[at..at + 1], "[", "{problem:?}");
        assert!(
            problem.problem.message.contains("does not parse"),
            "{}",
            problem.problem.message
        );
        assert!(
            problem.problem.message.contains("missing `]`"),
            "{}",
            problem.problem.message
        );
    }

    #[test]
    fn unsupported_kinds_and_own_colours_are_refused_at_their_line() {
        let problem = render("pie\n  \"a\": 1\n", "d").unwrap_err();
        assert_eq!(problem.problem.message, "`pie` diagrams are not supported");
        assert_eq!(
            problem.problem.hint.as_deref(),
            Some("walletdesk draws: flowchart, graph, sequenceDiagram, timeline")
        );
        let source = "flowchart LR\n  A --> B\n  classDef hot fill:#f00\n";
        let problem = render(source, "d").unwrap_err();
        let at = problem.offset.unwrap();
        assert_eq!(&source[at..at + 8], "classDef");
        let source = "flowchart LR\n  %%{init: {\"theme\": \"dark\"}}%%\n  A --> B\n";
        let problem = render(source, "d").unwrap_err();
        let at = problem.offset.unwrap();
        assert_eq!(&source[at..at + 3], "%%{");
        let source = "flowchart LR\n  A:::hot --> B\n";
        assert_eq!(render(source, "d").unwrap_err().offset, Some(16));
    }

    #[test]
    fn a_diagram_without_a_title_is_drawn_with_a_warning() {
        let diagram = render("sequenceDiagram\n  顾客->>收银台: 付款\n", "d").unwrap();
        assert!(diagram.html.contains("diagram-sequence"));
        assert_eq!(diagram.warnings.len(), 1);
        assert!(!diagram.warnings[0].problem.is_error);
        assert_eq!(
            diagram.warnings[0].offset, None,
            "about the diagram as a whole"
        );
    }

    #[test]
    fn what_htmls_svg_rules_refuse_is_left_out() {
        let source = "sequenceDiagram\n  accTitle: t\n  participant C as 顾客\n  participant S as 收银台\n  C->>S: 付款\n  Note over C,S: 通知\n";
        let html = render(source, "d").unwrap().html;
        assert!(!html.contains(" name=\""), "{html}");
        for rect in html.split("<rect").skip(1) {
            let tag = &rect[..rect.find('>').unwrap()];
            assert!(
                tag.contains(" width=\"") && tag.contains(" height=\""),
                "{tag}"
            );
        }
    }

    #[test]
    fn every_kind_is_named_by_its_title_and_description() {
        for source in [
            "timeline\n  accTitle: 上线\n  accDescr: 四周上线\n  第 1 周 : 注册\n",
            "sequenceDiagram\n  accTitle: 上线\n  accDescr {\n    四周\n    上线\n  }\n  A->>B: 付款\n",
            "flowchart LR\n  accTitle : 上线\n  accDescr: 四周上线\n  A --> B\n",
        ] {
            let html = render(source, "diagram-2").unwrap().html;
            assert!(
                html.contains(" aria-labelledby=\"diagram-2-title\""),
                "{html}"
            );
            assert!(
                html.contains(" aria-describedby=\"diagram-2-desc\""),
                "{html}"
            );
            assert!(
                html.contains("<title id=\"diagram-2-title\">上线</title>"),
                "{html}"
            );
            assert_eq!(html.matches("<title").count(), 1, "{html}");
            assert!(html.contains("<desc id=\"diagram-2-desc\">四周"), "{html}");
        }
    }

    #[test]
    fn the_svg_has_its_natural_size() {
        let diagram = render("timeline\n  accTitle: t\n  第 1 周 : 注册\n", "d").unwrap();
        let svg = &diagram.html;
        assert!(svg.contains(" width=\""), "{svg}");
        assert!(svg.contains(" height=\""), "{svg}");
        assert!(!svg.contains("width=\"100%\""), "{svg}");
    }
}
