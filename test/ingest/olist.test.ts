import {copyFileSync, mkdirSync, readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterEach, describe, expect, it, vi} from "vitest";
import {exitCodes, main} from "../../src/cli/main.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";
import {tempTree} from "../support/fixtures.js";

// The four raw Olist CSVs (test/fixtures/olist/raw, untouched copies of the 4,000-order sample) loaded with
// nothing but data/examples/olist/rapport.config.json, checked against test/fixtures/olist/reference.py
// (pandas, written from Olist's documentation): reference.json is its output.
const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "test/fixtures/olist/raw");
const config = join(root, "data/examples/olist/rapport.config.json");
const reference = JSON.parse(readFileSync(join(root, "test/fixtures/olist/reference.json"), "utf-8")) as {
  customers: number;
  cohortSizes: Record<string, number>;
  triangle: {cohort: string; k: number; customers: number; retained: number; revenue: number}[];
};

afterEach(() => vi.restoreAllMocks());

async function run(argv: string[], cwd: string): Promise<{code: number; out: string; err: string}> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  const code = await main(argv, cwd);
  vi.restoreAllMocks();
  return {code, out: out.join(""), err: err.join("")};
}

describe("Olist: four files of one data set", () => {
  it("rapport ingest --config olist loads the raw files, and retention --period month equals the pandas reference", async () => {
    const dir = tempTree({});
    mkdirSync(join(dir, "olist"));
    for (const f of readdirSync(fixtures).filter((f) => f.endsWith(".csv"))) copyFileSync(join(fixtures, f), join(dir, "olist", f));

    const ingest = await run(["ingest", "--config", config, "olist"], dir);
    expect(ingest.code, ingest.err).toBe(exitCodes.ok);
    const warehouse = join(dir, ".rapport/warehouse.duckdb");
    const files = await withDuckDB((db) => db.all(`SELECT path, "read"::INTEGER AS "read", accepted::INTEGER AS accepted, rejected::INTEGER AS rejected, skipped::INTEGER AS skipped FROM _files ORDER BY path`), warehouse);
    expect(files).toEqual([
      {path: "olist/olist_customers_dataset.csv", read: 4000, accepted: 3998, rejected: 0, skipped: 2}, // 2 people with two orders are listed twice
      {path: "olist/olist_order_payments_dataset.csv", read: 4161, accepted: 4000, rejected: 0, skipped: 161}, // further payments of an order, added to it
      {path: "olist/olist_order_reviews_dataset.csv", read: 3986, accepted: 3986, rejected: 0, skipped: 0},
      {path: "olist/olist_orders_dataset.csv", read: 4000, accepted: 4000, rejected: 0, skipped: 0}
    ]);

    const retention = await run(["metrics", "retention", "--period", "month"], dir);
    expect(retention.code, retention.err).toBe(exitCodes.ok);
    const triangle = (JSON.parse(retention.out) as {triangle: {cohort: string; k: number; customers: number; retained: number; revenue: number}[]}).triangle;
    const cells = triangle.map((t) => ({cohort: t.cohort.slice(0, 7), k: t.k, customers: t.customers, retained: t.retained, revenue: t.revenue}));
    expect(cells).toEqual(reference.triangle);
    // The reference's figures, written out (reference.py prints them):
    const sizes = Object.fromEntries(cells.filter((c) => c.k === 0).map((c) => [c.cohort, c.customers]));
    expect(sizes).toEqual({
      "2016-10": 18, "2017-01": 37, "2017-02": 66, "2017-03": 91, "2017-04": 119, "2017-05": 155, "2017-06": 142, "2017-07": 155,
      "2017-08": 173, "2017-09": 164, "2017-10": 183, "2017-11": 279, "2017-12": 223, "2018-01": 283, "2018-02": 277, "2018-03": 293,
      "2018-04": 292, "2018-05": 254, "2018-06": 259, "2018-07": 242, "2018-08": 253
    });
    expect(Object.values(sizes).reduce((a, b) => a + b, 0)).toBe(3958);
    expect(cells.length).toBe(233);
    // The two people who came back: with customer_id taken as the person, there would be none.
    expect(cells.filter((c) => c.k > 0 && c.retained > 0)).toEqual([
      {cohort: "2017-09", k: 3, customers: 164, retained: 1, revenue: 67.98},
      {cohort: "2017-09", k: 7, customers: 164, retained: 1, revenue: 33.32}
    ]);
    expect(cells.reduce((s, c) => s + c.revenue, 0)).toBeCloseTo(637217.93, 2);

    const nps = await run(["metrics", "nps"], dir);
    expect(nps.code, nps.err).toBe(exitCodes.ok);
    expect(JSON.parse(nps.out)).toEqual([]);
    const ratings = await withDuckDB(
      (db) => db.all(`SELECT score::INTEGER AS score, count(*)::INTEGER AS n FROM ratings WHERE scale_min = 1 AND scale_max = 5 GROUP BY ALL ORDER BY score`),
      warehouse
    );
    expect(ratings).toEqual([{score: 1, n: 454}, {score: 2, n: 137}, {score: 3, n: 337}, {score: 4, n: 765}, {score: 5, n: 2293}]); // SOURCES.md
    const [r] = await withDuckDB(
      (db) =>
        db.all(`SELECT (SELECT count(*)::INTEGER FROM nps_responses) AS nps, count(comment)::INTEGER AS comments,
          count(*) FILTER (WHERE r.customer_id = o.customer_id)::INTEGER AS "sameCustomer", count(*) FILTER (WHERE c.region IS NOT NULL)::INTEGER AS "withRegion"
          FROM ratings r JOIN orders o ON o.id = r.order_id JOIN customers c ON c.id = r.customer_id`),
      warehouse
    );
    // 1,728 reviews have a title or a message that is not blank (pandas, stripped); line breaks inside quotes are kept.
    expect(r).toEqual({nps: 0, comments: 1728, sameCustomer: 3986, withRegion: 3986});
  });
});
