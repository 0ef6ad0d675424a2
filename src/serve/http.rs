//! The preview's HTTP/1.1 server, over `std::net` and `httparse`, built to stay small whatever
//! clients send. It holds at most `MAX_CONNECTIONS` connections, each served by its own
//! thread; more are answered 503 at once by the accepting thread. It reads at most `MAX_HEAD`
//! bytes of request head per request (a longer request line is a 414, a larger head or more
//! than `MAX_HEADERS` headers a 431, anything malformed a 400, and the connection is closed),
//! gives a request head `HEAD_TIMEOUT` and an idle kept-alive connection `IDLE_TIMEOUT`, and
//! no write waits longer than `WRITE_TIMEOUT`. It answers GET and HEAD only, and only under
//! Host names a DNS-rebinding page cannot take over (`localhost`, IP literals); it keeps
//! connections alive as HTTP/1.1 and HTTP/1.0 ask and answers pipelined requests in order.
//! What to answer is the handler's business (`serve`'s `respond`).

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Most connections served at once, event streams included; each has a thread.
const MAX_CONNECTIONS: usize = 128;
/// Longest request line (method, target and version), in bytes.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Most bytes of one request head (request line and headers): all a connection buffers.
const MAX_HEAD: usize = 32 * 1024;
/// Most headers in one request.
const MAX_HEADERS: usize = 100;
/// Time for a whole request head, from the connection or from the head's first byte.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a kept-alive connection may wait for its next request.
const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// Time one write may wait for a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After a refusal, what the client still sends is read and dropped for at most this long
/// and this many bytes, so that it reads the answer rather than a reset connection.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 1024 * 1024;

/// A request for the handler: GET or HEAD (the server answers HEAD without the body), under
/// an allowed Host.
pub struct Request {
    /// The request target as sent: the path and the query.
    pub target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// The value of the first header called `name` (in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_values(&self.headers, name).next()
    }
}

/// An answer to a request.
pub struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

enum Body {
    /// Sent with its Content-Length; the connection can serve another request after it.
    Bytes(Vec<u8>),
    /// Written until the client goes away; the connection closes after it.
    Stream(Box<StreamWriter>),
}

/// Writes a streamed body to the connection.
type StreamWriter = dyn FnOnce(&mut dyn Write) + Send;

impl Response {
    /// A response with `status` and a `body` of `content_type`.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Body::Bytes(body),
        }
    }

    /// A 200 response of `content_type` whose body `write` writes for as long as it likes.
    pub fn stream(
        content_type: &str,
        write: impl FnOnce(&mut dyn Write) + Send + 'static,
    ) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Body::Stream(Box::new(write)),
        }
    }

    /// The response with one more header.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// A short plain-text answer, for the refusals the server makes itself.
fn text(status: u16, message: &str) -> Response {
    Response::new(
        status,
        "text/plain; charset=utf-8",
        format!("{message}\n").into_bytes(),
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Accepts connections on `listener` forever and answers every request with `handler`.
pub fn run(listener: TcpListener, handler: impl Fn(&Request) -> Response + Send + Sync + 'static) {
    let handler = Arc::new(handler);
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of file descriptors, say: let some close rather than spin.
            thread::sleep(Duration::from_millis(50));
            continue;
        };
        // Only this thread adds to `open`, so the place checked is still free when taken.
        if open.load(Ordering::Acquire) >= MAX_CONNECTIONS {
            turn_away(stream);
            continue;
        }
        open.fetch_add(1, Ordering::AcqRel);
        let place = Place(Arc::clone(&open));
        let handler = Arc::clone(&handler);
        // If no thread can be made, the closure is dropped: the stream closes, the place frees.
        let _ = thread::Builder::new()
            .name("walletdesk-http".to_string())
            .spawn(move || {
                let _place = place;
                serve_connection(stream, &*handler);
            });
    }
}

/// One connection's place among `MAX_CONNECTIONS`, given back when dropped.
struct Place(Arc<AtomicUsize>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers a connection over the limit with a 503 without waiting for it: no thread, no read.
fn turn_away(stream: TcpStream) {
    let body = "walletdesk serve is busy: too many connections; try again\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.set_nonblocking(true).is_ok() {
        // Whatever request already arrived is read, so closing does not reset the connection.
        let _ = (&stream).read(&mut [0; 4096]);
        let _ = (&stream).write_all(answer.as_bytes());
        let _ = stream.shutdown(Shutdown::Write);
    }
}

/// Answers the requests of one connection until it closes, fails, idles or must close.
fn serve_connection(mut stream: TcpStream, handler: &dyn Fn(&Request) -> Response) {
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    // Responses go out whole in one write; nothing is gained by waiting to merge them.
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    let mut wait = HEAD_TIMEOUT;
    loop {
        let (head, len) = match read_head(&mut stream, &mut buffer, wait) {
            Some(Parsed::Complete(head, len)) => (head, len),
            Some(Parsed::Refused(status, message)) => {
                return refuse(stream, text(status, &message));
            }
            Some(Parsed::Partial) | None => return,
        };
        buffer.drain(..len);
        wait = IDLE_TIMEOUT;
        if let Err(refusal) = judge(&head) {
            return refuse(stream, refusal);
        }
        // A body is never read: after it the connection could not tell where the next
        // request starts, so it closes.
        let body = head.announces_body();
        let persistence = if head.keep_alive() && !body {
            Persistence::KeepAlive {
                http10: head.http10,
            }
        } else {
            Persistence::Close
        };
        let head_only = head.method == "HEAD";
        let request = Request {
            target: head.target,
            headers: head.headers,
        };
        let response = handler(&request);
        match send(&mut stream, response, head_only, persistence) {
            Ok(true) => {}
            Ok(false) if body => return linger(stream),
            Ok(false) | Err(_) => return,
        }
    }
}

/// What the start of a connection's buffer holds.
#[derive(Debug, PartialEq)]
enum Parsed {
    /// Not a whole request head yet.
    Partial,
    /// A request head, and how many bytes of the buffer it took.
    Complete(Head, usize),
    /// A request refused as it stands (400, 414 or 431), with why; the connection closes.
    Refused(u16, String),
}

/// A request head as the client sent it.
#[derive(Debug, PartialEq)]
struct Head {
    method: String,
    target: String,
    /// HTTP/1.0 rather than HTTP/1.1.
    http10: bool,
    headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        header_values(&self.headers, name)
    }

    /// Whether the client asks to keep the connection open: by default in HTTP/1.1 (unless
    /// `Connection: close`), only with `Connection: keep-alive` in HTTP/1.0.
    fn keep_alive(&self) -> bool {
        let has = |option: &str| {
            self.values("Connection")
                .flat_map(|value| value.split(','))
                .any(|token| token.trim().eq_ignore_ascii_case(option))
        };
        !has("close") && (!self.http10 || has("keep-alive"))
    }

    /// Whether a body follows the head.
    fn announces_body(&self) -> bool {
        self.values("Transfer-Encoding").next().is_some()
            || self.values("Content-Length").any(|length| length != "0")
    }
}

fn header_values<'a>(headers: &'a [(String, String)], name: &str) -> impl Iterator<Item = &'a str> {
    headers
        .iter()
        .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Parses the request head at the start of `buffer`, which holds at most `MAX_HEAD` bytes.
fn parse(buffer: &[u8]) -> Parsed {
    // The request line, after the empty lines a client may send first.
    let start = buffer
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(buffer.len());
    let line = buffer[start..]
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(buffer.len() - start);
    if line > MAX_REQUEST_LINE {
        return Parsed::Refused(
            414,
            format!("request line longer than {MAX_REQUEST_LINE} bytes"),
        );
    }
    let too_large = || {
        Parsed::Refused(
            431,
            format!(
                "request head larger than {MAX_HEAD} bytes or with more than {MAX_HEADERS} headers"
            ),
        )
    };
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(buffer) {
        Ok(httparse::Status::Complete(len)) => {
            let head = Head {
                method: request.method.unwrap_or_default().to_string(),
                target: request.path.unwrap_or_default().to_string(),
                http10: request.version == Some(0),
                headers: request
                    .headers
                    .iter()
                    .map(|h| {
                        let value = String::from_utf8_lossy(h.value);
                        (h.name.to_string(), value.trim().to_string())
                    })
                    .collect(),
            };
            Parsed::Complete(head, len)
        }
        Ok(httparse::Status::Partial) if buffer.len() >= MAX_HEAD => too_large(),
        Ok(httparse::Status::Partial) => Parsed::Partial,
        Err(httparse::Error::TooManyHeaders) => too_large(),
        Err(e) => Parsed::Refused(400, format!("malformed request: {e}")),
    }
}

/// Reads from `stream` until `buffer` starts with a whole request head or one to refuse. The
/// first byte of it may take `wait`, the whole head `HEAD_TIMEOUT` from there. `None` when the
/// client closes, fails or takes too long.
fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>, wait: Duration) -> Option<Parsed> {
    let mut deadline = Instant::now()
        + if buffer.is_empty() {
            wait
        } else {
            HEAD_TIMEOUT
        };
    // Bytes left over from the previous request may hold the next one (pipelining).
    let mut unparsed = !buffer.is_empty();
    let mut chunk = [0; 8192];
    loop {
        if unparsed {
            match parse(buffer) {
                Parsed::Partial => {}
                done => return Some(done),
            }
        }
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())?;
        stream.set_read_timeout(Some(left)).ok()?;
        let room = chunk.len().min(MAX_HEAD - buffer.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return None,
            Ok(n) => {
                if buffer.is_empty() {
                    deadline = Instant::now() + HEAD_TIMEOUT;
                }
                buffer.extend_from_slice(&chunk[..n]);
                // A head can only end, or its request line outgrow its limit, with these
                // bytes; parsing only then keeps a head sent byte by byte cheap.
                unparsed = chunk[..n].contains(&b'\n')
                    || buffer.len() >= MAX_HEAD
                    || (buffer.len() > MAX_REQUEST_LINE && !buffer.contains(&b'\n'));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// Refuses a request the handler never sees: 400 for a broken request, 403 for a Host that is
/// not allowed, 405 for other methods than GET and HEAD.
fn judge(head: &Head) -> Result<(), Response> {
    if head
        .values("Content-Length")
        .any(|length| length.parse::<u64>().is_err())
    {
        return Err(text(400, "bad request: Content-Length is not a number"));
    }
    match head.values("Host").collect::<Vec<_>>()[..] {
        [] if !head.http10 => {
            return Err(text(
                400,
                "bad request: an HTTP/1.1 request needs a Host header",
            ));
        }
        [_, _, ..] => return Err(text(400, "bad request: more than one Host header")),
        [host] if !host_allowed(host) => {
            return Err(text(
                403,
                &format!("walletdesk serve answers only localhost and IP addresses, not {host}"),
            ));
        }
        _ => {}
    }
    if !matches!(head.method.as_str(), "GET" | "HEAD") {
        return Err(text(405, "walletdesk serve answers only GET and HEAD")
            .with_header("Allow", "GET, HEAD"));
    }
    Ok(())
}

/// Whether `host` (a Host header: a name and maybe a port) is one a DNS-rebinding page cannot
/// reach the server under: `localhost` or an IP address, with any port. Rebinding needs a
/// domain name the attacker controls; these never go to DNS.
fn host_allowed(host: &str) -> bool {
    let is_port =
        |port: &str| (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = host.strip_prefix('[') {
        let Some((ip, port)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = port.is_empty() || port.strip_prefix(':').is_some_and(is_port);
        return port_ok && ip.parse::<Ipv6Addr>().is_ok();
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if is_port(port) => name,
        Some(_) => return false,
        None => host,
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<Ipv4Addr>().is_ok()
}

/// How the connection goes on after a response.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Persistence {
    Close,
    /// Open for the next request; HTTP/1.0 clients are told so (`Connection: keep-alive`).
    KeepAlive {
        http10: bool,
    },
}

/// Writes `response` (its head only when `head_only`). `Ok(true)` when the connection can
/// serve another request.
fn send(
    stream: &mut TcpStream,
    response: Response,
    head_only: bool,
    persistence: Persistence,
) -> io::Result<bool> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match response.body {
        Body::Bytes(body) => {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
            head.push_str(match persistence {
                Persistence::Close => "Connection: close\r\n\r\n",
                Persistence::KeepAlive { http10: true } => "Connection: keep-alive\r\n\r\n",
                Persistence::KeepAlive { http10: false } => "\r\n",
            });
            let mut bytes = head.into_bytes();
            if !head_only {
                bytes.extend_from_slice(&body);
            }
            stream.write_all(&bytes)?;
            Ok(persistence != Persistence::Close)
        }
        Body::Stream(write) => {
            head.push_str("Connection: close\r\n\r\n");
            stream.write_all(head.as_bytes())?;
            if !head_only {
                write(stream);
            }
            Ok(false)
        }
    }
}

/// Sends a refusal and closes the connection.
fn refuse(mut stream: TcpStream, refusal: Response) {
    if send(&mut stream, refusal, false, Persistence::Close).is_ok() {
        linger(stream);
    }
}

/// Closes a connection the client may still be sending on. Closing with unread bytes would
/// reset the connection, and a reset can reach the client before it reads the answer: so the
/// server first says it is done, then reads and drops what comes, for a bounded while.
fn linger(mut stream: TcpStream) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let until = Instant::now() + LINGER;
    let mut sink = [0; 8192];
    let mut dropped = 0;
    while dropped < LINGER_BYTES {
        let Some(left) = until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
        else {
            return;
        };
        if stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => dropped += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Head {
        match parse(text.as_bytes()) {
            Parsed::Complete(head, len) => {
                assert_eq!(len, text.len());
                head
            }
            other => panic!("{other:?}"),
        }
    }

    fn refused(bytes: &[u8]) -> u16 {
        match parse(bytes) {
            Parsed::Refused(status, _) => status,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_whole_head_is_parsed_and_the_rest_left_for_the_next_request() {
        let two = "GET /a/?q=1 HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID:  7 \r\n\r\nGET /b/ HTTP/1.1\r\n";
        let Parsed::Complete(head, len) = parse(two.as_bytes()) else {
            panic!()
        };
        assert_eq!(
            head,
            Head {
                method: "GET".into(),
                target: "/a/?q=1".into(),
                http10: false,
                headers: vec![
                    ("Host".into(), "localhost".into()),
                    ("Last-Event-ID".into(), "7".into())
                ],
            }
        );
        assert_eq!(&two[len..], "GET /b/ HTTP/1.1\r\n");
        assert_eq!(parse(&two.as_bytes()[len..]), Parsed::Partial);
    }

    #[test]
    fn a_long_request_line_is_414_even_before_it_ends() {
        let line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(refused(line.as_bytes()), 414);
        assert_eq!(refused(&line.as_bytes()[..MAX_REQUEST_LINE + 1]), 414);
        let fits = format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_REQUEST_LINE - 16));
        assert_eq!(parse(fits.as_bytes()), Parsed::Partial);
    }

    #[test]
    fn a_large_head_or_too_many_headers_is_431() {
        let mut big = b"GET / HTTP/1.1\r\nX: ".to_vec();
        big.resize(MAX_HEAD, b'a');
        assert_eq!(
            refused(&big),
            431,
            "the buffer is full and the head goes on"
        );
        big.truncate(MAX_HEAD - 1);
        assert_eq!(parse(&big), Parsed::Partial);
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(refused(many.as_bytes()), 431);
        let enough = format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(MAX_HEADERS));
        assert_eq!(head(&enough).headers.len(), MAX_HEADERS);
    }

    #[test]
    fn malformed_heads_are_400() {
        for bad in [
            "GARBAGE\r\n\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            "GET / HTTP/1.1\r\nBad\x01Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET /\x7f HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(refused(bad.as_bytes()), 400, "{bad:?}");
        }
    }

    #[test]
    fn keep_alive_is_the_default_in_http_1_1_and_asked_for_in_http_1_0() {
        let cases = [
            ("GET / HTTP/1.1\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nConnection: TE, Close\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
            ("GET / HTTP/1.0\r\nconnection: keep-alive, te\r\n\r\n", true),
        ];
        for (text, keep) in cases {
            assert_eq!(head(text).keep_alive(), keep, "{text:?}");
        }
    }

    #[test]
    fn a_body_is_announced_by_its_length_or_transfer_encoding() {
        assert!(!head("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").announces_body());
        assert!(head("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").announces_body());
        assert!(head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").announces_body());
    }

    #[test]
    fn only_hosts_that_cannot_be_rebound_are_allowed() {
        for good in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1",
            "127.0.0.1:8080",
            "192.168.1.20:1111",
            "[::1]",
            "[::1]:1111",
            "[fe80::1]:80",
        ] {
            assert!(host_allowed(good), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "sub.localhost",
            "localhost:",
            "localhost:abc",
            "localhost:123456",
            "::1",
            "[::1",
            "[::1]x",
            "[evil.example]",
            "127.1",
            "",
        ] {
            assert!(!host_allowed(bad), "{bad}");
        }
    }

    fn status(head_text: &str) -> Option<u16> {
        judge(&head(head_text)).err().map(|r| r.status)
    }

    #[test]
    fn requests_are_judged_before_the_handler_sees_them() {
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: localhost:1111\r\n\r\n"),
            None
        );
        assert_eq!(
            status("HEAD / HTTP/1.0\r\n\r\n"),
            None,
            "HTTP/1.0 needs no Host"
        );
        assert_eq!(status("GET / HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: localhost\r\nHost: a.example\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1x\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n"),
            Some(403)
        );
        let post = judge(&head("POST / HTTP/1.1\r\nHost: localhost\r\n\r\n")).unwrap_err();
        assert_eq!(post.status, 405);
        assert!(post.headers.contains(&("Allow", "GET, HEAD".to_string())));
    }
}
