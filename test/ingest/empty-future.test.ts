import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest} from "../../src/ingest/ingest.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";

const now = new Date("2026-11-01T12:00:00Z");
const orders = "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,c2,2026-11-08,20\no3,c2,2026-11-09,5\no4,c3,2999-12-31,7\n";

describe("ingest() rejects records dated in the future", () => {
  it("ingest() rejects dates more than maxDaysInFuture (default 7) after the load's day, and accepts those within it", async () => {
    const dir = tempTree({"orders.csv": orders});
    const path = join(dir, "w.duckdb");
    const report = await ingest(["orders.csv"], {cwd: dir, config: parseConfig({rejectThreshold: 1}), sources, warehouse: path, now});
    // Limit: 2026-11-01T12:00 + 7 days = 2026-11-08T12:00; o2 (2026-11-08 00:00) is inside it, o3 and o4 are not.
    expect(report.files[0]).toMatchObject({read: 4, accepted: 2, rejected: 2});
    const rejects = await withDuckDB((db) => db.all(`SELECT line::INTEGER AS line, "column", value, reason FROM _rejects ORDER BY line`), path);
    expect(rejects).toEqual([
      {line: 4, column: "ordered_at", value: "2026-11-09 00:00:00", reason: "in the future: after 2026-11-08 (the load's day 2026-11-01 + maxDaysInFuture 7)"},
      {line: 5, column: "ordered_at", value: "2999-12-31 00:00:00", reason: "in the future: after 2026-11-08 (the load's day 2026-11-01 + maxDaysInFuture 7)"}
    ]);
    const wide = await ingest(["orders.csv"], {cwd: dir, config: parseConfig({rejectThreshold: 1, maxDaysInFuture: 30}), sources, warehouse: null, now});
    expect(wide.files[0]).toMatchObject({accepted: 3, rejected: 1});
  });
});

describe("ingest() of an emptied export says what happened to its previous rows", () => {
  for (const [what, emptied] of [["a header only", "id,customer_id,ordered_at,amount\n"], ["0 bytes", ""]] as const) {
    it(`ingest({mirror}) of an export now holding ${what} keeps its rows by default and says so; "emptyExports": "remove" removes them`, async () => {
      const dir = tempTree({"data/orders.csv": orders.split("\n").slice(0, 3).join("\n") + "\n"});
      const path = join(dir, "w.duckdb");
      const run = async (config: unknown, force = false) => {
        const lines: string[] = [];
        const report = await ingest(["data"], {cwd: dir, config: parseConfig(config), sources, warehouse: path, now, mirror: true, force, log: (l) => lines.push(l)});
        return {report, log: lines.join("\n")};
      };
      await run({});
      writeFileSync(join(dir, "data/orders.csv"), emptied);
      const kept = await run({});
      expect(kept.report.files[0]).toMatchObject({read: 0, accepted: 0, rejected: 0, skipped: 0, empty: {previousRows: 2, kept: true}});
      expect(kept.log).toMatch(new RegExp(`orders\\.csv: WARNING the file is empty \\(${what}\\); its 2 rows from the previous load were kept`));
      const state = () =>
        withDuckDB(async (db) => ({
          orders: Number((await db.all<{n: bigint}>(`SELECT count(*) AS n FROM orders`))[0].n),
          note: (await db.all<{note: string}>(`SELECT note FROM _files WHERE path LIKE '%orders.csv'`))[0].note
        }), path);
      expect(await state()).toEqual({orders: 2, note: `empty (${what}): its 2 rows from the previous load were kept`});
      const removed = await run({emptyExports: "remove"}, true); // the file is unchanged: --force loads it again
      expect(removed.report.files[0].empty).toEqual({previousRows: 2, kept: false});
      expect(await state()).toEqual({orders: 0, note: `empty (${what}): its 2 rows from the previous load were removed`});
    });
  }
});
