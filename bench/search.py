#!/usr/bin/env python3
"""walletdesk's search index next to Pagefind's, on the same built HTML of the bench corpus.

    python3 bench/search.py [--pages 2000] [--queries 100] [--keep DIR] [--json]

In one run it generates the corpus with ../shared/bench/gen_corpus.py (mixed Chinese/English
text, placed as the `zh` language of a site), builds it three times with
`target/release/walletdesk build --timings` (it runs `cargo build --release` first), copies the
built HTML, marks `<main>` with `data-pagefind-body` in the copy and runs Pagefind (the npm
package pinned in bench/search/, installed with `npm ci`) on it three times. Then it measures:

- build time: walletdesk's search stage (from --timings) and Pagefind's whole run, medians of 3;
- sizes: the text inside <main> of every page, walletdesk's public/search/ and Pagefind's
  pagefind/, as bytes on disk;
- in Debian's headless Chromium (bench/search/driver.mjs, playwright-core): the bytes a first
  query downloads on a fresh page, JS and UI included, and a repeat query (each response counted
  gzip -9 unless it is stored gzip-compressed already), and the query time of 100 queries,
  p50/p95, the excerpts of the results shown (5) included;
- quality at page level: recall and precision at 10 for Chinese substrings and English words,
  against the pages whose <main> text contains the query (case-insensitive, NFKC);
- hit@1 and hit@5 of labelled queries in six classes (plain, compound, traditional, typo,
  synonym, stem): on the repo's own site (content/, zh and en) from bench/search/queries.tsv,
  hand-labelled; on the corpus from labels derived from the generated pages (corpus_labels,
  seeded: --labelled N per class). A hit is an answer page among the first 1 or 5 distinct pages
  each tool returns, as its UI asks for them (walletdesk search(q, {limit: 5}); Pagefind
  search(q) + data() of the first 5). Beside them, per site, the first-query bytes and index /
  text, against the issue's goals.

It prints a Markdown table, writes it to bench/search-results.md and, with --json, also prints
the figures as JSON. A run takes about four minutes at 2,000 pages on 2 cores; `--pages 10000`
for the issue's size.
"""
import argparse
import glob
import gzip
import html
import importlib.util
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from marks import fmt_bytes, ok  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
TOOLS = os.path.join(HERE, "search")
BINARY = os.path.join(REPO, "target", "release", "walletdesk")
PAGEFIND = os.path.join(TOOLS, "node_modules", ".bin", "pagefind")
RESULTS = os.path.join(HERE, "search-results.md")

# Queries named in the issue; the rest are sampled from the corpus with fixed seeds.
NAMED = ["付宝", "密钥轮换", "支付宝", "异步通知"]
# (first query on a fresh page, repeat query on the same page)
PAIRS = [("支付宝", "异步通知"), ("付宝", "webhook"), ("密钥轮换", "settlement"),
         ("refund", "退款单号"), ("payment intent", "结算周期"), ("异步通知", "callback")]
WARMUP = "退款"
# Results whose excerpts a query fetches: what each tool's UI shows first (walletdesk's dialog
# shows 5 pages, Pagefind's Default UI 5 results before "Load more").
SHOWN = 5
# The targets.
TARGET_FIRST, TARGET_REPEAT, TARGET_RATIO, TARGET_BUILD, TARGET_P95 = 30_000, 6_000, 0.12, 1.0, 30.0

MAIN = re.compile(r"<main\b[^>]*>(.*?)</main>", re.S)
DROP = re.compile(r"<(script|style|template|noscript|nav|footer)\b.*?</\1\s*>|<a class=\"anchor\"[^>]*>.*?</a>", re.S | re.I)
BLOCK = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|pre|"
                   r"blockquote|nav|article|section|header|footer|aside|figure|figcaption|br|hr|details|"
                   r"summary|main)\b[^>]*>", re.I)
TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")
CJK = re.compile(r"[\u3400-\u9fff]+")
WORD = re.compile(r"(?<![a-z0-9_])[a-z]{3,}(?![a-z0-9_])")
PHRASE = re.compile(r"(?<![a-z0-9_])(?=([a-z]{2,} [a-z]{2,})(?![a-z0-9_]))")
# `search zh: 14756 sections of 2021 pages, 1234567 bytes in 0.43 s` ("of N pages" optional)
TIMINGS = re.compile(r"search (\S+): (\d+) sections(?: of (\d+) pages)?, (\d+) bytes in ([\d.]+) s")


def log(message):
    print(message, file=sys.stderr, flush=True)


def norm(text):
    return unicodedata.normalize("NFKC", text).lower()


def visible_text(page_html):
    """The visible text of <main>: scripts, styles, heading permalinks, <nav> (breadcrumbs,
    previous/next) and <footer> (a page's tags) dropped — navigation and metadata, which neither
    index holds (Pagefind skips nav and footer) — tags stripped (block-level ones as a space),
    entities decoded, whitespace collapsed."""
    found = MAIN.search(page_html)
    if not found:
        return None
    text = TAG.sub("", BLOCK.sub(" ", DROP.sub(" ", found.group(1))))
    return SPACE.sub(" ", html.unescape(text)).strip()


def site_pages(public, prefix="/"):
    """{url: (file, visible text)} for the built pages under `prefix` that have a <main>,
    without the 404 page and the search page."""
    pages = {}
    for folder, _, files in os.walk(public):
        if "index.html" not in files:
            continue
        path = os.path.join(folder, "index.html")
        rel = os.path.relpath(folder, public).replace(os.sep, "/")
        url = "/" if rel == "." else f"/{rel}/"
        if not url.startswith(prefix):
            continue
        with open(path, encoding="utf-8") as f:
            page_html = f.read()
        if re.search(r'<body class="[^"]*\bkind-search\b', page_html):
            continue
        text = visible_text(page_html)
        if text is not None:
            pages[url] = (path, text)
    return pages


def dir_bytes(folder, skip_html=False):
    total, files = 0, 0
    for path in glob.glob(os.path.join(folder, "**", "*"), recursive=True):
        if os.path.isfile(path) and not (skip_html and path.endswith(".html")):
            total += os.path.getsize(path)
            files += 1
    return total, files


def search_assets(public, page_file):
    """Whether the page's search button names a search-core.js and an index that exist."""
    with open(page_file, encoding="utf-8") as f:
        page_html = f.read()
    found = {k: v for k, v in re.findall(r'data-(core|index)="([^"]*)"', page_html)}
    return all(found.get(k) and os.path.isfile(os.path.join(public, html.unescape(found[k]).split("?")[0].lstrip("/")))
               for k in ("core", "index"))


LOADS = {}


WAIT_IDLE = 0.0


def note_load(phase):
    """Remembers the 1-minute load average at the start of a timed phase (others' builds on a
    2-core machine inflate every time figure); with --wait-idle, first waits up to that many
    seconds for it to fall below 75 % of the cores."""
    deadline = time.time() + WAIT_IDLE
    quiet = 0.75 * (os.cpu_count() or 1)
    while os.getloadavg()[0] > quiet and time.time() < deadline:
        time.sleep(5)
    LOADS[phase] = max(LOADS.get(phase, 0.0), os.getloadavg()[0])


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------------------------------------
# Building


def cargo_build():
    log("cargo build --release …")
    result = run(["cargo", "build", "--release"], cwd=REPO)
    if result.returncode != 0:
        log(result.stderr[-3000:])
        if not os.path.exists(BINARY):
            sys.exit("cargo build --release failed and there is no target/release/walletdesk")
        log("warning: cargo build --release failed; using the existing target/release/walletdesk")
        return False
    return True


def npm_ci():
    installed = os.path.join(TOOLS, "node_modules", ".package-lock.json")
    want = json.load(open(os.path.join(TOOLS, "package-lock.json")))["packages"]
    if os.path.exists(installed) and os.path.exists(PAGEFIND):
        have = json.load(open(installed)).get("packages", {})
        if all(have.get(k, {}).get("version") == v.get("version") for k, v in want.items()
               if k in ("node_modules/pagefind", "node_modules/playwright-core")):
            return
    log("npm ci in bench/search …")
    result = run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOLS)
    if result.returncode != 0 or not os.path.exists(PAGEFIND):
        sys.exit(f"npm ci failed in bench/search:\n{result.stderr[-3000:]}")


def make_site(work, pages):
    site = os.path.join(work, "site")
    content = os.path.join(site, "content", "zh")
    os.makedirs(os.path.dirname(content), exist_ok=True)
    log(f"generating a {pages}-page corpus …")
    subprocess.run([sys.executable, GEN, "--pages", str(pages), "--out", os.path.join(work, "corpus"),
                    "--layout", "plain", "--force"], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(content, ignore_errors=True)
    shutil.move(os.path.join(work, "corpus"), content)
    with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as f:
        f.write("title: 搜索基准 Search bench\nbase_url: https://example.com/\nlanguages:\n"
                "  - code: zh\n    name: 中文\n    locale: zh-CN\n")
    return site


def build_walletdesk(root, output, runs):
    """Builds `runs` times; returns (median wall seconds, median search seconds or None,
    the parsed --timings lines of the last run, a note)."""
    walls, searches, lines, note = [], [], {}, None
    timings = True
    for n in range(runs):
        note_load("walletdesk build")
        cmd = [BINARY, "--root", root, "build", "--output", output, "--force"]
        t0 = time.perf_counter()
        result = run(cmd + (["--timings"] if timings else []))
        wall = time.perf_counter() - t0
        if result.returncode != 0 and timings and "timings" in result.stderr:
            note = "this walletdesk has no --timings: search-stage time n/a"
            log(f"warning: {note}")
            timings = False
            t0 = time.perf_counter()
            result = run(cmd)
            wall = time.perf_counter() - t0
        if result.returncode != 0:
            sys.exit(f"walletdesk build failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        walls.append(wall)
        found = TIMINGS.findall(result.stderr + result.stdout)
        if found:
            lines = {lang: {"sections": int(s), "pages": int(p) if p else None, "bytes": int(b), "seconds": float(t)}
                     for lang, s, p, b, t in found}
            searches.append(sum(v["seconds"] for v in lines.values()))
        elif timings and note is None:
            note = "walletdesk build --timings printed no `search …` line: search-stage time n/a"
            log(f"warning: {note}")
        log(f"  walletdesk build {n + 1}/{runs}: {wall:.2f} s"
            + (f", search stage {searches[-1]:.2f} s" if found else ""))
    return (statistics.median(walls), statistics.median(searches) if searches else None, lines, note)


def pagefind_copy(public, copy, pages):
    """A copy of the built site for Pagefind: <main> of each measured page gets
    data-pagefind-body (so Pagefind indexes what walletdesk indexes, not the navigation) and the
    heading permalinks data-pagefind-ignore (their hidden "link to this section" text)."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(public, copy, ignore=shutil.ignore_patterns("pagefind"))
    for url, (path, _) in pages.items():
        target = os.path.join(copy, os.path.relpath(path, public))
        with open(target, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"<main\b", "<main data-pagefind-body", text, count=1)
        text = text.replace('<a class="anchor"', '<a data-pagefind-ignore class="anchor"')
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)


def build_pagefind(copy, runs):
    walls, own = [], []
    for n in range(runs):
        note_load("pagefind")
        shutil.rmtree(os.path.join(copy, "pagefind"), ignore_errors=True)
        t0 = time.perf_counter()
        result = run([PAGEFIND, "--site", copy])
        walls.append(time.perf_counter() - t0)
        if result.returncode != 0:
            sys.exit(f"pagefind failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        found = re.search(r"Finished in ([\d.]+) seconds", result.stdout)
        if found:
            own.append(float(found.group(1)))
        log(f"  pagefind {n + 1}/{runs}: {walls[-1]:.2f} s")
    indexed = re.search(r"Indexed (\d+) pages", result.stdout)
    return statistics.median(walls), (statistics.median(own) if own else None), int(indexed.group(1)) if indexed else None


def pagefind_ids(copy):
    """Pagefind's result ids are its fragment files' names; each fragment holds the page URL."""
    ids = {}
    for path in glob.glob(os.path.join(copy, "pagefind", "fragment", "*.pf_fragment")):
        data = gzip.open(path).read()
        data = data[data.index(b"{"):]
        ids[os.path.basename(path)[: -len(".pf_fragment")]] = json.loads(data)["url"]
    return ids


# ---------------------------------------------------------------------------------------------
# Queries


def sample_cjk(rng, texts, lengths, count, taken):
    out = []
    while len(out) < count:
        length = rng.choice(lengths)
        runs = [r for r in CJK.findall(rng.choice(texts)) if len(r) >= length]
        if not runs:
            continue
        r = rng.choice(runs)
        start = rng.randrange(len(r) - length + 1)
        q = r[start:start + length]
        if q not in taken:
            taken.add(q)
            out.append(q)
    return out


def sample_regex(rng, texts, pattern, count, taken, group=0):
    out = []
    for _ in range(count * 200):
        if len(out) == count:
            break
        found = [m.group(group) for m in pattern.finditer(rng.choice(texts))]
        if found:
            q = rng.choice(found)
            if q not in taken:
                taken.add(q)
                out.append(q)
    return out


def make_queries(texts, timing_count):
    """The seeded query sets: the timing mix (Chinese substrings of 1-6 characters, English words
    and two-word phrases, the issue's named queries first) and the quality sets."""
    texts = [norm(t) for t in texts]
    rng = random.Random(20240601)
    taken = set(NAMED)
    rest = max(0, timing_count - len(NAMED))
    n_zh, n_en = round(rest * 0.56), round(rest * 0.25)
    n_phrase = rest - n_zh - n_en
    timing = (NAMED[:timing_count] + sample_cjk(rng, texts, [1, 2, 2, 3, 3, 4, 4, 5, 6], n_zh, taken)
              + sample_regex(rng, texts, WORD, n_en, taken) + sample_regex(rng, texts, PHRASE, n_phrase, taken, 1))
    head, tail = timing[:len(NAMED)], timing[len(NAMED):]
    rng.shuffle(tail)
    rng = random.Random(20240602)
    taken = set(NAMED)
    quality_zh = NAMED + sample_cjk(rng, texts, [1, 2, 3, 4], 30, taken)
    quality_en = sample_regex(rng, texts, WORD, 30, taken)
    return head + tail, quality_zh, quality_en


# ---------------------------------------------------------------------------------------------
# Labelled queries: hit@1 and hit@5 by query class

CLASSES = ["plain", "compound", "traditional", "typo", "synonym", "stem"]
LABELS_TSV = os.path.join(TOOLS, "queries.tsv")
LABEL_SEED = 20240604
HIT_K = 5
URL_PAGE = re.compile(r"^/([a-z0-9-]+)/page-(\d{5})/$")

# Simplified → traditional (OpenCC's standard forms) for every character of the generator's
# Chinese vocabulary (ZH_TERMS, ZH_GLUE, headings, link leads) that differs; bench-only. 台, 周
# and 系 stay as they are (收银台, 结算周期, 系统 are written so in Hong Kong and Taiwan too).
S2T = dict(zip(
    "与个书于产会余关冻则务单参发号后响处宝实对将币幂并应异当录志态户扫据权数时条检汇测状环现码确签约线经结统续网联见规订认议记证试询该详误请读调败账费资过这进钥银销错问间阅项须预题额风验骤",
    "與個書於產會餘關凍則務單參發號後響處寶實對將幣冪並應異當錄誌態戶掃據權數時條檢匯測狀環現碼確簽約線經結統續網聯見規訂認議記證試詢該詳誤請讀調敗賬費資過這進鑰銀銷錯問間閱項須預題額風驗驟"))
# A merchant's words for the generator's terms (its word → theirs), for synonym queries.
ZH_SYNONYMS = {
    "退款": "退钱", "手续费": "扣点", "商户号": "商家号", "商户": "商家", "提现": "取现",
    "沙箱环境": "测试环境", "生产环境": "正式环境", "异步通知": "回调通知", "扫码支付": "扫码付款",
    "付款码": "支付码", "风控": "风险控制", "限额": "额度上限", "汇率": "兑换率", "关单": "关闭订单",
    "撤销": "取消", "重试": "重发", "实名认证": "实名验证", "到账时间": "到账多久", "对账单": "账单明细",
    "收银台": "支付页面", "子商户": "下级商家", "特约商户": "签约商家",
}
EN_SYNONYMS = {
    "merchant": "seller", "payout": "withdrawal", "refund": "reimbursement", "fee": "charge",
    "sandbox": "testbed", "webhook": "notification", "balance": "funds", "timeout": "expiry",
    "rate limit": "throttling", "retry": "resend", "service provider": "vendor", "production": "live",
    "ledger": "bookkeeping", "chargeback": "reversal", "sub-merchant": "sub-seller", "payload": "body",
}
# Inflections of the generator's English term words (the site uses the first form only).
EN_INFLECTIONS = {
    "webhook": ["webhooks"], "refund": ["refunded", "refunding", "refunds"], "settlement": ["settlements"],
    "merchant": ["merchants"], "signature": ["signatures"], "callback": ["callbacks"],
    "payment": ["payments"], "intent": ["intents"], "key": ["keys"], "sandbox": ["sandboxes"],
    "endpoint": ["endpoints"], "request": ["requests", "requested"], "response": ["responses"],
    "payload": ["payloads"], "timestamp": ["timestamps"], "nonce": ["nonces"],
    "certificate": ["certificates"], "reconciliation": ["reconciliations"], "chargeback": ["chargebacks"],
    "dispute": ["disputes", "disputed"], "payout": ["payouts"], "currency": ["currencies"],
    "amount": ["amounts"], "order": ["orders", "ordered"], "transaction": ["transactions"],
    "gateway": ["gateways"], "token": ["tokens"], "limit": ["limits", "limited"],
    "retry": ["retries", "retried"], "timeout": ["timeouts"], "code": ["codes"], "program": ["programs"],
    "provider": ["providers"], "fee": ["fees"], "balance": ["balances"], "ledger": ["ledgers"],
    "batch": ["batches", "batched"], "statement": ["statements"], "sub-merchant": ["sub-merchants"],
}
# Keys next to each other on a QWERTY keyboard, for substitution typos.
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def load_labels(path=LABELS_TSV):
    """The bundled site's labelled queries: [{class, lang, query, answers, note}]."""
    labels = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) < 4 or cells[0] not in CLASSES or cells[1] not in ("zh", "en"):
                sys.exit(f"{path}:{n}: want class, zh|en, query, answer paths[, note]")
            labels.append({"class": cells[0], "lang": cells[1], "query": cells[2],
                           "answers": cells[3].split(), "note": cells[4] if len(cells) > 4 else ""})
    return labels


def page_path(url):
    """A returned URL as the path of its page: no origin, query or fragment, no index.html."""
    path = urllib.parse.urlsplit(url or "").path
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path or None


def ranks(returned_urls, answers):
    """The distinct pages returned, in order, and the rank (1-based) of the first answer."""
    pages = []
    for url in returned_urls or []:
        path = page_path(url)
        if path and path not in pages:
            pages.append(path)
    want = set(answers)
    rank = next((i + 1 for i, p in enumerate(pages) if p in want), None)
    return pages, rank


def typo(rng, word, known):
    """One typo in `word` (5+ letters) after its first letter: a letter dropped, two swapped or
    one replaced by a neighbouring key; never a word of the corpus."""
    for _ in range(50):
        kind = rng.choice(["drop", "drop", "swap", "key"])
        i = rng.randrange(1, len(word))
        if kind == "drop":
            out = word[:i] + word[i + 1:]
        elif kind == "swap" and i < len(word) - 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            row = next((r for r in QWERTY if word[i] in r), None)
            if not row:
                continue
            j = row.index(word[i])
            near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
            out = word[:i] + rng.choice(near) + word[i + 1:]
        if out != word and out not in known:
            return out
    return None


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_corpus", GEN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Corpus:
    """The measured pages' normalised texts joined into one string (to count where a phrase
    occurs) and the set of the Latin words they use."""

    def __init__(self, normed):
        self.urls = sorted(normed)
        self.text = "\0".join(normed[u] for u in self.urls)
        self.words = set(re.findall(r"[a-z][a-z0-9_-]*", self.text)) | set(re.findall(r"[a-z]+", self.text))


def corpus_labels(site, normed, per_class):
    """Labelled queries derived from the generated pages, deterministically (seeded).

    Chinese queries are phrases of a page's body: a run of 3-5 of the generator's words that
    starts and ends with one of its terms (ZH_TERMS), holds at least one glue word (ZH_GLUE),
    is 6-12 characters long and occurs in no other page, so that page is the only answer.
    plain is the phrase; traditional the phrase in traditional characters (S2T); compound the
    phrase with its glue words dropped (its terms run together), when that occurs in no page;
    synonym the phrase with one term in ZH_SYNONYMS replaced, when that occurs in no page.
    English queries come from the page's title (`<zh term> <en term> <n>`) without its number,
    `退款 payment intent`, answered by the pages with that title (one to three; the number would
    find the page alone, whatever the tool does with the English words). plain is that; typo has
    one English word of 5+ letters mistyped (`typo`); stem one English word inflected
    (EN_INFLECTIONS); synonym the English term replaced (EN_SYNONYMS); never into a word the
    corpus uses."""
    gen = load_generator()
    terms, glue = set(gen.ZH_TERMS), set(gen.ZH_GLUE)
    vocab = terms | glue | set(gen.HEAD_ZH) | set(gen.LINK_ZH)
    longest = max(map(len, vocab))
    corpus = Corpus(normed)
    content = os.path.join(site, "content", "zh")
    sources = [u for u in corpus.urls if URL_PAGE.match(u)]

    def segment(run):
        out, i = [], 0
        while i < len(run):
            for n in range(min(longest, len(run) - i), 0, -1):
                if run[i:i + n] in vocab:
                    out.append(run[i:i + n])
                    i += n
                    break
            else:
                out.append(None)
                i += 1
        return out

    def phrases(url, rng):
        """Candidate phrases of a page, shuffled: lists of tokens."""
        found = []
        for run in CJK.findall(normed[url]):
            tokens = segment(run)
            for a in range(len(tokens)):
                if tokens[a] not in terms:
                    continue
                for b in range(a + 3, min(len(tokens), a + 5) + 1):
                    window = tokens[a:b]
                    if (None in window or window[-1] not in terms or not any(t in glue for t in window)
                            or not 6 <= len("".join(window)) <= 12):
                        continue
                    found.append(window)
        rng.shuffle(found)
        return found

    # Each page's title, `<zh term> <en term> <n>`, as (zh term, en term), and the pages by it.
    titles, titled = {}, {}
    for url in sources:
        m = URL_PAGE.match(url)
        with open(os.path.join(content, m.group(1), f"page-{m.group(2)}.md"), encoding="utf-8") as f:
            found = re.search(r'^title: (".*")$', f.read(), re.M)
        parts = json.loads(found.group(1)).split(" ") if found else []
        if len(parts) >= 3 and parts[-1].isdigit():
            titles[url] = (norm(parts[0]), norm(" ".join(parts[1:-1])))
            titled.setdefault(titles[url], []).append(url)

    def zh_query(kind, url, rng):
        for window in phrases(url, rng)[:40]:
            phrase = "".join(window)
            if corpus.text.count(phrase) != 1:
                continue
            if kind == "plain":
                return phrase, f"body phrase of {url}"
            if kind == "traditional":
                q = "".join(S2T.get(c, c) for c in phrase)
                if q != phrase:
                    return q, f"{phrase} in traditional characters"
            elif kind == "compound":
                kept = [t for t in window if t not in glue]
                q = "".join(kept)
                if len(kept) >= 2 and len(q) >= 4 and q not in corpus.text:
                    return q, f"{phrase} without its glue words"
            elif kind == "synonym":
                swap = [i for i, t in enumerate(window) if t in ZH_SYNONYMS]
                if swap:
                    i = rng.choice(swap)
                    q = "".join(window[:i] + [ZH_SYNONYMS[window[i]]] + window[i + 1:])
                    if q not in corpus.text:
                        return q, f"{phrase}, {window[i]} → {ZH_SYNONYMS[window[i]]}"
        return None

    def en_query(kind, url, rng):
        if url not in titles:
            return None
        zh, term = titles[url]
        answers = titled[titles[url]]
        if len(answers) > 3:
            return None
        base = f"{zh} {term}"
        words = term.split(" ")
        if kind == "plain":
            return base, f"title of {len(answers)} page(s)", answers
        if kind == "typo":
            long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if long:
                i = rng.choice(long)
                wrong = typo(rng, words[i], corpus.words)
                if wrong:
                    return f"{zh} " + " ".join(words[:i] + [wrong] + words[i + 1:]), f"{base}, {words[i]} → {wrong}", answers
        elif kind == "stem":
            choices = [(i, form) for i, w in enumerate(words) for form in EN_INFLECTIONS.get(w, [])
                       if form not in corpus.words]
            if choices:
                i, form = rng.choice(choices)
                return f"{zh} " + " ".join(words[:i] + [form] + words[i + 1:]), f"{base}, {words[i]} → {form}", answers
        elif kind == "synonym":
            other = EN_SYNONYMS.get(term)
            if other and other not in corpus.words:
                return f"{zh} {other}", f"{base}, {term} → {other}", answers
        return None

    plan = {"plain": (per_class // 2, per_class - per_class // 2), "compound": (per_class, 0),
            "traditional": (per_class, 0), "typo": (0, per_class), "synonym": (per_class // 2, per_class - per_class // 2),
            "stem": (0, per_class)}
    labels = []
    for kind in CLASSES:
        for lang, want in zip(("zh", "en"), plan[kind]):
            rng = random.Random(f"{LABEL_SEED}:{kind}:{lang}")
            order = sources[:]
            rng.shuffle(order)
            got = 0
            for url in order:
                if got == want:
                    break
                if lang == "zh":
                    made = zh_query(kind, url, rng)
                    if made:
                        labels.append({"class": kind, "lang": lang, "query": made[0], "answers": [url], "note": made[1]})
                        got += 1
                else:
                    made = en_query(kind, url, rng)
                    if made:
                        labels.append({"class": kind, "lang": lang, "query": made[0],
                                       "answers": sorted(made[2]), "note": made[1]})
                        got += 1
    return labels


def hit_figures(labels, returned):
    """hit@1 and hit@5 per class and overall for one tool; `returned[i]` is the list of URLs
    the tool returned for labels[i] (None when the query failed)."""
    per_query, by_class = [], {}
    returned = list(returned or []) + [None] * (len(labels) - len(returned or []))
    for label, urls in zip(labels, returned):
        pages, rank = ranks(urls, label["answers"])
        per_query.append({"rank": rank, "top": pages[:HIT_K], "failed": urls is None})
        by_class.setdefault(label["class"], []).append(rank)
    def summary(ranks_):
        n = len(ranks_)
        return {"n": n, "hit1": sum(1 for r in ranks_ if r == 1) / n if n else None,
                "hit5": sum(1 for r in ranks_ if r and r <= HIT_K) / n if n else None}
    figures = {c: summary(by_class[c]) for c in CLASSES if c in by_class}
    figures["overall"] = summary([q["rank"] for q in per_query])
    return {"classes": figures, "per_query": per_query}


# ---------------------------------------------------------------------------------------------
# Figures


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))] if values else None


def quality(returned_urls, relevant):
    """Page-level recall and precision at 10 of one ranked list of URLs."""
    pages = []
    for url in returned_urls:
        url = url.split("#", 1)[0] if url else url
        if url and url not in pages:
            pages.append(url)
    top = pages[:10]
    recall = len(relevant & set(pages)) / len(relevant) if relevant else None
    if top:
        precision = len(relevant & set(top)) / len(top)
    else:
        precision = None  # nothing returned: recall tells whether that was right
    return {"relevant": len(relevant), "returned": len(pages), "recall": recall, "p10": precision}


def mean(values):
    values = [v for v in values if v is not None]
    return statistics.mean(values) if values else None


def fmt(v, digits=2, unit=""):
    return "n/a" if v is None else f"{v:.{digits}f}{unit}"


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def first_repeat(tool):
    firsts = [e["bytes"] for e in tool["first"]]
    repeats = [e["bytes"] for e in tool["repeat"]]
    return firsts, repeats


def span(values):
    if not values:
        return "n/a"
    return f"{fmt_bytes(statistics.median(values))} ({fmt_bytes(min(values))}–{fmt_bytes(max(values))})"


def report(f):
    """The Markdown table of all figures."""
    ours, pf = f["walletdesk"], f["pagefind"]
    lines = [
        f"Corpus: {f['pages']} pages generated by gen_corpus.py ({f['indexed_pages']} built pages with a `<main>`), "
        f"site text {fmt_bytes(f['text_bytes'])}; {f['cores']} cores; Pagefind {f['pagefind_version']}, "
        f"Chromium {f['chromium']}; run took {f['run_seconds']:.0f} s.",
        "",
        "| figure | walletdesk | Pagefind | walletdesk / Pagefind | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    wf, wr = ours.get("first_bytes", []), ours.get("repeat_bytes", [])
    pfa, pr = pf["first_bytes"], pf["repeat_bytes"]
    ui = pf["ui_bytes"]
    med = lambda v: statistics.median(v) if v else None
    lines += [
        f"| first query, bytes (gzip), JS + UI: median (min–max of {len(pfa)}) | {span(wf)}{ok(max(wf) if wf else None, TARGET_FIRST)} "
        f"| API {span(pfa)}; with Default UI {span([v + ui for v in pfa])} | {ratio(med(wf), med(pfa))} (vs UI {ratio(med(wf), med([v + ui for v in pfa]) if pfa else None)}) | ≤ 30 KB |",
        f"| repeat query, bytes: median (min–max) | {span(wr)}{ok(max(wr) if wr else None, TARGET_REPEAT)} | {span(pr)} | {ratio(med(wr), med(pr))} | ≤ 6 KB |",
        f"| index on disk | {fmt_bytes(ours.get('index_bytes'))} ({ours.get('index_files', 'n/a')} files) | {fmt_bytes(pf['index_bytes'])} ({pf['index_files']} files) "
        f"| {ratio(ours.get('index_bytes'), pf['index_bytes'])} | |",
        f"| index / site text | {fmt(ours.get('index_ratio'), 3)}{ok(ours.get('index_ratio'), TARGET_RATIO)} | {fmt(pf['index_ratio'], 3)} "
        f"(index data only {fmt(pf['data_ratio'], 3)}) | | ≤ 0.12 |",
        f"| index build time, median of {f['runs']} | search stage {fmt(ours.get('search_seconds'), 2, ' s')}"
        f"{ok(ours.get('search_seconds'), TARGET_BUILD)} (whole build {fmt(ours.get('build_seconds'), 2, ' s')}) "
        f"| {fmt(pf['build_seconds'], 2, ' s')} (own report {fmt(pf['own_seconds'], 2, ' s')}) "
        f"| {ratio(ours.get('search_seconds'), pf['build_seconds'])}{ok(ours['search_seconds'] / pf['build_seconds'] if ours.get('search_seconds') else None, 0.25)} | ≤ 1 s and ≤ 0.25× |",
        f"| query time p50, {f['timing_queries']} queries, excerpts of the {SHOWN} shown | {fmt(ours.get('p50'), 1, ' ms')} | {fmt(pf['p50'], 1, ' ms')} | {ratio(ours.get('p50'), pf['p50'])} | |",
        f"| query time p95 | {fmt(ours.get('p95'), 1, ' ms')}{ok(ours.get('p95'), TARGET_P95)} | {fmt(pf['p95'], 1, ' ms')} | {ratio(ours.get('p95'), pf['p95'])} | ≤ 30 ms |",
    ]
    for group, label in (("zh", f"Chinese substrings ({f['quality_counts']['zh']}, 1–4 chars + named)"),
                         ("en", f"English words ({f['quality_counts']['en']})")):
        lines.append(f"| {label}: mean recall | {fmt(ours.get('quality', {}).get(group, {}).get('recall'))} "
                     f"| {fmt(pf['quality'][group]['recall'])} | | |")
        lines.append(f"| {label}: mean precision at 10 | {fmt(ours.get('quality', {}).get(group, {}).get('p10'))} "
                     f"| {fmt(pf['quality'][group]['p10'])} | | |")
    def cell(x):
        if x is None:
            return "n/a"
        return f"recall {fmt(x['recall'])}, P@10 {fmt(x['p10'])} ({x['returned']} returned)"

    for q in NAMED:
        o, p = ours.get("named", {}).get(q), pf["named"][q]
        lines.append(f"| `{q}` ({f['relevant_counts'][q]} pages contain it) | {cell(o)} | {cell(p)} | | |")
    for name, b in f.get("bundled", {}).get("recall", {}).items():
        lines.append(f"| bundled site, `{name}` ({b['relevant']} zh pages contain it) "
                     f"| {cell(b.get('walletdesk'))} | {cell(b['pagefind'])} | | |")
    lines.append("")
    for note in f["notes"]:
        lines.append(f"- {note}")
    return "\n".join(lines) + "\n\n" + labelled_report(f)


def hit_cell(summary, key):
    if not summary or summary.get(key) is None:
        return "n/a"
    return f"{summary[key]:.2f} ({round(summary[key] * summary['n'])}/{summary['n']})"


def labelled_report(f):
    """The table of the issue's goals: hit@1 and hit@5 by query class on the bundled site and on
    the corpus, with first-query bytes and index / text beside them."""
    lines = [f"### Labelled queries: hit@1 and hit@{HIT_K}", "",
             f"A hit: one of the query's answer pages among the first 1 or {HIT_K} distinct pages returned "
             f"(walletdesk `search(q, {{limit: {HIT_K}}})`, Pagefind `search(q)` + `data()` of the first {HIT_K}). "
             f"Goals: hit@{HIT_K} ≥ Pagefind's on every class, hit@1 overall ahead of Pagefind's, median first-query "
             "bytes ≤ 30 KB (JS gzipped), index ≤ 0.12× the text.", "",
             f"| site | class (queries) | walletdesk hit@1 | walletdesk hit@{HIT_K} | Pagefind hit@1 | Pagefind hit@{HIT_K} | goal |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    bundled = f.get("bundled") or {}
    sites = []
    if bundled.get("labels"):
        sites.append((f"bundled site ({bundled['pages']} pages, zh + en)", bundled.get("walletdesk") or {},
                      bundled.get("pagefind") or {}, bundled.get("text_bytes")))
    sites.append((f"corpus ({f['pages']:,} pages)", f["walletdesk"], f["pagefind"], f["text_bytes"]))
    for name, ours, pf in ((n, o, p) for n, o, p, _ in sites):
        o_hits = (ours.get("labelled") or {}).get("classes", {})
        p_hits = (pf.get("labelled") or {}).get("classes", {})
        first = True
        for c in CLASSES + ["overall"]:
            o, p = o_hits.get(c), p_hits.get(c)
            if not o and not p:
                continue
            n = (o or p)["n"]
            if c == "overall":
                goal = []
                if o and p:
                    goal.append(f"hit@1 > Pagefind{' ✅' if o['hit1'] > p['hit1'] else ' ❌'}")
                    goal.append(f"every class hit@{HIT_K} ≥ Pagefind"
                                + (" ✅" if all(o_hits[k]['hit5'] >= p_hits[k]['hit5'] for k in CLASSES if k in o_hits and k in p_hits) else " ❌"))
                goal = "; ".join(goal)
                label = f"**overall** ({n})"
            else:
                goal = (f"hit@{HIT_K} ≥ Pagefind{' ✅' if o['hit5'] >= p['hit5'] else ' ❌'}") if o and p else ""
                label = f"{c} ({n})"
            lines.append(f"| {name if first else ''} | {label} | {hit_cell(o, 'hit1')} | {hit_cell(o, 'hit5')} "
                         f"| {hit_cell(p, 'hit1')} | {hit_cell(p, 'hit5')} | {goal} |")
            first = False
        wf, pfb = ours.get("first_bytes") or [], pf.get("first_bytes") or []
        med = statistics.median(wf) if wf else None
        lines.append(f"| | first query, bytes: median (min–max of {len(wf)}) | {span(wf)} | | API {span(pfb)} | | "
                     f"≤ 30 KB{ok(med, TARGET_FIRST)} |")
        lines.append(f"| | index / site text | {fmt(ours.get('index_ratio'), 3)} ({fmt_bytes(ours.get('index_bytes'))}) | "
                     f"| {fmt(pf.get('index_ratio'), 3)} ({fmt_bytes(pf.get('index_bytes'))}) | | ≤ 0.12{ok(ours.get('index_ratio'), TARGET_RATIO)} |")
    lines += ["", f"Classes: {', '.join(CLASSES)}. Bundled site: bench/search/queries.tsv (zh queries searched from `/`, en "
              "from `/en/`). Corpus: derived from the generated pages by `corpus_labels` (seeded): zh body phrases "
              "unique to a page and their traditional, glue-dropped (compound) and synonym forms; en title queries "
              "(`<zh term> <en term>` of a page's title) and their typo, inflected (stem) and synonym forms. Per query: "
              "search-results.md."]
    return "\n".join(lines) + "\n"


def short(path):
    """/search/zh-8572bc9a16/t/12.bin → t/12.bin; /pagefind/index/x.pf_index → x.pf_index."""
    path = re.sub(r"^/search/[^/]+/", "", path)
    return path if path.count("/") <= 1 and not path.startswith("/") else path.rsplit("/", 1)[-1]


def details(f):
    """Per-query quality and first-query bytes, for the results file."""
    ours, pf = f["walletdesk"], f["pagefind"]
    lines = ["### Quality per query", "",
             "| query | pages containing it | walletdesk recall | walletdesk P@10 | Pagefind recall | Pagefind P@10 |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for q in f["queries"]["quality_zh"] + f["queries"]["quality_en"]:
        o, p = ours.get("per_query", {}).get(q) or {}, pf["per_query"].get(q) or {}
        lines.append(f"| `{q}` | {f['relevant_counts'][q]} | {fmt(o.get('recall'))} | {fmt(o.get('p10'))} "
                     f"| {fmt(p.get('recall'))} | {fmt(p.get('p10'))} |")
    lines += ["", "### Slowest queries", ""]
    for name, tool in (("walletdesk", ours), ("Pagefind", pf)):
        if tool.get("slowest"):
            lines.append(f"- {name}: " + ", ".join(f"`{q}` {ms:.0f} ms" for q, ms in tool["slowest"]))
    lines += ["", "### Bytes per query pair", "",
              "| first → repeat | walletdesk first | walletdesk repeat | Pagefind first (API) | Pagefind repeat |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for i, (a, b) in enumerate(PAIRS):
        def at(tool, key):
            rows = tool.get(key) or []
            return fmt_bytes(rows[i]["bytes"]) if i < len(rows) else "n/a"
        lines.append(f"| {a} → {b} | {at(ours, 'first')} | {at(ours, 'repeat')} | {at(pf, 'first')} | {at(pf, 'repeat')} |")
    for name, tool in (("walletdesk", ours), ("Pagefind", pf)):
        files = tool.get("first_files") or []
        if files:
            lines += ["", f"{name}, first query `{PAIRS[0][0]}`: "
                      + ", ".join(f"{short(e['path'])} {fmt_bytes(e['bytes'])}" for e in files)]
    bundled = f.get("bundled") or {}
    for title, labels, o, p in (("bundled site", bundled.get("labels"), bundled.get("walletdesk"), bundled.get("pagefind")),
                                (f"corpus, {f['pages']:,} pages", f.get("labels"), ours, pf)):
        if not labels:
            continue
        o_q = ((o or {}).get("labelled") or {}).get("per_query") or [{}] * len(labels)
        p_q = ((p or {}).get("labelled") or {}).get("per_query") or [{}] * len(labels)
        lines += ["", f"### Labelled queries, {title}", "",
                  f"Rank of the first answer page among the first {HIT_K} pages returned (— none of them; "
                  f"failed: the query raised an error). When neither tool finds an answer, their first page is shown.", "",
                  "| class | query | answers | walletdesk | Pagefind | note |", "| --- | --- | --- | ---: | ---: | --- |"]
        for label, a, b in zip(labels, o_q, p_q):
            def rank(x):
                return "failed" if x.get("failed") else (str(x["rank"]) if x.get("rank") else "—")
            note = label.get("note", "")
            if not a.get("rank") and not b.get("rank"):
                tops = [x.get("top") or [] for x in (a, b)]
                note = (note + "; " if note else "") + f"first: {tops[0][0] if tops[0] else 'nothing'} / {tops[1][0] if tops[1] else 'nothing'}"
            lines.append(f"| {label['class']} | {label['query']} | {' '.join(label['answers'])} | {rank(a)} | {rank(b)} | {note} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=100, help="timed queries per tool (after one warm-up)")
    parser.add_argument("--runs", type=int, default=3, help="builds of each tool for the build-time median")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (corpus, sites, driver output)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON on stdout")
    parser.add_argument("--labelled", type=int, default=24, metavar="N",
                        help="labelled queries per class derived from the corpus (hit@1, hit@5)")
    parser.add_argument("--no-bundled", action="store_true", help="skip the checks on the repo's own site")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each timed step, wait up to this long for the load average to settle")
    args = parser.parse_args()
    global WAIT_IDLE
    WAIT_IDLE = args.wait_idle
    started = time.perf_counter()
    notes = []

    cargo_build()
    npm_ci()
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        work = os.path.abspath(args.keep)
    else:
        work = tempfile.mkdtemp(prefix="walletdesk-search-bench-")
    try:
        figures = measure(args, work, notes)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    figures["run_seconds"] = time.perf_counter() - started
    table = report(figures)
    print(table)
    with open(RESULTS, "w", encoding="utf-8") as f:
        f.write(f"# Search benchmark results\n\n`python3 bench/search.py --pages {args.pages} --queries {args.queries}`, "
                f"{time.strftime('%Y-%m-%d')}. See bench/README.md for what is measured.\n\n{table}\n{details(figures)}")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))


def measure(args, work, notes):
    site = make_site(work, args.pages)
    public = os.path.join(site, "public")
    log(f"building with walletdesk ×{args.runs} …")
    build_s, search_s, search_lines, note = build_walletdesk(site, public, args.runs)
    if note:
        notes.append(note)
    pages = site_pages(public)
    urls = sorted(pages)
    texts = [pages[u][1] for u in urls]
    normed = {u: norm(pages[u][1]) for u in urls}
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)

    search_dir = os.path.join(public, "search")
    has_index = os.path.isdir(search_dir) and any(
        not p.endswith(".html") for p in glob.glob(os.path.join(search_dir, "**", "*"), recursive=True) if os.path.isfile(p))
    sample_page = urls[len(urls) // 2]
    has_core = search_assets(public, pages[sample_page][0])
    ours_ready = has_index and has_core
    if not ours_ready:
        notes.append("walletdesk's search is not in this build yet (no public/search/ index or no data-core button): "
                     "its columns are n/a")

    copy = os.path.join(work, "pagefind-site")
    pagefind_copy(public, copy, pages)
    log(f"running pagefind ×{args.runs} …")
    pf_wall, pf_own, pf_indexed = build_pagefind(copy, args.runs)
    pf_version = run([PAGEFIND, "--version"]).stdout.strip().replace("pagefind ", "")
    ids = pagefind_ids(copy)

    timing, quality_zh, quality_en = make_queries(texts, args.queries)
    log(f"deriving {args.labelled} labelled queries per class from the corpus …")
    labels = corpus_labels(site, normed, args.labelled)
    config = {
        "tools": [{"name": "pagefind", "kind": "pagefind", "root": copy, "page": sample_page}],
        "pairs": PAIRS, "warmup": WARMUP, "timing": timing,
        "quality": quality_zh + quality_en, "qualityLimit": 100000, "shown": SHOWN,
        "labelled": [label["query"] for label in labels], "labelledLimit": HIT_K,
    }
    if ours_ready:
        config["tools"].insert(0, {"name": "walletdesk", "kind": "walletdesk", "root": public, "page": sample_page})

    bundled = {} if args.no_bundled else bundled_site(work, config, notes)

    out_path = os.path.join(work, "driver-out.json")
    config_path = os.path.join(work, "driver-config.json")
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False)
    log(f"measuring in Chromium ({len(config['tools'])} sites) …")
    note_load("browser")
    result = run(["node", os.path.join(TOOLS, "driver.mjs"), config_path, out_path], cwd=TOOLS)
    if result.returncode != 0:
        sys.exit(f"the browser driver failed:\n{result.stderr[-4000:]}")
    with open(out_path, encoding="utf-8") as f:
        browser = json.load(f)

    def relevant(q):
        qn = norm(q)
        return {u for u in urls if qn in normed[u]}

    truth = {q: relevant(q) for q in quality_zh + quality_en}

    def tool_figures(name, map_ids):
        t = browser["tools"][name]
        for e in t["errors"]:
            notes.append(f"{name}: {e}")
        if t.get("warmed"):
            notes.append(f"{name}: index.search(q, {{limit: 100000}}) failed {t['warmed']}× in Chromium (\"Failed to "
                         "fetch\": it requests every matching page's record at once); the benchmark then loaded the "
                         "records 32 at a time and searched again")
        figures = {
            "first_bytes": [e["bytes"] for e in t["first"]],
            "repeat_bytes": [e["bytes"] for e in t["repeat"]],
            "first": [{k: e[k] for k in ("query", "bytes", "results")} | {"files": len(e["files"])} for e in t["first"]],
            "repeat": [{k: e[k] for k in ("query", "bytes", "results")} | {"files": len(e["files"])} for e in t["repeat"]],
            "first_files": t["first"][0]["files"] if t["first"] else [],
            "page_load_bytes": (t["pageLoad"] or {}).get("bytes"),
            "p50": pct(t["times"], 0.50), "p95": pct(t["times"], 0.95),
            "max_ms": max(t["times"]) if t["times"] else None,
            "slowest": sorted(zip(timing, t["times"]), key=lambda x: -x[1])[:8],
        }
        per = {}
        for q in quality_zh + quality_en:
            if q in t["quality"]:
                returned = [map_ids(x) for x in t["quality"][q]]
                per[q] = quality(returned, truth[q])
        figures["per_query"] = per
        figures["labelled"] = hit_figures(labels, t["labelled"])
        figures["named"] = {q: per.get(q) for q in NAMED}
        figures["quality"] = {
            group: {"recall": mean(per[q]["recall"] for q in qs if q in per),
                    "p10": mean(per[q]["p10"] for q in qs if q in per)}
            for group, qs in (("zh", quality_zh), ("en", quality_en))
        }
        return figures

    pf = tool_figures("pagefind", lambda x: ids.get(x, x))
    pf["ui_bytes"] = sum(e["bytes"] for e in browser["tools"]["pagefind"]["ui"])
    pf["index_bytes"], pf["index_files"] = dir_bytes(os.path.join(copy, "pagefind"))
    data_bytes = sum(os.path.getsize(p) for p in glob.glob(os.path.join(copy, "pagefind", "**", "*"), recursive=True)
                     if os.path.isfile(p) and (".pf_" in p or p.endswith(".pagefind")))
    pf["index_ratio"] = pf["index_bytes"] / text_bytes
    pf["data_ratio"] = data_bytes / text_bytes
    pf["build_seconds"], pf["own_seconds"], pf["indexed_pages"] = pf_wall, pf_own, pf_indexed

    ours = {"build_seconds": build_s, "search_seconds": search_s, "timings": search_lines}
    if ours_ready:
        ours |= tool_figures("walletdesk", lambda x: x)
        ours["index_bytes"], ours["index_files"] = dir_bytes(search_dir, skip_html=True)
        ours["index_ratio"] = ours["index_bytes"] / text_bytes
    if pf_indexed is not None and pf_indexed != len(urls):
        notes.append(f"Pagefind indexed {pf_indexed} pages, the benchmark measures {len(urls)}")
    if not truth["密钥轮换"]:
        notes.append("密钥轮换 does not occur in the generated corpus (its vocabulary has no 轮换): on it, any page "
                     "returned is a false positive, P@10 is over what was returned and n/a when nothing was; the "
                     "bundled-site rows measure it where it does occur")

    bundled_figures = finish_bundled(bundled, browser, notes) if bundled else {}

    busy = {k: round(v, 1) for k, v in LOADS.items() if v > (os.cpu_count() or 1)}
    if busy:
        notes.append("the machine was busy (1-minute load average above the core count at the start of: "
                     + ", ".join(f"{k} {v}" for k, v in busy.items()) + "): time figures are inflated")
    notes += [
        "bytes: every response the query triggered on a fresh page (empty cache), counted as stored when "
        "gzip-compressed on disk, else gzip -9; the page's own HTML and CSS are not counted. walletdesk's "
        "UI script (data-script) is counted even when the page loaded it before the query. Pagefind's API "
        f"figure is pagefind.js + its worker, wasm, meta, index chunks and the top {SHOWN} fragments; \"with "
        f"Default UI\" adds pagefind-ui.js + pagefind-ui.css ({fmt_bytes(pf['ui_bytes'])} gzip -9).",
        f"first/repeat query pairs: {', '.join(f'{a} → {b}' for a, b in PAIRS)}.",
        f"query time: performance.now() in the page around search + the top {SHOWN} results' excerpts "
        f"(walletdesk: index.search(q, {{limit: {SHOWN}}}); Pagefind: search(q) + data() of the top {SHOWN}), "
        f"after one warm-up query, index already opened; {len(timing)} seeded queries.",
        "site text and quality: the text of <main> without its <nav> (breadcrumbs, previous/next), <footer> "
        "(the page's tags) and heading permalinks, tags stripped, whitespace collapsed. A page is relevant when that text (NFKC, lower case) "
        "contains the query; "
        "recall over all returned pages (walletdesk: limit 100000, a page counts when any of its sections "
        "does), precision at 10 over the first 10 distinct pages returned (n/a when none).",
        "index on disk: walletdesk = every file under public/search/ but HTML; Pagefind = every file under "
        "pagefind/ (incl. its JS/CSS UI bundles; \"index data only\" = its .pf_* and wasm files).",
    ]
    return {
        "pages": args.pages, "indexed_pages": len(urls), "text_bytes": text_bytes, "cores": os.cpu_count(),
        "runs": args.runs, "timing_queries": len(timing), "chromium": browser["chromium"],
        "pagefind_version": pf_version,
        "quality_counts": {"zh": len(quality_zh), "en": len(quality_en)},
        "relevant_counts": {q: len(truth[q]) for q in quality_zh + quality_en},
        "queries": {"timing": timing, "quality_zh": quality_zh, "quality_en": quality_en},
        "labels": labels,
        "walletdesk": ours, "pagefind": pf, "bundled": bundled_figures, "notes": notes,
        "load_average": LOADS,
    }


# ---------------------------------------------------------------------------------------------
# The repo's own bilingual site: where 密钥轮换 actually occurs.

BUNDLED_QUERIES = ["密钥轮换", "付宝", "轮换", "密钥"]
# (first, repeat) query pairs for the bytes on the bundled site, from a zh and an en page.
BUNDLED_PAIRS = {"zh": [("支付宝", "退款"), ("微信支付 商户号", "对账")],
                 "en": [("refund", "webhook"), ("settlement time", "chargeback")]}


def bundled_site(work, config, notes):
    """Builds the repo's own site (content/, zh + en), runs Pagefind on a copy (every page but
    the search and 404 pages marked, both languages: Pagefind keeps an index per language, as
    walletdesk does) and adds both tools to the driver's config twice, on a zh page (`/`) and an
    en page (`/en/`): the recall queries (zh), the labelled queries of bench/search/queries.tsv
    in their language and two query pairs each for the bytes. Returns what finish_bundled needs."""
    public = os.path.join(work, "bundled-public")
    result = run([BINARY, "--root", REPO, "--quiet", "build", "--output", public, "--force"])
    if result.returncode != 0:
        notes.append(f"bundled site: walletdesk build failed ({result.stderr.strip()[-300:]})")
        return {}
    everything = site_pages(public)
    pages = {u: v for u, v in everything.items() if not u.startswith("/en/")}
    copy = os.path.join(work, "bundled-pagefind")
    pagefind_copy(public, copy, everything)
    result = run([PAGEFIND, "--site", copy])
    if result.returncode != 0:
        notes.append("bundled site: pagefind failed")
        return {}
    labels = load_labels()
    missing = sorted({a for label in labels for a in label["answers"]} - set(everything))
    if missing:
        notes.append(f"bench/search/queries.tsv names pages the bundled site does not have: {', '.join(missing)}")
    for lang, page in (("zh", "/" if "/" in pages else sorted(pages)[0]), ("en", "/en/")):
        if page not in everything:
            notes.append(f"bundled site: no {page} page, its {lang} queries are not measured")
            continue
        suffix = "" if lang == "zh" else "-en"
        common = {"page": page, "pairs": BUNDLED_PAIRS[lang], "timing": [],
                  "quality": BUNDLED_QUERIES if lang == "zh" else [],
                  "labelled": [label["query"] for label in labels if label["lang"] == lang]}
        config["tools"].append({"name": f"pagefind-bundled{suffix}", "kind": "pagefind", "root": copy} | common)
        if search_assets(public, everything[page][0]):
            config["tools"].append({"name": f"walletdesk-bundled{suffix}", "kind": "walletdesk", "root": public} | common)
    pf_bytes, pf_files = dir_bytes(os.path.join(copy, "pagefind"))
    ours_bytes, ours_files = dir_bytes(os.path.join(public, "search"), skip_html=True)
    return {"pages": {u: norm(t) for u, (_, t) in pages.items()}, "ids": pagefind_ids(copy), "labels": labels,
            "page_count": len(everything), "text_bytes": sum(len(t.encode("utf-8")) for _, t in everything.values()),
            "walletdesk_index": (ours_bytes, ours_files) if os.path.isdir(os.path.join(public, "search")) else None,
            "pagefind_index": (pf_bytes, pf_files)}


def finish_bundled(bundled, browser, notes):
    recall = {}
    for q in BUNDLED_QUERIES:
        rel = {u for u, t in bundled["pages"].items() if norm(q) in t}
        row = {"relevant": len(rel)}
        for name, key, mapper in (("pagefind-bundled", "pagefind", lambda x: bundled["ids"].get(x, x)),
                                  ("walletdesk-bundled", "walletdesk", lambda x: x)):
            t = browser["tools"].get(name)
            row[key] = quality([mapper(x) for x in t["quality"][q]], rel) if t and q in t["quality"] else None
        recall[q] = row
    out = {"recall": recall, "labels": bundled["labels"], "pages": bundled["page_count"],
           "text_bytes": bundled["text_bytes"]}
    labels = bundled["labels"]
    for key in ("walletdesk", "pagefind"):
        tools = {lang: browser["tools"].get(f"{key}-bundled" + ("" if lang == "zh" else "-en")) for lang in ("zh", "en")}
        if not all(tools.values()):
            out[key] = None
            continue
        for lang, t in tools.items():
            for e in t["errors"]:
                notes.append(f"bundled site, {key} ({lang}): {e}")
        queues = {lang: iter(t["labelled"]) for lang, t in tools.items()}
        returned = [next(queues[label["lang"]], None) for label in labels]
        index = bundled[f"{key}_index"]
        out[key] = {
            "labelled": hit_figures(labels, returned),
            "first_bytes": [e["bytes"] for t in tools.values() for e in t["first"]],
            "repeat_bytes": [e["bytes"] for t in tools.values() for e in t["repeat"]],
            "first": [{"query": e["query"], "bytes": e["bytes"], "files": len(e["files"])} for t in tools.values() for e in t["first"]],
            "index_bytes": index[0] if index else None, "index_files": index[1] if index else None,
            "index_ratio": index[0] / bundled["text_bytes"] if index else None,
        }
    return out


if __name__ == "__main__":
    main()
