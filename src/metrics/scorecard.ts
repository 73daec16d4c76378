/**
 * The relationship scorecard: six aspects of a customer relationship, one
 * measure each (two for communication), for the latest period that measure's
 * own source covers, against the period before.
 *
 * | aspect        | measure         | definition (population)                                                          | source  | better |
 * |---------------|-----------------|----------------------------------------------------------------------------------|---------|--------|
 * | value         | kept orders     | orders placed in the period that were completed, not refunded or cancelled (orders) | orders  | up     |
 * | trust         | second order    | first-time buyers of the period who ordered again within 90 days (new customers)  | orders  | up     |
 * | loyalty       | kept rhythm     | customers on their own buying rhythm at the period's start who did not lapse in it | orders  | up     |
 * | communication | first response  | Kaplan–Meier median hours to the first answer (tickets opened; open = censored)  | tickets | down   |
 * | communication | resolution      | Kaplan–Meier median hours to resolution (tickets opened; open = censored)         | tickets | down   |
 * | experience    | CSAT satisfied  | ratings of 4–5 ÷ ratings, with the share of tickets rated (ratings)               | tickets | up     |
 * | advocacy      | NPS             | % promoters − % detractors (answers)                                              | NPS     | up     |
 *
 * Rhythm: a customer's usual gap is the median of the days between their
 * distinct order days so far, the last 20 gaps at most (two order days at
 * least); they lapse on the day they pass twice that gap without ordering
 * again. One-time buyers have no rhythm yet: the trust measure is about them.
 *
 * Completeness: a period counts for a measure only when that measure's source
 * covers the period's last day (orders: the last order day; tickets: the last
 * ticket opened; NPS: the last answer); the second order needs 90 more days.
 * Withheld: a period whose population is below minGroup (people, tickets or
 * answers) shows no figure, and is never compared with.
 *
 * Change labels: each measure's change has a p-value (Fisher's exact test for
 * shares, the exact permutation test of npsChangeTest for NPS, the log-rank
 * test for times); Benjamini–Hochberg at q = 0.05 over the scorecard's tests
 * decides which changes are called better or worse. The rest are "no clear
 * change", whatever their sign.
 */
import {npsChangeTest, npsScoreInterval, benjaminiHochberg} from "./npsStats.js";
import {periodSql, type Period} from "./periods.js";
import {wilson} from "./satisfaction.js";
import {kaplanMeier, survivalQuantile} from "./survival.js";
import {fisherExact, logRank, medianInterval} from "./twoSample.js";

export type ScorecardSource = "orders" | "tickets" | "nps";

export interface ScorecardMeasure {
  aspect: "value" | "trust" | "loyalty" | "communication" | "experience" | "advocacy";
  measure: string;
  label: string;
  unit: "hours" | "share" | "points";
  better: "up" | "down";
  source: ScorecardSource;
  /** What the population counts ("orders", "new customers", …). */
  population: string;
  /** Days after the period's end the source must also cover (the second order's 90 days). */
  lagDays: number;
}

/**
 * How many of the latest periods the rhythm and the ticket times are computed for (the rhythm's
 * median gap is computed for the order days that reach into them): the sparkline's twelve, the
 * previous one, the one still running and one to spare.
 */
export const recentPeriods = 15;
/** Days within which a first-time buyer's second order counts for trust. */
export const secondOrderDays = 90;
/** A customer lapses when the time since their last order passes this many times their usual gap. */
export const rhythmFactor = 2;
/**
 * The usual gap is the median of at most this many of the customer's latest gaps: a frequent buyer's pace
 * from years ago says little of today's, and a running median over every earlier gap cost most of the
 * scorecard's time (each order day's median over all the ones before it). Twenty gaps hold a steady pace's
 * median within a few days; customers with 21 order days or fewer (nearly all) are unaffected.
 */
export const rhythmGaps = 20;

export const measures: readonly ScorecardMeasure[] = [
  {aspect: "value", measure: "kept_orders", label: "Orders kept", unit: "share", better: "up", source: "orders", population: "orders", lagDays: 0},
  {aspect: "trust", measure: "second_order", label: "Came back within 90 days", unit: "share", better: "up", source: "orders", population: "first-time buyers", lagDays: secondOrderDays},
  {aspect: "loyalty", measure: "kept_rhythm", label: "Kept their buying rhythm", unit: "share", better: "up", source: "orders", population: "repeat customers", lagDays: 0},
  {aspect: "communication", measure: "first_response", label: "First answer (median)", unit: "hours", better: "down", source: "tickets", population: "tickets", lagDays: 0},
  {aspect: "communication", measure: "resolution", label: "Resolved (median)", unit: "hours", better: "down", source: "tickets", population: "tickets", lagDays: 0},
  {aspect: "experience", measure: "csat_satisfied", label: "Satisfied with support", unit: "share", better: "up", source: "tickets", population: "ratings", lagDays: 0},
  {aspect: "advocacy", measure: "nps", label: "Net Promoter Score", unit: "points", better: "up", source: "nps", population: "answers", lagDays: 0}
];

/** One row: each source's last day (DATE), null for an empty source. */
export function scorecardCoverageSql(): string {
  return `SELECT (SELECT max(ordered_at)::DATE FROM orders) AS orders,
  (SELECT max(opened_at)::DATE FROM tickets) AS tickets,
  (SELECT max(responded_at)::DATE FROM nps_responses) AS nps`;
}

/**
 * Each customer's days with a completed order, one row per customer and day: day, first_at and last_at
 * (the day's first and last completed moments), next and next_at (the customer's next order day and its
 * first moment; null on their last), first_day (their first order day), and lapse on every later day: the
 * day plus twice the customer's usual gap so far (the median of the days between their order days up to
 * this one, the last rhythmGaps of them; twice a median of whole days is whole). It does not depend on the period, so a refresh makes
 * it once for months and quarters (scorecardDays).
 *
 * Window functions over the orders grouped by customer and day, which DuckDB sorts and spills past its
 * memory limit. It replaces per-customer lists of order moments (list(ordered_at ORDER BY ordered_at)
 * grouped by customer), which hold every customer's list in memory at once: at ten million customers that
 * query stopped the site build at a 2 GB cap. Identical rows on the sample and on the bench's million
 * customers. There (machine load about 3, back to back): `rapport metrics scorecard` took 14.7-18.2 s with
 * the lists and 25.2-26.4 s like this (the running median is most of it); scorecard.json, whose three count
 * queries (months, quarters, and the months a quarter's withholding reads) share this table, 37.9 s and
 * 37.6 s; under a 200MB cap the lists ran out of memory and this completed.
 */
export function scorecardDaysSql(): string {
  return `SELECT day, first_at, last_at, next, next_at, gap IS NULL AS first_day,
  day + (${rhythmFactor} * median(gap) OVER (PARTITION BY customer_id ORDER BY day ROWS BETWEEN ${rhythmGaps - 1} PRECEDING AND CURRENT ROW))::INTEGER AS lapse
FROM (
  SELECT customer_id, day, first_at, last_at, lead(day) OVER w AS next, lead(first_at) OVER w AS next_at,
    date_diff('day', lag(day) OVER w, day) AS gap
  FROM (
    SELECT customer_id, ordered_at::DATE AS day, min(ordered_at) AS first_at, max(ordered_at) AS last_at
    FROM orders WHERE status = 'completed' GROUP BY ALL
  )
  WINDOW w AS (PARTITION BY customer_id ORDER BY day)
)`;
}

/** A memo as the metric registry's (computed once per key). */
type Memo = <T>(key: string, f: () => Promise<T>) => Promise<T>;

/** scorecardDaysSql's rows as a temporary table of db, made once per memo; returns its name. */
export function scorecardDays(db: {run(sql: string): Promise<unknown>}, memo: Memo): Promise<string> {
  return memo("scorecard days", async () => {
    await db.run(`CREATE OR REPLACE TEMP TABLE _scorecard_days AS ${scorecardDaysSql()}`);
    return "_scorecard_days";
  });
}

/**
 * Counts per measure and period: k of n for the shares (people: distinct
 * customers behind n), promoters/passives/detractors for NPS. days names a
 * table of scorecardDaysSql's rows (scorecardDays); without it, the query
 * computes them itself.
 *
 * The trust measure reads each customer's first order day: they came back when
 * a later completed order fell on that day, or their next order day's first
 * moment is within 90 days (two orders at the very first moment are one).
 * The order counts per period come from one grouping by period.
 * The rhythm counts the spells (an order day after the first, up to the next)
 * that can count in the latest periods (they reach into them, and the next
 * order day, if any, is in a later period than theirs). A spell counts in every
 * period from the one after its day to the one where it ends (next order day or
 * lapse, whichever comes first), and is lost only in the period of its lapse,
 * when no order came before it: so the spells are grouped by (first period,
 * last period, period lost) and those few groups are joined with the periods.
 */
export function scorecardCountsSql(period: Period = "month", {recent = recentPeriods, days}: {recent?: number; days?: string} = {}): string {
  const p = (x: string) => periodSql(period, x);
  const source = days ?? "days";
  return `WITH ${days ? "" : `days AS MATERIALIZED (\n${scorecardDaysSql()}\n), `}periods AS MATERIALIZED (
  SELECT ${p("ordered_at")} AS period, count(*) FILTER (WHERE status = 'completed') AS kept, count(*) AS orders, count(DISTINCT customer_id) AS people
  FROM orders GROUP BY ALL
), starts AS (
  -- the latest periods with a completed order only
  SELECT period FROM periods WHERE kept > 0 ORDER BY period DESC LIMIT ${recent}
), bounds AS (
  SELECT min(period) AS first_start, max(period) AS last_start FROM starts
), spells AS (
  -- the spells that can count, each with its lapse
  SELECT day, next, lapse FROM ${source}
  WHERE NOT first_day AND day < (SELECT last_start FROM bounds) AND coalesce(next, DATE '9999-12-31') >= (SELECT first_start FROM bounds)
    AND (next IS NULL OR ${p("next")} > ${p("day")})
), spans AS (
  -- a spell counts in each period from the one after its day to the one it ends in (next order day or lapse), and is lost
  -- in its lapse's period when no order came before the lapse
  SELECT greatest(${p("day")} + INTERVAL 1 ${period}, b.first_start)::DATE AS first, least(${p("least(coalesce(next, lapse), lapse)")}, b.last_start) AS last,
    CASE WHEN next IS NULL OR next > lapse THEN ${p("lapse")} END AS lost, count(*) AS spells
  FROM spells CROSS JOIN bounds b GROUP BY ALL
)
SELECT 'kept_orders' AS measure, period, kept::INTEGER AS k, orders::INTEGER AS n, people::INTEGER AS people,
  NULL::INTEGER AS extra, NULL::INTEGER AS promoters, NULL::INTEGER AS passives, NULL::INTEGER AS detractors
FROM periods
UNION ALL
-- a first-time buyer came back when another completed order follows their first within 90 days: later that first day, or
-- on their next order day
SELECT 'second_order', ${p("first_at")}, count(*) FILTER (WHERE last_at > first_at OR next_at <= first_at + INTERVAL ${secondOrderDays} DAY)::INTEGER,
  count(*)::INTEGER, count(*)::INTEGER, NULL, NULL, NULL, NULL
FROM ${source} WHERE first_day GROUP BY ALL
UNION ALL
SELECT 'kept_rhythm', s.period, (sum(spells) - coalesce(sum(spells) FILTER (WHERE lost = s.period), 0))::INTEGER, sum(spells)::INTEGER,
  sum(spells)::INTEGER, NULL, NULL, NULL, NULL
FROM spans JOIN starts s ON s.period BETWEEN spans.first AND spans.last GROUP BY ALL
UNION ALL
SELECT 'csat_satisfied', ${p("opened_at")}, count(*) FILTER (WHERE csat >= 4)::INTEGER, count(csat)::INTEGER,
  count(DISTINCT customer_id) FILTER (WHERE csat IS NOT NULL)::INTEGER, count(*)::INTEGER, NULL, NULL, NULL
FROM tickets GROUP BY ALL
UNION ALL
SELECT 'nps', ${p("responded_at")}, NULL, count(*)::INTEGER, count(*)::INTEGER, NULL,
  count(*) FILTER (WHERE score >= 9)::INTEGER, count(*) FILTER (WHERE score BETWEEN 7 AND 8)::INTEGER, count(*) FILTER (WHERE score <= 6)::INTEGER
FROM nps_responses GROUP BY ALL
ORDER BY measure, period`;
}

/**
 * Tickets' times to the first answer and to resolution, in hours, grouped by
 * period, minute and whether the event happened (a ticket still waiting is
 * censored at the tickets export's last moment), with how many tickets.
 */
export function scorecardDurationsSql(period: Period = "month", {recent = recentPeriods}: {recent?: number} = {}): string {
  const end = `(SELECT max(greatest(opened_at, coalesce(first_response_at, opened_at), coalesce(resolved_at, opened_at))) FROM tickets)`;
  const since = `(SELECT ${periodSql(period, "max(opened_at)")} - INTERVAL ${recent - 1} ${period} FROM tickets)`;
  const hours = (column: string) => `round(date_diff('second', opened_at, coalesce(${column}, ${end})) / 3600.0, 2)`;
  return `SELECT 'first_response' AS measure, ${periodSql(period, "opened_at")} AS period, ${hours("first_response_at")}::DOUBLE AS hours,
  first_response_at IS NOT NULL AS observed, count(*)::INTEGER AS n
FROM tickets WHERE opened_at >= ${since} GROUP BY ALL
UNION ALL
SELECT 'resolution', ${periodSql(period, "opened_at")}, ${hours("resolved_at")}::DOUBLE, resolved_at IS NOT NULL, count(*)::INTEGER
FROM tickets WHERE opened_at >= ${since} GROUP BY ALL
ORDER BY measure, period, hours, observed`;
}

export interface ScorecardCountRow {
  measure: string;
  period: Date;
  k: number | null;
  n: number;
  people: number;
  extra: number | null;
  promoters: number | null;
  passives: number | null;
  detractors: number | null;
}
export interface ScorecardDurationRow {
  measure: string;
  period: Date;
  hours: number;
  observed: boolean;
  n: number;
}
export type ScorecardCoverage = Record<ScorecardSource, Date | null>;

/** One period of one measure. */
export interface ScorecardPoint {
  period: Date;
  /** The figure (share 0–1, hours or NPS points); undefined when withheld or not defined. */
  value: number | undefined;
  /** 95% interval of the figure; high undefined for a median that may be longer than the longest time seen. */
  low: number | undefined;
  high: number | undefined;
  /** Size of the population (orders, first-time buyers, customers, tickets, ratings, answers); not given when withheld. */
  n: number | undefined;
  /** For CSAT: tickets opened, so n / tickets is the rating rate. */
  tickets?: number;
  withheld: boolean;
}

export interface ScorecardRow extends ScorecardMeasure {
  /** The latest complete period (undefined when none is complete). */
  period: Date | undefined;
  /** That period's last day. */
  periodEnd: Date | undefined;
  current: ScorecardPoint | undefined;
  previous: ScorecardPoint | undefined;
  /** Current minus previous (undefined when either is missing or withheld). */
  change: number | undefined;
  /** Two-sided p-value of the change, its Benjamini–Hochberg adjusted value, and the test. */
  p: number | undefined;
  q: number | undefined;
  test: "Fisher's exact test" | "exact permutation test" | "score test" | "log-rank test" | undefined;
  /** Whether the change passed the test after false-discovery control. */
  significant: boolean;
  /** For the better or worse; undefined unless significant. */
  improved: boolean | undefined;
  /** The source's last day: the period after `period` is not complete yet. */
  coveredThrough: Date | undefined;
  /** The complete periods, oldest first, at most `spark`; withheld ones have no value. */
  series: ScorecardPoint[];
}

/**
 * scorecard({counts, durations, coverage}[, {period, minGroup, spark, q}]):
 * the scorecard rows from the three queries' rows. Pure; no clock: a period
 * is complete when the coverage (the data's own last days) reaches its end.
 */
export function scorecard(
  {counts, durations, coverage}: {counts: readonly ScorecardCountRow[]; durations: readonly ScorecardDurationRow[]; coverage: ScorecardCoverage},
  {
    period = "month",
    minGroup = 10,
    spark = 12,
    q = 0.05,
    alsoWithhold = () => false
  }: {period?: Period; minGroup?: number; spark?: number; q?: number; alsoWithhold?: (measure: string, start: Date) => boolean} = {}
): ScorecardRow[] {
  const rows = measures.map((m) => {
    const covered = coverage[m.source] ? new Date(coverage[m.source]!) : undefined;
    const complete = (start: Date) => covered !== undefined && addDays(periodEnd(start, period), m.lagDays) <= covered;
    const isWithheld = (start: Date, size: number) => size < minGroup || alsoWithhold(m.measure, start);
    const points = m.unit === "hours" ? timePoints(durations.filter((d) => d.measure === m.measure), isWithheld) : countPoints(counts.filter((c) => c.measure === m.measure), m, isWithheld);
    const series = points.filter((pt) => complete(pt.period)).sort((a, b) => +a.period - +b.period);
    const current = series.at(-1);
    const previous = current && series.length > 1 && +series.at(-2)!.period === +previousPeriod(current.period, period) ? series.at(-2) : undefined;
    const both = current?.value !== undefined && previous?.value !== undefined;
    const tested = both ? changeTest(m, current!, previous!, counts, durations) : undefined;
    return {
      ...m,
      period: current?.period,
      periodEnd: current && periodEnd(current.period, period),
      current,
      previous,
      change: both ? current!.value! - previous!.value! : undefined,
      p: tested?.p,
      q: undefined as number | undefined,
      test: tested?.test,
      significant: false,
      improved: undefined as boolean | undefined,
      coveredThrough: covered,
      series: series.slice(-spark)
    };
  });
  const {discovery, adjusted} = benjaminiHochberg(rows.map((r) => r.p), q);
  rows.forEach((r, i) => {
    r.q = adjusted[i];
    r.significant = discovery[i] && r.change !== undefined && r.change !== 0;
    r.improved = r.significant ? (r.change! > 0) === (r.better === "up") : undefined;
  });
  return rows;
}

function countPoints(rows: readonly ScorecardCountRow[], m: ScorecardMeasure, isWithheld: (start: Date, size: number) => boolean): ScorecardPoint[] {
  return rows.map((r) => {
    const period = new Date(r.period);
    const withheld = isWithheld(period, Math.min(r.people, r.n));
    if (m.measure === "nps") {
      const c = {promoters: r.promoters ?? 0, passives: r.passives ?? 0, detractors: r.detractors ?? 0};
      const interval = withheld ? undefined : npsScoreInterval(c);
      return {period, value: withheld || r.n === 0 ? undefined : (100 * (c.promoters - c.detractors)) / r.n, low: interval?.low, high: interval?.high, n: withheld ? undefined : r.n, withheld};
    }
    const [low, high] = withheld || r.n === 0 ? [undefined, undefined] : wilson(r.k ?? 0, r.n);
    return {period, value: withheld || r.n === 0 ? undefined : (r.k ?? 0) / r.n, low, high, n: withheld ? undefined : r.n, ...(r.extra !== null && !withheld ? {tickets: r.extra} : {}), withheld};
  });
}

function timePoints(rows: readonly ScorecardDurationRow[], isWithheld: (start: Date, size: number) => boolean): ScorecardPoint[] {
  return [...groupBy(rows, (r) => +new Date(r.period))].map(([t, group]) => {
    const {durations, observed} = expand(group);
    const n = durations.length;
    const withheld = isWithheld(new Date(t), n);
    const steps = kaplanMeier(durations, observed);
    const interval = withheld ? {low: undefined, high: undefined} : medianInterval(steps);
    return {period: new Date(t), value: withheld ? undefined : survivalQuantile(steps, 0.5), low: interval.low, high: interval.high, n: withheld ? undefined : n, withheld};
  });
}

function changeTest(m: ScorecardMeasure, current: ScorecardPoint, previous: ScorecardPoint, counts: readonly ScorecardCountRow[], durations: readonly ScorecardDurationRow[]): {p: number | undefined; test: ScorecardRow["test"]} {
  if (m.unit === "hours") {
    const of = (pt: ScorecardPoint) => expand(durations.filter((d) => d.measure === m.measure && +new Date(d.period) === +pt.period));
    return {p: logRank(of(previous), of(current)), test: "log-rank test"};
  }
  const row = (pt: ScorecardPoint) => counts.find((c) => c.measure === m.measure && +new Date(c.period) === +pt.period)!;
  const [a, b] = [row(previous), row(current)];
  if (m.measure === "nps") {
    const c = (r: ScorecardCountRow) => ({promoters: r.promoters ?? 0, passives: r.passives ?? 0, detractors: r.detractors ?? 0});
    const t = npsChangeTest(c(a), c(b));
    return {p: t?.p, test: t?.method === "normal" ? "score test" : "exact permutation test"};
  }
  return {p: fisherExact(a.k ?? 0, a.n, b.k ?? 0, b.n), test: "Fisher's exact test"};
}

function expand(rows: readonly ScorecardDurationRow[]): {durations: number[]; observed: boolean[]} {
  const durations: number[] = [];
  const observed: boolean[] = [];
  for (const r of rows) for (let i = 0; i < r.n; ++i) (durations.push(r.hours), observed.push(r.observed));
  return {durations, observed};
}

function groupBy<T>(rows: readonly T[], key: (r: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return groups;
}

/**
 * withheldWithin(monthRows): for a quarterly scorecard, whether a quarter holds a month the monthly
 * scorecard publishes as withheld. Such a quarter is withheld too: with its other months shown, the
 * quarter minus them would give the withheld month away (complementary suppression, as in
 * src/privacy/suppress.ts).
 */
export function withheldWithin(monthRows: readonly ScorecardRow[]): (measure: string, start: Date) => boolean {
  const quarters = new Set(monthRows.flatMap((r) => r.series.filter((pt) => pt.withheld).map((pt) => `${r.measure} ${quarterOf(pt.period)}`)));
  return (measure, start) => quarters.has(`${measure} ${quarterOf(start)}`);
}

function quarterOf(d: Date): string {
  const x = new Date(d);
  return `${x.getUTCFullYear()}Q${Math.floor(x.getUTCMonth() / 3)}`;
}

/** The last day (UTC midnight) of the period starting at start. */
export function periodEnd(start: Date, period: Period): Date {
  const d = new Date(start);
  if (period === "week") return addDays(d, 6);
  const months = period === "month" ? 1 : 3;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 0));
}

function previousPeriod(start: Date, period: Period): Date {
  const d = new Date(start);
  if (period === "week") return addDays(d, -7);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (period === "month" ? 1 : 3), 1));
}

function addDays(d: Date, days: number): Date {
  return new Date(+d + days * 86_400_000);
}
