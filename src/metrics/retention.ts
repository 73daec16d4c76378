/**
 * Cohort retention: the triangle as long-form rows, one per cohort × group ×
 * period offset k.
 *
 * - cohort: the period (week, month or quarter, UTC) of a customer's first
 *   completed order; k = 0 is that period, k = 1 the next, ...
 * - customers: the cohort's size; small when below minCohort (default 10).
 * - retained: customers with a completed order in period k; rate = retained /
 *   customers (customer retention).
 * - unbounded: customers with a completed order in period k or later;
 *   unboundedRate = unbounded / customers.
 * - revenue: the cohort's net revenue in period k (completed orders; refunded
 *   and cancelled orders bring nothing); revenueRate = revenue / revenue at k = 0.
 * - churn: of the customers active in period k − 1, the share not active in
 *   period k (undefined at k = 0).
 * - incomplete: period k is not over at the data's last day (asOf): its
 *   figures will still grow, so pages must not read it as a drop.
 * Cells after asOf are not produced. Repeat-purchase rate per cohort (the
 * share who ever ordered on a second day) comes from repeatRateSql.
 */
import {groupSql, periodEndSql, periodSql, periodsBetweenSql, type Breakdown, type Period} from "./periods.js";

export interface CohortOptions {
  period: Period;
  by?: Breakdown;
  minCohort?: number;
}

export function cohortSql({period, by, minCohort = 10}: CohortOptions): string {
  const p = (x: string) => periodSql(period, x);
  return `WITH completed AS (
  SELECT customer_id, ordered_at, amount FROM orders WHERE status = 'completed'
), bounds AS (
  SELECT max(ordered_at)::DATE AS as_of FROM orders
), members AS (
  SELECT f.customer_id, ${p("f.first_at")} AS cohort, ${groupSql(by)} AS "group"
  FROM (SELECT customer_id, min(ordered_at) AS first_at FROM completed GROUP BY customer_id) f
  LEFT JOIN customers c ON c.id = f.customer_id
), activity AS (
  SELECT o.customer_id, ${periodsBetweenSql(period, "m.cohort", p("o.ordered_at"))} AS k, sum(o.amount) AS revenue
  FROM completed o JOIN members m USING (customer_id) GROUP BY ALL
), lasts AS (
  SELECT customer_id, max(k) AS last_k FROM activity GROUP BY customer_id
), sizes AS (
  SELECT cohort, "group", count(*) AS customers FROM members GROUP BY ALL
), grid AS (
  SELECT s.cohort, s."group", s.customers, unnest(range(0, ${periodsBetweenSql(period, "s.cohort", p("b.as_of"))} + 1)) AS k, b.as_of
  FROM sizes s CROSS JOIN bounds b
), cells AS (
  SELECT m.cohort, m."group", a.k, count(*) AS retained, sum(a.revenue) AS revenue
  FROM activity a JOIN members m USING (customer_id) GROUP BY ALL
), unbounded AS (
  SELECT m.cohort, m."group", g.k, count(*) AS unbounded
  FROM members m JOIN lasts l USING (customer_id) JOIN grid g ON g.cohort = m.cohort AND g."group" = m."group" AND l.last_k >= g.k
  GROUP BY ALL
), churned AS (
  SELECT m.cohort, m."group", a.k + 1 AS k, count(*) AS previous, count(*) FILTER (WHERE b.customer_id IS NULL) AS lost
  FROM activity a JOIN members m USING (customer_id)
  LEFT JOIN activity b ON b.customer_id = a.customer_id AND b.k = a.k + 1
  GROUP BY ALL
)
SELECT g.cohort, g."group", g.k::INTEGER AS k,
  g.customers::INTEGER AS customers,
  coalesce(c.retained, 0)::INTEGER AS retained,
  coalesce(c.retained, 0) / g.customers AS rate,
  coalesce(u.unbounded, 0)::INTEGER AS unbounded,
  coalesce(u.unbounded, 0) / g.customers AS "unboundedRate",
  round(coalesce(c.revenue, 0), 2)::DOUBLE AS revenue,
  coalesce(c.revenue, 0) / nullif(first_value(coalesce(c.revenue, 0)) OVER (PARTITION BY g.cohort, g."group" ORDER BY g.k), 0) AS "revenueRate",
  CASE WHEN g.k > 0 THEN coalesce(ch.lost, 0) / nullif(ch.previous, 0) END AS churn,
  g.customers < ${minCohort} AS small,
  ${periodEndSql(period, `(g.cohort + INTERVAL (g.k) ${period})::DATE`)} > g.as_of AS incomplete
FROM grid g
LEFT JOIN cells c ON c.cohort = g.cohort AND c."group" = g."group" AND c.k = g.k
LEFT JOIN unbounded u ON u.cohort = g.cohort AND u."group" = g."group" AND u.k = g.k
LEFT JOIN churned ch ON ch.cohort = g.cohort AND ch."group" = g."group" AND ch.k = g.k
ORDER BY g."group", g.cohort, g.k`;
}

/** Per cohort (and group): its size and the share of customers who ordered on at least two different days. */
export function repeatRateSql({period, by, minCohort = 10}: CohortOptions): string {
  return `WITH days AS (
  SELECT customer_id, min(ordered_at) AS first_at, count(DISTINCT ordered_at::DATE) AS days FROM orders WHERE status = 'completed' GROUP BY customer_id
)
SELECT ${periodSql(period, "d.first_at")} AS cohort, ${groupSql(by)} AS "group", count(*)::INTEGER AS customers,
  (count(*) FILTER (WHERE d.days >= 2))::INTEGER AS repeaters, count(*) FILTER (WHERE d.days >= 2) / count(*) AS "repeatRate",
  count(*) < ${minCohort} AS small
FROM days d LEFT JOIN customers c ON c.id = d.customer_id
GROUP BY ALL ORDER BY "group", cohort`;
}
