/**
 * nps.json: NPS per month and per quarter, for all customers and for each segment, region and acquisition
 * channel, computed by the same code as `rapport metrics nps --by <breakdown> --period <period>`
 * (src/metrics/nps.ts): the figure, its 95% score interval (low, high), shares and counts of each group, the
 * change against the previous period, its p-value (exact permutation test, npsChangeTest) and whether it is
 * larger than chance: a discovery of Benjamini–Hochberg at 5% over the family of all published changes of
 * one granularity and breakdown (say, every segment's month-on-month change). Cells are withheld by
 * complementary suppression (src/privacy/suppress.ts): a period with fewer responses than minGroupSize, and
 * whatever else would let a total minus the parts shown (the groups of a period, the months of a quarter)
 * give it away. A withheld row publishes no count; a change or rolling figure that involves a withheld
 * period is not published either, and is not in the family.
 */
import {npsTrend} from "../metrics/nps.js";
import type {ResultContext} from "./context.js";
import {npsCells, npsTables} from "./suppressed.js";

const rolling = 3;

export async function nps(context: ResultContext): Promise<string> {
  const cells = await npsCells(context);
  const {log} = context;
  const out: Record<string, unknown>[] = [];
  for (const {granularity, by} of npsTables) {
    const mine = cells.filter((c) => c.granularity === granularity && c.by === by);
    const hidden = new Map(mine.map((c) => [`${c.group}|${c.period.getTime()}`, c.hidden]));
    // npsTrend gives no change or rolling figure that uses a withheld period, and tests the others as one family.
    const trend = npsTrend(mine, {rolling, withheld: (c) => hidden.get(`${c.group}|${c.period.getTime()}`)!});
    trend.forEach((r) => {
      const key = {granularity, by, group: r.group, period: r.period, incomplete: r.incomplete};
      if (hidden.get(`${r.group}|${r.period.getTime()}`)) return void out.push({...key, withheld: true});
      out.push({
        ...key,
        withheld: false,
        responses: r.responses,
        promoters: r.promoters,
        passives: r.passives,
        detractors: r.detractors,
        nps: r.nps,
        low: r.low,
        high: r.high,
        promoterShare: r.promoterShare,
        passiveShare: r.passiveShare,
        detractorShare: r.detractorShare,
        change: r.change ?? null,
        p: r.p ?? null,
        significant: r.significant,
        small: r.small,
        rollingNps: r.rollingNps ?? null
      });
    });
  }
  log(`nps: ${out.length} rows, ${out.filter((r) => r.withheld).length} withheld, ${out.filter((r) => r.significant).length} of ${out.filter((r) => r.change != null).length} changes larger than chance`);
  return JSON.stringify(out);
}
