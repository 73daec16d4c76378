import {describe, expect, it} from "vitest";
import {npsCounts, npsCountsSql, npsFromCounts, npsTrend} from "../../src/metrics/nps.js";
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

  it("npsFromCounts(counts) publishes the score interval: inside ±100, never of width 0 (scipy reference)", () => {
    // test/fixtures/stats/nps_reference.py: 5/3/2 → [−21.65922, 67.527789]; 2/0/1 → [−58.468079, 87.701611] where Wald gives [−73, 140].
    const f = npsFromCounts({promoters: 5, passives: 3, detractors: 2});
    expect(f.low).toBeCloseTo(-21.65922, 4);
    expect(f.high).toBeCloseTo(67.527789, 4);
    const three = npsFromCounts({promoters: 2, passives: 0, detractors: 1});
    expect(three.low).toBeCloseTo(-58.468079, 4);
    expect(three.high).toBeCloseTo(87.701611, 4);
    const all = npsFromCounts({promoters: 10, passives: 0, detractors: 0});
    expect(all.high).toBe(100);
    expect(all.low).toBeCloseTo(44.49344, 4);
  });

  it("npsFromCounts(none) has no NPS (not zero) and is flagged small", () => {
    const none = npsFromCounts({promoters: 0, passives: 0, detractors: 0});
    expect(none.nps).toBeUndefined();
    expect([none.low, none.high]).toEqual([undefined, undefined]);
    expect(none.small).toBe(true);
    const all = npsFromCounts({promoters: 40, passives: 0, detractors: 0});
    expect([all.nps, all.small]).toEqual([100, false]);
    expect(npsFromCounts({promoters: 10, passives: 0, detractors: 0}).small).toBe(true); // below the default 30
  });

  it("npsCounts(scores) groups 9–10, 7–8 and 0–6, ignoring values that are not scores", () => {
    expect(npsCounts([10, 9, 8, 7, 6, 0, null, 11, 3.5, -1, undefined])).toEqual({promoters: 2, passives: 2, detractors: 2});
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

  it("npsTrend(rows) tests each change exactly and flags only Benjamini–Hochberg discoveries over the call's changes", () => {
    // One group: 3 detractors then 10 promoters. Exact permutation p (scipy multivariate_hypergeom, nps_reference.py):
    // only the split seen is as extreme: 1 / C(13,3) = 1/286 = 0.0034965. A second group makes a family of 2:
    // BH at 5% keeps the first (0.0035 ≤ 0.025), adjusted p = 2 × 1/286. The Wald z-test of old would have flagged 3 detractors → 2 promoters + 1 detractor too (SE 0 in the first month).
    const rows = [
      {period: day("2026-01-01"), group: "A", promoters: 0, passives: 0, detractors: 3, incomplete: false},
      {period: day("2026-02-01"), group: "A", promoters: 10, passives: 0, detractors: 0, incomplete: false},
      {period: day("2026-01-01"), group: "B", promoters: 0, passives: 0, detractors: 3, incomplete: false},
      {period: day("2026-02-01"), group: "B", promoters: 2, passives: 0, detractors: 1, incomplete: false}
    ];
    const trend = npsTrend(rows, {minResponses: 1});
    const a = trend.find((r) => r.group === "A" && r.change !== undefined)!;
    const b = trend.find((r) => r.group === "B" && r.change !== undefined)!;
    expect(a.p).toBeCloseTo(1 / 286, 9);
    expect(a.q).toBeCloseTo(2 / 286, 9);
    expect(a.significant).toBe(true);
    // B: 3 detractors, then 2 promoters and 1 detractor. Splits of the 6 answers (2 P, 4 D) with |change| ≥ 133.3: both promoters
    // in one month, either month: 2 × C(4,1)/C(6,3) = 0.4 (scipy multivariate_hypergeom). The old Wald test flagged it (SE 0 in January... z = 2.45).
    expect(b.p).toBeCloseTo(0.4, 9);
    expect(b.significant).toBe(false);
  });

  it("npsTrend(rows, {withheld}) gives no change, p or rolling figure next to a withheld period and leaves them out of the family", () => {
    const rows = [
      {period: day("2026-01-01"), group: "all", promoters: 20, passives: 0, detractors: 20, incomplete: false},
      {period: day("2026-02-01"), group: "all", promoters: 1, passives: 0, detractors: 0, incomplete: false},
      {period: day("2026-03-01"), group: "all", promoters: 40, passives: 0, detractors: 0, incomplete: false},
      {period: day("2026-04-01"), group: "all", promoters: 0, passives: 0, detractors: 40, incomplete: false}
    ];
    const trend = npsTrend(rows, {minResponses: 1, rolling: 2, withheld: (r) => r.promoters + r.passives + r.detractors < 10});
    expect(trend.map((r) => [r.change, r.rollingNps === undefined])).toEqual([
      [undefined, false],
      [undefined, true],
      [undefined, true],
      [-200, false]
    ]);
    expect(trend[3].significant).toBe(true);
    expect(trend[3].q).toBe(trend[3].p); // a family of one
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
