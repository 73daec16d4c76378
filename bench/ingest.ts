/**
 * Ingest benchmark: loads an N-row orders export (default 10 million) with
 * `rapport ingest` and, in the same run, reads the same file with DuckDB's
 * own read_csv into a table: the bare work rapport builds on. Each stage runs
 * in a child process so its peak memory (max RSS) is its own.
 *
 *   npm run bench:ingest -- --rows 10000000
 *
 * Prints a table and writes bench/ingest-results.json. Quote the ratio, not
 * the seconds: absolute times drift on shared machines.
 */
import {spawnSync} from "node:child_process";
import {existsSync, mkdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {parseArgs} from "node:util";
import {sources} from "../loaders/index.js";
import {parseConfig} from "../src/config.js";
import {ingest} from "../src/ingest/ingest.js";
import {withDuckDB, literal} from "../src/warehouse/duckdb.js";

const {values} = parseArgs({options: {rows: {type: "string", default: "10000000"}, stage: {type: "string"}, dir: {type: "string", default: ".rapport/bench"}}});
const rows = Number(values.rows);
const dir = values.dir!;
const csv = join(dir, `orders-${rows}.csv`);

async function stage(name: string): Promise<void> {
  const started = performance.now();
  if (name === "generate") {
    await withDuckDB((db) =>
      db.run(`COPY (
        SELECT 'o' || i AS id, 'c' || (hash(i) % ${Math.max(1, Math.round(rows / 10))}) AS customer_id,
          strftime(TIMESTAMP '2023-01-01' + to_seconds((hash(i * 7) % 94608000)::BIGINT), '%Y-%m-%dT%H:%M:%SZ') AS ordered_at,
          round(5 + (hash(i * 13) % 50000) / 100.0, 2) AS amount, 'USD' AS currency,
          CASE WHEN hash(i * 17) % 100 < 93 THEN 'completed' WHEN hash(i * 17) % 100 < 97 THEN 'refunded' ELSE 'cancelled' END AS status
        FROM range(${rows}) t(i)
      ) TO ${literal(csv)} (HEADER)`)
    );
  } else if (name === "bare") {
    await withDuckDB((db) => db.run(`CREATE TABLE orders AS SELECT * FROM read_csv(${literal(csv)}, header = true)`), join(dir, "bare.duckdb"));
  } else if (name === "rapport") {
    const report = await ingest([csv], {cwd: process.cwd(), config: parseConfig({}), sources, warehouse: join(dir, "rapport.duckdb"), force: true});
    if (report.files[0].accepted !== rows) throw new Error(`expected ${rows} accepted, got ${JSON.stringify(report.files[0])}`);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({seconds, maxRssMB: process.resourceUsage().maxRSS / 1024}));
}

function child(name: string): {seconds: number; maxRssMB: number} {
  const result = spawnSync(process.execPath, ["--import", "tsx", "bench/ingest.ts", "--rows", String(rows), "--dir", dir, "--stage", name], {encoding: "utf-8", stdio: ["ignore", "pipe", "inherit"]});
  if (result.status !== 0) throw new Error(`stage ${name} failed`);
  return JSON.parse(result.stdout);
}

if (values.stage) {
  await stage(values.stage);
} else {
  mkdirSync(dir, {recursive: true});
  for (const f of ["bare.duckdb", "rapport.duckdb"]) rmSync(join(dir, f), {force: true});
  if (!existsSync(csv)) console.error(`generate: ${rows} orders → ${csv} (${child("generate").seconds.toFixed(1)} s)`);
  const bare = child("bare");
  const ours = child("rapport");
  const results = {
    rows,
    bytes: statSync(csv).size,
    bare: {what: "DuckDB read_csv into a table", ...bare},
    rapport: {what: "rapport ingest (read, parse, check, reject, upsert, manifest)", ...ours},
    ratio: ours.seconds / bare.seconds
  };
  writeFileSync("bench/ingest-results.json", JSON.stringify(results, null, 2) + "\n");
  console.log(`rows            ${rows.toLocaleString("en")}  (${(results.bytes / 1e6).toFixed(0)} MB CSV)`);
  console.log(`DuckDB read_csv ${bare.seconds.toFixed(2)} s  peak ${bare.maxRssMB.toFixed(0)} MB`);
  console.log(`rapport ingest  ${ours.seconds.toFixed(2)} s  peak ${ours.maxRssMB.toFixed(0)} MB`);
  console.log(`ratio           ${results.ratio.toFixed(2)}x`);
}
