import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {fromJson, fromPage, mentions, nameProblem, pageSlug, toJson, toPage, viewBody, type NotebookDoc} from "../../reports/components/notebook-format.js";
import {publishedTables, tableSql} from "../../reports/components/notebook-docs.js";
import {numberTicks} from "../../reports/components/notebook-chart.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {listPages, otherPagesSection, pageInfo} from "../../src/cli/notebook-pages.js";
import {readPage, savePage} from "../../src/cli/notebook-save.js";

const doc: NotebookDoc = {
  title: "Channels: what's new",
  cells: [
    {kind: "md", source: "## Findings\n\nOrganic brings **most**."},
    {kind: "sql", name: "last_year", source: "SELECT group_name AS channel, sum(net_revenue) AS revenue\nFROM activity WHERE breakdown = 'channel'\nGROUP BY channel;\n"},
    {kind: "sql", chart: "none", source: "-- from the named cell; a backtick ` and ${x} stay text\nSELECT * FROM last_year ORDER BY revenue DESC"},
    {kind: "sql", source: "SELECT cohort, rate FROM retention WHERE breakdown = 'all'"}
  ]
};

describe("notebook files", () => {
  it("toJson(doc) and fromJson(text) round-trip cells, names and chart choices", () => {
    const read = fromJson(toJson(doc));
    expect(read).toEqual({value: doc});
  });

  it("fromJson(text) reads the address's first version (cells as SQL strings) and says what is wrong with bad files", () => {
    expect(fromJson(JSON.stringify({v: 1, cells: ["SELECT 1"]}))).toEqual({value: {cells: [{kind: "sql", source: "SELECT 1"}]}});
    expect(fromJson("{")).toMatchObject({error: expect.stringMatching(/^not JSON/)});
    expect(fromJson("{}")).toEqual({error: "no cells in it"});
    expect(fromJson(JSON.stringify({cells: [{kind: "python", source: "1"}]}))).toEqual({error: "cell 1 is neither SQL nor Markdown with a source"});
    // A name that would need quoting, or a chart that does not exist, is dropped rather than trusted.
    expect(fromJson(JSON.stringify({cells: [{kind: "sql", source: "x", name: "Drop Table", chart: "pie"}]}))).toEqual({value: {cells: [{kind: "sql", source: "x"}]}});
  });

  it("mentions(sql, names) finds table names as words, not in strings or comments", () => {
    expect(mentions("SELECT * FROM last_year -- not activity\nWHERE x = 'retention'", ["last_year", "activity", "retention"])).toEqual(["last_year"]);
    expect(mentions('SELECT * FROM "Activity"', ["activity"])).toEqual(["activity"]);
    expect(mentions("SELECT * FROM last_years", ["last_year"])).toEqual([]);
  });

  it("nameProblem, viewBody and pageSlug", () => {
    expect(nameProblem("top_segments", new Set(["activity"]))).toBeUndefined();
    expect(nameProblem("activity", new Set(["activity"]))).toMatch(/already/);
    expect(nameProblem("Top-segments", new Set())).toMatch(/lower-case/);
    expect(viewBody("SELECT 1;\n  ")).toBe("SELECT 1");
    expect(pageSlug("Channels: what's new — 2026")).toBe("channels-what-s-new-2026");
    expect(pageSlug("Économie")).toBe("economie");
    expect(pageSlug("!!!")).toBe("notebook");
  });
});

describe("toPage(doc) and fromPage(markdown)", () => {
  const charts = [undefined, {mark: "bar" as const, x: "revenue", y: "channel", description: "revenue by channel"}, null, {mark: "line" as const, x: "cohort", y: "rate", xTime: true, description: "rate by cohort"}];
  const page = toPage(doc, {title: doc.title!, tables: publishedTables.map((t) => t.name), charts});

  it("writes front matter, a setup opening only the tables used and the named cells as views, prose, sql blocks with ids, and a Plot cell per chart", () => {
    expect(page).toMatch(/^---\ntitle: "Channels: what's new"\ntoc: false\n/);
    expect(page).toContain("notebook: true");
    expect(page).toContain('const db = await publishedDatabase(["activity","retention"], {');
    expect(page).toContain("  last_year: `SELECT group_name AS channel, sum(net_revenue) AS revenue\nFROM activity WHERE breakdown = 'channel'\nGROUP BY channel`");
    expect(page).toContain("## Findings\n\nOrganic brings **most**.");
    expect(page).toContain("```sql id=last_year display\n");
    expect(page).toContain("```sql id=cell_3 display\n");
    expect(page).toContain("```sql id=cell_4 display\n");
    expect(page.match(/```js\n\/\/ chart: /g)).toHaveLength(2);
    expect(page).toContain('Plot.barX(last_year_chart, {y: (d) => String(d["channel"]), x: "revenue"');
    expect(page).toContain('x: {type: "utc", label: "cohort"}');
  });

  it("the Plot cells label large numbers compactly, as the notebook's charts do (numberTicks), and others as Plot does", () => {
    expect(page).toContain('import {numberTicks} from "./components/notebook-chart.js";');
    const blocks = [...page.matchAll(/```js\n([\s\S]*?)\n```/g)].map((m) => m[1]).filter((b) => b.startsWith("// chart"));
    // Run each cell with a Plot that hands back its options, on rows in the millions and on small ones.
    const stub = {plot: (o: unknown) => o, barX: () => "bar", ruleX: () => "rule", lineY: () => "line", dot: () => "dot"};
    const run = (block: string, rows: Record<string, unknown>[]) => {
      let options: Record<string, {tickFormat?: (n: number) => string}> = {};
      new Function("display", "resize", "Plot", "numberTicks", "last_year", "cell_4", block)(
        (o: typeof options) => (options = o),
        (f: (width: number) => unknown) => f(640),
        stub,
        numberTicks,
        rows,
        rows
      );
      return options;
    };
    const bars = run(blocks[0], [{channel: "organic", revenue: 15_250_000}, {channel: "paid", revenue: 2_000_000}]);
    expect(bars.x.tickFormat?.(15_000_000)).toBe("15M");
    expect(bars.x.tickFormat?.(2_500_000)).toBe("2.5M");
    expect(run(blocks[0], [{channel: "organic", revenue: 999_999}]).x.tickFormat).toBeUndefined();
    const line = run(blocks[1], [{cohort: new Date("2026-01-01"), rate: 1_234_000_000}]);
    expect(line.y.tickFormat?.(1_250_000_000)).toBe("1.25B");
    expect(line.x.tickFormat).toBeUndefined(); // a time axis keeps Plot's dates
    expect(run(blocks[1], [{cohort: new Date("2026-01-01"), rate: 0.25}]).y.tickFormat).toBeUndefined();
  });

  it("numberTicks(values): Plot's own labels below a million in absolute value, compact from there; non-numbers ignored", () => {
    expect(numberTicks([0, 12_345, -999_999, null, "a"])).toBeUndefined();
    expect(numberTicks([])).toBeUndefined();
    const format = numberTicks([3, -1_000_000])!;
    expect([0, 500_000, -1_000_000, 12_500_000, 2e9].map(format)).toEqual(["0", "500K", "-1M", "12.5M", "2B"]);
  });

  it("the Plot cells are valid JavaScript", () => {
    const blocks = [...page.matchAll(/```js\n([\s\S]*?)\n```/g)].map((m) => m[1]).filter((b) => b.startsWith("// chart"));
    for (const block of blocks) expect(() => new Function("display", "resize", "Plot", "last_year", "cell_4", block)).not.toThrow();
  });

  it("fromPage(toPage(doc)) gives the cells back: text, SQL (trailing semicolons trimmed), names, and the charts drawn", () => {
    const back = fromPage(page);
    expect(back.title).toBe(doc.title);
    expect(back.cells).toEqual([
      doc.cells[0],
      {kind: "sql", name: "last_year", chart: "bar", source: doc.cells[1].source.trim()},
      {kind: "sql", source: doc.cells[2].source},
      {kind: "sql", chart: "line", source: doc.cells[3].source}
    ]);
  });

  it("fromPage(markdown) reads a hand-written page's sql blocks and prose, leaving its js out", () => {
    const back = fromPage("---\ntitle: Retention\n---\n\n# Retention\n\nSome prose.\n\n```js\nconst x = 1;\n```\n\n```sql id=cohorts\nSELECT 1\n```\n\nMore prose.\n");
    expect(back).toEqual({title: "Retention", cells: [{kind: "md", source: "Some prose."}, {kind: "sql", name: "cohorts", source: "SELECT 1"}, {kind: "md", source: "More prose."}]});
  });
});

describe("published tables", () => {
  it("tableSql(table) casts every documented column to its documented type, and names need no quoting", () => {
    for (const table of publishedTables) {
      expect(table.name).toMatch(/^[a-z][a-z0-9_]*$/);
      const sql = tableSql(table);
      for (const c of table.columns) {
        expect(c.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(sql).toContain(`CAST(${c.name} AS ${c.type}) AS ${c.name}`);
        expect(c.about.length).toBeGreaterThan(5);
      }
    }
    // The one convention for totals: every grouped table has breakdown and group_name.
    const grouped = publishedTables.filter((t) => t.columns.some((c) => c.name === "breakdown"));
    expect(grouped.map((t) => t.name)).toEqual(["activity", "retention", "nps", "clv_groups", "clv_cohorts", "service_times"]);
    for (const t of grouped) expect(t.columns.map((c) => c.name)).toContain("group_name");
  });

  it("activity's incomplete is true for the month the data end inside, whatever the hour, and false for whole months (DuckDB in Node)", async () => {
    const activity = publishedTables.find((t) => t.name === "activity")!;
    const months = (latestRecord: string | null) =>
      withDuckDB(async (db) => {
        // The private tables as the notebook makes them: the two Arrow files' columns and freshness.json's one row.
        await db.run(`CREATE TABLE _channels AS SELECT * FROM (VALUES (TIMESTAMP '2026-09-01', 'All channels', 5, 4, 1, 10.0, false), (TIMESTAMP '2026-10-01', 'All channels', 5, 4, 1, 10.0, false),
          (TIMESTAMP '2026-11-01', 'All channels', 5, 4, 1, 10.0, false)) t(month, channel, orders, active_customers, new_customers, net_revenue, suppressed)`);
        await db.run(`CREATE TABLE _groups AS SELECT * FROM (VALUES (TIMESTAMP '2026-11-01', 'segment', 'smb', 5, 4, 1, 10.0, false)) t(month, "by", "group", orders, active_customers, new_customers, net_revenue, suppressed)`);
        await db.run(`CREATE TABLE _freshness AS SELECT ${latestRecord ? `TIMESTAMP '${latestRecord}'` : "NULL"} AS "latestRecord"`);
        return db.all<{month: Date; breakdown: string; incomplete: boolean | null}>(`SELECT month, breakdown, incomplete FROM (${tableSql(activity)}) ORDER BY month, breakdown`);
      });
    const shown = (rows: {month: Date; breakdown: string; incomplete: boolean | null}[]) => rows.map((r) => `${new Date(r.month).toISOString().slice(0, 7)} ${r.breakdown} ${r.incomplete}`);
    expect(shown(await months("2026-11-01 21:30:00"))).toEqual(["2026-09 all false", "2026-10 all false", "2026-11 all true", "2026-11 segment true"]);
    expect(shown(await months("2026-11-30 00:00:01"))).toEqual(["2026-09 all false", "2026-10 all false", "2026-11 all false", "2026-11 segment false"]);
    expect(shown(await months("2026-11-29 23:59:59"))).toEqual(["2026-09 all false", "2026-10 all false", "2026-11 all true", "2026-11 segment true"]);
    expect(shown(await months(null))).toEqual(["2026-09 all null", "2026-10 all null", "2026-11 all null", "2026-11 segment null"]);
  });
});

describe("the preview's page files", () => {
  let root: string;
  afterEach(() => rmSync(root, {recursive: true, force: true}));
  const setup = () => {
    root = mkdtempSync(join(tmpdir(), "rapport-pages-"));
    writeFileSync(join(root, "index.md"), "# Home");
    writeFileSync(join(root, "retention.md"), "---\ntitle: Retention\n---\n# Retention");
    return root;
  };

  it("savePage(root, input) writes a new page, asks before replacing a notebook page, and never replaces a hand-written one", () => {
    setup();
    const markdown = toPage(doc, {title: "Saved", tables: ["activity"], charts: []});
    expect(savePage(root, {name: "saved", markdown})).toEqual({status: 201, body: {path: "reports/saved.md"}});
    expect(readFileSync(join(root, "saved.md"), "utf-8")).toBe(markdown);
    expect(savePage(root, {name: "saved", markdown: "changed"})).toMatchObject({status: 200, body: {exists: true}});
    expect(readFileSync(join(root, "saved.md"), "utf-8")).toBe(markdown);
    expect(savePage(root, {name: "saved", markdown: markdown + "\nmore", overwrite: true}).status).toBe(201);
    expect(savePage(root, {name: "retention", markdown, overwrite: true})).toMatchObject({status: 403});
    expect(readFileSync(join(root, "retention.md"), "utf-8")).toContain("# Retention");
    for (const name of ["../escape", "Upper", "index", "", "a/b"]) expect(savePage(root, {name, markdown}).status).toBe(400);
    expect(savePage(root, {name: "empty", markdown: "  "}).status).toBe(400);
  });

  it("readPage, listPages and otherPagesSection list the pages with their titles; the config's own are left out of the section", () => {
    setup();
    savePage(root, {name: "saved", markdown: toPage(doc, {title: "Saved page", tables: [], charts: []})});
    expect(listPages(root)).toEqual([
      {name: "retention", title: "Retention", notebook: false},
      {name: "saved", title: "Saved page", notebook: true}
    ]);
    expect(otherPagesSection(root, ["/retention"])).toEqual([{name: "Notebook pages", open: true, pages: [{name: "Saved page", path: "/saved"}]}]);
    expect(otherPagesSection(root, ["/retention", "/saved"])).toEqual([]);
    expect(readPage(root, "retention")).toMatchObject({status: 200, body: {name: "retention"}});
    expect(readPage(root, "../etc/passwd").status).toBe(400);
    expect(readPage(root, "missing").status).toBe(404);
    expect(pageInfo('---\ntitle: "A \\"quoted\\" title"\n---', "x").title).toBe('A "quoted" title');
  });
});

describe("the README's table of published tables", () => {
  it("lists every published table and column with the type and meaning notebook-docs.ts gives", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf-8");
    for (const table of publishedTables.filter((t) => t.columns.length)) {
      expect(readme).toContain(`<code>${table.name}</code>: ${table.about}`);
      for (const c of table.columns) expect(readme, `${table.name}.${c.name}`).toContain(`| \`${c.name}\` | ${c.type} | ${c.about.replace(/\|/g, "\\|")} |`);
    }
  });
});
