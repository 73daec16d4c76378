/**
 * The rapport command line. Each subcommand is a function from arguments to
 * an exit code; nothing here calls process.exit, so tests run it in-process.
 */
import {existsSync, readFileSync, readdirSync, utimesSync, watch, writeFileSync} from "node:fs";
import {rename, rm} from "node:fs/promises";
import {dirname, resolve} from "node:path";
import {parseArgs} from "node:util";
import {loadConfig} from "../config.js";
import {IngestError} from "../ingest/errors.js";
import {dataDir} from "../paths.js";
import {runFramework} from "./framework.js";
import {refreshLoaderCache, siteKey} from "./cache.js";
import {formatReport, runIngest} from "./ingest.js";
import {computeMetric, MetricError, metricNames, toJson} from "./metrics.js";
import {fitClvChosen} from "../metrics/clv.js";
import {purchaseModels, type PurchaseModelName} from "../models/purchases.js";
import {readWarehouse} from "../warehouse/read.js";
import {personalValues, scanSite} from "../privacy/scan.js";
import {progressLog} from "./progress.js";
import {serveStatic} from "./serve.js";
import {writeSample} from "../sample/write.js";

/** Exit codes a scheduler can act on (sysexits.h numbering). */
export const exitCodes = {ok: 0, usage: 64, badInput: 65, rejectThreshold: 66, privacy: 67, buildFailed: 70} as const;

const help = `rapport — customer-relationship reports from CRM exports

Usage: rapport <command> [options]

Commands:
  ingest PATH...        load CRM exports (files or folders) into the DuckDB warehouse
  check PATH...         validate exports without loading them
  metrics NAME          print retention, clv, nps, service, scorecard or emotion rows from the warehouse
  clv fit               fit a purchase model (chosen on a holdout) and Gamma-Gamma on the warehouse's orders (--calibration-end for the holdout)
  build                 ingest data/sample (or $RAPPORT_DATA), then build the site into dist/ (offline)
  preview               live preview for editing report pages (Framework's dev server)
  serve [DIR]           serve a built site (default dist/) on http://127.0.0.1:3000
  sample [DIR]          write the seeded sample CRM exports (default data/sample/)

Options:
  -h, --help            show this help
  -v, --version         show the version
  --config FILE         ingest, check, build: the config (default rapport.config.json if present)
  --source NAME         ingest, check: read every file as this source (generic, hubspot, salesforce, stripe, shopify, cdnow)
  --warehouse FILE      ingest: the warehouse (default .rapport/warehouse.duckdb)
  --force               ingest: reload files even when unchanged
  --period P            metrics: week, month (default) or quarter
  --by B                metrics: segment, region, channel or plan (service also ticket_channel)
  --json                metrics, clv fit: print JSON (the default; tables are not implemented)
  --calibration-end D   clv fit: last day of the calibration period (YYYY-MM-DD)
  --unit U              clv fit: day or week (default week)
  --model M             clv fit: auto (default: chosen on a holdout), bgnbd, mbgnbd or pareto
  --port N              serve, preview: the port (default 3000)
  --customers N         sample: how many customers (default 3000)
  --seed N              sample: the random seed (default 42)

Exit codes: 0 ok, 64 usage error, 65 bad input (unreadable file, missing column,
unknown source), 66 too many rejected records, 67 personal data found in the
built site, 70 site build failed.
`;

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: {type: "boolean", short: "h"},
        version: {type: "boolean", short: "v"},
        port: {type: "string"},
        host: {type: "string"},
        customers: {type: "string"},
        seed: {type: "string"},
        config: {type: "string"},
        source: {type: "string"},
        warehouse: {type: "string"},
        force: {type: "boolean"},
        period: {type: "string"},
        by: {type: "string"},
        json: {type: "boolean"},
        "calibration-end": {type: "string"},
        unit: {type: "string"},
        model: {type: "string"},
        "min-cohort": {type: "string"},
        "min-responses": {type: "string"}
      }
    });
  } catch (error) {
    process.stderr.write(`rapport: ${(error as Error).message}\nRun rapport --help for usage.\n`);
    return exitCodes.usage;
  }
  const {values, positionals} = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return exitCodes.ok;
  }
  if (values.help || command === undefined || command === "help") {
    process.stdout.write(help);
    return exitCodes.ok;
  }
  try {
    return await run(command, rest, values, cwd);
  } catch (error) {
    if (error instanceof IngestError) {
      process.stderr.write(`rapport: ${error.message}\n`);
      return error.kind === "threshold" ? exitCodes.rejectThreshold : exitCodes.badInput;
    }
    if (!(error instanceof UsageError || error instanceof MetricError)) throw error;
    process.stderr.write(`rapport: ${error.message}\nRun rapport --help for usage.\n`);
    return exitCodes.usage;
  }
}

async function run(command: string, rest: string[], values: Record<string, string | boolean | undefined>, cwd: string): Promise<number> {
  const option = (name: string) => values[name] as string | undefined;
  switch (command) {
    case "ingest":
    case "check": {
      if (rest.length === 0) throw new UsageError(`${command} needs at least one file or folder`);
      const config = await loadConfig(cwd, option("config"));
      const report = await runIngest({
        paths: rest,
        cwd,
        config,
        source: option("source"),
        warehouse: option("warehouse"),
        force: values.force === true,
        check: command === "check",
        log: progressLog()
      });
      process.stdout.write(formatReport(report, config.rejectThreshold));
      if (report.failed.length) return exitCodes.rejectThreshold;
      if (command === "check" && report.files.some((f) => f.rejected > 0)) return exitCodes.badInput;
      return exitCodes.ok;
    }
    case "metrics": {
      const [name] = rest;
      if (!metricNames.includes(name as (typeof metricNames)[number])) throw new UsageError(`metrics needs one of ${metricNames.join(", ")}${name ? `, not ${JSON.stringify(name)}` : ""}`);
      const config = await loadConfig(cwd, option("config"));
      const result = await readWarehouse(
        (db) =>
          computeMetric(db, name, {
            period: option("period"),
            by: option("by"),
            minCohort: option("min-cohort") === undefined ? undefined : integer(option("min-cohort")!, "--min-cohort"),
            minResponses: option("min-responses") === undefined ? undefined : integer(option("min-responses")!, "--min-responses"),
            minGroupRepeaters: config.clvMinGroupRepeaters
          }).catch((error: Error) => {
            throw /^(invalid|unknown)/.test(error.message) ? new UsageError(error.message) : error;
          }),
        resolve(cwd, option("warehouse") ?? config.warehouse)
      );
      process.stdout.write(toJson(result) + "\n");
      return exitCodes.ok;
    }
    case "clv": {
      if (rest[0] !== "fit") throw new UsageError("clv takes one subcommand: clv fit");
      const unit = option("unit") ?? "week";
      if (unit !== "day" && unit !== "week") throw new UsageError(`--unit must be day or week, not ${JSON.stringify(unit)}`);
      const end = option("calibration-end");
      if (end !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new UsageError(`--calibration-end must be a date YYYY-MM-DD, not ${JSON.stringify(end)}`);
      const config = await loadConfig(cwd, option("config"));
      const model = option("model") ?? "auto";
      if (model !== "auto" && !(purchaseModels as readonly string[]).includes(model)) throw new UsageError(`--model must be auto, ${purchaseModels.join(", ")}, not ${JSON.stringify(model)}`);
      const result = await readWarehouse((db) => fitClvChosen(db, {unit, calibrationEnd: end, model: model as PurchaseModelName | "auto"}), resolve(cwd, option("warehouse") ?? config.warehouse));
      process.stdout.write(toJson(result) + "\n");
      return exitCodes.ok;
    }
    case "build": {
      const config = await loadConfig(cwd, option("config"));
      const log = progressLog();
      const data = dataDir();
      const started = performance.now();
      log(`ingest: ${data}`);
      const report = await runIngest({paths: [data], cwd, config, log, mirror: true});
      const ingested = performance.now();
      process.stderr.write(formatReport(report, config.rejectThreshold));
      if (report.failed.length) return exitCodes.rejectThreshold;
      const warehouse = resolve(cwd, config.warehouse);
      if (refreshLoaderCache({cwd, root: "reports", warehouse, env: {RAPPORT_DATA: process.env.RAPPORT_DATA}})) {
        log("build: data or code changed since the last build; data loaders will run again");
      }
      const inputs = {cwd, root: "reports", warehouse, env: {RAPPORT_DATA: process.env.RAPPORT_DATA}};
      const keyFile = resolve(dirname(warehouse), "site.key");
      const key = siteKey(inputs);
      const unchanged = existsSync(resolve(cwd, "dist", "index.html")) && existsSync(keyFile) && readFileSync(keyFile, "utf-8") === key;
      if (unchanged) log("build: nothing the site depends on changed since the last build; dist/ kept as it is");
      else log(`build: site from ${warehouse}`);
      if (config.private) log("build: WARNING private build (rapport.config.json \"private\": true): the site may show personal data; NOT FOR PUBLIC HOSTING");
      const built = unchanged ? "ok" : await buildSite(cwd, warehouse, log, config.private);
      if (built === "ok" && !unchanged) writeFileSync(keyFile, key);
      const seconds = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
      const loaded = report.files.filter((f) => f.status === "loaded").length;
      const sum = (key: "accepted" | "rejected") => report.files.reduce((s, f) => s + f[key], 0);
      log(
        `summary: ${report.files.length} exports (${loaded} loaded, ${report.files.length - loaded} unchanged), ${sum("accepted")} records accepted, ` +
          `${sum("rejected")} rejected; ingest ${seconds(started, ingested)}, site ${seconds(ingested, performance.now())}, total ${seconds(started, performance.now())}` +
          (built === "ok" ? "" : `; ${built === "privacy" ? "PRIVACY CHECK FAILED" : "site build FAILED"}, previous dist/ kept`)
      );
      return built === "ok" ? exitCodes.ok : built === "privacy" ? exitCodes.privacy : exitCodes.buildFailed;
    }
    case "preview": {
      // Preview reads the same warehouse a build does, and re-ingests when an export changes.
      const config = await loadConfig(cwd, option("config"));
      const log = progressLog();
      // The config is read again on each reload, so edits to it are picked up too.
      const ingestData = async () => runIngest({paths: [dataDir()], cwd, config: await loadConfig(cwd, option("config")), log, mirror: true});
      let report = await ingestData();
      if (report.failed.length) {
        process.stderr.write(formatReport(report, config.rejectThreshold));
        return exitCodes.rejectThreshold;
      }
      const stop = watchExports(dataDir(), async () => {
        const again = await ingestData().catch((error: Error) => (log(`preview: ${error.message}`), undefined));
        if (!again || again.failed.length) return log("preview: exports not reloaded; the pages keep the last good data");
        const changed = again.files.some((f) => f.status === "loaded") || again.files.length !== report.files.length;
        report = again;
        if (changed) {
          touchLoaders(resolve(cwd, "reports", "data")); // Framework re-runs a loader whose file is newer than its output
          log("preview: exports reloaded; the data loaders run again on the next page view");
        }
      });
      const args = ["preview", "--port", option("port") ?? "3000", ...(option("host") ? ["--host", option("host")!] : [])];
      try {
        return await runFramework(args, {cwd, env: {RAPPORT_WAREHOUSE: resolve(cwd, config.warehouse)}});
      } finally {
        stop();
      }
    }
    case "serve": {
      const port = integer(option("port") ?? "3000", "--port");
      const site = await serveStatic(resolve(cwd, rest[0] ?? "dist"), {port, host: option("host") ?? "127.0.0.1"});
      process.stderr.write(`rapport: serving ${rest[0] ?? "dist"} at ${site.url} (Ctrl-C to stop)\n`);
      await new Promise(() => {}); // until interrupted
      return exitCodes.ok;
    }
    case "sample": {
      const dir = resolve(cwd, rest[0] ?? "data/sample");
      const counts = await writeSample(dir, {
        customers: integer(option("customers") ?? "3000", "--customers"),
        seed: integer(option("seed") ?? "42", "--seed")
      });
      for (const [file, rows] of Object.entries(counts)) process.stderr.write(`rapport: wrote ${rows} rows to ${file}\n`);
      return exitCodes.ok;
    }
    default:
      process.stderr.write(`rapport: unknown command ${JSON.stringify(command)}\nRun rapport --help for usage.\n`);
      return exitCodes.usage;
  }
}

/** Calls onChange (debounced, one at a time) when a file in dir changes; returns a function that stops watching. */
function watchExports(dir: string, onChange: () => Promise<void>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const watcher = watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(() => (running = running.then(onChange)), 500);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

function touchLoaders(dir: string): void {
  const now = new Date();
  for (const file of readdirSync(dir)) if (/\.(ts|js)$/.test(file)) utimesSync(resolve(dir, file), now, now);
}

/**
 * Builds into a new folder and swaps it in for dist/ only when Framework
 * succeeded, so a failed refresh leaves the last good site in place.
 */
async function buildSite(cwd: string, warehouse: string, log: (line: string) => void, privateBuild: boolean): Promise<"ok" | "failed" | "privacy"> {
  const next = `dist.next-${process.pid}`;
  const previous = `dist.previous-${process.pid}`;
  await rm(resolve(cwd, next), {recursive: true, force: true});
  const code = await runFramework(["build"], {cwd, env: {RAPPORT_WAREHOUSE: warehouse, RAPPORT_OUTPUT: next}});
  if (code !== 0) {
    await rm(resolve(cwd, next), {recursive: true, force: true});
    log(`build: FAILED (Framework exited with ${code}); the previous dist/ is unchanged`);
    return "failed";
  }
  const findings = scanSite(resolve(cwd, next), await readWarehouse(personalValues, warehouse));
  if (findings.length > 0) {
    for (const f of findings.slice(0, 20)) log(`privacy: ${f.kind} ${f.masked} in ${f.file}`);
    if (!privateBuild) {
      await rm(resolve(cwd, next), {recursive: true, force: true});
      log(`build: FAILED the privacy check: ${findings.length} personal values in the built site (listed above, masked); the previous dist/ is unchanged`);
      return "privacy";
    }
    log(`build: WARNING ${findings.length} personal values in this private build; NOT FOR PUBLIC HOSTING`);
  } else {
    log("privacy: no e-mail, phone, name or customer id of the warehouse appears in the built site");
  }
  const dist = resolve(cwd, "dist");
  if (existsSync(dist)) await rename(dist, resolve(cwd, previous));
  await rename(resolve(cwd, next), dist);
  await rm(resolve(cwd, previous), {recursive: true, force: true});
  log("build: dist/ replaced with the new site");
  return "ok";
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf-8")) as {version: string};
  return pkg.version;
}

function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

export class UsageError extends Error {
  override name = "UsageError";
}
