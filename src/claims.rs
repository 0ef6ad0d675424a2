//! The files of the built site and where each comes from, and one output path, one source.
//! Every [`OutputFile`] says where it comes from (an [`Origin`]); [`check`] reports each path
//! that two sources would write, at the source the author can change (an alias at its line, a
//! static file, a page), naming the other one. Without it, two files under one path were both
//! written and the last one won at random. A low module (it needs only `error`): every stage
//! that makes or writes files uses it.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::Diagnostic;

/// A file of the built site: its path below the output folder (with `/`), its bytes and where
/// it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Arc<[u8]>,
    pub origin: Origin,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Arc<[u8]>>, origin: Origin) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
            origin,
        }
    }

    pub fn text(path: impl Into<String>, text: String, origin: Origin) -> Self {
        OutputFile::new(path, text.into_bytes(), origin)
    }
}

/// Where a file of the output comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A Markdown page, by its source file.
    Page(PathBuf),
    /// The redirect of an alias, written in `source` on `line`.
    Alias {
        source: PathBuf,
        line: usize,
        alias: String,
    },
    /// A file of the site's `static/` folder (`static/css/site.css`).
    Static(PathBuf),
    /// A file of the built-in theme.
    Theme,
    /// A file walletdesk makes: "the sitemap", "the zh 404 page", ….
    Generated(String),
}

impl Origin {
    /// Which of two claims is reported: the one an author wrote most directly.
    fn rank(&self) -> u8 {
        match self {
            Origin::Alias { .. } => 0,
            Origin::Static(_) => 1,
            Origin::Page(_) => 2,
            Origin::Theme | Origin::Generated(_) => 3,
        }
    }

    /// The claim as the subject of a message: "alias `/old/`", "this file", "this page".
    fn subject(&self) -> String {
        match self {
            Origin::Alias { alias, .. } => format!("alias `{alias}`"),
            Origin::Static(_) => "this file".to_string(),
            Origin::Page(_) => "this page".to_string(),
            Origin::Theme => "the theme's file".to_string(),
            Origin::Generated(what) => what.clone(),
        }
    }

    /// The diagnostic's place: the file (and line) of the claim.
    fn place(&self) -> (PathBuf, usize) {
        match self {
            Origin::Page(path) | Origin::Static(path) => (path.clone(), 0),
            Origin::Alias { source, line, .. } => (source.clone(), *line),
            Origin::Theme => (PathBuf::from("<built-in theme>"), 0),
            Origin::Generated(_) => (PathBuf::from("<generated>"), 0),
        }
    }
}

impl fmt::Display for Origin {
    /// The claim as the object of a message: "the page content/zh/_index.md".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Page(path) => write!(f, "the page {}", path.display()),
            Origin::Alias { source, alias, .. } => {
                write!(f, "alias `{alias}` of {}", source.display())
            }
            Origin::Static(path) => write!(f, "the file {}", path.display()),
            Origin::Theme => write!(f, "a file of the built-in theme"),
            Origin::Generated(what) => write!(f, "{what}"),
        }
    }
}

/// An error for every output path claimed by more than one file.
pub fn check(files: &[OutputFile]) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, &Origin> = HashMap::with_capacity(files.len());
    let mut problems = Vec::new();
    for file in files {
        match first.get(file.path.as_str()) {
            Some(&other) => problems.push(clash(&file.path, &file.origin, other)),
            None => {
                first.insert(&file.path, &file.origin);
            }
        }
    }
    // A file where another needs a folder: `a.html` and `a.html/index.html`.
    for file in files {
        for (i, _) in file.path.match_indices('/') {
            let folder = &file.path[..i];
            if let Some(&other) = first.get(folder) {
                problems.push(clash(folder, &file.origin, other));
            }
        }
    }
    problems
}

/// The error for two claims on `path`, at the one an author wrote most directly.
fn clash(path: &str, one: &Origin, other: &Origin) -> Diagnostic {
    let (claim, other) = if one.rank() <= other.rank() {
        (one, other)
    } else {
        (other, one)
    };
    let (source, line) = claim.place();
    Diagnostic::error(
        source,
        line,
        1,
        format!("{} would overwrite {path}, {other}", claim.subject()),
    )
    .with_hint("one output path has one source: rename or remove one of them")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, origin: Origin) -> OutputFile {
        OutputFile::new(path, Vec::new(), origin)
    }

    #[test]
    fn a_second_claim_is_reported_at_the_authors_source() {
        let page = Origin::Page(PathBuf::from("content/zh/_index.md"));
        let alias = Origin::Alias {
            source: PathBuf::from("content/zh/a.md"),
            line: 3,
            alias: "/index.html".into(),
        };
        let files = [
            file("index.html", page),
            file(
                "a/index.html",
                Origin::Page(PathBuf::from("content/zh/a.md")),
            ),
            file("index.html", alias),
        ];
        let problems = check(&files);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "content/zh/a.md:3:1: alias `/index.html` would overwrite index.html, the page content/zh/_index.md\n  hint: one output path has one source: rename or remove one of them"
        );
        assert!(check(&files[..2]).is_empty());
    }
}
