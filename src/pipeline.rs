//! The build as a pipeline of stages: read (I/O) → parse → assemble → render → write (I/O).
//! `build` and `check` run the same stages; `check` stops before writing and adds the
//! completeness warnings (missing translations, orphan pages).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::calendar;
use crate::claims;
use crate::claims::OutputFile;
use crate::config::{self, Config};
use crate::content::load::SiteSources;
use crate::content::{self, load};
use crate::data;
use crate::error::{Diagnostic, Diagnostics, display_path};
use crate::linkcheck;
use crate::output;
use crate::progress::Progress;
use crate::render::{self, RenderCache, Renderer};
use crate::search;
use crate::site::{self, Site};
use crate::theme::{self, Theme};
use crate::wizard;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site folder (holding site.yaml).
    pub root: PathBuf,
    /// The output folder; `<root>/public` when not given.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Write into a non-empty folder walletdesk did not create.
    pub force: bool,
    /// A live preview: asset URLs without content hashes, so a stylesheet change does not
    /// change every page.
    pub live: bool,
    /// When set while a compilation runs, the compilation stops early with an error (the
    /// preview sets it when newer files arrive).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Where the stages and pages done are shown (a terminal's progress bar, or nothing).
    pub progress: Progress,
}

/// What a successful run did.
#[derive(Debug)]
pub struct Report {
    /// Pages built per language code, in the site's language order.
    pub pages: Vec<(String, usize)>,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub output: Option<PathBuf>,
    pub elapsed: Duration,
    /// What each language's search index came to.
    pub search: Vec<search::Stats>,
}

impl Report {
    /// `14 pages (zh 7, en 7), 31 files in 0.21 s`
    pub fn summary(&self) -> String {
        let total: usize = self.pages.iter().map(|(_, n)| n).sum();
        let per_language: Vec<String> = self
            .pages
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let mut line = format!(
            "{total} pages ({}), {} files",
            per_language.join(", "),
            self.files
        );
        if let Some(output) = &self.output {
            line.push_str(&format!(" → {}", output.display()));
        }
        line.push_str(&format!(" in {:.2} s", self.elapsed.as_secs_f64()));
        line
    }

    /// One line per search index: `search zh: 120 sections of 33 pages, 41230 bytes in 0.01 s`.
    pub fn search_timings(&self) -> Vec<String> {
        self.search
            .iter()
            .map(|s| {
                format!(
                    "search {}: {} sections of {} pages, {} bytes in {:.3} s",
                    s.lang,
                    s.sections,
                    s.pages,
                    s.bytes,
                    s.elapsed.as_secs_f64()
                )
            })
            .collect()
    }
}

/// A rendered site held in memory, with what it was made from.
pub struct Compiled {
    pub site: Site,
    pub theme: Theme,
    pub renderer: Renderer,
    pub files: Vec<OutputFile>,
    /// What each language's search index came to.
    pub search: Vec<search::Stats>,
    /// Warnings (a compiled site has no errors).
    pub warnings: Vec<Diagnostic>,
}

/// The stages after reading: parse, assemble, render. Pure: `sources` in, a site out.
/// `cache` lends bodies rendered by an earlier run (the live preview keeps one).
pub fn compile_sources(
    options: &Options,
    sources: &SiteSources,
    cache: &mut RenderCache,
) -> Result<Compiled, Vec<Diagnostic>> {
    options.progress.stage("parsing", 0);
    let mut diagnostics = Diagnostics::default();
    let Some(config_file) = &sources.config else {
        return Err(vec![
            Diagnostic::error(
                load::CONFIG_FILE,
                0,
                0,
                "no site.yaml here: this is not a walletdesk site",
            )
            .with_hint("pass --root DIR, or create a site with `walletdesk init DIR`"),
        ]);
    };
    let config: Config = config::parse(
        &config_file.path,
        &config_file.text,
        options.base_url.as_deref(),
    )?;
    diagnostics.extend(sources.unreadable.iter().cloned());
    let pages = content::parse_pages(&sources.content, &config, options.drafts, &mut diagnostics);
    for ignored in &sources.ignored {
        diagnostics.push(
            Diagnostic::warning(ignored, 0, 0, "not a Markdown page; ignored")
                .with_hint("put images and other files in static/"),
        );
    }
    let mut stale = Vec::new();
    let providers = sources
        .data
        .iter()
        .find(|(name, _)| name == "providers.yaml")
        .and_then(|(_, file)| {
            let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
            let today = chrono::Local::now().date_naive();
            match data::parse(&file.path, &file.text, &codes, today) {
                Ok((providers, warnings)) => {
                    stale = warnings;
                    Some(providers)
                }
                Err(problems) => {
                    diagnostics.extend(problems);
                    None
                }
            }
        });
    let holidays = holidays(sources, &config, &mut stale, &mut diagnostics);
    let mut site = site::assemble(config, pages, &mut diagnostics);
    site.providers = providers;
    site.holidays = holidays;
    site.stale_data = stale;
    if let Some(file) = &sources.wizard {
        site.wizard = wizard_definition(&site, file, &mut diagnostics);
    }
    let published = published_static(sources, &site.config, &mut diagnostics);
    let theme = theme::merge(&sources.templates, &published);
    let bounds = render::Bounds {
        cancel: options.cancel.clone(),
    };
    let rendered = render::render_site(
        &site,
        &theme,
        cache,
        (!options.live, bounds),
        &options.progress,
        &mut diagnostics,
    );
    options.progress.stage("checking links", 0);
    diagnostics.extend(claims::check(&rendered.files));
    // Every internal URL of the output must name a file of the output.
    if rendered.renderer.is_some() {
        diagnostics.extend(linkcheck::check_site(&site, &theme, cache, &rendered.files));
    }
    match rendered.renderer {
        Some(renderer) if !diagnostics.has_errors() => Ok(Compiled {
            site,
            theme,
            renderer,
            files: rendered.files,
            search: rendered.search,
            warnings: diagnostics.into_sorted(),
        }),
        _ => Err(diagnostics.into_sorted()),
    }
}

/// The files of `static/` to publish: all but hidden ones, which are published when they are
/// under `.well-known/` (domain verification files, e.g. Apple Pay's) or chosen in site.yaml
/// (`publish_hidden`); any other hidden file is left out with a warning.
fn published_static(
    sources: &SiteSources,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Vec<load::StaticFile> {
    let mut published = Vec::with_capacity(sources.static_files.len());
    for file in &sources.static_files {
        let wanted = !file.is_hidden()
            || file.rel.starts_with(".well-known/")
            || config.publish_hidden.is_match(&file.rel);
        if wanted {
            published.push(file.clone());
        } else {
            diagnostics.push(
                Diagnostic::warning(
                    format!("static/{}", file.rel),
                    0,
                    0,
                    "hidden file not published",
                )
                .with_hint(format!(
                    "to publish it, list it in site.yaml: publish_hidden: [{}]",
                    file.rel
                )),
            );
        }
    }
    published
}

/// `content/data/holidays.yaml`, checked, when the site has it; its warnings (a year without a
/// list) join the data warnings that `check` reports.
fn holidays(
    sources: &SiteSources,
    config: &Config,
    warnings: &mut Vec<Diagnostic>,
    diagnostics: &mut Diagnostics,
) -> Option<calendar::Calendars> {
    let (_, file) = sources
        .data
        .iter()
        .find(|(name, _)| name == "holidays.yaml")?;
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let today = chrono::Local::now().date_naive();
    match calendar::parse(&file.path, &file.text, &codes, today) {
        Ok((calendars, found)) => {
            warnings.extend(found);
            Some(calendars)
        }
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    }
}

/// `content/wizard.yaml`, checked against the site's languages, providers and pages.
fn wizard_definition(
    site: &Site,
    file: &load::SourceFile,
    diagnostics: &mut Diagnostics,
) -> Option<wizard::definition::Definition> {
    let languages: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    let providers: Vec<&str> = site
        .providers
        .iter()
        .flat_map(|p| p.providers.iter().map(|p| p.id.as_str()))
        .collect();
    match wizard::definition::parse(&file.path, &file.text, &languages, &providers) {
        Ok(definition) => {
            let links = wizard::definition::check_links(&file.path, &file.text, &definition, site);
            let ok = links.is_empty();
            diagnostics.extend(links);
            ok.then_some(definition)
        }
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    }
}

/// Reads the site and compiles it; nothing is written.
pub fn compile(options: &Options) -> Result<Compiled, Vec<Diagnostic>> {
    let sources = load::read_site(&options.root);
    compile_sources(options, &sources, &mut RenderCache::default())
}

fn pages_per_language(site: &Site) -> Vec<(String, usize)> {
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(lang, l)| {
            (
                l.code.clone(),
                site.pages.iter().filter(|p| p.lang == lang).count(),
            )
        })
        .collect()
}

/// Builds the site into the output folder. On any error nothing is written.
pub fn build(options: &Options) -> Result<Report, Vec<Diagnostic>> {
    let started = Instant::now();
    let destination = Destination::check(options, options.output.as_deref(), "public")?;
    options.progress.stage("reading", 0);
    let compiled = compile(options)?;
    options.progress.stage("writing", 0);
    destination.write(&compiled.files, "the site")?;
    Ok(Report {
        pages: pages_per_language(&compiled.site),
        files: compiled.files.len(),
        warnings: compiled.warnings,
        output: Some(destination.relative),
        elapsed: started.elapsed(),
        search: compiled.search,
    })
}

/// An output folder checked for writing (see [`output::check`]): where it is and how messages
/// name it.
pub struct Destination {
    path: PathBuf,
    /// As the user wrote it (or the default below the site), for messages.
    shown: PathBuf,
    /// Relative to the site when inside it, for the summary line.
    relative: PathBuf,
}

impl Destination {
    /// Checks the folder `requested` (`<root>/<default>` when not given) for the site of
    /// `options`: never the site or its sources, never a foreign non-empty folder unless
    /// `options.force`, never a folder holding version control or a home folder.
    pub fn check(
        options: &Options,
        requested: Option<&Path>,
        default: &str,
    ) -> Result<Destination, Vec<Diagnostic>> {
        let root = output::normalize(&options.root)
            .map_err(|e| vec![Diagnostic::error(&options.root, 0, 0, e.to_string())])?;
        let wanted = requested.map_or_else(|| root.join(default), Path::to_path_buf);
        let path = output::normalize(&wanted)
            .map_err(|e| vec![Diagnostic::error(&wanted, 0, 0, e.to_string())])?;
        let relative = display_path(&root, &path);
        // Messages name the output as the user wrote it.
        let shown = requested.map_or_else(|| relative.clone(), Path::to_path_buf);
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .and_then(|h| output::normalize(Path::new(&h)).ok());
        if let Err(refusal) = output::check(
            &path,
            &root,
            &sources(&root),
            options.force,
            home.as_deref(),
        ) {
            let (message, hint) = refusal.message(&shown);
            return Err(vec![
                Diagnostic::error(&shown, 0, 0, message).with_hint(hint),
            ]);
        }
        Ok(Destination {
            path,
            shown,
            relative,
        })
    }

    /// Writes `files` (`what`, for messages: "the site", "the plans") into the folder: locked,
    /// staged beside it and swapped in.
    pub fn write(&self, files: &[OutputFile], what: &str) -> Result<(), Vec<Diagnostic>> {
        let cannot_write = |e: std::io::Error| {
            vec![
                Diagnostic::error(&self.shown, 0, 0, format!("cannot write {what}: {e}"))
                    .with_hint("the previous output, if any, is unchanged"),
            ]
        };
        let lock = output::lock(&self.path, |holder| {
            eprintln!(
                "{} is being written by another {holder}; waiting for it to finish",
                self.shown.display()
            );
        })
        .map_err(cannot_write)?;
        output::write_site(&self.path, files, &lock).map_err(cannot_write)
    }

    /// The folder, relative to the site when inside it.
    pub fn relative(&self) -> &Path {
        &self.relative
    }
}

/// The site's source folders, which no output may overlap.
fn sources(root: &Path) -> Vec<PathBuf> {
    ["content", "templates", "static"]
        .iter()
        .map(|d| root.join(d))
        .collect()
}

/// Writes one file (`path` as the user wrote it) in one step (a temporary file beside it,
/// renamed into place), never into the site of `options` or its sources.
pub fn write_file(options: &Options, path: &Path, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
    let problem =
        |message: String, hint: &str| vec![Diagnostic::error(path, 0, 0, message).with_hint(hint)];
    let root = output::normalize(&options.root)
        .map_err(|e| vec![Diagnostic::error(&options.root, 0, 0, e.to_string())])?;
    let target = output::normalize(path).map_err(|e| problem(e.to_string(), "choose a file"))?;
    let inside = sources(&root)
        .into_iter()
        .chain([root.join(load::CONFIG_FILE)])
        .find(|s| target.starts_with(s));
    if let Some(source) = inside {
        return Err(problem(
            format!(
                "refusing to write {}: it is in the site's {}",
                path.display(),
                display_path(&root, &source).display()
            ),
            "write it outside content/, templates/ and static/, e.g. --out plan.md",
        ));
    }
    if target.is_dir() {
        return Err(problem(
            format!("refusing to write {}: it is a folder", path.display()),
            "name a file, e.g. --out plan.md",
        ));
    }
    output::write_file(&target, bytes)
        .map_err(|e| problem(format!("cannot write: {e}"), "nothing was changed"))
}

/// Runs every check of `build` without writing, plus missing translations, orphan pages,
/// provider figures read more than 12 months ago and holiday lists missing for a year.
pub fn check(options: &Options) -> Result<Report, Vec<Diagnostic>> {
    let started = Instant::now();
    let compiled = compile(options)?;
    let mut warnings = Diagnostics::default();
    warnings.extend(compiled.warnings);
    warnings.extend(compiled.site.completeness_warnings());
    warnings.extend(compiled.site.stale_data.iter().cloned());
    Ok(Report {
        pages: pages_per_language(&compiled.site),
        files: compiled.files.len(),
        warnings: warnings.into_sorted(),
        output: None,
        elapsed: started.elapsed(),
        search: compiled.search,
    })
}

impl Compiled {
    /// The summary of this compilation, as `build` prints it.
    pub fn report(&self, elapsed: Duration) -> Report {
        Report {
            pages: pages_per_language(&self.site),
            files: self.files.len(),
            warnings: self.warnings.clone(),
            output: None,
            elapsed,
            search: self.search.clone(),
        }
    }
}
