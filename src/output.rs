//! Writing the built site. The output folder is guarded: walletdesk writes only into a folder
//! it created (it holds a marker file) or an empty one, never into the site's own sources, and
//! even `--force` never replaces a folder holding version control or a home folder. A build
//! takes a lock next to the output, writes into a temporary folder beside it and swaps that in
//! (atomically where the system can) only when everything is written. A failed build leaves the
//! previous output exactly as it was.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::claims::OutputFile;

/// The file that marks a folder as walletdesk's output.
pub const MARKER: &str = ".walletdesk-output";

/// Why the output folder may not be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The output is the site folder itself, or holds it.
    ContainsSite,
    /// The output would contain (or be inside) the site's sources.
    ContainsSources(PathBuf),
    /// A non-empty folder that walletdesk did not create.
    Foreign,
    /// A folder `--force` must not replace either; says why ("it holds a version-control
    /// folder (.git)").
    Precious(String),
    NotAFolder,
}

impl Refusal {
    /// The message and hint for output folder `output` (as the user wrote it).
    pub fn message(&self, output: &Path) -> (String, String) {
        let shown = output.display();
        match self {
            Refusal::ContainsSite => (
                format!("refusing to build into {shown}: it holds the site itself"),
                "choose an output folder inside the site, e.g. --output public".to_string(),
            ),
            Refusal::ContainsSources(what) => (
                format!("refusing to build into {shown}: it would overlap {}", what.display()),
                "choose an output folder outside content/, templates/ and static/, e.g. --output public".to_string(),
            ),
            Refusal::Foreign => (
                format!("refusing to build into {shown}: the folder is not empty and walletdesk did not create it"),
                "choose an empty or new folder, or pass --force to replace its contents".to_string(),
            ),
            Refusal::Precious(why) => (
                format!("refusing to replace {shown}, even with --force: {why}"),
                format!("build into a folder of its own, e.g. --output {shown}/public"),
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
/// `force`); even with `force`, never a folder that holds version control or a home folder.
/// All paths normalised; `home` is the user's home folder, when known.
pub fn check(
    output: &Path,
    root: &Path,
    sources: &[PathBuf],
    force: bool,
    home: Option<&Path>,
) -> Result<(), Refusal> {
    if root.starts_with(output) {
        return Err(Refusal::ContainsSite);
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
        if !empty && !output.join(MARKER).is_file() {
            if !force {
                return Err(Refusal::Foreign);
            }
            if let Some(why) = precious(output, home) {
                return Err(Refusal::Precious(why));
            }
        }
    }
    Ok(())
}

/// Folders of version-control systems: replacing a folder that holds one loses history.
const VERSION_CONTROL: [&str; 7] = [".git", ".hg", ".svn", ".bzr", ".jj", "_darcs", "CVS"];

/// Why `--force` must not replace `folder`, if it must not: it is or holds the home folder,
/// holds a version-control folder (at its top or one level down) or looks like a home folder.
fn precious(folder: &Path, home: Option<&Path>) -> Option<String> {
    if let Some(home) = home {
        if home == folder {
            return Some("it is your home folder".to_string());
        }
        if home.starts_with(folder) {
            return Some("it holds your home folder".to_string());
        }
    }
    let children: Vec<PathBuf> = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    let below = children.iter().filter(|c| c.is_dir()).flat_map(|child| {
        VERSION_CONTROL.iter().map(move |vcs| {
            (
                child.join(vcs),
                format!(
                    "{}/{vcs}",
                    child.file_name().unwrap_or_default().to_string_lossy()
                ),
            )
        })
    });
    let top = VERSION_CONTROL
        .iter()
        .map(|vcs| (folder.join(vcs), (*vcs).to_string()));
    if let Some((_, name)) = top.chain(below).find(|(path, _)| path.exists()) {
        return Some(format!("it holds a version-control folder ({name})"));
    }
    if folder.join(".ssh").is_dir() {
        return Some("it looks like a home folder (it holds .ssh)".to_string());
    }
    None
}

/// The lock file next to output folder `output`, held while a build writes it.
fn lock_path(output: &Path) -> io::Result<PathBuf> {
    let (parent, name) = parent_and_name(output)?;
    Ok(parent.join(format!(".{name}.walletdesk-lock")))
}

fn parent_and_name(output: &Path) -> io::Result<(&Path, String)> {
    let parent = output
        .parent()
        .ok_or_else(|| io::Error::other("the output folder has no parent"))?;
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    Ok((parent, name))
}

/// Held while a build writes its output folder. Dropping it deletes the lock file, then
/// releases it.
pub struct Lock {
    file: fs::File,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Deleted while still held: a build waiting on this file finds it gone and takes a
        // new one (see `lock`), so two builds never both hold the lock.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Takes the lock of output folder `output` (a `.<name>.walletdesk-lock` file next to it), so
/// that two builds into one folder take turns. When another build holds it, `waiting` is told
/// who (as that build wrote it: `walletdesk build, pid 4242`) before this one waits.
pub fn lock(output: &Path, waiting: impl FnOnce(&str)) -> io::Result<Lock> {
    let path = lock_path(output)?;
    let mut waiting = Some(waiting);
    loop {
        let mut file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                if let Some(waiting) = waiting.take() {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    waiting(if holder.is_empty() {
                        "walletdesk build"
                    } else {
                        holder
                    });
                }
                file.lock()?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
        // The holder before us deleted the file it locked: lock the one now at `path`.
        if !same_file(&file, &path) {
            continue;
        }
        use std::io::Write as _;
        file.set_len(0)?;
        writeln!(file, "walletdesk build, pid {}", std::process::id())?;
        return Ok(Lock { file, path });
    }
}

/// Whether `path` names the open `file` (not a file made since in its place).
fn same_file(file: &fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        path.exists()
    }
}

/// The folder a build writes its site into, beside the output (`.<name>.walletdesk-new-*`),
/// swapped into place by [`Staging::commit`]. Files may be written into it from many threads
/// as they are made; until the commit the output is untouched, and a staging folder dropped
/// without a commit (a failed build) is deleted with everything written into it. It holds the
/// output's [`Lock`] for as long as it lives.
pub struct Staging {
    folder: tempfile::TempDir,
    output: PathBuf,
    _lock: Lock,
}

impl Staging {
    /// Makes the staging folder of `output`, removing the folders killed builds left beside
    /// it; `lock` is the output's lock, held until the staging folder is committed or dropped.
    pub fn new(output: &Path, lock: Lock) -> io::Result<Staging> {
        let (parent, name) = parent_and_name(output)?;
        fs::create_dir_all(parent)?;
        remove_leftovers(parent, &name);
        let folder = tempfile::Builder::new()
            .prefix(&format!(".{name}.walletdesk-new-"))
            .tempdir_in(parent)?;
        Ok(Staging {
            folder,
            output: output.to_path_buf(),
            _lock: lock,
        })
    }

    /// Where the files go (for tests and messages).
    pub fn path(&self) -> &Path {
        self.folder.path()
    }

    /// Writes one file of the site (from any thread).
    pub fn write(&self, file: &OutputFile) -> io::Result<()> {
        let path = self.folder.path().join(safe_relative(&file.path)?);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, &file.bytes)
    }

    /// Writes `files`, in parallel.
    pub fn write_all(&self, files: &[OutputFile]) -> io::Result<()> {
        files.par_iter().try_for_each(|file| self.write(file))
    }

    /// Marks the staging folder as walletdesk's output and swaps it into place; the previous
    /// output, if any, is then deleted.
    pub fn commit(self) -> io::Result<()> {
        let Staging {
            folder,
            output,
            _lock,
        } = self;
        fs::write(
            folder.path().join(MARKER),
            "This folder is written by walletdesk build and replaced on each build.\n",
        )?;
        if !output.exists() {
            fs::rename(folder.path(), &output)?;
            // The staging folder is now the output: it must not be deleted with the handle.
            let _ = folder.keep();
            return Ok(());
        }
        // One atomic step where the system has it: readers see the old site or the new one,
        // never no site. The staging folder then holds the old site.
        if exchange(folder.path(), &output).is_ok() {
            remove_in_parallel(folder.path());
            return Ok(());
        }
        // Otherwise move the old output into a retired folder (deleted when dropped), then the
        // new one into place; if that fails, put the old one back.
        let (parent, name) = parent_and_name(&output)?;
        let retired = tempfile::Builder::new()
            .prefix(&format!(".{name}.walletdesk-old-"))
            .tempdir_in(parent)?;
        let old = retired.path().join("site");
        fs::rename(&output, &old)?;
        if let Err(e) = fs::rename(folder.path(), &output) {
            fs::rename(&old, &output)?;
            return Err(e);
        }
        let _ = folder.keep();
        remove_in_parallel(retired.path());
        Ok(())
    }
}

/// Deletes what `folder` holds, its entries on all cores (a large old site is most of the
/// time of a rebuild otherwise); the folder itself is left to its owner.
fn remove_in_parallel(folder: &Path) {
    let entries: Vec<fs::DirEntry> = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    entries.par_iter().for_each(|entry| {
        let _ = match entry.file_type() {
            Ok(t) if t.is_dir() => remove_folder_in_parallel(&entry.path()),
            _ => fs::remove_file(entry.path()),
        };
    });
}

/// Deletes `folder` and what it holds, its entries in parallel.
fn remove_folder_in_parallel(folder: &Path) -> io::Result<()> {
    remove_in_parallel(folder);
    fs::remove_dir(folder)
}

/// Writes `files` into a staging folder next to `output`, then swaps it into place. The
/// caller's [`Lock`] on the output is held until then; folders a killed build left next to
/// it are removed.
pub fn write_site(output: &Path, files: &[OutputFile], lock: Lock) -> io::Result<()> {
    let staging = Staging::new(output, lock)?;
    staging.write_all(files)?;
    staging.commit()
}

/// Writes one file in one step: into a temporary file beside it, then renamed into place, so
/// a reader never sees it half-written and a failure leaves the old file as it was.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let parent = path
        .parent()
        .ok_or_else(|| io::Error::other("the file has no folder"))?;
    fs::create_dir_all(parent)?;
    let mut staging = tempfile::NamedTempFile::new_in(parent)?;
    io::Write::write_all(&mut staging, bytes)?;
    staging.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Swaps two folders in one step (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Removes the staging and retired folders of builds that were killed before they finished
/// (`.<name>.walletdesk-new-*`, `.<name>.walletdesk-old-*`). Only the lock holder calls it, so
/// none of them is in use.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefixes = [
        format!(".{name}.walletdesk-new-"),
        format!(".{name}.walletdesk-old-"),
    ];
    for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let ours = prefixes.iter().any(|p| file_name.starts_with(p.as_str()));
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
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
    fn a_staging_folder_dropped_unused_takes_what_was_written_with_it() {
        let parent = tempfile::tempdir().unwrap();
        let output = parent.path().join("public");
        fs::create_dir_all(output.join("old")).unwrap();
        fs::write(output.join("old/index.html"), "old").unwrap();
        let page = |path: &str, text: &str| {
            OutputFile::new(path, text.as_bytes(), crate::claims::Origin::Theme)
        };
        let listing = || {
            let mut names: Vec<String> = fs::read_dir(parent.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };

        let staging = Staging::new(&output, lock(&output, |_| {}).unwrap()).unwrap();
        staging.write(&page("a/index.html", "new")).unwrap();
        assert!(staging.path().join("a/index.html").is_file());
        drop(staging);
        assert_eq!(listing(), ["public"]);
        assert_eq!(
            fs::read_to_string(output.join("old/index.html")).unwrap(),
            "old"
        );

        let staging = Staging::new(&output, lock(&output, |_| {}).unwrap()).unwrap();
        staging.write(&page("a/index.html", "new")).unwrap();
        staging.write_all(&[page("b.txt", "b")]).unwrap();
        staging.commit().unwrap();
        assert_eq!(listing(), ["public"]);
        assert!(!output.join("old").exists());
        assert_eq!(
            fs::read_to_string(output.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(output.join(MARKER).is_file());
    }

    #[test]
    fn output_overlapping_sources_is_refused() {
        let root = PathBuf::from("/site");
        let sources = [
            root.join("content"),
            root.join("templates"),
            root.join("static"),
        ];
        let check = |output: &str| check(Path::new(output), &root, &sources, false, None);
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
