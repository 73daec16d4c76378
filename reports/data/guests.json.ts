// Guest orders (no customer id) by month: count, revenue, returns and net (src/metrics/revenue.ts), in the
// data set's currency. Counted apart from customers: no cohort, no customer figure includes them.
import {currencySql, guestOrdersSql} from "../../src/metrics/revenue.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const guests = await readWarehouse(async (db) => ({
  currency: (await db.all<{currency: string | null}>(currencySql))[0].currency,
  months: await db.all(guestOrdersSql)
}));
process.stdout.write(JSON.stringify(guests));
