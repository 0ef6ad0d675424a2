// The bundled site in a real browser: navigation and language switching, the dark-mode toggle,
// the phone layout, a clean console, no request leaving the site, the strict CSP, axe-core's
// accessibility rules in both themes, and screenshots (tests/browser/screenshots/) to look at.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { launchBrowser, repo, startServe } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const shots = join(repo, "tests", "browser", "screenshots");
let server, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServe(repo);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** A fresh page that records console errors, CSP violations and requests to other hosts. */
async function newPage(viewport) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  const origin = new URL(server.url).origin;
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`error: ${e.message}`));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.origin !== origin && url.protocol !== "data:") problems.push(`request left the site: ${r.url()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems };
}

/** Every page of the bundled site, from its sitemap. */
async function sitePaths() {
  const xml = await (await fetch(`${server.url}/sitemap.xml`)).text();
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
}

test("every page loads with no console error, no CSP violation and no request off the site", async () => {
  const paths = await sitePaths();
  assert.ok(paths.length >= 14, `only ${paths.length} pages in the sitemap`);
  const { page, problems } = await newPage();
  for (const path of [...paths, "/no-such-page/"]) {
    await page.goto(server.url + path, { waitUntil: "load" });
    assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content"), "default-src 'self'");
  }
  // The 404 page is requested on purpose: only its status is an "error".
  assert.deepEqual(problems.filter((p) => !p.includes("404")), []);
  await page.close();
});

test("navigation and language switching", async () => {
  const { page } = await newPage();
  await page.goto(`${server.url}/`);
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  await page.click(".site-nav a[href='/guide/']");
  await page.waitForURL(`${server.url}/guide/`);
  await page.click(".site-nav a[href='/guide/register/']");
  await page.waitForURL(`${server.url}/guide/register/`);
  assert.equal(await page.getAttribute(".site-nav a[href='/guide/register/']", "aria-current"), "page");
  await page.click(".language-switcher a[hreflang='en']");
  await page.waitForURL(`${server.url}/en/guide/register/`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.click(".pager a[rel='next']");
  assert.match(page.url(), /\/en\/guide\/credentials\/$/);
  await page.close();
});

test("the dark-mode toggle is remembered across pages", async () => {
  const { page } = await newPage();
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${server.url}/guide/`);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await background(), "rgb(255, 255, 255)");
  await page.click(".theme-toggle");
  assert.equal(await page.getAttribute(".theme-toggle", "aria-pressed"), "true");
  assert.equal(await background(), "rgb(13, 17, 23)");
  await page.goto(`${server.url}/en/security/keys/`);
  assert.equal(await page.getAttribute("html", "data-theme"), "dark");
  assert.equal(await background(), "rgb(13, 17, 23)");
  await page.screenshot({ path: join(shots, "guide-dark.png"), fullPage: true });
  await page.click(".theme-toggle");
  await page.reload();
  assert.equal(await background(), "rgb(255, 255, 255)");
  await page.close();
});

test("on a 360 px phone nothing overflows and the menu opens", async () => {
  const { page } = await newPage({ width: 360, height: 740 });
  for (const path of await sitePaths()) {
    await page.goto(server.url + path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
  }
  await page.goto(`${server.url}/guide/choose-provider/`);
  assert.equal(await page.isVisible(".site-nav"), false, "the navigation starts collapsed");
  await page.click(".menu-button");
  assert.equal(await page.getAttribute(".menu-button", "aria-expanded"), "true");
  assert.equal(await page.isVisible(".site-nav a[href='/guide/register/']"), true);
  await page.screenshot({ path: join(shots, "guide-360.png"), fullPage: true });
  await page.close();
});

test("axe-core finds no accessibility violations in either theme", async () => {
  const { page } = await newPage();
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of ["/", "/guide/", "/guide/choose-provider/", "/en/security/keys/", "/no-such-page/"]) {
      await page.goto(server.url + path);
      // Evaluated through the DevTools protocol: the page's CSP does not apply to it.
      const result = await page.evaluate(`${axeSource}\naxe.run(document, { resultTypes: ["violations"] })`);
      const found = result.violations.map((v) => `${scheme} ${path}: ${v.id} (${v.nodes.length}) ${v.nodes[0].target}`);
      assert.deepEqual(found, []);
    }
  }
  await page.close();
});

test("screenshots: home, guide, print view", async () => {
  const { page } = await newPage();
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${server.url}/`);
  await page.screenshot({ path: join(shots, "home.png"), fullPage: true });
  await page.goto(`${server.url}/guide/choose-provider/`);
  await page.screenshot({ path: join(shots, "guide-desktop.png"), fullPage: true });
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible(".site-nav"), false, "no navigation in print");
  await page.screenshot({ path: join(shots, "guide-print.png"), fullPage: true });
  await page.close();
});

test("without JavaScript: reading, navigation, language switching and the phone menu work", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/guide/`);
  assert.equal(await page.isVisible(".site-nav"), false);
  await page.click(".menu-button");
  assert.equal(await page.isVisible(".site-nav a[href='/guide/register/']"), true, "the menu opens by targeting the navigation");
  await page.click(".site-nav a[href='/guide/register/']");
  await page.waitForURL(`${server.url}/guide/register/`);
  await page.click(".language-switcher a[hreflang='en']");
  await page.waitForURL(`${server.url}/en/guide/register/`);
  assert.match(await page.textContent("h1"), /Register/);
  assert.equal(await page.isVisible(".theme-toggle"), false, "no dead toggle without scripts");
  await context.close();
});
