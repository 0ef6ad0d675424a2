// The browser half of bench/search.py: serves each tool's built site from a tiny static HTTP
// server on loopback (no compression), drives Debian's headless Chromium with playwright-core
// and measures, per tool, the bytes a first and a repeat query download, the query time inside
// the page, and the ranked pages of the quality queries.
//
//     node bench/search/driver.mjs CONFIG.json OUT.json
//
// CONFIG: { tools: [{ name, kind: "walletdesk" | "pagefind", root, page, and optionally its own
// pairs, timing, quality, labelled }], pairs: [[first, repeat], …], warmup, timing: [queries],
// quality: [queries], qualityLimit, labelled: [queries], labelledLimit, shown }.
// OUT: per tool, the bytes of each pair, the query times, the returned ids/URLs of each quality
// query (`quality[q]`) and the URLs of the first `labelledLimit` results of each labelled
// query, in the order given (`labelled[i]`, null when the query failed).
// Every response the server sends is logged; a response counts as its bytes on disk when the
// file is gzip already (Pagefind's .pf_* and wasm, walletdesk's .bin), else as its gzip -9 size.
import { createServer } from "node:http";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8", ".xml": "application/xml",
};

/** Size a response costs: on-disk bytes for a gzip file, else its gzip -9 size. */
const costCache = new Map();
function cost(file, body) {
  if (!costCache.has(file)) {
    const gz = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
    costCache.set(file, { bytes: gz ? body.length : gzipSync(body, { level: 9 }).length, raw: body.length, gzip: gz });
  }
  return costCache.get(file);
}

function startServer(root) {
  root = resolve(root);
  const log = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) { res.writeHead(403).end(); return; }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const stat = statSync(file);
      const etag = `"${stat.size}-${stat.mtimeMs}"`;
      if (req.headers["if-none-match"] === etag) {
        log.push({ path, status: 304, bytes: 0, raw: 0 });
        res.writeHead(304, { ETag: etag }).end();
        return;
      }
      const body = readFileSync(file);
      const c = cost(file, body);
      log.push({ path, status: 200, bytes: c.bytes, raw: c.raw, gzip: c.gzip });
      res.writeHead(200, {
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        "Content-Length": body.length, ETag: etag, "Cache-Control": "max-age=3600",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      log.push({ path, status: 404, bytes: 0, raw: 0 });
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    }
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done({
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    take() { return log.splice(0, log.length); },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}

/** Size of a file of the served site as the server would count it. */
function fileCost(root, urlPath) {
  const file = join(resolve(root), decodeURIComponent(new URL(urlPath, "http://x").pathname));
  return { path: urlPath, ...cost(file, readFileSync(file)) };
}

const sum = (entries) => entries.reduce((n, e) => n + e.bytes, 0);
const settle = (ms) => new Promise((r) => setTimeout(r, ms));

// In-page functions: each tool's "search": open (first use loads everything it needs), query,
// and fetch the excerpts/fragments of the results shown (config.shown: what each tool's UI
// shows first).
async function pageSetup(kind) {
  if (kind === "walletdesk") {
    const el = document.querySelector("[data-core][data-index]");
    if (!el) throw new Error("no element with data-core and data-index on the page");
    const core = await import(new URL(el.dataset.core, location.href).href);
    window.__bench = {
      script: el.dataset.script ? new URL(el.dataset.script, location.href).pathname : null,
      open: () => core.openIndex(new URL(el.dataset.index, location.href).href),
      async search(index, q, limit) {
        let r;
        try {
          r = await index.search(q, { limit });
        } catch (e) {
          // A large limit fetches every matching page's record at once, which Chromium may
          // refuse ("Failed to fetch"): load the records 32 at a time, then search again.
          const count = index.pageCount ?? index.pageStarts?.length;
          if (limit <= 50 || typeof index.page !== "function" || !count) throw e;
          window.__benchWarmed = (window.__benchWarmed ?? 0) + 1;
          for (let i = 0; i < count; i += 32) {
            await Promise.all(Array.from({ length: Math.min(32, count - i) }, (_, k) => index.page(i + k).catch(() => null)));
          }
          r = await index.search(q, { limit });
        }
        const list = Array.isArray(r) ? r : (r.results ?? []);
        return list.map((x) => x.url);
      },
    };
  } else {
    const pagefind = await import("/pagefind/pagefind.js");
    window.__bench = {
      script: null,
      open: async () => { await pagefind.init(); return pagefind; },
      async search(index, q, limit) {
        const s = await index.search(q);
        const results = s?.results ?? [];
        if (limit <= 50) {
          const data = await Promise.all(results.slice(0, limit).map((r) => r.data()));
          return data.map((d) => d.url);
        }
        return results.map((r) => r.id);
      },
    };
  }
}

async function main() {
  const [configPath, outPath] = process.argv.slice(2);
  const config = JSON.parse(readFileSync(configPath, "utf8"));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const out = { chromium: browser.version(), tools: {} };
  try {
    for (const tool of config.tools) {
      const server = await startServer(tool.root);
      const result = { first: [], repeat: [], pageLoad: null, ui: [], times: [], quality: {}, labelled: [], errors: [] };
      out.tools[tool.name] = result;
      try {
        // Bytes: a fresh context (empty cache) per pair of queries.
        const pairs = tool.pairs ?? config.pairs;
        const timing = tool.timing ?? config.timing;
        const quality = tool.quality ?? config.quality;
        const labelled = tool.labelled ?? config.labelled ?? [];
        for (const [first, repeat] of pairs) {
          const context = await browser.newContext();
          const page = await context.newPage();
          try {
            await page.goto(server.url + tool.page, { waitUntil: "load" });
            await settle(300);
            const load = server.take();
            if (!result.pageLoad) result.pageLoad = { bytes: sum(load), files: load };
            await page.evaluate(pageSetup, tool.kind);
            const firstUrls = await page.evaluate(async ({ q, shown }) => {
              window.__index = await window.__bench.open();
              return window.__bench.search(window.__index, q, shown);
            }, { q: first, shown: config.shown });
            await settle(200);
            const firstLog = server.take();
            const script = await page.evaluate(() => window.__bench.script);
            // The UI script: counted whether the page loaded it already or not at all yet.
            const extra = [];
            if (script && !firstLog.some((e) => e.path === script)) extra.push({ ...fileCost(tool.root, script), counted: "data-script" });
            const repeatUrls = await page.evaluate(async ({ q, shown }) => window.__bench.search(window.__index, q, shown), { q: repeat, shown: config.shown });
            await settle(200);
            const repeatLog = server.take();
            result.first.push({ query: first, bytes: sum(firstLog) + sum(extra), files: [...firstLog, ...extra], results: firstUrls.length });
            result.repeat.push({ query: repeat, bytes: sum(repeatLog), files: repeatLog, results: repeatUrls.length });
          } catch (e) {
            result.errors.push(`bytes ${first}/${repeat}: ${e.message.split("\n")[0]}`);
          } finally {
            await context.close();
          }
        }
        if (tool.kind === "pagefind") {
          result.ui = ["/pagefind/pagefind-ui.js", "/pagefind/pagefind-ui.css"].map((p) => fileCost(tool.root, p));
        }
        // Query time and quality: one page, the index opened first.
        const context = await browser.newContext();
        const page = await context.newPage();
        try {
          await page.goto(server.url + tool.page, { waitUntil: "load" });
          await page.evaluate(pageSetup, tool.kind);
          result.times = await page.evaluate(async ({ warmup, queries, shown }) => {
            window.__index = await window.__bench.open();
            if (!queries.length) return [];
            await window.__bench.search(window.__index, warmup, shown);
            const times = [];
            for (const q of queries) {
              const t0 = performance.now();
              await window.__bench.search(window.__index, q, shown);
              times.push(performance.now() - t0);
            }
            return times;
          }, { warmup: config.warmup, queries: timing, shown: config.shown });
          server.take();
          for (const q of quality) {
            try {
              result.quality[q] = await page.evaluate(
                ({ q, limit }) => window.__bench.search(window.__index, q, limit), { q, limit: config.qualityLimit });
            } catch (e) {
              result.errors.push(`quality ${q}: ${e.message.split("\n")[0]}`);
            }
          }
          // Labelled queries: the pages each tool shows first (config.labelledLimit), as its
          // UI asks for them: walletdesk search(q, {limit}), Pagefind search(q) + data() of
          // the first results.
          for (const q of labelled) {
            try {
              result.labelled.push(await page.evaluate(
                ({ q, limit }) => window.__bench.search(window.__index, q, limit), { q, limit: config.labelledLimit ?? 5 }));
            } catch (e) {
              result.labelled.push(null);
              result.errors.push(`labelled ${q}: ${e.message.split("\n")[0]}`);
            }
          }
          result.warmed = await page.evaluate(() => window.__benchWarmed ?? 0);
        } catch (e) {
          result.errors.push(`timing: ${e.message.split("\n")[0]}`);
        } finally {
          await context.close();
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
  }
  writeFileSync(outPath, JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
