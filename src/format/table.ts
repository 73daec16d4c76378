/**
 * Turns what a metric returns (nested objects and arrays of rows) into parts a
 * person can read, and prints a part as an aligned text table or as CSV.
 *
 * A part is one table of the output, named by its path ("triangle",
 * "words.detractors"): an array of rows becomes a table; an object's plain
 * values (numbers, strings, objects holding no array) become one key/value
 * table, with nested keys dotted ("bgnbd.r"). A null beside arrays stands for
 * an array with no rows (retention's recurringRevenue without subscriptions).
 *
 * The table is written here rather than with cli-table3 or columnify: those
 * draw boxes or wrap text, where the CLI wants the plain two-space-aligned
 * columns `rapport ingest` already prints, numbers right-aligned and rounded
 * for reading. CSV goes through d3-dsv (quoting per RFC 4180) with full
 * precision, since it is meant for other programs.
 */
import {csvFormatRows} from "d3";

export type Row = Record<string, unknown>;

export interface Part {
  /** Dotted path in the output, "" for an output that is itself one table. */
  path: string;
  rows: Row[];
  /** Columns in order (the union of the rows' keys, first seen first). */
  columns: string[];
}

/** The tables of a metric's output, in the output's order. */
export function partsOf(value: unknown, path = ""): Part[] {
  if (Array.isArray(value)) return [table(path, value.map((v) => (isPlainObject(v) ? (v as Row) : {value: v})))];
  if (!isPlainObject(value)) return [table(path, [{value}])];
  const entries = Object.entries(value as Row);
  const hasArray = entries.some(([, v]) => Array.isArray(v));
  const isTable = ([, v]: [string, unknown]) => Array.isArray(v) || (v === null && hasArray) || containsArray(v);
  // At the top, each object of plain values is a part of its own (clv's model); the numbers and strings are the summary.
  const own = ([, v]: [string, unknown]) => path === "" && isPlainObject(v);
  if (!entries.some(isTable) && !entries.some(own)) return [keyValues(path, entries)];
  const parts: Part[] = [];
  const scalars = entries.filter((e) => !isTable(e) && !own(e));
  if (scalars.length) parts.push(keyValues(path || "summary", scalars));
  for (const [k, v] of entries) {
    if (isTable([k, v])) parts.push(...(v === null ? [table(join(path, k), [])] : partsOf(v, join(path, k))));
    else if (own([k, v])) parts.push(keyValues(k, Object.entries(v as Row)));
  }
  return parts;
}

/** The value a part was made from: the subtree at its path, or the summary's keys. */
export function valueAt(value: unknown, path: string): unknown {
  if (path === "summary" && isPlainObject(value) && !("summary" in (value as Row))) {
    const keys = new Set(partsOf(value).find((p) => p.path === "summary")?.rows.map((r) => String(r.key).split(".")[0]));
    return Object.fromEntries(Object.entries(value as Row).filter(([k]) => keys.has(k)));
  }
  return path.split(".").reduce<unknown>((v, k) => (isPlainObject(v) ? (v as Row)[k] : undefined), value);
}

function keyValues(path: string, entries: [string, unknown][]): Part {
  return table(
    path,
    entries.flatMap(([k, v]) => flatten(k, v)).map(([key, v]) => ({key, value: v}))
  );
}

/** The parts at path or under it ("words" selects words.detractors and words.promoters). */
export function selectParts(parts: Part[], path: string): Part[] {
  return parts.filter((p) => p.path === path || p.path.startsWith(`${path}.`));
}

/** An aligned text table; numbers right-aligned and rounded for reading, dates as days. */
export function formatTable(part: Pick<Part, "rows" | "columns">): string {
  const {rows, columns} = part;
  if (rows.length === 0) return "(no rows)\n";
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number"));
  // One number of decimals a column, so its figures line up: none for whole numbers, else by the column's largest value.
  // In a key/value table each value is its own kind of figure, rounded by its own size.
  const keyValue = columns.length === 2 && columns[0] === "key" && columns[1] === "value";
  const digits = columns.map((c, i) => (numeric[i] && !keyValue ? decimals(rows.map((r) => r[c] as number | null | undefined)) : undefined));
  const cells = rows.map((r) => columns.map((c, i) => readable(r[c], digits[i])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(columns), ...cells.map(line)].join("\n") + "\n";
}

/** RFC 4180 CSV with a header row; dates ISO 8601, nested values as JSON, null and NaN empty. */
export function formatCsv(part: Pick<Part, "rows" | "columns">): string {
  return csvFormatRows([part.columns, ...part.rows.map((r) => part.columns.map((c) => exact(r[c])))]) + "\n";
}

/** Decimals for a column of numbers: 0 when all are whole, else 1, 2 or 3 as its largest is ≥ 100, above 1, or at most 1 (a share). */
export function decimals(values: readonly (number | null | undefined)[]): number {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (finite.every(Number.isInteger)) return 0;
  const max = Math.max(...finite.map(Math.abs));
  return max >= 100 ? 1 : max > 1 ? 2 : 3;
}

/** A value as a table cell: thousands grouped, numbers to `digits` decimals (else by their size), days for midnight-UTC dates. */
export function readable(v: unknown, digits?: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? "" : v > 0 ? "∞" : "-∞";
    const d = digits ?? decimals([v]);
    return v.toLocaleString("en-US", {minimumFractionDigits: d, maximumFractionDigits: d});
  }
  if (typeof v === "bigint") return v.toLocaleString("en-US");
  if (v instanceof Date) return isoDate(v);
  if (Array.isArray(v)) return `[${v.length} values]`;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function exact(v: unknown): string {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "";
  if (v instanceof Date) return isoDate(v);
  if (typeof v === "object") return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? Number(x) : x));
  return String(v);
}

function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return "";
  const iso = d.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

function table(path: string, rows: Row[]): Part {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return {path, rows, columns};
}

function flatten(key: string, v: unknown): [string, unknown][] {
  return isPlainObject(v) ? Object.entries(v as Row).flatMap(([k, x]) => flatten(`${key}.${k}`, x)) : [[key, v]];
}

function containsArray(v: unknown): boolean {
  return isPlainObject(v) && Object.values(v as Row).some((x) => Array.isArray(x) || containsArray(x));
}

function isPlainObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
