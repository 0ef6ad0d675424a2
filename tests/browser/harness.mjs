// Shared helpers of the browser tier: a fixture site copied to a temporary folder, a
// `walletdesk serve` process on a free loopback port, and Debian's headless Chromium.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createRequire } from "node:module";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "..", "..");
export const binary = process.env.WALLETDESK_BIN ?? join(repo, "target", "debug", "walletdesk");

// Flags for a machine without internet: without the background-networking ones Chromium
// keeps trying to reach Google's services.
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A seeded generator of numbers in [0, 1) (mulberry32): generated tests can be reproduced. */
export function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Half-width `, : ; ( )` next to a Chinese character (one space between allowed), each with
 * some text around it: Chinese text takes full-width punctuation.
 */
export function halfWidthNextToChinese(text) {
  return [...text.matchAll(/[\u3400-\u9fff] ?[,:;()]|[,:;()] ?[\u3400-\u9fff]/g)]
    .map((m) => text.slice(Math.max(0, m.index - 12), m.index + 14));
}

/** Debian's Chromium with a fresh profile (Playwright gives each launch a new temporary one). */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return {
    context,
    /** Another context, e.g. with JavaScript off. */
    newContext: (options) => browser.newContext({ viewport: { width: 1280, height: 900 }, ...options }),
    close: () => browser.close(),
  };
}

/** A copy of tests/fixtures/<name> in a fresh temporary folder. */
export function fixtureSite(name) {
  const root = mkdtempSync(join(tmpdir(), "walletdesk-site-"));
  cpSync(join(repo, "tests", "fixtures", name), root, { recursive: true });
  return {
    root,
    read: (rel) => readFileSync(join(root, rel), "utf8"),
    write: (rel, text) => writeFileSync(join(root, rel), text),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

function canConnect(port) {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1", () => { socket.destroy(); done(true); });
    socket.on("error", () => done(false));
  });
}

/** Starts `walletdesk serve` on `root` and resolves when it answers. */
export async function startServe(root) {
  const port = await freePort();
  const child = spawn(binary, ["--root", root, "--quiet", "serve", "--port", String(port)], { stdio: "ignore" });
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`walletdesk serve exited with ${child.exitCode}`);
    if (await canConnect(port)) {
      return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error("walletdesk serve did not start");
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
};

/** Serves the folder `root` like a static host: folders by their index.html, 404.html otherwise. */
export function serveFolder(root) {
  return new Promise((done) => {
    const http = createHttpServer((req, res) => {
      let path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
      if (path.endsWith("/")) path += "index.html";
      const file = join(root, normalize(path));
      try {
        if (!file.startsWith(root)) throw new Error("outside");
        const body = readFileSync(file);
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404, { "content-type": TYPES[".html"] });
        res.end(readFileSync(join(root, "404.html")));
      }
    });
    http.listen(0, "127.0.0.1", () => done(http));
  });
}

/**
 * A page in a fresh context (fresh storage) of `browser` (from launchBrowser) that records
 * requests, console errors and CSP violations.
 */
export async function watchedPage(browser, viewport, options = {}) {
  const context = await browser.newContext({ ...(viewport ? { viewport } : {}), ...options });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`error: ${e.message}`));
  page.on("request", (r) => requests.push(new URL(r.url())));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, context, problems, requests, close: () => context.close() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations, evaluated through the DevTools protocol (the page's CSP does not apply). */
export async function axeViolations(page) {
  const result = await page.evaluate(`${axeSource}\naxe.run(document, { resultTypes: ["violations"] })`);
  return result.violations.map((v) => `${v.id} (${v.nodes.length}) ${v.nodes[0].target} ${v.nodes[0].failureSummary}`);
}

/** Where the browser tests leave screenshots and the DOM of pages (not in git). */
export const shots = join(repo, "tests", "browser", "screenshots");

/**
 * The bundled site built by the real binary into a temporary folder (`tmp`), served there as a
 * static host would (`url`), and a browser; `close` ends all three.
 */
export async function bundledSite(name) {
  mkdirSync(shots, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), `walletdesk-${name}-`));
  const out = join(tmp, "site");
  const build = spawnSync(binary, ["--root", repo, "--quiet", "build", "--output", out], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`walletdesk build failed:\n${build.stderr}`);
  const server = await serveFolder(out);
  const browser = await launchBrowser();
  return {
    tmp, browser, url: `http://127.0.0.1:${server.address().port}`,
    close: async () => {
      await browser.close();
      server.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
