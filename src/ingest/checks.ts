/**
 * Checks on staged records that need the load's context rather than the row
 * alone: dates too far after the load's day. SQL builders, like sql.ts.
 */
import {columnsOf} from "../schema/columns.js";
import type {Entity} from "../schema/model.js";
import {literal} from "../warehouse/duckdb.js";

/**
 * Marks records dated more than `days` after `now` as rejects: a typo'd year
 * (2999-12-31) would otherwise stretch every cohort and period series to that
 * year (the retention loader then runs out of stack). A subscription's
 * ended_at may lie ahead (a planned end), so it is not checked.
 */
export function futureSql(entity: Entity, staged: string, now: Date, days: number): string | undefined {
  const columns = columnsOf(entity).filter((c) => c.kind === "timestamp" && !(entity === "subscriptions" && c.name === "ended_at"));
  if (columns.length === 0) return undefined;
  const limit = new Date(now.getTime() + days * 86_400_000);
  const bound = `${literal(limit.toISOString())}::TIMESTAMPTZ::TIMESTAMP`;
  const day = now.toISOString().slice(0, 10);
  const cases = columns.map(
    (c) =>
      `WHEN "${c.name}" > ${bound} THEN {'column': ${literal(c.name)}, 'value': strftime("${c.name}", '%Y-%m-%d %H:%M:%S'), ` +
      `'reason': ${literal(`in the future: after ${limit.toISOString().slice(0, 10)} (the load's day ${day} + maxDaysInFuture ${days})`)}}`
  );
  return `UPDATE ${staged} SET problem = CASE ${cases.join(" ")} END
WHERE problem IS NULL AND NOT _skip AND (${columns.map((c) => `"${c.name}" > ${bound}`).join(" OR ")})`;
}
