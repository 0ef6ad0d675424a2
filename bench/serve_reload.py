#!/usr/bin/env python3
"""How fast `walletdesk serve` shows a saved page: the time from writing a Markdown file to the
live-reload event, and to the changed page being served, on the bench corpus.

    python3 bench/serve_reload.py [--pages 10000] [--saves 20] [--title-saves N] [--peer hugo]

It generates the corpus with ../shared/bench/gen_corpus.py (10,000 pages by default), starts
`target/release/walletdesk serve` on it (build it first: cargo build --release), saves one
page at a time with a changed sentence, and reports median, p95 and max. Then it gives pages a
new front-matter `title:` (--title-saves of them, --saves by default; a new title each time,
saved as editors save: a new file renamed over the page), which changes what the section's
navigation shows, and reports the time to the reload event (and to the page served with its
new title) the same way. The issue's goals are printed beside: one-page edit ≤ 50 ms, title
change ≤ 300 ms, both save → reload event at 10,000 pages. With `--peer hugo` it runs
`hugo server` (Debian's hugo) on the same corpus in the same run and measures the time until
its server returns the changed page, for a side-by-side ratio.
"""
import argparse
import os
import re
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
# The goals, save → reload event at 10,000 pages.
GOAL_PAGE_MS, GOAL_TITLE_MS, GOAL_PAGES = 50, 300, 10000
TITLE = re.compile(r"^title:.*$", re.M)


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

    def complete(self):
        return b"data: " in self.buffer and b"\n\n" in self.buffer.split(b"data: ", 1)[-1]

    def next(self):
        while not self.complete():
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("event stream closed")
            self.buffer += chunk
        head, rest = self.buffer.split(b"data: ", 1)
        data, self.buffer = rest.split(b"\n\n", 1)
        return data.decode()

    def drain(self, quiet=0.2):
        """Drops the events that arrive until none has for `quiet` seconds (a late second
        event of the previous save must not be taken for the next one's)."""
        dropped = 0
        self.sock.settimeout(quiet)
        try:
            while True:
                while self.complete():
                    self.next()
                    dropped += 1
                try:
                    chunk = self.sock.recv(65536)
                except (socket.timeout, BlockingIOError):
                    return dropped
                if not chunk:
                    raise SystemExit("event stream closed")
                self.buffer += chunk
        finally:
            self.sock.settimeout(None)


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


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def wait_idle(pid, quiet=0.3, limit=120.0):
    """Waits until the server has used no CPU for `quiet` seconds (its full rebuild after a fast
    one, which sends no event when it finds nothing new, is over); returns the seconds waited."""
    started = time.perf_counter()
    last, since = cpu_ticks(pid), time.perf_counter()
    while last is not None and time.perf_counter() - started < limit:
        time.sleep(0.05)
        now = cpu_ticks(pid)
        if now != last:
            last, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            break
    return time.perf_counter() - started


def retitle(path, n):
    """Gives the page a new front-matter title, written to a new file renamed over the page
    (as most editors save: the watcher never reads a half-written page)."""
    marker = f"retitled-{n}-{time.time_ns()}"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text, found = TITLE.subn(f'title: "{marker}"', text, count=1)
    if not found:
        raise SystemExit(f"{path}: no `title:` line in its front matter")
    temporary = f"{path}.bench-tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)
    return marker


def report(name, times, goal_ms=None, pages=None):
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    line = f"{name:42} median {statistics.median(times) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   max {times[-1] * 1000:8.1f} ms"
    if goal_ms is not None:
        mark = lambda v: "✅" if v * 1000 <= goal_ms else "❌"
        line += f"   goal ≤ {goal_ms} ms at {GOAL_PAGES:,} pages: median {mark(statistics.median(times))}, p95 {mark(p95)}"
        if pages != GOAL_PAGES:
            line += f" (this run: {pages:,} pages)"
    print(line)
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
        def timed(change, section, name, n):
            """Makes `change` to one page: the seconds to its reload event and to the changed
            page served."""
            url_path = f"/{section}/{name[:-3]}/"
            t0 = time.perf_counter()
            marker = change(os.path.join(site, "content", "zh", section, name), n)
            while True:
                data = events.next()
                if url_path in data or '"paths":null' in data:
                    break
            to_event = time.perf_counter() - t0
            return to_event, wait_served(f"http://127.0.0.1:{port}{url_path}", marker, t0)

        saves = [timed(edit, section, name, n)
                 for n, (section, name) in enumerate(pages_to_edit(os.path.join(site, "content", "zh"), args.saves))]
        median_event = report("walletdesk: save → reload event", [e for e, _ in saves], GOAL_PAGE_MS, args.pages)
        median_served = report("walletdesk: save → changed page served", [s for _, s in saves])
        # A new title changes what other pages show (the section's navigation, the pager of
        # its neighbours): a recompile that reuses every rendered Markdown body.
        titles, dropped, waited = [], 0, []
        retitled = pages_to_edit(os.path.join(site, "content", "zh"), args.title_saves) if args.title_saves > 0 else []
        for n, (section, name) in enumerate(retitled):
            waited.append(wait_idle(server.pid))
            dropped += events.drain()
            titles.append(timed(retitle, section, name, n))
        title_event, title_served = [e for e, _ in titles], [s for _, s in titles]
        if title_event:
            report("walletdesk: title change → reload event", title_event, GOAL_TITLE_MS, args.pages)
            report("walletdesk: title change → page served", title_served)
            print(f"  (each title change made with the server idle: waited {statistics.median(waited):.1f} s median, "
                  f"{max(waited):.1f} s max for its rebuilds to finish"
                  + (f"; {dropped} late event(s) of earlier saves dropped" if dropped else "") + ")")
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
    parser.add_argument("--saves", type=int, default=20, help="one-page saves (a sentence appended)")
    parser.add_argument("--title-saves", type=int, default=None, metavar="N",
                        help="front-matter title changes (default: as many as --saves; 0 skips them)")
    parser.add_argument("--peer", choices=["hugo"], action="append", default=[])
    args = parser.parse_args()
    if args.title_saves is None:
        args.title_saves = args.saves
    work = tempfile.mkdtemp(prefix="walletdesk-bench-")
    try:
        print(f"corpus: {args.pages} pages, {args.saves} saves, {args.title_saves} title changes, {os.cpu_count()} cores")
        _, served = bench_walletdesk(args, work)
        if "hugo" in args.peer:
            hugo = bench_hugo(args, work)
            print(f"ratio (hugo / walletdesk, save → changed page served): {hugo / served:.1f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
