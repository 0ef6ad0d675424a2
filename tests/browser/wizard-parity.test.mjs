// One engine, two runtimes: the browser's wizard engine (static/js/wizard-engine.js, run by
// node here) must produce exactly the plan `walletdesk plan` produces, for every combination of
// the choice answers of the bundled wizard and a seeded sample of numbers, dates and names.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { binary, random, repo } from "./harness.mjs";

const engine = await import(pathToFileURL(join(repo, "static", "js", "wizard-engine.js")).href);
const START = "2026-11-30";

let dir;
let compiled;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "walletdesk-parity-"));
  execFileSync(binary, ["--root", repo, "--quiet", "build", "--output", join(dir, "site")]);
  const file = readdirSync(join(dir, "site", "wizard")).find((f) => f.endsWith(".json"));
  compiled = JSON.parse(readFileSync(join(dir, "site", "wizard", file), "utf8"));
});

after(() => rmSync(dir, { recursive: true, force: true }));


/** Every combination of the choice and multiple-choice answers, with sampled other answers. */
function answerSets() {
  const questions = compiled.definition.questions;
  const next = random(42);
  const pick = (list) => list[Math.floor(next() * list.length)];
  // Numbers on both sides of every number a condition compares with, and the bounds.
  const numbers = [0, 1, 4, 5, 6, 18, 250, 999, 1000, 5000, 19999, 20000, 20001, 100000];
  const names = ["上海街角奶茶铺", "Harbour Gifts, \"HK\"", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "Line one\nline two", "@sum", "-1+1", "Café ☕"];
  let combos = [{}];
  for (const q of questions) {
    if (q.kind === "choice") {
      combos = combos.flatMap((c) => q.options.map((o) => ({ ...c, [q.id]: o.id })));
    } else if (q.kind === "multi") {
      const n = q.options.length;
      // Every non-empty selection (none selected is no answer to a required question).
      combos = combos.flatMap((c) => Array.from({ length: (1 << n) - 1 }, (_, i) =>
        ({ ...c, [q.id]: q.options.filter((_, b) => (i + 1) & (1 << b)).map((o) => o.id) })));
    }
  }
  return combos.map((combo) => {
    const answers = { ...combo };
    for (const q of questions) {
      if (q.kind === "number") answers[q.id] = Math.max(q.min ?? 0, pick(numbers));
      if (q.kind === "text") answers[q.id] = pick(names);
      if (q.kind === "date") answers[q.id] = pick(["2026-12-24", "2027-01-15", "2027-03-01", "2027-06-30"]);
    }
    return answers;
  });
}

/** RFC 4180 CSV with the questions as the header; multiple choices joined with `;`. */
function csv(sets) {
  const ids = compiled.definition.questions.map((q) => q.id);
  const cell = (v) => {
    const s = v === undefined ? "" : Array.isArray(v) ? v.join(";") : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [ids.join(","), ...sets.map((a) => ids.map((id) => cell(a[id])).join(","))].join("\r\n") + "\r\n";
}

for (const lang of ["zh", "en"]) {
  test(`the browser engine's plans equal walletdesk plan's (${lang}), every choice combination`, () => {
    const sets = answerSets();
    assert.ok(sets.length >= 2000, `${sets.length} answer sets`);
    const input = join(dir, `merchants-${lang}.csv`);
    writeFileSync(input, csv(sets));
    const out = join(dir, `plans-${lang}`);
    execFileSync(binary, ["--root", repo, "--quiet", "plan", "--batch", input, "--out-dir", out,
      "--format", "json", "--lang", lang, "--start", START], { maxBuffer: 1 << 26 });
    const files = readdirSync(out).sort();
    assert.equal(files.length, sets.length);
    files.forEach((file, i) => {
      const rust = JSON.parse(readFileSync(join(out, file), "utf8"));
      // Through JSON, as the page would keep it: numbers compare as numbers.
      const js = JSON.parse(JSON.stringify(engine.plan(compiled, sets[i], START, lang)));
      assert.deepStrictEqual(js, rust, `${file}: ${JSON.stringify(sets[i])}`);
    });
  });
}

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
});
