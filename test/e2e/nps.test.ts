import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import type {NpsTrendRow} from "../../src/metrics/nps.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {launchChromium} from "../support/browser.js";
import {downloadCsv} from "../support/download.js";
import {visit} from "../support/visit.js";

const siteUrl = inject("siteUrl");
const distDir = inject("distDir");
let browser: Browser;
beforeAll(async () => void (browser = await launchChromium()));
afterAll(async () => browser?.close());

// The CLI's rows with `withheld` and the published change from the site's nps.json (complementary suppression withholds
// more than the periods under 10 responses, and a change next to a withheld period is not published).
type Published = {granularity: string; by: string; group: string; period: string; withheld: boolean; change?: number | null};
const published = (): Published[] => {
  const dir = join(distDir, "_file", "data");
  return JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => /^nps\..*\.json$/.test(f))!), "utf-8"));
};
const nps = async (by: string | undefined, period: string) => {
  const rows = (await readWarehouse((db) => computeMetric(db, "nps", {by, period}))) as NpsTrendRow[];
  const pub = new Map(published().filter((p) => p.granularity === period && p.by === (by ?? "all")).map((p) => [`${p.group}|${+new Date(p.period)}`, p]));
  return rows.map((d) => ({...d, withheld: pub.get(`${d.group}|${+d.period}`)!.withheld, change: pub.get(`${d.group}|${+d.period}`)!.change ?? undefined}));
};
const lastComplete = (rows: (NpsTrendRow & {withheld: boolean})[], group: string) => rows.filter((d) => d.group === group && !d.incomplete && !d.withheld).at(-1)!;
const big = async (page: import("playwright-core").Page, metric: string) => Number((await page.locator(`[data-metric=${metric}] .big`).textContent())!.replace("−", "-").replace("+", ""));

describe("the NPS page", () => {
  it("shows the last complete month's NPS, score interval and change as `rapport metrics nps` computes them, and draws every month", async () => {
    const trend = await nps(undefined, "month");
    const last = lastComplete(trend, "all");
    const {page, errors} = await visit(browser, siteUrl + "nps");
    try {
      expect(await big(page, "nps")).toBe(Math.round(last.nps!));
      // The score interval (npsStats.ts), signed as the page signs figures (d3's "+.0f", with a true minus sign).
      const signed = (x: number) => (Math.round(x) === 0 ? "0" : `${x > 0 ? "+" : "−"}${Math.abs(x).toFixed(0)}`);
      expect(await page.locator("[data-metric=nps]").textContent()).toContain(`95% interval ${signed(last.low!)} to ${signed(last.high!)}, ${last.responses} responses`);
      if (last.change === undefined) expect(await page.locator("[data-metric=change] .big").textContent()).toBe("—");
      else expect(await big(page, "change")).toBe(Math.round(last.change));
      const shown = trend.filter((d) => !d.withheld);
      expect(await page.locator("main svg[aria-label^='Net Promoter Score by month'] g[aria-label='dot'] circle").count()).toBe(shown.length);
      expect(await page.locator("main svg[aria-label^='Shares of promoters'] g[aria-label='area'] path").count()).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("follows the customers and granularity filters to the figures of `rapport metrics nps --by region --period quarter`", async () => {
    const trend = await nps("region", "quarter");
    const region = [...new Set(trend.map((d) => d.group))].sort()[1];
    const last = lastComplete(trend, region);
    const {page, errors} = await visit(browser, siteUrl + "nps");
    try {
      const before = await big(page, "nps");
      await page.locator("main select").first().selectOption({label: `Region: ${region}`});
      await page.locator("main input[type=radio][value]").nth(1).check(); // Quarter
      await expect.poll(() => page.locator("[data-metric=nps] h2").textContent(), {timeout: 10_000}).toContain(`Q${Math.floor(last.period.getUTCMonth() / 3) + 1} ${last.period.getUTCFullYear()}`);
      expect(await big(page, "nps")).toBe(Math.round(last.nps!));
      expect(await page.locator("[data-metric=nps]").textContent()).toContain(`${last.responses} responses, ${region}`);
      expect(Math.round(last.nps!)).not.toBe(before);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("pools the chosen date range into one NPS, and compares segments over it", async () => {
    const months = (await nps(undefined, "month")).filter((d) => d.period >= new Date("2025-01-01") && d.period < new Date("2026-01-01") && !d.withheld);
    const sum = (k: "promoters" | "passives" | "detractors") => months.reduce((s, d) => s + d[k], 0);
    const pooled = (100 * (sum("promoters") - sum("detractors"))) / (sum("promoters") + sum("passives") + sum("detractors"));
    const {page, errors} = await visit(browser, siteUrl + "nps");
    try {
      const dates = page.locator("main .rapport-range input[type=date]");
      await dates.nth(0).fill("2025-01-01");
      await dates.nth(1).fill("2025-12-31");
      await expect.poll(() => big(page, "pooled"), {timeout: 10_000}).toBe(Math.round(pooled));
      expect(await page.locator("[data-metric=pooled]").textContent()).toContain("January 2025 to December 2025");
      const csv = await downloadCsv(page, "nps-by-group");
      expect(csv.filename).toBe("nps-by-group.csv");
      expect(csv.header).toEqual(["segment", "responses", "promoters", "passives", "detractors", "nps", "nps_low", "nps_high"]);
      const segments = (await nps("segment", "month")).filter((d) => d.period >= new Date("2025-01-01") && d.period < new Date("2026-01-01") && !d.withheld);
      for (const row of csv.rows) {
        const own = segments.filter((d) => d.group === row.segment);
        expect(Number(row.responses)).toBe(own.reduce((s, d) => s + d.responses, 0));
      }
      expect(csv.rows.length).toBe(new Set(segments.map((d) => d.group)).size);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("lists the words, the customer emotion score by month with its languages, and searchable, scrubbed comments", async () => {
    const emotion = (await readWarehouse((db) => computeMetric(db, "emotion", {period: "month"}))) as {
      words: {detractors: {word: string}[]; promoters: {word: string}[]};
      npsComments: {period: Date; scored: number; emotionScore: number}[];
    };
    const months = (await nps(undefined, "month")).filter((d) => d.incomplete).map((d) => +d.period);
    const last = emotion.npsComments.filter((d) => d.scored >= 10 && !months.includes(+d.period)).at(-1)!;
    const {page, errors} = await visit(browser, siteUrl + "nps");
    try {
      const words = await page.locator("main svg[aria-label^='Words that separate'] g[aria-label='y-axis tick label'] text").allTextContents();
      expect(new Set(words)).toEqual(new Set([...emotion.words.detractors, ...emotion.words.promoters].map((w) => w.word)));
      expect(await page.locator("main svg[aria-label^='Customer emotion score of NPS comments'] g[aria-label='dot'] circle").count()).toBe(emotion.npsComments.filter((d) => d.scored >= 10).length);
      expect(await big(page, "emotion")).toBe(Math.round(last.emotionScore));
      expect(await page.locator("[data-metric=languages]").textContent()).toContain("1,046 in English");
      expect(await page.locator("[data-empty=ratings]").textContent()).toContain("No ratings in these exports");
      const table = page.locator("[data-chart=comments] form table tbody tr");
      const all = await table.count();
      expect(all).toBeGreaterThan(5);
      await page.locator("[data-chart=comments] input[type=search]").fill("billing");
      await expect.poll(async () => (await page.locator("[data-chart=comments] form table tbody").innerText()).split("\n").filter(Boolean).every((l) => /billing/i.test(l) || !/\w{4,}/.test(l)), {timeout: 5_000}).toBe(true);
      const csv = await downloadCsv(page, "comments");
      expect(csv.rows.length).toBeGreaterThan(0);
      expect(csv.rows.every((r) => /billing/i.test(r.text))).toBe(true);
      expect(csv.header).not.toContain("customer_id");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("writes CSV downloads a spreadsheet cannot run: formula text gets a leading quote, numbers stay numbers (the site's own toCsv)", async () => {
    const ui = readdirSync(join(distDir, "_import", "components")).find((f) => /^ui\.[0-9a-f]+\.js$/.test(f))!;
    const {page, errors} = await visit(browser, siteUrl + "nps");
    try {
      // A string, so that vitest does not rewrite the dynamic import for Node.
      const rows = [
        {text: '=HYPERLINK("http://evil.example","x")', n: -3},
        {text: "+cmd|' /C calc'!A0", n: 2.5},
        {text: "@SUM(1)", n: -0.25},
        {text: "-2+3", n: 0},
        {text: "\t=1+1", n: 1}
      ];
      const csv = await page.evaluate(`import(${JSON.stringify(`/_import/components/${ui}`)}).then(({toCsv}) => toCsv(${JSON.stringify(rows)}))`);
      expect(csv).toBe(`text,n\n"'=HYPERLINK(""http://evil.example"",""x"")",-3\n'+cmd|' /C calc'!A0,2.5\n'@SUM(1),-0.25\n'-2+3,0\n'\t=1+1,1`);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
