import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {computeMetric} from "../../src/metrics/registry.js";
import {parseConfig} from "../../src/config.js";
import {ingest} from "../../src/ingest/ingest.js";
import {fitClv} from "../../src/metrics/clv.js";
import {rfmCustomersSql} from "../../src/metrics/rfm.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";
import {warehouseOf} from "../support/warehouse.js";

const root = new URL("../..", import.meta.url).pathname;

// Reference figures: test/fixtures/clv/reference.py run with /usr/bin/python3 on data/sample (pandas for the
// summaries, scipy for the fits; nothing from rapport). The holdout is the last 39 weeks (from 2026-01-31).
type Clv = {
  model: {model: string; comparison: {calibrationEnd: string; chosen: string; models: {model: string; actual: number; predicted: number; error: number; status: string}[]}};
  predicted: {group: string; customers: number; meanClv12: number; fit?: string; repeaters?: number; holdout?: {actual: number; predicted: number}}[];
};

describe("rapport metrics clv on the sample: model choice and per-group fits", async () => {
  const path = `${tempTree({})}/sample.duckdb`;
  await ingest(["data/sample"], {cwd: root, config: parseConfig({}), sources, warehouse: path});
  const bySegment = (await withDuckDB((db) => computeMetric(db, "clv", {by: "segment"}), path, {readOnly: true})) as Clv;

  it("computeMetric(db, 'clv') compares BG/NBD, MBG/NBD and Pareto/NBD on the holdout and chooses MBG/NBD (scipy: 1,808.96, 1,802.14, 1,854.89 against 1,436)", () => {
    const {comparison} = bySegment.model;
    expect(comparison.calibrationEnd).toBe("2026-01-31");
    const reference = {bgnbd: [1808.96, 0.2597], mbgnbd: [1802.14, 0.255], pareto: [1854.89, 0.2917]} as Record<string, number[]>;
    for (const m of comparison.models) {
      expect(m.actual).toBe(1436);
      expect(m.predicted).toBeCloseTo(reference[m.model][0], 1);
      expect(m.error).toBeCloseTo(reference[m.model][1], 3);
      expect(m.status).toBe("converged");
    }
    expect(comparison.chosen).toBe("mbgnbd");
    expect(bySegment.model.model).toBe("mbgnbd");
  });

  it("computeMetric(db, 'clv', {by: 'segment'}) fits each segment with 100+ repeat customers on its own (scipy: Enterprise 232.42, Mid-market 76.22, SMB 32.92; pooled 172.20, 73.42, 45.75)", () => {
    const reference: Record<string, [number, number, number]> = {Enterprise: [283, 166, 232.425], "Mid-market": [922, 476, 76.2231], SMB: [1795, 938, 32.916]};
    expect(bySegment.predicted.map((g) => g.group).sort()).toEqual(Object.keys(reference));
    for (const g of bySegment.predicted) {
      const [customers, repeaters, clv] = reference[g.group];
      expect(g).toMatchObject({customers, repeaters, fit: "own"});
      expect(Math.abs(g.meanClv12 / clv - 1)).toBeLessThan(1e-4);
    }
  });

  it("computeMetric(db, 'clv', {by: 'segment'}) checks each segment's own fit on the holdout (scipy: 225.87/157, 555.31/418, 1,020.70/861)", () => {
    const reference: Record<string, [number, number]> = {Enterprise: [225.87, 157], "Mid-market": [555.31, 418], SMB: [1020.7, 861]};
    for (const g of bySegment.predicted) {
      expect(g.holdout!.actual).toBe(reference[g.group][1]);
      expect(g.holdout!.predicted).toBeCloseTo(reference[g.group][0], 1);
    }
  });

  it("computeMetric(db, 'clv', {by}) values a group with fewer repeat customers than the minimum with the pooled fit", async () => {
    const small = (await withDuckDB((db) => computeMetric(db, "clv", {by: "segment", minGroupRepeaters: 200}), path, {readOnly: true})) as Clv;
    const enterprise = small.predicted.find((g) => g.group === "Enterprise")!;
    expect(enterprise.fit).toBe("pooled");
    // scipy: the pooled MBG/NBD + Gamma-Gamma fit averaged over Enterprise's 283 customers.
    expect(Math.abs(enterprise.meanClv12 / 172.1974 - 1)).toBeLessThan(1e-4);
    expect(small.predicted.find((g) => g.group === "SMB")!.fit).toBe("own");
  });
});

describe("the zero-amount rule", () => {
  it("fitClv(db) counts a zero-amount day as a purchase and counts the repeat customers whose repeat spend is zero, left out of Gamma-Gamma", async () => {
    const {path} = await warehouseOf({
      "orders.csv": [
        "id,customer_id,ordered_at,amount,status",
        "o1,c1,2024-01-01T09:00:00Z,10,completed",
        "o2,c1,2024-01-15T10:00:00Z,0,completed", // a free replacement: a purchase of zero value
        "o3,c2,2024-01-02T10:00:00Z,7,completed",
        "o4,c2,2024-01-09T10:00:00Z,9,completed",
        "o5,c2,2024-02-09T10:00:00Z,11,completed",
        "o6,c3,2024-01-03T10:00:00Z,5,completed",
        "o7,c3,2024-02-01T10:00:00Z,6,completed",
        "o8,c4,2024-01-05T10:00:00Z,8,completed"
      ].join("\n")
    });
    const fit = await withDuckDB((db) => fitClv(db, {unit: "week"}), path);
    expect(fit.customers).toBe(4);
    expect(fit.zeroSpendRepeaters).toBe(1);
    expect(fit.gammaGamma!.customers).toBe(2);
  });

  it("rfmCustomersSql gives a repeat order refunded in full a repeat spend of exactly 0, and orders without a customer no customer", async () => {
    // (first day, repeat order) pairs where, in doubles, (F + R) − F − R is not 0 (found by a review of 4de6689,
    // which summed the calibration spend and took the first day's off in doubles: zbar 8.7e-18, 4.4e-16, 1.1e-16,
    // so these customers entered Gamma-Gamma's fit with an average order of ~1e-17).
    const pairs = [[0.15, 0.01], [0.15, 3.91], [0.22, 0.92]];
    const rows = await withDuckDB(async (db) => {
      await db.run(`CREATE TABLE orders (id VARCHAR, customer_id VARCHAR, ordered_at TIMESTAMP, amount DOUBLE, status VARCHAR)`);
      await db.run(`CREATE TABLE returns (id VARCHAR, customer_id VARCHAR, returned_at TIMESTAMP, amount DOUBLE)`);
      await db.run(`CREATE TABLE customers (id VARCHAR, segment VARCHAR, region VARCHAR, channel VARCHAR, plan VARCHAR)`);
      for (const [i, [first, repeat]] of pairs.entries()) {
        await db.run(`INSERT INTO orders VALUES ('a${i}', 'k${i}', '2024-01-01', ${first}, 'completed'), ('b${i}', 'k${i}', '2024-01-05', ${repeat}, 'completed')`);
        await db.run(`INSERT INTO returns VALUES ('r${i}', 'k${i}', '2024-01-05', ${repeat})`);
      }
      // Two orders without a customer id (ingest rejects them; the SQL must not make them one customer either).
      await db.run(`INSERT INTO orders VALUES ('n1', NULL, '2024-01-01', 5, 'completed'), ('n2', NULL, '2024-01-03', 6, 'completed')`);
      return db.all<{customer_id: string | null; x: number; zbar: number}>(`SELECT customer_id, x, zbar FROM (${rfmCustomersSql({})}) ORDER BY customer_id`);
    });
    expect(rows).toEqual(pairs.map((_, i) => ({customer_id: `k${i}`, x: 1, zbar: 0})));
  });
});
