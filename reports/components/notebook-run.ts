/**
 * Running one cell's SQL in DuckDB-wasm: rows as plain objects (dates as Date,
 * big integers and decimals as numbers, lists and structs as JSON text), the
 * kind of each column for the quick chart, the time taken, and at most `cap`
 * rows however many the query makes. A run can be stopped.
 */
import {DataType, type Field, type Schema} from "npm:apache-arrow";
import type {ColumnKind, ResultColumn} from "./notebook-chart.js";

interface Batch {
  schema: Schema;
  numRows: number;
  getChildAt(i: number): {get(i: number): unknown} | null;
}

/** The parts of a DuckDB-wasm connection a run uses. */
interface Connection {
  send(sql: string): Promise<AsyncIterator<Batch> & {schema?: Schema}>;
  cancelSent(): Promise<boolean>;
  close(): Promise<void>;
}

/** Framework's DuckDBClient keeps the AsyncDuckDB it wraps as `_db`. */
export interface Client {
  _db: {connect(): Promise<Connection>};
}

export interface Result {
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  /** True when the query made more rows than were kept. */
  capped: boolean;
  ms: number;
}

export interface Run {
  result: Promise<Result>;
  /** Asks DuckDB to stop the query; the result then rejects. */
  stop(): void;
}

export function columnKind(type: DataType): ColumnKind {
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return "time";
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return "number";
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isBool(type)) return "category";
  return "other";
}

function convert(kind: ColumnKind): (v: unknown) => unknown {
  if (kind === "time") return (v) => (v == null ? null : new Date(Number(v)));
  if (kind === "number") return (v) => (v == null ? null : Number(v));
  if (kind === "category") return (v) => v ?? null;
  return (v) => (v == null ? null : typeof v === "object" && "toJSON" in v ? JSON.stringify(v, (_, x) => (typeof x === "bigint" ? Number(x) : x)) : String(v));
}

function typeName(field: Field): string {
  return String(field.type);
}

/** Sends the SQL and reads at most `cap` rows of its result. */
export function runSql(client: Client, sql: string, {cap = 10_000} = {}): Run {
  let stop = () => {};
  let stopped = false;
  const result = (async () => {
    const start = performance.now();
    const connection = await client._db.connect();
    stop = () => {
      stopped = true;
      void connection.cancelSent();
    };
    try {
      const reader = await connection.send(sql);
      let next = await reader.next();
      // A statement with no result (SET, CREATE) may bring no schema at all.
      const fields = (reader.schema ?? (next.done ? undefined : next.value.schema))?.fields ?? [];
      const seen = new Map<string, number>();
      // Two columns may share a name (SELECT 1, 1); rows are objects, so the second becomes name_2.
      const names = fields.map((f) => {
        const n = (seen.get(f.name) ?? 0) + 1;
        seen.set(f.name, n);
        return n === 1 ? f.name : `${f.name}_${n}`;
      });
      const columns = fields.map((f, i) => ({name: names[i], kind: columnKind(f.type), type: typeName(f)}));
      const converters = columns.map((c) => convert(c.kind));
      const rows: Record<string, unknown>[] = [];
      let capped = false;
      for (; !next.done; next = await reader.next()) {
        const batch = next.value;
        const vectors = fields.map((_, i) => batch.getChildAt(i));
        for (let r = 0; r < batch.numRows; r++) {
          if (rows.length === cap) {
            capped = true;
            break;
          }
          const row: Record<string, unknown> = {};
          names.forEach((name, i) => (row[name] = converters[i](vectors[i]?.get(r))));
          rows.push(row);
        }
        if (capped || stopped) break;
      }
      if (capped) await connection.cancelSent().catch(() => false);
      if (stopped) throw new Error("stopped");
      return {columns, rows, capped, ms: performance.now() - start};
    } catch (error) {
      if (stopped) throw new Error("Stopped before the query finished.");
      throw error;
    } finally {
      await connection.close();
    }
  })();
  return {result, stop: () => stop()};
}

/** DuckDB's message for a failed run, without the worker's stack. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error:\s*/, "").trim() || "The query failed.";
}
