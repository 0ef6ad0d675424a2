//! The theme a site is rendered with: the default templates and static files embedded in the
//! binary, overridden file by file by the site's own `templates/` and `static/`, plus the
//! generated code-highlighting stylesheet. Every asset gets a content hash for cache busting.

use std::collections::BTreeMap;
use std::path::PathBuf;

use include_dir::{Dir, include_dir};
use xxhash_rust::xxh3::xxh3_64;

use crate::claims::Origin;
use crate::content::load::{SourceFile, StaticFile};
use crate::{highlight, jsmin};

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
        let rel = slash_path(file.path());
        let bytes = theme_script(&rel, file.contents()).unwrap_or_else(|| file.contents().to_vec());
        assets.insert(rel, (bytes, Origin::Theme));
    }
    for file in site_static {
        let origin = Origin::Static(PathBuf::from(format!("static/{}", file.rel)));
        // A copy of one of the theme's scripts (as the bundled site's static/ is) is the
        // theme's, stripped the same way; a site's own script is left as it is.
        let theirs = DEFAULT_STATIC
            .get_file(&file.rel)
            .filter(|theme| theme.contents() == file.bytes.as_slice());
        let bytes = theirs
            .and_then(|theme| theme_script(&file.rel, theme.contents()))
            .unwrap_or_else(|| file.bytes.clone());
        assets.insert(file.rel.clone(), (bytes, origin));
    }
    let mut assets: Vec<Asset> = assets
        .into_iter()
        .map(|(rel, (bytes, origin))| Asset {
            hash: format!("{:016x}", xxh3_64(&bytes)),
            rel,
            bytes,
            origin,
        })
        .collect();
    version_imports(&mut assets);
    Theme {
        templates: templates.into_values().collect(),
        assets,
    }
}

/// One of the theme's scripts (`rel` ends in `.js`) without its comments and indentation
/// (`jsmin`); `None` for any other file, or a script the stripper cannot follow.
fn theme_script(rel: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    if !rel.ends_with(".js") {
        return None;
    }
    jsmin::strip(std::str::from_utf8(bytes).ok()?).map(String::into_bytes)
}

/// A module's static imports of its neighbours (`from "./stem.js"`) get the neighbour's hash
/// (`from "./stem.js?v=…"`), as the pages' own asset URLs do, so a browser never pairs a new
/// module with a cached old import; the importer's hash then changes with what it imports.
fn version_imports(assets: &mut [Asset]) {
    // Rounds until nothing changes: a module imported by another is versioned first.
    for _ in 0..8 {
        let hashes: BTreeMap<String, String> = assets
            .iter()
            .map(|a| (a.rel.clone(), a.hash[..10].to_string()))
            .collect();
        let mut changed = false;
        for asset in assets.iter_mut().filter(|a| a.rel.ends_with(".js")) {
            let Ok(text) = std::str::from_utf8(&asset.bytes) else {
                continue;
            };
            let dir = asset.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
            let mut out = String::with_capacity(text.len());
            let mut rest = text;
            while let Some(at) = rest.find("from \"./") {
                let start = at + "from \"./".len();
                out.push_str(&rest[..start]);
                rest = &rest[start..];
                let Some(end) = rest.find('"') else { break };
                let (target, version) = rest[..end].split_once("?v=").unwrap_or((&rest[..end], ""));
                let rel = if dir.is_empty() {
                    target.to_string()
                } else {
                    format!("{dir}/{target}")
                };
                match hashes.get(&rel) {
                    Some(hash) if hash != version => out.push_str(&format!("{target}?v={hash}")),
                    _ => out.push_str(&rest[..end]),
                }
                rest = &rest[end..];
            }
            out.push_str(rest);
            if out.as_bytes() != asset.bytes {
                asset.bytes = out.into_bytes();
                asset.hash = format!("{:016x}", xxh3_64(&asset.bytes));
                changed = true;
            }
        }
        if !changed {
            return;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(rel: &str, text: &str) -> Asset {
        Asset {
            rel: rel.to_string(),
            bytes: text.as_bytes().to_vec(),
            hash: format!("{:016x}", xxh3_64(text.as_bytes())),
            origin: Origin::Theme,
        }
    }

    #[test]
    fn a_module_imports_its_neighbour_by_the_neighbours_version() {
        let mut assets = vec![
            asset("js/core.js", "import { stem } from \"./stem.js\";\nstem();"),
            asset("js/stem.js", "export function stem() {}"),
            asset("js/other.js", "import x from \"./missing.js\";"),
        ];
        let before = assets[0].hash.clone();
        version_imports(&mut assets);
        let stem_hash = &assets[1].hash[..10];
        let core = std::str::from_utf8(&assets[0].bytes).unwrap();
        assert_eq!(
            core,
            format!("import {{ stem }} from \"./stem.js?v={stem_hash}\";\nstem();")
        );
        assert_ne!(
            assets[0].hash, before,
            "the importer's hash follows what it imports"
        );
        assert_eq!(assets[2].bytes, b"import x from \"./missing.js\";");
        // Stable: a second pass changes nothing.
        let again = assets.clone();
        version_imports(&mut assets);
        assert_eq!(again[0].bytes, assets[0].bytes);
    }
}
