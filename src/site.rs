//! Assembling parsed pages into a [`Site`]: the section tree per language, reading order
//! (previous/next), translations, heading anchors, and the checks that need the whole site
//! (duplicate URLs, missing home pages, aliases). Pure: pages in, a site model out.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Page, PageKind};
use crate::data::Providers;
use crate::error::{Diagnostic, Diagnostics, LineIndex};
use crate::markdown::{self, DuplicateId, Heading};

/// A page's position in the site. Indices point into `Site::pages`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The section page this page belongs to (`None` for home pages and orphans).
    pub parent: Option<usize>,
    /// For home and section pages: their pages and subsections, in order.
    pub children: Vec<usize>,
    /// The same page in each language (`None` where it is not translated), by language index.
    pub translations: Vec<Option<usize>>,
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub headings: Vec<Vec<Heading>>,
    pub places: Vec<Place>,
    /// The home page of each language, by language index.
    pub homes: Vec<Option<usize>>,
    /// Pages whose folder has no `_index.md`: built, but not in the navigation.
    pub orphans: Vec<usize>,
    /// The provider facts of `content/data/providers.yaml`, when the site has them.
    pub providers: Option<Providers>,
    /// The public holidays of `content/data/holidays.yaml`, when the site has them.
    pub holidays: Option<crate::calendar::Calendars>,
    /// The setup wizard, checked, when the site has `content/wizard.yaml`.
    pub wizard: Option<crate::wizard::definition::Definition>,
    /// Warnings about the data files (reported by `check`): provider figures read more than 12
    /// months ago, holiday lists missing for this year (or, from October, the next).
    pub stale_data: Vec<Diagnostic>,
    by_key: HashMap<(usize, String), usize>,
}

impl Site {
    /// The page with `key` in language `lang`.
    pub fn find(&self, lang: usize, key: &str) -> Option<usize> {
        self.by_key.get(&(lang, key.to_string())).copied()
    }

    /// All keys of language `lang`, for did-you-mean hints.
    pub fn keys(&self, lang: usize) -> impl Iterator<Item = &str> {
        self.by_key
            .keys()
            .filter(move |(l, _)| *l == lang)
            .map(|(_, k)| k.as_str())
    }

    /// Home and the sections above `page`, outermost first (not the page itself).
    pub fn ancestors(&self, page: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut at = self.places[page].parent;
        while let Some(p) = at {
            if chain.contains(&p) {
                break;
            }
            chain.push(p);
            at = self.places[p].parent;
        }
        chain.reverse();
        chain
    }

    /// Warnings that `check` reports: pages without a translation and pages out of the
    /// navigation.
    pub fn completeness_warnings(&self) -> Vec<Diagnostic> {
        let mut warnings = Vec::new();
        for (i, page) in self.pages.iter().enumerate() {
            for (lang, translation) in self.places[i].translations.iter().enumerate() {
                if translation.is_none() {
                    let code = &self.config.languages[lang].code;
                    warnings.push(
                        Diagnostic::warning(&page.source, 0, 0, format!("no {code} translation"))
                            .with_hint(format!("create content/{code}/{}; until then the language switcher leads to the {code} home page", page.key)),
                    );
                }
            }
        }
        for &i in &self.orphans {
            let page = &self.pages[i];
            warnings.push(
                Diagnostic::warning(
                    &page.source,
                    0,
                    0,
                    "orphan page: its folder has no _index.md, so it is not in the navigation",
                )
                .with_hint(format!("add {}", page.parent_key().unwrap_or_default())),
            );
        }
        warnings
    }
}

/// Builds the site model. Duplicate URLs, missing home pages and bad aliases are reported.
pub fn assemble(config: Config, pages: Vec<Page>, diagnostics: &mut Diagnostics) -> Site {
    let headings: Vec<Vec<Heading>> = pages
        .par_iter()
        .map(|p| markdown::headings(&p.body))
        .collect::<Vec<_>>()
        .into_iter()
        .zip(&pages)
        .map(|(headings, page)| {
            diagnostics.extend(duplicate_ids(page, &headings.duplicates));
            headings.list
        })
        .collect();
    arrange(config, pages, headings, diagnostics)
}

/// Builds the site model from pages whose headings are known already (`headings[i]` those of
/// `pages[i]`): the preview, when only front matter changed, arranges the pages again
/// without reading every body.
pub fn arrange(
    config: Config,
    pages: Vec<Page>,
    headings: Vec<Vec<Heading>>,
    diagnostics: &mut Diagnostics,
) -> Site {
    let languages = config.languages.len();

    let mut by_key = HashMap::new();
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        by_key.insert((page.lang, page.key.clone()), i);
        if let Some(&other) = by_path.get(page.path.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    &page.source,
                    0,
                    0,
                    format!(
                        "this page has the same URL /{} as {}",
                        page.path,
                        pages[other].source.display()
                    ),
                )
                .with_hint("rename one of them"),
            );
        } else {
            by_path.insert(&page.path, i);
        }
    }

    let mut places = vec![Place::default(); pages.len()];
    let mut orphans = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        places[i].translations = (0..languages)
            .map(|lang| by_key.get(&(lang, page.key.clone())).copied())
            .collect();
        if let Some(parent_key) = page.parent_key() {
            match by_key.get(&(page.lang, parent_key)) {
                Some(&parent) => places[i].parent = Some(parent),
                None => orphans.push(i),
            }
        }
    }
    let order_key = |&i: &usize| {
        (
            pages[i].front.weight.unwrap_or(i64::MAX),
            pages[i].front.title.clone(),
            pages[i].key.clone(),
        )
    };
    let mut children: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, place) in places.iter().enumerate() {
        if let Some(parent) = place.parent {
            children.entry(parent).or_default().push(i);
        }
    }
    for (parent, mut list) in children {
        list.sort_by_cached_key(order_key);
        places[parent].children = list;
    }

    let mut homes = vec![None; languages];
    for (i, page) in pages.iter().enumerate() {
        if page.kind == PageKind::Home {
            homes[page.lang] = Some(i);
        }
    }
    for (lang, home) in homes.iter().enumerate() {
        if home.is_none() {
            let code = &config.languages[lang].code;
            diagnostics.push(
                Diagnostic::error(format!("content/{code}/_index.md"), 0, 0, format!("the {code} home page is missing"))
                    .with_hint("every language needs its own _index.md: it is the page at the language's root URL"),
            );
        }
    }

    // Reading order: the home page, then each section followed by its pages, depth first.
    for home in homes.iter().flatten() {
        let mut order = Vec::new();
        let mut stack = vec![*home];
        let mut seen = HashSet::new();
        while let Some(i) = stack.pop() {
            if !seen.insert(i) {
                continue;
            }
            order.push(i);
            stack.extend(places[i].children.iter().rev());
        }
        for pair in order.windows(2) {
            places[pair[0]].next = Some(pair[1]);
            places[pair[1]].previous = Some(pair[0]);
        }
    }

    check_aliases(&pages, diagnostics);
    Site {
        config,
        pages,
        headings,
        places,
        homes,
        orphans,
        providers: None,
        holidays: None,
        wizard: None,
        stale_data: Vec::new(),
        by_key,
    }
}

/// Heading ids the author gave twice on `page`, reported at the second with the line of the
/// first (lines of the file).
fn duplicate_ids(page: &Page, duplicates: &[DuplicateId]) -> Vec<Diagnostic> {
    if duplicates.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(&page.body);
    let at = |offset: usize| {
        let (line, col) = index.locate(offset);
        (line + page.body_line - 1, col)
    };
    duplicates
        .iter()
        .map(|duplicate| {
            let (line, col) = at(duplicate.second);
            let (first, _) = at(duplicate.first);
            Diagnostic::error(
                &page.source,
                line,
                col,
                format!("heading id `{}` is already used on this page", duplicate.id),
            )
            .with_hint(format!(
                "line {first} has it first; give this heading another id, so links to #{} land on one heading",
                duplicate.id
            ))
        })
        .collect()
}

/// An alias is an old URL path that redirects to the page: it must be a plain relative path
/// inside the site (no `..`, no scheme). Whether its path is free (no page, file or other
/// alias there) is checked with every other output path (`claims`).
fn check_aliases(pages: &[Page], diagnostics: &mut Diagnostics) {
    for page in pages {
        for (index, alias) in page.front.aliases.iter().enumerate() {
            if alias_path(alias).is_none() {
                diagnostics.push(
                    Diagnostic::error(
                        &page.source,
                        alias_line(page, index),
                        1,
                        format!("alias `{}` is not a path inside the site", shown(alias)),
                    )
                    .with_hint("write the old URL path, e.g. /guide/old-name/"),
                );
            }
        }
    }
}

/// The line of the file that lists the page's alias number `index` (front matter starts on
/// line 2): the line of its `- ` item, or of `aliases:` when they are written `[a, b]`.
pub fn alias_line(page: &Page, index: usize) -> usize {
    let lines: Vec<&str> = page.front_yaml.lines().collect();
    let Some(key) = lines.iter().position(|l| l.starts_with("aliases:")) else {
        return 1;
    };
    if lines[key]["aliases:".len()..].trim_start().starts_with('[') {
        return key + 2;
    }
    lines[key + 1..]
        .iter()
        .enumerate()
        .take_while(|(_, l)| l.starts_with([' ', '-', '\t']) || l.trim().is_empty())
        .filter(|(_, l)| l.trim_start().starts_with('-'))
        .nth(index)
        .map_or(key + 2, |(i, _)| key + 1 + i + 2)
}

/// An alias as the user can read it in a message: control characters escaped (`\0`).
fn shown(alias: &str) -> String {
    let mut text = String::with_capacity(alias.len());
    for c in alias.chars() {
        if c.is_control() {
            text.extend(c.escape_debug());
        } else {
            text.push(c);
        }
    }
    text
}

/// The site path an alias redirects from (`/guide/old/` → `guide/old/`), or `None` when it
/// would leave the site.
pub fn alias_path(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_start_matches('/');
    if alias.contains("://") || alias.contains(['\\', '\0', '?', '#']) {
        return None;
    }
    let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() || segments.iter().any(|s| *s == "." || *s == "..") {
        return None;
    }
    let last = segments[segments.len() - 1];
    if last.ends_with(".html") {
        Some(segments.join("/"))
    } else {
        Some(format!("{}/", segments.join("/")))
    }
}
