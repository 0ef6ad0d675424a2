//! Dead URLs: every internal URL the built site's HTML carries (`href`, `src` and `srcset`,
//! from Markdown links and images, raw HTML and templates alike, with or without the base
//! path or the site's own origin) must name a file of the output; each one that does not is
//! reported where it was written — the page's line and column for URLs written in Markdown,
//! the template (once per template and URL) for the rest. Pure: output files in, diagnostics
//! out. `scan` finds the URLs (memchr, no HTML parser), `dead` resolves and looks them up.

mod dead;
mod scan;

use std::collections::HashMap;
use std::path::PathBuf;

pub use dead::{Dead, DeadUrl, Served, dead_urls};
use dead::{dead_in, without_dot_segments};
pub use scan::{HtmlUrl, html_urls, url_key};

use crate::claims::OutputFile;
use crate::config::BaseUrl;
use crate::error::{Diagnostic, LineIndex};
use crate::render::{self, Body, RenderCache, file_for};
use crate::site::Site;
use crate::theme::Theme;

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
/// to it would all look dead. `streamed` holds the dead URLs of files checked as they were
/// made and then dropped (a build's pages: their `files` entries have no bytes); they are
/// reported as if found here.
pub fn check_site(
    site: &Site,
    theme: &Theme,
    bodies: &RenderCache,
    files: &[OutputFile],
    streamed: Vec<DeadUrl>,
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
    let mut dead = dead_urls(files, base);
    if !streamed.is_empty() {
        dead.extend(streamed);
        // Stable: each file's URLs stay in the order they are written.
        dead.sort_by_key(|d| d.file);
    }
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
