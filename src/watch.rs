//! Watching a site folder for `serve`: notify's file events, debounced into batches and
//! sorted into the kinds of change that decide what to rebuild.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
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
    watched: Vec<PathBuf>,
    pub batches: Receiver<Vec<Change>>,
}

/// How long the folder must be quiet before a batch is sent: long enough to gather the
/// several events of one save, short enough not to be felt.
const QUIET: Duration = Duration::from_millis(8);
/// A batch is sent after this long even if events keep coming.
const LONGEST: Duration = Duration::from_millis(150);

impl Watch {
    pub fn start(root: &Path) -> notify::Result<Watch> {
        let (raw_tx, raw_rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let (batch_tx, batch_rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(raw_tx)?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let root = root.to_path_buf();
        let thread_root = root.clone();
        thread::spawn(move || debounce(&thread_root, &raw_rx, &batch_tx));
        let mut watch = Watch {
            watcher,
            root,
            watched: Vec::new(),
            batches: batch_rx,
        };
        watch.refresh();
        Ok(watch)
    }

    /// Watches the site's folders that exist now (one may be created after the start).
    pub fn refresh(&mut self) {
        for folder in WATCHED {
            let path = self.root.join(folder);
            if path.is_dir()
                && !self.watched.contains(&path)
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(path);
            }
        }
        self.watched.retain(|p| p.is_dir());
    }
}

fn debounce(
    root: &Path,
    raw: &Receiver<notify::Result<notify::Event>>,
    batches: &mpsc::Sender<Vec<Change>>,
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
        for event in events.into_iter().flatten() {
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
    }
}
