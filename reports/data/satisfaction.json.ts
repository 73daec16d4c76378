// Satisfaction from star ratings and reviews, per month and per quarter, for all customers and for each
// segment, region and acquisition channel, computed by the same code as `rapport metrics satisfaction`
// (src/metrics/satisfaction.ts): count, mean with its 95% interval, share of the top two boxes with its
// 95% interval. Groups with fewer ratings than minGroupSize in a period are withheld (their count stays).
// A warehouse without ratings gives {ratings: 0, rows: []}, and the page says so.
import {computeMetric} from "../../src/cli/metrics.js";
import {loadConfig} from "../../src/config.js";
import type {SatisfactionRow} from "../../src/metrics/satisfaction.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const breakdowns = [undefined, "segment", "region", "channel"] as const;
const out = await readWarehouse(async (db) => {
  const rows: Record<string, unknown>[] = [];
  for (const granularity of ["month", "quarter"] as const) {
    for (const by of breakdowns) {
      for (const r of (await computeMetric(db, "satisfaction", {by, period: granularity})) as SatisfactionRow[]) {
        const key = {granularity, by: by ?? "all", group: r.group, period: r.period, scaleMin: r.scaleMin, scaleMax: r.scaleMax, ratings: r.ratings, incomplete: r.incomplete};
        rows.push(r.ratings < minGroupSize ? {...key, withheld: true} : {...key, withheld: false, mean: r.mean, meanLow: r.meanLow, meanHigh: r.meanHigh, topTwo: r.topTwo, topTwoShare: r.topTwoShare, topTwoLow: r.topTwoLow, topTwoHigh: r.topTwoHigh});
      }
    }
  }
  const ratings = rows.filter((r) => r.granularity === "month" && r.by === "all").reduce((n, r) => n + (r.ratings as number), 0);
  return {ratings, rows};
});
console.error(`satisfaction: ${out.ratings} ratings, ${out.rows.length} rows`);
process.stdout.write(JSON.stringify(out));
