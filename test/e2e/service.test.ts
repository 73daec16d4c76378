import {readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {gzipSync} from "node:zlib";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import {loadConfig} from "../../src/config.js";
import {npsFromCounts, type NpsCounts} from "../../src/metrics/nps.js";
import {benjaminiHochberg, npsChangeTest} from "../../src/metrics/npsStats.js";
import {npsAfterServiceSql, type ServiceRow} from "../../src/metrics/service.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {launchChromium} from "../support/browser.js";
import {downloadCsv} from "../support/download.js";
import {visit} from "../support/visit.js";

const siteUrl = inject("siteUrl");
const distDir = inject("distDir");

let browser: Browser;
let minGroupSize: number;
beforeAll(async () => {
  browser = await launchChromium();
  ({minGroupSize} = await loadConfig(projectRoot));
});
afterAll(async () => browser?.close());

/** The site's service.json: which rows complementary suppression withholds (it withholds more than those under minGroupSize). */
function published(): {times: Record<string, unknown>[]; npsAfterService: Record<string, unknown>[]} {
  const file = readdirSync(join(distDir, "_file", "data")).find((f) => /^service\.[0-9a-f]+\.json$/.test(f))!;
  return JSON.parse(readFileSync(join(distDir, "_file", "data", file), "utf-8"));
}

type TimesRow = ServiceRow & {withheld: boolean; csatWithheld: boolean};

/** The metric's rows, each with whether the site withholds its times and its CSAT. */
async function times(by: string, period: string): Promise<TimesRow[]> {
  const rows = ((await readWarehouse((db) => computeMetric(db, "service", {by, period}))) as {times: ServiceRow[]}).times;
  const pub = new Map(published().times.filter((r) => r.granularity === period && r.by === (by === "none" ? "all" : by)).map((r) => [`${r.group}|${r.period}`, r]));
  return rows.map((r) => {
    const p = pub.get(`${r.group}|${r.period.toISOString().slice(0, 10)}`)!;
    return {...r, withheld: p.withheld as boolean, csatWithheld: p.csatWithheld as boolean};
  });
}

/** The row the cards should show: the group's latest complete period the site publishes. */
function expectedLatest(rows: TimesRow[], group: string): TimesRow {
  const shown = rows.filter((r) => r.group === group && !r.withheld).sort((a, b) => +a.period - +b.period);
  return shown.filter((r) => !r.incomplete).at(-1) ?? shown.at(-1)!;
}

/** A displayed duration ("29 minutes", "12.0 hours", "2.1 days") in hours, with half its last displayed digit as tolerance. */
function parseDuration(text: string): {hours: number; tolerance: number} {
  const match = /^([\d.]+) (minutes?|hours|days)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  const value = Number(match[1]);
  if (match[2].startsWith("minute")) return {hours: value / 60, tolerance: 0.5 / 60};
  if (match[2] === "hours") return {hours: value, tolerance: 0.05};
  return {hours: value * 24, tolerance: 0.05 * 24};
}

/** A Kaplan–Meier quantile as the page words it: the duration, or "more than" the longest time followed when it is not reached. */
function expectQuantile(text: string, hours: number | null, longest: number | null) {
  if (hours == null) {
    expect(text.trim()).toMatch(/^more than /);
    return expectDuration(text.trim().slice("more than ".length), longest!);
  }
  expectDuration(text, hours);
}

function expectDuration(text: string, hours: number) {
  const shown = parseDuration(text);
  // The page data keeps hours to 3 decimals: allow that on top of the display's rounding.
  expect(Math.abs(shown.hours - hours)).toBeLessThanOrEqual(shown.tolerance + 0.001);
}

const quarterName = (d: Date) => `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
const monthName = (d: Date) => d.toLocaleDateString("en", {month: "long", year: "numeric", timeZone: "UTC"});

async function choose(page: Page, groupLabel: string, granularity: "Week" | "Month" | "Quarter") {
  await page.locator("main select").first().selectOption({label: groupLabel});
  await page.getByRole("radio", {name: granularity}).check();
}

async function checkCards(page: Page, expected: TimesRow, periodLabel: string) {
  const card = (metric: string) => page.locator(`[data-metric=${metric}]`);
  await expect.poll(() => card("first-response").getAttribute("data-period"), {timeout: 10_000}).toBe(periodLabel);
  expectQuantile((await card("first-response").locator(".big").textContent())!, expected.firstResponseMedian, expected.firstResponseLongest);
  const firstText = (await card("first-response").locator(".muted").textContent())!;
  expect(firstText).toContain(`half of the ${expected.tickets.toLocaleString("en")} tickets`);
  expectQuantile(/9 in 10 within (.+)$/.exec(firstText)![1], expected.firstResponseP90, expected.firstResponseLongest);
  expect(await card("resolution").getAttribute("data-period")).toBe(periodLabel);
  expectQuantile((await card("resolution").locator(".big").textContent())!, expected.resolutionMedian, expected.resolutionLongest);
  const resolutionText = (await card("resolution").locator(".muted").textContent())!;
  expectQuantile(/9 in 10 within (.+?)( \(\d+ still open\))?$/.exec(resolutionText)![1], expected.resolutionP90, expected.resolutionLongest);
  if (expected.unresolved) expect(resolutionText).toContain(`(${expected.unresolved} still open)`);
  const csat = (await card("csat").locator(".big").textContent())!;
  if (!expected.csatWithheld) {
    expect(Math.abs(Number(csat.replace("%", "")) - 100 * expected.csatSatisfied!)).toBeLessThanOrEqual(0.51);
    expect(await card("csat").locator(".muted").textContent()).toContain(`of ${expected.ratings.toLocaleString("en")} ratings`);
  } else {
    expect(csat).toBe("—");
  }
}

describe("the Service page", () => {
  it("draws every chart with marks, and one dot per NPS class it publishes", async () => {
    const counts = published().npsAfterService.filter((r) => r.group !== "no recent ticket" && !r.withheld).length;
    const {page, errors} = await visit(browser, siteUrl + "service");
    try {
      for (const chart of ["service-first-response", "service-resolution", "service-csat"]) {
        const lines = page.locator(`[data-chart=${chart}] svg g[aria-label=line] path`);
        expect(await lines.count(), chart).toBeGreaterThan(0);
        expect((await lines.first().getAttribute("d"))!.length, chart).toBeGreaterThan(100);
      }
      expect(await page.locator("[data-chart=service-nps-after] svg g[aria-label=dot] circle").count()).toBe(counts);
      expect(await page.locator("[data-chart=service-nps-after] svg g[aria-label=rule] line").count()).toBeGreaterThan(counts);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows, for Region and quarter, then Support channel and month, the latest period's times and CSAT that the metrics compute", async () => {
    const byRegion = await times("region", "quarter");
    const region = [...new Set(byRegion.map((r) => r.group))].sort()[0];
    const everyone = expectedLatest(await times("none", "month"), "all");
    const byTicketChannel = await times("ticket_channel", "month");
    const {page, errors} = await visit(browser, siteUrl + "service");
    try {
      // The default: all customers by month.
      await checkCards(page, everyone, monthName(everyone.period));

      const expected = expectedLatest(byRegion, region);
      await choose(page, `Region: ${region}`, "Quarter");
      await checkCards(page, expected, quarterName(expected.period));
      // The latest quarter is not over, so the cards show the one before.
      expect(byRegion.some((r) => r.group === region && r.incomplete && +r.period > +expected.period)).toBe(true);

      const phone = expectedLatest(byTicketChannel, "phone");
      await choose(page, "Support channel: Phone", "Month");
      await checkCards(page, phone, monthName(phone.period));
      expect(phone.firstResponseMedian).not.toBeCloseTo(everyone.firstResponseMedian!, 2);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows the NPS gap between fast and slow first answers at the longest cut-off with both classes published", async () => {
    const gaps = await readWarehouse(async (db) => {
      const out: {slowHours: number; gap: number; p: number; significant: boolean}[] = [];
      for (const slowHours of [1, 4, 8, 24]) {
        const rows = await db.all<NpsCounts & {group: string}>(npsAfterServiceSql({slowHours}));
        const figure = (group: string) => {
          const row = rows.find((r) => r.group === group);
          const f = row && npsFromCounts(row);
          return f && published().npsAfterService.some((p) => p.slowHours === slowHours && p.group === group && !p.withheld) ? f : undefined;
        };
        const fast = figure("fast");
        const slow = figure("slow");
        if (fast && slow) {
          const {change, p} = npsChangeTest(slow, fast)!;
          out.push({slowHours, gap: change, p, significant: false});
        }
      }
      // One family: the gaps of every cut-off with both classes published.
      benjaminiHochberg(out.map((g) => g.p)).discovery.forEach((d, i) => (out[i].significant = d));
      return out;
    });
    const expected = gaps.find((g) => g.slowHours === 24) ?? gaps.at(-1)!;
    const {page, errors} = await visit(browser, siteUrl + "service");
    try {
      const card = page.locator("[data-metric=nps-gap]");
      expect(Number(await card.getAttribute("data-slow-hours"))).toBe(expected.slowHours);
      expect(Number((await card.locator(".big").textContent())!.replace("−", "-"))).toBe(Math.round(expected.gap));
      expect(await card.textContent()).toContain(expected.significant ? "larger than chance" : "within chance");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("downloads the first-answer chart's rows as CSV for the chosen group, granularity and dates", async () => {
    const rows = (await times("segment", "month")).filter((r) => r.group === "SMB");
    const {page, errors} = await visit(browser, siteUrl + "service");
    try {
      await choose(page, "Segment: SMB", "Month");
      await expect.poll(() => page.locator("[data-metric=first-response] .muted").textContent(), {timeout: 10_000}).toContain(`${expectedLatest(rows, "SMB").tickets} tickets`);
      const csv = async () => {
        const file = await downloadCsv(page, "service-first-response");
        expect(file.filename).toBe("service-first-response.csv");
        return file;
      };
      let file = await csv();
      expect(file.header.join(",")).toBe("period,group,tickets,incomplete,withheld,first_response_median_hours,first_response_p90_hours,longest_followed_hours");
      expect(file.rows.length).toBe(rows.length);
      const last = rows.at(-1)!;
      const {period, group, tickets, withheld, first_response_median_hours: median} = file.rows.at(-1)!;
      expect([period, group, withheld]).toEqual([last.period.toISOString().slice(0, 10), "SMB", String(last.withheld)]);
      if (!last.withheld) expect([Number(tickets), Number(median).toFixed(2)]).toEqual([last.tickets, last.firstResponseMedian!.toFixed(2)]);
      // Withheld rows carry no ticket count and no figure.
      const small = file.rows.filter((r) => r.withheld === "true");
      for (const r of small) expect(r.tickets + r.first_response_median_hours + r.first_response_p90_hours + r.longest_followed_hours).toBe("");
      expect(small.length).toBe(rows.filter((r) => r.withheld).length);
      expect(small.length).toBeGreaterThan(rows.filter((r) => r.tickets < minGroupSize).length); // complementary suppression

      // From 1 January 2026 on, only the months from then are left.
      await page.locator("main input[type=date]").first().fill("2026-01-01");
      await expect.poll(async () => (await csv()).rows.length, {timeout: 10_000}).toBe(rows.filter((r) => +r.period >= Date.UTC(2026, 0, 1)).length);
      file = await csv();
      expect(file.rows[0].period + "," + file.rows[0].group).toBe("2026-01-01,SMB");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("stacks its cards on a phone with no empty space under any, and keeps the first row of cards short on a laptop", async () => {
    for (const width of [390, 1366]) {
      const {page, errors} = await visit(browser, siteUrl + "service", {width, height: 900});
      try {
        // A card's empty space: from its last line of text to its bottom edge, less its own padding (1rem).
        const empty = await page.locator("main .grid-cols-4 > .card").evaluateAll((cards) =>
          cards.map((card) => {
            const bottom = Math.max(...[...card.children].map((c) => c.getBoundingClientRect().bottom));
            return Math.round(card.getBoundingClientRect().bottom - bottom - parseFloat(getComputedStyle(card).paddingBottom));
          })
        );
        expect(empty.length).toBe(4);
        // Before: on a phone the rows took the tallest card's height (the closing brace the stylesheet lacked), and on a
        // laptop the NPS gap card's paragraph of explanation stretched the row of cards by 100 px and more.
        for (const [i, gap] of empty.entries()) expect(gap, `card ${i + 1} at ${width} px`).toBeLessThanOrEqual(width < 640 ? 4 : 40);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  it("publishes its data under 1 MB compressed, with no time figure or count for fewer than minGroupSize tickets and no CSAT for fewer ratings", () => {
    const file = readdirSync(join(distDir, "_file", "data")).find((f) => /^service\.[0-9a-f]+\.json$/.test(f))!;
    const text = readFileSync(join(distDir, "_file", "data", file));
    expect(gzipSync(text).length).toBeLessThan(1_000_000);
    const data = JSON.parse(text.toString()) as {times: Record<string, unknown>[]; npsAfterService: Record<string, unknown>[]};
    expect(data.times.length).toBeGreaterThan(1000);
    for (const row of data.times) {
      if (row.withheld) expect([row.tickets, row.firstResponseMedian, row.firstResponseP90, row.resolutionMedian, row.resolutionP90]).toEqual([undefined, undefined, undefined, undefined, undefined]);
      else expect([row.tickets, row.firstResponseMedian]).toEqual([expect.any(Number), expect.any(Number)]);
      if (row.csatWithheld) expect([row.ratings, row.csatSatisfied, row.csatMean]).toEqual([undefined, undefined, undefined]);
      else expect(row.ratings as number).toBeGreaterThanOrEqual(minGroupSize);
    }
    for (const row of data.npsAfterService) if (row.withheld) expect([row.responses, row.nps]).toEqual([undefined, undefined]);
    expect(data.npsAfterService.some((r) => r.withheld)).toBe(true); // the sample has one class under 10 answers
  });
});

const definitions = [
  "net-revenue",
  "active-customers",
  "new-customers",
  "cohort-retention",
  "churn",
  "repeat-rate",
  "revenue-retention",
  "historical-clv",
  "predictive-clv",
  "probability-alive",
  "nps",
  "nps-interval",
  "rolling-nps",
  "service-times",
  "csat",
  "nps-after-service",
  "customer-emotion",
  "distinguishing-words",
  "satisfaction",
  "scorecard",
  "glossary"
];

describe("the Methodology page", () => {
  it("has a section for each metric, and every link on it resolves", async () => {
    const {page, errors} = await visit(browser, siteUrl + "methodology");
    try {
      for (const id of definitions) {
        const heading = page.locator(`main h2#${id}, main h3#${id}`);
        expect(await heading.count(), id).toBe(1);
        // A definition, not just a heading: the text up to the next heading.
        const words = await heading.evaluate((h) => {
          let text = "";
          for (let n = h.nextElementSibling; n && !/^H[23]$/.test(n.tagName); n = n.nextElementSibling) text += n.textContent;
          return text.split(/\s+/).length;
        });
        expect(words, id).toBeGreaterThan(30);
      }
      const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
      const pages = new Set<string>();
      for (const href of hrefs) {
        const url = new URL(href);
        expect(url.origin, href).toBe(new URL(siteUrl).origin);
        if (url.hash && url.pathname === new URL(page.url()).pathname) expect(await page.locator(`[id="${decodeURIComponent(url.hash.slice(1))}"]`).count(), href).toBe(1);
        pages.add(url.origin + url.pathname);
      }
      for (const path of ["", "retention", "clv", "nps", "service", "quality", "explore"]) expect(pages, path).toContain(new URL(path, siteUrl).href);
      for (const url of pages) expect((await page.request.get(url)).status(), url).toBe(200);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
