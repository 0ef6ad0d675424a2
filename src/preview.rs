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

use crate::content::{self, load, load::SiteSources};
use crate::error::{Diagnostic, Diagnostics};
use crate::linkcheck;
use crate::markdown;
use crate::pipeline::{self, Compiled, Options};
use crate::render::{self, OutputFile, RenderCache};
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
}

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
        let mut diagnostics = Diagnostics::default();
        let sources = load::read_site(&options.root, &mut diagnostics);
        let mut preview = Preview {
            options,
            sources,
            cache: RenderCache::default(),
            built: None,
            files: Arc::new(Files::new()),
            errors: Vec::new(),
        };
        if diagnostics.has_errors() {
            preview.errors = diagnostics.into_sorted();
        } else {
            preview.recompile();
        }
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

    /// Applies a batch of changes with the smallest rebuild that is still correct.
    pub fn apply(&mut self, changes: &[Change]) -> Update {
        let scope = self.scope(changes);
        let paths: Vec<PathBuf> = changes.iter().map(|c| c.path.clone()).collect();
        let mut diagnostics = Diagnostics::default();
        if scope == Scope::Reread || !load::reread(&mut self.sources, &paths, &mut diagnostics) {
            diagnostics = Diagnostics::default();
            self.sources = load::read_site(&self.options.root, &mut diagnostics);
        }
        if diagnostics.has_errors() {
            return self.fail(diagnostics.into_sorted());
        }
        let update = match scope {
            Scope::Pages => self.rerender_pages(&paths),
            Scope::Static => self.replace_static(changes),
            Scope::Recompile | Scope::Reread => None,
        };
        update.unwrap_or_else(|| self.recompile())
    }

    fn scope(&self, changes: &[Change]) -> Scope {
        if changes
            .iter()
            .any(|c| matches!(c.kind, ChangeKind::Config | ChangeKind::Data))
        {
            return Scope::Reread;
        }
        let healthy = self.built.is_some() && self.errors.is_empty();
        if healthy && changes.iter().all(|c| c.kind == ChangeKind::Static) {
            return Scope::Static;
        }
        // Pages alone, when every current error is in one of the pages being changed.
        let changed_files: Vec<PathBuf> = changes.iter().map(|c| c.path.clone()).collect();
        let errors_here = self
            .errors
            .iter()
            .all(|e| changed_files.iter().any(|p| p.ends_with(&e.path)));
        if self.built.is_some()
            && errors_here
            && changes.iter().all(|c| c.kind == ChangeKind::Content)
        {
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
        for path in paths {
            let shown = crate::error::display_path(root, path);
            let file = self.sources.content.iter().find(|f| f.file.path == shown)?;
            let lang = built.site.config.language_index(&file.lang_dir)?;
            let index = built.site.find(lang, &file.key)?;
            targets.push((index, file.clone()));
        }
        let mut diagnostics = Diagnostics::default();
        let mut parsed = Vec::new();
        for (index, file) in &targets {
            let mut pages = content::parse_pages(
                std::slice::from_ref(file),
                &built.site.config,
                true,
                &mut diagnostics,
            );
            if diagnostics.has_errors() {
                continue;
            }
            let page = pages.pop()?;
            let old = &built.site.pages[*index];
            let headings = markdown::headings(&page.body);
            if page.front != old.front
                || !headings.duplicates.is_empty()
                || headings.list != built.site.headings[*index]
            {
                return None;
            }
            parsed.push((*index, page));
        }
        if diagnostics.has_errors() {
            return Some(self.fail(diagnostics.into_sorted()));
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
            return Some(self.fail(diagnostics.into_sorted()));
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
        match pipeline::compile_sources(&self.options, &self.sources, &mut self.cache) {
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
                    changed.len() > 500 || removed,
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

#[cfg(test)]
mod tests {
    use super::*;
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
}
