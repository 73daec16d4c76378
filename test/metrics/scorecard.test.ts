import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, it} from "vitest";
import {rhythmGaps, scorecard, scorecardDaysSql, withheldWithin, scorecardCountsSql, scorecardCoverageSql, scorecardDurationsSql, type ScorecardCountRow, type ScorecardCoverage, type ScorecardDurationRow, type ScorecardRow} from "../../src/metrics/scorecard.js";
import {fisherExact, logRank, medianInterval} from "../../src/metrics/twoSample.js";
import {kaplanMeier} from "../../src/metrics/survival.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {warehouseOf} from "../support/warehouse.js";

// Reference figures: test/fixtures/stats/scorecard_reference.py (pandas/scipy on data/sample/, written from the
// Methodology's definitions without rapport's SQL).
const sample = (name: string) => readFileSync(new URL(`../../data/sample/${name}`, import.meta.url), "utf8");
const sampleFiles = () => Object.fromEntries(["customers.csv", "orders.csv", "tickets.csv", "nps_responses.csv"].map((f) => [f, sample(f)]));

async function scorecardOf(files: Record<string, string>, period: "month" | "quarter" = "month"): Promise<ScorecardRow[]> {
  const {path} = await warehouseOf(files);
  return withDuckDB(async (db) => {
    const counts = await db.all<ScorecardCountRow>(scorecardCountsSql(period));
    const durations = await db.all<ScorecardDurationRow>(scorecardDurationsSql(period));
    const [coverage] = await db.all<ScorecardCoverage>(scorecardCoverageSql());
    return scorecard({counts, durations, coverage}, {period});
  }, path);
}
const byMeasure = (rows: ScorecardRow[]) => Object.fromEntries(rows.map((r) => [r.measure, r]));
const month = (d: Date | undefined) => d?.toISOString().slice(0, 7);

describe("scorecard on the sample", () => {
  let rows: Record<string, ScorecardRow>;
  beforeAll(async () => {
    rows = byMeasure(await scorecardOf(sampleFiles()));
  }, 60_000);

  it("scorecard() measures each aspect as the independent pandas computation does", () => {
    // value: orders placed in October that were completed (not refunded or cancelled)
    expect(rows.kept_orders).toMatchObject({current: {n: 497, value: 476 / 497}, previous: {n: 388, value: 367 / 388}});
    // trust: July's 91 first-time buyers (the last month with 90 days of orders after it), 31 came back within 90 days
    expect(month(rows.second_order.period)).toBe("2026-07");
    expect(rows.second_order).toMatchObject({current: {n: 91, value: 31 / 91}, previous: {n: 55, value: 18 / 55}});
    // loyalty: customers on their own rhythm on 1 October, of whom 657 of 749 did not pass twice their usual gap in it
    expect(rows.kept_rhythm).toMatchObject({current: {n: 749, value: 657 / 749}, previous: {n: 696, value: 628 / 696}});
    // August: 575 of 656 with the usual gap over the last 20 gaps (pandas gives 576 with every gap: the one customer the window changes)
    expect(rows.kept_rhythm.series.find((p) => month(p.period) === "2026-08")).toMatchObject({n: 656, value: 575 / 656});
    // experience: 59 of 67 ratings 4–5, 67 of 128 tickets rated
    expect(rows.csat_satisfied).toMatchObject({current: {n: 67, tickets: 128, value: 59 / 67}, previous: {n: 50, tickets: 114, value: 43 / 50}});
    // communication: Kaplan–Meier medians with open tickets censored at the export's last moment
    expect(rows.first_response).toMatchObject({current: {n: 128, value: 0.48}, previous: {n: 114, value: 0.98}});
    expect(rows.resolution).toMatchObject({current: {n: 128, value: 12.78}, previous: {n: 114, value: 10.83}});
    // advocacy: October 31/39/39, September 32/34/36
    expect(rows.nps.current!.value).toBeCloseTo((100 * (31 - 39)) / 109, 10);
    expect(rows.nps.previous!.value).toBeCloseTo((100 * (32 - 36)) / 102, 10);
  });

  it("scorecard() tests each change as scipy does (Fisher's exact, log-rank)", () => {
    expect(rows.kept_orders.p).toBeCloseTo(0.4291483043293004, 8);
    expect(rows.second_order.p).toBeCloseTo(1, 8);
    expect(rows.kept_rhythm.p).toBeCloseTo(0.13187079642137836, 8);
    expect(rows.csat_satisfied.p).toBeCloseTo(0.7848216467313005, 8);
    expect(rows.resolution.p).toBeCloseTo(0.5986322393009988, 6);
    expect(rows.first_response.p).toBeCloseTo(0.8921425061595959, 2); // hours rounded to 0.01 h in SQL: ties differ a little
  });

  it("scorecard() labels no change better or worse unless it passes its test after false-discovery control", () => {
    // On main, all eight cards carried an improved/worse label for October with p between 0.46 and 0.79.
    for (const r of Object.values(rows)) {
      expect(r.improved === undefined || (r.significant && r.q! <= 0.05)).toBe(true);
      expect(r.q).toBeDefined();
    }
    expect(Object.values(rows).filter((r) => r.improved !== undefined)).toEqual([]);
  });

  it("scorecard() gives every figure its population, window and 95% interval", () => {
    for (const r of Object.values(rows)) {
      expect(r.current!.n).toBeGreaterThanOrEqual(10);
      expect(r.periodEnd).toBeDefined();
      expect(r.current!.low).toBeLessThanOrEqual(r.current!.value!);
      expect(r.current!.high).toBeGreaterThanOrEqual(r.current!.value!);
    }
  });
});

describe("scorecard completeness per source", () => {
  it("scorecard() leaves out a period its own source does not cover: surveys and tickets ending 14 October", async () => {
    const files = sampleFiles();
    const cut = (text: string, column: number) => text.split("\n").filter((line, i) => i === 0 || !line || line.split(",")[column] < "2026-10-15").join("\n");
    const rows = byMeasure(await scorecardOf({...files, "nps_responses.csv": cut(files["nps_responses.csv"], 2), "tickets.csv": cut(files["tickets.csv"], 2)}));
    // On main, October's NPS (52 answers, −15.4) showed as complete because orders run to 31 October.
    expect(month(rows.nps.period)).toBe("2026-09");
    expect(rows.nps.current!.value).toBeCloseTo((100 * (32 - 36)) / 102, 10);
    expect(rows.nps.coveredThrough!.toISOString().slice(0, 10)).toBe("2026-10-14");
    for (const m of ["first_response", "resolution", "csat_satisfied"]) expect(month(rows[m].period)).toBe("2026-09");
    for (const m of ["kept_orders", "kept_rhythm"]) expect(month(rows[m].period)).toBe("2026-10");
  }, 60_000);
});

describe("scorecardCountsSql at the edges of a history", () => {
  // Worked by hand from the definitions (header of src/metrics/scorecard.ts), and by pandas in
  // test/fixtures/stats/scorecard_edges_reference.py (the same figures); the months run January to April 2026.
  const orders: [string, string, string?][] = [
    ["a", "2026-01-05T10:00:00Z"], ["a", "2026-01-05T10:00:00Z"], ["a", "2026-02-01T09:00:00Z"], // two orders at the first moment, back in 27 days
    ["b", "2026-01-06T10:00:00Z"], ["b", "2026-01-06T10:00:00Z"], // two orders at one moment only: not back
    ["c", "2026-01-07T10:00:00Z"], ["c", "2026-01-07T15:00:00Z"], // back the same day
    ["d", "2026-01-08T10:00:00Z"], ["d", "2026-04-20T10:00:00Z"], // back after 102 days: not within 90
    ["e", "2026-01-09T10:00:00Z"], ["e", "2026-01-09T12:00:00Z", "cancelled"], // a cancelled order does not count
    ["f", "2026-01-01T10:00:00Z"], ["f", "2026-01-11T10:00:00Z"], ["f", "2026-01-21T10:00:00Z"], ["f", "2026-02-20T10:00:00Z"],
    ["g", "2026-01-02T10:00:00Z"], ["g", "2026-01-22T10:00:00Z"], ["g", "2026-02-15T10:00:00Z"], ["g", "2026-03-05T10:00:00Z"]
  ];
  const files = {
    "customers.csv": ["id,created_at,name,email,segment,region,channel", ..."abcdefg".split("").map((c) => `${c},2025-12-01T00:00:00Z,Name ${c},${c}@example.com,SMB,EMEA,organic`)].join("\n"),
    "orders.csv": ["id,customer_id,ordered_at,amount,currency,status", ...orders.map(([c, t, status = "completed"], i) => `o${i},${c},${t},10,USD,${status}`)].join("\n")
  };

  it("second order: a tie at the first moment is not a return; a later order that day or within 90 days is", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all<ScorecardCountRow>(scorecardCountsSql("month")), path);
    const second = rows.filter((r) => r.measure === "second_order").map((r) => [month(r.period), r.k, r.n]);
    // January's first-time buyers: a, b, c, d, e, f, g; back within 90 days: a, c, f (10 days), g (20 days).
    expect(second).toEqual([["2026-01", 4, 7]]);
  }, 60_000);

  it("kept rhythm: each spell from the period after its day, lost in its lapse's period (twice the median gap so far)", async () => {
    const {path} = await warehouseOf(files);
    const rows = await withDuckDB((db) => db.all<ScorecardCountRow>(scorecardCountsSql("month")), path);
    const rhythm = rows.filter((r) => r.measure === "kept_rhythm").map((r) => [month(r.period), r.k, r.n]);
    // f: 21 Jan (gaps 10, 10: lapse 10 Feb, before 20 Feb) lost in February; 20 Feb (median 10: lapse 12 Mar) lost in March.
    // g: 22 Jan (gap 20: lapse 3 Mar) kept in February; 15 Feb (gaps 20, 24: median 22, lapse 31 Mar) kept in March;
    //    5 Mar (gaps 20, 24, 18: median 20, lapse 14 Apr) lost in April.
    // a: 1 Feb (gap 27: lapse 27 Mar) lost in March. d's 20 April is in the last month: no spell counts from it.
    expect(rhythm).toEqual([["2026-02", 1, 2], ["2026-03", 1, 3], ["2026-04", 0, 1]]);
  }, 60_000);

  it("kept rhythm: the usual gap is the median of the last 20 gaps, so a customer whose pace slowed is judged by the new pace", async () => {
    // 31 order days 5 days apart, then 12 more 40 days apart (day 0 … 150, then 190 … 630). At the last one, all 42
    // gaps have median 5 (lapse at day 640); the last 20 are 8 of 5 days and 12 of 40: median 40, lapse at day 630 + 80.
    const days = [...Array.from({length: 31}, (_, i) => 5 * i), ...Array.from({length: 12}, (_, i) => 150 + 40 * (i + 1))];
    const day0 = Date.UTC(2020, 0, 1);
    const iso = (d: number) => new Date(day0 + d * 86_400_000).toISOString().slice(0, 10);
    const rows = await withDuckDB(async (db) => {
      await db.run(`CREATE TABLE orders (customer_id VARCHAR, ordered_at TIMESTAMP, amount DOUBLE, status VARCHAR)`);
      await db.run(`INSERT INTO orders VALUES ${days.map((d) => `('h', '${iso(d)} 10:00:00', 10, 'completed')`).join(", ")}`);
      return db.all<{day: Date; lapse: Date}>(`SELECT day, lapse FROM (${scorecardDaysSql()}) ORDER BY day`);
    });
    expect(rhythmGaps).toBe(20);
    const last = rows.at(-1)!;
    expect(iso(Math.round((+last.day - day0) / 86_400_000))).toBe(iso(630));
    expect(iso(Math.round((+last.lapse - day0) / 86_400_000))).toBe(iso(710));
    // While the last 20 gaps are all 5 days (day 150), the usual gap is 5: lapse 10 days on.
    const steady = rows.find((r) => Math.round((+r.day - day0) / 86_400_000) === 150)!;
    expect(Math.round((+steady.lapse - day0) / 86_400_000)).toBe(160);
  });
});

describe("scorecard(rows) rules", () => {
  const count = (measure: string, period: string, k: number, n: number, extra: Partial<ScorecardCountRow> = {}): ScorecardCountRow => ({measure, period: new Date(period), k, n, people: n, extra: null, promoters: null, passives: null, detractors: null, ...extra});
  const coverage = {orders: new Date("2026-03-31"), tickets: new Date("2026-03-31"), nps: new Date("2026-03-31")};

  it("scorecard(rows) labels a change that passes the test, in the direction that is better", () => {
    const rows = byMeasure(scorecard({counts: [count("kept_orders", "2026-02-01", 50, 100), count("kept_orders", "2026-03-01", 90, 100)], durations: [], coverage}));
    expect(rows.kept_orders).toMatchObject({significant: true, improved: true});
    expect(rows.kept_orders.p).toBeCloseTo(5.549046052049071e-10, 15); // scipy fisher_exact([[50, 50], [90, 10]])
  });

  it("scorecard(rows, {minGroup}) withholds a period of fewer than minGroup people and never compares with it", () => {
    const nps = (period: string, promoters: number, passives: number, detractors: number) => count("nps", period, 0, promoters + passives + detractors, {k: null, promoters, passives, detractors});
    const rows = byMeasure(scorecard({counts: [nps("2026-02-01", 2, 1, 3), nps("2026-03-01", 20, 10, 5)], durations: [], coverage}, {minGroup: 10}));
    expect(rows.nps.previous).toMatchObject({n: undefined, withheld: true, value: undefined}); // no count published either
    expect(rows.nps).toMatchObject({change: undefined, p: undefined, improved: undefined});
    expect(rows.nps.current!.value).toBeCloseTo((100 * 15) / 35, 10);
    const few = byMeasure(scorecard({counts: [nps("2026-03-01", 5, 2, 1)], durations: [], coverage}, {minGroup: 10}));
    expect(few.nps.current).toMatchObject({withheld: true, value: undefined, low: undefined});
  });

  it("scorecard(rows, {alsoWithhold: withheldWithin(months)}) withholds a quarter holding a withheld month", () => {
    // January 5 of 8 kept: withheld. February and March shown, so Q1 (all three) would give January away.
    const months = scorecard({counts: [count("kept_orders", "2026-01-01", 5, 8), count("kept_orders", "2026-02-01", 40, 50), count("kept_orders", "2026-03-01", 45, 50)], durations: [], coverage}, {minGroup: 10});
    expect(months[0].series.map((pt) => pt.withheld)).toEqual([true, false, false]);
    const quarters = byMeasure(scorecard({counts: [count("kept_orders", "2025-10-01", 70, 80), count("kept_orders", "2026-01-01", 90, 108)], durations: [], coverage}, {period: "quarter", minGroup: 10, alsoWithhold: withheldWithin(months)}));
    expect(quarters.kept_orders.current).toMatchObject({withheld: true, value: undefined, n: undefined});
    expect(quarters.kept_orders.previous).toMatchObject({withheld: false, value: 70 / 80});
    expect(quarters.kept_orders.change).toBeUndefined();
  });

  it("scorecard(rows) compares only with the period just before", () => {
    const rows = byMeasure(scorecard({counts: [count("kept_orders", "2025-12-01", 50, 100), count("kept_orders", "2026-03-01", 90, 100)], durations: [], coverage}));
    expect(rows.kept_orders).toMatchObject({previous: undefined, change: undefined});
  });
});

describe("twoSample", () => {
  it("fisherExact(k1, n1, k2, n2) matches scipy.stats.fisher_exact", () => {
    expect(fisherExact(3, 10, 9, 10)).toBeCloseTo(0.019766611097880443, 12);
    expect(fisherExact(0, 5, 5, 5)).toBeCloseTo(0.007936507936507938, 12);
    expect(fisherExact(1, 0, 1, 2)).toBeUndefined();
  });

  it("logRank(a, b) matches the numpy log-rank of scorecard_reference.py, and is 1 for the same times", () => {
    const a = {durations: [1, 2, 3, 4, 5], observed: [true, true, true, true, true]};
    expect(logRank(a, a)).toBeCloseTo(1, 6);
    expect(logRank(a, {durations: [2.5, 12, 13, 14, 15], observed: [true, true, true, true, false]})).toBeCloseTo(0.01966973629197445, 6);
  });

  it("medianInterval(steps) is the Brookmeyer–Crowley interval (numpy: 4 to 12 on 15 times, 3 censored)", () => {
    const t = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
    const e = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1].map(Boolean);
    expect(medianInterval(kaplanMeier(t, e))).toEqual({low: 4, high: 12});
  });
});
