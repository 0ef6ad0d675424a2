//! Rendering the site model to output files: Markdown bodies through `markdown`, pages through
//! Tera templates (in parallel, sharing the per-language navigation), plus the 404 page, alias
//! redirects, `sitemap.xml`, `robots.txt` and the theme's assets. Pure: the [`Site`] and
//! [`Theme`] in, [`OutputFile`]s and diagnostics out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::claims::{Origin, OutputFile};
use crate::content::{Page, PageKind};
use crate::data;
use crate::error::{Diagnostic, Diagnostics, LineIndex};
use crate::i18n::{self, Strings};
use crate::links;
use crate::markdown::{self, Problem, escape};
use crate::progress::Progress;
use crate::search;
use crate::site::{Site, alias_line, alias_path};
use crate::templates::{
    RENDERING, extends_chain, load_templates, template_diagnostic, template_path,
};
use crate::theme::Theme;

/// The file that serves a site path: `guide/` → `guide/index.html`.
pub fn file_for(site_path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(site_path).decode_utf8_lossy();
    if decoded.ends_with(".html") {
        decoded.into_owned()
    } else {
        format!("{decoded}index.html")
    }
}

/// A page's Markdown rendered to HTML, with the problems found in it. Kept between rebuilds
/// of `serve` so a template change does not re-render Markdown.
#[derive(Debug, Clone)]
pub struct Body {
    pub html: String,
    pub problems: Vec<Diagnostic>,
    /// The URLs of `html` written in the Markdown, with their places (for `linkcheck`).
    pub urls: Vec<markdown::WrittenUrl>,
    /// A hash of `html`, for page fingerprints.
    pub hash: u64,
}

/// What a live preview keeps between rebuilds, by page (language, key):
/// - rendered bodies, valid while the page's text and the site's structure (its pages, their
///   URLs and heading ids, which links resolve against) stay the same;
/// - rendered pages with the fingerprint of everything their template saw, so a rebuild
///   renders again only the pages whose inputs changed.
#[derive(Debug, Default)]
pub struct RenderCache {
    structure: u64,
    bodies: HashMap<(usize, String), (u64, Arc<Body>)>,
    pages: HashMap<(usize, String), CachedPage>,
}

/// A rendered page kept for the next rebuild: its frame (see [`Renderer::frame`]), its
/// fingerprint (the frame and its own values) and its file.
#[derive(Debug)]
struct CachedPage {
    frame: u64,
    fingerprint: u64,
    file: OutputFile,
}

/// A hash of what links resolve against: every page's language, key, URL and heading ids.
fn structure_hash(site: &Site) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(site.config.base_url.absolute("").as_bytes());
    // Fees blocks render data: a change of the data changes those bodies.
    hasher.update(format!("{:?}", site.providers).as_bytes());
    for (page, headings) in site.pages.iter().zip(&site.headings) {
        hasher.update(&page.lang.to_le_bytes());
        hasher.update(page.key.as_bytes());
        hasher.update(page.path.as_bytes());
        for heading in headings {
            hasher.update(heading.id.as_bytes());
            hasher.update(b"\0");
        }
    }
    hasher.digest()
}

fn body_hash(page: &Page) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(page.source.as_os_str().as_encoded_bytes());
    hasher.update(&page.body_line.to_le_bytes());
    hasher.update(page.body.as_bytes());
    hasher.digest()
}

impl RenderCache {
    /// Every cached body.
    pub fn bodies(&self) -> impl Iterator<Item = Arc<Body>> + '_ {
        let mut keys: Vec<&(usize, String)> = self.bodies.keys().collect();
        keys.sort();
        keys.into_iter().map(|k| Arc::clone(&self.bodies[k].1))
    }

    /// The body last rendered for `page`.
    pub fn body(&self, page: &Page) -> Option<&Body> {
        self.bodies
            .get(&(page.lang, page.key.clone()))
            .map(|(_, body)| body.as_ref())
    }

    /// The body of page `i`, from the cache when neither it nor the site's structure changed.
    fn get_or_render(&self, site: &Site, strings: &Strings, i: usize) -> Arc<Body> {
        let page = &site.pages[i];
        match self.bodies.get(&(page.lang, page.key.clone())) {
            Some((hash, body)) if *hash == body_hash(page) => Arc::clone(body),
            _ => Arc::new(render_body(site, strings, i)),
        }
    }
}

/// Renders page `i`'s Markdown, resolving and checking its links against the site.
pub fn render_body(site: &Site, strings: &Strings, i: usize) -> Body {
    let page = &site.pages[i];
    let code = &site.config.languages[page.lang].code;
    let blocks = |info: &str, text: &str| {
        let render = match info {
            "fees" => data::fees_block,
            "provider" => data::facts_block,
            _ => return None,
        };
        Some(match &site.providers {
            Some(providers) => {
                render(providers, code, strings, text).map_err(|(message, hint)| Problem {
                    is_error: true,
                    message,
                    hint,
                })
            }
            None => Err(Problem {
                is_error: true,
                message: format!(
                    "the {info} block cannot be shown: {} is missing or has errors",
                    data::PROVIDERS_FILE
                ),
                hint: None,
            }),
        })
    };
    let rendered = markdown::render(
        &page.body,
        &site.headings[i],
        &|dest| links::resolve(site, i, dest),
        &blocks,
        strings,
    );
    let mut problems = Vec::new();
    if !rendered.problems.is_empty() {
        let index = LineIndex::new(&page.body);
        for located in rendered.problems {
            let (line, col) = index.locate(located.offset);
            let line = line + page.body_line - 1;
            let problem = located.problem;
            let mut diagnostic = if problem.is_error {
                Diagnostic::error(&page.source, line, col, problem.message)
            } else {
                Diagnostic::warning(&page.source, line, col, problem.message)
            };
            diagnostic.hint = problem.hint;
            problems.push(diagnostic);
        }
    }
    Body {
        hash: xxh3_64(rendered.html.as_bytes()),
        html: rendered.html,
        problems,
        urls: rendered.urls,
    }
}

/// The templates parsed into a [`Renderer`] and every page's Markdown rendered to a
/// [`Body`], in page order: the first stage of rendering. `cache` supplies bodies rendered
/// before (pass an empty one for a fresh build); bodies are rendered again when the site's
/// structure changed. With `fingerprint_assets`, asset URLs carry `?v=<hash>`. `None` (with
/// diagnostics) when a template is broken.
pub fn bodies(
    site: &Site,
    theme: &Theme,
    cache: &mut RenderCache,
    (fingerprint_assets, bounds): (bool, Bounds),
    progress: &Progress,
    diagnostics: &mut Diagnostics,
) -> Option<(Renderer, Vec<Arc<Body>>)> {
    let renderer = Renderer::new(site, theme, fingerprint_assets, bounds, diagnostics)?;
    let structure = structure_hash(site);
    if structure != cache.structure {
        cache.bodies.clear();
        cache.structure = structure;
    }
    progress.stage("Markdown", site.pages.len() as u64);
    let bodies = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let body = cache.get_or_render(site, renderer.strings(site, i), i);
            progress.step();
            body
        })
        .collect();
    Some((renderer, bodies))
}

/// The URLs of the generated files every page links to, which are made before the pages.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// Each language's search index (its `meta.bin`), by language; `None` without search.
    pub search: Vec<Option<String>>,
    /// The compiled wizard, when the site has one.
    pub wizard: Option<String>,
}

/// What becomes of the pages [`pages`] renders.
pub enum Delivery<'a> {
    /// Kept in memory, and in the cache for the next rebuild (`check`, `serve`).
    Keep,
    /// Each page handed over as soon as it is rendered (`build` writes it into its staging
    /// folder and checks its links), then dropped: its place in the site's files keeps the
    /// path and origin with no bytes. Called with the page's index and file.
    Stream(&'a (dyn Fn(usize, &OutputFile) + Sync)),
}

/// Puts every page's body into its template, in parallel, and delivers each page file as
/// `delivery` says; returns the page files in page order (a page whose template failed has
/// none, and its problem is in `diagnostics`). Every page of the site links to the search
/// index and the wizard, so the renderer must know their URLs first
/// ([`Renderer::link_generated`]). A page whose fingerprint is unchanged is taken from
/// `cache` (the preview), and so is one the caller knows `unchanged` (its own values are as
/// last time: the preview's front-matter path) when its frame is the same, without building
/// its values; `cache` is refilled with this run's bodies, and with its pages when they are
/// kept.
pub fn pages(
    site: &Site,
    theme: &Theme,
    renderer: &Renderer,
    bodies: Vec<Arc<Body>>,
    cache: &mut RenderCache,
    (progress, delivery, unchanged): (&Progress, Delivery, &(dyn Fn(usize) -> bool + Sync)),
    diagnostics: &mut Diagnostics,
) -> Vec<OutputFile> {
    progress.stage("pages", site.pages.len() as u64);
    let keep = matches!(delivery, Delivery::Keep);
    let rendered: Vec<PageRender> = bodies
        .into_par_iter()
        .enumerate()
        .map(|(i, body)| {
            progress.step();
            let page = &site.pages[i];
            let frame = renderer.frame(site, i, &body);
            let cached = cache.pages.get(&(page.lang, page.key.clone()));
            let (fingerprint, file, problems) = match cached {
                // Neither its values nor its frame changed: as it was, without building its
                // values again.
                Some(c) if c.frame == frame && unchanged(i) => {
                    (c.fingerprint, Some(c.file.clone()), Vec::new())
                }
                _ => {
                    let value = page_value(site, &renderer.languages[page.lang], i);
                    let fingerprint = fingerprint(frame, &value);
                    match cached {
                        Some(c) if c.fingerprint == fingerprint => {
                            (fingerprint, Some(c.file.clone()), Vec::new())
                        }
                        _ => {
                            let (file, problems) = renderer.render(site, theme, i, &body, value);
                            (fingerprint, file, problems)
                        }
                    }
                }
            };
            let file = match (file, &delivery) {
                (Some(file), Delivery::Stream(deliver)) => {
                    deliver(i, &file);
                    Some(OutputFile::new(file.path, Vec::new(), file.origin))
                }
                (file, _) => file,
            };
            let file = file.map(|file| CachedPage {
                frame,
                fingerprint,
                file,
            });
            (body, file, problems)
        })
        .collect();
    let mut files = Vec::with_capacity(rendered.len());
    let mut template_errors: Vec<(Diagnostic, usize)> = Vec::new();
    let mut bodies = HashMap::with_capacity(rendered.len());
    let mut pages = HashMap::with_capacity(if keep { rendered.len() } else { 0 });
    for (i, (body, file, problems)) in rendered.into_iter().enumerate() {
        diagnostics.extend(body.problems.iter().cloned());
        let page = &site.pages[i];
        bodies.insert((page.lang, page.key.clone()), (body_hash(page), body));
        if let Some(cached) = file {
            files.push(cached.file.clone());
            if keep {
                pages.insert((page.lang, page.key.clone()), cached);
            }
        }
        for problem in problems {
            // One template mistake fails every page using it: report it once.
            let same = |(d, _): &&mut (Diagnostic, usize)| {
                (&d.path, d.line, d.col, &d.message)
                    == (&problem.path, problem.line, problem.col, &problem.message)
            };
            match template_errors.iter_mut().find(|e| same(e)) {
                Some((_, count)) => *count += 1,
                None => template_errors.push((problem, 0)),
            }
        }
    }
    cache.bodies = bodies;
    cache.pages = pages;
    fold_runaways(&mut template_errors, theme);
    for (mut diagnostic, others) in template_errors {
        if others > 0 {
            let hint = diagnostic.hint.take().unwrap_or_default();
            diagnostic.hint = Some(format!(
                "{hint} and {others} other page{}",
                if others == 1 { "" } else { "s" }
            ));
        }
        diagnostics.push(diagnostic);
    }
    files
}

/// A page's fingerprint: its frame and its own values.
fn fingerprint(frame: u64, value: &serde_json::Value) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&frame.to_le_bytes());
    hasher.update(&serde_json::to_vec(value).unwrap_or_default());
    hasher.digest()
}

/// The pages whose values page `i`'s own values ([`page_value`]) are made of: `i`, its
/// ancestors, its children, its previous and next pages and its translations. Page `i`'s
/// values can change only when one of these pages or `i`'s place changes (the preview relies
/// on it to skip the pages a front-matter change cannot reach).
pub fn neighbourhood(site: &Site, i: usize) -> impl Iterator<Item = usize> + '_ {
    let place = &site.places[i];
    std::iter::once(i)
        .chain(site.ancestors(i))
        .chain(place.children.iter().copied())
        .chain(place.previous)
        .chain(place.next)
        .chain(place.translations.iter().flatten().copied())
}

/// The theme's assets as files of the site.
pub fn theme_files(theme: &Theme) -> impl Iterator<Item = OutputFile> + '_ {
    theme.assets.iter().map(|asset| {
        OutputFile::new(
            asset.rel.clone(),
            asset.bytes.as_slice(),
            asset.origin.clone(),
        )
    })
}

/// The most output one page may have: far above any real page (the 10,000-page bench corpus
/// averages 68 KB), low enough that a template that never ends fails early.
pub const PAGE_MAX_BYTES: usize = 64 << 20;
/// The longest one page may take to render: far above any real page.
pub const PAGE_MAX_TIME: Duration = Duration::from_secs(30);

/// Bounds on rendering one page through Tera, checked at every write of the template: a
/// template that runs away (a loop over a range of 100,000 in a loop over another) is stopped
/// and reported instead of hanging a build or the preview; and a newer build that is wanted
/// (`cancel`, set by the preview when more files change) stops this one.
#[derive(Debug, Clone, Default)]
pub struct Bounds {
    pub cancel: Option<Arc<AtomicBool>>,
}

/// How a message about a stopped render ends.
const RUNAWAY: &str = ": does a loop run away?";

/// Why rendering a template failed.
enum Failure {
    Template(tera::Error),
    /// Stopped by [`Bounds`].
    Stopped(Stop),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    TooBig,
    TooSlow,
    Cancelled,
}

impl Bounds {
    /// Renders template `name` within the bounds.
    fn render(&self, tera: &Tera, name: &str, context: &Context) -> Result<String, Failure> {
        let mut output = BoundedOutput {
            bytes: Vec::with_capacity(16 * 1024),
            deadline: Instant::now() + PAGE_MAX_TIME,
            cancel: self.cancel.as_deref(),
            stop: None,
        };
        let result = tera.render_to(name, context, &mut output);
        match (output.stop, result) {
            (Some(stop), _) => Err(Failure::Stopped(stop)),
            (None, Err(e)) => Err(Failure::Template(e)),
            (None, Ok(())) => String::from_utf8(output.bytes)
                .map_err(|e| Failure::Template(tera::Error::message(e.to_string()))),
        }
    }
}

/// A page's HTML as its template writes it; refuses to grow past the bounds.
struct BoundedOutput<'a> {
    bytes: Vec<u8>,
    deadline: Instant,
    cancel: Option<&'a AtomicBool>,
    stop: Option<Stop>,
}

impl std::io::Write for BoundedOutput<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let stop = if self.bytes.len() + buf.len() > PAGE_MAX_BYTES {
            Some(Stop::TooBig)
        } else if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            Some(Stop::Cancelled)
        } else if Instant::now() > self.deadline {
            Some(Stop::TooSlow)
        } else {
            None
        };
        if let Some(stop) = stop {
            self.stop = Some(stop);
            return Err(std::io::Error::other("rendering stopped"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Failure {
    /// The problem to report, at template `name` (the one the page was rendered with), while
    /// rendering `page`.
    fn diagnostic(&self, theme: &Theme, name: &str, page: Option<&PathBuf>) -> Diagnostic {
        let stop = match self {
            Failure::Template(e) => return template_diagnostic(e, theme, page),
            Failure::Stopped(stop) => stop,
        };
        let message = match stop {
            Stop::TooBig => format!(
                "a page made with this template grew past {} MiB{RUNAWAY}",
                PAGE_MAX_BYTES >> 20
            ),
            Stop::TooSlow => format!(
                "a page made with this template took longer than {} s to render{RUNAWAY}",
                PAGE_MAX_TIME.as_secs()
            ),
            Stop::Cancelled => "rendering stopped: newer files are being built".to_string(),
        };
        let diagnostic = Diagnostic::error(template_path(theme, name), 0, 0, message);
        match page {
            Some(page) => diagnostic.with_hint(format!("{RENDERING}{}", page.display())),
            None => diagnostic,
        }
    }
}

/// A runaway template stops every page made with a template that extends it too: report it
/// once, at the template closest to the base that runs away on its own (the others only
/// inherit it), counting their pages as its own.
fn fold_runaways(errors: &mut Vec<(Diagnostic, usize)>, theme: &Theme) {
    let runaway = |d: &Diagnostic| d.message.ends_with(RUNAWAY);
    let name_at = |path: &PathBuf| {
        theme
            .templates
            .iter()
            .find(|t| &t.path == path)
            .map(|t| t.name.as_str())
    };
    let mut i = 0;
    while i < errors.len() {
        let (diagnostic, pages) = &errors[i];
        let ancestors = name_at(&diagnostic.path).map_or_else(Vec::new, |name| {
            extends_chain(theme, name).into_iter().skip(1).collect()
        });
        let inherited = runaway(diagnostic).then(|| {
            errors.iter().position(|(other, _)| {
                runaway(other)
                    && other.message == diagnostic.message
                    && name_at(&other.path).is_some_and(|n| ancestors.contains(&n))
            })
        });
        match inherited.flatten() {
            Some(j) => {
                let pages = pages + 1;
                errors[j].1 += pages;
                errors.remove(i);
            }
            None => i += 1,
        }
    }
}

/// One page's render: its body, its file with the fingerprint it was made from (none when the
/// template failed), and template problems.
type PageRender = (Arc<Body>, Option<CachedPage>, Vec<Diagnostic>);

/// Parsed templates and the values shared by the pages of each language, for one site model:
/// everything needed to render any single page.
pub struct Renderer {
    tera: Tera,
    bounds: Bounds,
    languages: Vec<Shared>,
    navs: HashMap<NavKey, (String, u64)>,
    /// Which of `navs` each page shows, by page index.
    page_navs: Vec<NavKey>,
    /// A hash of every template's text.
    templates: u64,
}

impl Renderer {
    /// Parses the templates and prepares the shared values; `None` (with diagnostics) when a
    /// template is broken.
    pub fn new(
        site: &Site,
        theme: &Theme,
        fingerprint_assets: bool,
        bounds: Bounds,
        diagnostics: &mut Diagnostics,
    ) -> Option<Renderer> {
        let tera = load_templates(theme, diagnostics)?;
        let whole_nav = reads_whole_nav(theme);
        let languages: Vec<Shared> = (0..site.config.languages.len())
            .map(|lang| Shared::new(site, theme, (lang, fingerprint_assets, whole_nav)))
            .collect();
        let mut templates = Xxh3::new();
        for template in &theme.templates {
            templates.update(template.name.as_bytes());
            templates.update(template.text.as_bytes());
        }
        let page_navs = nav_keys(site);
        match render_navs(site, &tera, &bounds, &languages, &page_navs) {
            Ok(navs) => Some(Renderer {
                tera,
                bounds,
                languages,
                page_navs,
                navs: navs
                    .into_iter()
                    .map(|(k, html)| {
                        let hash = xxh3_64(html.as_bytes());
                        (k, (html, hash))
                    })
                    .collect(),
                templates: templates.digest(),
            }),
            Err(failure) => {
                diagnostics.push(failure.diagnostic(theme, NAV_TEMPLATE, None));
                None
            }
        }
    }

    /// Renders template `name` on its own, not as a page of the site (the plan that
    /// `walletdesk plan --format html` writes), within the bounds of a page; a problem is
    /// reported at the template.
    pub fn render_template(
        &self,
        theme: &Theme,
        name: &str,
        context: &Context,
    ) -> Result<String, Diagnostic> {
        self.bounds
            .render(&self.tera, name, context)
            .map_err(|failure| failure.diagnostic(theme, name, None))
    }

    /// The interface strings of page `i`'s language.
    pub fn strings(&self, site: &Site, i: usize) -> &Strings {
        &self.languages[site.pages[i].lang].strings
    }

    /// Renders page `i` around its `body` with its template. Template problems carry a hint
    /// starting with "while rendering".
    pub fn page(
        &self,
        site: &Site,
        theme: &Theme,
        i: usize,
        body: &Body,
    ) -> (Option<OutputFile>, Vec<Diagnostic>) {
        let value = page_value(site, &self.languages[site.pages[i].lang], i);
        self.render(site, theme, i, body, value)
    }

    fn render(
        &self,
        site: &Site,
        theme: &Theme,
        i: usize,
        body: &Body,
        mut value: serde_json::Value,
    ) -> (Option<OutputFile>, Vec<Diagnostic>) {
        let shared = &self.languages[site.pages[i].lang];
        let (nav, _) = &self.navs[&self.page_navs[i]];
        value["content"] = serde_json::Value::String(body.html.clone());
        let engine = (&self.tera, &self.bounds);
        render_page(site, engine, theme, shared, nav, i, &value)
    }

    /// A hash of everything page `i`'s template sees but its own values: the templates, the
    /// language's shared values, its navigation, its body and its template's name. With the
    /// values (see [`fingerprint`]): equal fingerprints render equal pages.
    fn frame(&self, site: &Site, i: usize, body: &Body) -> u64 {
        let shared = &self.languages[site.pages[i].lang];
        let (_, nav) = self.navs[&self.page_navs[i]];
        let mut hasher = Xxh3::new();
        for part in [self.templates, shared.hash, nav, body.hash] {
            hasher.update(&part.to_le_bytes());
        }
        hasher.update(
            site.pages[i]
                .front
                .template
                .as_deref()
                .unwrap_or("")
                .as_bytes(),
        );
        hasher.digest()
    }

    /// Tells every language's pages where the generated files they link to are.
    pub fn link_generated(&mut self, site: &Site, generated: &Generated) {
        for shared in &mut self.languages {
            shared.set_search(site, &generated.search);
            shared.set_wizard(site, generated.wizard.as_deref());
        }
    }

    /// The pages without Markdown that search should find, by language: the wizard's page
    /// (its title and introduction), where the site has one.
    pub fn search_extras(&self, site: &Site) -> Vec<(usize, search::index::Document)> {
        let config = &site.config;
        self.languages
            .iter()
            .enumerate()
            .filter_map(|(lang, shared)| {
                let path = wizard_page(site, lang)?;
                let string = |key: &str| shared.strings.get(key).cloned().unwrap_or_default();
                let text = format!("{}\n{}", string("wizard_intro"), string("wizard_cta"));
                Some((
                    lang,
                    search::index::Document {
                        title: string("wizard_title"),
                        url: config.base_url.href(&path),
                        sections: vec![search::extract::SectionText {
                            heading: None,
                            text,
                        }],
                    },
                ))
            })
            .collect()
    }

    /// The files that are not pages: 404 pages, alias redirects, sitemap and robots.txt.
    pub fn extras(
        &self,
        site: &Site,
        theme: &Theme,
        diagnostics: &mut Diagnostics,
    ) -> Vec<OutputFile> {
        let mut files = Vec::new();
        for (lang, shared) in self.languages.iter().enumerate() {
            let prefix = site.config.language_prefix(lang);
            let not_found = format!("{prefix}404.html");
            let mut specials = vec![("404", not_found, "not_found_title", "404.html")];
            let search = format!("{prefix}search/");
            if site.config.search.enabled && !has_page_at(site, &search) {
                specials.push(("search", search, "search_title", "search.html"));
            }
            if let Some(wizard) = wizard_page(site, lang) {
                specials.push(("wizard", wizard, "wizard_title", "wizard.html"));
            }
            for (kind, path, title_key, template) in specials {
                let nav = &self.navs[&(lang, None, Vec::new())].0;
                let special = (kind, path.as_str(), title_key, template);
                match render_special(site, (&self.tera, &self.bounds), shared, nav, special) {
                    Ok(html) => {
                        let code = &site.config.languages[lang].code;
                        let origin = Origin::Generated(format!("the {code} {kind} page"));
                        files.push(OutputFile::text(file_for(&path), html, origin));
                    }
                    Err(failure) => diagnostics.push(failure.diagnostic(theme, template, None)),
                }
            }
        }
        files.extend(redirects(site));
        files.push(OutputFile::text(
            "sitemap.xml",
            sitemap(site),
            Origin::Generated("the sitemap".to_string()),
        ));
        files.push(OutputFile::text(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                site.config.base_url.absolute("sitemap.xml")
            ),
            Origin::Generated("robots.txt".to_string()),
        ));
        files
    }
}

#[derive(Serialize)]
struct LinkValue {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct NavItem {
    title: String,
    url: String,
    is_section: bool,
    children: Vec<NavItem>,
    /// For the link that ends a list cut to a block (see `NAV_LIMIT`): how many pages the
    /// section has; its `url` is the section page, which lists them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    more: Option<usize>,
}

#[derive(Serialize)]
struct Translation<'a> {
    code: &'a str,
    name: &'a str,
    locale: &'a str,
    url: String,
    permalink: String,
    exists: bool,
    current: bool,
}

/// Values shared by every page of one language, built once (Tera values are reference
/// counted, so giving them to each page costs nothing).
struct Shared {
    lang: usize,
    /// A hash of every value below, for page fingerprints.
    hash: u64,
    strings: Strings,
    site: Value,
    lang_value: Value,
    languages: Value,
    strings_value: Value,
    /// The whole section tree, when a template reads it (see [`reads_whole_nav`]).
    nav: Option<Value>,
    assets: Value,
    asset_urls: BTreeMap<String, String>,
    /// The `search` value: where this language's index and search page are.
    search: Value,
    /// The `wizard` value (see `set_wizard`).
    wizard: Value,
}

impl Shared {
    fn new(
        site: &Site,
        theme: &Theme,
        (lang, fingerprint_assets, whole_nav): (usize, bool, bool),
    ) -> Self {
        let config = &site.config;
        let language = &config.languages[lang];
        let strings = i18n::strings_for(language);
        let home = config.language_prefix(lang);
        let site_value = serde_json::json!({
            "title": language.title.as_deref().unwrap_or(&config.title),
            "description": language.description.as_deref().unwrap_or(&config.description),
            "base_url": config.base_url.absolute(""),
            "base_path": config.base_url.path,
            "home_url": config.base_url.href(&home),
            "content_security_policy": config.content_security_policy,
        });
        let languages: Vec<_> = config
            .languages
            .iter()
            .map(|l| serde_json::json!({"code": l.code, "name": l.name, "locale": l.locale()}))
            .collect();
        let nav = match site.homes[lang] {
            Some(home) if whole_nav => nav_items(site, home),
            _ => Vec::new(),
        };
        let assets: BTreeMap<String, String> = theme
            .assets
            .iter()
            .map(|a| {
                let url = config.base_url.href(&a.rel);
                let url = if fingerprint_assets {
                    format!("{url}?v={}", &a.hash[..10])
                } else {
                    url
                };
                (a.rel.clone(), url)
            })
            .collect();
        let mut hasher = Xxh3::new();
        for part in [
            serde_json::to_vec(&site_value),
            serde_json::to_vec(&languages),
            serde_json::to_vec(&strings),
            serde_json::to_vec(&nav),
            serde_json::to_vec(&assets),
        ] {
            hasher.update(&part.unwrap_or_default());
        }
        Shared {
            lang,
            hash: hasher.digest(),
            site: Value::from_serializable(&site_value),
            lang_value: Value::from_serializable(
                &serde_json::json!({"code": language.code, "name": language.name, "locale": language.locale()}),
            ),
            languages: Value::from_serializable(&languages),
            strings_value: Value::from_serializable(&strings),
            strings,
            nav: whole_nav.then(|| Value::from_serializable(&nav)),
            assets: Value::from_serializable(&assets),
            asset_urls: assets,
            search: Value::from_serializable(&serde_json::json!({"enabled": false})),
            wizard: Value::from_serializable(&serde_json::json!({})),
        }
    }

    /// `value` as a template value, folded into the language's hash (page fingerprints).
    fn shared_value(&mut self, value: &serde_json::Value) -> Value {
        let mut hasher = Xxh3::new();
        hasher.update(&self.hash.to_le_bytes());
        hasher.update(&serde_json::to_vec(value).unwrap_or_default());
        self.hash = hasher.digest();
        Value::from_serializable(value)
    }

    /// Sets the `wizard` value from the URL of the compiled wizard: `{}` without a wizard,
    /// else where its data, its scripts and its page (`/wizard/`, `/en/wizard/`) are.
    fn set_wizard(&mut self, site: &Site, data: Option<&str>) {
        let value = match data {
            Some(url) => serde_json::json!({
                "data": url,
                "page": site.config.base_url.href(&format!("{}wizard/", site.config.language_prefix(self.lang))),
                "script": self.asset_urls.get("js/wizard.js"),
                "engine": self.asset_urls.get("js/wizard-engine.js"),
                "export": self.asset_urls.get("js/wizard-export.js"),
                "strings": serde_json::to_string(&self.prefixed_strings("wizard_")).unwrap_or_default(),
            }),
            None => serde_json::json!({}),
        };
        self.wizard = self.shared_value(&value);
    }

    /// The interface strings whose key starts with `prefix`, keyed without it.
    fn prefixed_strings(&self, prefix: &str) -> BTreeMap<&str, &str> {
        self.strings
            .iter()
            .filter_map(|(key, value)| Some((key.strip_prefix(prefix)?, value.as_str())))
            .collect()
    }

    /// Sets the `search` value from each language's index URL.
    fn set_search(&mut self, site: &Site, meta_urls: &[Option<String>]) {
        let config = &site.config;
        let page = |lang: usize| {
            config
                .base_url
                .href(&format!("{}search/", config.language_prefix(lang)))
        };
        let indexes: Vec<serde_json::Value> = config
            .languages
            .iter()
            .enumerate()
            .filter_map(|(lang, l)| {
                let index = meta_urls.get(lang)?.as_ref()?;
                Some(serde_json::json!({
                    "code": l.code, "name": l.name, "index": index, "page": page(lang),
                    "current": lang == self.lang,
                }))
            })
            .collect();
        let value = match meta_urls.get(self.lang).and_then(Option::as_ref) {
            Some(index) => serde_json::json!({
                "enabled": true,
                "index": index,
                "page": page(self.lang),
                "script": self.asset_urls.get("js/search.js"),
                "core": self.asset_urls.get("js/search-core.js"),
                "indexes_json": serde_json::to_string(&indexes).unwrap_or_default(),
                "indexes": indexes,
            }),
            None => serde_json::json!({"enabled": false}),
        };
        self.search = self.shared_value(&value);
    }

    fn context(&self) -> Context {
        let mut context = Context::new();
        context.insert_value("site", self.site.clone());
        context.insert_value("lang", self.lang_value.clone());
        context.insert_value("languages", self.languages.clone());
        context.insert_value("t", self.strings_value.clone());
        if let Some(nav) = &self.nav {
            context.insert_value("nav", nav.clone());
        }
        context.insert_value("assets", self.assets.clone());
        context.insert_value("search", self.search.clone());
        context.insert_value("wizard", self.wizard.clone());
        context
    }
}

/// A list in the navigation (a home's or an open section's children) longer than this shows
/// only the block of `NAV_BLOCK` entries holding the page being read, then a link to the
/// section page, which lists them all: a page's navigation stays the same size however large
/// its section grows, and every page is still two links away without JavaScript.
const NAV_LIMIT: usize = 50;
const NAV_BLOCK: usize = 25;

/// Which navigation a page shows: its language, the section it opens (a section page opens
/// itself; `None` for home pages, top-level pages and orphans), and, for each list on its way
/// down longer than `NAV_LIMIT`, the block of that list holding it.
type NavKey = (usize, Option<usize>, Vec<usize>);

/// The navigation key of every page, by page index (computed once per render: a page's
/// place in its parent's list is looked up, not searched for).
fn nav_keys(site: &Site) -> Vec<NavKey> {
    let mut place = vec![0; site.pages.len()];
    for parent in &site.places {
        for (at, &child) in parent.children.iter().enumerate() {
            place[child] = at;
        }
    }
    (0..site.pages.len())
        .into_par_iter()
        .map(|page| {
            let open = match site.pages[page].kind {
                PageKind::Home => None,
                PageKind::Section => Some(page),
                PageKind::Page => site.places[page]
                    .parent
                    .filter(|&p| site.pages[p].kind == PageKind::Section),
            };
            let chain: Vec<usize> = site.ancestors(page).into_iter().chain([page]).collect();
            let blocks = chain
                .windows(2)
                .filter(|pair| site.places[pair[0]].children.len() > NAV_LIMIT)
                .map(|pair| place[pair[1]] / NAV_BLOCK)
                .collect();
            (site.pages[page].lang, open, blocks)
        })
        .collect()
}

/// Renders `partials/nav.html` once per navigation key (language, open section, blocks), not
/// once per page: a section of 500 pages would otherwise render its links 500 times through
/// Tera. Each page then only marks its own link (see [`mark_current`]).
fn render_navs(
    site: &Site,
    tera: &Tera,
    bounds: &Bounds,
    languages: &[Shared],
    page_navs: &[NavKey],
) -> Result<HashMap<NavKey, String>, Failure> {
    let mut keys: BTreeSet<NavKey> = page_navs.iter().cloned().collect();
    keys.extend((0..languages.len()).map(|lang| (lang, None, Vec::new())));
    keys.into_par_iter()
        .map(|key| {
            let (lang, section, blocks) = &key;
            let mut open: Vec<usize> = Vec::new();
            if let Some(section) = *section {
                open = site
                    .ancestors(section)
                    .into_iter()
                    .chain([section])
                    .collect();
            }
            let urls: Vec<String> = open
                .iter()
                .map(|&p| site.config.base_url.href(&site.pages[p].path))
                .collect();
            // Every language's strings hold the English defaults, so the key is always there.
            let all = &languages[*lang].strings["nav_all_pages"];
            let nav = site.homes[*lang].map_or_else(Vec::new, |home| {
                nav_view(site, home, &open, &mut blocks.iter().copied(), all)
            });
            let mut context = languages[*lang].context();
            context.insert("nav", &nav);
            context.insert(
                "page",
                &serde_json::json!({ "url": "", "ancestor_urls": urls }),
            );
            let html = bounds.render(tera, NAV_TEMPLATE, &context)?;
            Ok((key, html))
        })
        .collect()
}

/// The navigation as one page sees it: the children of `parent`, with the children of the
/// sections in `open`, each list longer than `NAV_LIMIT` cut to the next of `blocks` (the
/// first block where none is left) and ended by a link to its section page, titled from
/// `all` ("All {count} pages").
fn nav_view(
    site: &Site,
    parent: usize,
    open: &[usize],
    blocks: &mut impl Iterator<Item = usize>,
    all: &str,
) -> Vec<NavItem> {
    let children = &site.places[parent].children;
    let shown = if children.len() > NAV_LIMIT {
        let start = (blocks.next().unwrap_or(0) * NAV_BLOCK).min(children.len() - 1);
        &children[start..(start + NAV_BLOCK).min(children.len())]
    } else {
        &children[..]
    };
    let mut items: Vec<NavItem> = shown
        .iter()
        .map(|&child| {
            nav_item(site, child, || {
                if open.contains(&child) {
                    nav_view(site, child, open, blocks, all)
                } else {
                    Vec::new()
                }
            })
        })
        .collect();
    if shown.len() < children.len() {
        let count = children.len();
        items.push(NavItem {
            title: all.replace("{count}", &count.to_string()),
            url: site.config.base_url.href(&site.pages[parent].path),
            is_section: false,
            children: Vec::new(),
            more: Some(count),
        });
    }
    items
}

const NAV_TEMPLATE: &str = "partials/nav.html";

/// Whether a template other than the navigation partial reads `nav`, the whole section tree,
/// in a `{{ … }}` or `{% … %}` tag. The tree names every page, so when no template reads it
/// pages are not given it: a title then changes only the pages that show it, not every
/// page's fingerprint, and a large site's tree is not copied into every page's context.
fn reads_whole_nav(theme: &Theme) -> bool {
    theme
        .templates
        .iter()
        .filter(|t| t.name != NAV_TEMPLATE)
        .any(|t| tags(&t.text).any(|tag| names_identifier(tag, "nav")))
}

/// The insides of the `{{ … }}` and `{% … %}` tags of a template's text.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('{')?;
            let close = match rest[start + 1..].chars().next() {
                Some('{') => "}}",
                Some('%') => "%}",
                _ => {
                    rest = &rest[start + 1..];
                    continue;
                }
            };
            let inside = &rest[start + 2..];
            let end = inside.find(close).unwrap_or(inside.len());
            rest = &inside[(end + 2).min(inside.len())..];
            return Some(&inside[..end]);
        }
    })
}

/// Whether `code` names the variable `name` (not an attribute `x.name`, not `name_more`).
fn names_identifier(code: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + name.len()..].chars().next();
        !before.is_some_and(|c| word(c) || c == '.') && !after.is_some_and(word)
    })
}

/// Marks the link to `url` in the shared navigation HTML as the current page.
fn mark_current(nav: &str, url: &str) -> String {
    let link = format!("href=\"{url}\"");
    nav.replacen(&link, &format!("{link} aria-current=\"page\""), 1)
}

/// The whole navigation tree below `section` (the `nav` value of every page's context).
fn nav_items(site: &Site, section: usize) -> Vec<NavItem> {
    site.places[section]
        .children
        .iter()
        .map(|&child| nav_item(site, child, || nav_items(site, child)))
        .collect()
}

/// The navigation entry of `page`, with the entries `below` gives when it is a section.
fn nav_item(site: &Site, page: usize, below: impl FnOnce() -> Vec<NavItem>) -> NavItem {
    let is_section = site.pages[page].kind == PageKind::Section;
    NavItem {
        title: site.pages[page].front.title.clone(),
        url: site.config.base_url.href(&site.pages[page].path),
        is_section,
        children: if is_section { below() } else { Vec::new() },
        more: None,
    }
}

fn link_value(site: &Site, page: usize) -> LinkValue {
    LinkValue {
        title: site.pages[page].front.title.clone(),
        url: site.config.base_url.href(&site.pages[page].path),
    }
}

fn translations<'a>(site: &'a Site, page: Option<usize>, lang: usize) -> Vec<Translation<'a>> {
    let config = &site.config;
    config
        .languages
        .iter()
        .enumerate()
        .map(|(l, language)| {
            let target = page.and_then(|p| site.places[p].translations[l]);
            let path = match target {
                Some(t) => site.pages[t].path.clone(),
                None => config.language_prefix(l),
            };
            Translation {
                code: &language.code,
                name: &language.name,
                locale: language.locale(),
                url: config.base_url.href(&path),
                permalink: config.base_url.absolute(&path),
                exists: target.is_some(),
                current: l == lang,
            }
        })
        .collect()
}

/// The search and wizard pages exist in every language, at the same place under each
/// language's prefix; the 404 page's language links go to each home page.
fn special_translations<'a>(site: &'a Site, kind: &str, lang: usize) -> Vec<Translation<'a>> {
    let mut list = translations(site, None, lang);
    if kind != "404" {
        for (l, translation) in list.iter_mut().enumerate() {
            let path = format!("{}{kind}/", site.config.language_prefix(l));
            translation.url = site.config.base_url.href(&path);
            translation.permalink = site.config.base_url.absolute(&path);
            translation.exists = true;
        }
    }
    list
}

/// The `page` value a template sees, with an empty `content` (filled in when rendering, so
/// that fingerprints need not hash the body twice).
fn page_value(site: &Site, shared: &Shared, i: usize) -> serde_json::Value {
    let page = &site.pages[i];
    let place = &site.places[i];
    let config = &site.config;
    let ancestors: Vec<LinkValue> = site
        .ancestors(i)
        .into_iter()
        .map(|a| link_value(site, a))
        .collect();
    let children: Vec<serde_json::Value> = place
        .children
        .iter()
        .map(|&c| {
            let child = &site.pages[c];
            serde_json::json!({
                "title": child.front.title,
                "url": config.base_url.href(&child.path),
                "description": child.front.description,
                "is_section": child.kind == PageKind::Section,
            })
        })
        .collect();
    let kind = match page.kind {
        PageKind::Home => "home",
        PageKind::Section => "section",
        PageKind::Page => "page",
    };
    // An FAQ page carries its questions and answers as schema.org FAQPage data.
    let json_ld = (page.front.template.as_deref() == Some(FAQ_TEMPLATE)).then(|| faq_json_ld(page));
    serde_json::json!({
        "title": page.front.title,
        "description": page.front.description,
        "json_ld": json_ld,
        "content": "",
        "toc": markdown::toc(&site.headings[i]),
        "kind": kind,
        "key": page.key,
        "url": config.base_url.href(&page.path),
        "permalink": config.base_url.absolute(&page.path),
        "updated": page.front.updated.map(|d| d.to_string()),
        "tags": page.front.tags,
        "ancestors": ancestors,
        "ancestor_urls": ancestors.iter().map(|a| a.url.as_str()).collect::<Vec<_>>(),
        "previous": place.previous.map(|p| link_value(site, p)),
        "next": place.next.map(|p| link_value(site, p)),
        "translations": translations(site, Some(i), shared.lang),
        "pages": children,
    })
}

const FAQ_TEMPLATE: &str = "faq.html";

/// schema.org `FAQPage` JSON-LD for an FAQ page: each level-2 heading is a question, the text
/// under it the answer. Safe inside a `<script>` element (`<` is escaped).
fn faq_json_ld(page: &Page) -> String {
    let questions: Vec<serde_json::Value> = markdown::sections(&page.body)
        .into_iter()
        .map(|s| {
            serde_json::json!({
                "@type": "Question",
                "name": s.title,
                "acceptedAnswer": { "@type": "Answer", "text": s.text },
            })
        })
        .collect();
    let data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": questions,
    });
    data.to_string().replace('<', "\\u003c")
}

fn render_page(
    site: &Site,
    (tera, bounds): (&Tera, &Bounds),
    theme: &Theme,
    shared: &Shared,
    nav: &str,
    i: usize,
    page_value: &serde_json::Value,
) -> (Option<OutputFile>, Vec<Diagnostic>) {
    let page = &site.pages[i];
    let config = &site.config;
    let mut problems = Vec::new();
    let mut context = shared.context();
    context.insert("page", page_value);
    context.insert_value(
        "nav_html",
        Value::safe_string(&mark_current(nav, &config.base_url.href(&page.path))),
    );
    let template = template_of(page);
    if !theme.templates.iter().any(|t| t.name == template) {
        let line = page
            .front_yaml
            .lines()
            .position(|l| l.starts_with("template:"))
            .map_or(0, |n| n + 2);
        let names: Vec<&str> = theme.templates.iter().map(|t| t.name.as_str()).collect();
        problems.push(
            Diagnostic::error(
                &page.source,
                line,
                1,
                format!("template `{template}` does not exist"),
            )
            .with_hint(format!("templates: {}", names.join(", "))),
        );
        return (None, problems);
    }
    match bounds.render(tera, &template, &context) {
        Ok(html) => {
            let origin = Origin::Page(page.source.clone());
            let file = OutputFile::text(file_for(&page.path), html, origin);
            (Some(file), problems)
        }
        Err(failure) => {
            problems.push(failure.diagnostic(theme, &template, Some(&page.source)));
            (None, problems)
        }
    }
}

/// The template a page is rendered with: its `template:`, else the one for its kind.
pub fn template_of(page: &Page) -> String {
    page.front.template.clone().unwrap_or_else(|| {
        match page.kind {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        }
        .to_string()
    })
}

/// Whether a Markdown page is served at site path `path` (a special page then stays away).
fn has_page_at(site: &Site, path: &str) -> bool {
    site.pages.iter().any(|p| p.path == path)
}

/// The wizard page's site path in language `lang` (`wizard/`, `en/wizard/`), when the site has
/// a wizard and no Markdown page of its own there.
fn wizard_page(site: &Site, lang: usize) -> Option<String> {
    let path = format!("{}wizard/", site.config.language_prefix(lang));
    (site.wizard.is_some() && site.providers.is_some() && !has_page_at(site, &path)).then_some(path)
}

/// A page that has no Markdown source: the 404 page (`kind` "404"), the search page
/// (`kind` "search") and the wizard page (`kind` "wizard"), at `path` with template `template`.
fn render_special(
    site: &Site,
    (tera, bounds): (&Tera, &Bounds),
    shared: &Shared,
    nav: &str,
    (kind, path, title_key, template): (&str, &str, &str, &str),
) -> Result<String, Failure> {
    let config = &site.config;
    let title = shared.strings.get(title_key).cloned().unwrap_or_default();
    let page_value = serde_json::json!({
        "title": title,
        "description": null,
        "content": "",
        "toc": [],
        "kind": kind,
        "key": kind,
        "url": config.base_url.href(path),
        "permalink": config.base_url.absolute(path),
        "updated": null,
        "tags": [],
        "ancestors": [],
        "ancestor_urls": [],
        "previous": null,
        "next": null,
        "translations": special_translations(site, kind, shared.lang),
        "pages": [],
    });
    let mut context = shared.context();
    context.insert("page", &page_value);
    context.insert_value("nav_html", Value::safe_string(nav));
    bounds.render(tera, template, &context)
}

/// A small page at each alias that sends the reader (and search engines) to the page.
fn redirects(site: &Site) -> Vec<OutputFile> {
    let config = &site.config;
    let mut files = Vec::new();
    for page in &site.pages {
        for (index, alias) in page.front.aliases.iter().enumerate() {
            let Some(from) = alias_path(alias) else {
                continue;
            };
            let permalink = escape(&config.base_url.absolute(&page.path));
            let href = escape(&config.base_url.href(&page.path));
            let locale = escape(config.languages[page.lang].locale());
            let title = escape(&page.front.title);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{locale}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
                 <link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n\
                 <meta http-equiv=\"refresh\" content=\"0; url={permalink}\">\n</head>\n\
                 <body>\n<p><a href=\"{href}\">{title}</a></p>\n</body>\n</html>\n"
            );
            let origin = Origin::Alias {
                source: page.source.clone(),
                line: alias_line(page, index),
                alias: alias.clone(),
            };
            files.push(OutputFile::text(file_for(&from), html, origin));
        }
    }
    files
}

/// `sitemap.xml` with every page and its translations as `xhtml:link` alternates.
fn sitemap(site: &Site) -> String {
    let config = &site.config;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut order: Vec<usize> = (0..site.pages.len()).collect();
    order.sort_by(|&a, &b| site.pages[a].path.cmp(&site.pages[b].path));
    for i in order {
        let page = &site.pages[i];
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            escape(&config.base_url.absolute(&page.path))
        ));
        if let Some(updated) = page.front.updated {
            xml.push_str(&format!("    <lastmod>{updated}</lastmod>\n"));
        }
        let translated: Vec<usize> = site.places[i]
            .translations
            .iter()
            .flatten()
            .copied()
            .collect();
        if translated.len() > 1 {
            for t in translated {
                let other = &site.pages[t];
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    escape(config.languages[other.lang].locale()),
                    escape(&config.base_url.absolute(&other.path))
                ));
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_navigation_is_read_only_when_a_tag_names_it() {
        let reads = |text: &str| tags(text).any(|tag| names_identifier(tag, "nav"));
        assert!(reads("{% for item in nav %}{{ item.title }}{% endfor %}"));
        assert!(reads("<p>{{ nav | length }}</p>"));
        assert!(reads("{%- set tree = nav -%}"));
        assert!(!reads("<nav id=\"site-nav\">{{ page.nav | safe }}</nav>"));
        assert!(!reads("{{ t.nav_all_pages }} {# nav #} <nav>"));
        assert!(!reads("{{ navigation }} {{ nav_block }}"));
    }
}
