import {describe, expect, it} from "vitest";
import {loadConfig} from "../../src/config.js";
import {projectRoot} from "../../src/paths.js";
import {resultContext} from "../../src/results/context.js";
import {modelLane} from "../../src/results/compute.js";
import {dropTemporary, lanePrefetch, publishedTables, tableNames, temporaryTables} from "../../src/results/tables.js";
import type {Database} from "../../src/warehouse/duckdb.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {sampleWarehouse} from "../support/published.js";

/** The temporary tables (and views, when asked) on db's connection whose names start with prefix. */
const temporary = async (db: Database, prefix: string, {views = false} = {}) =>
  (
    await db.all<{name: string}>(
      `SELECT table_name AS name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, '${prefix}')
       ${views ? `UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal AND starts_with(view_name, '${prefix}')` : ""} ORDER BY 1`
    )
  ).map((r) => r.name);

// One DuckDB thread, as test/reports/published.test.ts: with several, sums of doubles (clv.json's) may differ in their
// last bits from run to run, and the second computation of a table is compared byte for byte with the first.
process.env.RAPPORT_DUCKDB_THREADS = "1";

describe("temporary tables shared by the published tables, dropped when no table needs them", () => {
  it("temporaryTables names exactly the readers of each family (each table computed alone), and drop removes the family", async () => {
    const {warehouse} = await sampleWarehouse();
    const config = await loadConfig(projectRoot);
    const readers = new Map(temporaryTables.map((f) => [f.prefix, [] as string[]]));
    await readWarehouse(async (db) => {
      for (const name of tableNames) {
        const context = resultContext(db, config, () => {});
        await publishedTables[name](context);
        for (const family of temporaryTables) {
          const {prefix} = family;
          if ((await temporary(db, prefix)).length) readers.get(prefix)!.push(name);
          await dropTemporary(db, family, context.forget);
          expect(await temporary(db, prefix, {views: true})).toEqual([]);
        }
      }
      // No other temporary table or view outlives the table that made it.
      expect(await temporary(db, "", {views: true})).toEqual([]);
    }, warehouse);
    for (const {prefix, readers: declared} of temporaryTables) expect([prefix, readers.get(prefix)!.sort()]).toEqual([prefix, [...declared].sort()]);
  }, 240_000);

  it("the model lane's tables, their parts computed on another connection (lanePrefetch), make no _activity_ table and give the same bytes", async () => {
    const {warehouse} = await sampleWarehouse();
    const config = await loadConfig(projectRoot);
    await readWarehouse(async (db) => {
      const alone = new Map<string, Buffer>();
      for (const name of modelLane) {
        const context = resultContext(db, config, () => {});
        alone.set(name, Buffer.from(await publishedTables[name](context)));
        for (const family of temporaryTables) await dropTemporary(db, family, context.forget);
      }
      // As computeResults runs them: the other lane's context, on a connection of its own, computes the parts first.
      const shared = new Map<string, Promise<unknown>>();
      const other = await db.connect();
      try {
        const otherContext = resultContext(other, config, () => {}, shared);
        for (const name of modelLane) await lanePrefetch[name]!(otherContext);
        const context = resultContext(db, config, () => {}, shared);
        for (const name of modelLane) {
          expect([name, Buffer.from(await publishedTables[name](context)).equals(alone.get(name)!)]).toEqual([name, true]);
        }
        expect(await temporary(db, "_activity_")).toEqual([]);
      } finally {
        other.close();
      }
    }, warehouse);
  }, 240_000);

  it("a dropped table is made again when a later table asks (the memo forgets it), with the same result", async () => {
    const {warehouse} = await sampleWarehouse();
    const config = await loadConfig(projectRoot);
    await readWarehouse(async (db) => {
      const context = resultContext(db, config, () => {});
      for (const [name, prefix, made] of [
        ["churn.json", "_activity_", ["_activity_firsts", "_activity_steps_month", "_activity_steps_quarter", "_activity_steps_week"]],
        ["scorecard.json", "_scorecard_", ["_scorecard_days"]],
        ["clv.json", "_clv_", ["_clv_all", "_clv_cal"]]
      ] as const) {
        const first = await publishedTables[name](context);
        expect(await temporary(db, prefix)).toEqual(made);
        await dropTemporary(db, temporaryTables.find((f) => f.prefix === prefix)!, context.forget);
        expect(await temporary(db, prefix)).toEqual([]);
        expect(Buffer.from(await publishedTables[name](context)).equals(Buffer.from(first))).toBe(true);
      }
    }, warehouse);
  }, 120_000);
});
