//! Writing the built site. The output folder is guarded: walletdesk writes only into a folder
//! it created (it holds a marker file) or an empty one, never into the site's own sources, and
//! builds into a temporary folder next to it that is swapped in only when everything is
//! written. A failed build leaves the previous output exactly as it was.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;

/// The file that marks a folder as walletdesk's output.
pub const MARKER: &str = ".walletdesk-output";

/// Why the output folder may not be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The output would contain (or be inside) the site's sources.
    ContainsSources(PathBuf),
    /// A non-empty folder that walletdesk did not create.
    Foreign,
    NotAFolder,
}

impl Refusal {
    pub fn message(&self, output: &Path) -> (String, String) {
        let shown = output.display();
        match self {
            Refusal::ContainsSources(what) => (
                format!("refusing to build into {shown}: it would overlap {}", what.display()),
                "choose an output folder outside content/, templates/ and static/, e.g. --output public".to_string(),
            ),
            Refusal::Foreign => (
                format!("refusing to build into {shown}: the folder is not empty and walletdesk did not create it"),
                "choose an empty or new folder, or pass --force to replace its contents".to_string(),
            ),
            Refusal::NotAFolder => (format!("refusing to build into {shown}: it is a file"), "choose a folder".to_string()),
        }
    }
}

/// An absolute, lexically normalised path (`a/./b/../c` → `a/c`), following symbolic links of
/// the part that exists, so two spellings of one folder compare equal.
pub fn normalize(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut clean = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    // Resolve symlinks in the longest existing prefix.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// Checks that `output` may be written: it must not be the site `root` or hold it, must not
/// overlap any of the `sources` folders, and must be new, empty or made by walletdesk (unless
/// `force`). All paths normalised.
pub fn check(output: &Path, root: &Path, sources: &[PathBuf], force: bool) -> Result<(), Refusal> {
    if root.starts_with(output) {
        return Err(Refusal::ContainsSources(root.to_path_buf()));
    }
    if let Some(source) = sources
        .iter()
        .find(|s| s.starts_with(output) || output.starts_with(s))
    {
        return Err(Refusal::ContainsSources(source.clone()));
    }
    if output.exists() {
        if !output.is_dir() {
            return Err(Refusal::NotAFolder);
        }
        let empty = fs::read_dir(output)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !output.join(MARKER).is_file() && !force {
            return Err(Refusal::Foreign);
        }
    }
    Ok(())
}

/// Writes `files` into a temporary folder next to `output`, then swaps it into place.
pub fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    let parent = output
        .parent()
        .ok_or_else(|| io::Error::other("the output folder has no parent"))?;
    fs::create_dir_all(parent)?;
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.walletdesk-new-"))
        .tempdir_in(parent)?;

    files.par_iter().try_for_each(|file| -> io::Result<()> {
        let path = staging.path().join(safe_relative(&file.path)?);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, &file.bytes)
    })?;
    fs::write(
        staging.path().join(MARKER),
        "This folder is written by walletdesk build and replaced on each build.\n",
    )?;

    if output.exists() {
        // Move the old output into a retired folder (deleted when dropped), then the new one
        // into place; if that fails, put the old one back.
        let retired = tempfile::Builder::new()
            .prefix(&format!(".{name}.walletdesk-old-"))
            .tempdir_in(parent)?;
        let old = retired.path().join("site");
        fs::rename(output, &old)?;
        if let Err(e) = fs::rename(staging.path(), output) {
            fs::rename(&old, output)?;
            return Err(e);
        }
    } else {
        fs::rename(staging.path(), output)?;
    }
    // The staging folder is now the output: it must not be deleted with the handle.
    let _ = staging.keep();
    Ok(())
}

/// A relative output path that cannot leave the output folder.
fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let relative = Path::new(path);
    let safe = !path.is_empty()
        && !path.contains('\0')
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(relative.to_path_buf())
    } else {
        Err(io::Error::other(format!(
            "refusing to write `{path}`: it is not a plain path inside the output folder"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_leaving_the_output_are_refused() {
        assert!(safe_relative("guide/index.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "./a"] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn output_overlapping_sources_is_refused() {
        let root = PathBuf::from("/site");
        let sources = [
            root.join("content"),
            root.join("templates"),
            root.join("static"),
        ];
        let check = |output: &str| check(Path::new(output), &root, &sources, false);
        assert!(check("/site/public-not-existing").is_ok());
        for bad in [
            "/site",
            "/",
            "/site/content",
            "/site/content/out",
            "/site/static/x",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
