//! The build as a pipeline of stages: read (I/O) → parse → assemble → render → write (I/O).
//! `build` and `check` run the same stages; `check` stops before writing and adds the
//! completeness warnings (missing translations, orphan pages).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::calendar;
use crate::claims;
use crate::claims::{Origin, OutputFile};
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

impl Options {
    /// Whether a newer compilation is wanted ([`Options::cancel`]): this one then stops at the
    /// next stage or batch, with no diagnostics.
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
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
    /// Every file of the site, pages first.
    pub files: Vec<OutputFile>,
    /// How many of the first `files` were written as they were made (a build's pages): they
    /// keep their path and origin but no bytes.
    pub streamed: usize,
    /// Where the search indexes and the compiled wizard are (the preview re-renders pages
    /// with them).
    pub generated: render::Generated,
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
    compile_into(options, Cow::Borrowed(sources), cache, None)
}

/// The stages after reading, in order: parse, assemble, Markdown bodies, search index and
/// the other generated files, pages, then the checks of the whole output. With `pages_into`,
/// each page is written into that staging folder as soon as it is rendered and dropped (the
/// build), so the rendered site is never held whole in memory; the compiled site's page
/// files then carry no bytes. A problem writing is an error, and the staging folder is the
/// caller's to commit or drop.
fn compile_into(
    options: &Options,
    mut sources: Cow<'_, SiteSources>,
    cache: &mut RenderCache,
    pages_into: Option<(&output::Staging, &Destination)>,
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
    let cancelled = || options.cancelled();
    let pages = content::parse_pages(
        &sources.content,
        (&config, options.drafts),
        &cancelled,
        &mut diagnostics,
    );
    // Sources a build owns: the pages hold their text now, so the files' copy goes.
    if let Cow::Owned(owned) = &mut sources {
        owned.content = Vec::new();
    }
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
    if options.cancelled() {
        return Err(Vec::new());
    }
    let holidays = holidays(&sources, &config, &mut stale, &mut diagnostics);
    let mut site = site::assemble(config, pages, &mut diagnostics);
    site.providers = providers;
    site.holidays = holidays;
    site.stale_data = stale;
    if let Some(file) = &sources.wizard {
        site.wizard = wizard_definition(&site, file, &mut diagnostics);
    }
    let published = published_static(&sources, &site.config, &mut diagnostics);
    let theme = theme::merge(&sources.templates, &published);
    let fingerprint = !options.live;
    let bounds = render::Bounds {
        cancel: options.cancel.clone(),
    };
    let Some((mut renderer, bodies)) = render::bodies(
        &site,
        &theme,
        cache,
        (fingerprint, bounds),
        &options.progress,
        &mut diagnostics,
    ) else {
        return Err(diagnostics.into_sorted());
    };

    if options.cancelled() {
        return Err(Vec::new());
    }
    // Every page links to the search index and the compiled wizard by their hashed URLs:
    // both are made before the pages.
    options.progress.stage("search index", 0);
    let html: Vec<&str> = bodies.iter().map(|b| b.html.as_str()).collect();
    let cancelled = || options.cancelled();
    let stop = options
        .cancel
        .is_some()
        .then_some(&cancelled as &dyn Fn() -> bool);
    let search = search::build(
        &site,
        &html,
        &renderer.search_extras(&site),
        fingerprint,
        stop,
    );
    drop(html);
    if options.cancelled() {
        return Err(Vec::new());
    }
    let wizard = wizard_file(&site, fingerprint);
    let generated_urls = render::Generated {
        search: search.meta_urls,
        wizard: wizard.as_ref().map(|f| site.config.base_url.href(&f.path)),
    };
    renderer.link_generated(&site, &generated_urls);
    let mut generated = renderer.extras(&site, &theme, &mut diagnostics);
    generated.extend(render::theme_files(&theme));
    generated.extend(search.files);
    generated.extend(wizard);

    // Pages last: a streamed page is written and its links checked as soon as it is made,
    // against every path the output will have.
    let page_paths: Vec<String> = site
        .pages
        .iter()
        .map(|p| render::file_for(&p.path))
        .collect();
    let served = linkcheck::Served::new(
        page_paths
            .iter()
            .map(String::as_str)
            .chain(generated.iter().map(|f| f.path.as_str())),
    );
    let streamed = std::sync::Mutex::new(Vec::new());
    let failed_write = std::sync::Mutex::new(None);
    let deliver = |i: usize, file: &OutputFile| {
        if let Some((staging, _)) = pages_into {
            let dead = served.dead_in(i, file, &site.config.base_url);
            if !dead.is_empty() {
                streamed.lock().expect("no panics hold it").extend(dead);
            }
            let mut failed = failed_write.lock().expect("no panics hold it");
            if failed.is_none()
                && let Err(e) = staging.write(file)
            {
                *failed = Some(e);
            }
        }
    };
    let delivery = match pages_into {
        Some(_) => render::Delivery::Stream(&deliver),
        None => render::Delivery::Keep,
    };
    let mut files = render::pages(
        &site,
        &theme,
        &renderer,
        bodies,
        cache,
        (&options.progress, delivery, &|_| false),
        &mut diagnostics,
    );
    let streamed_pages = if pages_into.is_some() { files.len() } else { 0 };
    files.extend(generated);
    let failed_write = failed_write.into_inner().expect("no panics hold it");
    if let (Some(e), Some((_, destination))) = (failed_write, pages_into) {
        return Err(vec![destination.cannot_write("the site", &e)]);
    }
    options.progress.stage("checking links", 0);
    diagnostics.extend(claims::check(&files));
    // Every internal URL of the output must name a file of the output.
    let streamed = streamed.into_inner().expect("no panics hold it");
    diagnostics.extend(linkcheck::check_site(
        &site, &theme, cache, &files, streamed,
    ));
    if diagnostics.has_errors() {
        return Err(diagnostics.into_sorted());
    }
    Ok(Compiled {
        site,
        theme,
        renderer,
        files,
        streamed: streamed_pages,
        generated: generated_urls,
        search: search.stats,
        warnings: diagnostics.into_sorted(),
    })
}

/// The wizard compiled for the browser's engine (`wizard/<hash>.json`), when the site has one.
fn wizard_file(site: &Site, fingerprint: bool) -> Option<OutputFile> {
    let bytes = serde_json::to_vec(&wizard::compiled(site)?).ok()?;
    let name = if fingerprint {
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes))[..10].to_string()
    } else {
        "wizard".to_string()
    };
    Some(OutputFile::new(
        format!("wizard/{name}.json"),
        bytes,
        Origin::Generated("the compiled wizard".to_string()),
    ))
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

/// Builds the site into the output folder: pages are written into a staging folder beside
/// it as they are rendered, and the staging folder is swapped in when everything is written
/// and checked. On any error the staging folder is deleted and the output is untouched.
pub fn build(options: &Options) -> Result<Report, Vec<Diagnostic>> {
    let started = Instant::now();
    let destination = Destination::check(options, options.output.as_deref(), "public")?;
    let staging = destination.staging("the site")?;
    options.progress.stage("reading", 0);
    let sources = load::read_site(&options.root);
    let compiled = compile_into(
        options,
        Cow::Owned(sources),
        &mut RenderCache::default(),
        Some((&staging, &destination)),
    )?;
    options.progress.stage("writing", 0);
    let generated = &compiled.files[compiled.streamed..];
    destination.commit(staging, generated, "the site")?;
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
        let staging = self.staging(what)?;
        self.commit(staging, files, what)
    }

    /// Takes the folder's lock (waiting for another build holding it) and makes the staging
    /// folder beside it that `what` is written into.
    pub fn staging(&self, what: &str) -> Result<output::Staging, Vec<Diagnostic>> {
        let lock = output::lock(&self.path, |holder| {
            eprintln!(
                "{} is being written by another {holder}; waiting for it to finish",
                self.shown.display()
            );
        })
        .map_err(|e| vec![self.cannot_write(what, &e)])?;
        output::Staging::new(&self.path, lock).map_err(|e| vec![self.cannot_write(what, &e)])
    }

    /// Writes the last `files` into `staging` and swaps it in.
    pub fn commit(
        &self,
        staging: output::Staging,
        files: &[OutputFile],
        what: &str,
    ) -> Result<(), Vec<Diagnostic>> {
        staging
            .write_all(files)
            .and_then(|()| staging.commit())
            .map_err(|e| vec![self.cannot_write(what, &e)])
    }

    /// The error of a failed write of `what` into the folder.
    fn cannot_write(&self, what: &str, e: &std::io::Error) -> Diagnostic {
        Diagnostic::error(&self.shown, 0, 0, format!("cannot write {what}: {e}"))
            .with_hint("the previous output, if any, is unchanged")
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
