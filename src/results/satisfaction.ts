/**
 * satisfaction.json: satisfaction from star ratings and reviews, per month and per quarter, for all
 * customers and for each segment, region and acquisition channel, computed by the same code as `rapport
 * metrics satisfaction` (src/metrics/satisfaction.ts): count, mean with its 95% interval, share of the top
 * two boxes with its 95% interval. Rows are withheld by complementary suppression (src/privacy/suppress.ts),
 * as nps.json is: a row with fewer ratings than minGroupSize, and whatever else would let a total minus the
 * parts shown (the groups of a period, the months of a quarter, each on one rating scale) give it away. A
 * withheld row publishes no count and no figure. `ratings` is the number of ratings in the published
 * all-customer months; `rows` is empty when the warehouse has no ratings, and the page says so.
 */
import {ratingCountsSql, satisfaction as satisfactionOf, type RatingCountRow} from "../metrics/satisfaction.js";
import {periodLines, suppressedRows, type Line} from "../privacy/suppress.js";
import type {ResultContext} from "./context.js";

const breakdowns = [undefined, "segment", "region", "channel"] as const;
// Ratings on different scales are never added up, so each scale has its own lines.
const onScale = (line: Line): Line => ({...line, partition: [...line.partition, "scale_min", "scale_max"]});

export async function satisfaction({db, log, config: {minGroupSize}}: ResultContext): Promise<string> {
  const out = await (async () => {
    const [{present}] = await db.all<{present: boolean}>(`SELECT count(*) > 0 AS present FROM information_schema.tables WHERE table_name = 'ratings'`);
    if (!present) return {ratings: 0, rows: []};
    const selects = (["month", "quarter"] as const).flatMap((granularity) =>
      breakdowns.map((by) => `SELECT '${granularity}' AS granularity, '${by ?? "all"}' AS "by", *, n AS size FROM (${ratingCountsSql({period: granularity, by})})`)
    );
    const cells = await suppressedRows<RatingCountRow & {granularity: string; by: string}>(db, selects, [onScale(periodLines.groups), onScale(periodLines.monthsOfQuarter)], {minGroup: minGroupSize});
    const rows = cells.map((c) => {
      const key = {granularity: c.granularity, by: c.by, group: c.group, period: c.period, scaleMin: c.scale_min, scaleMax: c.scale_max, incomplete: c.incomplete};
      if (c.hidden) return {...key, withheld: true};
      const [r] = satisfactionOf([c]);
      return {...key, withheld: false, ratings: r.ratings, mean: r.mean, meanLow: r.meanLow, meanHigh: r.meanHigh, topTwo: r.topTwo, topTwoShare: r.topTwoShare, topTwoLow: r.topTwoLow, topTwoHigh: r.topTwoHigh};
    });
    const ratings = rows.filter((r) => r.granularity === "month" && r.by === "all").reduce((n, r) => n + ("ratings" in r ? r.ratings : 0), 0);
    return {ratings, rows};
  })();
  log(`satisfaction: ${out.ratings} ratings published, ${out.rows.length} rows, ${out.rows.filter((r) => r.withheld).length} withheld`);
  return JSON.stringify(out);
}
