/**
 * Data quality: what every load did, for the Data quality page.
 *
 * - files: per export file, the records read, accepted, rejected and skipped
 *   (read = accepted + rejected + skipped) and when it was loaded;
 * - reasons: per file, each reject reason with its count and the first lines
 *   it occurs on. Rejected values are left out on purpose: they may be
 *   personal data, and the published site must not carry them;
 * - coverage: per entity, the rows in the warehouse and the first and last
 *   time they cover (UTC);
 * - stale: kinds of data whose latest record is more than staleAfterDays
 *   (rapport.config.json, default 30) calendar days behind the newest record
 *   of any kind (newestRecord). Measured against the data, not the build
 *   clock: a bundled or archived data set rebuilt later is not "stale", while
 *   an export that stopped arriving while the others kept coming is. The age
 *   of the whole data set against the build is the footer's "data through".
 */
import {timeColumn, loadOrder} from "../schema/model.js";

export const qualityFilesSql = `SELECT path, source, export, entity, "read"::INTEGER AS "read", accepted::INTEGER AS accepted,
  rejected::INTEGER AS rejected, skipped::INTEGER AS skipped, loaded_at
FROM _files ORDER BY entity, path`;

// Grouped by column and rule (the reason without its line numbers), so one rule is one row however many lines it hit.
export const qualityReasonsSql = `SELECT file, "column", reason, count(*)::INTEGER AS count, list(line::INTEGER ORDER BY line)[1:5] AS first_lines
FROM (SELECT file, line, "column", regexp_replace(reason, 'line \\d+', 'an earlier line', 'g') AS reason FROM _rejects)
GROUP BY file, "column", reason ORDER BY file, count DESC, "column", reason`;

/** Exports that held no record at their last load, and what happened to their previous rows. */
export const emptyFilesSql = `SELECT path, entity, note FROM _files WHERE note IS NOT NULL ORDER BY path`;

export const coverageSql = loadOrder
  .map((entity) => `SELECT '${entity}' AS entity, count(*)::INTEGER AS rows, min(${timeColumn[entity]}) AS first, max(${timeColumn[entity]}) AS last FROM ${entity}`)
  .join("\nUNION ALL\n");

export interface CoverageRow {
  entity: string;
  rows: number;
  first: Date | null;
  last: Date | null;
}

const dayNumber = (d: Date) => Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 86_400_000);

/** The latest record of any kind (the data's as-of date), or null when there are none. */
export function newestRecord(coverage: readonly CoverageRow[]): Date | null {
  const lasts = coverage.filter((c) => c.rows > 0 && c.last !== null).map((c) => +c.last!);
  return lasts.length ? new Date(Math.max(...lasts)) : null;
}

/**
 * Kinds of data with rows whose latest record is more than staleAfterDays calendar days before asOf
 * (pass newestRecord(coverage)). Days are whole UTC calendar days between the two dates, so a record at
 * 00:00 and one at 23:59 of the same day are equally fresh; exactly staleAfterDays behind is not stale.
 */
export function staleSources(coverage: readonly CoverageRow[], asOf: Date, staleAfterDays: number): {entity: string; last: Date; days: number}[] {
  return coverage
    .filter((c) => c.rows > 0 && c.last !== null)
    .map((c) => ({entity: c.entity, last: c.last!, days: dayNumber(asOf) - dayNumber(c.last!)}))
    .filter((c) => c.days > staleAfterDays);
}
