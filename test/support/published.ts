/**
 * Everything the sample site publishes, as bytes: every data loader's output (reports/data/*) and a set of
 * `rapport metrics` outputs, computed from one warehouse of data/sample (ingested with a fixed clock). Used
 * by test/reports/published.test.ts to check that refactors of the computation leave every published byte
 * as it was; `node --import tsx test/support/published.ts --write` rewrites the reference hashes
 * (test/fixtures/published/sha256.json) from the code checked out.
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
 * Runs every loader of reports/data and every metric call against the warehouse, each as its own process
 * (as Framework and the CLI run them), and returns name → bytes. The build time in freshness.json
 * (`builtAt`, the clock when the loader ran) is the one field that differs from run to run: it is replaced
 * by a fixed value before hashing.
 */
export async function publishedOutputs(warehouse: string, env: Record<string, string> = {}): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const options = {cwd: repo, env: {...process.env, ...env, RAPPORT_WAREHOUSE: warehouse, TZ: "UTC"}, encoding: "buffer" as const, maxBuffer: 256 * 2 ** 20};
  const loaders = readdirSync(join(repo, "reports", "data")).filter((f) => f.endsWith(".ts")).sort();
  for (const loader of loaders) {
    const {stdout} = await run(process.execPath, ["--import", "tsx", join("reports", "data", loader)], options);
    const name = loader.replace(/\.ts$/, "");
    out.set(name, name === "freshness.json" ? Buffer.from(JSON.stringify({...JSON.parse(stdout.toString()), builtAt: "(the build's clock)"})) : stdout);
  }
  for (const call of metricCalls) {
    const {stdout} = await run(process.execPath, [join("src", "cli", "rapport.js"), "metrics", ...call, "--json", "--warehouse", warehouse], options);
    out.set(`metrics ${call.join(" ")}`, stdout);
  }
  return out;
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

if (import.meta.url === pathToFileURL(resolve(process.argv[1])).href && process.argv.includes("--write")) {
  const {warehouse} = await sampleWarehouse();
  const outputs = await publishedOutputs(warehouse);
  mkdirSync(join(repo, "test", "fixtures", "published"), {recursive: true});
  writeFileSync(referenceFile, JSON.stringify(Object.fromEntries([...outputs].map(([name, bytes]) => [name, {sha256: sha256(bytes), bytes: bytes.length}])), null, 2) + "\n");
  console.error(`published: ${outputs.size} outputs hashed into ${referenceFile}`);
}
