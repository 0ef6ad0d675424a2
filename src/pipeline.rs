//! The build as a pipeline of stages: read (I/O) → parse → assemble → render → write (I/O).
//! `build` and `check` run the same stages; `check` stops before writing and adds the
//! completeness warnings (missing translations, orphan pages).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::{self, Config};
use crate::content::load::SiteSources;
use crate::content::{self, load};
use crate::data;
use crate::error::{Diagnostic, Diagnostics, display_path};
use crate::linkcheck;
use crate::output;
use crate::render::{self, OutputFile, RenderCache, Renderer};
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
    let mut site = site::assemble(config, pages, &mut diagnostics);
    site.providers = providers;
    site.stale_data = stale;
    if let Some(file) = &sources.wizard {
        site.wizard = wizard_definition(&site, file, &mut diagnostics);
    }
    let theme = theme::merge(&sources.templates, &sources.static_files);
    let rendered = render::render_site(&site, &theme, cache, !options.live, &mut diagnostics);
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
    let mut diagnostics = Diagnostics::default();
    let sources = load::read_site(&options.root, &mut diagnostics);
    let result = compile_sources(options, &sources, &mut RenderCache::default());
    if !diagnostics.has_errors() {
        return result;
    }
    // Files that could not be read are reported with everything else that is wrong (when
    // site.yaml itself is missing, reading already said so).
    if sources.config.is_some() {
        diagnostics.extend(result.err().into_iter().flatten());
    }
    Err(diagnostics.into_sorted())
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
    let root = output::normalize(&options.root)
        .map_err(|e| vec![Diagnostic::error(&options.root, 0, 0, e.to_string())])?;
    let requested = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    let out = output::normalize(&requested)
        .map_err(|e| vec![Diagnostic::error(&requested, 0, 0, e.to_string())])?;
    let sources: Vec<PathBuf> = ["content", "templates", "static"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    if let Err(refusal) = output::check(&out, &root, &sources, options.force) {
        let (message, hint) = refusal.message(&display_path(&root, &out));
        return Err(vec![
            Diagnostic::error(display_path(&root, &out), 0, 0, message).with_hint(hint),
        ]);
    }

    let compiled = compile(options)?;
    output::write_site(&out, &compiled.files).map_err(|e| {
        vec![
            Diagnostic::error(
                display_path(&root, &out),
                0,
                0,
                format!("cannot write the site: {e}"),
            )
            .with_hint("the previous output, if any, is unchanged"),
        ]
    })?;
    Ok(Report {
        pages: pages_per_language(&compiled.site),
        files: compiled.files.len(),
        warnings: compiled.warnings,
        output: Some(display_path(&root, &out)),
        elapsed: started.elapsed(),
        search: compiled.search,
    })
}

/// Runs every check of `build` without writing, plus missing translations, orphan pages and
/// provider figures read more than 12 months ago.
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
