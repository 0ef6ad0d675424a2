// The bundled site in a real browser: navigation and language switching, the dark-mode toggle,
// the phone layout, a clean console, no request leaving the site, the strict CSP, axe-core's
// accessibility rules in both themes, and screenshots (tests/browser/screenshots/) to look at.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fixtureSite, launchBrowser, repo, startServe } from "./harness.mjs";

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

test("diagrams: drawn at build time, shown without JavaScript under the strict CSP, named for screen readers, in the theme's light and dark colours", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const violations = [];
  page.on("console", (m) => { if (m.type() === "error") violations.push(m.text()); });
  const kinds = new Map();
  let found = 0;
  for (const path of await sitePaths()) {
    await page.goto(server.url + path);
    const diagrams = page.locator("figure.diagram > svg.diagram-svg");
    const count = await diagrams.count();
    for (let i = 0; i < count; i++) {
      const svg = diagrams.nth(i);
      const info = await svg.evaluate((el) => ({
        kind: [...el.classList].find((c) => c.startsWith("diagram-") && c !== "diagram-svg"),
        role: el.getAttribute("role"),
        name: el.querySelector("title")?.textContent ?? "",
        description: el.querySelector("desc")?.textContent ?? "",
        width: el.getBoundingClientRect().width,
        labels: [...el.querySelectorAll("text")].map((t) => t.textContent.trim()).filter(Boolean),
      }));
      assert.equal(info.role, "img", `${path}: a diagram is one image to assistive technology`);
      assert.ok(info.name.length > 1 && info.description.length > 10, `${path}: ${info.kind} needs accTitle and accDescr`);
      assert.ok(await page.getByRole("img", { name: info.name }).count() >= 1, `${path}: named "${info.name}"`);
      assert.ok(info.width > 100, `${path}: ${info.kind} is drawn (${info.width}px wide)`);
      assert.ok(info.labels.length >= 3, `${path}: labels are SVG text`);
      kinds.set(info.kind, (kinds.get(info.kind) ?? 0) + 1);
      found++;
    }
  }
  assert.ok(found >= 10, `${found} diagrams on the site (five topics in two languages)`);
  for (const kind of ["diagram-flowchart", "diagram-sequence", "diagram-timeline"]) {
    assert.ok(kinds.get(kind) >= 2, `${kind}: ${kinds.get(kind) ?? 0}`);
  }
  assert.deepEqual(violations, [], "no CSP violation: nothing inline is refused");

  // The colours come from the theme's stylesheet and follow the colour scheme.
  await page.goto(`${server.url}/guide/integrate/`);
  const colours = async () => page.locator("svg.diagram-svg").first().evaluate((svg) => {
    const box = svg.querySelector(".actor, .node rect, .node polygon, .node-bkg");
    const text = svg.querySelector("text");
    return { box: getComputedStyle(box).fill, text: getComputedStyle(text).fill, page: getComputedStyle(document.body).color };
  });
  await page.emulateMedia({ colorScheme: "light" });
  const light = await colours();
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await colours();
  assert.notEqual(light.box, dark.box, "boxes change with the colour scheme");
  assert.equal(light.text, light.page, "labels are the page's text colour");
  assert.equal(dark.text, dark.page, "labels are the page's text colour in dark mode too");

  // A label can be selected and copied like any text.
  const selected = await page.locator("svg.diagram-svg text").first().evaluate((text) => {
    const range = document.createRange();
    range.selectNodeContents(text);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return getSelection().toString().trim();
  });
  assert.ok(selected.length > 0, "a label is selectable text");
  await page.setViewportSize({ width: 360, height: 740 });
  const fits = await page.locator("svg.diagram-svg").first().evaluate((svg) => svg.getBoundingClientRect().right <= window.innerWidth);
  assert.ok(fits, "on a phone the diagram scales down to the screen");
  await page.screenshot({ path: join(shots, "diagram-360.png"), fullPage: false });
  await context.close();
});

test("a 600-page section on a phone without JavaScript: the menu shows the block of 25 around the page, and its section page reaches every page", async () => {
  const site = fixtureSite("basic");
  mkdirSync(join(site.root, "content", "en", "big"), { recursive: true });
  site.write("content/en/big/_index.md", "---\ntitle: Big section\nweight: 90\n---\n\nMany pages.\n");
  for (let n = 0; n < 600; n++) {
    const name = String(n).padStart(3, "0");
    site.write(`content/en/big/p${name}.md`, `---\ntitle: Page ${n}\nweight: ${n}\n---\n\nText ${n}.\n`);
  }
  const big = await startServe(site.root);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  try {
    const page = await context.newPage();
    await page.goto(`${big.url}/en/big/p437/`);
    await page.click(".menu-button");
    const listed = page.locator(".site-nav a[href^='/en/big/p']");
    assert.equal(await listed.count(), 25, "one block of the section's pages");
    assert.equal(await listed.first().getAttribute("href"), "/en/big/p425/");
    assert.equal(await page.getAttribute(".site-nav a[aria-current='page']", "href"), "/en/big/p437/");
    const all = page.locator(".site-nav li.more a");
    assert.equal(await all.textContent(), "All 600 pages");
    await all.scrollIntoViewIfNeeded();
    await all.click();
    await page.waitForURL(`${big.url}/en/big/`);
    assert.equal(await page.locator(".section-pages a[href^='/en/big/p']").count(), 600, "the section page lists every page");
    await page.click(".section-pages a[href='/en/big/p599/']");
    await page.waitForURL(`${big.url}/en/big/p599/`);
    assert.equal(await page.textContent("h1"), "Page 599");
  } finally {
    await context.close();
    big.stop();
    site.remove();
  }
});
