//! Reading a site folder from disk: `site.yaml`, `content/`, `templates/` and `static/`. This
//! and `output` are the only modules that touch the file system; everything after works on the
//! [`SiteSources`] value.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Diagnostic, Diagnostics, LineIndex, display_path};

/// A text file of the site, with the path shown in messages (relative to the site root).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// A Markdown file under `content/<lang>/`.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// The folder under `content/`: a language code when the site is well formed.
    pub lang_dir: String,
    /// Path below the language folder with `/` separators, e.g. `guide/register.md`.
    pub key: String,
    pub file: SourceFile,
}

/// A file under `static/`, copied to the output as it is.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path below `static/` with `/` separators, e.g. `css/site.css`.
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// Everything a build reads, read once.
#[derive(Debug, Default)]
pub struct SiteSources {
    pub root: PathBuf,
    pub config: Option<SourceFile>,
    pub content: Vec<ContentFile>,
    /// Template name (path below `templates/`) and file.
    pub templates: Vec<(String, SourceFile)>,
    pub static_files: Vec<StaticFile>,
    /// Data files: `content/data/*.yaml`, by name (`providers.yaml`).
    pub data: Vec<(String, SourceFile)>,
    /// The setup wizard's definition, `content/wizard.yaml`.
    pub wizard: Option<SourceFile>,
    /// Files in `content/<lang>/` that are neither Markdown nor hidden.
    pub ignored: Vec<PathBuf>,
}

pub const CONFIG_FILE: &str = "site.yaml";

/// Reads the site at `root`. Problems (unreadable files, bad UTF-8) are collected, not fatal.
pub fn read_site(root: &Path, diagnostics: &mut Diagnostics) -> SiteSources {
    let mut sources = SiteSources {
        root: root.to_path_buf(),
        ..SiteSources::default()
    };
    let config_path = root.join(CONFIG_FILE);
    if config_path.is_file() {
        sources.config = read_text(root, &config_path, diagnostics);
    } else {
        diagnostics.push(
            Diagnostic::error(
                display_path(root, &config_path),
                0,
                0,
                "no site.yaml here: this is not a walletdesk site",
            )
            .with_hint("pass --root DIR, or create a site with `walletdesk init DIR`"),
        );
        return sources;
    }

    for (rel, path) in walk(&root.join("content")) {
        let Some((lang_dir, key)) = rel.split_once('/') else {
            if rel == "wizard.yaml" {
                sources.wizard = read_text(root, &path, diagnostics);
            }
            continue;
        };
        if lang_dir == "data" {
            if key.ends_with(".yaml")
                && let Some(file) = read_text(root, &path, diagnostics)
            {
                sources.data.push((key.to_string(), file));
            }
            continue;
        }
        if rel.ends_with(".md") {
            if let Some(file) = read_text(root, &path, diagnostics) {
                sources.content.push(ContentFile {
                    lang_dir: lang_dir.to_string(),
                    key: key.to_string(),
                    file,
                });
            }
        } else {
            sources.ignored.push(display_path(root, &path));
        }
    }
    sort_content(&mut sources);
    for (rel, path) in walk(&root.join("templates")) {
        if let Some(file) = read_text(root, &path, diagnostics) {
            sources.templates.push((rel, file));
        }
    }
    for (rel, path) in walk(&root.join("static")) {
        match fs::read(&path) {
            Ok(bytes) => sources.static_files.push(StaticFile { rel, bytes }),
            Err(e) => diagnostics.push(Diagnostic::error(
                display_path(root, &path),
                0,
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
    sources
}

/// Pages in one order whichever way they were read, so rebuilds see the same site.
fn sort_content(sources: &mut SiteSources) {
    sources
        .content
        .sort_by(|a, b| (&a.lang_dir, &a.key).cmp(&(&b.lang_dir, &b.key)));
}

/// Files below `dir` (skipping hidden ones) as (relative path with `/`, full path), sorted.
fn walk(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() || (e.path_is_symlink() && e.path().is_file()))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some((rel, e.into_path()))
        })
        .collect()
}

fn read_text(root: &Path, path: &Path, diagnostics: &mut Diagnostics) -> Option<SourceFile> {
    let shown = display_path(root, path);
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(SourceFile { path: shown, text }),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes());
                let (line, col) = LineIndex::new(&lossy).locate(valid);
                diagnostics.push(
                    Diagnostic::error(shown, line, col, "not valid UTF-8")
                        .with_hint("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            diagnostics.push(Diagnostic::error(shown, 0, 0, format!("cannot read: {e}")));
            None
        }
    }
}

/// Re-reads the given files (changed, created or deleted) into `sources`. Returns `false` when
/// a path is not a single site file (a folder was added, moved or removed): then the whole
/// site must be read again.
pub fn reread(sources: &mut SiteSources, paths: &[PathBuf], diagnostics: &mut Diagnostics) -> bool {
    let root = sources.root.clone();
    for path in paths {
        if path.is_dir() {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&root) else {
            return false;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let exists = path.is_file();
        if rel == CONFIG_FILE {
            sources.config = if exists {
                read_text(&root, path, diagnostics)
            } else {
                None
            };
        } else if let Some(rest) = rel.strip_prefix("content/") {
            let Some((lang_dir, key)) = rest.split_once('/') else {
                return false;
            };
            if !key.ends_with(".md") {
                return false;
            }
            sources
                .content
                .retain(|f| !(f.lang_dir == lang_dir && f.key == key));
            if exists && let Some(file) = read_text(&root, path, diagnostics) {
                sources.content.push(ContentFile {
                    lang_dir: lang_dir.to_string(),
                    key: key.to_string(),
                    file,
                });
            }
        } else if let Some(name) = rel.strip_prefix("templates/") {
            sources.templates.retain(|(n, _)| n != name);
            if exists && let Some(file) = read_text(&root, path, diagnostics) {
                sources.templates.push((name.to_string(), file));
            }
        } else if let Some(name) = rel.strip_prefix("static/") {
            sources.static_files.retain(|f| f.rel != name);
            if exists {
                match fs::read(path) {
                    Ok(bytes) => sources.static_files.push(StaticFile {
                        rel: name.to_string(),
                        bytes,
                    }),
                    Err(e) => diagnostics.push(Diagnostic::error(
                        display_path(&root, path),
                        0,
                        0,
                        format!("cannot read: {e}"),
                    )),
                }
            }
        } else {
            return false;
        }
    }
    sort_content(sources);
    true
}
