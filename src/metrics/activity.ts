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
import {groupSql, type Breakdown} from "./periods.js";

/** SQL over the warehouse's customers and orders tables, returning the rows described above. */
export function monthlyActivitySql(): string {
  return `WITH completed AS (
  SELECT customer_id, ordered_at, amount FROM orders WHERE status = 'completed'
), firsts AS (
  SELECT customer_id, min(ordered_at) AS first_at FROM completed GROUP BY customer_id
), counted AS (
  SELECT
    date_trunc('month', o.ordered_at)::DATE AS month,
    coalesce(c.channel, 'unknown') AS channel,
    coalesce(c.segment, 'unknown') AS segment,
    count(*) AS orders,
    count(DISTINCT o.customer_id) AS active_customers,
    count(DISTINCT o.customer_id) FILTER (WHERE o.ordered_at = f.first_at) AS new_customers,
    sum(o.amount) AS gross, 0 AS returned
  FROM completed o
  JOIN customers c ON c.id = o.customer_id
  JOIN firsts f ON f.customer_id = o.customer_id
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
 * The rows of a month × group table with `hidden`: true for a group of fewer
 * than minGroup active customers, and, when those small groups have fewer than
 * minGroup together, for the smallest of the others too, so that the month's
 * total minus the groups shown never describes fewer than minGroup customers
 * (complementary suppression). Hidden groups are merged into "other" or
 * withheld by the caller.
 */
function complementarySql(table: string, key: string, minGroup: number): string {
  return `SELECT *, active_customers < ${minGroup} OR (small_customers > 0 AND small_customers < ${minGroup} AND size_rank = 1) AS hidden
FROM (
  SELECT *,
    sum(CASE WHEN active_customers < ${minGroup} THEN active_customers ELSE 0 END) OVER (PARTITION BY month) AS small_customers,
    -- 1 for the smallest group of at least minGroup customers (or, when there is none, the smallest group)
    row_number() OVER (PARTITION BY month ORDER BY active_customers < ${minGroup}, active_customers, ${key}) AS size_rank
  FROM ${table}
)`;
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
export function publishedActivitySql({minGroup = 10}: {minGroup?: number} = {}): string {
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
  SELECT month, channel, ${sums} FROM (${monthlyActivitySql()}) GROUP BY month, channel
), merged AS (
  SELECT month, CASE WHEN hidden THEN 'other' ELSE channel END AS channel, ${sums}
  FROM (${complementarySql("base", "channel", minGroup)}) GROUP BY ALL
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
export function groupActivitySql({by, minGroup = 10}: {by: Breakdown; minGroup?: number}): string {
  const shown = (column: string) => `CASE WHEN NOT hidden THEN ${column} END AS ${column}`;
  return `WITH completed AS (
  SELECT customer_id, ordered_at, amount FROM orders WHERE status = 'completed'
), firsts AS (
  SELECT customer_id, min(ordered_at) AS first_at FROM completed GROUP BY customer_id
), parts AS (
  SELECT date_trunc('month', o.ordered_at)::DATE AS month, ${groupSql(by)} AS "group",
    count(*) AS orders,
    count(DISTINCT o.customer_id) AS active_customers,
    count(DISTINCT o.customer_id) FILTER (WHERE o.ordered_at = f.first_at) AS new_customers,
    sum(o.amount) AS gross, 0 AS returned
  FROM completed o JOIN firsts f USING (customer_id) LEFT JOIN customers c ON c.id = o.customer_id
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
FROM (${complementarySql("counted", '"group"', minGroup)}) ORDER BY month, "group"`;
}
