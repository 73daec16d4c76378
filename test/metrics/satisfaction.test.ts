import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {computeMetric, metricNames} from "../../src/metrics/registry.js";
import {createTableSql} from "../../src/ingest/sql.js";
import {studentT975, wilson as wilsonMetric, type SatisfactionRow} from "../../src/metrics/satisfaction.js";
import {loadOrder} from "../../src/schema/model.js";
import {withDuckDB, type Database} from "../../src/warehouse/duckdb.js";
import {wilson as wilsonPage} from "../../reports/components/satisfactionMath.js";

const olist = fileURLToPath(new URL("../fixtures/olist/reviews-with-comments.csv", import.meta.url));

async function warehouse<T>(f: (db: Database) => Promise<T>, {ratings}: {ratings: boolean}): Promise<T> {
  return withDuckDB(async (db) => {
    for (const entity of loadOrder) await db.run(createTableSql(entity));
    if (ratings) {
      // The shape of the joins branch's ratings table.
      await db.run(`CREATE OR REPLACE TABLE ratings (id VARCHAR, customer_id VARCHAR, order_id VARCHAR, rated_at TIMESTAMP, score DOUBLE, scale_min INTEGER, scale_max INTEGER, comment VARCHAR)`);
      await db.run(`INSERT INTO ratings SELECT review_id, customer_id, order_id, review_creation_date, review_score, 1, 5, review_comment_message FROM read_csv('${olist}', types = {'review_score': 'DOUBLE'})`);
    }
    return f(db);
  });
}

describe("satisfaction", () => {
  it("rapport metrics satisfaction gives count, mean and top-two-box share with 95% intervals per month (Olist stars)", async () => {
    expect(metricNames).toContain("satisfaction");
    const rows = (await warehouse((db) => computeMetric(db, "satisfaction", {period: "month"}), {ratings: true})) as SatisfactionRow[];
    const month = (m: string) => rows.find((r) => r.period.toISOString().startsWith(m))!;
    // Reference: pandas + scipy 1.10 on the fixture: n, mean, mean ∓ t.ppf(0.975, n−1)·s/√n, share ≥ 4, binomtest(k, n).proportion_ci("wilson").
    expect(month("2018-05")).toMatchObject({
      group: "all",
      scaleMin: 1,
      scaleMax: 5,
      ratings: 120,
      mean: expect.closeTo(3.8916666666666666, 12),
      meanLow: expect.closeTo(3.609688149014876, 6),
      meanHigh: expect.closeTo(4.173645184318458, 6),
      topTwo: 83,
      topTwoShare: expect.closeTo(0.6916666666666667, 12),
      topTwoLow: expect.closeTo(0.6041700227619933, 12),
      topTwoHigh: expect.closeTo(0.767272630110837, 12),
      incomplete: false,
      small: false
    });
    expect(month("2017-02")).toMatchObject({ratings: 25, mean: expect.closeTo(3.92, 12), meanLow: expect.closeTo(3.301748400242478, 4), meanHigh: expect.closeTo(4.538251599757522, 4), topTwo: 19, topTwoLow: expect.closeTo(0.5657031664457093, 12), topTwoHigh: expect.closeTo(0.8850368630659857, 12), small: true});
    expect(rows.reduce((n, r) => n + r.ratings, 0)).toBe(1655);
  });

  it("rapport metrics satisfaction --by segment groups customers; a warehouse without ratings gives no rows and no NPS", async () => {
    const bySegment = (await warehouse((db) => computeMetric(db, "satisfaction", {period: "quarter", by: "segment"}), {ratings: true})) as SatisfactionRow[];
    expect(new Set(bySegment.map((r) => r.group))).toEqual(new Set(["unknown"]));
    expect(await warehouse((db) => computeMetric(db, "satisfaction", {period: "month"}), {ratings: false})).toEqual([]);
    expect(await warehouse((db) => computeMetric(db, "nps", {period: "month"}), {ratings: true})).toEqual([]); // stars are never NPS
  });

  it("studentT975(df) and wilson(k, n) match scipy; the page's copy of wilson matches the metric's", () => {
    // scipy.stats.t.ppf(0.975, df)
    expect(studentT975(5)).toBeCloseTo(2.5705818366147395, 3);
    expect(studentT975(9)).toBeCloseTo(2.2621571627409915, 4);
    expect(studentT975(29)).toBeCloseTo(2.045229642132703, 6);
    expect(studentT975(99)).toBeCloseTo(1.9842169515086827, 9);
    // scipy.stats.binomtest(7, 10).proportion_ci(method="wilson"): (0.39677814746114537, 0.8922087325936989)
    expect(wilsonMetric(7, 10)[0]).toBeCloseTo(0.39677814746114537, 12);
    expect(wilsonMetric(7, 10)[1]).toBeCloseTo(0.8922087325936989, 12);
    expect(wilsonMetric(0, 12)[0]).toBe(0);
    expect(wilsonMetric(30, 30)[1]).toBe(1);
    for (const [k, n] of [[0, 5], [3, 10], [83, 120], [50, 50]]) expect(wilsonPage(k, n)).toEqual(wilsonMetric(k, n));
  });
});
