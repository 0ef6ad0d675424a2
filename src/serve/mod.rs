//! `walletdesk serve`: the live preview for editors. It builds the site in memory (never
//! touching `public/`), serves it over HTTP (`http`: a small bounded HTTP/1.1 server;
//! `routes`: what each path gets), watches the site folder and rebuilds what a change
//! affects, and tells the open pages what changed through Server-Sent Events (`hub`). When a
//! rebuild fails, the last good build stays served and every page shows the errors over it.

mod http;
mod hub;
mod routes;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::error::Diagnostic;
use crate::pipeline::Options;
use crate::preview::{Preview, Update};
use crate::watch::Watch;
use hub::Hub;
use routes::Live;

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
    let options = Options {
        root,
        base_url: Some(base_url.clone()),
        live: true,
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
    let mut watch = Watch::start(&options.root).map_err(|e| {
        vec![Diagnostic::error(
            options.root.clone(),
            0,
            0,
            format!("cannot watch the site folder: {e}"),
        )]
    })?;
    let started = Instant::now();
    let mut preview = Preview::new(options.clone());
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
        thread::spawn(move || http::run(listener, move |request| routes::respond(&live, request)));
    }
    if settings.open {
        open_browser(&base_url);
    }

    while let Ok(changes) = watch.batches.recv() {
        let started = Instant::now();
        let update = preview.apply(&changes);
        let elapsed = started.elapsed();
        *live.files.write().unwrap_or_else(|e| e.into_inner()) = preview.files();
        live.hub.publish(&update);
        watch.refresh();
        if !quiet {
            report(&update, elapsed);
        }
    }
    Ok(())
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
