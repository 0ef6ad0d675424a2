// The query side's English stemmer (static/js/stem.js) against tests/fixtures/stems.tsv, the
// stems that rust-stemmers 1.2.0 (the index side, src/search/tokenize.rs) gives for every word of
// the content and a hand-made list that exercises each rule of the algorithm: both sides are
// pinned to that one file. Needs no browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { stem } = await import(pathToFileURL(join(repo, "static", "js", "stem.js")).href);

/** The golden file's `word<TAB>stem` lines, as pairs. */
function golden() {
  const text = readFileSync(join(repo, "tests", "fixtures", "stems.tsv"), "utf8");
  return text.split("\n").filter((line) => line !== "").map((line) => {
    const fields = line.split("\t");
    assert.equal(fields.length, 2, `stems.tsv: not word<TAB>stem: ${JSON.stringify(line)}`);
    return fields;
  });
}

test("every word of stems.tsv stems as rust-stemmers stems it", () => {
  const pairs = golden();
  assert.ok(pairs.length >= 1000, `stems.tsv has only ${pairs.length} lines`);
  const wrong = pairs.filter(([word, expected]) => stem(word) !== expected);
  const shown = wrong.slice(0, 20)
    .map(([word, expected]) => `  ${word}: expected ${expected}, got ${stem(word)}`);
  assert.equal(wrong.length, 0,
    `${wrong.length} of ${pairs.length} words stem differently, the first:\n${shown.join("\n")}`);
});

test("the forms of a word meet at one stem", () => {
  for (const word of ["refund", "refunds", "refunded", "refunding", "refund's"]) {
    assert.equal(stem(word), "refund", word);
  }
  assert.equal(stem("settlements"), stem("settlement"));
  assert.equal(stem("generous"), "generous"); // "gener" is a prefix of its own: not "general"
  assert.equal(stem("skies"), "sky");
  assert.equal(stem("innings"), "inning");
});

test("a word that is not ASCII letters, digits and apostrophes is returned as it is", () => {
  for (const word of ["café", "naïve", "退款", "webhooks-v2", "Refunds", "payments’", "", "s"]) {
    assert.equal(stem(word), word, word);
  }
  assert.equal(stem("sha256"), "sha256");
  assert.equal(stem("webhooks"), "webhook");
});
