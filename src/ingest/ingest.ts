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
import {createHash} from "node:crypto";
import {createReadStream, existsSync, openSync, readSync, closeSync, statSync} from "node:fs";
import {copyFile, mkdir, readdir, rename, rm} from "node:fs/promises";
import {basename, dirname, join, relative, resolve} from "node:path";
import {fileConfigFor, type FileConfig, type RapportConfig} from "../config.js";
import {columnsOf} from "../schema/columns.js";
import {loadOrder, type Entity} from "../schema/model.js";
import {literal, withDuckDB, type Database} from "../warehouse/duckdb.js";
import {detectExport} from "./detect.js";
import {IngestError} from "./errors.js";
import type {ExportRule, FieldMapping, SourceDefinition} from "./source.js";
import {applyOrderAttributes, checkCurrencies, createShapedTables, isShaped, removeShaped, shapedCounts, shapedRule, shapeExtras, shapeOrders, writeShaped} from "./lines.js";
import {createTableSql, duplicatesSql, readSql, readerReasonSql, renumberSql, resolveFields, stageSql, unknownCustomerSql, upsertSql} from "./sql.js";

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
  status: "loaded" | "unchanged" | "checked";
  read: number;
  accepted: number;
  rejected: number;
  skipped: number;
  reasons: {reason: string; count: number}[];
  seconds: number;
  /** For orders read with lines, returns or guests (src/ingest/lines.ts): what the accepted records are, and the further lines skipped. */
  kinds?: {orders: number; returns: number; guestOrders: number; lines: number};
}

export interface IngestReport {
  files: FileReport[];
  /** The warehouse written, or null when nothing was written. */
  warehouse: string | null;
  /** Files whose reject share passed the threshold; when not empty, nothing was written. */
  failed: {path: string; share: number}[];
}

const exportExtensions = /\.(csv|tsv|txt|json|ndjson|jsonl|parquet)$/i;

export async function ingest(paths: readonly string[], options: IngestOptions): Promise<IngestReport> {
  const {cwd, config, sources, warehouse, force = false, mirror = false, now = new Date(), log = () => {}} = options;
  const files = await expandPaths(paths, cwd);
  if (files.length === 0) throw new IngestError(`no exports found in ${paths.join(", ")}: expected .csv, .json or .parquet files`);
  const target = warehouse === null ? null : resolve(cwd, warehouse);
  const hashes = new Map(await Promise.all(files.map(async (f) => [f, await hashFile(f)] as const)));
  let removed: string[] = [];
  if (target !== null && existsSync(target)) {
    // A warehouse from before the returns and guest_orders tables is reloaded whole (an empty manifest).
    const manifest = await withDuckDB((db) => db.all<ManifestRow>(`${manifestSql} WHERE (SELECT count(*) FROM returns) + (SELECT count(*) FROM guest_orders) >= 0`), target, {readOnly: true}).catch(() => [] as ManifestRow[]);
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
    if (existsSync(target)) await copyFile(target, work);
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
      const plans = [];
      for (const file of files) plans.push({...(await plan(db, file, cwd, config, sources, options.source)), config});
      plans.sort((a, b) => loadOrder.indexOf(a.rule.entity) - loadOrder.indexOf(b.rule.entity));
      const reports: FileReport[] = [];
      let derived = false;
      for (const [i, p] of plans.entries()) {
        if (!derived && p.rule.entity !== "customers" && p.rule.entity !== "orders") {
          await deriveCustomers(db);
          derived = true;
        }
        const step = `[${i + 1}/${plans.length}]`;
        reports.push(await loadFile(db, p, {force, mirror, check: target === null, now, log: (line, o) => log(`${step} ${line}`, o), sha256: hashes.get(p.path)!}));
      }
      if (!derived) await deriveCustomers(db);
      await applyOrderAttributes(db);
      await checkCurrencies(db);
      await db.run("CHECKPOINT");
      return reports;
    }, work);
    const failed = report
      .filter((f) => f.read > 0 && f.rejected / f.read > config.rejectThreshold)
      .map((f) => ({path: f.path, share: f.rejected / f.read}));
    const written = target === null ? null : options.into === undefined ? target : resolve(cwd, options.into);
    if (written !== null && failed.length === 0) await rename(work, written);
    return {files: report, warehouse: failed.length === 0 ? written : null, failed};
  } finally {
    if (target !== null) await removeDatabase(work);
  }
}

interface Plan {
  path: string;
  relativePath: string;
  source: SourceDefinition;
  rule: ExportRule;
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
  return {...rule, columns, dateFormats, decimal: config.decimal ?? rule.decimal};
}

async function readHeader(db: Database, path: string, relativePath: string, config: FileConfig | undefined): Promise<string[]> {
  const rule: ExportRule = {entity: "orders", title: ""};
  try {
    await db.run(readSql(path, rule, {table: "header_probe", rejectsTable: "header_rejects", ...readOptions(path, config)}));
    const columns = await db.all<{column_name: string}>(`DESCRIBE header_probe`);
    return columns.map((c) => c.column_name).filter((c) => c !== "_line");
  } catch (error) {
    throw unreadable(relativePath, error);
  } finally {
    await db.run("DROP VIEW IF EXISTS header_probe; DROP TABLE IF EXISTS header_rejects; DROP TABLE IF EXISTS header_rejects_scan");
  }
}

function readOptions(path: string, config: FileConfig | undefined): {encoding?: string; delimiter?: string} {
  return {encoding: config?.encoding ?? sniffEncoding(path), delimiter: config?.delimiter ?? (path.toLowerCase().endsWith(".tsv") ? "\t" : undefined)};
}

/** UTF-16 exports (Excel's "Unicode text") start with a byte-order mark. */
function sniffEncoding(path: string): string | undefined {
  const fd = openSync(path, "r");
  try {
    const bom = Buffer.alloc(2);
    readSync(fd, bom, 0, 2, 0);
    return (bom[0] === 0xff && bom[1] === 0xfe) || (bom[0] === 0xfe && bom[1] === 0xff) ? "utf-16" : undefined;
  } finally {
    closeSync(fd);
  }
}

function unreadable(relativePath: string, error: unknown): IngestError {
  const message = (error as Error).message.split("\n")[0];
  return new IngestError(
    `${relativePath}: cannot read this file (${message}). Check that it is a complete CSV, JSON or Parquet export; for CSV in another encoding set "encoding" for it in rapport.config.json.`,
    "bad-input",
    relativePath
  );
}

async function loadFile(db: Database, p: Plan, {force, mirror, check, now, log, sha256}: {force: boolean; mirror: boolean; check: boolean; now: Date; log: NonNullable<IngestOptions["log"]>; sha256: string}): Promise<FileReport> {
  const started = performance.now();
  const {entity} = p.rule;
  const base: Omit<FileReport, "status" | "read" | "accepted" | "rejected" | "skipped" | "reasons" | "seconds"> = {
    path: p.relativePath,
    source: p.source.name,
    export: p.rule.title,
    entity
  };
  if (!check && !force) {
    const [previous] = await db.all<{sha256: string; read: number; accepted: number; rejected: number; skipped: number}>(
      `SELECT sha256, "read"::DOUBLE AS "read", accepted::DOUBLE AS accepted, rejected::DOUBLE AS rejected, skipped::DOUBLE AS skipped FROM _files WHERE path = ${literal(p.relativePath)}`
    );
    if (previous?.sha256 === sha256) {
      log(`${p.relativePath}: unchanged since the last load, skipped`);
      return {...base, status: "unchanged", read: previous.read, accepted: previous.accepted, rejected: previous.rejected, skipped: previous.skipped, reasons: [], seconds: 0};
    }
  }
  if (statSync(p.path).size === 0) {
    log(`${p.relativePath}: WARNING the file is empty; nothing loaded from it (export it again if it should hold data)`);
    return {...base, status: check ? "checked" : "loaded", read: 0, accepted: 0, rejected: 0, skipped: 0, reasons: [], seconds: 0};
  }
  log(`${p.relativePath}: reading as ${p.rule.title} (${p.source.title})…`, {transient: true});
  const read = {table: "raw", rejectsTable: "reader_rejects", ...readOptions(p.path, p.fileConfig)};
  await db.run("DROP TABLE IF EXISTS reader_rejects; DROP TABLE IF EXISTS reader_rejects_scan");
  try {
    await db.run(readSql(p.path, p.rule, read));
  } catch (error) {
    throw unreadable(p.relativePath, error);
  }
  const header = (await db.all<{column_name: string}>("DESCRIBE raw")).map((c) => c.column_name).filter((c) => c !== "_line");
  const fields = resolveFields(entity, p.rule, header);
  for (const spec of columnsOf(entity)) {
    const field = fields.get(spec.name)!;
    if (spec.required && field.raw === undefined && field.mapping.default === undefined) {
      throw new IngestError(
        `${p.relativePath}: missing required column "${spec.name}" for ${p.rule.title} (looked for ${field.from}; the file has ${header.join(", ")}). ` +
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
  try {
    await db.run(stageSql(entity, p.rule, fields, {source: p.relativePath, table: "raw", staged: "staged", header, ...shaping}));
  } catch (error) {
    throw unreadable(p.relativePath, error);
  }
  await db.run("DROP VIEW raw");
  let readerRejects = 0;
  let footerLines = 0;
  if (!p.rule.read && /\.(csv|tsv|txt)$/i.test(p.path)) {
    if (p.rule.footer) {
      // A report's footer stands alone on its lines: not a record, so not a reject.
      await db.run(`CREATE OR REPLACE TEMP TABLE footer_lines AS SELECT DISTINCT line FROM reader_rejects WHERE error_type = 'MISSING COLUMNS' AND regexp_matches(csv_line, ${literal(p.rule.footer.source)}${p.rule.footer.flags.includes("i") ? ", 'i'" : ""})`);
      footerLines = await count(db, "SELECT count(*) FROM footer_lines");
      if (footerLines > 0) await db.run("DELETE FROM reader_rejects WHERE line IN (SELECT line FROM footer_lines)");
    }
    readerRejects = await count(db, "SELECT count(DISTINCT line) FROM reader_rejects");
    if (readerRejects + footerLines > 0) {
      if (footerLines > 0) await db.run("INSERT INTO reader_rejects (line) SELECT line FROM footer_lines"); // renumbering skips them too
      await db.run(renumberSql("staged", "reader_rejects"));
      if (footerLines > 0) await db.run("DELETE FROM reader_rejects WHERE error_type IS NULL");
    }
  }

  if (shaped) await shapeOrders(db, "staged", p.fileConfig, p.config!);
  const distinct = await count(db, "SELECT count(DISTINCT id) = count(*) FROM staged WHERE problem IS NULL AND NOT _skip");
  if (!distinct) await db.run(duplicatesSql(entity, "staged"));
  if (entity !== "customers" && (entity !== "orders" || (await count(db, "SELECT count(*) FROM customers WHERE NOT _derived")) > 0)) {
    await db.run(unknownCustomerSql("staged"));
  }

  const [totals] = await db.all<{records: bigint; skipped: bigint; rejected: bigint}>(
    `SELECT count(*) AS records, count(*) FILTER (WHERE _skip) AS skipped, count(*) FILTER (WHERE problem IS NOT NULL AND NOT _skip) AS rejected FROM staged`
  );
  const reasons = await db.all<{reason: string; count: bigint}>(
    `SELECT reason, count(*) AS count FROM (
       SELECT problem.reason AS reason FROM staged WHERE problem IS NOT NULL AND NOT _skip
       ${readerRejects > 0 ? `UNION ALL SELECT ${readerReasonSql("error_type")} FROM (SELECT DISTINCT line, first(error_type) AS error_type FROM reader_rejects GROUP BY line)` : ""}
     ) GROUP BY reason ORDER BY count DESC, reason`
  );
  const recordCount = Number(totals.records) + readerRejects + footerLines;
  const rejected = Number(totals.rejected) + readerRejects;
  const skipped = Number(totals.skipped) + footerLines;
  const file = literal(p.relativePath);
  const at = `${literal(now.toISOString())}::TIMESTAMPTZ::TIMESTAMP`;
  await db.run(`DELETE FROM _rejects WHERE file = ${file}`);
  await db.run(`INSERT INTO _rejects SELECT ${file}, _line, ${literal(entity)}, problem.column, problem.value, problem.reason, ${at} FROM staged WHERE problem IS NOT NULL AND NOT _skip`);
  if (readerRejects > 0) {
    await db.run(
      `INSERT INTO _rejects SELECT ${file}, line, ${literal(entity)}, first(column_name), left(first(csv_line), 200), ${readerReasonSql("first(error_type)")}, ${at} FROM reader_rejects GROUP BY line`
    );
  }
  if (mirror) await db.run(`DELETE FROM ${entity} WHERE _source = ${file}`); // the file's old rows go with its old version
  if (mirror && entity === "orders") await removeShaped(db, p.relativePath);
  const kinds = shaped ? await shapedCounts(db, "staged") : undefined;
  if (shaped) await writeShaped(db, "staged", p.relativePath, p.fileConfig);
  for (const sql of upsertSql(entity, "staged")) await db.run(sql);
  await db.run("DROP TABLE staged");
  const size = statSync(p.path).size;
  await db.run(`DELETE FROM _files WHERE path = ${file}`);
  await db.run(
    `INSERT INTO _files VALUES (${file}, ${literal(sha256)}, ${size}, ${literal(p.source.name)}, ${literal(p.rule.title)}, ${literal(entity)}, ` +
      `${recordCount}, ${recordCount - rejected - skipped}, ${rejected}, ${skipped}, ${at})`
  );
  const report: FileReport = {
    ...base,
    status: check ? "checked" : "loaded",
    read: recordCount,
    accepted: recordCount - rejected - skipped,
    rejected,
    skipped,
    reasons: reasons.map((r) => ({reason: r.reason, count: Number(r.count)})),
    seconds: (performance.now() - started) / 1000,
    ...(kinds ? {kinds} : {})
  };
  const described = kinds ? ` (${kinds.orders} orders, ${kinds.returns} returns, ${kinds.guestOrders} guest orders)` : "";
  const lines = kinds?.lines ? ` (${kinds.lines} further lines of an order)` : "";
  log(`${p.relativePath}: ${report.read} read, ${report.accepted} accepted${described}, ${report.rejected} rejected${skipped ? `, ${skipped} skipped${lines}` : ""} (${report.seconds.toFixed(1)} s)`);
  return report;
}

async function createTables(db: Database): Promise<void> {
  for (const entity of loadOrder) await db.run(createTableSql(entity));
  await createShapedTables(db);
  await db.run(`CREATE TABLE IF NOT EXISTS _rejects (file VARCHAR, line BIGINT, entity VARCHAR, "column" VARCHAR, value VARCHAR, reason VARCHAR, loaded_at TIMESTAMP)`);
  await db.run(
    `CREATE TABLE IF NOT EXISTS _files (path VARCHAR, sha256 VARCHAR, bytes BIGINT, source VARCHAR, export VARCHAR, entity VARCHAR, ` +
      `"read" BIGINT, accepted BIGINT, rejected BIGINT, skipped BIGINT, loaded_at TIMESTAMP)`
  );
}

type ManifestRow = {
  path: string;
  sha256: string;
  source: string;
  export: string;
  entity: Entity;
  read: number;
  accepted: number;
  rejected: number;
  skipped: number;
};

const manifestSql = `SELECT path, sha256, source, export, entity, "read"::DOUBLE AS "read", accepted::DOUBLE AS accepted,
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
  await db.run(`DELETE FROM customers WHERE _derived AND id NOT IN (SELECT customer_id FROM orders)`);
  await db.run(`INSERT INTO customers (id, created_at, _source, _derived)
    SELECT customer_id, min(ordered_at), 'derived from orders', true FROM orders
    WHERE customer_id NOT IN (SELECT id FROM customers) GROUP BY customer_id`);
  await db.run(`UPDATE customers SET created_at = f.first_order FROM (SELECT customer_id, min(ordered_at) AS first_order FROM orders GROUP BY customer_id) f
    WHERE customers.id = f.customer_id AND customers.created_at IS NULL`);
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

function hashFile(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const hash = createHash("sha256");
    createReadStream(path).on("error", fail).on("data", (chunk) => hash.update(chunk)).on("end", () => ok(hash.digest("hex")));
  });
}

async function removeDatabase(path: string): Promise<void> {
  await rm(path, {force: true});
  await rm(`${path}.wal`, {force: true});
}
