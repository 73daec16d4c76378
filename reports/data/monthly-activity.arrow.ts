// Monthly orders, customers and revenue by channel and segment, as an Arrow
// IPC stream for DuckDB in the browser. Definitions: src/metrics/activity.ts.
import {toArrowStream} from "../../src/format/arrow.js";
import {monthlyActivitySql} from "../../src/metrics/activity.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const rows = await readWarehouse((db) => db.all(monthlyActivitySql()));
console.error(`monthly-activity: ${rows.length} rows`);
process.stdout.write(toArrowStream(rows));
