import {describe, expect, it} from "vitest";
import {churnSql, cohortSql, repeatRateSql} from "../../src/metrics/retention.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

// Three customers. a: Jan, Feb, Apr. b: Jan, refund in Feb, Mar. c: first order Feb (cancelled in Jan).
// Data ends 2026-04-10, so April is incomplete.
const files = {
  "customers.csv": "id,created_at,channel\na,2026-01-01,organic\nb,2026-01-01,referral\nc,2026-01-01,organic\n",
  "orders.csv": [
    "id,customer_id,ordered_at,amount,status",
    "1,a,2026-01-05,100,completed",
    "2,a,2026-02-05,50,completed",
    "3,a,2026-04-10,20,completed",
    "4,b,2026-01-20,40,completed",
    "5,b,2026-02-10,40,refunded",
    "6,b,2026-03-01,10,completed",
    "7,c,2026-01-25,70,cancelled",
    "8,c,2026-02-14,30,completed"
  ].join("\n")
};

describe("cohortSql", () => {
  it("cohortSql({period: month}) gives the triangle: retention, windowed retention, revenue, churn, and the incomplete period", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(cohortSql({period: "month", minCohort: 2})), path);
    const view = rows.map((r) => [(r.cohort as Date).toISOString().slice(0, 7), r.k, r.customers, r.retained, r.windowed, r.revenue, r.churn, r.small, r.incomplete]);
    expect(view).toEqual([
      ["2026-01", 0, 2, 2, 2, 140, null, false, false], // windowed: January to March, both ordered in it
      ["2026-01", 1, 2, 1, null, 50, 0.5, false, false], // b's February order was refunded: not a purchase; February–April is not over
      ["2026-01", 2, 2, 1, null, 10, 1, false, false], // of those active in Feb (a), none bought in Mar; b came back
      ["2026-01", 3, 2, 1, null, 20, 1, false, true], // only a, in April, which is not over
      ["2026-02", 0, 1, 1, null, 30, null, true, false],
      ["2026-02", 1, 1, 0, null, 0, 1, true, false],
      ["2026-02", 2, 1, 0, null, 0, null, true, true]
    ]);
    expect(rows[1].rate).toBe(0.5);
    expect(rows[1].revenueRate).toBeCloseTo(50 / 140, 12);
  });

  it("cohortSql({period: quarter, by: channel}) splits cohorts by the customers' channel", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(cohortSql({period: "quarter", by: "channel"})), path);
    expect(rows.map((r) => [r.group, (r.cohort as Date).toISOString().slice(0, 7), r.k, r.customers, r.retained, r.small, r.incomplete])).toEqual([
      ["organic", "2026-01", 0, 2, 2, true, false],
      ["organic", "2026-01", 1, 2, 1, true, true],
      ["referral", "2026-01", 0, 1, 1, true, false],
      ["referral", "2026-01", 1, 1, 0, true, true]
    ]);
  });

  it("repeatRateSql(options) is the share of a cohort that ordered on a second day", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(repeatRateSql({period: "month"})), path);
    expect(rows.map((r) => [(r.cohort as Date).toISOString().slice(0, 7), r.customers, r.repeaters, r.repeatRate])).toEqual([
      ["2026-01", 2, 2, 1],
      ["2026-02", 1, 0, 0]
    ]);
  });
});

describe("mrrRetentionSql", () => {
  it("mrrRetentionSql({period: month}) gives net retention with expansion and gross retention without it", async () => {
    const {mrrRetentionSql} = await import("../../src/metrics/retention.js");
    const {path} = await warehouseOf({
      "orders.csv": "id,customer_id,ordered_at,amount\no1,a,2026-01-01,1\no2,b,2026-01-01,1\n",
      // a: 100 from January, upgraded to 150 in March. b: 50 from January, cancelled end of February.
      "subscriptions.csv": "id,customer_id,started_at,ended_at,mrr\ns1,a,2026-01-05,2026-03-01,100\ns2,a,2026-03-01,,150\ns3,b,2026-01-10,2026-02-20,50\n"
    });
    const rows = await withDuckDB((db) => db.all(mrrRetentionSql({period: "month"})), path);
    expect(rows.map((r) => [r.k, r.customers, r.mrr, r.nrr, r.grr])).toEqual([
      [0, 2, 150, 1, 1],
      [1, 2, 100, 100 / 150, 100 / 150],
      [2, 2, 150, 1, 100 / 150]
    ]);
  });

  it("cohortSql({period: month}) counts windowed retention over the same 3 months for every cell, and only once those months are over", async () => {
    // (2025, so that no order is in the future when the test runs: loads reject those.)
    // a: January and May; b: January and March; d, a December customer, ends the data on 2025-12-20.
    const {path} = await warehouseOf({
      "orders.csv": "id,customer_id,ordered_at,amount\n1,a,2025-01-05,10\n2,a,2025-05-05,10\n3,b,2025-01-10,10\n4,b,2025-03-10,10\n5,d,2025-12-20,10\n"
    });
    const rows = await withDuckDB((db) => db.all(cohortSql({period: "month", minCohort: 1})), path);
    const jan = rows.filter((r) => (r.cohort as Date).toISOString().startsWith("2025-01"));
    // By hand: k = 0 (Jan–Mar) a, b; 1 (Feb–Apr) b; 2 (Mar–May) a, b; 3 (Apr–Jun) a; 4 (May–Jul) a; 5–8 nobody;
    // 9 to 11 end in December or later, which is not over. The old "k or later" figure read 2 at k = 1 (a's May order).
    expect(jan.map((r) => r.windowed)).toEqual([2, 1, 2, 1, 1, 0, 0, 0, 0, null, null, null]);
    expect(jan[1].windowRate).toBe(0.5);
  });

  it("cohortSql on a single customer with a single order is a one-cell triangle", async () => {
    const {path} = await warehouseOf({"orders.csv": "id,customer_id,ordered_at,amount\no1,a,2026-01-15,10\n"});
    const rows = await withDuckDB((db) => db.all(cohortSql({period: "week"})), path);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({k: 0, customers: 1, retained: 1, rate: 1, windowed: null, revenue: 10, churn: null, small: true, incomplete: true});
  });
});

describe("churnSql", () => {
  it("churnSql({period, by}) counts the period before's buyers with no order now, per group, cancelled orders not counting", async () => {
    const {path} = await warehouseOf({
      "customers.csv": "id,created_at,segment\nc1,2026-01-01,SMB\nc2,2026-01-01,SMB\nc3,2026-01-01,Enterprise\n",
      "orders.csv": [
        "id,customer_id,ordered_at,amount,currency,status",
        "o1,c1,2026-01-05T10:00:00Z,10,USD,completed",
        "o2,c2,2026-01-06T10:00:00Z,10,USD,completed",
        "o3,c3,2026-01-07T10:00:00Z,10,USD,completed",
        "o4,c1,2026-02-05T10:00:00Z,10,USD,completed", // c1 stays; c2 and c3 lapse in February
        "o5,c2,2026-02-06T10:00:00Z,10,USD,cancelled",
        "o6,c2,2026-03-31T10:00:00Z,10,USD,completed" // c2 back in March; c1 lapses
      ].join("\n")
    });
    const rows = await withDuckDB((db) => db.all<{period: Date; group: string; buyers_before: number; lost: number; churn: number; incomplete: boolean}>(churnSql({period: "month", by: "segment"})), path);
    expect(rows.map((r) => [r.group, r.period.toISOString().slice(0, 7), r.buyers_before, r.lost, r.churn, r.incomplete])).toEqual([
      ["Enterprise", "2026-02", 1, 1, 1, false],
      ["SMB", "2026-02", 2, 1, 0.5, false],
      ["SMB", "2026-03", 1, 1, 1, false]
    ]);
    const all = await withDuckDB((db) => db.all<{buyers_before: number; lost: number}>(churnSql({period: "quarter"})), path);
    expect(all).toEqual([]); // one quarter of data: no quarter before it
  });
});
