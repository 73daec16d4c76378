import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {gzipSync} from "node:zlib";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import {fitClvChosen} from "../../src/metrics/clv.js";
import {cumulativeRevenueSql} from "../../src/metrics/historical.js";
import type {Breakdown} from "../../src/metrics/periods.js";
import {customerGroupsSql} from "../../src/metrics/rfm.js";
import {probabilityAliveOf, type PurchaseFit} from "../../src/models/purchases.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {launchChromium} from "../support/browser.js";
import {downloadCsv} from "../support/download.js";
import {visit} from "../support/visit.js";

const siteUrl = inject("siteUrl");
const distDir = inject("distDir");

type Predicted = {group: string; customers: number; meanClv12: number};
type HistoricalRow = {cohort: Date; group: string; months: number; customers: number; cumulativePerCustomer: number; small: boolean; incomplete: boolean};

let browser: Browser;
beforeAll(async () => void (browser = await launchChromium()));
afterAll(async () => browser?.close());

const dollars = (value: number) => `$${Math.round(value).toLocaleString("en")}`;
const dataFile = (pattern: RegExp) => readFileSync(join(distDir, "_file", "data", readdirSync(join(distDir, "_file", "data")).find((f) => pattern.test(f))!));
const text = async (page: Page, metric: string) => (await page.locator(`[data-metric=${metric}] .big`).textContent())!.trim();

/** The 12-month revenue per customer the page should show: size-weighted, over the cohorts that completed month 11 and are large enough. */
function revenueAfter12(rows: HistoricalRow[], group: string, from = -Infinity) {
  const done = rows.filter((r) => r.group === group && r.months === 11 && !r.incomplete && !r.small && +r.cohort >= from);
  return done.reduce((s, r) => s + r.cumulativePerCustomer * r.customers, 0) / done.reduce((s, r) => s + r.customers, 0);
}

async function clvMetric(by?: Breakdown) {
  return readWarehouse(async (db) => (await computeMetric(db, "clv", {by})) as {predicted: Predicted[]; historical: HistoricalRow[]});
}

describe("the Lifetime value page", () => {
  it("draws every chart with marks and shows no console error", async () => {
    const {page, errors} = await visit(browser, siteUrl + "clv");
    try {
      expect(await page.locator("main svg[aria-label^='Cumulative revenue per customer'] g[aria-label='line'] path").count()).toBeGreaterThan(20);
      const groups = (await Promise.all((["segment", "region", "channel", "plan"] as const).map(async (by) => (await clvMetric(by)).predicted.filter((p) => p.customers >= 10).length))).reduce((a, b) => a + b);
      expect(await page.locator("main svg[aria-label^='Predicted 12-month value per customer by'] g[aria-label='bar'] rect").count()).toBe(groups);
      expect(await page.locator("main svg[aria-label^='Histogram of customers'] g[aria-label='rect'] rect").count()).toBeGreaterThan(3);
      expect(await page.locator("main svg[aria-label^='Heatmap of the chance'] g[aria-label='cell'] rect").count()).toBeGreaterThan(30);
      expect(await page.locator("main svg[aria-label^='Predicted against actual purchases'] g[aria-label='dot'] circle").count()).toBeGreaterThanOrEqual(10);
      expect(await page.locator("main svg[aria-label^='Predicted repeat purchases in the holdout period for each model'] g[aria-label='bar'] rect").count()).toBe(3);
      expect(await page.locator("main .rapport-chart").count()).toBe(6);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows the 12-month CLV of the chosen group as `rapport metrics clv --by` computes it", async () => {
    const all = (await clvMetric()).predicted.find((p) => p.group === "all")!;
    const bySegment = (await clvMetric("segment")).predicted;
    const byRegion = (await clvMetric("region")).predicted;
    const {page, errors} = await visit(browser, siteUrl + "clv");
    try {
      expect(await text(page, "clv12")).toBe(dollars(all.meanClv12));
      // All customers: the model comparison's check on its sample, as clv.json publishes it.
      const holdout = (JSON.parse(dataFile(/^clv\..*\.json$/).toString("utf-8")) as {holdout: {weeks: number; actual: number; predicted: number; customers: number}}).holdout;
      expect(await page.locator("[data-metric=clv12] .muted").textContent()).toContain(
        `checked on the last ${holdout.weeks} weeks, its forecast of repeat purchases was ${Math.round(Math.abs(holdout.predicted / holdout.actual - 1) * 100)}% too ${holdout.predicted > holdout.actual ? "high" : "low"} (${Math.round(holdout.predicted).toLocaleString("en")} forecast, ${holdout.actual.toLocaleString("en")} made, ${holdout.customers.toLocaleString("en")} sampled customers)`
      );
      for (const [label, expected] of [
        ["Segment: Enterprise", bySegment.find((p) => p.group === "Enterprise")!],
        ["Segment: SMB", bySegment.find((p) => p.group === "SMB")!],
        ["Region: EMEA", byRegion.find((p) => p.group === "EMEA")!]
      ] as const) {
        await page.locator("main select").selectOption({label});
        await expect.poll(() => text(page, "clv12"), {timeout: 10_000}).toBe(dollars(expected.meanClv12));
        expect(await page.locator("[data-metric=clv12] .muted").textContent()).toContain(`${expected.customers.toLocaleString("en")} customers in the ${label.replace(/^(\w+): (.*)$/, (_, by: string, group: string) => `${group} ${by.toLowerCase()}`)}`);
        // The value's uncertainty: how far the group's model was off on the holdout weeks, as the metric checks it.
        const {actual, predicted} = (expected as unknown as {holdout: {actual: number; predicted: number}}).holdout;
        const off = Math.round(Math.abs(predicted / actual - 1) * 100);
        expect(await page.locator("[data-metric=clv12] .muted").textContent()).toContain(
          `its forecast of repeat purchases was ${off}% too ${predicted > actual ? "high" : "low"} (${Math.round(predicted).toLocaleString("en")} forecast, ${actual.toLocaleString("en")} made)`
        );
      }
      // The figures differ between groups, so the check above could fail.
      expect(dollars(bySegment.find((p) => p.group === "Enterprise")!.meanClv12)).not.toBe(dollars(all.meanClv12));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("counts the customers expected to be still active as the sum of their probabilities of being alive", async () => {
    const expected = await readWarehouse(async (db) => {
      // The page values Mid-market with its own fit when it has one, as `metrics clv --by segment` does.
      const own = ((await computeMetric(db, "clv", {by: "segment"})) as {predicted: {group: string; purchases?: PurchaseFit}[]}).predicted.find((p) => p.group === "Mid-market")!.purchases;
      const fit = own ? {purchases: own} : await fitClvChosen(db, {unit: "week"});
      const groups = await db.all<{group: string; x: number; t_x: number; T: number; n: number}>(customerGroupsSql({unit: "week", by: "segment"}));
      return groups.filter((g) => g.group === "Mid-market").reduce((s, g) => s + g.n * probabilityAliveOf(fit.purchases, g), 0);
    });
    const {page, errors} = await visit(browser, siteUrl + "clv");
    try {
      await page.locator("main select").selectOption({label: "Segment: Mid-market"});
      await expect.poll(() => text(page, "active"), {timeout: 10_000}).toBe(Math.round(expected).toLocaleString("en"));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows the historical 12-month revenue per customer that cumulativeRevenueSql gives, for a group and a cohort range", async () => {
    const all = await readWarehouse((db) => db.all<HistoricalRow>(cumulativeRevenueSql()));
    const segment = await readWarehouse((db) => db.all<HistoricalRow>(cumulativeRevenueSql({by: "segment"})));
    const {page, errors} = await visit(browser, siteUrl + "clv");
    try {
      expect(await text(page, "historical12")).toBe(dollars(revenueAfter12(all, "all")));
      await page.locator("main select").selectOption({label: "Segment: Mid-market"});
      await expect.poll(() => text(page, "historical12"), {timeout: 10_000}).toBe(dollars(revenueAfter12(segment, "Mid-market")));
      // Cohorts from June 2024 on only.
      await page.locator("main input[type=date]").first().fill("2024-06-01");
      const later = revenueAfter12(segment, "Mid-market", Date.UTC(2024, 5, 1));
      expect(dollars(later)).not.toBe(dollars(revenueAfter12(segment, "Mid-market")));
      await expect.poll(() => text(page, "historical12"), {timeout: 10_000}).toBe(dollars(later));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("downloads the data of a chart as CSV with a header and a row per bar", async () => {
    const {page, errors} = await visit(browser, siteUrl + "clv");
    try {
      const bars = await page.locator("main svg[aria-label^='Predicted 12-month value per customer by'] g[aria-label='bar'] rect").count();
      const byGroup = await downloadCsv(page, "clv-by-group");
      expect(byGroup.filename).toBe("clv-by-group.csv");
      expect(byGroup.header.join(",")).toBe("group,customers,expected_value_12_months");
      expect(byGroup.rows.length).toBe(bars);
      expect(byGroup.rows.some((r) => r.group === "Segment: Enterprise")).toBe(true);
      const holdout = await downloadCsv(page, "clv-holdout");
      expect(holdout.header.join(",")).toBe("repeat_purchases_before,customers,actual_per_customer,predicted_per_customer");
      expect(holdout.rows.length).toBe(8); // 0 … 6 and 7+
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("publishes small page data with no figure describing fewer than 10 customers", () => {
    const file = readdirSync(join(distDir, "_file", "data")).find((f) => /^clv\..*\.json$/.test(f))!;
    const raw = readFileSync(join(distDir, "_file", "data", file));
    expect(gzipSync(raw).length).toBeLessThan(200_000);
    const data = JSON.parse(raw.toString("utf-8"));
    for (const c of data.cohorts) if (c.customers < 10) expect([c.clv, c.alive]).toEqual([null, null]);
    for (const h of data.historical) if (h.customers < 10) expect(h.values).toBeNull();
    for (const a of data.alive.rows) if (a.customers < 10) expect(a.alive).toBeNull();
    for (const d of data.distribution.rows) expect(d.customers === null || d.customers >= 10).toBe(true);
    for (const g of data.groups) if (g.customers < 10) expect(g.meanClv12).toBeNull();
    expect(JSON.stringify(data)).not.toMatch(/c-\d{5}|@/);
  });
});
