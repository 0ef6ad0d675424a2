//! `walletdesk serve`: builds the site in memory (never touching `public/`) and serves it
//! over HTTP on loopback with tiny_http. Request paths are decoded and normalised; a path that
//! would leave the site gets the 404 page, never a file from disk.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::error::Diagnostic;
use crate::pipeline::{self, Options};
use crate::render::OutputFile;

/// The built site, by path below the site root (`guide/index.html`).
pub struct Files(HashMap<String, Vec<u8>>);

impl Files {
    pub fn new(files: Vec<OutputFile>) -> Files {
        Files(files.into_iter().map(|f| (f.path, f.bytes)).collect())
    }

    /// The file for a request target (path and query), or `None` for a 404. Folders are
    /// served by their `index.html`; anything that is not a plain path inside the site is
    /// refused.
    pub fn lookup(&self, target: &str, base_path: &str) -> Option<(&str, &[u8])> {
        let path = target.split(['?', '#']).next().unwrap_or("");
        let path = path.strip_prefix(base_path.trim_end_matches('/'))?;
        let decoded = percent_decode_str(path).decode_utf8().ok()?;
        if decoded.contains(['\\', '\0']) || !decoded.starts_with('/') {
            return None;
        }
        let mut segments = Vec::new();
        for segment in decoded.split('/') {
            match segment {
                "" | "." => {}
                ".." => return None,
                s => segments.push(s),
            }
        }
        let mut key = segments.join("/");
        if decoded.ends_with('/') || key.is_empty() {
            key = if key.is_empty() {
                "index.html".to_string()
            } else {
                format!("{key}/index.html")
            };
        }
        if key.split('/').any(|s| s.starts_with('.')) {
            return None;
        }
        let (key, bytes) = self
            .0
            .get_key_value(&key)
            .or_else(|| self.0.get_key_value(&format!("{key}/index.html")))?;
        Some((key.as_str(), bytes.as_slice()))
    }

    fn get(&self, key: &str) -> Option<&[u8]> {
        self.0.get(key).map(Vec::as_slice)
    }
}

fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == "javascript"
            || mime.subtype() == "json"
            || mime.subtype() == "xml" =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

/// Builds the site and serves it until the process is stopped.
pub fn serve(
    options: &Options,
    bind: IpAddr,
    port: u16,
    quiet: bool,
) -> Result<(), Vec<Diagnostic>> {
    let address = SocketAddr::new(bind, port);
    let server = Server::http(address).map_err(|e| {
        let hint = format!(
            "is another server running? try --port {}",
            port.wrapping_add(1).max(1024)
        );
        vec![
            Diagnostic::error(address.to_string(), 0, 0, format!("cannot listen: {e}"))
                .with_hint(hint),
        ]
    })?;
    let host = if bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        bind.to_string()
    };
    let host = if bind.is_ipv6() {
        format!("[{host}]")
    } else {
        host
    };
    let base_url = format!("http://{host}:{port}/");
    let options = Options {
        base_url: Some(base_url.clone()),
        ..options.clone()
    };
    let (report, files) = pipeline::render(&options)?;
    if !quiet {
        for warning in &report.warnings {
            eprintln!("{warning}");
        }
        if bind.is_unspecified() {
            eprintln!(
                "warning: serving on every network interface ({bind}): anyone on your network can read this preview"
            );
        }
        println!("built {}", report.summary());
        println!("serving {base_url} (Ctrl-C stops)");
    }
    let files = Files::new(files);
    for request in server.incoming_requests() {
        respond(&files, request);
    }
    Ok(())
}

fn respond(files: &Files, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("only GET and HEAD\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let response = match files.lookup(request.url(), "/") {
        Some((path, bytes)) => Response::from_data(bytes.to_vec())
            .with_header(header("Content-Type", &content_type(path))),
        None => {
            let page = files.get("404.html").unwrap_or(b"404 not found\n");
            Response::from_data(page.to_vec())
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
        }
    };
    let _ = request.respond(response.with_header(header("Cache-Control", "no-store")));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        Files::new(vec![
            OutputFile {
                path: "index.html".into(),
                bytes: b"home".to_vec(),
            },
            OutputFile {
                path: "guide/index.html".into(),
                bytes: b"guide".to_vec(),
            },
            OutputFile {
                path: "css/site.css".into(),
                bytes: b"css".to_vec(),
            },
            OutputFile {
                path: ".walletdesk-output".into(),
                bytes: b"marker".to_vec(),
            },
        ])
    }

    #[test]
    fn serves_folders_by_their_index() {
        let files = files();
        assert_eq!(files.lookup("/", "/").unwrap().1, b"home");
        assert_eq!(files.lookup("/guide/", "/").unwrap().1, b"guide");
        assert_eq!(files.lookup("/guide", "/").unwrap().1, b"guide");
        assert_eq!(
            files.lookup("/css/site.css?v=1", "/").unwrap().0,
            "css/site.css"
        );
    }

    #[test]
    fn refuses_paths_that_leave_the_site() {
        let files = files();
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/guide/%2F..%2F..%2Fx",
            "/guide\\..\\x",
            "//etc/passwd/..",
            "/a%00b",
            "/.walletdesk-output",
            "relative",
        ] {
            assert!(files.lookup(bad, "/").is_none(), "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
    }
}
