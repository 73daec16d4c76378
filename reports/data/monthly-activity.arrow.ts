// Monthly orders, customers and revenue by channel and segment, as an Arrow
// IPC stream for DuckDB in the browser. Definitions: src/metrics/activity.ts.
import {toArrowStream} from "../../src/format/arrow.js";
import {monthlyActivitySql} from "../../src/metrics/activity.js";
import {dataDir} from "../../src/paths.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";

const dir = dataDir();
const rows = await withDuckDB((db) => db.all(monthlyActivitySql(dir)));
console.error(`monthly-activity: ${rows.length} rows from ${dir}`);
process.stdout.write(toArrowStream(rows));
