#!/usr/bin/env python3
"""How fast `walletdesk serve` shows a saved page: the time from writing a Markdown file to the
live-reload event, and to the changed page being served, on the bench corpus.

    python3 bench/serve_reload.py [--pages 10000] [--saves 20] [--peer hugo]

It generates the corpus with ../shared/bench/gen_corpus.py (10,000 pages by default), starts
`target/release/walletdesk serve` on it (build it first: cargo build --release), saves one
page at a time with a changed sentence, and reports median, p95 and max. With `--peer hugo`
it runs `hugo server` (Debian's hugo) on the same corpus in the same run and measures the
time until its server returns the changed page, for a side-by-side ratio.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, seconds=600):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit("server did not start")


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def wait_served(url, marker, started, limit=120.0):
    while time.perf_counter() - started < limit:
        if marker in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.002)
    return float("inf")


class Events:
    """A minimal Server-Sent Events reader for walletdesk's /__walletdesk/events."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__walletdesk/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.buffer = b""
        self.next()

    def next(self):
        while b"\n\n" not in self.buffer.split(b"data: ", 1)[-1] or b"data: " not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("event stream closed")
            self.buffer += chunk
        head, rest = self.buffer.split(b"data: ", 1)
        data, self.buffer = rest.split(b"\n\n", 1)
        return data.decode()


def pages_to_edit(content, count):
    """(section, page file) pairs spread over the corpus."""
    found = []
    for section in sorted(os.listdir(content)):
        folder = os.path.join(content, section)
        if os.path.isdir(folder):
            found.extend((section, name) for name in sorted(os.listdir(folder)) if name.startswith("page-"))
    step = max(1, len(found) // count)
    return found[::step][:count]


def edit(path, n):
    """Appends a sentence to the page body: the front matter and headings stay the same."""
    marker = f"benchmark-edit-{n}-{time.time_ns()}"
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n{marker}\n")
    return marker


def report(name, times):
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"{name:42} median {statistics.median(times) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   max {times[-1] * 1000:8.1f} ms")
    return statistics.median(times)


def bench_walletdesk(args, work):
    site = os.path.join(work, "walletdesk")
    subprocess.run([sys.executable, GEN, "--pages", str(args.pages), "--out", os.path.join(site, "content", "zh"), "--layout", "plain", "--force"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as f:
        f.write("title: Bench\nbase_url: https://example.com/\nlanguages:\n  - code: zh\n    name: 中文\n")
    port = free_port()
    binary = os.path.join(REPO, "target", "release", "walletdesk")
    started = time.perf_counter()
    server = subprocess.Popen([binary, "--root", site, "--quiet", "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server)
        events = Events(port)
        print(f"walletdesk serve: first build and ready in {time.perf_counter() - started:.1f} s")
        to_event, to_served = [], []
        for n, (section, name) in enumerate(pages_to_edit(os.path.join(site, "content", "zh"), args.saves)):
            url_path = f"/{section}/{name[:-3]}/"
            t0 = time.perf_counter()
            marker = edit(os.path.join(site, "content", "zh", section, name), n)
            while True:
                data = events.next()
                if url_path in data or '"paths":null' in data:
                    break
            to_event.append(time.perf_counter() - t0)
            to_served.append(wait_served(f"http://127.0.0.1:{port}{url_path}", marker, t0))
        median_event = report("walletdesk: save → reload event", to_event)
        median_served = report("walletdesk: save → changed page served", to_served)
        # A new title changes the navigation of the whole section: a recompile that reuses
        # every rendered Markdown body.
        to_event = []
        for n, (section, name) in enumerate(pages_to_edit(os.path.join(site, "content", "zh"), 3)):
            path = os.path.join(site, "content", "zh", section, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace("title: \"", f"title: \"retitled {n} ", 1))
            while '"kind":"pages"' not in events.next():
                pass
            to_event.append(time.perf_counter() - t0)
        report("walletdesk: title change → reload event", to_event)
        return median_event, median_served
    finally:
        server.kill()
        server.wait()


def bench_hugo(args, work):
    site = os.path.join(work, "hugo")
    subprocess.run([sys.executable, GEN, "--pages", str(args.pages), "--out", site, "--layout", "hugo", "--force"], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(["hugo", "server", "--source", site, "--port", str(port), "--bind", "127.0.0.1", "--disableLiveReload"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server)
        content = os.path.join(site, "content")
        section, name = pages_to_edit(content, 1)[0]
        while not fetch(f"http://127.0.0.1:{port}/{section}/{name[:-3]}/"):
            time.sleep(0.05)
        print(f"hugo server: first build and ready in {time.perf_counter() - started:.1f} s")
        to_served = []
        for n, (section, name) in enumerate(pages_to_edit(content, args.saves)):
            url_path = f"/{section}/{name[:-3]}/"
            t0 = time.perf_counter()
            marker = edit(os.path.join(content, section, name), n)
            to_served.append(wait_served(f"http://127.0.0.1:{port}{url_path}", marker, t0))
        return report("hugo server: save → changed page served", to_served)
    finally:
        server.kill()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--peer", choices=["hugo"], action="append", default=[])
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="walletdesk-bench-")
    try:
        print(f"corpus: {args.pages} pages, {args.saves} saves, {os.cpu_count()} cores")
        _, served = bench_walletdesk(args, work)
        if "hugo" in args.peer:
            hugo = bench_hugo(args, work)
            print(f"ratio (hugo / walletdesk, save → changed page served): {hugo / served:.1f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
