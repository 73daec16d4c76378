/**
 * How `rapport metrics` and `rapport clv fit` print what they computed:
 * `--format table` (the default on a terminal: every part as an aligned
 * table, long ones cut to their first rows), `csv` (one part, every row,
 * full precision) or `json` (the default when piped; `--json` is the same).
 * `--part PATH` picks one part (or the parts under it) of the output.
 */
import {UsageError} from "../errors.js";
import {formatCsv, formatTable, partsOf, selectParts, valueAt, type Part} from "../format/table.js";
import type {OptionValues} from "./command.js";

export type Format = "table" | "csv" | "json";

/** Options shared by the commands that print results. */
export const outputOptions = {format: {type: "string"}, part: {type: "string"}, json: {type: "boolean"}} as const;

export const outputHelp = [
  "--format F            table (the default on a terminal), csv (one part) or json (the default when piped)",
  "--part PATH           print one part of the output (listed above), e.g. --part triangle",
  "--json                the same as --format json"
];

/** Rows shown per part when a table prints several parts; --part shows them all. */
export const previewRows = 12;

export function outputFormat(values: OptionValues, isTTY = Boolean(process.stdout.isTTY)): Format {
  const format = values.format as string | undefined;
  if (values.json && format !== undefined && format !== "json") throw new UsageError(`--json and --format ${format} disagree: pass one of them`);
  if (values.json) return "json";
  if (format === undefined) return isTTY ? "table" : "json";
  if (format === "table" || format === "csv" || format === "json") return format;
  throw new UsageError(`--format must be table, csv or json, not ${JSON.stringify(format)}`);
}

/** The text to print for result, or a usage error naming the parts there are. */
export function render(result: unknown, {format, part, command}: {format: Format; part?: string; command: string}): string {
  const all = partsOf(result);
  const names = all.map((p) => p.path).filter(Boolean);
  let parts = all;
  if (part !== undefined) {
    if (names.length === 0) throw new UsageError(`${command} prints a single table; it has no parts to pick with --part`);
    parts = selectParts(all, part);
    if (parts.length === 0) throw new UsageError(`${command} has no part ${JSON.stringify(part)}; its parts are ${names.join(", ")}`);
  }
  if (format === "json") return toJson(part === undefined ? result : valueAt(result, part)) + "\n";
  if (format === "csv") {
    if (parts.length > 1) throw new UsageError(`--format csv prints one table: pick one with --part (${parts.map((p) => p.path).join(", ")})`);
    return formatCsv(parts[0]);
  }
  const cut = part === undefined && parts.length > 1;
  return parts.map((p) => (p.path ? `${p.path} (${rowsLabel(p)})\n` : "") + tableOf(p, cut)).join("\n");
}

function tableOf(part: Part, cut: boolean): string {
  if (!cut || part.rows.length <= previewRows) return formatTable(part);
  const rest = part.rows.length - previewRows;
  return formatTable({...part, rows: part.rows.slice(0, previewRows)}) + `… ${rest} more rows: --part ${part.path} shows them all, --format csv writes them\n`;
}

function rowsLabel(part: Part): string {
  const n = part.rows.length;
  return `${n} ${part.columns.length === 2 && part.columns[0] === "key" ? "value" : "row"}${n === 1 ? "" : "s"}`;
}

/** JSON with dates as ISO strings, non-finite numbers as null and bigints as numbers. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "bigint" ? Number(v) : v), 2);
}
