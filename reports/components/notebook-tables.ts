/**
 * The published tables as DuckDB-wasm sources for the Explore notebook.
 *
 * A page lists its tables as {name, file} with a literal FileAttachment each.
 * Arrow files go to DuckDB as they are. A JSON file holding an array of
 * objects becomes one table; from a JSON object, `array` names the property
 * holding the table's rows (without it, every property that holds an array of
 * objects becomes a table name_property), and `row` makes the object itself a
 * table of one row. A file is read once however many
 * tables it gives. JSON has no types, so each
 * column's type is inferred from its values: numbers → DOUBLE, true/false →
 * BOOLEAN, ISO dates → DATE (all at midnight UTC) or TIMESTAMP, anything else
 * → VARCHAR (objects as JSON text).
 */
import {Bool, DateDay, Float64, Table, TimestampMicrosecond, Utf8, vectorFromArray, type DataType} from "npm:apache-arrow";

/** What the page passes: a Framework FileAttachment (only the parts used here). */
export interface Attachment {
  name: string;
  json(): Promise<unknown>;
  url(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface TableEntry {
  /** The table's name in SQL (or the prefix of its tables, for a JSON object). */
  name: string;
  file: Attachment;
  /** For a JSON object: the property whose array is this table (default: every array of objects, as name_property). */
  array?: string;
  /** For a JSON object: the object itself is the table's one row (freshness.json). */
  row?: boolean;
  /** One line saying what a row is, shown in the table list. */
  about?: string;
}

/** A table the notebook offers, with the note the table list shows. */
export interface CatalogueEntry {
  name: string;
  about?: string;
  /** Why there is no table (an empty array has no columns to create). */
  missing?: string;
}

export interface Sources {
  /** name → a source DuckDBClient.of accepts (a FileAttachment or an Arrow table). */
  sources: Record<string, Attachment | Table>;
  catalogue: CatalogueEntry[];
}

/** Loads every entry: Arrow files pass through, JSON becomes typed Arrow tables. */
export async function tableSources(entries: readonly TableEntry[]): Promise<Sources> {
  const sources: Record<string, Attachment | Table> = {};
  const catalogue: CatalogueEntry[] = [];
  const read = new Map<string, Promise<unknown>>();
  for (const entry of entries) {
    if (!/\.json$/i.test(entry.file.name)) {
      sources[entry.name] = entry.file;
      catalogue.push({name: entry.name, about: entry.about});
      continue;
    }
    if (!read.has(entry.file.name)) read.set(entry.file.name, entry.file.json());
    const value = await read.get(entry.file.name)!;
    const parts: [string, unknown][] = Array.isArray(value)
      ? [[entry.name, value]]
      : entry.row
        ? [[entry.name, [value]]]
        : entry.array
        ? [[entry.name, (value as Record<string, unknown>)[entry.array]]]
        : Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => Array.isArray(v) && v.every(isRecord))
            .map(([key, v]) => [`${entry.name}_${key}`, v]);
    for (const [name, rows] of parts) {
      const table = Array.isArray(rows) ? jsonTable(rows.filter(isRecord)) : undefined;
      if (table) sources[name] = table;
      catalogue.push({name, about: entry.about, ...(table ? {} : {missing: "no rows in this build"})});
    }
  }
  return {sources, catalogue};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const isoDate = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Rows of plain objects as an Arrow table with a type per column; undefined when there are no columns. */
export function jsonTable(rows: readonly Record<string, unknown>[]): Table | undefined {
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (keys.length === 0) return undefined;
  const columns = Object.fromEntries(keys.map((key) => [key, column(rows.map((row) => row[key] ?? null))]));
  return new Table(columns);
}

function column(values: unknown[]) {
  const present = values.filter((v) => v !== null);
  const all = (test: (v: unknown) => boolean) => present.length > 0 && present.every(test);
  let type: DataType = new Utf8();
  let data: unknown[];
  if (all((v) => typeof v === "number")) (type = new Float64()), (data = values);
  else if (all((v) => typeof v === "boolean")) (type = new Bool()), (data = values);
  else if (all((v) => typeof v === "string" && isoDate.test(v) && !Number.isNaN(Date.parse(v)))) {
    const ms = values.map((v) => (v === null ? null : Date.parse(v as string)));
    const midnight = ms.every((t) => t === null || t % 86_400_000 === 0);
    type = midnight ? new DateDay() : new TimestampMicrosecond();
    data = midnight ? ms.map((t) => (t === null ? null : new Date(t))) : ms;
  } else data = values.map((v) => (v === null ? null : typeof v === "string" ? v : JSON.stringify(v)));
  return vectorFromArray(data as never[], type as never);
}
