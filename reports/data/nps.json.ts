// NPS per month and per quarter, for all customers and for each segment, region and acquisition channel,
// computed by the same code as `rapport metrics nps --by <breakdown> --period <period>` (src/metrics/nps.ts):
// the figure, its 95% margin, shares and counts of each group, the change against the previous period and
// whether it is larger than chance. Periods with fewer responses than minGroupSize are withheld.
import {computeMetric} from "../../src/cli/metrics.js";
import {loadConfig} from "../../src/config.js";
import type {NpsTrendRow} from "../../src/metrics/nps.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const breakdowns = [undefined, "segment", "region", "channel"] as const;
const rows = await readWarehouse(async (db) => {
  const out: Record<string, unknown>[] = [];
  for (const granularity of ["month", "quarter"] as const) {
    for (const by of breakdowns) {
      const trend = (await computeMetric(db, "nps", {by, period: granularity})) as NpsTrendRow[];
      for (const r of trend) {
        const key = {granularity, by: by ?? "all", group: r.group, period: r.period, responses: r.responses, incomplete: r.incomplete};
        out.push(
          r.responses < minGroupSize
            ? {...key, withheld: true}
            : {
                ...key,
                withheld: false,
                promoters: r.promoters,
                passives: r.passives,
                detractors: r.detractors,
                nps: r.nps,
                moe: r.moe,
                promoterShare: r.promoterShare,
                passiveShare: r.passiveShare,
                detractorShare: r.detractorShare,
                change: r.change ?? null,
                significant: r.significant,
                small: r.small,
                rollingNps: r.rollingNps ?? null
              }
        );
      }
    }
  }
  return out;
});
console.error(`nps: ${rows.length} rows`);
process.stdout.write(JSON.stringify(rows));
