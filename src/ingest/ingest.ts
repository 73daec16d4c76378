/**
 * Loads CRM exports into the DuckDB warehouse: detect each file's export,
 * read it with every column as text, parse and check it in SQL, and put each
 * record either in its entity's table or in `_rejects` with file, line,
 * column, value and reason. Read = accepted + rejected + skipped, per file.
 *
 * Safe to repeat: unchanged files (same SHA-256 as last loaded) are skipped,
 * rows are replaced by id, and the work happens on a copy of the warehouse
 * that replaces it only when the whole load succeeds. A file whose reject
 * share is above the threshold fails the load and nothing is written.
 */
import {constants, existsSync, statSync} from "node:fs";
import {copyFile, mkdir, readdir, rename, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {basename, dirname, join, relative, resolve} from "node:path";
import {fileConfigFor, type FileConfig, type RapportConfig} from "../config.js";
import {columnsOf} from "../schema/columns.js";
import {loadOrder, type Entity} from "../schema/model.js";
import {literal, withDuckDB, type Database} from "../warehouse/duckdb.js";
import {csvAddsUp, csvHeader, configEncoding, openCsv, scanExport, sniffEncoding, type ScannedExport} from "./csv.js";
import {futureSql} from "./checks.js";
import {rejectGroups, writeRejects, type RejectGroup} from "./rejects.js";
import {detectExport} from "./detect.js";
import {IngestError} from "./errors.js";
import {afterStaging, beforeCounting, consumerOf, joinedHashes, joinRaw, joinsOf, loadLookup, prepareJoins, withScale, type Join, type NamedFile} from "./joins.js";
import {appendDuplicatesSql, codeVersion, configHash, repeatsLoadedSql, tailOf, warehouseAllows, writeTail, type Previous, type Tail} from "./append.js";
import type {ExportRule, FieldMapping, SourceDefinition} from "./source.js";
import {applyOrderAttributes, checkCurrencies, createShapedTables, isShaped, removeShaped, shapedCounts, shapedRule, shapeExtras, shapeOrders, writeShaped} from "./lines.js";
import {createTableSql, duplicatesSql, readSql, readerReasonSql, renumberSql, resolveFields, stageSql, unknownCustomerSql, unknownCustomerWhere, upsertSql} from "./sql.js";

export interface IngestOptions {
  cwd: string;
  config: RapportConfig;
  sources: readonly SourceDefinition[];
  /** Read every file as this source (--source). */
  source?: string;
  /** The warehouse file, or null to check the files without writing anything. */
  warehouse: string | null;
  /** Reload files even when unchanged. */
  force?: boolean;
  /** Load an export that only grew at its end by its new rows (see append.ts); false reads every changed file whole. Default true. */
  append?: boolean;
  /**
   * Write the loaded warehouse to this file instead of replacing `warehouse`
   * (a build swaps it in later, together with the site). Nothing is written
   * there when no export changed; the report's `warehouse` says which to read.
   */
  into?: string;
  /**
   * Make the warehouse mirror exactly these paths (what a build wants): a
   * changed file's rows are replaced by its new content, and the rows of a
   * file no longer present are removed. Without it, loads only add and update.
   */
  mirror?: boolean;
  /** The load's timestamp (tests pass a fixed one). */
  now?: Date;
  /** Progress lines; transient ones (a file being read) may be overwritten by the next. */
  log?: (line: string, options?: {transient?: boolean}) => void;
}

export interface FileReport {
  path: string;
  source: string;
  export: string;
  entity: Entity;
  /** Why records were skipped, where known (further payments of an order, a person listed again). */
  skips?: {reason: string; count: number}[];
  status: "loaded" | "unchanged" | "checked";
  read: number;
  accepted: number;
  rejected: number;
  skipped: number;
  /** Rejects grouped by column and rule, most frequent first. */
  reasons: RejectGroup[];
  seconds: number;
  /** For orders read with lines, returns or guests (src/ingest/lines.ts): what the accepted records are, and the further lines skipped. */
  kinds?: {orders: number; returns: number; guestOrders: number; lines: number};
  /** Set when the file held no record: how many rows its previous version had loaded, and whether they were kept. */
  empty?: {previousRows: number; kept: boolean};
  /**
   * Set when only the rows after the part loaded last time were read (the file
   * had only grown at its end; see append.ts): from which byte and line, and
   * how many records that was. read, accepted, rejected, skipped and reasons
   * are the whole file's all the same.
   */
  appended?: {fromByte: number; fromLine: number; read: number};
}

export interface IngestReport {
  files: FileReport[];
  /** The warehouse written, or null when nothing was written. */
  warehouse: string | null;
  /** Files whose reject share passed the threshold; when not empty, nothing was written. */
  failed: {path: string; share: number}[];
  /** Files `check` could not take (unrecognised, unreadable, a required column missing), each with its message; a load stops at the first instead. */
  errors?: {path: string; message: string}[];
  /** Where `check` or a failed load wrote the full list of rejects (a CSV), and how many; null when none was written. */
  rejects?: {path: string; count: number} | null;
}

const exportExtensions = /\.(csv|tsv|txt|json|ndjson|jsonl|parquet)$/i;

export async function ingest(paths: readonly string[], options: IngestOptions): Promise<IngestReport> {
  const {cwd, config, sources, warehouse, force = false, mirror = false, now = new Date(), log = () => {}} = options;
  const files = await expandPaths(paths, cwd);
  if (files.length === 0) throw new IngestError(`no exports found in ${paths.join(", ")}: expected .csv, .json or .parquet files`);
  const target = warehouse === null ? null : resolve(cwd, warehouse);
  // A warehouse from before the returns and guest_orders tables is reloaded whole (an empty manifest).
  const manifest =
    target !== null && existsSync(target)
      ? await withDuckDB((db) => db.all<ManifestRow>(`${manifestSql} WHERE (SELECT count(*) FROM returns) + (SELECT count(*) FROM guest_orders) >= 0`), target, {readOnly: true}).catch(() => [] as ManifestRow[])
      : [];
  const pathOf = (f: string) => relative(cwd, f) || basename(f);
  // Each file is hashed whole and, on the way, up to its size at the last load (has it only grown at its end? see append.ts).
  const scans = new Map(await Promise.all(files.map(async (f) => [f, await scanExport(f, {prefix: manifest.find((m) => m.path === pathOf(f))?.bytes})] as const)));
  const hashes = new Map([...scans].map(([f, s]) => [f, s.sha256]));
  let removed: string[] = [];
  for (const [file, hash] of joinedHashes(hashes, config, cwd)) hashes.set(file, hash);
  if (target !== null && existsSync(target)) {
    const current = new Set(files.map((f) => relative(cwd, f) || basename(f)));
    removed = mirror ? manifest.map((m) => m.path).filter((p) => !current.has(p)) : [];
    const unchanged = files.map((f) => manifest.find((m) => m.path === (relative(cwd, f) || basename(f)) && m.sha256 === hashes.get(f)));
    if (!force && removed.length === 0 && unchanged.every(Boolean)) {
      // Nothing to do: leave the warehouse file (and so every cache keyed on it) untouched.
      for (const m of unchanged) log(`${m!.path}: unchanged since the last load, skipped`);
      return {files: unchanged.map((m) => fromManifest(m!)), warehouse: target, failed: []};
    }
  }
  const work = target === null ? ":memory:" : `${target}.next-${process.pid}`;
  if (target !== null) {
    await mkdir(dirname(target), {recursive: true});
    await removeDatabase(work);
    if (existsSync(target)) await copyFile(target, work, constants.COPYFILE_FICLONE); // a reflink where the file system has them
  }
  try {
    const report = await withDuckDB(async (db) => {
      await db.run("SET TimeZone = 'UTC'");
      await createTables(db);
      for (const path of removed) {
        log(`${path}: no longer among the exports; its rows are removed`);
        for (const entity of loadOrder) await db.run(`DELETE FROM ${entity} WHERE _source = ${literal(path)}`);
        await removeShaped(db, path);
        await db.run(`DELETE FROM _files WHERE path = ${literal(path)}; DELETE FROM _rejects WHERE file = ${literal(path)}`);
      }
      // check reports a file it cannot take (unrecognised, unreadable, a required column missing) and checks
      // the others; a load stops at it, so that nothing half-known is written.
      const errors: {path: string; message: string}[] = [];
      const orStop = (path: string, error: unknown) => {
        if (target !== null || !(error instanceof IngestError)) throw error;
        errors.push({path: relative(cwd, path) || basename(path), message: error.message});
        log(`ERROR ${error.message}`);
      };
      const plans = [];
      for (const file of files) {
        try {
          plans.push({...(await plan(db, file, cwd, config, sources, options.source)), config});
        } catch (error) {
          orStop(file, error);
        }
      }
      plans.sort((a, b) => loadOrder.indexOf(a.rule.entity) - loadOrder.indexOf(b.rule.entity));
      withJoins(plans);
      const reports: FileReport[] = [];
      // Rows checked against the customers table are appended only when its customers were too (append.ts).
      const load: LoadState = {customersReadWhole: removed.some((path) => manifest.find((m) => m.path === path)?.entity === "customers")};
      let derived = false;
      for (const [i, p] of plans.entries()) {
        if (!derived && p.rule.entity !== "customers" && p.rule.entity !== "orders") {
          await deriveCustomers(db);
          derived = true;
        }
        const step = `[${i + 1}/${plans.length}]`;
        try {
          reports.push(await loadFile(db, p, {force, mirror, check: target === null, now, log: (line, o) => log(`${step} ${line}`, o), scan: scans.get(p.path)!, sha256: hashes.get(p.path)!, config, load, source: options.source, append: options.append ?? true}));
        } catch (error) {
          orStop(p.path, error);
        }
      }
      if (!derived) await deriveCustomers(db);
      await applyOrderAttributes(db);
      await checkCurrencies(db);
      await db.run("CHECKPOINT");
      const failed = reports
        .filter((f) => f.read > 0 && f.rejected / f.read > config.rejectThreshold)
        .map((f) => ({path: f.path, share: f.rejected / f.read}));
      // check, and a load that failed its threshold, leave the full rejects where the user can open them.
      let rejects: IngestReport["rejects"] = null;
      if (target === null || failed.length > 0) {
        const path = target === null ? resolve(cwd, "rapport-rejects.csv") : join(dirname(target), "rejects.csv");
        const count = await writeRejects(db, reports.filter((f) => f.status !== "unchanged").map((f) => f.path), path);
        if (count > 0) rejects = {path, count};
      }
      return {reports, failed, rejects, errors};
    }, work);
    const {failed} = report;
    const written = target === null ? null : options.into === undefined ? target : resolve(cwd, options.into);
    if (written !== null && failed.length === 0) await rename(work, written);
    return {files: report.reports, warehouse: failed.length === 0 ? written : null, failed, rejects: report.rejects, errors: report.errors};
  } finally {
    if (target !== null) await removeDatabase(work);
  }
}

interface Plan {
  path: string;
  relativePath: string;
  source: SourceDefinition;
  rule: ExportRule;
  /** A "lookup" file (no entity of its own), and the files of the load that joins read (see joins.ts). */
  lookup?: boolean;
  joins?: {named: ReadonlyMap<string, NamedFile>; consumers: Map<string, Join[]>};
  fileConfig?: FileConfig;
  config?: RapportConfig;
}

async function plan(db: Database, path: string, cwd: string, config: RapportConfig, sources: readonly SourceDefinition[], forced?: string): Promise<Plan> {
  const relativePath = relative(cwd, path) || basename(path);
  const fileConfig = fileConfigFor(config, relativePath);
  const sourceName = fileConfig?.source ?? forced;
  let candidates = sources;
  if (sourceName !== undefined) {
    candidates = sources.filter((s) => s.name === sourceName);
    if (candidates.length === 0) {
      throw new IngestError(`${relativePath}: unknown source "${sourceName}"; known sources: ${sources.map((s) => s.name).join(", ")}`, "bad-input", relativePath);
    }
  }
  if (fileConfig?.role === "lookup") return lookupPlan(path, relativePath, config, fileConfig);
  if (fileConfig?.entity) {
    const rule = candidates.flatMap((s) => s.exports.map((r) => ({source: s, rule: r}))).find((x) => x.rule.entity === fileConfig.entity);
    if (!rule) throw new IngestError(`${relativePath}: source ${candidates[0].name} has no ${fileConfig.entity} export`, "bad-input", relativePath);
    return {path, relativePath, ...rule, rule: shapedRule(withOverrides(rule.rule, fileConfig), fileConfig, config, relativePath), fileConfig};
  }
  const byReader = candidates.flatMap((s) => s.exports.filter((r) => r.read && r.name?.test(basename(path))).map((r) => ({source: s, rule: r})))[0];
  const header = statSync(path).size === 0 ? undefined : await readHeader(db, path, relativePath, fileConfig);
  const detected = byReader ?? detectExport(relativePath, header, candidates);
  return {path, relativePath, source: detected.source, rule: shapedRule(withOverrides(detected.rule, fileConfig), fileConfig, config, relativePath), fileConfig};
}

function withOverrides(rule: ExportRule, config: FileConfig | undefined): ExportRule {
  if (!config) return rule;
  const columns: Partial<Record<string, FieldMapping>> = {...rule.columns};
  for (const [field, mapping] of Object.entries(config.columns ?? {})) columns[field] = typeof mapping === "string" ? {column: mapping} : mapping;
  const dateFormats = config.dateFormats === undefined ? rule.dateFormats : typeof config.dateFormats === "string" ? [config.dateFormats] : config.dateFormats;
  return withScale({...rule, columns, dateFormats, decimal: config.decimal ?? rule.decimal}, config);
}

async function readHeader(db: Database, path: string, relativePath: string, config: FileConfig | undefined): Promise<string[]> {
  const rule: ExportRule = {entity: "orders", title: ""};
  try {
    if (isCsv(path)) {
      const {encoding, delimiter} = readOptions(path, config);
      return (await csvHeader(path, configEncoding(encoding, sniffEncoding(path)), delimiter)).columns;
    }
    await db.run(readSql(path, rule, {table: "header_probe", rejectsTable: "header_rejects", ...readOptions(path, config)}));
    const columns = await db.all<{column_name: string}>(`DESCRIBE header_probe`);
    return columns.map((c) => c.column_name).filter((c) => c !== "_line");
  } catch (error) {
    throw unreadable(relativePath, error);
  } finally {
    await db.run("DROP VIEW IF EXISTS header_probe; DROP TABLE IF EXISTS header_rejects; DROP TABLE IF EXISTS header_rejects_scan");
  }
}

const isCsv = (path: string) => /\.(csv|tsv|txt)$/i.test(path);

function readOptions(path: string, config: FileConfig | undefined): {encoding?: string; delimiter?: string} {
  return {encoding: config?.encoding, delimiter: config?.delimiter ?? (path.toLowerCase().endsWith(".tsv") ? "\t" : undefined)};
}

function unreadable(relativePath: string, error: unknown): IngestError {
  const message = (error as Error).message.split("\n")[0];
  return new IngestError(
    `${relativePath}: cannot read this file (${message}). Check that it is a complete CSV, JSON or Parquet export; for CSV in another encoding set "encoding" for it in rapport.config.json.`,
    "bad-input",
    relativePath
  );
}

/** What one load knows across its files (see append.ts). */
interface LoadState {
  /** A customers export was read whole (or removed): rows checked against customers are read whole too. */
  customersReadWhole: boolean;
}

type LoadOptions = {
  force: boolean;
  mirror: boolean;
  check: boolean;
  now: Date;
  log: NonNullable<IngestOptions["log"]>;
  scan: ScannedExport;
  /** The file's hash for the manifest: with joins, combined with the hashes of the files it reads (joinedHashes). */
  sha256: string;
  config: RapportConfig;
  load: LoadState;
  /** The --source the load was given. */
  source?: string;
  /** Whether a file that only grew may be loaded by its new rows. */
  append: boolean;
};

async function loadFile(db: Database, p: Plan, options: LoadOptions): Promise<FileReport> {
  const {force, check, now, log, sha256, config, load} = options;
  const started = performance.now();
  const {entity} = p.rule;
  const base: Omit<FileReport, "status" | "read" | "accepted" | "rejected" | "skipped" | "reasons" | "seconds"> = {
    path: p.relativePath,
    source: p.source.name,
    export: p.rule.title,
    entity
  };
  if (p.lookup) return loadLookupFile(db, p, {force, check, now, log, sha256});
  const previous = check ? undefined : await previousLoad(db, p.relativePath);
  if (!check && !force && previous?.sha256 === sha256) {
    log(`${p.relativePath}: unchanged since the last load, skipped`);
    return {...base, status: "unchanged", read: previous.read, accepted: previous.accepted, rejected: previous.rejected, skipped: previous.skipped, reasons: [], seconds: 0};
  }
  if (statSync(p.path).size === 0) {
    if (entity === "customers") load.customersReadWhole = true;
    return emptyExport(db, p, base, {check, now, log, sha256, config, what: "0 bytes"});
  }
  let tail: Tail | {why: string} = {why: check ? "checked" : force ? "--force" : "told to read every file whole"};
  if (!check && !force && options.append) {
    const special =
      joinsOf(p.rule).length > 0
        ? "it joins other files"
        : p.fileConfig?.name
          ? "other files look up its rows"
          : entity === "orders" && p.config !== undefined && isShaped(p.fileConfig, p.config)
            ? "its orders are read with lines, returns or guests"
            : p.rule.read
              ? `${p.source.title} exports are read their own way`
              : previous?.wholeNext ?? undefined;
    tail = tailOf(options.scan, previous, {now, code: codeVersion(), config: configHash(config, options.source), reading: {csv: isCsv(p.path), special}});
    if ("from" in tail && entity !== "customers" && load.customersReadWhole) tail = {why: "the customers export was read whole, so every row's customer is checked again"};
    if ("from" in tail) {
      const why = await warehouseAllows(db, entity, p.relativePath, tail.previous);
      if (why) tail = {why};
    }
  }
  if ("from" in tail) {
    const appended = await loadRows(db, p, options, base, started, tail);
    if (typeof appended !== "string") return appended;
    tail = {why: appended};
  }
  if (previous) log(`${p.relativePath}: read whole: ${tail.why}`);
  if (entity === "customers") load.customersReadWhole = true;
  return (await loadRows(db, p, options, base, started, undefined, tail.why)) as FileReport;
}

/** The file's _files row, as append.ts needs it. */
async function previousLoad(db: Database, path: string): Promise<Previous | undefined> {
  const [row] = await db.all<Omit<Previous, "loadedAt"> & {loadedAt: number}>(
    `SELECT sha256, bytes::DOUBLE AS bytes, "read"::DOUBLE AS "read", accepted::DOUBLE AS accepted, rejected::DOUBLE AS rejected, skipped::DOUBLE AS skipped,
      epoch_ms(loaded_at)::DOUBLE AS "loadedAt", code_version AS "codeVersion", config_hash AS "configHash", note, whole_next AS "wholeNext" FROM _files WHERE path = ${literal(path)}`
  );
  return row ? {...row, loadedAt: new Date(row.loadedAt)} : undefined;
}

/**
 * Reads, checks and writes a file's records: all of them, or with `tail` only
 * those after the part loaded last time (see append.ts). An append that turns
 * out not to be exact returns why, having written nothing, for a full load.
 */
async function loadRows(
  db: Database,
  p: Plan,
  {mirror, check, now, log, scan, sha256, config, source}: LoadOptions,
  base: Omit<FileReport, "status" | "read" | "accepted" | "rejected" | "skipped" | "reasons" | "seconds">,
  started: number,
  tail: Tail | undefined,
  whole?: string
): Promise<FileReport | string> {
  const {entity} = p.rule;
  const read = {table: "raw", rejectsTable: "reader_rejects", ...readOptions(p.path, p.fileConfig)};
  // An append reads a copy of the header and the new bytes, whose line k is the file's line k + shift.
  const tailPath = tail ? join(tmpdir(), `rapport-tail-${process.pid}-${Date.now()}.csv`) : undefined;
  const shift = tail ? tail.firstLine - 2 : 0;
  try {
    if (tail && !(await writeTail(p.path, tail.from, tailPath!))) return "its header is not one plain line";
    log(tail ? `${p.relativePath}: reading its new rows (from line ${tail.firstLine.toLocaleString("en")})…` : `${p.relativePath}: reading as ${p.rule.title} (${p.source.title})…`, {transient: true});
    const csvPath = tailPath ?? p.path;
    const csv = !p.rule.read && isCsv(p.path) ? (tail ? (await scanExport(tailPath!)).csv : scan.csv) : undefined;
    let reading = {normalised: false, done: async () => {}};
    await db.run("DROP TABLE IF EXISTS reader_rejects; DROP TABLE IF EXISTS reader_rejects_scan");
    const open = async (normalise: boolean) => {
      try {
        if (csv) reading = await openCsv(db, csvPath, csv, read, {table: "raw", rejectsTable: "reader_rejects", normalise});
        else await db.run(readSql(p.path, p.rule, read));
      } catch (error) {
        throw unreadable(p.relativePath, error);
      }
    };
    await open(false);
    const header = (await db.all<{column_name: string}>("DESCRIBE raw")).map((c) => c.column_name).filter((c) => c !== "_line");
    const decimal = p.rule.decimal ?? ".";
    const joined = await prepareJoins(db, p.relativePath, p.rule, header, p.joins); // raw now reads the file with its joins
    p = {...p, rule: joined.rule};
    const fields = resolveFields(entity, p.rule, header);
    for (const spec of columnsOf(entity)) {
      const field = fields.get(spec.name)!;
      if (spec.required && field.raw === undefined && field.mapping.default === undefined) {
        await reading.done();
        throw new IngestError(
          `${p.relativePath}: missing required column "${spec.name}" for ${p.rule.title} (looked for ${field.from}; the file has ${header.join(", ")}). ` +
            (entity === "ratings" && spec.name.startsWith("scale_") ? `State the rating's scale for this file in rapport.config.json, e.g. "scale": [1, 5]. ` : "") +
            `Rename the column, or map it in rapport.config.json: {"files": [{"match": "${basename(p.path)}", "columns": {"${spec.name}": "<column in your file>"}}]}`,
          "bad-input",
          p.relativePath
        );
      }
    }
    const shaped = entity === "orders" && p.config !== undefined && isShaped(p.fileConfig, p.config);
    const shaping = shaped
      ? {extras: shapeExtras(p.fileConfig, fields, header, p.relativePath), optional: p.fileConfig?.guests === "allow" ? ["customer_id"] : [], rules: false}
      : {};
    // One pass over the file: the raw view is read while staging, which also fills reader_rejects.
    const stage = async () => {
      try {
        await db.run(stageSql(entity, p.rule, fields, {source: p.relativePath, table: "raw", staged: "staged", header, ...shaping}));
      } catch (error) {
        if (!csv || reading.normalised) throw unreadable(p.relativePath, error);
        return false; // DuckDB refused the file on the fast path: the normaliser takes it line by line
      } finally {
        await reading.done();
      }
      return !csv || reading.normalised || (await csvAddsUp(db, "staged", "reader_rejects", csv));
    };
    if (!(await stage())) {
      log(`${p.relativePath}: records do not line up with the file's lines (broken quoting, line breaks in values); reading it line by line…`, {transient: true});
      await open(true);
      await joinRaw(db, joined, decimal);
      await stage();
    }
    // An append's stars check has the file's earlier rows on its side (wholeNext says when it does not).
    await afterStaging(db, "staged", p.relativePath, p.rule, p.fileConfig, joined, {starsChecked: tail !== undefined});
    await db.run("DROP VIEW raw");
    let readerRejects = 0;
    let footerLines = 0;
    if (!p.rule.read && isCsv(p.path)) {
      if (p.rule.footer) {
        // A report's footer stands alone on its lines: not a record, so not a reject.
        await db.run(`CREATE OR REPLACE TEMP TABLE footer_lines AS SELECT DISTINCT line FROM reader_rejects WHERE error_type = 'MISSING COLUMNS' AND regexp_matches(csv_line, ${literal(p.rule.footer.source)}${p.rule.footer.flags.includes("i") ? ", 'i'" : ""})`);
        footerLines = await count(db, "SELECT count(*) FROM footer_lines");
        if (footerLines > 0) await db.run("DELETE FROM reader_rejects WHERE line IN (SELECT line FROM footer_lines)");
      }
      readerRejects = await count(db, "SELECT count(DISTINCT line) FROM reader_rejects");
      if (readerRejects + footerLines > 0 && !reading.normalised) {
        if (footerLines > 0) await db.run("INSERT INTO reader_rejects (line) SELECT line FROM footer_lines"); // renumbering skips them too
        await db.run(renumberSql("staged", "reader_rejects"));
        if (footerLines > 0) await db.run("DELETE FROM reader_rejects WHERE error_type IS NULL");
      }
    }
    if (shift > 0) await db.run(`UPDATE staged SET _line = _line + ${shift}; UPDATE reader_rejects SET line = line + ${shift}`);

    const future = futureSql(entity, "staged", now, config.maxDaysInFuture);
    if (future) await db.run(future);
    if (!tail && readerRejects + footerLines === 0 && (await count(db, "SELECT count(*) FROM staged")) === 0) {
      await db.run("DROP TABLE staged");
      return emptyExport(db, p, base, {check, now, log, sha256, config, what: "a header only"});
    }
    if (shaped) await shapeOrders(db, "staged", p.fileConfig, p.config!);
    const customersChecked = entity !== "customers" && (entity !== "orders" || (await count(db, "SELECT count(*) FROM customers WHERE NOT _derived")) > 0);
    if (tail) {
      // A customer's row may have been completed from its orders since (created_at, region, ...): its content is not the file's.
      if (entity === "customers" && (await count(db, repeatsLoadedSql(entity, "staged", p.relativePath))) > 0) {
        await db.run("DROP TABLE staged");
        return "a new row repeats the id of a customer loaded before";
      }
      await db.run(appendDuplicatesSql(entity, "staged", p.relativePath));
      if (customersChecked) await db.run(unknownCustomerSql("staged"));
    } else {
      // One scan tells whether any id repeats and any customer is unknown. Only a repeat changes which rows the
      // customer check sees (a repeat is marked first), so without one the UPDATEs run only where they mark a row.
      const good = "problem IS NULL AND NOT _skip";
      const [checks] = await db.all<{distinct: boolean; unknown: number}>(
        `SELECT count(DISTINCT id) = count(*) AS "distinct", ${customersChecked ? `count(*) FILTER (WHERE ${unknownCustomerWhere})::DOUBLE` : "0::DOUBLE"} AS unknown FROM staged WHERE ${good}`
      );
      if (!checks.distinct) await db.run(duplicatesSql(entity, "staged"));
      if (customersChecked && (!checks.distinct || checks.unknown > 0)) await db.run(unknownCustomerSql("staged"));
    }

    const skips = await beforeCounting(db, "staged", joined, p.joins);
    if (skips.length) base.skips = skips;
    const [totals] = await db.all<{records: bigint; skipped: bigint; rejected: bigint}>(
      `SELECT count(*) AS records, count(*) FILTER (WHERE _skip) AS skipped, count(*) FILTER (WHERE problem IS NOT NULL AND NOT _skip) AS rejected FROM staged`
    );
    const newRecords = Number(totals.records) + readerRejects + footerLines;
    const recordCount = newRecords + (tail?.previous.read ?? 0);
    const rejected = Number(totals.rejected) + readerRejects + (tail?.previous.rejected ?? 0);
    const skipped = Number(totals.skipped) + footerLines + (tail?.previous.skipped ?? 0);
    const file = literal(p.relativePath);
    const at = `${literal(now.toISOString())}::TIMESTAMPTZ::TIMESTAMP`;
    // An append keeps the earlier rejects (dated as a full load would date them) and adds the new ones.
    if (tail) await db.run(`UPDATE _rejects SET loaded_at = ${at} WHERE file = ${file}`);
    else await db.run(`DELETE FROM _rejects WHERE file = ${file}`);
    await db.run(`INSERT INTO _rejects SELECT ${file}, _line, ${literal(entity)}, problem.column, problem.value, problem.reason, ${at} FROM staged WHERE problem IS NOT NULL AND NOT _skip`);
    if (readerRejects > 0) {
      await db.run(
        `INSERT INTO _rejects SELECT ${file}, line, ${literal(entity)}, first(column_name), left(first(csv_line), 200), ${readerReasonSql("first(error_type)")}, ${at} FROM reader_rejects GROUP BY line`
      );
    }
    const reasons = await rejectGroups(db, p.relativePath);
    if (mirror && !tail) await db.run(`DELETE FROM ${entity} WHERE _source = ${file}`); // the file's old rows go with its old version
    if (mirror && !tail && entity === "orders") await removeShaped(db, p.relativePath);
    const kinds = shaped ? await shapedCounts(db, "staged") : undefined;
    if (shaped) await writeShaped(db, "staged", p.relativePath, p.fileConfig);
    const wholeNext = await wholeNextSql(db, entity, tail?.previous.wholeNext ?? null);
    await onOneThread(db, async () => {
      for (const sql of upsertSql(entity, "staged")) await db.run(sql);
    });
    await db.run("DROP TABLE staged");
    const size = statSync(p.path).size;
    await db.run(`DELETE FROM _files WHERE path = ${file}`);
    await db.run(
      `INSERT INTO _files (path, sha256, bytes, source, export, entity, "read", accepted, rejected, skipped, loaded_at, code_version, config_hash, whole_next) VALUES (${file}, ${literal(sha256)}, ${size}, ` +
        `${literal(p.source.name)}, ${literal(p.rule.title)}, ${literal(entity)}, ${recordCount}, ${recordCount - rejected - skipped}, ${rejected}, ${skipped}, ${at}, ` +
        `${literal(codeVersion())}, ${literal(configHash(config, source))}, ${wholeNext === null ? "NULL" : literal(wholeNext)})`
    );
    await logLoad(db, {path: p.relativePath, at, bytes: size, sha256, from: tail?.from ?? 0, records: newRecords, why: whole ?? null});
    const report: FileReport = {
      ...base,
      status: check ? "checked" : "loaded",
      read: recordCount,
      accepted: recordCount - rejected - skipped,
      rejected,
      skipped,
      reasons,
      seconds: (performance.now() - started) / 1000,
      ...(kinds ? {kinds} : {}),
      ...(tail ? {appended: {fromByte: tail.from, fromLine: tail.firstLine, read: newRecords}} : {})
    };
    const described = kinds ? ` (${kinds.orders} orders, ${kinds.returns} returns, ${kinds.guestOrders} guest orders)` : "";
    const lines = kinds?.lines ? ` (${kinds.lines} further lines of an order)` : "";
    const appended = tail ? ` (appended ${newRecords.toLocaleString("en")} new from line ${tail.firstLine.toLocaleString("en")})` : "";
    log(`${p.relativePath}: ${report.read} read${appended}, ${report.accepted} accepted${described}, ${report.rejected} rejected${skipped ? `, ${skipped} skipped${lines}` : ""} (${report.seconds.toFixed(1)} s)`);
    return report;
  } finally {
    if (tailPath) await rm(tailPath, {force: true});
  }
}

/**
 * Why the next load of this file must read it whole, or null, from its rows
 * accepted now: a customer without created_at or region, segment, channel or
 * plan is completed from its orders later (so its row is no longer the
 * file's); NPS scores all within 1–5 so far leave the stars check to the whole file.
 */
async function wholeNextSql(db: Database, entity: Entity, before: string | null): Promise<string | null> {
  if (before !== null) return before;
  const good = "problem IS NULL AND NOT _skip";
  if (entity === "customers") {
    const n = await count(db, `SELECT count(*) FROM staged WHERE ${good} AND (created_at IS NULL OR region IS NULL OR segment IS NULL OR channel IS NULL OR plan IS NULL)`);
    return n > 0 ? "some of its customers lack created_at, region, segment, channel or plan, which their orders fill in" : null;
  }
  if (entity === "nps_responses") {
    const n = await count(db, `SELECT count(*) FROM staged WHERE ${good} AND (score < 1 OR score > 5)`);
    return n === 0 ? "its scores so far all lie in 1-5 (the check for star ratings mapped as NPS reads the whole file)" : null;
  }
  return null;
}

/** One row of the warehouse's ingest log per file loaded: its size and hash then, and how it was read. */
async function logLoad(db: Database, e: {path: string; at: string; bytes: number; sha256: string; from: number; records: number; why: string | null}): Promise<void> {
  await db.run(
    `INSERT INTO _ingest_log VALUES (${e.at}, ${literal(e.path)}, ${e.bytes}, ${literal(e.sha256)}, ${literal(e.from > 0 ? "append" : "whole")}, ${e.from}, ${e.records}, ${e.why === null ? "NULL" : literal(e.why)})`
  );
}

/**
 * An export that holds no record (0 bytes, or a header only) is most often a
 * failed export rather than a business with no data: its previous rows stay
 * (emptyExports "keep", the default) or go ("remove"), and either way the
 * report, the log and the Data quality page (the _files note) say so.
 */
async function emptyExport(
  db: Database,
  p: Plan,
  base: Pick<FileReport, "path" | "source" | "export" | "entity">,
  {check, now, log, sha256, config, what}: {check: boolean; now: Date; log: NonNullable<IngestOptions["log"]>; sha256: string; config: RapportConfig; what: string}
): Promise<FileReport> {
  const file = literal(p.relativePath);
  const previousRows = await count(db, `SELECT count(*) FROM ${p.rule.entity} WHERE _source = ${file}`);
  const kept = config.emptyExports === "keep";
  if (!kept) {
    await db.run(`DELETE FROM ${p.rule.entity} WHERE _source = ${file}`);
    await db.run(`DELETE FROM _rejects WHERE file = ${file}`);
  }
  const rows = `${previousRows.toLocaleString("en")} row${previousRows === 1 ? "" : "s"}`;
  const note = previousRows === 0
    ? `empty (${what}): nothing loaded from it`
    : kept
      ? `empty (${what}): its ${rows} from the previous load were kept`
      : `empty (${what}): its ${rows} from the previous load were removed`;
  log(
    `${p.relativePath}: WARNING the file is empty (${what}); ` +
      (previousRows === 0 ? "nothing loaded from it" : kept ? `its ${rows} from the previous load were kept (set "emptyExports": "remove" in rapport.config.json to remove them)` : `its ${rows} from the previous load were removed ("emptyExports": "remove")`) +
      "; export it again if it should hold data"
  );
  await db.run(`DELETE FROM _files WHERE path = ${file}`);
  await db.run(
    `INSERT INTO _files (path, sha256, bytes, source, export, entity, "read", accepted, rejected, skipped, loaded_at, note) VALUES (${file}, ${literal(sha256)}, ` +
      `${statSync(p.path).size}, ${literal(p.source.name)}, ${literal(p.rule.title)}, ${literal(p.rule.entity)}, 0, 0, 0, 0, ${literal(now.toISOString())}::TIMESTAMPTZ::TIMESTAMP, ${literal(note)})`
  );
  return {...base, status: check ? "checked" : "loaded", read: 0, accepted: 0, rejected: 0, skipped: 0, reasons: [], seconds: 0, empty: {previousRows, kept: previousRows > 0 && kept}};
}

async function createTables(db: Database): Promise<void> {
  for (const entity of loadOrder) await db.run(createTableSql(entity));
  await createShapedTables(db);
  await db.run(`CREATE TABLE IF NOT EXISTS _rejects (file VARCHAR, line BIGINT, entity VARCHAR, "column" VARCHAR, value VARCHAR, reason VARCHAR, loaded_at TIMESTAMP)`);
  await db.run(
    `CREATE TABLE IF NOT EXISTS _files (path VARCHAR, sha256 VARCHAR, bytes BIGINT, source VARCHAR, export VARCHAR, entity VARCHAR, ` +
      `"read" BIGINT, accepted BIGINT, rejected BIGINT, skipped BIGINT, loaded_at TIMESTAMP)`
  );
  await db.run(`ALTER TABLE _files ADD COLUMN IF NOT EXISTS note VARCHAR`); // why a file loaded nothing (an emptied export)
  // What an append-load needs to know it would give what a full load gives (append.ts).
  await db.run(`ALTER TABLE _files ADD COLUMN IF NOT EXISTS code_version VARCHAR; ALTER TABLE _files ADD COLUMN IF NOT EXISTS config_hash VARCHAR; ALTER TABLE _files ADD COLUMN IF NOT EXISTS whole_next VARCHAR`);
  // Every load of every file: its size and hash then, and whether it was read whole (and why) or from byte from_byte on.
  await db.run(`CREATE TABLE IF NOT EXISTS _ingest_log (loaded_at TIMESTAMP, path VARCHAR, bytes BIGINT, sha256 VARCHAR, mode VARCHAR, from_byte BIGINT, records BIGINT, why VARCHAR)`);
}

type ManifestRow = {
  path: string;
  sha256: string;
  source: string;
  export: string;
  entity: Entity;
  bytes: number;
  read: number;
  accepted: number;
  rejected: number;
  skipped: number;
};

const manifestSql = `SELECT path, sha256, source, export, entity, bytes::DOUBLE AS bytes, "read"::DOUBLE AS "read", accepted::DOUBLE AS accepted,
  rejected::DOUBLE AS rejected, skipped::DOUBLE AS skipped FROM _files`;

function fromManifest(m: ManifestRow): FileReport {
  return {path: m.path, source: m.source, export: m.export, entity: m.entity, status: "unchanged", read: m.read, accepted: m.accepted, rejected: m.rejected, skipped: m.skipped, reasons: [], seconds: 0};
}

/**
 * Customers no export describes are derived from their orders (and dropped
 * again when their orders are gone); a missing creation time is the first
 * order's.
 */
async function deriveCustomers(db: Database): Promise<void> {
  // Each step scans every order; the counts (a scan of customers) skip the steps that would change nothing.
  const [state] = await db.all<{derived: number; undated: number}>(
    `SELECT count(*) FILTER (WHERE _derived)::DOUBLE AS derived, count(*) FILTER (WHERE created_at IS NULL)::DOUBLE AS undated FROM customers`
  );
  if (state.derived > 0) await db.run(`DELETE FROM customers WHERE _derived AND id NOT IN (SELECT customer_id FROM orders)`);
  await db.run(`INSERT INTO customers (id, created_at, _source, _derived)
    SELECT customer_id, min(ordered_at), 'derived from orders', true FROM orders
    WHERE customer_id NOT IN (SELECT id FROM customers) GROUP BY customer_id`);
  if (state.undated > 0) {
    await db.run(`UPDATE customers SET created_at = f.first_order FROM (SELECT customer_id, min(ordered_at) AS first_order FROM orders
      WHERE customer_id IN (SELECT id FROM customers WHERE created_at IS NULL) GROUP BY customer_id) f
    WHERE customers.id = f.customer_id AND customers.created_at IS NULL`);
  }
}

/**
 * Runs f with DuckDB on one thread, for the INSERTs of millions of staged rows into a warehouse
 * table. On several threads, such an INSERT (order kept) writes its rows in partly filled row groups,
 * which the CHECKPOINT at the end of the load then reads back, merges and compresses again: on 2 cores,
 * 2M orders took 2.9 s of CPU to insert and 3.1 s to checkpoint, on one thread 2.3 s and 0.01 s,
 * with the same rows in the same order (preserve_insertion_order = false avoids the rewrite too, but
 * not in the file's order).
 */
async function onOneThread<T>(db: Database, f: () => Promise<T>): Promise<T> {
  const [{threads}] = await db.all<{threads: number}>(`SELECT current_setting('threads')::INTEGER AS threads`);
  if (threads <= 1) return f();
  await db.run("SET threads = 1");
  try {
    return await f();
  } finally {
    await db.run(`SET threads = ${threads}`);
  }
}

async function count(db: Database, sql: string): Promise<number> {
  const [row] = await db.all(sql);
  return Number(Object.values(row)[0]);
}

async function expandPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const path = resolve(cwd, p);
    if (!existsSync(path)) throw new IngestError(`${p}: no such file or folder`, "bad-input", p);
    if (statSync(path).isDirectory()) {
      for (const entry of (await readdir(path, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isFile() && !entry.name.startsWith(".") && !entry.name.startsWith("rapport.config") && exportExtensions.test(entry.name)) {
          files.push(join(path, entry.name));
        }
      }
    } else {
      files.push(path);
    }
  }
  return files;
}

async function removeDatabase(path: string): Promise<void> {
  await rm(path, {force: true});
  await rm(`${path}.wal`, {force: true});
}

/** A lookup file's plan: it reports under the entity whose records read it. */
function lookupPlan(path: string, relativePath: string, config: RapportConfig, fileConfig: FileConfig): Plan {
  const consumer = consumerOf(config, fileConfig.name!);
  if (!consumer) {
    throw new IngestError(`${relativePath}: a lookup file no join reads: name it in a field's "from" ({"from": "${fileConfig.name}", "on": ..., "sum": ...}) or remove its files entry`, "bad-input", relativePath);
  }
  const source: SourceDefinition = {name: "config", title: "rapport.config.json", exports: []};
  return {path, relativePath, source, rule: {entity: consumer.entity, title: `${fileConfig.name} (read by ${consumer.matches.join(", ")})`}, fileConfig, lookup: true};
}

/** Lookup files go last (their rows are judged by the records that read them); every plan gets the load's named files. */
function withJoins(plans: Plan[]): void {
  plans.sort((a, b) => Number(a.lookup === true) - Number(b.lookup === true)); // stable: the load order stays
  const named = new Map(
    plans.filter((p) => p.fileConfig?.name).map((p) => [p.fileConfig!.name!, {name: p.fileConfig!.name!, path: p.path, relativePath: p.relativePath, config: p.fileConfig!, readOptions: readOptions(p.path, p.fileConfig)}] as const)
  );
  const joins = {named, consumers: new Map<string, Join[]>()};
  for (const p of plans) p.joins = joins;
}

/** A lookup file's report: its rows judged by the records that read them (see joins.ts). */
async function loadLookupFile(
  db: Database,
  p: Plan,
  {force, check, now, log, sha256}: {force: boolean; check: boolean; now: Date; log: NonNullable<IngestOptions["log"]>; sha256: string}
): Promise<FileReport> {
  const started = performance.now();
  const base = {path: p.relativePath, source: p.source.name, export: p.rule.title, entity: p.rule.entity};
  const file = literal(p.relativePath);
  if (!check && !force) {
    const [previous] = await db.all<{sha256: string; read: number; accepted: number; rejected: number; skipped: number}>(
      `SELECT sha256, "read"::DOUBLE AS "read", accepted::DOUBLE AS accepted, rejected::DOUBLE AS rejected, skipped::DOUBLE AS skipped FROM _files WHERE path = ${file}`
    );
    if (previous?.sha256 === sha256) {
      log(`${p.relativePath}: unchanged since the last load, skipped`);
      return {...base, status: "unchanged", read: previous.read, accepted: previous.accepted, rejected: previous.rejected, skipped: previous.skipped, reasons: [], seconds: 0};
    }
  }
  const joins = p.joins?.consumers.get(p.fileConfig!.name!);
  if (!joins?.length) {
    throw new IngestError(`${p.relativePath}: the files that read this lookup (${p.rule.title}) are not among the exports given; add them, or leave this file out`, "bad-input", p.relativePath);
  }
  const at = `${literal(now.toISOString())}::TIMESTAMPTZ::TIMESTAMP`;
  const {skips, ...counts} = await loadLookup(db, p.joins!.named.get(p.fileConfig!.name!)!, {entity: p.rule.entity, joins}, at);
  await db.run(`DELETE FROM _files WHERE path = ${file}`);
  await db.run(
    `INSERT INTO _files (path, sha256, bytes, source, export, entity, "read", accepted, rejected, skipped, loaded_at) ` +
      `VALUES (${file}, ${literal(sha256)}, ${statSync(p.path).size}, ${literal(p.source.name)}, ${literal(p.rule.title)}, ${literal(p.rule.entity)}, ` +
      `${counts.read}, ${counts.accepted}, ${counts.rejected}, ${counts.skipped}, ${at})`
  );
  const report: FileReport = {...base, status: check ? "checked" : "loaded", ...counts, seconds: (performance.now() - started) / 1000, ...(skips.length ? {skips} : {})};
  const why = skips.length ? ` (${skips.map((s) => `${s.count} ${s.reason}`).join("; ")})` : "";
  log(`${p.relativePath}: ${report.read} read, ${report.accepted} accepted, ${report.rejected} rejected${report.skipped ? `, ${report.skipped} skipped${why}` : ""} (${report.seconds.toFixed(1)} s)`);
  return report;
}
