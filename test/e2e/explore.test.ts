import {readFile} from "node:fs/promises";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {loadConfig} from "../../src/config.js";
import {publishedActivitySql} from "../../src/metrics/activity.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {launchChromium} from "../support/browser.js";
import {downloadCsv} from "../support/download.js";
import {acceptCompletion, completions, number, setSource, settled, source, sqlCells, tableText, typeAndRun} from "../support/notebook.js";
import {publishedTables} from "../../reports/components/notebook-docs.js";
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

const byChannel = `SELECT group_name AS channel, sum(net_revenue) AS revenue FROM activity WHERE breakdown = 'channel' GROUP BY channel ORDER BY channel`;
const byChannelInNode = `SELECT channel, sum(net_revenue) AS revenue FROM activity WHERE channel <> 'All channels' GROUP BY channel ORDER BY channel`;

describe("the Explore page", () => {
  it("opens with the starter notebook: text rendered, SQL cells run to tables and charts, a named cell used by a later one, every table listed with its documented columns; no console error, no request leaving 127.0.0.1", async () => {
    const [{months}] = await inNode<{months: number}>((a) => `SELECT count(*)::INTEGER AS months FROM ${a} WHERE channel = 'All channels'`);
    const [{rows}] = await inNode<{rows: number}>((a) => `SELECT count(*)::INTEGER AS "rows" FROM ${a}`);
    const channels = await inNode<{channel: string}>((a) => `SELECT DISTINCT channel FROM ${a} WHERE channel <> 'All channels' AND month > (SELECT max(month) FROM ${a}) - INTERVAL 12 MONTH`);
    const {page, errors, requests} = await visit(browser, exploreUrl);
    try {
      expect(await settled(page)).toEqual(["done", "done", "done", "done", "done"]);
      expect(page.url()).not.toContain("#"); // opening the starter is no edit
      // The text cell shows as text, its editor hidden.
      const text = page.locator("[data-cell][data-kind=md]").first();
      expect(await text.locator(".nb-markdown strong").textContent()).toBe("Revenue, month by month");
      expect(await text.locator(".cm-editor").isVisible()).toBe(false);
      const cells = sqlCells(page);
      const first = cells.first();
      expect(await source(first)).toContain("FROM activity");
      expect(await first.locator("[data-rows]").getAttribute("data-rows")).toBe(String(months));
      for (const cell of await cells.all()) {
        expect(await cell.locator(".nb-output table").count()).toBe(1);
        expect(await cell.locator(".nb-figure svg").count()).toBe(1);
        expect(await cell.evaluate((c) => c.classList.contains("nb-stale"))).toBe(false);
      }
      // The named cell (last_year) is a view the next cell reads: one row per channel, shares adding up to 100.
      expect(await cells.nth(1).locator(".nb-name").inputValue()).toBe("last_year");
      const [header, ...shares] = await tableText(cells.nth(2));
      expect(header).toEqual(["channel", "revenue_share_pct"]);
      expect(shares.map(([c]) => c).sort()).toEqual(channels.map((d) => d.channel).sort());
      expect(Math.abs(shares.reduce((s, [, p]) => s + number(p), 0) - 100)).toBeLessThan(0.5);
      expect(await page.locator(".nb-figure svg g[aria-label='line'] path").count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator(".nb-figure svg g[aria-label='bar'] rect").count()).toBeGreaterThan(1);
      const activity = page.locator(".nb-table[data-table=activity]");
      expect(await activity.locator(".nb-table-size").textContent()).toMatch(/ rows · 9 columns$/);
      await activity.locator("summary").click();
      expect(await activity.locator("dt").allTextContents()).toContain("net_revenue DOUBLE");
      expect(await activity.locator("dd").first().textContent()).toContain("The calendar month");
      expect(await page.locator(".nb-table[data-table=last_year] .nb-table-size").textContent()).toBe("named cell · 3 columns");
      expect(await first.locator(".nb-status").textContent()).toMatch(/^\d+ rows · \d+(\.\d+)? m?s/);

      // A table's button adds a cell that queries it; a column's button types its name where the caret is.
      await activity.locator(".nb-query-table").click();
      const added = cells.nth(4);
      await expect.poll(() => added.getAttribute("data-state")).toBe("done");
      expect(await source(added)).toBe("SELECT *\nFROM activity\nLIMIT 100");
      expect(await added.locator("[data-rows]").getAttribute("data-rows")).toBe(String(Math.min(100, rows)));
      await setSource(added, "SELECT  FROM activity");
      await added.locator(".cm-content").press("Home");
      for (let i = 0; i < 7; i++) await added.locator(".cm-content").press("ArrowRight");
      await activity.locator(".nb-column", {hasText: /^net_revenue$/}).click();
      expect(await source(added)).toBe("SELECT net_revenue FROM activity");
      expect(errors).toEqual([]);
      expect(requests.filter((r) => !isLocal(r, siteUrl))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("fetches only the files of the tables the notebook's queries name, and makes another table when a query first names it", async () => {
    const {page, errors, requests} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      const files = () => requests.filter((r) => new URL(r).pathname.includes("/_file/data/")).map((r) => new URL(r).pathname.split("/").pop()!.replace(/\.[0-9a-f]{8}\./, "."));
      // The starter reads activity (two files) and retention; freshness.json and the starter's text (rendered when the site
      // was built) are the page's own. So the page fetches no Markdown renderer until the reader writes text.
      expect([...new Set(files())].sort()).toEqual(["activity-groups.arrow", "freshness.json", "monthly-activity.arrow", "notebook-starter.json", "retention.arrow"]);
      const modules = () => requests.map((r) => new URL(r).pathname).filter((p) => p.startsWith("/_npm/"));
      expect(modules().filter((p) => /markdown-it|\/entities@/.test(p))).toEqual([]);
      // The editors wait for no chart library: the page preloads neither d3 (33 modules; the CSV button's d3-dsv is 1 kB) nor Plot, which come with the first chart.
      const html = await readFile(`${inject("distDir")}/explore.html`, "utf-8");
      const preloaded = [...html.matchAll(/rel="modulepreload" href="([^"]+)"/g)].map(([, href]) => href);
      expect(preloaded.some((href) => href.includes("/_npm/@codemirror/view@"))).toBe(true);
      expect(preloaded.filter((href) => /\/_npm\/(d3@|d3-(?!dsv@)|@observablehq\/plot|markdown-it)/.test(href))).toEqual([]);
      expect(await page.locator(".nb-table[data-table=nps] .nb-table-size").textContent()).toMatch(/^read when a query uses it · \d+ columns$/);
      const cell = await typeAndRun(page, "SELECT count(*)::INTEGER AS n FROM nps");
      expect(await cell.getAttribute("data-state")).toBe("done");
      expect(files()).toContain("nps.json");
      expect(files()).not.toContain("clv.json");
      // Text of the reader's own is rendered in the browser, with markdown-it fetched then.
      await page.locator("[data-action=add-md]").click();
      const text = page.locator("[data-cell][data-kind=md]").last();
      await text.locator(".cm-content").fill("Only *this* **text**");
      await text.locator(".cm-content").press("Control+Enter");
      await expect.poll(() => text.locator(".nb-markdown").innerHTML()).toBe("<p>Only <em>this</em> <strong>text</strong></p>\n");
      expect(modules().some((p) => p.includes("/markdown-it@"))).toBe(true);
      await expect.poll(() => page.locator(".nb-table[data-table=nps] .nb-table-size").textContent()).toMatch(/^[\d,]+ rows · \d+ columns$/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("documents every published table: the schema panel lists exactly the documented columns with their types and meanings, and no name needs quoting", async () => {
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      // Tables are made when a query names one (anywhere in it, even as a column's alias): name them all, so the
      // panel lists what DuckDB holds, not only the docs. A table whose file has no rows in this build says so instead.
      const all = await typeAndRun(page, `SELECT ${publishedTables.map((t) => `1 AS ${t.name}`).join(", ")}`);
      expect(await all.getAttribute("data-state"), (await all.locator(".nb-output").textContent()) ?? "").toBe("done");
      await expect.poll(() => page.locator(".nb-table-size").allTextContents()).not.toContainEqual(expect.stringMatching(/read when a query uses it/));
      const shown = await page.locator(".nb-table").evaluateAll((tables) =>
        tables.map((t) => ({name: (t as HTMLElement).dataset.table!, columns: [...t.querySelectorAll("dt")].map((dt) => dt.textContent!.trim().split(/\s+/)), about: t.querySelectorAll("dd").length}))
      );
      const empty = await page.locator("p[data-table]").evaluateAll((ps) => ps.map((p) => (p as HTMLElement).dataset.table!));
      expect(shown.length).toBeGreaterThanOrEqual(10);
      for (const table of publishedTables.filter((t) => t.columns.length)) {
        if (empty.includes(table.name)) continue;
        const found = shown.find((s) => s.name === table.name);
        expect(found, table.name).toBeDefined();
        expect(found!.columns, table.name).toEqual(table.columns.map((c) => [c.name, c.type]));
        expect(found!.about, table.name).toBe(table.columns.length);
        for (const c of table.columns) expect(c.name, `${table.name}.${c.name}`).toMatch(/^[a-z][a-z0-9_]*$/);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("one convention for totals: breakdown = 'all' in activity gives the published All-channels rows as DuckDB in Node computes them, and retention, NPS, service and CLV mark their totals the same way", async () => {
    const totals = await inNode<{month: Date; net_revenue: number; active_customers: number}>((a) => `SELECT month, net_revenue, active_customers FROM ${a} WHERE channel = 'All channels' ORDER BY month`);
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      const cell = await typeAndRun(page, "SELECT month, net_revenue, active_customers FROM activity WHERE breakdown = 'all' AND group_name = 'all' ORDER BY month");
      const csv = await downloadCsv(page, cell.locator("button[data-download]"));
      expect(csv.header).toEqual(["month", "net_revenue", "active_customers"]);
      expect(csv.rows.map((r) => r.month.slice(0, 10))).toEqual(totals.map((d) => new Date(d.month).toISOString().slice(0, 10)));
      csv.rows.forEach((r, i) => {
        expect(Number(r.net_revenue)).toBeCloseTo(totals[i].net_revenue, 6);
        expect(Number(r.active_customers)).toBe(totals[i].active_customers);
      });
      // Retention, NPS and the rest follow the same convention.
      const kinds = await typeAndRun(page, "SELECT count(DISTINCT breakdown) FILTER (WHERE breakdown = 'all') AS a, count(*) FILTER (WHERE breakdown = 'all' AND group_name <> 'all') AS b FROM (SELECT breakdown, group_name FROM retention UNION ALL SELECT breakdown, group_name FROM nps UNION ALL SELECT breakdown, group_name FROM service_times UNION ALL SELECT breakdown, group_name FROM clv_groups)");
      expect((await tableText(kinds))[1]).toEqual(["1", "0"]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("completes as an editor does: SEL offers SELECT, a table's name and a dot its columns with their meaning; Tab indents; Shift+Enter runs and moves to the next cell", async () => {
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      await page.locator("[data-action=add]").first().click();
      const cell = page.locator("[data-cell]").nth((await page.locator("[data-cell]").count()) - 1);
      const editor = cell.locator(".cm-content");
      await editor.click();
      await page.keyboard.type("SEL");
      expect(await completions(page)).toContain("SELECT");
      await acceptCompletion(page);
      await page.keyboard.type(" activity.");
      const columns = await completions(page);
      expect(columns).toEqual(expect.arrayContaining(["month", "breakdown", "group_name", "net_revenue", "active_customers"]));
      await page.locator(".cm-tooltip-autocomplete li", {hasText: "net_revenue"}).first().click();
      await expect.poll(() => page.locator(".cm-completionInfo").textContent().catch(() => "")).toMatch(/refunds|^$/);
      expect(await source(cell)).toBe("SELECT activity.net_revenue");
      await page.keyboard.press("Enter");
      await page.keyboard.press("Tab");
      await page.keyboard.type("FROM activity WHERE breakdown = 'all'");
      await page.keyboard.press("Escape");
      expect(await source(cell)).toBe("SELECT activity.net_revenue\n  FROM activity WHERE breakdown = 'all'");
      const before = await page.locator("[data-cell]").count();
      await page.keyboard.press("Shift+Enter");
      await expect.poll(() => cell.getAttribute("data-state")).toBe("done");
      expect(await page.locator("[data-cell]").count()).toBe(before + 1);
      expect(await page.evaluate(() => document.activeElement?.closest("[data-cell]") === [...document.querySelectorAll("[data-cell]")].at(-1))).toBe(true);
      expect(Number(await cell.locator("[data-rows]").getAttribute("data-rows"))).toBeGreaterThan(12);
      // Long lines wrap rather than run off the cell.
      await setSource(cell, "SELECT " + Array.from({length: 40}, (_, i) => `${i} AS c${i}`).join(", "));
      const box = (await cell.locator(".cm-editor").boundingBox())!;
      const scroller = await cell.locator(".cm-scroller").evaluate((e) => [e.scrollWidth, e.clientWidth]);
      expect(scroller[0]).toBeLessThanOrEqual(scroller[1] + 1);
      expect(box.height).toBeGreaterThan(40);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a text cell renders its Markdown in place; a named cell's change runs the cells that use it again", async () => {
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      await page.locator("[data-action=add-md]").first().click();
      const text = page.locator("[data-cell]").nth((await page.locator("[data-cell]").count()) - 1);
      await page.keyboard.insertText("## Findings\n\nOrganic brings **most** revenue.");
      await page.keyboard.press("Shift+Enter");
      expect(await text.locator(".nb-markdown h2").textContent()).toBe("Findings");
      expect(await text.locator(".nb-markdown strong").textContent()).toBe("most");
      expect(await text.locator(".cm-editor").isVisible()).toBe(false);

      const named = sqlCells(page).nth(1);
      const user = sqlCells(page).nth(2);
      expect(await user.locator("[data-rows]").getAttribute("data-rows")).not.toBe("2");
      await setSource(named, (await source(named)) + "\nLIMIT 2");
      await named.locator(".cm-content").press("Control+Enter");
      await expect.poll(() => user.locator("[data-rows]").getAttribute("data-rows"), {timeout: 20_000}).toBe("2");
      expect(await user.getAttribute("data-state")).toBe("done");
      // Renaming it drops the old view: the cell that used it now says so.
      await named.locator(".nb-name").fill("top_two");
      await named.locator(".cm-content").press("Control+Enter");
      await expect.poll(() => named.getAttribute("data-state")).toBe("done");
      await user.locator("[data-action=run]").click();
      await expect.poll(() => user.getAttribute("data-state")).toBe("error");
      expect(await user.locator(".nb-error").textContent()).toMatch(/last_year does not exist/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("runs a typed query to a table equal to the same SQL run in Node, with a bar chart with tooltips and a CSV download", async () => {
    const expected = await inNode<{channel: string; revenue: number | null}>((a) => byChannelInNode.replace("FROM activity", `FROM ${a}`));
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
      expect(csv.filename).toBe("explore-cell-5.csv");
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

  it("adds, moves and removes cells, keeps them (names and chart choices too) in the address, and a reload from it restores the cells and their results", async () => {
    const sql = `SELECT group_name AS channel, count(*)::INTEGER AS months FROM activity WHERE breakdown = 'channel' GROUP BY channel ORDER BY channel`;
    const expected = await inNode<{channel: string; months: number}>((a) => `SELECT channel, count(*)::INTEGER AS months FROM ${a} WHERE channel <> 'All channels' GROUP BY channel ORDER BY channel`);
    const {page, errors} = await visit(browser, exploreUrl);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], {origin: siteUrl});
    try {
      await settled(page);
      const cells = page.locator("[data-cell]");
      await page.locator("[data-action=add]").first().click();
      expect(await cells.count()).toBe(6);
      await setSource(cells.nth(5), sql);
      // Shift+Enter runs the last cell and opens a new one below, focused.
      await cells.nth(5).locator(".cm-content").press("Shift+Enter");
      expect(await cells.count()).toBe(7);
      expect(await page.evaluate(() => document.activeElement?.closest("[data-cell]") === [...document.querySelectorAll("[data-cell]")].at(-1))).toBe(true);
      await cells.nth(6).locator("[data-action=remove]").click();
      await cells.nth(4).locator("[data-action=remove]").click(); // the retention cell
      await cells.nth(4).locator("[data-action=up]").click(); // the new cell moves above the one that reads last_year
      expect(await cells.count()).toBe(5);
      await cells.nth(3).locator(".nb-chart-choice").selectOption("none");
      expect(await cells.nth(3).locator(".nb-figure").count()).toBe(0);
      const sources = await Promise.all((await cells.all()).map(source));
      expect(sources[3]).toBe(sql);
      expect(await sqlCells(page).locator(".nb-cell-label").allTextContents()).toEqual(["Cell 1", "Cell 2", "Cell 3", "Cell 4"]);
      await expect.poll(() => cells.nth(3).getAttribute("data-state")).toBe("done");

      await page.locator("[data-action=copy-link]").click();
      await expect.poll(() => page.locator(".nb-file-status").textContent()).toContain("Link copied");
      const link = page.url();
      expect(link).toMatch(/#nb=[zj][A-Za-z0-9_-]+$/);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

      const reopened = await visit(browser, link);
      try {
        expect(await settled(reopened.page)).toEqual(["done", "done", "done", "done", "done"]);
        const again = reopened.page.locator("[data-cell]");
        expect(await Promise.all((await again.all()).map(source))).toEqual(sources);
        expect(await again.nth(2).locator(".nb-name").inputValue()).toBe("last_year");
        expect(await again.nth(3).locator(".nb-chart-choice").inputValue()).toBe("none");
        expect(await again.nth(3).locator(".nb-figure").count()).toBe(0);
        const [header, ...body] = await tableText(again.nth(3));
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

  it("saves the notebook to a .rapport.json file and opens it again, cells, names and charts and all", async () => {
    const {page, errors} = await visit(browser, exploreUrl);
    try {
      await settled(page);
      await sqlCells(page).nth(0).locator(".nb-chart-choice").selectOption("dot");
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-action=save-file]").click()]);
      expect(download.suggestedFilename()).toBe("notebook.rapport.json");
      const file = JSON.parse(await readFile(await download.path(), "utf8"));
      expect(file).toMatchObject({rapport: "notebook", v: 2});
      expect(file.cells.map((c: {kind: string}) => c.kind)).toEqual(["md", "sql", "sql", "sql", "sql"]);
      expect(file.cells[1].chart).toBe("dot");
      expect(file.cells[2].name).toBe("last_year");

      const other = await visit(browser, exploreUrl);
      try {
        await settled(other.page);
        await other.page.locator("[data-action=remove]").first().click();
        await other.page.locator("[data-action=open-page]").click();
        const [chooser] = await Promise.all([other.page.waitForEvent("filechooser"), other.page.locator("[data-action=open-file]").click()]);
        await chooser.setFiles(await download.path());
        // The four cells left before opening are done already: wait for the file's five before settling.
        await other.page.waitForFunction(() => document.querySelectorAll("[data-cell]").length === 5, undefined, {timeout: 30_000});
        expect(await settled(other.page)).toHaveLength(5);
        const cells = other.page.locator("[data-cell]");
        expect(await Promise.all((await cells.all()).map(source))).toEqual(file.cells.map((c: {source: string}) => c.source));
        expect(await cells.nth(1).locator(".nb-chart-choice").inputValue()).toBe("dot");
        expect(await cells.nth(1).locator(".nb-figure svg g[aria-label='dot']").count()).toBe(1);
        expect(other.errors).toEqual([]);
      } finally {
        await other.page.close();
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
      expect(await page.locator("[data-cell][data-state=done]").count()).toBe(5);
      // Fixing the SQL and running again replaces the message with the result.
      await setSource(cell, "SELECT count(*)::INTEGER AS n FROM activity");
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
      await setSource(cell, "SELECT sum(range % 7) AS s FROM range(20000000000)");
      await cell.locator("[data-action=run]").click();
      await expect.poll(() => cell.getAttribute("data-state")).toBe("running");
      expect(await cell.locator("[data-action=run]").textContent()).toBe("■ Stop");
      await cell.locator("[data-action=run]").click();
      await expect.poll(() => cell.getAttribute("data-state"), {timeout: 20_000}).toBe("error");
      expect(await cell.locator(".nb-error").textContent()).toBe("Stopped before the query finished.");
      await setSource(cell, "SELECT 41 + 1 AS answer");
      await cell.locator(".cm-content").press("Control+Enter");
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
      expect(await settled(page)).toHaveLength(5);
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
