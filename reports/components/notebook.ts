/**
 * The Explore page's notebook over the published tables in DuckDB-wasm.
 *
 * Cells of SQL or Markdown, edited with CodeMirror (notebook-editor.ts). A SQL
 * cell runs on its own (Ctrl/⌘+Enter; Shift+Enter runs and moves on), from
 * here down, or all in order, and a run can be stopped. A result shows as a
 * table with its row count, time, CSV download and a chart (picked from the
 * columns, or chosen, the choice kept). A SQL cell can be named: it becomes a
 * view later cells select from (FROM top_segments), and when its SQL changes
 * the cells that use it run again. Markdown cells show rendered in place.
 *
 * The notebook lives in the address (notebook-url.ts), saves to and opens
 * from a .rapport.json file, and becomes a report page (notebook-format.ts):
 * under `rapport preview` Save as page writes reports/<name>.md through the
 * preview's notebook endpoint (src/cli/notebook-save.ts), on a published site
 * it downloads the .md. Open reads a .rapport.json or a page back.
 *
 * The notebook runs whatever SQL it is given, from the reader or from a link,
 * so the database is locked down before it runs anything (notebook-catalogue.ts).
 */
import type * as InputsModule from "npm:@observablehq/inputs";
import {html} from "npm:htl";
import {downloadButton} from "./download.js";
import {chartsReady, drawChart, planChart, type ChartPlan} from "./notebook-chart.js";
import {cellEditor, type Editor, type SchemaTable} from "./notebook-editor.js";
import {chartChoices, fromJson, fromPage, mentions, nameProblem, pageSlug, toJson, toPage, viewBody, type ChartChoice, type NotebookCell, type NotebookDoc} from "./notebook-format.js";
import {columnDocs} from "./notebook-docs.js";
import type {CatalogueEntry} from "./notebook-tables.js";
import {errorMessage, runSql, type Client, type Result, type Run} from "./notebook-run.js";
import {decodeNotebook, encodeNotebook} from "./notebook-url.js";
import {markdownOptions} from "./notebook-starter.js";

/** The database (locked down before it is handed over) and its tables, made when a query first names them. */
export interface Database {
  client: Promise<Client>;
  /** The published tables, in the order the table list shows them (`missing` set once a load finds no rows). */
  catalogue: readonly CatalogueEntry[];
  /** Makes the named published tables that are not made yet. */
  load(names: readonly string[]): Promise<void>;
  /** Starts fetching the named tables' files. */
  prefetch(names: readonly string[]): void;
}

export interface NotebookOptions {
  /** The notebook opened without one in its address. */
  starter: NotebookDoc;
  /** The most rows a result keeps. */
  cap?: number;
  /**
   * Markdown already rendered (when the site was built): source → HTML, as renderMarkdown would give it; or a
   * promise of it, so that the notebook shows and takes typing before its file arrives (under `rapport preview`
   * with a cold cache, its data loader runs first: about 2.5 s). A text cell waits for it before it shows.
   */
  rendered?: Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
  /** The site's locale (rapport.config.json `locale`), for the notebook's counts of rows. */
  locale?: string;
}

interface Cell {
  kind: "sql" | "md";
  root: HTMLElement;
  editor: Editor;
  status: HTMLElement;
  output: HTMLElement;
  name: HTMLInputElement;
  chart: HTMLSelectElement;
  runButton: HTMLButtonElement;
  run?: Run;
  /** The SQL (and name) of the result on show, to mark it stale once they change. */
  ranSql?: string;
  /** The name the cell ran with, and the view it made (none when the run failed). */
  ranAs?: string;
  ranName?: string;
  result?: Result;
  plan?: ChartPlan | null;
  /** Settles once the result's chart is drawn (or found not to fit). */
  charted?: Promise<void>;
}

/** Where `rapport preview` answers the notebook (a meta tag it adds to every page says so). */
function saveEndpoint(): string | null {
  return document.querySelector<HTMLMetaElement>("meta[name=rapport-notebook]")?.content ?? null;
}

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

function download(text: string, filename: string, type: string) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], {type}));
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// Inputs (its table shows each result) is fetched now but not waited for: the editors take typing before it
// has loaded (under the dev server, Framework bundles it on request, which takes seconds), and a result waits for it.
let Inputs: typeof InputsModule | undefined;
let inputsLoading: Promise<unknown> | undefined;
function inputsReady(): Promise<unknown> {
  inputsLoading ??= import("npm:@observablehq/inputs").then((module: typeof InputsModule) => (Inputs = module));
  return inputsLoading.catch((error) => ((inputsLoading = undefined), Promise.reject(error)));
}
void inputsReady().catch(() => {}); // a failed fetch is tried again by the first result

// Markdown cells render with markdown-it (what Framework renders pages with), raw HTML off:
// a notebook may come from anyone's link. Loaded on first use: text rendered when the site was
// built (the starter's, NotebookOptions.rendered) needs none.
let markdown: Promise<{render(text: string): string}> | undefined;
function renderMarkdown(text: string): Promise<string> {
  markdown ??= import("npm:markdown-it").then(({default: MarkdownIt}) => new MarkdownIt(markdownOptions));
  markdown.catch(() => (markdown = undefined)); // a failed fetch is tried again by the next text
  return markdown.then((md) => md.render(text));
}

/**
 * The notebook, shown at once: cells can be edited while the database starts,
 * and run when it is ready.
 */
export function notebook(database: Database, {starter, cap = 10_000, rendered: prerendered = {}, locale = "en-US"}: NotebookOptions): HTMLElement {
  const count = new Intl.NumberFormat(locale);
  // The prerendered text, once it has come (none if its file could not be read: the text is then rendered here).
  const ready: Promise<Readonly<Record<string, string>>> = Promise.resolve(prerendered).catch(() => ({}));
  const cells: Cell[] = [];
  let focused: Cell | undefined;
  let client: Client | undefined;
  const catalogue: readonly CatalogueEntry[] = database.catalogue;
  const tableNames = catalogue.map((c) => c.name);
  const made = new Set<string>();
  // Until the database answers, completion offers the documented tables and columns.
  let schema: SchemaTable[] = catalogue.map((c) => ({name: c.name, about: c.about, columns: columnDocs(c.name).map(({name, type, about}) => ({name, type, about}))}));
  let title = starter.title ?? "";
  let queue: Promise<unknown> = database.client.then((c) => (client = c)).catch(() => {});
  // Stop bumps the generation: runs queued before it are dropped.
  let generation = 0;
  function enqueue<T>(task: () => Promise<T>): Promise<T | undefined> {
    const mine = generation;
    const done = queue.then(() => (mine === generation ? task() : undefined));
    queue = done.catch(() => {});
    return done;
  }
  let serial = 0;

  const list = html`<div class="nb-table-list" aria-live="polite"><p class="nb-muted"><observablehq-loading></observablehq-loading> Reading the tables…</p></div>` as HTMLElement;
  const cellsBox = html`<div class="nb-cells"></div>` as HTMLElement;
  const notice = html`<p class="nb-notice" role="status" hidden></p>` as HTMLElement;
  const fileStatus = html`<span class="nb-muted nb-file-status" role="status"></span>` as HTMLElement;
  const picker = html`<input type="file" accept=".json,.md,application/json,text/markdown" hidden>` as HTMLInputElement;
  const panel = html`<div class="nb-panel" hidden></div>` as HTMLElement;
  const stopButton = html`<button type="button" data-action="stop" disabled title="Stop the running cell and the ones waiting">■ Stop</button>` as HTMLButtonElement;

  const root = html`<div class="nb">
    <aside class="nb-tables" aria-label="Tables">
      <h2>Tables</h2>
      <p class="nb-muted">Every table, its columns and what they mean. Click a table to query it; a column to type its name.</p>
      ${list}
    </aside>
    <div class="nb-main">
      <div class="nb-toolbar" role="toolbar" aria-label="Notebook">
        <span class="nb-group">
          <button type="button" data-action="run-all" onclick=${() => runFrom(0)}>▶ Run all</button>
          ${stopButton}
        </span>
        <span class="nb-group">
          <button type="button" data-action="add" onclick=${() => addCell({kind: "sql", source: ""}, {focus: true})}>+ SQL</button>
          <button type="button" data-action="add-md" onclick=${() => addCell({kind: "md", source: ""}, {focus: true})}>+ Text</button>
        </span>
        <span class="nb-group">
          <button type="button" data-action="save-page" onclick=${() => void savePagePanel()}>Save as page</button>
          <button type="button" data-action="open-page" onclick=${() => void openPanel()}>Open…</button>
          <button type="button" data-action="save-file" onclick=${() => saveFile()} title="Download the notebook as a .rapport.json file">Save file</button>
          <button type="button" data-action="copy-link" onclick=${() => void copyLink()}>Copy link</button>
        </span>
        ${fileStatus}${picker}
      </div>
      ${panel}
      ${notice}
      ${cellsBox}
      <div class="nb-add-bottom">
        <button type="button" onclick=${() => addCell({kind: "sql", source: ""}, {focus: true})}>+ SQL</button>
        <button type="button" onclick=${() => addCell({kind: "md", source: ""}, {focus: true})}>+ Text</button>
      </div>
    </div>
  </div>` as HTMLElement;

  // ---- the document -----------------------------------------------------

  function doc(): NotebookDoc {
    return {
      ...(title ? {title} : {}),
      cells: cells.map((c): NotebookCell => ({
        kind: c.kind,
        source: c.editor.value,
        ...(c.kind === "sql" && c.name.value ? {name: c.name.value} : {}),
        ...(c.kind === "sql" && c.chart.value !== "auto" ? {chart: c.chart.value as ChartChoice} : {})
      }))
    };
  }

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  async function saveNow() {
    clearTimeout(saveTimer);
    const mine = ++serial;
    const hash = await encodeNotebook(doc());
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
      fileStatus.textContent = "Link copied: it opens this notebook, cells and all.";
    } catch {
      fileStatus.textContent = "Copy the address from the address bar: it holds this notebook.";
    }
  }

  function saveFile() {
    download(toJson(doc()), `${pageSlug(title || "notebook")}.rapport.json`, "application/json");
    fileStatus.textContent = "Notebook downloaded: keep it with your pages (Open… reads it back).";
  }

  function load(next: NotebookDoc, {run = true} = {}) {
    stopAll();
    for (const cell of [...cells]) removeCell(cell, {quiet: true});
    title = next.title ?? "";
    for (const cell of next.cells) addCell(cell);
    if (!cells.length) addCell({kind: "sql", source: ""});
    save();
    if (run) void runFrom(0);
  }

  // ---- cells ------------------------------------------------------------

  function renumber() {
    let n = 0;
    cells.forEach((cell, i) => {
      const label = cell.kind === "sql" ? `Cell ${++n}` : "Text";
      cell.root.querySelector(".nb-cell-label")!.textContent = label;
      cell.editor.view.contentDOM.setAttribute("aria-label", cell.kind === "sql" ? `SQL of cell ${n}` : `Text of cell ${i + 1}`);
      (cell.root.querySelector("[data-action=up]") as HTMLButtonElement).disabled = i === 0;
      (cell.root.querySelector("[data-action=down]") as HTMLButtonElement).disabled = i === cells.length - 1;
    });
  }

  function markStale(cell: Cell) {
    const stale = cell.ranSql !== undefined && (cell.ranSql !== cell.editor.value || cell.ranAs !== cell.name.value);
    cell.root.classList.toggle("nb-stale", stale);
  }

  function addCell(spec: NotebookCell, {after, focus = false}: {after?: Cell; focus?: boolean} = {}): Cell {
    const sql = spec.kind === "sql";
    const status = html`<div class="nb-status" role="status"></div>` as HTMLElement;
    const output = html`<div class="nb-output"></div>` as HTMLElement;
    const runButton = html`<button type="button" data-action="run" title=${sql ? "Run (Ctrl+Enter or ⌘+Enter)" : "Show the text (Ctrl+Enter)"}>${sql ? "▶ Run" : "✓ Done"}</button>` as HTMLButtonElement;
    const name = html`<input class="nb-name" type="text" placeholder="name (optional)" spellcheck="false" autocomplete="off" aria-label="Cell name: later cells can select from it" title="Name the result to use it in later cells: FROM name" value=${spec.name ?? ""}>` as HTMLInputElement;
    const chart = html`<select class="nb-chart-choice" aria-label="Chart">${chartChoices.map((c) => html`<option value=${c} selected=${(spec.chart ?? "auto") === c}>${{auto: "Chart: auto", line: "Chart: line", bar: "Chart: bars", dot: "Chart: dots", none: "No chart"}[c]}</option>`)}</select>` as HTMLSelectElement;
    const cell = {kind: spec.kind, status, output, runButton, name, chart} as Cell;
    cell.editor = cellEditor({
      doc: spec.source,
      language: spec.kind === "sql" ? "sql" : "markdown",
      label: "cell",
      placeholder: sql ? "SELECT … FROM activity   (Ctrl+Space completes, Ctrl+Enter runs)" : "Text in Markdown: # a heading, **bold**, - a list",
      onRun: () => void runCell(cell),
      onRunNext: () => {
        void runCell(cell);
        const next = cells[cells.indexOf(cell) + 1] ?? addCell({kind: cell.kind, source: ""}, {after: cell});
        if (next.kind === "md") edit(next, true);
        next.editor.focus();
      },
      onChange: () => {
        markStale(cell);
        save();
      },
      onFocus: () => (focused = cell)
    });
    if (sql) cell.editor.setSchema(schema);
    const head = html`<div class="nb-cell-head">
      <span class="nb-cell-title"><span class="nb-cell-label"></span>${sql ? name : ""}</span>
      <span class="nb-cell-buttons">
        ${runButton}
        ${sql ? html`<button type="button" data-action="run-from" title="Run this cell and every cell below" aria-label="Run from here">▶▶</button>` : html`<button type="button" data-action="edit">Edit</button>`}
        <button type="button" data-action="up" aria-label="Move cell up" title="Move up">↑</button>
        <button type="button" data-action="down" aria-label="Move cell down" title="Move down">↓</button>
        <button type="button" data-action="remove" aria-label="Remove cell" title="Remove">✕</button>
      </span>
    </div>`;
    const rendered = html`<div class="nb-markdown" title="Double-click to edit"></div>` as HTMLElement;
    cell.root = html`<section class=${`nb-cell nb-cell-${spec.kind}`} data-cell data-kind=${spec.kind} data-state="new">
      ${head}${sql ? "" : rendered}${cell.editor.view.dom}${status}${sql ? html`<div class="nb-cell-foot">${chart}</div>` : ""}${output}
    </section>` as HTMLElement;
    runButton.onclick = () => (cell.run ? cell.run.stop() : void runCell(cell));
    cell.root.querySelector<HTMLElement>("[data-action=run-from]")?.addEventListener("click", () => void runFrom(cells.indexOf(cell)));
    cell.root.querySelector<HTMLElement>("[data-action=edit]")?.addEventListener("click", () => edit(cell, true));
    rendered.addEventListener("dblclick", () => edit(cell, true));
    (cell.root.querySelector("[data-action=up]") as HTMLElement).onclick = () => move(cell, -1);
    (cell.root.querySelector("[data-action=down]") as HTMLElement).onclick = () => move(cell, +1);
    (cell.root.querySelector("[data-action=remove]") as HTMLElement).onclick = () => removeCell(cell);
    name.addEventListener("input", () => {
      name.value = name.value.toLowerCase().replace(/[^a-z0-9_]/g, "_");
      markStale(cell);
      save();
    });
    name.addEventListener("keydown", (event) => event.key === "Enter" && void runCell(cell));
    chart.addEventListener("change", () => {
      if (cell.result) show(cell, cell.result);
      save();
    });
    const index = after ? cells.indexOf(after) + 1 : cells.length;
    cells.splice(index, 0, cell);
    cellsBox.insertBefore(cell.root, cells[index + 1]?.root ?? null);
    renumber();
    if (!sql) edit(cell, focus || !spec.source.trim());
    if (focus) {
      cell.editor.focus();
      cell.root.scrollIntoView({block: "nearest"});
    }
    save();
    return cell;
  }

  /** A Markdown cell shows its editor or its text. */
  function edit(cell: Cell, editing: boolean) {
    cell.root.classList.toggle("nb-editing", editing);
    cell.root.dataset.state = editing ? "new" : "done";
    if (!editing) {
      const box = cell.root.querySelector<HTMLElement>(".nb-markdown")!;
      const source = cell.editor.value;
      const shown = ready.then((done) => (Object.hasOwn(done, source) ? done[source] : renderMarkdown(source)));
      void shown.then(
        (text) => (box.innerHTML = text || "<p class=nb-muted>(empty text)</p>"),
        (error) => box.replaceChildren(html`<pre class="nb-error">The text could not be shown: ${errorMessage(error)}</pre>`)
      );
    } else cell.editor.focus();
  }

  function removeCell(cell: Cell, {quiet = false} = {}) {
    cell.run?.stop();
    const i = cells.indexOf(cell);
    cells.splice(i, 1);
    cell.root.remove();
    cell.editor.view.destroy();
    if (focused === cell) focused = undefined;
    if (cell.ranName && client) void enqueue(() => runSql(client!, `DROP VIEW IF EXISTS ${cell.ranName}`).result.catch(() => {}));
    if (quiet) return;
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

  let running = 0;
  function busy(delta: number) {
    running += delta;
    stopButton.disabled = running === 0;
  }

  function stopAll() {
    generation++;
    for (const cell of cells) {
      cell.run?.stop();
      if (cell.root.dataset.state === "queued") {
        cell.root.dataset.state = cell.result ? "done" : "new";
        cell.status.textContent = "Not run: stopped.";
      }
    }
  }
  stopButton.onclick = stopAll;

  /** Runs a cell; then, when a named cell changed, the cells below that use it. */
  function runCell(cell: Cell, {remember = true, dependents = true} = {}): Promise<unknown> {
    if (cell.kind === "md") {
      edit(cell, false);
      return Promise.resolve();
    }
    const sql = cell.editor.value;
    const name = cell.name.value;
    const changed = cell.ranSql !== sql || cell.ranAs !== name;
    if (remember) save();
    if (sql.trim()) {
      cell.root.dataset.state = "queued";
      cell.status.replaceChildren(html`<observablehq-loading></observablehq-loading> Waiting to run…`);
      busy(+1);
    }
    const done = enqueue(async () => {
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
      try {
        // The published tables the SQL names are made first (their files fetched on first use).
        const needed = mentions(sql, tableNames).filter((t) => !made.has(t));
        if (needed.length) {
          cell.status.replaceChildren(html`<observablehq-loading></observablehq-loading> Reading ${needed.join(", ")}…`);
          await database.load(needed);
          needed.forEach((t) => made.add(t));
          void enqueue(describeTables);
          cell.status.replaceChildren(html`<observablehq-loading></observablehq-loading> Running…`);
        }
        if (cell.ranName && cell.ranName !== name) await runSql(client, `DROP VIEW IF EXISTS ${cell.ranName}`).result.catch(() => {});
        cell.ranName = undefined;
        if (name) {
          const taken = new Set([...catalogue.map((c) => c.name), ...cells.filter((c) => c !== cell && c.kind === "sql").map((c) => c.name.value)].filter(Boolean));
          const problem = nameProblem(name, taken);
          if (problem) throw new Error(`This cell's name cannot be used: ${problem}.`);
          cell.run = runSql(client, `CREATE OR REPLACE VIEW ${name} AS ${viewBody(sql)}`);
          await cell.run.result.catch((error) => {
            throw new Error(`A named cell must be one SELECT that later cells can read; DuckDB says: ${errorMessage(error)}`);
          });
          cell.ranName = name;
        }
        cell.run = runSql(client, sql, {cap});
        const result = await cell.run.result;
        await inputsReady();
        cell.result = result;
        show(cell, result);
        cell.root.dataset.state = "done";
        if (name || /\b(create|drop|alter)\b/i.test(sql)) void enqueue(describeTables);
      } catch (error) {
        cell.result = undefined;
        cell.plan = undefined;
        cell.root.dataset.state = "error";
        cell.status.textContent = "";
        cell.output.replaceChildren(html`<pre class="nb-error" role="alert">${errorMessage(error)}</pre>`);
      } finally {
        cell.ranSql = sql;
        cell.ranAs = name;
        cell.run = undefined;
        cell.runButton.textContent = "▶ Run";
        markStale(cell);
      }
    }).finally(() => sql.trim() && busy(-1));
    if (!dependents || !name || !changed) return done;
    // Cells below that select from this one run again after it (and theirs after them, in turn).
    const below = cells.slice(cells.indexOf(cell) + 1).filter((c) => c.kind === "sql" && c.ranSql !== undefined && mentions(c.editor.value, [name]).length);
    return Promise.all([done, ...below.map((c) => runCell(c, {remember: false}))]);
  }

  function runFrom(index: number, {remember = true, to = cells.length} = {}) {
    return Promise.all(cells.slice(index, to).map((cell) => runCell(cell, {remember, dependents: false})));
  }

  function show(cell: Cell, {columns, rows, capped, ms}: Result) {
    const n = cells.filter((c) => c.kind === "sql").indexOf(cell) + 1;
    cell.status.replaceChildren(
      html`<span data-rows=${rows.length}>${capped ? `First ${count.format(rows.length)} rows` : `${count.format(rows.length)} ${rows.length === 1 ? "row" : "rows"}`}</span>`,
      html`<span class="nb-muted"> · ${elapsed(ms)}</span>`,
      cell.ranName ? html`<span class="nb-muted"> · later cells can use <code>${cell.ranName}</code></span>` : "",
      columns.length ? downloadButton(rows, `explore-${cell.ranName ?? `cell-${n}`}`) : ""
    );
    const parts: Node[] = [];
    if (capped) parts.push(html`<p class="nb-capped">The query returned more than ${count.format(cap)} rows; only the first ${count.format(cap)} are shown and downloaded. Add a LIMIT or a GROUP BY to see the rest in summary.</p>`);
    const choice = cell.chart.value as ChartChoice;
    const plan = planChart(columns, rows, choice);
    cell.plan = null;
    if (plan) {
      cell.plan = plan;
      const figure = html`<figure class="nb-figure" aria-busy="true"></figure>` as HTMLElement;
      parts.push(figure);
      cell.charted = chartsReady().then(() => {
        if (cell.result?.rows !== rows) return; // run again meanwhile
        try {
          drawChart(plan, rows, {width: 400}); // fails here, not in the observer, when the data cannot be drawn
          figure.append(responsive((width) => drawChart(plan, rows, {width})), html`<figcaption class="nb-muted">${choice === "auto" ? "Quick chart" : "Chart"}: ${plan.description}.</figcaption>`);
        } catch {
          cell.plan = null; // no chart for data Plot cannot draw; the table still shows it
          figure.remove();
        }
        figure.removeAttribute("aria-busy");
      });
    } else if (choice !== "auto" && choice !== "none" && columns.length) {
      parts.push(html`<p class="nb-muted">No ${choice === "bar" ? "bar" : choice} chart fits these columns.</p>`);
    }
    if (columns.length) {
      // Numbers as Inputs.table writes them, as a saved page's ```sql blocks show them (notebook-format.ts toPage).
      const format = Object.fromEntries(columns.filter((c) => c.kind === "time").map((c) => [c.name, (d: Date | null) => (d ? isoDate(d) : "")]));
      parts.push(Inputs!.table(rows, {columns: columns.map((c) => c.name), format, select: false, layout: "auto", rows: 12.5}));
    }
    cell.output.replaceChildren(...parts);
  }

  // ---- the table list ---------------------------------------------------

  async function describeTables() {
    if (!client) return;
    try {
      const {rows: info} = await runSql(client, `SELECT table_name, column_name, data_type, table_type FROM information_schema.columns JOIN information_schema.tables USING (table_catalog, table_schema, table_name) WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`).result;
      const names = [...new Set(info.map((d) => d.table_name as string))];
      const tables = names.filter((t) => info.find((d) => d.table_name === t)?.table_type !== "VIEW");
      const counts = tables.length
        ? (await runSql(client, tables.map((t) => `SELECT '${t.replace(/'/g, "''")}' AS t, count(*)::DOUBLE AS n FROM ${identifier(t)}`).join(" UNION ALL ")).result).rows
        : [];
      const order = catalogue.map((c) => c.name);
      // Tables no query has named yet are listed from their documentation, and made when a query names them.
      const waiting = catalogue.filter((c) => !c.missing && !names.includes(c.name));
      for (const c of waiting) for (const d of columnDocs(c.name)) info.push({table_name: c.name, column_name: d.name, data_type: d.type, table_type: "WAITING"});
      names.push(...waiting.map((c) => c.name));
      const sorted = [...names].sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9) || a.localeCompare(b));
      schema = sorted.map((name) => {
        const docs = columnDocs(name);
        const about = catalogue.find((c) => c.name === name)?.about ?? (cells.some((c) => c.ranName === name) ? "A named cell of this notebook." : undefined);
        return {name, about, columns: info.filter((d) => d.table_name === name).map((d) => ({name: d.column_name as string, type: d.data_type as string, about: docs.find((c) => c.name === d.column_name)?.about}))};
      });
      for (const cell of cells) if (cell.kind === "sql") cell.editor.setSchema(schema);
      const entries = schema.map(({name, about, columns}) => {
        const rows = counts.find((d) => d.t === name)?.n as number | undefined;
        const unread = waiting.some((c) => c.name === name);
        const size = unread ? "read when a query uses it" : rows === undefined ? "named cell" : `${count.format(rows)} rows`;
        // A table documented without columns (its file's columns vary) shows its columns once read.
        return html`<details class="nb-table" data-table=${name}>
          <summary><span class="nb-table-name">${name}</span><span class="nb-muted nb-table-size">${size}${unread && !columns.length ? "" : ` · ${columns.length} columns`}</span></summary>
          ${about ? html`<p class="nb-muted nb-about">${about}</p>` : ""}
          <button type="button" class="nb-query-table" onclick=${() => void runCell(addCell({kind: "sql", source: `SELECT *\nFROM ${identifier(name)}\nLIMIT 100`}, {focus: true}))}>Query ${name}</button>
          <dl>${columns.map((c) => html`<dt><button type="button" class="nb-column" title=${`Type ${c.name} into the SQL`} onclick=${() => insert(identifier(c.name))}>${c.name}</button> <span class="nb-type">${c.type}</span></dt>${c.about ? html`<dd>${c.about}</dd>` : ""}`)}</dl>
        </details>`;
      });
      const missing = catalogue.filter((c) => c.missing).map((c) => html`<p class="nb-muted" data-table=${c.name}><span class="nb-table-name">${c.name}</span>: ${c.missing}</p>`);
      list.replaceChildren(...entries, ...missing);
    } catch (error) {
      list.replaceChildren(html`<pre class="nb-error">${errorMessage(error)}</pre>`);
    }
  }

  function insert(text: string) {
    const cell = focused && focused.root.isConnected && focused.kind === "sql" ? focused : cells.filter((c) => c.kind === "sql").at(-1) ?? addCell({kind: "sql", source: ""});
    cell.editor.insert(text);
  }

  // ---- pages ------------------------------------------------------------

  function closePanel() {
    panel.hidden = true;
    panel.replaceChildren();
  }

  async function savePagePanel() {
    const endpoint = saveEndpoint();
    const titleInput = html`<input type="text" name="title" required placeholder="What the page shows" value=${title}>` as HTMLInputElement;
    const fileInput = html`<input type="text" name="file" required pattern="[a-z0-9][a-z0-9\x2d]*" value=${pageSlug(title || "notebook")}>` as HTMLInputElement;
    let fileEdited = false;
    titleInput.oninput = () => !fileEdited && (fileInput.value = pageSlug(titleInput.value));
    fileInput.oninput = () => (fileEdited = true);
    const message = html`<p class="nb-muted" role="status"></p>` as HTMLElement;
    const form = html`<form class="nb-form" data-form="save-page">
      <h3>Save as page</h3>
      <p class="nb-muted">${endpoint ? html`The page is written to <code>reports/<span class="nb-slug"></span>.md</code> and joins the sidebar; the next <code>npm run build</code> publishes it.` : "This published site cannot write files: the page downloads as a .md file to put in the project's reports/ folder."} Text cells become its prose, SQL cells its tables, charts its charts.</p>
      <label>Title ${titleInput}</label>
      <label>File name ${fileInput}<span class="nb-muted">.md</span></label>
      <div class="nb-form-buttons"><button type="submit">${endpoint ? "Save page" : "Download page"}</button> <button type="button" data-action="cancel">Cancel</button></div>
      ${message}
    </form>` as HTMLFormElement;
    const slug = form.querySelector(".nb-slug");
    const sync = () => slug && (slug.textContent = fileInput.value);
    sync();
    fileInput.addEventListener("input", sync);
    titleInput.addEventListener("input", sync);
    form.querySelector<HTMLElement>("[data-action=cancel]")!.onclick = closePanel;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      title = titleInput.value.trim();
      await saveNow();
      // Cells edited since their last run (or never run) run first, so each chart is the one their result draws.
      const stale = cells.filter((c) => c.kind === "sql" && (c.ranSql !== c.editor.value || c.ranAs !== c.name.value));
      if (stale.length) message.textContent = "Running the edited cells to draw their charts…";
      await Promise.all(stale.map((c) => runCell(c, {remember: false, dependents: false})));
      await Promise.all(cells.map((c) => c.charted));
      const markdown = toPage(doc(), {title, tables: catalogue.filter((c) => !c.missing).map((c) => c.name), charts: cells.map((c) => c.plan)});
      const file = fileInput.value;
      if (!endpoint) {
        download(markdown, `${file}.md`, "text/markdown");
        message.textContent = `Downloaded ${file}.md: put it in reports/ and run npm run build.`;
        return;
      }
      await writePage(endpoint, file, markdown, false, message);
    });
    panel.replaceChildren(form);
    panel.hidden = false;
    titleInput.focus();
  }

  const savedKey = "rapport-notebook-saved";
  const saved = (path: string, file: string) => html`<span data-saved>Saved <code>${path}</code>. <a href=${`./${file}`} data-action="visit">Open the page</a></span>`;

  async function writePage(endpoint: string, file: string, markdown: string, overwrite: boolean, message: HTMLElement) {
    const response = await fetch(`${endpoint}page`, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({name: file, markdown, overwrite})});
    const answer = (await response.json().catch(() => ({}))) as {error?: string; path?: string; exists?: boolean};
    if (answer.exists) {
      const replace = html`<button type="button" data-action="replace">Replace it</button>` as HTMLButtonElement;
      replace.onclick = () => void writePage(endpoint, file, markdown, true, message);
      message.replaceChildren(`reports/${file}.md already exists. `, replace);
      return;
    }
    if (!response.ok) {
      message.textContent = `Not saved: ${answer.error ?? response.statusText}`;
      return;
    }
    // The preview reloads open pages to show the new one in the sidebar: the notebook is in the address, the message kept here.
    sessionStorage.setItem(savedKey, JSON.stringify({path: answer.path, file}));
    message.replaceChildren(saved(answer.path!, file));
  }

  async function openPanel() {
    const endpoint = saveEndpoint();
    const choose = html`<button type="button" data-action="open-file">Open a file…</button>` as HTMLButtonElement;
    choose.onclick = () => picker.click();
    const message = html`<p class="nb-muted" role="status"></p>` as HTMLElement;
    const pages = html`<div class="nb-pages"></div>` as HTMLElement;
    const form = html`<div class="nb-form" data-form="open">
      <h3>Open</h3>
      <p class="nb-muted">Replaces these cells with a notebook file's (.rapport.json) or a page's SQL and text (.md)${endpoint ? ", or a page of this site" : ""}.</p>
      ${pages}
      <div class="nb-form-buttons">${choose} <button type="button" data-action="cancel" onclick=${closePanel}>Cancel</button></div>
      ${message}
    </div>` as HTMLElement;
    panel.replaceChildren(form);
    panel.hidden = false;
    if (!endpoint) return;
    try {
      const list = (await (await fetch(`${endpoint}pages`)).json()) as {name: string; title: string; notebook: boolean}[];
      const select = html`<select aria-label="Page">${list.map((p) => html`<option value=${p.name}>${p.title} (${p.name}.md)${p.notebook ? " · saved from the notebook" : ""}</option>`)}</select>` as HTMLSelectElement;
      const open = html`<button type="button" data-action="open-selected">Open page</button>` as HTMLButtonElement;
      open.onclick = async () => {
        const response = await fetch(`${endpoint}page?name=${encodeURIComponent(select.value)}`);
        const answer = (await response.json()) as {markdown?: string; error?: string};
        if (!response.ok || !answer.markdown) return void (message.textContent = `Not opened: ${answer.error ?? response.statusText}`);
        openText(answer.markdown, `${select.value}.md`);
      };
      pages.replaceChildren(html`<label>Page of this site ${select}</label>`, open);
    } catch (error) {
      message.textContent = `The site's pages could not be listed: ${errorMessage(error)}`;
    }
  }

  function openText(text: string, filename: string) {
    let next: NotebookDoc;
    if (/\.md$/i.test(filename)) next = fromPage(text);
    else {
      const read = fromJson(text);
      if ("error" in read) return void (fileStatus.textContent = `${filename} is not a notebook: ${read.error}.`);
      next = read.value;
    }
    if (!next.cells.length) return void (fileStatus.textContent = `${filename} has no SQL or text to open.`);
    closePanel();
    load(next);
    fileStatus.textContent = `Opened ${filename}.`;
  }

  picker.addEventListener("change", async () => {
    const file = picker.files?.[0];
    picker.value = "";
    if (file) openText(await file.text(), file.name);
  });

  // ---- start ------------------------------------------------------------

  void (async () => {
    const linked = await decodeNotebook(location.hash);
    if (linked && "error" in linked) {
      notice.hidden = false;
      notice.textContent = `This link's notebook could not be opened: ${linked.error}. Showing the starter notebook instead.`;
    }
    const opened = linked && "value" in linked ? linked.value : starter;
    title = opened.title ?? "";
    for (const cell of opened.cells) addCell(cell);
    clearTimeout(saveTimer); // opening a notebook is no edit: the address stays as it came
    const flash = sessionStorage.getItem(savedKey);
    if (flash) {
      sessionStorage.removeItem(savedKey);
      const {path, file} = JSON.parse(flash) as {path: string; file: string};
      fileStatus.replaceChildren(saved(path, file));
    }
    // The files of the tables the cells name are fetched now, side by side with DuckDB-wasm starting.
    database.prefetch(mentions(cells.filter((c) => c.kind === "sql").map((c) => c.editor.value).join("\n"), tableNames));
    // The first SQL cell runs first (the first result is what a reader waits for), then the table list is read, then the rest.
    const firstSql = cells.findIndex((c) => c.kind === "sql") + 1 || cells.length;
    const first = runFrom(0, {remember: false, to: firstSql});
    const listed = enqueue(describeTables);
    const run = runFrom(firstSql, {remember: false});
    try {
      await database.client;
    } catch (error) {
      notice.hidden = false;
      notice.textContent = `The database could not start in this browser: ${errorMessage(error)}`;
      list.replaceChildren();
      cells.forEach((cell) => cell.kind === "sql" && ((cell.root.dataset.state = "error"), cell.status.replaceChildren()));
      return;
    }
    await Promise.all([first, listed, run]);
  })();

  return root;
}
