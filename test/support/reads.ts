/**
 * Which warehouse tables a computation reads: a Database whose every statement (through all, run,
 * connect, or its DuckDB connection, as eachChunk streams) is recorded, and the names of the warehouse's
 * tables that the recorded SQL reads (after FROM or JOIN, quoted or not, with or without a schema).
 * Used by test/results/reads.test.ts to check tableReads (src/results/tables.ts).
 */
import type {Database} from "../../src/warehouse/duckdb.js";

/** A proxy of target whose methods record every string argument in sql (and wrap what connect() returns). */
function recording<T extends object>(target: T, sql: string[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (property === "connection" && value && typeof value === "object") return recording(value, sql);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        for (const arg of args) if (typeof arg === "string") sql.push(arg);
        const out = value.apply(object, args);
        if (property === "connect") return (out as Promise<object>).then((db) => recording(db, sql));
        return out;
      };
    }
  });
}

/** db, recording its statements into sql. */
export function recordingDatabase(db: Database, sql: string[]): Database {
  return recording(db, sql);
}

/** The names of tables (of those given) that the statements read: named after FROM or JOIN. */
export function tablesRead(statements: readonly string[], tables: readonly string[]): string[] {
  const text = statements.join("\n;\n");
  return tables.filter((name) => new RegExp(`\\b(?:FROM|JOIN)\\s+(?:"?main"?\\.)?"?${name}"?(?![\\w"])`, "i").test(text)).sort();
}
