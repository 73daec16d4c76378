/**
 * `rapport preview`: Framework's live preview for editing report pages. It
 * reads the same warehouse a build does, and re-ingests when an export changes.
 */
import {existsSync, readdirSync, utimesSync, watch} from "node:fs";
import {resolve} from "node:path";
import {loadConfig} from "../config.js";
import {exitCodes} from "../errors.js";
import {dataDir} from "../paths.js";
import {refreshLoaderCache} from "./cache.js";
import type {Command} from "./command.js";
import {runFramework} from "./framework.js";
import {formatReport, runIngest} from "./ingest.js";
import {cleanLeftovers} from "./leftovers.js";
import {withLock} from "./lock.js";
import {progressLog} from "./progress.js";

export const preview: Command = {
  usage: "",
  summary: "live preview for editing report pages (Framework's dev server)",
  shared: ["config", "port", "host"],
  env: ["RAPPORT_DATA", "RAPPORT_TRACE_SQL"],
  details: `Ingests data/sample (or $RAPPORT_DATA) first, and again when an export in that folder changes;
pages reload as you save them.`,
  async run({cwd, option}) {
    const config = await loadConfig(cwd, option("config"));
    const log = progressLog();
    // The config is read again on each reload, so edits to it are picked up too.
    // Each reload holds the warehouse's lock (waiting for a build that holds it, up to 10 minutes).
    const warehouse = resolve(cwd, config.warehouse);
    const ingestData = ({first = false} = {}) =>
      withLock(`${warehouse}.lock`, {command: "preview", waitSeconds: 600, log}, async () => {
        cleanLeftovers({cwd, warehouse, log});
        const report = await runIngest({paths: [dataDir()], cwd, config: await loadConfig(cwd, option("config")), log, mirror: true});
        // Framework serves a loader's cached output while it is newer than the loader's file, whatever the warehouse
        // holds: outputs a build (or a preview) left for other exports, config or code are dropped, on the key a
        // build uses (cache.ts), so the pages show what the warehouse just ingested. Under the lock, so that a build
        // does not fill the cache meanwhile.
        if (first && !report.failed.length && refreshLoaderCache({cwd, root: "reports", warehouse, env: {RAPPORT_DATA: process.env.RAPPORT_DATA}})) {
          log("preview: exports, config or code changed since the data loaders last ran; they run again on each page's first view");
        }
        return report;
      });
    let report = await ingestData({first: true});
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
        // Framework reads its config again when the file is newer: the segment, region and channel pages follow the new data.
        const framework = resolve(cwd, "observablehq.config.ts");
        if (existsSync(framework)) utimesSync(framework, new Date(), new Date());
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
};

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
