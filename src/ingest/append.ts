/**
 * The day after: most exports grow by a day of new rows at their end. When a
 * file's first N bytes (N its size at the last load) hash the same as the
 * whole file did then, only the rows after byte N are read, checked and
 * appended; the result is exactly what a full load of the file would give
 * (warehouse tables and report), which test/ingest/append.test.ts checks.
 *
 * A check a new row can fail because of the rows before it is run against
 * them: a repeated id against the file's rows already loaded (their id, line
 * and content are in the entity's table); an unknown customer against the
 * customers table, as in a full load. Anything this cannot decide exactly
 * falls back to a full load of the file, and says why in one line:
 * - the file changed before byte N (a row rewritten, a header changed), is
 *   shorter, or did not end with a line break;
 * - the config, rapport's ingest code or DuckDB's version changed since;
 * - the load's clock went back (rows accepted then could be "in the future");
 * - the file's earlier rejects depend on other files or on the day of the
 *   load (unknown customers, dates in the future), or on reading across a
 *   broken quote;
 * - its rows in the warehouse are not the ones it loaded (another export
 *   replaced some by id), or the customers they were checked against changed;
 * - the export is read in a way the tail cannot be read alone: joins, lines
 *   and returns, a named look-up, JSON or Parquet, another encoding.
 */
import {createHash} from "node:crypto";
import {closeSync, createReadStream, createWriteStream, existsSync, openSync, readdirSync, readFileSync, readSync} from "node:fs";
import {once} from "node:events";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import {columnsOf} from "../schema/columns.js";
import type {Entity} from "../schema/model.js";
import {literal, type Database} from "../warehouse/duckdb.js";
import type {ScannedExport} from "./csv.js";

/** What the last load of a file recorded (its _files row). */
export interface Previous {
  sha256: string;
  bytes: number;
  read: number;
  accepted: number;
  rejected: number;
  skipped: number;
  loadedAt: Date;
  codeVersion: string | null;
  configHash: string | null;
  note: string | null;
  /** Why this file's next load must read it whole, found when it was loaded (e.g. customers completed from their orders). */
  wholeNext: string | null;
}

/** How an append-load reads a file: its tail from byte `from`, whose first line is line `firstLine` of the file. */
export interface Tail {
  from: number;
  firstLine: number;
  previous: Previous;
}

let version: string | undefined;

/**
 * A hash of the code that decides what a load accepts and how (the ingest
 * modules, the model, the loaders, the config schema): rows loaded by other
 * code are not mixed with rows loaded by this one.
 */
export function codeVersion(): string {
  if (version !== undefined) return version;
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const hash = createHash("sha256");
  for (const folder of ["src/ingest", "src/schema", "loaders"]) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) if (/\.[cm]?[jt]s$/.test(name)) hash.update(`${folder}/${name}\0`).update(readFileSync(join(dir, name)));
  }
  const config = join(root, "src", "config.ts");
  if (existsSync(config)) hash.update(readFileSync(config));
  return (version = hash.digest("hex").slice(0, 16));
}

/** A hash of what the load was told: the config and a forced source. */
export function configHash(config: unknown, source: string | undefined): string {
  return createHash("sha256").update(JSON.stringify({config, source: source ?? null})).digest("hex").slice(0, 16);
}

/** What a plan needs for tailOf: how the file is read. */
export interface Reading {
  csv: boolean;
  /** Joins, lines/returns/guests, a named look-up, a reader of its own: the tail cannot be read alone. */
  special?: string;
}

/**
 * Whether the file can be loaded by its tail, as far as the file, the config
 * and the code tell (the warehouse's rows are checked by warehouseAllows):
 * the tail, or why not, in words that finish "read whole: …".
 */
export function tailOf(
  scan: ScannedExport,
  previous: Previous | undefined,
  {now, code, config, reading}: {now: Date; code: string; config: string; reading: Reading}
): Tail | {why: string} {
  if (!previous) return {why: "first load of this file"};
  if (previous.note !== null || previous.read === 0) return {why: "its last version held no record"};
  if (!reading.csv) return {why: "only CSV exports are read by their new rows"};
  if (reading.special) return {why: `${reading.special}`};
  if (!scan.csv || scan.csv.encoding !== "utf-8" || !scan.csv.utf8 || scan.csv.loneCr || scan.csv.leadingBlank) return {why: "not plain UTF-8 with LF or CRLF line ends and the header first"};
  if (previous.configHash !== config) return {why: "rapport.config.json (or --source) changed since the last load"};
  if (previous.codeVersion !== code) return {why: "rapport's ingest code changed since the last load"};
  if (now.getTime() < previous.loadedAt.getTime()) return {why: "the load's time is before the last load's"};
  if (!scan.prefix) return {why: `shorter than at the last load (${previous.bytes.toLocaleString("en")} bytes)`};
  if (scan.prefix.sha256 !== previous.sha256) return {why: `changed within its first ${previous.bytes.toLocaleString("en")} bytes (the part loaded last time)`};
  if (!scan.prefix.wholeLines) return {why: "its last line at the last load had no line break, so the new bytes may continue it"};
  return {from: previous.bytes, firstLine: scan.prefix.lines + 1, previous};
}

/**
 * Whether the warehouse still holds what the file's last load left, so that
 * appending gives what a full load would: every accepted row still the file's,
 * and no earlier reject that depends on other files or on the day.
 */
export async function warehouseAllows(db: Database, entity: Entity, file: string, previous: Previous): Promise<string | undefined> {
  const [row] = await db.all<{rows: number; context: number; broken: number}>(
    `SELECT (SELECT count(*) FROM ${entity} WHERE _source = ${literal(file)})::DOUBLE AS rows,
      (SELECT count(*) FROM _rejects WHERE file = ${literal(file)} AND (reason LIKE 'unknown customer%' OR reason LIKE 'in the future:%'))::DOUBLE AS context,
      (SELECT count(*) FROM _rejects WHERE file = ${literal(file)} AND reason LIKE 'broken quoting%')::DOUBLE AS broken`
  );
  if (row.rows !== previous.accepted) return `the warehouse holds ${row.rows.toLocaleString("en")} of its ${previous.accepted.toLocaleString("en")} accepted rows (another export replaced some by id)`;
  if (row.context > 0) return `${row.context.toLocaleString("en")} of its earlier rejects depend on other files or the day (unknown customers, dates in the future)`;
  if (row.broken > 0) return "its earlier part has broken quoting";
  return undefined;
}

/**
 * Writes the file's header line and its bytes from `from` on to `out`: a CSV
 * read_csv (or the normaliser) reads like the file itself, whose line k is
 * the file's line firstLine + k - 2. False when the header is not one line
 * of at most 1 MB (nothing is written then).
 */
export async function writeTail(path: string, from: number, out: string): Promise<boolean> {
  const fd = openSync(path, "r");
  let header: Buffer;
  try {
    const head = Buffer.alloc(Math.min(from, 1 << 20));
    const n = readSync(fd, head, 0, head.length, 0);
    const lf = head.subarray(0, n).indexOf(10);
    // An odd number of quotes: the header's last field runs on over the next line.
    if (lf < 0 || head.subarray(0, lf).filter((b) => b === 34).length % 2 === 1) return false;
    header = head.subarray(0, lf + 1);
  } finally {
    closeSync(fd);
  }
  const writer = createWriteStream(out);
  writer.write(header);
  for await (const chunk of createReadStream(path, {start: from, highWaterMark: 1 << 20})) if (!writer.write(chunk)) await once(writer, "drain");
  writer.end();
  await once(writer, "finish");
  return true;
}

/**
 * Marks the staged rows (the new ones) that repeat an id seen before them:
 * among themselves, or among the file's rows already loaded (their line and
 * content from the entity's table), with the words duplicatesSql uses. Only
 * rows that passed their own checks count, as in a full load: the file's
 * earlier rows that did are exactly its accepted rows (warehouseAllows).
 */
export function appendDuplicatesSql(entity: Entity, staged: string, file: string): string {
  const fields = columnsOf(entity).map((s) => `"${s.name}"`).join(", ");
  return `UPDATE ${staged} SET problem = d.problem FROM (
  SELECT _line, CASE WHEN h = first_h
    THEN {'column': 'id', 'value': id, 'reason': 'repeats line ' || first_line || ' exactly'}
    ELSE {'column': 'id', 'value': id, 'reason': 'duplicate id with different content (first at line ' || first_line || ')'} END AS problem
  FROM (
    SELECT _line, id, h, fresh, first_value(h) OVER w AS first_h, first_value(_line) OVER w AS first_line, row_number() OVER w AS n
    FROM (
      SELECT _line, id, hash(${fields}) AS h, true AS fresh FROM ${staged} WHERE problem IS NULL AND NOT _skip
      UNION ALL
      SELECT _line, id, hash(${fields}) AS h, false AS fresh FROM ${entity}
      WHERE _source = ${literal(file)} AND id IN (SELECT id FROM ${staged} WHERE problem IS NULL AND NOT _skip)
    )
    WINDOW w AS (PARTITION BY id ORDER BY _line)
  ) WHERE n > 1 AND fresh
) d WHERE ${staged}._line = d._line`;
}

/** Whether some new row repeats the id of one of the file's rows already loaded. */
export function repeatsLoadedSql(entity: Entity, staged: string, file: string): string {
  return `SELECT count(*)::DOUBLE AS n FROM ${entity} WHERE _source = ${literal(file)} AND id IN (SELECT id FROM ${staged} WHERE problem IS NULL AND NOT _skip)`;
}
