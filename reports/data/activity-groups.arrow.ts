// Monthly orders, customers and revenue per customer segment and per region, as an Arrow IPC stream, for
// the Overview's "Customers" filter (channels are in monthly-activity.arrow). A group with fewer than
// minGroupSize (rapport.config.json, default 10) active customers in a month has its figures withheld.
// Definitions: src/metrics/activity.ts.
import {loadConfig} from "../../src/config.js";
import {toArrowStream} from "../../src/format/arrow.js";
import {groupActivitySql} from "../../src/metrics/activity.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const rows = await readWarehouse(async (db) => [
  ...(await db.all<Record<string, unknown>>(groupActivitySql({by: "segment", minGroup: minGroupSize}))),
  ...(await db.all<Record<string, unknown>>(groupActivitySql({by: "region", minGroup: minGroupSize})))
]);
console.error(`activity-groups: ${rows.length} rows`);
process.stdout.write(toArrowStream(rows));
