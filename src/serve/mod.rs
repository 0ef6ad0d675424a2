//! `walletdesk serve`: the live preview for editors. It builds the site in memory (never
//! touching `public/`), serves it over HTTP with a small bounded server of its own (`http`),
//! watches the site folder and rebuilds what a change affects, and tells the open pages what
//! changed through Server-Sent Events (`hub`). When a rebuild fails, the last good build stays
//! served and every page shows the errors over it. Request paths are decoded and normalised; a
//! path that would leave the site gets the 404 page, never a file from disk.

mod http;
mod hub;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use percent_encoding::percent_decode_str;

use crate::error::Diagnostic;
use crate::pipeline::Options;
use crate::preview::{Files, Preview, Update};
use crate::watch::Watch;
use http::{Request, Response};
use hub::Hub;

/// Paths the preview server answers itself; no site page can be there.
const EVENTS: &str = "/__walletdesk/events";
const SCRIPT: &str = "/__walletdesk/livereload.js";
const LIVERELOAD_JS: &str = include_str!("../livereload.js");

/// How the preview listens.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on (`--bind`, loopback by default).
    pub bind: IpAddr,
    /// The port to listen on.
    pub port: u16,
    /// Open the preview in the browser once it is served.
    pub open: bool,
    /// Print only errors (`--quiet`).
    pub quiet: bool,
}

/// The file for a request target (path and query) among `files`, or `None` for a 404.
/// Folders are served by their `index.html`; anything that is not a plain path inside the
/// site (`..`, encoded slashes or backslashes, NUL) and the output marker are refused. Hidden
/// files are served when the build publishes them (`.well-known/`).
pub fn lookup<'a>(files: &'a Files, target: &str) -> Option<(&'a str, &'a Arc<[u8]>)> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            crate::output::MARKER => return None,
            s => segments.push(s),
        }
    }
    let joined = segments.join("/");
    let candidates = if joined.is_empty() {
        vec!["index.html".to_string()]
    } else if decoded.ends_with('/') {
        vec![format!("{joined}/index.html")]
    } else {
        vec![joined.clone(), format!("{joined}/index.html")]
    };
    candidates
        .into_iter()
        .find_map(|key| files.get_key_value(key.as_str()))
        .map(|(key, bytes)| (key.as_str(), bytes))
}

fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || ["javascript", "json", "xml"].contains(&mime.subtype().as_str());
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// Adds the live-reload script to an HTML page, in its head.
fn inject_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT}\" defer></script>");
    let text = String::from_utf8_lossy(html);
    let at = text
        .find("</head>")
        .or_else(|| text.find("</body>"))
        .unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + tag.len());
    out.push_str(&text[..at]);
    out.push_str(&tag);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The page served for every path while the site has never built.
const NOT_BUILT: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>The site did not build</title>\n</head>\n<body>\n<h1>The site did not build</h1>\n\
<p>The problems are listed in the terminal and over this page. It reloads by itself when the site builds.</p>\n\
</body>\n</html>\n";

/// What every connection's thread reads: the files of the last good build and the hub.
struct Live {
    /// The files served, replaced after every rebuild.
    files: RwLock<Arc<Files>>,
    /// The updates for the open pages.
    hub: Arc<Hub>,
}

/// Builds the site, serves it and rebuilds on every change until the process is stopped.
pub fn serve(options: &Options, settings: &Settings) -> Result<(), Vec<Diagnostic>> {
    let address = SocketAddr::new(settings.bind, settings.port);
    let listener = TcpListener::bind(address).map_err(|e| {
        let next = settings.port.checked_add(1).unwrap_or(1111);
        vec![
            Diagnostic::error(address.to_string(), 0, 0, format!("cannot listen: {e}")).with_hint(
                format!(
                    "is another server using port {}? try --port {next}",
                    settings.port
                ),
            ),
        ]
    })?;
    let host = match settings.bind {
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let base_url = format!("http://{host}:{}/", settings.port);
    // Watch events name absolute paths: the root must be absolute to recognise them.
    let root = crate::output::normalize(&options.root)
        .map_err(|e| vec![Diagnostic::error(options.root.clone(), 0, 0, e.to_string())])?;
    // Set by the watch when newer files arrive: a rebuild in progress then stops early.
    let cancel = Arc::new(AtomicBool::new(false));
    let options = Options {
        root,
        base_url: Some(base_url.clone()),
        live: true,
        cancel: Some(Arc::clone(&cancel)),
        // The preview reports each rebuild in one line of its own, not with a bar.
        progress: Default::default(),
        ..options.clone()
    };

    // Before anything is announced: Ctrl-C right after "serving" must stop cleanly too.
    let quiet = settings.quiet;
    let _ = ctrlc::set_handler(move || {
        if !quiet {
            println!("\nstopped: nothing was written to disk");
        }
        std::process::exit(0);
    });
    // Watch before the first build, so no change made while it runs is missed.
    let mut watch = Watch::start(&options.root, Arc::clone(&cancel)).map_err(|e| {
        vec![Diagnostic::error(
            options.root.clone(),
            0,
            0,
            format!("cannot watch the site folder: {e}"),
        )]
    })?;
    let started = Instant::now();
    let mut preview = Preview::new(options.clone());
    // A first build stopped by an early change is finished before anything is served.
    while !preview.is_settled() {
        cancel.store(false, Ordering::Relaxed);
        preview.settle();
    }
    let first = match preview.errors() {
        [] => Update::Nothing,
        errors => Update::Failed(errors.to_vec()),
    };
    if !settings.quiet {
        if settings.bind.is_unspecified() {
            eprintln!(
                "warning: serving on every network interface ({}): anyone on your network can read this preview",
                settings.bind
            );
        }
        match preview.built() {
            Some(built) => {
                for warning in &built.warnings {
                    eprintln!("{warning}");
                }
                println!("built {}", built.report(started.elapsed()).summary());
            }
            None => print_errors(preview.errors()),
        }
        println!("serving {base_url} — watching for changes (Ctrl-C stops)");
    }

    // Generations start at the clock's milliseconds: see `Hub::new`.
    let start = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(0));
    let live = Arc::new(Live {
        files: RwLock::new(preview.files()),
        hub: Arc::new(Hub::new(&first, start)),
    });
    {
        let live = Arc::clone(&live);
        thread::spawn(move || http::run(listener, move |request| respond(&live, request)));
    }
    if settings.open {
        open_browser(&base_url);
    }

    loop {
        // After a fast rebuild, finish it with a full one while no change is waiting.
        let changes = match watch.batches.try_recv() {
            Ok(changes) => changes,
            Err(_) if !preview.is_settled() => {
                cancel.store(false, Ordering::Relaxed);
                let started = Instant::now();
                // Quietly, unless it found something the fast rebuild did not.
                if let Some(update) = preview.settle().filter(|u| *u != Update::Nothing) {
                    publish(&live, &preview, &update, started.elapsed(), quiet);
                }
                continue;
            }
            Err(_) => match watch.batches.recv() {
                Ok(changes) => changes,
                Err(_) => break,
            },
        };
        // Watch new or replaced folders before reading, so no later write goes unseen.
        watch.refresh(&changes);
        cancel.store(false, Ordering::Relaxed);
        let started = Instant::now();
        let update = preview.apply(&changes);
        publish(&live, &preview, &update, started.elapsed(), quiet);
    }
    Ok(())
}

/// Serves the preview's files and tells the open pages what changed.
fn publish(live: &Live, preview: &Preview, update: &Update, elapsed: Duration, quiet: bool) {
    *live.files.write().unwrap_or_else(|e| e.into_inner()) = preview.files();
    if *update != Update::Superseded {
        live.hub.publish(update);
    }
    if !quiet {
        report(update, elapsed);
    }
}

fn print_errors(problems: &[Diagnostic]) {
    for problem in problems {
        eprintln!("{problem}");
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let plural = if errors == 1 { "" } else { "s" };
    eprintln!("error: {errors} problem{plural} found; serving the last good build");
}

fn report(update: &Update, elapsed: Duration) {
    let ms = elapsed.as_secs_f64() * 1000.0;
    match update {
        Update::Pages(Some(paths)) => println!("rebuilt in {ms:.1} ms: {}", paths.join(" ")),
        Update::Pages(None) => println!("rebuilt in {ms:.1} ms: every page"),
        Update::Styles => println!("rebuilt in {ms:.1} ms: stylesheets"),
        Update::Nothing => println!("rebuilt in {ms:.1} ms: nothing changed"),
        Update::Superseded => println!("stopped after {ms:.1} ms: newer changes came in"),
        Update::Failed(errors) => print_errors(errors),
    }
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("could not open a browser; open {url} yourself");
    }
}

/// The answer to `request`.
fn respond(live: &Live, request: &Request) -> Response {
    let path = request.target.split('?').next().unwrap_or("");
    if path == EVENTS {
        return events(&live.hub, request);
    }
    if path == SCRIPT {
        return Response::new(
            200,
            "text/javascript; charset=utf-8",
            LIVERELOAD_JS.as_bytes().to_vec(),
        )
        .with_header("Cache-Control", "no-store");
    }
    let files = Arc::clone(&live.files.read().unwrap_or_else(|e| e.into_inner()));
    let (status, file_path, bytes) = match lookup(&files, &request.target) {
        Some((file, bytes)) => (200, file.to_string(), Some(Arc::clone(bytes))),
        None if files.is_empty() => (500, "error.html".to_string(), None),
        None => (404, "404.html".to_string(), files.get("404.html").cloned()),
    };
    let content_type = content_type(&file_path);
    let body = match (&bytes, content_type.starts_with("text/html")) {
        (Some(bytes), true) => inject_script(bytes),
        (Some(bytes), false) => bytes.to_vec(),
        (None, _) => inject_script(NOT_BUILT.as_bytes()),
    };
    let content_type = if bytes.is_none() {
        "text/html; charset=utf-8"
    } else {
        &content_type
    };
    Response::new(status, content_type, body).with_header("Cache-Control", "no-store")
}

/// The event stream for a page, on the connection's own thread. A page that reconnects after
/// losing its stream sends the id of the last event it saw, and is told what it missed.
fn events(hub: &Arc<Hub>, request: &Request) -> Response {
    let last_seen = request
        .header("Last-Event-ID")
        .and_then(|id| id.parse().ok());
    match hub.open_stream() {
        Some(stream) => {
            Response::stream("text/event-stream", move |out| stream.run(last_seen, out))
        }
        // Too many pages are open: this one's EventSource tries again when the answer ends.
        None => Response::new(
            200,
            "text/event-stream",
            b": too many open pages\nretry: 5000\n\n".to_vec(),
        ),
    }
    .with_header("Cache-Control", "no-store")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        [
            ("index.html", "home"),
            ("guide/index.html", "guide"),
            ("css/site.css", "css"),
            (".walletdesk-output", "marker"),
            (
                ".well-known/apple-developer-merchantid-domain-association",
                "7B22",
            ),
        ]
        .into_iter()
        .map(|(path, text)| (path.to_string(), Arc::from(text.as_bytes())))
        .collect()
    }

    #[test]
    fn serves_folders_by_their_index() {
        let files = files();
        assert_eq!(&**lookup(&files, "/").unwrap().1, b"home");
        assert_eq!(&**lookup(&files, "/guide/").unwrap().1, b"guide");
        assert_eq!(&**lookup(&files, "/guide").unwrap().1, b"guide");
        assert_eq!(
            lookup(&files, "/css/site.css?v=1").unwrap().0,
            "css/site.css"
        );
        let verification = "/.well-known/apple-developer-merchantid-domain-association";
        assert_eq!(&**lookup(&files, verification).unwrap().1, b"7B22");
    }

    #[test]
    fn refuses_paths_that_leave_the_site() {
        let files = files();
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/guide/%2F..%2F..%2Fx",
            "/guide\\..\\x",
            "/guide/%5c..%5cx",
            "//etc/passwd/..",
            "/a%00b",
            "/.walletdesk-output",
            "/%2e/.walletdesk-output",
            "relative",
            "/%c0%ae%c0%ae/x",
        ] {
            assert!(lookup(&files, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_script_goes_into_the_head() {
        let html = inject_script(b"<html><head><title>t</title></head><body></body></html>");
        assert_eq!(
            String::from_utf8(html).unwrap(),
            "<html><head><title>t</title><script src=\"/__walletdesk/livereload.js\" defer></script></head><body></body></html>"
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("img/a.png"), "image/png");
    }
}
