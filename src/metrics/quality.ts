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
 *   (rapport.config.json, default 30) older than the build.
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

/** Kinds of data with rows whose latest record is more than staleAfterDays before asOf. */
export function staleSources(coverage: readonly CoverageRow[], asOf: Date, staleAfterDays: number): {entity: string; last: Date; days: number}[] {
  return coverage
    .filter((c) => c.rows > 0 && c.last !== null)
    .map((c) => ({entity: c.entity, last: c.last!, days: Math.floor((asOf.getTime() - c.last!.getTime()) / 86_400_000)}))
    .filter((c) => c.days > staleAfterDays);
}
