// Search in a real browser, on the bundled site built into a temporary folder and served by a
// tiny static server: nothing loads before the search box is used; the dialog opens with
// Ctrl-K and "/", finds Chinese and English with the words marked, follows a result with the
// arrow keys to a page that marks the words; the search page works as a link; a query with no
// results points to the other language; recent searches are remembered; the phone layout and
// axe-core in both themes; no console error and no CSP violation anywhere.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { axeViolations, bundledSite, shots, watchedPage } from "./harness.mjs";

let site, url, browser;

before(async () => {
  site = await bundledSite("search");
  ({ url, browser } = site);
});

after(() => site?.close());

/** A fresh page (fresh storage) that records requests, console errors and CSP violations. */
const newPage = (viewport) => watchedPage(browser, viewport);

const dialog = ".search-dialog[open]";
const options = `${dialog} [role=option]`;

/** Opens the dialog with Ctrl-K, types `words` and waits for the results. */
async function searchFor(page, words, { key = "Control+k", expect = options } = {}) {
  await page.keyboard.press(key);
  await page.locator(`${dialog} input`).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("role")), "combobox");
  await page.keyboard.type(words);
  await page.locator(expect).first().waitFor();
}

test("what is typed right after the shortcut, while the dialog still loads, is kept", async () => {
  const { page, problems, close } = await newPage();
  // A slow network: the dialog's script arrives 600 ms after it is asked for.
  await page.route("**/js/search.js*", async (route) => {
    await new Promise((r) => setTimeout(r, 600));
    await route.continue();
  });
  await page.goto(`${url}/en/guide/`);
  // A "/" typed while it loads is text, not a second shortcut.
  await page.keyboard.press("/");
  await page.keyboard.type("/refundd");
  await page.keyboard.press("Backspace");
  await page.locator(options).first().waitFor();
  assert.equal(await page.inputValue(`${dialog} input`), "/refund");
  await page.keyboard.type("s");
  assert.equal(await page.inputValue(`${dialog} input`), "/refunds");
  assert.deepEqual(problems, []);
  await close();
});

/** The texts of the <mark>s inside `selector`. */
const marks = (page, selector) => page.locator(`${selector} mark`).allTextContents();

test("nothing of search loads before the search box is used", async () => {
  const { page, problems, requests, close } = await newPage();
  const searchFiles = () => requests.filter((u) => /\/js\/search(-core)?\.js$|\/search\//.test(u.pathname));
  await page.goto(`${url}/guide/`, { waitUntil: "load" });
  await page.waitForTimeout(500);
  assert.ok(requests.some((u) => u.pathname.endsWith("/js/site.js")), "site.js loads");
  assert.deepEqual(searchFiles().map(String), []);
  // Focus alone loads the dialog's module (ready for the first key), nothing opens yet.
  const script = page.waitForRequest((r) => new URL(r.url()).pathname.endsWith("/js/search.js"));
  await page.focus(".search-button");
  await script;
  assert.equal(await page.locator(dialog).count(), 0);
  assert.deepEqual(problems, []);
  await close();
});

test("Ctrl-K finds Chinese, '/' finds English, and a result opens at its section with the words marked", async () => {
  const { page, problems, close } = await newPage();
  await page.goto(`${url}/guide/`);
  await searchFor(page, "退款");
  // Grouped by page: each group has its page title, then its sections as options.
  const groups = page.locator(`${dialog} [role=group]`);
  assert.ok(await groups.count() >= 2, "several pages match 退款");
  for (const group of await groups.all()) {
    const title = await group.locator(".search-group-title").textContent();
    const crumbs = await group.locator("[role=option] .search-crumb").allTextContents();
    assert.ok(crumbs.length >= 1);
    for (const crumb of crumbs) assert.ok(crumb.startsWith(title), `"${crumb}" starts with its page title "${title}"`);
  }
  const found = await marks(page, dialog);
  assert.ok(found.some((m) => m.includes("退款")), `marks: ${found}`);
  assert.equal(await page.isVisible(`${dialog} .search-recent-head`), false, "no recent searches while results show");
  assert.match(await page.textContent(`${dialog} .search-status`), /\d+/);

  // ArrowDown to the first result that is a section (has an #anchor), then Enter.
  let href = "";
  for (let i = 0; i < 10 && !href.includes("#"); i++) {
    await page.keyboard.press("ArrowDown");
    const id = await page.getAttribute(`${dialog} input`, "aria-activedescendant");
    assert.equal(await page.getAttribute(`#${id}`, "aria-selected"), "true");
    href = await page.getAttribute(`#${id}`, "href");
  }
  assert.match(href, /\?hl=.+#./, "a section result carries ?hl= before its anchor");
  await Promise.all([page.waitForURL((u) => u.hash !== ""), page.keyboard.press("Enter")]);
  const landed = new URL(page.url());
  const wanted = new URL(href, url);
  assert.equal(landed.pathname, wanted.pathname);
  assert.equal(landed.hash, wanted.hash);
  assert.equal(landed.searchParams.get("hl"), "退款");
  await page.locator("mark.search-hit").first().waitFor();
  const inSection = await page.evaluate((id) => {
    const heading = document.getElementById(id);
    if (!heading) return "no such heading";
    if (heading.querySelector("mark.search-hit")) return true;
    const level = Number(heading.tagName[1]);
    for (let el = heading.nextElementSibling; el; el = el.nextElementSibling) {
      if (/^H[1-6]$/.test(el.tagName) && Number(el.tagName[1]) <= level) break;
      if (el.matches("mark.search-hit") || el.querySelector("mark.search-hit")) return true;
    }
    return false;
  }, decodeURIComponent(landed.hash.slice(1)));
  assert.equal(inSection, true, `section ${landed.hash} holds a mark.search-hit`);
  const top = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, decodeURIComponent(landed.hash.slice(1)));
  assert.ok(top >= -2 && top < 200, `the page is scrolled to the section (heading at ${top}px)`);

  // English, opened with "/".
  await page.goto(`${url}/en/guide/`);
  await searchFor(page, "refund", { key: "/" });
  const english = await marks(page, dialog);
  assert.ok(english.length && english.some((m) => m.toLowerCase().includes("refund")), `marks: ${english}`);
  assert.ok(await page.locator(`${dialog} [role=group]`).count() >= 2);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(dialog).count(), 0, "Esc closes");
  assert.deepEqual(problems, []);
  await close();
});

test("the search page works as a link", async () => {
  const { page, problems, close } = await newPage();
  await page.goto(`${url}/search/?q=${encodeURIComponent("支付宝")}`);
  await page.locator(".search-page-results .search-group").first().waitFor();
  assert.equal(await page.inputValue(".search-page-form input[name=q]"), "支付宝");
  assert.ok(await page.locator(".search-page-results .search-group").count() >= 3);
  const found = await marks(page, ".search-page-results");
  assert.ok(found.some((m) => m.includes("支付宝")), `marks: ${found}`);
  assert.match(await page.textContent(".search-page .search-status"), /\d+/);
  // The form is a plain GET form to the same page.
  await page.fill(".search-page-form input[name=q]", "对账");
  await Promise.all([page.waitForURL(/q=/), page.press(".search-page-form input[name=q]", "Enter")]);
  assert.equal(new URL(page.url()).searchParams.get("q"), "对账");
  await page.locator(".search-page-results .search-group").first().waitFor();
  assert.deepEqual(problems, []);
  await close();

  // Without JavaScript the page says search needs it, and the header has no dead button.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const still = await context.newPage();
  await still.goto(`${url}/search/?q=${encodeURIComponent("支付宝")}`);
  assert.equal(await still.isVisible(".search-noscript"), true);
  assert.equal(await still.isVisible(".search-button"), false);
  await context.close();
});

test("a merchant's own words find the answer, and a diagram's labels are found too", async () => {
  const { page, problems, close } = await newPage();
  // The links of the first result: its page, then its sections.
  const first = async (query) => {
    await page.goto(`${url}/search/?q=${encodeURIComponent(query)}`);
    const group = page.locator(".search-page-results .search-group").first();
    await group.waitFor();
    return (await group.locator("a").evaluateAll((links) => links.map((a) => a.href)))
      .map((href) => new URL(href).pathname + new URL(href).hash);
  };
  // The FAQ's question is asked as merchants ask it (多长时间 as well as 多久).
  const zh = await first("多长时间");
  assert.equal(zh[0], "/faq/", zh.join(" "));
  assert.ok(zh.includes("/faq/#setup-time"), zh.join(" "));
  const en = await first("how long does it take");
  assert.equal(en[0], "/en/faq/", en.join(" "));
  assert.ok(en.includes("/en/faq/#setup-time"), en.join(" "));
  // One typo after the first three letters is forgiven.
  assert.equal((await first("paypl"))[0], "/providers/paypal/");
  assert.ok((await first("webhok")).length > 0);
  // Traditional characters, as typed in Hong Kong or Taiwan, find the simplified pages.
  assert.equal((await first("支付寶"))[0], "/providers/alipay/");
  // …and the page a result opens marks the simplified words it holds.
  const opened = new URL(await page.locator(".search-page-results .search-group a").first().getAttribute("href"), url);
  assert.equal(opened.searchParams.get("hl"), "支付宝");
  await page.goto(opened.href);
  await page.locator("mark.search-hit").first().waitFor();
  // A compound the site never writes whole: the pages holding its parts.
  const pages = async (query) => (await page.locator(".search-page-results > .search-group h2 a").evaluateAll(
    (links) => links.map((a) => new URL(a.href).pathname)));
  await first("微信支付商户号");
  assert.ok((await pages()).includes("/guide/register/"), (await pages()).join(" "));
  // Nothing holds the whole question: the page says so and marks the near matches.
  await first("支付宝退款多久到账");
  assert.match(await page.textContent(".search-page .search-status"), /^没有完整包含“支付宝退款多久到账”的内容/);
  assert.equal(await page.locator(".search-page-results > .search-group").count(),
    await page.locator(".search-page-results > .search-group .search-near").count());
  assert.deepEqual(await axeViolations(page), [], "the close-match marks are legible");
  // 可以出货 is written only in the diagram of the life of a payment.
  const diagram = await first("可以出货");
  assert.equal(diagram[0], "/guide/integrate/", diagram.join(" "));
  assert.deepEqual(problems, []);
  await close();
});

test("a 2,000-character query is searched in part, and the page says so and keeps a short title", async () => {
  const { page, problems, close } = await newPage();
  const requests = [];
  page.on("request", (r) => { if (/\/t\/\d+\.bin$/.test(new URL(r.url()).pathname)) requests.push(r.url()); });
  // Latin words, so the URL stays within what a server takes in a request line (8 KiB here).
  const long = "refund webhook settlement sandbox certificate merchant reconciliation ".repeat(29);
  assert.ok(long.length >= 2000);
  await page.goto(`${url}/search/?q=${encodeURIComponent(long)}`);
  await page.waitForFunction(() => /查询太长/.test(document.querySelector(".search-page .search-status").textContent));
  assert.ok(requests.length <= 24, `${requests.length} shard requests`);
  assert.ok((await page.title()).length < 80, await page.title());
  assert.deepEqual(problems, []);
  await close();
});

test("?hl= marks a search's words on the page it opens, and a crafted one marks nothing", async () => {
  const { page, problems, close } = await newPage();
  await page.goto(`${url}/guide/register/?hl=${encodeURIComponent("营业执照")}`);
  await page.locator("mark.search-hit").first().waitFor();
  await page.goto(`${url}/guide/register/?hl=${encodeURIComponent("<script>alert(1)</script>")}`);
  // Once the query core has loaded, site.js has had its turn (it asked for the module first).
  await page.evaluate(async () => { await import(document.querySelector("[data-core]").dataset.core); });
  assert.equal(await page.locator("mark.search-hit").count(), 0);
  assert.deepEqual(problems, []);
  await close();
});

test("the search page counts pages, and offers the other language when this one has few", async () => {
  const { page, problems, close } = await newPage();
  await page.goto(`${url}/search/?q=${encodeURIComponent("支付宝")}`);
  // The count is of pages, as the groups shown (once all of them are).
  await page.waitForFunction(() => document.querySelector(".search-page .search-status").textContent
    === `找到 ${document.querySelectorAll(".search-page-results > .search-group").length} 条结果`);
  // One Chinese page has it: the English results are offered too.
  await page.goto(`${url}/search/?q=SYSTEMERROR`);
  await page.locator(".search-page-results .search-other").first().waitFor();
  assert.equal(await page.locator(".search-page-results > .search-group").count(), 1);
  assert.equal(await page.locator(".search-page-results .search-help").count(), 0, "no 'try shorter words' when something matched");
  assert.deepEqual(problems, []);
  await close();
});

test("no results in English points to the Chinese results", async () => {
  const { page, problems, close } = await newPage();
  await page.goto(`${url}/en/guide/`);
  await searchFor(page, "退款", { expect: `${dialog} .search-other` });
  assert.match(await page.textContent(`${dialog} .search-status`), /Nothing matched “退款”/);
  assert.equal(await page.isVisible(`${dialog} .search-help`), true, "suggests shorter words");
  assert.match(await page.textContent(`${dialog} .search-other`), /^\d+ results? in 中文$/);
  const other = page.locator(`${options}[lang=zh]`);
  assert.ok(await other.count() >= 1);
  assert.doesNotMatch(await other.first().getAttribute("href"), /^\/en\//, "links to the Chinese pages");
  assert.deepEqual(await axeViolations(page), []);

  // The same help on the English search page.
  await page.goto(`${url}/en/search/?q=${encodeURIComponent("退款")}`);
  await page.locator(".search-page-results .search-other").waitFor();
  assert.match(await page.textContent(".search-page-results .search-other h2"), /results? in 中文/);
  assert.ok(await page.locator(".search-page-results .search-other [lang=zh] a").count() >= 1);
  assert.deepEqual(problems, []);
  await close();
});

test("recent searches are kept across pages and reloads, and can be cleared", async () => {
  const { page, problems, close } = await newPage();
  await page.goto(`${url}/guide/`);
  await searchFor(page, "密钥");
  // Enter with no result chosen: the full search page, and the search is remembered.
  await Promise.all([page.waitForURL(/\/search\/\?q=/), page.keyboard.press("Enter")]);
  assert.equal(new URL(page.url()).searchParams.get("q"), "密钥");
  for (const reload of [false, true]) {
    if (reload) await page.reload();
    await page.keyboard.press("Control+k");
    await page.locator(`${dialog} .search-recent`).first().waitFor();
    assert.deepEqual(await page.locator(`${dialog} .search-recent`).allTextContents(), ["密钥"]);
    assert.equal(await page.isVisible(`${dialog} .search-recent-head`), true);
    await page.keyboard.press("Escape");
  }
  assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem("walletdesk-recent-zh"))), ["密钥"]);
  // Choosing a recent search runs it again; Clear forgets them.
  await page.keyboard.press("Control+k");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.locator(`${options}:not(.search-recent)`).first().waitFor();
  assert.equal(await page.inputValue(`${dialog} input`), "密钥");
  await page.fill(`${dialog} input`, "");
  await page.click(`${dialog} .search-clear`);
  assert.equal(await page.locator(`${dialog} .search-recent`).count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem("walletdesk-recent-zh")), null);
  assert.deepEqual(problems, []);
  await close();
});

test("on a 360 px phone the dialog fits, and axe-core finds no violations in either theme", async () => {
  const { page, problems, close } = await newPage({ width: 360, height: 740 });
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${url}/guide/choose-provider/`);
    await page.click(".search-button");
    await page.locator(`${dialog} input`).waitFor();
    await page.keyboard.type("支付");
    await page.locator(options).first().waitFor();
    await page.keyboard.press("ArrowDown");
    const fit = await page.evaluate(() => {
      const d = document.querySelector(".search-dialog");
      const r = d.getBoundingClientRect();
      return { left: r.left, right: r.right, width: innerWidth, inner: d.scrollWidth - d.clientWidth,
        page: document.documentElement.scrollWidth - innerWidth };
    });
    assert.ok(fit.left >= 0 && fit.right <= fit.width, `dialog within the screen: ${JSON.stringify(fit)}`);
    assert.ok(fit.inner <= 0 && fit.page <= 0, `no horizontal overflow: ${JSON.stringify(fit)}`);
    await page.screenshot({ path: join(shots, `search-360-${scheme}.png`) });
    assert.deepEqual((await axeViolations(page)).map((v) => `${scheme}: ${v}`), []);
  }
  // The search page and the desktop dialog, for the eye.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${url}/en/search/?q=wallet`);
  await page.locator(".search-page-results .search-group").first().waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(shots, "search-page.png"), fullPage: true });
  await page.keyboard.press("Control+k");
  await page.keyboard.type("webhook");
  await page.locator(options).first().waitFor();
  await page.screenshot({ path: join(shots, "search-desktop.png") });
  assert.deepEqual(problems, []);
  await close();
});
