/**
 * Cohort retention: the triangle as long-form rows, one per cohort × group ×
 * period offset k.
 *
 * - cohort: the period (week, month or quarter, UTC) of a customer's first
 *   completed order; k = 0 is that period, k = 1 the next, ...
 * - customers: the cohort's size; small when below minCohort (default 10).
 * - retained: customers with a completed order in period k; rate = retained /
 *   customers (customer retention).
 * - windowed: customers with a completed order in period k or in the
 *   window − 1 periods after it (window = retentionWindow[period]: 4 weeks,
 *   3 months, 2 quarters); windowRate = windowed / customers. Null until the
 *   window's last period is over at asOf, so every cohort is compared over
 *   the same span. (It replaces "ordered in period k or later, up to the end
 *   of the data", whose span shrinks for young cohorts: 62% for November
 *   2023 and 24% for August 2026 one month in, on the sample, mostly because
 *   the older cohort had three years to come back.)
 * - revenue: the cohort's net revenue in period k: completed orders minus the
 *   returns and credit notes dated in period k (refunded and cancelled orders
 *   bring nothing; a return dated before its customer's first order counts in
 *   k = 0, since the cohort has no earlier period); revenueRate = revenue /
 *   revenue at k = 0. Returns are not activity: they change no count.
 * - churn: of the customers active in period k − 1, the share not active in
 *   period k (undefined at k = 0).
 * - incomplete: period k is not over at the data's last day (asOf): its
 *   figures will still grow, so pages must not read it as a drop.
 * Cells after asOf are not produced. Repeat-purchase rate per cohort (the
 * share who ever ordered on a second day) comes from repeatRateSql.
 */
import {customersJoinSql, groupSql, periodEndSql, periodSql, periodsBetweenSql, type Breakdown, type Period} from "./periods.js";

/** How many periods the windowed retention of cohortSql spans, from period k on: about a month to half a year. */
export const retentionWindow: Record<Period, number> = {week: 4, month: 3, quarter: 2};

export interface CohortOptions {
  period: Period;
  by?: Breakdown;
  minCohort?: number;
}

/**
 * Where cohortSql, repeatRateSql and churnSql read each customer's activity from (SQL relations: a table
 * name or a parenthesised subquery). By default each query computes them from the orders itself; a refresh
 * that runs many of these queries (every period × breakdown of the published tables) makes them once as
 * tables (customerActivity), since they do not depend on the breakdown: the grouping of ten million orders
 * by customer and period, not the breakdown, is what costs.
 */
export interface ActivitySources {
  /** firstsSql's rows. */
  firsts?: string;
  /** stepsSql's rows, per period. */
  steps?: Partial<Record<Period, string>>;
}

/**
 * Per customer with a completed order: customer_id, first_at (the first completed order's time) and
 * repeat (whether they completed orders on two or more different days: the first and the last fall on
 * different days, which needs no count of distinct days).
 */
export function firstsSql(): string {
  return `SELECT customer_id, min(ordered_at) AS first_at, max(ordered_at)::DATE > min(ordered_at)::DATE AS repeat FROM orders WHERE status = 'completed' GROUP BY customer_id`;
}

/**
 * Per customer and period they completed an order in: customer_id, cohort (the period of their first
 * completed order), k (periods since the cohort), orders (completed orders in the period), revenue (their
 * amount), and the active periods before and after (prev_k, next_k; null at either end). One row per
 * customer and k (so per customer and calendar period: cohort + k periods). The orders are grouped by
 * customer and period before the cohort is joined: a join of a row per customer and period instead of
 * one per order.
 */
export function stepsSql(period: Period, firsts = `(${firstsSql()})`): string {
  const p = (x: string) => periodSql(period, x);
  return `SELECT customer_id, cohort, k, orders, revenue, lead(k) OVER w AS next_k, lag(k) OVER w AS prev_k FROM (
  SELECT a.customer_id, f.cohort, ${periodsBetweenSql(period, "f.cohort", "a.period")} AS k, a.orders, a.revenue
  FROM (SELECT customer_id, ${p("ordered_at")} AS period, count(*) AS orders, sum(amount) AS revenue FROM orders WHERE status = 'completed' GROUP BY ALL) a
  JOIN (SELECT customer_id, ${p("first_at")} AS cohort FROM ${firsts}) f USING (customer_id)
) WINDOW w AS (PARTITION BY customer_id ORDER BY k)`;
}

const firstsOf = (sources?: ActivitySources) => sources?.firsts ?? `(${firstsSql()})`;
/** The SQL relation of stepsSql's rows for the period: the table of sources, or the subquery. */
export const stepsOf = (period: Period, sources?: ActivitySources) => sources?.steps?.[period] ?? `(${stepsSql(period, firstsOf(sources))})`;

/** A memo as the metric registry's (computed once per key). */
type Memo = <T>(key: string, f: () => Promise<T>) => Promise<T>;

/**
 * Makes the ActivitySources of the periods as temporary tables of db (once per memo and period), for the
 * many cohort, repeat-rate and churn queries of one refresh. The tables hold a row per customer and
 * active period (about the orders' count for weeks); DuckDB spills them past its memory limit.
 */
export async function customerActivity(db: {run(sql: string): Promise<unknown>}, periods: readonly Period[], memo: Memo): Promise<ActivitySources> {
  const firsts = await memo("activity firsts", async () => {
    await db.run(`CREATE OR REPLACE TEMP TABLE _activity_firsts AS ${firstsSql()}`);
    return "_activity_firsts";
  });
  const steps: Partial<Record<Period, string>> = {};
  for (const period of periods) {
    steps[period] = await memo(`activity steps ${period}`, async () => {
      await db.run(`CREATE OR REPLACE TEMP TABLE _activity_steps_${period} AS ${stepsSql(period, firsts)}`);
      return `_activity_steps_${period}`;
    });
  }
  return {firsts, steps};
}

/**
 * cohortSql's rows as a temporary table of db (in its order), made once per memo, period, breakdown and
 * minCohort: a refresh reads the same triangles in several tables (retention.arrow; the monthly ones in clv.json's
 * historical curves, the quarterly ones in the group pages), and each computation joins every customer's periods
 * with their group. Named like customerActivity's tables (and under its memo's prefix), so they go with them.
 */
export async function cohortTable(db: {run(sql: string): Promise<unknown>}, options: CohortOptions, sources: ActivitySources, memo: Memo): Promise<string> {
  const {period, by, minCohort = 10} = options;
  if (!Number.isInteger(minCohort)) throw new Error(`minCohort must be an integer (got ${minCohort})`);
  return memo(`activity cohorts ${period} ${by ?? "all"} ${minCohort}`, async () => {
    const table = `_activity_cohorts_${period}_${by ?? "all"}_${minCohort}`;
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${cohortSql(options, sources)}`);
    return table;
  });
}

export function cohortSql({period, by, minCohort = 10}: CohortOptions, sources?: ActivitySources): string {
  const p = (x: string) => periodSql(period, x);
  const window = retentionWindow[period];
  // The steps carry their cohort: only a breakdown needs each customer's group from the members, a join of a row
  // per customer and active period (for weeks, about one per order) that all customers together do without. A
  // breakdown joins them once (materialized), not once for the windowed counts (twice: the union) and once for the cells.
  const steps = by
    ? `MATERIALIZED (
  SELECT s.customer_id, m.cohort, m."group", s.k, s.revenue, s.next_k, s.prev_k FROM ${stepsOf(period, sources)} s JOIN members m USING (customer_id)
)`
    : `(
  SELECT customer_id, cohort, k, revenue, next_k, prev_k FROM ${stepsOf(period, sources)}
)`;
  const cohortGroup = by ? `s.cohort, s."group"` : `s.cohort, 'all' AS "group"`;
  const stepGroup = by ? `cohort, "group"` : "customer_id, cohort";
  return `WITH bounds AS (
  SELECT greatest(max(ordered_at), (SELECT max(returned_at) FROM returns))::DATE AS as_of FROM orders
), members AS (
  SELECT f.customer_id, ${p("f.first_at")} AS cohort, ${groupSql(by)} AS "group"
  FROM ${firstsOf(sources)} f
  ${customersJoinSql(by, "f.customer_id").trimStart()}
), refunds AS (
  SELECT m.cohort, m."group", greatest(${periodsBetweenSql(period, "m.cohort", p("r.returned_at"))}, 0) AS k, sum(r.amount) AS returned
  FROM returns r JOIN members m USING (customer_id) GROUP BY ALL
), steps AS ${steps}, window_steps AS (
  -- A customer active in period j counts in the windowed figure of every k from j − ${window} + 1 to j; the ranges
  -- of their active periods overlap, so each starts after the previous active period: +1 there, −1 after j.
  SELECT ${cohortGroup}, k, sum(delta) AS delta FROM (
    SELECT ${stepGroup}, greatest(coalesce(prev_k + 1, 0), k - ${window} + 1, 0) AS k, 1 AS delta FROM steps
    UNION ALL
    SELECT ${stepGroup}, k + 1 AS k, -1 AS delta FROM steps
  ) s GROUP BY ALL
), sizes AS (
  SELECT cohort, "group", count(*) AS customers FROM members GROUP BY ALL
), grid AS (
  SELECT s.cohort, s."group", s.customers, unnest(range(0, ${periodsBetweenSql(period, "s.cohort", p("b.as_of"))} + 1)) AS k, b.as_of
  FROM sizes s CROSS JOIN bounds b
), cells AS (
  SELECT ${cohortGroup}, s.k, count(*) AS retained, sum(s.revenue) AS revenue,
    count(*) FILTER (WHERE s.next_k IS DISTINCT FROM s.k + 1) AS lost_next
  FROM steps s GROUP BY ALL
), filled AS (
  SELECT g.*, coalesce(c.retained, 0) AS retained, coalesce(c.revenue, 0) - coalesce(rf.returned, 0) AS revenue,
    sum(coalesce(ws.delta, 0)) OVER (PARTITION BY g.cohort, g."group" ORDER BY g.k) AS windowed,
    lag(coalesce(c.retained, 0)) OVER w AS previous, lag(coalesce(c.lost_next, 0)) OVER w AS lost
  FROM grid g LEFT JOIN cells c ON c.cohort = g.cohort AND c."group" = g."group" AND c.k = g.k
  LEFT JOIN refunds rf ON rf.cohort = g.cohort AND rf."group" = g."group" AND rf.k = g.k
  LEFT JOIN window_steps ws ON ws.cohort = g.cohort AND ws."group" = g."group" AND ws.k = g.k
  WINDOW w AS (PARTITION BY g.cohort, g."group" ORDER BY g.k)
)
SELECT cohort, "group", k::INTEGER AS k,
  customers::INTEGER AS customers,
  retained::INTEGER AS retained,
  retained / customers AS rate,
  CASE WHEN ${periodEndSql(period, `(cohort + INTERVAL (k + ${window - 1}) ${period})::DATE`)} <= as_of THEN windowed::INTEGER END AS windowed,
  CASE WHEN ${periodEndSql(period, `(cohort + INTERVAL (k + ${window - 1}) ${period})::DATE`)} <= as_of THEN windowed / customers END AS "windowRate",
  round(revenue, 2)::DOUBLE AS revenue,
  revenue / nullif(first_value(revenue) OVER (PARTITION BY cohort, "group" ORDER BY k), 0) AS "revenueRate",
  CASE WHEN k > 0 THEN lost / nullif(previous, 0) END AS churn,
  customers < ${minCohort} AS small,
  ${periodEndSql(period, `(cohort + INTERVAL (k) ${period})::DATE`)} > as_of AS incomplete
FROM filled
ORDER BY "group", cohort, k`;
}

/** Per cohort (and group): its size and the share of customers who ordered on at least two different days. */
export function repeatRateSql({period, by, minCohort = 10}: CohortOptions, sources?: ActivitySources): string {
  return `SELECT ${periodSql(period, "d.first_at")} AS cohort, ${groupSql(by)} AS "group", count(*)::INTEGER AS customers,
  (count(*) FILTER (WHERE d.repeat))::INTEGER AS repeaters, count(*) FILTER (WHERE d.repeat) / count(*) AS "repeatRate",
  count(*) < ${minCohort} AS small
FROM ${firstsOf(sources)} d${customersJoinSql(by, "d.customer_id")}
GROUP BY ALL ORDER BY "group", cohort`;
}

/**
 * Recurring-revenue retention from subscriptions, per cohort (the period of a
 * customer's first subscription start) and offset k:
 * - mrr: the cohort's monthly recurring revenue in force at the end of period
 *   k (subscriptions started on or before that day and not ended by it);
 * - nrr (net revenue retention): mrr at k / mrr at k = 0, counting expansion;
 * - grr (gross revenue retention): each customer's mrr capped at their own
 *   k = 0 level, summed, over mrr at k = 0: contraction and churn only.
 * In the subscriptions' currency; incomplete as in cohortSql.
 */
export function mrrRetentionSql({period, by}: {period: Period; by?: Breakdown}): string {
  const p = (x: string) => periodSql(period, x);
  return `WITH bounds AS (
  SELECT greatest(max(started_at), coalesce(max(ended_at), max(started_at)))::DATE AS as_of FROM subscriptions
), members AS (
  SELECT s.customer_id, ${p("min(s.started_at)")} AS cohort, any_value(${groupSql(by)}) AS "group"
  FROM subscriptions s${customersJoinSql(by, "s.customer_id")} GROUP BY s.customer_id
), grid AS (
  SELECT m.customer_id, m.cohort, m."group", unnest(range(0, ${periodsBetweenSql(period, "m.cohort", p("b.as_of"))} + 1)) AS k, b.as_of
  FROM members m CROSS JOIN bounds b
), levels AS (
  SELECT g.customer_id, g.cohort, g."group", g.k, g.as_of,
    coalesce(sum(s.mrr) FILTER (WHERE s.started_at::DATE <= ${periodEndSql(period, `(g.cohort + INTERVAL (g.k) ${period})::DATE`)}
      AND (s.ended_at IS NULL OR s.ended_at::DATE > ${periodEndSql(period, `(g.cohort + INTERVAL (g.k) ${period})::DATE`)})), 0) AS mrr
  FROM grid g LEFT JOIN subscriptions s ON s.customer_id = g.customer_id GROUP BY ALL
), capped AS (
  SELECT *, least(mrr, first_value(mrr) OVER (PARTITION BY customer_id ORDER BY k)) AS kept FROM levels
)
SELECT cohort, "group", k::INTEGER AS k, count(*)::INTEGER AS customers, sum(mrr)::DOUBLE AS mrr,
  sum(mrr) / nullif(first_value(sum(mrr)) OVER w, 0) AS nrr,
  sum(kept) / nullif(first_value(sum(mrr)) OVER w, 0) AS grr,
  ${periodEndSql(period, `(cohort + INTERVAL (k) ${period})::DATE`)} > any_value(as_of) AS incomplete
FROM capped GROUP BY cohort, "group", k
WINDOW w AS (PARTITION BY cohort, "group" ORDER BY k)
ORDER BY "group", cohort, k`;
}

/**
 * Churn per calendar period (and group): of the customers with a completed
 * order in the period before, the share with none in this period (the
 * scorecard's churn, per group). buyers_before and lost are counts of
 * customers; a customer who skips a period and comes back counts as lost in
 * the period skipped. incomplete as in cohortSql.
 */
export function churnSql({period, by}: {period: Period; by?: Breakdown}, sources?: ActivitySources): string {
  return `SELECT * EXCLUDE ("by") FROM (${churnSetsSql(period, [by], sources)}) ORDER BY "group", period`;
}

/**
 * churnSql for all customers (undefined) and several breakdowns at once, in one pass over the customers'
 * periods (GROUPING SETS): its rows with a "by" column first ("all" or the breakdown). The buyers of a
 * period lost in the next are its rows of stepsSql whose next active period is not the next one, so no
 * join of the buyers of one period with those of the next. Periods in which nobody bought have no row.
 */
export function churnSetsSql(period: Period, bys: readonly (Breakdown | undefined)[], sources?: ActivitySources): string {
  const named = bys.filter((b): b is Breakdown => b !== undefined);
  const join = named.length ? customersJoinSql(named[0], "s.customer_id") : "";
  // GROUPING(...) of a set: bit i is 1 when the i-th named breakdown is not in it.
  const grouping = (by: Breakdown | undefined) => named.reduce((g, b, i) => g + (b === by ? 0 : 2 ** (named.length - 1 - i)), 0);
  const sets = bys.map((by) => (by ? `(p.period, s.${by})` : "(p.period)"));
  const byOf = named.length ? `CASE GROUPING(${named.map((b) => `s.${b}`).join(", ")}) ${bys.map((by) => `WHEN ${grouping(by)} THEN '${by ?? "all"}'`).join(" ")} END` : `'all'`;
  const groupOf = named.length ? `coalesce(${named.map((b) => `s.${b}`).join(", ")}, 'all')` : `'all'`;
  return `WITH steps AS (
  SELECT (s.cohort + INTERVAL (s.k) ${period})::DATE AS period, s.k, s.next_k${named.map((b) => `, ${groupSql(b)} AS ${b}`).join("")}
  FROM ${stepsOf(period, sources)} s${join}
), periods AS (
  SELECT DISTINCT period FROM steps
)
SELECT ${byOf} AS "by", p.period, ${groupOf} AS "group",
  count(*)::INTEGER AS buyers_before,
  count(*) FILTER (WHERE s.next_k IS DISTINCT FROM s.k + 1)::INTEGER AS lost,
  count(*) FILTER (WHERE s.next_k IS DISTINCT FROM s.k + 1) / count(*) AS churn,
  ${periodEndSql(period, "p.period")} > (SELECT max(ordered_at)::DATE FROM orders) AS incomplete
FROM periods p JOIN steps s ON s.period = (p.period - INTERVAL 1 ${period})::DATE
GROUP BY GROUPING SETS (${sets.join(", ")})`;
}
