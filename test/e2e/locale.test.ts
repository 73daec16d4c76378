/**
 * Locale and currency end to end: a small site built from a tiny GBP export with `"locale": "en-GB"` in the
 * exports' rapport.config.json. Its one page uses the pages' real format module and date-range input
 * (reports/components), fed by the real freshness loader, so what it shows is what every report page shows.
 */
import {cpSync, mkdtempSync, mkdirSync, symlinkSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {exitCodes, main} from "../../src/cli/main.js";
import {serveStatic, type StaticServer} from "../../src/cli/serve.js";
import {launchChromium} from "../support/browser.js";
import {visit} from "../support/visit.js";

const repo = new URL("../..", import.meta.url).pathname;
let project: string;
let site: StaticServer;
let browser: Browser;
const saved = process.env.RAPPORT_DATA;

const page = `# Locale

\`\`\`js
import {fmt, freshness} from "./components/format.js";
import {dateRange} from "./components/ui.js";
const rangeInput = dateRange([new Date("2026-02-02"), new Date("2026-02-28")], {label: "Orders"});
const range = Generators.input(rangeInput);
\`\`\`

<p id="money">\${fmt.money(1234.5)}</p>
<p id="latest">\${fmt.date(freshness.latestRecord)}</p>
<p id="month">\${fmt.month(freshness.latestRecord)}</p>

<div id="filters">\${rangeInput}</div>

<p id="range">\${fmt.date(range.from)} to \${fmt.date(range.to)}</p>
`;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "rapport-locale-"));
  mkdirSync(join(project, "reports", "components"), {recursive: true});
  mkdirSync(join(project, "reports", "data"), {recursive: true});
  mkdirSync(join(project, "data"), {recursive: true});
  // Every component, so a module one of them comes to import (ui.ts → download.ts) is there too.
  cpSync(join(repo, "reports", "components"), join(project, "reports", "components"), {recursive: true});
  cpSync(join(repo, "reports", "data", "freshness.json.ts"), join(project, "reports", "data", "freshness.json.ts"));
  writeFileSync(join(project, "reports", "index.md"), page);
  writeFileSync(join(project, "observablehq.config.ts"), `export default {root: "reports", output: process.env.RAPPORT_OUTPUT ?? "dist", title: "locale", head: '<link rel="icon" href="data:,">', pages: [], globalStylesheets: [], search: false, duckdb: {extensions: {json: null, parquet: null}}};\n`);
  // A tiny British shop: amounts in pounds, as the currency column says.
  writeFileSync(join(project, "data", "customers.csv"), "id,created_at,segment\nc1,2026-01-05,SMB\nc2,2026-01-06,SMB\nc3,2026-01-07,Enterprise\n");
  writeFileSync(join(project, "data", "orders.csv"), "id,customer_id,ordered_at,amount,currency,status\no1,c1,2026-02-02T10:00:00Z,12.50,GBP,completed\no2,c2,2026-02-14T11:00:00Z,30.00,GBP,completed\no3,c3,2026-02-28T09:30:00Z,45.25,GBP,completed\n");
  writeFileSync(join(project, "data", "rapport.config.json"), JSON.stringify({locale: "en-GB"}));
  for (const entry of ["src", "loaders", "node_modules"]) symlinkSync(join(repo, entry), join(project, entry), "dir");
  cpSync(join(repo, "package.json"), join(project, "package.json"));
  process.env.RAPPORT_DATA = join(project, "data");
  expect(await main(["build"], project)).toBe(exitCodes.ok);
  site = await serveStatic(join(project, "dist"));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  if (saved === undefined) delete process.env.RAPPORT_DATA;
  else process.env.RAPPORT_DATA = saved;
  await browser?.close();
  await site?.close();
});

describe("a GBP data set with locale en-GB", () => {
  it("shows pounds, dates day first, lang en-GB, and a reversed range put right with a note", async () => {
    const {page, errors} = await visit(browser, site.url);
    try {
      expect(await page.locator("#money").innerText()).toBe("£1,235");
      expect(await page.locator("#latest").innerText()).toBe("28 Feb 2026"); // en-US would say "Feb 28, 2026"
      expect(await page.locator("#month").innerText()).toBe("February 2026");
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("en-GB");
      expect(await page.locator("#range").innerText()).toBe("2 Feb 2026 to 28 Feb 2026");
      const dates = page.locator("#filters input[type=date]");
      await dates.nth(0).fill("2026-02-20");
      await dates.nth(1).fill("2026-02-10");
      await expect.poll(() => page.locator("#range").innerText()).toBe("10 Feb 2026 to 20 Feb 2026");
      expect(await page.locator("#filters .rapport-range-note").innerText()).toBe("“From” (20 Feb 2026) was after “to” (10 Feb 2026): showing 10 Feb 2026 to 20 Feb 2026.");
      expect(await page.locator("main").innerText()).not.toMatch(/NaN|\$/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
