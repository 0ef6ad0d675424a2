//! `walletdesk init DIR`: writes a small working starter site in Chinese and English (the
//! files under `src/starter/`, embedded in the binary) into a new or empty folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static STARTER: Dir = include_dir!("$CARGO_MANIFEST_DIR/src/starter");

/// Writes the starter site into `dir`, which must not exist or be empty. Returns the files
/// written, relative to `dir`.
pub fn init(dir: &Path) -> io::Result<Vec<PathBuf>> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(io::Error::other(format!("{} is a file", dir.display())));
        }
        if fs::read_dir(dir)?.next().is_some() {
            return Err(io::Error::other(format!(
                "{} is not empty: init only writes into a new or empty folder",
                dir.display()
            )));
        }
    }
    let mut written = Vec::new();
    write_dir(&STARTER, dir, &mut written)?;
    written.sort();
    Ok(written)
}

fn write_dir(embedded: &Dir, dir: &Path, written: &mut Vec<PathBuf>) -> io::Result<()> {
    for file in embedded.files() {
        let path = dir.join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, file.contents())?;
        written.push(file.path().to_path_buf());
    }
    for sub in embedded.dirs() {
        write_dir(sub, dir, written)?;
    }
    Ok(())
}
