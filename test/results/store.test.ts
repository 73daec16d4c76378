import {existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync} from "node:fs";
import {spawnSync} from "node:child_process";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {pruneResults, resultsKey, resultsRoot, resultsStore} from "../../src/warehouse/results.js";
import {tempTree} from "../support/fixtures.js";
import {projectRoot} from "../../src/paths.js";
import {resultsMemoryLimit} from "../../src/results/compute.js";

/** A warehouse with a _files table (one loaded export), and a code folder. */
async function fixture() {
  const dir = tempTree({"code/src/m.ts": "export const a = 1;\n", "code/package-lock.json": "{}"});
  const warehouse = join(dir, "w.duckdb");
  await withDuckDB(async (db) => {
    await db.run(`CREATE TABLE _files (path VARCHAR, sha256 VARCHAR, loaded_at TIMESTAMP)`);
    await db.run(`INSERT INTO _files VALUES ('orders.csv', 'abc', TIMESTAMP '2026-11-01 00:00:00')`);
  }, warehouse);
  const key = (config: unknown = {minGroupSize: 10}) => withDuckDB((db) => resultsKey(db, warehouse, {config, root: join(dir, "code")}), warehouse, {readOnly: true});
  return {dir, warehouse, key};
}

describe("results store", () => {
  it("resultsKey(db, path, {config, root}) is stable, and changes with the config, the warehouse and the code", async () => {
    const {dir, warehouse, key} = await fixture();
    const first = await key();
    expect(await key()).toBe(first);
    expect(await key({minGroupSize: 11})).not.toBe(first);
    utimesSync(warehouse, new Date("2026-01-02"), new Date("2026-01-02"));
    const touched = await key();
    expect(touched).not.toBe(first);
    // The code version is read once per process and root (a build does not change its own code).
    writeFileSync(join(dir, "code", "src", "m.ts"), "export const a = 2;\n");
    mkdirSync(join(dir, "code2", "src"), {recursive: true});
    writeFileSync(join(dir, "code2", "src", "m.ts"), "export const a = 2;\n");
    const other = await withDuckDB((db) => resultsKey(db, warehouse, {config: {minGroupSize: 10}, root: join(dir, "code2")}), warehouse, {readOnly: true});
    expect(other).not.toBe(touched);
  });

  it("resultsStore(path, key) writes whole files by rename and reads them back; pruneResults keeps one generation", async () => {
    const {warehouse, key} = await fixture();
    const k = await key();
    const store = resultsStore(warehouse, k);
    expect(store.read("nps.json")).toBeUndefined();
    store.write("nps.json", "[1,2]");
    expect(store.read("nps.json")!.toString()).toBe("[1,2]");
    expect(readdirSync(store.folder)).toEqual(["nps.json"]); // no temporary file left
    resultsStore(warehouse, "old").write("nps.json", "[0]");
    pruneResults(warehouse, k);
    expect(readdirSync(resultsRoot(warehouse))).toEqual([k]);
    expect(() => store.write("../escape", "x")).toThrow(/invalid result name/);
    expect(existsSync(join(resultsRoot(warehouse), "escape"))).toBe(false);
  });
});

describe("a data loader under rapport build", () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ["--import", "tsx", "reports/data/nps.json.ts"], {cwd: projectRoot, env: {...process.env, ...env}, encoding: "utf-8"});

  it("copies its table from the folder the build names in RAPPORT_RESULTS, without opening the warehouse", () => {
    const dir = tempTree({"results/nps.json": '[{"stored":42}]'});
    const r = run({RAPPORT_RESULTS: join(dir, "results"), RAPPORT_WAREHOUSE: join(dir, "no-such-warehouse.duckdb")});
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('[{"stored":42}]');
  });

  it("reads the warehouse when the folder lacks its table (and fails, naming it, when there is none)", () => {
    const dir = tempTree({"results/other.json": "[]"});
    const r = run({RAPPORT_RESULTS: join(dir, "results"), RAPPORT_WAREHOUSE: join(dir, "no-such-warehouse.duckdb")});
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no-such-warehouse.duckdb");
  });
});

describe("resultsMemoryLimit", () => {
  const GB = 2 ** 30;
  it("gives DuckDB 2 GB for a small warehouse, three times a large one's size, at most a quarter of the RAM, or what the environment says", () => {
    expect(resultsMemoryLimit(206e6, {}, 23.5 * GB)).toBe("2GB"); // a million customers
    expect(resultsMemoryLimit(2_005_413_888, {}, 23.5 * GB)).toBe("5737MB"); // ten million: 3 × 1.87 GiB
    expect(resultsMemoryLimit(4 * GB, {}, 23.5 * GB)).toBe("6016MB"); // a quarter of 23.5 GiB
    expect(resultsMemoryLimit(4 * GB, {}, 4 * GB)).toBe("2GB"); // never below 2 GB
    expect(resultsMemoryLimit(4 * GB, {RAPPORT_DUCKDB_MEMORY_LIMIT: "9GB"}, 23.5 * GB)).toBe("9GB");
  });
});
