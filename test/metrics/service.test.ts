import {describe, expect, it} from "vitest";
import {cumulativeRevenueSql} from "../../src/metrics/historical.js";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {npsAfterServiceSql, serviceSql} from "../../src/metrics/service.js";
import {kaplanMeier, survivalQuantile} from "../../src/metrics/survival.js";
import {projectRoot} from "../../src/paths.js";
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
  it("serviceSql({period}) gives Kaplan–Meier median and p90 hours, open tickets censored at the data's last moment, CSAT and its response rate", async () => {
    const {path} = await warehouseOf(files);
    const [jan, feb] = await withDuckDB((db) => db.all<Record<string, unknown>>(serviceSql({period: "month"})), path);
    // First answers 2, 4, 30 h: S = 2/3, 1/3, 0, so the median is 4 h and the 90th percentile 30 h (the old interpolated p90 was 24.8).
    expect(jan).toMatchObject({tickets: 3, firstResponseMedian: 4, firstResponseP90: 30, ratings: 2, csatMean: 3.5, csatSatisfied: 0.5, csatResponseRate: 1, unresolved: 1});
    // Solutions at 24 and 48 h, t3 still open at the last timestamp (t4 opened 2026-02-01): censored at 17 days = 408 h.
    // S(24) = 2/3, S(48) = 1/3: median 48 h (old, open ticket dropped: 36); the p90 is never reached: more than 408 h.
    expect(jan).toMatchObject({resolutionMedian: 48, resolutionP90: null, resolutionLongest: 408});
    expect(feb).toMatchObject({tickets: 1, firstResponseMedian: null, firstResponseLongest: 0, unanswered: 1, ratings: 0, csatResponseRate: null});
  });

  it("serviceSql({asOf}) censors at the given moment and ignores what happened after it", async () => {
    const {path} = await warehouseOf(files);
    const [jan] = await withDuckDB((db) => db.all<Record<string, unknown>>(serviceSql({period: "month", asOf: new Date("2026-01-13T00:00:00Z")})), path);
    // At Jan 13: t1 answered at 2 h; t2 (opened Jan 12) unanswered so far, censored at 24 h; t3 not opened yet. S(2) = 1/2: median 2 h, p90 more than 24 h.
    expect(jan).toMatchObject({tickets: 2, firstResponseMedian: 2, firstResponseP90: null, firstResponseLongest: 24, unanswered: 1, resolutionMedian: 24, unresolved: 1});
  });

  it("serviceSql equals kaplanMeier/survivalQuantile on every month and segment of the sample, and the scipy-free pandas reference for October 2026", async () => {
    const sample = (name: string) => readFileSync(join(projectRoot, "data", "sample", name), "utf-8");
    const {path} = await warehouseOf(Object.fromEntries(["customers.csv", "orders.csv", "tickets.csv"].map((f) => [f, sample(f)])));
    const {rows, tickets} = await withDuckDB(async (db) => ({
      rows: await db.all<Record<string, unknown> & {period: Date; group: string}>(serviceSql({period: "month", by: "segment"})),
      tickets: await db.all<{period: Date; group: string; fr: number | null; res: number | null; followed: number}>(
        `SELECT date_trunc('month', t.opened_at)::DATE AS period, coalesce(c.segment, 'unknown') AS "group",
           date_diff('second', t.opened_at, t.first_response_at) / 3600.0 AS fr, date_diff('second', t.opened_at, t.resolved_at) / 3600.0 AS res,
           date_diff('second', t.opened_at, (SELECT max(greatest(opened_at, coalesce(first_response_at, opened_at), coalesce(resolved_at, opened_at))) FROM tickets)) / 3600.0 AS followed
         FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id`
      )
    }), path);
    let compared = 0;
    for (const row of rows) {
      const mine = tickets.filter((t) => +t.period === +row.period && t.group === row.group);
      for (const [what, key] of [["firstResponse", "fr"], ["resolution", "res"]] as const) {
        const steps = kaplanMeier(mine.map((t) => t[key] ?? t.followed), mine.map((t) => t[key] != null));
        expect(row[`${what}Median`] ?? undefined, `${what} median ${row.group} ${row.period.toISOString()}`).toBeCloseTo(survivalQuantile(steps, 0.5) ?? NaN, 9);
        const p90 = survivalQuantile(steps, 0.9);
        if (p90 === undefined) expect(row[`${what}P90`]).toBeNull();
        else expect(row[`${what}P90`] as number).toBeCloseTo(p90, 9);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(150);
    // test/fixtures/stats/service_km_reference.py: October 2026, all segments, 128 tickets, 5 still unsolved.
    const [oct] = await withDuckDB((db) => db.all<Record<string, number>>(`SELECT * FROM (${serviceSql({period: "month"})}) WHERE period = DATE '2026-10-01'`), path);
    expect(oct.tickets).toBe(128);
    expect(oct.unresolved).toBe(5);
    expect(oct.resolutionP90).toBeCloseTo(54.159167, 5); // dropping the 5 open tickets gave 47.090833
    expect(oct.resolutionMedian).toBeCloseTo(12.783333, 5);
    expect(oct.firstResponseP90).toBeCloseTo(13.524444, 5);
    expect(oct.firstResponseMedian).toBeCloseTo(0.484444, 5);
  }, 60_000);

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

