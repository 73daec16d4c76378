import {readdirSync} from "node:fs";
import {sep} from "node:path";
import {makeFormats} from "../../reports/components/formatCore.js";
import {groupLabel} from "../../reports/components/labels.js";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {groupActivitySql, publishedActivitySql} from "../../src/metrics/activity.js";
import {computeMetric} from "../../src/metrics/registry.js";
import {currencySql, guestOrdersSql} from "../../src/metrics/revenue.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {downloadCsv} from "../support/download.js";
import {launchChromium} from "../support/browser.js";
import {isLocal, visit} from "../support/visit.js";

const siteUrl = inject("siteUrl");
const distDir = inject("distDir");
// Top-level pages and those one folder down (the segment, region and channel pages).
const pages = (readdirSync(distDir, {recursive: true}) as string[])
  .map((f) => f.split(sep).join("/"))
  .filter((f) => f.endsWith(".html") && f !== "404.html" && !f.startsWith("_") && f.split("/").length <= 2)
  .map((f) => (f === "index.html" ? "" : f.replace(/\.html$/, "")));

let browser: Browser;
beforeAll(async () => void (browser = await launchChromium()));
afterAll(async () => browser?.close());

describe("every page of the built site", () => {
  it("the build has pages", () => expect(pages).toContain(""));

  for (const path of pages) {
    it(`/${path} loads with no console error and no request leaving 127.0.0.1`, async () => {
      const {page, errors, requests} = await visit(browser, siteUrl + path);
      try {
        expect(errors).toEqual([]);
        expect(requests.length).toBeGreaterThan(0);
        expect(requests.filter((r) => !isLocal(r, siteUrl))).toEqual([]);
        expect(await page.locator("main h1").count()).toBeGreaterThan(0);
        // Interpolations that Markdown mangled show up as source text.
        expect(await page.locator("main").innerText()).not.toMatch(/\$\{|html`|=>/);
      } finally {
        await page.close();
      }
    });
  }
});

describe("the Overview page", () => {
  it("draws the revenue chart with a bar per month and channel, and the table", async () => {
    const {page, errors} = await visit(browser, siteUrl);
    try {
      const bars = page.locator("main figure svg g[aria-label='rect'] rect, main svg[aria-label^='Net revenue'] g[aria-label='rect'] rect");
      expect(await bars.count()).toBeGreaterThan(100);
      expect(await page.locator("main form table tbody tr").count()).toBeGreaterThan(5);
      // The channel mix is computed with arquero in the browser: one bar per channel.
      expect(await page.locator("main svg[aria-label^='Share of net revenue'] g[aria-label='bar'] rect").count()).toBe(5);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows the figures of the same SQL run by DuckDB in Node, and follows the channel filter", async () => {
    const expected = await readWarehouse((db) => db.all<{channel: string; month: Date; net_revenue: number | null; suppressed: boolean}>(publishedActivitySql()));
    const latest = Math.max(...expected.map((r) => r.month.getTime()));
    const revenue = (channel: string) => expected.find((r) => r.month.getTime() === latest && r.channel === channel)!.net_revenue!;
    const {page, errors} = await visit(browser, siteUrl);
    try {
      const card = page.locator("[data-metric=net_revenue] .big");
      const dollars = async () => Number((await card.textContent())!.replace(/[$,]/g, ""));
      expect(await dollars()).toBe(Math.round(revenue("All channels")));
      const options = await page.locator("main select option").allTextContents();
      const channels = [...new Set(expected.map((r) => r.channel).filter((c) => c !== "All channels" && c !== "other"))].sort();
      expect(options.slice(0, channels.length + 1)).toEqual(["All customers", ...channels.map((c) => `Channel: ${groupLabel(c)}`)]);
      expect(options.filter((o) => o.startsWith("Segment: ")).length).toBeGreaterThan(1);
      expect(options.filter((o) => o.startsWith("Region: ")).length).toBeGreaterThan(1);
      await page.locator("main select").selectOption({label: "Channel: Referral"});
      await expect.poll(dollars, {timeout: 10_000}).toBe(Math.round(revenue("referral")));
      expect(Math.round(revenue("referral"))).not.toBe(Math.round(revenue("All channels")));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("draws channel bars that add up to each month's total, and keeps a month the date range starts inside", async () => {
    const expected = await readWarehouse((db) => db.all<{channel: string; month: Date; net_revenue: number | null}>(publishedActivitySql()));
    const totals = expected.filter((r) => r.channel === "All channels" && r.net_revenue !== null);
    const {page, errors} = await visit(browser, siteUrl);
    try {
      const csv = await downloadCsv(page, "net-revenue-by-month");
      const drawn = csv.rows.reduce((sum, r) => sum + Number(r.net_revenue || 0), 0);
      expect(drawn).toBeCloseTo(totals.reduce((sum, r) => sum + r.net_revenue!, 0), 1);
      const dates = page.locator("main .rapport-range input[type=date]");
      await dates.nth(0).fill("2025-08-15");
      await dates.nth(1).fill("2025-09-10");
      await expect.poll(async () => new Set((await downloadCsv(page, "net-revenue-by-month")).rows.map((r) => r.month)), {timeout: 10_000}).toEqual(new Set(["2025-08-01", "2025-09-01"]));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("follows the Customers filter to a segment: its latest month, the segment mix and the monthly table, as groupActivitySql computes them", async () => {
    const rows = await readWarehouse((db) => db.all<{month: Date; group: string; net_revenue: number | null; active_customers: number | null}>(groupActivitySql({by: "segment"})));
    const latest = Math.max(...rows.map((r) => r.month.getTime()));
    const segment = rows.find((r) => r.month.getTime() === latest && r.net_revenue !== null)!.group;
    const mine = rows.filter((r) => r.group === segment);
    const {page, errors} = await visit(browser, siteUrl);
    try {
      await page.locator("main select").selectOption({label: `Segment: ${segment}`});
      const dollars = async () => Number((await page.locator("[data-metric=net_revenue] .big").textContent())!.replace(/[$,]/g, ""));
      await expect.poll(dollars, {timeout: 10_000}).toBe(Math.round(mine.find((r) => r.month.getTime() === latest)!.net_revenue!));
      expect(Number((await page.locator("[data-metric=active_customers] .big").textContent())!.replace(/,/g, ""))).toBe(mine.find((r) => r.month.getTime() === latest)!.active_customers);
      expect(await page.locator("main svg[aria-label^='Share of net revenue by segment'] g[aria-label='bar'] rect").count()).toBe(new Set(rows.map((r) => r.group)).size);
      const csv = await downloadCsv(page, "net-revenue-by-month");
      expect(csv.rows.length).toBe(mine.length);
      expect(csv.rows.reduce((sum, r) => sum + Number(r.net_revenue || 0), 0)).toBeCloseTo(mine.reduce((sum, r) => sum + (r.net_revenue ?? 0), 0), 1);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows gross revenue, returns, net revenue and guest orders over the months shown, as the warehouse sums them", async () => {
    const [expected] = await readWarehouse((db) =>
      db.all<{gross: number; returned: number; net: number; months: number; currency: string}>(
        `SELECT sum(gross_revenue) AS gross, sum(returned) AS returned, sum(net_revenue) AS net, count(*)::INTEGER AS months, (${currencySql}) AS currency
         FROM (${publishedActivitySql()}) WHERE channel = 'All channels' AND NOT suppressed`
      )
    );
    const guests = await readWarehouse((db) => db.all<{orders: number}>(guestOrdersSql));
    const {page, errors} = await visit(browser, siteUrl);
    try {
      const card = (metric: string) => page.locator(`[data-chart=gross-returns-net] [data-metric=${metric}]`);
      const amount = async (metric: string) => (await card(metric).locator(".big").textContent())!.trim();
      // The sample's orders are in US dollars: the cards show the symbol, as every amount on the site does.
      expect(expected.currency).toBe("USD");
      const money = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;
      expect(await amount("gross_revenue")).toBe(money(expected.gross));
      expect(await amount("returned")).toBe(money(expected.returned));
      expect(await amount("net_revenue_total")).toBe(money(expected.net));
      expect(await card("gross_revenue").locator(".muted").textContent()).toContain(`all customers, ${expected.months} months`);
      expect(await amount("guest_orders")).toBe(guests.reduce((s, g) => s + g.orders, 0).toLocaleString("en"));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("publishes no channel figure that describes fewer than 10 customers", async () => {
    const rows = await readWarehouse((db) => db.all<{active_customers: number | null; net_revenue: number | null; suppressed: boolean}>(publishedActivitySql()));
    for (const row of rows) {
      if (row.suppressed) expect([row.active_customers, row.net_revenue]).toEqual([null, null]);
      else expect(row.active_customers).toBeGreaterThanOrEqual(10);
    }
  });
});

describe("the Overview scorecard and filters", () => {
  it("shows each scorecard measure as `rapport metrics scorecard` computes it, for months and quarters, with its population and no unearned label", async () => {
    const {page, errors} = await visit(browser, siteUrl);
    try {
      for (const [period, radio] of [["month", 0], ["quarter", 1]] as const) {
        if (radio) await page.locator("main input[type=radio]").nth(radio).check();
        type Row = {measure: string; unit: string; current?: {value?: number; n?: number}; significant: boolean; series: unknown[]};
        const rows = (await readWarehouse((db) => computeMetric(db, "scorecard", {period}))) as Row[];
        expect(rows.map((r) => r.measure)).toEqual(["kept_orders", "second_order", "kept_rhythm", "first_response", "resolution", "csat_satisfied", "nps"]);
        for (const row of rows.filter((r) => r.current?.value !== undefined)) {
          const card = page.locator(`[data-measure=${row.measure}]`);
          const value = row.current!.value!;
          const expected = row.unit === "share" ? `${(value * 100).toFixed(1)}%` : row.unit === "hours" ? makeFormats({locale: "en-US", currency: null}).duration(value) : `${value >= 0 ? "+" : "−"}${Math.abs(Math.round(value))}`;
          await expect.poll(async () => (await card.locator(".big").textContent())!.replace(/,/g, ""), {timeout: 10_000}).toBe(expected);
          expect((await card.textContent())!.replace(/,/g, "")).toContain(`${row.current!.n} `);
          expect(await card.textContent()).toContain("95% range");
          // green or red only for a change that passed its test
          expect(await card.locator(".green, .red").count()).toBe(row.significant ? 1 : 0);
          expect(await card.locator("svg g[aria-label='line'] path").count()).toBe(1);
        }
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("ends the cards at the date range's last month and downloads the revenue it draws", async () => {
    const expected = await readWarehouse((db) => db.all<{channel: string; month: Date; net_revenue: number | null}>(publishedActivitySql()));
    const june = expected.find((r) => r.channel === "All channels" && r.month.toISOString().startsWith("2025-06"))!;
    const {page, errors} = await visit(browser, siteUrl);
    try {
      const dates = page.locator("main .rapport-range input[type=date]");
      await dates.nth(0).fill("2025-01-01");
      await dates.nth(1).fill("2025-06-30");
      const dollars = async () => Number((await page.locator("[data-metric=net_revenue] .big").textContent())!.replace(/[$,]/g, ""));
      await expect.poll(dollars, {timeout: 10_000}).toBe(Math.round(june.net_revenue!));
      const csv = await downloadCsv(page, "net-revenue-by-month");
      const months = new Set(csv.rows.map((r) => r.month));
      expect([...months].sort()).toEqual(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"]);
      const total = csv.rows.reduce((sum, r) => sum + Number(r.net_revenue), 0);
      const reference = expected.filter((r) => r.channel === "All channels" && r.month >= new Date("2025-01-01") && r.month < new Date("2025-07-01")).reduce((sum, r) => sum + r.net_revenue!, 0);
      expect(total).toBeCloseTo(reference, 0); // withheld channel rows are merged into "other", so the months still add up
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("the default date range", () => {
  it("ends on the data's last day on every page with a range (the last order; the last ticket on Service), not on its last week's or month's start", async () => {
    const [{order, ticket}] = await readWarehouse((db) => db.all<{order: string; ticket: string}>("SELECT strftime(max(ordered_at), '%Y-%m-%d') AS order, (SELECT strftime(max(opened_at), '%Y-%m-%d') FROM tickets) AS ticket FROM orders"));
    const ends: Record<string, string> = {};
    for (const path of ["", "retention", "clv", "nps", "service"]) {
      const {page, errors} = await visit(browser, siteUrl + path);
      try {
        ends[path || "index"] = await page.locator("main .rapport-range input[type=date]").nth(1).inputValue();
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }
    // Before the fix Retention and Service ended on 2026-10-26 (their last week's Monday) and CLV on 2026-10-01.
    expect(ends).toEqual({index: order, retention: order, clv: order, nps: order, service: ticket});
    expect(order).toBe("2026-10-31"); // the sample's last order and last ticket: the pages agree
    expect(ticket).toBe(order);
  });
});

describe("the Data quality page", () => {
  it("shows the records read and rejected that the warehouse's load manifest holds", async () => {
    const [totals] = await readWarehouse((db) => db.all<{read: number; rejected: number}>(`SELECT sum("read")::INTEGER AS "read", sum(rejected)::INTEGER AS rejected FROM _files`));
    const {page, errors} = await visit(browser, siteUrl + "quality");
    try {
      const number = async (selector: string) => Number((await page.locator(selector).first().textContent())!.replace(/,/g, ""));
      expect(await number("main .card .big")).toBe(totals.read);
      expect(await number("[data-metric=rejected] .big")).toBe(totals.rejected);
      expect(await page.locator("[data-chart=file-table] form table tbody tr").count()).toBe((await readWarehouse((db) => db.all("SELECT path FROM _files"))).length);
      expect(await page.locator("main svg[aria-label^='Records accepted'] g[aria-label='bar'] rect").count()).toBeGreaterThan(0);
      expect(await page.locator("main svg[aria-label^='The dates each kind'] g[aria-label='bar'] rect").count()).toBe(4);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
