/**
 * Everything the sample site publishes, as bytes: every data loader's output (reports/data/*) and a set of
 * `rapport metrics` outputs, computed from one warehouse of data/sample (ingested with a fixed clock). Used
 * by test/reports/published.test.ts to check that refactors of the computation leave every published byte
 * as it was; `node --import tsx test/support/published.ts --write` rewrites the reference hashes
 * (test/fixtures/published/sha256.json) from the code checked out; run it with RAPPORT_DUCKDB_THREADS=1,
 * as the test does (the reference was made so from b1aa40e).
 */
import {execFile} from "node:child_process";
import {createHash} from "node:crypto";
import {mkdtempSync, readdirSync, writeFileSync, mkdirSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {promisify} from "node:util";
import {fileURLToPath, pathToFileURL} from "node:url";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest} from "../../src/ingest/ingest.js";
import {render} from "../../src/cli/output.js";
import {loadConfig} from "../../src/config.js";
import {computeMetric} from "../../src/metrics/registry.js";
import {readWarehouse} from "../../src/warehouse/read.js";
import {parseArgs} from "node:util";

const run = promisify(execFile);
export const repo = fileURLToPath(new URL("../..", import.meta.url));
export const referenceFile = join(repo, "test", "fixtures", "published", "sha256.json");

/** The `rapport metrics` calls checked (name and options), beside every loader. */
export const metricCalls: string[][] = [
  ...["retention", "clv", "nps", "service", "scorecard", "emotion", "satisfaction"].map((name) => [name]),
  ...["segment", "region", "channel"].flatMap((by) => [["clv", "--by", by], ["nps", "--by", by, "--period", "quarter"], ["retention", "--by", by, "--period", "quarter", "--min-cohort", "10"]]),
  ["scorecard", "--period", "quarter"]
];

/** A warehouse of data/sample, ingested as of 2026-11-01 (its _files.loaded_at). */
export async function sampleWarehouse(): Promise<{dir: string; warehouse: string}> {
  const dir = mkdtempSync(join(tmpdir(), "rapport-published-"));
  const warehouse = join(dir, "warehouse.duckdb");
  await ingest([join(repo, "data", "sample")], {cwd: repo, config: parseConfig({}), sources, warehouse, now: new Date("2026-11-01T00:00:00Z")});
  return {dir, warehouse};
}

/**
 * Every loader's output and every metric call's output against the warehouse, name → bytes. The build
 * time in freshness.json (`builtAt`, the clock when the loader ran) is the one field that differs from run
 * to run: it is replaced by a fixed value before hashing.
 *
 * With processes (how the reference was made, from the code before the results store), each loader and
 * each `rapport metrics` call runs as its own process, as Framework and the CLI run them. Without, the
 * loaders' outputs are the tables the results store holds (each loader writes its stored table: see
 * loaderOutput, which checks one), and the metric calls run in this process through the same code as the
 * command (computeMetric, then render as --json).
 */
export async function publishedOutputs(warehouse: string, {processes = false}: {processes?: boolean} = {}): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const loaders = readdirSync(join(repo, "reports", "data")).filter((f) => f.endsWith(".ts")).sort();
  const store = processes ? undefined : await storeFor(warehouse);
  for (const loader of loaders) {
    const name = loader.replace(/\.ts$/, "");
    const stored = store?.read(name);
    const stdout = stored ?? (await loaderOutput(warehouse, loader));
    out.set(name, name === "freshness.json" ? Buffer.from(JSON.stringify({...JSON.parse(stdout.toString()), builtAt: "(the build's clock)"})) : stdout);
  }
  const config = await loadConfig(repo);
  for (const call of metricCalls) {
    if (processes) {
      const {stdout} = await run(process.execPath, [join("src", "cli", "rapport.js"), "metrics", ...call, "--json", "--warehouse", warehouse], processOptions(warehouse));
      out.set(`metrics ${call.join(" ")}`, stdout);
    } else {
      const {values} = parseArgs({args: call.slice(1), options: {by: {type: "string"}, period: {type: "string"}, "min-cohort": {type: "string"}}});
      const options = {period: values.period, by: values.by, minCohort: values["min-cohort"] === undefined ? undefined : Number(values["min-cohort"]), minResponses: undefined, minGroupRepeaters: config.clvMinGroupRepeaters};
      const result = await readWarehouse((db) => computeMetric(db, call[0], options), warehouse);
      out.set(`metrics ${call.join(" ")}`, Buffer.from(render(result, {format: "json", part: undefined, command: `metrics ${call[0]}`})));
    }
  }
  return out;
}

const processOptions = (warehouse: string) => ({cwd: repo, env: {...process.env, RAPPORT_WAREHOUSE: warehouse, TZ: "UTC"}, encoding: "buffer" as const, maxBuffer: 256 * 2 ** 20});

/** What the data loader (a file name under reports/data) writes, run as Framework runs it. */
export async function loaderOutput(warehouse: string, loader: string): Promise<Buffer> {
  return (await run(process.execPath, ["--import", "tsx", join("reports", "data", loader)], processOptions(warehouse))).stdout;
}

/** The results store of the warehouse, under the key the data loaders compute. */
async function storeFor(warehouse: string) {
  const {resultsKey, resultsStore} = await import("../../src/warehouse/results.js");
  const config = await loadConfig(repo);
  const key = await readWarehouse((db) => resultsKey(db, warehouse, {config, root: repo}), warehouse);
  return resultsStore(warehouse, key);
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

if (import.meta.url === pathToFileURL(resolve(process.argv[1])).href && process.argv.includes("--write")) {
  // One thread, as the test compares (published.test.ts): with several, sums of doubles vary in their last bits.
  process.env.RAPPORT_DUCKDB_THREADS = "1";
  const {warehouse} = await sampleWarehouse();
  const outputs = await publishedOutputs(warehouse, {processes: true});
  mkdirSync(join(repo, "test", "fixtures", "published"), {recursive: true});
  writeFileSync(referenceFile, JSON.stringify(Object.fromEntries([...outputs].map(([name, bytes]) => [name, {sha256: sha256(bytes), bytes: bytes.length}])), null, 2) + "\n");
  console.error(`published: ${outputs.size} outputs hashed into ${referenceFile}`);
}
