/**
 * Historical customer value: what customers have actually spent.
 *
 * - cumulative revenue per customer by cohort: for each cohort (period of the
 *   first completed order) and each month m since that period (0, 1, ...),
 *   the cohort's net revenue in months 0..m divided by its size, in the
 *   orders' currency. Net: completed orders only (refunded ones were paid
 *   back, cancelled ones never paid). Months after the data's last day are
 *   left out; the month holding it is flagged incomplete.
 *   Returns and credit notes dated in a month are taken off it (cohortSql).
 * - revenue to date: per customer, net revenue (completed orders minus
 *   returns and credit notes), completed orders and the
 *   first and last order time (customer-level: for the CLI and models, never
 *   published as is).
 */
import {cohortSql, type ActivitySources} from "./retention.js";
import type {Breakdown} from "./periods.js";

/** cohorts: a relation holding cohortSql's monthly rows for by and minCohort (cohortTable), else computed here. */
export function cumulativeRevenueSql({by, minCohort = 10}: {by?: Breakdown; minCohort?: number} = {}, sources?: ActivitySources, cohorts?: string): string {
  return `SELECT cohort, "group", k AS months, customers, revenue,
  sum(revenue) OVER (PARTITION BY cohort, "group" ORDER BY k) / customers AS "cumulativePerCustomer",
  small, incomplete
FROM ${cohorts ?? `(${cohortSql({period: "month", by, minCohort}, sources)})`}
ORDER BY "group", cohort, months`;
}

export const revenueToDateSql = `SELECT o.customer_id,
  round(coalesce(sum(o.amount) FILTER (WHERE o.status = 'completed'), 0) - coalesce(any_value(r.returned), 0), 2)::DOUBLE AS revenue,
  (count(*) FILTER (WHERE o.status = 'completed'))::INTEGER AS orders,
  min(o.ordered_at) FILTER (WHERE o.status = 'completed') AS first_order,
  max(o.ordered_at) FILTER (WHERE o.status = 'completed') AS last_order
FROM orders o LEFT JOIN (SELECT customer_id, sum(amount) AS returned FROM returns GROUP BY customer_id) r USING (customer_id)
GROUP BY o.customer_id ORDER BY o.customer_id`;
