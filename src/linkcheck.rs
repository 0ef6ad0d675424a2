//! Dead URLs: every internal URL the built site's HTML carries (`href`, `src` and `srcset`,
//! from Markdown links and images, raw HTML and templates alike, with or without the base
//! path or the site's own origin) must name a file of the output; each one that does not is
//! reported where it was written — the page's line and column for URLs written in Markdown,
//! the template (once per template and URL) for the rest. Pure: output files in, diagnostics
//! out. The scan is a single pass over each file's tags (no HTML parser), files in parallel.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use memchr::{memchr, memmem, memrchr2};
use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::config::BaseUrl;
use crate::error::{Diagnostic, LineIndex};
use crate::render::{self, Body, OutputFile, RenderCache, file_for};
use crate::site::Site;
use crate::theme::Theme;

/// A URL in an attribute of an HTML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlUrl<'a> {
    /// `href`, `src` or `srcset`, as written.
    pub attribute: &'a str,
    /// The URL with character references decoded (one candidate of a `srcset`).
    pub url: Cow<'a, str>,
    /// The byte offset of the URL in the text.
    pub offset: usize,
}

/// Where markup is not: comments, and the content of scripts and styles (a `<` in a
/// script is no tag).
fn opaque_ranges(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for start in memmem::find_iter(bytes, "<!--") {
        let end = memmem::find(&bytes[start..], b"-->").map_or(bytes.len(), |e| start + e + 3);
        ranges.push(start..end);
    }
    for (open, close) in [(&b"<script"[..], &b"</script"[..]), (b"<style", b"</style")] {
        for tag in memmem::find_iter(bytes, open) {
            // The content starts after the opening tag (whose own `src` counts).
            let start = memchr(b'>', &bytes[tag..]).map_or(bytes.len(), |e| tag + e + 1);
            let end = memmem::find(&bytes[start..], close).map_or(bytes.len(), |e| start + e);
            ranges.push(start..end);
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Every `href`, `src` and `srcset` URL in the tags of `html` (quoted with `"` or `'`, or
/// unquoted), outside comments, scripts and styles.
///
/// Built for speed on 10,000-page sites: rather than walking every tag, it jumps from `=` to
/// `=` (memchr) and looks at the name before it; a name of ours counts when a tag is open
/// there (the nearest `<` or `>` before it is a tag's `<`). Rare forms are missed or misread:
/// a `>` inside an earlier attribute's value of the same tag, or ` href=` written inside
/// another attribute's quoted value.
pub fn html_urls(html: &str) -> Vec<HtmlUrl<'_>> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let opaque = opaque_ranges(bytes);
    let mut opaque = opaque.iter().peekable();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = memchr(b'=', &bytes[from..]) {
        let equals = from + at;
        from = equals + 1;
        let mut name_end = equals;
        while name_end > 0 && bytes[name_end - 1].is_ascii_whitespace() {
            name_end -= 1;
        }
        let letters = bytes[..name_end]
            .iter()
            .rev()
            .take(7)
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let name_start = name_end - letters;
        let name = &html[name_start..name_end];
        let ours = ["href", "src", "srcset"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        if !ours || name_start == 0 || !bytes[name_start - 1].is_ascii_whitespace() {
            continue;
        }
        let in_tag = memrchr2(b'<', b'>', &bytes[..name_start]).is_some_and(|lt| {
            bytes[lt] == b'<' && bytes.get(lt + 1).is_some_and(u8::is_ascii_alphabetic)
        });
        while opaque.peek().is_some_and(|r| r.end <= equals) {
            opaque.next();
        }
        if !in_tag || opaque.peek().is_some_and(|r| r.start <= equals) {
            continue;
        }
        let mut k = equals + 1;
        while k < len && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        let (value_start, value_end) = match bytes.get(k) {
            Some(&quote @ (b'"' | b'\'')) => {
                let end = memchr(quote, &bytes[k + 1..]).map_or(len, |e| k + 1 + e);
                (k + 1, end)
            }
            _ => {
                let end = bytes[k..]
                    .iter()
                    .position(|&b| b == b'>' || b.is_ascii_whitespace())
                    .map_or(len, |e| k + e);
                (k, end)
            }
        };
        from = value_end.max(from);
        let value = &html[value_start..value_end];
        if name.len() == 6 {
            let mut at = 0;
            for candidate in value.split(',') {
                let trimmed = candidate.trim_start();
                let url = trimmed.split_ascii_whitespace().next().unwrap_or("");
                if !url.is_empty() {
                    found.push(HtmlUrl {
                        attribute: name,
                        url: decode_references(url),
                        offset: value_start + at + (candidate.len() - trimmed.len()),
                    });
                }
                at += candidate.len() + 1;
            }
        } else {
            found.push(HtmlUrl {
                attribute: name,
                url: decode_references(value.trim()),
                offset: value_start + (value.len() - value.trim_start().len()),
            });
        }
    }
    found
}

/// `text` with the character references a URL holds decoded (`&amp;`, `&#39;`, `&#x2F;` …).
pub fn decode_references(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The form a written URL and the same URL in the output are compared in: percent-decoded.
pub fn url_key(url: &str) -> String {
    percent_decode_str(url).decode_utf8_lossy().into_owned()
}

/// Why a URL is dead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dead {
    /// No file of the output is at this URL path.
    Missing(String),
    /// The URL path lies outside the base path.
    OutsideBase(String),
}

/// A dead URL in an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadUrl {
    /// The index of the file in the output files.
    pub file: usize,
    /// The URL, character references decoded.
    pub url: String,
    pub dead: Dead,
}

/// The URL paths the output serves: every file, and every folder with an `index.html` (with
/// and without its trailing slash), relative to the base path.
struct Served<'a>(FxHashSet<Cow<'a, str>>);

impl<'a> Served<'a> {
    fn new(files: &'a [OutputFile]) -> Self {
        let mut set = FxHashSet::default();
        set.reserve(files.len() * 3);
        for file in files {
            if let Some(folder) = file.path.strip_suffix("index.html")
                && (folder.is_empty() || folder.ends_with('/'))
            {
                set.insert(Cow::Borrowed(folder));
                set.insert(Cow::Borrowed(folder.trim_end_matches('/')));
            }
            set.insert(Cow::Borrowed(file.path.as_str()));
        }
        Served(set)
    }
}

/// The URL path a file of the output is served at, and its folder (what relative URLs in it
/// resolve against): `en/guide/index.html` → `/docs/en/guide/`.
fn folder_url(base: &BaseUrl, path: &str) -> String {
    let url = base.href(path);
    match url.rfind('/') {
        Some(i) => url[..=i].to_string(),
        None => "/".to_string(),
    }
}

/// The absolute, percent-decoded URL path `url` (written in a file at `folder`) leads to, or
/// `None` when it leaves the site or points inside the page: another origin or scheme
/// (`mailto:`, `data:` …), a fragment only, or nothing.
fn target<'u>(url: &'u str, folder: &str, base: &BaseUrl) -> Option<Cow<'u, str>> {
    let url = url.trim();
    let end = url
        .bytes()
        .position(|b| b == b'#' || b == b'?')
        .unwrap_or(url.len());
    let path = &url[..end];
    if url.is_empty() || url.starts_with('#') || (path.is_empty() && end < url.len()) {
        return None;
    }
    let own_host = base
        .origin
        .split_once("://")
        .map_or(base.origin.as_str(), |(_, host)| host);
    let path: Cow<str> = if let Some(rest) = path.strip_prefix("//") {
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if !host.eq_ignore_ascii_case(own_host) {
            return None;
        }
        Cow::Borrowed(if path.is_empty() { "/" } else { path })
    } else if let Some(colon) = path.find(':').filter(|&c| {
        path[..c].starts_with(|ch: char| ch.is_ascii_alphabetic())
            && path[..c]
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '-' | '.'))
    }) {
        let scheme = &path[..colon];
        let rest = path[colon + 1..].strip_prefix("//")?;
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
            return None;
        }
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if !host.eq_ignore_ascii_case(own_host) {
            return None;
        }
        Cow::Borrowed(if path.is_empty() { "/" } else { path })
    } else if path.starts_with('/') {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(format!("{folder}{path}"))
    };
    let path = if path.contains("/.") {
        Cow::Owned(without_dot_segments(&path))
    } else {
        path
    };
    Some(if path.contains('%') {
        Cow::Owned(url_key(&path))
    } else {
        path
    })
}

/// `/a/./b/../c` → `/a/c`; `..` stops at the root, as in a browser.
fn without_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match *part {
            "." => {
                if last {
                    segments.push("");
                }
            }
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            other => segments.push(other),
        }
    }
    format!("/{}", segments.join("/"))
}

/// Every dead internal URL of the HTML files in `files`, in file order.
pub fn dead_urls(files: &[OutputFile], base: &BaseUrl) -> Vec<DeadUrl> {
    let served = Served::new(files);
    files
        .par_iter()
        .enumerate()
        .filter(|(_, file)| file.path.ends_with(".html"))
        .flat_map_iter(|(index, file)| dead_in(index, file, base, &|rel| served.0.contains(rel)))
        .collect()
}

/// The dead internal URLs of one HTML file (number `index`), given what the site serves.
fn dead_in(
    index: usize,
    file: &OutputFile,
    base: &BaseUrl,
    serves: &dyn Fn(&str) -> bool,
) -> Vec<DeadUrl> {
    // Valid UTF-8 is checked far faster than `from_utf8_lossy` walks it.
    let html = match std::str::from_utf8(&file.bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(&file.bytes),
    };
    let folder = folder_url(base, &file.path);
    let mut dead = Vec::new();
    for found in html_urls(&html) {
        let Some(path) = target(&found.url, &folder, base) else {
            continue;
        };
        let verdict = match path.strip_prefix(base.path.as_str()) {
            Some(rel) if serves(rel) => None,
            Some(_) => Some(Dead::Missing(path.into_owned())),
            None if path.as_ref() == base.path.trim_end_matches('/') => None,
            None => Some(Dead::OutsideBase(path.into_owned())),
        };
        if let Some(reason) = verdict {
            dead.push(DeadUrl {
                file: index,
                url: found.url.into_owned(),
                dead: reason,
            });
        }
    }
    dead
}

/// The dead URLs written in the Markdown of pages rendered again alone (`serve` re-renders an
/// edited page with the last build's templates, whose own URLs were checked then): each
/// `(page, body, file)` checked against `has_file`, which says whether the output has a file
/// at a path.
pub fn check_pages(
    site: &Site,
    pages: &[(usize, &Body, &OutputFile)],
    has_file: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let serves = |rel: &str| {
        has_file(rel)
            || ((rel.is_empty() || rel.ends_with('/')) && has_file(&format!("{rel}index.html")))
            || has_file(&format!("{rel}/index.html"))
    };
    let base = &site.config.base_url;
    let mut diagnostics = Vec::new();
    for &(i, body, file) in pages {
        let mut seen: Vec<String> = Vec::new();
        for item in dead_in(0, file, base, &serves) {
            let key = url_key(&item.url);
            if !seen.contains(&key) {
                diagnostics.extend(
                    written_in_markdown(site, i, body, &key, &item)
                        .into_iter()
                        .flatten(),
                );
                seen.push(key);
            }
        }
    }
    diagnostics
}

/// The reports of a dead URL at each place page `i`'s Markdown wrote it (none when a problem
/// was reported there already); `None` when the Markdown did not write it.
fn written_in_markdown(
    site: &Site,
    i: usize,
    body: &Body,
    key: &str,
    item: &DeadUrl,
) -> Option<Vec<Diagnostic>> {
    body.urls.iter().any(|w| w.url == key).then(|| {
        body.urls
            .iter()
            .filter(|w| w.url == key && !w.reported)
            .map(|w| markdown_diagnostic(site, i, w.offset, item))
            .collect()
    })
}

/// Where the HTML of an output file was written.
enum Origin {
    /// A page: its Markdown, then its template.
    Page(usize),
    /// A template alone (404, search and wizard pages).
    Template(String),
    /// A file copied from `static/`.
    Static,
}

/// Checks every internal URL of the site's output (see the module doc). Nothing is checked
/// when a page has no output file: its template failed, which is reported already, and links
/// to it would all look dead.
pub fn check_site(
    site: &Site,
    theme: &Theme,
    bodies: &RenderCache,
    files: &[OutputFile],
) -> Vec<Diagnostic> {
    let base = &site.config.base_url;
    let by_path: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut origins: HashMap<usize, Origin> = HashMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        match by_path.get(file_for(&page.path).as_str()) {
            Some(&file) => origins.insert(file, Origin::Page(i)),
            None => return Vec::new(),
        };
    }
    for lang in 0..site.config.languages.len() {
        let prefix = site.config.language_prefix(lang);
        for (path, template) in [
            (format!("{prefix}404.html"), "404.html"),
            (format!("{prefix}search/index.html"), "search.html"),
            (format!("{prefix}wizard/index.html"), "wizard.html"),
        ] {
            if let Some(&file) = by_path.get(path.as_str()) {
                origins
                    .entry(file)
                    .or_insert_with(|| Origin::Template(template.to_string()));
            }
        }
    }
    for asset in &theme.assets {
        if let Some(&file) = by_path.get(asset.rel.as_str()) {
            origins.entry(file).or_insert(Origin::Static);
        }
    }

    let mut diagnostics = Vec::new();
    // URLs from templates: one report per template and URL, naming the first page it is in
    // and counting the others.
    let mut from_templates: Vec<(PathBuf, &DeadUrl, usize)> = Vec::new();
    let mut template_reports: HashMap<(PathBuf, String), usize> = HashMap::new();
    let mut template_paths: HashMap<(String, String), PathBuf> = HashMap::new();
    let dead = dead_urls(files, base);
    for in_file in dead.chunk_by(|a, b| a.file == b.file) {
        let file = in_file[0].file;
        let mut seen: Vec<String> = Vec::new();
        for item in in_file {
            let key = url_key(&item.url);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let template = match origins.get(&file) {
                Some(Origin::Page(i)) => {
                    // Written in the page's Markdown: reported at each place it is written.
                    if let Some(reports) = bodies
                        .body(&site.pages[*i])
                        .and_then(|body| written_in_markdown(site, *i, body, &key, item))
                    {
                        diagnostics.extend(reports);
                        continue;
                    }
                    Some(render::template_of(&site.pages[*i]))
                }
                Some(Origin::Template(name)) => Some(name.clone()),
                Some(Origin::Static) => None,
                None => None,
            };
            let path = match &template {
                Some(name) => template_paths
                    .entry((name.clone(), item.url.clone()))
                    .or_insert_with(|| template_path(theme, name, &item.url))
                    .clone(),
                None if matches!(origins.get(&file), Some(Origin::Static)) => {
                    PathBuf::from(format!("static/{}", files[file].path))
                }
                None => PathBuf::from(&files[file].path),
            };
            match template_reports.get(&(path.clone(), key.clone())) {
                Some(&report) => from_templates[report].2 += 1,
                None => {
                    template_reports.insert((path.clone(), key), from_templates.len());
                    from_templates.push((path, item, 0));
                }
            }
        }
    }
    for (path, item, others) in from_templates {
        diagnostics.push(template_diagnostic(theme, files, base, path, item, others));
    }
    diagnostics
}

/// Where a URL of a page made with template `name` is reported: the template that has the URL
/// literally (that one first, then the rest: a parent or a partial), else `name` itself.
fn template_path(theme: &Theme, name: &str, url: &str) -> PathBuf {
    let own = theme.templates.iter().filter(|t| t.name == name);
    let others = theme.templates.iter().filter(|t| t.name != name);
    own.clone()
        .chain(others)
        .find(|t| t.text.contains(url))
        .or_else(|| own.clone().next())
        .map_or_else(
            || PathBuf::from(format!("templates/{name}")),
            |t| t.path.clone(),
        )
}

fn message(url: &str, dead: &Dead, base: &BaseUrl) -> String {
    match dead {
        Dead::Missing(path) => format!("dead URL `{url}`: nothing in the site at {path}"),
        Dead::OutsideBase(_) => {
            format!("URL `{url}` is outside the site's base path {}", base.path)
        }
    }
}

/// A dead URL written in page `i`'s Markdown at byte `offset` of its body.
fn markdown_diagnostic(site: &Site, i: usize, offset: usize, item: &DeadUrl) -> Diagnostic {
    let page = &site.pages[i];
    let base = &site.config.base_url;
    let (line, col) = LineIndex::new(&page.body).locate(offset);
    let diagnostic = Diagnostic::error(
        &page.source,
        line + page.body_line - 1,
        col,
        message(&item.url, &item.dead, base),
    );
    let hint = match &item.dead {
        Dead::OutsideBase(_) => "link a page by its Markdown file (`@/guide/register.md`) and give other files a path relative to the page".to_string(),
        Dead::Missing(path) => match markdown_page_for(site, i, &item.url, path) {
            Some(key) => format!("pages are served at folder URLs; link the Markdown file: @/{key}"),
            None => {
                let rel = path.strip_prefix(base.path.as_str()).unwrap_or(path);
                format!("a file at this URL comes from static/{rel}")
            }
        },
    };
    diagnostic.with_hint(hint)
}

/// The key of the page a dead `….html` URL most likely means: the Markdown file of that name
/// beside the page it is written in (as in mdBook), or the page served at that folder.
fn markdown_page_for(site: &Site, from: usize, url: &str, path: &str) -> Option<String> {
    let lang = site.pages[from].lang;
    let written = url.split(['#', '?']).next().unwrap_or(url);
    let stem = url_key(written.strip_suffix(".html")?);
    let mut candidates = Vec::new();
    if !written.starts_with('/') && !written.contains(':') {
        let folder = site.pages[from]
            .key
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        let joined = if folder.is_empty() {
            format!("/{stem}")
        } else {
            format!("/{folder}/{stem}")
        };
        let key = without_dot_segments(&joined)
            .trim_start_matches('/')
            .to_string();
        candidates.push(match key.strip_suffix("index") {
            Some(folder) => format!("{folder}_index.md"),
            None => format!("{key}.md"),
        });
    }
    let base = &site.config.base_url;
    if let Some(rel) = path
        .strip_prefix(base.path.as_str())
        .and_then(|rel| rel.strip_suffix(".html"))
    {
        let page_path = match rel.strip_suffix("index") {
            Some(folder) => folder.to_string(),
            None => format!("{rel}/"),
        };
        if let Some(page) = site.pages.iter().find(|p| p.path == page_path) {
            candidates.push(page.key.clone());
        }
    }
    candidates
        .into_iter()
        .find(|key| site.find(lang, key).is_some() || site.pages.iter().any(|p| &p.key == key))
}

/// A dead URL that comes from a template (or a static HTML file), at the line where its
/// text is written when it is written there literally.
fn template_diagnostic(
    theme: &Theme,
    files: &[OutputFile],
    base: &BaseUrl,
    path: PathBuf,
    item: &DeadUrl,
    others: usize,
) -> Diagnostic {
    let text = theme
        .templates
        .iter()
        .find(|t| t.path == path)
        .map(|t| t.text.as_str());
    let (line, col) = text
        .and_then(|text| Some(LineIndex::new(text).locate(text.find(item.url.as_str())?)))
        .unwrap_or((0, 0));
    let file = &files[item.file].path;
    let page = base.href(file.strip_suffix("index.html").unwrap_or(file));
    let more = match others {
        0 => String::new(),
        1 => " and 1 other page".to_string(),
        n => format!(" and {n} other pages"),
    };
    Diagnostic::error(path, line, col, message(&item.url, &item.dead, base))
        .with_hint(format!("in the page {page}{more}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: Arc::from(html.as_bytes()),
        }
    }

    #[test]
    fn urls_are_found_in_tags_only() {
        let html = "<a href=\"/a/\">x</a> <IMG SRC='b.png' alt=x><img src=c.png>\
            <img srcset=\"d.png 1x, e.png 2x\"> src=\"text.png\" &lt;a href=\"code\"&gt;\
            <!-- <a href=\"comment\"> --><script>if (a<b) { x = '<a href=\"js\">'; }</script>\
            <a href=\"x?a=1&amp;b=2\" data-src=\"no\"><a class=x HREF = \"/sp/\">";
        let found: Vec<(&str, String)> = html_urls(html)
            .into_iter()
            .map(|u| (u.attribute, u.url.into_owned()))
            .collect();
        assert_eq!(
            found,
            [
                ("href", "/a/".to_string()),
                ("SRC", "b.png".into()),
                ("src", "c.png".into()),
                ("srcset", "d.png".into()),
                ("srcset", "e.png".into()),
                ("href", "x?a=1&b=2".into()),
                ("HREF", "/sp/".into()),
            ]
        );
        let offsets: Vec<usize> = html_urls(html).iter().map(|u| u.offset).collect();
        assert_eq!(&html[offsets[4]..offsets[4] + 5], "e.png");
    }

    #[test]
    fn dead_urls_are_found_against_the_files_and_the_base_path() {
        let base = BaseUrl::parse("https://example.com/docs/").unwrap();
        let files = [
            file(
                "guide/index.html",
                "<a href=\"/docs/guide/\">self</a><a href=\"../\">home</a>\
                 <a href=\"register/#x\">r</a><a href=\"register.html\">dead</a>\
                 <img src=\"img/a.png\"><img src=\"/docs/css/site.css?v=1\">\
                 <a href=\"https://example.com/docs/guide\">own</a>\
                 <a href=\"https://example.com/other/\">outside</a><a href=\"/guide/\">no base</a>\
                 <a href=\"https://stripe.com/x\">ext</a><a href=\"//cdn.example.org/y\">ext</a>\
                 <a href=\"mailto:a@b.c\">m</a><a href=\"#top\">t</a><img src=\"data:image/png;base64,x\">\
                 <img src=\"%E5%9B%BE.png\"><a href=\"./../missing/../guide/register/\">dots</a>",
            ),
            file("index.html", ""),
            file("guide/register/index.html", ""),
            file("guide/图.png", ""),
            file("css/site.css", ""),
        ];
        let dead: Vec<(String, Dead)> = dead_urls(&files, &base)
            .into_iter()
            .map(|d| (d.url, d.dead))
            .collect();
        assert_eq!(
            dead,
            [
                (
                    "register.html".to_string(),
                    Dead::Missing("/docs/guide/register.html".into())
                ),
                (
                    "img/a.png".into(),
                    Dead::Missing("/docs/guide/img/a.png".into())
                ),
                (
                    "https://example.com/other/".into(),
                    Dead::OutsideBase("/other/".into())
                ),
                ("/guide/".into(), Dead::OutsideBase("/guide/".into())),
            ]
        );
    }

    #[test]
    fn dot_segments_stop_at_the_root() {
        assert_eq!(without_dot_segments("/a/./b/../c"), "/a/c");
        assert_eq!(without_dot_segments("/../../x"), "/x");
        assert_eq!(without_dot_segments("/a/b/.."), "/a/");
    }
}
