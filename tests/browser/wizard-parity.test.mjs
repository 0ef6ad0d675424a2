// One engine, two runtimes: the browser's wizard engine (static/js/wizard-engine.js, run by
// node here) must schedule and refuse as `walletdesk plan` does, and the browser's downloads
// (static/js/wizard-export.js) must be the very files it writes. (Every combination of answers:
// wizard-parity-every.test.mjs.)
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binary, halfWidthNextToChinese, repo } from "./harness.mjs";
import { NAMES, START, TRICKY_NAMES, answerSets, batch, close, compiled, dir, engine, exportSample,
  exporter, html, referenceMerchants } from "./parity.mjs";

after(close);

test("both engines schedule alike from a weekend, a public holiday and across the Spring Festival", () => {
  // A Saturday; the mainland's National Day; the day before Hong Kong's Lunar New Year 2027
  // holidays; a start in 2027, whose mainland holidays the file may not list yet.
  for (const start of ["2026-11-28", "2026-10-01", "2027-02-05", "2027-06-07"]) {
    const sets = exportSample().slice(0, 150);
    for (const lang of ["zh", "en"]) {
      const files = batch(sets, `starts-${start}`, "json", lang, start);
      files.forEach(({ file, text }, i) => {
        const rust = JSON.parse(text);
        const js = JSON.parse(JSON.stringify(engine.plan(compiled, sets[i], start, lang)));
        assert.deepStrictEqual(js, rust, `${start} ${file}: ${JSON.stringify(sets[i])}`);
      });
    }
  }
});

test("both engines find the answers they read by the questions' roles, whatever the questions' ids", () => {
  // The bundled site with those questions renamed (conditions follow), their roles kept.
  const renamed = { merchant_name: "shop", prepared_by: "lead", monthly_transactions: "payments",
    average_ticket: "ticket", launch_date: "target" };
  const root = join(dir, "renamed");
  cpSync(join(repo, "content"), join(root, "content"), { recursive: true });
  cpSync(join(repo, "site.yaml"), join(root, "site.yaml"));
  let wizard = readFileSync(join(repo, "content", "wizard.yaml"), "utf8");
  for (const [from, to] of Object.entries(renamed)) {
    wizard = wizard.replaceAll(`- id: ${from}\n`, `- id: ${to}\n`)
      .replace(new RegExp(`\\b${from} (?=[<>=!])`, "g"), `${to} `);
  }
  writeFileSync(join(root, "content", "wizard.yaml"), wizard);
  execFileSync(binary, ["--root", root, "--quiet", "build", "--output", join(dir, "renamed-site")]);
  const file = readdirSync(join(dir, "renamed-site", "wizard")).find((f) => f.endsWith(".json"));
  const renamedCompiled = JSON.parse(readFileSync(join(dir, "renamed-site", "wizard", file), "utf8"));
  assert.deepEqual(renamedCompiled.definition.questions.filter((q) => q.role).map((q) => [q.role, q.id]),
    [["merchant_name", "shop"], ["monthly_transactions", "payments"], ["average_ticket", "ticket"],
      ["launch_date", "target"], ["prepared_by", "lead"]]);
  const rustPlan = (site, answers) => {
    const input = join(dir, "renamed-answers.json");
    writeFileSync(input, JSON.stringify(answers));
    return JSON.parse(execFileSync(binary, ["--root", site, "--quiet", "plan", "--answers", input,
      "--format", "json", "--lang", "en", "--start", START], { encoding: "utf8" }));
  };
  for (const original of referenceMerchants()) {
    const answers = { ...original, prepared_by: "Li" };
    const renamedAnswers = Object.fromEntries(Object.entries(answers).map(([k, v]) => [renamed[k] ?? k, v]));
    const rust = rustPlan(root, renamedAnswers);
    const js = JSON.parse(JSON.stringify(engine.plan(renamedCompiled, renamedAnswers, START, "en")));
    assert.deepStrictEqual(js, rust);
    // The same plan as with the bundled ids, but for the names of the answers.
    const { answers: _, ...plan } = rust;
    const { answers: __, ...bundled } = rustPlan(repo, answers);
    assert.deepStrictEqual(plan, bundled);
    assert.equal(plan.prepared_by, "Li");
    assert.ok(plan.merchant && plan.schedule.target, "the name and the target are read");
  }
});

test("the verdict follows the ticks: not ready, ready with risks, ready", () => {
  const plan = engine.plan(compiled, {
    merchant_name: "Tea", counter: "till", customers: ["local_young"], registered_in: "mainland",
    monthly_transactions: 6000, average_ticket: 18, sales_system: "none", team: "none", tills: 2,
    launch_date: "2027-03-01",
  }, START, "en");
  const done = new Set();
  assert.equal(engine.verdict(plan, done), "not_ready");
  plan.go_no_go.forEach((id) => done.add(id));
  assert.equal(engine.verdict(plan, done), "ready_with_risks");
  plan.items.forEach((i) => done.add(i.id));
  assert.equal(engine.verdict(plan, done), "ready");
});

test("answers that do not fit are refused, naming the question", () => {
  const refused = (answers, question) =>
    assert.throws(() => engine.plan(compiled, answers, START, "en"), (e) => e.errors.some((x) => x.question === question));
  refused({ team: "nobody" }, "team");
  refused({ customers: [] }, "customers");
  // As the Rust engine refuses them (tests/cli.rs, answers_files_that_do_not_fit…).
  refused({ launch_date: "2027-3-1" }, "launch_date");
  refused({ monthly_transactions: 6000.5 }, "monthly_transactions");
  refused({ monthly_transactions: 1e12 }, "monthly_transactions");
  refused({ merchant_name: "   " }, "merchant_name");
});

for (const lang of ["zh", "en"]) {
  for (const format of ["md", "csv", "ics", "json"]) {
    test(`the browser's ${format} download equals walletdesk plan's file (${lang}), byte for byte`, () => {
      const sets = exportSample();
      const files = batch(sets, "export-sample", format, lang);
      assert.equal(files.length, sets.length);
      files.forEach(({ file, text }, i) => {
        const plan = engine.plan(compiled, sets[i], START, lang);
        const js = exporter.formats[format].make(plan, compiled);
        assert.equal(file, `${String(i + 1).padStart(3, "0")}-${exporter.fileStem(plan.merchant)}.${format}`);
        // serde writes a whole f64 as 648.0 and JavaScript as 648: JSON compares parsed.
        if (format === "json") assert.deepStrictEqual(JSON.parse(js), JSON.parse(text), file);
        else assert.equal(js, text, `${file}: ${JSON.stringify(sets[i])}`);
      });
    });
  }
}

test("the browser's files name dependencies and the critical path by title, never by id (zh, en)", () => {
  for (const lang of ["zh", "en"]) {
    for (const answers of referenceMerchants()) {
      const plan = engine.plan(compiled, answers, START, lang);
      const w = exporter.wordsFor(plan, compiled);
      const title = (id) => plan.items.find((i) => i.id === id).title;
      const md = exporter.markdown(plan, compiled);
      const words = new Set(md.replace(/\(https?:[^)]*\)/g, "").split(/[^A-Za-z0-9-]+/));
      // (In English an id such as `backups` is also a word of the text.)
      if (lang === "zh") assert.deepEqual(plan.items.map((i) => i.id).filter((id) => words.has(id)), [], "ids printed");
      for (const item of plan.items.filter((i) => i.after.length)) {
        assert.ok(md.includes(` · ${w.after}${exporter.colonFor(plan)}${item.after.map(title).join(w.title_sep)} · `), `${lang} ${item.id}`);
      }
      assert.ok(md.includes(`\n${plan.critical_path.map(title).join(" → ")}\n`), lang);
      // A CSV line's fields (none of these holds a line break).
      const fields = (line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)]
        .map((m) => (m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1]));
      const rows = exporter.csv(plan, compiled).replace("\uFEFF", "").split("\r\n").map(fields);
      const column = rows[0].indexOf("after");
      plan.items.forEach((item, i) => assert.equal(rows[i + 1][column], item.after.map(title).join(w.title_sep), `${lang} ${item.id}`));
    }
  }
});

test("the browser's Chinese files use full-width punctuation, say durations plainly and explain the score", () => {
  // What a reader sees: Markdown without link targets, CSV cells, iCalendar values.
  const readable = {
    md: (text) => text.replace(/\]\([^)]*\)/g, "]"),
    csv: (text) => [...text.replace(/^\uFEFF/, "").matchAll(/(?:^|,|\r\n)("(?:[^"]|"")*"|[^,\r\n]*)/g)]
      .map((m) => (m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1])).join("\n"),
    ics: (text) => text.replaceAll("\r\n ", "").split("\r\n").map((l) => l.slice(l.indexOf(":") + 1).replace(/\\([,;])/g, "$1")).join("\n"),
  };
  for (const answers of referenceMerchants()) {
    const plan = engine.plan(compiled, answers, START, "zh");
    for (const format of ["md", "csv", "ics"]) {
      const text = exporter.formats[format].make(plan, compiled);
      assert.deepEqual(halfWidthNextToChinese(readable[format](text)), [], `${answers.merchant_name} ${format}`);
      assert.doesNotMatch(text, /\b1–1 /, format);
    }
  }
  const [zh, en] = [compiled.words.zh, compiled.words.en];
  assert.deepEqual([[1, 1], [3, 3], [1, 2]].map((days) => exporter.duration(days, zh)), ["1 个工作日", "3 个工作日", "1–2 个工作日"]);
  assert.deepEqual([[1, 1], [3, 3], [2, 5]].map((days) => exporter.duration(days, en)), ["1 business day", "3 business days", "2–5 business days"]);
  assert.deepEqual([exporter.points(8, zh), exporter.points(1, en), exporter.points(-3, en)], ["8 分", "1 point", "-3 points"]);
  const plan = engine.plan(compiled, referenceMerchants()[0], START, "zh");
  const md = exporter.markdown(plan, compiled);
  const [first] = plan.providers;
  assert.ok(md.includes(`\n${zh.score_note}\n\n| 服务商 | 匹配度 | 理由 |`), md);
  assert.ok(md.includes(`\n| ${first.name} | ${first.score} 分 | `), md);
});

test("the browser's CSV starts with a UTF-8 byte-order mark, as walletdesk plan's does, for Excel", () => {
  const plan = engine.plan(compiled, referenceMerchants()[0], START, "zh");
  const bytes = new TextEncoder().encode(exporter.csv(plan, compiled));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.equal(new TextDecoder().decode(bytes).slice(0, 9), "merchant,", "the header follows; a parser skips the mark");
});

test("the page's timeline labels are cut as the HTML plan cuts them (zh, en)", () => {
  for (const lang of ["zh", "en"]) {
    const sets = referenceMerchants();
    const files = batch(sets, "labels", "html", lang);
    files.forEach(({ file, text }, i) => {
      // The timeline is the page's last drawing (the fee chart comes before it).
      const rust = [...text.slice(text.lastIndexOf("<svg")).matchAll(/<text x="0" y="[^"]*">([^<]*)<\/text>/g)].map((m) => m[1]);
      const plan = engine.plan(compiled, sets[i], START, lang);
      assert.deepEqual(plan.items.map((item) => html(exporter.barLabel(item.title))), rust, file);
      assert.ok(rust.some((label) => label.endsWith("…")), `${file}: some titles are cut`);
    });
  }
});

test("the fee chart, the assumptions and the summary of the HTML plan are the page's (zh, en)", () => {
  const sets = exportSample().slice(0, 60);
  let charted = 0;
  for (const lang of ["zh", "en"]) {
    const files = batch(sets, "charts", "html", lang);
    files.forEach(({ file, text }, i) => {
      const plan = engine.plan(compiled, sets[i], START, lang);
      const w = exporter.wordsFor(plan, compiled);
      const chart = exporter.feeChart(plan, w);
      const colon = exporter.colonFor(plan);
      const bars = [...text.matchAll(/<text x="0" y="[^"]*">([^<]*)<\/text><rect class="fee" x="0" y="[^"]*" width="([^"]*)%"/g)]
        .map((m) => [m[1], m[2]]);
      assert.deepEqual(bars, (chart?.bars ?? []).map((b) => [html(`${b.name}${colon}${b.amount}`), b.width]), file);
      charted += bars.length > 0;
      if (chart?.note) assert.ok(text.includes(`<p class="meta">${html(chart.note)}</p>`), file);
      for (const line of [...exporter.assumptions(plan, w), ...exporter.summaryLines(plan, w)]) {
        assert.ok(text.includes(`>${html(line)}</li>`), `${file}: ${line}`);
      }
    });
  }
  assert.ok(charted > 20, `${charted} plans with a chart`);
});

test("a merchant's name makes the same file name in the browser as in walletdesk plan, in the name's own letters", () => {
  const base = answerSets()[0];
  const names = [...NAMES, ...TRICKY_NAMES, "a/b\\c:d*e?f\"g<h>|. ", "İstanbul Çay", "हिन्दी दुकान"];
  const sets = names.map((name) => ({ ...base, merchant_name: name }));
  const files = batch(sets, "names", "md", "en").map((f) => f.file);
  const expected = names.map((name, i) => `${String(i + 1).padStart(3, "0")}-${exporter.fileStem(name)}.md`);
  assert.deepEqual(files, expected);
  assert.equal(exporter.fileStem("上海街角奶茶铺"), "上海街角奶茶铺");
  assert.equal(exporter.fileStem(""), "merchant");
  assert.equal(exporter.fileStem("a".repeat(39) + " b"), "a".repeat(39), "a cut name does not end with a dash");
  assert.equal(exporter.fileStem("奶".repeat(60)), "奶".repeat(40), "at most 40 characters");
  for (const file of files) assert.doesNotMatch(file, /[/\\:*?"<>|\p{Cc}]|[. ]\.md$/u, file);
  assert.equal(exporter.fileName({ merchant: "Harbour Gifts, \"HK\"" }, "ics"), "rollout-plan-harbour-gifts-hk.ics");
  assert.equal(exporter.fileName({ merchant: "上海街角奶茶铺" }, "ics"), "rollout-plan-上海街角奶茶铺.ics");
});

test("calendar UIDs tell merchants apart, even with no ASCII letters, and stay the same for the same merchant", () => {
  // FNV-1a's published test vectors: the hash Rust's `name_hash` computes.
  assert.deepEqual(["", "a", "foobar"].map(exporter.nameHash), ["811c9dc5", "e40c292c", "bf9cf968"]);
  const base = answerSets()[0];
  const uids = (name) => {
    const ics = exporter.ics(engine.plan(compiled, { ...base, merchant_name: name }, START, "zh"), compiled);
    return [...ics.matchAll(/^UID:(.*)\r$/gm)].map((m) => m[1]);
  };
  const tea = uids("上海街角奶茶铺");
  assert.equal(new Set(tea).size, tea.length, "one UID per entry");
  assert.ok(tea.every((uid) => /^20261130-merchant-[0-9a-f]{8}-(phase-|task-|launch@)/.test(uid)), tea.join("\n"));
  const coffee = uids("北京胡同咖啡馆");
  assert.deepEqual(coffee.filter((uid) => tea.includes(uid)), [], "another merchant's plan replaces nothing");
  assert.deepEqual(uids("上海街角奶茶铺"), tea, "the same merchant again updates its entries");
});

test("a name that starts with a tab or a line break (which a batch trims) is written alike", () => {
  const answers = { ...answerSets()[0], merchant_name: "\t=SUM(A1)\r\n" };
  const input = join(dir, "answers.json");
  writeFileSync(input, JSON.stringify(answers));
  const plan = engine.plan(compiled, answers, START, "en");
  for (const format of ["md", "csv", "ics"]) {
    const rust = execFileSync(binary, ["--root", repo, "--quiet", "plan", "--answers", input,
      "--format", format, "--lang", "en", "--start", START], { encoding: "utf8" });
    assert.equal(exporter.formats[format].make(plan, compiled), rust, format);
  }
});
