/**
 * A notebook as a document, and its two file forms.
 *
 * - `.rapport.json`: {"rapport": "notebook", "v": 2, "title": …, "cells":
 *   [{"kind": "sql" | "md", "source": …, "name"?: …, "chart"?: …}]}. The
 *   address (#nb=…, notebook-url.ts) holds the same JSON.
 * - A Framework Markdown page (`toPage`): a setup block that opens the
 *   published tables (notebook-catalogue.ts) and defines each named cell as a
 *   view, Markdown cells as prose, SQL cells as ```sql id=… display``` blocks,
 *   and each chart as a Plot cell. `fromPage` reads such a page (or any page's
 *   ```sql blocks and prose) back into cells.
 *
 * Pure: no DOM, no database; the page's charts are written from plans the
 * notebook made from each cell's result (notebook-chart.ts).
 *
 * Why a saved page opens its tables in a setup block rather than with
 * Framework's `sql:` front matter (checked against Framework 1.13.4's
 * dist/render.js and dist/client/stdlib/duckdb.js):
 * - front matter maps a table name to one file: render.js lines 65-70 write
 *   `registerTable(name, FileAttachment(path))` for each entry, and duckdb.js
 *   `insertFile` (lines 179-229) loads the whole file as the table. The
 *   published tables are not files: `activity` is the union of two loader
 *   files, every table renames the files' `by`/`group`/camelCase columns, and
 *   clv, service, voice and quality are arrays inside one JSON object each
 *   (notebook-docs.ts `from` and `select`). Registered from front matter, the
 *   page's database would hold the loader files' shapes, the notebook's SQL
 *   would not run on it, and the page would hold more than the published
 *   tables do;
 * - the lock-down has no place to go: the ```sql blocks call the default
 *   client as soon as its inserts are done (duckdb.js lines 28-34, `sql` →
 *   `getDefaultClient`), with no step between the last insert and the first
 *   query where `SET enable_external_access = false` and
 *   `SET lock_configuration = true` could run; and each file stays registered
 *   in DuckDB's file system under its name (registerFileURL, duckdb.js line
 *   185), readable by any query until the lock-down;
 * - of the formats, Arrow needs no extension (insertArrowFromIPCStream,
 *   line 212) and CSV is built in, but Parquet goes through parquet_scan
 *   (line 220), an extension observablehq.config.ts turns off (`duckdb:
 *   {extensions: {json: null, parquet: null}}`), and JSON through
 *   insertJSONFromPath, which reads a file as it is (an object holding
 *   several arrays is not a table).
 * What would make it possible: a data loader writing each published table as
 * its own Arrow file (reshaped in Node), registered by front matter, and the
 * page shadowing `sql` with one that awaits `getDefaultClient()` (exported by
 * duckdb.js), runs the lock-down once, then queries. Until then the setup
 * block (publishedDatabase, notebook-catalogue.ts) does both and defines
 * `sql` for the page's ```sql blocks.
 */
import type {ChartPlan} from "./notebook-chart.js";

/** A cell's chart: the quick chart picked from the result, one forced, or none. */
export type ChartChoice = "auto" | "line" | "bar" | "dot" | "none";
export const chartChoices: readonly ChartChoice[] = ["auto", "line", "bar", "dot", "none"];

export interface NotebookCell {
  kind: "sql" | "md";
  source: string;
  /** A SQL cell's name: later cells select from it (FROM name). */
  name?: string;
  chart?: ChartChoice;
}

export interface NotebookDoc {
  title?: string;
  cells: NotebookCell[];
}

/** A name later SQL can use unquoted: a letter, then letters, digits, underscores. */
export const cellNamePattern = /^[a-z][a-z0-9_]{0,62}$/;

/** Problems with a name, or undefined when it is fine. */
export function nameProblem(name: string, taken: ReadonlySet<string>): string | undefined {
  if (!cellNamePattern.test(name)) return "a name is lower-case letters, digits and _ , starting with a letter";
  if (taken.has(name)) return `${name} is already a table or another cell's name`;
  return undefined;
}

/** The notebook file's JSON. */
export function toJson(doc: NotebookDoc): string {
  const cells = doc.cells.map(({kind, source, name, chart}) => ({kind, source, ...(name ? {name} : {}), ...(chart && chart !== "auto" ? {chart} : {})}));
  return JSON.stringify({rapport: "notebook", v: 2, ...(doc.title ? {title: doc.title} : {}), cells}, null, 2) + "\n";
}

/** Reads a notebook's JSON (a file, or the address's v1 {cells: [sql…]}); an error says what is wrong. */
export function fromJson(text: string): {value: NotebookDoc} | {error: string} {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {error: `not JSON (${(error as Error).message})`};
  }
  const object = parsed as {cells?: unknown; title?: unknown};
  if (!object || typeof object !== "object" || !Array.isArray(object.cells)) return {error: "no cells in it"};
  const cells: NotebookCell[] = [];
  for (const [i, cell] of object.cells.entries()) {
    if (typeof cell === "string") {
      cells.push({kind: "sql", source: cell});
      continue;
    }
    const c = cell as Partial<NotebookCell>;
    if (!c || (c.kind !== "sql" && c.kind !== "md") || typeof c.source !== "string") return {error: `cell ${i + 1} is neither SQL nor Markdown with a source`};
    const out: NotebookCell = {kind: c.kind, source: c.source};
    if (c.kind === "sql" && typeof c.name === "string" && cellNamePattern.test(c.name)) out.name = c.name;
    if (c.kind === "sql" && chartChoices.includes(c.chart as ChartChoice)) out.chart = c.chart;
    cells.push(out);
  }
  return {value: {...(typeof object.title === "string" && object.title ? {title: object.title} : {}), cells}};
}

/** The tables a SQL text mentions, of those named (word match, outside quotes and comments). */
export function mentions(sql: string, names: Iterable<string>): string[] {
  const words = new Set(
    sql
      .replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, " ")
      .toLowerCase()
      .match(/"?[a-z_][a-z0-9_]*"?/g)
      ?.map((w) => w.replace(/"/g, "")) ?? []
  );
  return [...names].filter((n) => words.has(n.toLowerCase()));
}

/** A SQL text as one statement a view can hold: comments kept, trailing semicolons dropped. */
export function viewBody(sql: string): string {
  return sql.replace(/[\s;]+$/, "");
}

/** A page's file name from its title: lower-case words joined by dashes. */
export function pageSlug(title: string): string {
  return (
    title
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "notebook"
  );
}

export interface PageOptions {
  title: string;
  /** The published tables the notebook has (the setup opens those the cells use). */
  tables: readonly string[];
  /** The chart of each cell (by index), as drawn in the notebook; none when undefined. */
  charts: readonly (ChartPlan | null | undefined)[];
  /** The notebook component's folder, relative to the page: "./components". */
  components?: string;
}

const fence = (text: string) => (text.includes("```") ? text.replace(/```/g, "`\u200b``") : text);
const template = (text: string) => "`" + text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${") + "`";
const quote = (text: string) => JSON.stringify(text);

/** The id of a SQL cell in a page: its name, else cell_<n> (n counts from 1 over all cells). */
export function cellId(cell: NotebookCell, index: number): string {
  return cell.name ?? `cell_${index + 1}`;
}

/** The Framework Markdown page for a notebook. */
export function toPage(doc: NotebookDoc, {title, tables, charts, components = "./components"}: PageOptions): string {
  const sqlCells = doc.cells.filter((c) => c.kind === "sql" && c.source.trim());
  const used = tables.filter((t) => sqlCells.some((c) => mentions(c.source, [t]).length));
  const views = doc.cells.filter((c) => c.kind === "sql" && c.name && c.source.trim());
  const lines: string[] = [
    "---",
    `title: ${quote(title)}`,
    "toc: false",
    "# Saved from the Explore notebook: Open page there brings its cells back.",
    "notebook: true",
    "---",
    "",
    "```js",
    `import {publishedDatabase} from "${components}/notebook-catalogue.js";`,
    ...(charts.some(Boolean) ? [`import {numberTicks} from "${components}/notebook-chart.js";`] : []),
    "// The published tables these cells read (the same the Explore page offers), and the named cells as views.",
    `const db = await publishedDatabase(${JSON.stringify(used)}${views.length ? ", {" : ""}`,
    ...views.map((c, i) => `  ${c.name}: ${template(viewBody(c.source))}${i < views.length - 1 ? "," : ""}`),
    `${views.length ? "}" : ""});`,
    "const sql = db.sql;",
    "```",
    "",
    `# ${title}`,
    ""
  ];
  doc.cells.forEach((cell, i) => {
    if (!cell.source.trim()) return;
    if (cell.kind === "md") {
      lines.push(cell.source.trim(), "");
      return;
    }
    const id = cellId(cell, i);
    lines.push("```sql id=" + id + " display", fence(cell.source.trim()), "```", "");
    const plan = charts[i];
    if (plan) lines.push("```js", `// chart: ${plan.mark}`, plotCode(plan, id), "```", "");
  });
  return lines.join("\n");
}

/** A Plot cell drawing a plan from the rows of the SQL cell `id`, as the notebook's quick chart does. */
export function plotCode(plan: ChartPlan, id: string): string {
  const {x, y, series} = plan;
  const data = `${id}_chart`;
  const [qx, qy] = [quote(x), quote(y)];
  const rows = `const ${data} = Array.from(${id}).filter((d) => d[${qx}] != null && d[${qy}] != null)${plan.mark === "bar" ? `.slice(0, ${plan.shown ?? 40})` : ""};`;
  const aria = `ariaLabel: ${quote(`Chart: ${plan.description}`)}`;
  // Tick labels as the notebook writes them (numberTicks: compact from a million, so none is cut off).
  const ticks = (q: string) => `, tickFormat: numberTicks(${data}.map((d) => d[${q}]))`;
  switch (plan.mark) {
    case "line":
      return `${rows}
display(resize((width) => Plot.plot({
  width, height: 280, marginLeft: 60, ${aria},
  x: {type: ${quote(plan.xTime ? "utc" : "linear")}, label: ${qx}${plan.xTime ? "" : ticks(qx)}},
  y: {label: ${qy}, grid: true, zero: ${data}.every((d) => d[${qy}] >= 0)${ticks(qy)}},${series ? `\n  color: {legend: true, label: ${quote(series)}},` : ""}
  marks: [Plot.lineY(${data}, {x: ${qx}, y: ${qy}, ${series ? `stroke: ${quote(series)}, z: ${quote(series)}, ` : ""}sort: ${qx}, marker: ${data}.length <= 60 ? "dot" : undefined, tip: true})]
})));`;
    case "bar":
      return `${rows}
const ${id}_labels = [...new Set(${data}.map((d) => String(d[${qy}])))];
display(resize((width) => Plot.plot({
  width, height: 40 + 24 * ${id}_labels.length, marginRight: 20, ${aria},
  marginLeft: Math.min(Math.max(60, 7 * Math.max(...${id}_labels.map((l) => l.length)) + 10), Math.round(width / 3)),
  x: {label: ${qx}, grid: true${ticks(qx)}},
  y: {label: null, domain: ${id}_labels, tickFormat: (l) => (l.length > 24 ? l.slice(0, 23) + "…" : l)},
  marks: [Plot.barX(${data}, {y: (d) => String(d[${qy}]), x: ${qx}, fill: "var(--theme-foreground-focus)", tip: true}), Plot.ruleX([0])]
})));`;
    case "dot":
      return `${rows}
display(resize((width) => Plot.plot({
  width, height: 300, marginLeft: 60, ${aria},
  x: {label: ${qx}, grid: true${plan.xTime ? ', type: "utc"' : ticks(qx)}},
  y: {label: ${qy}, grid: true${ticks(qy)}},
  marks: [Plot.dot(${data}, {x: ${qx}, y: ${qy}, fill: "currentColor", fillOpacity: 0.6, r: 3, tip: true})]
})));`;
  }
}

/**
 * The cells of a Markdown page: ```sql blocks become SQL cells (an id that is
 * not cell_<n> becomes the cell's name; a `// chart: mark` line in the Plot
 * cell after it, its chart), prose between them Markdown cells. Front matter,
 * ```js blocks and the page's first heading (its title) are left out.
 */
export function fromPage(markdown: string): NotebookDoc {
  let text = markdown.replace(/\r\n?/g, "\n");
  let title: string | undefined;
  const front = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (front) {
    const t = /^title:\s*(.+)$/m.exec(front[1]);
    if (t) title = t[1].trim().replace(/^(["'])(.*)\1$/, (_, q: string, s: string) => (q === '"' ? (JSON.parse(`"${s}"`) as string) : s.replace(/''/g, "'")));
    text = text.slice(front[0].length);
  }
  const cells: NotebookCell[] = [];
  let prose: string[] = [];
  const flush = () => {
    const source = prose.join("\n").trim();
    if (source) cells.push({kind: "md", source});
    prose = [];
  };
  const lines = text.split("\n");
  let headingDropped = false;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*(\w+)?(.*)$/.exec(lines[i]);
    if (!open) {
      if (!headingDropped && title !== undefined && lines[i].trim() === `# ${title}`) {
        headingDropped = true;
        continue;
      }
      prose.push(lines[i]);
      continue;
    }
    const [, marks, lang = "", info] = open;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith(marks); i++) body.push(lines[i]);
    const source = body.join("\n").replace(/`\u200b``/g, "```");
    if (lang === "sql") {
      flush();
      const id = /\bid=([A-Za-z_$][\w$]*)/.exec(info)?.[1];
      const cell: NotebookCell = {kind: "sql", source};
      if (id && !/^cell_\d+$/.test(id) && cellNamePattern.test(id)) cell.name = id;
      cells.push(cell);
    } else if (lang === "js") {
      const chart = /^\/\/ chart: (line|bar|dot)\b/m.exec(source)?.[1] as ChartChoice | undefined;
      const last = cells.at(-1);
      if (chart && last?.kind === "sql" && prose.join("").trim() === "") last.chart = chart;
    } else prose.push(marks + lang + info, ...body, marks);
  }
  flush();
  return {...(title ? {title} : {}), cells};
}
