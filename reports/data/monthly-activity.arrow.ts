// Monthly orders, customers and revenue, in total and by acquisition channel, as an Arrow IPC stream
// for DuckDB in the browser. Channels with fewer than minGroupSize (rapport.config.json, default 10)
// active customers in a month are merged or withheld, so no figure describes a handful of people.
// Definitions: src/metrics/activity.ts.
import {loadConfig} from "../../src/config.js";
import {toArrowStream} from "../../src/format/arrow.js";
import {publishedActivitySql} from "../../src/metrics/activity.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const rows = await readWarehouse((db) => db.all<Record<string, unknown>>(publishedActivitySql({minGroup: minGroupSize})));
console.error(`monthly-activity: ${rows.length} rows`);
process.stdout.write(toArrowStream(rows));
