/**
 * activity-groups.arrow: monthly orders, customers and revenue per customer segment and per region, as an
 * Arrow IPC stream, for the Overview's "Customers" filter (channels are in monthly-activity.arrow). A group
 * with fewer than minGroupSize active customers in a month has its figures withheld. Definitions:
 * src/metrics/activity.ts.
 */
import {toArrowStream} from "../format/arrow.js";
import {groupActivitySql} from "../metrics/activity.js";
import {customerActivity} from "../metrics/retention.js";
import type {ResultContext} from "./context.js";

export async function activityGroups({db, log, once, config: {minGroupSize}}: ResultContext): Promise<Uint8Array> {
  const sources = await customerActivity(db, ["month"], once);
  const rows = [
    ...(await db.all<Record<string, unknown>>(groupActivitySql({by: "segment", minGroup: minGroupSize}, sources))),
    ...(await db.all<Record<string, unknown>>(groupActivitySql({by: "region", minGroup: minGroupSize}, sources)))
  ];
  log(`activity-groups: ${rows.length} rows`);
  return toArrowStream(rows);
}
