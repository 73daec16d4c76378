// Churn per calendar week, month and quarter — of the period before's buyers, the share who bought nothing —
// for all customers and per segment, region and acquisition channel, as `rapport metrics retention --by
// <breakdown> --period <period>` prints it under "churn" (src/metrics/retention.ts, churnSql). A period whose
// group had fewer than minGroupSize buyers the period before is withheld.
import {loadConfig} from "../../src/config.js";
import {churnSql} from "../../src/metrics/retention.js";
import type {Breakdown, Period} from "../../src/metrics/periods.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const rows = await readWarehouse(async (db) => {
  const out: Record<string, unknown>[] = [];
  for (const granularity of ["week", "month", "quarter"] as Period[]) {
    for (const by of [undefined, "segment", "region", "channel"] as (Breakdown | undefined)[]) {
      for (const r of await db.all<{period: Date; group: string; buyers_before: number; lost: number; churn: number; incomplete: boolean}>(churnSql({period: granularity, by}))) {
        const key = {granularity, by: by ?? "all", group: r.group, period: r.period, incomplete: r.incomplete};
        out.push(r.buyers_before < minGroupSize ? {...key, withheld: true} : {...key, withheld: false, buyers_before: r.buyers_before, lost: r.lost, churn: r.churn});
      }
    }
  }
  return out;
});
console.error(`churn: ${rows.length} rows`);
process.stdout.write(JSON.stringify(rows));
