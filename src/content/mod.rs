//! The content model: pages read from `content/<lang>/…`, their front matter and where they go.
//! `load` reads the folder; [`parse_pages`] turns the files into [`Page`]s without touching the
//! disk.

pub mod front_matter;
pub mod load;

use std::collections::BTreeSet;
use std::path::PathBuf;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
pub use front_matter::{Date, FrontMatter};
use load::ContentFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `content/<lang>/_index.md`
    Home,
    /// `_index.md` of a folder: the section's own page.
    Section,
    Page,
}

/// One page in one language.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path shown in messages, e.g. `content/en/guide/register.md`.
    pub source: PathBuf,
    /// Index into `Config::languages`.
    pub lang: usize,
    /// Path below the language folder; the same key in two languages is one page translated.
    pub key: String,
    pub kind: PageKind,
    pub front: FrontMatter,
    /// The front matter as written, to point at the line of a value found wrong later.
    pub front_yaml: String,
    pub body: String,
    /// Line of the file on which `body` starts, to report body positions in file lines.
    pub body_line: usize,
    /// Where the page is served, relative to the base URL: ``, `guide/`, `en/guide/register/`.
    pub path: String,
    /// Its front matter could not be read (the error is reported): the page stays in the site
    /// with default values, so links to it and its translations are not reported as missing.
    pub broken: bool,
}

impl Page {
    /// The key of the section this page belongs to: `guide/_index.md` for `guide/register.md`
    /// and for `guide/sub/_index.md`; `None` for the home page.
    pub fn parent_key(&self) -> Option<String> {
        let dir = match self.kind {
            PageKind::Home => return None,
            PageKind::Section => self.key.trim_end_matches("/_index.md"),
            PageKind::Page => &self.key,
        };
        Some(match dir.rsplit_once('/') {
            Some((parent, _)) => format!("{parent}/_index.md"),
            None => "_index.md".to_string(),
        })
    }
}

/// Characters kept as they are in a URL path segment; everything else is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The site path of a content key: `guide/register.md` → `guide/register/`.
pub fn site_path(lang_prefix: &str, key: &str) -> String {
    let stem = key
        .strip_suffix("_index.md")
        .unwrap_or_else(|| key.strip_suffix(".md").unwrap_or(key));
    let mut path = lang_prefix.to_string();
    for segment in stem.split('/').filter(|s| !s.is_empty()) {
        path.extend(utf8_percent_encode(segment, SEGMENT));
        path.push('/');
    }
    path
}

/// Parses every content file into a page. Drafts are left out unless `drafts`. Once `stop`
/// says so (the preview wants a newer build), the pages not parsed yet are left out.
pub fn parse_pages(
    files: &[ContentFile],
    (config, drafts): (&Config, bool),
    stop: &(dyn Fn() -> bool + Sync),
    diagnostics: &mut Diagnostics,
) -> Vec<Page> {
    let unknown: BTreeSet<&str> = files
        .iter()
        .map(|f| f.lang_dir.as_str())
        .filter(|dir| config.language_index(dir).is_none())
        .collect();
    for dir in unknown {
        let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        diagnostics.push(
            Diagnostic::warning(
                format!("content/{dir}"),
                0,
                0,
                format!("`{dir}` is not a language of this site; its pages are skipped"),
            )
            .with_hint(format!("languages in site.yaml: {}", codes.join(", "))),
        );
    }

    let parsed: Vec<(Page, Option<Diagnostic>)> = files
        .par_iter()
        .filter_map(|file| Some((config.language_index(&file.lang_dir)?, file)))
        .take_any_while(|_| !stop())
        .map(|(lang, file)| parse_page(file, lang, config))
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, problem) in parsed {
        diagnostics.extend(problem);
        if !page.front.draft || drafts {
            pages.push(page);
        }
    }
    pages
}

/// Parses one page. A page whose front matter is broken is returned too, with default
/// values, beside the error: it is still a page of the site.
fn parse_page(file: &ContentFile, lang: usize, config: &Config) -> (Page, Option<Diagnostic>) {
    let path = &file.file.path;
    let text = &file.file.text;
    let kind = if file.key == "_index.md" {
        PageKind::Home
    } else if file.key.ends_with("/_index.md") {
        PageKind::Section
    } else {
        PageKind::Page
    };
    let mut page = Page {
        source: path.clone(),
        lang,
        path: site_path(&config.language_prefix(lang), &file.key),
        key: file.key.clone(),
        kind,
        front: FrontMatter::default(),
        front_yaml: String::new(),
        body: String::new(),
        body_line: 1,
        broken: false,
    };
    let split = match front_matter::split(path, text) {
        Ok(split) => split,
        Err(problem) => {
            page.broken = true;
            return (page, Some(problem));
        }
    };
    page.front_yaml = split.yaml.to_string();
    page.body = split.body.to_string();
    page.body_line = split.body_line;
    match front_matter::parse(path, &split) {
        Ok(front) => {
            page.front = front;
            (page, None)
        }
        Err(problem) => {
            page.broken = true;
            (page, Some(problem))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_are_clean_urls() {
        assert_eq!(site_path("", "_index.md"), "");
        assert_eq!(site_path("", "guide/_index.md"), "guide/");
        assert_eq!(
            site_path("en/", "guide/api keys.md"),
            "en/guide/api%20keys/"
        );
        assert_eq!(
            site_path("", "常见问题.md"),
            "%E5%B8%B8%E8%A7%81%E9%97%AE%E9%A2%98/"
        );
    }
}
