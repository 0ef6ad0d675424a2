//! The `doc:` links of wizard.yaml (`@/guide/go-live.md#pilot`), checked against the site's
//! pages and their heading anchors in every language.

use std::collections::BTreeSet;
use std::path::Path;

use super::Definition;
use super::locate::Locator;
use crate::error::Diagnostic;

/// Checks every `doc:` link (`@/guide/go-live.md#pilot`) against the site's pages and their
/// heading anchors, in every language.
pub fn check_links(
    path: &Path,
    text: &str,
    definition: &Definition,
    site: &crate::site::Site,
) -> Vec<Diagnostic> {
    let at = Locator::new(text);
    let mut problems = Vec::new();
    let docs = definition
        .items
        .iter()
        .map(|i| &i.doc)
        .chain(definition.risks.iter().map(|r| &r.doc));
    let mut checked = BTreeSet::new();
    for doc in docs {
        if !checked.insert(doc.as_str()) {
            continue;
        }
        let (line, col) = at.text(doc, 1);
        let Some(target) = doc.strip_prefix("@/") else {
            problems.push(
                Diagnostic::error(path, line, col, format!("`{doc}` is not a link to a page"))
                    .with_hint("write it as @/<path below content/<lang>/>.md#<anchor>, e.g. @/guide/go-live.md#pilot"),
            );
            continue;
        };
        let (key, anchor) = target.split_once('#').unwrap_or((target, ""));
        for (lang, language) in site.config.languages.iter().enumerate() {
            let Some(page) = site.find(lang, key) else {
                let hint = crate::error::nearest(key, site.keys(lang))
                    .map(|k| format!("did you mean `@/{k}`?"));
                let mut d = Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("`{doc}`: no page `{key}` in {}", language.code),
                );
                d.hint = hint;
                problems.push(d);
                continue;
            };
            if anchor.is_empty() {
                continue;
            }
            if let Err(problem) = crate::links::check_anchor(site, page, anchor) {
                let mut d =
                    Diagnostic::error(path, line, col, format!("`{doc}`: {}", problem.message));
                d.hint = problem.hint;
                problems.push(d);
            }
        }
    }
    problems
}
