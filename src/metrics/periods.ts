/**
 * Periods and breakdowns shared by the metric SQL builders: parsing the loose
 * options a page or the CLI passes into a normalised spec, once.
 *
 * Periods are calendar weeks (ISO, starting Monday), months or quarters in
 * UTC, named by their first day. A period is incomplete when the data's last
 * day (asOf) falls before its last day: pages draw it differently so it never
 * looks like a drop.
 */
export type Period = "week" | "month" | "quarter";
export type Breakdown = "segment" | "region" | "channel" | "plan";

export const periods: readonly Period[] = ["week", "month", "quarter"];
export const breakdowns: readonly Breakdown[] = ["segment", "region", "channel", "plan"];

export function parsePeriod(value: unknown = "month"): Period {
  if (periods.includes(value as Period)) return value as Period;
  throw new Error(`invalid period: ${String(value)} (expected week, month or quarter)`);
}

export function parseBreakdown(value: unknown): Breakdown | undefined {
  if (value === undefined || value === null || value === "" || value === "none") return undefined;
  if (breakdowns.includes(value as Breakdown)) return value as Breakdown;
  throw new Error(`invalid breakdown: ${String(value)} (expected segment, region, channel or plan)`);
}

/** SQL for the period (DATE) a timestamp expression falls in. */
export function periodSql(period: Period, expression: string): string {
  return `date_trunc('${period}', ${expression})::DATE`;
}

/** SQL for the number of whole periods from one period start to another. */
export function periodsBetweenSql(period: Period, from: string, to: string): string {
  return period === "week" ? `(date_diff('day', ${from}, ${to}) // 7)` : period === "month" ? `date_diff('month', ${from}, ${to})` : `date_diff('quarter', ${from}, ${to})`;
}

/** SQL for the last day of the period starting at start. */
export function periodEndSql(period: Period, start: string): string {
  return `(${start} + INTERVAL 1 ${period} - INTERVAL 1 DAY)::DATE`;
}

/** SQL for a customer's breakdown value ("all" without a breakdown; "unknown" when missing). */
export function groupSql(by: Breakdown | undefined, alias = "c"): string {
  return by ? `coalesce(${alias}.${by}, 'unknown')` : `'all'`;
}

/**
 * SQL: the LEFT JOIN of the customers a breakdown reads its group from (groupSql), or nothing without
 * a breakdown. Customer ids are unique (ingest), so the join never adds or drops a row: leaving it out
 * for all customers saves a hash join of the whole customer table (half of serviceSql at a million tickets).
 */
export function customersJoinSql(by: Breakdown | undefined, customerId: string, alias = "c"): string {
  return by ? ` LEFT JOIN customers ${alias} ON ${alias}.id = ${customerId}` : "";
}
