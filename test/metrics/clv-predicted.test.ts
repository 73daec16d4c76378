import {describe, expect, it} from "vitest";
import {sources} from "../../loaders/index.js";
import {computeMetric} from "../../src/metrics/registry.js";
import {ingest} from "../../src/ingest/ingest.js";
import {fitClv} from "../../src/metrics/clv.js";
import {customerGroupsSql, rfmCustomersSql, rfmGroupsSql, spendGroupsSql} from "../../src/metrics/rfm.js";
import {fitPurchaseModel} from "../../src/models/purchases.js";
import type {PurchaseFit} from "../../src/models/purchases.js";
import {fitGammaGamma, type GammaGammaFit} from "../../src/models/gammagamma.js";
import {customerLifetimeValue} from "../../src/models/clv.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";
import {loadConfig, parseConfig} from "../../src/config.js";
import {projectRoot} from "../../src/paths.js";
import {resultContext} from "../../src/results/context.js";
import {publishedTables} from "../../src/results/tables.js";
import {writeSample} from "../../src/sample/write.js";

const root = new URL("../..", import.meta.url).pathname;

describe("rapport metrics clv: predicted CLV per group", async () => {
  const path = `${tempTree({})}/sample.duckdb`;
  await ingest(["data/sample"], {cwd: root, config: parseConfig({}), sources, warehouse: path});

  it("computeMetric(db, 'clv', {by}) gives each group's mean 12-month CLV as customer-by-customer customerLifetimeValue does", async () => {
    for (const by of [undefined, "segment", "channel"]) {
      const {got, expected} = await withDuckDB(async (db) => {
        type Fits = {purchases: PurchaseFit; gammaGamma: GammaGammaFit};
        const got = (await computeMetric(db, "clv", {by})) as {predicted: ({group: string; customers: number; meanClv12: number} & Partial<Fits>)[]; model: Fits};
        // Independently: with the metric's own fits (DuckDB's parallel sums make refits differ in the last digits):
        // the group's own when it has one, else the pooled one; every (group, x, t_x, T, zbar) evaluated on its own.
        const fitOf = new Map(got.predicted.map((g) => [g.group, g.purchases ? (g as Fits) : got.model]));
        const rows = await db.all<{group: string; x: number; t_x: number; T: number; zbar: number; n: number}>(
          customerGroupsSql({unit: "week", by: by as "segment" | "channel" | undefined})
        );
        const totals = new Map<string, {customers: number; total: number}>();
        for (const r of rows) {
          const cell = totals.get(r.group) ?? {customers: 0, total: 0};
          cell.customers += r.n;
          const fit = fitOf.get(r.group)!;
          cell.total += r.n * customerLifetimeValue(fit.purchases, fit.gammaGamma, r, {unit: "week", months: 12, discount: 0.01});
          totals.set(r.group, cell);
        }
        return {got: got.predicted, expected: totals};
      }, path, {readOnly: true});
      expect(got.map((g) => g.group).sort()).toEqual([...expected.keys()].sort());
      for (const g of got) {
        const e = expected.get(g.group)!;
        expect(g.customers).toBe(e.customers);
        expect(Math.abs(g.meanClv12 / (e.total / e.customers) - 1)).toBeLessThan(1e-12);
      }
    }
  });
});

describe("computeMetric's parts: what the group pages ask for", async () => {
  const path = `${tempTree({})}/sample-parts.duckdb`;
  await ingest(["data/sample"], {cwd: root, config: parseConfig({}), sources, warehouse: path});

  it("computeMetric(db, name, {parts}) leaves out the other parts and gives the same figures for those it keeps", async () => {
    const {retention, retentionParts, clv, clvParts} = await withDuckDB(async (db) => {
      // Each in a fresh memo: the parts are computed, not taken from the whole result.
      const memo = () => {
        const m = new Map<string, Promise<unknown>>();
        return <T,>(key: string, f: () => Promise<T>) => (m.get(key) ?? m.set(key, f()).get(key)) as Promise<T>;
      };
      const options = {by: "segment", period: "quarter", minCohort: 10};
      return {
        retention: (await computeMetric(db, "retention", options, memo())) as Record<string, unknown>,
        retentionParts: (await computeMetric(db, "retention", {...options, parts: ["triangle", "repeatRate"]}, memo())) as Record<string, unknown>,
        clv: (await computeMetric(db, "clv", {by: "segment"}, memo())) as Record<string, unknown>,
        clvParts: (await computeMetric(db, "clv", {by: "segment", parts: ["predicted"]}, memo())) as Record<string, unknown>
      };
    }, path, {readOnly: true});
    // The same rows, numbers to 1e-12: DuckDB's parallel sums (two threads) may differ in the last bits between two runs.
    const same = (a: unknown, b: unknown, where: string): void => {
      if (typeof a === "number" && typeof b === "number") return void expect(Math.abs(a - b), where).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
      if (a && b && typeof a === "object" && !(a instanceof Date)) {
        expect(Object.keys(a).sort(), where).toEqual(Object.keys(b).sort());
        for (const key of Object.keys(b)) same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`);
        return;
      }
      expect(a, where).toEqual(b);
    };
    expect(Object.keys(retention).sort()).toEqual(["churn", "recurringRevenue", "repeatRate", "triangle"]);
    expect(Object.keys(retentionParts).sort()).toEqual(["repeatRate", "triangle"]);
    expect((retention.triangle as unknown[]).length).toBeGreaterThan(100);
    same(retentionParts.triangle, retention.triangle, "triangle");
    same(retentionParts.repeatRate, retention.repeatRate, "repeatRate");
    expect(Object.keys(clv).sort()).toEqual(["historical", "model", "predicted"]);
    expect(Object.keys(clvParts)).toEqual(["predicted"]);
    same(clvParts.predicted, clv.predicted, "predicted");
  });
});

describe("fitClv reads the orders once", async () => {
  const path = `${tempTree({})}/cdnow.duckdb`;
  await ingest(["test/fixtures/cdnow/CDNOW_sample.txt"], {cwd: root, config: parseConfig({}), sources, warehouse: path});

  it("fitClv(db, options) fits exactly what the inline summaries give, with or without a table of rfmCustomersSql rows", async () => {
    const options = {calibrationEnd: "1997-09-30", unit: "week" as const};
    const {fit, fromTable, bgnbd, gammaGamma} = await withDuckDB(async (db) => {
      const fit = await fitClv(db, options);
      await db.run(`CREATE TEMP TABLE mine AS ${rfmCustomersSql(options)}`);
      const fromTable = await fitClv(db, {...options, table: "mine"});
      // Independently, from the one-query summaries of the orders.
      const bgnbd = fitPurchaseModel("bgnbd", await db.all(rfmGroupsSql(options)));
      const gammaGamma = fitGammaGamma(await db.all(spendGroupsSql(options)));
      return {fit, fromTable, bgnbd, gammaGamma};
    }, path);
    // DuckDB sums in parallel, so a customer's mean spend can differ in its last bits between two
    // queries and the optimiser lands a few ulps apart: equal to 6 significant digits, not bit for bit.
    const close = (a: Record<string, unknown>, b: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(b)) {
        if (typeof value === "number" && key !== "iterations") expect(Math.abs((a[key] as number) / value - 1), key).toBeLessThan(1e-6);
        else if (key !== "iterations") expect(a[key], key).toEqual(value);
      }
    };
    close(fit.purchases as never, bgnbd as never);
    close(fit.gammaGamma as never, gammaGamma as never);
    close(fromTable.purchases as never, fit.purchases as never);
    close(fromTable.gammaGamma as never, fit.gammaGamma as never);
    expect(fromTable.holdout!.actual).toBe(fit.holdout!.actual);
    expect(Math.abs(fromTable.holdout!.predicted / fit.holdout!.predicted - 1)).toBeLessThan(1e-6);
    expect(fit.binDays).toBe(1);
  });
});

describe("a group valued with the pooled fit: clv.json checks it on the holdout as `metrics clv --by` does", async () => {
  // More customers than the model comparison fits (maxComparisonCustomers): it fits a sample, which must not be
  // what a pooled group is checked with (on the bundled sample the comparison's fit and the full one are the same).
  const dir = tempTree({});
  await writeSample(`${dir}/data`, {customers: 25_000, seed: 3});
  const path = `${dir}/pooled.duckdb`;
  await ingest([`${dir}/data`], {cwd: dir, config: parseConfig({}), sources, warehouse: path});

  it("with clvMinGroupRepeaters above some segments' repeat customers, clv.json's holdout of each pooled segment is the metric's", async () => {
    const config = await loadConfig(projectRoot);
    const {table, metric, pooled} = await withDuckDB(async (db) => {
      const sizes = await db.all<{repeaters: number}>(
        `SELECT count(DISTINCT customer_id) FILTER (WHERE n > 1)::INTEGER AS repeaters FROM (SELECT customer_id, any_value(coalesce(c.segment, 'unknown')) AS segment, count(DISTINCT o.ordered_at::DATE) AS n
           FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.status = 'completed' GROUP BY customer_id) GROUP BY segment ORDER BY 1`
      );
      // Between the smallest and the largest segment's repeat customers: some segments pooled, some with their own fit.
      const minGroupRepeaters = Math.floor((sizes[0].repeaters + sizes.at(-1)!.repeaters) / 2);
      const context = resultContext(db, {...config, clvMinGroupRepeaters: minGroupRepeaters}, () => {});
      const table = JSON.parse(String(await publishedTables["clv.json"](context))) as {comparison: {sampleEvery: number}; groupFits: {by: string; group: string; fit: string; holdout: {actual: number; predicted: number} | null}[]};
      const metric = (await computeMetric(db, "clv", {by: "segment", minGroupRepeaters})) as {predicted: {group: string; fit?: string; holdout?: {actual: number; predicted: number} | null}[]};
      return {table, metric, pooled: table.groupFits.filter((g) => g.by === "segment" && g.fit === "pooled")};
    }, path, {readOnly: true});
    expect(table.comparison.sampleEvery).toBeGreaterThan(1);
    expect(pooled.length).toBeGreaterThan(0);
    expect(table.groupFits.some((g) => g.by === "segment" && g.fit === "own")).toBe(true);
    for (const g of pooled) {
      const m = metric.predicted.find((p) => p.group === g.group)!;
      expect(m.fit).toBe("pooled");
      expect(g.holdout).not.toBeNull();
      expect([g.group, g.holdout!.actual]).toEqual([g.group, m.holdout!.actual]);
      expect(Math.abs(g.holdout!.predicted / m.holdout!.predicted - 1)).toBeLessThan(1e-9);
    }
  });

  it("clv.json, `metrics clv` and `metrics clv --by` choose their purchase model by one comparison, on one sample of customers", async () => {
    const config = await loadConfig(projectRoot);
    type Comparison = {chosen: string; sampleEvery: number; models: {model: string; error: number}[]};
    const errors = (c: Comparison) => ({chosen: c.chosen, sampleEvery: c.sampleEvery, errors: c.models.map((m) => [m.model, m.error])});
    const {table, pooled, grouped} = await withDuckDB(async (db) => {
      const table = JSON.parse(String(await publishedTables["clv.json"](resultContext(db, config, () => {})))) as {comparison: Comparison};
      const metric = async (options: {by?: string}) => ((await computeMetric(db, "clv", options)) as {model: {comparison: Comparison}}).model.comparison;
      return {table: table.comparison, pooled: await metric({}), grouped: await metric({by: "segment"})};
    }, path, {readOnly: true});
    expect(table.sampleEvery).toBeGreaterThan(1);
    expect(errors(pooled)).toEqual(errors(table));
    expect(errors(grouped)).toEqual(errors(table));
  });
});
