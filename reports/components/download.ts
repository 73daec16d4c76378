/**
 * The CSV download every page and the Explore notebook share. Its own module, so that the notebook
 * gets it without ui.ts's filters: ui.ts imports Inputs, and this needs only d3-dsv (1 kB, not the
 * whole of d3, 33 modules and 106 kB gzip), so the notebook's editor does not wait for either.
 */
import {csvFormat} from "npm:d3-dsv";
import {html} from "npm:htl";
import {csvSafe} from "./csvSafe.js";
import {columnName} from "./labels.js";

/** A number as a CSV cell: integers as they are, others to at most 4 decimals (21.052631578947366 → 21.0526). */
export function csvNumber(x: number): number {
  return Number.isInteger(x) || !Number.isFinite(x) ? x : Math.round(x * 1e4) / 1e4;
}

/**
 * Rows as CSV text: snake_case column names (columnName), dates as ISO dates (YYYY-MM-DD, or full timestamps
 * when they have a time), numbers rounded to 4 decimals (csvNumber); text that a spreadsheet would run as a
 * formula is neutralised (csvSafe). Every CSV download uses this.
 */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const iso = (d: Date) => (d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() ? d.toISOString() : d.toISOString().slice(0, 10));
  const cell = (v: unknown) => (v instanceof Date ? iso(v) : typeof v === "number" ? csvNumber(v) : csvSafe(v));
  return csvFormat(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [csvSafe(columnName(k)), cell(v)]))) as never);
}

/** A button that saves rows as a CSV file, built when clicked so large tables cost nothing until asked for. */
export function downloadButton(rows: readonly Record<string, unknown>[] | (() => readonly Record<string, unknown>[]), filename: string, {label = "Download CSV"} = {}) {
  const button = html`<button type="button" class="rapport-download" data-download=${filename}>${label}</button>` as HTMLButtonElement;
  button.onclick = () => {
    const data = typeof rows === "function" ? rows() : rows;
    const url = URL.createObjectURL(new Blob([toCsv(data)], {type: "text/csv;charset=utf-8"}));
    const a = html`<a href=${url} download=${filename.endsWith(".csv") ? filename : `${filename}.csv`}></a>` as HTMLAnchorElement;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return button;
}

