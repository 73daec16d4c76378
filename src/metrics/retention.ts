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

export function cohortSql({period, by, minCohort = 10}: CohortOptions): string {
  const p = (x: string) => periodSql(period, x);
  const window = retentionWindow[period];
  return `WITH completed AS (
  SELECT customer_id, ordered_at, amount FROM orders WHERE status = 'completed'
), bounds AS (
  SELECT greatest(max(ordered_at), (SELECT max(returned_at) FROM returns))::DATE AS as_of FROM orders
), members AS (
  SELECT f.customer_id, ${p("f.first_at")} AS cohort, ${groupSql(by)} AS "group"
  FROM (SELECT customer_id, min(ordered_at) AS first_at FROM completed GROUP BY customer_id) f
  ${customersJoinSql(by, "f.customer_id").trimStart()}
), activity AS (
  SELECT o.customer_id, ${periodsBetweenSql(period, "m.cohort", p("o.ordered_at"))} AS k, sum(o.amount) AS revenue
  FROM completed o JOIN members m USING (customer_id) GROUP BY ALL
), refunds AS (
  SELECT m.cohort, m."group", greatest(${periodsBetweenSql(period, "m.cohort", p("r.returned_at"))}, 0) AS k, sum(r.amount) AS returned
  FROM returns r JOIN members m USING (customer_id) GROUP BY ALL
), steps AS (
  -- Each active period of a customer with the next one they were active in.
  SELECT customer_id, k, revenue, lead(k) OVER (PARTITION BY customer_id ORDER BY k) AS next_k, lag(k) OVER (PARTITION BY customer_id ORDER BY k) AS prev_k FROM activity
), window_steps AS (
  -- A customer active in period j counts in the windowed figure of every k from j − ${window} + 1 to j; the ranges
  -- of their active periods overlap, so each starts after the previous active period: +1 there, −1 after j.
  SELECT m.cohort, m."group", k, sum(delta) AS delta FROM (
    SELECT customer_id, greatest(coalesce(prev_k + 1, 0), k - ${window} + 1, 0) AS k, 1 AS delta FROM steps
    UNION ALL
    SELECT customer_id, k + 1 AS k, -1 AS delta FROM steps
  ) JOIN members m USING (customer_id) GROUP BY ALL
), sizes AS (
  SELECT cohort, "group", count(*) AS customers FROM members GROUP BY ALL
), grid AS (
  SELECT s.cohort, s."group", s.customers, unnest(range(0, ${periodsBetweenSql(period, "s.cohort", p("b.as_of"))} + 1)) AS k, b.as_of
  FROM sizes s CROSS JOIN bounds b
), cells AS (
  SELECT m.cohort, m."group", s.k, count(*) AS retained, sum(s.revenue) AS revenue,
    count(*) FILTER (WHERE s.next_k IS DISTINCT FROM s.k + 1) AS lost_next
  FROM steps s JOIN members m USING (customer_id) GROUP BY ALL
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
export function repeatRateSql({period, by, minCohort = 10}: CohortOptions): string {
  return `WITH days AS (
  SELECT customer_id, min(ordered_at) AS first_at, count(DISTINCT ordered_at::DATE) AS days FROM orders WHERE status = 'completed' GROUP BY customer_id
)
SELECT ${periodSql(period, "d.first_at")} AS cohort, ${groupSql(by)} AS "group", count(*)::INTEGER AS customers,
  (count(*) FILTER (WHERE d.days >= 2))::INTEGER AS repeaters, count(*) FILTER (WHERE d.days >= 2) / count(*) AS "repeatRate",
  count(*) < ${minCohort} AS small
FROM days d${customersJoinSql(by, "d.customer_id")}
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
export function churnSql({period, by}: {period: Period; by?: Breakdown}): string {
  return `WITH buyers AS (
  SELECT DISTINCT o.customer_id, ${periodSql(period, "o.ordered_at")} AS period, ${groupSql(by)} AS "group"
  FROM orders o${customersJoinSql(by, "o.customer_id")} WHERE o.status = 'completed'
), periods AS (
  SELECT DISTINCT period FROM buyers
)
SELECT p.period, prev."group",
  count(*)::INTEGER AS buyers_before,
  count(*) FILTER (WHERE now.customer_id IS NULL)::INTEGER AS lost,
  count(*) FILTER (WHERE now.customer_id IS NULL) / count(*) AS churn,
  ${periodEndSql(period, "p.period")} > (SELECT max(ordered_at)::DATE FROM orders) AS incomplete
FROM periods p JOIN buyers prev ON prev.period = (p.period - INTERVAL 1 ${period})::DATE
LEFT JOIN buyers now ON now.customer_id = prev.customer_id AND now.period = p.period
GROUP BY p.period, prev."group" ORDER BY prev."group", p.period`;
}
