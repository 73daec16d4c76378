/**
 * The real NPS, Service and Overview pages in en-GB with amounts in pounds: the bundled sample with its
 * orders' currency column set to GBP and `"locale": "en-GB"` in the exports' rapport.config.json, built
 * into a small site of those three pages (their own components and loaders, copied from reports/).
 * Expected strings are written out by hand from the sample's CSVs (its last order and ticket day),
 * not from the format code.
 */
import {cpSync, mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {exitCodes, main} from "../../src/cli/main.js";
import {serveStatic, type StaticServer} from "../../src/cli/serve.js";
import {launchChromium} from "../support/browser.js";
import {visit} from "../support/visit.js";

const repo = new URL("../..", import.meta.url).pathname;
const sample = join(repo, "data", "sample");
let project: string;
let site: StaticServer;
let browser: Browser;
const saved = process.env.RAPPORT_DATA;

/** The last day in a CSV's column of the test's exports, "2026-11-02". */
function lastDay(file: string, column: string): string {
  const [head, ...lines] = readFileSync(join(project, "data", file), "utf-8").trim().split("\n");
  const i = head.split(",").indexOf(column);
  return lines.map((l) => l.split(",")[i].slice(0, 10)).sort().at(-1)!;
}
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** "2026-10-31" → "31 October 2026", as en-GB writes a long date. */
const britishLong = (iso: string) => `${Number(iso.slice(8, 10))} ${months[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "rapport-locale-pages-"));
  mkdirSync(join(project, "data"), {recursive: true});
  cpSync(join(repo, "reports", "components"), join(project, "reports", "components"), {recursive: true});
  cpSync(join(repo, "reports", "data"), join(project, "reports", "data"), {recursive: true, filter: (f) => !f.includes(".observablehq")});
  for (const page of ["index.md", "nps.md", "service.md", "style.css"]) cpSync(join(repo, "reports", page), join(project, "reports", page));
  writeFileSync(
    join(project, "observablehq.config.ts"),
    `export default {root: "reports", output: process.env.RAPPORT_OUTPUT ?? "dist", title: "rapport", style: "style.css", head: '<link rel="icon" href="data:,">', pages: [{name: "NPS", path: "/nps"}, {name: "Service", path: "/service"}], globalStylesheets: [], search: false, duckdb: {extensions: {json: null, parquet: null}}};\n`
  );
  for (const file of ["customers.csv", "nps_responses.csv", "tickets.csv"]) cpSync(join(sample, file), join(project, "data", file));
  // The same orders, in pounds, and twelve more on 2 November (£10.25 each, from twelve customers): the data end two
  // days into a month, as a nightly refresh's do.
  const orders = readFileSync(join(sample, "orders.csv"), "utf-8").replace(/,USD,/g, ",GBP,");
  const november = Array.from({length: 12}, (_, i) => `o-${9001 + i},c-${String(i + 1).padStart(5, "0")},2026-11-02T09:${String(10 + i)}:00Z,10.25,GBP,completed`);
  writeFileSync(join(project, "data", "orders.csv"), `${orders.trimEnd()}\n${november.join("\n")}\n`);
  writeFileSync(join(project, "data", "rapport.config.json"), JSON.stringify({locale: "en-GB"}));
  for (const entry of ["src", "loaders", "node_modules"]) symlinkSync(join(repo, entry), join(project, entry), "dir");
  cpSync(join(repo, "package.json"), join(project, "package.json"));
  process.env.RAPPORT_DATA = join(project, "data");
  expect(await main(["build"], project)).toBe(exitCodes.ok);
  site = await serveStatic(join(project, "dist"));
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  if (saved === undefined) delete process.env.RAPPORT_DATA;
  else process.env.RAPPORT_DATA = saved;
  await browser?.close();
  await site?.close();
});

describe("the report pages of a GBP data set with locale en-GB", () => {
  it("/nps writes its dates day first, its scores with a true minus sign, and sets lang en-GB", async () => {
    const {page, errors} = await visit(browser, site.url + "nps");
    try {
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("en-GB");
      expect(await page.locator(".rapport-freshness").innerText()).toBe(`Data through ${britishLong(lastDay("orders.csv", "ordered_at"))}`); // en-US: "October 31, 2026"
      // The quarter view names its periods the same way in every locale; the cards' scores are "+12", "−3" or "0".
      for (const metric of ["nps", "change", "pooled"]) expect(await page.locator(`[data-metric=${metric}] .big`).innerText()).toMatch(/^([+\u2212]\d+|0|—)$/);
      const main = await page.locator("main").innerText();
      expect(main).not.toMatch(/NaN|\$|[A-Z][a-z]{2} \d{1,2}, \d{4}/); // no dollar, no "Oct 31, 2026"
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("/service names its weeks day first ('week of 19 Oct 2026') and its last ticket's day in en-GB", async () => {
    const {page, errors} = await visit(browser, site.url + "service");
    try {
      expect(await page.locator(".rapport-freshness").innerText()).toBe(`Tickets through ${britishLong(lastDay("tickets.csv", "opened_at"))}`);
      expect(await page.locator("main .rapport-range input[type=date]").nth(1).inputValue()).toBe(lastDay("tickets.csv", "opened_at"));
      await page.locator("main input[type=radio][value='0']").first().check(); // Periods: Week
      await expect.poll(() => page.locator("[data-metric=first-response] h2").innerText()).toMatch(/^First answer, week of \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec) \d{4}$/);
      expect(await page.locator("[data-metric=nps-gap] .big").innerText()).toMatch(/^([+\u2212]\d+|0)$/);
      const main = await page.locator("main").innerText();
      expect(main).toMatch(/week of \d{1,2} [A-Z][a-z]{2,3} \d{4}/);
      expect(main).not.toMatch(/NaN|\$|[A-Z][a-z]{2} \d{1,2}, \d{4}/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("/ (the Overview) shows the pounds: net revenue in £, never $; its cards describe the last whole month and the month in progress apart", async () => {
    const {page, errors} = await visit(browser, site.url);
    try {
      expect(await page.locator("[data-metric=net_revenue] .big").innerText()).toMatch(/^£\d{1,3}(,\d{3})*$/);
      // The data run through 2 November: the cards are October's, against September, and November is said apart.
      expect(await page.locator("main h3", {hasText: "all customers"}).innerText()).toBe("October 2026, all customers");
      expect(await page.locator("[data-metric=orders] .muted").innerText()).toMatch(/ vs September 2026$/);
      expect(await page.locator("[data-partial]").innerText()).toBe(
        "November 2026 is not over: the data run through 2 November 2026 (2 days). So far: net revenue £123, 12 orders, 12 active customers. " +
          "The cards compare whole months, as plain differences; the scorecard above shows which changes are larger than chance."
      );
      // No untested change is coloured as better or worse.
      expect(await page.locator("main .grid-cols-4 .green, main .grid-cols-4 .red").count()).toBe(0);
      await expect.poll(() => page.locator("[data-chart=net-revenue-by-month] .rapport-summary").innerText(), {timeout: 10_000}).toContain("November 2026 (lighter) is not over: it holds 2 days of orders.");
      expect(await page.locator("[data-chart=monthly-figures] form table").innerText()).toMatch(/£\d/);
      expect(await page.locator("main").innerText()).not.toMatch(/NaN|\$/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
