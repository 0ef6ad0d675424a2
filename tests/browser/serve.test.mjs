// `walletdesk serve` in a real browser: an edited page reloads by itself, a CSS change
// restyles without a reload, and build errors show over the page until they are fixed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fixtureSite, launchBrowser, startServe } from "./harness.mjs";

let site, server, browser;

before(async () => {
  site = fixtureSite("basic");
  server = await startServe(site.root);
  browser = await launchBrowser();
});

after(async () => {
  server?.stop();
  await closeWithin(browser);
  site?.remove();
});

/** Closes a page or browser, giving up after 10 s: a page caught mid-reload must not hang the run. */
function closeWithin(closable) {
  if (!closable) return Promise.resolve();
  return Promise.race([closable.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
}

async function openPage(path) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(e.message));
  // The page is live once its script has opened the event stream.
  const stream = page.waitForResponse((r) => r.url().endsWith("/__walletdesk/events"));
  await page.goto(server.url + path);
  await stream;
  return { page, problems };
}

test("an edited page shows the new text without the test reloading it", { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage("/en/guide/keys/");
  assert.match(await page.textContent("main"), /Rotate keys regularly\./);
  const reloaded = page.waitForEvent("load");
  site.write("content/en/guide/keys.md", site.read("content/en/guide/keys.md").replace("Rotate keys regularly.", "Rotate keys every quarter."));
  await reloaded;
  assert.match(await page.textContent("main"), /Rotate keys every quarter\./);
  assert.deepEqual(problems, []);
  await closeWithin(page);
});

test("a stylesheet change restyles the page without reloading it", { timeout: 60_000 }, async () => {
  const { page } = await openPage("/en/guide/keys/");
  await page.evaluate(() => { window.notReloaded = true; });
  const css = site.read("static/css/site.css");
  site.write("static/css/site.css", `${css}\nh1 { letter-spacing: 7px; }\n`);
  await page.waitForFunction(() => getComputedStyle(document.querySelector("h1")).letterSpacing === "7px");
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  await closeWithin(page);
});

test("build errors show over the last good page until they are fixed", { timeout: 60_000 }, async () => {
  const { page } = await openPage("/en/guide/register/");
  const good = site.read("content/en/guide/register.md");
  site.write("content/en/guide/register.md", good.replace("weight: 20", "weight: [20"));
  const overlay = page.locator("#walletdesk-errors");
  await overlay.waitFor();
  assert.match(await overlay.textContent(), /content\/en\/guide\/register\.md:4:9: weight: invalid type: sequence, expected i64/);
  assert.match(await page.textContent("h1"), /Register a merchant account/, "the last good page stays");

  // Another page opened now shows the same errors.
  const other = await openPage("/guide/");
  await other.page.locator("#walletdesk-errors").waitFor();
  await closeWithin(other.page);

  site.write("content/en/guide/register.md", good);
  await overlay.waitFor({ state: "detached" });
  // The fix may reload the page: let it finish before closing it.
  await page.waitForLoadState("load");
  await closeWithin(page);
});
