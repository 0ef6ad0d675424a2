//! Watching a site folder for `serve`: notify's file events, debounced into batches and
//! sorted into the kinds of change that decide what to rebuild.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

/// What a changed file is, which decides the smallest rebuild that is still correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A Markdown page under `content/<lang>/`.
    Content,
    /// A data file: `content/data/…` or `content/wizard.yaml`.
    Data,
    /// A file under `templates/`.
    Template,
    /// A file under `static/`.
    Static,
    /// `site.yaml`.
    Config,
    /// The site folder itself appeared, moved or was replaced, or events were lost: read
    /// everything again.
    Site,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub path: PathBuf,
}

/// Editors save through temporary and backup files; those are not site files.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// The kind of change a path under `root` is, or `None` when it does not belong to the site.
pub fn classify(root: &Path, path: &Path) -> Option<ChangeKind> {
    let rel = path.strip_prefix(root).ok()?;
    if rel.as_os_str().is_empty() {
        return Some(ChangeKind::Site);
    }
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if parts.iter().any(|p| is_scratch(p)) {
        return None;
    }
    match parts.as_slice() {
        ["site.yaml"] => Some(ChangeKind::Config),
        ["content", "wizard.yaml"] | ["content", "data", ..] => Some(ChangeKind::Data),
        ["content", ..] => Some(ChangeKind::Content),
        ["templates", ..] => Some(ChangeKind::Template),
        ["static", ..] => Some(ChangeKind::Static),
        _ => None,
    }
}

/// The folders watched recursively; `site.yaml` is caught by a watch on the root itself.
pub const WATCHED: [&str; 3] = ["content", "templates", "static"];

/// A running watch: batches of changes arrive on `batches`.
pub struct Watch {
    watcher: RecommendedWatcher,
    root: PathBuf,
    /// Folders watched, with the identity of the folder when its watch was set: a folder
    /// deleted and made again is a new folder that needs a new watch.
    watched: Vec<(PathBuf, Option<Identity>)>,
    pub batches: Receiver<Vec<Change>>,
}

/// A folder's device and inode: what tells a folder made again from the one watched.
type Identity = (u64, u64);

fn identity(path: &Path) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// How long the folder must be quiet before a batch is sent: long enough to gather the
/// several events of one save, short enough not to be felt.
const QUIET: Duration = Duration::from_millis(8);
/// A batch is sent after this long even if events keep coming.
const LONGEST: Duration = Duration::from_millis(150);

impl Watch {
    /// Watches the site at `root` (an absolute path). The folder holding it is watched too,
    /// so that a site folder deleted and made again is noticed.
    /// `newer` is set whenever a batch is sent, so a rebuild in progress can stop early.
    pub fn start(root: &Path, newer: Arc<AtomicBool>) -> notify::Result<Watch> {
        let (raw_tx, raw_rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let (batch_tx, batch_rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(raw_tx)?;
        if let Some(parent) = root.parent().filter(|p| p.is_dir()) {
            // Best effort: without it, only a replaced site folder goes unnoticed.
            let _ = watcher.watch(parent, RecursiveMode::NonRecursive);
        }
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let root = root.to_path_buf();
        let thread_root = root.clone();
        thread::spawn(move || debounce(&thread_root, &raw_rx, &batch_tx, &newer));
        let mut watch = Watch {
            watcher,
            watched: vec![(root.clone(), identity(&root))],
            root,
            batches: batch_rx,
        };
        watch.refresh(&[]);
        Ok(watch)
    }

    /// Watches the site's folders as they are now, after the batch `changes`: a folder
    /// created since, or deleted and made again (the site folder itself too), gets a new
    /// watch. Call it before reading the files of a batch, so that nothing written after the
    /// reading goes unseen.
    pub fn refresh(&mut self, changes: &[Change]) {
        // A folder the batch names, or one inside a folder it names, may have been deleted
        // and made again. Its identity alone cannot tell: ext4 and tmpfs hand a new folder
        // the inode of the one just deleted.
        let named = |folder: &Path| changes.iter().any(|c| folder.starts_with(&c.path));
        let folders = std::iter::once((self.root.clone(), RecursiveMode::NonRecursive)).chain(
            WATCHED
                .iter()
                .map(|folder| (self.root.join(folder), RecursiveMode::Recursive)),
        );
        for (path, mode) in folders.collect::<Vec<_>>() {
            let now = identity(&path).filter(|_| path.is_dir());
            let known = self.watched.iter().position(|(p, _)| *p == path);
            let current = known.is_some_and(|i| self.watched[i].1 == now) && !named(&path);
            if current {
                continue;
            }
            if let Some(i) = known {
                let _ = self.watcher.unwatch(&path);
                self.watched.remove(i);
            }
            if now.is_some() && self.watcher.watch(&path, mode).is_ok() {
                self.watched.push((path, now));
            }
        }
        // notify watches a folder made inside a watched one only after it has told of it, so
        // a file written there in between would be missed by both the watch and the reading
        // that follows this call. Watching it here, before the reading, closes that gap.
        for change in changes {
            let inside = WATCHED.iter().any(|folder| {
                let folder = self.root.join(folder);
                change.path.starts_with(&folder) && change.path != folder
            });
            if inside && change.path.is_dir() {
                let _ = self.watcher.watch(&change.path, RecursiveMode::Recursive);
            }
        }
    }
}

fn debounce(
    root: &Path,
    raw: &Receiver<notify::Result<notify::Event>>,
    batches: &mpsc::Sender<Vec<Change>>,
    newer: &AtomicBool,
) {
    while let Ok(first) = raw.recv() {
        let started = Instant::now();
        let mut events = vec![first];
        loop {
            let left = LONGEST.saturating_sub(started.elapsed());
            match raw.recv_timeout(QUIET.min(left)) {
                Ok(event) => events.push(event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let mut changes: BTreeMap<PathBuf, ChangeKind> = BTreeMap::new();
        for event in events {
            // An error or a full event queue means events were lost: read everything again.
            let event = match event {
                Ok(event) if !event.need_rescan() => event,
                _ => {
                    changes.insert(root.to_path_buf(), ChangeKind::Site);
                    continue;
                }
            };
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in event.paths {
                if let Some(kind) = classify(root, &path) {
                    changes.insert(path, kind);
                }
            }
        }
        if !changes.is_empty() {
            let batch = changes
                .into_iter()
                .map(|(path, kind)| Change { kind, path })
                .collect();
            newer.store(true, Ordering::Relaxed);
            if batches.send(batch).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_into_kinds() {
        let root = Path::new("/site");
        let kind = |p: &str| classify(root, &root.join(p));
        assert_eq!(kind("site.yaml"), Some(ChangeKind::Config));
        assert_eq!(kind("content/zh/guide/a.md"), Some(ChangeKind::Content));
        assert_eq!(kind("content/data/providers.yaml"), Some(ChangeKind::Data));
        assert_eq!(kind("content/wizard.yaml"), Some(ChangeKind::Data));
        assert_eq!(kind("templates/page.html"), Some(ChangeKind::Template));
        assert_eq!(kind("static/css/site.css"), Some(ChangeKind::Static));
        assert_eq!(kind("public/index.html"), None);
        assert_eq!(kind("content/zh/.a.md.swp"), None);
        assert_eq!(kind("content/zh/a.md~"), None);
        assert_eq!(kind("content/zh/4913"), None);
        assert_eq!(classify(root, Path::new("/elsewhere/site.yaml")), None);
        assert_eq!(classify(root, root), Some(ChangeKind::Site));
        assert_eq!(classify(root, Path::new("/site-other")), None);
    }

    /// A fresh folder under the system's temporary folder, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let path = std::env::temp_dir()
                .join(format!("walletdesk-watch-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(path.join("content/en")).unwrap();
            Scratch(path.canonicalize().unwrap())
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Takes batches, refreshing the watch after each as `serve` does, until one names `path`.
    fn wait_for(watch: &mut Watch, path: &Path) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(batch) = watch.batches.recv_timeout(left) else {
                return false;
            };
            watch.refresh(&batch);
            if batch.iter().any(|c| c.path == path) {
                return true;
            }
        }
        false
    }

    #[test]
    fn a_folder_deleted_and_made_again_is_watched_again_even_with_the_same_inode() {
        let site = Scratch::new("remade");
        let content = site.0.join("content");
        let mut watch = Watch::start(&site.0, Arc::new(AtomicBool::new(false))).unwrap();
        // Deleted and made again before `serve` looks: ext4 and tmpfs give the new folder the
        // inode the old one had, so only the events tell the two apart.
        std::fs::remove_dir_all(&content).unwrap();
        std::fs::create_dir_all(content.join("en")).unwrap();
        assert!(wait_for(&mut watch, &content));
        // Drain what is left of the deletion and the making.
        while let Ok(batch) = watch.batches.recv_timeout(Duration::from_millis(300)) {
            watch.refresh(&batch);
        }
        let page = content.join("en/page.md");
        std::fs::write(&page, "# A page").unwrap();
        assert!(
            wait_for(&mut watch, &page),
            "a write into the new folder went unseen"
        );
    }
}
