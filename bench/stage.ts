/**
 * One stage of the end-to-end benchmark (bench/run.ts), run in a process of
 * its own so that its peak memory is its own:
 *
 *   node --import tsx bench/stage.ts NAME CONTEXT.json RESULT.json
 *
 * Times the stage's work only (not Node's start-up), and writes
 * {seconds, maxRssMB, info} to RESULT.json; logs go to stderr.
 */
import {appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {toJson} from "../src/cli/output.js";
import {computeMetric} from "../src/metrics/registry.js";
import {runIngest} from "../src/cli/ingest.js";
import {exitCodes, main} from "../src/cli/main.js";
import {parseConfig} from "../src/config.js";
import {fitClv} from "../src/metrics/clv.js";
import {random} from "../src/sample/random.js";
import {sampleId, sampleIds} from "../src/sample/generate.js";
import {sampleScale} from "../src/sample/scale.js";
import {writeSample} from "../src/sample/write.js";
import {literal, withDuckDB} from "../src/warehouse/duckdb.js";
import {readWarehouse} from "../src/warehouse/read.js";
import {measureExplore, measurePages} from "./pages.js";

/** What every stage needs to know, written by run.ts. */
export interface BenchContext {
  /** The temporary project: a copy of the site's sources with data/ and .rapport/ of its own. */
  project: string;
  data: string;
  warehouse: string;
  /** The bare DuckDB database of the baseline. */
  bare: string;
  customers: number;
  seed: number;
  ordersPerCustomer: number;
  responsesPerCustomer: number;
  ticketsPerCustomer: number;
}

export const entities = ["customers", "orders", "nps_responses", "tickets"] as const;

/** The bare work: DuckDB reads the same CSVs into tables and runs plain monthly retention, revenue and NPS SQL on them. */
export const baselineSql = {
  retention: `SELECT cohort, date_diff('month', cohort, date_trunc('month', ordered_at)) AS k, count(DISTINCT customer_id)::INTEGER AS customers
    FROM orders JOIN (SELECT customer_id, date_trunc('month', min(ordered_at)) AS cohort FROM orders GROUP BY 1) USING (customer_id)
    GROUP BY ALL ORDER BY ALL`,
  revenue: `SELECT date_trunc('month', ordered_at) AS month, count(*)::INTEGER AS orders, count(DISTINCT customer_id)::INTEGER AS customers,
    sum(amount) FILTER (WHERE status = 'completed')::DOUBLE AS revenue
    FROM orders GROUP BY 1 ORDER BY 1`,
  nps: `SELECT date_trunc('month', responded_at) AS month, count(*)::INTEGER AS responses,
    (100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*))::DOUBLE AS nps
    FROM nps_responses GROUP BY 1 ORDER BY 1`
};

type Stage = (context: BenchContext) => Promise<Record<string, unknown>>;

const metric = (name: string): Stage => async ({warehouse}) => {
  const json = toJson(await readWarehouse((db) => computeMetric(db, name, {}), warehouse));
  return {jsonBytes: json.length};
};

export const stages: Record<string, Stage> = {
  async generate(c) {
    const options = {customers: c.customers, seed: c.seed};
    const scale = sampleScale({ordersPerCustomer: c.ordersPerCustomer, responsesPerCustomer: c.responsesPerCustomer, ticketsPerCustomer: c.ticketsPerCustomer}, options);
    const counts = await writeSample(c.data, {...options, ...scale});
    return {scale, rows: Object.fromEntries(Object.entries(counts).map(([file, n]) => [file.replace(/^.*\/|\.csv$/g, ""), n]))};
  },
  async baseline(c) {
    const parts: Record<string, number> = {};
    const time = async (name: string, f: () => Promise<unknown>) => {
      const started = performance.now();
      await f();
      parts[name] = (performance.now() - started) / 1000;
    };
    await withDuckDB(async (db) => {
      await time("read_csv", async () => {
        // Times as plain UTC TIMESTAMPs, as the warehouse keeps them (the sniffer's TIMESTAMPTZ makes date_trunc slower).
        for (const e of entities) {
          await db.run(`CREATE TABLE ${e} AS SELECT * FROM read_csv(${literal(join(c.data, `${e}.csv`))}, header = true, timestampformat = '%Y-%m-%dT%H:%M:%SZ')`);
        }
      });
      for (const [name, sql] of Object.entries(baselineSql)) await time(name, () => db.all(sql));
    }, c.bare);
    return {parts};
  },
  async ingest(c) {
    const report = await runIngest({paths: [c.data], cwd: c.project, config: parseConfig({}), warehouse: c.warehouse, mirror: true, log: (line) => console.error(line)});
    if (report.failed.length) throw new Error(`ingest failed: ${JSON.stringify(report.failed)}`);
    return {accepted: report.files.reduce((s, f) => s + f.accepted, 0), rejected: report.files.reduce((s, f) => s + f.rejected, 0)};
  },
  "metric retention": metric("retention"),
  "metric nps": metric("nps"),
  "metric service": metric("service"),
  "metric scorecard": metric("scorecard"),
  "metric emotion": metric("emotion"),
  "metric clv": metric("clv"),
  async "clv fit"(c) {
    const fit = await readWarehouse((db) => fitClv(db, {unit: "week"}), c.warehouse);
    return {groups: fit.groups, binDays: fit.binDays, converged: fit.purchases.converged};
  },
  async "site build"(c) {
    // rapport build as a scheduled refresh runs it: the exports are unchanged since the ingest stage, so this is the site.
    process.env.RAPPORT_DATA = c.data;
    const code = await main(["build"], c.project);
    if (code !== exitCodes.ok) throw new Error(`rapport build exited with ${code}`);
    return {};
  },
  async pages(c) {
    return {pages: await measurePages(join(c.project, "dist")), explore: await measureExplore(join(c.project, "dist"))};
  },
  async "day after"(c) {
    // The next night's refresh: a day of new orders (1% of them) at the end of the orders export, then ingest,
    // every metric, the CLV fit and the site build as the stages above run them. Last, since it changes the exports.
    const added = appendDayOfOrders(join(c.data, "orders.csv"), 0.01, c);
    const parts: Record<string, number> = {};
    const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await f();
      parts[name] = (performance.now() - started) / 1000;
      return result;
    };
    const report = await time("ingest", () => runIngest({paths: [c.data], cwd: c.project, config: parseConfig({}), warehouse: c.warehouse, mirror: true, log: (line) => console.error(line)}));
    if (report.failed.length) throw new Error(`ingest failed: ${JSON.stringify(report.failed)}`);
    const orders = report.files.find((f) => f.path.endsWith("orders.csv"))!;
    if (orders.accepted < added.orders) throw new Error(`day after: the ${added.orders} new orders were not loaded (${JSON.stringify(orders)})`);
    for (const name of pipelineStages.filter((s) => s !== "ingest")) await time(name, () => stages[name](c));
    await time("site build", () => stages["site build"](c));
    return {parts, addedOrders: added.orders, appended: orders.appended ?? null, accepted: report.files.reduce((s, f) => s + f.accepted, 0)};
  }
};

/**
 * Appends a day of new orders to the orders export, as the next day's export
 * would hold them: `share` of its orders, numbered on from its last id, dated
 * on the day after its last order, by customers drawn from those generated,
 * with the generator's amounts (gamma, mean about 40) and statuses, from a
 * random stream seeded by the run's seed. Returns how many it added.
 */
export function appendDayOfOrders(path: string, share: number, {seed, customers}: Pick<BenchContext, "seed" | "customers">): {orders: number} {
  const fd = openSync(path, "r");
  const size = fstatSync(fd).size;
  const tail = Buffer.alloc(Math.min(size, 4096));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  closeSync(fd);
  const last = tail.toString("utf-8").trimEnd().split("\n").pop()!.split(",");
  const [prefix, width] = sampleIds.orders;
  const lastId = Number(last[0].slice(prefix.length + 1));
  const day = Date.parse(last[2].slice(0, 10) + "T00:00:00Z") + 86_400_000;
  const n = Math.max(1, Math.round(lastId * share));
  const rng = random(seed + 1);
  const times = Array.from({length: n}, () => day + Math.floor(rng() * 86_400) * 1000).sort((a, b) => a - b);
  const statuses = [["completed", 93], ["refunded", 4], ["cancelled", 3]] as const;
  const rows = times.map((t, i) => {
    const customer = `c-${String(1 + Math.floor(rng() * customers)).padStart(5, "0")}`;
    const amount = Math.round(rng.gamma(6, 40 / 6) * 100) / 100;
    return `${sampleId(prefix, lastId + 1 + i, width)},${customer},${new Date(t).toISOString().replace(".000Z", "Z")},${amount.toFixed(2)},USD,${rng.pick(statuses)}\n`;
  });
  appendFileSync(path, rows.join(""));
  return {orders: n};
}

/** The stages of the pipeline the 1.5x target is about. */
export const pipelineStages = ["ingest", ...Object.keys(stages).filter((s) => s.startsWith("metric ")), "clv fit"];

if (import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [name, contextFile, resultFile] = process.argv.slice(2);
  const stage = stages[name];
  if (!stage) throw new Error(`unknown stage ${JSON.stringify(name)} (expected ${Object.keys(stages).join(", ")})`);
  const context = JSON.parse(readFileSync(contextFile, "utf-8")) as BenchContext;
  const started = performance.now();
  const info = await stage(context);
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(resultFile, JSON.stringify({seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, info}));
}
