// Lighthouse (12.2.3: the last release that runs on Node 20) on the home, a section, a guide
// and the 404 page of the bundled site: accessibility, best practices and SEO must score 100,
// performance at least 95. Scores go to tests/browser/screenshots/lighthouse.json.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repo, startServe } from "./harness.mjs";

const run = promisify(execFile);
const lighthouse = join(repo, "tests", "browser", "node_modules", ".bin", "lighthouse");
const shots = join(repo, "tests", "browser", "screenshots");
const FLAGS = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync";
let server;
const scores = {};

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServe(repo);
});

after(() => {
  server?.stop();
  writeFileSync(join(shots, "lighthouse.json"), JSON.stringify(scores, null, 2) + "\n");
});

async function audit(path) {
  const dir = mkdtempSync(join(tmpdir(), "walletdesk-lighthouse-"));
  try {
    const output = join(dir, "report.json");
    await run(lighthouse, [
      server.url + path, "--quiet", `--chrome-flags=${FLAGS} --user-data-dir=${join(dir, "profile")}`,
      "--only-categories=performance,accessibility,best-practices,seo",
      "--output=json", `--output-path=${output}`,
    ], { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" }, timeout: 180_000 });
    const report = JSON.parse(readFileSync(output, "utf8"));
    return Object.fromEntries(Object.entries(report.categories).map(([id, c]) => [id, Math.round(c.score * 100)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const path of ["/", "/guide/", "/guide/choose-provider/", "/wizard/", "/404.html"]) {
  test(`Lighthouse on ${path}`, async () => {
    let result = await audit(path);
    // Performance is measured, and a busy machine can cost a point or two: one more try.
    if (result.performance < 95) result = await audit(path);
    scores[path] = result;
    assert.deepEqual(
      { accessibility: result.accessibility, "best-practices": result["best-practices"], seo: result.seo },
      { accessibility: 100, "best-practices": 100, seo: 100 },
    );
    assert.ok(result.performance >= 95, `performance ${result.performance}`);
  });
}
