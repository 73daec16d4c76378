import {cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it, vi} from "vitest";
import {sources} from "../../loaders/index.js";
import {loadConfig, parseConfig} from "../../src/config.js";
import {ingest} from "../../src/ingest/ingest.js";
import {projectRoot} from "../../src/paths.js";
import {computeResults, publish} from "../../src/results/compute.js";
import {resultContext} from "../../src/results/context.js";
import {dropTemporary, publishedTables, tableNames, tableReads, temporaryTables} from "../../src/results/tables.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {keyFile, resultsRoot, resultsStore, tableFingerprints} from "../../src/warehouse/results.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {repo, sampleWarehouse} from "../support/published.js";
import {recordingDatabase, tablesRead} from "../support/reads.js";

// One DuckDB thread, as test/reports/published.test.ts: tables computed twice are compared byte for byte.
process.env.RAPPORT_DUCKDB_THREADS = "1";

describe("what each published table reads, and a refresh that copies the tables whose inputs did not change", () => {
  it("tablesRead finds the tables named after FROM or JOIN, quoted or not, and nothing else", () => {
    const tables = ["orders", "customers", "returns", "tickets", "_files"];
    const sql = [
      `SELECT count(*) AS orders FROM "orders" o JOIN main.customers c ON c.id = o.customer_id`,
      `CREATE TEMP TABLE _x AS SELECT * FROM _files WHERE path <> 'tickets'`,
      `SELECT returns FROM orders_view`
    ];
    expect(tablesRead(sql, tables)).toEqual(["_files", "customers", "orders"]);
  });

  it("each table, computed alone on the sample, reads exactly the warehouse tables tableReads names", async () => {
    const {warehouse} = await sampleWarehouse();
    const config = await loadConfig(projectRoot);
    const observed: Record<string, string[]> = {};
    await readWarehouse(async (db) => {
      const base = (await db.all<{name: string}>(`SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary`)).map((r) => r.name);
      for (const name of tableNames) {
        const sql: string[] = [];
        const context = resultContext(recordingDatabase(db, sql), config, () => {});
        await publishedTables[name](context);
        for (const family of temporaryTables) await dropTemporary(db, family, context.forget);
        observed[name] = tablesRead(sql, base);
      }
    }, warehouse);
    expect(observed).toEqual(Object.fromEntries(tableNames.map((name) => [name, [...tableReads[name]].sort()])));
  }, 240_000);

  it("tableFingerprints changes with a table's rows (one more, one fewer, one changed, one repeated) and not with their order", async () => {
    const fingerprint = (sql: string) =>
      withDuckDB(async (db) => {
        await db.run(sql);
        return (await tableFingerprints(db, ["t"])).t;
      });
    const base = await fingerprint(`CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(id, s)`);
    expect(await fingerprint(`CREATE TABLE t AS SELECT * FROM (VALUES (2, 'b'), (1, 'a')) v(id, s)`)).toBe(base);
    for (const sql of [
      `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) v(id, s)`,
      `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a')) v(id, s)`,
      `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a'), (2, 'c')) v(id, s)`,
      `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (2, 'b')) v(id, s)`,
      `CREATE TABLE t AS SELECT id, s::BLOB AS s FROM (VALUES (1, 'a'), (2, 'b')) v(id, s)`
    ]) {
      expect([sql, await fingerprint(sql)]).not.toEqual([sql, base]);
    }
  });

  it("after a new NPS export, computeResults copies every table that does not read the NPS answers and computes the rest, with the bytes of a computation from scratch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rapport-reuse-"));
    const data = join(dir, "data");
    cpSync(join(repo, "data", "sample"), data, {recursive: true});
    const warehouse = join(dir, "warehouse.duckdb");
    const load = (at: string) => ingest([data], {cwd: repo, config: parseConfig({}), sources, warehouse, mirror: true, now: new Date(at)});
    const tables = (key: string) => new Map(tableNames.map((name) => [name, resultsStore(warehouse, key).read(name)!]));
    try {
      await load("2026-11-01T00:00:00Z");
      const first = await computeResults(warehouse);
      expect(first.computed.sort()).toEqual([...tableNames].sort());
      expect(first.reused).toEqual([]);
      const before = tables(first.key);

      // The survey tool's export loses its last 40 answers; nothing else changes.
      const nps = join(data, "nps_responses.csv");
      const lines = readFileSync(nps, "utf-8").trimEnd().split("\n");
      writeFileSync(nps, lines.slice(0, -40).join("\n") + "\n");
      await load("2026-11-02T00:00:00Z");
      const second = await computeResults(warehouse);
      const unchanged = tableNames.filter((name) => !(tableReads[name] as readonly string[]).includes("nps_responses") && !(tableReads[name] as readonly string[]).includes("_files"));
      expect(unchanged.length).toBeGreaterThan(5);
      expect(second.reused.sort()).toEqual([...unchanged].sort());
      expect(second.computed.sort()).toEqual(tableNames.filter((name) => !unchanged.includes(name)).sort());
      const after = tables(second.key);
      // The answers mattered: every table that reads them changed.
      for (const name of tableNames.filter((n) => (tableReads[n] as readonly string[]).includes("nps_responses"))) expect([name, after.get(name)!.equals(before.get(name)!)]).toEqual([name, false]);
      // Each table, computed or copied, has the key of its own inputs beside it, the same as before for a copied one.
      const keyOf = (key: string, name: string) => readFileSync(join(resultsRoot(warehouse), key, keyFile(name)), "utf-8");
      for (const name of tableNames) expect([name, keyOf(second.key, name) === keyOf(first.key, name)]).toEqual([name, unchanged.includes(name)]);

      // A data loader run alone (rapport preview) whose table is not stored copies it too, key and all.
      const folder = join(resultsRoot(warehouse), second.key);
      expect(unchanged).toContain("retention.arrow");
      rmSync(join(folder, "retention.arrow"));
      rmSync(join(folder, keyFile("retention.arrow")));
      const written: Buffer[] = [];
      const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(Buffer.from(chunk)), true));
      const compute = vi.spyOn(publishedTables, "retention.arrow").mockRejectedValue(new Error("computed, not copied"));
      try {
        await publish("retention.arrow", warehouse);
      } finally {
        write.mockRestore();
        compute.mockRestore();
      }
      expect(Buffer.concat(written).equals(before.get("retention.arrow")!)).toBe(true);
      expect(keyOf(second.key, "retention.arrow")).toBe(keyOf(first.key, "retention.arrow"));

      // From scratch: the same bytes for every table, copied or computed.
      rmSync(resultsRoot(warehouse), {recursive: true, force: true});
      const scratch = await computeResults(warehouse);
      expect(scratch.reused).toEqual([]);
      const fresh = tables(scratch.key);
      for (const name of tableNames) expect([name, after.get(name)!.equals(fresh.get(name)!)]).toEqual([name, true]);
      expect(readdirSync(resultsRoot(warehouse))).toEqual([scratch.key]);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  }, 480_000);
});
