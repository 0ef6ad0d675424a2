#!/usr/bin/env python3
"""How `walletdesk serve` holds up under load while pages are being saved: requests/s and
latency for 50 keep-alive clients, what the live-reload streams receive, and the server's peak
memory and threads.

    python3 bench/serve_load.py [--duration 20] [--clients 50] [--streams 10] [--interval 0.2]
                                [--in-place] [--json]

It needs target/release/walletdesk (cargo build --release). It copies the repo's bundled site
(site.yaml, content/, templates/ if present, static/) into a temporary folder, starts
`walletdesk --root TMP serve --port P` and waits for its `serving` line, takes the page URLs
from the server's sitemap.xml, then for DURATION seconds runs CLIENTS threads, each doing GETs
over one kept-alive HTTP/1.1 connection, and STREAMS live-reload event streams, while another
thread saves a page every INTERVAL seconds (appending a line, then restoring it; written to a
new file renamed over the page, as most editors save, or with --in-place truncated and
rewritten). It reports requests/s, p50/p99/max latency, errors by kind, saves, rebuilds and
failed rebuilds, the events and reloads the streams received, and the server's peak RSS and
thread count (sampled from /proc every 50 ms). Python threads share one interpreter lock and
the machine with the server: the figures are of both.
"""
import argparse
import collections
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BINARY = os.path.join(REPO, "target", "release", "walletdesk")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_site(site):
    """The bundled site's sources in the new folder `site`."""
    os.mkdir(site)
    shutil.copy(os.path.join(REPO, "site.yaml"), site)
    for folder in ("content", "templates", "static"):
        source = os.path.join(REPO, folder)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(site, folder))


def page_to_save(root):
    """A Markdown page of the site that is not a section index."""
    for folder, _, files in sorted(os.walk(os.path.join(root, "content", "zh"))):
        for name in sorted(files):
            if name.endswith(".md") and not name.startswith("_"):
                return os.path.join(folder, name)
    sys.exit("no page to save in content/zh")


class Server:
    """`walletdesk serve` on a free port; its output lines are kept (rebuilds are counted)."""

    def __init__(self, root):
        self.port = free_port()
        self.process = subprocess.Popen(
            [BINARY, "--root", root, "serve", "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines = []
        serving = threading.Event()

        def read():
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))
                if line.startswith("serving "):
                    serving.set()

        threading.Thread(target=read, daemon=True).start()
        if not serving.wait(120):
            self.stop()
            sys.exit("walletdesk serve did not start:\n" + "\n".join(self.lines))

    def get(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body

    def sample(self):
        """(VmRSS in kB, threads) of the server process, or None once it is gone."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="utf-8") as f:
                status = f.read()
            rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            return rss, len(os.listdir(f"/proc/{self.process.pid}/task"))
        except (OSError, StopIteration):
            return None

    def cpu_seconds(self):
        """User and system CPU time the server has used."""
        with open(f"/proc/{self.process.pid}/stat", encoding="utf-8") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.kill()
        self.process.wait()


def page_paths(server):
    status, body = server.get("/sitemap.xml")
    if status != 200:
        sys.exit(f"sitemap.xml: {status}")
    locs = [e.text for e in ET.fromstring(body).iter() if e.tag.endswith("loc") and e.text]
    return sorted({urllib.parse.urlsplit(loc).path for loc in locs})


def error_kind(error):
    return type(error).__name__


def client(port, paths, offset, stop, results):
    """GETs over one kept-alive connection (a new one after an error) until `stop`."""
    latencies, errors = [], collections.Counter()
    connection = None
    i = offset
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors[f"status {response.status}"] += 1
            else:
                latencies.append(time.perf_counter() - started)
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            errors[error_kind(error)] += 1
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()
    results.append((latencies, errors))


def stream(port, stop, received):
    """One live-reload event stream: counts the events after the first, by kind."""
    counts = collections.Counter()
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /__walletdesk/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.settimeout(0.5)
        buffer = b""
        first = True
        while not stop.is_set():
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                counts["closed by the server"] += 1
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if not line.startswith(b"data: "):
                    continue
                if first:
                    first = False
                    continue
                update = json.loads(line[6:])
                counts["events"] += 1
                if update["kind"] == "pages":
                    counts["full reloads" if update["paths"] is None else "page reloads"] += 1
                else:
                    counts[update["kind"]] += 1
        sock.close()
    except OSError as error:
        counts[f"stream error {error_kind(error)}"] += 1
    received.append(counts)


def save(path, text, scratch):
    """Writes `text` to `path` as most editors save: a new file renamed over the old one
    (`scratch` is a folder outside the site on the same file system). Without `scratch`, in
    place: truncated, then written."""
    if scratch is None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return
    temp = os.path.join(scratch, os.path.basename(path))
    with open(temp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temp, path)


def saver(path, interval, scratch, stop, saves):
    """Appends a line to the page, then restores it, every `interval` seconds."""
    with open(path, encoding="utf-8") as f:
        original = f.read()
    n = 0
    while not stop.wait(interval):
        n += 1
        save(path, f"{original}\n负载测试 {n}。\n" if n % 2 else original, scratch)
        saves.append(time.perf_counter())
    save(path, original, scratch)


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    parser.add_argument("--clients", type=int, default=50, help="keep-alive client threads (default 50)")
    parser.add_argument("--streams", type=int, default=10, help="live-reload event streams (default 10)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between saves (default 0.2)")
    parser.add_argument("--in-place", action="store_true",
                        help="save by truncating and rewriting the page (as some editors do) instead of write and rename")
    parser.add_argument("--json", action="store_true", help="also print every figure as JSON")
    args = parser.parse_args()
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"{BINARY} is missing: run cargo build --release first")

    work = tempfile.mkdtemp(prefix="walletdesk-load-")
    server = None
    try:
        copy_site(os.path.join(work, "site"))
        os.mkdir(os.path.join(work, "scratch"))
        server = Server(os.path.join(work, "site"))
        paths = page_paths(server)
        idle = server.sample()
        stop = threading.Event()
        results, received, saves, samples = [], [], [], []

        def monitor():
            while not stop.wait(0.05):
                sample = server.sample()
                if sample:
                    samples.append(sample)

        threads = [threading.Thread(target=monitor)]
        threads += [threading.Thread(target=stream, args=(server.port, stop, received)) for _ in range(args.streams)]
        threads += [
            threading.Thread(target=client, args=(server.port, paths, n, stop, results))
            for n in range(args.clients)
        ]
        scratch = None if args.in_place else os.path.join(work, "scratch")
        site = os.path.join(work, "site")
        threads.append(threading.Thread(target=saver, args=(page_to_save(site), args.interval, scratch, stop, saves)))
        rebuilds_before = sum(line.startswith("rebuilt in ") for line in server.lines)
        cpu_before = server.cpu_seconds()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
        # The last save's rebuild may still be on its way.
        time.sleep(1)
        rebuilds = [line for line in server.lines if line.startswith("rebuilt in ")][rebuilds_before:]
        problems = [line for line in server.lines if line.startswith("error: ")]
        messages = collections.Counter(
            line for line in server.lines if line.startswith(("content/", "templates/", "static/", "site.yaml"))
        )
        still_up = server.get("/")[0] == 200
    finally:
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    latencies = sorted(t for times, _ in results for t in times)
    errors = sum((e for _, e in results), collections.Counter())
    events = [c["events"] for c in received]
    figures = {
        "duration_s": round(seconds, 1),
        "clients": args.clients,
        "streams": args.streams,
        "pages": len(paths),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / seconds),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "errors": dict(errors),
        "saves": len(saves),
        "rebuilds": len(rebuilds),
        "failed_rebuilds": len(problems),
        "build_problems": dict(messages.most_common(5)),
        "events_per_stream": [min(events, default=0), max(events, default=0)],
        "page_reloads": sum(c["page reloads"] for c in received),
        "full_reloads": sum(c["full reloads"] for c in received),
        "stream_problems": {k: v for c in received for k, v in c.items() if k.startswith(("stream error", "closed"))},
        "idle_rss_kb": idle[0] if idle else None,
        "peak_rss_kb": max((s[0] for s in samples), default=None),
        "idle_threads": idle[1] if idle else None,
        "peak_threads": max((s[1] for s in samples), default=None),
        "server_cpu_s": round(cpu, 1),
        "still_serving": still_up,
    }
    print(f"walletdesk serve under load: {args.clients} keep-alive clients over {len(paths)} pages, "
          f"{args.streams} event streams, a save every {args.interval} s, {seconds:.1f} s, {os.cpu_count()} cores")
    print(f"  requests          {figures['requests']} ({figures['requests_per_s']} requests/s)")
    print(f"  latency           p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms")
    print(f"  errors            {sum(errors.values())} {dict(errors) or ''}")
    print(f"  saves / rebuilds  {len(saves)} / {len(rebuilds)}, {len(problems)} failed")
    for message, count in messages.most_common(5):
        print(f"    {count} × {message}")
    print(f"  events per stream {figures['events_per_stream'][0]}–{figures['events_per_stream'][1]} "
          f"(page reloads {figures['page_reloads']}, full reloads {figures['full_reloads']} over all streams)"
          + (f"; problems {figures['stream_problems']}" if figures["stream_problems"] else ""))
    print(f"  server RSS        {figures['idle_rss_kb']} kB idle, peak {figures['peak_rss_kb']} kB")
    print(f"  server threads    {figures['idle_threads']} idle, peak {figures['peak_threads']}")
    print(f"  server CPU        {cpu:.1f} s in {seconds:.1f} s (the clients and the machine's other work had the rest)")
    print(f"  still serving     {'yes' if still_up else 'NO'}")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
