// The wizard page in a real browser, on the bundled site built into a temporary folder and
// served by a static server: a merchant answers the questions a step at a time (a missing
// answer is refused, Back keeps answers, a follow-up question appears in the step of the
// answer it depends on and the number of steps never changes), gets the plan `walletdesk plan`
// makes for the same answers, ticks tasks and sees the verdict follow, reloads and finds the
// ticks kept, downloads each export (byte for byte the CLI's), and a share link opened in a
// fresh browser shows the same plan; the start date chosen on the plan schedules it. Also:
// hostile merchant names stay text, the 360 and 390 px phone layouts (every control on
// screen, the RACI matrix and the timeline legible), print, axe-core in both themes, no
// console error, no CSP violation, no request leaving the site.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { axeViolations, binary, bundledSite, halfWidthNextToChinese, repo, shots, watchedPage } from "./harness.mjs";

const MILK_TEA = join(repo, "tests", "fixtures", "merchants", "milk-tea-shanghai.yaml");
let site, tmp, url, browser;

before(async () => {
  site = await bundledSite("wizard");
  ({ tmp, url, browser } = site);
});

after(() => site?.close());

/** `walletdesk plan` for an answers file, as text. */
function cliPlan(answers, format, lang, start) {
  const run = spawnSync(binary, ["--root", repo, "plan", "--answers", answers, "--format", format,
    "--lang", lang, "--start", start], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

const form = ".wizard-form";
/** The step's first question (a follow-up may come after it). */
const question = async (page) => page.locator(`${form} [data-question]`).first().getAttribute("data-question");
/** The step's questions on screen, in order. */
const asked = (page) => page.locator(`${form} [data-question]:visible`).evaluateAll((els) => els.map((e) => e.dataset.question));
/** "第 n 题，共 m 题" / "Question n of m" as [n, m]. */
const progress = async (page) => (await page.textContent(".wizard-progress")).match(/\d+/g).map(Number);

/**
 * Answers question `id`, which must be on screen (`value`: text, or option ids), and presses
 * Next (or Make my plan) unless `next` is false.
 */
async function answer(page, id, value, next = true) {
  const at = `${form} [data-question="${id}"]`;
  assert.equal(await page.isVisible(at), true, `${id} is asked`);
  const boxes = page.locator(`${at} input[type=checkbox]`);
  if (await boxes.count()) {
    // Exactly these options, whatever was ticked before.
    const wanted = Array.isArray(value) ? value : [value];
    for (const box of await boxes.all()) await box.setChecked(wanted.includes(await box.getAttribute("value")));
  } else if (await page.locator(`${at} input[type=radio]`).count()) {
    await page.check(`${at} input[value="${value}"]`);
  } else {
    await page.fill(`${at} input`, String(value));
  }
  if (next) await page.click(`${form} .wizard-next`);
}

/** The milk-tea shop of tests/fixtures/merchants, answered on the page. */
async function answerMilkTea(page) {
  await page.locator(form).waitFor();
  const totals = new Set();
  const count = async () => {
    const [n, total] = await progress(page);
    totals.add(total);
    return n;
  };
  assert.match(await page.textContent(".wizard-progress"), /第 1 题，共 10 题/);
  // Nothing typed: refused, with the reason said, and still the first question.
  await page.click(`${form} .wizard-next`);
  assert.equal(await page.textContent(".wizard-error"), "请先回答这个问题。");
  assert.equal(await question(page), "merchant_name");
  await answer(page, "merchant_name", "上海街角奶茶铺");
  // A till brings the question about tills, on the same step: the count stays at ten.
  assert.deepEqual(await asked(page), ["counter"]);
  await answer(page, "counter", "till", false);
  assert.deepEqual(await asked(page), ["counter", "tills"]);
  assert.equal(await count(), 2);
  // It must be answered too: refused, said at that question, the focus in its field.
  await page.click(`${form} .wizard-next`);
  assert.equal(await page.textContent("#wizard-error-tills"), "请先回答这个问题。");
  assert.equal(await page.evaluate(() => document.activeElement.name), "tills");
  await answer(page, "tills", 2);
  assert.equal(await count(), 3);
  assert.equal(await page.getAttribute(".wizard-progress progress", "value"), "3");
  assert.equal(await page.getAttribute(".wizard-progress progress", "max"), "10");
  await page.click(`${form} .wizard-back`);
  assert.equal(await question(page), "counter");
  assert.equal(await page.isChecked(`${form} input[value=till]`), true, "Back keeps the answer");
  assert.equal(await page.inputValue(`${form} input[name=tills]`), "2", "and the follow-up's");
  await page.click(`${form} .wizard-next`);
  await answer(page, "customers", ["local_young"]);
  await count();
  await answer(page, "registered_in", "mainland");
  // A reload halfway keeps the answers and goes on where the merchant left off.
  await page.reload();
  await page.locator(form).waitFor();
  assert.equal(await question(page), "monthly_transactions");
  await page.click(`${form} .wizard-back`);
  assert.equal(await page.isChecked(`${form} input[value=mainland]`), true);
  await page.click(`${form} .wizard-next`);
  await answer(page, "monthly_transactions", "-5");
  assert.match(await page.textContent(".wizard-error"), /不小于 0/);
  await answer(page, "monthly_transactions", 6000);
  for (const [id, value] of [["average_ticket", 18], ["sales_system", "none"], ["team", "none"], ["launch_date", "2027-03-01"]]) {
    await count();
    await answer(page, id, value);
  }
  // Who prepares the plan may be left empty.
  assert.equal(await page.textContent(`${form} .wizard-next`), "生成我的计划");
  assert.equal(await count(), 10);
  await answer(page, "prepared_by", "");
  await page.locator(".wizard-plan").waitFor();
  assert.deepEqual([...totals], [10], "the number of questions never changed");
}

/** What a plan page says, without the ticks (ticks are this browser's). */
const planText = (page) => page.evaluate(() => {
  const plan = document.querySelector(".wizard-plan").cloneNode(true);
  plan.querySelectorAll(".wizard-readiness, .wizard-actions").forEach((el) => el.remove());
  return plan.innerText;
});

const verdict = (page) => page.getAttribute(".wizard-verdict", "data-verdict");

test("a merchant answers, ticks, reloads, downloads every export and shares the plan", async () => {
  const { page, context, problems, requests, close } = await watchedPage(browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
  await page.goto(`${url}/wizard/`);
  await answerMilkTea(page);
  const start = new URLSearchParams(new URL(page.url()).hash.slice(1)).get("start");
  assert.match(start, /^\d{4}-\d{2}-\d{2}$/);

  // The plan is the CLI's plan for the same answers.
  const rust = JSON.parse(cliPlan(MILK_TEA, "json", "zh", start));
  const shownTasks = await page.locator(".wizard-phase [data-task]").evaluateAll((els) => els.map((e) => e.dataset.task));
  assert.deepEqual(shownTasks, rust.phases.flatMap((p) => p.items));
  const providers = await page.locator(".wizard-providers tbody th").allTextContents();
  assert.deepEqual(providers, rust.providers.map((p) => p.name));
  // Who does what: a small shop's roles only (no developer, and the owner does the
  // consultant's, finance's and the store manager's parts): the owner works out the fees and
  // answers for it.
  const raciHead = await page.locator(".wizard-raci thead th").allTextContents();
  assert.deepEqual(raciHead, ["任务", "店主", "收银员"]);
  assert.deepEqual(rust.roles.map((r) => r.name), ["店主", "收银员"]);
  const feesRow = await page.locator(".wizard-raci tbody tr").first().locator("td").allInnerTexts();
  assert.deepEqual(feesRow, ["R/A", ""]);
  assert.match(await page.textContent(".wizard-summary"), /推荐的服务商：(支付宝、微信支付|微信支付、支付宝)/);
  // Dependencies by title, with the full-width colon of Chinese.
  const waits = rust.items.find((i) => i.after.length);
  const titleOf = (id) => rust.items.find((i) => i.id === id).title;
  assert.match(await page.textContent(`.wizard-phase [data-task="${waits.id}"] .wizard-task-meta`),
    new RegExp(` · 前置任务：${waits.after.map(titleOf).join("；")}`));
  assert.deepEqual(await page.locator(".wizard-critical-path li").allTextContents(), rust.critical_path.map(titleOf));
  assert.equal(await page.locator(".wizard-timeline .wizard-bar").count(), rust.items.length);
  assert.equal(await page.locator(".wizard-timeline .wizard-bar-critical").count(), rust.critical_path.length);

  // Every task's guide link leads to a page with that heading.
  const hrefs = new Set(await page.locator(".wizard-doc").evaluateAll((els) => els.map((a) => a.getAttribute("href"))));
  for (const href of hrefs) {
    const [path, anchor] = href.split("#");
    const html = await (await fetch(url + path)).text();
    assert.ok(html.includes(`id="${anchor}"`), `${href}: no heading #${anchor}`);
  }

  // Ticking: the verdict follows, and a task ticked in one list is ticked in the others.
  assert.equal(await verdict(page), "not_ready");
  for (const id of rust.go_no_go) await page.check(`#tick-gate-${id}`);
  assert.equal(await verdict(page), "ready_with_risks");
  assert.equal(await page.isChecked(`#tick-phase-${rust.go_no_go[0]}`), true);
  const security = rust.security_checklist[0];
  await page.check(`#tick-security-${security}`);
  assert.equal(await page.isChecked(`#tick-phase-${security}`), true);
  assert.match(await page.textContent(".wizard-count"), new RegExp(`已完成 ${new Set([...rust.go_no_go, security]).size}/${rust.items.length}`));
  const ticked = async () => page.locator(".wizard-phase input:checked").evaluateAll((els) => els.map((e) => e.dataset.item).sort());
  const before = await ticked();
  const text = await planText(page);
  // Chinese text with Chinese punctuation; a duration of one day said once; the score explained.
  assert.deepEqual(halfWidthNextToChinese(text), []);
  assert.doesNotMatch(text, /\b1–1 /);
  assert.match(text, /· 1 个工作日 ·/);
  assert.match(text, /匹配度是服务商各条理由的分数之和/);
  assert.equal(await page.textContent(".wizard-providers tbody tr .wizard-score"), `${rust.providers[0].score} 分`);
  assert.match(await page.textContent(`.wizard-phase [data-task="${rust.items[0].id}"] .wizard-evidence`), /^完成的依据：/);

  // Reload: the same plan (from the link's fragment), the same ticks, the same verdict.
  await page.reload();
  await page.locator(".wizard-plan").waitFor();
  assert.deepEqual(await ticked(), before);
  assert.equal(await verdict(page), "ready_with_risks");
  assert.equal(await planText(page), text);

  // Downloads: byte for byte what `walletdesk plan` writes (JSON: the same data).
  for (const format of ["md", "csv", "ics", "json"]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`button[data-format=${format}]`)]);
    assert.equal(download.suggestedFilename(), `rollout-plan-上海街角奶茶铺.${format}`);
    const saved = join(tmp, `download.${format}`);
    await download.saveAs(saved);
    const got = readFileSync(saved, "utf8");
    const want = cliPlan(MILK_TEA, format, "zh", start);
    if (format === "json") assert.deepEqual(JSON.parse(got), JSON.parse(want));
    else assert.equal(got, want, `${format} download`);
  }

  // The share link, opened in a fresh browser profile: the same plan, none of the ticks.
  await page.click(".wizard-share");
  await page.locator(".wizard-share-status").filter({ hasText: "链接已复制" }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, page.url());
  const other = await watchedPage(browser);
  await other.page.goto(link);
  await other.page.locator(".wizard-plan").waitFor();
  assert.equal(await planText(other.page), text);
  assert.equal(await verdict(other.page), "not_ready");
  assert.deepEqual(other.problems, []);
  await other.close();

  // Print: the plan without the wizard's controls.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible(".wizard-actions"), false);
  assert.equal(await page.isVisible(".wizard-plan .wizard-tasks"), true);
  await page.emulateMedia({ media: "screen" });

  // The skip link (#main) is no new set of answers: the plan stays.
  await page.evaluate(() => { location.hash = "main"; });
  await page.waitForFunction(() => location.hash === "#main");
  assert.equal(await page.locator(".wizard-plan").count(), 1);

  // Change answers goes back to the questions with the answers kept; the plan follows.
  await page.click(".wizard-change");
  assert.equal(await page.inputValue(`${form} input`), "上海街角奶茶铺");
  await page.fill(`${form} input`, "街角奶茶二店");
  while (!(await page.locator(".wizard-plan").count())) await page.click(`${form} .wizard-next`);
  assert.equal(await page.textContent(".wizard-plan-title"), "上线计划：街角奶茶二店");
  // Another merchant: its own ticks, none yet.
  assert.equal(await verdict(page), "not_ready");
  assert.equal(await page.locator(".wizard-phase input:checked").count(), 0);

  assert.deepEqual(problems, []);
  assert.deepEqual(requests.filter((r) => r.origin !== url && r.protocol !== "blob:").map(String), []);
  await close();
});

test("search finds the wizard page in each language", async () => {
  const { page, problems, close } = await watchedPage(browser);
  for (const [path, words, target] of [["/guide/", "上线计划", "/wizard/"], ["/en/guide/", "rollout plan", "/en/wizard/"]]) {
    await page.goto(url + path);
    await page.keyboard.press("Control+k");
    await page.locator(".search-dialog[open] input").waitFor();
    await page.keyboard.type(words);
    const first = page.locator(".search-dialog[open] [role=option]").first();
    await first.waitFor();
    assert.equal(new URL(await first.getAttribute("href"), url).pathname, target, words);
    await page.keyboard.press("Escape");
  }
  assert.deepEqual(problems, []);
  await close();
});

test("answers from a link are checked, and a hostile merchant name stays text everywhere", async () => {
  const { page, problems, close } = await watchedPage(browser);
  const name = `=HYPERLINK("http://x")<img src=x onerror="document.title='owned'">`;
  const answers = new URLSearchParams({
    start: "2026-11-30", merchant_name: name, counter: "website", customers: "overseas",
    registered_in: "mainland", monthly_transactions: "1200", average_ticket: "60", sales_system: "ecommerce_platform",
    team: "outsourced", launch_date: "2027-04-01", prepared_by: "<b>Li</b> & Co",
  });
  await page.goto(`${url}/en/wizard/#${answers}`);
  await page.locator(".wizard-plan").waitFor();
  assert.equal(await page.textContent(".wizard-plan-title"), `Rollout plan: ${name}`);
  assert.equal(await page.locator(".wizard-plan img, .wizard-plan b").count(), 0);
  assert.match(await page.textContent(".wizard-meta"), / · prepared by <b>Li<\/b> & Co$/);
  assert.notEqual(await page.title(), "owned");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("button[data-format=csv]")]);
  const saved = join(tmp, "hostile.csv");
  await download.saveAs(saved);
  assert.ok(readFileSync(saved, "utf8").includes(`"'=HYPERLINK(""http://x"")<img`), "the formula is defused");
  assert.deepEqual([...readFileSync(saved).subarray(0, 3)], [0xef, 0xbb, 0xbf], "a byte-order mark for Excel");
  // The same answers through the CLI give the same file.
  const file = join(tmp, "hostile.json");
  writeFileSync(file, JSON.stringify({ ...Object.fromEntries(answers), customers: ["overseas"],
    monthly_transactions: 1200, average_ticket: 60, start: undefined }));
  assert.equal(readFileSync(saved, "utf8"), cliPlan(file, "csv", "en", "2026-11-30"));

  // A link with an answer the wizard does not offer opens the questions at that question.
  await page.goto(`${url}/en/wizard/#start=2026-11-30&merchant_name=Tea&counter=spaceship`);
  await page.locator(form).waitFor();
  assert.equal(await question(page), "counter");
  assert.match(await page.textContent(".wizard-error"), /not one the wizard offers/);
  assert.deepEqual(problems, []);
  await close();
});

test("on a 360 px phone the questions and the plan fit, and axe-core finds nothing in either theme", async () => {
  const { page, problems, close } = await watchedPage(browser, { width: 360, height: 740 });
  const milkTea = new URLSearchParams({
    start: "2026-11-30", merchant_name: "上海街角奶茶铺", counter: "till", customers: "local_young",
    registered_in: "mainland", monthly_transactions: "6000", average_ticket: "18", sales_system: "none",
    team: "none", tills: "2", launch_date: "2027-03-01",
  });
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, path, ready] of [
      ["questions", "/wizard/", form],
      ["plan", `/wizard/#${milkTea}`, ".wizard-plan"],
      ["plan-en", `/en/wizard/#${milkTea}`, ".wizard-plan"],
    ]) {
      await page.goto("about:blank");
      await page.goto(url + path);
      await page.locator(ready).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `${name}: the page is ${overflow} px wider than the screen`);
      await page.screenshot({ path: join(shots, `wizard-360-${name}-${scheme}.png`), fullPage: name === "plan" });
      assert.deepEqual((await axeViolations(page)).map((v) => `${scheme} ${name}: ${v}`), []);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${url}/en/wizard/#${milkTea}`);
  await page.locator(".wizard-plan").waitFor();
  await page.screenshot({ path: join(shots, "wizard-plan.png"), fullPage: true });
  // The page as scripts left it, for the Nu HTML checker in .ci/run.
  const dom = await page.evaluate(() => `<!DOCTYPE html>\n${document.documentElement.outerHTML}`);
  mkdirSync(join(shots, "dom"), { recursive: true });
  writeFileSync(join(shots, "dom", "wizard-plan.html"), dom);
  await page.goto(`${url}/wizard/`);
  await page.locator(form).waitFor();
  writeFileSync(join(shots, "dom", "wizard-question.html"), await page.evaluate(() => `<!DOCTYPE html>\n${document.documentElement.outerHTML}`));
  assert.deepEqual(problems, []);
  await close();
});

test("the number of steps never changes: a follow-up comes and goes in the step of the answer it depends on", async () => {
  const { page, problems, close } = await watchedPage(browser);
  await page.goto(`${url}/en/wizard/`);
  await page.locator(form).waitFor();
  // The page's engine and wizard, to hold the questions asked to the questions the engine shows.
  const shownByEngine = () => page.evaluate(async () => {
    const root = document.querySelector(".wizard-page");
    const [engine, compiled] = await Promise.all([import(root.dataset.engine), fetch(root.dataset.data).then((r) => r.json())]);
    const { answers } = JSON.parse(localStorage.getItem(`walletdesk-wizard:v${compiled.definition.version}:answers`));
    return engine.checkAnswers(compiled.definition, answers).shown.map((q) => q.id);
  });
  const totals = new Set();
  const everAsked = [];
  const step = async () => {
    const [n, total] = await progress(page);
    totals.add(total);
    const ids = await asked(page);
    everAsked.push(...ids.filter((id) => !everAsked.includes(id)));
    return [n, ids];
  };
  assert.deepEqual(await step(), [1, ["merchant_name"]]);
  await page.fill(`${form} input`, "Harbour Gifts");
  await page.press(`${form} input`, "Enter");
  await page.locator(`${form} [data-question=counter]`).waitFor();
  // Each answer to the counter question: the tills question shown exactly when the engine shows it.
  for (const [counter, tills] of [[["website"], false], [["website", "till"], true], [["app"], false],
    [["till", "app"], true], [["till"], true]]) {
    await answer(page, "counter", counter, false);
    assert.deepEqual(await step(), [2, tills ? ["counter", "tills"] : ["counter"]], counter);
    assert.equal((await shownByEngine()).includes("tills"), tills, counter);
  }
  // Enter in the follow-up's field goes on, as Next does.
  await page.fill(`${form} input[name=tills]`, "3");
  await page.press(`${form} input[name=tills]`, "Enter");
  for (const [id, value] of [["customers", ["overseas"]], ["registered_in", "hong_kong"], ["monthly_transactions", 900],
    ["average_ticket", 250], ["sales_system", "pos_vendor"], ["team", "outsourced"], ["launch_date", "2027-06-01"]]) {
    const [, ids] = await step();
    assert.deepEqual(ids, [id]);
    await answer(page, id, value);
  }
  assert.deepEqual(await step(), [10, ["prepared_by"]]);
  assert.deepEqual(everAsked.sort(), (await shownByEngine()).sort(), "every question the engine shows, and only those, was asked");
  // Back to the counter question: a shop online only, so no tills; the plan leaves them out.
  while ((await progress(page))[0] > 2) await page.click(`${form} .wizard-back`);
  assert.deepEqual(await asked(page), ["counter", "tills"]);
  assert.equal(await page.inputValue(`${form} input[name=tills]`), "3");
  await answer(page, "counter", ["website"], false);
  assert.deepEqual(await step(), [2, ["counter"]]);
  while (!(await page.locator(".wizard-plan").count())) {
    await step();
    await page.click(`${form} .wizard-next`);
  }
  assert.deepEqual([...totals], [10], "the total stayed the same on every step");
  const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(fragment.get("counter"), "website");
  assert.equal(fragment.has("tills"), false);
  assert.doesNotMatch(await page.textContent(".wizard-answers"), /How many tills/);
  assert.deepEqual(problems, []);
  await close();
});

test("the start date on the plan schedules it: today unless chosen, weekends moved, wrong dates said", async () => {
  const { page, problems, close } = await watchedPage(browser);
  const answers = new URLSearchParams({
    start: "2026-11-30", merchant_name: "上海街角奶茶铺", counter: "till", customers: "local_young",
    registered_in: "mainland", monthly_transactions: "6000", average_ticket: "18", sales_system: "none",
    team: "none", tills: "2", launch_date: "2027-03-01",
  });
  await page.goto(`${url}/en/wizard/#${answers}`);
  await page.locator(".wizard-plan").waitFor();
  const field = page.getByLabel("Work starts on");
  assert.equal(await field.inputValue(), "2026-11-30");
  assert.equal(await field.getAttribute("type"), "date");
  assert.match(await page.textContent(`#${(await field.getAttribute("aria-describedby")).split(" ")[0]}`), /business days from this day/);
  const dates = () => page.locator(".wizard-tick-date:visible").allInnerTexts();
  assert.equal((await dates())[0], "Nov 30", "a Monday start: the axis begins with it");
  const shownDues = () => page.locator(".wizard-phase [data-task]").evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.dataset.task, e.querySelector(".wizard-task-meta").textContent.match(/due (\S+)/)[1]])));

  // A Saturday: the plan starts on the Monday after, as `walletdesk plan --start` has it.
  await field.fill("2027-01-09");
  await page.locator(".wizard-start-status").filter({ hasText: "The plan now starts on 2027-01-11." }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "wizard-start", "the focus stays in the field");
  const rust = JSON.parse(cliPlan(MILK_TEA, "json", "en", "2027-01-09"));
  assert.deepEqual(await shownDues(), Object.fromEntries(rust.items.map((i) => [i.id, i.due_date])));
  assert.match(await page.textContent(".wizard-meta"), /Start 2027-01-11/);
  assert.equal((await dates())[0], "Jan 11", "a Monday");
  assert.equal(new URLSearchParams(new URL(page.url()).hash.slice(1)).get("start"), "2027-01-09");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("button[data-format=ics]")]);
  const saved = join(tmp, "start.ics");
  await download.saveAs(saved);
  assert.equal(readFileSync(saved, "utf8"), cliPlan(MILK_TEA, "ics", "en", "2027-01-09"));

  // Out of range, or no date: said in an alert when the field is left or Enter pressed; the plan stays.
  const plan = await page.textContent(".wizard-plan-body");
  await field.fill("1899-12-31");
  await field.press("Enter");
  assert.equal(await page.textContent("#wizard-start-error"), "Please enter a date from 1900-01-01 to 9999-12-31.");
  assert.equal(await page.getAttribute("#wizard-start-error", "role"), "alert");
  await field.fill("");
  await field.blur();
  assert.equal(await page.textContent("#wizard-start-error"), "Please enter a date.");
  assert.equal(await page.textContent(".wizard-plan-body"), plan);
  assert.equal(new URLSearchParams(new URL(page.url()).hash.slice(1)).get("start"), "2027-01-09");
  // A good date again clears the alert.
  await field.fill("2027-01-04");
  await page.locator(".wizard-start-status").filter({ hasText: "2027-01-04" }).waitFor();
  assert.equal(await page.textContent("#wizard-start-error"), "");

  // The chosen date survives a reload and Change answers.
  await page.reload();
  await page.locator(".wizard-plan").waitFor();
  assert.equal(await page.getByLabel("Work starts on").inputValue(), "2027-01-04");
  await page.click(".wizard-change");
  while (!(await page.locator(".wizard-plan").count())) await page.click(`${form} .wizard-next`);
  assert.match(await page.textContent(".wizard-meta"), /Start 2027-01-04/);

  // A link whose start date is no date: the plan starts today, and says why.
  answers.set("start", "2027-02-30");
  await page.goto(`${url}/wizard/#${answers}`);
  await page.locator(".wizard-plan").waitFor();
  const today = await page.evaluate(() => new Date().toLocaleDateString("sv"));
  assert.equal(await page.getByLabel("开工日期").inputValue(), today);
  assert.equal(await page.textContent("#wizard-start-error"), "链接中的开工日期不能用，计划改为从今天开始。");
  assert.deepEqual(problems, []);
  await close();
});

/**
 * What does not fit a phone: controls outside the screen's width (unless in a box that scrolls
 * sideways, itself on screen) or cut off by a box that clips; checkboxes covered; timeline text
 * under 12 px as drawn; timeline dates overlapping or outside it; RACI cells narrower than their
 * text (role names and letters on one line, a task at least 12 characters wide or its whole title).
 */
const phoneProblems = (page) => page.evaluate(() => {
  const problems = [];
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${el.classList[0] ?? ""} “${(el.textContent || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 24)}”`;
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth;
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])")) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    let within = { left: 0, right: innerWidth };
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (getComputedStyle(box).overflowX === "visible") continue;
      if (scrolls(box)) {
        within = box.getBoundingClientRect();
        if (within.left < 0 || within.right > innerWidth) problems.push(`${name(box)} scrolls, but is off screen`);
        break;
      }
      const b = box.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5) problems.push(`${name(el)} is cut off by ${name(box)}`);
    }
    if (within === null || r.left < within.left - 0.5 || r.right > within.right + 0.5) {
      problems.push(`${name(el)} at ${Math.round(r.left)}–${Math.round(r.right)} px is off screen`);
    }
  }
  for (const box of document.querySelectorAll("input[type=checkbox]")) {
    if (!shown(box)) continue;
    box.scrollIntoView({ block: "center" });
    const r = box.getBoundingClientRect();
    for (const [x, y] of [[r.left + 1, r.top + 1], [r.right - 1, r.bottom - 1]]) {
      if (document.elementFromPoint(x, y) !== box) problems.push(`${name(box)} is covered at ${Math.round(x)},${Math.round(y)}`);
    }
  }
  const timeline = document.querySelector(".wizard-timeline");
  if (timeline) {
    const area = timeline.getBoundingClientRect();
    const drawn = (el) => parseFloat(getComputedStyle(el).fontSize) * (el.getBoundingClientRect().width / el.offsetWidth);
    const labels = [...timeline.querySelectorAll(".wizard-bar-label")];
    const dates = [...timeline.querySelectorAll(".wizard-tick-date")].filter(shown);
    if (dates.length < 2) problems.push(`the timeline names ${dates.length} dates`);
    let last = -Infinity;
    for (const el of [...labels, ...dates]) {
      if (drawn(el) < 12) problems.push(`${name(el)}: ${drawn(el).toFixed(1)} px text`);
      const range = document.createRange();
      range.selectNodeContents(el.firstChild);
      if (range.getBoundingClientRect().height < 12) problems.push(`${name(el)}: ${range.getBoundingClientRect().height} px high`);
    }
    for (const el of dates) {
      const r = el.getBoundingClientRect();
      if (r.left < last || r.left < area.left || r.right > area.right) problems.push(`${name(el)} overlaps or sticks out`);
      last = r.right;
    }
  }
  for (const cell of document.querySelectorAll(".wizard-raci th, .wizard-raci td")) {
    if (!shown(cell) || !cell.textContent) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    const size = parseFloat(getComputedStyle(cell).fontSize);
    const natural = lines.reduce((sum, r) => sum + r.width, 0);
    const c = cell.getBoundingClientRect();
    if (cell.scrollWidth > cell.clientWidth || lines.some((r) => r.left < c.left - 0.5 || r.right > c.right + 0.5)) {
      problems.push(`${name(cell)}: its text sticks out`);
    }
    if (cell.matches("th[scope=row]")) {
      if (c.width < Math.min(natural, 12 * size)) problems.push(`${name(cell)}: ${Math.round(c.width)} px wide`);
    } else if (Math.max(...lines.map((r) => r.top)) - Math.min(...lines.map((r) => r.top)) > size / 2) {
      problems.push(`${name(cell)}: broken over ${lines.length} lines`);
    }
  }
  return problems;
});

test("on 390 and 360 px phones every control is on screen, and the RACI matrix and the timeline are legible", async () => {
  const milkTea = new URLSearchParams({
    start: "2026-12-03", merchant_name: "上海街角奶茶铺", counter: "till", customers: "local_young",
    registered_in: "mainland", monthly_transactions: "6000", average_ticket: "18", sales_system: "none",
    team: "none", tills: "2", launch_date: "2027-03-01", prepared_by: "Li Wei",
  });
  for (const [width, height] of [[390, 844], [360, 740]]) {
    const { page, problems, close } = await watchedPage(browser, { width, height });
    // The step with the follow-up question open and an alert shown.
    await page.goto(`${url}/wizard/`);
    await page.locator(form).waitFor();
    await answer(page, "merchant_name", "上海街角奶茶铺");
    await answer(page, "counter", "till");
    await page.locator("#wizard-error-tills:not(:empty)").waitFor();
    assert.deepEqual(await phoneProblems(page), [], `${width} px, questions`);
    await page.screenshot({ path: join(shots, `wizard-${width}-follow-up.png`), fullPage: true });
    if (width === 390) {
      assert.deepEqual(await axeViolations(page), []);
      mkdirSync(join(shots, "dom"), { recursive: true });
      writeFileSync(join(shots, "dom", "wizard-follow-up.html"), await page.evaluate(() => `<!DOCTYPE html>\n${document.documentElement.outerHTML}`));
    }
    for (const [lang, path] of [["zh", "/wizard/"], ["en", "/en/wizard/"]]) {
      await page.goto("about:blank");
      await page.goto(`${url}${path}#${milkTea}`);
      await page.locator(".wizard-plan").waitFor();
      assert.ok(await page.locator(".wizard-plan input[type=checkbox]").count() > await page.locator(".wizard-bar").count());
      assert.deepEqual(await phoneProblems(page), [], `${width} px, plan (${lang})`);
      // The axis names dates, not day numbers: week starts (a start on a Thursday: the Monday
      // after it first), one in every 1, 2, 4… as there is room.
      const dates = await page.locator(".wizard-tick-date:visible").allInnerTexts();
      const name = new Intl.DateTimeFormat(lang, { month: "short", day: "numeric", timeZone: "UTC" });
      const mondays = Array.from({ length: 20 }, (_, i) => name.format(Date.UTC(2026, 11, 7 + 7 * i)));
      const step = mondays.indexOf(dates[1]);
      assert.ok([1, 2, 4].includes(step), `${dates}`);
      assert.deepEqual(dates, mondays.filter((_, i) => i % step === 0).slice(0, dates.length));
      // The fee chart: each recommended provider's monthly fees at this shop's volume (6,000
      // payments of 18 CNY, shared by two wallets at 0.6 %), legible and on screen.
      const chart = page.locator(".wizard-fee-chart");
      assert.deepEqual(await chart.locator("text").allTextContents(), lang === "zh"
        ? ["支付宝：CNY 324.00", "微信支付：CNY 324.00"] : ["Alipay: CNY 324.00", "WeChat Pay: CNY 324.00"]);
      assert.deepEqual(await chart.evaluate((el) => [...el.querySelectorAll("text, rect")].flatMap((t) => {
        const r = t.getBoundingClientRect();
        const size = t.tagName === "text" ? parseFloat(getComputedStyle(t).fontSize) : 12;
        return r.left < 0 || r.right > innerWidth || size < 12 ? [`${t.textContent}: ${r.left}–${r.right}, ${size} px`] : [];
      })), []);
      await page.evaluate(() => scrollTo(0, 0));
      await page.screenshot({ path: join(shots, `wizard-${width}-plan-${lang}.png`), fullPage: true });
      for (const part of ["timeline", "raci", "fees"]) {
        await page.locator(`.wizard-${part}`).screenshot({ path: join(shots, `wizard-${width}-${part}-${lang}.png`) });
      }
    }
    assert.deepEqual(problems, []);
    await close();
  }
});
