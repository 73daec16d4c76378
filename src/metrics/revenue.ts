/**
 * Revenue beside the customers' activity: guest orders, and the currency
 * every amount is in.
 *
 * - guestOrdersSql: per calendar month (UTC), orders with no customer id
 *   (guest checkouts, cash sales; src/ingest/lines.ts) and their money:
 *   orders (completed guest orders), revenue (their amount), returned (guest
 *   returns and credit notes dated in the month) and net = revenue − returned.
 *   Guests are never customers: they are in no cohort, no customer count and
 *   no customer revenue. Months with neither have no row.
 * - currencySql: the one currency of the amounts that count (completed
 *   orders, guest orders, returns), or NULL when no export names one. The
 *   load refuses more than one (checkCurrencies), so there is at most one.
 */
export const guestOrdersSql = `SELECT month, sum(orders)::INTEGER AS orders, round(sum(revenue), 2)::DOUBLE AS revenue,
  round(sum(returned), 2)::DOUBLE AS returned, round(sum(revenue) - sum(returned), 2)::DOUBLE AS net
FROM (
  SELECT date_trunc('month', ordered_at)::DATE AS month, count(*) AS orders, sum(amount) AS revenue, 0 AS returned
  FROM guest_orders WHERE status = 'completed' GROUP BY ALL
  UNION ALL
  SELECT date_trunc('month', returned_at)::DATE, 0, 0, sum(amount) FROM returns WHERE customer_id IS NULL GROUP BY ALL
) GROUP BY month ORDER BY month`;

export const currencySql = `SELECT any_value(upper(currency)) AS currency FROM (
  SELECT currency FROM orders WHERE status = 'completed' AND currency IS NOT NULL
  UNION ALL SELECT currency FROM returns WHERE currency IS NOT NULL
  UNION ALL SELECT currency FROM guest_orders WHERE status = 'completed' AND currency IS NOT NULL
)`;
