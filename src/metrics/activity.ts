/**
 * Monthly activity: the first table the site shows.
 *
 * One row per calendar month (UTC) × acquisition channel × segment with
 * - orders: completed orders in the month;
 * - active_customers: distinct customers with a completed order in the month;
 * - new_customers: customers whose first completed order fell in the month;
 * - net_revenue: the amount of completed orders, in the orders' currency.
 *   Refunded orders count nothing (their amount was paid back) and cancelled
 *   orders were never paid.
 * A customer has one channel and one segment, so summing any of these counts
 * over channels or segments gives exact totals (no customer counted twice).
 * Months with no completed order have no row. A customer with no channel or
 * segment (derived from orders alone) is counted under "unknown".
 */
/** SQL over the warehouse's customers and orders tables, returning the rows described above. */
export function monthlyActivitySql(): string {
  return `WITH completed AS (
  SELECT customer_id, ordered_at, amount FROM orders WHERE status = 'completed'
), firsts AS (
  SELECT customer_id, min(ordered_at) AS first_at FROM completed GROUP BY customer_id
)
SELECT
  date_trunc('month', o.ordered_at)::DATE AS month,
  coalesce(c.channel, 'unknown') AS channel,
  coalesce(c.segment, 'unknown') AS segment,
  count(*)::INTEGER AS orders,
  count(DISTINCT o.customer_id)::INTEGER AS active_customers,
  count(DISTINCT o.customer_id) FILTER (WHERE o.ordered_at = f.first_at)::INTEGER AS new_customers,
  round(sum(o.amount), 2)::DOUBLE AS net_revenue
FROM completed o
JOIN customers c ON c.id = o.customer_id
JOIN firsts f ON f.customer_id = o.customer_id
GROUP BY ALL
ORDER BY month, channel, segment`;
}
