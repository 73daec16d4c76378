import {describe, expect, it} from "vitest";
import {cumulativeRevenueSql} from "../../src/metrics/historical.js";
import {scorecard, scorecardSeriesSql} from "../../src/metrics/scorecard.js";
import {distinguishingWords, sentimentScore, sentimentTrend, tokens} from "../../src/metrics/sentiment.js";
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

describe("scorecard", () => {
  it("scorecard(series) reads each measure's last complete period against the one before, with the direction that is better", async () => {
    const {path} = await warehouseOf(files);
    const rows = scorecard(await withDuckDB((db) => db.all(scorecardSeriesSql("month")), path));
    const byMeasure = Object.fromEntries(rows.map((r) => [r.measure, r]));
    // The data ends on 31 March, so March is the last complete month. March: one order of 10; February: 30 and 20
    // (the refund is not revenue).
    expect(byMeasure.aov).toMatchObject({current: 10, previous: 25, change: -15, improved: false});
    expect(byMeasure.repeat_share).toMatchObject({current: 1, previous: 0.5}); // c3 had bought in February; c1 in January
    expect(byMeasure.churn).toMatchObject({current: 0.5, previous: 0.5, improved: undefined}); // c1 gone in March; c2 in February
    expect(byMeasure.first_response_median).toMatchObject({current: 4, previous: undefined, change: undefined, improved: undefined});
    // June's responses fall after the last order day, in an unfinished period: January is the last complete one.
    expect(byMeasure.nps).toMatchObject({current: (100 * (2 - 1)) / 3});
    expect(byMeasure.nps.period?.toISOString().slice(0, 7)).toBe("2026-01");
    expect(rows.map((r) => r.aspect)).toEqual(["value", "value", "communication", "experience", "trust", "loyalty", "advocacy", "advocacy"]);
  });
});

describe("sentiment", () => {
  it("sentimentScore(text) is AFINN's comparative score, and undefined for empty text", () => {
    expect(sentimentScore("Love the product, the support team was fantastic")).toBeGreaterThan(0.5);
    expect(sentimentScore("Terrible support, I waited days for a reply")).toBeLessThan(0);
    expect(sentimentScore("   ")).toBeUndefined();
    expect(sentimentScore(null)).toBeUndefined();
  });

  it("sentimentTrend(rows) averages scored texts per period", () => {
    const jan = new Date("2026-01-01T00:00:00Z");
    const trend = sentimentTrend([{period: jan, text: "great"}, {period: jan, text: "bad"}, {period: jan, text: ""}]);
    expect(trend).toEqual([{period: jan, texts: 2, meanScore: (3 + -3) / 2}]);
  });

  it("sentimentTrend(rows) and distinguishingWords(...) count a text written n times as n texts", () => {
    const jan = new Date("2026-01-01T00:00:00Z");
    const repeated = sentimentTrend([{period: jan, text: "great"}, {period: jan, text: "great"}, {period: jan, text: "great"}, {period: jan, text: "awful support"}]);
    const counted = sentimentTrend([{period: jan, text: "great", n: 3}, {period: jan, text: "awful support", n: 1}]);
    expect(counted[0].texts).toBe(4);
    expect(counted[0].meanScore).toBeCloseTo(repeated[0].meanScore, 12);
    const detractors = ["slow delivery again", "slow support", "slow slow", "broken app"];
    const promoters = ["great delivery", "great support", "great", "fast delivery"];
    const asCounts = (texts: string[]) => [...new Set(texts)].map((text) => ({text, n: texts.filter((t) => t === text).length}));
    expect(distinguishingWords(asCounts([...detractors, ...detractors]), asCounts([...promoters, ...promoters]), {minCount: 2})).toEqual(
      distinguishingWords([...detractors, ...detractors], [...promoters, ...promoters], {minCount: 2})
    );
  });

  it("distinguishingWords(detractors, promoters) ranks words by weighted log-odds, leaving out stop words", () => {
    const detractors = ["slow response again", "slow and expensive", "too expensive, slow delivery"];
    const promoters = ["great support", "great value, fast delivery", "fast and great"];
    const {detractors: d, promoters: p} = distinguishingWords(detractors, promoters, {minCount: 2});
    expect(d[0].word).toBe("slow");
    expect(d.map((w) => w.word)).toContain("expensive");
    expect(p[0].word).toBe("great");
    expect([...d, ...p].some((w) => w.word === "and")).toBe(false);
    expect(d.find((w) => w.word === "delivery")).toBeUndefined(); // used by both sides alike
    expect(tokens("It's GREAT, isn't it?")).toEqual(["great", "isn't"]);
  });
});
