//! Reading a site folder from disk: `site.yaml`, `content/`, `templates/` and `static/`. This
//! and `output` are the only modules that touch the file system; everything after works on the
//! [`SiteSources`] value. Nothing is read from outside the site folder: a symbolic link is
//! followed only when it points inside it.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Diagnostic, LineIndex, display_path};

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

impl StaticFile {
    /// Whether the file or a folder above it is hidden (its name starts with `.`): such files
    /// are published only when the site asks for them (`.well-known/` always is).
    pub fn is_hidden(&self) -> bool {
        self.rel.split('/').any(|segment| segment.starts_with('.'))
    }
}

/// Everything a build reads, read once.
#[derive(Debug, Default, Clone)]
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
    /// What could not be read, by path shown: a file that is not UTF-8, a folder without
    /// permission, a symbolic link out of the site. Each stays until that path is read again,
    /// so every build from these sources reports it.
    pub unreadable: Vec<Diagnostic>,
}

impl SiteSources {
    /// Whether a file read from the site lies inside the folder `rel` (slash-separated,
    /// relative to the site). Called on every deletion: it compares without allocating.
    fn holds_files_under(&self, rel: &str) -> bool {
        let inside = |name: &str, prefix: &str| {
            rel.strip_prefix(prefix).is_some_and(|folder| {
                name.strip_prefix(folder)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        self.content.iter().any(|f| {
            rel.strip_prefix("content/")
                .is_some_and(|folder| match folder.split_once('/') {
                    Some((lang, within)) => {
                        f.lang_dir == lang
                            && f.key
                                .strip_prefix(within)
                                .is_some_and(|r| r.starts_with('/'))
                    }
                    None => f.lang_dir == folder,
                })
        }) || self.templates.iter().any(|(n, _)| inside(n, "templates/"))
            || self.static_files.iter().any(|f| inside(&f.rel, "static/"))
            || self.data.iter().any(|(n, _)| inside(n, "content/data/"))
    }
}

pub const CONFIG_FILE: &str = "site.yaml";

/// Reads the site at `root`. What cannot be read is kept in [`SiteSources::unreadable`].
pub fn read_site(root: &Path) -> SiteSources {
    let mut sources = SiteSources {
        root: root.to_path_buf(),
        ..SiteSources::default()
    };
    let real_root = real_root(root);
    let config_path = root.join(CONFIG_FILE);
    if !config_path.is_file() {
        return sources;
    }
    let mut problems = Vec::new();
    sources.config = read_text(root, &real_root, &config_path, &mut problems);

    for (rel, path) in walk(root, &real_root, "content", Hidden::Skip, &mut problems) {
        let Some((lang_dir, key)) = rel.split_once('/') else {
            if rel == "wizard.yaml" {
                sources.wizard = read_text(root, &real_root, &path, &mut problems);
            }
            continue;
        };
        if lang_dir == "data" {
            if key.ends_with(".yaml")
                && let Some(file) = read_text(root, &real_root, &path, &mut problems)
            {
                sources.data.push((key.to_string(), file));
            }
            continue;
        }
        if rel.ends_with(".md") {
            if let Some(file) = read_text(root, &real_root, &path, &mut problems) {
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
    for (rel, path) in walk(root, &real_root, "templates", Hidden::Skip, &mut problems) {
        if let Some(file) = read_text(root, &real_root, &path, &mut problems) {
            sources.templates.push((rel, file));
        }
    }
    for (rel, path) in walk(root, &real_root, "static", Hidden::Keep, &mut problems) {
        if let Some(bytes) = read_bytes(root, &real_root, &path, &mut problems) {
            sources.static_files.push(StaticFile { rel, bytes });
        }
    }
    sources.unreadable = problems;
    sources
}

/// The site folder with every symbolic link resolved: what "inside the site" means.
fn real_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Pages in one order whichever way they were read, so rebuilds see the same site.
fn sort_content(sources: &mut SiteSources) {
    sources
        .content
        .sort_by(|a, b| (&a.lang_dir, &a.key).cmp(&(&b.lang_dir, &b.key)));
}

/// What a walk does with hidden names (starting with `.`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hidden {
    /// Leave them out: editors' scratch files in content/ and templates/.
    Skip,
    /// Keep them (static/ may publish `.well-known/` and chosen dot files), except what is
    /// never site content: version-control folders, editor swap files, Finder's `.DS_Store`.
    Keep,
}

fn is_junk(name: &str) -> bool {
    matches!(name, ".git" | ".hg" | ".svn" | ".bzr" | ".jj" | ".DS_Store")
        || (name.starts_with('.') && (name.ends_with(".swp") || name.ends_with(".swx")))
}

/// Files below `root/folder` as (relative path with `/`, full path), sorted. A symbolic link
/// is followed when what it points to is inside the site; a link out of the site, a link loop,
/// a dangling link and a folder that cannot be read are problems, never skipped in silence.
fn walk(
    root: &Path,
    real_root: &Path,
    folder: &str,
    hidden: Hidden,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let dir = root.join(folder);
    if fs::symlink_metadata(&dir).is_err() {
        return Vec::new();
    }
    let mut outside = Vec::new();
    let mut files = Vec::new();
    let entries = WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            let wanted = e.depth() == 0
                || match hidden {
                    Hidden::Skip => !name.starts_with('.'),
                    Hidden::Keep => !is_junk(&name),
                };
            if !wanted {
                return false;
            }
            match link_out_of_site(root, real_root, e.path()) {
                Some(problem) => {
                    outside.push(problem);
                    false
                }
                None => true,
            }
        });
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(&dir) else {
                    continue;
                };
                let rel = slash_path(rel);
                files.push((rel, e.into_path()));
            }
            Ok(_) => {}
            Err(e) => problems.push(walk_problem(root, &e)),
        }
    }
    problems.extend(outside);
    files
}

/// `path` with `/` between its parts.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The problem when `path` is a symbolic link to something outside the site folder.
fn link_out_of_site(root: &Path, real_root: &Path, path: &Path) -> Option<Diagnostic> {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return None;
    }
    let target = fs::canonicalize(path).ok()?;
    if target.starts_with(real_root) {
        return None;
    }
    let written = fs::read_link(path).unwrap_or(target);
    Some(
        Diagnostic::error(
            display_path(root, path),
            0,
            0,
            format!(
                "a symbolic link to {}, outside the site folder",
                written.display()
            ),
        )
        .with_hint("copy what it points to into the site, or remove the link"),
    )
}

/// What a failed step of a walk means for the user.
fn walk_problem(root: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(root);
    let shown = display_path(root, path);
    if let Some(ancestor) = error.loop_ancestor() {
        return Diagnostic::error(
            shown,
            0,
            0,
            format!(
                "a symbolic link loop: it leads back to {}",
                display_path(root, ancestor).display()
            ),
        )
        .with_hint("remove the link");
    }
    let io = error.io_error();
    if io.is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        && let Ok(target) = fs::read_link(path)
    {
        return Diagnostic::error(
            shown,
            0,
            0,
            format!(
                "a symbolic link to {}, which does not exist",
                target.display()
            ),
        )
        .with_hint("remove the link, or create what it points to");
    }
    let what = if path.is_dir() {
        "cannot read this folder"
    } else {
        "cannot read"
    };
    let reason = io.map_or_else(|| error.to_string(), ToString::to_string);
    Diagnostic::error(shown, 0, 0, format!("{what}: {reason}"))
}

/// The bytes of a static file; `None` (with the problem) when it cannot be read or is a link
/// out of the site.
fn read_bytes(
    root: &Path,
    real_root: &Path,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<u8>> {
    if let Some(problem) = link_out_of_site(root, real_root, path) {
        problems.push(problem);
        return None;
    }
    match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            problems.push(Diagnostic::error(
                display_path(root, path),
                0,
                0,
                format!("cannot read: {e}"),
            ));
            None
        }
    }
}

fn read_text(
    root: &Path,
    real_root: &Path,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let bytes = read_bytes(root, real_root, path, problems)?;
    let shown = display_path(root, path);
    match String::from_utf8(bytes) {
        Ok(text) => Some(SourceFile { path: shown, text }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes());
            let (line, col) = LineIndex::new(&lossy).locate(valid);
            problems.push(
                Diagnostic::error(shown, line, col, "not valid UTF-8")
                    .with_hint("save the file as UTF-8"),
            );
            None
        }
    }
}

/// Re-reads the given files (changed, created or deleted) into `sources`. Returns `false` when
/// a path is not a single site file (a folder was added, moved or removed, or a link): then the
/// whole site must be read again.
pub fn reread(sources: &mut SiteSources, paths: &[PathBuf]) -> bool {
    let root = sources.root.clone();
    let real_root = real_root(&root);
    for path in paths {
        let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if path.is_dir() || is_link {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&root) else {
            return false;
        };
        let rel = slash_path(rel);
        let shown = display_path(&root, path);
        // A folder of this path that could not be read needs the whole walk again.
        if sources
            .unreadable
            .iter()
            .any(|p| shown.starts_with(&p.path) && shown != p.path)
        {
            return false;
        }
        // A folder moved or deleted is told of alone, not file by file.
        if !path.exists() && sources.holds_files_under(&rel) {
            return false;
        }
        sources.unreadable.retain(|p| p.path != shown);
        let exists = path.is_file();
        let problems = &mut sources.unreadable;
        if rel == CONFIG_FILE {
            sources.config = if exists {
                read_text(&root, &real_root, path, problems)
            } else {
                None
            };
        } else if rel == "content/wizard.yaml" {
            sources.wizard = if exists {
                read_text(&root, &real_root, path, problems)
            } else {
                None
            };
        } else if let Some(name) = rel.strip_prefix("content/data/") {
            if !name.ends_with(".yaml") || name.contains('/') {
                return false;
            }
            sources.data.retain(|(n, _)| n != name);
            if exists && let Some(file) = read_text(&root, &real_root, path, problems) {
                sources.data.push((name.to_string(), file));
                sources.data.sort_by(|a, b| a.0.cmp(&b.0));
            }
        } else if let Some(rest) = rel.strip_prefix("content/") {
            let Some((lang_dir, key)) = rest.split_once('/') else {
                return false;
            };
            if !key.ends_with(".md") {
                // Not a page: a warning while it exists (an editor's temporary file, written
                // and renamed over a page, comes and goes in one batch).
                sources.ignored.retain(|p| *p != shown);
                if exists {
                    sources.ignored.push(shown);
                }
                continue;
            }
            sources
                .content
                .retain(|f| !(f.lang_dir == lang_dir && f.key == key));
            if exists && let Some(file) = read_text(&root, &real_root, path, problems) {
                sources.content.push(ContentFile {
                    lang_dir: lang_dir.to_string(),
                    key: key.to_string(),
                    file,
                });
            }
        } else if let Some(name) = rel.strip_prefix("templates/") {
            sources.templates.retain(|(n, _)| n != name);
            if exists && let Some(file) = read_text(&root, &real_root, path, problems) {
                sources.templates.push((name.to_string(), file));
                sources.templates.sort_by(|a, b| a.0.cmp(&b.0));
            }
        } else if let Some(name) = rel.strip_prefix("static/") {
            sources.static_files.retain(|f| f.rel != name);
            if exists && let Some(bytes) = read_bytes(&root, &real_root, path, problems) {
                sources.static_files.push(StaticFile {
                    rel: name.to_string(),
                    bytes,
                });
                sources.static_files.sort_by(|a, b| a.rel.cmp(&b.rel));
            }
        } else {
            return false;
        }
    }
    sort_content(sources);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_no_page_is_read_again_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content/en")).unwrap();
        fs::write(root.join("site.yaml"), "title: t\n").unwrap();
        let mut sources = read_site(root);
        // An editor's temporary file that came and went: nothing to read, no whole walk.
        let gone = root.join("content/en/page.md.tmp-1");
        assert!(reread(&mut sources, &[gone]));
        assert!(sources.ignored.is_empty());
        // One that stays is no page either, and is warned of.
        let kept = root.join("content/en/notes.txt");
        fs::write(&kept, "notes").unwrap();
        assert!(reread(&mut sources, std::slice::from_ref(&kept)));
        assert_eq!(sources.ignored, [PathBuf::from("content/en/notes.txt")]);
        fs::remove_file(&kept).unwrap();
        assert!(reread(&mut sources, &[kept]));
        assert!(sources.ignored.is_empty());
    }

    #[test]
    fn a_folder_holds_the_files_below_it_and_no_others() {
        let file = |path: &str| SourceFile {
            path: PathBuf::from(path),
            text: String::new(),
        };
        let sources = SiteSources {
            content: vec![ContentFile {
                lang_dir: "en".into(),
                key: "guide/keys.md".into(),
                file: file("content/en/guide/keys.md"),
            }],
            templates: vec![("parts/note.html".into(), file("templates/parts/note.html"))],
            static_files: vec![StaticFile {
                rel: "img/logo.svg".into(),
                bytes: Vec::new(),
            }],
            ..SiteSources::default()
        };
        for folder in [
            "content/en",
            "content/en/guide",
            "templates/parts",
            "static/img",
        ] {
            assert!(sources.holds_files_under(folder), "{folder}");
        }
        // A file itself, a name that only starts like a folder, another language.
        for other in [
            "content/en/guide/keys.md",
            "content/en/gui",
            "content/zh",
            "templates/part",
            "static/img/logo.svg",
            "static/im",
        ] {
            assert!(!sources.holds_files_under(other), "{other}");
        }
    }
}
