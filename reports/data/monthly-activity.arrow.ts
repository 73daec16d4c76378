// Monthly orders, customers and revenue, in total and by acquisition channel, as an Arrow IPC stream
// for DuckDB in the browser. Channels with fewer than 10 active customers in a month are merged or
// withheld so that no figure describes a handful of people. Definitions: src/metrics/activity.ts.
import {toArrowStream} from "../../src/format/arrow.js";
import {publishedActivitySql} from "../../src/metrics/activity.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const rows = await readWarehouse((db) => db.all<Record<string, unknown>>(publishedActivitySql()));
console.error(`monthly-activity: ${rows.length} rows`);
process.stdout.write(toArrowStream(rows));
