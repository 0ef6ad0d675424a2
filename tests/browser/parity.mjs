// Shared by the parity tests: the bundled site's compiled wizard, the answer sets both engines
// are given, and `walletdesk plan --batch` run on them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { binary, random, repo } from "./harness.mjs";

export const engine = await import(pathToFileURL(join(repo, "static", "js", "wizard-engine.js")).href);
export const exporter = await import(pathToFileURL(join(repo, "static", "js", "wizard-export.js")).href);
export const START = "2026-11-30";
// Names a merchant might type, hostile ones included.
export const NAMES = ["上海街角奶茶铺", "Harbour Gifts, \"HK\"", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "Line one\nline two", "@sum", "-1+1", "Café ☕"];
// Names whose file names are easy to get wrong: cut at 40 (after a dash, too), no ASCII at
// all, astral characters, runs of punctuation, line breaks inside, CSV, iCalendar and Markdown
// syntax.
export const TRICKY_NAMES = ["a".repeat(39) + " b", "X".repeat(60), "--Tea--House--", "!!!", "ÄÖÜ Straße 5",
  "𝒜𝒷𝒸 abc 😀", "R2-D2 / C-3PO", "Tab\there", "Say \"hi\"; ok, fine\r\nbye", "a\\b;c,d", "１２３ Shop",
  "+86 138 0000 0000", "Fish & Chips\rLtd", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"];

/** A temporary folder with the bundled site built in it, removed by `parity.close()`. */
export const dir = mkdtempSync(join(tmpdir(), "walletdesk-parity-"));
execFileSync(binary, ["--root", repo, "--quiet", "build", "--output", join(dir, "site")]);
/** The wizard as the built site's page loads it. */
export const compiled = (() => {
  const file = readdirSync(join(dir, "site", "wizard")).find((f) => f.endsWith(".json"));
  return JSON.parse(readFileSync(join(dir, "site", "wizard", file), "utf8"));
})();

/** Text as Tera's autoescape writes it in the HTML plan. */
export const html = (t) => t.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
  .replaceAll('"', "&quot;").replaceAll("'", "&#39;");

export function close() {
  rmSync(dir, { recursive: true, force: true });
}

/** Every combination of the choice and multiple-choice answers, with sampled other answers. */
export function answerSets() {
  const questions = compiled.definition.questions;
  const next = random(42);
  const pick = (list) => list[Math.floor(next() * list.length)];
  // Numbers on both sides of every number a condition compares with, and the bounds.
  const numbers = [0, 1, 4, 5, 6, 18, 250, 999, 1000, 5000, 19999, 20000, 20001, 100000];
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
      if (q.kind === "number") answers[q.id] = Math.min(q.max ?? Infinity, Math.max(q.min ?? 0, pick(numbers)));
      if (q.kind === "text") answers[q.id] = pick(NAMES);
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

/**
 * Runs `walletdesk plan --batch` on `sets`; its files, in row order (`001-slug.ext`), without
 * the output guard's `.walletdesk-output` marker.
 */
export function batch(sets, name, format, lang, start = START) {
  const input = join(dir, `${name}.csv`);
  writeFileSync(input, csv(sets));
  const out = join(dir, `${name}-${format}-${lang}`);
  execFileSync(binary, ["--root", repo, "--quiet", "plan", "--batch", input, "--out-dir", out,
    "--format", format, "--lang", lang, "--start", start], { maxBuffer: 1 << 26 });
  return readdirSync(out).filter((file) => !file.startsWith(".")).sort()
    .map((file) => ({ file, text: readFileSync(join(out, file), "utf8") }));
}

/** tests/fixtures/merchants/*.yaml: `key: value` lines, `[a, b]` lists, numbers, comments. */
export function referenceMerchants() {
  const folder = join(repo, "tests", "fixtures", "merchants");
  return readdirSync(folder).filter((f) => f.endsWith(".yaml")).sort().map((file) => {
    const answers = {};
    for (const line of readFileSync(join(folder, file), "utf8").split("\n")) {
      const m = /^(\w+):\s*(.*?)\s*$/.exec(line);
      if (!m) continue;
      const [, key, value] = m;
      answers[key] = value.startsWith("[") ? value.slice(1, -1).split(",").map((o) => o.trim())
        : /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    }
    return answers;
  });
}

/** A seeded sample of ~300 answer sets, every name above among them, and the reference merchants. */
export function exportSample() {
  const all = answerSets();
  const next = random(7);
  const names = [...NAMES, ...TRICKY_NAMES];
  const sample = Array.from({ length: 300 }, (_, i) => ({
    ...all[Math.floor(next() * all.length)],
    merchant_name: names[i % names.length],
  }));
  return [...sample, ...referenceMerchants()];
}

/**
 * Checks that the browser engine's plan equals `walletdesk plan`'s in `lang` for every
 * combination of the choice answers: thousands of plans, so each language is a test file of
 * its own (wizard-parity-every-zh/en.test.mjs) and keeps its own time limit.
 */
export function everyCombinationAgrees(lang, assert) {
  const sets = answerSets();
  assert.ok(sets.length >= 2000, `${sets.length} answer sets`);
  const files = batch(sets, "merchants", "json", lang);
  assert.equal(files.length, sets.length);
  files.forEach(({ file, text }, i) => {
    const rust = JSON.parse(text);
    // Through JSON, as the page would keep it: numbers compare as numbers.
    const js = JSON.parse(JSON.stringify(engine.plan(compiled, sets[i], START, lang)));
    assert.deepStrictEqual(js, rust, `${file}: ${JSON.stringify(sets[i])}`);
  });
}
