//! The theme a site is rendered with: the default templates and static files embedded in the
//! binary, overridden file by file by the site's own `templates/` and `static/`, plus the
//! generated code-highlighting stylesheet. Every asset gets a content hash for cache busting.

use std::collections::BTreeMap;
use std::path::PathBuf;

use include_dir::{Dir, include_dir};
use xxhash_rust::xxh3::xxh3_64;

use crate::claims::Origin;
use crate::content::load::{SourceFile, StaticFile};
use crate::highlight;

static DEFAULT_TEMPLATES: Dir = include_dir!("$CARGO_MANIFEST_DIR/templates");
static DEFAULT_STATIC: Dir = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Path of the generated highlighting stylesheet below the output root.
pub const HIGHLIGHT_CSS: &str = "css/highlight.css";

#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    /// Where the template came from, shown in error messages.
    pub path: PathBuf,
    pub text: String,
}

/// A static file with its content hash (16 hex digits of xxh3) and where it comes from.
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: String,
    pub bytes: Vec<u8>,
    pub hash: String,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub templates: Vec<Template>,
    pub assets: Vec<Asset>,
}

/// The embedded defaults with the site's own files laid over them.
pub fn merge(site_templates: &[(String, SourceFile)], site_static: &[StaticFile]) -> Theme {
    let mut templates: BTreeMap<String, Template> = BTreeMap::new();
    for file in embedded_files(&DEFAULT_TEMPLATES) {
        if let Ok(text) = std::str::from_utf8(file.contents()) {
            let name = slash_path(file.path());
            templates.insert(
                name.clone(),
                Template {
                    path: PathBuf::from(format!("<built-in>/templates/{name}")),
                    name,
                    text: text.to_string(),
                },
            );
        }
    }
    for (name, file) in site_templates {
        templates.insert(
            name.clone(),
            Template {
                name: name.clone(),
                path: file.path.clone(),
                text: file.text.clone(),
            },
        );
    }

    // A site's file replaces the theme's of the same name: that is how a theme is adjusted.
    let mut assets: BTreeMap<String, (Vec<u8>, Origin)> = BTreeMap::new();
    assets.insert(
        HIGHLIGHT_CSS.to_string(),
        (
            highlight::stylesheet().into_bytes(),
            Origin::Generated("the highlighting stylesheet".to_string()),
        ),
    );
    for file in embedded_files(&DEFAULT_STATIC) {
        let bytes = file.contents().to_vec();
        assets.insert(slash_path(file.path()), (bytes, Origin::Theme));
    }
    for file in site_static {
        let origin = Origin::Static(PathBuf::from(format!("static/{}", file.rel)));
        assets.insert(file.rel.clone(), (file.bytes.clone(), origin));
    }
    Theme {
        templates: templates.into_values().collect(),
        assets: assets
            .into_iter()
            .map(|(rel, (bytes, origin))| Asset {
                hash: format!("{:016x}", xxh3_64(&bytes)),
                rel,
                bytes,
                origin,
            })
            .collect(),
    }
}

fn embedded_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(embedded_files(sub));
    }
    files
}

fn slash_path(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
