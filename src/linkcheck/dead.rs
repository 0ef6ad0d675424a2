//! Which URLs of the output are dead: each URL resolved against the URL of the file it is
//! in and the base path, and looked up among the files of the output (a file, or a folder
//! with an `index.html`). Files are scanned in parallel.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::scan::{html_urls, url_key};
use crate::claims::OutputFile;
use crate::config::BaseUrl;

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
pub struct Served<'a>(FxHashSet<Cow<'a, str>>);

impl<'a> Served<'a> {
    /// What an output of files at `paths` serves.
    pub fn new(paths: impl IntoIterator<Item = &'a str>) -> Self {
        let paths = paths.into_iter();
        let mut set = FxHashSet::default();
        set.reserve(paths.size_hint().0 * 3);
        for path in paths {
            if let Some(folder) = path.strip_suffix("index.html")
                && (folder.is_empty() || folder.ends_with('/'))
            {
                set.insert(Cow::Borrowed(folder));
                set.insert(Cow::Borrowed(folder.trim_end_matches('/')));
            }
            set.insert(Cow::Borrowed(path));
        }
        Served(set)
    }

    /// The dead internal URLs of one HTML file of the output, number `index` among its files.
    pub fn dead_in(&self, index: usize, file: &OutputFile, base: &BaseUrl) -> Vec<DeadUrl> {
        dead_in(index, file, base, &|rel| self.0.contains(rel))
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
pub(super) fn without_dot_segments(path: &str) -> String {
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
    let served = Served::new(files.iter().map(|f| f.path.as_str()));
    files
        .par_iter()
        .enumerate()
        .filter(|(_, file)| file.path.ends_with(".html"))
        .flat_map_iter(|(index, file)| served.dead_in(index, file, base))
        .collect()
}

/// The dead internal URLs of one HTML file (number `index`), given what the site serves.
pub(super) fn dead_in(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::Origin;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile::new(path, html.as_bytes(), Origin::Theme)
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
