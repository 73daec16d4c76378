/**
 * `rapport build`: ingest data/sample (or $RAPPORT_DATA) and build the site
 * into dist/, offline. Made for a scheduler nobody watches:
 * - one run at a time: the run holds `<warehouse>.lock` (lock.ts); a second
 *   run waits up to --wait seconds, then exits 75 having done nothing;
 * - leftovers of a run killed with -9 are removed first (leftovers.ts);
 * - all or nothing: the exports are loaded into a new warehouse
 *   (`<warehouse>.staged-PID`), the site is built from it into
 *   `dist.next-PID` and checked for personal data, and only when all of that
 *   succeeded are the new warehouse and the new site swapped in (renames);
 *   on any failure (66, 67, 70, 74, a signal) the previous warehouse and
 *   dist/ stay exactly as they were;
 * - compute once: before Framework runs, every published table is computed
 *   in this process from the new warehouse and stored beside it, keyed by
 *   the warehouse, config and code (src/results/compute.ts), and put in
 *   Framework's loader cache, so their data loaders do not run (cache.ts).
 *   A table that fails to compute fails the build (nothing is swapped);
 *   stored results of other warehouses are removed after a successful swap;
 * - the privacy check reads the warehouse's personal values while Framework
 *   builds, and scans the new site once it is built;
 * - Framework and its data loaders die with the run (processes.ts).
 */
import {existsSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {rename, rm} from "node:fs/promises";
import {dirname, resolve} from "node:path";
import {loadConfig} from "../config.js";
import {exitCodes, RapportError, toRapportError} from "../errors.js";
import {dataDir} from "../paths.js";
import {personalValues, scanSite} from "../privacy/scan.js";
import {computeResults} from "../results/compute.js";
import {readWarehouse} from "../warehouse/read.js";
import {pruneResults, resultsStore} from "../warehouse/results.js";
import {refreshLoaderCache, seedLoaderCache, siteKey} from "./cache.js";
import type {Command} from "./command.js";
import {runFramework} from "./framework.js";
import {configLine, formatReport, runIngest} from "./ingest.js";
import {cleanLeftovers} from "./leftovers.js";
import {withLock, waitSeconds} from "./lock.js";
import {onInterrupt} from "./processes.js";
import {progressLog, type Log} from "./progress.js";

export const build: Command = {
  usage: "",
  summary: "ingest data/sample (or $RAPPORT_DATA), then build the site into dist/ (offline)",
  shared: ["config", "wait"],
  env: ["RAPPORT_DATA", "RAPPORT_LOCK_WAIT", "RAPPORT_PSEUDONYM_KEY", "RAPPORT_DEBUG", "RAPPORT_TRACE_SQL", "RAPPORT_DUCKDB_MEMORY_LIMIT", "CI"],
  details: `All or nothing: the new warehouse and site replace the old ones only when the ingest, the site
build and the privacy check all succeed. Prints a line per step and a summary; Framework's own
output (every file it bundles and copies) only with --verbose.

Examples:
  rapport build
  RAPPORT_DATA=/srv/exports rapport build --wait 600 >> /var/log/rapport.log 2>&1`,
  async run({cwd, option, values}) {
    // A config in the exports folder belongs to them and wins over the working folder's.
    const config = await loadConfig(cwd, option("config"), [dataDir()]);
    const log = progressLog();
    log(configLine(cwd, option("config"), [dataDir()]));
    const warehouse = resolve(cwd, config.warehouse);
    const wait = waitSeconds(option("wait"));
    return withLock(`${warehouse}.lock`, {command: "build", waitSeconds: wait, log}, async () => {
      cleanLeftovers({cwd, warehouse, log});
      const files = partialFiles(cwd, warehouse);
      const removePartial = () => files.forEach((f) => rmSync(f, {recursive: true, force: true}));
      const unregister = onInterrupt(removePartial);
      const state = {swapping: false};
      try {
        return await buildLocked(cwd, warehouse, config, log, state, values.verbose === true);
      } catch (error) {
        const e = toRapportError(error);
        // Before the swap began nothing of the previous run was touched; during it (two renames) the next run repairs (leftovers.ts).
        const outcome = state.swapping ? "The swap was interrupted; the next build repairs it" : "The previous warehouse and dist/ are unchanged";
        throw e.kind === "io" || e.kind === "software" ? new RapportError(`${e.message}. ${outcome}`, e.kind, {cause: error}) : e;
      } finally {
        unregister();
        removePartial();
      }
    });
  }
};

/** The files this run writes before the swap; removed whatever happens, so a failed run leaves nothing behind. */
function partialFiles(cwd: string, warehouse: string): string[] {
  const staged = `${warehouse}.staged-${process.pid}`;
  const working = `${warehouse}.next-${process.pid}`;
  return [staged, `${staged}.wal`, `${staged}.tmp`, working, `${working}.wal`, `${working}.tmp`, resolve(cwd, `dist.next-${process.pid}`)];
}

async function buildLocked(cwd: string, warehouse: string, config: Awaited<ReturnType<typeof loadConfig>>, log: Log, state: {swapping: boolean}, verbose: boolean): Promise<number> {
  const data = dataDir();
  const started = performance.now();
  log(`ingest: ${data}`);
  const staged = `${warehouse}.staged-${process.pid}`;
  const report = await runIngest({paths: [data], cwd, config, log, mirror: true, into: staged});
  const ingested = performance.now();
  process.stderr.write(formatReport(report, config.rejectThreshold));
  if (report.failed.length) {
    log("summary: too many rejected records (listed above); nothing was written, the previous warehouse and dist/ are unchanged");
    return exitCodes.rejectThreshold;
  }
  // The site is built from the new warehouse when the exports changed, from the current one when not.
  const source = report.warehouse ?? warehouse;
  const inputs = {cwd, root: "reports", warehouse: source, env: {RAPPORT_DATA: process.env.RAPPORT_DATA}};
  if (refreshLoaderCache(inputs)) log("build: data or code changed since the last build; data loaders will run again");
  const keyFile = resolve(dirname(warehouse), "site.key");
  const key = siteKey(inputs);
  const unchanged = existsSync(resolve(cwd, "dist", "index.html")) && existsSync(keyFile) && readFileSync(keyFile, "utf-8") === key;
  if (unchanged) log("build: nothing the site depends on changed since the last build; dist/ kept as it is");
  else log(`build: site from ${source}`);
  if (config.private) log("build: WARNING private build (rapport.config.json \"private\": true): the site may show personal data; NOT FOR PUBLIC HOSTING");
  let results: Awaited<ReturnType<typeof computeResults>> | undefined;
  if (!unchanged) {
    results = await computeResults(source, {log: verbose ? log : undefined, loaders: resolve(cwd, "reports", "data")});
    const copied = results.reused.length ? `, ${results.reused.length} copied from the last refresh (${results.reused.join(", ")}: what they read did not change)` : "";
    log(results.computed.length || results.reused.length ? `results: ${results.computed.length} tables computed in ${results.seconds.toFixed(1)} s${copied}` : "results: no table to compute (each is stored for this warehouse, config and code)");
  }
  const built = unchanged ? "ok" : await buildSite(cwd, source, log, config.private, verbose, results && resultsStore(source, results.key).folder);
  if (built === "ok") {
    // The swap: renames only, the new warehouse first (a crash between the two makes the next build rebuild the site).
    state.swapping = true;
    if (source !== warehouse) await rename(source, warehouse);
    if (!unchanged) {
      await swapDist(cwd);
      writeFileSync(keyFile, key);
      if (results) pruneResults(warehouse, results.key);
      log(source !== warehouse ? "build: warehouse and dist/ replaced with the new ones" : "build: dist/ replaced with the new site");
    } else if (source !== warehouse) {
      log("build: warehouse replaced with the new one");
    }
  }
  const seconds = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
  const loaded = report.files.filter((f) => f.status === "loaded").length;
  const sum = (key: "accepted" | "rejected") => report.files.reduce((s, f) => s + f[key], 0);
  log(
    `summary: ${report.files.length} exports (${loaded} loaded, ${report.files.length - loaded} unchanged), ${sum("accepted")} records accepted, ` +
      `${sum("rejected")} rejected; ingest ${seconds(started, ingested)}, site ${seconds(ingested, performance.now())}, total ${seconds(started, performance.now())}` +
      (built === "ok" ? "" : `; ${built === "privacy" ? "PRIVACY CHECK FAILED" : "site build FAILED"}, the previous warehouse and dist/ are unchanged`)
  );
  return built === "ok" ? exitCodes.ok : built === "privacy" ? exitCodes.privacy : exitCodes.buildFailed;
}

/**
 * Builds into dist.next-PID and checks it for personal data; the caller
 * swaps it in. On failure dist.next-PID is gone and dist/ untouched.
 */
async function buildSite(cwd: string, warehouse: string, log: Log, privateBuild: boolean, verbose: boolean, results?: string): Promise<"ok" | "failed" | "privacy"> {
  const next = `dist.next-${process.pid}`;
  await rm(resolve(cwd, next), {recursive: true, force: true});
  // RAPPORT_RESULTS: the tables just computed for this warehouse, which the data loaders copy (src/results/stored.ts).
  const env = {RAPPORT_WAREHOUSE: warehouse, RAPPORT_OUTPUT: next, ...(results ? {RAPPORT_RESULTS: results} : {})};
  // The stored tables go straight into Framework's loader cache, so their data loaders need not run (cache.ts).
  if (results) seedLoaderCache({cwd, root: "reports"}, results);
  // The privacy check's personal values (every customer's e-mail, phone, name and id: 8.7 s at a million
  // customers) are read while Framework builds, which keeps one core busy: the check itself waits for the site.
  const reading = readWarehouse(personalValues, warehouse);
  // Whatever Framework does, the reading ends before this returns (the caller may remove the staged warehouse);
  // settled also handles a failed reading at once, which is reported where the check awaits it.
  const settled = reading.then(
    () => {},
    () => {}
  );
  const code = await runFramework(["build"], {cwd, env, stdio: verbose ? "inherit" : "quiet", log}).catch(async (error) => {
    await settled;
    throw error;
  });
  if (code !== 0) {
    await settled;
    await rm(resolve(cwd, next), {recursive: true, force: true});
    log(`build: FAILED (Framework exited with ${code}); the previous warehouse and dist/ are unchanged`);
    return "failed";
  }
  const findings = scanSite(resolve(cwd, next), await reading);
  if (findings.length > 0) {
    for (const f of findings.slice(0, 20)) log(`privacy: ${f.kind} ${f.masked} in ${f.file}`);
    if (!privateBuild) {
      await rm(resolve(cwd, next), {recursive: true, force: true});
      log(`build: FAILED the privacy check: ${findings.length} personal values in the built site (listed above, masked); the previous warehouse and dist/ are unchanged`);
      return "privacy";
    }
    log(`build: WARNING ${findings.length} personal values in this private build; NOT FOR PUBLIC HOSTING`);
  } else {
    log("privacy: no e-mail, phone, name or customer id of the warehouse appears in the built site");
  }
  return "ok";
}

/** dist.next-PID becomes dist/; the old site is moved aside and removed (put back by the next run if this one dies in between). */
async function swapDist(cwd: string): Promise<void> {
  const dist = resolve(cwd, "dist");
  const previous = resolve(cwd, `dist.previous-${process.pid}`);
  if (existsSync(dist)) await rename(dist, previous);
  await rename(resolve(cwd, `dist.next-${process.pid}`), dist);
  await rm(previous, {recursive: true, force: true});
}
