import {existsSync, readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import {loadConfig} from "../../src/config.js";
import {groupSlugs} from "../../src/metrics/groupPages.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {launchChromium} from "../support/browser.js";
import {isLocal, visit} from "../support/visit.js";

const siteUrl = inject("siteUrl");
const distDir = inject("distDir");
let browser: Browser;
beforeAll(async () => void (browser = await launchChromium()));
afterAll(async () => browser?.close());

const kinds = [
  {by: "segment", path: "segments"},
  {by: "region", path: "regions"},
  {by: "channel", path: "channels"}
] as const;
const dataFile = (pattern: RegExp) => readFileSync(join(distDir, "_file", "data", readdirSync(join(distDir, "_file", "data")).find((f) => pattern.test(f))!));
type Nps = {period: string; incomplete: boolean; withheld: boolean; responses?: number; nps?: number; low?: number; high?: number};
type Cohort = {cohort: string; withheld: boolean; customers?: number; repeatRate?: number; nextQuarter?: number | null};
type Group = {by: string; path: string; group: string; slug: string; label: string; customers: number | null; nps: Nps[]; cohorts: Cohort[]; clv: {meanClv12: number | null} | null};
const groupsFile = () => JSON.parse(dataFile(/^groups\..*\.json$/).toString("utf-8")) as {minGroupSize: number; groups: Group[]};
const quarter = (d: Date) => `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
const day = (d: Date | string | number) => new Date(d).toISOString().slice(0, 10);
const big = async (page: import("playwright-core").Page, metric: string) => (await page.locator(`[data-metric=${metric}] .big`).textContent())!.trim();

describe("the segment, region and channel pages", () => {
  it("exist for every named group with at least minGroupSize customers (counted in the warehouse with SQL), and for no other", async () => {
    const {minGroupSize} = await loadConfig(projectRoot);
    for (const {by, path} of kinds) {
      const counts = await readWarehouse((db) => db.all<{group: string; n: number}>(`SELECT ${by} AS "group", count(*)::INTEGER AS n FROM customers WHERE ${by} IS NOT NULL GROUP BY ALL`));
      const above = counts.filter((c) => c.n >= minGroupSize).map((c) => c.group);
      const slugs = groupSlugs(above);
      const expected = above.map((g) => `${slugs.get(g)}.html`).sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(readdirSync(join(distDir, path)).filter((f) => f.endsWith(".html")).sort()).toEqual(expected);
      for (const c of counts.filter((c) => c.n < minGroupSize)) expect(existsSync(join(distDir, path, `${groupSlugs([c.group]).get(c.group)}.html`))).toBe(false);
      // Slugs are URL-safe and unique; the sidebar links every page.
      for (const f of expected) expect(f).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.html$/);
      const index = readFileSync(join(distDir, "index.html"), "utf-8");
      for (const f of expected) expect(index).toContain(`href="./${path}/${f.replace(/\.html$/, "")}"`);
    }
    expect(existsSync(join(distDir, "channels", "paid-search.html"))).toBe(true);
  });

  for (const {by, path} of kinds) {
    it(`shows on /${path}/… the figures of \`rapport metrics nps|retention|clv --by ${by}\`, with no console error and no request off the machine`, async () => {
      const file = groupsFile();
      const mine = file.groups.filter((g) => g.by === by);
      // The group with the most customers, and (for channels) the one whose name has an underscore.
      const g = by === "channel" ? mine.find((d) => d.group === "paid_search")! : mine[0];
      const nps = ((await readWarehouse((db) => computeMetric(db, "nps", {by, period: "quarter"}))) as {group: string; period: Date; incomplete: boolean; nps: number; low: number; high: number; responses: number}[]).filter((d) => d.group === g.group);
      // The site's published NPS table decides which quarters are withheld.
      const withheldNps = new Set(
        (JSON.parse(dataFile(/^nps\..*\.json$/).toString("utf-8")) as {granularity: string; by: string; group: string; period: string; withheld: boolean}[])
          .filter((d) => d.granularity === "quarter" && d.by === by && d.group === g.group && d.withheld)
          .map((d) => day(d.period))
      );
      const last = nps.filter((d) => !d.incomplete && !withheldNps.has(day(d.period))).at(-1)!;
      const retention = (await readWarehouse((db) => computeMetric(db, "retention", {by, period: "quarter", minCohort: file.minGroupSize}))) as {
        triangle: {group: string; cohort: Date; k: number; rate: number; customers: number; incomplete: boolean}[];
      };
      const smallCohorts = new Set(
        tableFromIPC(dataFile(/^retention\..*\.arrow$/))
          .toArray()
          .map((r) => r.toJSON())
          .filter((r) => r.granularity === "quarter" && r.by === by && r.group === g.group && r.k === 0 && r.small)
          .map((r) => day(r.cohort as number))
      );
      const cohort = retention.triangle.filter((d) => d.group === g.group && d.k === 1 && !d.incomplete && !smallCohorts.has(day(d.cohort))).at(-1)!;
      const clv = ((await readWarehouse((db) => computeMetric(db, "clv", {by}))) as {predicted: {group: string; meanClv12: number}[]}).predicted.find((d) => d.group === g.group)!;

      const {page, errors, requests} = await visit(browser, `${siteUrl}${path}/${g.slug}`);
      try {
        expect((await page.locator("main h1").textContent())!.trim()).toBe(g.label);
        expect(g.label).not.toContain("_");
        expect(await page.title()).toContain(g.label);
        expect(await page.locator("[data-metric=nps] h2").textContent()).toContain(quarter(last.period));
        expect((await big(page, "nps")).replace("−", "-").replace("+", "")).toBe(String(Math.round(last.nps)));
        const npsText = (await page.locator("[data-metric=nps]").textContent())!;
        expect(npsText).toContain(`${last.responses} customers answered`);
        const signed = (x: number) => (Math.round(x) === 0 ? "0" : `${x > 0 ? "+" : "−"}${Math.abs(Math.round(x))}`);
        expect(npsText).toContain(`between ${signed(last.low)} and ${signed(last.high)} (95% range)`);
        expect(await big(page, "retention")).toBe(`${Math.round(cohort.rate * 100)}%`);
        expect(await page.locator("[data-metric=retention]").textContent()).toContain(`of the ${cohort.customers.toLocaleString("en")} customers whose first order was in ${quarter(cohort.cohort)}`);
        expect(await big(page, "clv")).toBe(`$${Math.round(clv.meanClv12).toLocaleString("en")}`);
        // A dot per quarter shown, a row per cohort.
        expect(await page.locator("main svg g[aria-label='dot'] circle").count()).toBe(nps.filter((d) => !withheldNps.has(day(d.period))).length);
        expect(await page.locator("main table.rapport-cohorts tbody tr").count()).toBe(g.cohorts.length);
        expect(errors).toEqual([]);
        expect(requests.filter((r) => !isLocal(r, siteUrl))).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it("publish no count of a withheld cell: the same NPS quarters and cohorts are withheld as on the group-level tables, and group sizes leave no small remainder", async () => {
    const file = groupsFile();
    const npsTable = JSON.parse(dataFile(/^nps\..*\.json$/).toString("utf-8")) as {granularity: string; by: string; group: string; period: string; withheld: boolean}[];
    const npsWithheld = new Map(npsTable.filter((d) => d.granularity === "quarter").map((d) => [`${d.by}|${d.group}|${day(d.period)}`, d.withheld]));
    const cohortSmall = new Map(
      tableFromIPC(dataFile(/^retention\..*\.arrow$/))
        .toArray()
        .map((r) => r.toJSON())
        .filter((r) => r.granularity === "quarter" && r.k === 0)
        .map((r) => [`${r.by}|${r.group}|${day(r.cohort as number)}`, r.small as boolean])
    );
    let withheld = 0;
    for (const g of file.groups) {
      for (const q of g.nps) {
        expect(q.withheld, `${g.group} ${q.period}`).toBe(npsWithheld.get(`${g.by}|${g.group}|${q.period}`));
        if (q.withheld) expect(Object.keys(q).sort()).toEqual(["incomplete", "period", "withheld"]);
        withheld += Number(q.withheld);
      }
      for (const c of g.cohorts) {
        expect(c.withheld, `${g.group} ${c.cohort}`).toBe(cohortSmall.get(`${g.by}|${g.group}|${c.cohort}`));
        if (c.withheld) expect(Object.keys(c).sort()).toEqual(["cohort", "withheld"]);
        withheld += Number(c.withheld);
      }
    }
    expect(withheld).toBeGreaterThan(0); // the sample has withheld quarters, so the comparison above is not empty
    // Customers per group: all customers minus the counts shown is none, or at least minGroupSize.
    const [{total}] = await readWarehouse((db) => db.all<{total: number}>(`SELECT count(*)::INTEGER AS total FROM customers`));
    for (const {by} of kinds) {
      const shown = file.groups.filter((g) => g.by === by && g.customers !== null).reduce((s, g) => s + g.customers!, 0);
      const remainder = total - shown;
      expect(remainder === 0 || remainder >= file.minGroupSize, `${by}: remainder ${remainder}`).toBe(true);
    }
  });
});
