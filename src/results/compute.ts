/**
 * Compute once: every published table (tables.ts) computed in one process from one read-only opening of
 * the warehouse, sharing what two tables need (ResultContext), and kept in the results store
 * (src/warehouse/results.ts) under the key of the warehouse, config and code. `rapport build` calls
 * computeResults after the ingest and before Framework runs, and puts the stored files in Framework's loader
 * cache, so their data loaders do not run (seedLoaderCache, src/cli/cache.ts; a loader that runs all the same
 * copies its stored file: publishTable, stored.ts, from the folder the build names in RAPPORT_RESULTS); a loader run
 * on its own (`rapport preview`, a test) whose result is not stored computes its table itself and stores it.
 *
 * The tables are computed in two lanes side by side, each on a DuckDB connection of its own (lanes). A lane
 * drops the temporary tables its tables share once their last reader is stored (temporaryTables).
 */
import {existsSync, readFileSync, statSync} from "node:fs";
import {totalmem} from "node:os";
import {join} from "node:path";
import {loadConfig, type RapportConfig} from "../config.js";
import {projectRoot, warehousePath} from "../paths.js";
import type {Database} from "../warehouse/duckdb.js";
import {readWarehouse} from "../warehouse/read.js";
import {complete, keyFile, resultsKey, resultsStore, storedElsewhere, tableKeys, type ResultsStore} from "../warehouse/results.js";
import {resultContext, type SharedMemo} from "./context.js";
import {dropTemporary, lanePrefetch, publishedTables, tableNames, tableReads, temporaryTables, type TableName} from "./tables.js";

/**
 * DuckDB's memory cap while computing results: 2 GB, so that the site build stays under 4 GB at a million
 * customers (DuckDB otherwise keeps up to 80% of the machine's memory in its buffer pool across the many
 * queries of one process); larger operators spill to disk. A large warehouse gets three times its file's
 * size, up to what a reader gets (a quarter of the RAM, src/warehouse/duckdb.ts): not every operator can
 * spill, and at ten million customers (a 1.9 GB warehouse) the scorecard's per-customer order lists
 * stopped the build at 2 GB ("Out of Memory Error: failed to allocate data of size 16.0 MiB (1.8 GiB/1.8 GiB
 * used)"). RAPPORT_DUCKDB_MEMORY_LIMIT (a DuckDB size, "8GB") overrides it.
 */
export function resultsMemoryLimit(warehouseBytes = 0, env: NodeJS.ProcessEnv = process.env, ramBytes = totalmem()): string {
  if (env.RAPPORT_DUCKDB_MEMORY_LIMIT) return env.RAPPORT_DUCKDB_MEMORY_LIMIT;
  const floor = 2 * 2 ** 30;
  const bytes = Math.max(floor, Math.min(3 * warehouseBytes, ramBytes / 4));
  return bytes === floor ? "2GB" : `${Math.floor(bytes / 2 ** 20)}MB`;
}

/**
 * The tables computed side by side with the rest, on a connection of their own: the CLV tables spend most
 * of their time fitting models in JavaScript (one core) while the others wait on DuckDB, so on two cores
 * the two lanes overlap. clv.json and groups.json share each group's CLV fit, so they share a lane (and its
 * memo); of what both lanes need, the values (the suppression patterns, the group pages, the metrics) are
 * computed once for both (ResultContext.shared). A temporary table belongs to one connection, so the parts of
 * the model lane's tables that read each customer's periods are computed by the other lane, which makes those
 * tables for its own (lanePrefetch, tables.ts), before its own tables.
 */
export const modelLane: readonly TableName[] = ["clv.json", "groups.json"];

/** The store of the warehouse opened as db at path, under the config the data loaders read. */
async function storeOf(db: Database, path: string, config: RapportConfig): Promise<{key: string; store: ResultsStore}> {
  const key = await resultsKey(db, path, {config, root: projectRoot});
  return {key, store: resultsStore(path, key)};
}

/**
 * Computes every published table of the warehouse at path that is not stored yet under its key, and stores
 * it: of the tables whose data loader is in the folder loaders (a site's reports/data; default every
 * table). A table whose own inputs (the warehouse tables it reads, tableReads; the config; the code) are
 * those of a table stored by an earlier refresh is copied from there instead (tableKeys). Returns the key,
 * what was computed and what was copied (nothing when nothing changed since the last computation).
 * Throws on the first table that fails: a build must not publish a site of half-computed tables.
 */
export async function computeResults(path: string, {log = (_: string) => {}, loaders}: {log?: (line: string) => void; loaders?: string} = {}): Promise<{key: string; computed: TableName[]; reused: TableName[]; seconds: number}> {
  const started = performance.now();
  const config = await loadConfig(projectRoot);
  return readWarehouse(async (db) => {
    const {key, store} = await storeOf(db, path, config);
    const published = loaders === undefined ? tableNames : tableNames.filter((name) => existsSync(join(loaders, `${name}.ts`)));
    const absent = published.filter((name) => !complete(store, [name]));
    if (absent.length === 0) return {key, computed: [], reused: [], seconds: 0};
    const keys = await tableKeys(db, Object.fromEntries(absent.map((name) => [name, tableReads[name]])), {config, root: projectRoot});
    const reused = absent.filter((name) => reuse(store, path, key, name, keys[name]));
    for (const name of reused) log(`results: ${name} copied from an earlier refresh (${tableReads[name].join(", ")} unchanged)`);
    const missing = absent.filter((name) => !reused.includes(name));
    const models = missing.filter((name) => modelLane.includes(name));
    const lanes = [models, missing.filter((name) => !modelLane.includes(name))].filter((lane) => lane.length);
    // What the other lane computes for the model lane before its own tables (lanePrefetch): when both lanes run.
    const prefetch = lanes.length === 2 ? models.flatMap((name) => lanePrefetch[name] ?? []) : [];
    // What both lanes need and is not a temporary table (the suppression patterns, the group pages): once for both.
    const shared: SharedMemo = new Map();
    const outcomes = await Promise.allSettled(
      lanes.map(async (lane, i) => {
        const laneDb = i === 0 ? db : await db.connect();
        try {
          const context = resultContext(laneDb, config, log, shared);
          if (i === 1 && prefetch.length) {
            const at = performance.now();
            for (const part of prefetch) await part(context);
            log(`results: the model lane's parts in ${((performance.now() - at) / 1000).toFixed(1)} s`);
            // A family none of this lane's own tables reads goes at once.
            for (const family of temporaryTables) if (!lane.some((name) => family.readers.includes(name))) await dropTemporary(laneDb, family, context.forget);
          }
          for (const [j, name] of lane.entries()) {
            const at = performance.now();
            keep(store, name, await publishedTables[name](context), keys[name]);
            log(`results: ${name} in ${((performance.now() - at) / 1000).toFixed(1)} s`);
            // Give the room of the temporary tables whose last reader in the lane this was to the tables after it.
            for (const family of temporaryTables) {
              if (family.readers.includes(name) && !lane.slice(j + 1).some((next) => family.readers.includes(next))) await dropTemporary(laneDb, family, context.forget);
            }
          }
        } finally {
          if (i > 0) (laneDb as Awaited<ReturnType<Database["connect"]>>).close();
        }
      })
    );
    // Both lanes end before the warehouse closes; the first failure fails the computation.
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    return {key, computed: missing, reused, seconds: (performance.now() - started) / 1000};
  }, path, {memoryLimit: resultsMemoryLimit(statSync(path).size)});
}

/**
 * Copies name into store from another generation of the warehouse at path (not the one of key) whose table had
 * the key tableKey of its own inputs, with that key beside it; whether there was one.
 */
function reuse(store: ResultsStore, path: string, key: string, name: TableName, tableKey: string): boolean {
  const earlier = storedElsewhere(path, key, name, tableKey);
  if (!earlier) return false;
  keep(store, name, readFileSync(earlier), tableKey);
  return true;
}

/** Stores a table, then the key of its own inputs beside it (a table without its key is never copied). */
function keep(store: ResultsStore, name: TableName, bytes: string | Uint8Array, tableKey: string): void {
  store.write(name, bytes);
  store.write(keyFile(name), tableKey);
}

/** Whether every table of the warehouse at path is stored under its current key. */
export async function resultsComplete(path: string): Promise<boolean> {
  const config = await loadConfig(projectRoot);
  return readWarehouse(async (db) => complete((await storeOf(db, path, config)).store, tableNames), path);
}

/**
 * A data loader's job outside `rapport build` (publishTable, stored.ts): writes the stored table to stdout,
 * computing (and storing) it first when the store does not have it under the current key, or copying it from an
 * earlier generation when what it reads did not change (tableKeys).
 */
export async function publish(name: TableName, path = warehousePath()): Promise<void> {
  const config = await loadConfig(projectRoot);
  const bytes = await readWarehouse(async (db) => {
    const {key, store} = await storeOf(db, path, config);
    const stored = store.read(name);
    if (stored) return stored;
    const {[name]: tableKey} = await tableKeys(db, {[name]: tableReads[name]}, {config, root: projectRoot});
    if (reuse(store, path, key, name, tableKey)) return store.read(name)!;
    const computed = await publishedTables[name](resultContext(db, config));
    keep(store, name, computed, tableKey);
    return computed;
  }, path, {memoryLimit: resultsMemoryLimit(statSync(path).size)});
  process.stdout.write(bytes);
}
