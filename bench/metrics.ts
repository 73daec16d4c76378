/**
 * Metrics benchmark: every metric rapport computes, next to the bare
 * retention SQL (customers per cohort month and month offset) in DuckDB on
 * the same warehouse. By default on the warehouse the ingest benchmark built
 * (10 million orders over ~1 million customers, uniformly random, so BG/NBD
 * degenerates on it), plus 500,000 NPS responses and 1 million tickets made
 * here; or on any warehouse given with --warehouse (for instance the sample
 * generator's 1 million customers: `rapport sample DIR --customers 1000000`,
 * then `rapport ingest DIR --warehouse W`).
 *
 *   npm run bench:metrics -- --rows 10000000
 *   npm run bench:metrics -- --warehouse .rapport/bench/sample-1m.duckdb --out bench/metrics-sample-1m.json
 */
import {existsSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {parseArgs} from "node:util";
import {sources} from "../loaders/index.js";
import {computeMetric} from "../src/metrics/registry.js";
import {parseConfig} from "../src/config.js";
import {ingest} from "../src/ingest/ingest.js";
import {fitClv} from "../src/metrics/clv.js";
import {literal, withDuckDB} from "../src/warehouse/duckdb.js";

const {values} = parseArgs({options: {rows: {type: "string", default: "10000000"}, dir: {type: "string", default: ".rapport/bench"}, warehouse: {type: "string"}, out: {type: "string", default: "bench/metrics-results.json"}}});
const rows = Number(values.rows);
const dir = values.dir!;
const warehouse = values.warehouse ?? join(dir, "rapport.duckdb");
if (!existsSync(warehouse)) throw new Error(`no ${warehouse}: run npm run bench:ingest -- --rows ${rows} first`);
const customers = Math.max(1, Math.round(rows / 10));

const nps = join(dir, `nps_responses-${rows}.csv`);
const tickets = join(dir, `tickets-${rows}.csv`);
if (!values.warehouse) await withDuckDB(async (db) => {
  if (!existsSync(nps)) {
    await db.run(`COPY (SELECT 'n' || i AS id, 'c' || (hash(i * 3) % ${customers}) AS customer_id,
      strftime(TIMESTAMP '2023-01-01' + to_seconds((hash(i * 5) % 94608000)::BIGINT), '%Y-%m-%dT%H:%M:%SZ') AS responded_at,
      (hash(i * 11) % 11)::INTEGER AS score FROM range(${Math.round(rows / 20)}) t(i)) TO ${literal(nps)} (HEADER)`);
  }
  if (!existsSync(tickets)) {
    await db.run(`COPY (SELECT 't' || i AS id, 'c' || (hash(i * 7) % ${customers}) AS customer_id,
      strftime(TIMESTAMP '2023-01-01' + to_seconds((hash(i * 13) % 94608000)::BIGINT), '%Y-%m-%dT%H:%M:%SZ') AS opened_at,
      strftime(TIMESTAMP '2023-01-01' + to_seconds((hash(i * 13) % 94608000)::BIGINT + (hash(i * 17) % 172800)::BIGINT), '%Y-%m-%dT%H:%M:%SZ') AS first_response_at,
      NULL AS resolved_at, CASE hash(i) % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'chat' ELSE 'phone' END AS channel,
      CASE WHEN hash(i * 19) % 2 = 0 THEN 1 + (hash(i * 23) % 5)::INTEGER END AS csat FROM range(${Math.round(rows / 10)}) t(i)) TO ${literal(tickets)} (HEADER)`);
  }
});
if (!values.warehouse) {
  const loaded = await ingest([nps, tickets], {cwd: process.cwd(), config: parseConfig({rejectThreshold: 1}), sources, warehouse});
  console.error(loaded.files.map((f) => `${f.path}: ${f.accepted} accepted, ${f.rejected} rejected`).join("\n"));
}

const bareRetention = `SELECT cohort, date_diff('month', cohort, date_trunc('month', ordered_at)) AS k, count(DISTINCT customer_id) AS retained
FROM orders JOIN (SELECT customer_id, date_trunc('month', min(ordered_at)) AS cohort FROM orders GROUP BY 1) USING (customer_id)
GROUP BY ALL`;

const timings: Record<string, number> = {};
await withDuckDB(async (db) => {
  const time = async (name: string, f: () => Promise<unknown>) => {
    const started = performance.now();
    await f();
    timings[name] = (performance.now() - started) / 1000;
    console.error(`${name.padEnd(22)} ${timings[name].toFixed(2)} s`);
  };
  await time("bare retention SQL", () => db.all(bareRetention));
  for (const name of ["retention", "nps", "service", "scorecard"]) await time(name, () => computeMetric(db, name, {period: "month"}));
  await time("clv fit (week)", () => fitClv(db, {unit: "week"}));
  await time("clv (historical + predicted by group)", () => computeMetric(db, "clv", {}));
}, warehouse, {readOnly: true});
const all = Object.entries(timings).filter(([k]) => k !== "bare retention SQL").reduce((s, [, v]) => s + v, 0);
const results = {warehouse, timings, allMetricsSeconds: all, ratioToBareRetention: all / timings["bare retention SQL"]};
writeFileSync(values.out!, JSON.stringify(results, null, 2) + "\n");
console.log(`all metrics ${all.toFixed(2)} s; bare retention SQL ${timings["bare retention SQL"].toFixed(2)} s; ratio ${results.ratioToBareRetention.toFixed(1)}x`);
