import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {launchChromium} from "../support/browser.js";
import {downloadCsv} from "../support/download.js";
import {visit} from "../support/visit.js";
import {groupLabel} from "../../reports/components/labels.js";

const siteUrl = inject("siteUrl");
const distDir = inject("distDir");
const dataFile = (pattern: RegExp) => {
  const dir = join(distDir, "_file", "data");
  return readFileSync(join(dir, readdirSync(dir).find((f) => pattern.test(f))!));
};
let browser: Browser;
beforeAll(async () => void (browser = await launchChromium()));
afterAll(async () => browser?.close());

interface Cell {
  group: string;
  cohort: Date;
  k: number;
  customers: number;
  retained: number;
  rate: number;
  churn: number | null;
  incomplete: boolean;
  small: boolean;
}
/** The metric's triangle, each cell `small` where the site withholds its cohort (complementary suppression withholds more than the cohorts under 10). */
const triangle = async (period: string, by?: string) => {
  const cells = ((await readWarehouse((db) => computeMetric(db, "retention", {period, by}))) as {triangle: Cell[]}).triangle;
  const withheld = new Set(
    tableFromIPC(dataFile(/^retention\..*\.arrow$/))
      .toArray()
      .map((r) => r.toJSON())
      .filter((r) => r.granularity === period && r.by === (by ?? "all") && r.k === 0 && r.small)
      .map((r) => `${r.group}|${+new Date(r.cohort as number)}`)
  );
  return cells.map((d) => ({...d, small: withheld.has(`${d.group}|${+d.cohort}`)}));
};
/** The share of customers of complete cohorts who ordered again in the period after their first, in percent. */
const nextPeriod = (cells: Cell[], group: string) => {
  const complete = cells.filter((d) => d.group === group && d.k === 1 && !d.incomplete && !d.small);
  return (100 * complete.reduce((s, d) => s + d.retained, 0)) / complete.reduce((s, d) => s + d.customers, 0);
};
const figure = async (page: Page, metric: string) => Number((await page.locator(`[data-metric=${metric}] .big`).textContent())!.replace("%", ""));

describe("the Retention page", () => {
  it("draws the cohort triangle, and its figure follows the cohort granularity as `rapport metrics retention --period` computes it", async () => {
    const {page, errors} = await visit(browser, siteUrl + "retention");
    try {
      expect(await page.locator("main svg[aria-label^='Cohort retention heatmap'] g[aria-label='cell'] rect").count()).toBeGreaterThan(600);
      expect(await figure(page, "next-period")).toBeCloseTo(nextPeriod(await triangle("month"), "all"), 1);
      const repeat = await figure(page, "repeat");
      await page.locator("main input[type=radio][value='0']").first().check(); // week
      await expect.poll(() => figure(page, "next-period"), {timeout: 10_000}).toBeCloseTo(nextPeriod(await triangle("week"), "all"), 1);
      expect(await figure(page, "repeat")).toBe(repeat); // the same customers, whatever the cohort size
      await page.locator("main input[type=radio][value='2']").first().check(); // quarter
      await expect.poll(() => figure(page, "next-period"), {timeout: 10_000}).toBeCloseTo(nextPeriod(await triangle("quarter"), "all"), 1);
      expect(await page.locator("main svg[aria-label='Lapsed (churn)'] g[aria-label='dot'] circle").count()).toBeGreaterThan(5);
      expect(await page.locator("main svg[aria-label='Ordered again, at any time'] g[aria-label='dot'] circle").count()).toBeGreaterThan(5);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("follows the customers filter to the figures of `rapport metrics retention --by channel`, and the churn of the last month", async () => {
    const cells = await triangle("month", "channel");
    const channels = [...new Set(cells.map((d) => d.group))].sort();
    const channel = channels.includes("referral") ? "referral" : channels[0];
    const {page, errors} = await visit(browser, siteUrl + "retention");
    try {
      const all = await figure(page, "next-period");
      await page.locator("main select").first().selectOption({label: `Channel: ${groupLabel(channel)}`});
      await expect.poll(() => figure(page, "next-period"), {timeout: 10_000}).toBeCloseTo(nextPeriod(cells, channel), 1);
      expect(nextPeriod(cells, channel)).not.toBeCloseTo(all, 1);
      // Churn of the last complete month: the CLI's churn row for the channel (`metrics retention --by channel`).
      const churn = ((await readWarehouse((db) => computeMetric(db, "retention", {period: "month", by: "channel"}))) as {churn: {group: string; churn: number; buyers_before: number; incomplete: boolean}[]}).churn;
      const published = (JSON.parse(dataFile(/^churn\..*\.json$/).toString()) as {granularity: string; by: string; group: string; period: string; withheld: boolean}[]).filter((d) => d.granularity === "month" && d.by === "channel" && d.group === channel);
      const shown = new Set(published.filter((d) => !d.withheld).map((d) => +new Date(d.period)));
      const last = churn.filter((d) => d.group === channel && !d.incomplete && shown.has(+(d as unknown as {period: Date}).period)).at(-1)!;
      expect(await figure(page, "churn")).toBeCloseTo(100 * last.churn, 1);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("limits cohorts to the date range and downloads the triangle it draws", async () => {
    const cells = (await triangle("month")).filter((d) => d.cohort >= new Date("2025-01-01") && d.cohort <= new Date("2025-06-30"));
    const {page, errors} = await visit(browser, siteUrl + "retention");
    try {
      const dates = page.locator("main .rapport-range input[type=date]");
      await dates.nth(0).fill("2025-01-01");
      await dates.nth(1).fill("2025-06-30");
      await expect.poll(() => figure(page, "cohorts"), {timeout: 10_000}).toBe(6);
      expect(await figure(page, "next-period")).toBeCloseTo(nextPeriod(cells, "all"), 1);
      const csv = await downloadCsv(page, "cohort-triangle");
      expect(csv.header.slice(0, 5)).toEqual(["cohort", "k", "customers", "retained", "rate"]);
      expect(csv.rows.length).toBe(cells.length);
      expect(new Set(csv.rows.map((r) => r.cohort))).toEqual(new Set(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"]));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("writes each cell's value and each cohort's size in the triangle", async () => {
    const cells = (await triangle("month")).filter((d) => d.group === "all" && !d.small);
    const {page, errors} = await visit(browser, siteUrl + "retention");
    try {
      const svg = page.locator("main svg[aria-label^='Cohort retention heatmap']");
      // One size per cohort row and one value per shown cell, as many as the metric's triangle has.
      const sizes = await svg.locator(".rapport-cohort-size text").allTextContents();
      const values = await svg.locator(".rapport-cell-value text").allTextContents();
      const rows = new Set(cells.map((d) => +d.cohort)).size;
      expect(sizes.length).toBe(Math.min(rows, 40));
      expect(values.length).toBe(cells.filter((d) => d.rate != null).length);
      // The first cohort's size and its cell one month on, from the metric (whole percent from 10% up, one decimal under).
      const first = cells.filter((d) => d.k === 1).sort((a, b) => +a.cohort - +b.cohort)[0];
      const size = cells.find((d) => +d.cohort === +first.cohort && d.k === 0)!.customers;
      expect(sizes).toContain(size.toLocaleString("en-US"));
      const shown = first.rate >= 0.1 ? `${Math.round(first.rate * 100)}%` : `${(first.rate * 100).toFixed(1)}%`;
      expect(values).toContain(shown);
      // The colour scale no longer tops out at a fixed 60%: its top is the data's 95th percentile, written in the legend.
      expect(await page.locator("main .rapport-chart[data-chart=cohort-triangle]").innerText()).toMatch(/darkest: \d+(\.\d)?% or more/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("writes a million customers' cohort sizes beside the cohorts' names, overlapping neither them nor the first column", async () => {
    const {page, errors} = await visit(browser, siteUrl + "retention");
    try {
      // The page's own component, drawn on 36 monthly cohorts of a million-customer site (sizes of six digits, cells about
      // 22 pixels wide), in the page.
      // (As text: vitest would rewrite an import() in a function handed to the page.)
      const boxes = (await page.evaluate(`(async () => {
        const href = [...document.querySelectorAll("link[rel=modulepreload]")].map((l) => l.href).find((h) => h.includes("/_import/components/cohortHeatmap."));
        const {cohortHeatmap} = await import(href);
        const cells = [];
        for (let c = 0; c < 36; c++)
          for (let k = 0; k < 36 - c; k++)
            cells.push({cohort: new Date(Date.UTC(2023, 10 + c, 1)), k, customers: 245318 - 1000 * c, rate: k ? 0.3 : 1, windowRate: null, revenueRate: null, incomplete: false, small: false});
        const figure = cohortHeatmap(cells, {width: 900, metric: "rate", period: "month"});
        document.querySelector("main").append(figure);
        const svg = figure.querySelector("svg[aria-label^='Cohort retention heatmap']");
        const box = (e) => e.getBoundingClientRect();
        const sizes = [...svg.querySelectorAll(".rapport-cohort-size text")];
        const names = [...svg.querySelectorAll("g[aria-label='y-axis tick label'] text")].map(box);
        const firstColumn = Math.min(...[...svg.querySelectorAll("g[aria-label='cell'] rect")].map((r) => box(r).left));
        return {sizes: sizes.map((t) => [box(t).left, box(t).right]), names: names.map((b) => [b.left, b.right]), firstColumn, texts: sizes.map((t) => t.textContent)};
      })()`)) as {sizes: number[][]; names: number[][]; firstColumn: number; texts: string[]};
      expect(boxes.texts).toContain("245,318");
      expect(boxes.sizes.length).toBe(36);
      expect(boxes.names.length).toBe(36);
      for (let i = 0; i < 36; i++) {
        expect(boxes.sizes[i][1], `size ${i} ends before the first column`).toBeLessThanOrEqual(boxes.firstColumn);
        expect(boxes.names[i][1], `cohort name ${i} ends before its size begins`).toBeLessThanOrEqual(boxes.sizes[i][0]);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("fits the monthly triangle inside its card on a laptop, and on a phone scrolls it inside the card and says so", async () => {
    for (const [width, fits] of [[1366, true], [390, false]] as const) {
      const {page, errors} = await visit(browser, siteUrl + "retention", {width, height: 900});
      try {
        const card = (await page.locator("main .rapport-chart[data-chart=cohort-triangle]").boundingBox())!;
        const svg = (await page.locator("main svg[aria-label^='Cohort retention heatmap']").boundingBox())!;
        const scroller = page.locator("main .rapport-triangle .rapport-scroll");
        const [scrollWidth, clientWidth] = await scroller.evaluate((e) => [e.scrollWidth, e.clientWidth]);
        if (fits) {
          // Before: 25 px cells made the 37 columns 1,025 px wide in a 964 px card, 61 px past its edge.
          expect(svg.x + svg.width, `width ${width}`).toBeLessThanOrEqual(card.x + card.width);
          expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
          expect(await page.locator("[data-triangle-scroll]").count()).toBe(0);
        } else {
          expect(scrollWidth).toBeGreaterThan(clientWidth); // the later months are a scroll away, inside the card
          expect((await scroller.boundingBox())!.x + clientWidth).toBeLessThanOrEqual(card.x + card.width);
          expect(await page.locator("[data-triangle-scroll]").innerText()).toBe("Scroll sideways for later months →");
        }
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  it("swaps a reversed date range and says so, instead of drawing nonsense", async () => {
    const {page, errors} = await visit(browser, siteUrl + "retention");
    try {
      const dates = page.locator("main .rapport-range input[type=date]");
      await dates.nth(0).fill("2025-06-30");
      await dates.nth(1).fill("2025-01-01");
      await expect.poll(() => figure(page, "cohorts"), {timeout: 10_000}).toBe(6);
      await expect.poll(() => page.locator("main .rapport-range-note").innerText()).toMatch(/was after .to.*showing Jan 1, 2025 to Jun 30, 2025/);
      const text = await page.locator("main").innerText();
      expect(text).not.toMatch(/NaN|0000%|Infinity/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
