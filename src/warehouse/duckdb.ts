/**
 * The one place a DuckDB connection is opened and closed (Node side, via
 * @duckdb/node-api). Callers get a small query surface and never hold a
 * connection past their callback.
 */
import {DuckDBInstance, type DuckDBConnection} from "@duckdb/node-api";

export type Row = Record<string, unknown>;

export interface Database {
  /** Runs sql and returns its rows as plain JS objects (BIGINT as bigint: cast counts in SQL). */
  all<T = Row>(sql: string): Promise<T[]>;
  /** Runs sql for its effect. */
  run(sql: string): Promise<void>;
  readonly connection: DuckDBConnection;
}

/**
 * Opens a database (in memory by default), passes it to f, and closes it
 * however f ends. readOnly lets several processes (Framework's data loaders)
 * read one warehouse file at once. memoryLimit (DuckDB's memory_limit, say
 * "2GB") caps what DuckDB holds; past it, operators spill to disk.
 */
export async function withDuckDB<T>(f: (db: Database) => Promise<T>, path = ":memory:", {readOnly = false, memoryLimit}: {readOnly?: boolean; memoryLimit?: string} = {}): Promise<T> {
  // RAPPORT_DUCKDB_THREADS=1: one thread, so sums of doubles add up in one order and a run is reproducible to the bit (test/reports/published.test.ts).
  const options: Record<string, string> = {};
  if (readOnly) options.access_mode = "READ_ONLY";
  if (memoryLimit) options.memory_limit = memoryLimit;
  if (process.env.RAPPORT_DUCKDB_THREADS) options.threads = process.env.RAPPORT_DUCKDB_THREADS;
  const instance = await DuckDBInstance.create(path, options);
  const connection = await instance.connect();
  // RAPPORT_TRACE_SQL=1 logs every statement with its time, to see where a slow load spends it
  // (RAPPORT_TRACE_SQL=full: the whole statement rather than its start).
  const trace = process.env.RAPPORT_TRACE_SQL ? traced : <R>(_: string, p: Promise<R>) => p;
  try {
    return await f({
      connection,
      all: async <R,>(sql: string) => (await trace(sql, connection.runAndReadAll(sql))).getRowObjectsJS() as R[],
      run: async (sql: string) => void (await trace(sql, connection.run(sql)))
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function traced<R>(sql: string, run: Promise<R>): Promise<R> {
  const started = performance.now();
  try {
    return await run;
  } finally {
    process.stderr.write(`sql ${(performance.now() - started).toFixed(0).padStart(6)} ms  ${sql.replace(/\s+/g, " ").slice(0, process.env.RAPPORT_TRACE_SQL === "full" ? undefined : 110)}\n`);
  }
}

/** Quotes a string as a SQL literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
