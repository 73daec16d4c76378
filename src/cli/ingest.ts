/**
 * `rapport ingest` and `rapport check`: load (or only validate) exports and
 * print what happened to every file: records read, accepted, rejected and
 * skipped, with the commonest reasons.
 */
import {sources} from "../../loaders/index.js";
import {findConfig, loadConfig, type RapportConfig} from "../config.js";
import {exitCodes, RapportError, toRapportError} from "../errors.js";
import {dataDir} from "../paths.js";
import {ingest as load, type IngestReport} from "../ingest/ingest.js";
import type {Command, CommandContext} from "./command.js";
import {existsSync, rmSync, statSync} from "node:fs";
import {dirname, relative, resolve} from "node:path";
import {formatGroup} from "../ingest/rejects.js";
import {cleanLeftovers} from "./leftovers.js";
import {waitSeconds, withLock} from "./lock.js";
import {onInterrupt} from "./processes.js";
import {progressLog, type Log} from "./progress.js";

const options = {
  source: {type: "string"},
  force: {type: "boolean"}
} as const;

const sourceHelp = "--source NAME         read every file as this source (generic, hubspot, salesforce, stripe, shopify, cdnow)";

export const ingest: Command = {
  usage: "[PATH...]",
  summary: "load CRM exports (files or folders; default data/sample or $RAPPORT_DATA) into the DuckDB warehouse",
  options,
  optionHelp: [sourceHelp, "--force               reload files even when unchanged"],
  shared: ["config", "warehouse", "wait"],
  env: ["RAPPORT_DATA", "RAPPORT_LOCK_WAIT", "RAPPORT_TRACE_SQL"],
  details: `Prints, for every file, the records read, accepted, rejected and skipped, and the commonest
reasons for rejecting. Unchanged files are skipped; rows are replaced by id.

Examples:
  rapport ingest path/to/exports
  rapport ingest --source cdnow CDNOW_master.txt --warehouse cdnow.duckdb`,
  run: (context) => ingestOrCheck("ingest", context)
};

export const check: Command = {
  usage: "[PATH...]",
  summary: "validate exports (default data/sample or $RAPPORT_DATA) without loading them",
  options: {source: options.source},
  optionHelp: [sourceHelp],
  shared: ["config"],
  env: ["RAPPORT_DATA"],
  details: `Reads the exports as ingest would and prints what would be accepted and rejected, and why;
writes nothing. Exits 65 when a file has rejected records, 66 when one is over the threshold.`,
  run: (context) => ingestOrCheck("check", context)
};

async function ingestOrCheck(command: "ingest" | "check", {args, values, cwd, option}: CommandContext): Promise<number> {
  // With no path, the folder build and preview read (data/sample, or RAPPORT_DATA).
  const paths = args.length ? args : [dataDir()];
  const near = exportFolders(paths, cwd);
  const config = await loadConfig(cwd, option("config"), near);
  const log = progressLog();
  log(configLine(cwd, option("config"), near));
  const load = () =>
    runIngest({
      paths,
      cwd,
      config,
      source: option("source"),
      warehouse: option("warehouse"),
      force: values.force === true,
      check: command === "check",
      log
    });
  let report;
  if (command === "check") report = await load();
  else {
    // A writer: one at a time per warehouse, and a killed run's leftovers go first (see lock.ts, leftovers.ts).
    const warehouse = resolve(cwd, option("warehouse") ?? config.warehouse);
    report = await withLock(`${warehouse}.lock`, {command: "ingest", waitSeconds: waitSeconds(option("wait")), log}, async () => {
      cleanLeftovers({cwd, warehouse, log});
      const working = `${warehouse}.next-${process.pid}`;
      const unregister = onInterrupt(() => [working, `${working}.wal`, `${working}.tmp`].forEach((f) => rmSync(f, {recursive: true, force: true})));
      try {
        return await load();
      } catch (error) {
        const e = toRapportError(error);
        throw e.kind === "io" ? new RapportError(`${e.message}. The warehouse is unchanged`, "io", {cause: error}) : e;
      } finally {
        unregister();
      }
    });
  }
  process.stdout.write(formatReport(report, config.rejectThreshold));
  if (report.failed.length) return exitCodes.rejectThreshold;
  if (command === "check" && (report.files.some((f) => f.rejected > 0) || report.errors?.length)) return exitCodes.badInput;
  return exitCodes.ok;
}

export interface IngestCommand {
  paths: string[];
  cwd: string;
  /** The loaded config (the caller has it already, for the threshold in the report). */
  config: RapportConfig;
  source?: string;
  warehouse?: string;
  force?: boolean;
  check?: boolean;
  mirror?: boolean;
  /** Write the new warehouse here instead of replacing the warehouse (see IngestOptions.into). */
  into?: string;
  log: Log;
}

export function runIngest({paths, cwd, config, source, warehouse, force, check, mirror, into, log}: IngestCommand): Promise<IngestReport> {
  return load(paths, {
    cwd,
    config,
    sources,
    source,
    warehouse: check ? null : (warehouse ?? config.warehouse),
    force,
    mirror,
    into,
    log
  });
}

/** A plain-text table of the report, for people and for logs. */
export function formatReport(report: IngestReport, threshold: number): string {
  const rows = report.files.map((f) => [f.path, f.export, f.status, f.read, f.accepted, f.rejected, f.skipped].map(String));
  const header = ["file", "export", "status", "read", "accepted", "rejected", "skipped"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(header), ...rows.map(line)];
  for (const f of report.files) {
    if (f.empty) {
      const rows = `${f.empty.previousRows.toLocaleString("en")} row${f.empty.previousRows === 1 ? "" : "s"}`;
      out.push(`  ${f.path}: EMPTY: no record in it; ${f.empty.previousRows === 0 ? "nothing loaded" : f.empty.kept ? `its ${rows} from the previous load were kept` : `its ${rows} from the previous load were removed`}`);
    }
    if (f.appended) out.push(`  ${f.path}: read from line ${f.appended.fromLine.toLocaleString("en")} on (${f.appended.read.toLocaleString("en")} new records; the rest was loaded before and had not changed)`);
    for (const r of f.reasons.slice(0, 5)) out.push(`  ${f.path}: ${formatGroup(r)}`);
    if (f.reasons.length > 5) out.push(`  ${f.path}: … ${f.reasons.length - 5} more kinds of reject (see the _rejects table${report.rejects ? " or the rejects file" : ""})`);
  }
  for (const e of report.errors ?? []) out.push(`NOT CHECKED: ${e.message}`);
  if (report.rejects) out.push(`All ${report.rejects.count.toLocaleString("en")} rejects, with file, line, column, value and reason: ${report.rejects.path}`);
  for (const f of report.failed) {
    out.push(`FAILED: ${f.path} rejected ${(f.share * 100).toFixed(1)}% of its records, above the ${(threshold * 100).toFixed(1)}% threshold; nothing was written.`);
  }
  return out.join("\n") + "\n";
}

/** The folders the exports given live in: a config there belongs to them (and wins over the working folder's). */
export function exportFolders(paths: readonly string[], cwd: string): string[] {
  return [...new Set(paths.map((p) => resolve(cwd, p)).map((p) => (existsSync(p) && statSync(p).isDirectory() ? p : dirname(p))))];
}

/** "config: exports/rapport.config.json" (or that none was found), for the top of a run's output. */
export function configLine(cwd: string, path: string | undefined, near: readonly string[]): string {
  const file = findConfig(cwd, path, near);
  return file ? `config: ${relative(cwd, file) || file}` : "config: none found (in the exports folder or the working folder); defaults used";
}
