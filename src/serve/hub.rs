//! The live-reload hub: every rebuild's outcome as one message for the open pages, numbered
//! by a generation, and the Server-Sent Events stream that carries them to `livereload.js`.
//! The hub keeps only the latest message and the current state (the errors, or "ok"), so a
//! page that falls behind by more than one update cannot be told exactly what it missed: it
//! is told to reload every page, or, while the site is broken, shown the errors — never
//! nothing. Each event carries its generation as its SSE id, so a page whose stream broke
//! catches up the same way when its browser reconnects with `Last-Event-ID`.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::preview::Update;

/// Most event streams open at once. Below the server's connection limit, so pages that hold
/// a stream can still load their files.
pub const MAX_STREAMS: usize = 64;
/// A stream with nothing to say sends a comment this often, which also finds dead peers.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The updates for every open page.
pub struct Hub {
    latest: Mutex<Latest>,
    changed: Condvar,
    streams: AtomicUsize,
}

struct Latest {
    generation: u64,
    /// The message of the latest update.
    update: String,
    /// What a page that opens now must show: the errors, or "ok".
    state: String,
    failed: bool,
}

impl Latest {
    /// What a page that last saw generation `seen` must be told, or `None` if nothing.
    fn since(&self, seen: u64) -> Option<String> {
        match self.generation.checked_sub(seen) {
            Some(0) => None,
            Some(1) => Some(self.update.clone()),
            // More than one behind, or a generation this hub never gave out (an earlier run).
            _ if self.failed => Some(self.state.clone()),
            _ => Some(message(&Update::Pages(None))),
        }
    }
}

impl Hub {
    /// A hub whose state is the first build's outcome, at generation `start`. `serve` starts
    /// from the clock's milliseconds, so a page that reconnects with an id from an earlier
    /// run of `serve` is never taken to be up to date.
    pub fn new(first: &Update, start: u64) -> Hub {
        let state = message(first);
        Hub {
            latest: Mutex::new(Latest {
                generation: start,
                update: state.clone(),
                state,
                failed: matches!(first, Update::Failed(_)),
            }),
            changed: Condvar::new(),
            streams: AtomicUsize::new(0),
        }
    }

    /// Makes `update` the latest and wakes every waiting stream.
    pub fn publish(&self, update: &Update) {
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest.generation += 1;
        latest.update = message(update);
        latest.failed = matches!(update, Update::Failed(_));
        latest.state = if latest.failed {
            latest.update.clone()
        } else {
            message(&Update::Nothing)
        };
        self.changed.notify_all();
    }

    /// The first event of a stream, with its generation: the current state for a new page,
    /// or what it missed for a page that had seen generation `last_seen`.
    pub fn first(&self, last_seen: Option<u64>) -> (u64, String) {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        let missed = last_seen.and_then(|seen| latest.since(seen));
        (
            latest.generation,
            missed.unwrap_or_else(|| latest.state.clone()),
        )
    }

    /// Waits for an update newer than `seen`: what the page must be told and the generation
    /// it is then at; `None` after `timeout`.
    pub fn wait(&self, seen: u64, timeout: Duration) -> Option<(u64, String)> {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        let (latest, _) = self
            .changed
            .wait_timeout_while(latest, timeout, |l| l.generation == seen)
            .unwrap_or_else(|e| e.into_inner());
        latest
            .since(seen)
            .map(|message| (latest.generation, message))
    }

    /// A place for one more event stream, or `None` when `MAX_STREAMS` are open.
    pub fn open_stream(self: &Arc<Self>) -> Option<StreamSlot> {
        self.streams
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < MAX_STREAMS).then_some(open + 1)
            })
            .ok()
            .map(|_| StreamSlot(Arc::clone(self)))
    }
}

/// One open event stream's place in the hub, given back when dropped.
pub struct StreamSlot(Arc<Hub>);

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::AcqRel);
    }
}

impl StreamSlot {
    /// Writes the event stream to `out` until the page goes away: the first event (see
    /// [`Hub::first`]), then every update.
    pub fn run(self, last_seen: Option<u64>, out: &mut dyn Write) {
        let hub = &self.0;
        let (mut seen, first) = hub.first(last_seen);
        let mut chunk = format!("retry: 500\nid: {seen}\ndata: {first}\n\n");
        while out
            .write_all(chunk.as_bytes())
            .and_then(|()| out.flush())
            .is_ok()
        {
            chunk = match hub.wait(seen, KEEP_ALIVE) {
                Some((generation, message)) => {
                    seen = generation;
                    format!("id: {generation}\ndata: {message}\n\n")
                }
                None => ": still here\n\n".to_string(),
            };
        }
    }
}

/// The message `livereload.js` acts on for `update`.
pub fn message(update: &Update) -> String {
    match update {
        Update::Pages(paths) => serde_json::json!({"kind": "pages", "paths": paths}),
        Update::Styles => serde_json::json!({"kind": "styles"}),
        Update::Failed(errors) => {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            serde_json::json!({"kind": "errors", "errors": errors})
        }
        Update::Nothing | Update::Superseded => serde_json::json!({"kind": "ok"}),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostic;

    const RELOAD_ALL: &str = r#"{"kind":"pages","paths":null}"#;

    fn pages(paths: &[&str]) -> Update {
        Update::Pages(Some(paths.iter().map(ToString::to_string).collect()))
    }

    fn broken() -> Update {
        Update::Failed(vec![Diagnostic::error("a.md", 1, 1, "bad")])
    }

    #[test]
    fn a_page_one_update_behind_gets_exactly_that_update() {
        let hub = Hub::new(&Update::Nothing, 0);
        for update in [pages(&["/a/"]), pages(&["/b/"]), pages(&["/c/"])] {
            hub.publish(&update);
        }
        assert_eq!(
            hub.wait(2, Duration::ZERO),
            Some((3, r#"{"kind":"pages","paths":["/c/"]}"#.to_string()))
        );
        assert_eq!(hub.wait(3, Duration::ZERO), None, "up to date");
    }

    #[test]
    fn a_page_further_behind_reloads_everything() {
        let hub = Hub::new(&Update::Nothing, 0);
        for update in [pages(&["/a/"]), pages(&["/b/"]), Update::Styles] {
            hub.publish(&update);
        }
        assert_eq!(hub.wait(0, Duration::ZERO), Some((3, RELOAD_ALL.into())));
        assert_eq!(hub.wait(1, Duration::ZERO), Some((3, RELOAD_ALL.into())));
        // Two behind, across a failure and its fix: "ok" alone would not reload a page
        // edited before the failure.
        hub.publish(&broken());
        hub.publish(&Update::Nothing);
        assert_eq!(hub.wait(3, Duration::ZERO), Some((5, RELOAD_ALL.into())));
    }

    #[test]
    fn a_page_behind_while_the_site_is_broken_gets_the_errors() {
        let hub = Hub::new(&Update::Nothing, 0);
        hub.publish(&pages(&["/a/"]));
        hub.publish(&pages(&["/b/"]));
        hub.publish(&broken());
        let errors = message(&broken());
        assert!(errors.contains(r#""kind":"errors""#));
        assert_eq!(hub.wait(0, Duration::ZERO), Some((3, errors.clone())));
        assert_eq!(hub.wait(2, Duration::ZERO), Some((3, errors)));
    }

    #[test]
    fn a_new_page_starts_from_the_state_and_a_reconnecting_one_from_what_it_missed() {
        let hub = Hub::new(&broken(), 100);
        assert_eq!(hub.first(None), (100, message(&broken())));
        hub.publish(&Update::Nothing);
        hub.publish(&pages(&["/a/"]));
        assert_eq!(hub.first(None), (102, r#"{"kind":"ok"}"#.into()));
        assert_eq!(hub.first(Some(102)), (102, r#"{"kind":"ok"}"#.into()));
        assert_eq!(
            hub.first(Some(101)),
            (102, r#"{"kind":"pages","paths":["/a/"]}"#.into())
        );
        assert_eq!(hub.first(Some(100)), (102, RELOAD_ALL.into()));
        assert_eq!(
            hub.first(Some(7_000)),
            (102, RELOAD_ALL.into()),
            "an id this hub never gave out"
        );
    }

    #[test]
    fn a_waiting_stream_wakes_on_publish() {
        let hub = Arc::new(Hub::new(&Update::Nothing, 0));
        let waiter = {
            let hub = Arc::clone(&hub);
            std::thread::spawn(move || hub.wait(0, Duration::from_secs(60)))
        };
        hub.publish(&Update::Styles);
        assert_eq!(
            waiter.join().unwrap(),
            Some((1, r#"{"kind":"styles"}"#.into()))
        );
    }

    #[test]
    fn streams_are_limited_and_give_their_place_back() {
        let hub = Arc::new(Hub::new(&Update::Nothing, 0));
        let slots: Vec<_> = (0..MAX_STREAMS).map_while(|_| hub.open_stream()).collect();
        assert_eq!(slots.len(), MAX_STREAMS);
        assert!(hub.open_stream().is_none());
        drop(slots);
        assert!(hub.open_stream().is_some());
    }

    /// Sends each write to a channel; fails once nobody listens.
    struct Page(std::sync::mpsc::Sender<String>);

    impl Write for Page {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let text = String::from_utf8_lossy(bytes).into_owned();
            self.0
                .send(text)
                .map_err(|_| std::io::ErrorKind::BrokenPipe)?;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_stream_starts_with_the_retry_time_and_numbers_its_events() {
        let hub = Arc::new(Hub::new(&Update::Nothing, 41));
        let (sender, page) = std::sync::mpsc::channel();
        let slot = hub.open_stream().unwrap();
        let stream = std::thread::spawn(move || slot.run(None, &mut Page(sender)));
        assert_eq!(
            page.recv().unwrap(),
            "retry: 500\nid: 41\ndata: {\"kind\":\"ok\"}\n\n"
        );
        hub.publish(&Update::Styles);
        assert_eq!(
            page.recv().unwrap(),
            "id: 42\ndata: {\"kind\":\"styles\"}\n\n"
        );
        drop(page);
        hub.publish(&Update::Styles);
        stream.join().unwrap();
        assert_eq!(
            hub.streams.load(Ordering::Acquire),
            0,
            "the stream gave its place back"
        );
    }
}
