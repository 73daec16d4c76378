/**
 * The one place a DuckDB connection is opened and closed (Node side, via
 * @duckdb/node-api). Callers get a small query surface and never hold a
 * connection past their callback.
 */
import {DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk} from "@duckdb/node-api";
import {tmpdir, totalmem} from "node:os";
import {join} from "node:path";

export type Row = Record<string, unknown>;

export interface Database {
  /** Runs sql and returns its rows as plain JS objects (BIGINT as bigint: cast counts in SQL). */
  all<T = Row>(sql: string): Promise<T[]>;
  /** Runs sql for its effect. */
  run(sql: string): Promise<void>;
  readonly connection: DuckDBConnection;
  /**
   * Another connection to the same database, for queries that run while this one's do (DuckDB runs
   * each connection's queries side by side; temporary tables belong to the connection that made them).
   * Closed with the database, or earlier by close().
   */
  connect(): Promise<Database & {close(): void}>;
}

/**
 * Opens a database (in memory by default), passes it to f, and closes it
 * however f ends. readOnly lets several processes (Framework's data loaders)
 * read one warehouse file at once. memoryLimit (DuckDB's memory_limit, say
 * "2GB") caps what DuckDB holds; past it, operators spill to disk.
 */
export async function withDuckDB<T>(f: (db: Database) => Promise<T>, path = ":memory:", {readOnly = false, memoryLimit}: {readOnly?: boolean; memoryLimit?: string} = {}): Promise<T> {
  const instance = await DuckDBInstance.create(path, {...(readOnly ? {access_mode: "READ_ONLY"} : {}), ...duckdbSettings(path, {readOnly, memoryLimit})});
  // RAPPORT_TRACE_SQL=1 logs every statement with its time, to see where a slow load spends it
  // (RAPPORT_TRACE_SQL=full: the whole statement rather than its start).
  const trace = process.env.RAPPORT_TRACE_SQL ? traced : <R>(_: string, p: Promise<R>) => p;
  const open = new Set<DuckDBConnection>();
  const database = async (): Promise<Database & {close(): void}> => {
    const connection = await instance.connect();
    open.add(connection);
    return {
      connection,
      all: async <R,>(sql: string) => (await trace(sql, connection.runAndReadAll(sql))).getRowObjectsJS() as R[],
      run: async (sql: string) => void (await trace(sql, connection.run(sql))),
      connect: database,
      close: () => {
        if (open.delete(connection)) connection.closeSync();
      }
    };
  };
  try {
    return await f(await database());
  } finally {
    for (const connection of open) connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Runs sql and passes its rows to f a chunk (2,048 rows) at a time, so that a result of millions of
 * rows (every customer's name and e-mail, for the privacy check) is never held whole in memory.
 */
export async function eachRows<T = Row>(db: Database, sql: string, f: (rows: T[]) => void): Promise<void> {
  const result = await db.connection.stream(sql);
  for await (const rows of result.yieldRowObjectJs()) f(rows as T[]);
}

/**
 * Runs sql and passes its result to f a chunk (2,048 rows) at a time, as DuckDB's vectors: a reader that needs
 * only numbers takes them with getColumnVector(i).getItem(j), without the object per row (and its date and
 * string values) that eachRows makes.
 */
export async function eachChunk(db: Database, sql: string, f: (chunk: DuckDBDataChunk) => void): Promise<void> {
  const result = await db.connection.stream(sql);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) f(chunk);
}

let instances = 0;

/**
 * The settings every instance opens with, so that a large load spills to disk instead of growing
 * past the machine (ten million customers: 100 million orders, 8.6 GB of CSV).
 *
 * - memory_limit: DuckDB's own default is 80% of the RAM for each instance, and a build runs
 *   several at once (Framework's data loaders read the warehouse in processes of their own, next to
 *   Node's heaps), so a writer (one at a time: the ingest holds the lock) takes half the RAM and
 *   a reader a quarter, unless the caller names a limit (memoryLimit: the build's one process that
 *   computes the published tables, src/results/compute.ts, takes 2 GB, more for a large warehouse).
 *   Operators past it spill to temp_directory. RAPPORT_DUCKDB_MEMORY_LIMIT (DuckDB's units: "6GB", "500MB") overrides both.
 * - temp_directory: DuckDB's default for a file is `<file>.tmp`, shared by every process that opens
 *   it, whose spill files are named alike; so each instance spills into a folder of its own, next to
 *   the database (`<file>.tmp-<pid>-<n>`, in the temporary folder for an in-memory one), which DuckDB
 *   removes on close. RAPPORT_DUCKDB_TEMP names the parent folder instead.
 * - threads: RAPPORT_DUCKDB_THREADS, else DuckDB's default (one a core).
 */
export function duckdbSettings(path: string, {readOnly = false, memoryLimit}: {readOnly?: boolean; memoryLimit?: string} = {}, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const share = readOnly ? 0.25 : 0.5;
  const name = `${path === ":memory:" ? "rapport-duckdb" : ""}.tmp-${process.pid}-${++instances}`;
  const folder = env.RAPPORT_DUCKDB_TEMP ? join(env.RAPPORT_DUCKDB_TEMP, name.replace(/^\./, "")) : path === ":memory:" ? join(tmpdir(), name) : `${path}${name}`;
  return {
    memory_limit: env.RAPPORT_DUCKDB_MEMORY_LIMIT || memoryLimit || `${Math.max(256, Math.floor((totalmem() * share) / 2 ** 20))}MiB`,
    temp_directory: folder,
    // RAPPORT_DUCKDB_THREADS=1: one thread, so sums of doubles add up in one order and a run is
    // reproducible to the bit (test/reports/published.test.ts).
    ...(env.RAPPORT_DUCKDB_THREADS ? {threads: env.RAPPORT_DUCKDB_THREADS} : {})
  };
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
