import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {loadConfig} from "../../src/config.js";
import {publishedActivitySql} from "../../src/metrics/activity.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {launchChromium} from "../support/browser.js";
import {downloadCsv} from "../support/download.js";
import {isLocal, visit} from "../support/visit.js";

const siteUrl = inject("siteUrl");
const exploreUrl = siteUrl + "explore";

let browser: Browser;
let published: string;
beforeAll(async () => {
  browser = await launchChromium();
  published = publishedActivitySql({minGroup: (await loadConfig(projectRoot)).minGroupSize});
});
afterAll(async () => browser?.close());

/** The same SQL over the published activity rows, run by DuckDB in Node on the warehouse. */
const inNode = <T>(sql: (activity: string) => string) => readWarehouse((db) => db.all<T>(sql(`(${published})`)));

/** Waits until every cell has run (done or error) and returns their states. */
async function settled(page: Page): Promise<string[]> {
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll<HTMLElement>("[data-cell]")];
    return cells.length > 0 && cells.every((c) => c.dataset.state === "done" || c.dataset.state === "error");
  }, undefined, {timeout: 30_000});
  return page.locator("[data-cell]").evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.state!));
}

/** Adds a cell, types the SQL and runs it with Ctrl+Enter; returns the cell. */
async function typeAndRun(page: Page, sql: string) {
  await page.locator("[data-action=add]").first().click();
  const cell = page.locator("[data-cell]").last();
  await cell.locator("textarea").fill(sql);
  await cell.locator("textarea").press("Control+Enter");
  await expect.poll(() => cell.getAttribute("data-state"), {timeout: 20_000}).toMatch(/^(done|error)$/);
  return cell;
}

/** A result table's rows as arrays of cell texts (header first). */
async function tableText(cell: ReturnType<Page["locator"]>): Promise<string[][]> {
  return cell.locator(".nb-output table tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent!.trim()).filter((t, i) => i > 0 || t !== "")));
}

const number = (text: string) => Number(text.replace(/,/g, ""));

const byChannel = `SELECT channel, sum(net_revenue) AS revenue FROM activity WHERE channel <> 'All channels' GROUP BY channel ORDER BY channel`;

describe("the Explore page", () => {
  it("opens with the starter notebook, runs its cells to tables and charts, lists the tables, with no console error and no request leaving 127.0.0.1", async () => {
    const [{months}] = await inNode<{months: number}>((a) => `SELECT count(*)::INTEGER AS months FROM ${a} WHERE channel = 'All channels'`);
    const [{rows}] = await inNode<{rows: number}>((a) => `SELECT count(*)::INTEGER AS "rows" FROM ${a}`);
    const {page, errors, requests} = await visit(browser, exploreUrl);
    try {
      expect(await settled(page)).toEqual(["done", "done", "done"]);
      expect(page.url()).not.toContain("#"); // opening the starter is no edit
      const first = page.locator("[data-cell]").first();
      expect(await first.locator("textarea").inputValue()).toContain("FROM activity");
      expect(await first.locator("[data-rows]").getAttribute("data-rows")).toBe(String(months));
      for (const cell of await page.locator("[data-cell]").all()) {
        expect(await cell.locator(".nb-output table").count()).toBe(1);
        expect(await cell.locator(".nb-figure svg").count()).toBe(1);
      }
      expect(await page.locator(".nb-figure svg g[aria-label='line'] path").count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator(".nb-figure svg g[aria-label='bar'] rect").count()).toBeGreaterThan(1);
      const activity = page.locator(".nb-table[data-table=activity]");
      expect(await activity.locator(".nb-table-size").textContent()).toBe(`${rows.toLocaleString("en-US")} rows · 7 columns`);
      await activity.locator("summary").click();
      expect(await activity.locator("li").allTextContents()).toContain("net_revenue DOUBLE");
      for (const table of ["retention", "nps", "quality_files", "quality_coverage", "clv_groups", "clv_cohorts", "service_times", "service_npsAfterService", "voice_emotion", "voice_languages", "voice_comments"]) expect(await page.locator(`.nb-table[data-table=${table}]`).count()).toBe(1);
      expect(await first.locator(".nb-status").textContent()).toMatch(/^\d+ rows · \d+(\.\d+)? m?s/);

      // A table's button adds a cell that queries it; a column's button types its name where the caret is.
      await activity.locator(".nb-query-table").click();
      const added = page.locator("[data-cell]").nth(3);
      await expect.poll(() => added.getAttribute("data-state")).toBe("done");
      expect(await added.locator("textarea").inputValue()).toBe("SELECT *\nFROM activity\nLIMIT 100");
      expect(await added.locator("[data-rows]").getAttribute("data-rows")).toBe(String(Math.min(100, rows)));
      await added.locator("textarea").fill("SELECT  FROM activity");
      await added.locator("textarea").evaluate((t: HTMLTextAreaElement) => t.setSelectionRange(7, 7));
      await activity.locator(".nb-column", {hasText: /^net_revenue$/}).click();
      expect(await added.locator("textarea").inputValue()).toBe("SELECT net_revenue FROM activity");
      expect(errors).toEqual([]);
      expect(requests.filter((r) => !isLocal(r, siteUrl))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("runs a typed query to a table equal to the same SQL run in Node, with a bar chart with tooltips and a CSV download", async () => {
    const expected = await inNode<{channel: string; revenue: number | null}>((a) => byChannel.replace("FROM activity", `FROM ${a}`));
    // "other" gathers channels too small to show on their own; its figures are withheld (null) when still too small.
    const shown = expected.filter((d) => d.revenue !== null);
    expect(shown.length).toBeGreaterThan(2);
    const {page, errors, requests} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      const cell = await typeAndRun(page, byChannel);
      expect(await cell.getAttribute("data-state")).toBe("done");
      const [header, ...body] = await tableText(cell);
      expect(header).toEqual(["channel", "revenue"]);
      expect(body.map(([channel]) => channel)).toEqual(expected.map((d) => d.channel));
      body.forEach(([, revenue], i) => {
        const want = expected[i].revenue;
        if (want === null) expect(revenue).toBe("");
        else expect(Math.abs(number(revenue) - want)).toBeLessThan(0.005);
      });
      expect(await cell.locator("[data-rows]").textContent()).toBe(`${expected.length} rows`);

      const bars = cell.locator(".nb-figure svg g[aria-label='bar'] rect");
      expect(await bars.count()).toBe(shown.length);
      await bars.first().hover();
      await expect.poll(() => cell.locator(".nb-figure svg g[aria-label='tip']").textContent()).toContain(shown[0].channel);

      const csv = await downloadCsv(page, cell.locator("button[data-download]"));
      expect(csv.filename).toBe("explore-cell-4.csv");
      expect(csv.header.join(",")).toBe("channel,revenue");
      expect(csv.rows.map((r) => r.channel)).toEqual(expected.map((d) => d.channel));
      csv.rows.forEach(({revenue}, i) => {
        if (expected[i].revenue === null) expect(revenue).toBe("");
        else expect(Number(revenue)).toBeCloseTo(expected[i].revenue!, 6);
      });
      expect(errors).toEqual([]);
      expect(requests.filter((r) => !isLocal(r, siteUrl))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("adds, moves and removes cells, keeps them in the address, and a reload from it restores the cells and their results", async () => {
    const sql = `SELECT channel, count(*)::INTEGER AS months FROM activity GROUP BY channel ORDER BY channel`;
    const expected = await inNode<{channel: string; months: number}>((a) => sql.replace("FROM activity", `FROM ${a}`));
    const {page, errors} = await visit(browser, exploreUrl);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], {origin: siteUrl});
    try {
      await settled(page);
      const cells = page.locator("[data-cell]");
      await page.locator("[data-action=add]").first().click();
      expect(await cells.count()).toBe(4);
      await cells.nth(3).locator("textarea").fill(sql);
      // Shift+Enter runs the last cell and opens a new one below, focused.
      await cells.nth(3).locator("textarea").press("Shift+Enter");
      expect(await cells.count()).toBe(5);
      expect(await page.evaluate(() => document.activeElement === [...document.querySelectorAll("[data-cell] textarea")].at(-1))).toBe(true);
      await cells.nth(4).locator("[data-action=remove]").click();
      await cells.nth(0).locator("[data-action=remove]").click();
      await cells.nth(2).locator("[data-action=up]").click(); // the new cell becomes the second
      expect(await cells.count()).toBe(3);
      const sqls = await cells.locator("textarea").evaluateAll((t) => t.map((e) => (e as HTMLTextAreaElement).value));
      expect(sqls[1]).toBe(sql);
      expect(await cells.locator(".nb-cell-label").allTextContents()).toEqual(["Cell 1", "Cell 2", "Cell 3"]);
      await expect.poll(() => cells.nth(1).getAttribute("data-state")).toBe("done");

      await page.locator("[data-action=copy-link]").click();
      await expect.poll(() => page.locator(".nb-toolbar [role=status]").textContent()).toContain("Link copied");
      const link = page.url();
      expect(link).toMatch(/#nb=[zj][A-Za-z0-9_-]+$/);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

      const reopened = await visit(browser, link);
      try {
        expect(await settled(reopened.page)).toEqual(["done", "done", "done"]);
        const again = reopened.page.locator("[data-cell]");
        expect(await again.locator("textarea").evaluateAll((t) => t.map((e) => (e as HTMLTextAreaElement).value))).toEqual(sqls);
        const [header, ...body] = await tableText(again.nth(1));
        expect(header).toEqual(["channel", "months"]);
        expect(body.map(([channel, months]) => ({channel, months: number(months)}))).toEqual(expected);
        expect(reopened.errors).toEqual([]);
      } finally {
        await reopened.page.close();
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows DuckDB's message for a SQL error in the cell, not a stack trace, and the other cells keep their results", async () => {
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      const cell = await typeAndRun(page, "SELECT revenue FROM activty");
      expect(await cell.getAttribute("data-state")).toBe("error");
      const message = (await cell.locator(".nb-error").textContent())!;
      expect(message).toMatch(/^Catalog Error: Table with name activty does not exist/);
      expect(message).toContain('Did you mean "activity"?');
      expect(message).not.toMatch(/\n\s+at |\.js:\d+/);
      expect(await page.locator("[data-cell][data-state=done]").count()).toBe(3);
      // Fixing the SQL and running again replaces the message with the result.
      await cell.locator("textarea").fill("SELECT count(*)::INTEGER AS n FROM activity");
      await cell.locator("[data-action=run]").click();
      await expect.poll(() => cell.getAttribute("data-state")).toBe("done");
      expect(await cell.locator(".nb-error").count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("keeps results to 10,000 rows and says so", async () => {
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      const cell = await typeAndRun(page, "SELECT range AS n, range * 2 AS twice FROM range(25000)");
      expect(await cell.locator("[data-rows]").getAttribute("data-rows")).toBe("10000");
      expect(await cell.locator("[data-rows]").textContent()).toBe("First 10,000 rows");
      expect(await cell.locator(".nb-capped").textContent()).toContain("more than 10,000 rows");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("stops a long query with the cell's Stop button, and runs the next one", async () => {
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      await page.locator("[data-action=add]").first().click();
      const cell = page.locator("[data-cell]").last();
      await cell.locator("textarea").fill("SELECT sum(range % 7) AS s FROM range(20000000000)");
      await cell.locator("[data-action=run]").click();
      await expect.poll(() => cell.getAttribute("data-state")).toBe("running");
      expect(await cell.locator("[data-action=run]").textContent()).toBe("■ Stop");
      await cell.locator("[data-action=run]").click();
      await expect.poll(() => cell.getAttribute("data-state"), {timeout: 20_000}).toBe("error");
      expect(await cell.locator(".nb-error").textContent()).toBe("Stopped before the query finished.");
      await cell.locator("textarea").fill("SELECT 41 + 1 AS answer");
      await cell.locator("textarea").press("Control+Enter");
      await expect.poll(() => cell.getAttribute("data-state")).toBe("done");
      expect((await tableText(cell))[1]).toEqual(["42"]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("cannot reach outside the page: reading a URL, loading an extension or unlocking the settings is refused", async () => {
    const {page, errors, requests} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      const refused = async (sql: string) => {
        const cell = await typeAndRun(page, sql);
        expect(await cell.getAttribute("data-state")).toBe("error");
        return (await cell.locator(".nb-error").textContent())!;
      };
      expect(await refused("SELECT * FROM read_csv('http://example.com/data.csv')")).toMatch(/disabled/);
      expect(await refused("LOAD httpfs")).toMatch(/disabled/);
      expect(await refused("SET enable_external_access = true")).toMatch(/locked/);
      expect(errors).toEqual([]);
      expect(requests.filter((r) => !isLocal(r, siteUrl))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("opens the starter notebook, saying why, from a link whose notebook cannot be read", async () => {
    const {page, errors} = await visit(browser, exploreUrl + "#nb=zAAAA");
    try {
      expect(await settled(page)).toHaveLength(3);
      expect(await page.locator(".nb-notice").textContent()).toContain("could not be opened");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("fits a phone's width: nothing wider than the screen but the tables, which scroll", async () => {
    const {page, errors} = await visit(browser, exploreUrl, {width: 390, height: 844});
    try {
      await settled(page);
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      for (const svg of await page.locator(".nb-figure svg").all()) expect((await svg.boundingBox())!.width).toBeLessThanOrEqual(390);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
