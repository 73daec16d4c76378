import {describe, expect, it} from "vitest";
import {npsCounts, npsCountsSql, npsDifference, npsFromCounts, npsTrend} from "../../src/metrics/nps.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

describe("npsFromCounts", () => {
  it("npsFromCounts(counts) is % promoters − % detractors with a 95% margin from the trinomial variance", () => {
    // 5 promoters, 3 passives, 2 detractors: NPS 30; variance 0.5 + 0.2 − 0.09 = 0.61; SE = 100·√(0.061).
    const f = npsFromCounts({promoters: 5, passives: 3, detractors: 2}, {minResponses: 5});
    expect(f.nps).toBeCloseTo(30, 12);
    expect(f.responses).toBe(10);
    expect([f.promoterShare, f.passiveShare, f.detractorShare]).toEqual([0.5, 0.3, 0.2]);
    expect(f.se).toBeCloseTo(100 * Math.sqrt(0.061), 12);
    expect(f.moe).toBeCloseTo(1.959963984540054 * 100 * Math.sqrt(0.061), 10);
    expect(f.small).toBe(false);
  });

  it("npsFromCounts(none) has no NPS (not zero) and is flagged small; all promoters have no uncertainty", () => {
    const none = npsFromCounts({promoters: 0, passives: 0, detractors: 0});
    expect(none.nps).toBeUndefined();
    expect(none.small).toBe(true);
    const all = npsFromCounts({promoters: 40, passives: 0, detractors: 0});
    expect([all.nps, all.moe, all.small]).toEqual([100, 0, false]);
    expect(npsFromCounts({promoters: 10, passives: 0, detractors: 0}).small).toBe(true); // below the default 30
  });

  it("npsCounts(scores) groups 9–10, 7–8 and 0–6, ignoring values that are not scores", () => {
    expect(npsCounts([10, 9, 8, 7, 6, 0, null, 11, 3.5, -1, undefined])).toEqual({promoters: 2, passives: 2, detractors: 2});
  });

  it("npsDifference(a, b) flags a change larger than chance at 95%", () => {
    const a = npsFromCounts({promoters: 300, passives: 100, detractors: 100});
    const b = npsFromCounts({promoters: 200, passives: 100, detractors: 200});
    const c = npsFromCounts({promoters: 295, passives: 105, detractors: 100});
    expect(npsDifference(a, b)).toMatchObject({difference: 40, significant: true});
    expect(npsDifference(a, c)!.significant).toBe(false);
    expect(npsDifference(a, npsFromCounts({promoters: 0, passives: 0, detractors: 0}))).toBeUndefined();
  });
});

describe("npsTrend", () => {
  const day = (s: string) => new Date(`${s}T00:00:00Z`);
  it("npsTrend(rows) adds the change against the previous period and a rolling figure pooled over periods", () => {
    const rows = [
      {period: day("2026-02-01"), group: "all", promoters: 1, passives: 0, detractors: 1, incomplete: true},
      {period: day("2026-01-01"), group: "all", promoters: 3, passives: 1, detractors: 0, incomplete: false}
    ];
    const trend = npsTrend(rows, {rolling: 2, minResponses: 1});
    expect(trend.map((r) => [r.period.toISOString().slice(0, 7), r.nps, r.change, r.rollingNps, r.incomplete])).toEqual([
      ["2026-01", 75, undefined, 75, false],
      ["2026-02", 0, -75, (100 * (4 - 1)) / 6, true]
    ]);
  });
});

describe("npsCountsSql", () => {
  it("npsCountsSql({period, by}) counts each group per period and breakdown, and flags the unfinished period", async () => {
    const {path} = await warehouseOf({
      "customers.csv": "id,created_at,segment\nc1,2026-01-01,SMB\nc2,2026-01-01,Enterprise\n",
      "orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2026-01-01,1\n",
      "nps_responses.csv": "id,customer_id,responded_at,score\nn1,c1,2026-01-05,10\nn2,c1,2026-01-20,6\nn3,c2,2026-01-21,8\nn4,c2,2026-02-03,9\n"
    });
    const rows = await withDuckDB((db) => db.all(npsCountsSql({period: "month", by: "segment"})), path);
    expect(rows.map((r) => ({...r, period: (r.period as Date).toISOString().slice(0, 7)}))).toEqual([
      {period: "2026-01", group: "Enterprise", promoters: 0, passives: 1, detractors: 0, incomplete: false},
      {period: "2026-02", group: "Enterprise", promoters: 1, passives: 0, detractors: 0, incomplete: true},
      {period: "2026-01", group: "SMB", promoters: 1, passives: 0, detractors: 1, incomplete: false}
    ]);
  });
});

describe("staleSources", () => {
  it("staleSources(coverage, asOf, days) lists kinds of data whose latest record is older than the limit", async () => {
    const {staleSources} = await import("../../src/metrics/quality.js");
    const asOf = new Date("2026-11-25T00:00:00Z");
    const coverage = [
      {entity: "orders", rows: 10, first: new Date("2026-01-01T00:00:00Z"), last: new Date("2026-11-20T00:00:00Z")},
      {entity: "tickets", rows: 5, first: new Date("2026-01-01T00:00:00Z"), last: new Date("2026-09-01T00:00:00Z")},
      {entity: "subscriptions", rows: 0, first: null, last: null}
    ];
    expect(staleSources(coverage, asOf, 30)).toEqual([{entity: "tickets", last: coverage[1].last, days: 85}]);
    expect(staleSources(coverage, asOf, 100)).toEqual([]);
  });
  it("counts calendar days, not hours, against the newest record of any kind", async () => {
    const {staleSources, newestRecord} = await import("../../src/metrics/quality.js");
    // The sample's shape: orders end late on Oct 31, NPS and tickets at midnight the same day.
    const coverage = [
      {entity: "orders", rows: 10, first: new Date("2026-01-01T00:00:00Z"), last: new Date("2026-10-31T22:15:00Z")},
      {entity: "nps_responses", rows: 5, first: new Date("2026-01-01T00:00:00Z"), last: new Date("2026-10-31T00:00:00Z")},
      {entity: "tickets", rows: 5, first: new Date("2026-01-01T00:00:00Z"), last: new Date("2026-09-30T23:59:00Z")},
      {entity: "customers", rows: 5, first: new Date("2026-01-01T00:00:00Z"), last: new Date("2026-09-30T00:00:00Z")}
    ];
    const newest = newestRecord(coverage)!;
    expect(newest.toISOString()).toBe("2026-10-31T22:15:00.000Z");
    // Oct 31 and Sep 30 are 31 calendar days apart, whatever the hour; the same day is 0.
    expect(staleSources(coverage, newest, 30).map((s) => [s.entity, s.days])).toEqual([["tickets", 31], ["customers", 31]]);
    expect(staleSources(coverage, newest, 31)).toEqual([]);
    // Hours would have said 30 days for tickets (30.93) and 31 for customers: the two must agree.
    expect(newestRecord([])).toBeNull();
  });
});
