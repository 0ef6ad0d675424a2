//! Resolving the link destinations written in a page: `@/path/to/page.md#anchor` (relative to
//! the language folder, as in Zola) and relative `.md` paths become the target page's URL in
//! the same language, and are checked — a missing page or anchor is an error.

use percent_encoding::percent_decode_str;

use crate::error::nearest;
use crate::markdown::{LinkTarget, Problem};
use crate::site::Site;

/// Resolves `dest`, written in page `from`, to what the link becomes and, when something is
/// wrong or doubtful, the problem to report. An error leaves the link as written.
pub fn resolve(site: &Site, from: usize, dest: &str) -> (LinkTarget, Option<Problem>) {
    match classify(site, from, dest) {
        Ok(resolved) => resolved,
        Err(problem) => (LinkTarget::Unchanged, Some(problem)),
    }
}

type Resolved = Result<(LinkTarget, Option<Problem>), Problem>;

fn error(message: String, hint: Option<String>) -> Problem {
    Problem {
        is_error: true,
        message,
        hint,
    }
}

fn warning(message: String, hint: String) -> Problem {
    Problem {
        is_error: false,
        message,
        hint: Some(hint),
    }
}

fn classify(site: &Site, from: usize, dest: &str) -> Resolved {
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    if path.is_empty() {
        if let Some(fragment) = fragment {
            check_anchor(site, from, fragment)?;
        }
        return Ok((LinkTarget::Unchanged, None));
    }
    if let Some(key) = path.strip_prefix("@/") {
        return internal(site, from, dest, key, fragment);
    }
    if let Some(rest) = path.strip_prefix("//") {
        return Ok((external_unless_own(site, &format!("https://{rest}")), None));
    }
    if let Some((scheme, _)) = path.split_once(':')
        && !scheme.contains('/')
    {
        let target = match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => external_unless_own(site, path),
            _ => LinkTarget::Unchanged,
        };
        return Ok((target, None));
    }
    if path.starts_with('/') {
        let problem = warning(
            format!(
                "link `{dest}` starts with `/`, so it breaks when the site is served under a sub-path"
            ),
            "link to the Markdown file instead, e.g. `@/guide/_index.md`".to_string(),
        );
        return Ok((LinkTarget::Unchanged, Some(problem)));
    }
    let file = path.split('?').next().unwrap_or(path);
    if !file.ends_with(".md") {
        return Ok((LinkTarget::Unchanged, None));
    }
    // A relative .md path: resolve it against the folder of the page it is written in.
    let from_key = &site.pages[from].key;
    let dir = from_key.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in file.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err(error(
                        format!("link `{dest}` goes above the language folder"),
                        None,
                    ));
                }
            }
            s => segments.push(s),
        }
    }
    internal(site, from, dest, &segments.join("/"), fragment)
}

fn external_unless_own(site: &Site, url: &str) -> LinkTarget {
    if url.starts_with(&site.config.base_url.absolute("")) {
        LinkTarget::Unchanged
    } else {
        LinkTarget::External
    }
}

fn internal(site: &Site, from: usize, dest: &str, key: &str, fragment: Option<&str>) -> Resolved {
    let key = percent_decode_str(key).decode_utf8_lossy();
    let lang = site.pages[from].lang;
    let code = &site.config.languages[lang].code;
    if !key.ends_with(".md") {
        return Err(error(
            format!("internal link `{dest}` must name a Markdown file"),
            Some("e.g. `@/guide/register.md`, or `@/guide/_index.md` for a section".to_string()),
        ));
    }
    if let Some(target) = site.find(lang, &key) {
        return Ok((href(site, target, fragment)?, None));
    }
    // Not in this language: link to another language's version if there is one, and say so.
    match (0..site.config.languages.len()).find_map(|l| site.find(l, &key)) {
        Some(other) => {
            let other_code = &site.config.languages[site.pages[other].lang].code;
            let problem = warning(
                format!(
                    "link `{dest}`: the page is not translated into {code}; linking the {other_code} version"
                ),
                format!("create content/{code}/{key}"),
            );
            Ok((href(site, other, fragment)?, Some(problem)))
        }
        None => {
            let hint = match nearest(&key, site.keys(lang)) {
                Some(best) => format!("did you mean `@/{best}`?"),
                None => format!("there is no file content/{code}/{key}"),
            };
            Err(error(
                format!("link to a missing page `{dest}`"),
                Some(hint),
            ))
        }
    }
}

fn href(site: &Site, target: usize, fragment: Option<&str>) -> Result<LinkTarget, Problem> {
    let mut href = site.config.base_url.href(&site.pages[target].path);
    if let Some(fragment) = fragment {
        check_anchor(site, target, fragment)?;
        href.push('#');
        href.push_str(fragment);
    }
    Ok(LinkTarget::Internal(href))
}

/// Whether page `page` has a heading with id `fragment`; the problem, with the nearest id as a
/// hint, when it has not.
pub fn check_anchor(site: &Site, page: usize, fragment: &str) -> Result<(), Problem> {
    let fragment = percent_decode_str(fragment).decode_utf8_lossy();
    let headings = &site.headings[page];
    if headings.iter().any(|h| h.id == fragment) {
        return Ok(());
    }
    let hint = match nearest(&fragment, headings.iter().map(|h| h.id.as_str())) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if headings.is_empty() => "that page has no headings".to_string(),
        None => {
            let ids: Vec<&str> = headings.iter().map(|h| h.id.as_str()).take(8).collect();
            format!("anchors on that page: {}", ids.join(", "))
        }
    };
    Err(error(
        format!(
            "no heading with id `{fragment}` in {}",
            site.pages[page].source.display()
        ),
        Some(hint),
    ))
}
