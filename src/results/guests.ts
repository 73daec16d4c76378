/**
 * guests.json: guest orders (no customer id) by month: count, revenue, returns and net
 * (src/metrics/revenue.ts), in the data set's currency. Counted apart from customers: no cohort, no customer
 * figure includes them.
 */
import {currencySql, guestOrdersSql} from "../metrics/revenue.js";
import type {ResultContext} from "./context.js";

export async function guests({db}: ResultContext): Promise<string> {
  return JSON.stringify({
    currency: (await db.all<{currency: string | null}>(currencySql))[0].currency,
    months: await db.all(guestOrdersSql)
  });
}
