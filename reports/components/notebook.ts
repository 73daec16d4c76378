/**
 * The Explore page's SQL notebook over the published tables in DuckDB-wasm.
 *
 * Cells of SQL, each run on its own (Ctrl/Cmd+Enter; Shift+Enter runs and
 * moves on) or all in order; a result shows as a table with its row count,
 * the time taken, a CSV download and a quick chart picked from its column
 * kinds (notebook-chart.ts). Results keep at most `cap` rows and say so.
 * A table list shows every table's columns, types and rows; a click adds a
 * query. The cells' SQL lives in the address (notebook-url.ts), written with
 * history.replaceState on every edit, so a link reopens the same notebook.
 *
 * The notebook runs whatever SQL it is given, from the reader or from a link,
 * so `lockDown` first stops DuckDB reaching anything outside the page: no
 * extension downloads, no reading files or URLs, and no SET to undo that.
 */
import * as Inputs from "npm:@observablehq/inputs";
import {html} from "npm:htl";
import {downloadButton} from "./ui.js";
import {drawChart, planChart} from "./notebook-chart.js";
import type {CatalogueEntry} from "./notebook-tables.js";
import {errorMessage, runSql, type Client, type Result, type Run} from "./notebook-run.js";
import {decodeNotebook, encodeNotebook} from "./notebook-url.js";

/** The database once its tables are loaded and it is locked down, and the tables' list. */
export interface Database {
  client: Client;
  /** The published tables, in the order the table list shows them. */
  catalogue: readonly CatalogueEntry[];
}

export interface NotebookOptions {
  /** The cells of a notebook opened without one in its address. */
  starter: readonly string[];
  /** The most rows a result keeps. */
  cap?: number;
}

interface Cell {
  root: HTMLElement;
  editor: HTMLTextAreaElement;
  status: HTMLElement;
  output: HTMLElement;
  runButton: HTMLButtonElement;
  run?: Run;
  /** The SQL of the result on show, to mark the result stale once the SQL changes. */
  ranSql?: string;
}

const settings = [
  "SET autoinstall_known_extensions = false",
  "SET autoload_known_extensions = false",
  "SET allow_community_extensions = false",
  "SET enable_external_access = false",
  "SET lock_configuration = true"
];

/** Stops the database reaching outside the page (extensions, files, URLs) and locks its settings. */
export async function lockDown(client: Client): Promise<void> {
  for (const sql of settings) await runSql(client, sql).result;
}

const count = new Intl.NumberFormat("en-US");

function elapsed(ms: number): string {
  return ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function isoDate(d: Date): string {
  const text = d.toISOString();
  return text.endsWith("T00:00:00.000Z") ? text.slice(0, 10) : text.replace(".000Z", "Z");
}

function identifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Redraws a chart whenever its container's width changes. */
function responsive(draw: (width: number) => Element): HTMLElement {
  const box = html`<div class="nb-chart"></div>` as HTMLElement;
  let last = 0;
  const observer = new ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width > 0 && width !== last) box.replaceChildren(draw((last = width)));
  });
  observer.observe(box);
  return box;
}

/**
 * The notebook, shown at once: cells can be edited while the database starts,
 * and run when it is ready (Framework's loading spinner shows meanwhile).
 */
export function notebook(database: Promise<Database>, {starter, cap = 10_000}: NotebookOptions): HTMLElement {
  const cells: Cell[] = [];
  let focused: Cell | undefined;
  let client: Client;
  let catalogue: readonly CatalogueEntry[] = [];
  // Runs go one at a time, after the database is ready; a database that fails to start is reported once, below.
  let queue: Promise<unknown> = database.then((db) => ({client, catalogue} = db)).catch(() => {});
  // One thing at a time: DuckDB-wasm runs queries one after another anyway, and each cell's time is then its own.
  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const done = queue.then(task);
    queue = done.catch(() => {});
    return done;
  }
  let serial = 0;

  const list = html`<div class="nb-table-list" aria-live="polite"><p class="nb-muted"><observablehq-loading></observablehq-loading> Reading the tables…</p></div>` as HTMLElement;
  const cellsBox = html`<div class="nb-cells"></div>` as HTMLElement;
  const notice = html`<p class="nb-notice" role="status" hidden></p>` as HTMLElement;
  const linkStatus = html`<span class="nb-muted" role="status"></span>` as HTMLElement;

  const root = html`<div class="nb">
    <aside class="nb-tables" aria-label="Tables">
      <h2>Tables</h2>
      <p class="nb-muted">Click a table to query it; click a column to type its name into the cell you were editing.</p>
      ${list}
    </aside>
    <div class="nb-main">
      <div class="nb-toolbar">
        <button type="button" data-action="run-all" onclick=${() => runAll()}>▶ Run all</button>
        <button type="button" data-action="add" onclick=${() => addCell("", {focus: true})}>+ Add cell</button>
        <button type="button" data-action="copy-link" onclick=${() => copyLink()}>Copy link</button>
        ${linkStatus}
      </div>
      ${notice}
      ${cellsBox}
      <button type="button" class="nb-add-bottom" onclick=${() => addCell("", {focus: true})}>+ Add cell</button>
    </div>
  </div>` as HTMLElement;

  // ---- the address ------------------------------------------------------

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  async function saveNow() {
    clearTimeout(saveTimer);
    const mine = ++serial;
    const hash = await encodeNotebook({cells: cells.map((c) => c.editor.value)});
    if (mine === serial) history.replaceState(history.state, "", `${location.pathname}${location.search}${hash}`);
  }
  function save() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void saveNow(), 300);
  }

  async function copyLink() {
    await saveNow();
    try {
      await navigator.clipboard.writeText(location.href);
      linkStatus.textContent = "Link copied: it opens this notebook, cells and all.";
    } catch {
      linkStatus.textContent = "Copy the address from the address bar: it holds this notebook.";
    }
  }

  // ---- cells ------------------------------------------------------------

  function renumber() {
    cells.forEach((cell, i) => {
      cell.root.querySelector(".nb-cell-label")!.textContent = `Cell ${i + 1}`;
      cell.editor.setAttribute("aria-label", `SQL of cell ${i + 1}`);
      (cell.root.querySelector("[data-action=up]") as HTMLButtonElement).disabled = i === 0;
      (cell.root.querySelector("[data-action=down]") as HTMLButtonElement).disabled = i === cells.length - 1;
    });
  }

  function fit(editor: HTMLTextAreaElement) {
    // No wrapping (SQL reads by its lines), so the lines are the rows; one more for a scroll bar.
    editor.rows = Math.min(24, Math.max(3, editor.value.split("\n").length + 1));
  }

  function addCell(sql: string, {after, focus = false}: {after?: Cell; focus?: boolean} = {}): Cell {
    const editor = html`<textarea class="nb-sql" wrap="off" spellcheck="false" autocapitalize="off" autocomplete="off" placeholder="SELECT … FROM activity"></textarea>` as HTMLTextAreaElement;
    editor.value = sql;
    fit(editor);
    const runButton = html`<button type="button" data-action="run" title="Run (Ctrl+Enter or ⌘+Enter)">▶ Run</button>` as HTMLButtonElement;
    const status = html`<div class="nb-status" role="status"></div>` as HTMLElement;
    const output = html`<div class="nb-output"></div>` as HTMLElement;
    const root = html`<section class="nb-cell" data-cell data-state="new">
      <div class="nb-cell-head">
        <span class="nb-cell-label"></span>
        <span class="nb-cell-buttons">
          ${runButton}
          <button type="button" data-action="up" aria-label="Move cell up" title="Move up">↑</button>
          <button type="button" data-action="down" aria-label="Move cell down" title="Move down">↓</button>
          <button type="button" data-action="remove" aria-label="Remove cell" title="Remove">✕</button>
        </span>
      </div>
      ${editor}${status}${output}
    </section>` as HTMLElement;
    const cell: Cell = {root, editor, status, output, runButton};
    runButton.onclick = () => (cell.run ? cell.run.stop() : void runCell(cell));
    (root.querySelector("[data-action=up]") as HTMLElement).onclick = () => move(cell, -1);
    (root.querySelector("[data-action=down]") as HTMLElement).onclick = () => move(cell, +1);
    (root.querySelector("[data-action=remove]") as HTMLElement).onclick = () => removeCell(cell);
    editor.addEventListener("focus", () => (focused = cell));
    editor.addEventListener("input", () => {
      fit(editor);
      root.classList.toggle("nb-stale", cell.ranSql !== undefined && cell.ranSql !== editor.value);
      save();
    });
    editor.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        void runCell(cell);
      } else if (event.shiftKey) {
        event.preventDefault();
        void runCell(cell);
        const next = cells[cells.indexOf(cell) + 1] ?? addCell("", {after: cell});
        next.editor.focus();
      }
    });
    const index = after ? cells.indexOf(after) + 1 : cells.length;
    cells.splice(index, 0, cell);
    cellsBox.insertBefore(root, cells[index + 1]?.root ?? null);
    renumber();
    if (focus) {
      editor.focus();
      root.scrollIntoView({block: "nearest"});
    }
    save();
    return cell;
  }

  function removeCell(cell: Cell) {
    cell.run?.stop();
    const i = cells.indexOf(cell);
    cells.splice(i, 1);
    cell.root.remove();
    if (focused === cell) focused = undefined;
    renumber();
    (cells[i] ?? cells[i - 1])?.editor.focus();
    save();
  }

  function move(cell: Cell, by: number) {
    const i = cells.indexOf(cell);
    const j = i + by;
    if (j < 0 || j >= cells.length) return;
    cells.splice(i, 1);
    cells.splice(j, 0, cell);
    cellsBox.insertBefore(cell.root, cells[j + 1]?.root ?? null);
    renumber();
    (cell.root.querySelector(`[data-action=${by < 0 ? "up" : "down"}]`) as HTMLButtonElement).focus();
    save();
  }

  // ---- running ----------------------------------------------------------

  /** Runs a cell; `remember` writes the notebook to the address (not when a notebook is just being opened). */
  function runCell(cell: Cell, {remember = true} = {}): Promise<unknown> {
    const sql = cell.editor.value;
    if (remember) save();
    if (sql.trim()) {
      cell.root.dataset.state = "queued";
      cell.status.replaceChildren(html`<observablehq-loading></observablehq-loading> Waiting to run…`);
    }
    return enqueue(async () => {
      if (!cell.root.isConnected || !client) return;
      if (!sql.trim()) {
        cell.root.dataset.state = "new";
        cell.status.textContent = "Type a query, then Run.";
        cell.output.replaceChildren();
        return;
      }
      cell.root.dataset.state = "running";
      cell.root.classList.remove("nb-stale");
      cell.status.replaceChildren(html`<observablehq-loading></observablehq-loading> Running…`);
      cell.runButton.textContent = "■ Stop";
      cell.run = runSql(client, sql, {cap});
      try {
        show(cell, await cell.run.result);
        cell.root.dataset.state = "done";
        if (/\b(create|drop|alter|insert|update|delete)\b/i.test(sql)) void enqueue(describeTables);
      } catch (error) {
        cell.root.dataset.state = "error";
        cell.status.textContent = "";
        cell.output.replaceChildren(html`<pre class="nb-error" role="alert">${errorMessage(error)}</pre>`);
      } finally {
        cell.ranSql = sql;
        cell.run = undefined;
        cell.runButton.textContent = "▶ Run";
      }
    });
  }

  function runAll({remember = true} = {}) {
    return Promise.all(cells.map((cell) => runCell(cell, {remember})));
  }

  function show(cell: Cell, {columns, rows, capped, ms}: Result) {
    const n = cells.indexOf(cell) + 1;
    cell.status.replaceChildren(
      html`<span data-rows=${rows.length}>${capped ? `First ${count.format(rows.length)} rows` : `${count.format(rows.length)} ${rows.length === 1 ? "row" : "rows"}`}</span>`,
      html`<span class="nb-muted"> · ${elapsed(ms)}</span>`,
      columns.length ? downloadButton(rows, `explore-cell-${n}`) : ""
    );
    const parts: Node[] = [];
    if (capped) parts.push(html`<p class="nb-capped">The query returned more than ${count.format(cap)} rows; only the first ${count.format(cap)} are shown and downloaded. Add a LIMIT or a GROUP BY to see the rest in summary.</p>`);
    const plan = planChart(columns, rows);
    if (plan) {
      try {
        drawChart(plan, rows, {width: 400}); // fails here, not in the observer, when the data cannot be drawn
        parts.push(html`<figure class="nb-figure">${responsive((width) => drawChart(plan, rows, {width}))}<figcaption class="nb-muted">Quick chart: ${plan.description}.</figcaption></figure>`);
      } catch {
        // no chart for data Plot cannot draw; the table still shows it
      }
    }
    if (columns.length) {
      const format = Object.fromEntries(columns.filter((c) => c.kind === "time").map((c) => [c.name, (d: Date | null) => (d ? isoDate(d) : "")]));
      parts.push(Inputs.table(rows, {columns: columns.map((c) => c.name), format, select: false, layout: "auto", rows: 12.5}));
    }
    cell.output.replaceChildren(...parts);
  }

  // ---- the table list ---------------------------------------------------

  async function describeTables() {
    if (!client) return;
    try {
      const {rows: info} = await runSql(client, `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`).result;
      const names = [...new Set(info.map((d) => d.table_name as string))];
      const counts = names.length
        ? (await runSql(client, names.map((t) => `SELECT '${t.replace(/'/g, "''")}' AS t, count(*)::DOUBLE AS n FROM ${identifier(t)}`).join(" UNION ALL ")).result).rows
        : [];
      const order = catalogue.map((c) => c.name);
      const sorted = [...names].sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9) || a.localeCompare(b));
      const entries = sorted.map((name) => {
        const columns = info.filter((d) => d.table_name === name);
        const rows = counts.find((d) => d.t === name)?.n as number;
        const about = catalogue.find((c) => c.name === name)?.about;
        return html`<details class="nb-table" data-table=${name}>
          <summary><span class="nb-table-name">${name}</span><span class="nb-muted nb-table-size">${count.format(rows)} rows · ${columns.length} columns</span></summary>
          ${about ? html`<p class="nb-muted nb-about">${about}</p>` : ""}
          <button type="button" class="nb-query-table" onclick=${() => void runCell(addCell(`SELECT *\nFROM ${identifier(name)}\nLIMIT 100`, {focus: true}))}>Query ${name}</button>
          <ul>${columns.map((c) => html`<li><button type="button" class="nb-column" title=${`Type ${c.column_name} into the SQL`} onclick=${() => insert(identifier(c.column_name as string))}>${c.column_name}</button> <span class="nb-type">${c.data_type}</span></li>`)}</ul>
        </details>`;
      });
      const missing = catalogue.filter((c) => c.missing).map((c) => html`<p class="nb-muted" data-table=${c.name}><span class="nb-table-name">${c.name}</span>: ${c.missing}</p>`);
      list.replaceChildren(...entries, ...missing);
    } catch (error) {
      list.replaceChildren(html`<pre class="nb-error">${errorMessage(error)}</pre>`);
    }
  }

  function insert(text: string) {
    const cell = focused && focused.root.isConnected ? focused : cells.at(-1) ?? addCell("");
    const {editor} = cell;
    editor.focus();
    editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
    editor.dispatchEvent(new Event("input"));
  }

  // ---- start ------------------------------------------------------------

  void (async () => {
    const linked = await decodeNotebook(location.hash);
    if (linked && "error" in linked) {
      notice.hidden = false;
      notice.textContent = `This link's notebook could not be opened: ${linked.error}. Showing the starter notebook instead.`;
    }
    const sqls = linked && "value" in linked ? linked.value.cells : starter;
    for (const sql of sqls) addCell(sql);
    clearTimeout(saveTimer); // opening a notebook is no edit: the address stays as it came
    const listed = enqueue(describeTables);
    const run = runAll({remember: false});
    try {
      await database;
    } catch (error) {
      notice.hidden = false;
      notice.textContent = `The database could not start in this browser: ${errorMessage(error)}`;
      list.replaceChildren();
      cells.forEach((cell) => ((cell.root.dataset.state = "error"), cell.status.replaceChildren()));
      return;
    }
    await Promise.all([listed, run]);
  })();

  return root;
}
