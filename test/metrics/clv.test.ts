import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest} from "../../src/ingest/ingest.js";
import {fitClv} from "../../src/metrics/clv.js";
import {parametersOf} from "../../src/models/purchases.js";
import {customerGroupsSql, customerProfileGroupsSql, rfmGroupsSql} from "../../src/metrics/rfm.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";
import {warehouseOf} from "../support/warehouse.js";

const root = new URL("../..", import.meta.url).pathname;

describe("fitClv on CDNOW (acceptance)", async () => {
  const path = `${tempTree({})}/cdnow.duckdb`;
  await ingest(["test/fixtures/cdnow/CDNOW_sample.txt"], {cwd: root, config: parseConfig({}), sources, warehouse: path});
  const result = await withDuckDB((db) => fitClv(db, {calibrationEnd: "1997-09-30", unit: "week"}), path);
  const sig3 = (x: number) => Number(x.toPrecision(3));

  it("fitClv(CDNOW sample, 39 weeks, weeks) reproduces BG/NBD r 0.243, α 4.41, a 0.793, b 2.43, LL −9582.4", () => {
    expect(result.customers).toBe(2357);
    expect(Object.values(parametersOf(result.purchases)).map(sig3)).toEqual([0.243, 4.41, 0.793, 2.43]);
    expect(Number(result.purchases.logLikelihood.toFixed(1))).toBe(-9582.4);
  });

  it("fitClv(CDNOW sample) reproduces Gamma-Gamma p 6.25, q 3.74, γ 15.44 on the 946 repeat customers (LL −4055.92)", () => {
    expect(result.gammaGamma).not.toBeNull();
    const {p, q, v, customers, logLikelihood} = result.gammaGamma!;
    expect(customers).toBe(946);
    expect([p, q].map(sig3)).toEqual([6.25, 3.74]);
    expect(Number(v.toFixed(2))).toBe(15.44);
    expect(Number(logLikelihood.toFixed(2))).toBe(-4055.92);
  });

  it("fitClv(CDNOW sample) compares the 39-week holdout: 1,882 actual repeat purchases, 334 by the 1,411 zero-repeat customers", () => {
    const holdout = result.holdout!;
    expect(holdout.length).toBe(39);
    expect(holdout.actual).toBe(1882);
    expect(holdout.byFrequency[0]).toMatchObject({x: 0, customers: 1411, actual: 334});
    expect(holdout.byFrequency[0].predicted / 1411).toBeCloseTo(0.225, 3);
    expect(holdout.predicted).toBeGreaterThan(1500);
    expect(holdout.predicted).toBeLessThan(1882);
  });
});

describe("rfmGroupsSql", () => {
  it("rfmGroupsSql(options) merges same-day purchases, ignores refunds and cancellations, and measures in the unit asked", async () => {
    const {path} = await warehouseOf({
      "orders.csv": [
        "id,customer_id,ordered_at,amount,status",
        "o1,c1,2024-01-01T09:00:00Z,10,completed",
        "o2,c1,2024-01-01T18:00:00Z,5,completed", // same day as o1: one purchase
        "o3,c1,2024-01-15T10:00:00Z,20,completed",
        "o4,c1,2024-01-20T10:00:00Z,99,refunded",
        "o5,c1,2024-02-05T10:00:00Z,30,completed", // after the calibration end: holdout
        "o6,c2,2024-01-29T10:00:00Z,7,completed",
        "o7,c3,2024-02-01T10:00:00Z,8,completed" // first purchase after the end: left out
      ].join("\n")
    });
    const days = await withDuckDB((db) => db.all(rfmGroupsSql({calibrationEnd: "2024-01-29", unit: "day"})), path);
    expect(days).toEqual([
      {x: 0, t_x: 0, T: 0, n: 1, holdout: 0, holdout_length: 7},
      {x: 1, t_x: 14, T: 28, n: 1, holdout: 1, holdout_length: 7}
    ]);
    const weeks = await withDuckDB((db) => db.all(rfmGroupsSql({calibrationEnd: "2024-01-29", unit: "week"})), path);
    expect(weeks[1]).toMatchObject({t_x: 2, T: 4, holdout_length: 1});
    // Weekly bins round 14 and 28 days to themselves, and c2's 0 to 0: the same groups.
    const binned = await withDuckDB((db) => db.all(rfmGroupsSql({calibrationEnd: "2024-01-26", unit: "day", binDays: 7})), path);
    expect(binned.map((g) => [g.x, g.t_x, g.T])).toEqual([[1, 14, 28]]); // T = 25 days rounds to 28; c2 starts after the end
  });
});

describe("customerProfileGroupsSql", () => {
  it("customerProfileGroupsSql(options) adds the first purchase's month, days since the last purchase and every breakdown to the RFM summary", async () => {
    const {path} = await warehouseOf({
      "customers.csv": ["id,created_at,segment,plan,region,channel", "c1,2024-01-01T00:00:00Z,SMB,basic,EMEA,organic", "c2,2024-01-02T00:00:00Z,Enterprise,,APAC,referral"].join("\n"),
      "orders.csv": [
        "id,customer_id,ordered_at,amount,status",
        "o1,c1,2024-01-01T09:00:00Z,10,completed",
        "o3,c1,2024-01-15T10:00:00Z,20,completed",
        "o6,c2,2024-02-03T10:00:00Z,7,completed",
        "o7,c2,2024-02-05T10:00:00Z,9,completed"
      ].join("\n")
    });
    const rows = await withDuckDB((db) => db.all<Record<string, unknown>>(customerProfileGroupsSql({unit: "day"})), path);
    expect(rows).toEqual([
      {cohort: new Date("2024-01-01"), segment: "SMB", plan: "basic", region: "EMEA", channel: "organic", x: 1, t_x: 14, T: 35, zbar: 20, days_since_last: 21, n: 1},
      {cohort: new Date("2024-02-01"), segment: "Enterprise", plan: "unknown", region: "APAC", channel: "referral", x: 1, t_x: 2, T: 2, zbar: 9, days_since_last: 0, n: 1}
    ]);
    // The same customers, grouped by one breakdown, as customerGroupsSql sees them.
    const bySegment = await withDuckDB((db) => db.all<Record<string, unknown>>(customerGroupsSql({unit: "day", by: "segment"})), path);
    expect(bySegment.map((r) => [r.group, r.x, r.t_x, r.T, r.zbar])).toEqual(rows.map((r) => [r.segment, r.x, r.t_x, r.T, r.zbar]).sort());
  });
});
