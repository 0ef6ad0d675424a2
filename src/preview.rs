//! The live preview's model: the site's sources held in memory, the last good build, and the
//! smallest correct rebuild for each batch of changes. `serve` owns one `Preview`; it touches
//! the disk only to re-read the files that changed.
//!
//! - A page whose front matter and headings stay the same is re-rendered alone, with the
//!   templates and navigation of the last build (the common case: editing text).
//! - A changed stylesheet or other existing static file replaces just that file.
//! - Anything else (a new or removed page, a changed title or heading, a template, site.yaml,
//!   data) recompiles the site, reusing every rendered Markdown body whose text and link
//!   targets did not change.
//!
//! A rebuild with errors changes nothing that is served: the last good build stays.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::claims::OutputFile;
use crate::content::{self, Page, load, load::SiteSources};
use crate::error::{Diagnostic, Diagnostics};
use crate::linkcheck;
use crate::markdown;
use crate::pipeline::{self, Compiled, Options};
use crate::progress::Progress;
use crate::render::{self, RenderCache};
use crate::site;
use crate::watch::{Change, ChangeKind};

/// The files served, by path below the site root (`guide/index.html`).
pub type Files = HashMap<String, Arc<[u8]>>;

/// What a rebuild changed, for the browsers watching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// These URL paths changed (`None`: reload every page).
    Pages(Option<Vec<String>>),
    /// Only stylesheets changed: browsers reload them without reloading the page.
    Styles,
    /// The rebuild failed; the last good build is still served.
    Failed(Vec<Diagnostic>),
    /// Nothing that is served changed.
    Nothing,
    /// Newer files arrived while rebuilding: this rebuild was stopped and the next one
    /// starts from them. Nothing that is served changed.
    Superseded,
}

/// The smallest kind of rebuild a batch of changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Pages,
    Static,
    Recompile,
    Reread,
}

pub struct Preview {
    options: Options,
    sources: SiteSources,
    cache: RenderCache,
    built: Option<Compiled>,
    files: Arc<Files>,
    errors: Vec<Diagnostic>,
    /// The served files came from a fast path (one page re-rendered, one static file
    /// replaced) and may differ from a full build in what the fast path does not redo (the
    /// search index, checks over the whole site): [`Preview::settle`] recompiles.
    unsettled: bool,
    /// The last recompile was stopped for newer files: the last good build is older than
    /// the sources, so the next rebuild must be a full one.
    superseded: bool,
}

/// The most changed pages an update lists; beyond, every page reloads.
const MAX_LISTED: usize = 500;

/// The URL path that serves an output file: `guide/index.html` → `/guide/`.
pub fn url_of(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => format!("/{folder}"),
        _ => format!("/{file}"),
    }
}

fn files_map(files: &[OutputFile]) -> Files {
    files
        .iter()
        .map(|f| (f.path.clone(), Arc::clone(&f.bytes)))
        .collect()
}

impl Preview {
    /// Reads and builds the site. A failed first build is kept as errors: the preview then
    /// serves only the error page until a rebuild succeeds.
    pub fn new(options: Options) -> Preview {
        let sources = load::read_site(&options.root);
        let mut preview = Preview {
            options,
            sources,
            cache: RenderCache::default(),
            built: None,
            files: Arc::new(Files::new()),
            errors: Vec::new(),
            unsettled: false,
            superseded: false,
        };
        preview.recompile();
        preview
    }

    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    /// The errors of the last rebuild (empty when it succeeded).
    pub fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    /// The last good build, if there was one.
    pub fn built(&self) -> Option<&Compiled> {
        self.built.as_ref()
    }

    /// Applies a batch of changes with the smallest rebuild that is still correct: the changed
    /// files are read again and either re-rendered alone (then [`Preview::settle`] finishes the
    /// job) or the site is recompiled.
    pub fn apply(&mut self, changes: &[Change]) -> Update {
        let scope = self.scope(changes);
        let paths: Vec<PathBuf> = changes.iter().map(|c| c.path.clone()).collect();
        if scope == Scope::Reread || !load::reread(&mut self.sources, &paths) {
            self.sources = load::read_site(&self.options.root);
        }
        let fast = match scope {
            _ if !self.sources.unreadable.is_empty() => None,
            Scope::Pages => self.rerender_pages(&paths),
            Scope::Static => self.replace_static(changes),
            Scope::Recompile | Scope::Reread => None,
        };
        match fast {
            Some(update) => {
                self.unsettled = true;
                update
            }
            None => self.recompile(),
        }
    }

    /// Whether a fast path left work for [`Preview::settle`].
    pub fn is_settled(&self) -> bool {
        !self.unsettled && !self.superseded
    }

    /// Recompiles after a fast path, so that what is served is exactly what `build` makes from
    /// the same files (search index, whole-site checks). `None` when there is nothing to do.
    pub fn settle(&mut self) -> Option<Update> {
        if !self.unsettled && !self.superseded {
            return None;
        }
        let stale = self.superseded;
        let update = self.recompile();
        if update == Update::Superseded && !stale {
            // Stopped for newer files. What is served still matches the sources but for
            // what settling adds, so the next change may take a fast path; settling waits.
            self.superseded = false;
            self.unsettled = true;
        }
        Some(update)
    }

    fn scope(&self, changes: &[Change]) -> Scope {
        if changes.iter().any(|c| {
            matches!(
                c.kind,
                ChangeKind::Config | ChangeKind::Data | ChangeKind::Site
            )
        }) {
            return Scope::Reread;
        }
        // A fast path only from a good build of the files as they were: after a failed
        // rebuild the last good build is older than the sources, and re-rendering one page
        // of it would show an old state of the others.
        let healthy = self.built.is_some() && self.errors.is_empty() && !self.superseded;
        if healthy && changes.iter().all(|c| c.kind == ChangeKind::Static) {
            return Scope::Static;
        }
        if healthy && changes.iter().all(|c| c.kind == ChangeKind::Content) {
            return Scope::Pages;
        }
        Scope::Recompile
    }

    /// Re-renders the changed pages alone when none of them changed what other pages show
    /// (front matter, headings) or appeared or disappeared. `None`: recompile instead.
    fn rerender_pages(&mut self, paths: &[PathBuf]) -> Option<Update> {
        let built = self.built.as_mut()?;
        let root = &self.options.root;
        let mut targets = Vec::new();
        // Other files of content/ are no pages (a build warns of them; settling does).
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
        {
            let shown = crate::error::display_path(root, path);
            let file = self.sources.content.iter().find(|f| f.file.path == shown)?;
            let lang = built.site.config.language_index(&file.lang_dir)?;
            let index = built.site.find(lang, &file.key)?;
            targets.push((index, file.clone()));
        }
        let mut diagnostics = Diagnostics::default();
        let mut parsed = Vec::new();
        let mut front_changed = false;
        for (index, file) in &targets {
            let mut pages = content::parse_pages(
                std::slice::from_ref(file),
                (&built.site.config, true),
                &|| false,
                &mut diagnostics,
            );
            if diagnostics.has_errors() {
                return None;
            }
            let page = pages.pop()?;
            let old = &built.site.pages[*index];
            let headings = markdown::headings(&page.body);
            if !headings.duplicates.is_empty() || headings.list != built.site.headings[*index] {
                return None;
            }
            if page.front != old.front {
                // The page must stay in the site, with the same redirects to it.
                if (page.front.draft && !self.options.drafts)
                    || page.front.aliases != old.front.aliases
                {
                    return None;
                }
                front_changed = true;
            }
            parsed.push((*index, page));
        }
        if front_changed {
            return self.rearrange(parsed);
        }
        let mut outputs = Vec::new();
        let mut rendered = Vec::new();
        for (index, page) in parsed {
            let site = &mut built.site;
            site.pages[index].body = page.body;
            site.pages[index].body_line = page.body_line;
            site.pages[index].front_yaml = page.front_yaml;
            let body = render::render_body(site, built.renderer.strings(site, index), index);
            let (file, problems) = built.renderer.page(site, &built.theme, index, &body);
            diagnostics.extend(body.problems.iter().cloned());
            diagnostics.extend(problems);
            rendered.extend(file.map(|file| (index, body, file)));
        }
        let site = &built.site;
        let checked: Vec<_> = rendered
            .iter()
            .map(|(i, body, file)| (*i, body, file))
            .collect();
        let has_file = |path: &str| self.files.contains_key(path);
        diagnostics.extend(linkcheck::check_pages(site, &checked, &has_file));
        if diagnostics.has_errors() {
            // A full recompile reports these with everything else a build would.
            return None;
        }
        outputs.extend(rendered.into_iter().map(|(_, _, file)| file));
        let mut files = (*self.files).clone();
        let mut urls = Vec::new();
        for output in outputs {
            urls.push(url_of(&output.path));
            files.insert(output.path, output.bytes);
        }
        self.files = Arc::new(files);
        self.errors.clear();
        Some(Update::Pages(Some(urls)))
    }

    /// Front matter changed (a title, a weight, a description…) on pages that keep their
    /// place, headings and redirects: the site is arranged again from the pages in memory
    /// (only the changed ones were parsed again), its navigation rendered again, and only
    /// the pages whose output changes — the navigation that shows a title, the neighbours'
    /// pager, the section's list — are rendered again, with the last build's search index
    /// ([`Preview::settle`] makes the new one). `None`: recompile instead.
    fn rearrange(&mut self, parsed: Vec<(usize, Page)>) -> Option<Update> {
        let built = self.built.as_mut()?;
        let changed: Vec<usize> = parsed.iter().map(|(i, _)| *i).collect();
        // The pages are moved into the new site, not copied (a large site's text), and moved
        // back when it cannot be shown.
        let mut old_pages = parsed;
        let mut pages = std::mem::take(&mut built.site.pages);
        for (i, page) in &mut old_pages {
            std::mem::swap(&mut pages[*i], page);
        }
        let headings = std::mem::take(&mut built.site.headings);
        let mut diagnostics = Diagnostics::default();
        let mut site = site::arrange(built.site.config.clone(), pages, headings, &mut diagnostics);
        site.providers.clone_from(&built.site.providers);
        site.holidays.clone_from(&built.site.holidays);
        site.wizard.clone_from(&built.site.wizard);
        site.stale_data.clone_from(&built.site.stale_data);
        let rendered = (!diagnostics.has_errors())
            .then(|| {
                let served = (&self.options, &*self.files);
                let old_places = &built.site.places;
                // A page whose place is the same and whose neighbourhood holds no changed page
                // has the same values as before (see `render::neighbourhood`).
                let unchanged = |i: usize| {
                    site.places[i] == old_places[i]
                        && !render::neighbourhood(&site, i).any(|n| changed.contains(&n))
                };
                let pages = (&changed[..], &unchanged as &(dyn Fn(usize) -> bool + Sync));
                rerender_changed(&site, built, &mut self.cache, served, pages)
            })
            .flatten();
        let Some((renderer, files, urls)) = rendered else {
            for (i, page) in old_pages {
                site.pages[i] = page;
            }
            built.site.pages = site.pages;
            built.site.headings = site.headings;
            return None;
        };
        built.site = site;
        built.renderer = renderer;
        self.files = Arc::new(files);
        self.errors.clear();
        Some(Update::Pages((urls.len() <= MAX_LISTED).then_some(urls)))
    }

    /// Replaces changed static files that existed before (asset URLs carry no hash in the
    /// preview, so no page changes). `None`: a file appeared or disappeared.
    fn replace_static(&mut self, changes: &[Change]) -> Option<Update> {
        let mut files = (*self.files).clone();
        let mut styles_only = true;
        for change in changes {
            let rel = change
                .path
                .strip_prefix(self.options.root.join("static"))
                .ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let source = self.sources.static_files.iter().find(|f| f.rel == rel)?;
            if !files.contains_key(&rel) {
                return None;
            }
            styles_only &= rel.ends_with(".css");
            files.insert(rel, Arc::from(source.bytes.as_slice()));
        }
        self.files = Arc::new(files);
        Some(if styles_only {
            Update::Styles
        } else {
            Update::Pages(None)
        })
    }

    /// Compiles the whole site from the sources in memory, reusing cached Markdown bodies.
    fn recompile(&mut self) -> Update {
        self.unsettled = false;
        let result = pipeline::compile_sources(&self.options, &self.sources, &mut self.cache);
        let cancelled = self.options.cancelled();
        self.superseded = cancelled;
        if cancelled {
            return Update::Superseded;
        }
        match result {
            Ok(compiled) => {
                let files = files_map(&compiled.files);
                // Search index files are no page a browser shows: they need no reload.
                let shown =
                    |path: &&String| !(path.starts_with("search/") && path.ends_with(".bin"));
                let changed: Vec<String> = files
                    .iter()
                    .filter(|(path, bytes)| shown(path) && self.files.get(*path) != Some(bytes))
                    .map(|(path, _)| url_of(path))
                    .collect();
                let removed = self
                    .files
                    .keys()
                    .filter(shown)
                    .any(|p| !files.contains_key(p));
                self.files = Arc::new(files);
                self.built = Some(compiled);
                self.errors.clear();
                match (
                    changed.is_empty() && !removed,
                    changed.len() > MAX_LISTED || removed,
                ) {
                    (true, _) => Update::Nothing,
                    (false, true) => Update::Pages(None),
                    (false, false) => Update::Pages(Some(changed)),
                }
            }
            Err(errors) => self.fail(errors),
        }
    }

    fn fail(&mut self, errors: Vec<Diagnostic>) -> Update {
        self.errors = errors.clone();
        Update::Failed(errors)
    }
}

/// `site` (arranged again after front matter changed on the `changed` pages) rendered with
/// the templates, theme and generated files of the last build: the files `served` with the
/// pages whose output changed replaced, and their URLs. A page whose fingerprint is unchanged
/// is taken from `cache`. `None` when a page fails or a changed page's Markdown links to no
/// file of the site: a recompile reports it.
fn rerender_changed(
    site: &site::Site,
    built: &Compiled,
    cache: &mut RenderCache,
    (options, served): (&Options, &Files),
    (changed, unchanged): (&[usize], &(dyn Fn(usize) -> bool + Sync)),
) -> Option<(render::Renderer, Files, Vec<String>)> {
    let mut diagnostics = Diagnostics::default();
    let progress = Progress::default();
    let bounds = render::Bounds {
        cancel: options.cancel.clone(),
    };
    let (mut renderer, bodies) = render::bodies(
        site,
        &built.theme,
        cache,
        (!options.live, bounds),
        &progress,
        &mut diagnostics,
    )?;
    renderer.link_generated(site, &built.generated);
    let pages = render::pages(
        site,
        &built.theme,
        &renderer,
        bodies,
        cache,
        (&progress, render::Delivery::Keep, unchanged),
        &mut diagnostics,
    );
    if pages.len() != site.pages.len() {
        return None;
    }
    let extras = renderer.extras(site, &built.theme, &mut diagnostics);
    // The URLs the changed pages' Markdown writes (the rest of a page links only to pages
    // that exist, as before).
    let checked: Vec<_> = changed
        .iter()
        .filter_map(|&i| Some((i, cache.body(&site.pages[i])?, &pages[i])))
        .collect();
    let has_file = |path: &str| served.contains_key(path);
    diagnostics.extend(linkcheck::check_pages(site, &checked, &has_file));
    if diagnostics.has_errors() {
        return None;
    }
    let mut files = served.clone();
    let mut urls = Vec::new();
    for file in pages.into_iter().chain(extras) {
        let same = files
            .get(&file.path)
            .is_some_and(|old| Arc::ptr_eq(old, &file.bytes) || old[..] == file.bytes[..]);
        if !same {
            urls.push(url_of(&file.path));
            files.insert(file.path, file.bytes);
        }
    }
    Some((renderer, files, urls))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::Path;

    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for entry in walkdir::WalkDir::new(&from).into_iter().map(Result::unwrap) {
            let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                fs::create_dir_all(&to).unwrap();
            } else {
                fs::copy(entry.path(), &to).unwrap();
            }
        }
        dir
    }

    fn preview(root: &Path) -> Preview {
        let options = Options {
            root: root.to_path_buf(),
            base_url: Some("http://127.0.0.1:1111/".to_string()),
            live: true,
            ..Options::default()
        };
        let preview = Preview::new(options);
        assert!(preview.errors().is_empty(), "{:?}", preview.errors());
        preview
    }

    fn change(kind: ChangeKind, path: PathBuf) -> Vec<Change> {
        vec![Change { kind, path }]
    }

    #[test]
    fn a_folder_moved_out_of_the_site_takes_its_files_with_it() {
        let dir = fixture();
        fs::create_dir_all(dir.path().join("static/img")).unwrap();
        fs::write(dir.path().join("static/img/logo.svg"), "<svg/>").unwrap();
        fs::create_dir_all(dir.path().join("templates/parts")).unwrap();
        fs::write(dir.path().join("templates/parts/note.html"), "note").unwrap();
        let mut preview = preview(dir.path());
        assert!(preview.files().contains_key("img/logo.svg"));
        // A move out of the site tells of the folder alone, not of the files it holds.
        let away = tempfile::tempdir().unwrap();
        let img = dir.path().join("static/img");
        fs::rename(&img, away.path().join("img")).unwrap();
        preview.apply(&change(ChangeKind::Static, img));
        assert!(!preview.files().contains_key("img/logo.svg"));
        let parts = dir.path().join("templates/parts");
        fs::rename(&parts, away.path().join("parts")).unwrap();
        preview.apply(&change(ChangeKind::Template, parts));
        assert!(
            preview
                .sources
                .templates
                .iter()
                .all(|(name, _)| !name.starts_with("parts/")),
            "{:?}",
            preview.sources.templates
        );
    }

    #[test]
    fn a_template_change_reuses_every_rendered_body() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let before: Vec<Arc<render::Body>> = preview.cache.bodies().collect();
        let template = dir.path().join("templates/page.html");
        fs::create_dir_all(template.parent().unwrap()).unwrap();
        fs::write(&template, "{% extends \"base.html\" %}{% block main %}<p class=\"changed\">{{ page.content | safe }}</p>{% endblock main %}").unwrap();
        let update = preview.apply(&change(ChangeKind::Template, template));
        assert!(matches!(update, Update::Pages(Some(_))), "{update:?}");
        let after: Vec<Arc<render::Body>> = preview.cache.bodies().collect();
        assert_eq!(before.len(), after.len());
        assert!(
            before.iter().zip(&after).all(|(a, b)| Arc::ptr_eq(a, b)),
            "no Markdown was rendered again"
        );
        let page = String::from_utf8_lossy(&preview.files()["guide/keys/index.html"]).into_owned();
        assert!(page.contains("<p class=\"changed\">"));
    }

    #[test]
    fn a_text_edit_re_renders_only_that_page() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let files_before = preview.files();
        let path = dir.path().join("content/en/guide/keys.md");
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace("Rotate keys regularly.", "Rotate keys often.");
        fs::write(&path, text).unwrap();
        let update = preview.apply(&change(ChangeKind::Content, path));
        assert_eq!(
            update,
            Update::Pages(Some(vec!["/en/guide/keys/".to_string()]))
        );
        let files = preview.files();
        let changed: Vec<&String> = files
            .keys()
            .filter(|k| files[*k] != files_before[*k])
            .collect();
        assert_eq!(changed, ["en/guide/keys/index.html"]);
    }

    #[test]
    fn a_dead_url_added_by_a_text_edit_is_reported_and_a_live_one_is_not() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let files_before = preview.files();
        let path = dir.path().join("content/en/guide/keys.md");
        let text = fs::read_to_string(&path).unwrap();
        let edited = text.replace(
            "Rotate keys regularly.",
            "Rotate keys, see [the old page](old.html).",
        );
        fs::write(&path, &edited).unwrap();
        let update = preview.apply(&change(ChangeKind::Content, path.clone()));
        let Update::Failed(errors) = update else {
            panic!("{update:?}")
        };
        assert_eq!(
            errors[0].to_string(),
            "content/en/guide/keys.md:9:18: dead URL `old.html`: nothing in the site at /en/guide/keys/old.html\n  hint: a file at this URL comes from static/en/guide/keys/old.html"
        );
        assert!(Arc::ptr_eq(&preview.files(), &files_before));
        let live = text.replace("Rotate keys regularly.", "See [the guide](../).");
        fs::write(&path, live).unwrap();
        assert_eq!(
            preview.apply(&change(ChangeKind::Content, path)),
            Update::Pages(Some(vec!["/en/guide/keys/".to_string()]))
        );
    }

    #[test]
    fn a_title_change_re_renders_only_the_pages_that_show_it() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let before = preview.files();
        let path = dir.path().join("content/en/guide/keys.md");
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace("title: Keys", "title: Key management");
        fs::write(&path, text).unwrap();
        let update = preview.apply(&change(ChangeKind::Content, path));
        let Update::Pages(Some(mut changed)) = update else {
            panic!("{update:?}")
        };
        changed.sort();
        // Answered by re-rendering pages with the last search index; settled later.
        assert!(!preview.is_settled());
        // The English pages whose open navigation, section listing or pager (the fees page
        // comes next in reading order) show the title.
        let expected = [
            "/en/fees/",
            "/en/guide/",
            "/en/guide/keys/",
            "/en/guide/register/",
        ];
        assert_eq!(changed, expected.map(String::from));
        let after = preview.files();
        for file in [
            "index.html",
            "guide/index.html",
            "guide/keys/index.html",
            "guide/register/index.html",
        ] {
            assert!(
                Arc::ptr_eq(&before[file], &after[file]),
                "{file} was rendered again"
            );
        }
        // Exactly the pages a fresh build changes, with the bytes it makes; then settled,
        // the search index too.
        let fresh = fresh_build(&preview).unwrap();
        let differ = |served: &Files| -> Vec<String> {
            let mut paths: Vec<String> = fresh
                .iter()
                .filter(|(path, bytes)| served.get(*path).is_none_or(|b| b[..] != bytes[..]))
                .map(|(path, _)| path.clone())
                .collect();
            paths.sort();
            paths
        };
        let html = |paths: Vec<String>| -> Vec<String> {
            paths
                .into_iter()
                .filter(|p| p.ends_with(".html"))
                .map(|p| url_of(&p))
                .collect()
        };
        assert_eq!(html(differ(&before)), changed);
        assert!(
            differ(&after).iter().all(|p| p.starts_with("search/")),
            "{:?}",
            differ(&after)
        );
        assert_preview_is_the_build(&mut preview);
    }

    #[test]
    fn front_matter_that_breaks_a_page_is_an_error_and_the_last_build_stays() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let before = preview.files();
        let path = dir.path().join("content/en/guide/keys.md");
        let original = fs::read_to_string(&path).unwrap();
        let broken = original.replace("title: Keys", "title: Keys\ntemplate: missing.html");
        fs::write(&path, broken).unwrap();
        let update = preview.apply(&change(ChangeKind::Content, path.clone()));
        assert!(matches!(update, Update::Failed(_)), "{update:?}");
        assert!(Arc::ptr_eq(&preview.files(), &before));
        // The site in memory is whole again: the next title change is shown as a build makes it.
        fs::write(
            &path,
            original.replace("title: Keys", "title: Key rotation"),
        )
        .unwrap();
        let update = preview.apply(&change(ChangeKind::Content, path));
        assert!(matches!(update, Update::Pages(_)), "{update:?}");
        assert_preview_is_the_build(&mut preview);
    }

    #[test]
    fn a_title_saved_through_a_temporary_file_takes_the_fast_path() {
        // Editors write a temporary file beside the page and rename it over the page: one
        // batch names both, and the temporary file is gone when it is read.
        let dir = fixture();
        let mut preview = preview(dir.path());
        let path = dir.path().join("content/en/guide/keys.md");
        let temporary = dir.path().join("content/en/guide/keys.md.tmp-4242");
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace("title: Keys", "title: Key management");
        fs::write(&temporary, text).unwrap();
        fs::rename(&temporary, &path).unwrap();
        let batch = [temporary, path]
            .map(|path| Change {
                kind: ChangeKind::Content,
                path,
            })
            .to_vec();
        let update = preview.apply(&batch);
        assert!(matches!(update, Update::Pages(Some(_))), "{update:?}");
        assert!(!preview.is_settled(), "recompiled instead");
        assert_preview_is_the_build(&mut preview);
    }

    #[test]
    fn a_weight_change_reorders_the_navigation_and_pagers_without_a_recompile() {
        // Keys moves from after Register to the top of its section.
        front_matter_change_is_the_build("content/en/guide/keys.md", "weight: 30", "weight: 0");
    }

    #[test]
    fn a_description_change_reaches_the_section_page_that_lists_it() {
        front_matter_change_is_the_build(
            "content/en/guide/keys.md",
            "description: Managing keys.",
            "description: Rotating and revoking keys.",
        );
        // A section's title reaches the breadcrumbs of every page below it.
        front_matter_change_is_the_build("content/zh/guide/_index.md", "title: ", "title: 新");
    }

    /// Replaces `from` by `to` in the page at `rel` and checks that the preview answers on its
    /// front-matter path with exactly the pages a fresh build changes, byte for byte.
    #[track_caller]
    fn front_matter_change_is_the_build(rel: &str, from: &str, to: &str) {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let before = preview.files();
        let path = dir.path().join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no `{from}`");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let update = preview.apply(&change(ChangeKind::Content, path));
        let Update::Pages(Some(changed)) = update else {
            panic!("{update:?}")
        };
        assert!(!preview.is_settled());
        assert!(!changed.is_empty());
        let fresh = fresh_build(&preview).unwrap();
        let mut expected: Vec<String> = fresh
            .iter()
            .filter(|(path, bytes)| {
                path.ends_with(".html") && before.get(*path).is_none_or(|b| b[..] != bytes[..])
            })
            .map(|(path, _)| url_of(path))
            .collect();
        expected.sort();
        let mut changed = changed;
        changed.sort();
        assert_eq!(changed, expected);
        let after = preview.files();
        for (path, bytes) in &fresh {
            if !path.starts_with("search/") {
                assert_eq!(after.get(path).map(|b| &b[..]), Some(&bytes[..]), "{path}");
            }
        }
        assert_preview_is_the_build(&mut preview);
    }

    #[test]
    fn a_failed_rebuild_keeps_serving_the_last_good_build() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let files_before = preview.files();
        let path = dir.path().join("content/zh/guide/keys.md");
        fs::write(&path, "---\ntitle: [\n---\n").unwrap();
        let update = preview.apply(&change(ChangeKind::Content, path.clone()));
        let Update::Failed(errors) = update else {
            panic!("{update:?}")
        };
        assert_eq!(
            errors[0].to_string(),
            "content/zh/guide/keys.md:2:8: title: invalid type: sequence, expected a string"
        );
        assert!(Arc::ptr_eq(&preview.files(), &files_before));
        fs::write(&path, "---\ntitle: 密钥\n---\n\n## 轮换 {#rotation}\n").unwrap();
        assert!(matches!(
            preview.apply(&change(ChangeKind::Content, path)),
            Update::Pages(_)
        ));
        assert!(preview.errors().is_empty());
    }

    /// What `build` makes of the files on disk now: its files, or its problems.
    fn fresh_build(preview: &Preview) -> Result<BTreeMap<String, Vec<u8>>, Vec<Diagnostic>> {
        pipeline::compile(&preview.options).map(|compiled| {
            compiled
                .files
                .iter()
                .map(|f| (f.path.clone(), f.bytes.to_vec()))
                .collect()
        })
    }

    /// Settles the preview and checks that it shows what a fresh build makes.
    #[track_caller]
    fn assert_preview_is_the_build(preview: &mut Preview) {
        preview.settle();
        match fresh_build(preview) {
            Ok(files) => {
                assert_eq!(preview.errors(), &[] as &[Diagnostic]);
                let served: BTreeMap<String, Vec<u8>> = preview
                    .files()
                    .iter()
                    .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
                    .collect();
                let differ: Vec<&String> = files
                    .keys()
                    .chain(served.keys())
                    .filter(|p| files.get(*p) != served.get(*p))
                    .collect();
                assert!(
                    differ.is_empty(),
                    "served files differ from the build: {differ:?}"
                );
            }
            Err(errors) => assert_eq!(preview.errors(), errors.as_slice()),
        }
    }

    #[test]
    fn an_edit_made_while_another_page_is_broken_is_shown_once_that_page_is_fixed() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let a = dir.path().join("content/en/guide/keys.md");
        let b = dir.path().join("content/en/guide/register.md");
        let a_good = fs::read_to_string(&a).unwrap();
        fs::write(&a, format!("{a_good}\n[x](@/nowhere.md)\n")).unwrap();
        assert!(matches!(
            preview.apply(&change(ChangeKind::Content, a.clone())),
            Update::Failed(_)
        ));
        let b_text = fs::read_to_string(&b)
            .unwrap()
            .replace("business licence", "business licence (edited)");
        fs::write(&b, b_text).unwrap();
        assert!(matches!(
            preview.apply(&change(ChangeKind::Content, b)),
            Update::Failed(_)
        ));
        fs::write(&a, a_good).unwrap();
        let update = preview.apply(&change(ChangeKind::Content, a));
        assert!(matches!(update, Update::Pages(_)), "{update:?}");
        let page =
            String::from_utf8_lossy(&preview.files()["en/guide/register/index.html"]).into_owned();
        assert!(
            page.contains("business licence (edited)"),
            "the edit of B is shown"
        );
        assert_preview_is_the_build(&mut preview);
    }

    #[test]
    fn a_file_that_is_not_utf8_stays_an_error_while_other_pages_change() {
        let dir = fixture();
        let mut preview = preview(dir.path());
        let broken = dir.path().join("content/en/guide/keys.md");
        fs::write(&broken, b"---\ntitle: Keys\n---\n\xff\xfe\n").unwrap();
        let Update::Failed(errors) = preview.apply(&change(ChangeKind::Content, broken)) else {
            panic!("not UTF-8 is an error")
        };
        assert_eq!(
            errors[0].to_string(),
            "content/en/guide/keys.md:4:1: not valid UTF-8\n  hint: save the file as UTF-8"
        );
        let other = dir.path().join("content/en/faq.md");
        let text = fs::read_to_string(&other).unwrap();
        fs::write(&other, format!("{text}\nMore.\n")).unwrap();
        let update = preview.apply(&change(ChangeKind::Content, other));
        assert!(
            matches!(&update, Update::Failed(e) if e == &errors),
            "{update:?}"
        );
        assert_preview_is_the_build(&mut preview);
    }

    /// One save an editor makes, as `serve`'s watcher reports it.
    #[derive(Debug, Clone)]
    enum Edit {
        /// Appends a paragraph to page `n`.
        Text(usize),
        /// Gives page `n` a new title (navigation, pager and listings of other pages show it).
        Title(usize),
        /// Adds a link to a missing page.
        BrokenLink(usize),
        /// Breaks the front matter.
        BrokenFrontMatter(usize),
        /// Saves page `n` in another encoding.
        NotUtf8(usize),
        /// Puts page `n` back as it was in the fixture.
        Restore(usize),
        Delete(usize),
        /// Moves page `n` to a new name in its folder.
        Rename(usize),
        /// Adds a new page to a language.
        NewPage(usize),
        /// Changes, adds or deletes a static file.
        Static(u8),
        /// A template: changed, broken or removed.
        Template(u8),
    }

    const PAGES: [&str; 6] = [
        "content/zh/guide/keys.md",
        "content/zh/guide/register.md",
        "content/en/guide/keys.md",
        "content/en/guide/register.md",
        "content/en/faq.md",
        "content/zh/_index.md",
    ];

    fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
        use proptest::prelude::*;
        let page = 0..PAGES.len();
        prop_oneof![
            5 => page.clone().prop_map(Edit::Text),
            2 => page.clone().prop_map(Edit::Title),
            1 => page.clone().prop_map(Edit::BrokenLink),
            1 => page.clone().prop_map(Edit::BrokenFrontMatter),
            1 => page.clone().prop_map(Edit::NotUtf8),
            5 => page.clone().prop_map(Edit::Restore),
            1 => page.clone().prop_map(Edit::Delete),
            1 => page.prop_map(Edit::Rename),
            1 => (0..2usize).prop_map(Edit::NewPage),
            2 => (0..3u8).prop_map(Edit::Static),
            1 => (0..3u8).prop_map(Edit::Template),
        ]
    }

    /// Makes `edit` on disk (`step` tells saves apart) and returns the changes a watcher sees.
    fn make(root: &Path, originals: &[String], edit: &Edit, step: usize) -> Vec<Change> {
        let page = |n: usize| root.join(PAGES[n]);
        let current =
            |n: usize| fs::read_to_string(page(n)).unwrap_or_else(|_| originals[n].clone());
        let content = |path: PathBuf| Change {
            kind: ChangeKind::Content,
            path,
        };
        match *edit {
            Edit::Text(n) => {
                fs::write(page(n), format!("{}\nEdit {step}.\n", current(n))).unwrap();
                vec![content(page(n))]
            }
            Edit::Title(n) => {
                let text = originals[n].replacen("title: ", &format!("title: T{step} "), 1);
                fs::write(page(n), text).unwrap();
                vec![content(page(n))]
            }
            Edit::BrokenLink(n) => {
                fs::write(
                    page(n),
                    format!("{}\n[gone](@/gone-{step}.md)\n", current(n)),
                )
                .unwrap();
                vec![content(page(n))]
            }
            Edit::BrokenFrontMatter(n) => {
                fs::write(page(n), originals[n].replacen("title: ", "title: [", 1)).unwrap();
                vec![content(page(n))]
            }
            Edit::NotUtf8(n) => {
                fs::write(page(n), b"---\ntitle: x\n---\n\xff\n").unwrap();
                vec![content(page(n))]
            }
            Edit::Restore(n) => {
                fs::write(page(n), &originals[n]).unwrap();
                vec![content(page(n))]
            }
            Edit::Delete(n) => {
                let _ = fs::remove_file(page(n));
                vec![content(page(n))]
            }
            Edit::Rename(n) => {
                let to = page(n).with_file_name(format!("moved-{step}.md"));
                if fs::rename(page(n), &to).is_err() {
                    fs::write(&to, &originals[n]).unwrap();
                }
                vec![content(page(n)), content(to)]
            }
            Edit::NewPage(lang) => {
                let path = root.join(format!("content/{}/new-{step}.md", ["zh", "en"][lang]));
                fs::write(
                    &path,
                    format!("---\ntitle: New {step}\n---\n\n## Part {step}\n"),
                )
                .unwrap();
                vec![content(path)]
            }
            Edit::Static(what) => {
                let path = match what {
                    0 => root.join("static/extra.css"),
                    _ => root.join(format!("static/new-{}.css", step % 2)),
                };
                if what == 2 {
                    let _ = fs::remove_file(&path);
                } else {
                    fs::write(&path, format!("p {{ margin: {step}px; }}\n")).unwrap();
                }
                vec![Change {
                    kind: ChangeKind::Static,
                    path,
                }]
            }
            Edit::Template(what) => {
                let path = root.join("templates/page.html");
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                match what {
                    0 => fs::write(&path, format!("{{% extends \"base.html\" %}}{{% block main %}}<p>v{step}</p>{{{{ page.content | safe }}}}{{% endblock main %}}")).unwrap(),
                    1 => fs::write(&path, "{% extends \"base.html\" %}{% block main %}{{ page.content | nosuchfilter }}{% endblock main %}").unwrap(),
                    _ => {
                        let _ = fs::remove_file(&path);
                    }
                }
                vec![Change {
                    kind: ChangeKind::Template,
                    path,
                }]
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 40,
            rng_seed: proptest::test_runner::RngSeed::Fixed(12),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// Whatever sequence of saves happened, once settled the preview serves exactly what
        /// `build` makes from the files on disk (or shows exactly its errors).
        #[test]
        fn the_preview_converges_to_the_build(
            batches in proptest::collection::vec(proptest::collection::vec(edit(), 1..3), 1..6),
            settle_between in proptest::bool::ANY,
        ) {
            let dir = fixture();
            let originals: Vec<String> = PAGES.iter().map(|p| fs::read_to_string(dir.path().join(p)).unwrap()).collect();
            let mut preview = preview(dir.path());
            let mut step = 0;
            for batch in &batches {
                let mut changes = Vec::new();
                for edit in batch {
                    step += 1;
                    changes.extend(make(dir.path(), &originals, edit, step));
                }
                preview.apply(&changes);
                if settle_between {
                    preview.settle();
                }
            }
            assert_preview_is_the_build(&mut preview);
        }
    }
}
