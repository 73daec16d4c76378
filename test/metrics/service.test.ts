import {describe, expect, it} from "vitest";
import {cumulativeRevenueSql} from "../../src/metrics/historical.js";
import {npsAfterServiceSql, serviceSql} from "../../src/metrics/service.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

const files = {
  "customers.csv": "id,created_at,segment\nc1,2026-01-01,SMB\nc2,2026-01-01,SMB\nc3,2026-01-01,Enterprise\n",
  "orders.csv": [
    "id,customer_id,ordered_at,amount,status",
    "o1,c1,2026-01-02,100,completed",
    "o2,c2,2026-01-03,50,completed",
    "o3,c1,2026-02-02,30,completed",
    "o4,c3,2026-02-05,20,completed",
    "o5,c2,2026-02-06,999,refunded",
    "o6,c3,2026-03-31,10,completed"
  ].join("\n"),
  "tickets.csv": [
    "id,customer_id,opened_at,first_response_at,resolved_at,channel,csat",
    "t1,c1,2026-01-10T00:00:00Z,2026-01-10T02:00:00Z,2026-01-11T00:00:00Z,email,5",
    "t2,c2,2026-01-12T00:00:00Z,2026-01-13T06:00:00Z,2026-01-14T00:00:00Z,email,2",
    "t3,c3,2026-01-15T00:00:00Z,2026-01-15T04:00:00Z,,chat,",
    "t4,c1,2026-02-01T00:00:00Z,,,email,"
  ].join("\n"),
  "nps_responses.csv": "id,customer_id,responded_at,score\nn1,c1,2026-01-20,10\nn2,c2,2026-01-20,3\nn3,c3,2026-01-20,9\nn4,c3,2026-06-01,8\n"
};

describe("serviceSql", () => {
  it("serviceSql({period}) gives median and p90 response and resolution hours, CSAT and its response rate", async () => {
    const {path} = await warehouseOf(files);
    const [jan, feb] = await withDuckDB((db) => db.all<Record<string, unknown>>(serviceSql({period: "month"})), path);
    expect(jan).toMatchObject({tickets: 3, firstResponseMedian: 4, ratings: 2, csatMean: 3.5, csatSatisfied: 0.5, csatResponseRate: 1, resolutionMedian: 36});
    expect(jan.firstResponseP90).toBeCloseTo(24.8, 10); // quantile_cont of [2, 4, 30] at 0.9 = 4 + 0.8 × 26
    expect(feb).toMatchObject({tickets: 1, firstResponseMedian: null, ratings: 0, csatResponseRate: null});
  });

  it("npsAfterServiceSql() classes responses by the latest ticket's first response in the 60 days before", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(npsAfterServiceSql({slowHours: 24})), path);
    expect(rows).toEqual([
      {group: "fast", promoters: 2, passives: 0, detractors: 0},
      {group: "no recent ticket", promoters: 0, passives: 1, detractors: 0},
      {group: "slow", promoters: 0, passives: 0, detractors: 1}
    ]);
  });
});

describe("cumulativeRevenueSql", () => {
  it("cumulativeRevenueSql() accumulates a cohort's net revenue per customer month by month", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all(cumulativeRevenueSql()), path);
    expect(rows.map((r) => [(r.cohort as Date).toISOString().slice(0, 7), r.months, r.customers, r.cumulativePerCustomer])).toEqual([
      ["2026-01", 0, 2, 75],
      ["2026-01", 1, 2, 90],
      ["2026-01", 2, 2, 90],
      ["2026-02", 0, 1, 20],
      ["2026-02", 1, 1, 30]
    ]);
  });
});

