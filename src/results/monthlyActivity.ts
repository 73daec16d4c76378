/**
 * monthly-activity.arrow: monthly orders, customers and revenue, in total and by acquisition channel, as
 * an Arrow IPC stream for DuckDB in the browser. Channels with fewer than minGroupSize active customers in a
 * month are merged or withheld, so no figure describes a handful of people. Definitions:
 * src/metrics/activity.ts.
 */
import {toArrowStream} from "../format/arrow.js";
import {publishedActivitySql} from "../metrics/activity.js";
import {customerActivity} from "../metrics/retention.js";
import type {ResultContext} from "./context.js";

export async function monthlyActivity({db, log, once, config: {minGroupSize}}: ResultContext): Promise<Uint8Array> {
  const rows = await db.all<Record<string, unknown>>(publishedActivitySql({minGroup: minGroupSize}, await customerActivity(db, ["month"], once)));
  log(`monthly-activity: ${rows.length} rows`);
  return toArrowStream(rows);
}
