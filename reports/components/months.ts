/**
 * Which months a page may compare. A nightly refresh almost always ends inside a month: on the 1st,
 * the month holds a day of orders, and set beside the month before (31 days) it reads as a collapse
 * ("net revenue ▼ 92%"). The Overview's cards therefore describe the latest month the data cover in
 * full, against the month before it, and say apart what the month in progress holds so far.
 *
 * Pure (no DOM, no data files), so that it is unit-tested (test/reports/months.test.ts).
 */

const day = 86_400_000;
const monthAfter = (m: Date) => new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));

/**
 * Whether the data cover the month starting at `month` in full: `through` (the latest record's time,
 * freshness.json's latestRecord) falls on or after the month's last day. Without a latest record, every
 * month counts as complete.
 */
export function monthComplete(month: Date, through: Date | string | null | undefined): boolean {
  if (through == null) return true;
  const last = new Date(through);
  const lastDay = Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate());
  return +monthAfter(month) <= lastDay + day;
}

export interface CardMonths<T> {
  /** The latest complete month up to `to`, if any. */
  current?: T;
  /** The latest month before current that the rows hold (the cards name it). */
  previous?: T;
  /** The month in progress (after current, up to `to`), when the data end inside it; days: the days it holds. */
  partial?: {row: T; days: number};
}

/**
 * rows: one row per month (its first day in `month`, UTC), in any order; to: the end of the reader's range
 * (a month counts when it starts on or before it); through: the latest record (see monthComplete).
 */
export function cardMonths<T extends {month: Date}>(rows: readonly T[], {to, through}: {to: Date; through: Date | string | null | undefined}): CardMonths<T> {
  const shown = rows.filter((d) => +d.month <= +to).sort((a, b) => +b.month - +a.month);
  const latest = shown[0];
  const partial = latest && !monthComplete(latest.month, through) ? latest : undefined;
  const [current, previous] = partial ? shown.slice(1) : shown;
  return {
    current,
    previous,
    partial: partial ? {row: partial, days: new Date(through!).getUTCDate()} : undefined
  };
}
