/** src/warehouse/duckdb.ts: every instance has a memory limit and a spill folder of its own. */
import {existsSync, mkdtempSync, readdirSync} from "node:fs";
import {tmpdir, totalmem} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {duckdbSettings, eachRows, withDuckDB} from "../../src/warehouse/duckdb.js";

describe("duckdbSettings(path, {readOnly}, env)", () => {
  it("duckdbSettings() gives a writer half the RAM and a reader a quarter, each spilling into a folder of its own beside the file", () => {
    const mib = (s: string) => Number(/^(\d+)MiB$/.exec(s)![1]);
    const writer = duckdbSettings("/w/warehouse.duckdb", {}, {});
    const reader = duckdbSettings("/w/warehouse.duckdb", {readOnly: true}, {});
    const other = duckdbSettings("/w/warehouse.duckdb", {readOnly: true}, {});
    expect(mib(writer.memory_limit)).toBe(Math.floor(totalmem() / 2 / 2 ** 20));
    expect(mib(reader.memory_limit)).toBe(Math.floor(totalmem() / 4 / 2 ** 20));
    expect(reader.temp_directory).toMatch(new RegExp(`^/w/warehouse\\.duckdb\\.tmp-${process.pid}-\\d+$`));
    expect(other.temp_directory).not.toBe(reader.temp_directory);
    expect(duckdbSettings(":memory:", {}, {}).temp_directory.startsWith(join(tmpdir(), `rapport-duckdb.tmp-${process.pid}-`))).toBe(true);
    expect(writer.threads).toBeUndefined();
  });

  it("duckdbSettings() takes RAPPORT_DUCKDB_MEMORY_LIMIT, RAPPORT_DUCKDB_TEMP and RAPPORT_DUCKDB_THREADS from the environment", () => {
    const s = duckdbSettings("/w/warehouse.duckdb", {}, {RAPPORT_DUCKDB_MEMORY_LIMIT: "3GB", RAPPORT_DUCKDB_TEMP: "/spill", RAPPORT_DUCKDB_THREADS: "1"});
    expect(s.memory_limit).toBe("3GB");
    expect(s.temp_directory).toMatch(new RegExp(`^/spill/tmp-${process.pid}-\\d+$`));
    expect(s.threads).toBe("1");
  });

  it("withDuckDB(f, path) sorts past its memory limit by spilling, and removes its spill folder on close", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rapport-spill-"));
    const before = process.env.RAPPORT_DUCKDB_MEMORY_LIMIT;
    process.env.RAPPORT_DUCKDB_MEMORY_LIMIT = "64MB";
    const seen = new Set<string>();
    try {
      const rows = await withDuckDB(async (db) => {
        const [{limit}] = await db.all<{limit: string}>("SELECT current_setting('memory_limit') AS limit");
        expect(limit).toBe("61.0 MiB");
        const timer = setInterval(() => readdirSync(dir).forEach((f) => seen.add(f)), 5);
        try {
          // About 200 MB of strings to sort: more than the limit.
          return await db.all<{n: number; first: string}>(
            "SELECT count(*)::INTEGER AS n, min(s) AS first FROM (SELECT s FROM (SELECT md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS s FROM range(2000000)) ORDER BY s OFFSET 1)"
          );
        } finally {
          clearInterval(timer);
        }
      }, join(dir, "w.duckdb"));
      expect(rows).toEqual([{n: 1999999, first: expect.any(String)}]);
      expect([...seen].some((f) => /^w\.duckdb\.tmp-\d+-\d+$/.test(f))).toBe(true);
      expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
      expect(existsSync(join(dir, "w.duckdb"))).toBe(true);
    } finally {
      if (before === undefined) delete process.env.RAPPORT_DUCKDB_MEMORY_LIMIT;
      else process.env.RAPPORT_DUCKDB_MEMORY_LIMIT = before;
    }
  });
});

describe("eachRows(db, sql, f)", () => {
  it("eachRows(db, sql, f) passes every row of the result once, in order, a chunk of at most 2,048 rows at a time", async () => {
    const sizes: number[] = [];
    let sum = 0;
    let next = 0;
    await withDuckDB((db) =>
      eachRows<{i: number; s: string}>(db, "SELECT range::INTEGER AS i, 'r' || range AS s FROM range(5000)", (rows) => {
        sizes.push(rows.length);
        for (const {i, s} of rows) {
          expect(i).toBe(next++);
          expect(s).toBe(`r${i}`);
          sum += i;
        }
      })
    );
    expect(sum).toBe((4999 * 5000) / 2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5000);
  });
});
