/**
 * Monthly activity: the first table the site shows.
 *
 * One row per calendar month (UTC) × acquisition channel × segment with
 * - orders: completed orders in the month;
 * - active_customers: distinct customers with a completed order in the month;
 * - new_customers: customers whose first completed order fell in the month;
 * - gross_revenue: the amount of completed orders, in the orders' currency.
 *   Refunded orders count nothing (their amount was paid back) and cancelled
 *   orders were never paid;
 * - returned: the amount of the customers' returns and credit notes dated in
 *   the month (src/ingest/lines.ts), whatever month the goods were bought in;
 * - net_revenue: gross_revenue − returned (negative when a month's returns
 *   exceed its purchases).
 * Returns are not activity: a month × group with returns and no order has a
 * row with 0 orders and 0 active customers. Guest orders (no customer) are
 * not here: see src/metrics/revenue.ts.
 * A customer has one channel and one segment, so summing any of these counts
 * over channels or segments gives exact totals (no customer counted twice).
 * Months with no completed order have no row. A customer with no channel or
 * segment (derived from orders alone) is counted under "unknown".
 */
import {complementarySql} from "../privacy/suppress.js";
import {breakdowns, groupSql, type Breakdown} from "./periods.js";
import {stepsOf, type ActivitySources} from "./retention.js";

/**
 * The completed orders of each customer and month with their count, amount and whether the month is the
 * customer's first (stepsSql: one row per customer and month, so a count of rows is a count of distinct
 * customers, and k = 0 marks the month of their first completed order), with a customers join.
 */
function customerMonthsSql(sources: ActivitySources | undefined, join: string): string {
  return `SELECT (s.cohort + INTERVAL (s.k) month)::DATE AS month, s.orders, s.revenue, s.k = 0 AS first, ${breakdowns.map((b) => `c.${b}`).join(", ")}
  FROM ${stepsOf("month", sources)} s ${join} customers c ON c.id = s.customer_id`;
}

/** SQL over the warehouse's customers and orders tables, returning the rows described above. */
export function monthlyActivitySql(sources?: ActivitySources): string {
  return `WITH counted AS (
  SELECT month,
    coalesce(channel, 'unknown') AS channel,
    coalesce(segment, 'unknown') AS segment,
    sum(orders) AS orders,
    count(*) AS active_customers,
    count(*) FILTER (WHERE first) AS new_customers,
    sum(revenue) AS gross, 0 AS returned
  FROM (${customerMonthsSql(sources, "JOIN")})
  GROUP BY ALL
  UNION ALL
  SELECT date_trunc('month', r.returned_at)::DATE, coalesce(c.channel, 'unknown'), coalesce(c.segment, 'unknown'), 0, 0, 0, 0, sum(r.amount)
  FROM returns r LEFT JOIN customers c ON c.id = r.customer_id WHERE r.customer_id IS NOT NULL
  GROUP BY ALL
)
SELECT month, channel, segment,
  sum(orders)::INTEGER AS orders,
  sum(active_customers)::INTEGER AS active_customers,
  sum(new_customers)::INTEGER AS new_customers,
  round(sum(gross), 2)::DOUBLE AS gross_revenue,
  round(sum(returned), 2)::DOUBLE AS returned,
  round(sum(gross) - sum(returned), 2)::DOUBLE AS net_revenue
FROM counted
GROUP BY ALL
ORDER BY month, channel, segment`;
}

/**
 * Monthly activity as the site publishes it: one row per month for all
 * channels together, and one per month and channel in which every row
 * describes at least minGroup (default 10) active customers. Channels with
 * fewer that month are merged into "other"; when those together are still
 * fewer than minGroup, the smallest of the remaining channels joins "other"
 * too, so that no figure, and no difference of two published figures (the
 * month's total minus the channels shown), describes fewer than minGroup
 * customers. A month whose total is below minGroup is withheld whole (null,
 * suppressed). The all-channel rows are exact totals, and the channel rows
 * of a month add up to them.
 */
export function publishedActivitySql({minGroup = 10}: {minGroup?: number} = {}, sources?: ActivitySources): string {
  const sums = `sum(orders)::INTEGER AS orders, sum(active_customers)::INTEGER AS active_customers, sum(new_customers)::INTEGER AS new_customers, sum(gross_revenue)::DOUBLE AS gross_revenue, sum(returned)::DOUBLE AS returned, sum(net_revenue)::DOUBLE AS net_revenue`;
  const publish = (table: string) => `SELECT month, channel,
    CASE WHEN active_customers >= ${minGroup} THEN orders END AS orders,
    CASE WHEN active_customers >= ${minGroup} THEN active_customers END AS active_customers,
    CASE WHEN active_customers >= ${minGroup} THEN new_customers END AS new_customers,
    CASE WHEN active_customers >= ${minGroup} THEN round(net_revenue, 2) END AS net_revenue,
    CASE WHEN active_customers >= ${minGroup} THEN round(gross_revenue, 2) END AS gross_revenue,
    CASE WHEN active_customers >= ${minGroup} THEN round(returned, 2) END AS returned,
    active_customers < ${minGroup} AS suppressed
  FROM ${table}`;
  return `WITH base AS (
  SELECT month, channel, ${sums} FROM (${monthlyActivitySql(sources)}) GROUP BY month, channel
), merged AS (
  SELECT month, CASE WHEN hidden THEN 'other' ELSE channel END AS channel, ${sums}
  FROM (${complementarySql("base", {partition: ["month"], key: "channel", size: "active_customers", minGroup})}) GROUP BY ALL
), totals AS (
  SELECT month, 'All channels' AS channel, ${sums} FROM base GROUP BY month
)
${publish("merged")}
UNION ALL
${publish("totals")}
ORDER BY month, channel`;
}

/**
 * Monthly activity per value of one breakdown (segment or region, say), as
 * the site publishes it: one row per month and group, with the same measures
 * as monthlyActivitySql. A group with fewer than minGroup (default 10) active
 * customers in a month has its figures withheld (null, suppressed), and when
 * the withheld groups have fewer than minGroup together, so has the smallest
 * other group (else the total minus the rest would reveal them); unlike
 * channels on the Overview's stacked chart, groups are not merged, since a
 * reader picks one group at a time. Customers without the breakdown are
 * "unknown".
 */
export function groupActivitySql({by, minGroup = 10}: {by: Breakdown; minGroup?: number}, sources?: ActivitySources): string {
  const shown = (column: string) => `CASE WHEN NOT hidden THEN ${column} END AS ${column}`;
  return `WITH parts AS (
  SELECT month, ${groupSql(by, "c")} AS "group",
    sum(orders) AS orders,
    count(*) AS active_customers,
    count(*) FILTER (WHERE first) AS new_customers,
    sum(revenue) AS gross, 0 AS returned
  FROM (${customerMonthsSql(sources, "LEFT JOIN")}) c
  GROUP BY ALL
  UNION ALL
  SELECT date_trunc('month', r.returned_at)::DATE, ${groupSql(by)}, 0, 0, 0, 0, sum(r.amount)
  FROM returns r LEFT JOIN customers c ON c.id = r.customer_id WHERE r.customer_id IS NOT NULL
  GROUP BY ALL
), counted AS (
  SELECT month, "group", sum(orders)::INTEGER AS orders, sum(active_customers)::INTEGER AS active_customers,
    sum(new_customers)::INTEGER AS new_customers, round(sum(gross) - sum(returned), 2)::DOUBLE AS net_revenue
  FROM parts GROUP BY ALL
)
SELECT month, '${by}' AS "by", "group", ${["orders", "active_customers", "new_customers", "net_revenue"].map(shown).join(", ")},
  hidden AS suppressed
FROM (${complementarySql("counted", {partition: ["month"], key: '"group"', size: "active_customers", minGroup})}) ORDER BY month, "group"`;
}
