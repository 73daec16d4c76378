/**
 * `rapport build`: ingest data/sample (or $RAPPORT_DATA) into the warehouse,
 * then build the site into dist/, offline. Meant for a scheduler nobody
 * watches: a failure leaves the last good site in place and exits with a
 * documented code.
 */
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {rename, rm} from "node:fs/promises";
import {dirname, resolve} from "node:path";
import {loadConfig} from "../config.js";
import {exitCodes} from "../errors.js";
import {dataDir} from "../paths.js";
import {personalValues, scanSite} from "../privacy/scan.js";
import {readWarehouse} from "../warehouse/read.js";
import {refreshLoaderCache, siteKey} from "./cache.js";
import type {Command} from "./command.js";
import {runFramework} from "./framework.js";
import {formatReport, runIngest} from "./ingest.js";
import {progressLog} from "./progress.js";

export const build: Command = {
  usage: "",
  summary: "ingest data/sample (or $RAPPORT_DATA), then build the site into dist/ (offline)",
  async run({cwd, option}) {
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
};

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
