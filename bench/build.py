#!/usr/bin/env python3
"""Build speed and memory of walletdesk next to Hugo, on the bench corpus.

    python3 bench/build.py [--pages 1000,10000,50000] [--runs 5] [--keep DIR] [--json] [--results FILE]

For each size it generates the corpus with ../shared/bench/gen_corpus.py twice from the same
seed: `--layout plain`, placed as content/zh/ of a walletdesk site with one language (`zh`, as
bench/search.py does; search on, the default), and `--layout hugo`, a Hugo site with its
"matched" config.toml (tags only, no RSS, no highlighting). Then it builds both, alternated
(walletdesk, Hugo, walletdesk, Hugo, …), --runs times each, into an emptied output folder:

    target/release/walletdesk --root SITE build --output OUT --force --quiet --timings
    hugo --source DIR --destination OUT --quiet --cacheDir WORK/hugo-cache

and measures, per build: wall time (time.perf_counter around the child), peak memory (ru_maxrss
of the child from os.wait4, KiB on Linux), the output's bytes and files, walletdesk's search
index (everything under OUT/search/) and its search stage (the `search zh: … bytes in X s` line
of --timings). It prints a Markdown table per size with medians, the paired ratio
walletdesk / Hugo (median of the per-pair ratios) and the issue's goals with ✅/❌; with 10,000
and 50,000 pages both run, also walletdesk's 10k → 50k time and memory ratios.

A benchmark, not a test: it asserts nothing and never fails on a figure. Hugo is optional:
when `hugo` is not on PATH (Debian: apt-get install -y hugo) its columns are skipped. Build
walletdesk first (cargo build --release); the script does not build it.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from marks import fmt_bytes, ok  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.normpath(os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"))
BINARY = os.path.join(REPO, "target", "release", "walletdesk")

# The goals.
GOAL_RATIO = 0.33          # walletdesk wall time / Hugo's, paired median
GOAL_MEMORY_MIB = 560      # walletdesk peak memory
GOAL_OUTPUT = 1.5          # walletdesk output bytes / Hugo's
GOAL_SCALE_TIME = 5.5      # walletdesk 50k time / 10k time
GOAL_SCALE_MEMORY = 3.0    # walletdesk 50k peak memory / 10k peak memory

# `search zh: 14756 sections of 2021 pages, 1234567 bytes in 0.43 s` ("of N pages" optional)
TIMINGS = re.compile(r"search (\S+): (\d+) sections(?: of (\d+) pages)?, (\d+) bytes in ([\d.]+) s")


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_text(cmd, **kw):
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


# ---------------------------------------------------------------------------------------------
# Sites


def generate(pages, seed, layout, out):
    subprocess.run([sys.executable, GEN, "--pages", str(pages), "--seed", str(seed), "--out", out,
                    "--layout", layout, "--force"], check=True, stdout=subprocess.DEVNULL)


def make_site(work, pages, seed):
    """bench/search.py's make_site: the plain corpus as content/zh/ of a one-language site."""
    site = os.path.join(work, "walletdesk-site")
    content = os.path.join(site, "content", "zh")
    os.makedirs(os.path.dirname(content), exist_ok=True)
    shutil.rmtree(content, ignore_errors=True)
    corpus = os.path.join(work, "corpus")
    generate(pages, seed, "plain", corpus)
    shutil.move(corpus, content)
    with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as f:
        f.write("title: 构建基准 Build bench\nbase_url: https://example.com/\nlanguages:\n"
                "  - code: zh\n    name: 中文\n    locale: zh-CN\n")
    return site


def make_hugo_site(work, pages, seed):
    site = os.path.join(work, "hugo-site")
    generate(pages, seed, "hugo", site)
    return site


# ---------------------------------------------------------------------------------------------
# Measuring


def dir_bytes(folder):
    total, files = 0, 0
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            if os.path.isfile(path) and not os.path.islink(path):
                total += os.path.getsize(path)
                files += 1
    return total, files


def timed(cmd, log_path):
    """Runs cmd; returns (wall seconds, peak RSS in KiB, exit code). stdout and stderr go to
    log_path (a file, so that the child never blocks on a full pipe while we wait for it)."""
    with open(log_path, "wb") as out:
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
    return wall, usage.ru_maxrss, child.returncode


def build_once(tool, cmd, output, work, loads):
    shutil.rmtree(output, ignore_errors=True)
    loads.append(os.getloadavg()[0])
    log_path = os.path.join(work, f"{tool}.log")
    wall, rss_kib, code = timed(cmd, log_path)
    with open(log_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if code != 0:
        sys.exit(f"{tool} build failed (exit {code}): {' '.join(cmd)}\n{text[-3000:]}")
    total, files = dir_bytes(output)
    figures = {"seconds": wall, "peak_kib": rss_kib, "output_bytes": total, "output_files": files,
               "log": text.strip()}
    if tool == "walletdesk":
        found = TIMINGS.findall(text)
        figures["search_seconds"] = sum(float(t) for *_, t in found) if found else None
        figures["search_reported_bytes"] = sum(int(b) for _, _, _, b, _ in found) if found else None
        search = os.path.join(output, "search")
        figures["index_bytes"], figures["index_files"] = dir_bytes(search) if os.path.isdir(search) else (None, None)
        page = os.path.join(search, "index.html")
        figures["search_page_bytes"] = os.path.getsize(page) if os.path.isfile(page) else 0
    return figures


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(runs, pages):
    s = {
        "runs": len(runs),
        "seconds": median([r["seconds"] for r in runs]),
        "seconds_all": [round(r["seconds"], 4) for r in runs],
        "peak_mib": median([r["peak_kib"] / 1024 for r in runs]),
        "peak_mib_max": max(r["peak_kib"] / 1024 for r in runs),
        "peak_mib_all": [round(r["peak_kib"] / 1024, 1) for r in runs],
        "output_bytes": runs[-1]["output_bytes"],
        "output_files": runs[-1]["output_files"],
    }
    s["pages_per_second"] = pages / s["seconds"] if s["seconds"] else None
    if "index_bytes" in runs[-1]:
        s["index_bytes"] = runs[-1]["index_bytes"]
        s["index_files"] = runs[-1]["index_files"]
        s["search_page_bytes"] = runs[-1]["search_page_bytes"]
        s["search_seconds"] = median([r["search_seconds"] for r in runs])
        s["search_reported_bytes"] = runs[-1]["search_reported_bytes"]
    return s


def measure_size(pages, args, work, hugo, notes):
    log(f"{pages} pages: generating the corpus …")
    size_work = os.path.join(work, f"p{pages}")
    os.makedirs(size_work, exist_ok=True)
    site = make_site(size_work, pages, args.seed)
    wd_out = os.path.join(size_work, "walletdesk-public")
    wd_cmd = [BINARY, "--root", site, "build", "--output", wd_out, "--force", "--quiet", "--timings"]
    hugo_site = hugo_out = hugo_cmd = None
    if hugo:
        hugo_site = make_hugo_site(size_work, pages, args.seed)
        hugo_out = os.path.join(size_work, "hugo-public")
        hugo_cmd = [hugo, "--source", hugo_site, "--destination", hugo_out, "--quiet",
                    "--cacheDir", os.path.join(size_work, "hugo-cache")]
    wd_runs, hugo_runs, wd_loads, hugo_loads = [], [], [], []
    for n in range(args.runs):
        r = build_once("walletdesk", wd_cmd, wd_out, size_work, wd_loads)
        wd_runs.append(r)
        line = f"  {pages} pages, run {n + 1}/{args.runs}: walletdesk {r['seconds']:.2f} s, {r['peak_kib'] / 1024:.0f} MiB"
        if hugo:
            h = build_once("hugo", hugo_cmd, hugo_out, size_work, hugo_loads)
            hugo_runs.append(h)
            line += f"; hugo {h['seconds']:.2f} s, {h['peak_kib'] / 1024:.0f} MiB"
        log(line)
    wd = summarise(wd_runs, pages)
    wd["load_average"] = wd_loads
    if wd.get("search_seconds") is None:
        notes.append(f"{pages} pages: walletdesk build --timings printed no `search …` line: search-stage time n/a")
    if wd_runs[-1]["log"] and not TIMINGS.search(wd_runs[-1]["log"]):
        notes.append(f"{pages} pages: walletdesk printed: {wd_runs[-1]['log'][:300]}")
    result = {"pages": pages, "walletdesk": wd, "hugo": None}
    if hugo:
        hg = summarise(hugo_runs, pages)
        hg["load_average"] = hugo_loads
        hg["built_html"] = sum(1 for _, _, names in os.walk(hugo_out) for name in names if name.endswith(".html"))
        result["hugo"] = hg
        ratios = [w["seconds"] / h["seconds"] for w, h in zip(wd_runs, hugo_runs)]
        result["time_ratio"] = statistics.median(ratios)
        result["time_ratios"] = [round(x, 4) for x in ratios]
        result["memory_ratio"] = wd["peak_mib"] / hg["peak_mib"] if hg["peak_mib"] else None
        result["output_ratio"] = wd["output_bytes"] / hg["output_bytes"] if hg["output_bytes"] else None
        without = wd["output_bytes"] - (wd.get("index_bytes") or 0)
        result["output_ratio_without_search"] = without / hg["output_bytes"] if hg["output_bytes"] else None
        if hugo_runs[-1]["log"]:
            notes.append(f"{pages} pages: hugo printed: " + " / ".join(hugo_runs[-1]["log"].splitlines()[:5])[:500])
    wd["built_html"] = sum(1 for _, _, names in os.walk(wd_out) for name in names if name.endswith(".html"))
    if not args.keep:
        shutil.rmtree(size_work, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------------------
# Report


def fmt(v, digits=2, unit=""):
    return "n/a" if v is None else f"{v:,.{digits}f}{unit}"


def load_span(loads):
    if not loads:
        return "n/a"
    low, high = f"{min(loads):.1f}", f"{max(loads):.1f}"
    return low if low == high else f"{low}–{high}"


def size_table(r, runs):
    wd, hg = r["walletdesk"], r["hugo"]
    na = "n/a (no hugo)"
    H = (lambda key, fn: fn(hg[key]) if hg else na)
    hugo_output = f"{fmt_bytes(hg['output_bytes'])} ({hg['output_files']:,})" if hg else na
    lines = [
        f"#### {r['pages']:,} pages",
        "",
        "| figure | walletdesk | Hugo | walletdesk / Hugo | goal |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| wall time, median of {runs} | {fmt(wd['seconds'], 2, ' s')} | {H('seconds', lambda v: fmt(v, 2, ' s'))} "
        f"| {fmt(r.get('time_ratio'), 2, '×')}{ok(r.get('time_ratio'), GOAL_RATIO)} (median of per-pair ratios) "
        f"| ≤ {GOAL_RATIO}× |",
        f"| pages per second | {fmt(wd['pages_per_second'], 0)} | {H('pages_per_second', lambda v: fmt(v, 0))} | | |",
        f"| peak memory (max RSS), median | {fmt(wd['peak_mib'], 1, ' MiB')}{ok(wd['peak_mib'], GOAL_MEMORY_MIB)} "
        f"| {H('peak_mib', lambda v: fmt(v, 1, ' MiB'))} | {fmt(r.get('memory_ratio'), 2, '×')} | walletdesk ≤ {GOAL_MEMORY_MIB} MiB |",
        f"| output (files) | {fmt_bytes(wd['output_bytes'])} ({wd['output_files']:,}) | {hugo_output} "
        f"| {fmt(r.get('output_ratio'), 2, '×')}{ok(r.get('output_ratio'), GOAL_OUTPUT)} | ≤ {GOAL_OUTPUT}× Hugo's |",
        f"| output without search/ | {fmt_bytes(wd['output_bytes'] - (wd.get('index_bytes') or 0))} "
        f"| {H('output_bytes', fmt_bytes)} | {fmt(r.get('output_ratio_without_search'), 2, '×')} | |",
        f"| HTML pages written | {wd['built_html']:,} | {H('built_html', lambda v: f'{v:,}')} | | |",
        f"| search index (everything under search/) | {fmt_bytes(wd.get('index_bytes'))} ({wd.get('index_files') or 0:,} files); "
        f"search stage {fmt(wd.get('search_seconds'), 2, ' s')} | — | | |",
    ]
    return lines


def report(f):
    hugo = f["hugo_version"] or "not installed (apt-get install -y hugo): Hugo columns n/a"
    lines = [
        f"walletdesk {f['commit']} (binary built {f['binary_mtime']}); Hugo {hugo}; {f['cores']} cores; {f['runs']} runs per tool, alternated; "
        f"corpus gen_corpus.py seed {f['seed']}; run took {f['run_seconds']:.0f} s.",
        "",
    ]
    for r in f["sizes"]:
        lines += size_table(r, f["runs"])
        lines.append("")
        lines.append(f"1-minute load average before each run: walletdesk {load_span(r['walletdesk']['load_average'])}"
                     + (f", Hugo {load_span(r['hugo']['load_average'])}" if r["hugo"] else "")
                     + f" ({f['cores']} cores).")
        lines.append("")
    scaling = f.get("scaling") or []
    if scaling:
        lines += ["#### walletdesk scaling", "",
                  "| sizes | time ratio | peak memory ratio | goal |", "| --- | ---: | ---: | --- |"]
        for s in scaling:
            goal = s["low"] == 10000 and s["high"] == 50000
            lines.append(
                f"| {s['low']:,} → {s['high']:,} pages ({s['high'] / s['low']:.0f}× the pages) "
                f"| {fmt(s['time_ratio'], 2, '×')}{ok(s['time_ratio'], GOAL_SCALE_TIME) if goal else ''} "
                f"| {fmt(s['memory_ratio'], 2, '×')}{ok(s['memory_ratio'], GOAL_SCALE_MEMORY) if goal else ''} "
                f"| {f'time ≤ {GOAL_SCALE_TIME}×, memory ≤ {GOAL_SCALE_MEMORY}×' if goal else ''} |")
        lines.append("")
    busy = [r["pages"] for r in f["sizes"]
            if max(r["walletdesk"]["load_average"] + ((r["hugo"] or {}).get("load_average") or [])) > f["cores"]]
    if busy:
        f["notes"].append("the machine was busy (1-minute load average above the core count before a run at "
                          + ", ".join(f"{p:,}" for p in busy) + " pages): times are inflated")
    notes = f["notes"] + [
        "wall time: time.perf_counter around the child process, output folder emptied before each run; "
        "walletdesk `build --output OUT --force --quiet --timings`, Hugo `--destination OUT --quiet`. "
        "The ratio is the median of walletdesk / Hugo over the pairs of alternated runs.",
        "peak memory: ru_maxrss of the child (os.wait4), the largest resident set it had, in MiB.",
        "output: bytes of every file under the output folder after the last run; walletdesk's includes "
        "its search index, which Hugo does not build (\"without search/\"). Search index: every file under "
        "search/, the search page's HTML included"
        + (f" ({fmt_bytes(f['sizes'][0]['walletdesk'].get('search_page_bytes'))})" if f["sizes"] else "")
        + "; search stage: the `search zh: … in X s` line of --timings, median.",
        "pages per second: the corpus's Markdown pages (--pages) / median wall time, for both tools.",
        "goals: the issue's; the peak-memory goal is walletdesk's at every size, the scaling goal 10,000 → 50,000 only.",
    ]
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def sizes(text):
    try:
        values = [int(v.replace("_", "")) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma list of page counts: {text!r}")
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"not a comma list of page counts: {text!r}")
    return values


def commit():
    head = run_text(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]) or "unknown commit"
    dirty = run_text(["git", "-C", REPO, "status", "--porcelain", "--", "src", "static", "templates", "Cargo.toml", "Cargo.lock"])
    return head + (" (+ uncommitted changes in src/static/templates)" if dirty else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", "--sizes", dest="pages", type=sizes, default=[1000, 10000, 50000],
                        metavar="N,N,…", help="corpus sizes, a comma list (default 1000,10000,50000)")
    parser.add_argument("--runs", type=int, default=5, help="builds of each tool per size, alternated (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="gen_corpus.py seed (default 1)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (corpora, sites, outputs)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON on stdout")
    parser.add_argument("--results", metavar="FILE", help="also write the Markdown to FILE")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"{os.path.relpath(BINARY, os.getcwd())} does not exist: run `cargo build --release` first")
    if not os.path.isfile(GEN):
        sys.exit(f"the corpus generator is missing: {GEN}")

    started = time.perf_counter()
    notes = []
    hugo = shutil.which("hugo")
    hugo_version = None
    if hugo:
        hugo_version = (run_text([hugo, "version"]) or "unknown version").splitlines()[0]
    else:
        print("note: hugo is not on PATH (Debian: apt-get install -y hugo): measuring walletdesk alone", flush=True)
        notes.append("hugo not found on PATH: only walletdesk was measured")

    figures = {"commit": commit(), "binary_mtime": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(BINARY))),
               "hugo_version": hugo_version, "cores": os.cpu_count(), "runs": args.runs, "seed": args.seed,
               "sizes": [], "notes": notes}
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        work_cm = None
        work = os.path.abspath(args.keep)
    else:
        work_cm = tempfile.TemporaryDirectory(prefix="walletdesk-build-bench-")
        work = work_cm.name
    try:
        for pages in args.pages:
            figures["sizes"].append(measure_size(pages, args, work, hugo, notes))
    finally:
        if work_cm:
            work_cm.cleanup()

    ordered = sorted(figures["sizes"], key=lambda r: r["pages"])
    figures["scaling"] = [
        {"low": a["pages"], "high": b["pages"],
         "time_ratio": b["walletdesk"]["seconds"] / a["walletdesk"]["seconds"],
         "memory_ratio": b["walletdesk"]["peak_mib"] / a["walletdesk"]["peak_mib"]}
        for a, b in zip(ordered, ordered[1:])]
    figures["run_seconds"] = time.perf_counter() - started
    table = report(figures)
    print(table)
    if args.results:
        with open(args.results, "w", encoding="utf-8") as f:
            f.write(f"# Build benchmark results\n\n`python3 bench/build.py --pages {','.join(map(str, args.pages))} "
                    f"--runs {args.runs}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
                    f"See bench/README.md for what is measured.\n\n{table}")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
