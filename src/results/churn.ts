/**
 * churn.json: churn per calendar week, month and quarter — of the period before's buyers, the share who
 * bought nothing — for all customers and per segment, region and acquisition channel, as `rapport metrics
 * retention --by <breakdown> --period <period>` prints it under "churn" (src/metrics/retention.ts, churnSql; computed for every breakdown at once with churnSetsSql).
 * A period is withheld by complementary suppression (src/privacy/suppress.ts) when its group had fewer than
 * minGroupSize buyers the period before, or when the all-customer total minus the groups shown would give
 * such a group away; a withheld row publishes no count. (Buyers of a quarter are not the sum of its months'
 * buyers, so only the groups of a period make a line here.)
 */
import {churnSetsSql, customerActivity} from "../metrics/retention.js";
import {periods} from "../metrics/periods.js";
import {periodLines, suppressedRows} from "../privacy/suppress.js";
import type {ResultContext} from "./context.js";

export async function churn({db, log, once, config: {minGroupSize}}: ResultContext): Promise<string> {
  const sources = await customerActivity(db, periods, once);
  const bys = [undefined, "segment", "region", "channel"] as const;
  const selects: string[] = [];
  // Each period's rows for all customers and every breakdown in one pass (churnSetsSql), then a select per breakdown.
  for (const granularity of periods) {
    await db.run(`CREATE OR REPLACE TEMP TABLE _churn_${granularity} AS ${churnSetsSql(granularity, bys, sources)}`);
    for (const by of bys) {
      selects.push(`SELECT '${granularity}' AS granularity, *, buyers_before AS size FROM _churn_${granularity} WHERE "by" = '${by ?? "all"}' ORDER BY "group", period`);
    }
  }
  const cells = await suppressedRows<{granularity: string; by: string; period: Date; group: string; buyers_before: number; lost: number; churn: number; incomplete: boolean}>(db, selects, [periodLines.groups], {minGroup: minGroupSize}).finally(() =>
    db.run(periods.map((p) => `DROP TABLE IF EXISTS _churn_${p}`).join("; "))
  );
  const rows = cells.map((r) => {
    const key = {granularity: r.granularity, by: r.by, group: r.group, period: r.period, incomplete: r.incomplete};
    return r.hidden ? {...key, withheld: true} : {...key, withheld: false, buyers_before: r.buyers_before, lost: r.lost, churn: r.churn};
  });
  log(`churn: ${rows.length} rows, ${rows.filter((r) => r.withheld).length} withheld`);
  return JSON.stringify(rows);
}
