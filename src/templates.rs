//! The theme's templates in Tera, with every problem at its template file and line: syntax
//! errors of every template (not just the first), a block tag left open (said as such, where
//! Tera only sees an unexpected end tag), and `extends` that go round in a circle.

use std::path::PathBuf;

use tera::Tera;

use crate::error::{Diagnostic, Diagnostics, LineIndex};
use crate::theme::Theme;

/// How the hint of a problem met while rendering a page starts.
pub const RENDERING: &str = "while rendering ";

/// Parses all templates. Syntax errors of every template are reported, not just the first.
pub fn load_templates(theme: &Theme, diagnostics: &mut Diagnostics) -> Option<Tera> {
    let mut broken = false;
    for template in &theme.templates {
        let mut alone = Tera::new();
        if let Err(e) = alone.add_raw_template(&template.name, &template.text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            let diagnostic = unclosed_tag(&template.path, &template.text)
                .unwrap_or_else(|| template_diagnostic(&e, theme, None));
            diagnostics.push(diagnostic);
            broken = true;
        }
    }
    let circles = circular_extends(theme);
    broken |= !circles.is_empty();
    diagnostics.extend(circles);
    if broken {
        return None;
    }
    let mut tera = Tera::new();
    let all = theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()));
    match tera.add_raw_templates(all) {
        Ok(()) => Some(tera),
        Err(e) => {
            diagnostics.push(template_diagnostic(&e, theme, None));
            None
        }
    }
}

/// Where template `name` comes from, for messages.
pub fn template_path(theme: &Theme, name: &str) -> PathBuf {
    theme.templates.iter().find(|t| t.name == name).map_or_else(
        || PathBuf::from(format!("templates/{name}")),
        |t| t.path.clone(),
    )
}

/// A Tera error as a diagnostic at the template file and line it points to.
pub fn template_diagnostic(
    error: &tera::Error,
    theme: &Theme,
    page: Option<&PathBuf>,
) -> Diagnostic {
    let mut report = None;
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(tera_error) = e.downcast_ref::<tera::Error>()
            && let tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) =
                tera_error.kind()
        {
            report = Some(r.clone());
            break;
        }
        current = e.source();
    }
    let diagnostic = match report {
        Some(r) => Diagnostic::error(
            template_path(theme, r.filename()),
            r.span().start_line,
            r.span().start_col + 1,
            r.message(),
        ),
        None => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(s) = source {
                message = format!("{message}: {s}");
                source = s.source();
            }
            let name = match error.kind() {
                tera::ErrorKind::TemplateNotFound(name) => name.clone(),
                tera::ErrorKind::MissingParent { current, .. } => current.clone(),
                _ => String::new(),
            };
            let path = if name.is_empty() {
                PathBuf::from("templates")
            } else {
                template_path(theme, &name)
            };
            Diagnostic::error(path, 0, 0, message)
        }
    };
    match page {
        Some(page) => diagnostic.with_hint(format!("{RENDERING}{}", page.display())),
        None => diagnostic,
    }
}

/// Template `name` and the templates it extends, in order (stops at a circle).
pub fn extends_chain<'a>(theme: &'a Theme, name: &'a str) -> Vec<&'a str> {
    let mut chain = vec![name];
    let mut at = name;
    while let Some(parent) = theme
        .templates
        .iter()
        .find(|t| t.name == at)
        .and_then(|t| extended(&t.text))
    {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain
}

/// The name in a template's `{% extends "…" %}` (its first tag), with the tag's byte offset.
fn extends_tag(text: &str) -> Option<(&str, usize)> {
    let start = text.find("{%")?;
    let tag = text[start + 2..]
        .trim_start_matches(['-', '+'])
        .trim_start();
    let rest = tag.strip_prefix("extends")?.trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let name = &rest[1..];
    Some((&name[..name.find(quote)?], start))
}

/// The name in a template's `{% extends "…" %}`, if it has one.
pub fn extended(text: &str) -> Option<&str> {
    extends_tag(text).map(|(name, _)| name)
}

/// Each circle of `extends`, reported once at its first template (by name), at its
/// `{% extends %}` tag, with the whole circle.
fn circular_extends(theme: &Theme) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut reported: Vec<&str> = Vec::new();
    for template in &theme.templates {
        let mut chain = vec![template.name.as_str()];
        let mut at = template.name.as_str();
        let circle = loop {
            let Some(parent) = theme
                .templates
                .iter()
                .find(|t| t.name == at)
                .and_then(|t| extended(&t.text))
            else {
                break None;
            };
            if let Some(i) = chain.iter().position(|&n| n == parent) {
                break Some(chain[i..].to_vec());
            }
            chain.push(parent);
            at = parent;
        };
        let Some(circle) = circle else { continue };
        if circle.iter().any(|n| reported.contains(n)) {
            continue;
        }
        reported.extend(&circle);
        let first = circle.iter().min().copied().unwrap_or(at);
        let start = circle.iter().position(|&n| n == first).unwrap_or(0);
        let mut order: Vec<&str> = circle[start..]
            .iter()
            .chain(&circle[..start])
            .copied()
            .collect();
        order.push(first);
        let Some(source) = theme.templates.iter().find(|t| t.name == first) else {
            continue;
        };
        let (line, col) = extends_tag(&source.text).map_or((0, 0), |(_, offset)| {
            LineIndex::new(&source.text).locate(offset)
        });
        problems.push(
            Diagnostic::error(
                &source.path,
                line,
                col,
                format!("`extends` goes round in a circle: {}", order.join(" → ")),
            )
            .with_hint("a template can only extend one that does not, in the end, extend it"),
        );
    }
    problems
}

/// The block tags that need an end tag, by the word that opens them.
const BLOCK_TAGS: [(&str, &str); 6] = [
    ("for", "endfor"),
    ("if", "endif"),
    ("block", "endblock"),
    ("filter", "endfilter"),
    ("component", "endcomponent"),
    ("set", "endset"),
];

/// The first block tag of `text` left open or closed by the wrong end tag, as a diagnostic at
/// its place. `None` when the tags are balanced (the syntax error is something else).
fn unclosed_tag(path: &std::path::Path, text: &str) -> Option<Diagnostic> {
    let lines = LineIndex::new(text);
    // Open tags: (opening word, its end word, byte offset).
    let mut open: Vec<(&str, &str, usize)> = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find(['{']) {
        let start = at + found;
        let rest = &text[start..];
        let Some(kind) = rest.get(..2) else { break };
        let close = match kind {
            "{#" => "#}",
            "{%" => "%}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        let Some(length) = rest[2..].find(close) else {
            break;
        };
        at = start + 2 + length + 2;
        if kind == "{#" {
            continue;
        }
        let inner = rest[2..2 + length].trim_matches(['-', '+']).trim();
        let word = inner.split_whitespace().next().unwrap_or("");
        if word == "raw" {
            // Nothing inside {% raw %} is a tag.
            match text[at..].find("endraw") {
                Some(end) => at += end + "endraw".len(),
                None => break,
            }
            continue;
        }
        let word = match word {
            "set_global" => "set",
            other => other,
        };
        // `{% set x = … %}` is a whole tag; only `{% set x %}…{% endset %}` is a block.
        if word == "set" && inner.contains('=') {
            continue;
        }
        if let Some(&(opener, end)) = BLOCK_TAGS.iter().find(|(o, _)| *o == word) {
            open.push((opener, end, start));
        } else if let Some(&(opener, end)) = BLOCK_TAGS.iter().find(|(_, e)| *e == word) {
            match open.pop() {
                Some((_, expected, _)) if expected == end => {}
                Some((other, expected, offset)) => {
                    let (line, col) = lines.locate(offset);
                    let (end_line, _) = lines.locate(start);
                    return Some(
                        Diagnostic::error(
                            path,
                            line,
                            col,
                            format!("this `{{% {other} %}}` is never closed"),
                        )
                        .with_hint(format!(
                            "close it with `{{% {expected} %}}` before the `{{% {end} %}}` on line {end_line}"
                        )),
                    );
                }
                None => {
                    let (line, col) = lines.locate(start);
                    return Some(Diagnostic::error(
                        path,
                        line,
                        col,
                        format!("`{{% {end} %}}` closes no `{{% {opener} %}}`"),
                    ));
                }
            }
        }
    }
    let (other, expected, offset) = open.pop()?;
    let (line, col) = lines.locate(offset);
    Some(
        Diagnostic::error(
            path,
            line,
            col,
            format!("this `{{% {other} %}}` is never closed"),
        )
        .with_hint(format!("close it with `{{% {expected} %}}`")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn unclosed(text: &str) -> Option<String> {
        unclosed_tag(Path::new("t.html"), text).map(|d| d.to_string())
    }

    #[test]
    fn an_open_block_tag_is_named_at_its_line() {
        assert_eq!(
            unclosed("{% block main %}\n{% for x in xs %}\n{{ x }}\n{% endblock main %}\n")
                .as_deref(),
            Some(
                "t.html:2:1: this `{% for %}` is never closed\n  hint: close it with `{% endfor %}` before the `{% endblock %}` on line 4"
            )
        );
        assert_eq!(
            unclosed("a {%- if x -%} b").as_deref(),
            Some(
                "t.html:1:3: this `{% if %}` is never closed\n  hint: close it with `{% endif %}`"
            )
        );
        assert_eq!(
            unclosed("{% endif %}").as_deref(),
            Some("t.html:1:1: `{% endif %}` closes no `{% if %}`")
        );
        for balanced in [
            "{% for x in xs %}{% if x %}{% set y = 1 %}{% endif %}{% endfor %}",
            "{% set y %}text{% endset %}{# {% for %} #}{% raw %}{% for %}{% endraw %}",
            "{{ '{' }} {% block a %}{% endblock a %}",
        ] {
            assert_eq!(unclosed(balanced), None, "{balanced}");
        }
    }

    #[test]
    fn extends_names_the_parent() {
        assert_eq!(extended("{% extends \"base.html\" %}\n"), Some("base.html"));
        assert_eq!(extended("{%- extends 'a.html' -%}"), Some("a.html"));
        assert_eq!(extended("<p>{% if x %}{% endif %}</p>"), None);
    }
}
